"""Extraction throughput with every component on (one core) and peak memory, over >= 100,000
words of distinct news text, in batches (as `storyline ingest` does) and one article per call; then one 5 MB text.

    .venv/bin/python bench/extract_speed.py [--big]

It times the default pipeline; STORYLINE_PIPELINE=cnn (or e5) picks the other.
"""
import os

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import resource  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402

from corpus import articles  # noqa: E402

import storyline  # noqa: E402


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    texts = articles()
    words = sum(len(t.split()) for t in texts)
    storyline.extract("Oppvarming: Statsministeren besøkte Bergen i går.", published="2024-01-01")
    start = time.perf_counter()
    n_facts = 0
    for rec in storyline.extract_many({"text": t, "published": "2020-01-01"} for t in texts):
        n_facts += len(rec.quotes) + len(rec.figures) + len(rec.events) + len(rec.timexes)
    secs = time.perf_counter() - start
    print(f"{len(texts)} articles, {words} words in {secs:.1f} s, {n_facts} quotes/figures/events/timexes")
    print(f"extraction words/s (extract_many, batches of 8): {words / secs:,.0f}")
    start = time.perf_counter()
    for t in texts[:100]:
        storyline.extract(t, published="2020-01-01")
    secs = time.perf_counter() - start
    print(f"extraction words/s (extract, one article per call): {sum(len(t.split()) for t in texts[:100]) / secs:,.0f}")
    print(f"peak memory: {peak_mb():,.0f} MB")
    if "--big" in sys.argv:
        # in a fresh process, so its peak is the 5 MB text's own, not the run above's
        subprocess.run([sys.executable, __file__, "--only-big"], check=True)


def big_text() -> None:
    texts = articles()
    big = "\n\n".join(texts)
    while len(big.encode()) < 5_000_000:
        big += "\n\n" + big
    big = big[:5_000_000]
    # a warm-up in plain Norwegian, as the 5 MB text is: no language model is loaded for it
    storyline.extract("Oppvarming: Statsministeren besøkte Bergen i går, og hun sa at det var en fin dag for "
                      "byen og for alle som har jobbet med saken i mange år.", published="2024-01-01")
    before = peak_mb()
    start = time.perf_counter()
    rec = storyline.extract(big, published="2020-01-01")
    secs = time.perf_counter() - start
    print(f"5 MB text ({len(big.split())} words): {secs:.0f} s, {len(rec.entities)} entities, "
          f"peak memory {peak_mb():,.0f} MB (after loading: {before:,.0f} MB)")

if __name__ == "__main__":
    big_text() if "--only-big" in sys.argv else main()
