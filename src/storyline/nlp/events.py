"""PLOVER events from trigger lexicons and the parse: type and mode, actors, targets, place,
date, status (negated, planned, possible, reported) and the source the article cites."""
from __future__ import annotations

import re
from collections import Counter
from datetime import date, timedelta
from functools import cached_property

from spacy.language import Language
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc, Token

from ..record.model import Event
from .entities import entity_by_id, entity_of_token, mentions_between
from .gazetteer import PARTY_FORMS
from .lexicon import Triggers, forms_with, read_triggers, table, words
from .sources import ifolge_source
from .speakers import PRONOUN_GENDER, Focus, antecedent, by_title, kind_antecedent
from .util import SpanIndex, paragraph_index, text_of

PLURAL_PRONOUNS = frozenset(forms_with("pronouns", "plural"))  # "dei", "dem": people named together
THINGS = ("PROD", "EVT", "MISC")  # entity types that are no one: a prize, a product, a festival

MODES = table("trigger_modes")
ONE_WORD, PHRASE, COMPOUND = "word", "phrase", "compound"  # what a match is, in the order a token's are preferred


def trigger_matcher(vocab, triggers: Triggers) -> tuple[PhraseMatcher, Matcher]:
    """The trigger table as spaCy matchers over lower-cased tokens: a PhraseMatcher for the
    one-word forms and the phrases (a trie: 800 forms cost one lookup a token), a Matcher for the
    compounds' endings. Match ids are "KIND|TYPE|MODE"."""
    phrases = PhraseMatcher(vocab, attr="LOWER")
    by_trigger: dict[tuple[str, str, str | None], list[list[str]]] = {}
    for form, (etype, mode) in triggers.words.items():
        by_trigger.setdefault((ONE_WORD, etype, mode), []).append([form])
    for words_of, (etype, mode) in triggers.phrases.items():
        by_trigger.setdefault((PHRASE, etype, mode), []).append(list(words_of))
    for (kind, etype, mode), patterns in by_trigger.items():
        phrases.add(f"{kind}|{etype}|{mode or ''}", [Doc(vocab, words=w) for w in patterns])
    compounds = Matcher(vocab)
    for endings, (etype, mode) in triggers.compounds:
        compounds.add(f"{COMPOUND}|{etype}|{mode or ''}",
                      [[{"LOWER": {"REGEX": rf"^\w+(?:{'|'.join(sorted(endings))})$"}}]])
    return phrases, compounds


def trigger_matches(matchers: tuple[PhraseMatcher, Matcher], doc: Doc) -> dict[int, tuple[str, str, str | None]]:
    """{token index: (kind, type, mode)} of the trigger each token opens: a phrase before a word,
    a word before a compound."""
    rank = {PHRASE: 0, ONE_WORD: 1, COMPOUND: 2}
    out: dict[int, tuple[str, str, str | None]] = {}
    for match_id, start, _end in (m for matcher in matchers for m in matcher(doc)):
        kind, etype, mode = doc.vocab.strings[match_id].split("|")
        if start not in out or rank[kind] < rank[out[start][0]]:
            out[start] = (kind, etype, mode or None)
    return out


SPORT = words("sport_words")  # lexicon/sport_words.txt
FORCES = tuple(words("forces"))  # what is sent in to act (lexicon/forces.txt)
# the words the event rules read, by role (lexicon/event_words.tsv)
MEET_NOT_PEOPLE = frozenset(forms_with("event_words", "not_met"))


def _sport_word(w: str) -> bool:
    return w in SPORT or w.startswith(("em-", "vm-", "ol-", "nm-")) or w.endswith(("ligaen", "cupen", "cup-uken"))


AID_NOUNS = read_triggers().of_type("AID")
# who is taken in as aid ("ta imot flyktninger"), and what is signed between parties
RECEIVED = tuple(words("aid_recipients"))  # word beginnings
AGREEMENT = tuple(words("agreement_words"))  # word beginnings
GIVE_VERBS = frozenset(forms_with("event_words", "give"))
MONEY = frozenset(forms_with("event_words", "money"))
# "ble enige", "er einige", and the passive's auxiliary: a form of be or become (lexicon/auxiliaries.tsv)
BE_OR_BECOME = frozenset(forms_with("auxiliaries", "be", "become"))
ANAPHORIC = frozenset(forms_with("event_words", "back"))
TARGETED_BY_PA = {"ASSAULT", "COERCE", "THREATEN", "ACCUSE", "SANCTION"}
PLACE_PREPS = frozenset(forms_with("event_words", "place"))
PLACE_NOUNS = words("place_nouns")
ORIGIN_PREPS = frozenset(forms_with("event_words", "origin"))  # "Kari Vik frå Førde": where she is from
PARTIES = re.compile(rf"\b(?:{'|'.join(sorted(words('the_parties'), key=len, reverse=True))})\b", re.I)
TIME_PREPS = words("time_prepositions")
# words before a trigger that say it did not happen as told (lexicon/event_status.tsv)
NEGATION, REPORTED, PLANNED, POSSIBLE, CONDITIONAL = (frozenset(forms_with("event_status", status)) for status in (
    "negated", "reported", "planned", "possible", "conditional"))


def _new_after_time_word(toks: list[Token], i: int) -> bool:
    """"etter møter med ambassadørene": an indefinite noun after "etter"/"før" that a phrase of its
    own follows tells of events not reported before, unlike "etter angrepet" (the one we know)."""
    t = toks[i]
    return (toks[i - 1].text.casefold() in TIME_PREPS and t.pos_ == "NOUN"
            and "Ind" in t.morph.get("Definite") and i + 1 < len(toks) and toks[i + 1].pos_ == "ADP")


def trigger_of(toks: list[Token], i: int, matched: dict[int, tuple[str, str, str | None]]
               ) -> tuple[str, str | None, int] | None:
    """(type, mode, end index in toks) when toks[i] opens an event trigger; `matched` is
    trigger_matches' answer for the doc."""
    low = toks[i].text.casefold()
    kind, etype, mode = matched.get(toks[i].i, (None, None, None))
    if kind == PHRASE and i + 1 < len(toks):
        if etype == "MOBILIZE" and toks[i + 1].lower_ == "inn" and not any(
                t.lower_.startswith(FORCES) for t in toks[max(0, i - 6):i + 8]):
            return None  # "sette inn glassbyggerstein": nothing sent in to act
        if etype == "AID" and toks[i + 1].text.casefold() == "imot":
            objs = [t for t in toks[i + 2:i + 8] if t.pos_ in ("NOUN", "PROPN")]
            if objs and not any(t.text.casefold().startswith(RECEIVED) for t in objs):
                return None  # "tar imot gjester", "tok imot Philadelphia Flyers": no one in need is taken in
        return etype, mode, i + 2
    if kind in (ONE_WORD, COMPOUND):
        if _vetoed(toks, i, etype, low):
            return None
        return etype, mode or MODES.get(low), i + 1
    if low in words("go_verbs"):
        return _go_phrase(toks, i)
    if low in words("stand_verbs") and i + 2 < len(toks) and toks[i + 1].lower_ == "seg":
        # "stilte seg (fullt og heilt) bak forslaget": backing it; a few adverbs may come between
        ahead = [t.lower_ for t in toks[i + 2:i + 7]]
        if "bak" in ahead and not any(toks[i + 2 + k].is_punct for k in range(ahead.index("bak"))):
            return "SUPPORT", "endorse", i + 3 + ahead.index("bak")
    if low in GIVE_VERBS and any(t.text.casefold() in MONEY for t in toks[i + 1:i + 7]) and not any(
            t.text.casefold() in AID_NOUNS for t in toks[i + 1:]):  # "… i nødhjelp": that noun triggers
        return "AID", "economic", i + 1  # "Norge gir 1,5 milliarder kroner til luftvern"
    if low in ("falt", "faller") and i and _place_subject(toks, i):
        return "COERCE", "seize", i + 1
    if low in ("stakk", "stikker", "stukket", "stukke", "stikk") and any(
            t.text.casefold().startswith("kniv") for t in toks[i + 1:i + 12]):
        return "ASSAULT", None, i + 1  # "stakk kameraten fleire gonger med kniv" (not "stakk av", "stakk innom")
    if low in CARRY_VERBS:  # "Politiet bar (tysdag morgon) bort demonstrantane": removed by force
        for k in range(i + 1, min(i + 5, len(toks))):
            if toks[k].is_punct:
                break
            if toks[k].text.casefold() in ("bort", "vekk"):
                return "COERCE", None, i + 1
    return None


def _vetoed(toks: list[Token], i: int, etype: str, low: str) -> bool:
    """A word of the trigger table that is no event here."""
    if etype == "REQUEST" and low in ("ba", "bad", "ber") and not _followed_by(toks, i, "om", 5) and not any(
            t.pos_ == "VERB" and ("Inf" in t.morph.get("VerbForm") or t.lemma_.casefold() == t.lower_)
            for t in toks[i + 2:i + 12]):  # an infinitive is its own lemma, whatever the tagger says
        return True  # "ba om", or someone asked to do something: "ba statsministeren møte pasienter"
    if etype in ("ASSAULT", "CONSULT") and any(_sport_word(t.text.casefold()) for t in toks):
        return True  # "kampene spilles på Ullevaal", "lagene møtes i Bergen": sport, not fighting or talks
    if toks[i].pos_ == "ADJ" and i + 1 < len(toks) and toks[i + 1].pos_ == "NOUN" and low not in words(
            "adjective_triggers"):
        return True  # "den dømte mannen": a participle describing someone, not an event here
    if etype == "CONSULT" and low.startswith("møt") and any(
            t.text.casefold() in MEET_NOT_PEOPLE for t in toks[i + 1:i + 4]):
        return True  # "møte behov", "møtte motstand": to meet something, not someone
    if etype == "AGREE" and low.startswith("signer") and not any(
            t.text.casefold().startswith(AGREEMENT) for t in toks[i + 1:i + 5]):
        return True  # "signerte for Rosenborg", "signert kontrakt": no agreement between parties
    if etype == "AGREE" and low in ("enige", "einige") and not any(  # "ble natt til torsdag enige"
            t.text.casefold() in BE_OR_BECOME for t in toks[max(0, i - 5):i] if not t.is_punct):
        return True
    return False


def _go_phrase(toks: list[Token], i: int) -> tuple[str, str | None, int] | None:
    """"går (hardt) ut mot X": X is criticised; "går inn for", "gått ut for å": support; "gikk av
    (i går)": resigned, not "gikk av bussen", "gikk av med seieren" nor "med pensjon"."""
    after = [t.text.casefold() for t in toks[i + 1:i + 7]]
    for particle in ("ut", "inn"):
        k = after.index(particle) if particle in after[:5] else -1
        if k < 0 or k + 1 >= len(after) or after[k + 1] not in ("mot", "for"):
            continue
        if (particle, after[k + 1]) == ("ut", "mot"):
            return "ACCUSE", "criticize", i + 2 + k  # "går hardt ut mot Høyre"
        return "SUPPORT", "endorse", i + 2 + k  # "gjekk inn for klaga", "har gått ut for å beholde"
    if after[:1] == ["av"]:
        nxt = toks[i + 2] if i + 2 < len(toks) else None
        if nxt is None or nxt.is_punct or (nxt.pos_ not in ("NOUN", "PROPN", "DET", "NUM")
                                           and not (nxt.lower_ == "med" and i + 3 < len(toks)
                                                    and toks[i + 3].lower_.startswith(("seier", "siger", "pensjon")))):
            return "RETREAT", "resign", i + 2
    return None


CARRY_VERBS = frozenset(forms_with("event_words", "carry"))  # not "ber": Bokmål "asks"


def _followed_by(toks, i, word, window) -> bool:
    return any(t.text.casefold() == word for t in toks[i + 1:i + 1 + window])


def _place_subject(toks, i) -> bool:
    """"Kherson falt": a named place (or "byen X") right before the verb."""
    prev = toks[i - 1]
    ent = entity_by_id(prev.doc, entity_of_token(prev.doc, prev))
    if ent is not None:
        return ent.type in ("GPE", "LOC", "FAC")
    return prev.text.casefold() in PLACE_NOUNS


class _Context:
    def __init__(self, doc: Doc):
        self.doc = doc
        self.ents = {e.id: e for e in doc._.entities}
        self.last_parties: list[str] = []
        self.focus = Focus(doc)

    @cached_property
    def main_place(self) -> str | None:
        """The place the article is about: the one it names most, at least twice and more than any
        other (a country or a place we know, or a named area)."""
        counts = Counter(eid for _, _, eid in self.doc._.mention_index
                         if self.ents[eid].type in ("GPE", "LOC") and self.ents[eid].links.iso3166)
        top = counts.most_common(2)
        return top[0][0] if top and top[0][1] >= 2 and (len(top) == 1 or top[0][1] > top[1][1]) else None

    def eid_at(self, start: int, end: int) -> list[str]:
        return [eid for s, e, eid in mentions_between(self.doc, start, end)]

    def country_of(self, place: str) -> str | None:
        """The entity of the country a place lies in, when the article names that country."""
        iso = self.ents[place].links.iso3166
        return next((eid for eid, e in self.ents.items() if e.key == f"iso:{iso}"), None) if iso else None

    @cached_property
    def groups(self) -> dict[str, list[tuple[int, list[str]]]]:
        """A plural noun's lemma -> where it stood before two or more people's names and who they
        are: "de to journalistene Euna Lee og Laura Ling"."""
        doc, out = self.doc, {}
        for t in doc:
            if t.pos_ != "NOUN" or "Plur" not in t.morph.get("Number"):
                continue
            end = t.i + 1
            while end < len(doc) and end - t.i <= 10 and (doc[end].pos_ == "PROPN" or doc[end].text in (",", "og")):
                end += 1
            while end > t.i + 1 and doc[end - 1].pos_ != "PROPN":
                end -= 1  # not the comma or "og" after the last name
            if end > t.i + 1:
                people = [e for e in dict.fromkeys(self.eid_at(doc[t.i + 1].idx, doc[end - 1].idx + len(doc[end - 1])))
                          if self.ents[e].type == "PER"]
                if len(people) >= 2:
                    out.setdefault(t.lemma_.casefold(), []).append((t.idx, people))
        return out

    def group(self, tokens: list[Token]) -> list[str]:
        """The people a definite plural noun refers back to ("journalistene": the two journalists
        named before with that noun)."""
        for t in tokens[:3]:
            if t.pos_ == "NOUN" and "Plur" in t.morph.get("Number") and "Def" in t.morph.get("Definite"):
                named = [people for pos, people in self.groups.get(t.lemma_.casefold(), []) if pos < tokens[0].idx]
                return named[-1] if named else []
        return []

    def named_together(self, pronoun: Token) -> list[str]:
        """The people whom a plural pronoun stands for ("dei", "dem"): the last two or more named
        together ("Ellen Nord og Dag Vik") before it, in its sentence or the one before."""
        sent = pronoun.sent
        start = self.doc[sent.start - 1].sent.start_char if sent.start else sent.start_char
        text, last, run = text_of(self.doc), [], []
        for s, e, eid in self.doc._.mention_index:
            if s < start or e > pronoun.idx or self.ents[eid].type != "PER":
                continue
            if run and text[run[-1][1]:s].strip(" ,").casefold() not in ("og", "", "samt"):
                run = []
            run.append((s, e, eid))
            people = list(dict.fromkeys(eid for _, _, eid in run))
            if len(people) >= 2:
                last = people
        return last

    def last_two_people(self, before: int) -> list[str]:
        named = [eid for s, e, eid in self.doc._.mention_index if s < before and self.ents[eid].type == "PER"]
        two = list(dict.fromkeys(reversed(named)))[:2]
        return two if len(two) == 2 else []

    def parties(self, before: int) -> list[str]:
        if len(self.last_parties) >= 2:
            return self.last_parties[:2]
        counts = Counter(eid for s, e, eid in self.doc._.mention_index
                         if s < before and self.ents[eid].type == "GPE" and self.ents[eid].links.iso3166
                         and not self.ents[eid].links.geonames)
        return [eid for eid, _ in counts.most_common(2)]


def _phrase_entities(ctx: _Context, tokens: list[Token]) -> list[str]:
    if not tokens:
        return []
    start, end = tokens[0].idx, tokens[-1].idx + len(tokens[-1].text)
    text = text_of(ctx.doc)[start:end]
    if PARTIES.search(text):
        return ctx.parties(start)
    if text.casefold() in words("the_two"):
        return ctx.last_two_people(start)  # "Da de to møttes": the two people the text has just named
    if len(tokens) == 1 and tokens[0].lower_ in PLURAL_PRONOUNS:
        return ctx.named_together(tokens[0])
    out = list(dict.fromkeys(ctx.eid_at(start, end)))
    if any(ctx.ents[e].type == "PER" for e in out):
        # "de to amerikanske journalistene Euna Lee og Laura Ling": the people, not the country
        # an adjective says they are from
        named = {eid for s, _, eid in mentions_between(ctx.doc, start, end) if not text_of(ctx.doc)[s].islower()}
        out = [e for e in out if ctx.ents[e].type == "PER" or e in named]
    if not out:  # "statsministeren", "den russiske presidenten": the person named before with that title
        who = by_title(ctx.doc, [t.lower_ for t in tokens], start)
        out = [who] if who else ctx.group(tokens)  # or "journalistene": the people named with that noun
    if not out and any(t.lower_ in words("the_country") for t in tokens):
        # "mot landets regjering": the country the article is about
        country = ctx.country_of(ctx.main_place) if ctx.main_place else None
        out = [country] if country else []
    return out


def _subject_tokens(trigger: Token) -> list[Token]:
    verb = trigger
    for _ in range(3):
        subj = [c for c in verb.children if c.dep_ in ("nsubj", "nsubj:pass")]
        if subj and subj[0].lower_ in ("som", "der") and verb.dep_ == "acl:relcl":
            # "Diarra, som har gått av": the relative pronoun stands for the noun the clause is on
            head = verb.head
            return [head, *(c for c in head.children if c.dep_ in ("flat:name", "compound", "flat"))]
        if subj:  # where a parse gives two (run-together sentences, "overrekte dei …"): the nearest before the verb
            return list(min(subj, key=lambda c: (c.i > verb.i, abs(c.i - verb.i))).subtree)
        if verb.head == verb:
            break
        verb = verb.head
    return []


def _actors(ctx: _Context, toks: list[Token], i: int) -> list[str]:
    named_after = _named_after(ctx, toks, i)
    if named_after:
        return named_after
    subject = _subject_phrase(ctx, toks, i)
    actors = _phrase_entities(ctx, subject)
    if len(actors) > 1 and any(ctx.ents[a].type == "PER" for a in actors):
        # "Ordføraren i Ullensvang, Roald Haug, kritiserte": the person acts, not where they are from
        actors = [a for a in actors if ctx.ents[a].type not in ("GPE", "LOC", "FAC")]
    if not actors:
        actors = _actors_elsewhere(ctx, toks, i, subject)
    for k in range(i + 1, min(i + 4, len(toks))):  # "telefonsamtale med Macron"
        if toks[k].text.casefold() == "med":
            extra = _phrase_entities(ctx, toks[k + 1:k + 6])
            actors += [e for e in extra[:1] if e not in actors]
            break
    return actors


def _named_after(ctx: _Context, toks: list[Token], i: int) -> list[str]:
    """Actors a noun trigger names after it: "kampene mellom hæren og RSF", "ei klage frå X"."""
    if i + 1 < len(toks) and toks[i + 1].text.casefold() == "mellom":
        # "kampene / samtalene mellom hæren og RSF": the parties come after the trigger
        span = []
        for t in toks[i + 2:i + 12]:
            if t.is_punct or t.pos_ in ("VERB", "AUX"):
                break
            span.append(t)
        between = _unplaced_entities(ctx, span)  # not "i Santiago", where they fought
        if between:
            return between
    if toks[i].pos_ == "NOUN" and i + 1 < len(toks) and toks[i + 1].lower_ in ("fra", "frå") and not _suffered(toks, i):
        # "ei klage frå Gunnhild Wik", "kritikken fra Høyre": who it comes from acts (but in
        # "rammet av sanksjoner fra X", see _roles, the subject is hit)
        return _unplaced_entities(ctx, _noun_phrase(toks, i + 2))
    return []


def _subject_phrase(ctx: _Context, toks: list[Token], i: int) -> list[Token]:
    """The words of the trigger's subject, or of the part of it that acts."""
    trig = toks[i]
    subject = _subject_tokens(trig)
    front = toks[:i]
    if subject and subject[0].i > trig.i and front and front[0].pos_ in ("NOUN", "PROPN", "DET", "ADJ") and not any(
            t.pos_ in ("VERB", "AUX") for t in front) and any(ctx.ents[e].type in ("PER", "ORG")
                                                              for e in _phrase_entities(ctx, front)):
        subject = front  # V2: a noun phrase before the verb is its subject, whatever the parser says
    if trig in subject:
        # the trigger is the subject: "Høyres angrep på Ap" (its genitive acts, "på" is hit) or
        # "Kampene mellom hæren og RSF" (who fights comes after it)
        before = [t for t in subject if t.i < trig.i]
        after = []
        for t in subject:
            if t.i > trig.i:
                if t.text.casefold() in ("på", "mot", "overfor", "til"):
                    break
                after.append(t)
        subject = before if _phrase_entities(ctx, before) else after
    return subject


def _actors_elsewhere(ctx: _Context, toks: list[Token], i: int, subject: list[Token]) -> list[str]:
    """Actors when the subject names none: the clause before the trigger, an organisation of the
    subject's kind named before, a name right after the verb, the person in focus."""
    trig = toks[i]
    # the clause before the trigger: from the last comma (or the sentence start)
    start = 0
    for k in range(i - 1, -1, -1):
        if toks[k].text in (",", ";", ":") and k < i - 1:
            start = k + 1
            break
    actors = _phrase_entities(ctx, [t for t in toks[start:i] if not _is_place_prep_obj(toks, t)])
    if not actors and subject and subject[0].is_sent_start and subject[0].pos_ == "NOUN":
        # "Partiet krever …", "Sentralbanken venter …": the organisation of that kind named before
        who = kind_antecedent(ctx.doc, subject[0].idx, subject[0].text)
        actors = [who] if who else []
    if not actors:  # V2 inversion: "torsdag anklaget utenriksminister Kari Holm Sverige for …"
        for k in range(i + 1, min(i + 5, len(toks))):
            if toks[k].is_punct or toks[k].text.casefold() in ("om", "for", "at", "å", "mot", *WHERE_PREPS):
                break
            if toks[k].head == trig and toks[k].dep_ in ("obj", "iobj"):
                break  # "har bedt FN godkjenne": the one asked, not the one asking
            ids = _phrase_entities(ctx, [toks[k]])
            if ids and (ctx.ents[ids[0]].type in ("PER", "ORG") or toks[k].is_lower):  # or "angrep israelske fly"
                actors = ids[:1]
                break
    if not actors and ctx.focus is not None:  # "Han …, og ba om": the person in focus
        clause = [t.text.casefold() for t in toks[:i]]
        # before the trigger, or its subject after it ("I går kritiserte han …")
        pronoun = next((t for t in [*toks[:i], *subject] if t.lower_ in PRONOUN_GENDER), None)
        if pronoun is not None:
            who = antecedent(ctx.doc, pronoun.idx, pronoun.lower_, ctx.focus)
            actors = [who] if who else []
        elif clause and clause[-1] in ("og", "men"):
            who = ctx.focus.at(toks[i].idx)
            actors = [who] if who else []
    return actors


def _unplaced_entities(ctx: _Context, span: list[Token]) -> list[str]:
    """Entities of a phrase but a place inside it: "mot en bakkeoffensiv i Rafah", "av soldater i Sumy"."""
    def placed(t: Token) -> bool:  # "i Rafah", "i byen Wädenswil"
        prev = t.doc[t.i - 1].text.casefold()
        return prev in ("i", "ved") or (prev in PLACE_NOUNS and t.i > 1
                                        and t.doc[t.i - 2].text.casefold() in ("i", "ved"))

    # only places: "ledere i RSF" are the organisation's people, and it is the one acted on
    nested = {e for t in span[1:] if placed(t) for e in ctx.eid_at(t.idx, t.idx + len(t.text))
              if ctx.ents[e].type in ("GPE", "LOC", "FAC")}
    return [e for e in _phrase_entities(ctx, span) if e not in nested]


def _is_party(ctx: _Context, eid: str) -> bool:
    ent = ctx.ents[eid]
    return ent.type == "ORG" and ent.name.casefold() in PARTY_FORMS


def _passive(trig: Token) -> bool:
    """A participle with a passive auxiliary: "ble drept", "er evakuert", "har blitt arrestert",
    or joined to one ("ble arrestert i juni, og tiltalt for …"); an s-passive: "som støttes av
    Frankrike"."""
    if trig.pos_ == "VERB" and "Pass" in trig.morph.get("Voice"):
        return True
    if trig.pos_ != "VERB" or "Part" not in trig.morph.get("VerbForm"):
        return False
    if any(c.dep_ in ("aux:pass", "nsubj:pass") or (c.dep_ == "aux" and c.text.casefold() in BE_OR_BECOME)
           for c in trig.children):
        return True
    own_subject = any(c.dep_.startswith("nsubj") or c.dep_.startswith("aux") for c in trig.children)
    return trig.dep_ == "conj" and not own_subject and trig.head != trig and _passive(trig.head)


SUFFER_VERBS = frozenset(forms_with("event_words", "suffer"))


def _suffered(toks: list[Token], i: int) -> bool:
    """The trigger is what someone was hit by: "rammet av (harde) sanksjoner", "utsatt for angrep"."""
    for k in range(i - 1, max(-1, i - 5), -1):
        if toks[k].text.casefold() in ("av", "for") and k and toks[k - 1].text.casefold() in SUFFER_VERBS:
            return True
    return False


WHERE_PREPS = tuple(forms_with("event_words", "where"))  # what follows says where, not who: "møttes i NRK", "i Stortinget"


def _is_place_prep_obj(toks, t) -> bool:
    return t.i > toks[0].i and t.doc[t.i - 1].text.casefold() in WHERE_PREPS


def _targets(ctx: _Context, toks: list[Token], i: int, end: int, actors: list[str], etype: str) -> list[str]:
    trig = toks[i]
    # "mot X", "overfor X"; aid goes "til X" (its recipient)
    toward = ("mot", "overfor", "til") if etype == "AID" else ("mot", "overfor")
    if etype == "CONSULT" and trig.text.casefold().startswith("ring"):
        toward += ("til",)  # "ringte til Macron" (but not "møttes til samtaler"; "med X" makes X a party)
    if trig.pos_ in ("NOUN", "ADJ") and etype == "SUPPORT":
        toward += ("til", "om")  # "støtte til Ukraina", "rosende ord til trenaren", "superlativer om Vik"
    if trig.pos_ == "NOUN" and etype in TARGETED_BY_PA:
        toward += ("på",)  # "angrep på Ap", "press på Russland" (a city after "på" is the place)
    out = _recipient(ctx, toks, i, end)
    for c in trig.children:
        if c.dep_ in ("obj", "iobj") and not out:
            out += _unplaced_entities(ctx, list(c.subtree))
    for k in range(end, min(end + 6, len(toks))):
        low = toks[k].text.casefold()
        if low in toward:
            hit = _unplaced_entities(ctx, _noun_phrase(toks, k + 1))
            if low == "på":  # "angrep på Kyiv": a city is where, not whom
                hit = [e for e in hit if not (ctx.ents[e].type in ("GPE", "LOC", "FAC") and ctx.ents[e].links.geonames)]
            out += hit
            break
        if toks[k].is_punct:
            break
    if not out and (trig.text.casefold() in ("ba", "ber", "anklaget", "anklager", "oppfordret") or (
            etype in ("ACCUSE", "REQUEST", "SUPPORT", "THREATEN") and trig.pos_ == "VERB")):
        # "IAEA ba torsdag Russland om …", "Trump truet fredag Iran med sanksjoner": the entities
        # after the verb, before "om"/"for"/"med"
        span = []
        for t in toks[end:end + 6]:
            if t.text.casefold() in ("om", "for", "å", "med", "mot") or t.is_punct:
                break
            span.append(t)
        out += _unplaced_entities(ctx, span)  # not "truet en nabo i byen Drammen"
    if not out and etype == "REQUEST" and i and toks[i - 1].text.casefold() == "og":
        # "henvendte seg til sin motpart, Vladimir Putin, og ba om …": the one turned to is asked
        til = [k for k in range(i - 1) if toks[k].text.casefold() == "til"]
        if til:
            named = _phrase_entities(ctx, toks[til[-1] + 1:i - 1])
            out += sorted((e for e in named if ctx.ents[e].type in ("PER", "ORG", "GPE")),
                          key=lambda e: ctx.ents[e].type == "GPE")[:1]  # the person, not "russiske"
    # whom it is done to, not what: "overrekte dei prisen The Lithuanian Prize of Honour"
    return [e for e in dict.fromkeys(out) if e not in actors and ctx.ents[e].type not in THINGS]


def _recipient(ctx: _Context, toks: list[Token], i: int, end: int) -> list[str]:
    """Whom a verb of giving gives to, named or a plural pronoun right after it, before what is
    given: "overrekte dei prisen", "tildelte Kari Vik og Ola Dal æresprisen"."""
    if toks[i].text.casefold() not in GIVE_VERBS or end >= len(toks):
        return []
    k = end
    if toks[k].lower_ in PLURAL_PRONOUNS:
        after = k + 1
    else:
        while k < len(toks) and k - end < 8 and (toks[k].pos_ == "PROPN" or toks[k].lower_ in ("og", ",")):
            k += 1
        after = k
        k = end if after > end else -1
    if k < 0 or after >= len(toks) or toks[after].is_punct or toks[after].pos_ in ("ADP", "SCONJ", "VERB", "AUX"):
        return []  # "ga etter for presset", "gav Kari Vik, som …": no recipient before a thing given
    found = _phrase_entities(ctx, toks[k:after])
    return [e for e in found if ctx.ents[e].type == "PER"]


def _noun_phrase(toks: list[Token], k: int, size: int = 4) -> list[Token]:
    """The words from k that name whom: four, and on to the end of a name the fourth is in
    ("til Ellen Nord og Dag Vik")."""
    end = min(k + size, len(toks))
    while end < len(toks) and end - k < 2 * size and toks[end].pos_ == "PROPN" and toks[end - 1].pos_ == "PROPN":
        end += 1
    return toks[k:end]


def _location(ctx: _Context, toks: list[Token], i: int) -> str | None:
    best, best_score = None, -1
    for k, t in enumerate(toks):
        eids = ctx.eid_at(t.idx, t.idx + len(t.text))
        if not eids:
            continue
        ent = ctx.ents[eids[0]]
        if ent.type not in ("GPE", "LOC", "FAC") or t.text.islower() or (
                not ent.links.iso3166 and ent.type != "LOC"):
            continue
        prev = toks[k - 1].text.casefold() if k else ""
        is_city = ent.links.geonames is not None or not ent.links.iso3166
        score = 0
        if prev in PLACE_PREPS and not (t.text.endswith("s") and t.text != ent.name) and not (
                prev in ORIGIN_PREPS and k > 1 and any(ctx.ents[e].type == "PER" for e in ctx.eid_at(
                    toks[k - 2].idx, toks[k - 2].idx + len(toks[k - 2].text)))):
            # "i Kyiv", "på Rhodos", not the genitive "i Russlands …", nor where a person is from
            # ("Anne Viken frå Bygstad går hardt ut mot …")
            score += 2
        if prev in PLACE_NOUNS:
            score += 3
        if is_city:
            score += 1
        if k == i - 1 and toks[i].text.casefold() in ("falt", "faller"):
            score += 4
        if t.dep_ == "nmod" and t.head.pos_ == "NOUN" and toks[i].i not in (t.head.i, t.head.head.i) and (
                t.head.text.casefold() not in PLACE_NOUNS) and not _in_object(t, toks[i]) and not any(
                c.dep_ == "case" and c.text.casefold() in PLACE_PREPS for c in t.head.children):
            # "møttes … på dagen for invasjonen i Ukraina": the place of another noun (but "i ei
            # leilegheit i Førde" is a place in a place)
            score -= 2
        if score >= 2 and score - abs(k - i) / 100 > best_score:
            best, best_score = eids[0], score - abs(k - i) / 100
    return best


TRAVEL_VERBS = frozenset(forms_with("event_words", "travel"))  # Bokmål and Nynorsk


def _travelled_to(ctx: _Context, toks: list[Token], i: int) -> str | None:
    """The place someone travels to before the meeting: "reiser torsdag til X for å møte …"."""
    for k in range(max(0, i - 10), i):
        if toks[k].text.casefold() not in TRAVEL_VERBS:
            continue
        for j in range(k + 1, min(k + 5, i)):
            if toks[j].text.casefold() == "til" and j + 1 < i:
                t = toks[j + 1]
                for eid in ctx.eid_at(t.idx, t.idx + len(t.text)):
                    if ctx.ents[eid].type in ("GPE", "LOC", "FAC") and ctx.ents[eid].links.iso3166:
                        return eid
    return None


def _in_object(t: Token, trigger: Token) -> bool:
    """"pågrep to menn i 30-årene i Oslo": the place belongs to the trigger's object, so to the event."""
    node = t.head
    for _ in range(3):
        if node.head == trigger and node.dep_ in ("obj", "nsubj:pass"):
            return True
        if node.head == node:
            return False
        node = node.head
    return False


def _status(toks: list[Token], i: int) -> str:
    window = [t.text.casefold() for t in toks[max(0, i - 4):i + 2]]
    before = [t.text.casefold() for t in toks[max(0, i - 5):i]]
    if any(w in NEGATION for w in window):
        return "negated"
    if any(w in REPORTED for w in before):
        return "reported"
    if any(w in PLANNED for w in before):
        return "planned"
    if any(w in POSSIBLE for w in before):
        return "possible"
    return "asserted"


LEAD_PARAGRAPHS = 4  # where a news article says when it happened


def _lead_date(doc: Doc, body, timexes, published) -> str | None:
    """The day the news happened, as the article's first paragraphs say it ("torsdag", in the
    past week): an event told later with no date of its own happened then, not on the day of
    publication."""
    if not isinstance(published, date):
        return None
    for para in body.items[:LEAD_PARAGRAPHS]:
        for t in timexes.within(para.start, para.end):
            if t.type in ("DATE", "TIME") and re.match(r"\d{4}-\d\d-\d\d", t.value):
                try:
                    day = date.fromisoformat(t.value[:10])
                except ValueError:
                    continue
                if timedelta(0) < published - day <= timedelta(days=7):
                    return t.value[:10]
                return None  # the lead's first day is today or not recent: the publication date stands
    return None


def _anaphoric(ctx: _Context, toks: list[Token], i: int, etype: str, named_before: set[tuple[str, str]],
               earlier: Event | None) -> bool:
    """The trigger names an event the article has already reported ("etter angrepet", "kuppet
    skapte", "Samtalene, som foregikk i X": which then gives the earlier event its place)."""
    t0 = toks[i]
    if (i and toks[i - 1].text.casefold() in ANAPHORIC and not _new_after_time_word(toks, i)) or (
            i > 1 and toks[i - 2].text.casefold() in ANAPHORIC and toks[i - 1].text.casefold().endswith("s")):
        return True
    if t0.pos_ == "NOUN" and "Def" in t0.morph.get("Definite") and (etype, t0.lemma_.casefold()) in named_before:
        return True  # "et kupp i mars … kuppet skapte et vakuum": the event already reported
    if earlier is not None and _refers_back(toks, i):
        if earlier.location is None or earlier.location_inferred:  # "Samtalene, som foregikk i X"
            place = _location(ctx, toks, i)  # where the earlier talks were
            if place is not None:
                earlier.location, earlier.location_inferred = place, False
        return True
    return False


def _roles(ctx: _Context, toks: list[Token], i: int, end: int, actors: list[str],
           targets: list[str]) -> tuple[list[str], list[str]]:
    """Actors and targets where the grammar turns them round: a passive, or "rammet av"."""
    if _passive(toks[i]):
        # "Minst 67 mennesker ble drept (av X)": the subject is acted on; the agent after "av" acts
        hit = _phrase_entities(ctx, _subject_tokens(toks[i]))
        if any(ctx.ents[e].type == "PER" for e in hit):  # "Den saudiarabiske journalisten X ble drept"
            hit = [e for e in hit if ctx.ents[e].type == "PER"]
        agent = next((_unplaced_entities(ctx, toks[k + 1:k + 5]) for k in range(end, min(end + 4, len(toks)))
                      if toks[k].text.casefold() == "av"), [])
        actors, targets = agent, [e for e in dict.fromkeys(hit + targets) if e not in agent]
    if _suffered(toks, i):
        # "Russland er rammet av sanksjoner fra Vesten": the subject suffers the event
        by = next((_phrase_entities(ctx, toks[k + 1:k + 5]) for k in range(end, min(end + 4, len(toks)))
                   if toks[k].text.casefold() == "fra"), [])
        actors, targets = by, [e for e in dict.fromkeys(actors + targets) if e not in by]
    return actors, targets


def _place(ctx: _Context, toks: list[Token], i: int, etype: str,
           targets: list[str]) -> tuple[str | None, bool, list[str]]:
    """Where the event happened: (place, inferred from the article, the targets without a place
    that was where rather than whom)."""
    t0 = toks[i]
    location = _location(ctx, toks, i)
    if location is None and etype in ("ASSAULT", "COERCE"):  # "angrep havnebyen Odesa": hit there
        location = next((t for t in targets if ctx.ents[t].type in ("GPE", "LOC", "FAC")
                         and ctx.ents[t].links.geonames), None)
    if location is None and etype == "CONSULT":
        location = _travelled_to(ctx, toks, i)  # "reiser til Stjørdal for å møte de evakuerte"
    if location is None and etype == "CONSULT":  # "besøkte Lillehammer": the visited place
        visit = t0.text.casefold().startswith(("besøk", "vitj"))  # any place; after "møtte", a city
        place = next((t for t in targets if ctx.ents[t].type in ("GPE", "LOC", "FAC")
                      and (visit or ctx.ents[t].links.geonames)), None)
        if place:
            location = place
            targets = [t for t in targets if t != place]
    # not where the event names another place as its target: aid "til Sudan" is not in Norway
    inferred = location is None and ctx.main_place is not None and not any(
        t == ctx.main_place or ctx.ents[t].type in ("GPE", "LOC") for t in targets)
    if inferred:
        location = ctx.main_place  # news says where once: "Santiago" for the strike reported below
    return location, inferred, targets


@Language.factory("storyline_events", default_config={"triggers": "triggers"}, assigns=["doc._.events"],
                  requires=["doc._.entities", "doc._.timexes", "doc._.quotes", "doc.spans"])
def create_events(nlp: Language, name: str, triggers: str):
    """`triggers`: the trigger table, a lexicon file's name (nlp/data/lexicon/NAME.tsv)."""
    matchers = trigger_matcher(nlp.vocab, read_triggers(triggers))

    def events_component(doc: Doc) -> Doc:
        return extract_events(doc, trigger_matches(matchers, doc))

    return events_component


def extract_events(doc: Doc, matched: dict[int, tuple[str, str, str | None]]) -> Doc:
    """The events of a doc whose trigger matches are known."""
    ctx = _Context(doc)
    text = text_of(doc)
    body = paragraph_index(doc)
    direct = SpanIndex(q for q in doc._.quotes if q.direct)
    reported = SpanIndex(q for q in doc._.quotes if not q.direct)
    timexes = SpanIndex(doc._.timexes)
    published = doc._.published
    pub = published.isoformat() if isinstance(published, date) else published
    out: list[Event] = []
    last_date: tuple[int, str] | None = None
    lead = _lead_date(doc, body, timexes, published)
    named_before: set[tuple[str, str]] = set()  # (type, lemma) of the event nouns reported so far
    for sent in doc.sents:
        found = body.covering(sent.start_char)
        if not found:
            continue
        para = (found[0].start, found[0].end)
        toks = [t for t in sent if not t.is_space]
        # a day, or a week ("i forrige uke"); not one said inside a direct quote ("- I dag skal me …"),
        # whose today is the speaker's, not the events' told around it
        dates = [t for t in timexes.within(sent.start_char, sent.end_char) if t.type in ("DATE", "TIME")
                 and re.match(r"\d{4}-(?:\d\d-\d\d|W\d\d)", t.value) and not direct.covering(t.start)]
        if dates:
            last_date = (para[0], dates[0].value)
        # a year, a month or a season ("i høst": 2009-FA)
        sent_periods = [t for t in timexes.within(sent.start_char, sent.end_char) if t.type == "DATE"
                        and re.fullmatch(r"\d{4}(?:-\d\d|-(?:SP|SU|FA|WI))?", t.value)]
        prev_end = -1
        prev_type = prev_noun = None
        i = 0
        while i < len(toks):
            found = trigger_of(toks, i, matched)
            if not found:
                i += 1
                continue
            etype, mode, end = found
            t0 = toks[i]
            inside_quote = bool(direct.covering(t0.idx))
            no_comma = prev_end >= 0 and not any(t.text in ",;" for t in toks[prev_end:i]) and i - prev_end < 14
            earlier = next((v for v in reversed(out[-3:]) if v.type == etype
                            and v.sentence["end"] >= sent.start_char - 400), None)
            anaphoric = _anaphoric(ctx, toks, i, etype, named_before, earlier)
            conditional = any(t.text.casefold() in CONDITIONAL for t in toks[max(0, i - 4):i])
            # one event a clause, but "Etter forhandlinger … ble partene enige": a noun's event, then the verb's
            second = prev_noun and etype != prev_type and t0.pos_ != "NOUN"
            if inside_quote or anaphoric or conditional or (no_comma and prev_type is not None and not second):
                i = end
                continue
            actors = _actors(ctx, toks, i)
            targets = _targets(ctx, toks, i, end, actors, etype)
            if t0.pos_ == "NOUN" and not actors and not targets and t0.lower_.startswith(
                    tuple(words("unnamed_event_nouns"))):
                i = end  # "på møtet", "avtalen": a meeting or a deal no one is named in, no event here
                continue
            if mode == "economic" and etype == "AID" and not actors:
                i = end  # "Avtalen gir 2,1 milliarder kroner mer til skolene": nobody gives aid
                continue
            if t0.text.casefold().startswith(("advar", "åtvar")) and not any(
                    c.dep_ in ("obj", "iobj") and _phrase_entities(ctx, [c]) for c in t0.children):
                i = end  # a warning is a threat only when it is addressed to someone: not "advarer om glatte veier"
                continue
            actors, targets = _roles(ctx, toks, i, end, actors, targets)
            if etype == "ASSAULT" and targets and all(_is_party(ctx, t) for t in targets):
                etype, mode = "ACCUSE", "criticize"  # "angrepet på Høyre": words against a party, not violence
            if etype == "CONSULT" and len(actors) >= 2:
                ctx.last_parties = actors[:2]
            location, inferred, targets = _place(ctx, toks, i, etype, targets)
            if not actors and location is not None and t0.lower_ in words("state_actions") and _passive(t0):
                # "De ble arrestert og dømt": the state where it happened did it
                actors = [c for c in (ctx.country_of(location),) if c is not None and c not in targets]
            near = _attached_period(doc, sent_periods, t0) or (
                min(dates, key=lambda t: abs(t.start - t0.idx)).value if dates else (
                    last_date[1] if last_date and last_date[0] == para[0] else lead or pub))
            quote = next(iter(reported.covering(t0.idx)), None)
            source = quote.speaker if quote else ifolge_source(doc, sent.start_char, sent.end_char)
            status = _status(toks, i)
            if re.search(r"\batom", sent.text, re.I) and etype in ("MOBILIZE", "THREATEN"):
                mode = "nuclear"
            s_char, e_char = t0.idx, toks[end - 1].idx + len(toks[end - 1].text)
            out.append(Event(id=f"v{len(out) + 1}", type=etype, mode=mode, start=s_char, end=e_char,
                             text=text[s_char:e_char], sentence={"start": sent.start_char, "end": sent.end_char},
                             actors=actors, targets=targets, location=location, location_inferred=inferred, date=near, status=status,
                             source=source))
            prev_end, prev_type, prev_noun = end, etype, t0.pos_ == "NOUN"
            if prev_noun:
                named_before.add((etype, t0.lemma_.casefold()))
            i = end
    doc._.events = out
    return doc


def _attached_period(doc: Doc, periods: list, trigger: Token) -> str | None:
    """A year, month or season said of this very event: "EU innførte i fjor sanksjoner" (2024). Only "i …"
    on the trigger or its verb: "siden 2022", "før mars" and a year elsewhere in the sentence
    are not when it happened."""
    for t in periods:
        span = doc.char_span(t.start, t.end, alignment_mode="expand")
        if span is None:
            continue
        said_with_i = span[0].lower_ in ("i", "in") or (span.start and doc[span.start - 1].lower_ in ("i", "in"))
        if said_with_i and span.root.head in (trigger, trigger.head) and span.root.head != span.root:
            return t.value
    return None


def _refers_back(toks: list[Token], i: int) -> bool:
    """A definite noun ("samtalene") or one after a genitive ("Torsdagens samtaler") names an
    event the article has already reported."""
    low = toks[i].text.casefold()
    if toks[i].pos_ == "VERB":
        return False
    prev = toks[i - 1].text if i else ""
    return low.endswith(("ene", "ane")) or (len(prev) > 3 and prev.endswith("s") and prev[:1].isupper())

