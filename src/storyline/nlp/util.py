"""Small helpers shared by the extraction components."""
from __future__ import annotations

import bisect

from spacy.tokens import Doc

from .docdata import Cache


def text_of(doc: Doc) -> str:
    """doc.text, computed once: spaCy rebuilds it from every token on each access."""
    cached = doc.user_data.get("storyline_text")
    if cached is None or cached.value[0] != len(doc):
        cached = doc.user_data["storyline_text"] = Cache((len(doc), doc.text))
    return cached.value[1]


def remember_text(doc: Doc, text: str) -> Doc:
    """Seed text_of's cache with the string the doc was made from."""
    doc.user_data["storyline_text"] = Cache((len(doc), text))
    return doc


class SpanIndex:
    """Items with character `start`/`end`, for the lookups the components make per sentence or
    per trigger: binary search instead of a scan, so long documents stay linear."""

    def __init__(self, items=()):
        self.items = sorted(items, key=lambda x: x.start)
        self.starts = [x.start for x in self.items]
        self.longest = max((x.end - x.start for x in self.items), default=0)

    def within(self, start: int, end: int) -> list:
        """Items that start inside [start, end)."""
        lo, hi = bisect.bisect_left(self.starts, start), bisect.bisect_left(self.starts, end)
        return self.items[lo:hi]

    def covering(self, pos: int) -> list:
        """Items with start <= pos < end."""
        lo = bisect.bisect_left(self.starts, pos - self.longest)
        hi = bisect.bisect_right(self.starts, pos)
        return [x for x in self.items[lo:hi] if x.start <= pos < x.end]


class CharSpan:
    __slots__ = ("start", "end")

    def __init__(self, start: int, end: int):
        self.start, self.end = start, end


def paragraph_index(doc: Doc) -> SpanIndex:
    """The body paragraphs (headings and the live marker left out) as character spans."""
    return SpanIndex(CharSpan(p.start_char, p.end_char) for p in doc._.paragraphs or [])
