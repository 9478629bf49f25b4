"""From a processed Doc to the document record."""
from __future__ import annotations

import hashlib
from datetime import date

from spacy.tokens import Doc

from ..nlp.util import text_of
from .model import DocumentInfo, Heading, Record


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
    return Record(
        document=info,
        text=text_of(doc),
        headings=[Heading(start=h.start_char, end=h.end_char, text=h.text) for h in doc._.headings],
        entities=doc._.entities or [],
        timexes=doc._.timexes or [],
        quotes=doc._.quotes or [],
        figures=doc._.figures or [],
        events=doc._.events or [],
        contradictions=doc._.contradictions or [],
    )
