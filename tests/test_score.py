"""Our scorer (storyline.record.score) against the reference scorer of ../shared/tools/score.py:
the same figures, to 0.001, for the record of every gold article in ../shared and in tests/articles."""
import json
from pathlib import Path

import pytest

import storyline
from storyline.record.score import SECTIONS, score_record

from .conftest import ARTICLES, SHARED, needs_shared, score


def _gold_paths() -> list[Path]:
    paths = sorted(ARTICLES.glob("*.gold.json"))
    if SHARED.exists():
        paths += sorted((SHARED / "gold").glob("*.gold.json")) + sorted((SHARED / "gold" / "dev").glob("*.gold.json"))
    return paths


@pytest.mark.parametrize("gold_path", _gold_paths(), ids=lambda p: p.name.removesuffix(".gold.json"))
def test_scorer_agrees_with_the_reference(gold_path):
    needs_shared("tools", "score.py")
    gold = json.loads(gold_path.read_text(encoding="utf-8"))
    text = (gold_path.parent / gold["document"]["file"]).read_text(encoding="utf-8")
    record = json.loads(storyline.extract(text, published=gold["document"]["published"]).model_dump_json())
    reference = score(gold_path, record)
    ours = score_record(gold, record)
    assert ours.overall == pytest.approx(reference["overall"], abs=0.001)
    for name in SECTIONS:
        assert ours.section_score(name) == pytest.approx(reference[name]["score"], abs=0.001), name


def _record(text, **parts):
    base = {"text": text, "headings": [], "entities": [], "timexes": [], "quotes": [], "figures": [],
            "events": [], "contradictions": []}
    return base | parts


def test_a_second_copy_of_a_found_quote_is_a_false_positive():
    text = "– Vi gir oss ikke, sier Kari Nordmann."
    gold = {"entities": [{"key": "kari", "type": "PER", "names": ["Kari Nordmann"], "mentions": ["Kari Nordmann"]}],
            "quotes": [{"speaker": "kari", "direct": True, "text": "Vi gir oss ikke"}]}
    quote = {"start": 2, "end": 17, "direct": True, "speaker": "e1"}
    entity = {"id": "e1", "type": "PER", "name": "Kari Nordmann", "mentions": [{"text": "Kari Nordmann"}]}
    one = score_record(gold, _record(text, quotes=[quote], entities=[entity])).sections["quotes"]
    two = score_record(gold, _record(text, quotes=[quote, quote], entities=[entity])).sections["quotes"]
    assert (one.tp, one.fp, one.score) == (1, 0, 1.0)
    assert (two.tp, two.fp, two.precision) == (1, 1, 0.5)


def test_a_wrong_speaker_halves_nothing_but_the_speaker_accuracy():
    text = "– Vi gir oss ikke, sier Kari Nordmann til Ola Hansen."
    gold = {"entities": [{"key": "kari", "type": "PER", "names": ["Kari Nordmann"], "mentions": ["Kari Nordmann"]}],
            "quotes": [{"speaker": "kari", "direct": True, "text": "Vi gir oss ikke"}]}
    wrong = {"id": "e2", "type": "PER", "name": "Ola Hansen", "mentions": [{"text": "Ola Hansen"}]}
    quotes = score_record(gold, _record(text, quotes=[{"start": 2, "end": 17, "direct": True, "speaker": "e2"}],
                                        entities=[wrong])).sections["quotes"]
    assert quotes.f1 == 1.0
    assert quotes.args["speaker"] == (0.0, 1) and quotes.args["direct"] == (1.0, 1)
    assert quotes.score == 0.5  # F1 times the mean of speaker 0, direct 1 (via: the gold says none)


def test_sections_without_required_gold_are_left_out_of_overall():
    gold = {"headings": [{"text": "Tittel", "optional": True}], "timexes": []}
    result = score_record(gold, _record("Tittel\n\nTekst."))
    assert all(result.section_score(n) is None for n in SECTIONS)
    assert result.overall == 0.0
