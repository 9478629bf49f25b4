"""Evaluation of the trained pipeline on NorNE / UD test data (gold tokenisation)."""
from __future__ import annotations

from pathlib import Path

from spacy.training import Example

from .prepare import LANG_DIRS, group, to_doc

LABELS = ["PER", "ORG", "LOC", "GPE_LOC", "GPE_ORG", "PROD", "EVT", "DRV", "MISC"]


def _examples(nlp, conllu: Path):
    from .conll import read_conllu

    if not conllu.exists():
        raise FileNotFoundError(f"{conllu} not found (is ../shared/data there?)")
    sents = list(read_conllu(conllu))
    examples = []
    for g in group(sents):
        ref = to_doc(nlp.vocab, g)
        examples.append(Example(_predicted(nlp, ref), ref))
    return examples


def _predicted(nlp, ref):
    from spacy.tokens import Doc

    return Doc(nlp.vocab, words=[t.text for t in ref], spaces=[bool(t.whitespace_) for t in ref])


def _conllu(data: Path, split: str, lang: str) -> Path:
    ndt_lang, ud_lang = LANG_DIRS[lang]
    return data / "ud" / ndt_lang / f"no_{ud_lang}-ud-{split}.conllu"


def evaluate_ner(norne: Path, split: str, lang: str, pipeline: str | None = None) -> dict:
    from ..nlp import has_model, load

    nlp = load(lang if has_model(lang) else "nb", extraction=False, pipeline=pipeline)
    from spacy.scorer import get_ner_prf

    examples = _examples(nlp, _conllu(norne, split, lang))
    docs = nlp.pipe(e.predicted for e in examples)
    # scored here rather than by nlp.evaluate, which only scores components that bring a scorer
    examples = [Example(doc, e.reference) for doc, e in zip(docs, examples, strict=True)]
    scores = get_ner_prf(examples)
    per = scores.get("ents_per_type") or {}
    n_gold = sum(len(e.reference.ents) for e in examples)
    return {
        "p": scores["ents_p"], "r": scores["ents_r"], "f": scores["ents_f"], "n_docs": len(examples),
        "n_gold": n_gold, "per_type": {k: per.get(k, {"p": 0.0, "r": 0.0, "f": 0.0}) for k in LABELS if k in per or
                                       any(ent.label_ == k for e in examples for ent in e.reference.ents)},
    }


def evaluate_syntax(data: Path, split: str, lang: str, pipeline: str | None = None) -> dict:
    """POS, morphology, lemma and dependency accuracy and sentence F1, scored as spaCy's
    morphologizer and parser score themselves (LAS and UAS leave punctuation out), on the docs
    either pipeline makes from the gold words."""
    from spacy.scorer import Scorer

    from ..nlp import has_model, load

    nlp = load(lang if has_model(lang) else "nb", extraction=False, pipeline=pipeline)
    gold = _examples(nlp, _conllu(data / "norne", split, lang))
    examples = [Example(doc, e.reference) for doc, e in zip(nlp.pipe(e.predicted for e in gold), gold, strict=True)]

    def dep(token, attr):
        return token.vocab.strings.as_string(getattr(token, attr)).lower()

    s = {**Scorer.score_token_attr(examples, "pos"), **Scorer.score_token_attr(examples, "morph"),
         **Scorer.score_deps(examples, "dep", getter=dep, ignore_labels=("p", "punct")),
         **Scorer.score_spans(examples, "sents")}
    out = {k: float(s.get(k) or 0.0) for k in ("pos_acc", "morph_acc", "dep_uas", "dep_las", "sents_f")}
    # lemmas come from our own component, which spaCy's scorer does not know: compare directly,
    # leaving out punctuation (UD Norwegian writes its lemmas as "$,")
    pairs = [(p.lemma_.casefold(), g.lemma_.casefold()) for e in examples
             for p, g in zip(e.predicted, e.reference, strict=True) if g.pos_ != "PUNCT"]
    out["lemma_acc"] = sum(a == b for a, b in pairs) / max(len(pairs), 1)
    return out


def gold_files(folders: list[Path]) -> list[Path]:
    """The gold files (*.gold.json) of each folder, or the files themselves, in order."""
    found: list[Path] = []
    for folder in folders:
        if folder.is_file():
            found.append(folder)
        elif folder.is_dir():
            found.extend(sorted(folder.glob("*.gold.json")))
        else:
            raise FileNotFoundError(f"{folder}: no such gold folder or file")
    if not found:
        raise FileNotFoundError(f"no *.gold.json in {', '.join(map(str, folders))}")
    return found


def evaluate_records(folders: list[Path], pipeline: str | None = None, progress=None) -> list[dict]:
    """Extract the article of every gold file and score its record: one row per article with its
    language, overall score and section scores (None where the gold has no required item)."""
    import json

    import storyline

    from ..ingest.text import InputError
    from ..record.score import SECTIONS, score_record

    rows = []
    for path in gold_files(folders):
        gold = json.loads(path.read_text(encoding="utf-8"))
        doc = gold["document"]
        text = (path.parent / doc["file"]).read_text(encoding="utf-8")
        error = None
        try:
            record = json.loads(storyline.extract(text, published=doc.get("published"), pipeline=pipeline).model_dump_json())
        except InputError as e:  # scored as an empty record, so a failure counts against the mean
            error, record = str(e), {"text": text, "document": {"language": doc.get("language")}}
        score = score_record(gold, record)
        rows.append({"article": path.name.removesuffix(".gold.json"), "folder": str(path.parent),
                     "language": doc.get("language") or record["document"]["language"],
                     "overall": score.overall, **{n: score.section_score(n) for n in SECTIONS},
                     # each event argument: (right, of how many matched events have it in the gold)
                     "event_arguments": {name: (round(acc * n), n) for name, (acc, n) in
                                         score.sections["events"].args.items() if acc is not None},
                     "error": error})
        if progress:
            progress(rows[-1])
    return rows


def mean_rows(rows: list[dict], label: str) -> dict:
    """The mean of each score over the rows that have it, and each event argument's accuracy
    over all the rows' matched events."""
    from ..record.score import SECTIONS

    out: dict = {"article": label, "language": "", "n": len(rows)}
    for key in ("overall", *SECTIONS):
        values = [r[key] for r in rows if r[key] is not None]
        out[key] = round(sum(values) / len(values), 3) if values else None
    tallies: dict[str, list[int]] = {}
    for r in rows:
        for name, (right, n) in r.get("event_arguments", {}).items():
            tally = tallies.setdefault(name, [0, 0])
            tally[0] += right
            tally[1] += n
    out["event_arguments"] = {name: {"accuracy": round(right / n, 3), "n": n} for name, (right, n) in tallies.items()}
    return out
