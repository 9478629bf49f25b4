"""Lemmas from simplemma's Norwegian Bokmål/Nynorsk data (shipped in the simplemma wheel).

Measured against spaCy's rule lemmatizer with spacy-lookups-data's nb tables on the UD Bokmål
test set (docs/accuracy.md): simplemma 0.831, rule tables 0.773.
"""
from __future__ import annotations

from functools import lru_cache

import simplemma
from simplemma.strategies.dictionaries import DEFAULT_DICTIONARY_FACTORY
from spacy.language import Language
from spacy.tokens import Doc


@lru_cache(maxsize=200_000)
def lemma_of(word: str, lang: str) -> str:
    return simplemma.lemmatize(word, lang=lang)


def forms_of(lemmas: set[str]) -> dict[str, set[str]]:
    """Every form simplemma's Bokmål and Nynorsk dictionaries give each lemma (the inverse of
    lemma_of over its tables), case-folded: what a lexicon keyed by lemma matches."""
    wanted = {lemma.encode() for lemma in lemmas}
    out: dict[str, set[str]] = {lemma: set() for lemma in lemmas}
    for lang in ("nb", "nn"):
        table = DEFAULT_DICTIONARY_FACTORY.get_dictionary(lang)
        # simplemma 2 keeps its tables as bytes: decoding 640,000 entries to find a few hundred
        # lemmas costs 0.4 s, comparing bytes 0.05 s
        for form, lemma in table._dict.items():
            if lemma in wanted:
                out[lemma.decode()].add(form.decode().casefold())
    return out


@Language.factory("storyline_lemmatizer", default_config={"lang": "nb"}, assigns=["token.lemma"])
def create_lemmatizer(nlp: Language, name: str, lang: str):
    def lemmatize(doc: Doc) -> Doc:
        for tok in doc:
            tok.lemma_ = tok.text if tok.is_space or tok.is_punct or tok.like_num else lemma_of(tok.text, lang)
        return doc

    return lemmatize
