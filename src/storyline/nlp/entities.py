"""One entity per real-world referent: NER mentions, demonyms ("russiske" -> Russland) and
name compounds ("EU-land" -> EU) merged, with canonical names, aliases and place links."""
from __future__ import annotations

import bisect
import re
from collections import Counter, defaultdict
from difflib import SequenceMatcher

import spacy
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span, Token
from spacy.util import filter_spans

from ..record.model import Entity, Links, Mention
from ..text import name_key
from .docdata import Cache, MentionIndex
from .gazetteer import (
    INSTITUTION_SUFFIXES,
    MEDIA,
    NORWEGIAN_REGIONS,
    ORG_HEAD_SUFFIXES,
    ORG_LAST_WORDS,
    ORG_NAME_ENDINGS,
    ORGANISATIONS,
    PARTIES,
    REGIONS_BY_KEY,
    countries,
    country_by_code,
    country_names_en,
    demonym_country,
    first_name_gender,
    fold,
    lookup_place,
    name_variants,
    transliterate_to_english,
)
from .lemmatizer import lemma_of
from .lexicon import entries, forms_with, words
from .timex import MONTHS, WEEKDAYS
from .util import text_of

# days and months with their genitive and definite forms: "Torsdagens", "Mars"
CALENDAR_FORMS = {w + end for w in (*WEEKDAYS, *MONTHS) for end in ("", "s", "en", "ens")}

COMPOUND_INSTITUTIONS = tuple(forms_with("organisation_words", "compound"))  # "EU-kommisjonen"
MIN_CITY_POPULATION = 15000  # a lone name NER calls no place is a city only from this size up

TYPE_OF_LABEL = {"PER": "PER", "ORG": "ORG", "GPE_LOC": "GPE", "GPE_ORG": "GPE", "GPE": "GPE", "LOC": "LOC",
                 "PROD": "PROD", "EVT": "EVT", "MISC": "MISC", "FAC": "FAC", "DRV": "GPE"}
ROLE_SUFFIXES = tuple(sorted(words("role_suffixes")))  # nlp/data/lexicon/role_suffixes.txt


COMPASS = frozenset(entries("compass_words"))  # as written: "Troms Nord"


def is_role_word(word: str) -> str | None:
    """The base role of a title noun, definite or not: presidenten -> president."""
    w = word.casefold()
    for form in (w, w[:-2] if w.endswith(("en", "et")) else None, w[:-1] if w.endswith("a") else None):
        if form and form.endswith(ROLE_SUFFIXES):
            return form
    return None


def strip_genitive(name: str, known: set[str]) -> str:
    if name.endswith("s") and len(name) > 2:
        base = name[:-1]
        place = lookup_place(name)
        if base in known or (base.isupper() and len(base) >= 2) or (
                place is not None and place == lookup_place(base) and fold(place.name) != fold(name)):
            return base  # "Kyivs" is Kyiv's genitive; "Hamas" is not Hama's, "Paris" not "Pari"'s
    if name.endswith("'") and len(name) > 2:
        return name[:-1]
    return name


class _Group:
    def __init__(self):
        self.mentions: list[Mention] = []
        self.labels: Counter = Counter()
        self.place = None
        self.names: Counter = Counter()
        self.role: str | None = None
        self.role_country: str | None = None


def _after_org_head(doc: Doc, i: int) -> bool:
    """The token before doc[i] is a noun that introduces an organisation ("selskapet X")."""
    if i == 0:
        return False
    prev = doc[i - 1]
    return (prev.text.islower() or prev.is_sent_start) and prev.text.casefold().endswith(ORG_HEAD_SUFFIXES)


NAME_PARTICLES = words("name_particles")  # "Mohammed bin Salman", "Ursula von der Leyen"
FOREIGN_ARTICLES = frozenset(entries("foreign_articles"))  # "Der Spiegel", as written


def _particle_before(doc: Doc, start: int, covered: set[int]) -> int | None:
    """A person's name starts two or more words earlier: a first name, particles, then this part.
    Norwegian has "de", "den", "der", "da" and "du" as words of its own, so the word before the
    particles must be a first name ("Da de Kari Nordmann …" stays as it is)."""
    i = start - 1
    while i > 0 and doc[i].text in NAME_PARTICLES and i not in covered:
        i -= 1
    if i == start - 1 or i in covered or not doc[i].is_title or not first_name_gender(doc[i].text):
        return None
    return i


def _within_place(doc: Doc, start: int) -> bool:
    """"på Haramsøya i Ålesund kommune": the municipality is where a place lies, not the institution
    ("jobber i Bergen kommune")."""
    return start >= 2 and doc[start - 1].text == "i" and doc[start - 2].is_title and doc[start - 2].pos_ == "PROPN" \
        and not doc[start - 2].is_sent_start


def _particles_after(doc: Doc, ent: Span, covered: set[int]) -> int:
    """Where a person's name ends when NER stopped at or before its particles ("Ursula von")."""
    end = ent.end
    while end > ent.start + 1 and doc[end - 1].text in NAME_PARTICLES:
        end -= 1
    i = end
    while i < len(doc) and doc[i].text in NAME_PARTICLES and i not in covered:
        i += 1
    if i > end and i < len(doc) and i not in covered and doc[i].is_title and first_name_gender(ent[0].text):
        return i + 1
    return end


def _is_calendar_word(text: str) -> bool:
    """A day or month NER took for a name."""
    return text.casefold() in CALENDAR_FORMS


def _coordinated(ent: Span) -> list[Span]:
    """"Røst og Værøy" tagged as one name is two: one capitalised word on each side of "og", and
    not a place of that name ("Møre og Romsdal")."""
    if len(ent) == 3 and ent[1].text == "og" and ent[0].is_title and ent[2].is_title and not lookup_place(ent.text):
        return [ent[:1], ent[2:]]
    return [ent]


# institutions named by a definite common noun, which the text may also use in compounds
DEFINITE_INSTITUTIONS = frozenset(forms_with("organisation_words", "definite"))


class _CommonNouns:
    """Capitalised words whose lower-case form the text itself uses as a common noun, inflected or not
    ("Ferja hadde …" where the article speaks of "en ferje")."""

    def __init__(self, doc: Doc):
        self.doc = doc
        self.lemmas: set[str] | None = None  # built on first use: most texts never need it
        self.words: list[str] = []

    def __contains__(self, tok: Token) -> bool:
        import simplemma

        low = tok.text.casefold()
        if not simplemma.is_known(low, lang="nb") or low.endswith(INSTITUTION_SUFFIXES):
            return False  # "Stortinget", "Utenriksdepartementet" are names however the text writes them
        if self.lemmas is None:  # what storyline_lemmatizer wrote, not lemmatised again
            self.lemmas = {t.lemma_ for t in self.doc if t.is_lower and t.is_alpha}
            self.words = [t.text.casefold() for t in self.doc if t.is_lower and t.is_alpha]
        lemma = lemma_of(low, "nb")
        if lemma in self.lemmas:
            return True
        # or, in its definite form, as the first part of a compound: "Anlegget" where the text has
        # "anleggsarbeidet" (not "Høyre" beside "høyresida", nor "Senatet" beside "senatsvalget")
        return low.endswith(("et", "en", "a", "ene", "ane")) and low not in DEFINITE_INSTITUTIONS and len(lemma) >= 4 \
            and any(w.startswith(lemma) and len(w) >= len(lemma) + 4 for w in self.words)


_ORG_MATCHERS: dict[int, PhraseMatcher] = {}


def _organisations(doc: Doc) -> list[Span]:
    """Known organisations (gazetteer.ORGANISATIONS) in the text, longest first where they overlap."""
    matcher = _ORG_MATCHERS.get(id(doc.vocab))
    if matcher is None:
        tokenizer = spacy.blank("nb").tokenizer
        matcher = PhraseMatcher(doc.vocab, attr="LOWER")
        # and the institutions of a county whose name has "og" in it, which NER cuts at the "og"
        # ("Sogn og | Fjordane tingrett")
        counties = [r for r in NORWEGIAN_REGIONS if " og " in r]
        matcher.add("ORG", [tokenizer(name) for name in (*ORGANISATIONS, *(
            f"{county} {kind}" for county in counties for kind in ORG_LAST_WORDS))])
        _ORG_MATCHERS[id(doc.vocab)] = matcher
    return filter_spans([doc[s:e] for _, s, e in matcher(doc)])


def _city_name(name: str, place) -> bool:
    """Whether a name tagged as a person or organisation is still plainly this city: its own name
    in any spelling ("Zaporizjzja" ~ "Zaporizhzhya") or genitive, or a big city's exonym ("Moskva");
    not one of the thousands of alternate names that collide with organisations ("Hamas" is
    listed for Hamm)."""
    own = fold(place.name)
    keys = {fold(name), fold(transliterate_to_english(name))}
    return place.population >= 1_000_000 or any(
        SequenceMatcher(None, k, own).ratio() >= 0.8 for k in keys | {k[:-1] for k in keys})


def _parsed_genitive(tok) -> bool:
    word = tok.text
    if len(word) < 4 or not word.endswith("s") or tok.morph.get("Case") != ["Gen"]:
        return False
    nxt = tok.doc[tok.i + 1] if tok.i + 1 < len(tok.doc) else None
    if nxt is None or nxt.pos_ not in ("NOUN", "ADJ", "PROPN", "NUM", "DET"):
        return False  # "fra Respons for VG": a genitive owns the noun after it
    # a name that itself ends in -s ("Reuters", "Paris") keeps it
    return fold(word) not in MEDIA and not (lookup_place(word) and not lookup_place(word[:-1]))


def _country_genitive(word: str) -> bool:
    return len(word) > 3 and word.endswith("s") and fold(word[:-1]) in countries()


def _ner_mention(doc: Doc, ent: Span, label: str, covered: set[int]) -> tuple[int, int, str, str] | None:
    """One name NER tagged, trimmed and relabelled where the tagger is known to err: (start_char,
    end_char, label, name), or None where it is no name."""
    if len(ent) > 1 and ent[0].text.casefold().endswith(ORG_HEAD_SUFFIXES) and not (
            len(ent) == 2 and (ent[1].text in COMPASS or lookup_place(ent[1].text))):
        ent = ent[1:]  # "Rederiet Havbrott" tagged as one name: the kind is not part of it
        # (but "Sparebanken Vest", "Sparebanken Møre" are names)
    while len(ent) > 1 and ((ent[0].is_lower and ent[0].pos_ == "NOUN") or (
            label == "PER" and is_role_word(ent[0].text))):
        ent = ent[1:]  # "storbyen Trondheim", "Aktor Hilde Berg": the noun or title is not part of the name
    if len(ent) == 1 and ent[0].text.casefold().endswith(ORG_HEAD_SUFFIXES) and ent.end < len(doc) and (
            doc[ent.end].is_title or doc[ent.end].is_upper):
        return None  # "Forsikringsselskapet Gjensidige": the kind opens the sentence, the name follows
    if label == "ORG" and 2 <= len(ent) <= 3 and all((t.pos_ == "PROPN" and t.is_title) or (
            k and t.text in NAME_PARTICLES) for k, t in enumerate(ent)) \
            and first_name_gender(ent[0].text) and fold(ent.text) not in MEDIA:
        label = "PER"  # "Scott Bessent", "Ursula von" tagged as an organisation: a first name opens it
    if label == "PER":
        ent = _whole_person(doc, ent, covered)
        if len(ent) > 1 and _medium(ent[-1].text):
            ent = ent[:-1]  # "…, lover Svindal Dagbladet.no": whom he told it is no part of his name
        while len(ent) > 1 and ent[-1].is_lower and ent[-1].text not in NAME_PARTICLES:
            ent = ent[:-1]  # "Michael Walchhofer journ.anm.": a note after the name is no part of it
    ent, label = _institution(doc, ent, label, covered)
    if label in ("ORG", "PROD", "MISC", "EVT") and ent.start > 0 and ent.start - 1 not in covered and (
            doc[ent.start - 1].text in FOREIGN_ARTICLES and not doc[ent.start - 1].is_sent_start):
        ent = doc[ent.start - 1:ent.end]  # "Ukemagasinet Der Spiegel": NER took only "Spiegel"
    if len(ent) > 1 and _country_genitive(ent[0].text) and all(t.is_lower for t in ent[1:]):
        ent, label = ent[:1], "GPE_LOC"  # "Ukrainas atomkraftverk": the country, then a common noun
    while len(ent) > 1 and _is_calendar_word(ent[-1].text):
        ent = ent[:-1]  # "Røst onsdag": the weekday is not part of the name
    if len(ent) > 1 and ent[-1].text.casefold() == "sentrum":
        ent, label = ent[:-1], "GPE_LOC"  # "i Førde sentrum": in the town
    text = ent.text.strip("«»\"'()")
    if not text or not any(c.isalpha() for c in text) or _is_calendar_word(text):
        return None
    if not any(c.isupper() or c.isdigit() for c in text) and "." not in text:
        return None  # "ved landets atomkraftverk": a common noun is no name (web addresses may be)
    if len(ent) == 1 and ent[0].is_stop and ent[0].pos_ in ("DET", "PRON", "ADP", "CCONJ", "SCONJ", "AUX"):
        return None  # "Det russiske forsvarsdepartementet" with only "Det" tagged
    if _parsed_genitive(ent[-1]) and text.endswith(ent[-1].text):
        text = text[:-1]  # "Høyres angrep": the party is Høyre, even when named only this once
    if label == "DRV":
        code = demonym_country(text)
        if code is None or ent.root.pos_ in ("VERB", "AUX"):
            return None  # not "å finne ein stad": the verb, not a Finn
        found = ent.start_char, ent.end_char, "DRV", f"iso:{code}"
    elif text.endswith(".") and ent[-1].text[:-1].isdigit() and (
            ent.end == len(doc) or doc[ent.end].is_sent_start or doc[ent.end].is_space):
        # "France 24." at a sentence's end: the tokenizer took the full stop for an ordinal's
        found = ent.start_char, ent.end_char - 1, label, text[:-1]
    else:
        found = ent.start_char, ent.end_char, label, text
    covered.update(range(ent.start, ent.end))
    return found


def _whole_person(doc: Doc, ent: Span, covered: set[int]) -> Span:
    """A person's name where NER took a part of it."""
    while ent.start > 0 and ent.start - 1 not in covered and doc[ent.start - 1].pos_ == "PROPN" \
            and doc[ent.start - 1].is_title and not doc[ent.start - 1].is_sent_start \
            and not is_role_word(doc[ent.start - 1].text):
        ent = doc[ent.start - 1:ent.end]  # "visestatsminister He Lifeng": NER took only "Lifeng"
    # "Mohammed bin Salman", "Ursula von der Leyen"
    first = _particle_before(doc, ent.start, covered)
    return doc[first if first is not None else ent.start:_particles_after(doc, ent, covered)]


def _institution(doc: Doc, ent: Span, label: str, covered: set[int]) -> tuple[Span, str]:
    """The name of an institution: its kind after it ("Bergen kommune"), and an organisation's
    label where the tagger gave another."""
    if len(ent) > 1 and ent[-1].text == "kommune" and _within_place(doc, ent.start):
        ent, label = ent[:-1], "GPE_LOC"
    if ent.end < len(doc) and doc[ent.end].text in ORG_LAST_WORDS and ent.end not in covered and not (
            doc[ent.end].text == "kommune" and _within_place(doc, ent.start)):
        ent = doc[ent.start:ent.end + 1]  # "Hålogaland lagmannsrett", "Bergen kommune": the institution
    last = ent[-1].text.casefold()
    if _after_org_head(doc, ent.start) or len(ent) > 1 and (last in ORG_LAST_WORDS or any(
            last.endswith(x) and len(last) > len(x) + 2 for x in ORG_NAME_ENDINGS)):
        label = "ORG"
    elif label == "PER" and (
            (len(ent) > 1 and fold(ent[-1].text) in countries())  # "Eiendom Norge", "Amnesty Sverige"
            or (len(ent) == 1 and any(fold(ent.text).endswith(x) and len(ent.text) > len(x) + 2
                                      for x in ("banken", "selskapet", "partiet", *INSTITUTION_SUFFIXES)))):
        label = "ORG"  # "Handelsbanken", "Kremlpalasset": no person's name ends so
    return ent, label


def _token_mentions(doc: Doc, raw: list[tuple[int, int, str, str]], covered: set[int]) -> None:
    """Names NER missed, a token at a time: organisations before a title or a kind of institution,
    demonyms, countries, media, institutions, acronyms in brackets."""
    for tok in doc:
        head, _, tail = tok.text.partition("-")
        if tok.i not in covered and tail and head[:1].isupper() and head.isalpha() and is_role_word(tail) and (
                head.casefold() not in words("title_prefixes")):
            # "Høyre-leder", "NHO-sjef": the organisation the title belongs to is named
            raw.append((tok.idx, tok.idx + len(head), "ORG", head))
            covered.add(tok.i)
        nxt = doc[tok.i + 1] if tok.i + 1 < len(doc) else None
        if tok.i not in covered and tok.text[:1].isupper() and tok.text.replace("-", "").isalpha() and (
                nxt is not None and nxt.i not in covered and nxt.text in ORG_LAST_WORDS):
            # "Sør-Vest politidistrikt", "Bergen kommune": a name and the kind of institution it is
            raw.append((tok.idx, nxt.idx + len(nxt.text), "ORG", doc[tok.i:nxt.i + 1].text))
            covered.update((tok.i, nxt.i))
        if tok.i not in covered and tok.text[:1].isupper() and WEB_SUFFIX.search(tok.text) and _medium(tok.text):
            raw.append((tok.idx, tok.idx + len(tok.text), "ORG", tok.text))  # "Dagbladet.no"
            covered.add(tok.i)
        if tok.i in covered or not tok.is_alpha:
            continue
        code = demonym_country(tok.text) if tok.pos_ not in ("VERB", "AUX") else None
        if code and (tok.is_lower or tok.is_sent_start or tok.is_title):
            raw.append((tok.idx, tok.idx + len(tok.text), "DRV", f"iso:{code}"))
        elif tok.is_title or tok.is_upper:
            _missed_name(doc, tok, raw, covered)


WEB_SUFFIX = re.compile(r"\.(?:no|com|se|dk|net)$")


def _medium(word: str) -> bool:
    """A news organisation, or its web address: "Dagbladet", "Dagbladet.no"."""
    return WEB_SUFFIX.sub("", fold(word)) in MEDIA


CLOSED_CLASS = frozenset({"PRON", "DET", "ADP", "AUX", "CCONJ", "SCONJ", "PART", "ADV"})


def _missed_name(doc: Doc, tok: Token, raw: list[tuple[int, int, str, str]], covered: set[int]) -> None:
    """A capitalised word NER missed that names a country, a medium or an institution ("Utenriksdepartementet")."""
    key = fold(tok.text)
    if _after_org_head(doc, tok.i):
        end = tok.i + 1
        while end < len(doc) and end not in covered and (doc[end].is_title or doc[end].is_upper):
            end += 1
        raw.append((tok.idx, doc[end - 1].idx + len(doc[end - 1].text), "ORG", doc[tok.i:end].text))
        covered.update(range(tok.i, end))
    elif (key in countries() or (key.endswith("s") and key[:-1] in countries())) and (
            tok.pos_ not in CLOSED_CLASS):  # "– Man kan se …" opens with a pronoun, not Isle of Man
        raw.append((tok.idx, tok.idx + len(tok.text), "GPE_LOC", tok.text))
    elif tok.is_upper and 2 <= len(tok.text) <= 6 and 0 < tok.i < len(doc) - 1 and \
            doc[tok.i - 1].text == "(" and doc[tok.i + 1].text == ")":
        raw.append((tok.idx, tok.idx + len(tok.text), "ORG", tok.text))  # "Helsedirektoratet (HDIR)"
    elif _medium(tok.text) and not tok.is_sent_start:
        raw.append((tok.idx, tok.idx + len(tok.text), "ORG", tok.text))
    elif any(key.endswith(x) and len(key) >= len(x) + 3 for x in INSTITUTION_SUFFIXES):
        raw.append((tok.idx, tok.idx + len(tok.text), "ORG", tok.text))


def _raw_mentions(doc: Doc) -> tuple[list[tuple[int, int, str, str]], set[int]]:
    """Every name the text has, before they are grouped into entities: (start_char, end_char,
    label, name), and the tokens they cover."""
    raw: list[tuple[int, int, str, str]] = []
    covered: set[int] = set()
    ent_at = {e.start: e for e in doc.ents}
    for span in _organisations(doc):  # before NER, which splits these names
        longer = ent_at.get(span.start)
        if longer is not None and longer.end > span.end and longer[-1].is_title:
            span = longer  # "DNB Markets": the known name is the start of a longer one
        raw.append((span.start_char, span.end_char, "ORG", span.text))
        covered.update(range(span.start, span.end))
    # words a text also capitalises mid-sentence are names there ("stemte på Høyre"), whatever else
    name_words = {t.text for e in doc.ents if len(e) > 1 for t in e} | {
        t.text for t in doc if t.is_title and not t.is_sent_start and t.i and not doc[t.i - 1].is_punct}
    common = _CommonNouns(doc)
    for whole in doc.ents:
        if any(i in covered for i in range(whole.start, whole.end)):
            continue
        if len(whole) == 1 and whole[0].is_sent_start and whole.text not in name_words and whole[0] in common:
            continue  # "Ferja hadde 148 passasjerer": a common noun opening a sentence, not a name
        if len(whole) == 1 and whole.label_ == "PER" and whole[0].is_sent_start and whole[0].pos_ == "NOUN" and (
                "Plur" in whole[0].morph.get("Number") or "Def" in whole[0].morph.get("Definite")):
            continue  # "Journalister som …", "Grovavfallsplassen har …": no person's name is plural or definite
        for ent in _coordinated(whole):
            found = _ner_mention(doc, ent, whole.label_, covered)
            if found is not None:
                raw.append(found)
    _token_mentions(doc, raw, covered)
    return raw, covered


def _titled_names(doc: Doc, raw: list[tuple[int, int, str, str]]) -> set[str]:
    """Names of one or two words right after a person's title in lower case: "president Obama",
    "president Macron" are people whatever NER calls them (not "ordføraren i Molde")."""
    out = set()
    for start, _, _, name in raw:
        tokens = doc.char_span(start, start + 1, alignment_mode="expand")
        if tokens is None or not len(tokens) or tokens[0].i == 0 or len(name.split()) > 2:
            continue
        before = doc[tokens[0].i - 1]
        if before.is_lower and is_role_word(before.text) and name[:1].isupper():
            out.add(name)
    return out


def _person_owners(raw: list[tuple[int, int, str, str]], known: set[str]) -> dict[tuple[str, ...], str]:
    """The words of a person's name -> the full name they stand for."""
    # persons: a shorter name that ends a longer one is the same person (Putin ~ Vladimir Putin);
    # the longest name registers its endings first, so every ending maps to its longest owner
    # (two people who share a surname: it is the one named first's, "Bill Clinton … Hillary Clinton")
    first_seen: dict[str, int] = {}
    for start, _, lab, n in sorted(raw):
        if lab == "PER":
            first_seen.setdefault(strip_genitive(n, known), start)
    per_names = sorted(first_seen, key=lambda n: (-len(n.split()), first_seen[n]))
    owner: dict[tuple[str, ...], str] = {}
    for full in per_names:
        toks = tuple(full.split())
        owner.setdefault(toks, full)
        for k in range(1, len(toks)):
            owner.setdefault(toks[-k:], owner[toks])

    # a first name alone is the one person of the article who has it ("Aksel" ~ Aksel Lund Svindal,
    # "Berit" ~ Berit Hårklau), as sports and local news write; not when two share it. So is a
    # name's first word NER calls a person by itself ("Kim" ~ Kim Jong-il: the family name first)
    singles = {n for n in per_names if " " not in n}
    by_first = defaultdict(set)
    for full in per_names:
        if len(full.split()) > 1 and (first_name_gender(full.split()[0]) or full.split()[0] in singles):
            by_first[full.split()[0]].add(owner[tuple(full.split())])
    for first, fulls in by_first.items():
        if len(fulls) == 1 and owner.get((first,), first) == first:
            owner[(first,)] = next(iter(fulls))
    return owner


@Language.factory("storyline_entities", default_config={"min_city_population": MIN_CITY_POPULATION},
                  assigns=["doc._.entities", "doc._.mention_index"], requires=["doc.ents", "token.pos", "token.dep"])
def create_entities(nlp: Language, name: str, min_city_population: int):
    """`min_city_population`: how large a place must be for a lone name NER calls no place
    ("Molde", "Moss") to be that city."""
    def entities_component(doc: Doc) -> Doc:
        return entities(doc, min_city_population)

    return entities_component


def entities(doc: Doc, min_city_population: int = MIN_CITY_POPULATION) -> Doc:
    """The entities of a doc, each with its mentions, and the index of those mentions."""
    raw, covered = _raw_mentions(doc)
    _unmatched_person_mentions(doc, raw, covered)
    known = {name for _, _, lab, name in raw if lab != "DRV"}
    groups: dict[str, _Group] = defaultdict(_Group)
    key_of_name: dict[str, str] = {}

    # a name NER calls a place somewhere in the text is that place where it calls it a person
    # ("Gaupne") or an organisation ("EGERSUND" in a byline)
    named_places = {fold(n) for _, _, lab, n in raw if lab in ("GPE_LOC", "GPE_ORG", "LOC")}
    titled = _titled_names(doc, raw)

    def key_for(label: str, name: str) -> tuple[str, object]:
        if name.startswith("iso:"):
            return name, country_by_code(name[4:])
        name = PARTIES.get(fold(name), strip_genitive(name, known))
        if _medium(name):
            return f"name:{name.casefold()}", None
        place = lookup_place(name) if name[:1].isupper() else None
        if name in titled and not (place is not None and (place.is_country or place.is_region)):
            place = None  # "president Obama": a person, not the town in Japan
        if len((person_of(name) or "").split()) > 1 and (label == "PER" or not (
                place is not None and (place.is_country or place.is_region))):
            # "Anne Viken … Viken meiner": the surname of a person named in full, not the county,
            # whatever NER calls it ("Clinton" after Bill Clinton is no town in the US)
            return f"name:{person_of(name).casefold()}", None
        if place is not None and (place.is_country or place.is_region or label in ("GPE_LOC", "GPE_ORG", "LOC", "GPE")
                                  or fold(name) in named_places or (
                label in ("PROD", "MISC", "EVT") and len(name.split()) > 1) or (
                len(name.split()) == 1 and place.population >= min_city_population and person_of(name) in (None, name)
                and _city_name(name, place))):
            return place.key, place
        person = person_of(name)
        if person:  # "Putin" tagged ORG here and PER elsewhere is still the person
            return f"name:{person.casefold()}", None
        return f"name:{name.casefold()}", None

    owner = _person_owners(raw, known)

    def person_of(name: str) -> str | None:
        return owner.get(tuple(name.split()))

    # a surname alone where NER missed it ("Scholz møtte …") is the person named in full before
    for tok in doc:
        if tok.i in covered or not tok.is_title:
            continue
        word = tok.text.rstrip("'")
        full = person_of(word) or (person_of(word[:-1]) if word.endswith("s") else None)
        if full and len(full.split()) > 1:
            raw.append((tok.idx, tok.idx + len(tok.text), "PER", full))
            covered.add(tok.i)

    for start, end, label, name in sorted(raw):
        if name in titled and label in ("GPE_LOC", "GPE_ORG", "LOC"):
            label = "PER"
        key, place = key_for(label, name)
        if _medium(name) or _medium(strip_genitive(name, known)):
            label = "ORG"
        g = groups[key]
        g.mentions.append(Mention(start=start, end=end, text=text_of(doc)[start:end], label=label))
        g.labels[label] += 1
        if place is not None:
            g.place = place
        if label != "DRV":
            base = strip_genitive(name, known)
            base = PARTIES.get(fold(base), base)  # "Sp" is named Senterpartiet
            g.names[(person_of(base) if place is None else None) or base] += 1  # a place keeps its own name
        key_of_name.setdefault(strip_genitive(text_of(doc)[start:end], known), key)

    _merge_acronym_appositions(doc, groups)
    _merge_spelled_acronyms(groups)
    _merge_definite_heads(groups)
    _add_compound_mentions(doc, groups, key_of_name)
    _add_roles(doc, groups)

    out: list[Entity] = []
    index: list[tuple[int, int, str]] = []
    for _key, g in sorted(groups.items(), key=lambda kv: min(m.start for m in kv[1].mentions)):
        eid = f"e{len(out) + 1}"
        out.append(_entity(eid, g))
        index += [(m.start, m.end, eid) for m in g.mentions]
    _places_named_as_others(doc, out)
    _countries_of_contained_places(text_of(doc), out, sorted(index))
    _norwegian_places(out)
    doc._.entities = out
    doc._.mention_index = MentionIndex(sorted(index))
    doc.user_data.pop("storyline_entities_by_id", None)
    return doc


def _countries_of_contained_places(text: str, ents: list[Entity], index: list[tuple[int, int, str]]) -> None:
    """"Haramsøya i Ålesund", "El Fasher i Nord-Darfur": a place named as lying in another is in
    the same country. The gazetteer knows cities and countries, not islands or regions, so the one
    it knows gives the other its country (a region from a city only: "Oslo i Norge" says nothing
    of Norway's country)."""
    by_id = {e.id: e for e in ents}
    for (_, e1, a), (s2, _, b) in zip(index, index[1:], strict=False):
        inner, outer = by_id[a], by_id[b]
        if a == b or text[e1:s2] != " i " or {inner.type, outer.type} - {"GPE", "LOC"}:
            continue
        if inner.links.iso3166 is None and outer.links.iso3166:
            inner.links.iso3166 = outer.links.iso3166
        elif outer.links.iso3166 is None and inner.links.iso3166 and inner.links.geonames:
            outer.links.iso3166 = inner.links.iso3166


def _after_place_preposition(text: str, start: int, preps: frozenset[str]) -> bool:
    """A name right after a place preposition, or in a list of names that follows one: "til Grotli",
    "mellom Tafjord og Grotli", "i Fjørå, Valldal, Norddal og Eidsdal"."""
    before = text[max(0, start - 120):start].split()
    k = len(before) - 1
    if k < 0:
        return False
    if before[k].casefold() in preps:
        return True
    if before[k].casefold() in ("og", "eller"):
        k -= 1
    elif not before[k].endswith(","):
        return False
    for _ in range(6):  # back over the names of the list, to the preposition that opens it
        if k < 0 or not before[k][:1].isupper() or before[k].endswith((".", "!", "?", ":")):
            return False  # not a name, or the sentence before
        k -= 1
        if k >= 0 and before[k].casefold() in preps:
            return True
    return False


def _places_named_as_others(doc: Doc, ents: list[Entity]) -> None:
    """"frå Bygstad", "til Grotli og Eidsdal": a one-word name NER took for a person, never a first
    name nor a -sen surname, that stands after a place preposition wherever the article names it, is
    a place (local news names villages no model saw). Not organisations: "i Stortinget"."""
    text = text_of(doc)
    preps = words("place_prepositions")
    person_words = {w for e in ents if e.type == "PER" and " " in e.name for w in e.name.split()}
    for e in ents:
        if e.type != "PER" or " " in e.name or e.links.iso3166 or first_name_gender(e.name) or (
                e.name.isupper() or e.name.endswith(("sen", "son")) or e.name in person_words):
            continue  # "til Kim" after "Kim Jong-il": the person
        if all(_after_place_preposition(text, m.start, preps) for m in e.mentions):
            e.type = "LOC"
    endings = tuple(words("norwegian_place_endings"))
    for e in ents:
        # "Tafjordfjella", "Sognefjorden" taken for an organisation: a name of a Norwegian landscape's
        # shape is a place (not a person's: Haugen and Holmen are surnames)
        if e.type == "ORG" and " " not in e.name and not e.links.iso3166 and any(
                e.name.casefold().endswith(x) and len(e.name) > len(x) + 2 for x in endings):
            e.type = "LOC"


def _norwegian_places(ents: list[Entity]) -> None:
    """A place the gazetteer does not know lies in Norway when the article's known places do (or it
    names none), or when its name is Norwegian in shape ("Førdefjorden", "Holsen", "Mjonøy"): local
    news names farms, fjords and villages no gazetteer has. A municipality ("Gaular kommune") too."""
    known = Counter(e.links.iso3166 for e in ents if e.type == "GPE" and e.links.iso3166)
    home = not known or known.most_common(1)[0][0] == "NO"
    endings = tuple(words("norwegian_place_endings"))
    for e in ents:
        if e.links.iso3166 is not None:
            continue
        name = e.name.casefold()
        municipality = name.endswith(" kommune") and fold(name.removesuffix(" kommune")) in REGIONS_BY_KEY
        if e.type not in ("GPE", "LOC", "FAC") and not municipality or name in words("world_regions"):
            continue
        if municipality or home or any(c in name for c in "æøå") or name.endswith(endings):
            e.links.iso3166 = "NO"


def _unmatched_person_mentions(doc: Doc, raw: list, covered: set[int]) -> None:
    """A surname NER found as a person, where NER missed it elsewhere: "Regjeringstalsmann Hiroshi
    Tanaka sa …" before "…, sa Tanaka". The names written before it are the person's first names."""
    surnames = {name.split()[-1] for _, _, lab, name in raw if lab == "PER"}
    for tok in doc:
        if tok.i in covered or tok.text not in surnames or not tok.is_title:
            continue
        start = tok.i
        while start > 0 and start - 1 not in covered and doc[start - 1].is_title and doc[start - 1].pos_ == "PROPN" \
                and not is_role_word(doc[start - 1].text):
            start -= 1
        span = doc[start:tok.i + 1]
        raw.append((span.start_char, span.end_char, "PER", span.text))
        covered.update(range(span.start, span.end))


def _merge_acronym_appositions(doc: Doc, groups: dict[str, _Group]) -> None:
    """"Det internasjonale atomenergibyrået IAEA", "Statistisk sentralbyrå (SSB)": an ORG directly
    followed by its acronym."""
    by_start = {m.start: (k, m) for k, g in groups.items() for m in g.mentions}
    text = text_of(doc)
    for k, g in list(groups.items()):
        if k not in groups:
            continue
        for m in list(g.mentions):
            nxt = by_start.get(m.end + 2) if text[m.end:m.end + 2] == " (" else by_start.get(m.end + 1)  # "… (SSB)"
            bracketed = text[m.end:m.end + 2] == " (" and nxt is not None and nxt[1].text[:1] == m.text[:1]
            if nxt and nxt[0] != k and nxt[1].text.isupper() and len(nxt[1].text) <= 6 and (
                    len(m.text.split()) > 1 or bracketed):  # "Folkehelseinstituttet (FHI)"
                other = groups.pop(nxt[0], None)
                if other:
                    g.mentions += other.mentions
                    g.labels += other.labels
                    g.names += other.names
                    g.mentions.sort(key=lambda x: x.start)


ACRONYM_SKIPS = frozenset(("i", "og", "for", "av", "til", "på"))


def spells(acronym: str, name: str) -> bool:
    """Whether an acronym takes one letter from the start of each word of a name of two words or
    more (but "i", "og", …), and maybe more from inside a compound ("SFT": Statens
    Forureinings-tilsyn; "SSB": Statistisk sentral-byrå)."""
    parts = [w.casefold() for w in name.replace("-", " ").split() if w.casefold() not in ACRONYM_SKIPS]
    letters = acronym.casefold()
    if len(parts) < 2 or not 2 <= len(letters) <= 6:
        return False

    def match(a: int, w: int) -> bool:
        if w == len(parts):
            return a == len(letters)
        if a == len(letters) or parts[w][0] != letters[a]:
            return False
        word, a, pos = parts[w], a + 1, 0
        while True:
            if match(a, w + 1):
                return True
            pos = word.find(letters[a], max(pos + 1, 4)) if a < len(letters) else -1
            if pos < 0:
                return False
            a += 1

    return match(0, 0)


def _merge_spelled_acronyms(groups: dict[str, _Group]) -> None:
    """"Statens Forureiningstilsyn … SFT" apart in the text: the acronym is the organisation whose
    name it spells, when one organisation's does."""
    orgs = {k: g for k, g in groups.items() if g.place is None and g.labels.most_common(1)[0][0] == "ORG"}
    for k, g in list(orgs.items()):
        names = set(g.names)
        if len(names) != 1 or not next(iter(names)).isupper():
            continue
        acronym = next(iter(names))
        full = [j for j, h in orgs.items() if j != k and j in groups and any(spells(acronym, n) for n in h.names)]
        if len(full) == 1:
            other = groups[full[0]]
            other.mentions = sorted(other.mentions + g.mentions, key=lambda x: x.start)
            other.labels += g.labels
            other.names += g.names
            del groups[k]


def definite_of(noun: str, word: str) -> bool:
    """Whether a word is the singular definite form of a noun ("rådet", "kommunestyret",
    "komiteen"), accents aside."""
    noun, word = fold(noun).casefold(), fold(word).casefold()
    rest = word[len(noun):] if word.startswith(noun) else None
    return rest in ("et", "en", "a") or (noun.endswith("e") and rest in ("t", "n"))


def _merge_definite_heads(groups: dict[str, _Group]) -> None:
    """"FNs sikkerhetsråd … Sikkerhetsrådet", "Nissedal kommunestyre … Kommunestyret": one word
    that is the definite form of the last word of one organisation's name is that organisation."""
    orgs = {k: g for k, g in groups.items() if g.place is None and g.labels.most_common(1)[0][0] == "ORG"}
    for k, g in orgs.items():
        names = set(g.names)
        if len(names) != 1 or len((word := next(iter(names))).split()) != 1:
            continue
        full = [j for j, h in orgs.items() if j != k and j in groups and any(
            len(n.split()) > 1 and definite_of(n.split()[-1], word) for n in h.names)]
        if len(full) == 1:
            other = groups[full[0]]
            other.mentions = sorted(other.mentions + g.mentions, key=lambda x: x.start)
            other.labels += g.labels
            del groups[k]


def _add_compound_mentions(doc: Doc, groups: dict[str, _Group], key_of_name: dict[str, str]) -> None:
    """Hyphen compounds whose first part is a known entity: "EU-land", "NATO-landene"."""
    taken = {(m.start, m.end) for g in groups.values() for m in g.mentions}
    for tok in doc:
        if "-" not in tok.text or (tok.idx, tok.idx + len(tok)) in taken:
            continue
        head = tok.text.split("-", 1)[0]
        tail = tok.text.split("-", 1)[1]
        key = key_of_name.get(head)
        if ((key and key in groups) or (head.isupper() and len(head) > 1)) and \
                tail.casefold().startswith(COMPOUND_INSTITUTIONS):
            # "EU-kommisjonen" is an organisation of its own, not a mention of EU
            g = groups[f"name:{tok.text.casefold()}"]
            g.mentions.append(Mention(start=tok.idx, end=tok.idx + len(tok), text=tok.text, label="ORG"))
            g.labels["ORG"] += 1
            g.names[tok.text] += 1
        elif key and key in groups and tail[:1].islower():
            g = groups[key]
            label = g.labels.most_common(1)[0][0]
            g.mentions.append(Mention(start=tok.idx, end=tok.idx + len(tok), text=tok.text, label=label))
            g.mentions.sort(key=lambda x: x.start)


def _add_roles(doc: Doc, groups: dict[str, _Group]) -> None:
    """Titles in front of names: "Frankrikes president Emmanuel Macron" -> role president, FR."""
    code_of_start = {}
    for k, g in groups.items():
        if k.startswith("iso:"):
            for m in g.mentions:
                code_of_start[m.start] = k[4:]
    for g in groups.values():
        if g.labels.most_common(1)[0][0] != "PER":
            continue
        for m in g.mentions:
            span = doc.char_span(m.start, m.end, alignment_mode="expand")
            if span is None or span.start == 0:
                continue
            prev = doc[span.start - 1]
            role = is_role_word(prev.text)
            if not role:
                continue
            g.role = g.role or role
            if prev.i > 0:
                before = doc[prev.i - 1]
                code = code_of_start.get(before.idx) or demonym_country(before.text)
                if code:
                    g.role_country = code


def _entity(eid: str, g: _Group) -> Entity:
    label = g.labels.most_common(1)[0][0]
    etype = TYPE_OF_LABEL.get(label, "MISC")
    if g.place is not None:  # a country or a city (GeoNames) is a GPE, whatever NER called it
        etype = "GPE"
    elif label == "GPE_ORG":  # a "place acting as an organisation" we know no place of: "Statnett"
        etype = "ORG"
    if g.names:
        name = max(g.names, key=lambda n: (len(n.split()) if label == "PER" else 0, g.names[n], -len(n)))
    elif g.place is not None:
        name = g.place.name
    else:
        name = g.mentions[0].text
    aliases: list[str] = []
    links = Links()
    if g.place is not None:
        links = Links(iso3166=g.place.iso3166, geonames=g.place.geonames, latitude=g.place.lat, longitude=g.place.lon)
        en = country_names_en().get(g.place.iso3166) if g.place.is_country else g.place.name
        aliases += [a for a in (g.place.name, en) if a]
    aliases += name_variants(name)
    aliases += [n for n in g.names if n != name]
    seen, uniq = {name}, []
    for a in aliases:
        if a not in seen:
            seen.add(a)
            uniq.append(a)
    role = g.role
    if role and g.role_country:
        role = f"{role}:{g.role_country}"
    key = g.place.key if g.place is not None else name_key(name)
    return Entity(id=eid, type=etype, name=name, aliases=uniq, links=links, mentions=g.mentions, role=role, key=key)


def mentions_between(doc: Doc, start_char: int, end_char: int) -> list[tuple[int, int, str]]:
    """Mentions lying inside a character range (binary search: documents may be large)."""
    idx = doc._.mention_index
    i = bisect.bisect_left(idx, (start_char, -1, ""))
    out = []
    while i < len(idx) and idx[i][0] < end_char:
        if idx[i][1] <= end_char:
            out.append(idx[i])
        i += 1
    return out


def entity_at(doc: Doc, start_char: int, end_char: int) -> str | None:
    """The entity id of the first mention overlapping a character range."""
    idx = doc._.mention_index
    i = max(0, bisect.bisect_left(idx, (start_char, -1, "")) - 1)
    while i < len(idx) and idx[i][0] < end_char:
        if idx[i][1] > start_char:
            return idx[i][2]
        i += 1
    return None


def entity_of_token(doc: Doc, tok: Token) -> str | None:
    return entity_at(doc, tok.idx, tok.idx + len(tok.text))


def entity_by_id(doc: Doc, eid: str | None) -> Entity | None:
    cached = doc.user_data.get("storyline_entities_by_id")
    if cached is None or len(cached.value) != len(doc._.entities):
        cached = doc.user_data["storyline_entities_by_id"] = Cache({e.id: e for e in doc._.entities})
    return cached.value.get(eid) if eid else None
