"""NER on sentences written for these tests (not from any corpus)."""
import pytest


@pytest.mark.parametrize("text,expected", [
    ("Statsminister Jonas Gahr Støre møtte ordføreren i Bergen mandag.", {("Jonas Gahr Støre", "PER"), ("Bergen", "GPE_LOC")}),
    ("Forhandlingene mellom Fagforbundet og KS i Oslo brøt sammen.",
     {("Fagforbundet", "ORG"), ("KS", "ORG"), ("Oslo", "GPE_LOC")}),
    ("Medlemmer av Norsk Sykepleierforbund streiket i Tromsø.", {("Norsk Sykepleierforbund", "ORG"), ("Tromsø", "GPE_LOC")}),
    ("Kari Nordmann ble valgt til leder av Arbeiderpartiet i Trondheim.", {("Kari Nordmann", "PER"), ("Trondheim", "GPE_LOC")}),
])
def test_entities_in_own_sentences(nlp, text, expected):
    got = {(e.text, e.label_) for e in nlp(text).ents}
    assert expected <= got, got
