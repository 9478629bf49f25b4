"""Extraction time against text length, for text with no sentence break (the worst case for any
rule that looks across a sentence): the same run of clauses at N and at 2N characters, and the
ratio of the times (linear work gives 2). Peak memory from the process's high-water mark.

    .venv/bin/python bench/linear_speed.py [--chars 500000]
"""
import os

os.environ.setdefault("OMP_NUM_THREADS", "1")

import argparse  # noqa: E402
import resource  # noqa: E402
import time  # noqa: E402

import storyline  # noqa: E402

CLAUSES = ["politiet opplyser at {n} personer ble evakuert fra {p} mandag", "{n} hus er skadet i {p}",
           "ordfører Kari Berg i {p} sier at {n} frivillige deltar", "og {n} veier er stengt ved {p}"]
PLACES = ["Bergen", "Lillehammer", "Bodø", "Tromsø", "Hamar", "Molde", "Gjøvik", "Alta"]


def text_of(chars: int) -> str:
    parts, i, size = [], 0, 0
    while size < chars:  # a running length: summing the parts each time was quadratic, and timed
        parts.append(CLAUSES[i % len(CLAUSES)].format(n=10 + i % 900, p=PLACES[i % len(PLACES)]))
        size += len(parts[-1]) + 1
        i += 1
    return " ".join(parts)[:chars]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--chars", type=int, default=500_000)
    args = ap.parse_args()
    storyline.extract("Politiet i Bergen sa mandag at tre personer ble evakuert.")  # load the pipeline
    times = {}
    for n in (args.chars, 2 * args.chars):
        text = text_of(n)  # made before the clock starts
        t = time.perf_counter()
        rec = storyline.extract(text)
        times[n] = time.perf_counter() - t
        print(f"{n:>9,} characters: {times[n]:6.1f} s, {len(rec.figures)} figures, {len(rec.events)} events, "
              f"{len(rec.contradictions)} contradictions, limits: {rec.limits or 'none'}")
    print(f"twice the text: {times[2 * args.chars] / times[args.chars]:.2f} times the time; "
          f"peak memory {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024} MB")


if __name__ == "__main__":
    main()
