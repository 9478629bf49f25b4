"""Our own Norwegian TIMEX3 resolver, against a fixed publication date."""
from datetime import date

import pytest

from storyline.nlp.timex import find_timexes

THURSDAY = date(2022, 3, 3)


def resolve(text, ref=THURSDAY):
    return [(text[f.start:f.end], f.type, f.value) for f in find_timexes(text, ref)]


@pytest.mark.parametrize("text,expected", [
    ("Avtalen ble signert torsdag.", [("torsdag", "DATE", "2022-03-03")]),
    ("Torsdagens møte endte uten enighet.", [("Torsdagens", "DATE", "2022-03-03")]),
    ("Brannen startet mandag.", [("mandag", "DATE", "2022-02-28")]),
    ("Han kom fredag.", [("fredag", "DATE", "2022-02-25")]),
    ("Streiken startet torsdag i forrige uke.", [("torsdag i forrige uke", "DATE", "2022-02-24")]),
    ("Ministeren avviste kravet onsdag i førre veke.", [("onsdag i førre veke", "DATE", "2022-02-23")]),
    ("Anlegget skal stå ferdig hausten 2026.", [("hausten 2026", "DATE", "2026-FA")]),
    ("Valget holdes i høst, og våren 2027 kommer budsjettet.", [("i høst", "DATE", "2022-FA"),
                                                              ("våren 2027", "DATE", "2027-SP")]),
    ("Høstferien starter i morgen.", [("i morgen", "DATE", "2022-03-04")]),
    ("Byen falt onsdag kveld.", [("onsdag kveld", "TIME", "2022-03-02TEV")]),
    ("Det skjedde i går.", [("i går", "DATE", "2022-03-02")]),
    ("Det skjer i dag.", [("i dag", "DATE", "2022-03-03")]),
    ("Valget var i fjor.", [("i fjor", "DATE", "2021")]),
    ("Forslagene kommer neste uke.", [("neste uke", "DATE", "2022-W10")]),
    ("Invasjonen startet 24. februar 2022.", [("24. februar 2022", "DATE", "2022-02-24")]),
    ("Fristen er 3. mars.", [("3. mars", "DATE", "2022-03-03")]),
    ("Samtalen varte en halvannen time.", [("halvannen time", "DURATION", "PT1H30M")]),
    ("Prisene har steget den siste uka.", [("den siste uka", "DURATION", "P1W")]),
    ("Vi møtes neste fredag.", [("neste fredag", "DATE", "2022-03-04")]),
    ("Møtet starter kl. 14.30.", [("kl. 14.30", "TIME", "2022-03-03T14:30")]),
    ("Det ble bygget i 1998.", [("1998", "DATE", "1998")]),
])
def test_resolves(text, expected):
    assert resolve(text) == expected


def test_nynorsk_weekday():
    assert resolve("Det skjedde laurdag.") == [("laurdag", "DATE", "2022-02-26")]


def test_day_anchored_on_an_event_the_article_dates():
    text = "På den tredje dagen av streiken kom partene sammen. Streiken startet tirsdag."
    assert resolve(text)[0] == ("den tredje dagen av streiken", "DATE", "2022-03-03")


@pytest.mark.parametrize("text,expected", [
    ("Fabrikken stengte i oktober i fjor.", [("oktober i fjor", "DATE", "2021-10")]),
    ("Skolen åpnet i januar i år.", [("januar i år", "DATE", "2022-01")]),
    ("Byen vokste kraftig på 1970-tallet.", [("1970-tallet", "DATE", "197")]),
    ("Musikken fra 80-tallet og fra 10-tallet.", [("80-tallet", "DATE", "198"), ("10-tallet", "DATE", "201")]),
    ("Gårsdagens vedtak og årets budsjett.", [("Gårsdagens", "DATE", "2022-03-02"), ("årets", "DATE", "2022")]),
    ("Fjorårets rekord står.", [("Fjorårets", "DATE", "2021")]),
    ("Han ble dømt til seks års fengsel.", [("seks års", "DURATION", "P6Y")]),
    ("Etter tre netter på fjellet ble de funnet.", [("tre netter", "DURATION", "P3D")]),
])
def test_real_writing_dates_and_durations(text, expected):
    assert resolve(text) == expected


def test_a_prison_term_is_a_duration_and_a_figure():
    import storyline

    rec = storyline.extract("Mannen ble dømt til seks års fengsel i tingretten.", published="2022-03-03")
    assert [t.value for t in rec.timexes] == ["P6Y"] and [f.value for f in rec.figures] == [6]


def test_a_past_verb_right_after_a_weekday_keeps_it_in_the_past():
    # "blir" before it would read as the future; "vart" after it says the Sunday has been
    text = "Inntrykket blir stadfesta av tal som søndag vart presenterte i avisa."
    assert resolve(text, date(2010, 1, 18)) == [("søndag", "DATE", "2010-01-17")]
    assert resolve("Regjeringen vil legge fram planen fredag.", THURSDAY) == [("fredag", "DATE", "2022-03-04")]


def test_the_weekend_is_the_one_nearest_publication():
    from datetime import date

    from storyline.nlp.timex import find_timexes

    def found(text, ref):
        return [(text[f.start:f.end], f.value) for f in find_timexes(text, ref)]

    assert found("Før helgen sa han at partiet må bytte kurs.", date(2009, 8, 3)) == [("Før helgen", "2009-W31-WE")]
    assert found("Han var fornøyd med løpene i helgen.", date(2008, 12, 6)) == [("helgen", "2008-W49-WE")]
    assert found("Det snødde mye i helga.", date(2024, 6, 11)) == [("helga", "2024-W23-WE")]
    assert found("Regjeringen skal i helgen legge fram planen.", date(2024, 6, 11)) == [("helgen", "2024-W24-WE")]
    # a year after "enn": "mer realistisk enn 2009"
    assert found("Frp har lenge sett 2013 som mer realistisk enn 2009.", date(2009, 9, 11)) == [("2009", "2009")]


def test_a_period_with_an_adjective_or_in_the_neuter():
    from datetime import date

    from storyline.nlp.timex import find_timexes

    def found(text):
        return [(text[f.start:f.end], f.value) for f in find_timexes(text, date(2009, 8, 3))]

    assert found("De vil styre for fire nye år.") == [("fire nye år", "P4Y")]
    assert found("Etter to lange uker kom svaret.") == [("to lange uker", "P2W")]
    assert found("Han har gått gjennom mye det siste året.") == [("det siste året", "P1Y")]
    assert found("Han ble 34 år gammel.") == []  # an age
