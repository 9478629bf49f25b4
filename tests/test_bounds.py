"""Bounded work for any input: a text without sentence breaks is cut into pieces a sentence's
length, the facts one document may yield are capped, the record saying when, and an article of
a batch that takes longer, or more memory, than its budget fails alone."""
import gc
import signal

import pytest

import storyline
from storyline.nlp import build
from storyline.nlp.structure import MAX_SENTENCE_TOKENS


@pytest.fixture(autouse=True)
def no_gc_callbacks():
    """Hypothesis (test_properties) leaves a garbage-collector callback installed. An alarm landing
    in it is swallowed and handed to pytest's unraisable-exception hook, where the budget's next
    alarm lands again and pytest fails the test. The budget holds either way
    (test_the_budget_holds_when_its_first_alarm_is_swallowed); these tests run without it."""
    saved = gc.callbacks[:]
    gc.callbacks.clear()
    yield
    gc.callbacks[:] = saved


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


# about 2.5 s of extraction on our machines, against a budget of half a second; the short
# article takes a twentieth of it
SLOW = " ".join(f"Politiet i Bergen opplyser at {i} personer ble evakuert fra Åsane mandag, sier Kari Holm til NRK."
                for i in range(900))  # about 90,000 characters: 3 s, warm
QUICK = "Statsminister Jonas Gahr Støre møtte ordføreren i Bergen mandag."


def test_an_article_over_its_time_budget_fails_alone_and_the_batch_goes_on():
    storyline.extract(QUICK)  # the pipeline loaded before the clock runs
    slow, quick = storyline.extract_many([{"text": SLOW, "id": "slow"}, {"text": QUICK, "id": "quick"}], seconds=0.5)
    assert isinstance(slow, storyline.ingest.text.ExtractionError)
    assert str(slow).startswith("input: not extracted: it took over 0.5 s") and str(slow).endswith("[slow]")
    assert "Jonas Gahr Støre" in [e.name for e in quick.entities]
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)  # no timer left behind
    assert signal.getsignal(signal.SIGALRM) == signal.SIG_DFL
    # without a budget (storyline extract, one text alone) the same article is extracted
    assert storyline.extract(SLOW).figures


def test_ingest_gives_each_article_its_budget(tmp_path, monkeypatch):
    from storyline.ingest.batch import ingest_items
    from storyline.ingest.sources import Item
    from storyline.store.db import Store

    monkeypatch.setattr(storyline, "DOCUMENT_SECONDS", 0.5)
    store = Store(tmp_path / "budget.db")
    result = ingest_items(store, [Item("slow.txt", key="slow", text=SLOW), Item("quick.txt", key="quick", text=QUICK)])
    assert result.counts["new"] == 1 and store.record("quick") is not None and store.record("slow") is None
    [(name, error)] = result.failures
    assert name == "slow.txt" and "took over 0.5 s" in error


def test_the_budget_holds_when_its_first_alarm_is_swallowed():
    # a garbage-collector callback (hypothesis installs one) or a broad `except` swallows the
    # exception raised inside it: the timer fires again until the block is given up
    import time

    swallowed = 0
    with pytest.raises(storyline.OverBudget):
        with storyline._budget(0.2):
            deadline = time.monotonic() + 5
            try:
                while time.monotonic() < deadline:
                    pass
            except storyline.OverBudget:
                swallowed += 1
            while time.monotonic() < deadline:
                pass
    assert swallowed == 1 and time.monotonic() < deadline
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    assert signal.getsignal(signal.SIGALRM) == signal.SIG_DFL


def test_an_article_over_its_memory_budget_fails_alone_and_the_batch_goes_on():
    """Memory is the process's resident size against the one at the article's start, so the test
    runs in a fresh process: in this one, earlier tests have left memory the allocator reuses."""
    import subprocess
    import sys

    code = f"""
import storyline
storyline.extract({QUICK!r})  # the pipeline loaded before the budget runs
big = " ".join([{SLOW!r}] * 2)  # 180,000 characters: about 75 MB more
out = list(storyline.extract_many([{{"text": big, "id": "big"}}, {{"text": {QUICK!r}, "id": "quick"}}],
                                  seconds=600, megabytes=25))
print(repr(str(out[0])))
print([e.name for e in out[1].entities])
print(len(storyline.extract(big).figures) > 0)
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.splitlines()
    assert out[0].startswith("'input: not extracted: it needed over 25 MB (the memory one article may take)")
    assert out[0].endswith("[big]'")
    assert "Jonas Gahr Støre" in out[1]
    assert out[2] == "True"  # without a budget the same article is extracted
