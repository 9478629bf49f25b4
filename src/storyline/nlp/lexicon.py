"""Word lists kept as data (nlp/data/lexicon/NAME.txt: one entry a line, `#` starts a comment),
read once per process. Rules ask `words("first_person")`, never a list of their own."""
from __future__ import annotations

from functools import cache
from pathlib import Path

LEXICON = Path(__file__).parent / "data" / "lexicon"


@cache
def words(name: str) -> frozenset[str]:
    """The entries of one lexicon file, case-folded."""
    path = LEXICON / f"{name}.txt"
    entries = (line.split("#", 1)[0].strip().casefold() for line in path.read_text(encoding="utf-8").splitlines())
    return frozenset(e for e in entries if e)


@cache
def entries(name: str) -> tuple[str, ...]:
    """The entries of one lexicon file as written (names keep their case), in the file's order."""
    lines = (LEXICON / f"{name}.txt").read_text(encoding="utf-8").splitlines()
    return tuple(e for e in (line.split("#", 1)[0].strip() for line in lines) if e)


@cache
def rows(name: str, suffix: str = "tsv") -> tuple[tuple[str, ...], ...]:
    """The rows of a lexicon of columns (NAME.tsv, tab-separated), in the file's order."""
    lines = (LEXICON / f"{name}.{suffix}").read_text(encoding="utf-8").splitlines()
    return tuple(tuple(c.strip() for c in line.split("\t")) for line in lines
                 if line.strip() and not line.lstrip().startswith("#"))


@cache
def roles(name: str) -> dict[str, frozenset[str]]:
    """A lexicon of forms and the roles each plays (NAME.tsv: a form, then its roles separated by
    spaces), in the file's order: the order a regex alternation tries them."""
    return {form.casefold(): frozenset(r.split()) for form, r in rows(name)}


def forms_with(name: str, *wanted: str) -> list[str]:
    """The forms of a role lexicon that play any of the wanted roles, in the file's order."""
    return [form for form, r in roles(name).items() if r.intersection(wanted)]


@cache
def table(name: str) -> dict[str, str]:
    """A two-column lexicon (NAME.tsv): key -> value."""
    return {key.casefold(): value for key, value in rows(name)}


@cache
def read_triggers() -> tuple[list[tuple[str, str, str | None]], dict[tuple[str, str], tuple[str, str | None]]]:
    """triggers.tsv: ([(regex over one token, type, mode)], {(word, word): (type, mode)}), in the file's order."""
    singles, pairs = [], {}
    for etype, mode, form in rows("triggers"):
        mode = None if mode == "-" else mode
        if " " in form:
            first, second = form.casefold().split()
            pairs[(first, second)] = (etype, mode)
        else:
            singles.append((form, etype, mode))
    return singles, pairs
