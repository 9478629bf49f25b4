"""Backfill benchmarks (`storyline batch`): articles/s on 1 and 2 workers, on the local engine
(worker processes) and on Ray (a one-node cluster this script starts, as a backfill runs on a
cluster that is up already), over the same distinct real texts (bench/corpus.py: NorQuAD news
and NorSumm articles, read from ../shared at run time into a temporary JSON lines file); then the
write path alone, the same records stored into SQLite and into PostgreSQL (a throwaway server,
tests/postgres.py).

    .venv/bin/python bench/scale_speed.py [--articles 466] [--repeat 1] [--corpus FILE.jsonl]

Each run is a fresh `storyline batch` process writing Parquet (--out), timed from start to end:
reading, starting the workers and loading their pipelines are in it.
"""
import argparse
import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
BIN = Path(sys.executable).parent


def timed_batch(corpus: Path, out: Path, *args: str) -> tuple[float, float]:
    """Seconds of a whole run, and its articles/s once its workers were up (as it says)."""
    shutil.rmtree(out, ignore_errors=True)
    t = time.perf_counter()
    run = subprocess.run([str(BIN / "storyline"), "batch", str(corpus), "--out", str(out), *args],
                         capture_output=True, text=True)
    seconds = time.perf_counter() - t
    if run.returncode not in (0, 1):
        raise SystemExit(run.stderr)
    return seconds, float(re.search(r"([\d.]+) articles/s once the workers were up", run.stdout).group(1))


def _write(records: list[str], url: str, start) -> float:
    from storyline.ingest.batch import save
    from storyline.record.model import Record
    from storyline.store.db import Store
    from storyline.story.stories import Stories

    store = Store(url)
    stories = Stories(store)
    recs = [Record.model_validate_json(r) for r in records]
    start.wait()
    t = time.perf_counter()
    for i, rec in enumerate(recs):
        save(store, stories, rec.document.id, rec, i)
    return time.perf_counter() - t


def write_path(records: list[str], url: str, writers: int) -> float:
    """Articles/s of storing records that are extracted already (each with its story), by `writers`
    processes at once, each storing its share."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    from storyline.store.db import Store

    Store(url)  # made before the writers start
    ctx = multiprocessing.get_context("spawn")
    with ctx.Manager() as manager, ProcessPoolExecutor(writers, mp_context=ctx) as pool:
        start = manager.Barrier(writers)
        seconds = list(pool.map(_write, [records[i::writers] for i in range(writers)], [url] * writers,
                                [start] * writers))
    return len(records) / max(seconds)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", type=Path, help="JSON lines of articles (default: bench/corpus.py's texts)")
    ap.add_argument("--articles", type=int, default=466, help="of bench/corpus.py's texts (466 there are)")
    ap.add_argument("--repeat", type=int, default=1, help="runs of each, the fastest kept")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        if args.corpus is None:
            from corpus import articles

            args.corpus = tmp / "corpus.jsonl"
            args.corpus.write_text("".join(json.dumps({"id": f"bench-{i}", "text": t, "published": "2024-06-13"},
                                                      ensure_ascii=False) + "\n"
                                           for i, t in enumerate(articles(0)[:args.articles])), encoding="utf-8")
        n = sum(1 for line in args.corpus.open(encoding="utf-8") if line.strip())
        print(f"corpus: {n} articles, {os.cpu_count()} cores")
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        os.environ.update(RAY_AUTH_MODE="token", RAY_AUTH_TOKEN=secrets.token_hex(32))
        subprocess.run([str(BIN / "ray"), "start", "--head", f"--port={port}", "--num-cpus=2",
                        "--include-dashboard=false", "--disable-usage-stats"], check=True, capture_output=True)
        try:
            seconds, steady = {}, {}
            for engine in ("local", "ray"):
                for workers in (1, 2):
                    extra = ["--address", f"127.0.0.1:{port}"] if engine == "ray" else []
                    seconds[engine, workers], steady[engine, workers] = min(
                        timed_batch(args.corpus, tmp / f"{engine}{workers}", "--engine", engine, "--workers",
                                    str(workers), *extra) for _ in range(args.repeat))
                    print(f"{engine:5} {workers} worker{'s' if workers > 1 else ' '}: {seconds[engine, workers]:6.1f} s, "
                          f"{n / seconds[engine, workers]:5.2f} articles/s; once up {steady[engine, workers]:5.2f}")
        finally:
            subprocess.run([str(BIN / "ray"), "stop", "--force"], capture_output=True)
        for engine in ("local", "ray"):
            print(f"{engine}: speed-up from 1 to 2 workers {seconds[engine, 1] / seconds[engine, 2]:.2f} "
                  f"(whole runs), {steady[engine, 2] / steady[engine, 1]:.2f} (once up)")
        for workers in (1, 2):
            print(f"ray against local, {workers} worker{'s' if workers > 1 else ''}: "
                  f"{seconds['ray', workers] / seconds['local', workers] - 1:+.0%} time (whole runs), "
                  f"{steady['local', workers] / steady['ray', workers] - 1:+.0%} (once up)")

        import pyarrow.parquet as pq

        records = [r for part in sorted((tmp / "local2").glob("part-*.parquet"))
                   for r in pq.read_table(part).column("record").to_pylist()]
        from tests.postgres import TempPostgres

        server = TempPostgres().start()
        writes = {}
        try:
            for writers in (1, 2):
                writes["sqlite", writers] = write_path(records, str(tmp / f"w{writers}.db"), writers)
                writes["postgresql", writers] = write_path(records, server.new_database("bench"), writers)
        finally:
            server.stop()
        for writers in (1, 2):
            print(f"write path, {writers} writer{'s' if writers > 1 else ''} at once ({len(records)} records, each "
                  f"with its story): SQLite {writes['sqlite', writers]:.0f} articles/s, "
                  f"PostgreSQL {writes['postgresql', writers]:.0f} articles/s")
        json.dump({"seconds": {f"{e}-{w}": v for (e, w), v in seconds.items()},
                   "writes": {f"{d}-{w}": v for (d, w), v in writes.items()}}, sys.stderr)


if __name__ == "__main__":
    main()
