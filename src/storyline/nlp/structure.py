"""Article structure: paragraphs, headings, the live marker, byline and date lines.

Runs before the parser: every paragraph and heading starts a sentence, because news headings
and sub-titles have no final punctuation and would otherwise run into the next sentence.
"""
from __future__ import annotations

import re

import numpy as np
from spacy.attrs import SENT_START
from spacy.language import Language
from spacy.tokens import Doc, Span

from .docdata import HEADINGS, PARAGRAPHS
from .lexicon import words
from .util import text_of

LIVE_MARKER = re.compile(
    r"^\s*(sak(?:en|a)?|artikkel(?:en)?|denne saka?|nyhetssaken)\s+(oppdateres|vert oppdatert|blir oppdatert|er oppdatert)"
    r"|^\s*oppdatert\s|^\s*sist oppdatert|^\s*direkte\s*:",
    re.IGNORECASE,
)
BYLINE = re.compile(r"^\s*(av|tekst|foto|skrevet av)\s*:?\s+[A-ZÆØÅ][\wæøåÆØÅ.-]+(\s+[A-ZÆØÅ][\w.-]+){0,3}\s*(,.*)?$")
DATELINE = re.compile(r"^\s*(publisert|oppdatert|sist endret)\b.*\d", re.IGNORECASE)
HEADING_MAX_WORDS = 12
SENTENCE_END = tuple(".!?:;…\"»)")


def paragraphs(text: str) -> list[tuple[int, int]]:
    """Character spans of the non-empty lines of a text (a line break ends a paragraph)."""
    spans = []
    for m in re.finditer(r"[^\n]+", text):
        s, e = m.span()
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            spans.append((s, e))
    return spans


def line_kind(line: str) -> str:
    """body, heading, live, byline or dateline."""
    if LIVE_MARKER.search(line):
        return "live"
    if DATELINE.match(line):
        return "dateline"
    if BYLINE.match(line):
        return "byline"
    words = line.split()
    if len(words) <= HEADING_MAX_WORDS and not line.rstrip().endswith(SENTENCE_END) and (line[0].isupper() or line[0] in "–-«"):
        return "heading"
    return "body"


ABBREVIATIONS = words("abbreviations")  # lexicon/abbreviations.txt
_BOUNDARY = re.compile(r"[.!?…]+[»\"”)]*\s+(?=[«\"–—-]?\s*[A-ZÆØÅÉ0-9«–—])")


OPENER = re.compile(r"(?<=[\w»”)])\s+(?=(?:" + "|".join(sorted(w.capitalize() for w in words("opening_pronouns")))
                     + r")\s+[a-zæøå])")


def _opened(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """A span cut again where a capitalised pronoun opens a sentence the text ran on into."""
    spans, s = [], start
    for m in OPENER.finditer(text, start, end):
        spans.append((s, m.start()))
        s = m.end()
    spans.append((s, end))
    return spans


def split_sentences(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Sentence spans inside one paragraph: break after . ! ? before a capital, a digit, a
    quote mark or a dash, except after abbreviations (bl.a., kl., f.eks., ca.) and initials;
    and before a capitalised pronoun run on from a lost line ("… av nissar Ho meiner")."""
    return [piece for a, b in _split_at_stops(text, start, end) for piece in _opened(text, a, b)]


def _split_at_stops(text: str, start: int, end: int) -> list[tuple[int, int]]:
    spans, s = [], start
    for m in _BOUNDARY.finditer(text, start, end):
        before = text[s:m.start() + 1]
        word = re.search(r"(\S+?)[.]?$", before.rstrip(".!?…»\"”)"))
        last = (word.group(1) if word else "").casefold().lstrip("(«\"")
        if text[m.start()] == "." and (last in ABBREVIATIONS or (len(last) == 1 and last.isalpha())):
            continue
        e = m.end()
        while e > s and text[e - 1].isspace():
            e -= 1
        spans.append((s, e))
        s = m.end()
    if s < end:
        spans.append((s, end))
    return spans


BUNCHED_HEADING_MAX_WORDS = 5
_ONE_SENTENCE_MARK = re.compile(r"[.!?:;]")


def bunched_heading(line: str) -> bool:
    """A sub-heading that lost its place and gained a full stop, as texts rebuilt from a treebank
    or copied from a page have them, bunched under the title: "Luftslott.", "Sa han unnskyld?".
    Only a short line in a run of headings: the caller checks that the line before is one."""
    words = line.split()
    core = line.rstrip()[:-1]
    return (len(words) <= BUNCHED_HEADING_MAX_WORDS and line.rstrip().endswith((".", "?"))
            and not _ONE_SENTENCE_MARK.search(core) and (line[0].isupper() or line[0] in "–-«\""))


# A sentence of news is far shorter (the longest of the dev set's and our own 883 has 70 tokens);
# a text without sentence breaks is cut into pieces no longer than this, so that every rule that
# looks across a sentence stays linear in the text (a 24,000-character run took 51 s, now 1.3 s)
MAX_SENTENCE_TOKENS = 120
CLAUSE_BREAKS = {",", ";", ":", "–", "—"}


def bounded_starts(doc: Doc, start: int, end: int, limit: int = MAX_SENTENCE_TOKENS) -> list[int]:
    """Where to start extra sentences in tokens start..end so that none is longer than `limit`:
    after the last clause break in the second half of each piece, else at the limit."""
    starts, s = [], start
    while end - s > limit:
        cut = next((i + 1 for i in range(s + limit - 1, s + limit // 2 - 1, -1) if doc[i].text in CLAUSE_BREAKS),
                   s + limit)
        starts.append(cut)
        s = cut
    return starts


def _span(doc: Doc, start: int, end: int) -> Span | None:
    return doc.char_span(start, end, alignment_mode="expand")


@Language.factory("storyline_structure", default_config={"max_sentence_tokens": MAX_SENTENCE_TOKENS},
                  assigns=["doc.spans", "doc._.live", "token.is_sent_start"])
def create_structure(nlp: Language, name: str, max_sentence_tokens: int):
    """`max_sentence_tokens`: the longest sentence a text without breaks is cut into."""
    def structure_component(doc: Doc) -> Doc:
        return structure(doc, max_sentence_tokens)

    return structure_component


def structure(doc: Doc, max_sentence_tokens: int = MAX_SENTENCE_TOKENS) -> Doc:
    """Headings, body paragraphs, the live marker and sentence starts of a doc."""
    headings, body, live = [], [], False
    parsed = doc.has_annotation("DEP")  # a doc joined from parsed chunks keeps its sentences
    text = text_of(doc)
    # 1 starts a sentence, -1 does not, 0 is left to the parser; set in one call, since spaCy's
    # per-token setter rescans the whole doc each time
    sent_starts = np.zeros(len(doc), dtype=np.int64)
    previous = None  # the kind of the paragraph before
    for start, end in paragraphs(text):
        span = _span(doc, start, end)
        if span is None or not len(span):
            continue
        kind = line_kind(text[start:end])
        if kind == "body" and previous == "heading" and bunched_heading(text[start:end]):
            kind = "heading"
            if text[end - 1] == "." and (shorter := _span(doc, start, end - 1)) is not None and len(shorter):
                span = shorter if shorter.end < span.end else span  # the heading without its full stop
        previous = kind
        if not parsed:
            sent_starts[span.start:span.end] = -1
            for a, b in split_sentences(text, start, end):
                sentence = doc.char_span(a, b, alignment_mode="expand")
                sent_starts[sentence.start] = 1
                sent_starts[bounded_starts(doc, sentence.start, sentence.end, max_sentence_tokens)] = 1
            if span.end < len(doc):
                sent_starts[span.end] = 1
        if kind == "live":
            live = True
        elif kind == "heading":
            headings.append(span)
            continue
        if kind == "body":
            body.append(span)
    if not parsed:
        doc.from_array([SENT_START], sent_starts.astype(np.uint64))
    doc.spans[HEADINGS] = headings
    doc.spans[PARAGRAPHS] = body
    doc._.live = live
    return doc
