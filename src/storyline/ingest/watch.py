"""Poll feeds and live pages politely: conditional requests (ETag / Last-Modified), timeouts,
exponential backoff on errors; ingest what is new and report what each update changed."""
from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ..store.db import Store
from .batch import ingest_items
from .fetch import fetch
from .sources import Item, _from_bytes, _html, kind_of
from .text import InputError

MAX_BACKOFF = 3600.0
MIN_BACKOFF = 5.0  # the first retry of a failed fetch waits at least this, whatever the interval
MIN_INTERVAL = 10.0  # `--every` below this would be a flood, not a poll
TEASER_CHARS = 600  # a feed entry shorter than this is a teaser of the article behind its link
MAX_ARTICLE_FETCHES = 10  # article pages fetched for one feed in one poll, one after another


def parse_interval(value: str) -> float:
    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([smh]?)\s*", value)
    if not m:
        raise ValueError(f"interval {value!r}: use a number with s, m or h, like 30s or 5m")
    seconds = float(m.group(1)) * {"": 1, "s": 1, "m": 60, "h": 3600}[m.group(2)]
    if seconds < MIN_INTERVAL:
        raise ValueError(f"interval {value!r}: at least {MIN_INTERVAL:.0f}s, to be polite to the server")
    return seconds


@dataclass
class Target:
    location: str
    etag: str | None = None
    modified: str | None = None
    failures: int = 0
    next_poll: float = 0.0
    last_bytes: bytes | None = field(default=None, repr=False)


def poll(target: Target) -> bytes | None:
    """The new content of a target, or None when it has not changed (HTTP 304)."""
    if not target.location.startswith(("http://", "https://")):
        data = Path(target.location).read_bytes()
        if data == target.last_bytes:
            return None
        target.last_bytes = data
        return data
    headers = {}
    if target.etag:
        headers["If-None-Match"] = target.etag
    if target.modified:
        headers["If-Modified-Since"] = target.modified
    got = fetch(target.location, headers)
    if got.status == 304:
        return None
    target.etag = got.headers.get("ETag") or target.etag
    target.modified = got.headers.get("Last-Modified") or target.modified
    return got.body


def _about(location: str, error: Exception) -> str:
    """An error in one line that names where it happened (a FetchError already does)."""
    return str(error) if location in str(error) else f"{location}: {error}"


def full_articles(store: Store, items: list[Item], location: str, report: Callable[[str], None]) -> list[Item]:
    """Feed entries that are teasers get the text of the article they link to (read by
    trafilatura), once: the teaser of an article already stored is left out (the stored text is
    the article's, not the teaser's), and at most MAX_ARTICLE_FETCHES pages are fetched a poll. A
    page that cannot be read leaves the teaser."""
    fetched, out = 0, []
    for it in items:
        teaser = (it.error is None and it.text and len(it.text) < TEASER_CHARS and it.url
                  and it.url.startswith(("http://", "https://")) and it.url != location)
        if not teaser:
            out.append(it)
            continue
        if store.find_document(it.key or it.url) is not None:
            continue
        out.append(it)
        if fetched >= MAX_ARTICLE_FETCHES:
            continue
        fetched += 1
        try:
            got = fetch(it.url)
            page = _html(got.body, it.url, it.key, it.source) if got.status == 200 else None
        except (OSError, InputError) as e:
            report(f"{_about(it.url, e)}: kept the feed's teaser")
            continue
        if page is not None and len(page.text) > len(it.text):
            it.text = page.text
            it.published = it.published or page.published
    return out


def watch(store: Store, locations: list[str], every: float, report: Callable[[str], None],
          times: int | None = None, source: str | None = None, pipeline: str | None = None) -> None:
    """Poll each location every `every` seconds (`times` rounds, or until interrupted)."""
    from ..story.diff import diff_records

    targets = [Target(loc) for loc in locations]
    rounds = 0
    while times is None or rounds < times:
        now = time.monotonic()
        for t in targets:
            if t.next_poll > now:
                continue
            try:
                data = poll(t)
                t.failures = 0
                t.next_poll = now + every
            except OSError as e:  # FetchError and file errors: every network and protocol failure
                t.failures += 1
                wait = min(max(every, MIN_BACKOFF) * 2 ** t.failures, MAX_BACKOFF)
                t.next_poll = now + wait
                report(f"{_about(t.location, e)} (retrying in {wait:.0f} s)")
                continue
            if data is None:
                continue
            try:
                items = list(_from_bytes(data, t.location, t.location, source))
            except ValueError as e:  # an InputError or a parser's: a feed or page that cannot be read this time
                report(_about(t.location, e))
                continue
            if kind_of(data) == "feed":  # a page's own text is never a teaser, however short
                items = full_articles(store, items, t.location, report)
            result = ingest_items(store, items, pipeline=pipeline)
            for name, why in result.failures:
                report(f"failed {name}: {why}")
            for saved in result.saved:
                if saved.status == "new":
                    rec = store.record(saved.key)
                    report(f"new article {saved.key}: {len(rec.events)} events, {len(rec.quotes)} quotes, "
                           f"{len(rec.figures)} figures")
                elif saved.status == "version":
                    d = diff_records(store.record(saved.key, saved.version - 1), store.record(saved.key, saved.version))
                    parts = [f"{len(v['added'])} {k} added, {len(v['changed'])} changed, {len(v['removed'])} removed"
                             for k, v in d["facts"].items() if v["added"] or v["changed"] or v["removed"]]
                    report(f"update {saved.key} v{saved.version}: " + ("; ".join(parts) or "text only"))
        rounds += 1
        if times is not None and rounds >= times:
            break
        pause = min(t.next_poll for t in targets) - time.monotonic()
        if pause > 0:
            time.sleep(pause)
