"""Small helpers shared by the extraction components."""
from __future__ import annotations

from spacy.tokens import Doc


def text_of(doc: Doc) -> str:
    """doc.text, computed once: spaCy rebuilds it from every token on each access."""
    cached = doc.user_data.get("storyline_text")
    if cached is None or cached[0] != len(doc):
        cached = doc.user_data["storyline_text"] = (len(doc), doc.text)
    return cached[1]
