"""Scoring a record against a gold file (shared/spec/gold-format.md), as users with their own gold
need it. Pure Python over the record's JSON and the gold's: no spaCy, no pipeline.

Each section pairs gold and record items one to one (a maximum matching, gold items in order,
record items in order, so the pairs are those of the reference scorer), scores precision, recall
and F1, and the accuracy of the arguments of the paired items; the section's score is F1 times
the mean of its argument accuracies, and `overall` the mean of the section scores (contradictions
count as a section: the recall of the gold pairs). A section whose gold has no required item is
left out.
"""
from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

SECTIONS = ("headings", "entities", "timexes", "quotes", "figures", "events", "contradictions")


def fold(s: str | None) -> str:
    """NFC, case-folded, soft hyphens gone, whitespace collapsed: how names and mentions compare."""
    s = unicodedata.normalize("NFC", s or "").casefold().replace("\u00ad", "")
    return " ".join(s.split())


def occurrences(text: str, needle: str) -> list[tuple[int, int]]:
    """Every (start, end) where `needle` occurs in `text`, overlapping ones included."""
    found, at = [], text.find(needle) if needle else -1
    while at >= 0:
        found.append((at, at + len(needle)))
        at = text.find(needle, at + 1)
    return found


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def _iou(a: tuple[int, int], b: tuple[int, int]) -> float:
    inter = _overlap(a, b)
    return inter / (max(a[1], b[1]) - min(a[0], b[0])) if inter else 0.0


def _span(item: dict) -> tuple[int, int]:
    return item["start"], item["end"]


def _as_list(value) -> list:
    return value if isinstance(value, list) else [value]


@dataclass
class Section:
    """One section's counts and scores; `score` is None where the gold has no required item."""
    gold: int
    system: int
    tp: int
    fp: int
    fn: int
    precision: float
    recall: float
    f1: float
    args: dict[str, tuple[float | None, int]] = field(default_factory=dict)
    score: float | None = None
    missed: list[dict] = field(default_factory=list)
    false_positives: list[dict] = field(default_factory=list)


@dataclass
class Score:
    sections: dict[str, Section]
    contradictions: tuple[int, int]  # (found, gold)

    def section_score(self, name: str) -> float | None:
        if name == "contradictions":
            found, gold = self.contradictions
            return round(found / gold, 3) if gold else None
        return self.sections[name].score

    @property
    def overall(self) -> float:
        scores = [s for s in (self.section_score(n) for n in SECTIONS) if s is not None]
        return round(sum(scores) / len(scores), 3) if scores else 0.0


def _prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else (0.0 if fn else 1.0)
    r = tp / (tp + fn) if tp + fn else 1.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def _max_matching(candidates: list[list[int]]) -> dict[int, int]:
    """Gold index -> system index, by augmenting paths (Kuhn), gold in order."""
    holder: dict[int, int] = {}  # system index -> gold index

    def place(g: int, tried: set[int]) -> bool:
        for s in candidates[g]:
            if s not in tried:
                tried.add(s)
                if s not in holder or place(holder[s], tried):
                    holder[s] = g
                    return True
        return False

    for g in range(len(candidates)):
        place(g, set())
    return {g: s for s, g in holder.items()}


Check = Callable[[dict, dict], "bool | None"]


def score_section(golds: list[dict], systems: list[dict], match: Callable[[dict, dict], bool],
                  args: Iterable[tuple[str, Check]] = ()) -> Section:
    required = [g for g in golds if not g.get("optional")]
    optional = [g for g in golds if g.get("optional")]
    pairs = _max_matching([[i for i, s in enumerate(systems) if match(g, s)] for g in required])
    paired_systems = set(pairs.values())
    tallies: dict[str, list[int]] = {}
    for name, check in args:
        hits = tallies.setdefault(name, [0, 0])
        for g, s in pairs.items():
            verdict = check(required[g], systems[s])
            if verdict is not None:
                hits[1] += 1
                hits[0] += bool(verdict)
    false_positives = [s for i, s in enumerate(systems)
                       if i not in paired_systems and not any(match(g, s) for g in optional)]
    missed = [g for i, g in enumerate(required) if i not in pairs]
    p, r, f = _prf(len(pairs), len(false_positives), len(missed))
    accuracies = [h / n for h, n in tallies.values() if n]
    arg_mean = sum(accuracies) / len(accuracies) if accuracies else 1.0
    return Section(
        gold=len(required), system=len(systems), tp=len(pairs), fp=len(false_positives), fn=len(missed),
        precision=round(p, 3), recall=round(r, 3), f1=round(f, 3),
        args={name: (round(h / n, 3) if n else None, n) for name, (h, n) in tallies.items()},
        score=round(f * arg_mean, 3) if required else None, missed=missed, false_positives=false_positives)


class _Scorer:
    def __init__(self, gold: dict, record: dict):
        self.gold, self.record = gold, record
        self.text = record.get("text") or ""
        self.entities = {e["id"]: e for e in record.get("entities", [])}
        self.gold_entities = {g["key"]: g for g in gold.get("entities", [])}

    def evidence_spans(self, evidence, inner: str | None = None) -> list[tuple[int, int]]:
        """Where each evidence string occurs, narrowed to `inner` where `inner` lies inside it."""
        spans = []
        for ev in _as_list(evidence):
            offset = ev.find(inner) if inner and inner in ev else -1
            for start, end in occurrences(self.text, ev):
                spans.append((start + offset, start + offset + len(inner)) if offset >= 0 else (start, end))
        return spans

    def denotes(self, entity_id, key) -> bool:
        """Does the record's entity `entity_id` stand for the gold entity `key`?"""
        gold, entity = self.gold_entities.get(key), self.entities.get(entity_id) if entity_id else None
        if not gold or not entity:
            return False
        names = {fold(n) for n in gold["names"]}
        if fold(entity.get("name")) in names or any(fold(a) in names for a in entity.get("aliases", [])):
            return True
        mentions = {fold(m) for m in gold["mentions"]}
        return any(fold(m.get("text")) in mentions for m in entity.get("mentions", []))

    def any_denotes(self, entity_ids, keys) -> bool:
        ids = [i for i in _as_list(entity_ids) if i]
        return any(self.denotes(i, k) for i in ids for k in keys)

    # -- sections ----------------------------------------------------------------------------------
    def headings(self) -> Section:
        golds = [h if isinstance(h, dict) else {"text": h} for h in self.gold.get("headings", [])]
        golds = [dict(h, spans=occurrences(self.text, h["text"])) for h in golds]
        return score_section(golds, self.record.get("headings", []),
                             lambda g, s: any(_iou(_span(s), sp) >= 0.8 for sp in g["spans"]))

    @staticmethod
    def _entity_type(t: str | None) -> str:
        t = (t or "").upper()
        return "GPE" if t.startswith("GPE") else t

    def entity_match(self, g: dict, s: dict) -> bool:
        if self._entity_type(s.get("type")) not in _as_list(g["type"]):
            return False
        mentions = {fold(m) for m in g["mentions"]}
        return any(fold(m.get("text")) in mentions for m in s.get("mentions", []))

    def entities_section(self) -> Section:
        def name(g, s):
            return fold(s.get("name")) in {fold(n) for n in g["names"]}

        def country(g, s):
            if "iso3166" not in g:
                return None
            return ((s.get("links") or {}).get("iso3166") or "").upper() == g["iso3166"]

        return score_section(self.gold.get("entities", []), self.record.get("entities", []), self.entity_match,
                             (("canonical_name", name), ("country_link", country)))

    def timexes(self) -> Section:
        golds = [dict(t, spans=self.evidence_spans(t["evidence"], t.get("text")))
                 for t in self.gold.get("timexes", [])]

        def match(g, s):
            start, end = _span(s)
            return any(_overlap((start, end), sp) > 0 and end - start <= 2 * (sp[1] - sp[0]) + 12
                       for sp in g["spans"])

        return score_section(golds, self.record.get("timexes", []), match,
                             (("value", lambda g, s: s.get("value") in g["values"]),))

    def quotes(self) -> Section:
        golds = [dict(q, spans=occurrences(self.text, q["text"])) for q in self.gold.get("quotes", [])]

        def speaker(g, s):
            return None if g["speaker"] is None else self.any_denotes(s.get("speaker"), _as_list(g["speaker"]))

        def via(g, s):
            return self.any_denotes(s.get("via") or [], g["via"]) if g.get("via") else None

        return score_section(golds, self.record.get("quotes", []),
                             lambda g, s: any(_iou(_span(s), sp) >= 0.5 for sp in g["spans"]),
                             (("speaker", speaker), ("direct", lambda g, s: bool(s.get("direct")) == g["direct"]),
                              ("via", via)))

    def figure_match(self, g: dict, s: dict) -> bool:
        start, end = _span(s)
        if end - start > 80 or not any(_overlap((start, end), sp) > 0 for sp in g["spans"]):
            return False
        if "value" not in g:  # a quantity without a number ("ubegrenset"): the span alone
            return True
        try:
            return abs(float(s.get("value")) - float(g["value"])) <= 1e-6 * max(1.0, abs(g["value"]))
        except (TypeError, ValueError):
            return False

    def figure_golds(self) -> list[dict]:
        return [dict(f, spans=self.evidence_spans(f["evidence"])) for f in self.gold.get("figures", [])]

    def figures(self) -> Section:
        def qualifier(g, s):
            return s.get("qualifier") in g["qualifier"] if "qualifier" in g else None

        def unit(g, s):
            if "unit_words" not in g:
                return None
            blob = fold(" ".join(str(s.get(k) or "") for k in ("unit", "what")))
            return any(fold(w) in blob for w in g["unit_words"])

        def source(g, s):
            return self.any_denotes(s.get("source"), g["source"]) if "source" in g else None

        return score_section(self.figure_golds(), self.record.get("figures", []), self.figure_match,
                             (("qualifier", qualifier), ("unit", unit), ("source", source)))

    def events(self) -> Section:
        golds = [dict(v, spans=self.evidence_spans(v["evidence"])) for v in self.gold.get("events", [])]

        def match(g, s):  # the trigger, a word or a short phrase, lies on the evidence
            start, end = _span(s)
            return s.get("type") in g["types"] and end - start <= 40 and any(
                _overlap((start, end), sp) > 0 for sp in g["spans"])

        def argument(name):
            def check(g, s):
                if name not in g:
                    return None
                if name == "date":
                    return (s.get("date") or "") in g["date"]
                return self.any_denotes(s.get(name), g[name])
            return check

        return score_section(golds, self.record.get("events", []), match,
                             tuple((a, argument(a)) for a in ("actors", "targets", "location", "date", "source")))

    def contradictions(self) -> tuple[int, int]:
        by_key = {f["key"]: f for f in self.figure_golds() if f.get("key")}
        figures = {f.get("id"): f for f in self.record.get("figures", [])}
        found = 0
        for pair in self.gold.get("contradictions", []):
            wanted = [by_key[k] for k in pair["figures"]]
            found += any(all(any(self.figure_match(g, figures[i]) for i in c.get("figures", []) if i in figures)
                             for g in wanted)
                         for c in self.record.get("contradictions", []))
        return found, len(self.gold.get("contradictions", []))

    def run(self) -> Score:
        return Score({"headings": self.headings(), "entities": self.entities_section(), "timexes": self.timexes(),
                      "quotes": self.quotes(), "figures": self.figures(), "events": self.events()},
                     self.contradictions())


def score_record(gold: dict, record: dict) -> Score:
    """Score one record (a dict of the record's JSON) against its gold (a dict)."""
    return _Scorer(gold, record).run()
