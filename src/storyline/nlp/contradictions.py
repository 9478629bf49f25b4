"""Figures that disagree within an article, by the rule in `storyline.record.contradictions`."""
from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from ..record.contradictions import ARTICLE, claim, contradicting_pairs, why
from ..record.model import Contradiction, Figure
from ..record.quantity import quantity, quantity_key
from .util import SpanIndex


@Language.component("storyline_contradictions", assigns=["doc._.contradictions"], requires=["doc._.figures"])
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

    def name_of(key: str) -> str:
        return names.get(key, "the article" if key == ARTICLE else key.removeprefix("speaker:"))

    for f in doc._.figures:
        f.quantity = quantity_key(f)
    claims = [claim(f.id, f.text, f.value, f.qualifier, quantity(f), source_of(f), f.date, f.about,
                    at=f.start)
              for f in doc._.figures]
    unit = {f.id: f.unit for f in doc._.figures}
    doc._.contradictions = [Contradiction(figures=[a.id, b.id], why=why(a, b, name_of, " ".join(
        w for w in (unit[a.id], a.what) if w))) for a, b in contradicting_pairs(claims)]
    return doc
