"""The storyline Norwegian pipeline: our trained spaCy model plus the extraction components.

    import storyline
    nlp = storyline.load()
    doc = nlp("...")
    doc._.quotes, doc._.events, ...

Every extraction step is a spaCy component registered by name (`storyline_structure`,
`storyline_entities`, `storyline_timex`, `storyline_quotes`, `storyline_figures`,
`storyline_events`, `storyline_contradictions`), so they can be added to other pipelines; so
are the two inside the statistical pipeline (`storyline_lemmatizer`, `storyline_auxiliaries`).
"""
from __future__ import annotations

import os
from pathlib import Path

import spacy
from spacy.language import Language
from spacy.tokens import Doc
from thinc.api import Model, NumpyOps, Ops

from . import (
    docdata,
    tokenizer,  # noqa: F401  (registers storyline.news_tokenizer.v1)
)

MODEL_DIR = Path(__file__).resolve().parent.parent / "models"
EXTRACTION = ["storyline_entities", "storyline_timex", "storyline_quotes", "storyline_figures",
              "storyline_events", "storyline_contradictions"]
_EXTENSIONS = {
    "published": None, "live": False, "entities": [],
    "mention_index": [], "timexes": [], "quotes": [], "figures": [], "events": [], "contradictions": [],
}


class ModelNotFound(RuntimeError):
    pass


def register_extensions() -> None:
    for name, default in _EXTENSIONS.items():
        if not Doc.has_extension(name):
            Doc.set_extension(name, default=default if not isinstance(default, list) else None)
    # span groups, read as lists: doc.spans is what spaCy serialises with the doc
    for name, getter in (("headings", docdata.headings), ("paragraphs", docdata.paragraphs)):
        if not Doc.has_extension(name):
            Doc.set_extension(name, getter=getter)


register_extensions()  # at import: spacy.blank("nb").add_pipe("storyline_timex") needs nothing more


def model_path(lang: str = "nb") -> Path:
    override = os.environ.get("STORYLINE_MODEL")
    path = Path(override) if override else MODEL_DIR / lang
    if not (path / "config.cfg").exists():
        raise ModelNotFound(
            f"no trained pipeline at {path}. The package ships one in storyline/models/{lang}; "
            "`make train` rebuilds it from ../shared/data, STORYLINE_MODEL points elsewhere."
        )
    return path


def has_model(lang: str) -> bool:
    """Whether a pipeline for this language ships (or STORYLINE_MODEL points at one)."""
    try:
        model_path(lang)
    except ModelNotFound:
        return False
    return True


def set_model_ops(nlp: Language, ops: Ops) -> None:
    """Give every model of the pipeline these ops (the caller's default ops are left alone).
    `load` gives NumPy's matrix products: thinc's default BLIS measured three times slower here
    than the OpenBLAS inside NumPy (42 against 126 GFLOP/s) and the whole pipeline 1.6 times
    slower (docs/benchmarks.md), with the same weights and the same results."""
    for _, pipe in nlp.pipeline:
        if isinstance(getattr(pipe, "model", None), Model):
            for node in pipe.model.walk():
                node.ops = ops


PIPELINES = ("e5", "cnn")
DEFAULT_PIPELINE = "cnn"
STATISTICAL = ["tok2vec", "morphologizer", "parser", "ner"]  # the CNN pipeline's components


def pipeline_choice(pipeline: str | None = None) -> str:
    """The statistical pipeline asked for: `pipeline`, else $STORYLINE_PIPELINE, else the default."""
    pipeline = pipeline or os.environ.get("STORYLINE_PIPELINE") or DEFAULT_PIPELINE
    if pipeline not in PIPELINES:
        raise ValueError(f"unknown pipeline {pipeline!r}: choose one of {', '.join(PIPELINES)}")
    return pipeline


def load(lang: str = "nb", extraction: bool = True, exclude: list[str] | None = None,
         pipeline: str | None = None) -> Language:
    """The trained pipeline, offline, with the extraction components unless extraction=False.

    pipeline="e5": the fine-tuned encoder (`storyline_encoder`) reads tags, morphology, the
    parse and the names within the sentences `storyline_structure` finds; pipeline="cnn": the
    CNN pipeline (tok2vec, morphologizer, parser, ner), several times faster.
    """
    from . import (  # noqa: F401  (registers the components)
        auxiliaries,
        contradictions,
        encoder,
        entities,
        events,
        figures,
        gazetteer,
        lemmatizer,
        quotes,
        structure,
        timex,
    )

    register_extensions()
    # the tokenizer is built from our code (storyline.news_tokenizer.v1), not from the rules saved
    # with the model, so tokenisation fixes reach the shipped pipelines without retraining
    pipeline = pipeline_choice(pipeline)
    drop = [*(exclude or []), "tokenizer"] + (STATISTICAL if pipeline == "e5" else [])
    nlp = spacy.load(model_path(lang), exclude=drop)
    if pipeline == "e5":
        encoder_dir = MODEL_DIR / "e5"  # one encoder, trained on Bokmål and Nynorsk, serves both
        if not (encoder_dir / "meta.json").exists():
            raise ModelNotFound(f"no encoder pipeline at {encoder_dir}; `make train-encoder` builds it")
        nlp.add_pipe("storyline_structure")
        nlp.add_pipe("storyline_encoder", config={"model": str(encoder_dir)})
        nlp.add_pipe("storyline_lemmatizer", config={"lang": lang})
        nlp.add_pipe("storyline_auxiliaries")
    else:
        set_model_ops(nlp, NumpyOps(use_blis=False))
        if "lemmatizer" not in nlp.pipe_names:
            nlp.add_pipe("storyline_lemmatizer", config={"lang": lang}, after="morphologizer")
        if "parser" in nlp.pipe_names:
            nlp.add_pipe("storyline_structure", before="parser")
            nlp.add_pipe("storyline_auxiliaries", after="parser")
        else:
            nlp.add_pipe("storyline_structure", first=True)
    if extraction:
        for name in EXTRACTION:
            nlp.add_pipe(name)
        gazetteer.cities()  # build the place index now, not inside the first document
    return nlp
