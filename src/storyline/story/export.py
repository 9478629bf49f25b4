"""Events as a flat table in ACLED's layout (one row per merged event), written as CSV or
Parquet; the same rows from `storyline export` and from the API's export."""
from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import TextIO

from .queries import StoryEvent

ACLED_COLUMNS = ["event_id", "event_date", "event_type", "actor1", "actor2", "location", "latitude", "longitude",
                 "source", "notes"]


def acled_rows(events: Iterable[StoryEvent]) -> list[dict]:
    rows = []
    for ev in events:
        others = ev.actors[1:] + ev.targets
        rows.append({"event_id": ev.id, "event_date": ev.date, "event_type": ev.type,
                     "actor1": ev.actors[0] if ev.actors else None, "actor2": others[0] if others else None,
                     "location": ev.location, "latitude": ev.latitude, "longitude": ev.longitude,
                     "source": "; ".join(ev.sources), "notes": ev.reports[0].sentence})
    return rows


def write_csv(rows: list[dict], fh: TextIO) -> None:
    w = csv.DictWriter(fh, fieldnames=ACLED_COLUMNS)
    w.writeheader()
    w.writerows(rows)


def csv_text(rows: list[dict]) -> str:
    buf = io.StringIO()
    write_csv(rows, buf)
    return buf.getvalue()


def parquet_bytes(rows: list[dict]) -> bytes:
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = pa.schema([(c, pa.float64() if c in ("latitude", "longitude") else pa.string()) for c in ACLED_COLUMNS])
    buf = io.BytesIO()
    pq.write_table(pa.Table.from_pylist(rows, schema=schema), buf)
    return buf.getvalue()
