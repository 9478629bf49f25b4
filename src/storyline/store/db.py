"""The story store: every article, every version, and the facts extracted from each.

SQLite by default (WAL, so readers work while a batch writes), or PostgreSQL for a store that
several machines share (`postgresql://…`: writers at once, each article one transaction, its facts
written with COPY). Callers only use this class and the tables in `schema`.
"""
from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import create_engine, event, func, insert, select, text, update
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DatabaseError, IntegrityError, OperationalError

from ..record.model import Entity, Event, Figure, Record
from ..record.quantity import quantity_key
from ..text import fold, name_key
from . import schema as s

DEFAULT_DB = "storyline.db"
MIGRATION_LOCK = 0x5709_71E  # PostgreSQL advisory lock id, held only while a migration runs
RETRIES = 5  # a write that loses a race with another process tries again this many times


def default_db() -> str:
    return os.environ.get("STORYLINE_DB", DEFAULT_DB)


def entity_key(e: Entity) -> str:
    """Cross-article identity, as the pipeline computed it (`Entity.key`); a record made before the
    record carried keys falls back on its GeoNames id, else its name."""
    if e.key:
        return e.key
    return f"geo:{e.links.geonames}" if e.links.geonames else name_key(e.name)


def figure_quantity(f: Figure) -> str | None:
    """What a figure counts (`Figure.quantity`), computed by the same function for older records."""
    return f.quantity or quantity_key(f)


def event_amounts(record: Record, event: Event) -> list[float]:
    """The values of the figures in an event's sentence: "gir 100 mill til Gaza" is not "200 mill til Sudan"."""
    lo, hi = event.sentence["start"], event.sentence["end"]
    return sorted({f.value for f in record.figures if f.value is not None and lo <= f.start < hi})


def name_forms(e: Entity) -> str:
    """The folded spellings a user may look an entity up by: name, aliases, surname."""
    forms = {fold(e.name), *(fold(a) for a in e.aliases)}
    if e.type == "PER" and len(e.name.split()) > 1:
        forms.add(fold(e.name.split()[-1]))
    return "|" + "|".join(sorted(f for f in forms if f)) + "|"


def sha(text_: str) -> str:
    return hashlib.sha256(text_.encode("utf-8")).hexdigest()


def version_sha(text_: str, published: str | None) -> str:
    """A version is its text and its publication day: the same text under a corrected date is a
    new version (its "mandag" resolves differently), the same text and date twice is one."""
    return sha(f"{published[:10]}\n{text_}" if published else text_)


def _versions_know_their_day(conn: Connection) -> None:
    """Version 2 tells versions apart by text and publication day (`version_sha`)."""
    for row in conn.execute(select(s.versions.c.id, s.versions.c.text, s.versions.c.published).where(
            s.versions.c.published.is_not(None))).fetchall():
        conn.execute(update(s.versions).where(s.versions.c.id == row.id).values(
            sha=version_sha(row.text, row.published)))


# articles, quotes and entities of each document's newest version, for `Story.search`: words without
# their accents ("Elysee" finds "Élysée"), so a prefix finds a name ("Gahr" -> Jonas Gahr Støre).
# SQLite: FTS5; PostgreSQL: a tsvector of the folded text under its Norwegian configuration.
SEARCH_TABLE = {
    "sqlite": ["CREATE VIRTUAL TABLE IF NOT EXISTS search USING fts5(kind UNINDEXED, document_id UNINDEXED, "
               "version_id UNINDEXED, body, tokenize = 'unicode61 remove_diacritics 2')"],
    "postgresql": ["CREATE TABLE IF NOT EXISTS search (rowid BIGINT PRIMARY KEY, kind TEXT NOT NULL, "
                   "document_id INTEGER NOT NULL, version_id INTEGER NOT NULL, body TEXT NOT NULL, "
                   "words TSVECTOR NOT NULL)",
                   "CREATE INDEX IF NOT EXISTS ix_search_words ON search USING GIN (words)"],
}
SEARCH_INSERT = {
    "sqlite": "INSERT INTO search (rowid, kind, document_id, version_id, body) VALUES (:r, :k, :d, :v, :b)",
    "postgresql": "INSERT INTO search (rowid, kind, document_id, version_id, body, words) "
                  "VALUES (:r, :k, :d, :v, :b, to_tsvector('norwegian', :f))",
}
# every word of the query, each also as a prefix, best first; «» mark the words in the snippet
SEARCH_QUERY = {
    "sqlite": "SELECT search.kind, search.version_id, snippet(search, 3, '«', '»', '…', 12) AS snippet, "
              "d.key, d.title, d.source, v.version FROM search JOIN documents d ON d.id = search.document_id "
              "JOIN versions v ON v.id = search.version_id WHERE search MATCH :q{story} ORDER BY rank LIMIT :limit",
    "postgresql": "SELECT search.kind, search.version_id, ts_headline('norwegian', search.body, q, "
                  "'StartSel=«, StopSel=», MaxWords=24, MinWords=12') AS snippet, "
                  "d.key, d.title, d.source, v.version FROM search JOIN documents d ON d.id = search.document_id "
                  "JOIN versions v ON v.id = search.version_id, to_tsquery('norwegian', :q) q "
                  "WHERE search.words @@ q{story} ORDER BY ts_rank(search.words, q) DESC, search.rowid LIMIT :limit",
}


def search_match(dialect: str, words: list[str]) -> str:
    """The words as the dialect's query: all of them, each also a prefix (words are \\w+ runs)."""
    if dialect == "postgresql":
        return " & ".join(f"{fold(w)}:*" for w in words)
    return " ".join(f'"{w}"*' for w in words)


FACT_TABLES = (s.entities, s.events, s.quotes, s.figures, s.contradictions)  # what `reindex` rebuilds
REINDEX_BATCH = 500
ROWS_PER_VERSION = 4  # a version's rows (article, quotes, entities) are rowid version_id * this + 0, 1, 2


def index_version(conn: Connection, doc_id: int, version_id: int, record: Record,
                  replaces: int | None = None) -> None:
    """Put a version's article, quotes and entities in the search index, in place of those of the
    version it `replaces` (deleted by rowid range: FTS5 has no other fast key)."""
    if replaces is not None:
        conn.execute(text("DELETE FROM search WHERE rowid >= :lo AND rowid < :hi"),
                     {"lo": replaces * ROWS_PER_VERSION, "hi": (replaces + 1) * ROWS_PER_VERSION})
    rows = [("article", f"{record.document.title or ''}\n{record.text}")]
    if record.quotes:
        rows.append(("quote", "\n".join(q.text for q in record.quotes)))
    if record.entities:
        rows.append(("entity", " · ".join(" ".join([e.name, *e.aliases]) for e in record.entities)))
    conn.execute(text(SEARCH_INSERT[conn.dialect.name]),
                 [{"r": version_id * ROWS_PER_VERSION + i, "k": k, "d": doc_id, "v": version_id, "b": b,
                   "f": fold(b)} for i, (k, b) in enumerate(rows)])


def newest_versions():
    """Subquery: the id of the newest version of every document."""
    newest = select(s.versions.c.document_id, func.max(s.versions.c.version).label("v")).group_by(
        s.versions.c.document_id).subquery()
    return select(s.versions.c.id).join(newest, (s.versions.c.document_id == newest.c.document_id)
                                        & (s.versions.c.version == newest.c.v))


def _index_everything(conn: Connection) -> None:
    """Version 2 adds the search index: fill it from each document's newest version."""
    for row in conn.execute(select(s.versions.c.document_id, s.versions.c.id, s.versions.c.record).where(
            s.versions.c.id.in_(newest_versions()))).fetchall():
        index_version(conn, row.document_id, row.id, Record.model_validate_json(row.record))


# schema version -> what its migration does in code, after schema.MIGRATIONS' SQL
DATA_MIGRATIONS = {2: [_versions_know_their_day, _index_everything]}


@dataclass
class Saved:
    status: str  # new, version, unchanged
    key: str
    version: int


class StoreError(RuntimeError):
    """The store cannot be opened or written: one line that says why and what was kept."""


# SQLite's messages, and what they mean to someone running storyline
_WHY = [("file is not a database", "not a storyline store (not an SQLite file)"),
        ("unable to open database file", "cannot be opened (its folder is missing or cannot be written)"),
        ("readonly database", "read-only"),
        ("database or disk is full", "the disk is full"),
        ("disk i/o error", "the disk failed (I/O error)")]


def why(error: DatabaseError) -> str:
    said = str(error.orig if getattr(error, "orig", None) is not None else error)
    return next((meaning for pattern, meaning in _WHY if pattern in said.lower()), said.splitlines()[0])


class Store:
    def __init__(self, url_or_path: str | Path | None = None, read_only: bool = False):
        """`read_only`: read the store and never write it (also what a SQLite file that this user
        cannot write, or that lies in a folder they cannot write, is opened as)."""
        target = str(url_or_path or default_db())
        url = target if "://" in target else f"sqlite:///{target}"
        if url.startswith(("postgresql://", "postgres://")):  # the driver we ship (psycopg 3)
            url = "postgresql+psycopg://" + url.split("://", 1)[1]
        self.url = url
        self.name = target
        path = Path(target) if "://" not in target else None
        self.read_only = read_only or (path is not None and path.exists() and not _writable(path))
        try:
            if self.read_only and path is not None:
                self.engine = _read_only_sqlite(path)
            else:
                self.engine: Engine = create_engine(url, future=True)
                if url.startswith("sqlite"):
                    event.listen(self.engine, "connect", _sqlite_pragmas)
            self._check_schema() if self.read_only else self.migrate()
        except DatabaseError as e:
            raise StoreError(f"store {target}: {why(e)}") from None

    def _check_schema(self) -> None:
        """A store read as it is: it must be a store, and of the current schema (no migration runs)."""
        with self.engine.connect() as conn:
            current = conn.execute(select(func.max(s.schema_info.c.version))).scalar()
        if current != s.SCHEMA_VERSION:
            raise StoreError(f"store {self.name}: read-only, and of schema {current}, not "
                             f"{s.SCHEMA_VERSION}: open it once where it can be written")

    # -- schema ------------------------------------------------------------------------
    @property
    def has_fts(self) -> bool:
        """A full-text index (SQLite's FTS5, PostgreSQL's tsvector); on other databases
        `Story.search` matches the text as written."""
        return self.engine.dialect.name in SEARCH_TABLE

    def migrate(self) -> int:
        """Bring the store to the current schema. Two processes opening a fresh store at once race
        to create it: the loser tries again and finds it made."""
        for attempt in range(RETRIES):
            try:
                return self._migrate()
            except (OperationalError, IntegrityError):
                if attempt == RETRIES - 1:
                    raise
                time.sleep(0.05 * (attempt + 1))
        raise AssertionError("unreachable")

    def _migrate(self) -> int:
        with self.engine.begin() as conn:
            if conn.dialect.name == "postgresql":  # DDL is transactional there: one process migrates at a time
                conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": MIGRATION_LOCK})
            s.metadata.create_all(conn)
            for stmt in SEARCH_TABLE.get(conn.dialect.name, []):
                conn.execute(text(stmt))
            current = conn.execute(select(func.max(s.schema_info.c.version))).scalar()
            if current is None:
                conn.execute(insert(s.schema_info).values(version=s.SCHEMA_VERSION))
                return s.SCHEMA_VERSION
            for v in range(current + 1, s.SCHEMA_VERSION + 1):
                for stmt in s.MIGRATIONS.get(v, []):
                    conn.execute(text(stmt))
                for step in DATA_MIGRATIONS.get(v, []):
                    step(conn)
                conn.execute(insert(s.schema_info).values(version=v))
        return s.SCHEMA_VERSION

    # -- writing -----------------------------------------------------------------------
    def known(self, key: str, text_: str, published: str | None = None) -> Saved | None:
        """The stored version with exactly this text and publication day, if any (so it need not be
        extracted again)."""
        with self.engine.connect() as conn:
            row = conn.execute(
                select(s.versions.c.version).join(s.documents).where(
                    s.documents.c.key == key, s.versions.c.sha == version_sha(text_, published))
            ).first()
        return Saved("unchanged", key, row.version) if row else None

    def save(self, key: str, record: Record, then: Callable[[Connection, int], object] | None = None) -> Saved:
        """Store one article version and its facts in a single transaction; `then(conn, document_id)`
        runs inside it for a new version (the story layer puts the article in its story), so all of
        it is stored or none. Two writers storing the same article at once: the one that loses the
        race tries again, and finds the article (or the version) stored."""
        for attempt in range(RETRIES):
            try:
                return self._save(key, record, then)
            except IntegrityError:
                if attempt == RETRIES - 1:
                    raise
            except DatabaseError as e:  # its transaction is rolled back: the store is as it was
                raise StoreError(f"store {self.name}: {why(e)}: {key} was not stored") from None
        raise AssertionError("unreachable")

    def _save(self, key: str, record: Record, then: Callable[[Connection, int], object] | None) -> Saved:
        digest = version_sha(record.text, record.document.published)
        now = datetime.now(UTC).isoformat(timespec="seconds")
        with self.engine.begin() as conn:
            doc = conn.execute(select(s.documents).where(s.documents.c.key == key)).first()
            if doc is None:
                doc_id = conn.execute(insert(s.documents).values(
                    key=key, url=record.document.url, source=record.document.source, title=record.document.title,
                    first_seen=now)).inserted_primary_key[0]
                number, status, previous = 1, "new", None
            else:
                doc_id = doc.id
                same = conn.execute(select(s.versions.c.version).where(
                    s.versions.c.document_id == doc_id, s.versions.c.sha == digest)).first()
                if same:
                    return Saved("unchanged", key, same.version)
                last = conn.execute(select(s.versions.c.id, s.versions.c.version).where(
                    s.versions.c.document_id == doc_id).order_by(s.versions.c.version.desc()).limit(1)).first()
                number, status, previous = (last.version if last else 0) + 1, "version", last.id if last else None
            record.document.version = number
            version_id = conn.execute(insert(s.versions).values(
                document_id=doc_id, version=number, sha=digest, published=record.document.published,
                language=record.document.language, live=int(record.document.live), text=record.text,
                record=record.model_dump_json(), ingested_at=now)).inserted_primary_key[0]
            self._save_facts(conn, version_id, record)
            if self.has_fts:
                index_version(conn, doc_id, version_id, record, replaces=previous)
            if then is not None:
                then(conn, doc_id)
        return Saved(status, key, number)

    @staticmethod
    def _insert_many(conn: Connection, table, rows: list[dict]) -> None:
        """Rows into a table in one statement: COPY on PostgreSQL (its fast bulk path), else executemany."""
        if not rows:
            return
        if conn.dialect.name != "postgresql":
            conn.execute(insert(table), rows)
            return
        columns = list(rows[0])
        quoted = ", ".join(conn.dialect.identifier_preparer.quote(c) for c in columns)
        with conn.connection.dbapi_connection.cursor() as cur, cur.copy(
                f"COPY {table.name} ({quoted}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row([row[c] for c in columns])

    def _save_facts(self, conn: Connection, version_id: int, record: Record) -> None:
        keys = {e.id: entity_key(e) for e in record.entities}

        def k(eid):
            return keys.get(eid) if eid else None

        if record.entities:
            self._insert_many(conn, s.entities, [dict(
                version_id=version_id, local_id=e.id, key=keys[e.id], type=e.type, name=e.name,
                aliases=json.dumps(e.aliases, ensure_ascii=False), forms=name_forms(e),
                iso3166=e.links.iso3166, geonames=e.links.geonames,
                latitude=e.links.latitude, longitude=e.links.longitude, mentions=len(e.mentions))
                for e in record.entities])
        if record.events:
            self._insert_many(conn, s.events, [dict(
                version_id=version_id, local_id=v.id, type=v.type, mode=v.mode, date=v.date, text=v.text,
                sentence=record.text[v.sentence["start"]:v.sentence["end"]],
                actors=json.dumps([k(a) for a in v.actors]), targets=json.dumps([k(a) for a in v.targets]),
                location=k(v.location), status=v.status, source=k(v.source),
                amounts=json.dumps(event_amounts(record, v))) for v in record.events])
        if record.quotes:
            self._insert_many(conn, s.quotes, [dict(
                version_id=version_id, local_id=q.id, speaker=k(q.speaker), speaker_text=q.speaker_text,
                direct=int(q.direct), text=q.text, via=json.dumps([k(v) for v in q.via])) for q in record.quotes])
        if record.figures:
            self._insert_many(conn, s.figures, [dict(
                version_id=version_id, local_id=f.id, text=f.text, value=f.value, qualifier=f.qualifier, unit=f.unit,
                unit_key=figure_quantity(f), what=f.what, source=k(f.source), about=json.dumps([k(a) for a in f.about]),
                date=f.date) for f in record.figures])
        if record.contradictions:
            self._insert_many(conn, s.contradictions, [dict(
                version_id=version_id, figure_a=c.figures[0], figure_b=c.figures[1], why=c.why)
                for c in record.contradictions if len(c.figures) == 2])

    def reindex(self, progress: Callable[[int, int], None] | None = None) -> int:
        """Rebuild the fact tables and the search index from the stored records, as `save` writes
        them (after a change to how a record's facts are laid out in tables). One transaction: a
        failure leaves the store as it was. The records and the stories are not touched. Returns
        the number of versions read; `progress(done, total)` is told after each batch."""
        try:
            with self.engine.begin() as conn:
                total = conn.execute(select(func.count()).select_from(s.versions)).scalar_one()
                for table in FACT_TABLES:
                    conn.execute(table.delete())
                if self.has_fts:
                    conn.execute(text("DELETE FROM search"))
                newest = {row.id for row in conn.execute(newest_versions())}
                done, last = 0, 0
                while True:  # a batch of records at a time: a store may hold millions
                    rows = conn.execute(select(s.versions.c.id, s.versions.c.document_id, s.versions.c.record)
                                        .where(s.versions.c.id > last).order_by(s.versions.c.id)
                                        .limit(REINDEX_BATCH)).fetchall()
                    if not rows:
                        return done
                    for row in rows:
                        record = Record.model_validate_json(row.record)
                        self._save_facts(conn, row.id, record)
                        if self.has_fts and row.id in newest:
                            index_version(conn, row.document_id, row.id, record)
                    done, last = done + len(rows), rows[-1].id
                    if progress is not None:
                        progress(done, total)
        except DatabaseError as e:
            raise StoreError(f"store {self.name}: {why(e)}: nothing was reindexed") from None

    # -- reading -----------------------------------------------------------------------
    def record(self, key: str, version: int | None = None) -> Record | None:
        with self.engine.connect() as conn:
            q = select(s.versions.c.record).join(s.documents).where(s.documents.c.key == key)
            q = q.where(s.versions.c.version == version) if version else q.order_by(s.versions.c.version.desc())
            row = conn.execute(q.limit(1)).first()
        return Record.model_validate_json(row.record) if row else None

    def search(self, words: list[str], story: int | None = None, limit: int = 50) -> list:
        """Index rows (kind, version_id, snippet, key, title, source, version) that hold every word,
        each also as a prefix, best first; only in a store with a full-text index (`has_fts`)."""
        dialect = self.engine.dialect.name
        sql = SEARCH_QUERY[dialect].format(story=" AND d.story_id = :story" if story is not None else "")
        with self.engine.connect() as conn:
            return conn.execute(text(sql), {"q": search_match(dialect, words), "story": story,
                                            "limit": limit}).fetchall()

    def versions_of(self, key: str) -> list[int]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(s.versions.c.version).join(s.documents).where(s.documents.c.key == key)
                                .order_by(s.versions.c.version))
            return [r.version for r in rows]

    def find_document(self, ref: str) -> str | None:
        """A document key from its key, URL or title."""
        with self.engine.connect() as conn:
            row = conn.execute(select(s.documents.c.key).where(
                (s.documents.c.key == ref) | (s.documents.c.url == ref) | (s.documents.c.title == ref))).first()
        return row.key if row else None

    def latest_version_ids(self, conn: Connection):
        """Subquery: the id of the newest version of every document."""
        return newest_versions()

    def counts(self) -> dict[str, int]:
        with self.engine.connect() as conn:
            return {t.name: conn.execute(select(func.count()).select_from(t)).scalar()
                    for t in (s.documents, s.versions, s.entities, s.events, s.quotes, s.figures)}


def _writable(path: Path) -> bool:
    """SQLite writes the file and, beside it, its journal (WAL): both must be allowed."""
    return os.access(path, os.W_OK) and os.access(path.parent if str(path.parent) else Path("."), os.W_OK)


def _read_only_sqlite(path: Path) -> Engine:
    """An engine that only reads: mode=ro; a store in WAL mode whose folder cannot be written (no
    shared-memory file can be made there) is read as immutable, as a snapshot."""
    from urllib.parse import quote

    uri = f"file:{quote(str(path.resolve()))}"
    engine = create_engine(f"sqlite:///{uri}?mode=ro&uri=true", future=True)
    event.listen(engine, "connect", _read_only_pragmas)
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT count(*) FROM sqlite_master")).scalar()
        return engine
    except OperationalError:
        engine.dispose()
    engine = create_engine(f"sqlite:///{uri}?mode=ro&immutable=1&uri=true", future=True)
    event.listen(engine, "connect", _read_only_pragmas)
    return engine


def _read_only_pragmas(dbapi_conn, _record) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA busy_timeout=10000")
    cur.execute("PRAGMA query_only=ON")  # a write is refused by SQLite itself, with "readonly database"
    cur.close()


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")  # with WAL: never corrupt; a power cut may undo the last commits
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=10000")
    cur.close()
