"""4-bit encoder matrices without the loss of plain rounding: GPTQ (Frantar et al., 2022).

Rounding each weight to its nearest 4-bit step on its own cost the encoder tagger 0.01–0.02 F1;
GPTQ rounds a matrix one input column at a time and moves the columns still to be rounded so
that the layer's outputs on real inputs change as little as possible. The inputs come from
NorNE training sentences run through the unquantised tagger (`hessians`). docs/accuracy.md has
the figures.
"""
from __future__ import annotations

import numpy as np

from ..nlp.encoder_ner import QK, EncoderTagger, padded

MATRIX_INPUTS = {"qw": "qkv", "kw": "qkv", "vw": "qkv", "ow": "ow", "fiw": "fiw", "fow": "fow"}


def hessians(tagger: EncoderTagger, sentences: list[list[str]], batch: int = 32) -> dict[tuple[int, str], np.ndarray]:
    """X^T X of the inputs each layer's matrices see, summed over the pieces of `sentences`."""
    out: dict[tuple[int, str], np.ndarray] = {}

    def observe(layer: int, name: str, x: np.ndarray) -> None:
        x = x.astype(np.float64)
        out[(layer, name)] = out.get((layer, name), 0) + x.T @ x

    windows = [ids for words in sentences for ids, _ in tagger.encode(words)]
    for start in range(0, len(windows), batch):
        tagger.forward(*padded(windows[start:start + batch]), observe)
    return out


def gptq(w: np.ndarray, hessian: np.ndarray, bits: int, damp: float = 0.01) -> tuple[np.ndarray, np.ndarray]:
    """Integers and per-block scales (blocks of QK along the input axis, the last) for `w`,
    an (outputs, inputs) matrix applied as x @ w.T, for `encoder_ner.pack`."""
    w = w.astype(np.float64).copy()
    h = hessian.astype(np.float64).copy()
    top = 2 ** (bits - 1) - 1
    dead = np.diag(h) == 0  # an input that is always zero: its weights do not matter
    h[dead, dead] = 1.0
    w[:, dead] = 0.0
    h += np.eye(len(h)) * damp * np.mean(np.diag(h))
    # the upper Cholesky factor of the inverse gives each step's error weights in one pass
    hinv = np.linalg.cholesky(np.linalg.inv(h)).T
    q = np.zeros(w.shape, np.int8)
    scales = np.zeros((w.shape[0], w.shape[1] // QK), np.float16)
    for col in range(w.shape[1]):
        if col % QK == 0:  # a block's scale is fixed when its first column comes up
            block = col // QK
            scales[:, block] = np.abs(w[:, col:col + QK]).max(1) / top
            scale = scales[:, block].astype(np.float64)
            inv = np.divide(1.0, scale, out=np.zeros_like(scale), where=scale != 0)
        q[:, col] = np.clip(np.rint(w[:, col] * inv), -top, top)
        err = (w[:, col] - q[:, col] * scale) / hinv[col, col]
        w[:, col + 1:] -= np.outer(err, hinv[col, col + 1:])
    return q, scales
