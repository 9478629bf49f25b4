"""Developing stories: articles grouped as they arrive, by the entities they name and when.

Each article is a weighted set of entity keys (people, organisations, places: log(1 + mentions),
countries and the outlets it quotes through counting less). A new article joins the story whose
entities are most like its own (cosine, each key weighted by how few stories name it) among the
stories active within `WINDOW_DAYS` of its date, if that similarity reaches `JOIN_AT`; else it
starts a story. An article's set is kept in `document_terms`, a story's (the sum of its articles')
in `story_terms`, so assigning an article reads only the stories that share a telling key with it.

Articles put in a story by hand (`move`, `merge`) are pinned: `rebuild` keeps them where they are.
"""
from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import delete, func, insert, literal, select, update

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
        if e.id in via or fold(e.name) == outlet or key.startswith("iso:"):
            # "sa til NRK": the outlet is not what the article is about; "Norge": a country, in many stories
            generic.update(fold(w) for m in e.mentions for w in m.text.split())
            if e.id in via or fold(e.name) == outlet:
                continue
        weight = TYPE_WEIGHT.get(e.type, 0.5) * math.log1p(len(e.mentions) or 1)
        out[key] += weight * (COUNTRY_WEIGHT if key.startswith("iso:") else 1)
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


class Stories:
    def __init__(self, store: Store):
        self.store = store

    # -- assigning -----------------------------------------------------------------------
    def assign(self, key: str, record: Record) -> int:
        """Put a stored article (just saved, `record` its newest version) in a story, its own if it
        has one already, and return the story."""
        with self.store.engine.begin() as conn:
            doc = conn.execute(select(s.documents).where(s.documents.c.key == key)).one()
            terms = profile(record)
            when = article_date(record, doc.first_seen)
            conn.execute(delete(s.document_terms).where(s.document_terms.c.document_id == doc.id))
            if terms:
                conn.execute(insert(s.document_terms), [dict(document_id=doc.id, term=t, weight=w)
                                                        for t, w in terms.items()])
            story_id = doc.story_id or self._best(conn, terms, when) or conn.execute(
                insert(s.stories).values(first_date=when, last_date=when, articles=0)).inserted_primary_key[0]
            if story_id != doc.story_id:
                conn.execute(update(s.documents).where(s.documents.c.id == doc.id).values(story_id=story_id))
            self._refresh(conn, story_id)
            return story_id

    def assign_pending(self) -> int:
        """Assign the stored articles that have no story yet (a store made before stories existed)."""
        with self.store.engine.connect() as conn:
            rows = conn.execute(self._latest_records().where(s.documents.c.story_id.is_(None))
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

    def _best(self, conn, terms: dict[str, float], when: str | None) -> int | None:
        if not terms:
            return None
        total = conn.execute(select(func.count()).select_from(s.stories)).scalar() or 0
        df = dict(conn.execute(select(s.story_terms.c.term, func.count()).where(
            s.story_terms.c.term.in_(terms)).group_by(s.story_terms.c.term)).all())

        def idf(n: int) -> float:
            return math.log((total + 1) / (n + 1)) + 1

        # a key most stories name finds no candidates (its weight is small anyway)
        telling = [t for t in terms if df.get(t, 0) <= max(CANDIDATE_DF, total * 0.1)]
        near = select(s.story_terms.c.story_id).where(s.story_terms.c.term.in_(telling))
        if when:
            day = date.fromisoformat(when)
            lo, hi = (day - timedelta(days=WINDOW_DAYS)).isoformat(), (day + timedelta(days=WINDOW_DAYS)).isoformat()
            near = near.join(s.stories, s.stories.c.id == s.story_terms.c.story_id).where(
                s.stories.c.last_date.is_(None) | ((s.stories.c.last_date >= lo) & (s.stories.c.first_date <= hi)))
        rows = conn.execute(select(s.story_terms).where(s.story_terms.c.story_id.in_(near.distinct()))).fetchall()
        if not rows:
            return None
        every_df = dict(conn.execute(select(s.story_terms.c.term, func.count()).where(
            s.story_terms.c.term.in_({r.term for r in rows})).group_by(s.story_terms.c.term)).all())
        stories: dict[int, dict[str, float]] = defaultdict(dict)
        for r in rows:
            stories[r.story_id][r.term] = r.weight * idf(every_df[r.term])
        mine = {t: w * idf(df.get(t, 0)) for t, w in terms.items()}
        norm = math.sqrt(sum(w * w for w in mine.values()))
        best, best_id = 0.0, None
        for story_id, vec in sorted(stories.items()):
            dot = sum(w * vec.get(t, 0.0) for t, w in mine.items())
            sim = dot / (norm * math.sqrt(sum(w * w for w in vec.values())) or 1)
            if sim > best:
                best, best_id = sim, story_id
        return best_id if best >= JOIN_AT else None

    def _refresh(self, conn, story_id: int) -> None:
        """Recompute a story's profile and dates from its articles (a story left empty goes)."""
        members = select(s.documents.c.id).where(s.documents.c.story_id == story_id)
        conn.execute(delete(s.story_terms).where(s.story_terms.c.story_id == story_id))
        count = conn.execute(select(func.count()).select_from(members.subquery())).scalar()
        if not count:
            conn.execute(delete(s.stories).where(s.stories.c.id == story_id))
            return
        conn.execute(insert(s.story_terms).from_select(
            ["story_id", "term", "weight"],
            select(literal(story_id), s.document_terms.c.term, func.sum(s.document_terms.c.weight))
            .where(s.document_terms.c.document_id.in_(members)).group_by(s.document_terms.c.term)))
        day = func.substr(func.coalesce(s.versions.c.published, s.documents.c.first_seen), 1, 10)
        first, last = conn.execute(select(func.min(day), func.max(day)).select_from(s.versions.join(s.documents))
                                   .where(s.documents.c.story_id == story_id)).one()
        conn.execute(update(s.stories).where(s.stories.c.id == story_id).values(
            first_date=first, last_date=last, articles=count))

    def _latest_records(self):
        newest = select(s.versions.c.document_id, func.max(s.versions.c.version).label("v")).group_by(
            s.versions.c.document_id).subquery()
        return (select(s.documents.c.key, s.versions.c.record, s.versions.c.published)
                .join(s.versions, s.versions.c.document_id == s.documents.c.id)
                .join(newest, (newest.c.document_id == s.versions.c.document_id) & (newest.c.v == s.versions.c.version)))

    # -- by hand -------------------------------------------------------------------------
    def move(self, key: str, to: int | None) -> int:
        """Put an article in story `to` (None: a story of its own), pinned there."""
        with self.store.engine.begin() as conn:
            doc = conn.execute(select(s.documents).where(s.documents.c.key == key)).one()
            if to is None:
                to = conn.execute(insert(s.stories).values(articles=0)).inserted_primary_key[0]
            elif conn.execute(select(s.stories.c.id).where(s.stories.c.id == to)).first() is None:
                raise KeyError(f"no story {to}")
            conn.execute(update(s.documents).where(s.documents.c.id == doc.id).values(story_id=to, story_pinned=1))
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
    def list(self) -> list[StoryInfo]:
        self.assign_pending()
        with self.store.engine.connect() as conn:
            stories = conn.execute(select(s.stories).order_by(s.stories.c.first_date, s.stories.c.id)).fetchall()
            docs = conn.execute(select(s.documents.c.story_id, s.documents.c.key, s.documents.c.title,
                                       s.documents.c.source, s.documents.c.first_seen)).fetchall()
            published = dict(conn.execute(select(s.versions.c.document_id, func.min(s.versions.c.published))
                                          .group_by(s.versions.c.document_id)).all())
            ids = dict(conn.execute(select(s.documents.c.key, s.documents.c.id)).all())
        members = defaultdict(list)
        for d in docs:
            members[d.story_id].append(d)
        out = []
        for st in stories:
            mine = sorted(members[st.id], key=lambda d: (published.get(ids[d.key]) or d.first_seen, d.key))
            title = next((d.title for d in mine if d.title), None)
            out.append(StoryInfo(st.id, title, st.first_date, st.last_date, len(mine),
                                 sorted({d.source for d in mine if d.source}), [d.key for d in mine]))
        return out

    def document_ids(self, story_id: int) -> list[int]:
        with self.store.engine.connect() as conn:
            if conn.execute(select(s.stories.c.id).where(s.stories.c.id == story_id)).first() is None:
                raise KeyError(f"no story {story_id}")
            return list(conn.execute(select(s.documents.c.id).where(s.documents.c.story_id == story_id)).scalars())
