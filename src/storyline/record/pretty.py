"""A readable terminal view of a record, for people."""
from __future__ import annotations

from rich.console import Console
from rich.table import Table

from .model import Record


def show(record: Record, console: Console) -> None:
    d = record.document
    names = {e.id: e.name for e in record.entities}

    def name(eid):
        return names.get(eid, "—") if eid else "—"

    # the console reads no markup (storyline.cli): an article's text may hold "[/x]"
    live = "  (live, being updated)" if d.live else ""
    console.print(f"{d.title or d.id}  published {d.published or '?'}  language {d.language}{live}", style="bold")
    if record.headings:
        console.print("Headings: " + " · ".join(h.text for h in record.headings))

    t = Table(title="Entities", show_lines=False)
    for col in ("type", "name", "mentions", "links"):
        t.add_column(col)
    for e in record.entities:
        links = " ".join(f"{k}={v}" for k, v in e.links.model_dump().items() if v is not None and k in ("iso3166", "geonames"))
        t.add_row(e.type, e.name, str(len(e.mentions)), links)
    console.print(t)

    t = Table(title="Quotes")
    for col in ("speaker", "kind", "quote", "via"):
        t.add_column(col)
    for q in record.quotes:
        t.add_row(name(q.speaker) if q.speaker else (q.speaker_text or "—"), "direct" if q.direct else "reported",
                  q.text if len(q.text) < 140 else q.text[:137] + "…", ", ".join(name(v) for v in q.via))
    console.print(t)

    t = Table(title="Figures")
    for col in ("figure", "value", "qualifier", "unit", "what", "source", "date"):
        t.add_column(col)
    for f in record.figures:
        t.add_row(f.text, f"{f.value:,}" if f.value is not None else "—", f.qualifier, f.unit or "—", f.what or "—",
                  name(f.source), f.date or "—")
    console.print(t)

    t = Table(title="Events")
    for col in ("date", "type", "trigger", "actors", "targets", "location", "status", "source"):
        t.add_column(col)
    for v in record.events:
        t.add_row(v.date or "—", v.type + (f"/{v.mode}" if v.mode else ""), v.text, ", ".join(map(name, v.actors)),
                  ", ".join(map(name, v.targets)), name(v.location), v.status, name(v.source))
    console.print(t)

    t = Table(title="Dates and times")
    for col in ("text", "type", "value"):
        t.add_column(col)
    for x in record.timexes:
        t.add_row(x.text, x.type, x.value)
    console.print(t)

    for c in record.contradictions:
        console.print(f"[bold red]Contradiction[/] {', '.join(c.figures)}: {c.why}")
