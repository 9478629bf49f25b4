"""Checks on raw input before it reaches the pipeline: each failure is a clear InputError."""
from __future__ import annotations

import codecs
import re
from datetime import date, datetime

from ..nlp.lexicon import table

SUPPORTED = {"nb": "Norwegian Bokmål", "nn": "Norwegian Nynorsk"}
MAX_CHARS = 10_000_000
MAX_WORD = 45  # letters: Norwegian compounds run long ("sykehusbehandlingskostnadene"), never this long
NYNORSK_MARKERS = {"ikkje", "eg", "dei", "frå", "kva", "korleis", "berre", "meir", "mykje", "òg", "vore",
                   "ho", "hjå", "saman", "difor", "sjølv", "seier", "heile", "medan", "fleire",
                   "kvar", "nokon", "noko", "vert", "vart", "ein", "eit"}
BOKMAL_MARKERS = {"ikke", "jeg", "de", "fra", "hva", "hvordan", "bare", "mer", "mye", "også", "vært", "hun",
                  "hos", "sammen", "derfor", "selv", "sier", "hele", "mens", "flere", "hver", "noen", "noe",
                  "blir", "ble", "en", "et"}
# Function words of Norwegian (both written forms; Danish shares most, and langid calls Norwegian
# Danish often, so Danish is told apart by its own spellings, `_danish`) and of its nearest other
# neighbours.
NORWEGIAN_WORDS = {"og", "i", "på", "det", "som", "er", "av", "til", "for", "med", "har", "at", "ikke",
                   "ikkje", "ble", "blei", "vart", "den", "de", "dei", "om", "fra", "frå", "etter", "mot",
                   "også", "òg", "men", "seg", "sier", "seier", "sa", "var", "vil", "kan", "skal", "å"}
OTHER_WORDS = {"och", "inte", "är", "att", "från", "också", "jag", "the", "and", "of", "is", "und",
               "die", "das", "ist", "nicht", "est", "los", "que"}


class InputError(ValueError):
    """Input that cannot be processed; the message says why and what is supported."""


class ExtractionError(InputError):
    """An article the pipeline failed on (a fault of ours, not of the input): reported for that
    article alone, its batch goes on."""


# byte-order marks, longest first (UTF-32's LE mark begins with UTF-16's)
BOMS = [(codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")]


LEGACY_ENCODINGS = ["cp1252", "iso8859_15", "latin_1"]


def decode(data: bytes, name: str = "input") -> str:
    """Text from bytes: by the byte-order mark when there is one, else UTF-8, else the encoding
    charset-normalizer finds among Windows-1252, Latin-9 and Latin-1 (old Norwegian pages)."""
    if not data.strip():
        raise InputError(f"{name}: empty input, nothing to extract")
    for bom, enc in BOMS:
        if data.startswith(bom):
            try:
                return data.decode(enc).removeprefix("\ufeff")
            except UnicodeDecodeError as e:
                raise InputError(f"{name}: starts as {enc.upper()} text but is not ({e.reason} at byte "
                                 f"{e.start})") from None
    if b"\x00" in data[:8192]:
        raise InputError(f"{name}: binary data (NUL bytes), expected text")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    # among the encodings Norwegian text comes in: left to choose from all, it reads a short
    # Windows-1252 "Bodø" as Central European "Bodř"
    best = from_bytes(data[:1_000_000], cp_isolation=LEGACY_ENCODINGS).best()
    for encoding in ([best.encoding] if best else []) + ["cp1252"]:  # too few bytes to judge: Windows-1252
        try:
            return data.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
    raise InputError(f"{name}: not text: neither UTF-8 nor any of {', '.join(LEGACY_ENCODINGS)}")


def check_text(text: str, name: str = "input") -> str:
    """The language code of a text we can process, or an InputError."""
    if text.startswith("\ufeff"):
        text = text[1:]
    if not text.strip():
        raise InputError(f"{name}: empty input, nothing to extract")
    if len(text) > MAX_CHARS:
        raise InputError(f"{name}: {len(text):,} characters is over the limit of {MAX_CHARS:,}")
    controls = sum(1 for c in text[:10000] if ord(c) < 32 and c not in "\n\r\t")
    if controls > 0.01 * min(len(text), 10000):
        raise InputError(f"{name}: looks like binary data, expected text")
    return detect_language(text, name)


def _plainly_norwegian(words: list[str]) -> bool:
    low = [w.casefold() for w in words]
    own = sum(w in NORWEGIAN_WORDS for w in low)
    other = sum(w in OTHER_WORDS for w in low)
    return len(low) >= 20 and own >= 0.2 * len(low) and other * 10 <= own


def language_name(code: str) -> str:
    from babel import Locale

    return Locale("en").languages.get(code, code)


def _danish(words: list[str]) -> bool:
    """Danish writes "af", "efter", "blev" where Norwegian writes "av", "etter", "ble"
    (lexicon/danish_forms.tsv): language identification tells the two apart badly."""
    forms = table("danish_forms")
    norwegian = set(forms.values())
    low = [w.casefold() for w in words]
    da = sum(w in forms for w in low)
    no = sum(w in norwegian for w in low)
    return da >= 3 and da > 2 * no


def detect_language(text: str, name: str = "input") -> str:
    sample = text[:5000]
    words = [w for w in re.findall(r"[a-zæøåéòôA-ZÆØÅ]+", sample) if len(w) <= MAX_WORD]
    if len(words) < 3:
        if len(text.strip()) > 200:  # a page of one "word" a million letters long is no article
            raise InputError(f"{name}: {len(text.strip()):,} characters but no words: not an article")
        return "nb"  # a headline or a line too short to tell: the pipeline's default
    if _plainly_norwegian(words):
        lang = "no"
    else:
        import py3langid as langid  # about 100 MB in memory: only for text that is not plainly Norwegian

        lang, _ = langid.classify(sample)
    if lang in ("no", "nb", "nn", "da"):  # langid takes one for the other: Danish spellings decide
        lang = "da" if _danish(words) else lang if lang != "da" else "no"
    if lang not in ("no", "nb", "nn"):
        raise InputError(
            f"{name}: the text looks like {language_name(lang)} ('{lang}'), not Norwegian; storyline supports "
            + ", ".join(f"{k} ({v})" for k, v in SUPPORTED.items())
        )
    low = [w.casefold() for w in words]
    nn = sum(w in NYNORSK_MARKERS for w in low)
    nb = sum(w in BOKMAL_MARKERS for w in low)
    return "nn" if lang == "nn" or nn > nb else "nb"


def parse_published(value: str | date | None) -> date | None:
    if value is None or isinstance(value, date):
        return value
    v = value.strip()
    try:
        return datetime.fromisoformat(v.replace("Z", "+00:00")).date() if "T" in v else date.fromisoformat(v)
    except ValueError:
        raise InputError(f"--published {value!r}: expected an ISO date like 2022-03-03 or 2022-03-03T14:05") from None
