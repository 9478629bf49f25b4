"""Entity-swap augmentation for NER training.

Most NorNE test entities never occur in train (66%, against 49% on dev), and recall on such
unseen names is about 0.55: the model memorises names instead of reading their context. This
augmenter replaces the names in a training sentence with other names of the same label and
length, built token by token from the training names ("Kari Nordmann" + "Ola Hansen" can give
"Kari Hansen"), so the same context is seen with many names, most of them new combinations.
Only the token texts change: POS, morphology, heads and labels stay valid because lengths match.

Used from configs/pipeline.cfg; registered when spaCy is given this file with `--code`.
"""
from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from pathlib import Path

import spacy
from spacy.tokens import DocBin
from spacy.training import Example
from spacy.training.augment import make_lowercase_variant
from spacy.training.iob_utils import _doc_to_biluo_tags_with_partial

import storyline.nlp.tokenizer  # noqa: F401  (registers storyline.news_tokenizer.v1 for training)

NamePool = dict[tuple[str, int], list[tuple[str, ...]]]
MIX_MAX = 2  # names up to this many tokens are recombined token by token; longer ones are kept whole


def name_pool(docs) -> NamePool:
    """(label, length) -> the training names of that label and length (token texts)."""
    pool: dict[tuple[str, int], set[tuple[str, ...]]] = {}
    for doc in docs:
        for ent in doc.ents:
            pool.setdefault((ent.label_, len(ent)), set()).add(tuple(t.text for t in ent))
    return {key: sorted(names) for key, names in pool.items()}


def new_name(names: list[tuple[str, ...]], rng: random.Random) -> tuple[str, ...]:
    if len(names[0]) > MIX_MAX:
        return rng.choice(names)
    return tuple(rng.choice(names)[i] for i in range(len(names[0])))


def swap_entities(nlp, example: Example, pool: NamePool, rng: random.Random) -> Example:
    """The example with every entity's tokens replaced by a same-label, same-length name."""
    ref = example.reference
    words = [t.text for t in ref]
    changed = False
    for ent in ref.ents:
        names = pool.get((ent.label_, len(ent)))
        if not names:
            continue
        words[ent.start:ent.end] = new_name(names, rng)
        changed = True
    if not changed:
        return example
    data = example.to_dict()
    data["doc_annotation"]["entities"] = _doc_to_biluo_tags_with_partial(ref)
    tokens = data["token_annotation"]
    for ent in ref.ents:
        for i in range(ent.start, ent.end):
            if tokens.get("LEMMA") and tokens["LEMMA"][i]:
                tokens["LEMMA"][i] = words[i].lower() if tokens["LEMMA"][i].islower() else words[i]
    tokens["ORTH"] = words
    text = "".join(w + (" " if sp else "") for w, sp in zip(words, tokens["SPACY"], strict=True))
    return Example.from_dict(nlp.make_doc(text), data)


@spacy.registry.augmenters("storyline.entity_swap.v1")
def create_entity_swap(source: Path, level: float, lower_level: float,
                       seed: int = 0) -> Callable[..., Iterator[Example]]:
    """level: share of training sentences whose names are swapped; lower_level: share lowercased
    (news headings and quotes vary in case)."""
    rng = random.Random(seed)
    state: dict[str, NamePool] = {}

    def augment(nlp, example: Example) -> Iterator[Example]:
        if "pool" not in state:
            state["pool"] = name_pool(DocBin().from_disk(source).get_docs(nlp.vocab))
        if rng.random() < level:
            example = swap_entities(nlp, example, state["pool"], rng)
        if rng.random() < lower_level:
            example = make_lowercase_variant(nlp, example)
        yield example

    return augment

