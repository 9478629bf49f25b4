"""The bad-input corpus (tests/bad_input.py: empty, binary, other languages, broken HTML and JSON,
a false byte-order mark, a page of one word, a 5 MB text without a sentence break, beside good
articles in UTF-8, UTF-16 and Windows-1252) through ingest in one batch: what is stored, what
is refused, the longest any one item took and the process's peak memory.

    .venv/bin/python bench/bad_input.py
"""
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.bad_input import write_corpus  # noqa: E402

from storyline.ingest.batch import ingest_items  # noqa: E402
from storyline.ingest.sources import read  # noqa: E402
from storyline.store.db import Store  # noqa: E402


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = write_corpus(Path(tmp) / "corpus")
        store = Store(Path(tmp) / "bad.db")
        times, last = [], [time.perf_counter()]

        def tick(item, status):
            now = time.perf_counter()
            times.append((now - last[0], item.name.rsplit("/", 1)[-1], status))
            last[0] = now

        start = time.perf_counter()
        result = ingest_items(store, read([str(folder)]), on_item=tick)
        total = time.perf_counter() - start
    slowest = max(times)
    print(f"{dict(result.counts)} in {total:.1f} s; {len(result.failures)} refused, each in one line")
    print(f"the longest item: {slowest[1]} ({slowest[2]}), {slowest[0]:.1f} s (a batch's items finish together)")
    print(f"peak memory {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024} MB")


if __name__ == "__main__":
    main()
