"""Reported quantities: Norwegian numerals ("9.000", "9 000", "1,5", "én million", "halvannen",
"et titall"), their qualifiers (rundt, nærmere, over, minst, opptil, ubegrenset), the unit and
what is counted, who reports the figure and when."""
from __future__ import annotations

import re
from datetime import date

from spacy.language import Language
from spacy.tokens import Doc

from ..record.model import Figure
from .entities import mentions_between
from .lexicon import entries, forms_with, rows, table, words
from .sources import ifolge_source
from .timex import OLD, time_words
from .util import SpanIndex, paragraph_index, text_of

CARDINALS = {word: float(value) for word, value in table("number_words").items()}  # lexicon/number_words.tsv
ARTICLES = words("indefinite_articles")  # "one" only before a multiplier: "ein million kroner"
MULTIPLIERS = {word: float(factor) for word, factor in table("multipliers").items()}  # lexicon/multipliers.tsv


def _qualifiers() -> list[tuple[str, str]]:
    """lexicon/qualifiers.tsv as (an alternation of its phrases, the qualifier), in the file's order."""
    phrases: dict[str, list[str]] = {}
    for phrase, qualifier in rows("qualifiers"):
        phrases.setdefault(qualifier, []).append(re.escape(phrase))
    return [("|".join(alternatives), qualifier) for qualifier, alternatives in phrases.items()]


QUALIFIERS = _qualifiers()
_QUAL = "|".join(q for q, _ in QUALIFIERS)
_CARD = "|".join(sorted(CARDINALS, key=len, reverse=True))
_MULT = f"(?:{'|'.join(re.escape(w) for w in sorted(MULTIPLIERS, key=len, reverse=True))})"
NUMBER = (
    rf"(?P<num>\d{{1,3}}(?:[.\u00a0\u202f ]\d{{3}})+(?:,\d+)?(?!\d)|\d+(?:,\d+)?(?![^\W_])"  # not "21de"
    rf"|(?:{'|'.join(sorted(ARTICLES))})(?=\s+{_MULT}\b)"
    rf"|(?<![\w-])(?:{_CARD})(?![\w-]))"
)
FIGURE = re.compile(
    rf"(?:(?P<qual>{_QUAL})\s+)?{NUMBER}(?:\s*(?:–|-|og|til)\s*(?P<num2>\d{{1,3}}(?:[.\u00a0\u202f ]\d{{3}})+(?:,\d+)?(?!\d)"
    rf"|\d+(?:,\d+)?))?(?:\s+(?P<mult>{_MULT})\b)?"
    rf"(?:\s*(?P<pct>%|prosent|prosentpoeng))?",
    re.I,
)
# amounts without a number (lexicon/vague_amounts.tsv): phrase -> (value, qualifier)
VAGUE_VALUE = {phrase: (None if v == "-" else int(v), q) for phrase, v, q in rows("vague_amounts")}
VAGUE = re.compile(rf"\b(?P<phrase>(?P<kind>{'|'.join(VAGUE_VALUE)}))\b", re.I)
OUTCOMES = entries("outcomes")  # lexicon/outcomes.txt
# "3. plass", "28.-plass", "3. – 4. juli", "80-tallet", "40-årslag": ordinals and compounds, not counts
SKIP_AFTER = re.compile(r"^(?:\.\s+[a-zæøå]|\.\s*[-–]|\.$|-[a-zæøå])")
STOP_UNITS = words("not_units")


def parse_number(s: str) -> float | None:
    s = s.casefold().replace("\u00a0", " ").replace("\u202f", " ")
    if s in CARDINALS:
        return CARDINALS[s]
    if s in ARTICLES:
        return 1
    if re.fullmatch(r"\d{1,3}(?:[. ]\d{3})+(?:,\d+)?", s):
        s = re.sub(r"[. ](?=\d{3})", "", s)
    try:
        return float(s.replace(",", "."))
    except ValueError:
        return None


def qualifier_of(word: str | None) -> str:
    if not word:
        return "exact"
    w = " ".join(word.casefold().split())
    for rx, q in QUALIFIERS:
        if re.fullmatch(rx, w):
            return q
    return "exact"


# units of measure, which the tagger does not always call nouns ("3500 hektar" as a verb)
MEASURES = words("measures")  # lexicon/measures.txt


def _unit(doc: Doc, end_char: int, sent_end: int) -> tuple[str | None, int]:
    """The counted noun after a number: skip adjectives, determiners and "av dem"."""
    span = doc.char_span(end_char, sent_end, alignment_mode="expand")
    if span is None:
        return None, end_char
    last_adj = None
    for tok in [t for t in span if t.idx >= end_char][:5]:  # not the number's own token ("32.")
        low = tok.text.casefold()
        if tok.pos_ == "PROPN" or (tok.is_title and not tok.is_sent_start and tok.pos_ != "NOUN"):
            return None, end_char  # a name is not a unit: "1999 tar Bertelsen"
        if tok.pos_ == "NOUN" or low in MEASURES or (not tok.pos_ and tok.is_alpha and low not in STOP_UNITS):
            return tok.text, tok.idx + len(tok.text)
        if tok.pos_ in ("ADJ", "DET", "NUM") or low in ("av", "dem", "de", "egne", "sine", "deres"):
            if tok.pos_ == "ADJ":
                last_adj = tok
            continue  # "ukrainske flyktninger", "to av dem høytstående generaler"
        break
    if last_adj is not None:  # an adjective used as a noun: "30 frivillige", "fem døde"
        return last_adj.text, last_adj.idx + len(last_adj.text)
    return None, end_char


def _quote_source(quotes: SpanIndex, start: int) -> str | None:
    """The speaker of the innermost quote around a figure."""
    inside = quotes.covering(start)
    return min(inside, key=lambda q: q.end - q.start).speaker if inside else None


def _term(timex) -> bool:
    """A length in the genitive, "fem års fengsel", "to dagers leting": a duration and a figure both."""
    return timex.type == "DURATION" and timex.text.endswith("s")


@Language.component("storyline_figures", assigns=["doc._.figures"],
                    requires=["doc._.entities", "doc._.quotes"])
def figures(doc: Doc) -> Doc:
    text = text_of(doc)
    timexes = SpanIndex(doc._.timexes)
    quotes = SpanIndex(doc._.quotes)
    body = paragraph_index(doc)
    published = doc._.published
    out: list[Figure] = []
    for sent in doc.sents:
        if not body.covering(sent.start_char):
            continue
        s0, s1 = sent.start_char, sent.end_char
        found: list[tuple[int, int, float | None, float | None, str, str | None]] = []
        for m in FIGURE.finditer(text, s0, s1):
            ns, ne = m.span("num")
            if any(not _term(t) for t in timexes.covering(ns)) or SKIP_AFTER.match(text[ne:ne + 4]):
                continue
            if text[max(0, ns - 1):ns] == "(" and text[ne:ne + 1] == ")" or AGE.match(text, ne):
                continue  # ages: "Hansen (62)", "ein 34 år gammal mann"
            if re.fullmatch(r"1[89]\d\d|20\d\d", m.group("num")) and not m.group("mult") and not (
                    m.group("qual") and _unit(doc, ne, s1)[0]):
                continue  # a bare year: "1999 tok han over", not "rundt 2000 nordmenn"
            if text[ne:ne + 1] in "-–/" and text[ne + 1:ne + 2].isdigit() and not m.group("num2"):
                continue  # "1-2-3", dates like 12/3
            if re.match(r"\d", m.group("num")) is None and m.group("mult") is None and not _before_noun(doc, ne, s1):
                continue  # "to" or "tre" without a noun after it is rarely a count
            if re.match(r"-[a-zæøå]", text[m.end():m.end() + 2], re.I):
                continue  # "1-2-tap", "4-3-seieren": a score in a compound
            value = parse_number(m.group("num"))
            if value is None:
                continue
            mult = MULTIPLIERS.get((m.group("mult") or "").casefold(), 1)
            value2 = parse_number(m.group("num2")) if m.group("num2") else None
            unit = "prosent" if m.group("pct") else None
            joined_by_og = text[ne:m.start("num2")].strip() == "og" if value2 is not None else False
            if value2 is not None and (value2 <= value or re.search(r"\bfra\s+$", text[max(s0, ns - 8):ns], re.I)
                                       or joined_by_og and not re.search(r"\bmellom\s+$", text[max(s0, ns - 10):ns], re.I)):
                # "fra 53,97 til 34 prosent", "51,2 og 51,4 prosent": two figures, not a range ("mellom 2 og 3" is)
                unit, end2 = (unit, m.end()) if unit else _unit(doc, m.end(), s1)  # both count what follows
                if unit is not None:
                    found.append((m.start(), ne, value * mult, None, qualifier_of(m.group("qual")), unit))
                    found.append((m.start("num2"), end2, value2 * mult, None, "exact", unit))
                continue
            found.append((m.start(), m.end(), value * mult, value2 * mult if value2 else None,
                          qualifier_of(m.group("qual")), unit))
        for m in VAGUE.finditer(text, s0, s1):
            v, q = VAGUE_VALUE[m.group("kind").casefold()]
            found.append((m.start(), m.end(), v, None, q, None))
        for start, end, value, value_max, qual, unit in sorted(found):
            if unit is None:
                unit, end = _unit(doc, end, s1)
            what = _what(text[s0:s1])
            if unit is None and out and (RESTATED.search(text[s0:start]) or (
                    _verb_follows(doc, start, end) and start - out[-1].end < 300)):
                # "Fagforbundet mener at tallet er nærmere 700", "Politiet anslår at om lag 60 var til
                # stades": the number of what was last counted
                unit, what = out[-1].unit, what or out[-1].what
            if unit is None and qual == "exact" and value is not None and value < 1e6:
                continue  # a bare number ("fikk 25") says too little to be a reported figure
            source = (_quote_source(quotes, start) or ifolge_source(doc, s0, s1, start)
                      or survey_source(doc, s0, start) or forecaster(doc, start)
                      or survey_source(doc, end, s1, nearest_last=False))
            date_ = next((t.value for t in timexes.within(s0, s1) if t.type in ("DATE", "TIME")),
                         published.isoformat() if isinstance(published, date) else published)
            about = _about(doc, start, end)
            if value is not None and float(value).is_integer():
                value = int(value)
            out.append(Figure(id=f"f{len(out) + 1}", start=start, end=end, text=text[start:end], value=value,
                              value_max=value_max, qualifier=qual, unit=unit, what=what, about=about,
                              source=source, date=date_))
    doc._.figures = out
    return doc


# a closed class, listed: the tagger also calls an unknown plural noun AUX ("5.200 fotballkamper")
AUXILIARIES = frozenset(forms_with("auxiliaries", "finite"))  # lexicon/auxiliaries.tsv


def _verb_follows(doc: Doc, start_char: int, end_char: int) -> bool:
    """A number used as a noun, the subject of a verb: "om lag 60 var til stades", "rundt 500 møtte
    opp". Not a name's number ("S&P 500 er", "Formel 1 var"), nor a noun the tagger took for a
    verb in the present ("5.200 fotballkamper"): an auxiliary or a verb in the past."""
    span = doc.char_span(end_char, min(end_char + 40, len(text_of(doc))), alignment_mode="expand")
    nxt = next((t for t in span if not t.is_space), None) if span is not None else None
    if nxt is None or nxt.idx - end_char > 1 or not (
            nxt.text.casefold() in AUXILIARIES or (nxt.pos_ == "VERB" and "Past" in nxt.morph.get("Tense"))):
        return False
    before = doc.char_span(max(0, start_char - 20), start_char, alignment_mode="expand")
    prev = next((t for t in reversed(before) if not t.is_space), None) if before is not None else None
    if prev is None or prev.is_punct:
        return True
    part_of_a_name = prev.text[:1].isupper() and not prev.is_sent_start  # "S&P 500", "Formel 1"
    return prev.text.isalpha() and not part_of_a_name


def _before_noun(doc: Doc, end_char: int, sent_end: int) -> bool:
    unit, _ = _unit(doc, end_char, sent_end)
    return unit is not None


def _what(sentence: str) -> str | None:
    low = sentence.casefold()
    hits = [(low.find(w), w) for w in OUTCOMES if re.search(rf"\b{w}\b", low)]
    return min(hits)[1] if hits else None


SURVEY = re.compile(rf"\b(?:{'|'.join(entries('survey_nouns'))})(?:en|a|ene)?"
                    r"\s+(?:fra|frå|av)\s+(?P<who>[^,.;]+)", re.I)


def survey_source(doc: Doc, s0: int, start: int, nearest_last: bool = True) -> str | None:
    """Who made the poll or report a figure comes from, in text[s0:start]: "En måling fra Norstat
    for NRK viser …" before the figure (the last such phrase), or "…, viser tall fra Mattilsynet"
    after it (the first)."""
    found = list(SURVEY.finditer(text_of(doc), s0, start))
    m = (found[-1] if nearest_last else found[0]) if found else None
    if m is None:
        return None
    found = mentions_between(doc, m.start("who"), min(m.end("who"), start))
    return found[0][2] if found else None


AGE = re.compile(rf"\s+(?:{'|'.join(time_words('age_unit'))})\s+(?:{OLD})\b", re.I)  # "34 år gammal"
RESTATED = re.compile(rf"\b(?:{'|'.join(map(re.escape, entries('restated_counts')))})\b", re.I)
FORECAST_VERBS = words("forecast_verbs")


def forecaster(doc: Doc, start: int) -> str | None:
    """Who expects a figure: "mens Eiendom Norge venter en økning på 3 prosent"."""
    span = doc.char_span(start, start + 1, alignment_mode="expand")
    tok = span[0] if span is not None else None
    for _ in range(4):
        if tok is None or tok.head == tok:
            return None
        tok = tok.head
        if tok.pos_ == "VERB" and tok.text.casefold() in FORECAST_VERBS:
            subj = next((c for c in tok.children if c.dep_ == "nsubj"), None)
            if subj is None:
                return None
            sub = list(subj.subtree)
            found = mentions_between(doc, sub[0].idx, sub[-1].idx + len(sub[-1].text))
            return found[0][2] if found else None
    return None


def _about(doc: Doc, start: int, end: int) -> list[str]:
    return sorted({eid for s, e, eid in mentions_between(doc, start, end)})
