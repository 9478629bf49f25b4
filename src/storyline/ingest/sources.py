"""Sources to articles: text, HTML (trafilatura), JSON lines, Parquet and RSS/Atom feeds, from files,
folders, globs, standard input or URLs. A source that cannot be read becomes an Item with an
error, so one bad file never stops a batch."""
from __future__ import annotations

import glob
import json
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from .fetch import FetchError, fetch
from .text import InputError, decode

SUFFIXES = {".txt", ".text", ".md", ".html", ".htm", ".jsonl", ".parquet", ".rss", ".atom", ".xml"}


@dataclass
class Item:
    name: str  # where it came from, for messages
    key: str | None = None  # identity of the article across versions
    text: str | None = None
    title: str | None = None
    url: str | None = None
    published: str | None = None
    source: str | None = None
    author: str | None = None
    error: str | None = None
    warning: str | None = None  # read, but with something the user should know (which date it got)


def expand(paths: list[str]) -> Iterator[str]:
    """Files, folders (recursively), globs, '-' and URLs, in a stable order."""
    for p in paths:
        if p == "-" or p.startswith(("http://", "https://")):
            yield p
        elif any(ch in p for ch in "*?["):
            matches = sorted(glob.glob(p, recursive=True))
            yield from matches if matches else [p]
        elif Path(p).is_dir():
            yield from sorted(str(f) for f in Path(p).rglob("*") if f.is_file() and f.suffix.lower() in SUFFIXES)
        else:
            yield p


def read(paths: list[str], source: str | None = None, published: str | None = None) -> Iterator[Item]:
    """Items from paths; an article that carries no publication date (in its HTML, feed entry or
    JSON) gets `published`, else its file's modification time, else none, and a warning says which."""
    for p in expand(paths):
        for item in _read_one(p, source):
            yield _dated(item, p, published)


def _dated(item: Item, p: str, published: str | None) -> Item:
    if item.error or item.published:
        return item
    if published:
        item.published = published
        return item
    path = Path(p)
    if p != "-" and not p.startswith(("http://", "https://")) and path.is_file() and path.suffix.lower() in (
            ".txt", ".text", ".md", ".html", ".htm"):
        from datetime import datetime

        item.published = datetime.fromtimestamp(path.stat().st_mtime).date().isoformat()
        item.warning = (f"{item.name}: no publication date in it: used the file's modification time, "
                        f"{item.published} (give --published to correct it)")
    else:
        item.warning = (f"{item.name}: no publication date: 'mandag' and 'i går' resolve against today "
                        "(give --published)")
    return item


def _read_one(p: str, source: str | None) -> Iterator[Item]:
    try:
        if p == "-":
            yield from _from_bytes(sys.stdin.buffer.read(), "stdin", None, source)
        elif p.startswith(("http://", "https://")):
            got = fetch(p)
            if got.status != 200:
                raise FetchError(f"{p}: HTTP {got.status}, no article")
            yield from _from_bytes(got.body, p, p, source, content_type=got.headers.get("Content-Type", ""))
        elif not Path(p).exists():
            yield Item(p, error=f"{p}: no such file")
        elif p.lower().endswith(".parquet"):
            yield from _parquet(Path(p), source)
        else:
            path = Path(p)
            # a file is known by its name without the suffix (its path moves with the folder)
            yield from _from_bytes(path.read_bytes(), p, path.stem, source, suffix=path.suffix.lower())
    except InputError as e:
        yield Item(p, error=str(e))
    except FetchError as e:
        yield Item(p, error=str(e))
    except OSError as e:
        yield Item(p, error=f"{p}: {e}")


def kind_of(data: bytes, suffix: str = "", content_type: str = "") -> str:
    head = data[:2000].lstrip().lower()
    if suffix == ".jsonl" or (head.startswith(b"{") and suffix not in (".html", ".htm")):
        return "jsonl"
    if suffix in (".rss", ".atom") or b"<rss" in head or b"<feed" in head or "rss" in content_type or "atom" in content_type:
        return "feed"
    if suffix in (".html", ".htm") or "html" in content_type or head.startswith((b"<!doctype html", b"<html")):
        return "html"
    return "text"


def _from_bytes(data: bytes, name: str, key: str | None, source: str | None, suffix: str = "",
                content_type: str = "") -> Iterator[Item]:
    kind = kind_of(data, suffix, content_type)
    if kind == "jsonl":
        yield from _jsonl(data, name, source)
    elif kind == "feed":
        yield from _feed(data, name, source)
    elif kind == "html":
        yield _html(data, name, key, source)
    else:
        yield Item(name, key=key, text=decode(data, name), source=source)


def _jsonl(data: bytes, name: str, source: str | None) -> Iterator[Item]:
    for n, line in enumerate(decode(data, name).splitlines(), 1):
        if not line.strip():
            continue
        where = f"{name}:{n}"
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as e:
            yield Item(where, error=f"{where}: not JSON ({e.msg})")
            continue
        if not isinstance(obj, dict):
            yield Item(where, error=f"{where}: a JSON line needs a 'text' string")
            continue
        yield _article(obj, where, source)


def _parquet(path: Path, source: str | None) -> Iterator[Item]:
    """Rows of a Parquet file with the columns of a JSON line (text; id, url, title, published,
    source), read a row group at a time."""
    import pyarrow.parquet as pq
    from pyarrow import ArrowException

    try:
        file = pq.ParquetFile(path)
    except ArrowException as e:
        yield Item(str(path), error=f"{path}: not a Parquet file ({e})")
        return
    if "text" not in file.schema_arrow.names:
        yield Item(str(path), error=f"{path}: a Parquet file of articles needs a 'text' column")
        return
    columns = [c for c in ("id", "url", "title", "published", "source", "text") if c in file.schema_arrow.names]
    n = 0
    for batch in file.iter_batches(columns=columns, batch_size=256):
        for obj in batch.to_pylist():
            n += 1
            yield _article(obj, f"{path}:{n}", source)


def _article(obj: dict, where: str, source: str | None) -> Item:
    """An article from a JSON line or a Parquet row."""
    if not isinstance(obj.get("text"), str):
        return Item(where, error=f"{where}: an article needs a 'text' string")
    key = obj.get("id") or obj.get("url")
    published = obj.get("published")
    return Item(where, key=str(key) if key else None, text=obj["text"], title=obj.get("title"), url=obj.get("url"),
                published=published if published is None else str(published), source=obj.get("source") or source)


def _html(data: bytes, name: str, key: str | None, source: str | None) -> Item:
    import trafilatura

    html = decode(data, name)
    doc = trafilatura.bare_extraction(html, with_metadata=True, include_comments=False)
    if doc is None or not (getattr(doc, "text", None) or "").strip():
        raise InputError(f"{name}: no article text found in the HTML")
    url = getattr(doc, "url", None) or (key if key and key.startswith("http") else None)
    return Item(name, key=url or key, text=doc.text, title=getattr(doc, "title", None), url=url,
                published=getattr(doc, "date", None), author=getattr(doc, "author", None),
                source=source or getattr(doc, "sitename", None))


def _feed(data: bytes, name: str, source: str | None) -> Iterator[Item]:
    import re

    import feedparser

    parsed = feedparser.parse(data)
    if parsed.bozo and not parsed.entries:
        raise InputError(f"{name}: not a readable RSS/Atom feed")
    feed_title = parsed.feed.get("title")
    for entry in parsed.entries:
        body = ""
        if entry.get("content"):
            body = entry.content[0].get("value", "")
        body = body or entry.get("summary", "")
        text = re.sub(r"<[^>]+>", " ", body)
        text = re.sub(r"[ \t]+", " ", text).strip()
        title = entry.get("title")
        if title and text and not text.startswith(title):
            text = f"{title}\n\n{text}"
        when = entry.get("published_parsed") or entry.get("updated_parsed")
        published = f"{when.tm_year:04d}-{when.tm_mon:02d}-{when.tm_mday:02d}" if when else None
        key = entry.get("id") or entry.get("link")
        yield Item(f"{name}#{key}", key=key, text=text or None, title=title, url=entry.get("link"),
                   published=published, source=source or feed_title,
                   error=None if text else f"{name}: feed entry {key} has no text")
