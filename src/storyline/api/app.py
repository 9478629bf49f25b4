"""The JSON API over the story store (FastAPI): documents and versions, entities, events,
quotes, figures, contradictions, the timeline, search, ad-hoc extraction and guarded ingest."""
from __future__ import annotations

import hmac
import json
from collections import defaultdict
from dataclasses import asdict
from pathlib import Path
from typing import Annotated, Literal

from fastapi import Depends, FastAPI, Header, HTTPException, Query, Request
from fastapi import Path as PathParam
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import JSONResponse, Response
from fastapi.routing import APIRoute
from fastapi.staticfiles import StaticFiles
from pydantic import AfterValidator, BaseModel, Field
from sqlalchemy import func, select
from starlette.middleware.trustedhost import TrustedHostMiddleware

from ..ingest.text import InputError
from ..record.model import EVENT_TYPES, EntityType
from ..store import schema as s
from ..store.db import Store, StoreError
from ..story.diff import diff_records
from ..story.export import acled_rows, csv_text, parquet_bytes
from ..story.queries import Story, StoryEvent
from ..story.stories import Stories

STATIC = Path(__file__).resolve().parent.parent / "web" / "static"
MAX_BODY = 2_000_000  # bytes: an article is far smaller; a 5 MB text belongs to the CLI
MAX_LIMIT = 500
MAX_ID = 2**31 - 1  # versions, stories and offsets: SQLite's integers overflow far above, Python's never
MAX_TEXT = 200  # characters of a search, a name or a filter: a name is far shorter
DATE = r"^\d{4}(-\d{2}(-\d{2})?)?$"
# the page's own origin only: no CDN, no inline script; styles inline because Leaflet and
# vis-timeline position their elements with style attributes
CSP = ("default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; "
       "frame-ancestors 'none'; base-uri 'none'; form-action 'self'")
# FastAPI's /docs and /redoc pages start their viewer with an inline script; redoc works in a blob: worker
DOCS_CSP = CSP + "; script-src 'self' 'unsafe-inline'; worker-src 'self' blob:"


def _encodable(value: str) -> str:
    """A lone surrogate ("\\ud800" in JSON) is no character: it cannot be stored or sent back."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as e:
        raise ValueError(f"not text: a lone surrogate at character {e.start}") from None
    return value


Text = Annotated[str, AfterValidator(_encodable)]
MAX_EXTRACT = 100_000  # characters: ten long articles; more is a batch for `storyline extract`


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


class Error(BaseModel):
    detail: str = Field(description="what went wrong, in one line")


# what any operation may answer besides its own 200 and FastAPI's 422: documented once, for all
ERRORS = {400: {"model": Error, "description": "a Host header the server does not answer to"},
          401: {"model": Error, "description": "the token is missing or wrong"},
          403: {"model": Error, "description": "ingest is off: the server has no token"},
          404: {"model": Error, "description": "no such document, version, story, entity or event"},
          413: {"model": Error, "description": "the request body is over the limit"},
          503: {"model": Error, "description": "the store cannot be read or written"}}


def page(items: list, offset: int, limit: int) -> Page:
    return Page(total=len(items), offset=offset, limit=limit, items=items[offset:offset + limit])


def create_app(db: str, token: str | None = None, max_body: int = MAX_BODY,
               hosts: list[str] | None = None, read_only: bool = False) -> FastAPI:
    """`token`: what ingest (and, when set, extract) needs; `hosts`: the Host headers answered
    (the names the server is reached by: any other is a DNS-rebinding page), or all when None;
    `read_only`: serve the store without ever writing it."""
    store = Store(db, read_only=read_only)
    app = FastAPI(title="storyline", version="0.1.0", docs_url=None, redoc_url=None, responses=ERRORS,
                  description="A developing news story as sourced, time-resolved facts.")
    vendor = "/vendor"  # static/vendor: swagger-ui-dist and redoc from npm (storyline.web.vendor), not a CDN

    @app.get("/docs", include_in_schema=False)
    def docs():
        return get_swagger_ui_html(openapi_url="/openapi.json", title="storyline API",
                                   swagger_js_url=f"{vendor}/swagger-ui-dist/swagger-ui-bundle.js",
                                   swagger_css_url=f"{vendor}/swagger-ui-dist/swagger-ui.css",
                                   swagger_favicon_url="/favicon.svg", swagger_ui_parameters={"validatorUrl": None})

    @app.get("/redoc", include_in_schema=False)
    def redoc():
        return get_redoc_html(openapi_url="/openapi.json", title="storyline API",
                              redoc_js_url=f"{vendor}/redoc/redoc.standalone.js", redoc_favicon_url="/favicon.svg",
                              with_google_fonts=False)

    @app.middleware("http")
    async def limit_body(request: Request, call_next):
        length = request.headers.get("content-length")
        if length and length.isdigit() and int(length) > max_body:
            return JSONResponse({"detail": f"request body over {max_body} bytes"}, status_code=413)
        if request.method == "POST":
            # read as it streams, and stop at the limit: a chunked body announces no length
            chunks, size = [], 0
            async for chunk in request.stream():
                size += len(chunk)
                if size > max_body:
                    return JSONResponse({"detail": f"request body over {max_body} bytes"}, status_code=413,
                                        headers={"Connection": "close"})
                chunks.append(chunk)
            request._body = b"".join(chunks)  # what the endpoint reads (Starlette replays a cached body)
        return await call_next(request)

    if hosts is not None:
        app.add_middleware(TrustedHostMiddleware, allowed_hosts=hosts)

    @app.exception_handler(StoreError)
    async def store_failed(request: Request, exc: StoreError):
        return JSONResponse({"detail": str(exc)}, status_code=503)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError):
        # FastAPI's own 422 body, written ASCII-safe: the input it echoes may hold a lone surrogate
        body = json.dumps({"detail": jsonable_encoder(exc.errors())}, ensure_ascii=True, default=str)
        return Response(body, status_code=422, media_type="application/json")

    @app.middleware("http")
    async def security_headers(request: Request, call_next):
        response = await call_next(request)
        response.headers["Content-Security-Policy"] = DOCS_CSP if request.url.path in ("/docs", "/redoc") else CSP
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        if request.url.path.startswith(f"{vendor}/") and response.status_code == 200:
            # pinned npm releases (web/vendor.py): the same bytes until the package changes them
            response.headers["Cache-Control"] = "public, max-age=604800, immutable"
        return response

    def paging(offset: int = Query(0, ge=0, le=MAX_ID),
               limit: int = Query(50, ge=1, le=MAX_LIMIT)) -> tuple[int, int]:
        return offset, limit

    def key_of(ref: str) -> str:
        key = store.find_document(ref)
        if key is None:
            raise HTTPException(404, f"no document {ref!r}")
        return key

    def of_story(story: int | None = Query(None, ge=1, le=MAX_ID,
                                           description="only this story (an id from /api/stories)")) -> Story:
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

    @app.get("/api/documents", response_model=Page, summary="Documents, newest first, or sorted and filtered")
    def documents(p: tuple[int, int] = Depends(paging),
                  q: str | None = Query(None, max_length=MAX_TEXT, description="title contains"),
                  source: str | None = Query(None, max_length=MAX_TEXT),
                  sort: Literal["published", "title", "source", "versions", "first_seen"] = "first_seen",
                  order: Literal["asc", "desc"] = "desc", story: Story = Depends(of_story)):
        with store.engine.connect() as conn:
            n = func.count(s.versions.c.id).label("versions")
            query = (select(s.documents.c.key, s.documents.c.title, s.documents.c.source, s.documents.c.url,
                            s.documents.c.first_seen, s.documents.c.story_id.label("story"), n,
                            func.max(s.versions.c.published).label("published"))
                     .join(s.versions, s.versions.c.document_id == s.documents.c.id).group_by(s.documents.c.id))
            if story.story is not None:
                query = query.where(s.documents.c.story_id == story.story)
            if source:
                query = query.where(s.documents.c.source == source)
            if q:
                query = query.where(s.documents.c.title.contains(q, autoescape=True))
            rows = [dict(r._mapping) for r in conn.execute(query).fetchall()]
        known = sorted((r for r in rows if r[sort] is not None), key=lambda r: (r[sort], r["key"]),
                       reverse=order == "desc")
        return page(known + [r for r in rows if r[sort] is None], *p)  # the undated last either way

    @app.get("/api/documents/{ref:path}/versions", summary="The stored versions of a document")
    def versions(ref: str):
        return {"document": key_of(ref), "versions": store.versions_of(key_of(ref))}

    @app.get("/api/documents/{ref:path}/diff", summary="What an update added, removed and changed")
    def diff(ref: str, from_: int | None = Query(None, alias="from", ge=1, le=MAX_ID),
             to: int | None = Query(None, ge=1, le=MAX_ID)):
        key = key_of(ref)
        vs = store.versions_of(key)
        to = to or vs[-1]
        from_ = from_ or to - 1
        old, new = store.record(key, from_), store.record(key, to)
        if old is None or new is None:
            raise HTTPException(404, f"{ref}: versions are {vs}")
        return diff_records(old, new)

    @app.get("/api/documents/{ref:path}", summary="The record of a document (latest version by default)")
    def document(ref: str, version: int | None = Query(None, ge=1, le=MAX_ID)):
        rec = store.record(key_of(ref), version)
        if rec is None:
            raise HTTPException(404, f"{ref} has no version {version}")
        return json.loads(rec.model_dump_json())

    @app.get("/api/stories", response_model=Page, summary="The developing stories: title, dates, sources, counts")
    def stories(p: tuple[int, int] = Depends(paging)):
        found = Stories(store).list()
        found.sort(key=lambda st: (st.last_date or "", st.id), reverse=True)  # the latest news first
        return page([asdict(st) for st in found], *p)

    @app.get("/api/stories/{story_id}", summary="One story: title, dates, sources, counts, its articles")
    def one_story(story_id: int = PathParam(ge=1, le=MAX_ID)):
        found = Stories(store).list(story_id)
        if not found:
            raise HTTPException(404, f"no story {story_id}")
        return asdict(found[0])

    @app.get("/api/entities", response_model=Page, summary="Entities in the newest versions, most mentioned first")
    def entities(q: str | None = Query(None, max_length=MAX_TEXT, description="a name, any spelling"),
                 like: str | None = Query(None, max_length=MAX_TEXT,
                                          description="words that begin words of a name or alias ('gahr sto')"),
                 type: EntityType | None = None,
                 p: tuple[int, int] = Depends(paging), story: Story = Depends(of_story)):
        with store.engine.connect() as conn:
            query = (select(s.entities.c.key, s.entities.c.type, func.count().label("documents"),
                            func.sum(s.entities.c.mentions).label("mentions"))
                     .where(s.entities.c.version_id.in_(story.latest(conn)))
                     .group_by(s.entities.c.key, s.entities.c.type))
            if q:
                query = query.where(s.entities.c.key.in_(story.keys_for(conn, q)))
            if like:
                query = query.where(s.entities.c.key.in_(story.keys_matching(conn, like)))
            if type:
                query = query.where(s.entities.c.type == type)
            rows = conn.execute(query.order_by(func.sum(s.entities.c.mentions).desc(), s.entities.c.key)).fetchall()
            names = story.names(conn, {r.key for r in rows})
        return page([{**dict(r._mapping), "name": names.get(r.key)} for r in rows], *p)

    @app.get("/api/entities/{name:path}", summary="One entity: aliases, mentions, quotes, events, figures")
    def entity(name: str = PathParam(max_length=MAX_TEXT), story: Story = Depends(of_story)):
        profile = story.entity(name)
        if profile is None:
            raise HTTPException(404, f"no entity {name!r}")
        return profile

    @app.get("/api/events", response_model=Page, summary="Story events, merged across articles, by date")
    def events(found: list[StoryEvent] = Depends(event_filters), p: tuple[int, int] = Depends(paging)):
        return page([e.to_dict() for e in found], *p)

    @app.get("/api/events/{event_id}", summary="One event by its id, with every report")
    def event(event_id: str = PathParam(pattern=r"^[0-9a-f]{12}$"), story: Story = Depends(of_story)):
        found = next((e for e in story.timeline() if e.id == event_id), None)
        if found is None:
            raise HTTPException(404, f"no event {event_id}")
        return found.to_dict()

    @app.get("/api/timeline", summary="Story events grouped by day (a page of events)")
    def timeline(found: list[StoryEvent] = Depends(event_filters), p: tuple[int, int] = Depends(paging)):
        offset, limit = p
        days: dict[str, list] = defaultdict(list)
        for e in found[offset:offset + limit]:
            days[(e.date or "undated")[:10]].append(e.to_dict())
        return {"total": len(found), "offset": offset, "limit": limit,
                "days": [{"date": d, "events": evs} for d, evs in sorted(days.items())]}

    @app.get("/api/export", summary="The events on screen as a file: CSV or Parquet in ACLED's layout, or JSONL",
             response_class=Response)
    def export(format: Literal["csv", "jsonl", "parquet"] = "csv", found: list[StoryEvent] = Depends(event_filters)):
        name = "storyline-events"
        if format == "csv":
            body, media = csv_text(acled_rows(found)).encode(), "text/csv; charset=utf-8"
        elif format == "parquet":
            body, media = parquet_bytes(acled_rows(found)), "application/vnd.apache.parquet"
        else:
            body = "".join(json.dumps(e.to_dict(), ensure_ascii=False) + "\n" for e in found).encode()
            media = "application/x-ndjson"
        return Response(body, media_type=media,
                        headers={"Content-Disposition": f'attachment; filename="{name}.{format}"'})

    @app.get("/api/quotes", response_model=Page, summary="Quotes in the latest versions")
    def quotes(speaker: str | None = Query(None, max_length=MAX_TEXT), p: tuple[int, int] = Depends(paging),
               story: Story = Depends(of_story)):
        with store.engine.connect() as conn:
            q = (select(s.quotes, s.documents.c.key.label("document"), s.documents.c.source.label("doc_source"),
                        s.versions.c.version, s.versions.c.published)
                 .join(s.versions, s.quotes.c.version_id == s.versions.c.id)
                 .join(s.documents, s.versions.c.document_id == s.documents.c.id)
                 .where(s.quotes.c.version_id.in_(story.latest(conn))))
            if speaker:
                q = q.where(s.quotes.c.speaker.in_(story.keys_for(conn, speaker)))
            rows = conn.execute(q.order_by(s.versions.c.published, s.documents.c.key, s.quotes.c.local_id)).fetchall()
            names = story.names(conn, {r.speaker for r in rows})
        items = [{"document": r.document, "version": r.version, "quote": r.local_id, "doc_source": r.doc_source,
                  "published": r.published, "text": r.text, "direct": bool(r.direct),
                  "speaker": names.get(r.speaker) or r.speaker_text} for r in rows]
        return page(items, *p)

    @app.get("/api/figures", response_model=Page, summary="Reported figures")
    def figures(p: tuple[int, int] = Depends(paging), story: Story = Depends(of_story)):
        return page(story.figures(), *p)

    @app.get("/api/claims", response_model=Page, summary="Figures by quantity, each series by date")
    def claims(p: tuple[int, int] = Depends(paging), story: Story = Depends(of_story)):
        return page(story.claims(), *p)

    @app.get("/api/contradictions", response_model=Page, summary="Figures that sources disagree on")
    def contradictions(p: tuple[int, int] = Depends(paging), story: Story = Depends(of_story)):
        return page(story.contradictions(), *p)

    @app.get("/api/search", response_model=Page, summary="Articles, quotes and entities containing the words")
    def search(q: str = Query(..., min_length=2, max_length=MAX_TEXT), p: tuple[int, int] = Depends(paging),
               story: Story = Depends(of_story)):
        offset, limit = p
        return page(story.search(q, limit=min(offset + limit, MAX_LIMIT * 2)), offset, limit)

    def has_token(authorization: str | None) -> bool:
        # headers arrive as latin-1 text: compared as bytes, a non-ASCII header is just wrong
        given = (authorization or "").removeprefix("Bearer ").strip().encode("latin-1", "replace")
        return hmac.compare_digest(given, token.encode("utf-8"))

    def require_token(authorization: str | None = Header(None)) -> None:
        if not token:
            raise HTTPException(403, "ingest is disabled: start the server with --token")
        if not has_token(authorization):
            raise HTTPException(401, "a valid 'Authorization: Bearer TOKEN' header is needed")

    def token_if_set(authorization: str | None = Header(None)) -> None:
        if token and not has_token(authorization):
            raise HTTPException(401, "a valid 'Authorization: Bearer TOKEN' header is needed")

    @app.post("/api/extract", summary="The record of an ad-hoc text, not stored (needs the token when the "
              "server has one)", dependencies=[Depends(token_if_set)])
    def extract(req: ExtractRequest):
        import storyline

        try:
            return json.loads(storyline.extract(req.text, published=req.published).model_dump_json())
        except InputError as e:  # a text the pipeline refuses: said as FastAPI says a field it refuses
            field = "published" if "--published" in str(e) else "text"
            raise RequestValidationError([{"type": "value_error", "loc": ("body", field),
                                           "msg": str(e).replace("input: ", ""), "input": None}]) from None

    @app.post("/api/ingest", summary="Store articles (needs the server's token)", dependencies=[Depends(require_token)])
    def ingest(req: IngestRequest):
        from ..ingest.batch import ingest_items
        from ..ingest.sources import Item

        items = [Item(a.id or a.url or "article", key=a.id or a.url, text=a.text, title=a.title, url=a.url,
                      published=a.published, source=a.source) for a in req.articles]
        result = ingest_items(store, items)
        return {**dict(result.counts), "failures": [{"article": n, "error": e} for n, e in result.failures]}

    api_routes = [r for r in app.routes if isinstance(r, APIRoute)]

    @app.api_route("/api/{rest:path}", methods=["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"],
                   include_in_schema=False)
    def no_operation(request: Request, rest: str):
        # an /api/ path is never a file of the web UI below: 405 with the methods it has, or 404
        allowed = sorted({m for r in api_routes if r.path_regex.match(request.url.path) for m in r.methods})
        if allowed:
            return JSONResponse({"detail": f"{request.method} is not an operation here"}, status_code=405,
                                headers={"Allow": ", ".join(allowed)})
        return JSONResponse({"detail": f"no operation {request.url.path}"}, status_code=404)

    # the web UI: static files shipped in the package, no CDN
    app.mount("/", StaticFiles(directory=STATIC, html=True), name="web")
    return app
