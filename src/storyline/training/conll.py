"""Readers for the Norwegian training corpora: NorNE's NDT files and UD CoNLL-U.

Both yield plain `Sentence` records; `prepare.py` turns them into spaCy DocBins.
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path


@dataclass
class Sentence:
    words: list[str]
    spaces: list[bool]
    ner: list[str]  # IOB2 NorNE tags
    # UD layers; None when the sentence has no UD annotation
    lemmas: list[str] | None = None
    pos: list[str] | None = None
    morphs: list[str] | None = None
    heads: list[int] | None = None  # 0-based absolute index of each token's head
    deps: list[str] | None = None
    doc_id: str = ""
    paragraph_start: bool = False
    # NDT's own columns for each word (id, form, lemma, pos, pos, feats, head, deprel), from read_ndt
    ndt: list[list[str]] | None = None

    @property
    def has_ud(self) -> bool:
        """The full UD layer: POS, morphology and dependencies."""
        return self.heads is not None

    @property
    def has_pos(self) -> bool:
        return self.pos is not None


def _name_tag(misc: str) -> str:
    for part in misc.split("|"):
        if part.startswith("name="):
            return part[5:]
    return "O"


def read_ndt(path: Path) -> Iterator[Sentence]:
    """NorNE's NDT files (10 columns, blank-line separated, no comments).

    The `|` pseudo-tokens that close headlines and paragraphs are dropped. NDT POS and
    relations are not UD: they are kept aside in `ndt` (see ndt_pos.py), not as UD layers.
    """
    rows: list[list[str]] = []
    for line in path.read_text(encoding="utf-8").splitlines() + [""]:
        if not line.strip():
            if rows:
                words = [r[1] for r in rows]
                yield Sentence(words, [True] * len(words), [_name_tag(r[9]) for r in rows],
                               doc_id=path.stem, ndt=[r[:8] for r in rows])
            rows = []
            continue
        cols = line.split("\t")
        if cols[1] == "|" and cols[3] == "clb":
            continue
        rows.append(cols)


def read_conllu(path: Path) -> Iterator[Sentence]:
    """UD CoNLL-U with NorNE tags in MISC (`name=B-PER`). Multi-word token lines are skipped."""
    doc_id = path.stem
    new_par = False
    rows: list[list[str]] = []
    for line in path.read_text(encoding="utf-8").splitlines() + [""]:
        if line.startswith("#"):
            if line.startswith("# newdoc id ="):
                doc_id = line.split("=", 1)[1].strip()
            elif line.startswith("# newpar"):
                new_par = True
            continue
        if not line.strip():
            if rows:
                yield _sentence_from_rows(rows, doc_id, new_par)
                new_par = False
            rows = []
            continue
        cols = line.split("\t")
        if "-" in cols[0] or "." in cols[0]:
            continue
        rows.append(cols)


def _sentence_from_rows(rows: list[list[str]], doc_id: str, new_par: bool) -> Sentence:
    words = [r[1] for r in rows]
    spaces = ["SpaceAfter=No" not in r[9] for r in rows]
    heads = [int(r[6]) - 1 if r[6] != "0" else i for i, r in enumerate(rows)]
    deps = [r[7] if r[6] != "0" else "ROOT" for r in rows]
    return Sentence(
        words=words,
        spaces=spaces,
        ner=[_name_tag(r[9]) for r in rows],
        lemmas=[r[2] for r in rows],
        pos=[r[3] for r in rows],
        morphs=[r[5] if r[5] != "_" else "" for r in rows],
        heads=heads,
        deps=deps,
        doc_id=doc_id,
        paragraph_start=new_par,
    )


def iob_to_spans(tags: list[str]) -> list[tuple[int, int, str]]:
    """Maximal B-/I- runs as (start, end, label) token spans (an I- after O opens a span)."""
    spans = []
    start, label = None, None
    for i, tag in enumerate(tags + ["O"]):
        if tag == "O" or tag.startswith("B-") or (tag.startswith("I-") and tag[2:] != label):
            if start is not None:
                spans.append((start, i, label))
            start, label = (i, tag[2:]) if tag != "O" else (None, None)
    return spans
