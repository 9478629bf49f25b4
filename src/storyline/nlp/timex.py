"""Norwegian temporal expressions resolved to TIMEX3 values against the publication date.

Our own resolver: dateparser resolves Norwegian weekdays forward, but news is written in the
past tense, where "torsdag" is the latest Thursday on or before publication.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from spacy.language import Language
from spacy.tokens import Doc

from ..record.model import Timex
from .lexicon import rows, table, words
from .util import text_of


def time_words(kind: str) -> dict[str, str]:
    """The forms of one kind in lexicon/time_words.tsv, with their values, in the file's order."""
    return {form: value for form, k, value in rows("time_words") if k == kind}


def _alternation(forms) -> str:
    """A regex alternation of phrases, in the order given, any whitespace between their words."""
    return "|".join(r"\s+".join(map(re.escape, f.split())) for f in forms)


WEEKDAYS = {w: int(v) for w, v in time_words("weekday").items()}
MONTHS = {w: int(v) for w, v in time_words("month").items()}
MONTH_ABBR = {w: int(v) for w, v in time_words("month_abbreviation").items()}
PARTS_OF_DAY = time_words("part_of_day")
# lexicon/number_words.tsv, the articles ("en time") and the counts without a number ("flere timer")
NUMBER_WORDS: dict[str, float | None] = {**{w: float(v) for w, v in table("number_words").items()},
                                         **dict.fromkeys(words("indefinite_articles"), 1.0),
                                         **dict.fromkeys(words("vague_counts"))}
# (stem, ISO 8601 code, a unit of the clock); "to netter under varmelampa": two days
DURATION_UNITS = [(stem, v.split()[0], v.endswith(" time")) for stem, v in time_words("duration").items()]
ORDINALS = {w: int(v) for w, v in time_words("ordinal").items()}
RELDAY = {w: (int(v.split()[0]), v.split()[1] if " " in v else None) for w, v in time_words("relative_day").items()}
OLD = _alternation(time_words("old"))  # "34 år gammal": an age
GENITIVE_DAY = {w: int(v) for w, v in time_words("genitive_day").items()}
GENITIVE_YEAR = {w: int(v) for w, v in time_words("genitive_year").items()}

_WD = "|".join(WEEKDAYS)
_MO = "|".join(MONTHS)
_POD = "|".join(sorted(PARTS_OF_DAY, key=len, reverse=True))
_NUM = "|".join(sorted((k for k in NUMBER_WORDS if NUMBER_WORDS[k]), key=len, reverse=True))
RELYEAR_SHIFT = {w: int(v) for w, v in time_words("relative_year").items()}
_RELYEAR = _alternation(RELYEAR_SHIFT)
# TIMEX3's season codes, Bokmål and Nynorsk, definite ("høsten 2026") and after "i" ("i høst")
SEASONS = {**time_words("season"), **time_words("this_season")}
_SEASON = _alternation(time_words("season"))
_THIS_SEASON = _alternation(time_words("this_season"))
# a genitive too: "dømt til tolv års fengsel", "etter to dagers leting"
_UNIT = rf"(?:{_alternation(time_words('duration_word'))})(?:en|ene|a|er|et)?s?"
_ADJ = _alternation(time_words("period_adjective"))  # "fire nye år", "to lange døgn"

PATTERNS = [
    ("weekday", re.compile(
        rf"\b(?:(?P<dir>neste|kommende|forrige|sist|siste)\s+)?(?P<wd>{_WD})(?P<gen>ens|en|s)?"
        rf"(?:\s+(?P<wk>i\s+(?:forrige|førre|neste|denne)\s+(?:uke|veke)|(?:forrige|førre|neste|denne)\s+(?:uke|veke)))?"
        rf"(?:\s+(?P<pod>{_POD})\b)?"
        rf"(?:\s+(?P<day>\d{{1,2}})\.\s*(?P<mon>{_MO})(?:\s+(?P<year>\d{{4}}))?)?", re.I)),
    # "3. mars", and "18 august" as some write it
    ("daymonth", re.compile(rf"\b(?P<day>\d{{1,2}})\.?\s*(?P<mon>{_MO})(?:\s+(?P<year>(?:19|20)\d\d)|"
                            rf"\s+(?P<rel>{_RELYEAR}))?\b", re.I)),
    ("relday", re.compile(
        rf"\b(?P<rel>{_alternation(RELDAY)})"
        rf"(?:\s+(?P<pod>{_POD})\b)?", re.I)),
    ("relyear", re.compile(rf"\b(?P<rel>{_RELYEAR})\b", re.I)),
    ("relweek", re.compile(
        r"\b(?P<rel>neste|forrige|denne|sist|kommende|førre)\s+(?P<u>uke|uka|uken|veke|veka|måned|måneden|månad|helg|helgen)\b",
        re.I)),
    # "i helgen", "før helga": the weekend nearest publication (see _weekend)
    ("weekend", re.compile(r"\b(?P<prep>i|før|etter|over|gjennom|under)\s+(?P<we>helgen|helga)\b", re.I)),
    # "høsten 2026", "hausten 2026"; "i høst", "i vår" (the season of the year of publication)
    ("season", re.compile(rf"\b(?:(?P<season>{_SEASON})\s+(?P<year>(?:19|20)\d\d)|i\s+(?P<this>{_THIS_SEASON}))\b", re.I)),
    ("monthyear", re.compile(rf"\b(?:i\s+)?(?P<mon>{_MO})\s+(?P<year>(?:19|20)\d\d)\b", re.I)),
    ("month", re.compile(rf"\bi\s+(?P<mon>{_MO})(?:\s+(?P<rel>{_RELYEAR}))?\b", re.I)),  # "i mars i fjor"
    # "på 90-tallet", "1980-tallet": TIMEX3's decade, the year without its last digit
    ("decade", re.compile(r"\b(?P<century>1[89]|20)?(?P<decade>\d)0-tal(?:l)?et\b", re.I)),
    # "gårsdagens spørretime", "årets utgave": the day or the year of publication's
    ("relgen", re.compile(rf"\b(?P<rel>{_alternation([*GENITIVE_DAY, *GENITIVE_YEAR])})\b", re.I)),
    ("year", re.compile(r"\b(?:i|år|fra|til|siden|innen|før|etter|mellom|enn)\s+(?P<year>(?:19|20)\d\d)\b", re.I)),
    # the second year of "mellom 2018 og 2022"
    ("year", re.compile(r"(?<=mellom \d{4} )og\s+(?P<year>(?:19|20)\d\d)\b", re.I)),
    ("clock", re.compile(r"\b(?:kl\.|klokka|klokken)\s*(?P<h>\d{1,2})(?:[.:](?P<m>\d\d))?", re.I)),
    ("last_period", re.compile(rf"\b(?:den|det|de)\s+siste\s+(?:(?P<n>\d+|{_NUM})\s+)?(?P<unit>{_UNIT})\b", re.I)),
    # not an age: "ein 34 år gammal mann"; an adjective may come between: "for fire nye år"
    ("duration", re.compile(rf"\b(?P<n>\d+(?:,\d+)?|{_NUM})\s+(?:(?:{_ADJ})\s+)?(?P<unit>{_UNIT})\b(?!\s+(?:{OLD}))", re.I)),
    # "den åttende dagen av (den russiske) invasjonen": with and without an adjective
    ("nth_day", re.compile(
        rf"\b(?:den\s+)?(?P<ord>{'|'.join(ORDINALS)}|\d+\.)\s+dagen\s+(?:av|i|etter)\s+(?:den\s+)?\w+\s+(?P<what>\w+)",
        re.I)),
    ("nth_day", re.compile(
        rf"\b(?:den\s+)?(?P<ord>{'|'.join(ORDINALS)}|\d+\.)\s+dagen\s+(?:av|i|etter)\s+(?:den\s+)?(?P<what>\w+)",
        re.I)),
]


@dataclass
class Found:
    start: int
    end: int
    type: str
    value: str


def _last_weekday_on_or_before(ref: date, wd: int) -> date:
    return ref - timedelta(days=(ref.weekday() - wd) % 7)


def _iso_week(d: date) -> str:
    y, w, _ = d.isocalendar()
    return f"{y}-W{w:02d}"


def _duration(n: float, unit_word: str) -> str | None:
    u = unit_word.casefold()
    for stem, code, is_time in DURATION_UNITS:
        if u.startswith(stem):
            if stem == "time" and n == 1.5:
                return "PT1H30M"
            num = int(n) if float(n).is_integer() else n
            return f"PT{num}{code}" if is_time else f"P{num}{code}"
    return None


def _number(s: str) -> float | None:
    s = s.casefold()
    if s in NUMBER_WORDS:
        return NUMBER_WORDS[s]
    try:
        return float(s.replace(",", "."))
    except ValueError:
        return None


def _weekday(g: dict, ref: date, anchors: dict[str, date]) -> tuple[str, str] | None:
    wd = WEEKDAYS[g["wd"].casefold()]
    if g.get("day") and g.get("mon"):
        year = int(g["year"]) if g.get("year") else ref.year
        d = date(year, MONTHS[g["mon"].casefold()], int(g["day"]))
    elif g.get("wk"):
        which = g["wk"].casefold().split()[-2]
        monday = ref - timedelta(days=ref.weekday())
        shift = {"forrige": -7, "førre": -7, "neste": 7, "denne": 0}[which]
        d = monday + timedelta(days=shift + wd)
    elif g.get("dir") and g["dir"].casefold() in ("neste", "kommende"):
        d = ref + timedelta(days=(wd - ref.weekday()) % 7 or 7)
    elif g.get("dir") and g["dir"].casefold() in ("forrige", "sist", "siste"):
        d = ref - timedelta(days=(ref.weekday() - wd) % 7 or 7)
    else:
        d = _last_weekday_on_or_before(ref, wd)
    pod = PARTS_OF_DAY.get((g.get("pod") or "").casefold())
    return ("TIME", f"{d.isoformat()}T{pod}") if pod else ("DATE", d.isoformat())


def _daymonth(g: dict, ref: date, anchors: dict[str, date]) -> tuple[str, str] | None:
    """"7. oktober i fjor": the year before publication's."""
    year = int(g["year"]) if g.get("year") else ref.year + RELYEAR_SHIFT.get(" ".join((g.get("rel") or "i år").casefold().split()), 0)
    try:
        d = date(year, MONTHS[g["mon"].casefold()], int(g["day"]))
    except ValueError:
        return None
    return "DATE", d.isoformat()


def _relday(g: dict, ref: date, anchors: dict[str, date]) -> tuple[str, str] | None:
    rel = " ".join(g["rel"].casefold().split())
    shift, its_part = RELDAY[rel]
    d = ref + timedelta(days=shift)
    pod = PARTS_OF_DAY.get((g.get("pod") or "").casefold()) or its_part
    return ("TIME", f"{d.isoformat()}T{pod}") if pod else ("DATE", d.isoformat())


def _relyear(g: dict, ref: date, anchors: dict[str, date]) -> tuple[str, str] | None:
    rel = " ".join(g["rel"].casefold().split())
    shift = RELYEAR_SHIFT[rel]
    return "DATE", str(ref.year + shift)


def _relweek(g: dict, ref: date, anchors: dict[str, date]) -> tuple[str, str] | None:
    rel, unit = g["rel"].casefold(), g["u"].casefold()
    shift = {"neste": 1, "kommende": 1, "forrige": -1, "sist": -1, "førre": -1, "denne": 0}[rel]
    if unit.startswith(("uke", "uka", "vek")):
        return "DATE", _iso_week(ref + timedelta(weeks=shift))
    if unit.startswith("helg"):
        sat = ref + timedelta(days=(5 - ref.weekday()) % 7) + timedelta(weeks=shift if shift <= 0 else 0)
        if shift < 0:
            sat = ref - timedelta(days=(ref.weekday() - 5) % 7 or 7)
        return "DATE", f"{_iso_week(sat)}-WE"
    month = ref.month + shift
    year = ref.year + (month - 1) // 12
    return "DATE", f"{year}-{(month - 1) % 12 + 1:02d}"


def _weekend(g: dict, ref: date, anchors: dict[str, date]) -> tuple[str, str] | None:
    """The weekend of the publication's week from Friday on, else the one before it (news is
    written in the past; find_timexes moves "i helgen" of a clause about what is to come on)."""
    if ref.weekday() >= 4:
        return "DATE", f"{_iso_week(ref)}-WE"
    return "DATE", f"{_iso_week(ref - timedelta(days=ref.weekday() + 1))}-WE"


def _season(g: dict, ref: date, anchors: dict[str, date]) -> tuple[str, str] | None:
    word = (g.get("season") or g["this"]).casefold()
    return "DATE", f"{g['year'] or ref.year}-{SEASONS[word]}"


def _decade(g: dict, ref: date, anchors: dict[str, date]) -> tuple[str, str] | None:
    century = g.get("century") or ("19" if int(g["decade"]) >= 2 else "20")  # "90-tallet", "10-tallet"
    return "DATE", f"{century}{g['decade']}"


def _relgen(g: dict, ref: date, anchors: dict[str, date]) -> tuple[str, str] | None:
    rel = g["rel"].casefold()
    if rel in GENITIVE_YEAR:
        return "DATE", str(ref.year + GENITIVE_YEAR[rel])
    return "DATE", (ref + timedelta(days=GENITIVE_DAY[rel])).isoformat()


def _monthyear(g: dict, ref: date, anchors: dict[str, date]) -> tuple[str, str] | None:
    rel = " ".join((g.get("rel") or "i år").casefold().split())
    year = int(g["year"]) if g.get("year") else ref.year + RELYEAR_SHIFT[rel]
    return "DATE", f"{year}-{MONTHS[g['mon'].casefold()]:02d}"


def _year(g: dict, ref: date, anchors: dict[str, date]) -> tuple[str, str] | None:
    return "DATE", g["year"]


def _clock(g: dict, ref: date, anchors: dict[str, date]) -> tuple[str, str] | None:
    h, mi = int(g["h"]), int(g["m"] or 0)
    if h > 24 or mi > 59:
        return None
    return "TIME", f"{ref.isoformat()}T{h:02d}:{mi:02d}"


def _period(g: dict, ref: date, anchors: dict[str, date]) -> tuple[str, str] | None:
    n = _number(g["n"]) if g.get("n") else 1
    if n is None:
        return None
    value = _duration(n, g["unit"])
    return ("DURATION", value) if value else None


def _nth_day(g: dict, ref: date, anchors: dict[str, date]) -> tuple[str, str] | None:
    start = anchors.get(_stem(g["what"]))
    o = g["ord"].casefold()
    n = ORDINALS.get(o) or (int(o.rstrip(".")) if o.rstrip(".").isdigit() else None)
    if start is None or n is None:
        return None
    return "DATE", (start + timedelta(days=n - 1)).isoformat()

# a kind of match (a named pattern of the timex patterns) -> how its value is worked out
RESOLVERS = {
    "weekday": _weekday,
    "weekend": _weekend,
    "daymonth": _daymonth,
    "relday": _relday,
    "relyear": _relyear,
    "relweek": _relweek,
    "season": _season,
    "decade": _decade,
    "relgen": _relgen,
    "monthyear": _monthyear,
    "month": _monthyear,
    "year": _year,
    "clock": _clock,
    "last_period": _period,
    "duration": _period,
    "nth_day": _nth_day,
}


def resolve(kind: str, m: re.Match, ref: date, anchors: dict[str, date]) -> tuple[str, str] | None:
    """(TIMEX3 type, value) for one match, or None when it does not resolve."""
    resolver = RESOLVERS.get(kind)
    return resolver(m.groupdict(), ref, anchors) if resolver else None


def _stem(noun: str) -> str:
    """invasjonen, invasjonens, invasjon -> invasjon (definite and genitive endings)."""
    n = noun.casefold()
    for suffix in ("ens", "en", "et", "a", "s"):
        if n.endswith(suffix) and len(n) - len(suffix) >= 4:
            return n[: -len(suffix)]
    return n


ANCHOR = re.compile(r"\b(?P<what>\w+)\s+(?:startet|begynte|starta|byrja)\s+(?P<when>.{0,40})", re.I)


FUTURE_CUES = frozenset(time_words("future"))
PAST_CUES = frozenset(time_words("past"))


def _shift_year(d: date, years: int) -> str:
    try:
        return d.replace(year=d.year + years).isoformat()
    except ValueError:  # 29 February
        return d.replace(year=d.year + years, day=28).isoformat()


def _future(text: str, start: int, end: int | None = None) -> bool:
    """Whether the clause before a weekday speaks of what is to come ("vil mandag legge fram",
    "varsler regn mandag") and not of what happened ("sa mandag", "hadde mandag", nor "tal som
    søndag vart presenterte", where the verb after it is past)."""
    clause = re.split(r"[.!?\n,;:–]", text[max(0, start - 200):start])[-1].casefold().split()
    after = re.split(r"[.!?\n,;:–]", text[end:end + 40])[0].casefold().split()[:2] if end is not None else []
    return any(w in FUTURE_CUES for w in clause) and not any(w in PAST_CUES for w in clause + after)


def find_timexes(text: str, ref: date) -> list[Found]:
    """All temporal expressions in `text`, longest first where they overlap."""
    anchors: dict[str, date] = {}
    cands: list[tuple[int, int, str, re.Match]] = []
    for kind, rx in PATTERNS:
        for m in rx.finditer(text):
            cands.append((m.start(), m.end(), kind, m))
    cands.sort(key=lambda c: (c[0], -(c[1] - c[0])))
    # events the article dates itself ("invasjonen startet torsdag i forrige uke") anchor "den åttende dagen av invasjonen"
    for m in ANCHOR.finditer(text):
        for kind, rx in PATTERNS[:3]:
            wm = rx.match(m.group("when"))
            if wm:
                r = resolve(kind, wm, ref, {})
                if r and r[0] in ("DATE", "TIME"):
                    anchors[_stem(m.group("what"))] = date.fromisoformat(r[1][:10])
                break
    out: list[Found] = []
    taken_until = -1
    for start, end, kind, m in cands:
        if start < taken_until:
            continue
        r = resolve(kind, m, ref, anchors)
        if r is None:
            continue
        if kind == "daymonth" and not (m.group("year") or m.group("rel")):
            d, future = date.fromisoformat(r[1]), _future(text, start)
            if future and d < ref - timedelta(days=2):
                r = (r[0], _shift_year(d, 1))  # "Neste rentemøte er 22. januar", written in December
            elif not future and d > ref + timedelta(days=62):
                r = (r[0], _shift_year(d, -1))  # "krigen brøt ut 7. oktober", written in February
        if kind == "weekday" and not (m.group("dir") or m.group("wk") or m.group("day")) and _future(text, start, end):
            d = date.fromisoformat(r[1][:10])
            if d < ref:  # "Meteorologene varsler 44 grader mandag": the coming Monday
                r = (r[0], (d + timedelta(days=7)).isoformat() + r[1][10:])
        if kind == "weekend" and ref.weekday() < 4 and m.group("prep").casefold() != "før" and _future(text, start, end):
            r = (r[0], f"{_iso_week(ref)}-WE")  # "skal i helgen": the coming one
        span_start = m.start("wd") if kind == "weekday" and not m.group("dir") else start
        if kind == "weekend" and m.group("prep").casefold() not in ("før", "etter"):
            span_start = m.start("we")  # "i helgen" is the weekend; "før helgen" is before it
        if kind in ("year", "month"):
            span_start = m.start("year" if kind == "year" else "mon")
        out.append(Found(span_start, end, r[0], r[1]))
        taken_until = end
    return out


def parse_published(value: str | date | None) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


@Language.component("storyline_timex", assigns=["doc._.timexes"])  # doc._.published: set by the caller
def timex(doc: Doc) -> Doc:
    ref = parse_published(doc._.published) or date.today()
    doc._.timexes = [Timex(start=f.start, end=f.end, text=text_of(doc)[f.start:f.end], type=f.type, value=f.value)
                     for f in find_timexes(text_of(doc), ref)]
    return doc
