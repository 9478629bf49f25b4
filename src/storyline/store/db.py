"""The story store: every article, every version, and the facts extracted from each.

SQLite by default (WAL, so readers work while a batch writes); any SQLAlchemy URL works for
callers, which only use this class.
"""
from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import create_engine, event, func, insert, select, text
from sqlalchemy.engine import Connection, Engine

from ..record.model import Entity, Figure, Record
from ..record.quantity import quantity_key
from ..text import fold, name_key
from . import schema as s

DEFAULT_DB = "storyline.db"


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


def name_forms(e: Entity) -> str:
    """The folded spellings a user may look an entity up by: name, aliases, surname."""
    forms = {fold(e.name), *(fold(a) for a in e.aliases)}
    if e.type == "PER" and len(e.name.split()) > 1:
        forms.add(fold(e.name.split()[-1]))
    return "|" + "|".join(sorted(f for f in forms if f)) + "|"


def sha(text_: str) -> str:
    return hashlib.sha256(text_.encode("utf-8")).hexdigest()


@dataclass
class Saved:
    status: str  # new, version, unchanged
    key: str
    version: int


class Store:
    def __init__(self, url_or_path: str | Path | None = None):
        target = str(url_or_path or default_db())
        url = target if "://" in target else f"sqlite:///{target}"
        self.url = url
        self.engine: Engine = create_engine(url, future=True)
        if url.startswith("sqlite"):
            event.listen(self.engine, "connect", _sqlite_pragmas)
        self.migrate()

    # -- schema ------------------------------------------------------------------------
    def migrate(self) -> int:
        with self.engine.begin() as conn:
            s.metadata.create_all(conn)
            current = conn.execute(select(func.max(s.schema_info.c.version))).scalar()
            if current is None:
                conn.execute(insert(s.schema_info).values(version=s.SCHEMA_VERSION))
                return s.SCHEMA_VERSION
            for v in range(current + 1, s.SCHEMA_VERSION + 1):
                for stmt in s.MIGRATIONS.get(v, []):
                    conn.execute(text(stmt))
                conn.execute(insert(s.schema_info).values(version=v))
        return s.SCHEMA_VERSION

    # -- writing -----------------------------------------------------------------------
    def known(self, key: str, text_: str) -> Saved | None:
        """The stored version with exactly this text, if any (so it need not be extracted again)."""
        with self.engine.connect() as conn:
            row = conn.execute(
                select(s.versions.c.version).join(s.documents).where(s.documents.c.key == key,
                                                                     s.versions.c.sha == sha(text_))
            ).first()
        return Saved("unchanged", key, row.version) if row else None

    def save(self, key: str, record: Record) -> Saved:
        """Store one article version and its facts in a single transaction."""
        digest = sha(record.text)
        now = datetime.now(UTC).isoformat(timespec="seconds")
        with self.engine.begin() as conn:
            doc = conn.execute(select(s.documents).where(s.documents.c.key == key)).first()
            if doc is None:
                doc_id = conn.execute(insert(s.documents).values(
                    key=key, url=record.document.url, source=record.document.source, title=record.document.title,
                    first_seen=now)).inserted_primary_key[0]
                number, status = 1, "new"
            else:
                doc_id = doc.id
                same = conn.execute(select(s.versions.c.version).where(
                    s.versions.c.document_id == doc_id, s.versions.c.sha == digest)).first()
                if same:
                    return Saved("unchanged", key, same.version)
                number = (conn.execute(select(func.max(s.versions.c.version)).where(
                    s.versions.c.document_id == doc_id)).scalar() or 0) + 1
                status = "version"
            record.document.version = number
            version_id = conn.execute(insert(s.versions).values(
                document_id=doc_id, version=number, sha=digest, published=record.document.published,
                language=record.document.language, live=int(record.document.live), text=record.text,
                record=record.model_dump_json(), ingested_at=now)).inserted_primary_key[0]
            self._save_facts(conn, version_id, record)
        return Saved(status, key, number)

    def _save_facts(self, conn: Connection, version_id: int, record: Record) -> None:
        keys = {e.id: entity_key(e) for e in record.entities}

        def k(eid):
            return keys.get(eid) if eid else None

        if record.entities:
            conn.execute(insert(s.entities), [dict(
                version_id=version_id, local_id=e.id, key=keys[e.id], type=e.type, name=e.name,
                aliases=json.dumps(e.aliases, ensure_ascii=False), forms=name_forms(e),
                iso3166=e.links.iso3166, geonames=e.links.geonames,
                latitude=e.links.latitude, longitude=e.links.longitude, mentions=len(e.mentions))
                for e in record.entities])
        if record.events:
            conn.execute(insert(s.events), [dict(
                version_id=version_id, local_id=v.id, type=v.type, mode=v.mode, date=v.date, text=v.text,
                sentence=record.text[v.sentence["start"]:v.sentence["end"]],
                actors=json.dumps([k(a) for a in v.actors]), targets=json.dumps([k(a) for a in v.targets]),
                location=k(v.location), status=v.status, source=k(v.source)) for v in record.events])
        if record.quotes:
            conn.execute(insert(s.quotes), [dict(
                version_id=version_id, local_id=q.id, speaker=k(q.speaker), speaker_text=q.speaker_text,
                direct=int(q.direct), text=q.text, via=json.dumps([k(v) for v in q.via])) for q in record.quotes])
        if record.figures:
            conn.execute(insert(s.figures), [dict(
                version_id=version_id, local_id=f.id, text=f.text, value=f.value, qualifier=f.qualifier, unit=f.unit,
                unit_key=figure_quantity(f), what=f.what, source=k(f.source), about=json.dumps([k(a) for a in f.about]),
                date=f.date) for f in record.figures])

    # -- reading -----------------------------------------------------------------------
    def record(self, key: str, version: int | None = None) -> Record | None:
        with self.engine.connect() as conn:
            q = select(s.versions.c.record).join(s.documents).where(s.documents.c.key == key)
            q = q.where(s.versions.c.version == version) if version else q.order_by(s.versions.c.version.desc())
            row = conn.execute(q.limit(1)).first()
        return Record.model_validate_json(row.record) if row else None

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
        newest = select(s.versions.c.document_id, func.max(s.versions.c.version).label("v")).group_by(
            s.versions.c.document_id).subquery()
        return select(s.versions.c.id).join(newest, (s.versions.c.document_id == newest.c.document_id)
                                            & (s.versions.c.version == newest.c.v))

    def counts(self) -> dict[str, int]:
        with self.engine.connect() as conn:
            return {t.name: conn.execute(select(func.count()).select_from(t)).scalar()
                    for t in (s.documents, s.versions, s.entities, s.events, s.quotes, s.figures)}


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=10000")
    cur.close()
