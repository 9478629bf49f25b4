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
from datetime import date, timedelta  # noqa: E402
from functools import partial  # noqa: E402
from pathlib import Path  # noqa: E402

from storyline.ingest.batch import ingest_items  # noqa: E402
from storyline.ingest.sources import Item  # noqa: E402
from storyline.store.db import Store  # noqa: E402
from storyline.story.queries import Story  # noqa: E402

FIRST = ["Kari", "Ola", "Ingrid", "Per", "Marit", "Jonas", "Siri", "Anders", "Hilde", "Erik", "Liv", "Tore",
         "Randi", "Geir", "Nina", "Arne", "Tone", "Knut", "Heidi", "Rune"]
LAST = ["Hansen", "Johansen", "Berg", "Lunde", "Moe", "Haugen", "Bakken", "Nilsen", "Dahl", "Strand", "Solberg",
        "Eide", "Aasen", "Holm", "Ruud", "Sandvik", "Myhre", "Brekke", "Lie", "Vold"]
PLACES = [line.strip() for line in (Path(__file__).resolve().parent.parent / "src/storyline/nlp/data/municipalities.txt")
          .read_text(encoding="utf-8").splitlines() if line.strip() and not line.startswith("#")]
ORGS = ["Fagforbundet", "Statnett", "Røde Kors", "Sivilforsvaret", "Statens vegvesen", "NVE", "Mattilsynet",
        "Kystverket", "Avinor", "Bane NOR"]
DAYS = ["mandag", "tirsdag", "onsdag", "torsdag", "fredag"]
EVENTS = ["ble {n} personer evakuert", "streiket {n} ansatte", "ble {n} personer skadet", "demonstrerte {n} personer"]
PER_STORY = 4  # distinct articles per generated story, over a few days


def article(i: int, rng: random.Random) -> Item:
    """Article i of story i // PER_STORY: its place, organisation, people and week are the story's."""
    story = random.Random(i // PER_STORY)
    place, org = story.choice(PLACES), story.choice(ORGS)
    who, mayor = (f"{story.choice(FIRST)} {story.choice(LAST)}" for _ in range(2))
    start = date(2024, 1, 1) + timedelta(days=story.randint(0, 360))
    day = rng.choice(DAYS)
    n = rng.randint(5, 5000)
    what = rng.choice(EVENTS).format(n=n)
    text = (f"I {place} {what} {day}, opplyser {org}.\n\n"
            f"– Situasjonen er alvorlig, men under kontroll, sa {who} til NTB {day} kveld.\n\n"
            f"Ifølge {org} kan tallet stige til over {n + rng.randint(10, 900)} innen {rng.choice(DAYS)}. "
            f"Statsminister Jonas Gahr Støre besøkte {place} og møtte ordfører {mayor}. Sak nummer {i}.")
    return Item(f"gen-{i}", key=f"gen-{i}", text=text, source=rng.choice(["NRK", "VG", "NTB"]),
                published=(start + timedelta(days=rng.randint(0, 4))).isoformat())


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
            found = sorted(stories.list(), key=lambda st: st.articles)
            typical, largest = found[len(found) // 2], found[-1]
            print(f"{len(found)} stories; a typical one ({typical.id}) has {typical.articles} articles, "
                  f"the largest ({largest.id}) {largest.articles}")
            for st in (typical, largest):
                one = Story(store, st.id)
                queries += [(f"timeline --story {st.id}", one.timeline),
                            (f"entity Støre --story {st.id}", partial(one.entity, "Støre")),
                            (f"claims --contradictions --story {st.id}", one.contradictions)]
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
