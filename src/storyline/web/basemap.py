"""Build the offline base map (static/basemap.json) from Natural Earth land polygons as
TopoJSON (npm package world-atlas, ISC licence; Natural Earth is public domain):

    npm pack world-atlas@2 && tar -xzf world-atlas-2.0.2.tgz
    python -m storyline.web.basemap package/land-50m.json

The output is SVG path data in an equirectangular projection (x = longitude, y = -latitude),
rounded to 0.05 degrees, so the web UI can draw event locations with no tile server.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parent / "static" / "basemap.json"


def decode_arcs(topo: dict) -> list[list[tuple[float, float]]]:
    (sx, sy), (tx, ty) = topo["transform"]["scale"], topo["transform"]["translate"]
    arcs = []
    for arc in topo["arcs"]:
        x = y = 0
        pts = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            pts.append((x * sx + tx, y * sy + ty))
        arcs.append(pts)
    return arcs


def ring(arcs, indices) -> list[tuple[float, float]]:
    pts: list[tuple[float, float]] = []
    for i in indices:
        arc = arcs[i] if i >= 0 else list(reversed(arcs[~i]))
        pts.extend(arc if not pts else arc[1:])
    return pts


def path_of(points, step: float = 0.05) -> str:
    """SVG path data of one ring; a ring that crosses the antimeridian is cut there, so no
    line is drawn across the whole map."""
    parts, out, last = [], [], None
    for lon, lat in points:
        p = (round(lon / step) * step, round(-lat / step) * step)
        if last is not None and abs(p[0] - last[0]) > 180:
            parts.append(out)
            out = []
        if p != last:
            out.append(f"{p[0]:.2f} {p[1]:.2f}")
            last = p
    parts.append(out)
    closed = len(parts) == 1
    return "".join("M" + "L".join(o) + ("Z" if closed else "") for o in parts if len(o) > 2)


def build(src: Path) -> dict:
    topo = json.loads(src.read_text())
    arcs = decode_arcs(topo)
    paths = []
    for obj in topo["objects"].values():
        geoms = obj["geometries"] if obj["type"] == "GeometryCollection" else [obj]
        for g in geoms:
            polys = g["arcs"] if g["type"] == "MultiPolygon" else [g["arcs"]] if g["type"] == "Polygon" else []
            for poly in polys:
                d = "".join(path_of(ring(arcs, r)) for r in poly)
                if d:
                    paths.append(d)
    return {"source": "Natural Earth land polygons via world-atlas (ISC); public domain data",
            "projection": "equirectangular: x = longitude, y = -latitude", "paths": paths}


if __name__ == "__main__":
    data = build(Path(sys.argv[1]))
    OUT.write_text(json.dumps(data, separators=(",", ":")))
    print(f"{OUT}: {len(data['paths'])} polygons, {OUT.stat().st_size // 1024} KB")
