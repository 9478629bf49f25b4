"""AUX or VERB from the parse: Universal Dependencies makes AUX a function, not a word class.

A form of være, ha, bli, få or a modal is AUX where it is an auxiliary or a copula ("er valgt",
"har sagt", "er leder") and VERB where it is a main verb ("har to barn", "fikk beskjed"). In the UD
Norwegian training data that holds without exception, but the tagger decides before the parser
and confuses the two; the parser sees the whole clause. Measured in docs/accuracy.md.
"""
from __future__ import annotations

import numpy as np
from spacy.language import Language
from spacy.parts_of_speech import AUX, VERB
from spacy.symbols import POS
from spacy.tokens import Doc

from .lexicon import words

AUXILIARY_LEMMAS = words("auxiliary_lemmas")  # what UD Norwegian tags AUX
AUXILIARY_DEPS = {"aux", "aux:pass", "cop"}


@Language.component("storyline_auxiliaries", assigns=["token.pos"], requires=["token.dep", "token.lemma"])
def auxiliaries(doc: Doc) -> Doc:
    # only verbs are visited: building a Token object for every word costs more than the rule
    pos = doc.to_array(POS)
    for i in np.flatnonzero((pos == AUX) | (pos == VERB)):
        tok = doc[int(i)]
        if tok.lemma_.casefold() in AUXILIARY_LEMMAS:
            tok.pos_ = "AUX" if tok.dep_ in AUXILIARY_DEPS else "VERB"
    return doc
