"""`storyline batch`: many articles through the pipeline, on this machine or on a Ray cluster,
into Parquet and/or the store.

- local: N worker processes on this machine, each loading the pipeline once.
- ray: a Ray Data pipeline whose actor pool holds one loaded pipeline per worker.

Both engines run `extract_chunk` over the same chunks of articles, so their records are the same
byte for byte. This process (the driver) skips what is done already (a rerun resumes), and takes
the results in input order: each article into the store in its own transaction (and its story),
records into Parquet parts written whole (a temporary file, renamed), each failure into the
errors file with its reason; the batch goes on.
"""
from __future__ import annotations

import json
import os
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .batch import article, failure, key_of, known, refusal, save
from .sources import Item

CHUNK = 8  # articles a worker extracts together: the statistical components' batch
PART_ROWS = 256  # records per Parquet part
ENGINES = ("local", "ray")
# one thread of linear algebra per worker: N workers on N cores, not N × N threads
ONE_THREAD = {v: "1" for v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")}


def task(item: Item, published: str | None) -> dict:
    """What a worker needs of an article: `batch.article`, and where it came from for messages."""
    return {**article(item, published), "name": item.name}


def extract_chunk(tasks: list[dict], pipeline: str | None = None) -> list[dict]:
    """Records (JSON) or the reasons they failed, for a chunk of articles, in order."""
    import storyline

    from .text import InputError

    out = []
    records = storyline.extract_many(tasks, batch_size=CHUNK, pipeline=pipeline, seconds=storyline.DOCUMENT_SECONDS,
                                     megabytes=storyline.DOCUMENT_MEGABYTES)
    for t, rec in zip(tasks, records, strict=True):
        failed = isinstance(rec, InputError)
        out.append({"key": t["id"], "name": t["name"], "record": None if failed else rec.model_dump_json(),
                    "error": failure(t["name"], rec) if failed else None})
    return out


def warm(pipeline: str | None = None) -> None:
    """Load the pipeline once in a worker, and what its components load on first use (places,
    lexicons), before its first article."""
    import storyline

    storyline.extract("Ordføreren i Bodø sa mandag at 30 personer er evakuert.", "2024-06-13", pipeline=pipeline)


class Extractor:
    """A Ray actor: one loaded pipeline, batch after batch (Ray Data's callable class)."""

    def __init__(self, pipeline: str | None = None) -> None:
        self.pipeline = pipeline
        warm(pipeline)

    def __call__(self, batch: dict) -> dict:
        tasks = [dict(zip(batch, values, strict=True)) for values in zip(*batch.values(), strict=True)]
        done = extract_chunk([{k: (None if v is None else str(v)) for k, v in t.items()} for t in tasks], self.pipeline)
        return {k: [d[k] for d in done] for k in ("key", "name", "record", "error")}


def _chunks(tasks: list[dict]) -> list[list[dict]]:
    return [tasks[i:i + CHUNK] for i in range(0, len(tasks), CHUNK)]


def run_local(tasks: list[dict], workers: int, pipeline: str | None = None) -> Iterator[dict]:
    """Worker processes, even one: this process stores and writes while they extract."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from functools import partial

    # spawned, not forked: each worker starts clean, and with one thread of linear algebra (the
    # environment it is spawned with: its imports read it before any code of ours runs there)
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"), initializer=warm,
                             initargs=(pipeline,)) as pool:
        saved = {k: os.environ.get(k) for k in ONE_THREAD}
        os.environ.update(ONE_THREAD)
        try:
            results = pool.map(partial(extract_chunk, pipeline=pipeline), _chunks(tasks))  # submits every chunk: the workers start now
        finally:
            for k, v in saved.items():
                if v is None:
                    os.environ.pop(k, None)
                else:
                    os.environ[k] = v
        for done in results:
            yield from done


def run_ray(tasks: list[dict], workers: int, address: str | None, pipeline: str | None = None) -> Iterator[dict]:
    os.environ.setdefault("RAY_BACKEND_LOG_LEVEL", "fatal")  # Ray's own lines would bury ours;
    try:                                                     # its errors still show
        import ray
        import ray.data
    except ImportError:
        raise EngineError("--engine ray needs Ray: pip install 'storyline[scale]'") from None
    import logging

    for name in ("ray", "ray.data"):
        logging.getLogger(name).setLevel(logging.ERROR)
    started = not ray.is_initialized()
    if started and address not in (None, "auto"):
        _reachable(address)
    if started:
        try:
            # Ray gives a 1-CPU actor OMP_NUM_THREADS=1 itself (a runtime_env of our own would make it
            # start fresh worker processes instead of its prestarted ones: 5 s more a run)
            ray.init(address=address, include_dashboard=False, log_to_driver=False, logging_level="ERROR",
                     num_cpus=None if address else workers)
        except (ConnectionError, RuntimeError, ValueError) as e:
            raise EngineError(f"no Ray cluster at {address}: {str(e).splitlines()[0]}") from None
    try:
        ctx = ray.data.DataContext.get_current()
        ctx.execution_options.preserve_order = True  # results in input order: stories grow as with local
        ctx.enable_progress_bars = False
        # a block per chunk (up to 200 a dataset), so every worker has work from the start
        ds = ray.data.from_items(tasks, override_num_blocks=max(1, min(-(-len(tasks) // CHUNK), 200)))
        ds = ds.map_batches(Extractor, fn_constructor_kwargs={"pipeline": pipeline}, batch_size=CHUNK,
                            compute=ray.data.ActorPoolStrategy(size=workers),
                            num_cpus=1)
        yield from ds.iter_rows()
    finally:
        if started:
            ray.shutdown()


class EngineError(RuntimeError):
    """The engine cannot start: one line that says why."""


def _reachable(address: str, seconds: float = 5.0) -> None:
    """A cluster's head answers at HOST:PORT (Ray itself would wait for it without end)."""
    import socket

    host, _, port = address.rpartition(":")
    if not host or not port.isdigit():
        raise EngineError(f"--address {address!r}: give auto or HOST:PORT")
    try:
        socket.create_connection((host, int(port)), timeout=seconds).close()
    except OSError as e:
        raise EngineError(f"no Ray cluster at {address}: {e.strerror or e}") from None


@dataclass
class Summary:
    """What a batch did; `steady` is its rate once the workers were up (what a long backfill gets)."""

    counts: Counter = field(default_factory=Counter)
    failures: list[tuple[str, str]] = field(default_factory=list)
    parts: list[Path] = field(default_factory=list)
    seconds: float = 0.0  # the whole run
    ready: float | None = None  # seconds until the first result: starting the workers, loading pipelines
    extracted: int = 0  # articles that went through the engine

    @property
    def steady(self) -> float | None:
        """Articles/s after the first result (None: too few to tell)."""
        if self.ready is None or self.extracted < 2 or self.seconds <= self.ready:
            return None
        return (self.extracted - 1) / (self.seconds - self.ready)


class PartWriter:
    """Records into Parquet parts under a folder: each part whole or absent (written to a
    temporary name, then renamed), numbered on from the parts already there."""

    def __init__(self, folder: Path):
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self.rows: list[dict] = []
        self.written: list[Path] = []
        numbers = [int(n) for p in folder.glob("part-*.parquet") if (n := p.stem.removeprefix("part-")).isdigit()]
        self.next = max(numbers, default=-1) + 1  # after the highest: a part removed by hand is never overwritten

    @staticmethod
    def done_keys(folder: Path) -> set[str]:
        import pyarrow.parquet as pq

        return {k for part in sorted(folder.glob("part-*.parquet"))
                for k in pq.read_table(part, columns=["key"]).column("key").to_pylist()}

    def add(self, key: str, record: str) -> None:
        self.rows.append({"key": key, "record": record})
        if len(self.rows) >= PART_ROWS:
            self.flush()

    def flush(self) -> None:
        if not self.rows:
            return
        import pyarrow as pa
        import pyarrow.parquet as pq

        path = self.folder / f"part-{self.next:05d}.parquet"
        tmp = path.with_suffix(".parquet.tmp")
        pq.write_table(pa.Table.from_pylist(self.rows, schema=pa.schema([("key", pa.string()),
                                                                          ("record", pa.string())])), tmp)
        tmp.rename(path)
        self.written.append(path)
        self.next += 1
        self.rows = []


def run_batch(items: Iterable[Item], *, engine: str = "local", workers: int = 1, address: str | None = None,
              out: Path | None = None, db: str | None = None, errors: Path | None = None,
              published: str | None = None, on_planned: Callable[[int], None] | None = None,
              on_result: Callable[[str], None] | None = None, pipeline: str | None = None) -> Summary:
    """Extract every article not done yet on `engine`; store each (`db`) and/or write the records
    as Parquet (`out`); failures to `errors` (JSON lines: id, name, error). `pipeline`: as in
    `storyline.load`."""
    from ..record.model import Record
    from ..store.db import Store
    from ..story.stories import Stories

    if engine not in ENGINES:
        raise EngineError(f"--engine {engine!r}: choose local or ray")
    if out is None and db is None:
        raise EngineError("give --out DIR (Parquet records) or --db URL (the store), or both")
    t0 = time.perf_counter()
    summary = Summary()
    store = Store(db) if db else None
    stories = Stories(store) if store else None
    writer = PartWriter(out) if out else None
    done = PartWriter.done_keys(out) if out else set()
    failures = None  # the errors file, made at the first failure (a run without any leaves none)
    if errors is not None and errors.exists():
        errors.unlink()  # this run's failures only: a rerun tries the failed articles again

    def failed(key: str | None, name: str, why: str) -> None:
        nonlocal failures
        summary.failures.append((name, why))
        summary.counts["failed"] += 1
        if errors is not None:
            failures = failures or errors.open("w", encoding="utf-8")
            failures.write(json.dumps({"id": key, "name": name, "error": why}, ensure_ascii=False) + "\n")
            failures.flush()

    tasks = []
    for item in items:
        if refusal(item):
            failed(item.key, item.name, item.error)
        elif (store is None or known(store, item, published)) and (writer is None or key_of(item) in done):
            summary.counts["unchanged"] += 1  # done: stored and/or written already
        else:
            tasks.append(task(item, published))
    if on_planned:
        on_planned(len(tasks))
    if not tasks:  # all done: no engine to start
        results = iter(())
    else:
        results = (run_ray(tasks, workers, address, pipeline) if engine == "ray"
                   else run_local(tasks, workers, pipeline))
    try:
        for r in results:
            summary.extracted += 1
            if summary.ready is None:
                summary.ready = time.perf_counter() - t0
            if r["error"] is not None:
                failed(r["key"], r["name"], r["error"])
            else:
                if writer is not None and r["key"] not in done:
                    writer.add(r["key"], r["record"])
                status = "written"
                if store is not None:
                    status = save(store, stories, r["key"], Record.model_validate_json(r["record"]),
                                  summary.counts["new"] + summary.counts["version"]).status
                summary.counts[status] += 1
            if on_result:
                on_result(r["name"])
    finally:
        if writer is not None:
            writer.flush()
            summary.parts = writer.written
        if failures:
            failures.close()
        summary.seconds = time.perf_counter() - t0
    return summary
