"""Checks on raw input before it reaches the pipeline: each failure is a clear InputError."""
from __future__ import annotations

import re
from datetime import date, datetime

SUPPORTED = {"nb": "Norwegian Bokmål", "nn": "Norwegian Nynorsk"}
MAX_CHARS = 10_000_000
NYNORSK_MARKERS = {"ikkje", "eg", "dei", "frå", "kva", "korleis", "berre", "meir", "mykje", "òg", "vore",
                   "ho", "hjå", "saman", "difor", "sjølv", "seier", "heile", "medan", "fleire",
                   "kvar", "nokon", "noko", "vert", "vart", "ein", "eit"}
BOKMAL_MARKERS = {"ikke", "jeg", "de", "fra", "hva", "hvordan", "bare", "mer", "mye", "også", "vært", "hun",
                  "hos", "sammen", "derfor", "selv", "sier", "hele", "mens", "flere", "hver", "noen", "noe",
                  "blir", "ble", "en", "et"}
# Function words of Norwegian (both written forms; Danish shares most, and langid calls Norwegian
# Danish often enough that Danish is let through either way) and of its nearest other neighbours.
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


def decode(data: bytes, name: str = "input") -> str:
    if not data.strip():
        raise InputError(f"{name}: empty input, nothing to extract")
    if b"\x00" in data[:8192]:
        raise InputError(f"{name}: binary data (NUL bytes), expected UTF-8 text")
    for enc in ("utf-8-sig", "cp1252"):
        try:
            text = data.decode(enc)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - cp1252 decodes almost anything
        raise InputError(f"{name}: not valid UTF-8 or Windows-1252 text")
    return text


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


def detect_language(text: str, name: str = "input") -> str:
    sample = text[:5000]
    words = re.findall(r"[a-zæøåéòôA-ZÆØÅ]+", sample)
    if len(words) < 3:
        return "nb"
    if _plainly_norwegian(words):
        lang = "no"
    else:
        import py3langid as langid  # about 100 MB in memory: only for text that is not plainly Norwegian

        lang, _ = langid.classify(sample)
    if lang not in ("no", "nb", "nn", "da"):
        raise InputError(
            f"{name}: the text looks like '{lang}', not Norwegian; storyline supports "
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
