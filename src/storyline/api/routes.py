"""The API's operations, as FastAPI routers over the store in `app.state` (`create_app` in
`api.app` mounts them): documents and versions, stories, facts across articles, and writing."""
from __future__ import annotations

import hmac
import json
from collections import defaultdict
from dataclasses import asdict
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Header, HTTPException, Query, Request
from fastapi import Path as PathParam
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from pydantic import AfterValidator, BaseModel, Field

from ..ingest.text import InputError
from ..record.model import EVENT_TYPES, EntityType
from ..store.db import Store
from ..story.diff import diff_records
from ..story.export import acled_rows, csv_text, parquet_bytes
from ..story.queries import Story, StoryEvent
from ..story.stories import Stories

MAX_LIMIT = 500
MAX_ID = 2**31 - 1  # versions, stories and offsets: SQLite's integers overflow far above, Python's never
MAX_TEXT = 200  # characters of a search, a name or a filter: a name is far shorter
DATE = r"^\d{4}(-\d{2}(-\d{2})?)?$"
MAX_EXTRACT = 100_000  # characters: ten long articles; more is a batch for `storyline extract`


def _encodable(value: str) -> str:
    """A lone surrogate ("\\ud800" in JSON) is no character: it cannot be stored or sent back."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as e:
        raise ValueError(f"not text: a lone surrogate at character {e.start}") from None
    return value


Text = Annotated[str, AfterValidator(_encodable)]


class ExtractRequest(BaseModel):
    text: Text = Field(description="the article text", max_length=MAX_EXTRACT)
    published: Text | None = Field(None, description="publication date (ISO) to resolve 'torsdag', 'i går'")


class Article(BaseModel):
    text: Text
    id: Text | None = None
    url: Text | None = None
    title: Text | None = None
    published: Text | None = None
    source: Text | None = None


class IngestRequest(BaseModel):
    articles: list[Article]


class Page(BaseModel):
    total: int
    offset: int
    limit: int
    items: list[dict]


def page(items: list, offset: int, limit: int) -> Page:
    return Page(total=len(items), offset=offset, limit=limit, items=items[offset:offset + limit])


# -- what operations depend on ------------------------------------------------------------------
def store_of(request: Request) -> Store:
    return request.app.state.store


def paging(offset: int = Query(0, ge=0, le=MAX_ID),
           limit: int = Query(50, ge=1, le=MAX_LIMIT)) -> tuple[int, int]:
    return offset, limit


def key_of(store: Store, ref: str) -> str:
    key = store.find_document(ref)
    if key is None:
        raise HTTPException(404, f"no document {ref!r}")
    return key


def of_story(story: int | None = Query(None, ge=1, le=MAX_ID, description="only this story (an id from /api/stories)"),
             store: Store = Depends(store_of)) -> Story:
    try:
        return Story(store, story)
    except KeyError as e:
        raise HTTPException(404, e.args[0]) from None


def event_filters(type: Literal[EVENT_TYPES] | None = Query(None, description="a PLOVER event type"),  # type: ignore[valid-type]
                  entity: str | None = Query(None, max_length=MAX_TEXT, description="a name, any spelling"),
                  date_from: str | None = Query(None, alias="from", pattern=DATE),
                  date_to: str | None = Query(None, alias="to", pattern=DATE),
                  source: str | None = Query(None, max_length=MAX_TEXT, description="events this source reported"),
                  story: Story = Depends(of_story)) -> list[StoryEvent]:
    return story.timeline(entity, type, date_from, date_to, source=source)


def _has_token(token: str, authorization: str | None) -> bool:
    # headers arrive as latin-1 text: compared as bytes, a non-ASCII header is just wrong
    given = (authorization or "").removeprefix("Bearer ").strip().encode("latin-1", "replace")
    return hmac.compare_digest(given, token.encode("utf-8"))


def require_token(request: Request, authorization: str | None = Header(None)) -> None:
    token = request.app.state.token
    if not token:
        raise HTTPException(403, "ingest is disabled: start the server with --token")
    if not _has_token(token, authorization):
        raise HTTPException(401, "a valid 'Authorization: Bearer TOKEN' header is needed")


def token_if_set(request: Request, authorization: str | None = Header(None)) -> None:
    token = request.app.state.token
    if token and not _has_token(token, authorization):
        raise HTTPException(401, "a valid 'Authorization: Bearer TOKEN' header is needed")


# -- documents and their versions ---------------------------------------------------------------
documents = APIRouter()


@documents.get("/api/documents", response_model=Page, summary="Documents, newest first, or sorted and filtered")
def list_documents(p: tuple[int, int] = Depends(paging),
                   q: str | None = Query(None, max_length=MAX_TEXT, description="title contains"),
                   source: str | None = Query(None, max_length=MAX_TEXT),
                   sort: Literal["published", "title", "source", "versions", "first_seen"] = "first_seen",
                   order: Literal["asc", "desc"] = "desc", story: Story = Depends(of_story)):
    return page(story.documents(q, source, sort, descending=order == "desc"), *p)


@documents.get("/api/documents/{ref:path}/versions", summary="The stored versions of a document")
def versions(ref: str, store: Store = Depends(store_of)):
    key = key_of(store, ref)
    return {"document": key, "versions": store.versions_of(key)}


@documents.get("/api/documents/{ref:path}/diff", summary="What an update added, removed and changed")
def diff(ref: str, from_: int | None = Query(None, alias="from", ge=1, le=MAX_ID),
         to: int | None = Query(None, ge=1, le=MAX_ID), store: Store = Depends(store_of)):
    key = key_of(store, ref)
    vs = store.versions_of(key)
    to = to or vs[-1]
    from_ = from_ or to - 1
    old, new = store.record(key, from_), store.record(key, to)
    if old is None or new is None:
        raise HTTPException(404, f"{ref}: versions are {vs}")
    return diff_records(old, new)


@documents.get("/api/documents/{ref:path}", summary="The record of a document (latest version by default)")
def document(ref: str, version: int | None = Query(None, ge=1, le=MAX_ID), store: Store = Depends(store_of)):
    rec = store.record(key_of(store, ref), version)
    if rec is None:
        raise HTTPException(404, f"{ref} has no version {version}")
    return json.loads(rec.model_dump_json())


# -- stories and the facts across their articles --------------------------------------------------
facts = APIRouter()


@facts.get("/api/stories", response_model=Page, summary="The developing stories: title, dates, sources, counts")
def stories(p: tuple[int, int] = Depends(paging), store: Store = Depends(store_of)):
    found = Stories(store).list()
    found.sort(key=lambda st: (st.last_date or "", st.id), reverse=True)  # the latest news first
    return page([asdict(st) for st in found], *p)


@facts.get("/api/stories/{story_id}", summary="One story: title, dates, sources, counts, its articles")
def one_story(story_id: int = PathParam(ge=1, le=MAX_ID), store: Store = Depends(store_of)):
    found = Stories(store).list(story_id)
    if not found:
        raise HTTPException(404, f"no story {story_id}")
    return asdict(found[0])


@facts.get("/api/entities", response_model=Page, summary="Entities in the newest versions, most mentioned first")
def entities(q: str | None = Query(None, max_length=MAX_TEXT, description="a name, any spelling"),
             like: str | None = Query(None, max_length=MAX_TEXT,
                                      description="words that begin words of a name or alias ('gahr sto')"),
             type: EntityType | None = None,
             p: tuple[int, int] = Depends(paging), story: Story = Depends(of_story)):
    return page(story.entity_list(q, like, type), *p)


@facts.get("/api/entities/{name:path}", summary="One entity: aliases, mentions, quotes, events, figures")
def entity(name: str = PathParam(max_length=MAX_TEXT), story: Story = Depends(of_story)):
    profile = story.entity(name)
    if profile is None:
        raise HTTPException(404, f"no entity {name!r}")
    return profile


@facts.get("/api/events", response_model=Page, summary="Story events, merged across articles, by date")
def events(found: list[StoryEvent] = Depends(event_filters), p: tuple[int, int] = Depends(paging)):
    return page([e.to_dict() for e in found], *p)


@facts.get("/api/events/{event_id}", summary="One event by its id, with every report")
def event(event_id: str = PathParam(pattern=r"^[0-9a-f]{12}$"), story: Story = Depends(of_story)):
    found = next((e for e in story.timeline() if e.id == event_id), None)
    if found is None:
        raise HTTPException(404, f"no event {event_id}")
    return found.to_dict()


@facts.get("/api/timeline", summary="Story events grouped by day (a page of events)")
def timeline(found: list[StoryEvent] = Depends(event_filters), p: tuple[int, int] = Depends(paging)):
    offset, limit = p
    days: dict[str, list] = defaultdict(list)
    for e in found[offset:offset + limit]:
        days[(e.date or "undated")[:10]].append(e.to_dict())
    return {"total": len(found), "offset": offset, "limit": limit,
            "days": [{"date": d, "events": evs} for d, evs in sorted(days.items())]}


@facts.get("/api/export", summary="The events on screen as a file: CSV or Parquet in ACLED's layout, or JSONL",
           response_class=Response)
def export(format: Literal["csv", "jsonl", "parquet"] = "csv", found: list[StoryEvent] = Depends(event_filters)):
    if format == "csv":
        body, media = csv_text(acled_rows(found)).encode(), "text/csv; charset=utf-8"
    elif format == "parquet":
        body, media = parquet_bytes(acled_rows(found)), "application/vnd.apache.parquet"
    else:
        body = "".join(json.dumps(e.to_dict(), ensure_ascii=False) + "\n" for e in found).encode()
        media = "application/x-ndjson"
    return Response(body, media_type=media,
                    headers={"Content-Disposition": f'attachment; filename="storyline-events.{format}"'})


@facts.get("/api/quotes", response_model=Page, summary="Quotes in the latest versions")
def quotes(speaker: str | None = Query(None, max_length=MAX_TEXT), p: tuple[int, int] = Depends(paging),
           story: Story = Depends(of_story)):
    return page(story.quotes(speaker), *p)


@facts.get("/api/figures", response_model=Page, summary="Reported figures")
def figures(p: tuple[int, int] = Depends(paging), story: Story = Depends(of_story)):
    return page(story.figures(), *p)


@facts.get("/api/claims", response_model=Page, summary="Figures by quantity, each series by date")
def claims(p: tuple[int, int] = Depends(paging), story: Story = Depends(of_story)):
    return page(story.claims(), *p)


@facts.get("/api/contradictions", response_model=Page, summary="Figures that sources disagree on")
def contradictions(p: tuple[int, int] = Depends(paging), story: Story = Depends(of_story)):
    return page(story.contradictions(), *p)


@facts.get("/api/search", response_model=Page, summary="Articles, quotes and entities containing the words")
def search(q: str = Query(..., min_length=2, max_length=MAX_TEXT), p: tuple[int, int] = Depends(paging),
           story: Story = Depends(of_story)):
    offset, limit = p
    return page(story.search(q, limit=min(offset + limit, MAX_LIMIT * 2)), offset, limit)


# -- extraction and ingest --------------------------------------------------------------------------
writing = APIRouter()


@writing.post("/api/extract", summary="The record of an ad-hoc text, not stored (needs the token when the "
              "server has one)", dependencies=[Depends(token_if_set)])
def extract(req: ExtractRequest):
    import storyline

    try:
        return json.loads(storyline.extract(req.text, published=req.published).model_dump_json())
    except InputError as e:  # a text the pipeline refuses: said as FastAPI says a field it refuses
        field = "published" if "--published" in str(e) else "text"
        raise RequestValidationError([{"type": "value_error", "loc": ("body", field),
                                       "msg": str(e).replace("input: ", ""), "input": None}]) from None


@writing.post("/api/ingest", summary="Store articles (needs the server's token)", dependencies=[Depends(require_token)])
def ingest(req: IngestRequest, store: Store = Depends(store_of)):
    from ..ingest.batch import ingest_items
    from ..ingest.sources import Item

    items = [Item(a.id or a.url or "article", key=a.id or a.url, text=a.text, title=a.title, url=a.url,
                  published=a.published, source=a.source) for a in req.articles]
    result = ingest_items(store, items)
    return {**dict(result.counts), "failures": [{"article": n, "error": e} for n, e in result.failures]}
