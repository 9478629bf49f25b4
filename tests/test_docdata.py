"""A processed Doc is a spaCy citizen: its storyline data travels with Doc.to_bytes, DocBin,
pickle and nlp.pipe(n_process=2), and the record built from the copy is the record."""
import pickle
from datetime import date

from spacy.tokens import Doc, DocBin

import storyline
from storyline.nlp.build import to_record

TEXTS = [
    "Brann i Bergen\n\nEn bolig brant natt til mandag i Bergen. – Vi fikk kontroll etter to timer, "
    "sier innsatsleder Kari Nilsen i Bergen brannvesen til NTB. Tre personer ble evakuert.",
    "Streik ved Equinor\n\nFagforbundet Industri Energi varslet tirsdag streik fra 1. juni. "
    "Forbundet krever høyere lønn, sa leder Frode Alfheim. Equinor avviste kravet.",
]


def _records(docs):
    return [to_record(d, id=f"a{i}").model_dump_json() for i, d in enumerate(docs)]


def test_a_processed_doc_round_trips_through_bytes_pickle_and_docbin(nlp):
    docs = [storyline.process(nlp, t, date(2024, 5, 6)) for t in TEXTS]
    want = _records(docs)
    assert docs[0]._.quotes and docs[1]._.events  # something to carry

    from_bytes = [Doc(nlp.vocab).from_bytes(d.to_bytes()) for d in docs]
    assert _records(from_bytes) == want
    assert from_bytes[0]._.published == date(2024, 5, 6)
    assert [h.text for h in from_bytes[0]._.headings] == ["Brann i Bergen"]

    assert _records(pickle.loads(pickle.dumps(d)) for d in docs) == want

    stored = DocBin(store_user_data=True, docs=docs).to_bytes()
    assert _records(DocBin().from_bytes(stored).get_docs(nlp.vocab)) == want


def test_nlp_pipe_with_two_processes_gives_the_same_records(nlp):
    assert _records(nlp.pipe(TEXTS, n_process=2)) == _records(nlp.pipe(TEXTS))


def test_a_loaded_doc_can_be_extracted_again(nlp):
    """Caches are not carried: a component run on a loaded doc computes them afresh."""
    doc = nlp(TEXTS[0])
    loaded = Doc(nlp.vocab).from_bytes(doc.to_bytes())
    for name in ("storyline_entities", "storyline_quotes"):
        loaded = nlp.get_pipe(name)(loaded)
    assert _records([loaded]) == _records([doc])
