"""When reported figures contradict each other: one rule, used by the pipeline (within an article)
and by the story (across its articles), so "a contradiction" means one thing everywhere.

Two figures contradict when they count the same quantity (`quantity.quantity`), are reported by
two different sources, are about compatible subjects and clearly disagree; across articles they
must also hold on the same day (within one, a figure's date is often only the article's), within
one they must stand near each other. A source that gives
several different values of one quantity is listing different things (the share of the vote in
each state, the forecast for each year), not stating one count: its figures contradict nobody.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from .quantity import SHARES, precise_count, values_disagree

ARTICLE = "article"  # the source of a figure the article states in its own voice
SIDE_BY_SIDE = 200  # characters: two shares this close, in one sentence or the next, are of one thing
NEAR = 1500  # characters: a rebuttal stands within a few paragraphs of the count it rebuts; far apart in
# a long article, the same unit counts different things (the electoral votes of each state)


@dataclass(frozen=True)
class Claim:
    """A figure as a contradiction sees it: who reports what value of which quantity, about whom."""
    id: str
    text: str
    value: float
    precise: bool  # an exact count that is not a round number: any difference counts
    unit: str  # quantity(f)[0]
    what: str | None  # quantity(f)[1]: what happened to what is counted
    source: str  # who reports it: an entity key, "speaker:…", ARTICLE, or a publisher
    date: str | None
    voice: bool = False  # stated in the article's (or its publisher's) own voice, not a source's
    about: frozenset[str] = frozenset()
    group: str = ""  # the article: pairs within one group come from the article's own record
    at: int = 0  # where it stands in its article

    @property
    def bare_share(self) -> bool:
        """"60 prosent" of nothing its words name: what it is a share of is in the sentence around it."""
        return self.unit in SHARES and not self.what and not self.about

    @property
    def quantity(self) -> tuple[str, str | None]:
        return self.unit, self.what


def claim(id: str, text: str, value: float | None, qualifier: str | None, quantity: tuple[str | None, str | None],
          source: str | None, date: str | None, about: Iterable[str] = (), group: str = "",
          at: int = 0, voice: bool | None = None) -> Claim | None:
    """A Claim, or None for a figure that can contradict nothing (no value, no unit, no source)."""
    unit, what = quantity
    if value is None or not unit or not source:
        return None
    return Claim(id, text, value, precise_count(value, qualifier), unit, what, source, date,
                 source == ARTICLE if voice is None else voice, frozenset(a for a in about if a), group, at)


def _one_count(claims: list[Claim]) -> list[Claim]:
    """The claims of sources that give one value of their quantity (rounding aside)."""
    by_source: dict[tuple, list[Claim]] = defaultdict(list)
    for c in claims:
        by_source[(c.source, c.quantity, (c.date or "")[:10])].append(c)
    keep = []
    for same in by_source.values():
        if all(not values_disagree(a.value, b.value, a.precise and b.precise) for a in same for b in same):
            keep.append(same[0])  # a repeated value is one claim, not several
    return keep


def disagree(a: Claim, b: Claim) -> bool:
    if a.source == b.source or a.quantity != b.quantity:
        return False
    same_day = (a.date or "")[:10] == (b.date or "")[:10]
    if a.group != b.group and not same_day:
        return False  # across articles a figure's date is when it held: Thursday's 350 evakuert is not Friday's
    if (a.voice or b.voice) and (a.unit != "person" or not a.what or not same_day):
        # the article's own figure against a source's only as a count of people by what happened
        # to them ("Rundt 700 mennesker er evakuert" against the mayor's "nærmere 900 personer"):
        # its other figures are too often other quantities in the same unit
        return False
    if a.group == b.group and abs(a.at - b.at) > NEAR:
        return False
    if (a.bare_share or b.bare_share) and (a.group != b.group or abs(a.at - b.at) > SIDE_BY_SIDE):
        return False  # two bare shares are of the same thing only side by side: "6 prosent, mens … 3 prosent"
    if a.about and b.about and not a.about & b.about:
        return False  # about different entities: 100 ansatte in one company, 900 in another
    return values_disagree(a.value, b.value, a.precise and b.precise)


def contradicting_pairs(claims: Iterable[Claim], across_groups_only: bool = False) -> list[tuple[Claim, Claim]]:
    """Every pair of claims that contradict, in the order given; with across_groups_only, only pairs
    from different articles (those within one were decided by the article's own record)."""
    kept = _one_count([c for c in claims if c is not None])
    by_quantity: dict[tuple, list[Claim]] = defaultdict(list)
    for c in kept:  # pairs only within one quantity: a long text of figures is not compared all against all
        by_quantity[c.quantity].append(c)
    out = []
    for same in by_quantity.values():
        for i, a in enumerate(same):
            for b in same[i + 1:]:
                if across_groups_only and a.group == b.group:
                    continue
                if disagree(a, b):
                    out.append((a, b))
    order = {c.id: i for i, c in enumerate(kept)}
    return sorted(out, key=lambda p: (order[p[0].id], order[p[1].id]))


def why(a: Claim, b: Claim, name_of, quantity: str | None = None) -> str:
    """The contradiction in words a person reads: "personer evakuert: NRK: 250 personer; Politiet: 350";
    `quantity` says what is counted as the articles write it (default: the key's unit and what)."""
    quantity = quantity or a.unit + (f" {a.what}" if a.what else "")
    return f"{quantity}: {name_of(a.source)}: {a.text}; {name_of(b.source)}: {b.text}"
