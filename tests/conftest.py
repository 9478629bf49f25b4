from __future__ import annotations

import json
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
