"""storyline: Norwegian news articles as a sourced, time-resolved record.

    import storyline
    record = storyline.extract(text, published="2022-03-03")   # a storyline.record.model.Record
    nlp = storyline.load()                                       # the spaCy pipeline itself
"""
from __future__ import annotations

from datetime import date
from functools import lru_cache

__version__ = "0.1.0"


def load(lang: str = "nb", extraction: bool = True):
    """The trained Norwegian spaCy pipeline with storyline's extraction components (offline)."""
    from .nlp import load as _load

    return _load(lang, extraction=extraction)


@lru_cache(maxsize=2)
def _shared_pipeline(lang: str):
    return load(lang)


def extract(text: str, published: str | date | None = None, *, id: str | None = None, title: str | None = None,
            url: str | None = None, source: str | None = None, version: int = 1):
    """The document record of one article. Raises storyline.ingest.text.InputError on bad input."""
    from .ingest.text import check_text, parse_published
    from .record.build import to_record

    if text.startswith("\ufeff"):
        text = text[1:]
    language = check_text(text)
    pub = parse_published(published)
    nlp = _shared_pipeline("nb")
    doc = nlp.make_doc(text)
    doc._.published = pub
    doc = nlp(doc)
    return to_record(doc, language=language, id=id, title=title, url=url, source=source, version=version)


__all__ = ["extract", "load", "__version__"]
