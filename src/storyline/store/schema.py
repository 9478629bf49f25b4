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

stories = Table(
    "stories", metadata,
    Column("id", Integer, primary_key=True),
    Column("first_date", String, comment="the date of its earliest article"),
    Column("last_date", String),
    Index("ix_stories_dates", "last_date", "first_date"),
)

story_terms = Table(
    "story_terms", metadata,
    Column("story_id", Integer, ForeignKey("stories.id"), nullable=False),
    Column("term", String, nullable=False, comment="an entity key its articles name"),
    Column("weight", Float, nullable=False, comment="summed over its articles"),
    UniqueConstraint("story_id", "term"),
    Index("ix_story_terms_term", "term"),
)

documents = Table(
    "documents", metadata,
    Column("id", Integer, primary_key=True),
    Column("key", String, nullable=False, unique=True, comment="the article's id, else its URL, else its path"),
    Column("url", String),
    Column("source", String),
    Column("title", String),
    Column("first_seen", String, nullable=False),
    Column("story_id", Integer, ForeignKey("stories.id")),
    Column("story_pinned", Integer, nullable=False, default=0, server_default="0", comment="1: put there by hand, kept on rebuild"),
    Index("ix_documents_story", "story_id"),
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
    Column("amounts", Text, nullable=False, default="[]", server_default="[]", comment="values of the figures in its sentence, JSON"),
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

contradictions = Table(
    "contradictions", metadata,
    Column("version_id", Integer, ForeignKey("versions.id"), nullable=False),
    Column("figure_a", String, nullable=False, comment="local figure ids, as in the record"),
    Column("figure_b", String, nullable=False),
    Column("why", Text, nullable=False),
    Index("ix_contradictions_version", "version_id"),
)

SCHEMA_VERSION = 2


# version -> SQL that brings a store from version-1 up to it; create_all has made the new tables
# already, these change the old ones (store.db.DATA_MIGRATIONS then rewrites what needs code).
# Articles stored before stories get theirs when `storyline stories` first runs.
MIGRATIONS: dict[int, list[str]] = {
    2: ["ALTER TABLE documents ADD COLUMN story_id INTEGER REFERENCES stories(id)",
        "ALTER TABLE documents ADD COLUMN story_pinned INTEGER NOT NULL DEFAULT 0",
        "CREATE INDEX IF NOT EXISTS ix_documents_story ON documents (story_id)",
        "ALTER TABLE events ADD COLUMN amounts TEXT NOT NULL DEFAULT '[]'"],
}
