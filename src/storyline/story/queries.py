"""Reasoning across the articles of a story: merged events (the timeline), entities across
sources and spellings, figures over time and contradictions between sources, search."""
from __future__ import annotations

import hashlib
import json
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field

from sqlalchemy import func, or_, select

from ..record.contradictions import claim, contradicting_pairs, why
from ..record.model import Entity, Links
from ..record.quantity import values_disagree
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
    event: str  # the event's id in that version's record ("ev3"): the link to its sentence


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

    @property
    def id(self) -> str:
        """Stable across rebuilds and later versions that keep the first report's sentence: a hash
        of that report (the earliest by date, then by article and record id)."""
        r = self.reports[0]
        return hashlib.sha1("\x00".join((r.document, self.type, r.sentence, r.trigger)).encode()).hexdigest()[:12]

    def to_dict(self) -> dict:
        return {"id": self.id, **asdict(self), "sources": self.sources}


def according_to(source: str | None, publisher: str | None) -> str | None:
    """Who a figure is according to, the same everywhere (claims, contradictions, diff): its
    source, else the publisher whose article states it."""
    return source or publisher


def _quantity(key: str | None) -> tuple[str | None, str | None]:
    """The (unit, what happened) pair back from a stored quantity key "unit|what"."""
    if not key:
        return None, None
    unit, _, what = key.partition("|")
    return unit, what or None


def quantity_label(key: str | None, figures: list[dict]) -> str:
    """A quantity in words: the unit as the articles write it most often, then what happened."""
    units = Counter(f["unit"] for f in figures if f.get("unit"))
    unit = units.most_common(1)[0][0] if units else _quantity(key)[0] or ""
    what = _quantity(key)[1]
    return f"{unit} {what}" if what else unit


@dataclass
class _Anchor:
    """What decides whether two reports are of one event (docs/architecture.md, "Event merges"):
    the same type in the same story, compatible dates and places, participants that agree (no two
    different targets, no two different amounts) and at least one participant or place shared."""
    date: str | None
    location: str | None
    actors: set[str]
    targets: set[str]
    amounts: set[float]

    @classmethod
    def of(cls, r) -> _Anchor:
        return cls(r.date, r.location, {a for a in json.loads(r.actors) if a},
                   {t for t in json.loads(r.targets) if t}, set(json.loads(r.amounts or "[]")))

    def same_event(self, other: _Anchor) -> bool:
        if self.date and other.date and not (self.date[:10].startswith(other.date[:10])
                                             or other.date[:10].startswith(self.date[:10])):
            return False
        if self.location and other.location and self.location != other.location:
            return False
        if self.targets and other.targets and not self.targets & other.targets:
            return False  # "100 mill til Gaza" is not "200 mill til Sudan"
        if self.actors and other.actors and not self.actors & other.actors:
            return False
        if self.amounts and other.amounts and not any(not values_disagree(a, b) for a in self.amounts
                                                      for b in other.amounts):
            return False  # "gir 1,5 mrd" is not "gir 100 mill"
        shared = (self.actors | self.targets) & (other.actors | other.targets)
        return bool(shared or (self.location and self.location == other.location))

    def absorb(self, other: _Anchor) -> None:
        self.date = self.date or other.date
        self.location = self.location or other.location
        self.actors |= other.actors
        self.targets |= other.targets
        self.amounts |= other.amounts


class Story:
    """Queries over the store, over one developing story (`story`: its id) or over all of them."""

    def __init__(self, store: Store, story: int | None = None):
        self.store = store
        self.story = story
        if story is not None:
            with store.engine.connect() as conn:
                if conn.execute(select(s.stories.c.id).where(s.stories.c.id == story)).first() is None:
                    raise KeyError(f"no story {story}")

    def latest(self, conn):
        """Subquery: the id of the newest version of every document (of the story: found through
        the story's documents, not by grouping every version in the store; a later version always
        has the larger id)."""
        if self.story is None:
            return self.store.latest_version_ids(conn)
        return (select(func.max(s.versions.c.id)).join(s.documents, s.documents.c.id == s.versions.c.document_id)
                .where(s.documents.c.story_id == self.story).group_by(s.versions.c.document_id))

    # -- documents -----------------------------------------------------------------------
    def documents(self, title: str | None = None, source: str | None = None, sort: str = "first_seen",
                  descending: bool = True) -> list[dict]:
        """The documents (of the story), each with its version count and latest publication date,
        sorted by `sort`; the undated (or untitled, …) last either way."""
        with self.store.engine.connect() as conn:
            n = func.count(s.versions.c.id).label("versions")
            query = (select(s.documents.c.key, s.documents.c.title, s.documents.c.source, s.documents.c.url,
                            s.documents.c.first_seen, s.documents.c.story_id.label("story"), n,
                            func.max(s.versions.c.published).label("published"))
                     .join(s.versions, s.versions.c.document_id == s.documents.c.id).group_by(s.documents.c.id))
            if self.story is not None:
                query = query.where(s.documents.c.story_id == self.story)
            if source:
                query = query.where(s.documents.c.source == source)
            if title:
                query = query.where(s.documents.c.title.contains(title, autoescape=True))
            rows = [dict(r._mapping) for r in conn.execute(query).fetchall()]
        known = sorted((r for r in rows if r[sort] is not None), key=lambda r: (r[sort], r["key"]), reverse=descending)
        return known + [r for r in rows if r[sort] is None]

    def latest_records(self) -> list[str]:
        """The record (JSON) of the newest version of every document (of the story)."""
        with self.store.engine.connect() as conn:
            return list(conn.execute(select(s.versions.c.record).where(
                s.versions.c.id.in_(self.latest(conn)))).scalars())

    # -- entities ------------------------------------------------------------------------
    def entity_list(self, name: str | None = None, like: str | None = None, type: str | None = None) -> list[dict]:
        """Entities of the newest versions, most mentioned first: `name` in any spelling, `like`
        words that begin words of a name, `type` an entity type."""
        with self.store.engine.connect() as conn:
            query = (select(s.entities.c.key, s.entities.c.type, func.count().label("documents"),
                            func.sum(s.entities.c.mentions).label("mentions"))
                     .where(s.entities.c.version_id.in_(self.latest(conn)))
                     .group_by(s.entities.c.key, s.entities.c.type))
            if name:
                query = query.where(s.entities.c.key.in_(self.keys_for(conn, name)))
            if like:
                query = query.where(s.entities.c.key.in_(self.keys_matching(conn, like)))
            if type:
                query = query.where(s.entities.c.type == type)
            rows = conn.execute(query.order_by(func.sum(s.entities.c.mentions).desc(), s.entities.c.key)).fetchall()
            names = self.names(conn, {r.key for r in rows})
        return [{**dict(r._mapping), "name": names.get(r.key)} for r in rows]

    def names(self, conn, keys: Iterable[str | None] | None = None) -> dict[str, str]:
        """Entity key -> the display name used most often across articles (of these keys only,
        when given: reading every entity of a large store costs more than the query it serves)."""
        counts: dict[str, Counter] = defaultdict(Counter)
        q = select(s.entities.c.key, s.entities.c.name)
        if self.story is not None:
            q = q.where(s.entities.c.version_id.in_(self.latest(conn)))  # the names the story's articles use
        if keys is None:
            chunks = [q]
        else:
            wanted = sorted({k for k in keys if k})
            chunks = [q.where(s.entities.c.key.in_(wanted[i:i + 500])) for i in range(0, len(wanted), 500)]
        for chunk in chunks:
            for key, name in conn.execute(chunk):
                counts[key][name] += 1
        return {k: c.most_common(1)[0][0] for k, c in counts.items()}

    def keys_for(self, conn, name: str) -> set[str]:
        """Keys of the entities a user's name refers to: by name, alias, surname or id (in the story's
        articles, when the queries are over one)."""
        probe = Entity(id="x", type="PER", name=name, links=Links())
        q = select(s.entities.c.key).distinct().where(or_(
            s.entities.c.forms.contains(f"|{fold(name)}|", autoescape=True), s.entities.c.key.in_([name, entity_key(probe)])))
        if self.story is not None:
            q = q.where(s.entities.c.version_id.in_(self.latest(conn)))
        return {r.key for r in conn.execute(q)}

    def keys_matching(self, conn, words: str) -> set[str]:
        """Keys of the entities with a name or alias in which every word begins a word, without its
        accents ("gahr sto" finds Jonas Gahr Støre): what a search box completes."""
        folded = re.findall(r"\w+", fold(words))
        if not folded:
            return set()
        q = select(s.entities.c.key).distinct().where(*[or_(s.entities.c.forms.contains(f"|{w}", autoescape=True),
                                                            s.entities.c.forms.contains(f" {w}", autoescape=True))
                                                        for w in folded])
        if self.story is not None:
            q = q.where(s.entities.c.version_id.in_(self.latest(conn)))
        return {r.key for r in conn.execute(q)}

    def coordinates(self, conn, keys: set[str]) -> dict[str, tuple[float, float]]:
        if not keys:
            return {}
        rows = conn.execute(select(s.entities.c.key, s.entities.c.latitude, s.entities.c.longitude).where(
            s.entities.c.key.in_(keys), s.entities.c.latitude.is_not(None)))
        return {r.key: (r.latitude, r.longitude) for r in rows}

    # -- quotes --------------------------------------------------------------------------
    def quotes(self, speaker: str | None = None) -> list[dict]:
        """The quotes of the newest versions by publication date (`speaker`: a name, any spelling)."""
        with self.store.engine.connect() as conn:
            q = (select(s.quotes, s.documents.c.key.label("document"), s.documents.c.source.label("doc_source"),
                        s.versions.c.version, s.versions.c.published)
                 .join(s.versions, s.quotes.c.version_id == s.versions.c.id)
                 .join(s.documents, s.versions.c.document_id == s.documents.c.id)
                 .where(s.quotes.c.version_id.in_(self.latest(conn))))
            if speaker:
                q = q.where(s.quotes.c.speaker.in_(self.keys_for(conn, speaker)))
            rows = conn.execute(q.order_by(s.versions.c.published, s.documents.c.key, s.quotes.c.local_id)).fetchall()
            names = self.names(conn, {r.speaker for r in rows})
        return [{"document": r.document, "version": r.version, "quote": r.local_id, "doc_source": r.doc_source,
                 "published": r.published, "text": r.text, "direct": bool(r.direct),
                 "speaker": names.get(r.speaker) or r.speaker_text} for r in rows]

    # -- timeline ------------------------------------------------------------------------
    def timeline(self, entity: str | None = None, type: str | None = None, date_from: str | None = None,
                 date_to: str | None = None, keys: set[str] | None = None,
                 source: str | None = None) -> list[StoryEvent]:
        """Events by date, merged across reports; `keys`: the entity's keys, when known already;
        `source`: only the events that source reported (with all their reports)."""
        with self.store.engine.connect() as conn:
            latest = self.latest(conn)
            q = (select(s.events, s.documents.c.key.label("doc"), s.documents.c.source.label("doc_source"),
                        s.documents.c.story_id, s.versions.c.version)
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
                keys = keys if keys is not None else self.keys_for(conn, entity)
                if not keys:
                    return []
                q = q.where(or_(*[col.contains(json.dumps(k), autoescape=True) for k in keys
                                  for col in (s.events.c.actors, s.events.c.targets)],
                                s.events.c.location.in_(keys)))
            rows = conn.execute(q).fetchall()
            names = self.names(conn, {r.location for r in rows} | {k for r in rows for col in (r.actors, r.targets)
                                                                   for k in json.loads(col)})
            coords = self.coordinates(conn, {r.location for r in rows if r.location})
        merged: list[tuple[_Anchor, StoryEvent]] = []
        # groups by story, type and date (a day, a month, a year or none): a report is compared
        # only with the groups of its day and of the coarser dates that contain it
        by_date: dict[tuple, list[int]] = defaultdict(list)
        for r in sorted(rows, key=lambda r: (r.date or "", r.doc, r.local_id)):
            here = _Anchor.of(r)
            day = (r.date or "")[:10]
            buckets = [(r.story_id, r.type, day[:n]) for n in sorted({len(day), 7, 4, 0}, reverse=True) if n <= len(day)]
            group = next((i for b in buckets for i in by_date.get(b, ()) if merged[i][0].same_event(here)), None)
            if group is None:
                lat, lon = coords.get(r.location, (None, None))
                by_date[buckets[0]].append(len(merged))
                merged.append((here, StoryEvent(r.type, r.date, names.get(r.location), [], [], latitude=lat,
                                                longitude=lon)))
            else:
                merged[group][0].absorb(here)
            ev = merged[group if group is not None else -1][1]
            for a in here.actors:
                if names.get(a, a) not in ev.actors:
                    ev.actors.append(names.get(a, a))
            for t in here.targets:
                if names.get(t, t) not in ev.targets:
                    ev.targets.append(names.get(t, t))
            ev.reports.append(Report(r.doc, r.doc_source, r.version, r.sentence, r.text, r.local_id))
        events = (ev for _, ev in merged if source is None or source in ev.sources)
        return sorted(events, key=lambda e: (e.date or "9999", e.type))

    # -- entity profile ------------------------------------------------------------------
    def entity(self, name: str) -> dict | None:
        with self.store.engine.connect() as conn:
            keys = self.keys_for(conn, name)
            if not keys:
                return None
            latest = self.latest(conn)
            rows = conn.execute(select(s.entities).where(s.entities.c.key.in_(keys),
                                                         s.entities.c.version_id.in_(latest))).fetchall()
            names = self.names(conn, keys)
            quotes = conn.execute(select(s.quotes.c.text, s.quotes.c.direct, s.documents.c.key)
                                  .join(s.versions, s.quotes.c.version_id == s.versions.c.id)
                                  .join(s.documents, s.versions.c.document_id == s.documents.c.id)
                                  .where(s.quotes.c.speaker.in_(keys), s.quotes.c.version_id.in_(latest))).fetchall()
            figures = conn.execute(select(s.figures.c.text, s.figures.c.value, s.figures.c.date)
                                   .where(s.figures.c.source.in_(keys), s.figures.c.version_id.in_(latest))).fetchall()
            about = conn.execute(select(s.figures.c.text, s.figures.c.value, s.figures.c.date)
                                 .where(or_(*[s.figures.c.about.contains(json.dumps(k), autoescape=True) for k in keys]),
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
            "events": [e.to_dict() for e in self.timeline(entity=name, keys=keys)],
        }

    # -- figures and contradictions ------------------------------------------------------
    def _figure_rows(self, conn):
        return conn.execute(select(s.figures, s.documents.c.key.label("doc"), s.documents.c.source.label("doc_source"),
                                   s.documents.c.story_id)
                            .join(s.versions, s.figures.c.version_id == s.versions.c.id)
                            .join(s.documents, s.versions.c.document_id == s.documents.c.id)
                            .where(s.figures.c.version_id.in_(self.latest(conn)))).fetchall()

    @staticmethod
    def _figure(r, names: dict[str, str]) -> dict:
        source = names.get(r.source, r.source) if r.source else None
        return {"document": r.doc, "figure": r.local_id, "doc_source": r.doc_source, "story": r.story_id, "text": r.text,
                "value": r.value, "qualifier": r.qualifier, "unit": r.unit, "unit_key": r.unit_key, "what": r.what,
                "source": source, "according_to": according_to(source, r.doc_source), "date": r.date}

    def figures(self) -> list[dict]:
        with self.store.engine.connect() as conn:
            rows = self._figure_rows(conn)
            names = self.names(conn, {r.source for r in rows})
        return [self._figure(r, names) for r in rows]

    def claims(self) -> list[dict]:
        """Figures grouped by quantity (what is counted and what happened to it), each series by
        date, headed in words ("kroner", "personer evakuert") rather than by the key's stems."""
        groups: dict[str, list] = defaultdict(list)
        for f in self.figures():
            if f["value"] is not None and f["unit_key"]:  # the record's Figure.quantity: "unit|what happened"
                groups[f["unit_key"]].append(f)
        out = []
        for key, figs in sorted(groups.items()):
            figs.sort(key=lambda f: (f["date"] or "", f["value"]))
            out.append({"quantity": quantity_label(key, figs), "key": key, "figures": figs})
        return out

    def contradictions(self) -> list[dict]:
        """Figures about the same quantity that different sources disagree on, by the rule of
        `storyline.record.contradictions`: within an article as its record found them, across the
        articles of one story on the same day; never across stories."""
        with self.store.engine.connect() as conn:
            rows = self._figure_rows(conn)
            names = self.names(conn, {r.source for r in rows})
            within = conn.execute(select(s.contradictions).where(
                s.contradictions.c.version_id.in_(self.latest(conn)))).fetchall()
        by_local = {(r.version_id, r.local_id): r for r in rows}
        out = []
        for c in within:
            a, b = by_local.get((c.version_id, c.figure_a)), by_local.get((c.version_id, c.figure_b))
            if a is not None and b is not None:
                out.append(self._contradiction(a, b, names, c.why))
        by_story: dict[int | None, list] = defaultdict(list)
        for r in rows:
            by_story[r.story_id].append(r)
        for story, figs in by_story.items():
            if story is None:
                continue  # an article in no story yet has only its own contradictions
            claims = {}
            for r in figs:
                c = claim(f"{r.version_id}:{r.local_id}", r.text, r.value, r.qualifier, _quantity(r.unit_key),
                          according_to(r.source, r.doc_source), r.date, json.loads(r.about), group=r.doc,
                          voice=not r.source)
                if c is not None:
                    claims[c.id] = (c, r)
            for a, b in contradicting_pairs([c for c, _ in claims.values()], across_groups_only=True):
                out.append(self._contradiction(claims[a.id][1], claims[b.id][1], names,
                                               lambda label, a=a, b=b: why(a, b, lambda k: names.get(k, k), label)))
        return sorted(out, key=lambda c: (c["date"] or "", c["quantity"]))

    def _contradiction(self, a, b, names: dict[str, str], why_: str | Callable[[str], str]) -> dict:
        """Two figure rows as a contradiction; `why_` says it, or says it given the quantity's label."""
        sides = [self._figure(r, names) for r in (a, b)]
        label = quantity_label(a.unit_key, sides)
        return {"quantity": label, "story": a.story_id, "date": a.date,
                "why": why_ if isinstance(why_, str) else why_(label), "sides": sides}

    # -- search ---------------------------------------------------------------------------
    def search(self, query: str, limit: int = 50) -> list[dict]:
        """Articles, quotes and entities that contain every word of the query, best first (the
        store's full-text index); each word also matches as a prefix, and without its accents."""
        words = re.findall(r"\w+", query)
        if not words:
            return []
        if not self.store.has_fts:
            return self._search_text(query, limit)
        rows = self.store.search(words, self.story, limit)
        return [{"kind": r.kind, "document": r.key, "title": r.title, "source": r.source, "version": r.version,
                 "snippet": r.snippet.replace("\n", " ")} for r in rows]

    def _search_text(self, query: str, limit: int) -> list[dict]:
        """Without FTS5: articles whose newest version contains the text as written."""
        with self.store.engine.connect() as conn:
            rows = conn.execute(select(s.documents.c.key, s.documents.c.title, s.documents.c.source,
                                       s.versions.c.version, s.versions.c.text)
                                .join(s.versions, s.versions.c.document_id == s.documents.c.id)
                                .where(s.versions.c.id.in_(self.latest(conn)), s.versions.c.text.contains(query, autoescape=True))
                                .limit(limit)).fetchall()
        out = []
        for r in rows:
            i = r.text.find(query)
            out.append({"kind": "article", "document": r.key, "title": r.title, "source": r.source,
                        "version": r.version,
                        "snippet": r.text[max(0, i - 60):i + len(query) + 60].replace("\n", " ")})
        return out
