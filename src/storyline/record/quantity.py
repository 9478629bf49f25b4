"""The quantity a figure counts, and when two values of it disagree: pure functions over the
record, used by the pipeline (contradictions within an article) and the story (across articles),
so "the same quantity" means one thing everywhere."""
from __future__ import annotations

from ..text import fold
from .model import Figure

# units that are a share of something: a figure in them says nothing without what it is a share of
SHARES = {"prosent", "prosentpoeng"}
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




def quantity_key(f: Figure) -> str | None:
    """The record's `Figure.quantity`: "unit|what happened" ("person|evakuert"), None without a unit."""
    unit, what = quantity(f)
    return f"{unit}|{what or ''}" if unit else None
