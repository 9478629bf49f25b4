"""Pure string helpers every layer may use (no spaCy, no models): folding and transliteration of
names, and the cross-article key of a name."""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache


@lru_cache(maxsize=1 << 16)  # pure, and called for every capitalised token
def fold(s: str) -> str:
    """Case- and accent-insensitive key: "Élysée" ~ "elysee"."""
    s = unicodedata.normalize("NFKD", s.casefold())
    return "".join(c for c in s if not unicodedata.combining(c))


# Norwegian transliteration of Cyrillic names vs the common English forms.
_NB_TO_EN = [("sjtsj", "shch"), ("tsj", "ch"), ("zj", "zh"), ("sj", "sh")]
_FINAL_J = re.compile(r"(?<=[aeiouy])j\b")  # Zelenskyj, Sergej, Dmitrij: a final -j after a vowel


@lru_cache(maxsize=1 << 16)  # pure, and called for every capitalised token
def transliterate_to_english(name: str) -> str:
    """Zelenskyj -> Zelenskyy, Zaporizjzja -> Zaporizhzhia, Dmitrij -> Dmitriy."""
    out = name
    for a, b in _NB_TO_EN:
        out = out.replace(a, b).replace(a.capitalize(), b.capitalize())
    out = _FINAL_J.sub("y", out)
    if out.endswith("zha"):
        out = out[:-1] + "ia"  # -zja endings: Zaporizjzja -> Zaporizhzhia
    return out


def name_key(name: str) -> str:
    """The cross-article key of an entity known by name only: folded and transliterated, so
    Zelenskyj ~ Zelenskyy ~ Zelensky."""
    key = fold(transliterate_to_english(name))
    return f"name:{key[:-1] if key.endswith('yy') else key}"


_WORD = re.compile(r"\w+(?:-\w+)*")
_SENTENCE_START = re.compile(r"(?:^|[.!?:;«»\"“”–—-]\s*|\n\s*)$")


def capitalised_words(text: str) -> list[str]:
    """The capitalised words that do not start a sentence or a line: the names a text uses, also
    those a tagger missed ("Russland angrep Kharkiv" -> ["Kharkiv"])."""
    out = []
    for m in _WORD.finditer(text):
        w = m.group()
        if w[0].isupper() and not w.isupper() and len(w) > 2 and not _SENTENCE_START.search(text[max(0, m.start() - 3):m.start()]):
            out.append(w)
    return out
