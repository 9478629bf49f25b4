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
    doc = process(_shared_pipeline("nb"), text, pub)
    return to_record(doc, language=language, id=id, title=title, url=url, source=source, version=version)


CHUNK_CHARS = 100_000


def chunks(text: str, size: int = CHUNK_CHARS) -> list[str]:
    """Pieces of at most about `size` characters, cut at line breaks, that join back to `text`."""
    out, start = [], 0
    while len(text) - start > size:
        cut = text.rfind("\n", start + size // 2, start + size)
        cut = cut + 1 if cut >= 0 else start + size
        out.append(text[start:cut])
        start = cut
    out.append(text[start:])
    return out


def process(nlp, text: str, published: date | None):
    """Run the pipeline on a text of any length: long texts go through the statistical
    components in chunks (bounded memory), then extraction runs over the whole document."""
    from spacy.tokens import Doc

    if len(text) <= CHUNK_CHARS:
        doc = nlp.make_doc(text)
        doc._.published = published
        return nlp(doc)
    extraction = [n for n in nlp.pipe_names if n.startswith("storyline_") and n != "storyline_structure"]
    with nlp.select_pipes(disable=extraction):
        parts = list(nlp.pipe(chunks(text)))
    for part in parts:  # caches of the chunks are not the whole document's
        part.user_data.clear()
    doc = Doc.from_docs(parts, ensure_whitespace=False)
    doc._.published = published
    for name in ["storyline_structure", *extraction]:
        doc = nlp.get_pipe(name)(doc)
    return doc


__all__ = ["extract", "load", "__version__"]
