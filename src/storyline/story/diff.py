"""What an update of an article added, removed and changed: facts and text."""
from __future__ import annotations

import difflib
from dataclasses import dataclass, field

from ..record.model import Record
from ..store.db import entity_key, figure_quantity
from .queries import according_to


@dataclass
class FactDiff:
    added: list[dict] = field(default_factory=list)
    removed: list[dict] = field(default_factory=list)
    changed: list[dict] = field(default_factory=list)


def _index(rec: Record) -> dict[str, dict]:
    keys = {e.id: entity_key(e) for e in rec.entities}
    names = {e.id: e.name for e in rec.entities}
    out: dict[str, dict] = {"entities": {}, "quotes": {}, "figures": {}, "events": {}}
    for e in rec.entities:
        out["entities"][keys[e.id]] = {"name": e.name, "type": e.type}
    for q in rec.quotes:
        out["quotes"][" ".join(q.text.split()).casefold()] = {"text": q.text, "speaker": names.get(q.speaker),
                                                              "direct": q.direct}
    for f in rec.figures:
        k = (figure_quantity(f), keys.get(f.source), f.qualifier if f.value is None else None)
        while k in out["figures"]:  # several figures of one kind: keep them apart by order
            k = (*k, "+")
        out["figures"][k] = {"text": f.text, "value": f.value, "unit": f.unit, "source": names.get(f.source),
                             "according_to": according_to(names.get(f.source), rec.document.source)}
    for v in rec.events:
        k = (v.type, v.text.casefold(), v.date)
        out["events"][k] = {"type": v.type, "trigger": v.text, "date": v.date, "status": v.status,
                            "actors": [names.get(a) for a in v.actors],
                            "sentence": rec.text[v.sentence["start"]:v.sentence["end"]]}
    return out


def diff_records(old: Record, new: Record) -> dict:
    a, b = _index(old), _index(new)
    facts = {}
    for kind in ("entities", "quotes", "figures", "events"):
        d = FactDiff()
        for k, v in b[kind].items():
            if k not in a[kind]:
                d.added.append(v)
            elif a[kind][k] != v:
                d.changed.append({"from": a[kind][k], "to": v})
        d.removed = [v for k, v in a[kind].items() if k not in b[kind]]
        facts[kind] = {"added": d.added, "removed": d.removed, "changed": d.changed}
    text = list(difflib.unified_diff(old.text.splitlines(), new.text.splitlines(),
                                     f"version {old.document.version}", f"version {new.document.version}",
                                     lineterm="", n=0))
    return {"from": old.document.version, "to": new.document.version, "facts": facts, "text_diff": text}
