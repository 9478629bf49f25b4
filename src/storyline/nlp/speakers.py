"""Who is talking: resolving a speaker phrase ("sa Zelenskyj", "sa han", "den franske
presidenten", "ukrainske myndigheter") to an entity, with the person in focus for pronouns."""
from __future__ import annotations

import bisect
import json
import math
from functools import lru_cache
from pathlib import Path

from spacy.tokens import Doc

from .docdata import Cache
from .entities import entity_by_id, is_role_word, mentions_between
from .gazetteer import demonym_country, first_name_gender
from .lexicon import forms_with, words
from .sources import ACCORDING_TO
from .util import text_of

PRONOUNS = frozenset(forms_with("pronouns", "person"))  # lexicon/pronouns.tsv
SUBJECT_DEPS = {"nsubj", "nsubj:pass", "expl"}


class Focus:
    """The person in focus at each point of a text: the last person who was the subject of a
    clause or the speaker of a quote. Pronouns ("sa han") resolve to it."""

    def __init__(self, doc: Doc):
        self.doc = doc
        self.points: list[tuple[int, str]] = []
        for start, end, eid in doc._.mention_index:
            ent = entity_by_id(doc, eid)
            if ent is None or ent.type != "PER":
                continue
            span = doc.char_span(start, end, alignment_mode="expand")
            if span is None:
                continue
            tok = span.root if span.root.dep_ else span[0]
            if tok.dep_ in SUBJECT_DEPS or _clause_initial(span[0]):
                self.add(start, eid)

    def add(self, pos: int, eid: str) -> None:
        bisect.insort(self.points, (pos, eid))

    def at(self, pos: int, pronoun: str | None = None) -> str | None:
        """The person in focus before pos; for "han"/"hun", the last one it can refer to."""
        i = bisect.bisect_left(self.points, (pos, ""))
        wanted = PRONOUN_GENDER.get((pronoun or "").casefold())
        for _, eid in reversed(self.points[max(0, i - 8):i]):
            if wanted is None or gender_of(self.doc, eid) in (wanted, None):
                return eid
        return None


PRONOUN_GENDER = {form: gender for gender in ("male", "female") for form in forms_with("pronouns", gender)}


def gender_of(doc: Doc, eid: str) -> str | None:
    """"male", "female" or None (unknown) from a person's first name: "han" is not Erna Solberg."""
    ent = entity_by_id(doc, eid)
    names = [ent.name, *ent.aliases] if ent is not None else []
    first = next((n.split()[0] for n in names if len(n.split()) > 1), None)
    if first is None:
        return None
    return first_name_gender(first)


def _clause_initial(tok) -> bool:
    """Only title words or a capitalised name come before it in its sentence."""
    for t in tok.sent:
        if t.i >= tok.i:
            return True
        if not (t.is_title or is_role_word(t.text)):
            return False
    return True


def _entity_of(doc: Doc, pos: int) -> str | None:
    idx = doc._.mention_index
    i = bisect.bisect_right(idx, (pos, 10**9, "~")) - 1
    if i >= 0 and idx[i][0] <= pos < idx[i][1]:
        return idx[i][2]
    return None


def mentions_in(doc: Doc, start: int, end: int) -> list[tuple[int, int, str]]:
    """Mentions inside the phrase, and a person's name the phrase cuts off: "visestatsminister He
    (Lifeng)"."""
    inside = mentions_between(doc, start, end)
    cut = []
    for m in mentions_between(doc, start, end + 40):
        ent = entity_by_id(doc, m[2])
        if m[0] < end < m[1] and ent is not None and ent.type == "PER":
            cut.append(m)
    return inside + cut


def resolve(doc: Doc, start: int, end: int, focus: Focus, prefer_last: bool = False,
            refers_from: int | None = None) -> tuple[str | None, str]:
    """(entity id or None, the speaker phrase) for a phrase in text[start:end]. `refers_from`: where
    a pronoun's antecedent is looked for back from, if not the phrase (the start of the quote it
    attributes: whom a quote names is not its speaker, "– Wik jobbar med det, sa ho")."""
    phrase = text_of(doc)[start:end].strip(" ,.:;«»\"'")
    ms = mentions_in(doc, start, end)
    ents = [(s, e, eid, entity_by_id(doc, eid)) for s, e, eid in ms]
    pers = [m for m in ents if m[3] and m[3].type == "PER"]
    if pers:
        m = pers[-1] if prefer_last else pers[0]
        return m[2], text_of(doc)[m[0]:m[1]]
    words = phrase.split()
    low = [w.casefold().strip(",.") for w in words]
    if low and (low[0] in PRONOUNS or (len(low) > 1 and low[-1] in PRONOUNS and prefer_last)):
        pronoun = low[0] if low[0] in PRONOUNS else low[-1]
        return (antecedent(doc, start if refers_from is None else refers_from, pronoun, focus),
                words[0] if low[0] in PRONOUNS else words[-1])
    if not low or all(w in ("og", "men", "samt", "så") for w in low):  # "…, og ba om at": elided subject
        return focus.at(start), phrase
    eid = by_title(doc, low, start)
    if eid:
        return eid, phrase
    head = _head_phrase(phrase)
    # an organisation or place speaks only from the head of the phrase: not "Bergen" in "en brannmann
    # fra Bergen", nor "svenske" in "politiet til det svenske nyhetsbyrået TT"
    cut = start + len(text_of(doc)[start:end]) - len(text_of(doc)[start:end].lstrip(" ,.:;«»\"'")) + len(head)
    ents = [m for m in ents if m[0] < cut]
    if ents:
        m = ents[-1] if prefer_last else ents[0]
        return m[2], phrase
    return kind_antecedent(doc, start, head), head


# definite nouns for any organisation of their kind: "Partiet krever …" is the party just named
GENERIC_KINDS = frozenset(forms_with("organisation_words", "generic"))  # lexicon/organisation_words.tsv


def kind_antecedent(doc: Doc, start: int, head: str) -> str | None:
    """"kunngjorde sentralbanken": a definite noun naming a kind of organisation refers back to the
    last organisation named before whose name ends in that kind ("Norges Bank"); a generic one
    ("partiet") to the organisation named just before it."""
    words = head.casefold().split()
    if not words or not words[0].endswith(("en", "et", "a")):
        return None
    noun = words[0]  # "sentralbanken torsdag": the noun, not the day after it
    stem = noun[:-2] if noun.endswith(("en", "et")) else noun[:-1]
    idx = doc._.mention_index  # sorted by start: look back from the phrase, at most 200 mentions
    hi = bisect.bisect_left(idx, (start,))
    orgs = [(s, ent) for s, _, eid in reversed(idx[max(0, hi - 200):hi])
            if (ent := entity_by_id(doc, eid)) is not None and ent.type == "ORG"]
    for _, ent in orgs:
        if any(len(w) >= 3 and (stem.endswith(w) or stem in w) for w in ent.name.casefold().split()):
            return ent.id  # "sentralbanken" ~ Norges Bank, "banken" ~ Sparebanken Vest
    if noun in GENERIC_KINDS and orgs and start - orgs[0][0] < 300:
        return orgs[0][1].id
    return None


CIRCUMSTANCE = words("circumstance_words") | ACCORDING_TO


def _head_phrase(phrase: str) -> str:
    """"en politiadvokat i politidistriktet til NTB" -> "en politiadvokat": the speaker, not where
    or to whom they spoke."""
    words = phrase.split()
    for k, w in enumerate(words[1:], 1):
        if w.casefold() in CIRCUMSTANCE:
            return " ".join(words[:k])
    return phrase


def _same_sentence_subject(doc: Doc, pos: int, pronoun: str | None = None) -> str | None:
    """"Senere holdt Putin en tale, der han hevdet …": a person named earlier in the same
    sentence, not as the object of a preposition."""
    span = doc.char_span(pos, min(pos + 1, len(text_of(doc))), alignment_mode="expand")
    if span is None or not len(span):
        return None
    tok = span[0]
    best = None
    for t in tok.sent:
        if t.i >= tok.i:
            break
        eid = _entity_of(doc, t.idx)
        ent = entity_by_id(doc, eid) if eid else None
        if ent is not None and pronoun in PRONOUN_GENDER and gender_of(doc, eid) not in (PRONOUN_GENDER[pronoun], None):
            continue  # "Erna Solberg …, der han …": not her
        if ent is not None and ent.type == "PER" and t.i > tok.sent.start and t.nbor(-1).pos_ not in ("ADP", "PUNCT"):
            if not t.nbor(-1).text[:1].isupper() or t.nbor(-1).is_sent_start:
                best = eid
    return best


def by_title(doc: Doc, words: list[str], start: int) -> str | None:
    """The person a definite title among the first words of a phrase refers back to
    ("presidenten", "den russiske presidenten": the one named before with that role)."""
    for i, w in enumerate(words[:4]):
        role = is_role_word(w)
        if role and w != role:
            country = next((demonym_country(x) for x in words[:i] if demonym_country(x)), None)
            eid = _by_role(doc, role, country, start)
            if eid:
                return eid
    return None


def _by_role(doc: Doc, role: str, country: str | None, before: int) -> str | None:
    best = None
    for ent in doc._.entities:
        if not ent.role or ent.mentions[0].start >= before:
            continue
        r, _, c = ent.role.partition(":")
        if r.endswith(role) and (country is None or c == country):
            best = ent.id
    return best


# -- "han", "hun": which person a pronoun refers to ----------------------------------------------
# A ranking model over the persons named in the pronoun's sentence and the ten before it, trained
# on NARC's coreference chains (storyline.training.antecedents); its weights are data.
WINDOW_SENTENCES = 10
RANKER = Path(__file__).resolve().parent / "data" / "antecedent_ranker.json"
FEATURES = ("recency_0", "recency_1", "recency_2", "recency_3+", "sentences_0", "sentences_1",
            "sentences_2", "sentences_3-5", "sentences_6+", "subject", "object", "after_preposition",
            "modifies_noun", "in_prepositional_phrase", "clause_initial", "pronoun_continues",
            "gender_agrees", "gender_disagrees", "log_mentions", "most_mentioned", "nearest_agreeing",
            "focus_rule", "same_sentence_rule", "subject_for_subject")


def antecedent(doc: Doc, pos: int, pronoun: str, focus: Focus) -> str | None:
    """The person "han"/"hun" at pos refers to: the ranking model's best candidate, or where it is
    not installed the rules (a person earlier in the sentence, else the person in focus)."""
    weights = _ranker()
    found = candidates(doc, pos, pronoun, focus) if weights is not None else []
    if not found:
        return rule_antecedent(doc, pos, pronoun, focus)
    return max(found, key=lambda c: sum(w * x for w, x in zip(weights, c[1], strict=True)))[0]


def rule_antecedent(doc: Doc, pos: int, pronoun: str, focus: Focus) -> str | None:
    """The rules' answer: a person earlier in the same sentence, else the person in focus."""
    return _same_sentence_subject(doc, pos, pronoun) or focus.at(pos, pronoun)


@lru_cache(maxsize=1)
def _ranker() -> tuple[float, ...] | None:
    if not RANKER.exists():
        return None
    data = json.loads(RANKER.read_text(encoding="utf-8"))
    if tuple(data["features"]) != FEATURES:  # weights for another feature set are no use
        return None
    return tuple(data["weights"])


def _sentence_index(doc: Doc) -> list[int]:
    cached = doc.user_data.get("storyline_sentence_starts")
    if cached is None:
        cached = doc.user_data["storyline_sentence_starts"] = Cache([s.start_char for s in doc.sents])
    return cached.value


def candidates(doc: Doc, pos: int, pronoun: str, focus: Focus) -> list[tuple[str, list[float]]]:
    """(entity id, features) for each person named before pos in its sentence or the ten before."""
    starts = _sentence_index(doc)
    here = bisect.bisect_right(starts, pos) - 1
    first = starts[max(0, here - WINDOW_SENTENCES)]
    window = [t for t in doc.char_span(first, pos, alignment_mode="expand") or () if t.idx < pos]
    latest: dict[str, tuple[int, int]] = {}
    counts: dict[str, int] = {}
    for start, end, eid in doc._.mention_index:
        if start >= pos:
            break
        ent = entity_by_id(doc, eid)
        if ent is None or ent.type != "PER":
            continue
        counts[eid] = counts.get(eid, 0) + 1
        if start >= first:
            latest[eid] = (start, end)
    for start, end, eid in _pronoun_subjects(doc, window, focus):
        counts[eid] = counts.get(eid, 0) + 1
        latest[eid] = (start, end)
    if not latest:
        return []
    order = sorted(latest, key=lambda e: -latest[e][0])
    wanted = PRONOUN_GENDER.get(pronoun.casefold())
    genders = {eid: gender_of(doc, eid) for eid in order}
    nearest = next((e for e in order if wanted is None or genders[e] in (wanted, None)), None)
    rules = (focus.at(pos, pronoun), _same_sentence_subject(doc, pos, pronoun))
    pronoun_tok = doc.char_span(pos, min(pos + len(pronoun), len(text_of(doc))), alignment_mode="expand")
    pronoun_subject = bool(pronoun_tok) and pronoun_tok[0].dep_ in SUBJECT_DEPS
    top = max(counts[e] for e in order)
    continued = _continued_by_pronoun(window, pos, pronoun, latest)
    out = []
    for rank, eid in enumerate(order):
        span = doc.char_span(*latest[eid], alignment_mode="expand")
        tok = span.root if span is not None else None
        dep = tok.dep_ if tok is not None else ""
        before = doc[span.start - 1] if span is not None and span.start > 0 else None
        distance = here - (bisect.bisect_right(starts, latest[eid][0]) - 1)
        gender = genders[eid]
        subject = dep in SUBJECT_DEPS
        x = [rank == 0, rank == 1, rank == 2, rank >= 3,
             distance == 0, distance == 1, distance == 2, 3 <= distance <= 5, distance >= 6,
             subject, dep in ("obj", "iobj"), before is not None and before.pos_ == "ADP",
             tok is not None and tok.head is not tok and tok.head.pos_ in ("NOUN", "PROPN"),  # "landets leder X"
             tok is not None and _in_prepositional_phrase(tok),
             span is not None and _clause_initial(span[0]), eid in continued,
             wanted is not None and gender == wanted, wanted is not None and gender not in (wanted, None),
             math.log1p(counts[eid]), counts[eid] == top, eid == nearest,
             eid == rules[0], eid == rules[1], subject and pronoun_subject]
        out.append((eid, [float(v) for v in x]))
    return out


def _in_prepositional_phrase(tok) -> bool:
    """The name hangs from its clause through a prepositional phrase: "til sin motpart, Vladimir Putin"."""
    for _ in range(6):
        if tok.dep_ in ("obl", "nmod") or tok.head is tok or tok.dep_ in SUBJECT_DEPS:
            return tok.dep_ in ("obl", "nmod")
        tok = tok.head
    return False


def _pronoun_subjects(doc: Doc, window: list, focus: Focus) -> list[tuple[int, int, str]]:
    """The pronouns that are subjects in the window before a pronoun, as mentions of the person the rules
    take them for: in "Zelenskyj sa … Han henvendte seg til Putin … sa han", Zelenskyj is the
    subject of the sentence before, not a name two sentences back. The rules, not the ranker, so
    that a candidate's features do not depend on the weights they are fitted for."""
    if doc.user_data.get("storyline_pronoun_rule") is None:  # None: a loaded doc's
        doc.user_data["storyline_pronoun_rule"] = Cache({})
    memo = doc.user_data["storyline_pronoun_rule"].value
    out = []
    for tok in window:
        if tok.lower_ not in PRONOUN_GENDER or tok.dep_ not in SUBJECT_DEPS:
            continue
        if tok.idx not in memo:
            memo[tok.idx] = rule_antecedent(doc, tok.idx, tok.lower_, focus)
        if memo[tok.idx] is not None:
            out.append((tok.idx, tok.idx + len(tok), memo[tok.idx]))
    return out


def _continued_by_pronoun(window: list, pos: int, pronoun: str, latest: dict[str, tuple[int, int]]) -> set[str]:
    """The persons a pronoun like this one followed before pos with no other person named between:
    "Perisat (24) tenkte … Hun syntes … sa hun" keeps Perisat the one talked about."""
    wanted = PRONOUN_GENDER.get(pronoun.casefold())
    alike = [t.idx for t in window if t.lower_ in PRONOUNS and PRONOUN_GENDER.get(t.lower_) == wanted]
    named = sorted((start, eid) for eid, (start, _) in latest.items())
    out = set()
    for k, (start, eid) in enumerate(named):
        nxt = named[k + 1][0] if k + 1 < len(named) else pos
        if any(start < p < nxt for p in alike):
            out.add(eid)
    return out
