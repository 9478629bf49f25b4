"""Distinct Norwegian news text for benchmarks, read from ../shared/data at run time (never
copied into the repository): NorQuAD news contexts and NorSumm articles, de-duplicated."""
from __future__ import annotations

import json
import sys
from pathlib import Path

SHARED = Path(__file__).resolve().parent.parent.parent / "shared" / "data"


def articles(min_words: int = 100_000) -> list[str]:
    if not SHARED.exists():
        sys.exit(f"benchmark corpus needs {SHARED} (the shared data folder)")
    texts, seen = [], set()
    for path in sorted((SHARED / "norquad-news" / "data" / "annotation" / "news").glob("answers_*.json")):
        for art in json.loads(path.read_text(encoding="utf-8"))["data"]:
            for p in art["paragraphs"]:
                texts.append(p["context"])
    for path in sorted((SHARED / "norsumm" / "Data").glob("NorSumm_*.json")):
        texts += [a["article"] for a in json.loads(path.read_text(encoding="utf-8"))]
    out = []
    for t in texts:
        key = t[:200]
        if key not in seen:
            seen.add(key)
            out.append(t)
    words = sum(len(t.split()) for t in out)
    if words < min_words:
        sys.exit(f"only {words} distinct words available, need {min_words}")
    return out
