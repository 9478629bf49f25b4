"""Figures that disagree: the same quantity (unit and what happened) reported with clearly
different values by different sources."""
from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from ..record.model import Contradiction, Figure
from .gazetteer import fold

MIN_RATIO = 1.25  # values closer than this are rounding, not disagreement


# counts of people in general: "120 sivile ble drept" and "20 mennesker omkom" count the same dead
PEOPLE = {"mennesker", "menneske", "menneskene", "personer", "person", "personene", "sivile", "sivilister",
          "folk", "individer"}


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


def values_disagree(a: float, b: float) -> bool:
    lo, hi = sorted([abs(a), abs(b)])
    return lo == 0 or hi / lo >= MIN_RATIO


def disagree(a: Figure, b: Figure) -> bool:
    if a.value is None or b.value is None or not a.source or not b.source or a.source == b.source:
        return False
    if unit_key(a.unit) is None or unit_key(a.unit) != unit_key(b.unit) or (a.what or None) != (b.what or None):
        return False
    return values_disagree(a.value, b.value)


def find_contradictions(figures: list[Figure], name_of) -> list[Contradiction]:
    out = []
    for i, a in enumerate(figures):
        for b in figures[i + 1:]:
            if disagree(a, b):
                what = f"{a.unit}" + (f" {a.what}" if a.what else "")
                out.append(Contradiction(
                    figures=[a.id, b.id],
                    why=f"{what}: {name_of(a.source)} says {a.text!s}, {name_of(b.source)} says {b.text!s}",
                ))
    return out


@Language.component("storyline_contradictions")
def contradictions(doc: Doc) -> Doc:
    names = {e.id: e.name for e in doc._.entities}
    doc._.contradictions = find_contradictions(doc._.figures, lambda eid: names.get(eid, eid))
    return doc
