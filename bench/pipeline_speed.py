"""Words per second of both shipped pipelines on one core, over >= 100,000 words of distinct news
text, in one run: the encoder pipeline (structure, encoder: tags, morphology, parse, names;
lemmatizer) and the CNN pipeline (tok2vec, morphologizer, parser, lemmatizer, NER), and their ratio.

    OMP_NUM_THREADS=1 .venv/bin/python bench/pipeline_speed.py [--model PATH ...]

--model times other spaCy pipelines on the same texts in the same run (a trained experiment, or
spaCy's own en_core_web_sm as a yardstick for this machine against spaCy's published figures).
--blis also times it with thinc's default CPU ops (BLIS matrix products) instead of NumPy's.
"""
import os

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import argparse  # noqa: E402
import time  # noqa: E402

from corpus import articles  # noqa: E402

import storyline  # noqa: E402


def words_per_second(nlp, texts: list[str], label: str) -> float:
    words = sum(len(t.split()) for t in texts)
    nlp("Oppvarming av modellen.")
    start = time.perf_counter()
    tokens = sum(len(doc) for doc in nlp.pipe(texts, batch_size=64))
    secs = time.perf_counter() - start
    print(f"{label}: pipeline {nlp.pipe_names}")
    print(f"  {len(texts)} texts, {words} words ({tokens} tokens) in {secs:.1f} s: {words / secs:,.0f} words/s")
    return words / secs


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", action="append", default=[], help="another spaCy pipeline to time")
    ap.add_argument("--blis", action="store_true", help="also time thinc's BLIS matrix products")
    args = ap.parse_args()
    import spacy

    texts = articles()
    encoder = words_per_second(storyline.load(extraction=False, pipeline="e5"), texts, "storyline, pipeline=e5")
    cnn = words_per_second(storyline.load(extraction=False, pipeline="cnn"), texts, "storyline, pipeline=cnn")
    print(f"the encoder pipeline at {encoder / cnn:.2f} of the CNN pipeline's speed")
    if args.blis:
        from thinc.api import NumpyOps

        from storyline.nlp import load as load_pipeline
        from storyline.nlp import set_model_ops

        nlp = load_pipeline(extraction=False, pipeline="cnn")  # a copy of its own, not the shared one
        set_model_ops(nlp, NumpyOps())  # thinc's default: use_blis=True
        words_per_second(nlp, texts, "storyline, thinc's BLIS ops")
    for path in args.model:
        words_per_second(spacy.load(path), texts, path)


if __name__ == "__main__":
    main()
