"""A tokenizer for Norwegian news: spaCy's nb rules plus the quote conventions of the press.

Norwegian articles open direct speech with a dash ("– Sitt ned", sometimes a plain "-Vi") and
use «» quotes, often glued to a colon ("sa:«Nei»"). spaCy's defaults keep "-Vi" and "sa:«Nei"
as single tokens, which hides the quote from everything downstream.
"""
from __future__ import annotations

import spacy
from spacy.tokenizer import Tokenizer
from spacy.util import compile_infix_regex, compile_prefix_regex, compile_suffix_regex, registry

from .lexicon import LEXICON

QUOTE_PREFIXES = [r"-(?=[A-ZÆØÅ«])", "«", "»", '"']
QUOTE_INFIXES = [r"(?<=[\w.,:;!?])[«»](?=\S)", r"(?<=\w):(?=[«\"])"]
# spaCy's nb abbreviations that are far more often a word ending a sentence (lexicon file)
WORD_NOT_ABBREVIATION = {line.strip() for line in (LEXICON / "words_not_abbreviations.txt").read_text(
    encoding="utf-8").splitlines() if line.strip() and not line.startswith("#")}  # case matters: "Ap."


# a full stop after a name written in mixed case ends the sentence: "samarbeid med AfD." (spaCy's nb
# rules split it only after a lower-case letter, a digit or two capitals)
SENTENCE_END_SUFFIXES = [r"(?<=[a-zæøå][A-ZÆØÅ])\."]


@registry.tokenizers("storyline.news_tokenizer.v1")
def create_news_tokenizer():
    def make(nlp: spacy.Language):
        d = nlp.Defaults
        return Tokenizer(
            nlp.vocab,
            rules={k: v for k, v in d.tokenizer_exceptions.items() if k not in WORD_NOT_ABBREVIATION},
            prefix_search=compile_prefix_regex(QUOTE_PREFIXES + list(d.prefixes)).search,
            suffix_search=compile_suffix_regex(list(d.suffixes) + SENTENCE_END_SUFFIXES).search,
            infix_finditer=compile_infix_regex(list(d.infixes) + QUOTE_INFIXES).finditer,
            token_match=d.token_match,
            url_match=d.url_match,
        )

    return make
