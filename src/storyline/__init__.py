"""storyline: Norwegian news articles as a sourced, time-resolved record.

    import storyline
    record = storyline.extract(text, published="2022-03-03")   # a storyline.record.model.Record
    nlp = storyline.load()                                       # the spaCy pipeline itself
"""
from __future__ import annotations

import os
import signal
import threading
import time
from contextlib import contextmanager
from datetime import date
from functools import lru_cache

__version__ = "0.1.0"


def load(lang: str = "nb", extraction: bool = True, pipeline: str | None = None):
    """The trained Norwegian spaCy pipeline with storyline's extraction components (offline).
    pipeline="e5" reads tags, parse and names with the fine-tuned encoder, "cnn" with the faster
    CNN pipeline (default: $STORYLINE_PIPELINE, else `nlp.DEFAULT_PIPELINE`)."""
    from .nlp import load as _load

    return _load(lang, extraction=extraction, pipeline=pipeline)


@lru_cache(maxsize=4)
def _shared_pipeline(lang: str, pipeline: str):
    return load(lang, pipeline=pipeline)


@lru_cache(maxsize=4)  # asked once per article; the answer only changes with the installed models
def _pipeline_lang(lang: str) -> str:
    from .nlp import has_model

    return lang if has_model(lang) else "nb"


def pipeline_for(lang: str, pipeline: str | None = None):
    """The shared pipeline for a detected language: Nynorsk text gets the Nynorsk pipeline when
    one ships (storyline/models/nn), otherwise the Bokmål one."""
    from .nlp import pipeline_choice

    pipeline = pipeline_choice(pipeline)
    return _shared_pipeline(_pipeline_lang(lang), pipeline)


def extract(text: str, published: str | date | None = None, *, id: str | None = None, title: str | None = None,
            url: str | None = None, source: str | None = None, version: int = 1, pipeline: str | None = None):
    """The document record of one article. Raises storyline.ingest.text.InputError on bad input.
    `pipeline` picks the statistical pipeline, as in `load`."""
    from .ingest.text import InputError

    record = next(extract_many([{"text": text, "published": published, "id": id, "title": title, "url": url,
                                 "source": source, "version": version}], batch_size=1, pipeline=pipeline))
    if isinstance(record, InputError):
        raise record
    return record


DOCUMENT_SECONDS = 60  # the time one article of a batch may take (a long news article takes 2 s)


def extract_many(articles, batch_size: int = 8, pipeline: str | None = None, seconds: float | None = None,
                 megabytes: float | None = None):
    """Records of many articles, in order: an iterable of dicts with `text` and optionally
    `published`, `id`, `title`, `url`, `source`. Yields a Record, or the InputError of an
    article that cannot be processed. Batching makes the statistical components faster.
    `seconds`: the time each article may take (in the main thread; the batch as a whole may
    take that times its size); `megabytes`: the memory it may add to the process (the batch as a
    whole too). One over its budget fails alone, its batch goes on."""
    chunk: list[dict] = []
    for a in articles:
        chunk.append(a)
        if len(chunk) == batch_size:
            yield from _extract_chunk(chunk, batch_size, pipeline, seconds, megabytes)
            chunk = []
    if chunk:
        yield from _extract_chunk(chunk, batch_size, pipeline, seconds, megabytes)


class OverBudget(Exception):
    """An article took longer, or more memory, than its budget."""


CHECK_SECONDS = 0.25  # how often the budget's timer looks at the clock and the memory
DOCUMENT_MEGABYTES = 1000  # the memory one article may add to the process (a long article adds 80 MB)
_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


def resident_megabytes() -> float | None:
    """This process's resident memory now (Linux's /proc; None elsewhere: no memory budget)."""
    try:
        with open("/proc/self/statm", encoding="ascii") as f:
            return int(f.read().split()[1]) * _PAGE / 2**20
    except (OSError, ValueError, IndexError):
        return None


@contextmanager
def _budget(seconds: float | None, megabytes: float | None = None):
    """Raise OverBudget here once `seconds` have passed or the process holds `megabytes` more
    than when the block began. A signal timer that looks every CHECK_SECONDS, so only in the main
    thread (elsewhere, as under the API's thread pool, there is no budget). Once over, it raises
    at every look until the block ends: a raise that lands in a garbage-collector callback, or in
    someone's `except Exception`, is swallowed there, and the next one gets through."""
    if not (seconds or megabytes) or threading.current_thread() is not threading.main_thread():
        yield
        return
    running = [True]
    deadline = time.monotonic() + seconds if seconds else None
    ceiling = (start + megabytes) if megabytes and (start := resident_megabytes()) is not None else None

    def look(signum, frame):
        if not running[0]:
            signal.setitimer(signal.ITIMER_REAL, 0)  # the block is over: no more alarms
        elif deadline is not None and time.monotonic() >= deadline:
            raise OverBudget(f"took over {seconds:g} s (the time one article may take)")
        elif ceiling is not None and (resident_megabytes() or 0) > ceiling:
            raise OverBudget(f"needed over {megabytes:g} MB (the memory one article may take)")

    previous = signal.signal(signal.SIGALRM, look)
    every = min(CHECK_SECONDS, seconds) if seconds else CHECK_SECONDS
    signal.setitimer(signal.ITIMER_REAL, every, every)
    try:
        yield
    finally:
        running[0] = False  # first: from here on an alarm raises nothing
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _extract_chunk(articles: list[dict], batch_size: int, pipeline: str | None, seconds: float | None = None,
                   megabytes: float | None = None):
    from .ingest.text import InputError, check_text, parse_published
    from .nlp.build import to_record

    ready, results = [], [None] * len(articles)
    for i, a in enumerate(articles):
        text = a["text"][1:] if a["text"].startswith("\ufeff") else a["text"]
        try:
            lang = check_text(text)
            pub = parse_published(a.get("published"))
        except InputError as e:
            results[i] = e
            continue
        nlp = pipeline_for(lang, pipeline)
        if len(text) > LONG_TEXT:
            try:
                with _budget(seconds, megabytes):
                    results[i] = (process(nlp, text, pub), lang)
            except Exception as e:  # noqa: BLE001
                results[i] = _failed(e, a.get("id"))
            continue
        doc = _make_doc(nlp, text)
        doc._.published = pub
        ready.append((i, doc, lang, nlp))
    for nlp in {id(r[3]): r[3] for r in ready}.values():  # one batch per pipeline
        mine = [r for r in ready if r[3] is nlp]
        try:
            with _budget(seconds and seconds * len(mine), megabytes):
                for (i, _, lang, _), doc in zip(mine, nlp.pipe((r[1] for r in mine), batch_size=batch_size),
                                                strict=True):
                    results[i] = (doc, lang)
        except Exception:  # noqa: BLE001  one article broke the batch, or took too long: each again alone
            for i, doc, lang, _ in mine:
                results[i] = _alone(nlp, doc, lang, articles[i].get("id"), seconds, megabytes)
    for a, res in zip(articles, results, strict=True):
        if isinstance(res, InputError):
            yield res
            continue
        doc, lang = res
        try:
            yield to_record(doc, language=lang, id=a.get("id"), title=a.get("title"), url=a.get("url"),
                            source=a.get("source"), version=a.get("version", 1))
        except Exception as e:  # noqa: BLE001
            yield _failed(e, a.get("id"))


def _alone(nlp, doc, lang: str, id: str | None, seconds: float | None = None, megabytes: float | None = None):
    """(doc, lang) for an article run through the pipeline by itself, or its ExtractionError."""
    from .nlp.util import remember_text

    fresh = remember_text(nlp.make_doc(doc.text), doc.text)
    fresh._.published = doc._.published
    try:
        with _budget(seconds, megabytes):
            return nlp(fresh), lang
    except Exception as e:  # noqa: BLE001
        return _failed(e, id)


def _failed(e: Exception, id: str | None):
    from .ingest.text import ExtractionError

    why = f"not extracted: it {e}" if isinstance(e, OverBudget) else (
        f"extraction failed ({type(e).__name__}: {e})")
    return ExtractionError(f"input: {why}; the other articles are not affected" + (f" [{id}]" if id else ""))


def _make_doc(nlp, text: str):
    """The tokenised doc, with its text remembered: spaCy rebuilds doc.text token by token."""
    from .nlp.util import remember_text

    return remember_text(nlp.make_doc(text), text)


LONG_TEXT = 100_000  # characters: longer texts go through the statistical components in pieces
CHUNK_CHARS = 10_000  # the size of those pieces; spaCy is fastest on article-sized docs


def chunks(text: str, size: int = CHUNK_CHARS) -> list[str]:
    """Pieces of at most about `size` characters that join back to `text`: cut after a line
    break, else between words, and after any whitespace that follows."""
    out, start = [], 0
    while len(text) - start > size:
        cut = text.rfind("\n", start + size // 2, start + size)
        if cut < 0:  # a paragraph longer than the piece: cut between words
            cut = text.rfind(" ", start + size // 2, start + size)
        if cut >= 0:
            cut += 1
            while cut < len(text) and text[cut].isspace():
                cut += 1
        else:
            cut = start + size
        out.append(text[start:cut])
        start = cut
    out.append(text[start:])
    return out


def process(nlp, text: str, published: date | None):
    """Run the pipeline on a text of any length: long texts go through the statistical
    components in chunks (bounded memory), then extraction runs over the whole document."""
    import numpy
    from spacy.tokens import Doc

    from .nlp.util import remember_text

    if len(text) <= LONG_TEXT:
        doc = _make_doc(nlp, text)
        doc._.published = published
        return nlp(doc)
    # the chunks get their sentences and their statistical annotation (the encoder's too)
    extraction = [n for n in nlp.pipe_names if n.startswith("storyline_")
                  and n not in ("storyline_structure", "storyline_encoder")]
    parts = []
    with nlp.select_pipes(disable=extraction):
        for part in nlp.pipe(chunks(text), batch_size=2):  # larger batches cost memory, not time
            # the tok2vec output (512 bytes a token) is not needed after the statistical
            # components; kept, it was most of a 5 MB text's memory
            part.tensor = numpy.empty((0, 0), dtype="float32")
            parts.append(part)
    # the chunks' caches and extension values are not the whole document's
    doc = Doc.from_docs(parts, ensure_whitespace=False, exclude=["tensor", "user_data"])
    del parts
    remember_text(doc, text)
    doc._.published = published
    for name in ["storyline_structure", *extraction]:
        doc = nlp.get_pipe(name)(doc)
    return doc


__all__ = ["extract", "extract_many", "load", "__version__"]
