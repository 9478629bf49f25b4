"""Store benchmarks: ingest throughput on 1,000 distinct generated articles (extraction and story
assignment included), then timeline and entity query latency on a 10,000-article store, over
everything and over its largest story.

    .venv/bin/python bench/store_speed.py [--articles 1000] [--store-size 10000]
"""
import os

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import argparse  # noqa: E402
import random  # noqa: E402
import statistics  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

from storyline.ingest.batch import ingest_items  # noqa: E402
from storyline.ingest.sources import Item  # noqa: E402
from storyline.store.db import Store  # noqa: E402
from storyline.story.queries import Story  # noqa: E402

FIRST = ["Kari", "Ola", "Ingrid", "Per", "Marit", "Jonas", "Siri", "Anders", "Hilde", "Erik"]
LAST = ["Hansen", "Johansen", "Berg", "Lunde", "Moe", "Haugen", "Bakken", "Nilsen", "Dahl", "Strand"]
PLACES = ["Bergen", "Trondheim", "Tromsø", "Bodø", "Stavanger", "Drammen", "Lillehammer", "Kristiansand",
          "Fredrikstad", "Ålesund", "Hamar", "Molde"]
ORGS = ["Fagforbundet", "Statnett", "Røde Kors", "Sivilforsvaret", "Statens vegvesen", "NVE"]
DAYS = ["mandag", "tirsdag", "onsdag", "torsdag", "fredag"]
EVENTS = ["ble {n} personer evakuert", "streiket {n} ansatte", "ble {n} personer skadet", "demonstrerte {n} personer"]


def article(i: int, rng: random.Random) -> Item:
    who = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
    place, org, day = rng.choice(PLACES), rng.choice(ORGS), rng.choice(DAYS)
    n = rng.randint(5, 5000)
    what = rng.choice(EVENTS).format(n=n)
    text = (f"I {place} {what} {day}, opplyser {org}.\n\n"
            f"– Situasjonen er alvorlig, men under kontroll, sa {who} til NTB {day} kveld.\n\n"
            f"Ifølge {org} kan tallet stige til over {n + rng.randint(10, 900)} innen {rng.choice(DAYS)}. "
            f"Statsminister Jonas Gahr Støre besøkte {place} og møtte ordfører {rng.choice(FIRST)} "
            f"{rng.choice(LAST)}. Sak nummer {i}.")
    return Item(f"gen-{i}", key=f"gen-{i}", text=text, source=rng.choice(["NRK", "VG", "NTB"]),
                published=f"2024-06-{rng.randint(10, 28):02d}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--articles", type=int, default=1000)
    ap.add_argument("--store-size", type=int, default=10000)
    args = ap.parse_args()
    rng = random.Random(20240613)
    items = [article(i, rng) for i in range(args.articles)]
    words = sum(len(it.text.split()) for it in items)
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "bench.db")
        try:
            from storyline.story.stories import Stories
        except ImportError:  # a checkout from before stories, run for comparison
            stories = None
        else:
            stories = Stories(store)
        ingest_items(store, items[:5])  # load the pipeline first
        start = time.perf_counter()
        result = ingest_items(store, items[5:])
        secs = time.perf_counter() - start
        n = result.counts["new"]
        print(f"ingest: {n} articles ({words} words in all) in {secs:.1f} s: {n / secs:.1f} articles/s")
        # grow to the query size by storing the extracted records again under new keys
        records = [store.record(it.key) for it in items]
        start = time.perf_counter()
        i = len(items)
        while store.counts()["documents"] < args.store_size:
            for rec in records:
                if i >= args.store_size:
                    break
                rec.text = rec.text.replace("Sak nummer", f"Kopi {i}, sak nummer")
                rec.document.id = f"copy-{i}"
                store.save(f"copy-{i}", rec)
                if stories is not None:
                    stories.assign(f"copy-{i}", rec)
                i += 1
        print(f"store filled to {store.counts()['documents']} articles in {time.perf_counter() - start:.0f} s")
        story = Story(store)
        queries = []
        if stories is not None:
            largest = max(stories.list(), key=lambda st: st.articles)
            one = Story(store, largest.id)
            print(f"{len(stories.list())} stories; the largest, {largest.id}, has {largest.articles} articles")
            queries = [(f"timeline --story {largest.id}", lambda: one.timeline()),
                       (f"entity Støre --story {largest.id}", lambda: one.entity("Støre")),
                       (f"claims --contradictions --story {largest.id}", lambda: one.contradictions())]
        for name, fn in (*queries, ("timeline (all)", lambda: story.timeline()),
                         ("timeline --entity Bergen", lambda: story.timeline(entity="Bergen")),
                         ("timeline --type PROTEST --from 2024-06-20", lambda: story.timeline(type="PROTEST",
                                                                                          date_from="2024-06-20")),
                         ("entity Støre", lambda: story.entity("Støre"))):
            times = []
            for _ in range(3):
                t = time.perf_counter()
                fn()
                times.append(time.perf_counter() - t)
            print(f"{name}: median {statistics.median(times) * 1000:.0f} ms over 3 runs")


if __name__ == "__main__":
    main()
