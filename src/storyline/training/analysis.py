"""Why NER scores drop from NorNE dev to test: how many gold entities of each label were seen
in training (same string, same label), and the pipeline's recall on seen vs unseen ones.

    python -m storyline.training.analysis --data ../shared/data
"""
from __future__ import annotations

import argparse
from collections import Counter, defaultdict
from pathlib import Path

from .conll import iob_to_spans, read_conllu
from .prepare import LANG_DIRS, train_sentences


def _spans(sentences):
    for s in sentences:
        for a, b, label in iob_to_spans(s.ner):
            yield s, a, b, label, " ".join(s.words[a:b])


def analyse(data: Path, lang: str = "nb") -> dict:
    from spacy.tokens import Doc

    from ..nlp import has_model, load

    seen = {(text, label) for _, _, _, label, text in _spans(train_sentences(data, lang))}
    nlp = load(lang if has_model(lang) else "nb", extraction=False)
    ndt_lang, ud_lang = LANG_DIRS[lang]
    report = {}
    for split in ("dev", "test"):
        sents = list(read_conllu(data / "norne" / "ud" / ndt_lang / f"no_{ud_lang}-ud-{split}.conllu"))
        docs = nlp.pipe(Doc(nlp.vocab, words=s.words, spaces=s.spaces) for s in sents)
        counts: dict[str, Counter] = defaultdict(Counter)
        for s, doc in zip(sents, docs, strict=True):
            predicted = {(e.start, e.end, e.label_) for e in doc.ents}
            for a, b, label in iob_to_spans(s.ner):
                kind = "seen" if (" ".join(s.words[a:b]), label) in seen else "unseen"
                counts[label][kind] += 1
                counts[label][f"{kind}_found"] += (a, b, label) in predicted
        report[split] = counts
    return report


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=Path("../shared/data"))
    ap.add_argument("--lang", default="nb")
    args = ap.parse_args()
    report = analyse(args.data, args.lang)
    print(f"{'split':5s} {'label':8s} {'gold':>5s} {'unseen%':>8s} {'R seen':>7s} {'R unseen':>9s}")
    for split, counts in report.items():
        total = Counter()
        for label, c in sorted(counts.items()):
            total.update(c)
            n = c["seen"] + c["unseen"]
            print(f"{split:5s} {label:8s} {n:5d} {100 * c['unseen'] / n:7.1f}% "
                  f"{c['seen_found'] / max(c['seen'], 1):7.3f} {c['unseen_found'] / max(c['unseen'], 1):9.3f}")
        n = total["seen"] + total["unseen"]
        print(f"{split:5s} {'all':8s} {n:5d} {100 * total['unseen'] / n:7.1f}% "
              f"{total['seen_found'] / max(total['seen'], 1):7.3f} {total['unseen_found'] / max(total['unseen'], 1):9.3f}")


if __name__ == "__main__":
    main()
