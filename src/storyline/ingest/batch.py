"""Ingest a batch of items into the store: extract each, store each in its own transaction,
report failures per item and go on."""
from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from ..store.db import Saved, Store, sha
from .sources import Item
from .text import InputError


@dataclass
class BatchResult:
    counts: Counter = field(default_factory=Counter)
    failures: list[tuple[str, str]] = field(default_factory=list)
    saved: list[Saved] = field(default_factory=list)


def ingest_items(store: Store, items: Iterable[Item], published: str | None = None,
                 on_item: Callable[[Item, str], None] | None = None) -> BatchResult:
    import storyline

    result = BatchResult()
    for item in items:
        status = "failed"
        try:
            if item.error:
                raise InputError(item.error)
            key = item.key or f"sha:{sha(item.text)[:16]}"
            known = store.known(key, item.text)
            if known:
                saved = known
            else:
                record = storyline.extract(item.text, published=item.published or published, id=key,
                                           title=item.title, url=item.url, source=item.source)
                saved = store.save(key, record)
            result.saved.append(saved)
            status = saved.status
        except InputError as e:
            result.failures.append((item.name, str(e)))
        result.counts[status] += 1
        if on_item:
            on_item(item, status)
    return result
