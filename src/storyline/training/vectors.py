"""Train floret word vectors on the Norwegian text at hand, for the pipeline's static vectors.

There are no pretrained Norwegian vectors offline, so we build our own from the train split of
NorNE (Bokmål and Nynorsk) and the NorQuAD news articles. NorNE dev/test documents are left out,
and so are the NorSumm articles (they are NDT dev/test documents too). floret hashes subwords into
a fixed table, so words never seen in training still get a vector.

    python -m storyline.training.vectors --data ../shared/data --out corpus/vectors
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

from .prepare import LANG_DIRS, train_sentences


def raw_text(data: Path) -> list[str]:
    """One line per sentence or paragraph, train-split text only."""
    lines = []
    for lang in LANG_DIRS:
        lines += [" ".join(s.words) for s in train_sentences(data, lang)]
    for path in sorted((data / "norquad-news" / "data" / "annotation" / "news").glob("*.json")):
        seen = set()
        for article in json.loads(path.read_text(encoding="utf-8"))["data"]:
            for para in article["paragraphs"]:
                if para["context"] not in seen:
                    seen.add(para["context"])
                    lines += [p.strip() for p in para["context"].splitlines() if p.strip()]
    return lines


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=Path("../shared/data"))
    ap.add_argument("--out", type=Path, default=Path("corpus/vectors"))
    ap.add_argument("--dim", type=int, default=64)
    ap.add_argument("--bucket", type=int, default=20000, help="rows of the hashed table")
    ap.add_argument("--epoch", type=int, default=15)
    args = ap.parse_args()
    import floret

    args.out.mkdir(parents=True, exist_ok=True)
    text = args.out / "raw.txt"
    lines = raw_text(args.data)
    text.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{len(lines)} lines, {sum(len(x.split()) for x in lines)} words", file=sys.stderr)
    model = floret.train_unsupervised(
        str(text), model="cbow", mode="floret", hashCount=2, bucket=args.bucket, minn=3, maxn=5,
        minCount=2, dim=args.dim, epoch=args.epoch, thread=1,  # one thread: the same vectors on every run
    )
    vec = args.out / "vectors.floret"
    model.save_floret_vectors(str(vec))
    subprocess.run([sys.executable, "-m", "spacy", "init", "vectors", "nb", str(vec), str(args.out / "model"),
                    "--mode", "floret"], check=True)


if __name__ == "__main__":
    main()
