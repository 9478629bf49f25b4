"""Reasoning across the articles of a story: merged events (the timeline), entities across
sources and spellings, figures over time and contradictions between sources, search, export."""
from __future__ import annotations

import json
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field

from sqlalchemy import or_, select

from ..record.model import Entity, Links
from ..record.quantity import precise_count, values_disagree
from ..store import schema as s
from ..store.db import Store, entity_key
from ..text import fold


@dataclass
class Report:
    document: str
    source: str | None
    version: int
    sentence: str
    trigger: str


@dataclass
class StoryEvent:
    type: str
    date: str | None
    location: str | None
    actors: list[str]
    targets: list[str]
    reports: list[Report] = field(default_factory=list)
    latitude: float | None = None
    longitude: float | None = None

    @property
    def sources(self) -> list[str]:
        return sorted({r.source or r.document for r in self.reports})

    def to_dict(self) -> dict:
        return {**asdict(self), "sources": self.sources}


class Story:
    def __init__(self, store: Store):
        self.store = store

    # -- entities ------------------------------------------------------------------------
    def names(self, conn) -> dict[str, str]:
        """Entity key -> the display name used most often across articles."""
        counts: dict[str, Counter] = defaultdict(Counter)
        for key, name in conn.execute(select(s.entities.c.key, s.entities.c.name)):
            counts[key][name] += 1
        return {k: c.most_common(1)[0][0] for k, c in counts.items()}

    def keys_for(self, conn, name: str) -> set[str]:
        """Keys of the entities a user's name refers to: by name, alias, surname or id."""
        probe = Entity(id="x", type="PER", name=name, links=Links())
        rows = conn.execute(select(s.entities.c.key).distinct().where(or_(
            s.entities.c.forms.contains(f"|{fold(name)}|"), s.entities.c.key.in_([name, entity_key(probe)]))))
        return {r.key for r in rows}

    def coordinates(self, conn, keys: set[str]) -> dict[str, tuple[float, float]]:
        if not keys:
            return {}
        rows = conn.execute(select(s.entities.c.key, s.entities.c.latitude, s.entities.c.longitude).where(
            s.entities.c.key.in_(keys), s.entities.c.latitude.is_not(None)))
        return {r.key: (r.latitude, r.longitude) for r in rows}

    # -- timeline ------------------------------------------------------------------------
    def timeline(self, entity: str | None = None, type: str | None = None, date_from: str | None = None,
                 date_to: str | None = None) -> list[StoryEvent]:
        with self.store.engine.connect() as conn:
            latest = self.store.latest_version_ids(conn)
            q = (select(s.events, s.documents.c.key.label("doc"), s.documents.c.source.label("doc_source"),
                        s.versions.c.version)
                 .join(s.versions, s.events.c.version_id == s.versions.c.id)
                 .join(s.documents, s.versions.c.document_id == s.documents.c.id)
                 .where(s.events.c.version_id.in_(latest)))
            if type:
                q = q.where(s.events.c.type == type.upper())
            if date_from:
                q = q.where(s.events.c.date >= date_from)
            if date_to:
                q = q.where(s.events.c.date <= date_to + "~")
            if entity:
                keys = self.keys_for(conn, entity)
                if not keys:
                    return []
                q = q.where(or_(*[col.contains(json.dumps(k)) for k in keys for col in (s.events.c.actors,
                                                                                     s.events.c.targets)],
                                s.events.c.location.in_(keys)))
            rows = conn.execute(q).fetchall()
            names = self.names(conn)
            coords = self.coordinates(conn, {r.location for r in rows if r.location})
        merged: dict[tuple, StoryEvent] = {}
        for r in rows:
            actors = json.loads(r.actors)
            anchor = r.location or (actors[0] if actors else r.sentence[:60])
            key = (r.type, (r.date or "")[:10], anchor)
            ev = merged.get(key)
            if ev is None:
                lat, lon = coords.get(r.location, (None, None))
                ev = merged[key] = StoryEvent(r.type, r.date, names.get(r.location), [], [], latitude=lat, longitude=lon)
            for a in actors:
                if a and names.get(a) not in ev.actors:
                    ev.actors.append(names.get(a, a))
            for t in json.loads(r.targets):
                if t and names.get(t) not in ev.targets:
                    ev.targets.append(names.get(t, t))
            ev.reports.append(Report(r.doc, r.doc_source, r.version, r.sentence, r.text))
        return sorted(merged.values(), key=lambda e: (e.date or "9999", e.type))

    # -- entity profile ------------------------------------------------------------------
    def entity(self, name: str) -> dict | None:
        with self.store.engine.connect() as conn:
            keys = self.keys_for(conn, name)
            if not keys:
                return None
            latest = self.store.latest_version_ids(conn)
            rows = conn.execute(select(s.entities).where(s.entities.c.key.in_(keys),
                                                         s.entities.c.version_id.in_(latest))).fetchall()
            names = self.names(conn)
            quotes = conn.execute(select(s.quotes.c.text, s.quotes.c.direct, s.documents.c.key)
                                  .join(s.versions, s.quotes.c.version_id == s.versions.c.id)
                                  .join(s.documents, s.versions.c.document_id == s.documents.c.id)
                                  .where(s.quotes.c.speaker.in_(keys), s.quotes.c.version_id.in_(latest))).fetchall()
            figures = conn.execute(select(s.figures.c.text, s.figures.c.value, s.figures.c.date)
                                   .where(s.figures.c.source.in_(keys), s.figures.c.version_id.in_(latest))).fetchall()
            about = conn.execute(select(s.figures.c.text, s.figures.c.value, s.figures.c.date)
                                 .where(or_(*[s.figures.c.about.contains(json.dumps(k)) for k in keys]),
                                        s.figures.c.version_id.in_(latest))).fetchall()
        aliases = sorted({a for r in rows for a in json.loads(r.aliases)} | {r.name for r in rows})
        first = rows[0] if rows else None
        return {
            "keys": sorted(keys), "name": names.get(sorted(keys)[0]) if keys else name, "aliases": aliases,
            "types": sorted({r.type for r in rows}), "documents": len({r.version_id for r in rows}),
            "mentions": sum(r.mentions for r in rows),
            "links": {"iso3166": first.iso3166, "geonames": first.geonames, "latitude": first.latitude,
                      "longitude": first.longitude} if first else {},
            "quotes": [{"text": q.text, "direct": bool(q.direct), "document": q.key} for q in quotes],
            "figures_reported": [{"text": f.text, "value": f.value, "date": f.date} for f in figures],
            "figures_about": [{"text": f.text, "value": f.value, "date": f.date} for f in about],
            "events": [e.to_dict() for e in self.timeline(entity=name)],
        }

    # -- figures and contradictions ------------------------------------------------------
    def figures(self) -> list[dict]:
        with self.store.engine.connect() as conn:
            latest = self.store.latest_version_ids(conn)
            rows = conn.execute(select(s.figures, s.documents.c.key.label("doc"),
                                       s.documents.c.source.label("doc_source"))
                                .join(s.versions, s.figures.c.version_id == s.versions.c.id)
                                .join(s.documents, s.versions.c.document_id == s.documents.c.id)
                                .where(s.figures.c.version_id.in_(latest))).fetchall()
            names = self.names(conn)
        return [{"document": r.doc, "doc_source": r.doc_source, "text": r.text, "value": r.value,
                 "qualifier": r.qualifier, "unit": r.unit, "unit_key": r.unit_key, "what": r.what,
                 "source": names.get(r.source) if r.source else None, "date": r.date} for r in rows]

    def claims(self) -> list[dict]:
        """Figures grouped by quantity (unit and what happened), each series ordered by date."""
        groups: dict[str, list] = defaultdict(list)
        for f in self.figures():
            if f["value"] is not None and f["unit_key"]:  # the record's Figure.quantity: "unit|what happened"
                groups[f["unit_key"]].append(f)
        out = []
        for quantity, figs in sorted(groups.items()):
            figs.sort(key=lambda f: (f["date"] or "", f["value"]))
            out.append({"quantity": " ".join(quantity.split("|")).strip(), "figures": figs})
        return out

    def contradictions(self) -> list[dict]:
        """Figures about the same quantity on the same day from different sources that disagree."""
        out = []
        for claim in self.claims():
            figs = claim["figures"]
            for i, a in enumerate(figs):
                for b in figs[i + 1:]:
                    who_a, who_b = a["source"] or a["doc_source"], b["source"] or b["doc_source"]
                    if not who_a or not who_b or who_a == who_b or (a["date"] or "")[:10] != (b["date"] or "")[:10]:
                        continue
                    if values_disagree(a["value"], b["value"], precise_count(a["value"], a["qualifier"])
                                       and precise_count(b["value"], b["qualifier"])):
                        out.append({"quantity": claim["quantity"], "date": a["date"],
                                    "sides": [{**a, "according_to": who_a}, {**b, "according_to": who_b}]})
        return out

    # -- search and export ---------------------------------------------------------------
    def search(self, text: str, limit: int = 50) -> list[dict]:
        with self.store.engine.connect() as conn:
            latest = self.store.latest_version_ids(conn)
            rows = conn.execute(select(s.documents.c.key, s.documents.c.title, s.documents.c.source,
                                       s.versions.c.version, s.versions.c.text)
                                .join(s.versions, s.versions.c.document_id == s.documents.c.id)
                                .where(s.versions.c.id.in_(latest), s.versions.c.text.contains(text))
                                .limit(limit)).fetchall()
        out = []
        for r in rows:
            i = r.text.find(text)
            out.append({"document": r.key, "title": r.title, "source": r.source, "version": r.version,
                        "snippet": r.text[max(0, i - 60):i + len(text) + 60].replace("\n", " ")})
        return out

    def acled_rows(self) -> list[dict]:
        """Events in ACLED's flat layout."""
        return [{"event_date": ev.date, "event_type": ev.type,
                 "actor1": ev.actors[0] if ev.actors else None,
                 "actor2": (ev.actors[1:] + ev.targets)[0] if (ev.actors[1:] + ev.targets) else None,
                 "location": ev.location, "latitude": ev.latitude, "longitude": ev.longitude,
                 "source": "; ".join(ev.sources), "notes": ev.reports[0].sentence} for ev in self.timeline()]
