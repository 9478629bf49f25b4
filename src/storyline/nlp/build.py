"""From a processed Doc to the document record."""
from __future__ import annotations

import hashlib
from datetime import date

from spacy.tokens import Doc

from ..record.model import DocumentInfo, Heading, Record
from .util import text_of

# Facts of one kind that one document may yield: far above any article (the longest of ours has
# 60 figures), so only a text that is no article meets it; the record says when it does
MAX_FACTS = 2000


def capped(kind: str, facts: list, limits: list[str]) -> list:
    if len(facts) <= MAX_FACTS:
        return facts
    limits.append(f"{kind}: the first {MAX_FACTS:,} of {len(facts):,} kept")
    return facts[:MAX_FACTS]


def doc_id(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:16]


def to_record(doc: Doc, *, language: str = "nb", id: str | None = None, title: str | None = None,
              url: str | None = None, source: str | None = None, version: int = 1) -> Record:
    published = doc._.published
    text = text_of(doc)
    first = doc._.headings[0] if doc._.headings else None
    if title is None and first is not None and not text[:first.start_char].strip():
        title = first.text.strip()  # the headline: a heading the text opens with
    info = DocumentInfo(
        id=id or doc_id(text), title=title, url=url, source=source,
        published=published.isoformat() if isinstance(published, date) else published,
        language=language, live=bool(doc._.live), version=version,
    )
    limits: list[str] = []
    quotes = capped("quotes", doc._.quotes or [], limits)
    figures = capped("figures", doc._.figures or [], limits)
    kept = {f.id for f in figures} | {q.id for q in quotes}  # a contradiction names only facts kept
    contradictions = capped("contradictions", [c for c in doc._.contradictions or []
                                               if all(x in kept for x in c.figures + c.quotes)], limits)
    return Record(
        document=info,
        text=text,
        headings=[Heading(start=h.start_char, end=h.end_char, text=h.text) for h in doc._.headings],
        entities=doc._.entities or [],
        timexes=doc._.timexes or [],
        quotes=quotes,
        figures=figures,
        events=capped("events", doc._.events or [], limits),
        contradictions=contradictions,
        limits=limits,
    )
