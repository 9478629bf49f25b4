"""What the components leave on a Doc, kept serialisable.

Headings and paragraphs are span groups (`doc.spans`); the record models in the extensions
(entities, quotes, …), the mention index, the publication date and the components' caches pack
into msgpack through srsly's encoder registry. So `Doc.to_bytes`, `DocBin(store_user_data=True)`
and `nlp.pipe(n_process=2)` carry a processed doc whole, as spaCy's own attributes are carried.
"""
from __future__ import annotations

from datetime import date

import srsly
from pydantic import BaseModel
from spacy.tokens import Doc

from ..record import model

HEADINGS, PARAGRAPHS = "storyline_headings", "storyline_paragraphs"
_MARK = "__storyline__"
# the record's models by name: what the decoder may build (nothing else is trusted to a name)
_MODELS = {name: cls for name, cls in vars(model).items()
           if isinstance(cls, type) and issubclass(cls, BaseModel) and cls.__module__ == model.__name__}


class MentionIndex:
    """(start, end, entity id) of every mention, sorted: a sequence `bisect` searches. Its own
    type because msgpack turns tuples into lists, which do not compare with the search keys."""

    __slots__ = ("items",)

    def __init__(self, items=()):
        self.items = [tuple(m) for m in items]

    def __len__(self) -> int:
        return len(self.items)

    def __getitem__(self, i):
        return self.items[i]

    def __iter__(self):
        return iter(self.items)

    def __eq__(self, other) -> bool:
        return isinstance(other, MentionIndex) and self.items == other.items


class Cache:
    """A value a component computed from the doc for its own speed: serialised as nothing, so a
    loaded doc computes it again."""

    __slots__ = ("value",)

    def __init__(self, value):
        self.value = value


@srsly.msgpack_encoders("storyline")
def encode(obj, chain=None):
    if isinstance(obj, BaseModel) and type(obj).__name__ in _MODELS:
        return {_MARK: type(obj).__name__, "data": obj.model_dump(mode="json")}
    if isinstance(obj, MentionIndex):
        return {_MARK: "MentionIndex", "data": [list(m) for m in obj.items]}
    if isinstance(obj, date):
        return {_MARK: "date", "data": obj.isoformat()}
    if isinstance(obj, Cache):
        return None
    return chain(obj) if chain else obj


@srsly.msgpack_decoders("storyline")
def decode(obj, chain=None):
    if isinstance(obj, dict) and _MARK in obj:
        kind, data = obj[_MARK], obj["data"]
        if kind == "MentionIndex":
            return MentionIndex(data)
        if kind == "date":
            return date.fromisoformat(data)
        return _MODELS[kind].model_validate(data)
    return chain(obj) if chain else obj


def headings(doc: Doc) -> list | None:
    return list(doc.spans[HEADINGS]) if HEADINGS in doc.spans else None


def paragraphs(doc: Doc) -> list | None:
    return list(doc.spans[PARAGRAPHS]) if PARAGRAPHS in doc.spans else None
