"""The encoder alone on one core with its int8 weights signed (as `quantize_dynamic` writes them)
and unsigned (as `training/e5_export.py` ships them: the same numbers shifted by 128), in one
process, two rounds each, over the sentences of 150 distinct benchmark texts.

    .venv/bin/python bench/quantised_weights.py

Needs onnx (the `dev` extra) to write the signed copy.
"""
import os

os.environ.setdefault("OMP_NUM_THREADS", "1")

import shutil  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
import onnx  # noqa: E402
from corpus import articles  # noqa: E402
from onnx import numpy_helper  # noqa: E402

from storyline.nlp import MODEL_DIR  # noqa: E402
from storyline.nlp.encoder import JointEncoder  # noqa: E402
from storyline.training.e5_export import integer_weight_names  # noqa: E402


def signed_copy(shipped: Path, out: Path) -> None:
    """The shipped encoder with its unsigned weights shifted back to int8."""
    for f in shipped.iterdir():
        if f.name != "encoder.onnx":
            shutil.copy(f, out / f.name)
    model = onnx.load(shipped / "encoder.onnx")
    names = integer_weight_names(model)
    for t in model.graph.initializer:
        if t.name in names:
            values = numpy_helper.to_array(t)
            t.CopyFrom(numpy_helper.from_array((values.astype(np.int16) - 128).astype(np.int8), t.name))
    onnx.save(model, out / "encoder.onnx")


def main() -> None:
    shipped = MODEL_DIR / "e5"
    with tempfile.TemporaryDirectory() as tmp:
        signed_copy(shipped, Path(tmp))
        encoders = {"signed int8 weights": JointEncoder(Path(tmp)), "unsigned int8 weights (ships)": JointEncoder(shipped)}
        enc = encoders["unsigned int8 weights (ships)"]
        sentences = []
        for text in articles()[:150]:
            for s in text.replace("\n", " ").split(". "):
                ids = [enc.bos] + [i for w in s.split() for i in enc.vocab.word(w)][:200] + [enc.eos]
                sentences.append(np.array(ids))
        sentences.sort(key=len)
        batches = [sentences[i:i + 32] for i in range(0, len(sentences), 32)]
        pieces = sum(len(x) for x in sentences)
        for _ in range(2):
            for label, e in encoders.items():
                start = time.perf_counter()
                for batch in batches:
                    width = max(len(x) for x in batch)
                    ids = np.zeros((len(batch), width), np.int64)
                    mask = np.zeros((len(batch), width), np.int32)
                    for k, x in enumerate(batch):
                        ids[k, :len(x)], mask[k, :len(x)] = x, 1
                    e.hidden(ids, mask)
                print(f"{label}: {pieces / (time.perf_counter() - start):,.0f} pieces/s")


if __name__ == "__main__":
    main()
