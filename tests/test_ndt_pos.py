"""UD tags for NDT-only training sentences, learnt from the sentences that have both."""
from storyline.training.conll import Sentence
from storyline.training.ndt_pos import NdtToUd, cross_validate, token_keys

from .conftest import needs_shared


def _ndt(words_tags: list[tuple[str, str, str, int, str]], doc_id: str = "a") -> Sentence:
    """(word, NDT pos, NDT features, head, NDT relation) per word."""
    rows = [[str(i + 1), w, w.lower(), pos, pos, feats, str(head), rel]
            for i, (w, pos, feats, head, rel) in enumerate(words_tags)]
    return Sentence([r[1] for r in rows], [True] * len(rows), ["O"] * len(rows), doc_id=doc_id, ndt=rows)


def _ud(pos: list[str], morphs: list[str]) -> Sentence:
    return Sentence(["x"] * len(pos), [True] * len(pos), ["O"] * len(pos), pos=pos, morphs=morphs)


# "Vi gleder oss til å streike" (til + infinitive: SCONJ) and "Vi drar til Bergen" (til + noun: ADP)
CLAUSE = [("Vi", "pron", "pers", 2, "SUBJ"), ("gleder", "verb", "pres", 0, "FINV"),
          ("oss", "pron", "refl", 2, "DOBJ"), ("til", "prep", "_", 2, "ADV"),
          ("å", "inf-merke", "_", 6, "INFM"), ("streike", "verb", "inf", 4, "PUTFYLL")]
NOUN = [("Vi", "pron", "pers", 2, "SUBJ"), ("drar", "verb", "pres", 0, "FINV"),
        ("til", "prep", "_", 2, "ADV"), ("Bergen", "subst", "prop", 3, "PUTFYLL")]
PAIRS = [
    (_ndt(CLAUSE), _ud(["PRON", "VERB", "PRON", "SCONJ", "PART", "VERB"], ["", "Tense=Pres", "", "", "", "VerbForm=Inf"])),
    (_ndt(NOUN), _ud(["PRON", "VERB", "ADP", "PROPN"], ["", "Tense=Pres", "", ""])),
]


def test_a_preposition_is_sconj_before_a_verb_and_adp_before_a_noun():
    keys = token_keys(PAIRS[0][0].ndt)
    assert keys[3] == ("til", "prep", "_", "ADV", ("PUTFYLL", "verb"))
    model = NdtToUd.fit(PAIRS * 2)  # each context seen twice, so it is trusted
    clause = model.tag(_ndt(CLAUSE, doc_id="b"))
    noun = model.tag(_ndt([("De", "pron", "pers", 2, "SUBJ"), ("flyttet", "verb", "pret", 0, "FINV"),
                           ("til", "prep", "_", 2, "ADV"), ("Tromsø", "subst", "prop", 3, "PUTFYLL")]))
    assert clause.pos[3] == "SCONJ" and clause.morphs[5] == "VerbForm=Inf"
    assert noun.pos == ["PRON", "VERB", "ADP", "PROPN"]  # unseen words fall back to their NDT tags


def test_an_unseen_tag_is_x_not_an_error():
    model = NdtToUd.fit(PAIRS)
    assert model.tag_key(("hm", "interj", "_", "INTERJ", ())) == ("X", "")


def test_conversion_is_near_gold_on_held_out_documents():
    from storyline.training.prepare import ud_pairs

    data = needs_shared("data")
    for lang in ("nb", "nn"):
        pairs = [(ndt, ud) for ndt, ud in ud_pairs(data, lang) if ud is not None]
        scores = cross_validate(pairs)
        assert scores["tokens"] > 150_000
        assert scores["upos"] > 0.99 and scores["upos_and_features"] > 0.99, (lang, scores)


def test_prepare_converts_only_when_asked_and_leaves_heads_missing():
    from spacy.vocab import Vocab

    from storyline.training.prepare import to_doc, train_sentences

    data = needs_shared("data")
    plain = train_sentences(data, "nb", ndt_pos=False)
    converted = train_sentences(data, "nb", ndt_pos=True)
    assert len(plain) == len(converted) == 15696
    assert sum(s.has_pos for s in plain) == sum(s.has_ud for s in converted) == 13043
    assert sum(s.has_pos for s in converted) == 15696
    doc = to_doc(Vocab(), [next(s for s in converted if not s.has_ud)])
    assert doc.has_annotation("POS") and doc.has_annotation("SENT_START") and not doc.has_annotation("DEP")
