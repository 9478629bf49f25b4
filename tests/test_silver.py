"""Silver NER docs keep the tagger's words and entities and nothing else."""
import spacy
from spacy.tokens import Doc, Span

from storyline.training.silver import norquad_texts, silver_doc

from .conftest import needs_shared


def test_silver_doc_keeps_entities_and_leaves_syntax_missing():
    nlp = spacy.blank("nb")
    tagged = Doc(nlp.vocab, words=["Uværet", "Ingunn", "rammet", "Trøndelag", "\n\n", "Strømmen", "gikk"],
                 spaces=[True, True, True, False, False, True, False],
                 pos=["NOUN", "PROPN", "VERB", "PROPN", "SPACE", "NOUN", "VERB"],
                 sent_starts=[True, False, False, False, False, True, False])
    tagged.ents = [Span(tagged, 1, 2, "MISC"), Span(tagged, 3, 4, "GPE_LOC")]
    silver = silver_doc(nlp.vocab, tagged)
    assert silver.text == tagged.text
    assert [(e.text, e.label_) for e in silver.ents] == [("Ingunn", "MISC"), ("Trøndelag", "GPE_LOC")]
    assert all(t.ent_iob_ == "O" for t in silver if not t.ent_type_)  # the rest is known to be no name
    assert not silver.has_annotation("POS") and not silver.has_annotation("SENT_START")


def test_norquad_articles_are_read_once_each():
    texts = norquad_texts(needs_shared("data"))
    assert len(texts) == len(set(texts)) > 300
