"""`storyline watch` against a local HTTP server whose live page changes between polls."""
import threading
import time
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


class Misbehaving(BaseHTTPRequestHandler):
    """Each path fails in one of the ways a real server has been seen to."""
    sent = {"huge": 0}

    def do_GET(self):  # noqa: N802
        path = self.path.strip("/")
        if path == "truncated":  # promises 5,000 bytes, sends 100 and hangs up
            self.send_response(200)
            self.send_header("Content-Length", "5000")
            self.end_headers()
            self.wfile.write(b"<html><body><p>" + b"x" * 85)
        elif path == "not-http":  # not an HTTP reply at all
            self.wfile.write(b"SSH-2.0-OpenSSH_9.6\r\n\r\n")
        elif path == "markup":  # a reason phrase in Rich's markup
            self.send_response(500, "[/x] [bold]broken")
            self.end_headers()
        elif path == "drip":  # a byte every 0.3 s, for ever: each read is quick, the fetch never ends
            self.send_response(200)
            self.end_headers()
            try:
                while True:
                    self.wfile.write(b"x")
                    self.wfile.flush()
                    time.sleep(0.3)
            except OSError:
                return
        elif path == "huge":  # an endless body
            self.send_response(200)
            self.end_headers()
            chunk = b"y" * 65536
            try:
                while self.sent["huge"] < 2**30:
                    self.wfile.write(chunk)
                    self.sent["huge"] += len(chunk)
            except OSError:
                return
        elif path == "not-a-feed":
            self.send_response(200)
            self.send_header("Content-Type", "application/rss+xml")
            self.end_headers()
            self.wfile.write(b"<rss><channel><item><title>[/x]</title><guid>[/x]</guid>\x00\x01</item>")

    def log_message(self, *args):
        pass


@pytest.fixture()
def bad_server(monkeypatch):
    from storyline.ingest import fetch

    monkeypatch.setattr(fetch, "DEADLINE", 2.0)  # the bounds a test can wait for
    monkeypatch.setattr(fetch, "MAX_BYTES", 2**20)
    Misbehaving.sent["huge"] = 0
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Misbehaving)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


@pytest.mark.parametrize("path,says", [
    ("truncated", "IncompleteRead"), ("not-http", "BadStatusLine"), ("markup", "HTTP 500 '[/x] [bold]broken'"),
    ("drip", "no complete answer within 2 s"), ("huge", "over 1,048,576 bytes")])
def test_each_misbehaviour_is_one_clear_error_within_the_bounds(bad_server, path, says):
    from storyline.ingest.fetch import FetchError, fetch

    start = time.monotonic()
    with pytest.raises(FetchError) as e:
        fetch(f"{bad_server}/{path}")
    assert says in str(e.value) and "\n" not in str(e.value)
    assert time.monotonic() - start < 5
    if path == "huge":
        assert Misbehaving.sent["huge"] < 16 * 2**20  # it stopped reading, so the server stopped sending


def test_watch_stays_up_through_every_misbehaviour_and_backs_off(bad_server, tmp_path):
    targets = [f"{bad_server}/{p}" for p in ("truncated", "not-http", "markup", "drip", "huge", "not-a-feed")]
    lines = []
    watch(Store(tmp_path / "bad.db"), targets, every=0.0, report=lines.append, times=1)
    failed = [line for line in lines if "retrying in" in line]
    assert len(failed) == 5 and all("retrying in 10 s" in line for line in failed)  # at least 5 s, doubled
    assert any("not-a-feed" in line for line in lines if line not in failed)


def test_the_interval_has_a_floor():
    with pytest.raises(ValueError, match="at least 10s"):
        parse_interval("0s")


def test_markup_in_what_watch_reports_is_printed_as_text(bad_server, tmp_path):
    import subprocess
    import sys
    from pathlib import Path

    cli = Path(sys.executable).parent / "storyline"
    out = subprocess.run([str(cli), "watch", f"{bad_server}/markup", "--every", "10s", "--times", "1",
                          "--db", str(tmp_path / "m.db")], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0 and "'[/x] [bold]broken'" in out.stdout, out.stdout + out.stderr


ARTICLE = ("<html><head><title>Ras stengte fylkesveien</title></head><body><article><h1>Ras stengte fylkesveien"
           "</h1><p>Et jordras gikk over fylkesvei 60 i Stranda natt til tirsdag, opplyser politiet. Ingen ble "
           "skadet, men 40 husstander er isolert.</p><p>– Vi regner med at veien er åpen igjen onsdag, sier "
           "vaktleder Ola Dahl i Statens vegvesen til NTB.</p></article></body></html>")


def feed(items: list[tuple[str, str]]) -> bytes:
    entries = "".join(f"<item><title>Ras stengte fylkesveien</title><link>{link}</link><guid>{link}</guid>"
                      f"<description>{teaser}</description><pubDate>Tue, 14 May 2024 08:00:00 GMT</pubDate></item>"
                      for link, teaser in items)
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>Lokalavisen</title>{entries}</channel></rss>'.encode()


class Teasers(BaseHTTPRequestHandler):
    pages = {"requests": []}

    def do_GET(self):  # noqa: N802
        self.pages["requests"].append(self.path)
        base = f"http://127.0.0.1:{self.server.server_address[1]}"
        if self.path == "/feed.xml":
            body = feed([(f"{base}/sak/1", "Et jordras gikk over fylkesvei 60 natt til tirsdag."),
                         (f"{base}/sak/borte", "Brann i Ålesund natt til tirsdag, opplyser politiet.")])
            kind = "application/rss+xml"
        elif self.path == "/sak/1":
            body, kind = ARTICLE.encode(), "text/html; charset=utf-8"
        else:
            self.send_response(404)
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def test_a_teaser_in_a_feed_becomes_the_article_it_links_to_once(tmp_path):
    Teasers.pages["requests"] = []
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Teasers)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{httpd.server_address[1]}"
    store, lines = Store(tmp_path / "t.db"), []
    try:
        watch(store, [f"{base}/feed.xml"], every=0.2, report=lines.append, times=1)
        watch(store, [f"{base}/feed.xml"], every=0.2, report=lines.append, times=1)
    finally:
        httpd.shutdown()
    full = store.record(f"{base}/sak/1")
    assert "40 husstander er isolert" in full.text, lines
    assert "Ola Dahl" in {e.name for e in full.entities}
    assert "Brann i Ålesund" in store.record(f"{base}/sak/borte").text  # the page is gone: the teaser stays
    assert any("kept the feed's teaser" in line and "/sak/borte" in line for line in lines), lines
    assert Teasers.pages["requests"].count("/sak/1") == 1  # stored: not fetched again on the next poll
