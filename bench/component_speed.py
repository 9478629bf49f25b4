"""Seconds each pipeline component takes over the first 200 distinct articles of bench/corpus.py
(one core, one article at a time): where extraction time goes. Run it for two checkouts back to
back and compare each rule component with the statistical ones, which no rule change moves.

    PYTHONPATH=src .venv/bin/python bench/component_speed.py
"""
import datetime
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import articles  # noqa: E402

import storyline  # noqa: E402
from storyline import _make_doc  # noqa: E402


def main() -> None:
    texts = articles()[:200]
    nlp = storyline.pipeline_for("nb")
    storyline.extract("Oppvarming i Bergen i går.")
    seconds = dict.fromkeys(nlp.pipe_names, 0.0)
    for text in texts:
        doc = _make_doc(nlp, text)
        doc._.published = datetime.date(2020, 1, 1)
        for name, component in nlp.pipeline:
            start = time.perf_counter()
            doc = component(doc)
            seconds[name] += time.perf_counter() - start
    for name, secs in seconds.items():
        print(f"{name:26} {secs:6.2f} s")
    rules = sum(v for k, v in seconds.items() if k.startswith("storyline_"))
    print(f"{'rules / statistical':26} {rules / (sum(seconds.values()) - rules):6.3f}")


if __name__ == "__main__":
    main()
