"""`storyline watch` against a local HTTP server whose live page changes between polls."""
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from storyline.ingest.watch import parse_interval, watch
from storyline.store.db import Store

PAGES = [
    "<html><head><title>Brann i Bergen</title></head><body><article><h1>Brann i Bergen</h1>"
    "<p>Saken oppdateres.</p><p>En stor brann brøt ut i en lagerhall i Bergen mandag kveld, opplyser "
    "politiet. Rundt 40 personer ble evakuert fra nabobyggene.</p></article></body></html>",
    "<html><head><title>Brann i Bergen</title></head><body><article><h1>Brann i Bergen</h1>"
    "<p>Saken oppdateres.</p><p>En stor brann brøt ut i en lagerhall i Bergen mandag kveld, opplyser "
    "politiet. Rundt 120 personer ble evakuert fra nabobyggene.</p><p>– Brannen er under kontroll, "
    "sa innsatsleder Kari Holm til NRK.</p></article></body></html>",
]


class LivePage(BaseHTTPRequestHandler):
    state = {"version": 0, "requests": 0, "not_modified": 0}

    def do_GET(self):  # noqa: N802
        st = self.state
        st["requests"] += 1
        etag = f'"v{st["version"]}"'
        if self.headers.get("If-None-Match") == etag:
            st["not_modified"] += 1
            self.send_response(304)
            self.end_headers()
            return
        body = PAGES[st["version"]].encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("ETag", etag)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture()
def server():
    LivePage.state.update(version=0, requests=0, not_modified=0)
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), LivePage)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/live", LivePage.state
    httpd.shutdown()


def test_watch_ingests_versions_and_reports_changes(server, tmp_path):
    url, state = server
    store = Store(tmp_path / "w.db")
    lines = []
    watch(store, [url], every=0.2, report=lines.append, times=2)  # new article, then an unchanged poll
    assert state["not_modified"] == 1 and store.versions_of(url) == [1]
    state["version"] = 1
    watch(store, [url], every=0.2, report=lines.append, times=1)
    assert store.versions_of(url) == [1, 2]
    assert lines[0].startswith(f"new article {url}")
    assert any(line.startswith(f"update {url} v2") and "figures" in line for line in lines), lines


def test_watch_backs_off_on_errors(tmp_path):
    lines = []
    watch(Store(tmp_path / "e.db"), ["http://127.0.0.1:9/nothing"], every=0.1, report=lines.append, times=1)
    assert lines and "retrying in" in lines[0]


@pytest.mark.parametrize("text,seconds", [("30s", 30), ("5m", 300), ("1h", 3600), ("10", 10)])
def test_intervals(text, seconds):
    assert parse_interval(text) == seconds
    with pytest.raises(ValueError):
        parse_interval("often")
