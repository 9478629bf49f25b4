"""Word lists kept as data (nlp/data/lexicon/NAME.txt: one entry a line, `#` starts a comment),
read once per process. Rules ask `words("first_person")`, never a list of their own."""
from __future__ import annotations

from dataclasses import dataclass
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


Trigger = tuple[str, str | None]  # (PLOVER type, mode)


@dataclass(frozen=True)
class Triggers:
    """The trigger table expanded to forms (triggers.tsv: lemmas, their forms, phrases)."""

    words: dict[str, Trigger]  # a form -> its trigger, the first line that gives it
    compounds: tuple[tuple[frozenset[str], Trigger], ...]  # forms a compound may end in ("*streik")
    phrases: dict[tuple[str, str], Trigger]  # two forms in a row

    def of_type(self, etype: str) -> frozenset[str]:
        """The one-word forms of one type with no mode of their own."""
        return frozenset(w for w, (t, mode) in self.words.items() if t == etype and mode is None)


_PARTICIPLE = ("ende", "ande")  # present participles: adjectives, triggers only where listed


def _inflected(lemma: str, form: str) -> bool:
    """A form a lemma's line brings in without listing it: not a present participle (an
    adjective: "krevende") and not the imperative ("møt": a heading's "Møt kandidatene")."""
    return not form.endswith(_PARTICIPLE) and not (lemma.endswith("e") and form == lemma[:-1])


@cache
def trigger_lines(name: str = "triggers") -> tuple[tuple[str, str | None, str, frozenset[str]], ...]:
    """triggers.tsv line by line: (type, mode, word, the forms it gives), each lemma expanded to
    its forms once (storyline.nlp.lemmatizer.forms_of); a phrase gives itself."""
    from .lemmatizer import forms_of

    lines = [(etype, None if mode == "-" else mode, word.casefold(), specs)
             for etype, mode, word, *specs in rows(name)]
    lemma_forms = forms_of({w.lstrip("*") for _, _, w, _ in lines if " " not in w})
    out = []
    for etype, mode, word, specs in lines:
        lemma = word.lstrip("*")
        forms = {word} if " " in word else {lemma} | {f for f in lemma_forms[lemma] if _inflected(lemma, f)}
        for spec in specs:
            listed = set(spec[1:].split())
            forms = listed if spec[0] == "=" else forms | listed if spec[0] == "+" else forms - listed
        out.append((etype, mode, word, frozenset(forms)))
    return tuple(out)


@cache
def read_triggers(name: str = "triggers") -> Triggers:
    """The trigger table as forms: a form's trigger is that of the first line that gives it."""
    words: dict[str, Trigger] = {}
    compounds, phrases = [], {}
    for etype, mode, word, forms in trigger_lines(name):
        if " " in word:
            phrases[tuple(word.split())] = (etype, mode)
        elif word.startswith("*"):
            compounds.append((forms, (etype, mode)))
        else:
            for form in sorted(forms):
                words.setdefault(form, (etype, mode))
    return Triggers(words, tuple(compounds), phrases)
