"""Developing stories: articles grouped as they arrive, by the entities they name and when.

Each article is a weighted set of entity keys (people, organisations, places: log(1 + mentions),
countries and the outlets it quotes through counting less). A new article joins the story whose
entities are most like its own (cosine, each key weighted by how few stories name it) among the
stories active within `WINDOW_DAYS` of its date, if that similarity reaches `JOIN_AT`; else it
starts a story. A story's profile (the sum of its articles' sets) is kept in `story_terms` and
held in memory while articles are assigned, so assigning one reads nothing.

Articles put in a story by hand (`move`, `merge`) are pinned, with the articles they joined:
`rebuild` and re-ingest keep them where they are.
"""
from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import bindparam, delete, func, insert, select, update

from ..record.model import Record
from ..store import schema as s
from ..store.db import Store, entity_key
from ..text import capitalised_words, fold

WINDOW_DAYS = 7  # a story is still developing this many days after its last article
JOIN_AT = 0.15  # the least similarity for an article to join a story
TYPE_WEIGHT = {"PER": 1.0, "ORG": 1.0, "LOC": 1.0, "GPE": 0.7, "EVT": 1.0, "PROD": 0.5, "MISC": 0.5}
CANDIDATE_DF = 20  # a key named by more stories than this (and 10% of them) finds no candidates
COUNTRY_WEIGHT = 0.4  # "Norge", "USA": named in many unrelated stories
WORD_WEIGHT = 0.5  # a capitalised word, where an entity key counts 1


def profile(record: Record) -> dict[str, float]:
    """What an article is about: weighted entity keys, and the capitalised words of its title and
    text (names the tagger missed still match: "word:kharkiv")."""
    via = {v for q in record.quotes for v in q.via}
    outlet = fold(record.document.source or "")
    out: dict[str, float] = defaultdict(float)
    generic: set[str] = {outlet}
    for e in record.entities:
        key = entity_key(e)
        is_outlet, is_country = e.id in via or fold(e.name) == outlet, key.startswith("iso:")
        if is_outlet or is_country:
            # "sa til NRK": the outlet is not what the article is about; "Norge": a country, in many
            # stories; neither counts again as a capitalised word
            generic.update(fold(w) for m in e.mentions for w in m.text.split())
        if is_outlet:
            continue
        weight = TYPE_WEIGHT.get(e.type, 0.5) * math.log1p(len(e.mentions) or 1)
        out[key] += weight * (COUNTRY_WEIGHT if is_country else 1)
    words: dict[str, int] = defaultdict(int)
    for w in capitalised_words(f"{record.document.title or ''}\n{record.text}"):
        if fold(w) not in generic:
            words[fold(w)] += 1
    for w, n in words.items():
        out[f"word:{w}"] += WORD_WEIGHT * math.log1p(n)
    return dict(out)


def article_date(record: Record, fallback: str | None = None) -> str | None:
    return (record.document.published or fallback or "")[:10] or None


@dataclass
class StoryInfo:
    id: int
    title: str | None
    first_date: str | None
    last_date: str | None
    articles: int
    sources: list[str]
    documents: list[str]
    events: int = 0  # event reports, quotes and figures in the newest versions of its articles
    quotes: int = 0
    figures: int = 0


class _Index:
    """The stories' profiles in memory, so assigning an article costs no reads: loaded from
    `story_terms` once per `Stories`, kept in step with what `Stories` writes."""

    def __init__(self):
        self.terms: dict[int, dict[str, float]] = {}
        self.first: dict[int, str | None] = {}
        self.last: dict[int, str | None] = {}
        self.stories_of: dict[str, set[int]] = defaultdict(set)  # term -> the stories that name it
        self.length: dict[int, float] = {}  # a story's idf-weighted length, as of its last change

    @classmethod
    def load(cls, conn) -> _Index:
        index = cls()
        for st in conn.execute(select(s.stories)):
            index.add_story(st.id, st.first_date, st.last_date)
        for r in conn.execute(select(s.story_terms)):
            index.terms[r.story_id][r.term] = r.weight
            index.stories_of[r.term].add(r.story_id)
        return index

    def add_story(self, story_id: int, first: str | None = None, last: str | None = None) -> None:
        self.terms[story_id], self.first[story_id], self.last[story_id] = {}, first, last

    def update(self, story_id: int, weights: dict[str, float], gone: list[str], when: str | None) -> None:
        self.terms[story_id].update(weights)
        for t in weights:
            self.stories_of[t].add(story_id)
        for t in gone:
            self.terms[story_id].pop(t, None)
            self.stories_of[t].discard(story_id)
        dates = [d for d in (self.first[story_id], self.last[story_id], when) if d]
        self.first[story_id], self.last[story_id] = min(dates, default=None), max(dates, default=None)
        self.length.pop(story_id, None)

    def idf(self, term: str) -> float:
        return math.log((len(self.terms) + 1) / (len(self.stories_of.get(term, ())) + 1)) + 1

    def best(self, terms: dict[str, float], when: str | None) -> int | None:
        """The story most like these terms among those active around `when`, if like enough."""
        total = len(self.terms)
        # a key most stories name finds no candidates (its weight is small anyway)
        near = set().union(*(self.stories_of.get(t, set()) for t in terms
                             if len(self.stories_of.get(t, ())) <= max(CANDIDATE_DF, total * 0.1)))
        if when:
            day = date.fromisoformat(when)
            lo, hi = (day - timedelta(days=WINDOW_DAYS)).isoformat(), (day + timedelta(days=WINDOW_DAYS)).isoformat()
            near = {i for i in near if self.last[i] is None or (self.last[i] >= lo and (self.first[i] or "") <= hi)}
        mine = {t: w * self.idf(t) for t, w in terms.items()}
        norm = math.sqrt(sum(w * w for w in mine.values()))
        best, best_id = 0.0, None
        for story_id in sorted(near):
            vec = self.terms[story_id]
            dot = sum(w * vec.get(t, 0.0) * self.idf(t) for t, w in mine.items() if t in vec)
            if story_id not in self.length:
                self.length[story_id] = math.sqrt(sum((w * self.idf(t)) ** 2 for t, w in vec.items()))
            sim = dot / (norm * self.length[story_id] or 1)
            if sim > best:
                best, best_id = sim, story_id
        return best_id if best >= JOIN_AT else None


class Stories:
    def __init__(self, store: Store):
        self.store = store
        self._index: _Index | None = None

    # -- assigning -----------------------------------------------------------------------
    def forget(self) -> None:
        """Drop the profiles held in memory (they are read again when next needed)."""
        self._index = None

    def _loaded(self, conn) -> _Index:
        if self._index is None:
            self._index = _Index.load(conn)
        return self._index

    def assign(self, key: str, record: Record) -> int:
        """Put a stored article (`record` its newest version) in a story, its own if it has one
        already, and return the story."""
        with self.store.engine.begin() as conn:
            doc = conn.execute(select(s.documents.c.id).where(s.documents.c.key == key)).one()
            return self.assign_in(conn, doc.id, record)

    def assign_in(self, conn, doc_id: int, record: Record) -> int:
        """`assign` inside the caller's transaction (`Store.save(..., then=...)`: the article and
        its story are stored together or not at all)."""
        index = self._loaded(conn)
        doc = conn.execute(select(s.documents.c.story_id, s.documents.c.first_seen).where(
            s.documents.c.id == doc_id)).one()
        terms = profile(record)
        when = article_date(record, doc.first_seen)
        before: dict[str, float] = {}
        if doc.story_id is not None:  # a new version: its story's profile loses the old one's terms
            old = conn.execute(select(s.versions.c.record).where(s.versions.c.document_id == doc_id)
                               .order_by(s.versions.c.version.desc()).limit(1).offset(1)).first()
            before = profile(Record.model_validate_json(old.record)) if old else {}
        story_id = doc.story_id or index.best(terms, when)
        if story_id is None:
            story_id = conn.execute(insert(s.stories).values(first_date=when, last_date=when)
                                    ).inserted_primary_key[0]
            index.add_story(story_id)
        if story_id != doc.story_id:
            conn.execute(update(s.documents).where(s.documents.c.id == doc_id).values(story_id=story_id))
        self._add(conn, index, story_id, terms, before, when)
        return story_id

    def _add(self, conn, index: _Index, story_id: int, terms: dict[str, float], before: dict[str, float],
             when: str | None) -> None:
        """Bring a story's profile up to date with one article: its new terms in, its old ones out
        (a new version), without reading the story's other articles."""
        have = index.terms[story_id]
        delta = {t: terms.get(t, 0.0) - before.get(t, 0.0) for t in terms.keys() | before.keys()}
        fresh = [dict(story_id=story_id, term=t, weight=d) for t, d in delta.items() if t not in have and d > 0]
        row = (s.story_terms.c.story_id == story_id) & (s.story_terms.c.term == bindparam("t"))
        kept = [{"t": t, "w": have[t] + d} for t, d in delta.items() if t in have and have[t] + d > 1e-9]
        gone = [{"t": t} for t, d in delta.items() if t in have and have[t] + d <= 1e-9]
        if fresh:
            conn.execute(insert(s.story_terms), fresh)
        if kept:
            conn.execute(update(s.story_terms).where(row).values(weight=bindparam("w")), kept)
        if gone:
            conn.execute(delete(s.story_terms).where(row), gone)
        index.update(story_id, {r["term"]: r["weight"] for r in fresh} | {r["t"]: r["w"] for r in kept},
                     [r["t"] for r in gone], when)
        conn.execute(update(s.stories).where(s.stories.c.id == story_id).values(
            first_date=index.first[story_id], last_date=index.last[story_id]))

    def assign_pending(self) -> int:
        """Assign the stored articles that have no story yet (a store made before stories existed)."""
        with self.store.engine.connect() as conn:
            rows = conn.execute(self._latest_records(conn).where(s.documents.c.story_id.is_(None))
                                .order_by(s.versions.c.published, s.documents.c.id)).fetchall()
        for r in rows:
            self.assign(r.key, Record.model_validate_json(r.record))
        return len(rows)

    def rebuild(self) -> int:
        """Group every article again, in date order, keeping those put in a story by hand."""
        with self.store.engine.begin() as conn:
            conn.execute(update(s.documents).where(s.documents.c.story_pinned == 0).values(story_id=None))
            for story_id in conn.execute(select(s.stories.c.id)).scalars().all():
                self._refresh(conn, story_id)
        self.assign_pending()
        with self.store.engine.connect() as conn:
            return conn.execute(select(func.count()).select_from(s.stories)).scalar()

    def _refresh(self, conn, story_id: int) -> None:
        """Recompute a story's profile and dates from its articles (a story left empty goes)."""
        self.forget()
        conn.execute(delete(s.story_terms).where(s.story_terms.c.story_id == story_id))
        if conn.execute(select(s.documents.c.id).where(s.documents.c.story_id == story_id)).first() is None:
            conn.execute(delete(s.stories).where(s.stories.c.id == story_id))
            return
        summed: dict[str, float] = defaultdict(float)
        for r in conn.execute(self._latest_records(conn).where(s.documents.c.story_id == story_id)):
            for t, w in profile(Record.model_validate_json(r.record)).items():
                summed[t] += w
        if summed:
            conn.execute(insert(s.story_terms), [dict(story_id=story_id, term=t, weight=w) for t, w in summed.items()])
        day = func.substr(func.coalesce(s.versions.c.published, s.documents.c.first_seen), 1, 10)
        first, last = conn.execute(select(func.min(day), func.max(day)).select_from(s.versions.join(s.documents))
                                   .where(s.documents.c.story_id == story_id)).one()
        conn.execute(update(s.stories).where(s.stories.c.id == story_id).values(
            first_date=first, last_date=last))

    def _latest_records(self, conn):
        """Each document's key with its newest version's record."""
        return (select(s.documents.c.key, s.versions.c.record, s.versions.c.published)
                .join(s.versions, s.versions.c.document_id == s.documents.c.id)
                .where(s.versions.c.id.in_(self.store.latest_version_ids(conn))))

    # -- by hand -------------------------------------------------------------------------
    def move(self, key: str, to: int | None) -> int:
        """Put an article in story `to` (None: a story of its own), pinned there with the articles
        already in it (putting it with them confirms them too)."""
        with self.store.engine.begin() as conn:
            doc = conn.execute(select(s.documents).where(s.documents.c.key == key)).one()
            if to is None:
                to = conn.execute(insert(s.stories).values()).inserted_primary_key[0]
            elif conn.execute(select(s.stories.c.id).where(s.stories.c.id == to)).first() is None:
                raise KeyError(f"no story {to}")
            conn.execute(update(s.documents).where((s.documents.c.id == doc.id) | (s.documents.c.story_id == to))
                         .values(story_id=to, story_pinned=1))
            for story_id in {doc.story_id, to} - {None}:
                self._refresh(conn, story_id)
            return to

    def merge(self, into: int, other: int) -> int:
        """Move every article of story `other` into story `into`, pinned there."""
        with self.store.engine.begin() as conn:
            found = set(conn.execute(select(s.stories.c.id).where(s.stories.c.id.in_([into, other]))).scalars())
            if missing := {into, other} - found:
                raise KeyError(f"no story {min(missing)}")
            conn.execute(update(s.documents).where(s.documents.c.story_id.in_([into, other])).values(
                story_id=into, story_pinned=1))
            self._refresh(conn, other)
            self._refresh(conn, into)
            return into

    # -- reading -------------------------------------------------------------------------
    def list(self, story: int | None = None) -> list[StoryInfo]:
        """Every story, or the one with id `story` (read alone: a story page needs no other)."""
        self.assign_pending()
        with self.store.engine.connect() as conn:
            q_stories = select(s.stories).order_by(s.stories.c.first_date, s.stories.c.id)
            q_docs = select(s.documents.c.id, s.documents.c.story_id, s.documents.c.key, s.documents.c.title,
                            s.documents.c.source, s.documents.c.first_seen)
            q_published = select(s.versions.c.document_id, func.min(s.versions.c.published))
            latest = self.store.latest_version_ids(conn)
            if story is not None:
                q_stories = q_stories.where(s.stories.c.id == story)
                q_docs = q_docs.where(s.documents.c.story_id == story)
                mine = select(s.documents.c.id).where(s.documents.c.story_id == story)
                q_published = q_published.where(s.versions.c.document_id.in_(mine))
                latest = (select(func.max(s.versions.c.id)).where(s.versions.c.document_id.in_(mine))
                          .group_by(s.versions.c.document_id))  # a later version has the larger id
            stories = conn.execute(q_stories).fetchall()
            docs = conn.execute(q_docs).fetchall()
            published = dict(conn.execute(q_published.group_by(s.versions.c.document_id)).all())
            counts = {t.name: dict(conn.execute(
                select(s.documents.c.story_id, func.count()).select_from(t)
                .join(s.versions, s.versions.c.id == t.c.version_id)
                .join(s.documents, s.documents.c.id == s.versions.c.document_id)
                .where(t.c.version_id.in_(latest)).group_by(s.documents.c.story_id)).all())
                for t in (s.events, s.quotes, s.figures)}
        members = defaultdict(list)
        for d in docs:
            members[d.story_id].append(d)
        out = []
        for st in stories:
            mine = sorted(members[st.id], key=lambda d: (published.get(d.id) or d.first_seen, d.key))
            title = next((d.title for d in mine if d.title), None)
            out.append(StoryInfo(st.id, title, st.first_date, st.last_date, len(mine),
                                 sorted({d.source for d in mine if d.source}), [d.key for d in mine],
                                 *(counts[t].get(st.id, 0) for t in ("events", "quotes", "figures"))))
        return out
