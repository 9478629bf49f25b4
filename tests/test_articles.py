"""Our own test articles (storm, election, strike, court case, a live report on fighting and talks,
a ferry accident, a flood in Nynorsk, talks and strikes in Gaza, a wildfire on Rhodes, a budget
deal, a drone attack, an interest-rate decision, an earthquake in Nynorsk, a cyber attack on
hospitals, a corruption verdict, trade talks, a teachers' strike in Nynorsk, bird flu, a German
election, fighting and talks in Sudan, a wind-farm protest and a stabbing verdict in Nynorsk, a
landslide, US–Iran talks), the seed and the 18 real articles of ../shared/gold/dev, each scored
against its gold by our scorer (storyline.record.score, which agrees with the shared one), section
by section, and held to what tests/scores.json says it scored."""
import json

import pytest

import storyline
from storyline.training.evaluate import evaluate_records

from .conftest import ARTICLES
from .rescore import FOLDERS, SNAPSHOT

# Each article's score, section by section, as tests/rescore.py last wrote it (`make rescore`):
# a rule change that loses a fact anywhere fails here, in the article and section it lost it.
SCORES = json.loads(SNAPSHOT.read_text(encoding="utf-8"))


def held(pipeline: str, *sets: str) -> list[str]:
    return sorted(key for key in SCORES[pipeline] if key.split("/")[0] in sets)


def no_lower(pipeline: str, key: str) -> None:
    article_set, article = key.split("/", 1)
    gold = FOLDERS[article_set] / f"{article}.gold.json"
    if not gold.exists():
        pytest.skip(f"{gold} not present (../shared is only on development and CI machines)")
    [row] = evaluate_records([gold], pipeline=pipeline)
    assert row["error"] is None, row["error"]
    fell = {section: (before, row[section]) for section, before in SCORES[pipeline][key].items()
            if before is not None and (row[section] is None or row[section] < before - 1e-9)}
    assert not fell, f"{key} ({pipeline}) scores lower than in tests/scores.json (before, now): {fell}"


@pytest.mark.parametrize("key", held("cnn", "own", "seed", "dev"))
def test_no_score_of_an_article_goes_down(key):
    no_lower("cnn", key)


@pytest.mark.parametrize("key", held("e5", "own", "seed"))
def test_no_score_of_an_article_goes_down_with_the_encoder_tagger(key):
    no_lower("e5", key)


def test_our_articles_and_the_seed_score_at_least_0_95_each_on_average():
    for article_set in ("own", "seed"):
        overall = [SCORES["cnn"][key]["overall"] for key in held("cnn", article_set)]
        assert overall and sum(overall) / len(overall) >= 0.95, article_set


def test_a_live_article_is_marked_live():
    for gold_path in sorted(ARTICLES.glob("*.gold.json")):
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
        text = (ARTICLES / gold["document"]["file"]).read_text(encoding="utf-8")
        rec = storyline.extract(text, published=gold["document"]["published"])
        assert rec.document.live == gold["document"]["live"], gold_path.name


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
        assert (ARTICLES / gold["document"]["file"]).exists()
