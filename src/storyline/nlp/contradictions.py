"""Figures that disagree: the same quantity (unit and what happened) reported with clearly
different values by different sources."""
from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from ..record.model import Contradiction, Figure
from .gazetteer import fold
from .util import SpanIndex

MIN_RATIO = 1.25  # values closer than this are rounding, not disagreement


# counts of people in general: "120 sivile ble drept" and "20 mennesker omkom" count the same dead
PEOPLE = {"mennesker", "menneske", "menneskene", "menneska", "personer", "personar", "person", "personene",
          "personane", "sivile", "sivilister", "folk", "individer", "individ"}


def unit_key(unit: str | None) -> str | None:
    """A unit without its inflection, for comparing figures: soldatene ~ soldater ~ soldat."""
    if not unit:
        return None
    u = fold(unit)
    if u in PEOPLE:
        return "person"
    for suffix in ("ene", "er", "en", "e"):
        if u.endswith(suffix) and len(u) - len(suffix) >= 4:
            return u[: -len(suffix)]
    return u


def precise_count(value: float | None, qualifier: str | None) -> bool:
    """An exact figure that is not a round number: "142 personer", "26,1 prosent", not "rundt 500"
    or "9.000"."""
    return qualifier == "exact" and value is not None and (
        not float(value).is_integer() or value < 10 or value % 10 != 0)


def values_disagree(a: float, b: float, both_precise: bool = False) -> bool:
    if both_precise:
        return a != b  # two exact counts: any difference is a disagreement, not rounding
    lo, hi = sorted([abs(a), abs(b)])
    return lo == 0 or hi / lo >= MIN_RATIO


# people counted by what happened to them: "9000 evakuerte" counts the same as "15.000 menneske evakuerte"
PEOPLE_BY_STATE = {"døde", "drepte", "drepne", "omkomne", "skadde", "skadede", "sårede", "savnede", "sakna",
                   "evakuerte", "arresterte", "pågrepne", "fengslede"}


def quantity(f: Figure) -> tuple[str | None, str | None]:
    """(unit, what happened) of a figure, the people counted by their state folded in."""
    unit, what = unit_key(f.unit), f.what
    if f.unit and fold(f.unit) in PEOPLE_BY_STATE:
        unit, what = "person", what or f.unit
    return unit, _state(what)


def _state(word: str | None) -> str | None:
    """evakuerte ~ evakuert, drepte ~ drept: the participle without its plural -e."""
    if not word:
        return None
    w = fold(word)
    return w[:-1] if w.endswith("e") and len(w) > 4 else w


ARTICLE = "article"  # the source of a figure the article states in its own voice


def disagree(a: Figure, b: Figure, source_a: str | None, source_b: str | None) -> bool:
    if a.value is None or b.value is None or not source_a or not source_b or source_a == source_b:
        return False
    if ARTICLE in (source_a, source_b) and (a.date != b.date or quantity(a)[0] != "person" or not quantity(a)[1]):
        # the article's own figure against a source's only as a count of people by what happened
        # to them, the same day ("Rundt 700 mennesker er evakuert" against the mayor's "nærmere
        # 900 personer"): its other figures are too often other quantities in the same unit
        return False
    if quantity(a)[0] is None or quantity(a) != quantity(b):
        return False
    return values_disagree(a.value, b.value, precise_count(a.value, a.qualifier) and precise_count(b.value, b.qualifier))


def find_contradictions(figures: list[Figure], name_of, source_of=None) -> list[Contradiction]:
    """source_of(figure) names who reports it; by default its source entity."""
    source_of = source_of or (lambda f: f.source)
    out = []
    for i, a in enumerate(figures):
        for b in figures[i + 1:]:
            sa, sb = source_of(a), source_of(b)
            if disagree(a, b, sa, sb):
                what = f"{a.unit}" + (f" {a.what}" if a.what else "")
                out.append(Contradiction(
                    figures=[a.id, b.id],
                    why=f"{what}: {name_of(sa)} says {a.text!s}, {name_of(sb)} says {b.text!s}",
                ))
    return out


@Language.component("storyline_contradictions")
def contradictions(doc: Doc) -> Doc:
    names = {e.id: e.name for e in doc._.entities}
    quotes = SpanIndex(doc._.quotes)

    def source_of(f: Figure) -> str | None:
        # a figure in the words of someone unnamed ("politiet sa at 142 …") still has a source
        if f.source:
            return f.source
        inside = quotes.covering(f.start)
        q = min(inside, key=lambda q: q.end - q.start) if inside else None
        if q is None:
            return ARTICLE  # "Rundt 700 mennesker er evakuert", in the article's own voice
        return f"speaker:{q.speaker_text.casefold()}" if q.speaker_text else None

    doc._.contradictions = find_contradictions(
        doc._.figures, lambda key: names.get(key, "the article" if key == ARTICLE else key.removeprefix("speaker:")),
        source_of)
    return doc
