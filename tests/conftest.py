from __future__ import annotations

import itertools
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
ARTICLES = Path(__file__).resolve().parent / "articles"


def needs_shared(*parts: str) -> Path:
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} not present (../shared is only on development and CI machines)")
    return path


# The store suites (test_store, test_stories) run once on each store; `.ci/run` sets
# STORYLINE_TEST_POSTGRES=required, so CI fails rather than skips where PostgreSQL is missing.
BACKENDS = ["sqlite", "postgresql"]


@pytest.fixture(scope="session")
def postgres():
    """A PostgreSQL server of our own for the session (tests/postgres.py)."""
    from tests.postgres import TempPostgres, why_absent

    reason = why_absent()
    if reason:
        if os.environ.get("STORYLINE_TEST_POSTGRES") == "required":
            pytest.fail(f"PostgreSQL is required here: {reason}")
        pytest.skip(reason)
    server = TempPostgres().start()
    yield server
    server.stop()


@pytest.fixture(scope="module", params=BACKENDS)
def new_db(request, tmp_path_factory):
    """Fresh, empty stores of one backend: `new_db("name")` is a SQLite path or a PostgreSQL URL."""
    if request.param == "postgresql":
        return request.getfixturevalue("postgres").new_database
    folder, n = tmp_path_factory.mktemp("stores"), itertools.count()
    return lambda name="store": str(folder / f"{name}-{next(n)}.db")


@pytest.fixture(scope="session")
def nlp():
    import storyline

    return storyline.load()


def score(gold: Path, record: dict) -> dict:
    """Score a record with the shared scorer (../shared/tools/score.py)."""
    scorer = needs_shared("tools", "score.py")
    tmp = ROOT / ".pytest_cache" / f"{gold.stem}.record.json"
    tmp.parent.mkdir(exist_ok=True)
    tmp.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    out = subprocess.run([sys.executable, str(scorer), str(gold), str(tmp), "--json"], capture_output=True,
                         text=True, check=True)
    return json.loads(out.stdout)["report"]


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the test item, so fixtures can see whether the test failed."""
    outcome = yield
    setattr(item, f"rep_{call.when}", outcome.get_result())
