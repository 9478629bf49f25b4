"""Rules for real journalism as it arrives from feeds and copy-pastes (paragraph breaks lost, quotes
opened by a dash inside a paragraph), and for event words real writing uses. Our own sentences:
each asserts what the rule finds and what it leaves alone."""
import storyline
from storyline.nlp.lemmatizer import forms_of
from storyline.nlp.lexicon import read_triggers, roles, rows, trigger_lines, words


def record(text, published="2024-03-14"):
    return storyline.extract(text, published=published)


def speaker_names(rec):
    names = {e.id: e.name for e in rec.entities}
    return [(q.text, q.direct, names.get(q.speaker)) for q in rec.quotes]


def test_a_dash_quote_inside_a_paragraph_is_its_own_quote_up_to_its_cue():
    rec = record("Ordføreren i Lillevik kommune la fram budsjettet tirsdag. - Vi har ikke råd til flere kutt. "
                 "Skolene må skjermes, sier ordfører Kari Holmen til avisa. Kommunestyret behandler saken i mai.")
    quotes = speaker_names(rec)
    assert ("Vi har ikke råd til flere kutt. Skolene må skjermes", True, "Kari Holmen") in quotes
    # the narrative after the cue's sentence is no part of the quote
    assert not any("Kommunestyret" in text for text, _, _ in quotes)


def test_two_dash_quotes_in_one_paragraph_get_their_own_speakers():
    rec = record("Møtet varte i tre timer. - Dette er en god dag for bygda, sier Per Lunde. "
                 "- Vi er ikke fornøyd, svarer Anne Berg i Naturvernforbundet.")
    quotes = speaker_names(rec)
    assert ("Dette er en god dag for bygda", True, "Per Lunde") in quotes
    assert ("Vi er ikke fornøyd", True, "Anne Berg") in quotes


def test_a_quote_opened_after_a_sub_heading_run_into_the_text_needs_its_cue():
    rec = record("Ingen nye søknader - Vi har ikke fått en eneste søknad i år, opplyser rektor Liv Dahl.")
    assert speaker_names(rec) == [("Vi har ikke fått en eneste søknad i år", True, "Liv Dahl")]
    # an aside between dashes is no quote: "plan B - en mindretallsregjering - er uaktuell"
    rec = record("Alternativet - en mindretallsregjering - er uaktuelt for Arbeiderpartiet, skriver Dagsavisen.")
    assert not any(direct for _, direct, _ in speaker_names(rec))


def test_a_first_person_cue_inside_a_quote_is_part_of_it():
    rec = record("Bonden var skeptisk. - Da jeg så kalven, sa jeg til kona at den ikke ville klare seg. "
                 "Nå går den rundt i fjøset, sier Ola Bakken.")
    assert ("Da jeg så kalven, sa jeg til kona at den ikke ville klare seg. Nå går den rundt i fjøset", True,
            "Ola Bakken") in speaker_names(rec)


def test_a_dash_line_without_a_person_speaking_is_no_quote():
    text = ("- Vi vant fordi vi trente mer, sier trener Geir Moen.\n\n- Et lag i form\n\n"
            "- Moen har ledet laget i fire sesonger og tok over etter Jon Vik.")
    texts = [q.text for q in record(text).quotes]
    assert texts == ["Vi vant fordi vi trente mer"]


def test_a_quote_attributed_by_det_sa_in_the_next_paragraph():
    rec = record("Foto: NTB - Vi gir oss ikke før skolen er reddet.\n\nDet sa Marit Solheim til NRK torsdag.")
    assert ("Vi gir oss ikke før skolen er reddet", True, "Marit Solheim") in speaker_names(rec)


def test_heter_det_and_replies_are_cues():
    rec = record("- Et vendepunkt for regionen, heter det i rapporten. "
                 "- Det er for tidlig å si, repliserte Hans Olsen (Sp).")
    quotes = [(t, d) for t, d, _ in speaker_names(rec)]
    assert ("Et vendepunkt for regionen", True) in quotes and ("Det er for tidlig å si", True) in quotes


def events(text):
    return [(v.type, v.text) for v in record(text).events]


def test_event_words_of_real_writing():
    assert ("PROTEST", "generalstreik") in events("Fagforbundet LO gjennomførte en generalstreik i Oslo onsdag.")
    assert ("COERCE", "kuppet") in events("Generalen ledet kuppet mot presidenten i hovedstaden Bamako.")
    assert ("ASSAULT", "sammenstøt") in events("Det kom til sammenstøt mellom demonstranter og politi i Santiago.")
    assert ("SUPPORT", "stø") in events("Senterpartiet vil stø forslaget frå rådmannen, sa Ola Nordbø.")
    assert ("CONSULT", "invitert") in events("Ordføreren har invitert statsministeren til Tromsø.")
    assert ("PROTEST", "boikottet") in events("Studentene boikottet forelesningene i Santiago.")
    assert ("SUPPORT", "superlativer") in events("Treneren Kari Dal øste ut superlativer om Ola Vik i går.")


def test_going_out_against_someone_is_criticism_and_going_off_is_resigning():
    assert ("ACCUSE", "går hardt ut") in events("Kari Nilsen går hardt ut mot Høyre i Stortinget.")
    assert ("RETREAT", "gikk av") in events("Statsministeren gikk av etter valgnederlaget.")
    assert not any(t == "RETREAT" for t, _ in events("Hun gikk av bussen ved Nationaltheatret."))
    assert not any(t == "RETREAT" for t, _ in events("Brann gikk av med seieren i Bergen søndag."))


def test_every_form_of_a_trigger_lemma_triggers():
    """Forms the table never spelled out: present tense, Nynorsk plurals, the definite plural."""
    assert ("ASSAULT", "dreper") in events("Militsen dreper sivile i Darfur, melder FN.")
    assert ("THREATEN", "truslane") in events("Ordføraren tok truslane frå gruppa alvorleg, sa politiet i Førde.")
    assert ("COERCE", "arresterer") in events("Politiet arresterer tre menn i Oslo etter ranet.")


def test_a_meeting_noun_with_nobody_named_is_no_event():
    assert not events("Saken ble diskutert på møtet, men ingen konklusjon kom.")
    assert ("CONSULT", "møtet") in events("Jonas Gahr Støre og Olaf Scholz snakket sammen på møtet i Berlin.")


def test_the_lexicons_read_as_data():
    triggers = read_triggers()
    # a line names a lemma; its forms come from simplemma's dictionaries, Bokmål and Nynorsk
    assert triggers.words["telefonsamtalene"] == triggers.words["telefonsamtalar"] == ("CONSULT", "phone")
    assert triggers.words["truslene"] == triggers.words["advarslene"] == ("THREATEN", None)
    assert triggers.words["dreper"] == triggers.words["drepte"] == ("ASSAULT", None)
    # "=" keeps a lemma with other senses to the forms that are events; "-" drops one
    assert "kampen" not in triggers.words and triggers.words["kampene"] == ("ASSAULT", None)
    assert "inngår" not in triggers.words and "krevende" not in triggers.words and "møt" not in triggers.words
    assert triggers.phrases[("tar", "imot")] == ("AID", None)
    assert "vi" in words("first_person") and "de" not in words("second_person")


def test_no_word_stands_in_two_lexicons_that_contradict_each_other():
    assert not words("first_person") & words("second_person")
    assert not words("world_regions") & words("norwegian_place_endings")
    # the tokenizer and the sentence splitter read one notion of an abbreviation ("sen." ends a sentence)
    assert not words("abbreviations") & {w.rstrip(".") for w in words("words_not_abbreviations")}
    # a trigger form is of one PLOVER type; a lemma simplemma does not know lists its forms
    types_of = {}
    known = forms_of({word.lstrip("*") for _, _, word, _ in trigger_lines() if " " not in word})
    for etype, _, word, forms in trigger_lines():
        for form in forms:
            types_of.setdefault(form, set()).add(etype)
        lemma = word.lstrip("*")
        assert " " in word or known[lemma] or forms != {lemma}, f"{word}: simplemma knows no form of it, none listed"
    assert not {form: t for form, t in types_of.items() if len(t) > 1}, "a form of two trigger types"
    lines = [(etype, mode, word) for etype, mode, word, _ in trigger_lines()]
    assert len(lines) == len(set(lines)), "a trigger line twice"
    # speech verbs: every form once, every role one the quote rules read
    verbs = [r[0] for r in rows("speech_verbs")]
    assert len(set(verbs)) == len(verbs), "a speech verb listed twice"
    assert set().union(*roles("speech_verbs").values()) <= {"cue", "at", "inf", "trailing", "bare", "names", "cites"}
    assert not words("first_person") & set(roles("speech_verbs"))
    # auxiliaries: one table of forms and roles, read for passives, "ble enige" and a count's verb
    assert set().union(*roles("auxiliaries").values()) == {"be", "become", "have", "modal", "finite"}
    assert not set(roles("auxiliaries")) & set(roles("speech_verbs"))
    # the event rules' words: every role one the rules read; a place preposition is no verb
    event_roles = roles("event_words")
    assert set().union(*event_roles.values()) == {"give", "money", "carry", "suffer", "travel", "not_met", "back",
                                                  "place", "where", "origin"}
    prepositions = {"place", "where", "origin"}
    assert all(not (prepositions & r and r - prepositions) for r in event_roles.values())
    assert all("place" in r for r in event_roles.values() if "origin" in r)
    # a demonym names one country
    forms = [w for _, *columns in rows("demonyms") for column in columns for w in column.split() if w != "-"]
    assert len(forms) == len(set(forms)), "a demonym listed twice"


def test_a_report_verb_of_the_lexicon_opens_reported_speech():
    rec = record("Finanspolitisk talsmann Per Olaf Lundteigen forkynte under landsmøtet at partiet må føre en "
                 "mer fremtidsrettet næringspolitikk.", published="2009-07-31")
    names = {e.id: e.name for e in rec.entities}
    [said] = rec.quotes
    assert names.get(said.speaker) == "Per Olaf Lundteigen" and said.text.startswith("partiet må føre")


def test_local_places_the_gazetteer_lacks_lie_in_norway():
    rec = record("Brannen startet på en gård ved Lussefjorden i Vestby tirsdag. Beboerne på Hølen ble evakuert, "
                 "og veien over Skjørsåsen er stengt. Gjesvær kommune sendte mannskap.")
    links = {e.name: e.links.iso3166 for e in rec.entities}
    assert links.get("Lussefjorden") == "NO"


def test_world_regions_and_places_in_a_foreign_story_get_no_home_country():
    rec = record("Flyktningene kom over Middelhavet fra Libya. Mange av dem har reist gjennom Midtøsten.")
    links = {e.name: e.links.iso3166 for e in rec.entities}
    assert links.get("Middelhavet") is None and links.get("Midtøsten") is None


def test_sub_headings_bunched_under_the_title_are_headings():
    rec = record("Ny bru over fjorden\n\nLang kø.\n\nTo alternativer.\n\nFylket vedtok tirsdag å bygge en ny bru "
                 "over fjorden, etter flere år med kø og klager fra pendlerne.\n\nDet var trist.")
    headings = [h.text for h in rec.headings]
    assert headings == ["Ny bru over fjorden", "Lang kø", "To alternativer"]  # not the body's short "Det var trist."


def test_an_event_without_a_place_in_its_sentence_takes_the_place_the_article_is_about():
    rec = record("Tusenvis demonstrerte i Santiago torsdag. Politiet i Santiago anslo 50.000 deltakere.\n\n"
                 "Fagforeningene krever nå høyere lønn.")
    names = {e.id: e.name for e in rec.entities}
    demand = next(v for v in rec.events if v.text == "krever")
    assert names[demand.location] == "Santiago" and demand.location_inferred
    said = next(v for v in rec.events if v.text == "demonstrerte")
    assert names[said.location] == "Santiago" and not said.location_inferred


def test_an_event_aimed_at_another_place_does_not_take_the_article_s_place():
    rec = record("Sverige gir 300 millioner kroner til flyktninger i Sverige, opplyste regjeringen.\n\n"
                 "Sverige gir også 50 millioner kroner til Jemen.")
    names = {e.id: e.name for e in rec.entities}
    aid = next(v for v in rec.events if v.type == "AID" and "Jemen" in [names[t] for t in v.targets])
    assert aid.location is None or names[aid.location] != "Sverige"


def test_a_paragraph_opened_by_a_dash_ends_its_quote_at_the_cue_sentence():
    rec = record("- Vi må bygge flere boliger, sier ordfører Eva Lid. Kommunen har 40 ledige tomter.")
    assert speaker_names(rec)[0] == ("Vi må bygge flere boliger", True, "Eva Lid")
    assert not any("tomter" in text for text, _, _ in speaker_names(rec))


def test_straight_double_quotes_and_a_cue_in_a_relative_clause():
    rec = record('Forslaget ble kalt "et dårlig kompromiss", sa Jon Berge. Angrepet på regjeringen for å '
                 '«svikte distriktene», som Liv Haug sa til NRK, fikk svar.')
    quotes = speaker_names(rec)
    assert ("et dårlig kompromiss", True, "Jon Berge") in quotes
    assert ("svikte distriktene", True, "Liv Haug") in quotes


def test_a_village_ner_calls_a_person_is_a_place_after_place_prepositions():
    rec = record("Vegen frå Eikjeberg til Hornnes blir stengd. Bussen til Hornnes køyrer ikkje, seier Kari Lid.",
                 published="2024-03-14")
    types = {e.name: e.type for e in rec.entities}
    assert types.get("Kari Lid") == "PER"
    assert all(types.get(name) in (None, "LOC", "GPE") for name in ("Eikjeberg", "Hornnes"))


def test_a_verb_that_spells_a_demonym_names_no_country():
    rec = record("Det må vere mogleg å finne ein betre stad for anlegget, seier ordføraren.")
    assert not [e for e in rec.entities if e.links.iso3166 == "FI"]


def test_titles_before_a_name_are_no_part_of_it():
    rec = record("Konsul Carl Thomas Berntsen overrekte prisen laurdag.")
    assert "Carl Thomas Berntsen" in [e.name for e in rec.entities]


def test_after_meetings_with_someone_is_news_after_the_attack_is_not():
    rec = record("Statsministeren uttalte seg etter møter med fagforeningene i Oslo tirsdag.")
    assert [v.type for v in rec.events] == ["CONSULT"]  # indefinite, with whom: meetings not told before
    assert not any(t == "ASSAULT" for t, _ in events("Etter angrepet sa ministeren at landet står samlet."))


def test_saying_no_asking_someone_to_act_and_going_in_for_something():
    assert ("REJECT", "nei til") in events("Venstre har sagt nei til den nye motorvegen.")
    rec = record("Russland la ned veto mot resolusjonen i Sikkerhetsrådet torsdag.")
    veto = next(v for v in rec.events if v.type == "REJECT")  # "legge ned veto": to reject
    assert veto.text == "veto" and [e.name for e in rec.entities if e.id in veto.actors] == ["Russland"]
    assert not any(t == "REJECT" for t, _ in events("Landene har vetorett i Sikkerhetsrådet."))
    assert ("REQUEST", "ba") in events("I spørretimen ba Kari Nilsen statsministeren svare på kritikken.")
    assert not any(t == "REQUEST" for t, _ in events("De ba en stille bønn i kirken."))
    assert ("SUPPORT", "gjekk inn") in events("Fleirtalet i kommunestyret gjekk inn for forslaget frå Sp.")
    backing = record("Høyre stilte seg fullt ut bak planen til regjeringen onsdag.")
    [support] = [v for v in backing.events if v.type == "SUPPORT"]  # "stille seg bak": to back
    assert support.text == "stilte seg fullt ut bak" and [e.name for e in backing.entities
                                                          if e.id in support.actors] == ["Høyre"]
    for text in ("Hun stilte seg foran bilen.", "Han gjemte seg bak døra.", "Hun stilte seg opp, bak stod de andre."):
        assert not any(t == "SUPPORT" for t, _ in events(text)), text
    assert not any(t == "RETREAT" for t, _ in events("Hun gikk av med pensjon i 1988."))


def test_a_title_then_the_name_in_apposition_speaks():
    rec = record("- Dette er eit urovekkjande mønster, seier leiaren i Naturvernforbundet i Voss, Oddvar Lid. "
                 "- Vi må jobbe for ein ny grunnlov, sier lederen for fagforeningen CUT, Rosa Diaz, til NRK.")
    quotes = speaker_names(rec)
    assert ("Dette er eit urovekkjande mønster", True, "Oddvar Lid") in quotes
    assert ("Vi må jobbe for ein ny grunnlov", True, "Rosa Diaz") in quotes


def test_after_a_colon_words_in_the_first_person_are_the_person_in_focus():
    rec = record("Kari Viken frå Bygstad tok eit oppgjer med fylket. Marknadsføringa verkar motsett, meiner ho:\n\n"
                 "- Eg trur vi må slutte å skjemmast over kven vi er.")
    assert ("Eg trur vi må slutte å skjemmast over kven vi er", True, "Kari Viken") in speaker_names(rec)


def test_a_cue_that_goes_on_reports_more_and_a_question_is_reported_with_om():
    rec = record("- Eg vart svært glad, sa Ingrid Lunde og la til at ho ville kome att neste år. "
                 "Han spør om folk i bygda ønskjer ein ny veg, seier Per Dahl.")
    quotes = speaker_names(rec)
    assert ("Eg vart svært glad", True, "Ingrid Lunde") in quotes
    assert ("ho ville kome att neste år", False, "Ingrid Lunde") in quotes
    assert any(text.startswith("folk i bygda ønskjer ein ny veg") for text, _, _ in quotes)


def test_a_report_that_is_a_quotation_is_one_direct_quote():
    rec = record("I et opptak sier han at «krigen vil vare lenge», sa Kari Nilsen til NRK.")
    texts = [(q.text, q.direct) for q in rec.quotes]
    assert ("krigen vil vare lenge", True) in texts and ("«krigen vil vare lenge»", False) not in texts


def test_a_relative_clause_acts_for_its_noun_and_an_s_passive_has_its_agent():
    rec = record("Statsminister Ola Berg, som har gått av, reiste til Bergen. Planen, som støttes av Sverige, "
                 "ble lagt fram tirsdag.")
    names = {e.id: e.name for e in rec.entities}
    resigned = next(v for v in rec.events if v.type == "RETREAT")
    assert [names[a] for a in resigned.actors] == ["Ola Berg"]
    support = next(v for v in rec.events if v.type == "SUPPORT")
    assert [names[a] for a in support.actors] == ["Sverige"]


def test_number_words_are_one_table_for_figures_and_durations():
    rec = record("Kommunen gir ein million kroner til skulen. Turen tok tjuge dagar. Truslene mot ordføraren held fram.")
    assert [(f.text, f.value) for f in rec.figures] == [("ein million kroner", 1_000_000)]
    assert ("tjuge dagar", "P20D") in [(t.text, t.value) for t in rec.timexes]
    assert ("THREATEN", "Truslene") in [(v.type, v.text) for v in rec.events]


def test_sen_ends_a_sentence_in_the_tokenizer_and_in_the_sentence_splitter():
    nlp = storyline.pipeline_for("nn")
    assert [s.text for s in nlp("Toget kom for sen. Passasjerane venta i to timar.").sents] == [
        "Toget kom for sen.", "Passasjerane venta i to timar."]


def test_the_outlet_a_speaker_told_it_to_is_the_quotes_via():
    rec = record("- Dette er ikke et kupp, forsikrer talsmann Ola Berg overfor fjernsynskanalen Kanal 24. "
                 "- Vi gir oss ikke, sier Kari Lie til NRK.")
    names = {e.id: e.name for e in rec.entities}
    vias = {q.text: [names[v] for v in q.via] for q in rec.quotes}
    assert vias["Dette er ikke et kupp"] == ["Kanal 24"]  # and no full stop in the outlet's name
    assert vias["Vi gir oss ikke"] == ["NRK"]


def test_a_title_holder_named_after_it_speaks_even_when_the_title_names_a_place():
    rec = record("- Dei har ikkje ryggrad, seier leiaren i Naturvernforbundet i Indre Fjordane, Oddvar Lid.")
    assert speaker_names(rec)[0] == ("Dei har ikkje ryggrad", True, "Oddvar Lid")


def test_a_sub_heading_run_into_a_quote_in_the_first_person_still_opens_it():
    rec = record("- Vi må stanse deponiet, seier Kari Lid. Utan tillit - Dette fortel meg at vi ikkje kan stole "
                 "på tilsynet.")
    quotes = speaker_names(rec)
    assert ("Dette fortel meg at vi ikkje kan stole på tilsynet", True, "Kari Lid") in [
        (t.rstrip("."), d, s) for t, d, s in quotes]


def test_a_first_name_alone_is_the_one_person_who_has_it():
    rec = record("Kalven til Berit Hårklau overlevde. - Han er sterk, seier Berit. Per Olsen og Per Dahl var der.")
    names = [e.name for e in rec.entities if e.type == "PER"]
    assert "Berit" not in names and "Berit Hårklau" in names
    assert speaker_names(rec)[0] == ("Han er sterk", True, "Berit Hårklau")


def test_an_undated_event_told_later_happened_on_the_day_the_lead_gives():
    # published Saturday; the lead says Thursday; the event two paragraphs on has no date of its own
    rec = record("Kommunestyret i Tinn vedtok torsdag å legge ned skolen på Atrå.\n\n"
                 "Saken har vært omstridt i mange år.\n\n"
                 "Foreldrene protesterte mot vedtaket utenfor rådhuset.", published="2024-03-16")
    protest = next(v for v in rec.events if v.type == "PROTEST")
    assert protest.date == "2024-03-14"
    # a lead that looks back months gives no day to the rest: the publication date stands
    old = record("Kommunestyret i Tinn vedtok 12. januar å legge ned skolen på Atrå.\n\n"
                 "Foreldrene protesterte mot vedtaket utenfor rådhuset.", published="2024-03-16")
    assert next(v for v in old.events if v.type == "PROTEST").date == "2024-03-16"


def test_a_participle_joined_to_a_passive_is_passive_too():
    rec = record("Euna Lee og Laura Ling ble arrestert 17. mars, og tiltalt for å ulovlig ha krysset grensen "
                 "til Nord-Korea.", published="2009-08-05")
    names = {e.id: e.name for e in rec.entities}
    charged = next(v for v in rec.events if v.text == "tiltalt")
    assert [names[t] for t in charged.targets] == ["Euna Lee", "Laura Ling"] and not charged.actors


def test_who_comes_after_the_verb_but_not_after_a_place_preposition():
    rec = record("Da de to partilederne møttes i NRK i går kveld, var tonen saklig.", published="2009-09-11")
    names = {e.id: e.name for e in rec.entities}
    met = next(v for v in rec.events if v.type == "CONSULT")
    assert "NRK" not in [names[a] for a in met.actors]


def test_a_name_shaped_like_a_norwegian_landscape_is_a_place_not_an_organisation():
    from storyline.nlp.entities import _places_named_as_others
    from storyline.record.model import Entity, Links, Mention

    def ent(name, type):
        return Entity(id=name, type=type, name=name, links=Links(),
                      mentions=[Mention(start=0, end=len(name), text=name, label=type)])

    nlp = storyline.load()
    doc = nlp.make_doc("Tafjordfjella")
    ents = [ent("Tafjordfjella", "ORG"), ent("Statnett", "ORG"), ent("Haugen", "PER")]
    _places_named_as_others(doc, ents)
    assert [e.type for e in ents] == ["LOC", "ORG", "PER"]


def test_a_one_word_person_in_a_list_of_places_is_a_place():
    from storyline.nlp.entities import _places_named_as_others
    from storyline.record.model import Entity, Links, Mention

    text = ("Dei vil ha veg mellom Skarvik og Ørnøy, og hytter i Lia, Bråtet og Kvernvik. "
            "Ordføraren og Torvund var samde, sa Hamre og Ola Lid. Dei bur i Oslo. Nilsen og Haug kom.")
    doc = storyline.load().make_doc(text)

    def person(name, *nth):  # the name as NER took it: a person, at its nth occurrences
        at = [i for i in range(len(text)) if text.startswith(name, i)]
        return Entity(id=name, type="PER", name=name, links=Links(),
                      mentions=[Mention(start=at[k], end=at[k] + len(name), text=name, label="PER") for k in nth])

    ents = [person("Ørnøy", 0), person("Bråtet", 0), person("Kvernvik", 0), person("Torvund", 0), person("Hamre", 0),
            person("Haug", 0)]
    _places_named_as_others(doc, ents)
    assert [e.type for e in ents] == ["LOC", "LOC", "LOC", "PER", "PER", "PER"]


def test_the_one_asked_after_the_verb_is_the_target_not_the_actor():
    rec = record("Nabolandene har lagt planer for en felles innsats og har bedt Nato godkjenne planene.",
                 published="2012-12-11")
    names = {e.id: e.name for e in rec.entities}
    asked = next(v for v in rec.events if v.text == "bedt")
    assert [names[t] for t in asked.targets] == ["Nato"] and not asked.actors



def test_a_sentence_run_on_from_a_lost_line_break_is_its_own():
    from storyline.nlp.structure import split_sentences

    text = "Han vant i fjor. Ble beskyldt for doping Han var aktiv i mange år. Men Det hvite hus sa nei."
    assert [text[a:b] for a, b in split_sentences(text, 0, len(text))] == [
        "Han vant i fjor.", "Ble beskyldt for doping", "Han var aktiv i mange år.", "Men Det hvite hus sa nei."]


def test_reported_speech_after_a_dashed_sub_heading_is_found():
    text = ("Kari Nordbø frå Førde tok eit oppgjer med fylket i debatten fredag. - Vi må tenkje nytt, sa Nordbø. "
            "- Fullt av nissar Ho meiner det er eit stort problem at unge folk flyttar frå fylket.")
    rec = record(text, published="2010-01-18")
    names = {e.id: e.name for e in rec.entities}
    said = next(q for q in rec.quotes if "stort problem" in q.text)
    assert not said.direct and names.get(said.speaker) == "Kari Nordbø" and "nissar" not in said.text



def named_event(rec, etype):
    names = {e.id: e.name for e in rec.entities}
    [event] = [v for v in rec.events if v.type == etype]
    return event.text, [names[a] for a in event.actors], [names[t] for t in event.targets]


def test_an_attack_on_a_party_is_criticism_and_an_attack_on_a_city_is_violence():
    rec = record("Frp angriper Arbeiderpartiet for skattepolitikken.")
    assert named_event(rec, "ACCUSE") == ("angriper", ["Fremskrittspartiet"], ["Arbeiderpartiet"])
    assert not any(v.type == "ASSAULT" for v in rec.events)
    assert ("ACCUSE", "Angrepet") in events("Angrepet på Venstre for å svikte bøndene var hardt.")
    assert ("ASSAULT", "angrep") in events("Russiske styrker angrep Kyiv natt til fredag.")
    assert ("ASSAULT", "angrep") in events("To menn angrep en drosjesjåfør i Bergen natt til søndag.")


def test_sharpening_the_tone_toward_someone_criticises_them():
    rec = record("Siv Jensen har de siste dagene skjerpet tonen overfor Høyre.")
    assert named_event(rec, "ACCUSE") == ("skjerpet tonen", ["Siv Jensen"], ["Høyre"])
    assert ("ACCUSE", "skjerpar tonen") in events("Ordføraren skjerpar tonen mot Statens vegvesen.")
    assert not any(t == "ACCUSE" for t, _ in events("Hun skjerpet blikket og tonen ble lys."))


def test_words_of_praise_to_someone_support_them_but_a_convict_is_no_event():
    rec = record("I talen sin kom konsul Per Carlsen med rosende ord til Ellen Nord og Dag Vik.")
    assert named_event(rec, "SUPPORT") == ("rosende", ["Per Carlsen"], ["Ellen Nord", "Dag Vik"])
    assert ("SUPPORT", "rosande") in events("Ordføraren hadde berre rosande ord til Kari Lie.")
    assert not any(t == "COERCE" for t, _ in events("Den dømte mannen anket saken."))


def test_inhabitants_named_by_their_country_act_for_it():
    rec = record("Hundretusenvis av chilenere demonstrerer mot regjeringen i Santiago.")
    assert named_event(rec, "PROTEST")[1] == ["Chile"]
    rec = record("Tusenvis av egyptere protesterte mot presidenten fredag.")
    assert named_event(rec, "PROTEST")[1] == ["Egypt"]
    assert not any(e.name == "Chile" for e in record("Hundretusenvis av studenter demonstrerer i byen.").entities)


def test_the_two_are_the_last_two_people_named():
    rec = record("Erna Solberg har kritisert Siv Jensen i flere uker. Da de to møttes i NRK i går kveld, var tonen saklig.")
    assert sorted(named_event(rec, "CONSULT")[1]) == ["Erna Solberg", "Siv Jensen"]
    rec = record("Erna Solberg talte i Bergen. Da de to møttes i går, var tonen saklig.")
    assert named_event(rec, "CONSULT")[1] == []  # one person named: "de to" is no one we know


def test_a_complaint_from_someone_is_theirs():
    rec = record("Torsdag handsama kommunestyret ei klage frå åleineforsørgjar Gunnhild Wik på eit vedtak.")
    assert named_event(rec, "ACCUSE")[1] == ["Gunnhild Wik"]
    rec = record("Regjeringen fikk kritikk fra Høyre for budsjettet.")
    assert named_event(rec, "ACCUSE")[1] == ["Høyre"]


def test_a_state_action_in_the_passive_is_done_by_the_country_where_it_happened():
    rec = record("To amerikanske journalister ble arrestert i Nord-Korea i mars. Nord-Korea er et lukket land.")
    assert named_event(rec, "COERCE")[1] == ["Nord-Korea"]
    rec = record("En 30-åring ble pågrepet i Bergen natt til søndag.")
    assert named_event(rec, "COERCE")[1] == []  # no country named: no actor made up
    rec = record("Demonstranter ble skadet i Kairo i Egypt fredag.")
    assert all(not v.actors for v in rec.events)  # not a state's act: no actor from the place


def test_a_hyphenated_title_after_a_prefix_names_no_organisation():
    rec = record("Eks-presidenten brukte under ett døgn. Høyre-leder Erna Solberg svarte.")
    assert [e.name for e in rec.entities] == ["Høyre", "Erna Solberg"]


def test_every_multiplier_of_the_table_multiplies_abbreviated_or_not():
    for text, value in (("Kommunen får 5 mill. kroner i år.", 5e6), ("Kommunen får 5 mill kroner i år.", 5e6),
                        ("Staten gir 2 mrd. kroner.", 2e9), ("Fylket får ein million kroner.", 1e6)):
        assert [(f.value, f.unit) for f in record(text).figures] == [(value, "kroner")], text


def test_a_definite_title_in_an_event_is_the_person_named_before_with_it():
    rec = record("Statsminister Jens Stoltenberg la fram budsjettet. Senere kritiserte Siv Jensen statsministeren "
                 "for budsjettet.")
    assert named_event(rec, "ACCUSE") == ("kritiserte", ["Siv Jensen"], ["Jens Stoltenberg"])
    rec = record("Siv Jensen kritiserte statsministeren for budsjettet.")
    assert named_event(rec, "ACCUSE")[2] == []  # no one named with the title before: no target made up


def test_a_day_said_inside_a_quote_is_not_the_day_of_the_events_told_around_it():
    rec = record("Kommunestyret møttes torsdag. - I dag skal vi vurdere klagen på nytt, sa ordfører Kari Dahl. "
                 "Flertallet avviste klagen fra Per Lie.", published="2009-06-20")
    assert [(v.type, v.date) for v in rec.events] == [("CONSULT", "2009-06-18"), ("REJECT", "2009-06-18")]


def test_a_speech_verb_of_several_words_may_have_its_subject_inside():
    rec = record("I talen sin la konsul Per Carlsen vekt på at de to ildsjelene har bygd opp et kultursenter.")
    assert speaker_names(rec) == [("de to ildsjelene har bygd opp et kultursenter", False, "Per Carlsen")]
    rec = record("Kari Holm var tidlig ute med å annonsere at hele partiet ville støtte forslaget.")
    assert speaker_names(rec) == [("hele partiet ville støtte forslaget", False, "Kari Holm")]
    assert record("Per Lie la boka på bordet at kvelden.").quotes == []  # "la … på" is no "la vekt på"


def test_an_invitation_with_no_one_named_is_no_event():
    assert not any(t == "CONSULT" for t, _ in events("Innbydelsen kom overraskende på mange i byen."))
    rec = record("Statsminister Jonas Gahr Støre har invitert president Emmanuel Macron til Oslo.")
    assert named_event(rec, "CONSULT")[1:] == (["Jonas Gahr Støre"], ["Emmanuel Macron"])


def test_a_name_with_particles_tagged_as_an_organisation_is_a_person():
    rec = record("Statsminister Jonas Gahr Støre har invitert Ursula von der Leyen til Oslo.")
    assert [(e.name, e.type) for e in rec.entities if e.name.startswith("Ursula")] == [("Ursula von der Leyen", "PER")]


def test_sending_in_is_mobilising_only_when_forces_are_sent():
    assert ("MOBILIZE", "satte inn") in events("Politiet satte inn ekstra mannskaper natt til søndag.")
    assert ("MOBILIZE", "satt inn") in events("I starten ble to helikoptre satt inn i søket.")
    for text in ("Ved å sette inn glassbyggerstein slipper lyset inn.", "Han satte inn pengene i banken.",
                 "Treneren forteller hvilke spillere du burde sette inn."):
        assert not any(t == "MOBILIZE" for t, _ in events(text)), text


def test_quotes_figures_and_events_read_one_notion_of_ifolge():
    """"ifølge", "ifølgje", "iflg." (lexicon/according_to.txt) name a source for every kind of fact."""
    rec = record("Over 300 personer ble evakuert fra Lillevik, iflg. Røde Kors.")
    names = {e.id: e.name for e in rec.entities}
    assert [(f.text, names.get(f.source)) for f in rec.figures] == [("Over 300 personer", "Røde Kors")]
    assert [(v.type, names.get(v.source)) for v in rec.events] == [("RETREAT", "Røde Kors")]
    # past a contrast clause the source no longer reaches
    rec = record("Over 300 personer ble evakuert fra Lillevik, ifølge Røde Kors, men kommunen sier at 200 ble evakuert.")
    names = {e.id: e.name for e in rec.entities}
    assert [(f.text, names.get(f.source)) for f in rec.figures][-1] == ("200", None)


def test_a_cue_of_several_words_takes_its_subject_between_them():
    # Norwegian puts the subject after the verb in a cue after a quote: "la han til", not "la til han"
    rec = record("Styret møttes i går. – Vi må kutte i budsjettet, la Anders Rønning til. "
                 "– Ingen skal miste jobben, gjorde hun oppmerksom på. Møtet varte i to timer.")
    quotes = speaker_names(rec)
    assert ("Vi må kutte i budsjettet", True, "Anders Rønning") in quotes
    assert ("Ingen skal miste jobben", True, "Anders Rønning") in quotes  # "hun" is the one in focus
    assert {q.cue for q in rec.quotes} == {"la til", "gjorde oppmerksom på"}
    assert not any("Møtet varte" in text for text, _, _ in quotes)


def test_reported_speech_opened_by_a_phrase_and_its_cue_is_the_phrase():
    rec = record("Fylkesordfører Tone Lien har gjort det klart at fylket ikke vil betale mer. "
                 "Lensmann Odd Haug ga uttrykk for at saken var løst. "
                 "Naturvernforbundet har ingen tro på at utslippene går ned.")
    quotes = {text: (cue, name) for (text, _, name), cue in zip(speaker_names(rec), (q.cue for q in rec.quotes),
                                                                 strict=True)}
    assert quotes["fylket ikke vil betale mer"] == ("gjort det klart", "Tone Lien")
    assert quotes["saken var løst"] == ("ga uttrykk for", "Odd Haug")
    assert quotes["utslippene går ned"] == ("har tro på", "Naturvernforbundet")


def test_a_long_subject_between_the_verb_and_at_counts_its_name_as_no_words():
    rec = record("I går forkynte fagforbundets nyvalgte nestleder i Trøndelag, Hanne Marie Berg, at streiken "
                 "trappes opp.")
    assert speaker_names(rec) == [("streiken trappes opp", False, "Hanne Marie Berg")]
    # other words still count: an "at" eight words on belongs to another clause ("slik at")
    rec = record("Ordføreren sa ja til forslaget om ny skole i bygda etter et langt møte, slik at arbeidet kan starte.")
    assert rec.quotes == []


def test_a_sentence_with_mener_after_it_is_the_opinion_of_whom_it_names():
    rec = record("Det nye bygget er altfor høyt for sentrum, mener Byantikvaren i Bergen.")
    assert speaker_names(rec) == [("Det nye bygget er altfor høyt for sentrum", False, "Byantikvaren")]
    rec = record("Det nye bygget er altfor høyt for sentrum, mener jeg.")
    assert rec.quotes == []


def test_a_report_ends_at_a_contrast_only_where_a_clause_of_its_own_follows():
    rec = record("Bøndene krever at avgiften kuttes, men regjeringen avviste kravet i går. "
                 "Rådmannen understreker at møtet ikke er et vedtak, men en samtale.")
    texts = [q.text for q in rec.quotes]
    assert "avgiften kuttes" in texts
    assert "møtet ikke er et vedtak, men en samtale" in texts  # no verb after "men": the report goes on


def test_a_report_in_a_da_clause_ends_where_the_main_clause_begins():
    rec = record("Da ordføreren sa at alle skolene skal legges ned, reiste Per Hansen seg og gikk.")
    assert [q.text for q in rec.quotes] == ["alle skolene skal legges ned"]
    # a clause inside the report keeps it whole when the speech verb opens the sentence
    rec = record("Ordføreren sa at dersom staten ikke betaler, må skolen stenge.")
    assert [q.text for q in rec.quotes] == ["dersom staten ikke betaler, må skolen stenge"]


def test_a_first_person_dash_line_without_a_cue_is_the_person_in_focus_speaking():
    rec = record("Bonden Ola Wik har klaga på vedtaket. Saka går no til Fylkesmannen. "
                 "- Blir det eit nei, flyttar eg frå bygda.")
    assert speaker_names(rec) == [("Blir det eit nei, flyttar eg frå bygda", True, "Ola Wik")]
    # a dash line in nobody's first person stays narrative
    rec = record("Bonden Ola Wik har klaga på vedtaket. - Saka går no til Fylkesmannen.")
    assert rec.quotes == []


def test_a_dash_quote_inside_a_sentence_is_not_reported_again_by_its_cue():
    # an earlier report in the text, then narrative with a colon and a dash quote in one sentence
    rec = record("Ordfører Kari Lie sa at budsjettet holder. Men hun vil ikke kritisere rådmannen Per Dahl: "
                 "- Selvsagt stoler jeg på ham, sa hun etter møtet.")
    assert [(q.text, q.direct) for q in rec.quotes] == [("budsjettet holder", False),
                                                        ("Selvsagt stoler jeg på ham", True)]


def test_verbs_of_manner_attribute_a_dash_quote():
    rec = record("– Dette er helt feil, freste Liv Hauge. – Vi vant, jublet trener Ola Moe. "
                 "– Vi var heldige, humret Moe.")
    assert [(text, name) for text, _, name in speaker_names(rec)] == [
        ("Dette er helt feil", "Liv Hauge"), ("Vi vant", "Ola Moe"), ("Vi var heldige", "Ola Moe")]
    # praise and criticism are no speech verbs: "kritiserte X for at …" reports no words
    rec = record("Ordføreren kritiserte Bane Nor for at selskapet ikke har sikret jernbanen bedre.")
    assert rec.quotes == []


def entity_types(rec):
    return {e.name: e.type for e in rec.entities}


def test_a_sentence_opened_by_man_names_no_isle_of_man():
    rec = record("Man kan nå følge kampene i mye større detalj enn før. Man må likevel betale for det.")
    assert "Man" not in entity_types(rec)


def test_a_surname_that_is_also_a_county_is_the_person_named_in_full():
    rec = record("Skribenten Anne Viken frå Bygstad gjekk hardt ut i debatten om fylket fredag kveld. "
                 "Viken meiner fylket må gjere noko med fråflyttinga. Sjølv bur ho ikkje lenger i Viken.")
    types = entity_types(rec)
    assert types["Anne Viken"] == "PER"
    assert [m.text for e in rec.entities if e.name == "Anne Viken" for m in e.mentions] == ["Anne Viken", "Viken"]
    assert types["Viken"] == "GPE"  # "i Viken": the county, under its own name


def test_organisations_named_by_how_their_name_ends():
    rec = record("Vegen er for smal for tungtrafikken, meiner Austbygda Bondelag og Nordre Grendelag. "
                 "Bergensavisen har skrive om saka fleire gonger.")
    types = entity_types(rec)
    assert types["Austbygda Bondelag"] == types["Nordre Grendelag"] == "ORG"
    assert types["Bergensavisen"] == "ORG"


def events_of(rec):
    names = {e.id: e.name for e in rec.entities}
    return [(v.type, v.text, [names[a] for a in v.actors], [names[t] for t in v.targets]) for v in rec.events]


def test_approving_welcoming_and_allowing_are_events():
    rec = record("Alle medlemslandene i NATO har godkjent Finland som nytt medlem. "
                 "Tidligere i sommer tillot Iran de to fangene å ringe hjem.")
    assert events_of(rec) == [("AGREE", "godkjent", ["NATO"], ["Finland"]), ("CONCEDE", "tillot", ["Iran"], [])]
    rec = record("Statsministeren ønsket de nye medlemslandene velkommen. Sverige ble ønsket velkommen av NATO.")
    assert [(t, w) for t, w, _, _ in events_of(rec)] == [("SUPPORT", "ønsket velkommen")]  # a phrase of these words only


def test_the_place_of_a_fight_between_two_sides_is_none_of_them():
    rec = record("Det kom til sammenstøt mellom demonstranter og politi i Santiago.")
    assert events_of(rec) == [("ASSAULT", "sammenstøt", [], [])]
    assert {e.id: e.name for e in rec.entities}[rec.events[0].location] == "Santiago"


def test_a_person_a_quote_speaks_of_is_not_the_pronoun_that_attributes_it():
    rec = record("Ordføraren Kari Wik la fram saka. Representanten Astrid Nordal var ikkje samd.\n\n"
                 "– Eg synest det har kome nye moment. Wik har jobba godt med saka, sa ho.")
    assert speaker_names(rec) == [("Eg synest det har kome nye moment. Wik har jobba godt med saka", True,
                                   "Astrid Nordal")]


def test_a_us_state_is_not_a_town_abroad_with_its_name_and_man_is_no_island():
    rec = record("Svindal vant utforrennet i Colorado lørdag. – Man skal ikke si at det er umulig, sa han.")
    places = {e.name: e.links.iso3166 for e in rec.entities if e.type in ("GPE", "LOC")}
    assert places == {"Colorado": "US"}


def test_a_note_after_a_name_is_no_part_of_it():
    rec = record("– To legender (Hermann Maier og Michael Walchhofer journ.anm.) står bak ham, sa faren til NRK.")
    assert "Michael Walchhofer" in entity_types(rec)


def test_a_plural_or_definite_noun_opening_a_sentence_is_no_person():
    rec = record("Journalister som forhandlingskort. Grovavfallsplassen ved riksvegen har blitt til ein felles "
                 "avfallsplass for heile bygda, seier Kari Nes.")
    assert entity_types(rec) == {"Kari Nes": "PER"}


def test_words_in_quotation_marks_without_a_cue_are_a_quote_of_the_sentence_s_subject():
    rec = record("Statsminister Anne Lie har tydd til det gamle grepet «hvorfor skal vi ha en plan B når "
                 "de andre ikke har en plan A?».")
    assert speaker_names(rec) == [("hvorfor skal vi ha en plan B når de andre ikke har en plan A?", True,
                                   "Anne Lie")]
    rec = record('Hun syntes også dårlig om at "nasjonalsymbolet vårt ble misbrukt".')
    assert [(q.text, q.direct) for q in rec.quotes] == [("nasjonalsymbolet vårt ble misbrukt", True)]


def test_a_title_in_quotation_marks_is_no_quote():
    rec = record("Bandet slapp albumet «Annleis enn i går» i fjor. Filmen «Et folkeeventyr fra vest» "
                 "går på kino. Publikum sang med på «Have You Ever Seen The Rain» og «Close to the edge». "
                 "Spillet «Need for Speed: ProStreet» kom i fjor.")
    assert rec.quotes == []


def test_a_dash_quote_without_a_cue_ends_where_the_narrative_reports_in_the_third_person():
    rec = record("Debattanten Anne Lie gjekk hardt ut mot fylket.\n\n- Eg trur fylket gjer ein dårleg jobb. "
                 "Folk flyttar herfrå. Ho sa at avisene heller ikkje speglar det som skjer.")
    quotes = speaker_names(rec)
    assert ("Eg trur fylket gjer ein dårleg jobb. Folk flyttar herfrå", True, "Anne Lie") in quotes
    assert ("avisene heller ikkje speglar det som skjer", False, "Anne Lie") in quotes


def test_a_surname_alone_is_the_person_first_named_with_it_even_where_ner_calls_it_a_place():
    rec = record("Tidligere president Bill Clinton landet tirsdag i Pyongyang. Kona Hillary Clinton er "
                 "utenriksminister. Clinton møtte Kim Jong-il i to timer.")
    people = {e.name: e for e in rec.entities if e.type == "PER"}
    assert {"Bill Clinton", "Hillary Clinton", "Kim Jong-il"} <= set(people), people
    assert not [e for e in rec.entities if e.name == "Clinton"]
    assert "Clinton" in {m.text for m in people["Bill Clinton"].mentions}
    [meeting] = [ev for ev in rec.events if ev.type == "CONSULT"]
    assert meeting.actors[0] == people["Bill Clinton"].id


def test_family_words_before_a_name_are_no_part_of_it():
    rec = record("Pappa Bjørn Svindal var fornøyd etter rennet. Han fikk besøk av kona Anne Svindal.")
    people = {e.name for e in rec.entities if e.type == "PER"}
    assert {"Bjørn Svindal", "Anne Svindal"} <= people and not {"Pappa Bjørn Svindal", "kona Anne Svindal"} & people


def test_a_name_after_a_persons_title_is_a_person_whatever_place_shares_it():
    rec = record("Statsminister Jonas Gahr Støre møtte president Macron i Paris. Han hadde med seg en melding "
                 "fra president Obama.")
    types = {e.name: e.type for e in rec.entities}
    assert types.get("Macron") == "PER" and types.get("Obama") == "PER", types  # not Obama, Fukui
    assert types.get("Paris") == "GPE", types  # a city's own name is no genitive ("Pari")


def test_a_first_word_ner_calls_a_person_alone_is_the_one_named_in_full_with_it():
    rec = record("Clinton møtte den nordkoreanske lederen Kim Jong-il i Pyongyang. Etter møtet sa Kim at "
                 "journalistene var fri.")
    people = [e for e in rec.entities if e.type == "PER"]
    kim = next(e for e in people if e.name == "Kim Jong-il")
    assert "Kim" not in {e.name for e in rec.entities} and "Kim" in {m.text for m in kim.mentions}


def test_an_article_of_another_language_opens_the_name_it_stands_before():
    rec = record("Ukemagasinet Der Spiegel inviterte tre studenter til Berlin. Han sa det i et intervju med "
                 "ukeavisen Die Zeit.")
    orgs = {e.name for e in rec.entities if e.type == "ORG"}
    assert {"Der Spiegel", "Die Zeit"} <= orgs and not {"Spiegel", "Zeit"} & orgs, orgs


def test_an_acronym_is_the_organisation_whose_name_it_spells():
    from storyline.nlp.entities import spells

    assert spells("SFT", "Statens Forureiningstilsyn") and spells("SSB", "Statistisk sentralbyrå")
    assert spells("NVE", "Norges vassdrags- og energidirektorat")
    assert not spells("SFT", "Statens vegvesen") and not spells("NAV", "Norges Bank")
    rec = record("Naturvernforbundet har ikke tro på at Statens Forureiningstilsyn vil stanse deponiet. "
                 "Fra SFT kommer det aldri et nei, sier lederen.")
    [sft] = [e for e in rec.entities if "SFT" in {m.text for m in e.mentions}]
    assert "Statens Forureiningstilsyn" in {m.text for m in sft.mentions}


def test_the_medium_after_a_speakers_name_is_no_part_of_it():
    rec = record("Aksel Lund Svindal er klar for rennet. – Jeg skal i hvert fall prøve, lover Svindal "
                 "Dagbladet.no. – Det går bra, sier han til VG.no.")
    types = {e.name: e.type for e in rec.entities}
    assert types == {"Aksel Lund Svindal": "PER", "Dagbladet.no": "ORG", "VG.no": "ORG"}, types
    assert [who for _, _, who in speaker_names(rec)] == ["Aksel Lund Svindal", "Aksel Lund Svindal"]


def test_an_aside_between_a_speech_verb_and_at_is_skipped():
    rec = record("Finansminister Kari Holm møtte pressen tirsdag. Hun har sagt, slik hun også gjorde i "
                 "Stortinget i fjor, at skatten ikke skal øke neste år.")
    assert ("skatten ikke skal øke neste år", False, "Kari Holm") in speaker_names(rec), speaker_names(rec)


def test_det_bekreftet_reaches_across_a_pictures_caption():
    text = ("Brannen i Lærdal\n\nTo bustader brann ned natt til søndag, og fleire familiar vart evakuerte frå "
            "heimane sine i sentrum.\n\nRøyken låg tett over bygda i fleire timar. Foto: NTB\n\nDet stadfestar "
            "Vest politidistrikt overfor NRK. Ingen vart skadde i brannen.")
    quotes = speaker_names(record(text))
    assert any(t.startswith("To bustader brann ned") and who == "Vest politidistrikt" for t, _, who in quotes), quotes
    assert not any(t.startswith("Røyken") for t, _, _ in quotes)


def test_the_definite_form_of_an_organisation_s_head_noun_is_that_organisation():
    from storyline.nlp.entities import definite_of

    assert definite_of("sikkerhetsråd", "Sikkerhetsrådet") and definite_of("kommunestyre", "Kommunestyret")
    assert definite_of("komité", "komiteen") and definite_of("nemnd", "Nemnda")
    assert not definite_of("råd", "Rådhuset") and not definite_of("styre", "Styrer")
    rec = record("FNs sikkerhetsråd møttes i New York mandag. Sikkerhetsrådet fordømmer angrepet.")
    orgs = [e for e in rec.entities if e.type == "ORG"]
    assert [(e.name, [m.text for m in e.mentions]) for e in orgs] == [
        ("FNs sikkerhetsråd", ["FNs sikkerhetsråd", "Sikkerhetsrådet"])]
