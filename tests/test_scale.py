"""Backfills past one process (`storyline batch`): the local engine's worker processes and a real
one-node Ray cluster, started here on 127.0.0.1 and stopped at the end, into Parquet and into
the store (SQLite, and the PostgreSQL server of tests/postgres.py)."""
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from storyline.store.db import Store

MIXED = Path(__file__).resolve().parent / "mixed" / "three_stories.jsonl"
CLI = [sys.executable, "-m", "storyline.cli"]
RAY = Path(sys.executable).parent / "ray"


def batch(*args: str, check: bool = True) -> subprocess.CompletedProcess:
    out = subprocess.run([*CLI, "batch", *args], capture_output=True, text=True, timeout=600)
    if check:
        assert out.returncode == 0, out.stderr
    return out


@pytest.fixture(scope="module")
def ray_cluster(tmp_path_factory):
    """A one-node Ray cluster of 2 CPUs on this machine, with a token of its own (Ray's token
    authentication, which `storyline batch` and the head read from the environment): its address.
    (Ray reaches its own node by the node's address: it turns 127.0.0.1 into that.)"""
    pytest.importorskip("ray", reason="Ray is not installed (pip install 'storyline[scale]')")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    temp = tmp_path_factory.mktemp("ray")
    saved = {k: os.environ.get(k) for k in ("RAY_AUTH_MODE", "RAY_AUTH_TOKEN")}
    os.environ.update(RAY_AUTH_MODE="token", RAY_AUTH_TOKEN=secrets.token_hex(32))
    started = subprocess.run([str(RAY), "start", "--head", f"--port={port}", "--num-cpus=2",
                              "--include-dashboard=false", "--disable-usage-stats", f"--temp-dir={temp}"],
                             capture_output=True, text=True, timeout=180)
    assert started.returncode == 0, started.stderr
    yield f"127.0.0.1:{port}"
    subprocess.run([str(RAY), "stop", "--force"], capture_output=True, timeout=120)
    for k, v in saved.items():
        os.environ.pop(k, None) if v is None else os.environ.__setitem__(k, v)


def parts(folder: Path) -> list[dict]:
    import pyarrow.parquet as pq

    return [row for part in sorted(folder.glob("part-*.parquet")) for row in pq.read_table(part).to_pylist()]


def corpus(tmp_path: Path, n: int = 0) -> Path:
    """The 12 articles of tests/mixed, one line that is no article, and `n` short generated ones."""
    path = tmp_path / "batch.jsonl"
    lines = MIXED.read_text(encoding="utf-8").splitlines()
    lines.insert(5, json.dumps({"id": "tom", "text": "   "}))
    lines += [json.dumps({"id": f"g{i}", "source": "Test", "published": "2024-06-13",
                          "text": f"Ordfører Ola Bakken sa torsdag at {i + 3} hus i Lillehammer er evakuert."})
              for i in range(n)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def as_parquet(src: Path) -> Path:
    import pyarrow as pa
    import pyarrow.parquet as pq

    rows = [json.loads(line) for line in src.read_text(encoding="utf-8").splitlines()]
    pq.write_table(pa.Table.from_pylist(rows), src.with_suffix(".parquet"))
    return src.with_suffix(".parquet")


def test_ray_gives_the_records_of_the_local_engine_and_a_rerun_adds_nothing(ray_cluster, tmp_path):
    # the local engine reads the articles as Parquet, Ray as JSON lines: the same records
    src = corpus(tmp_path)
    local = batch(str(as_parquet(src)), "--engine", "local", "--workers", "2", "--out", str(tmp_path / "local"),
                  check=False)
    on_ray = batch(str(src), "--engine", "ray", "--address", ray_cluster, "--workers", "2",
                   "--out", str(tmp_path / "ray"), check=False)
    for out in (local, on_ray):  # the empty article fails alone, with its reason; the batch goes on
        assert out.returncode == 1 and "12 written" in out.stdout and "1 failed" in out.stdout, out.stderr
    a, b = parts(tmp_path / "local"), parts(tmp_path / "ray")
    assert len(a) == 12 and a == b  # the same records, byte for byte, in input order
    [error] = [json.loads(line) for line in (tmp_path / "ray" / "errors.jsonl").read_text().splitlines()]
    assert error["id"] == "tom" and error["error"].endswith("batch.jsonl:6: empty input, nothing to extract")
    again = batch(str(src), "--engine", "ray", "--address", ray_cluster, "--workers", "2",
                  "--out", str(tmp_path / "ray"), check=False)
    assert "0 written, 12 already done" in again.stdout and len(parts(tmp_path / "ray")) == 12


def test_ray_into_the_store_stores_each_article_once(ray_cluster, tmp_path, new_db):
    db, src, errors = new_db("ray"), corpus(tmp_path), str(tmp_path / "errors.jsonl")
    first = batch(str(src), "--engine", "ray", "--address", ray_cluster, "--workers", "2", "--db", db,
                  "--errors", errors, check=False)
    assert "12 new" in first.stdout and "1 failed" in first.stdout, first.stderr
    second = batch(str(src), "--engine", "ray", "--address", ray_cluster, "--workers", "2", "--db", db,
                   "--errors", errors, check=False)
    assert "0 new, 0 new versions, 0 written, 12 already done" in second.stdout
    counts = Store(db).counts()
    assert counts["documents"] == counts["versions"] == 12
    stories = json.loads(subprocess.run([*CLI, "stories", "--db", db, "--format", "json"], capture_output=True,
                                        text=True, check=True).stdout)
    assert len(stories) == 3  # the three stories of tests/mixed, grown in input order as by `ingest`


def _ray_workers() -> list[int]:
    """The pids of the Ray actors that extract (their process title names the class)."""
    found = []
    for proc in Path("/proc").iterdir():
        try:
            if proc.name.isdigit() and b"MapBatches(Extractor)" in (proc / "cmdline").read_bytes():
                found.append(int(proc.name))
        except OSError:
            continue
    return found


def test_a_worker_killed_mid_run_and_a_rerun_store_every_article_exactly_once(ray_cluster, tmp_path, postgres):
    db, src = postgres.new_database("killed"), corpus(tmp_path, n=120)
    store = Store(db)
    errors = str(tmp_path / "errors.jsonl")
    run = subprocess.Popen([*CLI, "batch", str(src), "--engine", "ray", "--address", ray_cluster, "--workers", "2",
                            "--db", db, "--errors", errors], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 300
    while time.time() < deadline and store.counts()["documents"] < 10:
        time.sleep(0.3)
    workers = _ray_workers()
    assert workers and store.counts()["documents"] < 132
    os.kill(workers[0], signal.SIGKILL)
    run.communicate(timeout=600)  # Ray restarts the actor and retries its batch, or the run fails: either way
    batch(str(src), "--engine", "ray", "--address", ray_cluster, "--workers", "2", "--db", db, "--errors", errors,
          check=False)
    counts = store.counts()
    assert counts["documents"] == counts["versions"] == 132
    from sqlalchemy import text

    with store.engine.connect() as conn:
        assert conn.execute(text("select count(distinct key) from documents")).scalar() == 132


def test_batch_says_what_it_needs(tmp_path):
    assert "give --out DIR" in batch(str(MIXED), check=False).stderr
    out = batch(str(MIXED), "--engine", "spark", "--out", str(tmp_path), check=False)
    assert out.returncode == 2 and "choose local or ray" in out.stderr
    if shutil.which("ray") is None and not RAY.exists():
        pytest.skip("Ray is not installed")
    out = batch(str(MIXED), "--engine", "ray", "--address", "127.0.0.1:1", "--out", str(tmp_path), check=False)
    assert out.returncode == 2 and "no Ray cluster at 127.0.0.1:1" in out.stderr


def test_parquet_parts_are_numbered_on_and_never_overwritten(tmp_path):
    from storyline.ingest.engines import PartWriter

    first = PartWriter(tmp_path)
    for i in range(3):
        first.add(f"a{i}", "{}")
        first.flush()  # part-00000, -00001, -00002
    (tmp_path / "part-00001.parquet").unlink()  # removed by hand: its articles are done no more
    again = PartWriter(tmp_path)
    again.add("b", "{}")
    again.flush()
    assert [p.name for p in again.written] == ["part-00003.parquet"]
    assert PartWriter.done_keys(tmp_path) == {"a0", "a2", "b"}
