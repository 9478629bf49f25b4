"""Fine-tune multilingual-e5-small jointly for tags, morphology, a dependency parse and names.

One encoder pass per sentence feeds four heads on each word's first piece:
- `tag`: UPOS and morphology as one label ("NOUN|Definite=Ind|Gender=Masc|Number=Sing"), as
  spaCy's morphologizer predicts them;
- `arc`: a biaffine parser (Dozat and Manning 2017): each word scores every word and the root
  (the `<s>` piece) as its head;
- `label`: the relation, from the word and its head (gold heads in training, predicted ones after);
- `ner`: NorNE's IOB tags.
Sentences of NorNE that narc-ud-norne has no UD version of train the names only.

    python -m storyline.training.e5_joint --data ../shared/data --out training-output/e5-joint --lang nb+nn --epochs 3
    python -m storyline.training.e5_joint --data ../shared/data --out training-output/e5-joint-2 --lang nb+nn \
        --init training-output/e5-joint --epochs 1.5 --lr 5e-5 --head-lr 1e-3 --ner-weight 2
    python -m storyline.training.e5_joint --out training-output/e5-joint-2 --export src/storyline/models/e5

It needs `jax` and `optax` (`pip install -e '.[train]'`); `--export` also `onnx` and `wordfreq`.
"""
from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np

from ..nlp.encoder import PieceVocab, repair_iob
from .conll import Sentence
from .e5 import NER_ID, NER_TAGS, encode, flatten, init_params, make_encoder, read_e5, span_f1, unflatten
from .prepare import eval_sentences, train_sentences

ARC_DIM, LABEL_DIM = 256, 128


def tag_label(pos: str, morph: str) -> str:
    return f"{pos}|{morph}" if morph else pos


class Labels:
    """The tag and relation inventories, from the training sentences that have UD."""

    def __init__(self, tags: list[str], deps: list[str]):
        self.tags, self.deps = tags, deps
        self.tag_id = {t: i for i, t in enumerate(tags)}
        self.dep_id = {d: i for i, d in enumerate(deps)}

    @classmethod
    def of(cls, sents: list[Sentence]) -> Labels:
        ud = [s for s in sents if s.has_ud]
        tags = sorted({tag_label(p, m) for s in ud for p, m in zip(s.pos, s.morphs, strict=True)})
        deps = sorted({d for s in ud for d in s.deps})
        return cls(tags, deps)


def word_items(sents: list[Sentence], labels: Labels, e5, tok) -> list[dict]:
    """Each sentence as piece ids and word-level targets (-1 where a layer is missing)."""
    items = []
    for s in sents:
        ids, first = encode(tok, e5, s.words)
        n = len(s.words)
        item = {"ids": ids, "first": first, "ner": [NER_ID.get(t, 0) for t in s.ner],
                "tag": [-1] * n, "head": [-1] * n, "dep": [-1] * n}
        if s.has_ud:
            item["tag"] = [labels.tag_id.get(tag_label(p, m), -1) for p, m in zip(s.pos, s.morphs, strict=True)]
            # candidate 0 is the root (<s>), word j is candidate j + 1
            item["head"] = [0 if h == i else h + 1 for i, h in enumerate(s.heads)]
            item["dep"] = [labels.dep_id.get(d, -1) for d in s.deps]
        for key in ("ner", "tag", "head", "dep"):  # words past the first window are not trained on
            item[key] = [v if f >= 0 else -1 for v, f in zip(item[key], first, strict=True)]
        items.append(item)
    return items


def batches(items: list[dict], budget: int, rng: np.random.Generator | None):
    """Padded batches of about `budget` pieces, sentences of similar length together."""
    order = sorted(range(len(items)), key=lambda i: len(items[i]["ids"]))
    groups, cur, cur_len = [], [], 0
    for i in order:
        length = -(-len(items[i]["ids"]) // 16) * 16
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
        words = length  # a sentence has fewer words than pieces; one shape per length compiles once
        ids = np.zeros((size, length), np.int32)
        mask = np.zeros((size, length), np.float32)
        first = np.zeros((size, words), np.int32)
        wmask = np.zeros((size, words), np.float32)
        targets = {k: np.full((size, words), -1, np.int32) for k in ("ner", "tag", "head", "dep")}
        for row, i in enumerate(idx):
            it = items[i]
            ids[row, :len(it["ids"])] = it["ids"]
            mask[row, :len(it["ids"])] = 1.0
            f = np.array(it["first"])
            first[row, :len(f)] = np.maximum(f, 0)
            wmask[row, :len(f)] = f >= 0
            for k in targets:
                targets[k][row, :len(f)] = it[k]
        yield idx, ids, mask, first, wmask, targets


def init_heads(h: int, n_tags: int, n_deps: int, seed: int) -> dict:
    rng = np.random.default_rng(seed + 1)

    def w(*shape):
        return (rng.standard_normal(shape) * (1.0 / np.sqrt(shape[-2] if len(shape) > 1 else 1))).astype(np.float32)

    z = lambda *shape: np.zeros(shape, np.float32)  # noqa: E731
    return {
        "tag_w": w(h, n_tags) * 0.1, "tag_b": z(n_tags),
        "arc_dep_w": w(h, ARC_DIM), "arc_dep_b": z(ARC_DIM), "arc_head_w": w(h, ARC_DIM), "arc_head_b": z(ARC_DIM),
        "arc_u": z(ARC_DIM, ARC_DIM), "arc_v": z(ARC_DIM),
        "lab_dep_w": w(h, LABEL_DIM), "lab_dep_b": z(LABEL_DIM), "lab_head_w": w(h, LABEL_DIM),
        "lab_head_b": z(LABEL_DIM), "lab_u": z(n_deps, LABEL_DIM, LABEL_DIM),
        "lab_w": w(2 * LABEL_DIM, n_deps) * 0.1, "lab_b": z(n_deps),
    }


def make_heads(config: dict):
    """The joint model: (params, ids, mask, first, wmask, heads or None, rng, dropout) -> logits
    of each head; without gold heads the labels are scored on the predicted ones."""
    import jax
    import jax.numpy as jnp

    encoder = make_encoder(config)

    def drop(y, key, rate):
        if key is None or rate == 0.0:
            return y
        return jnp.where(jax.random.bernoulli(key, 1 - rate, y.shape), y / (1 - rate), 0.0)

    def model(p, ids, mask, first, wmask, heads=None, rng=None, dropout=0.0):
        keys = list(jax.random.split(rng, 6)) if rng is not None else [None] * 6
        x = encoder(p, ids, mask, keys[0], dropout)
        words = drop(jnp.take_along_axis(x, first[..., None], 1), keys[1], dropout)
        cand = jnp.concatenate([x[:, :1], words], 1)
        gelu = jax.nn.gelu  # approximate (tanh), as nlp.encoder computes the heads
        d = drop(gelu(words @ p["arc_dep_w"] + p["arc_dep_b"]), keys[2], 0.2)
        hh = drop(gelu(cand @ p["arc_head_w"] + p["arc_head_b"]), keys[3], 0.2)
        arc = jnp.einsum("bid,de,bje->bij", d, p["arc_u"], hh) + (hh @ p["arc_v"])[:, None, :]
        cmask = jnp.concatenate([jnp.ones_like(wmask[:, :1]), wmask], 1)
        arc = arc + (1.0 - cmask)[:, None, :] * -1e9
        if heads is None:
            heads = arc.argmax(-1)
        ld = drop(gelu(words @ p["lab_dep_w"] + p["lab_dep_b"]), keys[4], 0.2)
        lh = drop(gelu(cand @ p["lab_head_w"] + p["lab_head_b"]), keys[5], 0.2)
        lh = jnp.take_along_axis(lh, jnp.maximum(heads, 0)[..., None], 1)
        lab = (jnp.einsum("bid,lde,bie->bil", ld, p["lab_u"], lh)
               + jnp.concatenate([ld, lh], -1) @ p["lab_w"] + p["lab_b"])
        return {"ner": words @ p["cls_w"] + p["cls_b"], "tag": words @ p["tag_w"] + p["tag_b"],
                "arc": arc, "dep": lab}

    return model


def scores(sents: list[Sentence], pred: list[dict], labels: Labels) -> dict:
    """UPOS and tag accuracy, UAS and LAS (punctuation included, as spaCy counts), NER F1."""
    n = upos = tag = uas = las = 0
    for s, p in zip(sents, pred, strict=True):
        if not s.has_ud:
            continue
        for i in range(len(s.words)):
            n += 1
            t = labels.tags[p["tag"][i]]
            upos += t.split("|", 1)[0] == s.pos[i]
            tag += t == tag_label(s.pos[i], s.morphs[i])
            gold_head = s.heads[i]
            ok = p["head"][i] == gold_head
            uas += ok
            las += ok and labels.deps[p["dep"][i]] == s.deps[i]
    ner = span_f1([s.ner for s in sents], [p["ner"] for p in pred])
    return {"upos": upos / n, "tag": tag / n, "uas": uas / n, "las": las / n, "ner": ner}


def encoded_splits(args, e5) -> tuple[dict, dict, Labels, np.ndarray]:
    """The sentences of each split, the same encoded (piece ids renumbered to the rows kept: those
    the data uses), the label inventories and the rows kept."""
    tok = PieceVocab(e5.pieces, e5.scores, e5.unk, e5.normalise)
    langs = args.lang.split("+")
    splits = {"train": [s for one in langs for s in train_sentences(args.data, one)]}
    if args.limit:
        splits["train"] = splits["train"][::max(1, len(splits["train"]) // args.limit)][:args.limit]
    for one in langs:
        for split in ("dev", "test"):
            splits[f"{one}-{split}"] = eval_sentences(args.data, one, split)[:args.dev_limit or None]
    labels = Labels.of(splits["train"])
    encoded = {k: word_items(v, labels, e5, tok) for k, v in splits.items()}
    keep = np.unique(np.concatenate([[e5.bos, e5.eos, e5.pad, e5.unk]] +
                                    [np.array(it["ids"]) for items in encoded.values() for it in items]))
    remap = np.full(e5.config["vocab"], 0, np.int32)
    remap[keep] = np.arange(len(keep))
    for items in encoded.values():
        for it in items:
            it["ids"] = remap[it["ids"]].tolist()
    return splits, encoded, labels, keep


def main() -> None:
    import jax
    import jax.numpy as jnp
    import optax

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=Path("../shared/data"))
    ap.add_argument("--out", type=Path, default=Path("training-output/e5-joint"))
    ap.add_argument("--lang", default="nb+nn", help="nb, nn, or nb+nn (both, chosen on Bokmål dev)")
    ap.add_argument("--epochs", type=float, default=4.0)
    ap.add_argument("--lr", type=float, default=1e-4)
    ap.add_argument("--head-lr", type=float, default=2e-3)
    ap.add_argument("--budget", type=int, default=2048, help="pieces per batch")
    ap.add_argument("--seed", type=int, default=20220303)
    ap.add_argument("--limit", type=int, default=0, help="train on the first N sentences only")
    ap.add_argument("--init", type=Path, metavar="RUN",
                    help="start from this run's params.npz (same data, so the same rows and labels)")
    ap.add_argument("--ner-weight", type=float, default=1.0, help="the names' share of the loss against each other head's 1")
    ap.add_argument("--dev-limit", type=int, default=0, help="evaluate on the first N dev sentences only")
    ap.add_argument("--export", type=Path, metavar="DIR",
                    help="write the trained run in --out as the shipped encoder in DIR, no training")
    args = ap.parse_args()
    if args.export:
        from .e5_export import export

        print(export(args.out, args.export, args.lang))
        return

    e5 = read_e5()
    langs = args.lang.split("+")
    splits, encoded, labels, keep = encoded_splits(args, e5)
    n_ud = sum(s.has_ud for s in splits["train"])
    print(f"{len(splits['train'])} training sentences ({n_ud} with UD), {len(labels.tags)} tags, "
          f"{len(labels.deps)} relations, {len(keep)} piece rows kept", flush=True)

    h = e5.config["hidden"]
    params = init_params(e5, keep, args.seed) | init_heads(h, len(labels.tags), len(labels.deps), args.seed)
    if args.init:
        start = dict(np.load(args.init / "params.npz"))
        if not np.array_equal(start.pop("keep"), keep):
            raise SystemExit(f"{args.init} was trained on other data")
        params = unflatten(start)
    params = jax.tree_util.tree_map(jnp.asarray, params)
    model = make_heads(e5.config)
    steps_per_epoch = sum(1 for _ in batches(encoded["train"], args.budget, None))
    total = int(steps_per_epoch * args.epochs)

    def schedule(lr):
        return optax.warmup_cosine_decay_schedule(0.0, lr, max(1, total // 10), total, lr * 0.05)

    encoder_keys = {"word", "pos", "type", "eln_w", "eln_b", "layers"}
    groups = {k: "encoder" if k in encoder_keys else "head" for k in params}
    opt = optax.chain(optax.clip_by_global_norm(5.0), optax.multi_transform(
        {"encoder": optax.adamw(schedule(args.lr), weight_decay=0.01),
         "head": optax.adamw(schedule(args.head_lr), b2=0.99, weight_decay=0.01)}, groups))
    state = opt.init(params)

    def xent(logits, gold):
        valid = gold >= 0
        logp = jax.nn.log_softmax(logits)
        nll = -jnp.take_along_axis(logp, jnp.maximum(gold, 0)[..., None], -1)[..., 0]
        return (nll * valid).sum() / jnp.maximum(valid.sum(), 1)

    def loss_fn(p, ids, mask, first, wmask, t, key):
        out = model(p, ids, mask, first, wmask, t["head"], key, 0.1)
        # the arc head's gold is each word's head; the others are named as their targets
        return sum(xent(o, t["head" if k == "arc" else k]) * (args.ner_weight if k == "ner" else 1.0)
                   for k, o in out.items())

    @jax.jit
    def step(p, s, ids, mask, first, wmask, t, key):
        loss, grads = jax.value_and_grad(loss_fn)(p, ids, mask, first, wmask, t, key)
        updates, s = opt.update(grads, s, p)
        return optax.apply_updates(p, updates), s, loss

    @jax.jit
    def predict(p, ids, mask, first, wmask):
        out = model(p, ids, mask, first, wmask)
        return {k: o.argmax(-1) for k, o in out.items()}

    def evaluate(split):
        items, sents = encoded[split], splits[split]
        pred: list[dict] = [{} for _ in items]
        for idx, ids, mask, first, wmask, _ in batches(items, 4096, None):
            out = {k: np.asarray(v) for k, v in predict(params, ids, mask, first, wmask).items()}
            for row, i in enumerate(idx):
                n = len(items[i]["first"])
                pred[i] = {"ner": repair_iob([NER_TAGS[t] for t in out["ner"][row, :n]]),
                           "tag": out["tag"][row, :n].tolist(),
                           "head": [j if a == 0 else a - 1 for j, a in enumerate(out["arc"][row, :n])],
                           "dep": out["dep"][row, :n].tolist()}
        return scores(sents, pred, labels)

    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "labels.json").write_text(json.dumps({"tags": labels.tags, "deps": labels.deps}), encoding="utf-8")
    rng = np.random.default_rng(args.seed)
    key = jax.random.PRNGKey(args.seed)
    done, best, start, log = 0, -1.0, time.time(), []
    select = f"{langs[0]}-dev"
    while done < total:
        for _, ids, mask, first, wmask, t in batches(encoded["train"], args.budget, rng):
            key, sub = jax.random.split(key)
            params, state, loss = step(params, state, ids, mask, first, wmask, t, sub)
            done += 1
            if done % 20 == 0:
                print(f"step {done}/{total} loss {float(loss):.4f} {time.time() - start:.0f}s", flush=True)
            if done % steps_per_epoch == 0 or done == total:
                dev = evaluate(select)
                log.append({"step": done, "dev": dev, "seconds": round(time.time() - start)})
                print(f"step {done}: {select} {json.dumps(dev)}", flush=True)
                if (dev["las"] + dev["ner"]["f"]) / 2 > best:
                    best = (dev["las"] + dev["ner"]["f"]) / 2
                    np.savez(args.out / "params.npz", keep=keep, **flatten(params))
            if done >= total:
                break
    params = jax.tree_util.tree_map(jnp.asarray, unflatten(dict(np.load(args.out / "params.npz"))))
    final = {split: evaluate(split) for split in splits if split != "train"}
    (args.out / "scores.json").write_text(json.dumps({"log": log, "best": final}, indent=1))
    print(json.dumps(final), flush=True)


if __name__ == "__main__":
    main()
