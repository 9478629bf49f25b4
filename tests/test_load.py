"""The shipped pipeline loads offline and has every component."""
import socket
import subprocess
import sys

import pytest

import storyline
from storyline.nlp import EXTRACTION, MODEL_DIR, ModelNotFound, model_path


def test_loads_offline(monkeypatch):
    def no_network(*args, **kwargs):
        raise OSError("network access attempted")

    monkeypatch.setattr(socket, "socket", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    nlp = storyline.load()
    for name in ["tok2vec", "morphologizer", "parser", "storyline_lemmatizer", "ner", "storyline_structure", *EXTRACTION]:
        assert name in nlp.pipe_names
    doc = nlp("Statsminister Jonas Gahr Støre besøkte Bergen mandag.")
    assert doc.has_annotation("DEP") and doc.has_annotation("POS") and doc.has_annotation("LEMMA")


def _bytes(*names: str) -> int:
    return sum(p.stat().st_size for name in names for p in (MODEL_DIR / name).rglob("*") if p.is_file())


@pytest.mark.parametrize("parts", [("nb",), ("nn",)])
def test_models_ship_inside_the_package_and_are_small(parts):
    """Each CNN pipeline is at most 40 MB."""
    assert 1_000_000 < _bytes(*parts) <= 40_000_000


def test_the_encoder_pipeline_ships_in_at_most_60_mb():
    assert 10_000_000 < _bytes("e5") <= 60_000_000


def test_nynorsk_text_goes_through_the_nynorsk_pipeline():
    nlp = storyline.pipeline_for("nn")
    assert nlp.meta["name"] == "storyline_nn" and storyline.pipeline_for("nb").meta["name"] == "storyline_nb"
    doc = nlp("Ordføraren i Førde seier at vegen vert stengd i kveld.")
    assert [t.lemma_ for t in doc if t.text == "vert"] == ["verte"]  # Nynorsk lemmas
    rec = storyline.extract("Ordføraren i Førde, Olav Bakke, seier at vegen vert stengd i kveld. Det er ikkje "
                            "trygt å køyre der no, og mange bilar står fast.", published="2024-01-10")
    assert rec.document.language == "nn"
    assert any(e.name == "Førde" for e in rec.entities) and rec.quotes


def test_missing_model_is_a_clear_error(monkeypatch, tmp_path):
    monkeypatch.setenv("STORYLINE_MODEL", str(tmp_path / "nowhere"))
    with pytest.raises(ModelNotFound, match="make train"):
        model_path()


def test_components_are_registered_for_other_pipelines():
    # in a fresh process: importing the component is all another pipeline needs (its Doc
    # extensions are registered at import)
    code = """
from datetime import date
import spacy
from storyline.nlp import timex
nlp = spacy.blank("nb")
nlp.add_pipe("storyline_timex")
doc = nlp.make_doc("Møtet var i går.")
doc._.published = date(2024, 5, 24)
print([(t.text, t.value) for t in nlp(doc)._.timexes])
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[('i går', '2024-05-23')]"


def test_every_component_declares_what_it_assigns_and_gets_what_it_requires():
    nlp = storyline.load()
    analysis = nlp.analyze_pipes()
    assert not any(analysis["problems"].values()), analysis["problems"]
    assigned = {a for name in nlp.pipe_names for a in analysis["summary"][name]["assigns"]}
    assert {"doc._.entities", "doc._.quotes", "doc._.figures", "doc._.events", "doc._.timexes"} <= assigned


def test_pipeline_multiplies_with_numpy_not_blis():
    # docs/benchmarks.md: BLIS ran the pipeline 1.6 times slower than NumPy's OpenBLAS
    nlp = storyline.load(extraction=False)
    for name in ("tok2vec", "parser", "ner"):
        for node in nlp.get_pipe(name).model.walk():
            assert node.ops.use_blis is False, (name, node.name)
    from thinc.api import get_current_ops

    assert getattr(get_current_ops(), "use_blis", True) is True  # the caller's default is left alone


def test_training_code_registers_the_tokenizer_and_numpy_matmul():
    import subprocess
    import sys

    out = subprocess.run(
        [sys.executable, "-c", "import storyline.training.spacy_code, spacy; from thinc.api import get_current_ops; "
         "print(get_current_ops().use_blis, spacy.util.registry.tokenizers.get('storyline.news_tokenizer.v1').__name__)"],
        capture_output=True, text=True, check=True,
    ).stdout.split()
    assert out == ["False", "create_news_tokenizer"]
