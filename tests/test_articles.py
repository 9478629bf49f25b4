"""Our own test articles (storm, election, strike, court case, a live report on fighting and talks,
a ferry accident, a flood in Nynorsk, talks and strikes in Gaza, a wildfire on Rhodes, a budget
deal, a drone attack, an interest-rate decision, an earthquake in Nynorsk, a cyber attack on
hospitals, a corruption verdict, trade talks, a teachers' strike in Nynorsk, bird flu, a German
election, fighting and talks in Sudan, a wind-farm protest and a stabbing verdict in Nynorsk, a landslide, US–Iran talks) and the seed, scored by the shared scorer against their gold files."""
import json
from pathlib import Path

import pytest

import storyline

from .conftest import ARTICLES, SHARED, needs_shared, score

# Just under what the shipped pipeline reaches on each (docs/accuracy.md), so that a rule change
# that loses a fact elsewhere fails here. Session 6's pipelines brought new CNN errors: "X." as an
# event (droner), a sentence-opening "Smitten" as a name (smitte), "Lofotposten" as a product
# (dom), "Kystverket" as a place (ulykke), the small town "Odda" as a person (flaum, Nynorsk).
MINIMUM = {"storm": 0.97, "valg": 0.98, "streik": 0.96, "rettssak": 0.98, "konflikt": 0.97, "ulykke": 0.97,
           "flaum": 0.95, "gaza": 0.98, "brann": 0.98, "budsjett": 0.9, "droner": 0.95,
           "rente": 0.98, "jordskjelv": 0.98, "dataangrep": 0.96, "toll": 0.98,
           "streik2": 0.98, "smitte": 0.96, "tyskland": 0.98,
           "dom": 0.97, "sudan": 0.98, "vindkraft": 0.98, "knivstikking": 0.98,
           "skred": 0.98, "iran": 0.98}


# The same with the encoder entity tagger (--ner e5), whose errors the rules were not written
# against: floors just under what it reaches.
MINIMUM_E5 = {"storm": 0.97, "valg": 0.98, "streik": 0.97, "rettssak": 0.98, "konflikt": 0.97, "ulykke": 0.98,
              "flaum": 0.97, "gaza": 0.98, "brann": 0.98, "budsjett": 0.91, "droner": 0.96,
              "rente": 0.98, "jordskjelv": 0.98, "dataangrep": 0.96, "toll": 0.98,
              "streik2": 0.98, "smitte": 0.98, "tyskland": 0.98, "dom": 0.98, "sudan": 0.98, "vindkraft": 0.98,
              "knivstikking": 0.98, "skred": 0.98, "iran": 0.98}


def _score_article(name: str, ner: str) -> dict:
    gold_path = ARTICLES / f"{name}.gold.json"
    gold = json.loads(gold_path.read_text(encoding="utf-8"))
    text = (ARTICLES / gold["document"]["file"]).read_text(encoding="utf-8")
    rec = storyline.extract(text, published=gold["document"]["published"], ner=ner)
    assert rec.document.live == gold["document"]["live"]
    return score(gold_path, json.loads(rec.model_dump_json()))


@pytest.mark.parametrize("name", sorted(MINIMUM))
def test_own_article(name):
    report = _score_article(name, "cnn")
    assert report["overall"] >= MINIMUM[name], report


@pytest.mark.parametrize("name", sorted(MINIMUM_E5))
def test_own_article_with_the_encoder_tagger(name):
    report = _score_article(name, "e5")
    assert report["overall"] >= MINIMUM_E5[name], report


def test_seed_article():
    gold_path = needs_shared("gold", "000_7f010caa0a2c78e9.gold.json")
    text = (SHARED / "seeds" / "000_7f010caa0a2c78e9.txt").read_text(encoding="utf-8")
    rec = storyline.extract(text, published="2022-03-03")
    report = score(gold_path, json.loads(rec.model_dump_json()))
    assert report["overall"] >= 0.95, report  # the issue asks for 0.85; we are at 0.989
    for section in ("headings", "entities", "timexes", "quotes", "figures", "events", "contradictions"):
        assert report[section]["score"] >= 0.75, (section, report[section])


def test_seed_article_with_the_encoder_tagger():
    gold_path = needs_shared("gold", "000_7f010caa0a2c78e9.gold.json")
    text = (SHARED / "seeds" / "000_7f010caa0a2c78e9.txt").read_text(encoding="utf-8")
    rec = storyline.extract(text, published="2022-03-03", ner="e5")
    report = score(gold_path, json.loads(rec.model_dump_json()))
    assert report["overall"] >= 0.97, report  # 0.991 today


def test_gold_files_are_valid():
    for gold_path in ARTICLES.glob("*.gold.json"):
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
        text = (ARTICLES / gold["document"]["file"]).read_text(encoding="utf-8")
        for section in ("timexes", "figures", "events"):
            for item in gold[section]:
                for ev in item["evidence"] if isinstance(item["evidence"], list) else [item["evidence"]]:
                    assert ev in text, (gold_path.name, ev)
        for q in gold["quotes"]:
            assert q["text"] in text, (gold_path.name, q["text"])
        assert Path(ARTICLES / gold["document"]["file"]).exists()
