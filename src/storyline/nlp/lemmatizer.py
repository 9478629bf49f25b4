"""Lemmas from simplemma's Norwegian Bokmål/Nynorsk data (shipped in the simplemma wheel).

Measured against spaCy's rule lemmatizer with spacy-lookups-data's nb tables on the UD Bokmål
test set (docs/accuracy.md): simplemma 0.831, rule tables 0.773.
"""
from __future__ import annotations

from functools import lru_cache

import simplemma
from spacy.language import Language
from spacy.tokens import Doc


@lru_cache(maxsize=200_000)
def lemma_of(word: str, lang: str) -> str:
    return simplemma.lemmatize(word, lang=lang)


@Language.factory("storyline_lemmatizer", default_config={"lang": "nb"}, assigns=["token.lemma"])
def create_lemmatizer(nlp: Language, name: str, lang: str):
    def lemmatize(doc: Doc) -> Doc:
        for tok in doc:
            tok.lemma_ = tok.text if tok.is_space or tok.is_punct or tok.like_num else lemma_of(tok.text, lang)
        return doc

    return lemmatize
