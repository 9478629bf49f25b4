"""Write tests/scores.json: the record's score, section by section, on every article with gold
(our own, the seed and ../shared/gold/dev where present), for both entity taggers.
tests/test_articles.py fails when a score falls below it; `make rescore` raises it after a change
that improves the record (and refuses to lower it)."""
from __future__ import annotations

import json
import sys
from pathlib import Path

from storyline.record.score import SECTIONS
from storyline.training.evaluate import evaluate_records

HERE = Path(__file__).resolve().parent
SNAPSHOT = HERE / "scores.json"
SHARED = HERE.parent.parent / "shared"
FOLDERS = {"own": HERE / "articles", "seed": SHARED / "gold", "dev": SHARED / "gold" / "dev"}
# the article sets each tagger is held to (the encoder tagger is slow: not over the dev set)
PIPELINES = {"cnn": ("own", "seed", "dev"), "e5": ("own", "seed")}


def folders(pipeline: str | None = None) -> dict[str, Path]:
    """The article sets present here (of one tagger's)."""
    wanted = PIPELINES[pipeline] if pipeline else FOLDERS
    return {name: FOLDERS[name] for name in wanted if FOLDERS[name].is_dir()}


def scores(pipeline: str, which: dict[str, Path]) -> dict[str, dict[str, float | None]]:
    """`set/article` -> {"overall": …, section: …} for one tagger."""
    out = {}
    for name, folder in which.items():
        for row in evaluate_records([folder], pipeline=pipeline):
            out[f"{name}/{row['article']}"] = {k: row[k] for k in ("overall", *SECTIONS)}
    return out


def lower(old: dict, new: dict) -> list[str]:
    """Every score of `old` that `new` has lower (or lacks)."""
    drops = []
    for pipeline, articles in old.items():
        for article, sections in articles.items():
            now = new.get(pipeline, {}).get(article)
            for section, value in sections.items():
                if value is None:
                    continue
                got = None if now is None else now.get(section)
                if got is None or got < value - 1e-9:
                    drops.append(f"{pipeline} {article} {section}: {value} -> {got}")
    return drops


def main() -> int:
    old = json.loads(SNAPSHOT.read_text(encoding="utf-8")) if SNAPSHOT.exists() else {}
    new = {pipeline: scores(pipeline, folders(pipeline)) for pipeline in PIPELINES}
    for pipeline in PIPELINES:  # an article set that is not here now keeps its scores
        new[pipeline] = {**{a: s for a, s in old.get(pipeline, {}).items() if a.split("/")[0] not in folders(pipeline)}, **new[pipeline]}
    drops = lower(old, new)
    if drops and "--allow-lower" not in sys.argv:
        print("not written: these scores would go down (rerun with --allow-lower to accept):", *drops, sep="\n  ")
        return 1
    SNAPSHOT.write_text(json.dumps(new, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(f"{SNAPSHOT}: {sum(len(a) for a in new.values())} scores")
    return 0


if __name__ == "__main__":
    sys.exit(main())
