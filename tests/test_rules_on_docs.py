"""Rules on hand-built Docs (words, heads, dependencies, parts of speech, entities, as spaCy tests
its components): the extraction components alone, on a blank pipeline, so what is tested is the
rule and not what a retrained tagger or parser makes of the sentence. Quotes, figures, dates,
events and speakers each have theirs."""
from datetime import date

import pytest
import spacy
from spacy.language import Language
from spacy.tokens import Doc

from storyline.nlp import EXTRACTION, contradictions, entities, events, figures, quotes, structure, timex  # noqa: F401
from storyline.nlp.events import trigger_matcher, trigger_matches
from storyline.nlp.lexicon import read_triggers
from storyline.nlp.util import remember_text


@pytest.fixture(scope="module")
def rules():
    nlp = spacy.blank("nb")
    for name in ["storyline_structure", *EXTRACTION]:
        nlp.add_pipe(name)
    return nlp


def parsed(rules, rows: list[tuple]) -> Doc:
    """A Doc from (word, head index, dependency, part of speech, entity label or "", morphology) rows;
    a label "I-PER" continues the name before it."""
    words = [r[0] for r in rows]
    # as print has it: no space after «, none before », a comma or a full stop
    spaces = [i + 1 < len(words) and words[i + 1] not in ".,»" and words[i] != "«" for i in range(len(words))]
    doc = Doc(rules.vocab, words=words, spaces=spaces,
              heads=[r[1] for r in rows], deps=[r[2] for r in rows], pos=[r[3] for r in rows],
              ents=[r[4] if r[4].startswith("I-") else f"B-{r[4]}" if r[4] else "O" for r in rows], morphs=[r[5] if len(r) > 5 else "" for r in rows],
              lemmas=[r[0].casefold() for r in rows])
    doc = remember_text(doc, doc.text)
    doc._.published = date(2024, 3, 14)
    return rules(doc)


def named(doc: Doc) -> list[tuple]:
    names = {e.id: e.name for e in doc._.entities}
    return [(v.type, v.text, [names[a] for a in v.actors], [names[t] for t in v.targets]) for v in doc._.events]


def test_an_attack_on_a_party_is_criticism(rules):
    doc = parsed(rules, [("Frp", 1, "nsubj", "PROPN", "ORG"), ("angriper", 1, "ROOT", "VERB", ""),
                         ("Arbeiderpartiet", 1, "obj", "PROPN", "ORG"), ("for", 4, "case", "ADP", ""),
                         ("skattepolitikken", 1, "obl", "NOUN", ""), (".", 1, "punct", "PUNCT", "")])
    assert named(doc) == [("ACCUSE", "angriper", ["Fremskrittspartiet"], ["Arbeiderpartiet"])]


def test_an_arrest_in_the_passive_is_the_countrys(rules):
    doc = parsed(rules, [("To", 1, "nummod", "NUM", ""), ("journalister", 3, "nsubj:pass", "NOUN", ""),
                         ("ble", 3, "aux:pass", "AUX", ""), ("arrestert", 3, "ROOT", "VERB", "", "VerbForm=Part"),
                         ("i", 5, "case", "ADP", ""), ("Nord-Korea", 3, "obl", "PROPN", "GPE_LOC"),
                         (".", 3, "punct", "PUNCT", "")])
    assert named(doc) == [("COERCE", "arrestert", ["Nord-Korea"], [])]


def test_a_complaint_from_someone_is_theirs_and_a_sanction_from_someone_hits_the_subject(rules):
    doc = parsed(rules, [("Regjeringen", 1, "nsubj", "NOUN", ""), ("fikk", 1, "ROOT", "VERB", ""),
                         ("kritikk", 1, "obj", "NOUN", ""), ("fra", 4, "case", "ADP", ""),
                         ("Høyre", 2, "nmod", "PROPN", "ORG"), (".", 1, "punct", "PUNCT", "")])
    assert named(doc) == [("ACCUSE", "kritikk", ["Høyre"], [])]
    doc = parsed(rules, [("Iran", 2, "nsubj:pass", "PROPN", "GPE_LOC"), ("er", 2, "aux:pass", "AUX", ""),
                         ("rammet", 2, "ROOT", "VERB", "", "VerbForm=Part"), ("av", 4, "case", "ADP", ""),
                         ("sanksjoner", 2, "obl", "NOUN", ""), ("fra", 6, "case", "ADP", ""),
                         ("Storbritannia", 4, "nmod", "PROPN", "GPE_LOC"), (".", 2, "punct", "PUNCT", "")])
    assert named(doc) == [("SANCTION", "sanksjoner", ["Storbritannia"], ["Iran"])]


def test_he_is_the_man_named_as_the_object_when_the_subject_is_a_woman(rules):
    from storyline.nlp import speakers

    doc = parsed(rules, [("Ingrid", 2, "nsubj", "PROPN", "PER"), ("Hansen", 0, "flat:name", "PROPN", "I-PER"),
                         ("møtte", 2, "ROOT", "VERB", ""), ("Jonas", 2, "obj", "PROPN", "PER"),
                         ("Støre", 3, "flat:name", "PROPN", "I-PER"), (".", 2, "punct", "PUNCT", ""),
                         ("Etterpå", 7, "advmod", "ADV", ""), ("smilte", 7, "ROOT", "VERB", ""),
                         ("han", 7, "nsubj", "PRON", ""), (".", 7, "punct", "PUNCT", "")])
    names = {e.id: e.name for e in doc._.entities}
    focus, han = speakers.Focus(doc), doc[8]
    assert speakers.rule_antecedent(doc, han.idx, "han", focus) is None  # in focus is only Ingrid Hansen
    assert names[speakers.antecedent(doc, han.idx, "han", focus)] == "Jonas Støre"


def test_the_trigger_matcher_on_a_blank_pipeline():
    """The trigger table as spaCy matchers over tokens alone (no tagger): a phrase wins over its
    first word, a compound is found by its ending, a form of no trigger stays unmatched."""
    nlp = spacy.blank("nb")
    doc = nlp.make_doc("Lærarstreiken held fram , og kommunen tar imot flyktningar og kampen er over")
    found = trigger_matches(trigger_matcher(nlp.vocab, read_triggers()), doc)
    words = {doc[i].text: hit for i, hit in found.items()}
    assert words["Lærarstreiken"] == ("compound", "PROTEST", "strike")
    assert words["tar"] == ("phrase", "AID", None)
    assert "kampen" not in words and "held" not in words


def test_components_take_their_thresholds_and_tables_from_their_config():
    nlp = spacy.blank("nb")
    nlp.add_pipe("storyline_events", config={"triggers": "triggers"})
    assert nlp.get_pipe_config("storyline_events") == {"factory": "storyline_events", "triggers": "triggers"}
    assert Language.get_factory_meta("storyline_entities").default_config == {"min_city_population": 15000}
    # a run without sentence breaks is cut at the length the config gives
    nlp = spacy.blank("nb")
    nlp.add_pipe("storyline_structure", config={"max_sentence_tokens": 10})
    doc = nlp(" ".join(["ord"] * 25))
    assert [len(s) for s in doc.sents] == [10, 10, 5]


def test_a_quote_then_its_cue_is_the_speech_of_the_name_after_the_cue(rules):
    doc = parsed(rules, [("«", 2, "punct", "PUNCT", ""), ("Vi", 2, "nsubj", "PRON", ""), ("har", 2, "ROOT", "VERB", ""),
                         ("kontroll", 2, "obj", "NOUN", ""), ("»", 2, "punct", "PUNCT", ""), (",", 6, "punct", "PUNCT", ""),
                         ("sier", 2, "parataxis", "VERB", ""), ("innsatsleder", 6, "nsubj", "NOUN", ""),
                         ("Kari", 7, "appos", "PROPN", "PER"), ("Nilsen", 8, "flat:name", "PROPN", "I-PER"),
                         (".", 2, "punct", "PUNCT", "")])
    assert doc.text == "«Vi har kontroll», sier innsatsleder Kari Nilsen."
    names = {e.id: e.name for e in doc._.entities}
    assert [(q.text, q.direct, names.get(q.speaker)) for q in doc._.quotes] == [("Vi har kontroll", True, "Kari Nilsen")]


def test_a_report_with_at_is_indirect_speech_of_its_subject(rules):
    doc = parsed(rules, [("Røde", 2, "nsubj", "PROPN", "ORG"), ("Kors", 0, "flat:name", "PROPN", "I-ORG"),
                         ("sier", 2, "ROOT", "VERB", ""), ("at", 6, "mark", "SCONJ", ""), ("tre", 5, "nummod", "NUM", ""),
                         ("personer", 7, "nsubj", "NOUN", ""), ("er", 7, "cop", "AUX", ""), ("savnet", 2, "ccomp", "ADJ", ""),
                         (".", 2, "punct", "PUNCT", "")])
    names = {e.id: e.name for e in doc._.entities}
    assert [(q.text, q.direct, names.get(q.speaker)) for q in doc._.quotes] == [("tre personer er savnet", False, "Røde Kors")]


def test_a_count_its_qualifier_and_the_event_it_counts_with_place_and_day(rules):
    doc = parsed(rules, [("Minst", 1, "advmod", "ADV", ""), ("40", 2, "nummod", "NUM", ""),
                         ("personer", 4, "nsubj:pass", "NOUN", ""), ("ble", 4, "aux:pass", "AUX", ""),
                         ("drept", 4, "ROOT", "VERB", "", "VerbForm=Part"), ("i", 6, "case", "ADP", ""),
                         ("Khartoum", 4, "obl", "PROPN", "GPE_LOC"), ("i", 8, "case", "ADP", ""),
                         ("går", 4, "obl", "NOUN", ""), (".", 4, "punct", "PUNCT", "")])
    assert [(f.text, f.value, f.unit, f.qualifier) for f in doc._.figures] == [
        ("Minst 40 personer", 40.0, "personer", "at_least")]
    assert [(t.text, t.value) for t in doc._.timexes] == [("i går", "2024-03-13")]  # the day before publication
    names = {e.id: e.name for e in doc._.entities}
    assert [(v.type, v.text, names[v.location], v.date) for v in doc._.events] == [
        ("ASSAULT", "drept", "Khartoum", "2024-03-13")]


def test_of_two_subjects_a_parse_gives_one_verb_the_nearest_acts(rules):
    # a crosshead run into the text ("Stein for stein Ei heller …") parsed as a second subject
    doc = parsed(rules, [("Stein", 6, "nsubj", "PROPN", "PER"), ("for", 2, "case", "ADP", ""),
                         ("stein", 0, "nmod", "NOUN", ""), ("Ei", 6, "advmod", "ADV", ""),
                         ("Kari", 6, "nsubj", "PROPN", "PER"), ("Dal", 4, "flat:name", "PROPN", "I-PER"),
                         ("sparer", 6, "ROOT", "VERB", ""), ("på", 8, "case", "ADP", ""),
                         ("superlativene", 6, "obl", "NOUN", "", "Definite=Def|Number=Plur"),
                         ("om", 10, "case", "ADP", ""), ("Ola", 8, "nmod", "PROPN", "PER"),
                         ("Vik", 10, "flat:name", "PROPN", "I-PER"), (".", 6, "punct", "PUNCT", "")])
    assert named(doc) == [("SUPPORT", "superlativene", ["Kari Dal"], ["Ola Vik"])]
