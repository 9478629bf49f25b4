"""Ingest a batch of items into the store: extract each, store each in its own transaction and
put it in a story, report failures per item and go on."""
from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import partial

from sqlalchemy.exc import IntegrityError

from ..record.model import Record
from ..store.db import Saved, Store, StoreError, sha
from ..story.stories import Stories
from .sources import Item
from .text import InputError, parse_published


def _day(published: str | None) -> str | None:
    """The publication day an article's record will carry (an unreadable date fails in extraction)."""
    try:
        day = parse_published(published)
    except InputError:
        return None
    return day.isoformat() if day else None


# Characters of one article in a batch: the longest news article is a tenth of this, and it keeps
# every article of a batch under about 20 s and 300 MB (extraction is linear: docs/reliability.md)
MAX_ARTICLE_CHARS = 250_000


@dataclass
class BatchResult:
    counts: Counter = field(default_factory=Counter)
    failures: list[tuple[str, str]] = field(default_factory=list)
    saved: list[Saved] = field(default_factory=list)


def refusal(item: Item) -> str | None:
    """Why an item is not extracted in a batch (unreadable, or too long to be an article), or None."""
    if item.error is None and len(item.text) > MAX_ARTICLE_CHARS:
        item.error = (f"{item.name}: {len(item.text):,} characters is no article (the limit in a batch is "
                      f"{MAX_ARTICLE_CHARS:,}): extract it alone with `storyline extract`")
    return item.error


def key_of(item: Item) -> str:
    """An article's identity across versions: its id or URL, else its text's hash."""
    return item.key or f"sha:{sha(item.text)[:16]}"


def known(store: Store, item: Item, published: str | None = None) -> Saved | None:
    """The stored version of exactly this article (text and day), if any: nothing to do."""
    return store.known(key_of(item), item.text, _day(item.published or published))


def article(item: Item, published: str | None = None) -> dict:
    """An item as `storyline.extract_many` takes it (plain values: it may travel to a worker)."""
    return {"id": key_of(item), "text": item.text, "published": item.published or published, "title": item.title,
            "url": item.url, "source": item.source}


def failure(name: str, error: InputError) -> str:
    """Why an article failed, naming where it came from."""
    return str(error).replace("input:", f"{name}:", 1)


def save(store: Store, stories: Stories, key: str, rec: Record, stored_before: int) -> Saved:
    """One article and its story in one transaction; `stored_before`: articles this run stored,
    for the message of a store that fails."""
    try:
        return store.save(key, rec, then=partial(stories.assign_in, record=rec))
    except IntegrityError:
        # another process grew the same story meanwhile: read the stories again, once
        stories.forget()
        return store.save(key, rec, then=partial(stories.assign_in, record=rec))
    except StoreError as e:
        stories.forget()
        raise StoreError(f"{e}; the {stored_before} articles before it in this run are in the store") from None
    except Exception:
        stories.forget()  # rolled back: what it had put in memory is not in the store
        raise


def ingest_items(store: Store, items: Iterable[Item], published: str | None = None,
                 on_item: Callable[[Item, str], None] | None = None, batch_size: int = 16,
                 pipeline: str | None = None) -> BatchResult:
    """Extract in small batches (faster), store each article in its own transaction. `pipeline`:
    as in `storyline.load`."""
    import storyline

    result = BatchResult()
    stories = Stories(store)

    def done(item: Item, status: str) -> None:
        result.counts[status] += 1
        if on_item:
            on_item(item, status)

    batch: list[tuple[Item, str]] = []

    def flush() -> None:
        records = storyline.extract_many([article(it, published) for it, _ in batch], pipeline=pipeline,
                                         seconds=storyline.DOCUMENT_SECONDS,
                                         megabytes=storyline.DOCUMENT_MEGABYTES)
        for (item, key), rec in zip(batch, records, strict=True):
            if isinstance(rec, InputError):
                result.failures.append((item.name, failure(item.name, rec)))
                done(item, "failed")
                continue
            saved = save(store, stories, key, rec, len(result.saved))
            result.saved.append(saved)
            done(item, saved.status)
        batch.clear()

    for item in items:
        if refusal(item):
            result.failures.append((item.name, item.error))
            done(item, "failed")
            continue
        stored = known(store, item, published)
        if stored:
            result.saved.append(stored)
            done(item, "unchanged")
            continue
        batch.append((item, key_of(item)))
        if len(batch) >= batch_size:
            flush()
    if batch:
        flush()
    return result
