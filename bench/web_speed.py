"""Web UI benchmark: how long the story page takes to draw in Chromium over a store of 1,000
articles (generated as in bench/store_speed.py: distinct articles, then their records stored
again under new keys), for the front page, a typical story and the largest one. Timed from the
navigation to the route drawn, by the page's own clock (the mark app.js sets when a route has
built everything: on a story page, its lists, its map and its timeline); the median of
7 loads, each a new page of one browser context (a returning reader: the vendored libraries
and the base map come from the browser's cache), and the first load, from an empty cache.

    .venv/bin/python bench/web_speed.py [--articles 200] [--store-size 1000] [--db web.db]

(--db keeps the store: a second run with the same path skips building it.)
"""
import argparse
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from playwright.sync_api import sync_playwright  # noqa: E402
from store_speed import article  # noqa: E402

from storyline.ingest.batch import ingest_items  # noqa: E402
from storyline.store.db import Store  # noqa: E402
from storyline.story.stories import Stories  # noqa: E402

LOADS = 7


def fill(store: Store, articles: int, size: int) -> None:
    rng = random.Random(20240613)
    items = [article(i, rng) for i in range(articles)]
    ingest_items(store, items)
    stories = Stories(store)
    records = [store.record(it.key) for it in items]
    i = len(items)
    while i < size:
        for rec in records[: size - i]:
            rec.text = rec.text.replace("Sak nummer", f"Kopi {i}, sak nummer")
            rec.document.id = f"copy-{i}"
            store.save(f"copy-{i}", rec)
            stories.assign(f"copy-{i}", rec)
            i += 1


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--articles", type=int, default=200)
    ap.add_argument("--store-size", type=int, default=1000)
    ap.add_argument("--db", type=Path, help="the store to build, or to reuse when it exists")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = args.db or Path(tmp) / "web.db"
        built = path.exists()
        store = Store(path)
        t = time.perf_counter()
        if not built:
            fill(store, args.articles, args.store_size)
        found = sorted(Stories(store).list(), key=lambda st: st.articles)
        print(f"store: {store.counts()['documents']} articles, {len(found)} stories, filled in "
              f"{time.perf_counter() - t:.0f} s")
        typical, largest = found[len(found) // 2], found[-1]
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        # the server in a process of its own, as `storyline serve` runs: not sharing this one's GIL
        srv = subprocess.Popen([str(Path(sys.executable).parent / "storyline"), "serve", "--db", str(path),
                                "--port", str(port)], stdout=subprocess.DEVNULL)
        base = f"http://127.0.0.1:{port}"
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                urllib.request.urlopen(f"{base}/labels.json", timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=shutil.which("chromium") or "/usr/bin/chromium",
                                        args=["--no-sandbox", "--disable-gpu"])
            pages = [("front page (#/)", "#/", ".story-card"),
                     (f"a typical story ({typical.articles} articles)", f"#/story/{typical.id}", ".timeline .vis-item"),
                     (f"the largest story ({largest.articles} articles)", f"#/story/{largest.id}",
                      ".timeline .vis-item")]
            for name, route, drawn in pages:
                times = []
                # one browser context: the first load fills its cache, the others are a returning reader's
                context = browser.new_context(viewport={"width": 1280, "height": 900})
                for _ in range(LOADS + 1):
                    page = context.new_page()
                    page.goto(f"{base}/{route}")
                    page.locator(f"body[data-ready='{route}']").wait_for(timeout=60000)
                    page.locator(drawn).first.wait_for(timeout=60000)
                    # the page's own clock: from the start of the navigation to the route drawn
                    times.append(page.evaluate("performance.getEntriesByName('storyline:drawn')[0].startTime") / 1000)
                    page.close()
                context.close()
                # the first load also reads the scripts and the base map into the browser's cache
                print(f"{name}: median {statistics.median(times[1:]) * 1000:.0f} ms over {LOADS} loads "
                      f"(first, cold: {times[0] * 1000:.0f} ms)")
            browser.close()
        srv.terminate()
        srv.wait()


if __name__ == "__main__":
    main()
