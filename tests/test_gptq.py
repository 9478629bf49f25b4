"""GPTQ rounding of the encoder tagger's matrices (storyline.training.gptq) on synthetic layers."""
import numpy as np

from storyline.nlp.encoder_ner import dequantise, pack
from storyline.training.gptq import gptq


def _layer(seed: int, n_in: int = 128, n_out: int = 64, n: int = 2000):
    rng = np.random.default_rng(seed)
    # correlated inputs with a few loud channels, as a transformer's are
    x = rng.standard_normal((n, n_in)) @ (np.eye(n_in) + 0.3 * rng.standard_normal((n_in, n_in)))
    x[:, :4] *= 8
    w = (rng.standard_normal((n_out, n_in)) * 0.05).astype(np.float32)
    return x.astype(np.float32), w


def _rounded(w: np.ndarray, bits: int) -> np.ndarray:
    blocks = w.reshape(-1, 32)
    top = 2 ** (bits - 1) - 1
    scale = (np.abs(blocks).max(1) / top).astype(np.float16).astype(np.float32)
    return (np.clip(np.rint(blocks / scale[:, None]), -top, top) * scale[:, None]).reshape(w.shape)


def test_gptq_changes_the_layer_outputs_less_than_rounding_each_weight():
    for seed in range(3):
        x, w = _layer(seed)
        calibration, held_out = x[:1000], x[1000:]
        q, scales = gptq(w, calibration.T.astype(np.float64) @ calibration, bits=4)
        assert q.min() >= -7 and q.max() <= 7 and scales.shape == (64, 128 // 32)
        packed = pack(q, scales, 4, w.shape)
        assert packed["q"].size == w.size // 2
        back = dequantise(packed["q"], packed["scale"], packed["shape"], packed["bits"])
        err_gptq = np.linalg.norm(held_out @ (back - w).T)
        err_round = np.linalg.norm(held_out @ (_rounded(w, 4) - w).T)
        assert err_gptq < 0.8 * err_round, (seed, err_gptq, err_round)


def test_gptq_ignores_inputs_that_are_always_zero():
    x, w = _layer(5)
    x[:, 10] = 0.0
    q, scales = gptq(w, x.T.astype(np.float64) @ x, bits=4)
    assert (q[:, 10] == 0).all() and np.isfinite(scales.astype(np.float32)).all()
