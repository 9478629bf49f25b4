"""The JSON API over the story store (FastAPI): the app, its middleware and error answers, the
API docs and the web UI's static files. The operations are routers in `api.routes`."""
from __future__ import annotations

import json
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import JSONResponse, Response
from fastapi.routing import APIRoute
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, Field
from starlette.middleware.trustedhost import TrustedHostMiddleware

from ..store.db import Store, StoreError
from . import routes

STATIC = Path(__file__).resolve().parent.parent / "web" / "static"
MAX_BODY = 2_000_000  # bytes: an article is far smaller; a 5 MB text belongs to the CLI
# the page's own origin only: no CDN, no inline script; styles inline because Leaflet and
# vis-timeline position their elements with style attributes
CSP = ("default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; "
       "frame-ancestors 'none'; base-uri 'none'; form-action 'self'")
# FastAPI's /docs and /redoc pages start their viewer with an inline script; redoc works in a blob: worker
DOCS_CSP = CSP + "; script-src 'self' 'unsafe-inline'; worker-src 'self' blob:"
VENDOR = "/vendor"  # static/vendor: swagger-ui-dist and redoc from npm (storyline.web.vendor), not a CDN


class Error(BaseModel):
    detail: str = Field(description="what went wrong, in one line")


# what any operation may answer besides its own 200 and FastAPI's 422: documented once, for all
ERRORS = {400: {"model": Error, "description": "a Host header the server does not answer to"},
          401: {"model": Error, "description": "the token is missing or wrong"},
          403: {"model": Error, "description": "ingest is off: the server has no token"},
          404: {"model": Error, "description": "no such document, version, story, entity or event"},
          413: {"model": Error, "description": "the request body is over the limit"},
          503: {"model": Error, "description": "the store cannot be read or written"}}


def create_app(db: str, token: str | None = None, max_body: int = MAX_BODY,
               hosts: list[str] | None = None, read_only: bool = False) -> FastAPI:
    """`token`: what ingest (and, when set, extract) needs; `hosts`: the Host headers answered
    (the names the server is reached by: any other is a DNS-rebinding page), or all when None;
    `read_only`: serve the store without ever writing it."""
    app = FastAPI(title="storyline", version="0.1.0", docs_url=None, redoc_url=None, responses=ERRORS,
                  description="A developing news story as sourced, time-resolved facts.")
    app.state.store, app.state.token = Store(db, read_only=read_only), token

    @app.get("/docs", include_in_schema=False)
    def docs():
        return get_swagger_ui_html(openapi_url="/openapi.json", title="storyline API",
                                   swagger_js_url=f"{VENDOR}/swagger-ui-dist/swagger-ui-bundle.js",
                                   swagger_css_url=f"{VENDOR}/swagger-ui-dist/swagger-ui.css",
                                   swagger_favicon_url="/favicon.svg", swagger_ui_parameters={"validatorUrl": None})

    @app.get("/redoc", include_in_schema=False)
    def redoc():
        return get_redoc_html(openapi_url="/openapi.json", title="storyline API",
                              redoc_js_url=f"{VENDOR}/redoc/redoc.standalone.js", redoc_favicon_url="/favicon.svg",
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
        if request.url.path.startswith(f"{VENDOR}/") and response.status_code == 200:
            # pinned npm releases (web/vendor.py): the same bytes until the package changes them
            response.headers["Cache-Control"] = "public, max-age=604800, immutable"
        return response

    routers = (routes.documents, routes.facts, routes.writing)
    for router in routers:
        app.include_router(router)
    # the operations, read from the routers (the app holds an included router as one entry)
    api_routes = [r for router in routers for r in router.routes if isinstance(r, APIRoute)]

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
