"""The story store's tables (SQLAlchemy Core, so PostgreSQL can follow without touching callers)
and its migrations."""
from __future__ import annotations

from sqlalchemy import (
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData()

schema_info = Table("schema_info", metadata, Column("version", Integer, nullable=False))

documents = Table(
    "documents", metadata,
    Column("id", Integer, primary_key=True),
    Column("key", String, nullable=False, unique=True, comment="the article's id, else its URL, else its path"),
    Column("url", String),
    Column("source", String),
    Column("title", String),
    Column("first_seen", String, nullable=False),
)

versions = Table(
    "versions", metadata,
    Column("id", Integer, primary_key=True),
    Column("document_id", Integer, ForeignKey("documents.id"), nullable=False),
    Column("version", Integer, nullable=False),
    Column("sha", String, nullable=False),
    Column("published", String),
    Column("language", String),
    Column("live", Integer, nullable=False, default=0),
    Column("text", Text, nullable=False),
    Column("record", Text, nullable=False, comment="the full record JSON"),
    Column("ingested_at", String, nullable=False),
    UniqueConstraint("document_id", "version"),
    UniqueConstraint("document_id", "sha"),
)

entities = Table(
    "entities", metadata,
    Column("version_id", Integer, ForeignKey("versions.id"), nullable=False),
    Column("local_id", String, nullable=False),
    Column("key", String, nullable=False, comment="cross-article identity: iso:NO, geo:3143244, name:…"),
    Column("type", String, nullable=False),
    Column("name", String, nullable=False),
    Column("aliases", Text, nullable=False, default="[]"),
    Column("forms", Text, nullable=False, default="|", comment="|folded name|alias|surname|, for lookups"),
    Column("iso3166", String),
    Column("geonames", Integer),
    Column("latitude", Float),
    Column("longitude", Float),
    Column("mentions", Integer, nullable=False),
    Index("ix_entities_key", "key"),
    Index("ix_entities_version", "version_id"),
)

events = Table(
    "events", metadata,
    Column("version_id", Integer, ForeignKey("versions.id"), nullable=False),
    Column("local_id", String, nullable=False),
    Column("type", String, nullable=False),
    Column("mode", String),
    Column("date", String),
    Column("text", String, nullable=False),
    Column("sentence", Text, nullable=False),
    Column("actors", Text, nullable=False, default="[]", comment="entity keys, JSON"),
    Column("targets", Text, nullable=False, default="[]"),
    Column("location", String),
    Column("status", String, nullable=False),
    Column("source", String),
    Index("ix_events_date", "date"),
    Index("ix_events_version", "version_id"),
)

quotes = Table(
    "quotes", metadata,
    Column("version_id", Integer, ForeignKey("versions.id"), nullable=False),
    Column("local_id", String, nullable=False),
    Column("speaker", String),
    Column("speaker_text", String),
    Column("direct", Integer, nullable=False),
    Column("text", Text, nullable=False),
    Column("via", Text, nullable=False, default="[]"),
    Index("ix_quotes_version", "version_id"),
)

figures = Table(
    "figures", metadata,
    Column("version_id", Integer, ForeignKey("versions.id"), nullable=False),
    Column("local_id", String, nullable=False),
    Column("text", String, nullable=False),
    Column("value", Float),
    Column("qualifier", String),
    Column("unit", String),
    Column("unit_key", String),
    Column("what", String),
    Column("source", String),
    Column("about", Text, nullable=False, default="[]", comment="entity keys the figure is about, JSON"),
    Column("date", String),
    Index("ix_figures_unit", "unit_key"),
    Index("ix_figures_version", "version_id"),
)

SCHEMA_VERSION = 1
# version -> statements that bring a store from version-1 up to it (version 1 is create_all)
MIGRATIONS: dict[int, list[str]] = {}
