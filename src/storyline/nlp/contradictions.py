"""Figures that disagree: the same quantity (unit and what happened) reported with clearly
different values by different sources."""
from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from ..record.model import Contradiction, Figure
from ..record.quantity import precise_count, quantity, quantity_key, values_disagree
from .util import SpanIndex

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

    for f in doc._.figures:
        f.quantity = quantity_key(f)
    doc._.contradictions = find_contradictions(
        doc._.figures, lambda key: names.get(key, "the article" if key == ARTICLE else key.removeprefix("speaker:")),
        source_of)
    return doc
