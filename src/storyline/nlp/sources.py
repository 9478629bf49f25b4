"""How an article names its sources in running text, for quotes, figures and events alike:
"ifølge X" (lexicon/according_to.txt) and the contrast clause that ends a source's reach
(", men …", lexicon/clause_openers.tsv)."""
from __future__ import annotations

import re

from spacy.tokens import Doc

from .entities import mentions_between
from .lexicon import forms_with, words
from .util import text_of

ACCORDING_TO = words("according_to")
_ACCORDING = "|".join(re.escape(w) for w in sorted(ACCORDING_TO, key=len, reverse=True))
_CONTRAST = "|".join(forms_with("clause_openers", "contrast"))
# "…, ifølge politiet." / "Ifølge NRK, …": the source runs to the next comma or full stop
IFOLGE = re.compile(rf"(?:,\s*)?\b(?:{_ACCORDING})\s+(?P<who>[^,.;]+?)(?=\s*(?:[,.;]|$))", re.I)
# a clause of its own after a report: ", men regjeringen avviste …" (not ", men at …", which goes on)
CONTRAST_CLAUSE = re.compile(rf",\s+(?:{_CONTRAST})\s+(?!at\b)", re.I)


def ifolge_source(doc: Doc, s0: int, s1: int, at: int | None = None) -> str | None:
    """The entity named in an "ifølge X" phrase of the sentence text[s0:s1] (for a fact at
    `at`: only when no ", men/mens/medan …" clause stands between them)."""
    text = text_of(doc)
    m = IFOLGE.search(text, s0, s1)
    if not m:
        return None
    if at is not None and CONTRAST_CLAUSE.search(text, min(at, m.end()), max(at, m.start())):
        return None
    found = mentions_between(doc, m.start("who"), m.end("who"))
    return found[0][2] if found else None
