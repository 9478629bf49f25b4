"""Words per second of the trained pipeline (tokenizer, tagger+morphology, parser, lemmatizer,
NER) on one core, over >= 100,000 words of distinct news text.

    OMP_NUM_THREADS=1 .venv/bin/python bench/pipeline_speed.py
"""
import os

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import time  # noqa: E402

from corpus import articles  # noqa: E402

import storyline  # noqa: E402


def main() -> None:
    texts = articles()
    words = sum(len(t.split()) for t in texts)
    nlp = storyline.load(extraction=False)
    nlp("Oppvarming av modellen.")
    start = time.perf_counter()
    tokens = sum(len(doc) for doc in nlp.pipe(texts, batch_size=64))
    secs = time.perf_counter() - start
    print(f"pipeline {nlp.pipe_names}")
    print(f"{len(texts)} texts, {words} words ({tokens} tokens) in {secs:.1f} s")
    print(f"words/s: {words / secs:,.0f}")


if __name__ == "__main__":
    main()
