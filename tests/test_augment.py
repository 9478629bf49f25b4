"""Entity-swap augmentation: names change, everything else the parser and tagger learn from stays."""
import random

import spacy
from spacy.tokens import Doc, Span
from spacy.training import Example

from storyline.training.augment import name_pool, swap_entities


def _doc(nlp, words, ents, heads=None):
    doc = Doc(nlp.vocab, words=words, heads=heads, deps=["dep"] * len(words) if heads else None,
              pos=["PROPN" if w[0].isupper() else "NOUN" for w in words])
    doc.ents = [Span(doc, s, e, label=lab) for s, e, lab in ents]
    return doc


def test_swap_keeps_labels_lengths_and_parse():
    nlp = spacy.blank("nb")
    train = [
        _doc(nlp, ["Kari", "Nordmann", "besøkte", "Tromsø", "."], [(0, 2, "PER"), (3, 4, "GPE_LOC")]),
        _doc(nlp, ["Ola", "Hansen", "flyttet", "til", "Bodø", "."], [(0, 2, "PER"), (4, 5, "GPE_LOC")]),
        _doc(nlp, ["Statnett", "varslet", "brudd", "."], [(0, 1, "ORG")]),
    ]
    pool = name_pool(train)
    assert pool[("GPE_LOC", 1)] == [("Bodø",), ("Tromsø",)]
    ref = _doc(nlp, ["Per", "Olsen", "reiste", "fra", "Tromsø", "i", "går", "."],
               [(0, 2, "PER"), (4, 5, "GPE_LOC")], heads=[1, 2, 2, 2, 3, 2, 5, 2])
    seen_names = set()
    for seed in range(20):
        out = swap_entities(nlp, Example(nlp.make_doc(ref.text), ref), pool, random.Random(seed)).reference
        assert [e.label_ for e in out.ents] == ["PER", "GPE_LOC"]
        assert [len(e) for e in out.ents] == [2, 1]
        assert [t.head.i for t in out] == [t.head.i for t in ref]
        assert [t.text for t in out][2:4] == ["reiste", "fra"]
        assert out.ents[0][0].text in {"Kari", "Ola"} and out.ents[0][1].text in {"Nordmann", "Hansen"}
        seen_names.add(out.ents[0].text)
    # names are recombined token by token, giving names absent from training
    assert {"Kari Hansen", "Ola Nordmann"} & seen_names


def test_swap_leaves_sentences_without_known_names():
    nlp = spacy.blank("nb")
    pool = name_pool([_doc(nlp, ["Statnett", "varslet", "."], [(0, 1, "ORG")])])
    ref = _doc(nlp, ["Det", "regnet", "i", "Oslo", "."], [(3, 4, "GPE_LOC")])
    ex = Example(nlp.make_doc(ref.text), ref)
    assert swap_entities(nlp, ex, pool, random.Random(0)) is ex
