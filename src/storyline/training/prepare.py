"""Build spaCy training data from ../shared/data.

NER comes from NorNE's NDT files (the full train split, `|` pseudo-tokens dropped); UD POS,
morphology, lemmas and dependencies come from narc-ud-norne, matched to the NDT sentences by
their words. Sentences with no UD match keep their NER only, or, with --ndt-pos, also get UD POS
and morphology converted from their NDT tags (ndt_pos.py); their dependencies stay missing.
Dev and test are NorNE's UD files, which carry both layers.

    python -m storyline.training.prepare --data ../shared/data --out corpus --lang nb [--ndt-pos]
"""
from __future__ import annotations

import argparse
from pathlib import Path

from spacy.tokens import Doc, DocBin
from spacy.vocab import Vocab

from .conll import Sentence, read_conllu, read_ndt
from .ndt_pos import NdtToUd

LANG_DIRS = {"nb": ("nob", "bokmaal"), "nn": ("nno", "nynorsk")}
DOC_SENTS = 10  # sentences per training Doc, so the parser learns sentence boundaries
NO_SPACE_BEFORE = set(",.:;!?)]»%")
NO_SPACE_AFTER = set("([«")


def guess_spaces(words: list[str]) -> list[bool]:
    spaces = []
    for i, w in enumerate(words):
        nxt = words[i + 1] if i + 1 < len(words) else ""
        spaces.append(not (w in NO_SPACE_AFTER or nxt in NO_SPACE_BEFORE))
    return spaces


def _train_files(data: Path, lang: str) -> list[Path]:
    ndt_lang = LANG_DIRS[lang][0]
    files = []
    for row in (data / "norne" / "splits.tsv").read_text(encoding="utf-8").splitlines()[1:]:
        code, name, split = row.split("\t")
        if code == ndt_lang and split == "train":
            files.append(data / "norne" / name)
    return sorted(files)


def ud_pairs(data: Path, lang: str) -> list[tuple[Sentence, Sentence | None]]:
    """Each NDT training sentence with its UD version from narc-ud-norne (None if it has none)."""
    ud = {}
    for path in sorted((data / "narc-ud-norne" / f"UD_ALIGNED_{LANG_DIRS[lang][1]}" / "train").glob("*.conllu")):
        for s in read_conllu(path):
            ud.setdefault(tuple(s.words), s)
    return [(s, ud.get(tuple(s.words))) for path in _train_files(data, lang) for s in read_ndt(path)]


def train_sentences(data: Path, lang: str, ndt_pos: bool = False) -> list[Sentence]:
    """NorNE's training sentences, in UD form where narc-ud-norne has them. The others keep their
    NER only, or with ndt_pos also get UD POS and morphology converted from their NDT tags."""
    pairs = ud_pairs(data, lang)
    converter = NdtToUd.fit((ndt, ud) for ndt, ud in pairs if ud is not None) if ndt_pos else None
    out = []
    for ndt, ud in pairs:
        if ud is not None:
            ud.ner = ndt.ner  # NorNE's own tags win over the copy in MISC
            ud.doc_id = ndt.doc_id
            out.append(ud)
        else:
            ndt.spaces = guess_spaces(ndt.words)
            out.append(converter.tag(ndt) if converter else ndt)
    return out


def eval_sentences(data: Path, lang: str, split: str) -> list[Sentence]:
    ndt_lang, ud_lang = LANG_DIRS[lang]
    path = data / "norne" / "ud" / ndt_lang / f"no_{ud_lang}-ud-{split}.conllu"
    return list(read_conllu(path))


def to_doc(vocab: Vocab, sents: list[Sentence]) -> Doc:
    words = [w for s in sents for w in s.words]
    spaces = [sp for s in sents for sp in s.spaces]
    ents, offset = [], 0
    sent_starts = []
    for s in sents:
        ents += [f"{t[:2]}{t[2:]}" if t != "O" else "O" for t in s.ner]
        sent_starts += [True] + [False] * (len(s.words) - 1)
    kwargs = {}
    if all(s.has_ud for s in sents):
        heads, offset = [], 0
        for s in sents:
            heads += [h + offset for h in s.heads]
            offset += len(s.words)
        kwargs = dict(
            lemmas=[x for s in sents for x in s.lemmas],
            pos=[x for s in sents for x in s.pos],
            morphs=[x for s in sents for x in s.morphs],
            heads=heads,
            deps=[x for s in sents for x in s.deps],
        )
    elif all(s.has_pos for s in sents):
        kwargs = dict(sent_starts=sent_starts, pos=[x for s in sents for x in s.pos],
                      morphs=[x for s in sents for x in s.morphs])
    else:
        kwargs = dict(sent_starts=sent_starts)
    return Doc(vocab, words=words, spaces=spaces, ents=ents, **kwargs)


def group(sents: list[Sentence]) -> list[list[Sentence]]:
    """Consecutive sentences of one document with the same annotation layers, DOC_SENTS at most."""
    groups: list[list[Sentence]] = []
    for s in sents:
        g = groups[-1] if groups else None
        if (g and len(g) < DOC_SENTS and g[-1].doc_id == s.doc_id and g[-1].has_ud == s.has_ud
                and g[-1].has_pos == s.has_pos):
            g.append(s)
        else:
            groups.append([s])
    return groups


def write(sents: list[Sentence], path: Path) -> tuple[int, int]:
    vocab = Vocab()
    db = DocBin(store_user_data=False)
    for g in group(sents):
        db.add(to_doc(vocab, g))
    path.parent.mkdir(parents=True, exist_ok=True)
    db.to_disk(path)
    return len(db), sum(len(s.words) for s in sents)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=Path("../shared/data"))
    ap.add_argument("--out", type=Path, default=Path("corpus"))
    ap.add_argument("--lang", default="nb", help="nb, nn, or nb+nn for a joint train set")
    ap.add_argument("--ndt-pos", action="store_true",
                    help="give sentences with no UD version POS and morphology converted from NDT")
    args = ap.parse_args()
    langs = args.lang.split("+")
    train = [s for lang in langs for s in train_sentences(args.data, lang, args.ndt_pos)]
    n_ud = sum(s.has_ud for s in train)
    n_pos = sum(s.has_pos and not s.has_ud for s in train)
    docs, toks = write(train, args.out / args.lang / "train.spacy")
    print(f"train {args.lang}: {len(train)} sentences ({n_ud} with UD, {n_pos} more with POS converted"
          f" from NDT), {toks} tokens, {docs} docs")
    for lang in ("nb", "nn"):
        for split in ("dev", "test"):
            docs, toks = write(eval_sentences(args.data, lang, split), args.out / lang / f"{split}.spacy")
            print(f"{split} {lang}: {toks} tokens, {docs} docs")


if __name__ == "__main__":
    main()
