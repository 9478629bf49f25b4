"""Train the pronoun antecedent ranker (nlp/speakers.py) on NARC's coreference chains.

For every "han"/"hun"/"ho" that NARC puts in a chain, the pipeline's persons named in its sentence
and the ten before are the candidates; the right ones are those whose mention lies in the
pronoun's chain. A conditional logit (one weight per feature, softmax over each pronoun's
candidates) is fitted with NumPy on the train split and scored on the dev split against the rules
it replaces.

    python -m storyline.training.antecedents --data ../shared/data/narc-ud-norne

writes src/storyline/nlp/data/antecedent_ranker.json (the weights and how they were measured).
"""
from __future__ import annotations

import argparse
import json
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..nlp import speakers

LANGS = {"bokmaal": "nb", "nynorsk": "nn"}


@dataclass
class Document:
    text: str
    lang: str
    pronouns: list[tuple[int, str, str]] = field(default_factory=list)  # (char, form, chain)
    chains: dict[str, list[tuple[int, int]]] = field(default_factory=dict)  # chain -> char spans


def read_narc(path: Path, lang: str) -> Document:
    """One NARC CoNLL-U file as text (sentences joined by spaces, paragraphs by blank lines) with
    the character spans of its coreference mentions."""
    parts: list[str] = []
    offset = 0
    doc = Document("", lang)
    open_mentions: dict[str, list[int]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("# newpar") and parts:
            if parts[-1] == " ":  # the space after the paragraph's last word becomes its break
                parts.pop()
                offset -= 1
            parts.append("\n\n")
            offset += 2
        if not line or line.startswith("#"):
            continue
        cols = line.split("\t")
        if "-" in cols[0] or "." in cols[0]:
            continue
        if cols[0] == "1" and parts and not parts[-1].endswith((" ", "\n")):  # a new sentence
            parts.append(" ")
            offset += 1
        start = offset
        parts.append(cols[1])
        offset += len(cols[1])
        misc = dict(p.split("=", 1) for p in cols[9].split("|") if "=" in p)
        if misc.get("SpaceAfter") != "No":
            parts.append(" ")
            offset += 1
        for mark in misc.get("Entity", "").replace(")(", ") (").replace(")", ") ").split():
            _mention(mark, start, start + len(cols[1]), open_mentions, doc)
        if cols[1].casefold() in speakers.PRONOUN_GENDER and cols[3] == "PRON":
            doc.pronouns.append((start, cols[1], ""))
    doc.text = "".join(parts)
    # each pronoun's chain: the mention that is exactly that word
    spans = {s: c for c, ss in doc.chains.items() for s in ss}
    doc.pronouns = [(p, form, spans.get((p, p + len(form)), "")) for p, form, _ in doc.pronouns]
    return doc


def _mention(mark: str, start: int, end: int, open_mentions: dict[str, list[int]], doc: Document) -> None:
    """One bracket of CorefUD's Entity column: "(e1--1" opens, "e1)" closes, "(e1--1)" is both."""
    opens, closes = mark.startswith("("), mark.endswith(")")
    chain = mark.strip("()").split("--")[0]
    if opens and closes:
        doc.chains.setdefault(chain, []).append((start, end))
    elif opens:
        open_mentions.setdefault(chain, []).append(start)
    elif closes and open_mentions.get(chain):
        doc.chains.setdefault(chain, []).append((open_mentions[chain].pop(), end))


def instances(docs: list[Document], nlp) -> list[tuple[np.ndarray, np.ndarray, bool]]:
    """For each pronoun in a chain that the ranker or the rules can get right: (the features of each
    candidate, which candidates are right, whether the rules' pick is right)."""
    out = []
    texts = [d.text for d in docs]
    for d, doc in zip(docs, nlp.pipe(texts), strict=True):
        focus = speakers.Focus(doc)
        for pos, form, chain in d.pronouns:
            if not chain:
                continue
            gold = d.chains[chain]
            found = speakers.candidates(doc, pos, form, focus)
            right = np.array([_in_chain(doc, eid, pos, gold) for eid, _ in found], dtype=bool)
            rule = speakers.rule_antecedent(doc, pos, form, focus)
            rule_right = rule is not None and _in_chain(doc, rule, pos, gold)
            if right.any() or rule_right:
                out.append((np.array([x for _, x in found]).reshape(len(found), len(speakers.FEATURES)),
                            right, rule_right))
    return out


def _in_chain(doc, eid: str, before: int, chain: list[tuple[int, int]]) -> bool:
    """A mention of the entity before the pronoun lies in the pronoun's chain."""
    return any(s < g[1] and g[0] < e for s, e, i in doc._.mention_index if i == eid and s < before for g in chain)


def fit(train, l2: float = 0.01, steps: int = 400, rate: float = 0.1) -> np.ndarray:
    """Maximise the log of the probability given to the right candidates (Adam, full batch)."""
    w = np.zeros(train[0][0].shape[1])
    m = np.zeros_like(w)
    v = np.zeros_like(w)
    for t in range(1, steps + 1):
        grad = l2 * w
        for x, right, _ in train:
            if not right.any():
                continue
            p = np.exp(x @ w - (x @ w).max())
            p /= p.sum()
            q = p * right / (p * right).sum()  # the right candidates' share of the probability
            grad -= (q - p) @ x
        grad /= len(train)
        m = 0.9 * m + 0.1 * grad
        v = 0.999 * v + 0.001 * grad ** 2
        w -= rate * (m / (1 - 0.9 ** t)) / (np.sqrt(v / (1 - 0.999 ** t)) + 1e-8)
    return w


def accuracy(data, w: np.ndarray | None) -> float:
    """Share of pronouns whose pick is right: the model's best candidate, or (w None) the rules'."""
    hits = 0
    for x, right, rule_right in data:
        hits += rule_right if w is None else bool(len(x) and right[int(np.argmax(x @ w))])
    return hits / len(data)


def main() -> None:
    import storyline

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, required=True, help="narc-ud-norne (UD_ALIGNED_bokmaal, UD_ALIGNED_nynorsk)")
    ap.add_argument("--out", type=Path, default=speakers.RANKER)
    args = ap.parse_args()
    t0 = time.time()
    split = {"train": [], "dev": []}
    for folder, lang in LANGS.items():
        nlp = storyline.load(lang)
        keep = {"storyline_entities"}
        nlp.select_pipes(disable=[n for n in nlp.pipe_names if n.startswith("storyline_") and n not in keep
                                  and n != "storyline_structure"])
        for name in split:
            docs = [read_narc(f, lang) for f in sorted((args.data / f"UD_ALIGNED_{folder}" / name).glob("*.conllu"))]
            split[name] += instances(docs, nlp)
            print(f"{folder} {name}: {len(docs)} documents, {len(split[name])} pronouns so far "
                  f"({time.time() - t0:.0f} s)", flush=True)
    w = fit(split["train"])
    print(dict(zip(speakers.FEATURES, np.round(w, 2), strict=True)))
    report = {name: {"pronouns": len(data), "ranker": round(accuracy(data, w), 4),
                     "rules": round(accuracy(data, None), 4)} for name, data in split.items()}
    print(json.dumps(report, indent=1))
    args.out.write_text(json.dumps({
        "about": "Pronoun antecedent ranker (storyline.training.antecedents), trained on NARC's "
                 "coreference chains (train split, Bokmål and Nynorsk); accuracy: the share of "
                 "pronouns whose chosen candidate is in the pronoun's chain.",
        "features": list(speakers.FEATURES), "weights": [round(float(x), 4) for x in w],
        "accuracy": report}, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {args.out} ({time.time() - t0:.0f} s)")


if __name__ == "__main__":
    main()
