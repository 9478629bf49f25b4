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


def write_path(records: list[str], url: str) -> float:
    """Articles/s of storing records that are extracted already (the store and its stories)."""
    from storyline.ingest.batch import save
    from storyline.record.model import Record
    from storyline.store.db import Store
    from storyline.story.stories import Stories

    store = Store(url)
    stories = Stories(store)
    recs = [Record.model_validate_json(r) for r in records]
    t = time.perf_counter()
    for i, rec in enumerate(recs):
        save(store, stories, rec.document.id, rec, i)
    return len(recs) / (time.perf_counter() - t)


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
        try:
            sqlite = write_path(records, str(tmp / "w.db"))
            postgres = write_path(records, server.new_database("bench"))
        finally:
            server.stop()
        print(f"write path ({len(records)} records, story assignment included): SQLite {sqlite:.0f} articles/s, "
              f"PostgreSQL {postgres:.0f} articles/s")
        json.dump({"seconds": {f"{e}-{w}": v for (e, w), v in seconds.items()}, "sqlite": sqlite,
                   "postgresql": postgres}, sys.stderr)


if __name__ == "__main__":
    main()
