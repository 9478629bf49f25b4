"""Part of speech and sentence starts from the shipped pipeline, on sentences of our own."""
import pytest


@pytest.mark.parametrize("text,word,pos", [
    ("Streiken har vart i tre uker.", "har", "AUX"),      # perfect auxiliary
    ("Bonden har to hundre kyr.", "har", "VERB"),          # main verb: to own
    ("Domstolen er enig med påtalemyndigheten.", "er", "AUX"),  # copula
    ("Ordføreren ble gjenvalgt i går.", "ble", "AUX"),      # passive
    ("Hun fikk en bot på 5000 kroner.", "fikk", "VERB"),   # main verb: to receive
    ("Vi må stenge veien i natt.", "må", "AUX"),            # modal
])
def test_auxiliary_or_main_verb_follows_the_parse(nlp, text, word, pos):
    doc = nlp(text)
    tok = next(t for t in doc if t.text == word)
    assert tok.pos_ == pos, [(t.text, t.pos_, t.dep_) for t in doc]


def test_auxiliaries_component_overrules_the_tagger_with_the_parse():
    import spacy

    from storyline.nlp import auxiliaries  # noqa: F401  (registers storyline_auxiliaries)

    nlp = spacy.blank("nb")
    # the tagger's mistakes, as a doc: copula "er" tagged VERB, main verb "har" tagged AUX
    doc = spacy.tokens.Doc(
        nlp.vocab, words=["Hun", "er", "lege", "og", "har", "hund"],
        pos=["PRON", "VERB", "NOUN", "CCONJ", "AUX", "NOUN"],
        lemmas=["hun", "være", "lege", "og", "ha", "hund"],
        heads=[2, 2, 2, 4, 2, 4], deps=["nsubj", "cop", "ROOT", "cc", "conj", "obj"],
    )
    nlp.add_pipe("storyline_auxiliaries")(doc)
    assert [t.pos_ for t in doc] == ["PRON", "AUX", "NOUN", "CCONJ", "VERB", "NOUN"]


def test_every_paragraph_of_a_long_article_starts_a_sentence(nlp):
    paragraphs = [f"Stormen nådde kommune nummer {i} om kvelden. Strømmen gikk" for i in range(400)]
    doc = nlp("\n\n".join(paragraphs))
    starts = {s.start_char for s in doc.sents}
    offset = 0
    for p in paragraphs:
        assert offset in starts
        assert offset + p.index("Strømmen") in starts
        offset += len(p) + 2
