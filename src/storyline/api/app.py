"""The JSON API over the story store (FastAPI): documents and versions, entities, events,
quotes, figures, contradictions, the timeline, search, ad-hoc extraction and guarded ingest."""
from __future__ import annotations

import hmac
import json
from collections import defaultdict
from pathlib import Path

import swagger_ui_bundle
from fastapi import Depends, FastAPI, Header, HTTPException, Query, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, Field
from sqlalchemy import func, select

from ..ingest.text import InputError
from ..store import schema as s
from ..store.db import Store
from ..story.diff import diff_records
from ..story.queries import Story

STATIC = Path(__file__).resolve().parent.parent / "web" / "static"
MAX_BODY = 2_000_000  # bytes: an article is far smaller; a 5 MB text belongs to the CLI
MAX_LIMIT = 500


class ExtractRequest(BaseModel):
    text: str = Field(description="the article text")
    published: str | None = Field(None, description="publication date (ISO) to resolve 'torsdag', 'i går'")


class Article(BaseModel):
    text: str
    id: str | None = None
    url: str | None = None
    title: str | None = None
    published: str | None = None
    source: str | None = None


class IngestRequest(BaseModel):
    articles: list[Article]


class Page(BaseModel):
    total: int
    offset: int
    limit: int
    items: list[dict]


def page(items: list, offset: int, limit: int) -> Page:
    return Page(total=len(items), offset=offset, limit=limit, items=items[offset:offset + limit])


def create_app(db: str, token: str | None = None, max_body: int = MAX_BODY) -> FastAPI:
    store = Store(db)
    story = Story(store)
    app = FastAPI(title="storyline", version="0.1.0", docs_url=None, redoc_url=None,
                  description="A developing news story as sourced, time-resolved facts.")
    # OpenAPI docs from the swagger-ui-bundle package, not a CDN: they work offline
    app.mount("/_swagger", StaticFiles(directory=swagger_ui_bundle.swagger_ui_path), name="swagger")

    @app.get("/docs", include_in_schema=False)
    def docs():
        return get_swagger_ui_html(openapi_url="/openapi.json", title="storyline API",
                                   swagger_js_url="/_swagger/swagger-ui-bundle.js",
                                   swagger_css_url="/_swagger/swagger-ui.css",
                                   swagger_favicon_url="/_swagger/favicon-32x32.png")

    @app.middleware("http")
    async def limit_body(request: Request, call_next):
        length = request.headers.get("content-length")
        if length and length.isdigit() and int(length) > max_body:
            return JSONResponse({"detail": f"request body over {max_body} bytes"}, status_code=413)
        if request.method == "POST":
            body = await request.body()
            if len(body) > max_body:
                return JSONResponse({"detail": f"request body over {max_body} bytes"}, status_code=413)
        return await call_next(request)

    def paging(offset: int = Query(0, ge=0), limit: int = Query(50, ge=1, le=MAX_LIMIT)) -> tuple[int, int]:
        return offset, limit

    def key_of(ref: str) -> str:
        key = store.find_document(ref)
        if key is None:
            raise HTTPException(404, f"no document {ref!r}")
        return key

    @app.get("/api/documents", response_model=Page, summary="Documents, newest first")
    def documents(p: tuple[int, int] = Depends(paging)):
        with store.engine.connect() as conn:
            n = func.count(s.versions.c.id).label("versions")
            rows = conn.execute(select(s.documents.c.key, s.documents.c.title, s.documents.c.source,
                                       s.documents.c.url, s.documents.c.first_seen, n,
                                       func.max(s.versions.c.published).label("published"))
                                .join(s.versions, s.versions.c.document_id == s.documents.c.id)
                                .group_by(s.documents.c.id).order_by(s.documents.c.first_seen.desc())).fetchall()
        return page([dict(r._mapping) for r in rows], *p)

    @app.get("/api/documents/{ref:path}/versions", summary="The stored versions of a document")
    def versions(ref: str):
        return {"document": key_of(ref), "versions": store.versions_of(key_of(ref))}

    @app.get("/api/documents/{ref:path}/diff", summary="What an update added, removed and changed")
    def diff(ref: str, from_: int | None = Query(None, alias="from"), to: int | None = None):
        key = key_of(ref)
        vs = store.versions_of(key)
        to = to or vs[-1]
        from_ = from_ or to - 1
        old, new = store.record(key, from_), store.record(key, to)
        if old is None or new is None:
            raise HTTPException(404, f"{ref}: versions are {vs}")
        return diff_records(old, new)

    @app.get("/api/documents/{ref:path}", summary="The record of a document (latest version by default)")
    def document(ref: str, version: int | None = None):
        rec = store.record(key_of(ref), version)
        if rec is None:
            raise HTTPException(404, f"{ref} has no version {version}")
        return json.loads(rec.model_dump_json())

    @app.get("/api/entities", response_model=Page, summary="Entities across the story")
    def entities(q: str | None = None, p: tuple[int, int] = Depends(paging)):
        with store.engine.connect() as conn:
            query = select(s.entities.c.key, s.entities.c.type, func.count().label("documents"),
                           func.sum(s.entities.c.mentions).label("mentions")).group_by(s.entities.c.key,
                                                                                      s.entities.c.type)
            if q:
                keys = story.keys_for(conn, q)
                query = query.where(s.entities.c.key.in_(keys))
            rows = conn.execute(query.order_by(func.sum(s.entities.c.mentions).desc())).fetchall()
            names = story.names(conn)
        return page([{**dict(r._mapping), "name": names.get(r.key)} for r in rows], *p)

    def of_story(story: int | None = Query(None, description="only this story (an id from /api/stories)")) -> Story:
        try:
            return Story(store, story)
        except KeyError as e:
            raise HTTPException(404, e.args[0]) from None

    @app.get("/api/stories", summary="The developing stories: title, dates, articles, sources")
    def stories():
        from dataclasses import asdict

        from ..story.stories import Stories

        return {"items": [asdict(st) for st in Stories(store).list()]}

    @app.get("/api/entities/{name}", summary="One entity: aliases, mentions, quotes, events, figures")
    def entity(name: str, story: Story = Depends(of_story)):
        profile = story.entity(name)
        if profile is None:
            raise HTTPException(404, f"no entity {name!r}")
        return profile

    @app.get("/api/events", response_model=Page, summary="Story events, merged across articles")
    def events(type: str | None = None, entity: str | None = None, date_from: str | None = Query(None, alias="from"),
               date_to: str | None = Query(None, alias="to"), p: tuple[int, int] = Depends(paging),
               story: Story = Depends(of_story)):
        return page([e.to_dict() for e in story.timeline(entity, type, date_from, date_to)], *p)

    @app.get("/api/timeline", summary="Story events grouped by day")
    def timeline(type: str | None = None, entity: str | None = None, story: Story = Depends(of_story)):
        days: dict[str, list] = defaultdict(list)
        for e in story.timeline(entity, type):
            days[(e.date or "undated")[:10]].append(e.to_dict())
        return {"days": [{"date": d, "events": evs} for d, evs in sorted(days.items())]}

    @app.get("/api/quotes", response_model=Page, summary="Quotes in the latest versions")
    def quotes(speaker: str | None = None, p: tuple[int, int] = Depends(paging), story: Story = Depends(of_story)):
        with store.engine.connect() as conn:
            q = (select(s.quotes, s.documents.c.key.label("document"))
                 .join(s.versions, s.quotes.c.version_id == s.versions.c.id)
                 .join(s.documents, s.versions.c.document_id == s.documents.c.id)
                 .where(s.quotes.c.version_id.in_(story.latest(conn))))
            if speaker:
                q = q.where(s.quotes.c.speaker.in_(story.keys_for(conn, speaker)))
            rows = conn.execute(q).fetchall()
            names = story.names(conn)
        items = [{"document": r.document, "text": r.text, "direct": bool(r.direct),
                  "speaker": names.get(r.speaker) or r.speaker_text} for r in rows]
        return page(items, *p)

    @app.get("/api/figures", response_model=Page, summary="Reported figures")
    def figures(p: tuple[int, int] = Depends(paging), story: Story = Depends(of_story)):
        return page(story.figures(), *p)

    @app.get("/api/contradictions", summary="Figures that sources disagree on")
    def contradictions(story: Story = Depends(of_story)):
        return {"items": story.contradictions()}

    @app.get("/api/search", summary="Articles containing a text")
    def search(q: str = Query(..., min_length=2)):
        return {"items": story.search(q)}

    @app.post("/api/extract", summary="The record of an ad-hoc text (not stored)")
    def extract(req: ExtractRequest):
        import storyline

        try:
            return json.loads(storyline.extract(req.text, published=req.published).model_dump_json())
        except InputError as e:
            raise HTTPException(422, str(e).replace("input: ", "")) from None

    def require_token(authorization: str | None = Header(None)) -> None:
        if not token:
            raise HTTPException(403, "ingest is disabled: start the server with --token")
        given = (authorization or "").removeprefix("Bearer ").strip()
        if not hmac.compare_digest(given, token):
            raise HTTPException(401, "a valid 'Authorization: Bearer TOKEN' header is needed")

    @app.post("/api/ingest", summary="Store articles (needs the server's token)", dependencies=[Depends(require_token)])
    def ingest(req: IngestRequest):
        from ..ingest.batch import ingest_items
        from ..ingest.sources import Item

        items = [Item(a.id or a.url or "article", key=a.id or a.url, text=a.text, title=a.title, url=a.url,
                      published=a.published, source=a.source) for a in req.articles]
        result = ingest_items(store, items)
        return {**dict(result.counts), "failures": [{"article": n, "error": e} for n, e in result.failures]}

    # the web UI: static files shipped in the package, no CDN
    app.mount("/", StaticFiles(directory=STATIC, html=True), name="web")
    return app
