"""Build the first-name table that tells "han" from "hun" (src/storyline/nlp/data/first_names.tsv).

From nomquamgender (MIT; Van Buskirk et al. 2022, name-gender associations from 20+ countries):
first names seen at least MIN_COUNT times and at least 90% one way. Names that go both ways
(Kim, Andrea; Kari is mostly male outside Norway) are left out, so they constrain nothing.

    pip install nomquamgender && python -m storyline.training.first_names
"""
from __future__ import annotations

import json
import re
from importlib import resources
from pathlib import Path

MIN_COUNT = 300
OUT = Path(__file__).resolve().parents[1] / "nlp" / "data" / "first_names.tsv"


def main() -> None:
    data = json.loads(resources.files("nomquamgender").joinpath("name_data.json").read_text(encoding="utf-8"))
    rows = []
    for name, (_, count, p_female, _) in data.items():
        if count >= MIN_COUNT and re.fullmatch(r"[a-zà-ÿ-]+", name) and (p_female >= 0.9 or p_female <= 0.1):
            rows.append(f"{name}\t{'f' if p_female >= 0.9 else 'm'}")
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text("# first name<TAB>f|m, from nomquamgender (MIT), see storyline.training.first_names\n"
                   + "\n".join(sorted(rows)) + "\n", encoding="utf-8")
    print(f"{len(rows)} names -> {OUT}")


if __name__ == "__main__":
    main()
