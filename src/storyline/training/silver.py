"""Silver NER data: news text outside NorNE, tagged by the encoder tagger, for the CNN to learn from.

The CNN misses names NorNE never showed it (docs/accuracy.md). The encoder pipeline (`--pipeline e5`)
reads context and finds many of them, but is ten times slower. Its entities on news the CNN has
not seen (NorQuAD's news articles: 2020s Bokmål, none of it in NorNE) teach the CNN new names
in new contexts. Only the entities are kept: POS, morphology, heads and sentence starts stay
missing, so the syntax components learn nothing from these docs.

    python -m storyline.training.silver --data ../shared/data --out corpus/silver/nb.spacy
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path

from spacy.tokens import Doc, DocBin
from spacy.vocab import Vocab

from .. import load


def norquad_texts(data: Path) -> list[str]:
    """Each NorQuAD news article once (the annotation files repeat contexts across questions)."""
    texts, seen = [], set()
    for path in sorted((data / "norquad-news" / "data" / "annotation" / "news").glob("answers_*.json")):
        for article in json.loads(path.read_text(encoding="utf-8"))["data"]:
            for paragraph in article["paragraphs"]:
                text = paragraph["context"].strip()
                if text and text not in seen:
                    seen.add(text)
                    texts.append(text)
    return texts


def silver_doc(vocab: Vocab, tagged: Doc) -> Doc:
    """The tagged doc's words and entities only; whitespace tokens stay (they are text)."""
    ents = ["O"] * len(tagged)
    for ent in tagged.ents:
        ents[ent.start] = f"B-{ent.label_}"
        for i in range(ent.start + 1, ent.end):
            ents[i] = f"I-{ent.label_}"
    return Doc(vocab, words=[t.text for t in tagged], spaces=[bool(t.whitespace_) for t in tagged], ents=ents)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=Path("../shared/data"))
    ap.add_argument("--out", type=Path, default=Path("corpus/silver/nb.spacy"))
    args = ap.parse_args()
    from rich.progress import track

    texts = norquad_texts(args.data)
    nlp = load(extraction=False, pipeline="e5")
    vocab = Vocab()
    db = DocBin(store_user_data=False)
    words = ents = 0
    for doc in track(nlp.pipe(texts, batch_size=16), total=len(texts), description="tagging"):
        db.add(silver_doc(vocab, doc))
        words += len(doc)
        ents += len(doc.ents)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    db.to_disk(args.out)
    print(f"silver: {len(texts)} articles, {words} tokens, {ents} entities -> {args.out}")


if __name__ == "__main__":
    main()
