"""The document record (shared/spec/record-format.md) as pydantic models: the schema, the
validation and the documentation of what `storyline extract` produces.

All offsets are character offsets into `Record.text` (end exclusive).
"""
from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

# PLOVER's event types (shared/spec/event-ontology.md)
EVENT_TYPES = ("AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST", "ACCUSE",
               "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT")
EntityType = Literal["PER", "ORG", "GPE", "LOC", "FAC", "EVT", "PROD", "MISC"]
Qualifier = Literal["exact", "about", "nearly", "over", "at_least", "at_most", "up_to", "unbounded"]
Status = Literal["asserted", "negated", "planned", "requested", "possible", "reported"]


class Located(BaseModel):
    start: int
    end: int
    text: str


class DocumentInfo(BaseModel):
    id: str
    title: str | None = None
    url: str | None = None
    source: str | None = None
    published: str | None = Field(None, description="ISO date or datetime the article was published")
    language: str = "nb"
    live: bool = Field(False, description="the article says it is being updated")
    version: int = 1


class Heading(Located):
    pass


class Mention(Located):
    label: str = Field(description="the NER label as tagged (NorNE labels), or DRV for a demonym")


class Links(BaseModel):
    iso3166: str | None = None
    geonames: int | None = None
    latitude: float | None = None
    longitude: float | None = None


class Entity(BaseModel):
    id: str
    type: EntityType
    name: str
    aliases: list[str] = []
    links: Links = Links()
    mentions: list[Mention] = []
    role: str | None = Field(None, description="a title the article gives the entity (president, minister)")
    key: str | None = Field(None, description="cross-article identity: iso:NO for a country, geo:ID for a "
                            "GeoNames place, region:NAME for a Norwegian region, else name:FOLDED")


class Timex(Located):
    type: Literal["DATE", "TIME", "DURATION", "SET"]
    value: str


class Quote(Located):
    id: str
    direct: bool
    speaker: str | None = None
    speaker_text: str | None = None
    cue: str | None = None
    via: list[str] = []
    sentence: dict | None = None


class Figure(Located):
    id: str
    value: float | None
    value_max: float | None = None
    qualifier: Qualifier = "exact"
    unit: str | None = None
    what: str | None = None
    about: list[str] = []
    source: str | None = None
    date: str | None = None
    quantity: str | None = Field(None, description="what is counted, the same key for the same quantity "
                                 "everywhere: unit|what happened (person|evakuert)")


class Event(Located):
    id: str
    type: str
    mode: str | None = None
    sentence: dict
    actors: list[str] = []
    targets: list[str] = []
    location: str | None = None
    location_inferred: bool = Field(False, description="the sentence names no place: the location is the "
                                    "place the article is about (the one it names most)")
    date: str | None = None
    status: Status = "asserted"
    source: str | None = None


class Contradiction(BaseModel):
    figures: list[str] = []
    quotes: list[str] = []
    why: str


class Record(BaseModel):
    document: DocumentInfo
    text: str
    headings: list[Heading] = []
    entities: list[Entity] = []
    timexes: list[Timex] = []
    quotes: list[Quote] = []
    figures: list[Figure] = []
    events: list[Event] = []
    contradictions: list[Contradiction] = []
    limits: list[str] = Field([], description="what extraction left out, and why: a cap on the facts of one "
                              "document that bit (a 5 MB text is not an article)")
