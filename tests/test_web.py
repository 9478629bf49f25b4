"""The web UI in real headless Chromium (Debian's /usr/bin/chromium driven by Playwright),
against a real server over a store built from our test story, the mixed three-story test set and
the seed. Every page is checked to ask nothing of any other origin. A failing test leaves a
screenshot in tests/artifacts/; the tour's screenshots (README) go to $STORYLINE_TOUR when set
(`make tour`), else to tests/artifacts/tour/."""
import csv
import json
import os
import shutil
import socket
import threading
import time
from pathlib import Path

import pytest

from storyline.ingest.batch import ingest_items
from storyline.ingest.sources import Item, read
from storyline.store.db import Store

TESTS = Path(__file__).resolve().parent
SEED = TESTS.parent.parent / "shared" / "seeds" / "000_7f010caa0a2c78e9.txt"
ARTIFACTS = TESTS / "artifacts"
TOUR = Path(os.environ.get("STORYLINE_TOUR") or ARTIFACTS / "tour")
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
HOSTILE = ("Ordføreren i Bergen sa mandag at <script>window.__pwned = 1</script> ikke hører hjemme i en "
           "nyhetsartikkel, og at <b>fet</b> skrift heller ikke skal tolkes.")

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    import uvicorn

    from storyline.api.app import create_app

    db = tmp_path_factory.mktemp("web") / "web.db"
    store = Store(db)
    ingest_items(store, read([str(TESTS / "story" / "day1.jsonl"), str(TESTS / "story" / "update.jsonl"),
                              str(TESTS / "mixed" / "three_stories.jsonl")]))
    if SEED.exists():
        ingest_items(store, [Item(str(SEED), key="seed", text=SEED.read_text(encoding="utf-8"),
                                  title="Krigen i Ukraina", published="2022-03-03", source="Seed")])
    ingest_items(store, [Item("hostile", key="hostile-1", text=HOSTILE, title="Skript i teksten", source="Test",
                              published="2024-06-10")])
    port = free_port()
    srv = uvicorn.Server(uvicorn.Config(create_app(str(db)), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.time() + 30
    while not srv.started and time.time() < deadline:
        time.sleep(0.1)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync"])
        yield b
        b.close()


@pytest.fixture()
def page(browser, server, request):
    """A page that records every request to another origin (and refuses it) and every script error."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    pg = context.new_page()
    pg.elsewhere, pg.errors = [], []

    def route(r):
        if r.request.url.startswith(server) or r.request.url.startswith(("data:", "blob:")):
            r.continue_()
        else:
            pg.elsewhere.append(r.request.url)
            r.abort()

    context.route("**/*", route)
    pg.on("pageerror", lambda e: pg.errors.append(str(e)))
    pg.on("console", lambda m: pg.errors.append(m.text) if m.type == "error" else None)
    yield pg
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        pg.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    context.close()
    if report is not None and report.passed:
        assert pg.elsewhere == [], f"requests to other origins: {pg.elsewhere}"
        assert pg.errors == [], f"errors in the page: {pg.errors}"


def open_route(page, server, route: str):
    """Go to a route of the app and wait until it has drawn it (body[data-ready] names the route)."""
    page.goto(f"{server}/{route}")
    page.locator(f"body[data-ready='{route}']").wait_for()


def tour(page, name: str, **kw):
    TOUR.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(TOUR / f"{name}.png"), **kw)


def story_id(server, title: str) -> int:
    import urllib.request

    with urllib.request.urlopen(f"{server}/api/stories?limit=100") as r:
        return next(st["id"] for st in json.load(r)["items"] if st["title"] == title)


def test_front_page_lists_the_stories_and_opens_one(server, page):
    open_route(page, server, "#/")
    cards = page.locator(".story-card")
    assert cards.count() >= 5
    flood = cards.filter(has_text="Flom i Lillehammer")
    assert "NRK" in flood.inner_text() and "artikler" in flood.inner_text()
    tour(page, "1-saker")
    flood.locator("a").click()
    page.locator("body[data-ready^='#/story/']").wait_for()
    assert page.locator("main h2").inner_text() == "Flom i Lillehammer"
    page.locator(".timeline .vis-item").first.wait_for()
    # Norwegian labels, not PLOVER's codes
    items = page.locator(".timeline .vis-item").all_inner_texts()
    assert any(t.startswith("Møte: Jonas Gahr Støre") for t in items) and not any("CONSULT" in t for t in items)
    people = page.locator(".people[data-type=PER] li", has_text="Jonas Gahr Støre")
    people.wait_for()  # the lists fill in after the page is drawn
    assert page.locator(".quotes li").count() > 0
    claim = page.locator("section.claim", has_text="350 personer").first
    assert "ifølge Innlandet politidistrikt" in claim.inner_text() and "ifølge NRK" in claim.inner_text()


def test_the_story_page_charts_figures_over_time(server, page):
    open_route(page, server, f"#/story/{story_id(server, 'Skogbrann i Sogndal: hundrevis evakuert')}")
    chart = page.locator("figure.figure-chart", has_text="personer evakuert")
    chart.wait_for()
    assert chart.locator("circle").count() >= 3  # 300 on the 4th, 400 and 650 on the 5th
    tour(page, "2-sak", full_page=True)
    chart.locator("a").first.click()  # a dot is a link to the figure's sentence
    page.locator("body[data-ready^='#/article/']").wait_for()
    assert "personer" in "".join(page.locator(".hl-target").all_inner_texts())


def test_timeline_zooms_and_the_url_keeps_the_window(server, page):
    open_route(page, server, f"#/story/{story_id(server, 'Rakettangrep mot Kharkiv')}")
    page.locator(".timeline .vis-item").first.wait_for()
    span = "(() => { const w = window.__timeline.getWindow(); return w.end - w.start; })()"
    before = page.evaluate(span)
    page.click("button[data-zoom=in]")
    page.wait_for_timeout(700)  # vis-timeline animates the zoom
    after = page.evaluate(span)
    assert after < before * 0.8
    page.wait_for_timeout(300)
    assert "win=" in page.evaluate("location.hash")
    kept = page.evaluate("location.hash")
    page.reload()
    page.locator(".timeline .vis-item").first.wait_for()
    assert abs(page.evaluate(span) - after) < after * 0.05 and page.evaluate("location.hash") == kept


def test_filter_by_source_and_date(server, page):
    sid = story_id(server, "Rakettangrep mot Kharkiv")
    open_route(page, server, f"#/story/{sid}")
    every = page.locator(".event-list .event").count()
    page.select_option("select[name=source]", "NRK")
    page.fill("input[name=from]", "2025-08-04")
    page.fill("input[name=to]", "2025-08-04")
    page.click("form.filters button[type=submit]")
    page.locator(f"body[data-ready='#/story/{sid}?source=NRK&from=2025-08-04&to=2025-08-04']").wait_for()
    shown = page.locator(".event-list .event")
    assert 0 < shown.count() < every
    for text in shown.all_inner_texts():
        assert "NRK" in text.split("kilder:")[1] and "4. august 2025" in text
    assert page.locator("select[name=source]").input_value() == "NRK"  # the form shows the view it drew


def test_a_map_cluster_through_an_event_report_to_its_sentence(server, page):
    open_route(page, server, f"#/story/{story_id(server, 'Flom i Lillehammer')}")
    cluster = page.locator(".leaflet-marker-icon.cluster").first
    cluster.wait_for()
    assert int(cluster.inner_text()) >= 2  # several events in one town
    assert page.locator(".legend-box").inner_text().startswith("Hendelsestyper")
    page.wait_for_url("**win=*")  # the timeline has reported its first range (it once redrew the map)
    cluster.click()
    marker = page.locator(".leaflet-marker-icon.marker").first
    marker.wait_for()
    page.wait_for_timeout(400)  # the spiderfy animation
    marker.click()
    report = page.locator(".leaflet-popup a.report-link").first
    report.wait_for()
    page.wait_for_timeout(400)  # the popup fades in
    tour(page, "3-kart")
    sentence = report.locator("xpath=..").inner_text().split(": ", 1)[1]
    report.click()
    page.locator("body[data-ready^='#/article/']").wait_for()
    target = page.locator(".hl-target")
    assert "".join(target.all_inner_texts()).strip() == sentence.strip()
    assert target.first.is_visible()


def test_the_map_reads_the_detailed_countries_only_when_zoomed_in(server, page):
    asked = []
    page.on("request", lambda r: asked.append(r.url.rsplit("/", 1)[-1]))
    open_route(page, server, f"#/story/{story_id(server, 'Flom i Lillehammer')}")
    page.locator(".leaflet-marker-icon").first.wait_for()
    assert "countries-110m.json" in asked and "countries-50m.json" not in asked
    page.wait_for_url("**win=*")  # the timeline has reported its first range
    page.wait_for_function("() => !window.__map._animatingZoom")  # Leaflet ignores a zoom asked for during its fit
    with page.expect_request("**/countries-50m.json"):
        page.evaluate("window.__map.setZoom(9) && null")  # a town's streets: the coarse coast is no use there
    assert page.locator(".map").get_attribute("data-basemap") == "50m"


def test_search_for_a_name_from_the_header(server, page):
    open_route(page, server, "#/")
    page.fill("#search input", "Gahr")
    page.press("#search input", "Enter")
    page.locator("body[data-ready='#/search?q=Gahr']").wait_for()
    assert "Jonas Gahr Støre" in page.locator(".hits-names").inner_text()
    hits = page.locator(".hits li")
    assert hits.count() >= 2 and any("sitat" in t or "artikkel" in t for t in hits.all_inner_texts())
    tour(page, "4-sok")
    page.locator(".hits-names a", has_text="Jonas Gahr Støre").click()
    page.locator("h2", has_text="Jonas Gahr Støre").wait_for()
    assert "Dette er en krevende natt for mange" in page.locator("main").inner_text()


def test_export_csv_of_what_is_on_screen(server, page, tmp_path):
    sid = story_id(server, "Rakettangrep mot Kharkiv")
    open_route(page, server, f"#/story/{sid}?type=ASSAULT")
    shown = page.locator(".event-list .event").evaluate_all("els => els.map(e => e.dataset.id)")
    with page.expect_download() as download:
        page.click("a[data-format=csv]")
    path = tmp_path / "events.csv"
    download.value.save_as(path)
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    assert shown and [r["event_id"] for r in rows] == shown
    assert {r["event_type"] for r in rows} == {"ASSAULT"} and all(r["notes"] for r in rows)


def test_article_table_sorts_filters_and_links_the_original(server, page):
    open_route(page, server, "#/articles")
    page.click("button[data-sort=title]")
    page.locator("body[data-ready*='sort=title']").wait_for()
    titles = page.locator("table.articles tbody td:first-child").all_inner_texts()
    assert titles == sorted(titles, reverse=True)
    page.fill("input[name=source]", "VG")
    page.click("form.filters button")
    page.locator("body[data-ready*='source=VG']").wait_for()
    sources = page.locator("table.articles tbody td:nth-child(2)").all_inner_texts()
    assert sources and set(sources) == {"VG"}
    original = page.locator("table.articles a[target=_blank]").first
    assert original.get_attribute("href").startswith("https://") and original.get_attribute("rel") == "noopener noreferrer"


def test_article_view_highlights_details_and_diff(server, page):
    open_route(page, server, "#/article/nrk-flom-1")
    figure = page.locator(".hl-figure", has_text="rundt 250 personer")
    figure.click()
    assert page.locator("#details").is_visible()
    assert "verdi 250 (rundt)" in page.locator("#details").inner_text()
    event = page.locator(".article-text .hl-event").first
    event.focus()
    page.keyboard.press("Enter")  # the facts are reachable from the keyboard
    details = page.locator("#details").inner_text()
    assert "fastslått" in details or "meldt" in details or "planlagt" in details
    diff = page.locator("section.diff").inner_text()
    assert "~ tall: rundt 200 personer → rundt 250 personer" in diff and "+Røde Kors opplyser" in diff
    page.select_option("select[aria-label=versjon]", "1")
    page.locator("body[data-ready='#/article/nrk-flom-1?v=1']").wait_for()
    assert "rundt 200 personer" in page.locator(".article-text").inner_text()


def test_article_text_is_escaped(server, page):
    open_route(page, server, "#/article/hostile-1")
    text = page.locator(".article-text")
    assert "<script>window.__pwned = 1</script>" in text.inner_text()
    assert page.evaluate("window.__pwned") is None
    assert page.locator(".article-text b").count() == 0


def test_contradictions_are_paged(server, page):
    open_route(page, server, "#/claims")
    page.locator("section.claim").first.wait_for()
    claims = page.locator("section.claim")
    assert 0 < claims.count() <= 20
    assert set(claims.evaluate_all("els => els.map(e => e.querySelectorAll('.sides .card').length)")) == {2}


def test_openapi_docs_list_the_operations_offline(server, page):
    page.goto(f"{server}/docs")
    page.locator(".opblock").first.wait_for()
    summaries = page.locator(".opblock-summary-path").all_inner_texts()
    assert page.locator(".opblock").count() >= 15 and "/api/stories" in summaries and "/api/export" in summaries
    page.goto(f"{server}/redoc")
    page.locator("h1", has_text="storyline").wait_for()
    assert page.get_by_text("The events on screen as a file").count() >= 1
    # redoc's footer always asks for its logo on cdn.redoc.ly: the page's policy blocks it before any
    # request is made (the route above saw none), and the browser says so in the console
    page.errors[:] = [e for e in page.errors if "cdn.redoc.ly/redoc/logo-mini.svg" not in e]


def test_readable_on_a_phone(server, browser):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    pg = context.new_page()
    pg.goto(f"{server}/#/story/{story_id(server, 'Flom i Lillehammer')}")
    pg.locator("body[data-ready^='#/story/']").wait_for()
    pg.locator(".timeline .vis-item").first.wait_for()
    assert pg.evaluate("document.documentElement.scrollWidth") <= 392
    tour(pg, "5-mobil")
    context.close()


def test_oversized_body_is_refused(server):
    import http.client
    from urllib.parse import urlparse

    u = urlparse(server)
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=30)
    conn.putrequest("POST", "/api/extract")
    conn.putheader("Content-Type", "application/json")
    conn.putheader("Content-Length", str(50_000_000))  # announced, never sent: refused before reading
    conn.endheaders()
    resp = conn.getresponse()
    assert resp.status == 413 and "over" in json.loads(resp.read())["detail"]


def test_a_chunked_body_is_refused_while_it_streams(server):
    """A chunked body announces no length: the server stops reading at the limit (2 MB) and answers
    413 while the client is still sending, instead of holding the whole body first."""
    import http.client
    from urllib.parse import urlparse

    u = urlparse(server)
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=30)
    conn.putrequest("POST", "/api/extract")
    conn.putheader("Content-Type", "application/json")
    conn.putheader("Transfer-Encoding", "chunked")
    conn.endheaders()
    chunk = b"a" * 65536
    sent = 0
    try:
        for _ in range(4096):  # 256 MB, were it all sent
            conn.send(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            sent += len(chunk)
    except (BrokenPipeError, ConnectionResetError):
        pass
    else:
        conn.send(b"0\r\n\r\n")
    resp = conn.getresponse()
    assert resp.status == 413
    assert sent < 64 * 2**20  # it stopped listening long before the end
