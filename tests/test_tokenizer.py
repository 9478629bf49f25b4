"""Tokenisation and sentence splitting for Norwegian news."""
import pytest

from storyline.nlp.structure import line_kind, paragraphs, split_sentences


@pytest.mark.parametrize("text,expected", [
    ("– Sitt ned med meg, sa han.", ["–", "Sitt", "ned", "med", "meg", ",", "sa", "han", "."]),
    ("-Vi kommer, sa hun.", ["-", "Vi", "kommer", ",", "sa", "hun", "."]),
    ("Han sa:«Nei»!", ["Han", "sa", ":", "«", "Nei", "»", "!"]),
    ("Det gjelder bl.a. kl. 14 og f.eks. ca. 9.000 mann.",
     ["Det", "gjelder", "bl.a.", "kl.", "14", "og", "f.eks.", "ca.", "9.000", "mann", "."]),
    ("Den 3. mars kom EU-land.", ["Den", "3.", "mars", "kom", "EU-land", "."]),
    ("«Truet og hjernevasket».", ["«", "Truet", "og", "hjernevasket", "»", "."]),
    # words that spaCy's nb rules read as abbreviations ("to." for torsdag) end sentences here
    ("De ble fengslet, begge to.", ["De", "ble", "fengslet", ",", "begge", "to", "."]),
    ("Hun stemte på Ap. Han gjorde ikke det.", ["Hun", "stemte", "på", "Ap", ".", "Han", "gjorde", "ikke", "det", "."]),
    ("Turen gikk til St. Petersburg.", ["Turen", "gikk", "til", "St.", "Petersburg", "."]),
])
def test_news_tokenizer(nlp, text, expected):
    assert [t.text for t in nlp.make_doc(text)] == expected


def test_sentences_respect_abbreviations_and_ordinals():
    text = "Møtet startet kl. 14 i går, bl.a. med ordføreren. Han kom 3. mars. – Hvorfor? spurte hun. Så gikk de."
    got = [text[a:b] for a, b in split_sentences(text, 0, len(text))]
    assert got == ["Møtet startet kl. 14 i går, bl.a. med ordføreren.", "Han kom 3. mars.",
                   "– Hvorfor? spurte hun.", "Så gikk de."]


def test_headings_and_live_marker():
    text = "Saken oppdateres.\n\nStorm over Vestlandet\n\nVinden økte i natt, og flere veier ble stengt.\n"
    kinds = [line_kind(text[a:b]) for a, b in paragraphs(text)]
    assert kinds == ["live", "heading", "body"]


def test_heading_starts_its_own_sentence(nlp):
    doc = nlp("Uværet\nVinden økte kraftig i natt. Flere veier ble stengt.")
    sents = [s.text.strip() for s in doc.sents]
    assert sents[0] == "Uværet"
    assert "Vinden økte kraftig i natt." in sents
    assert [h.text for h in doc._.headings] == ["Uværet"]


def test_dash_quote_paragraph_is_one_sentence_per_statement(nlp):
    doc = nlp("– Vi er svært fornøyde med avtalen, sa forbundslederen til NTB.")
    assert len(list(doc.sents)) == 1


def test_a_full_stop_after_a_mixed_case_name_ends_the_sentence(nlp):
    doc = nlp("Regjeringen vil ikke samarbeide med AfD. Partiet reagerer.")
    assert "AfD" in [t.text for t in doc] and len(list(doc.sents)) == 2
