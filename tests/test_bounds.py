"""Bounded work for any input: a text without sentence breaks is cut into pieces a sentence's
length, and the facts one document may yield are capped, the record saying when."""
import pytest

import storyline
from storyline.nlp import build
from storyline.nlp.structure import MAX_SENTENCE_TOKENS

CLAUSE = "politiet opplyser at {n} personer ble evakuert fra Bergen mandag, og"


def test_a_text_without_sentence_breaks_is_cut_at_clause_breaks(nlp):
    text = " ".join(CLAUSE.format(n=10 + i) for i in range(60))  # about 700 tokens, no full stop
    doc = nlp(text)
    sentences = list(doc.sents)
    assert len(sentences) > len(doc) // MAX_SENTENCE_TOKENS
    assert max(len(s) for s in sentences) <= MAX_SENTENCE_TOKENS
    # every cut but the text's end comes after a comma, where a clause ends
    assert all(s[-1].text == "," for s in sentences[:-1])


def test_a_run_without_any_break_is_cut_at_the_limit(nlp):
    doc = nlp(" ".join(["ord"] * (3 * MAX_SENTENCE_TOKENS + 5)))
    assert [len(s) for s in doc.sents] == [MAX_SENTENCE_TOKENS] * 3 + [5]


def test_ordinary_sentences_are_left_as_the_text_has_them(nlp):
    text = ("Statsminister Jonas Gahr Støre besøkte Lillehammer torsdag kveld, og han lovet rask hjelp til dem "
            "som har mistet hjemmene sine. – Dette er en krevende natt for mange, sa Støre.")
    assert [s.text for s in nlp(text).sents] == [
        "Statsminister Jonas Gahr Støre besøkte Lillehammer torsdag kveld, og han lovet rask hjelp til dem som "
        "har mistet hjemmene sine.", "– Dette er en krevende natt for mange, sa Støre."]


def test_the_record_says_when_a_cap_bites(monkeypatch):
    text = " ".join(f"Politiet sier {n} personer ble evakuert i Bergen mandag." for n in range(10, 22))
    full = storyline.extract(text, published="2024-06-10")
    assert len(full.figures) == 12 and full.limits == []
    monkeypatch.setattr(build, "MAX_FACTS", 5)
    rec = storyline.extract(text, published="2024-06-10")
    assert [f.id for f in rec.figures] == [f.id for f in full.figures[:5]]
    assert "figures: the first 5 of 12 kept" in rec.limits
    kept = {f.id for f in rec.figures}
    assert all(set(c.figures) <= kept for c in rec.contradictions)


@pytest.mark.parametrize("kind", ["quotes", "events"])
def test_caps_keep_the_first_facts_in_the_text(kind):
    facts = list(range(build.MAX_FACTS + 7))
    limits: list[str] = []
    assert build.capped(kind, facts, limits) == facts[:build.MAX_FACTS]
    assert limits == [f"{kind}: the first {build.MAX_FACTS:,} of {len(facts):,} kept"]
