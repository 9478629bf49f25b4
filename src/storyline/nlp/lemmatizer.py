"""Lemmas from simplemma's Norwegian Bokmål/Nynorsk data (shipped in the simplemma wheel).

Measured against spaCy's rule lemmatizer with spacy-lookups-data's nb tables on the UD Bokmål
test set (docs/accuracy.md): simplemma 0.831, rule tables 0.773.
"""
from __future__ import annotations

import simplemma
from spacy.language import Language
from spacy.tokens import Doc


@Language.factory("storyline_lemmatizer", default_config={"lang": "nb"})
def create_lemmatizer(nlp: Language, name: str, lang: str):
    def lemmatize(doc: Doc) -> Doc:
        cache: dict[str, str] = {}
        for tok in doc:
            if tok.is_space or tok.is_punct or tok.like_num:
                tok.lemma_ = tok.text
                continue
            lemma = cache.get(tok.text)
            if lemma is None:
                lemma = cache[tok.text] = simplemma.lemmatize(tok.text, lang=lang)
            tok.lemma_ = lemma
        return doc

    return lemmatize
