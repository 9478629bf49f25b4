"""Quotes: direct speech (dash paragraphs, «» quotes), indirect speech ("X sa at ...",
"ifølge X"), speakers across sentences and attribution chains ("ifølge Bloomberg")."""
from __future__ import annotations

import bisect
import re
from itertools import takewhile

from spacy.language import Language
from spacy.tokens import Doc

from ..record.model import Quote
from . import speakers
from .entities import is_role_word
from .lexicon import entries, forms_with, words
from .sources import ACCORDING_TO, CONTRAST_CLAUSE, IFOLGE
from .speakers import Focus
from .structure import OPENER
from .util import CharSpan, SpanIndex, paragraph_index, text_of


def _cue_pattern(form: str) -> str:
    """A cue's regex: its first word, and the rest of a cue of several words ahead, where the
    subject may stand between them as Norwegian puts it after a quote ("…, la han til",
    "…, gjorde ho merksam på"): the match is the verb, the speaker follows it."""
    first, *rest = form.split()
    if not rest:
        return re.escape(first)
    particles = r"\s+".join(map(re.escape, rest))
    return rf"{re.escape(first)}(?=(?:\s+[\w.-]+){{0,3}}?\s+{particles}\b)"


# speech and report verbs, and their roles (lexicon/speech_verbs.tsv)
# verbs that attribute speech after a quote: "– …, sa han", as a regex alternation in the file's order
SPEECH_VERBS = "|".join(_cue_pattern(f) for f in forms_with("speech_verbs", "cue"))
CUE_WORDS = {f for f in forms_with("speech_verbs", "cue") if " " not in f}
CUE_PHRASES: dict[str, list[list[str]]] = {}  # first word -> the rest of each cue of several words
for _form in forms_with("speech_verbs", "cue"):
    if " " in _form:
        CUE_PHRASES.setdefault(_form.split()[0], []).append(_form.split()[1:])


def cue_of(m: re.Match) -> str:
    """The cue a match of SPEECH_VERBS found, as the lexicon has it: "la til" for "…, la han til"."""
    verb = m.group("cue").casefold()
    if verb in CUE_WORDS:
        return verb
    ahead = re.findall(r"\w+", m.string[m.end("cue"):m.end("cue") + 80].casefold())
    for rest in CUE_PHRASES.get(verb, ()):
        if any(ahead[k:k + len(rest)] == rest for k in range(4)):
            return " ".join([verb, *rest])
    return verb


# verbs that open reported speech with "at": "X sa i en tale torsdag at …"
INDIRECT_VERBS = set(forms_with("speech_verbs", "cue", "at"))
# claim verbs that may take an infinitive: "Ukraina hevder å ha drept …"
INFINITIVE_VERBS = set(forms_with("speech_verbs", "inf"))
DASHES = "–—-"
FIRST_PERSON_AFTER = r"(?!\s+(?:jeg|eg|vi|me)\b)"  # "…, sa jeg til kona": the speaker's own words go on
CUE_AFTER = re.compile(rf"(?P<punct>[,?!])\s*(?P<cue>{SPEECH_VERBS})\b{FIRST_PERSON_AFTER}(?P<rest>[^\n]*)$", re.I)
# «…», and straight double quotes as feeds and treebank texts have them ("rette i ryggen", " primitive ")
GUILLEMETS = re.compile(r'«(?P<q>[^«»]+)»|(?<![\w"])"[ \t]?(?P<s>[^"\n]{2,400}?)[ \t]?"(?![\w"])')
# a cue after the quote in a relative clause: «…», som Jensen sa til Dagsavisen
SOM_CUE = re.compile(rf"\s*,\s*som\s+(?P<who>[^,.;«»]{{1,60}}?)\s+(?P<cue>{SPEECH_VERBS})\b", re.I)
# a name in apposition after an "ifølge" phrase: ", Petter Lie,"
APPOSITION = re.compile(r"\s*,\s*(?P<name>[A-ZÆØÅ][\w-]+(?:\s+[A-ZÆØÅ][\w-]+){0,3})\s*,", re.UNICODE)
# a relative clause naming whom a source cites: ", som viser til kilder i politiet,"
CITING = re.compile(rf"\s*,\s*som\s+(?:{'|'.join(forms_with('speech_verbs', 'cites'))})\s+til\s+(?P<who>[^,]*),\s*",
                    re.I)
# verbs that name something in the subject's words: "kaller forliket «ansvarlig»", "beskriver det som «…»"
NAMING = re.compile(rf"\b(?P<verb>{'|'.join(forms_with('speech_verbs', 'names'))})\b[^,.;:«]*$", re.I)
MAX_GAP_TO_AT = 8
ASIDES = frozenset(forms_with("clause_openers", "aside"))


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and (text[start].isspace() or text[start] in DASHES):
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in ",.:;"):
        end -= 1
    return start, end


def who_end(doc: Doc, start: int, end: int) -> int:
    """Where an "ifølge X" phrase ends: at a comma or full stop, or before a verb
    ("Ifølge KS krever forbundet …")."""
    for tok in doc.char_span(start, end, alignment_mode="expand") or []:
        if tok.idx > start and tok.pos_ in ("VERB", "AUX"):
            return tok.idx
    return end


class _Builder:
    def __init__(self, doc: Doc):
        self.doc = doc
        self.quotes: list[Quote] = []
        self.spans: set[tuple[int, int]] = set()
        self.dash = SpanIndex()  # the dash-paragraph quotes, once they are all found
        self.focus = Focus(doc)
        self.cue_tails: list[int] = []  # where the cue of a dash quote ends: "…, sa X og la til at …" goes on

    def in_sentence(self, sent) -> list[Quote]:
        """Quotes found so far that start in this sentence: the dash quotes (found first, for the
        whole text) and those found sentence by sentence since (so at the end)."""
        out = list(self.dash.within(sent.start_char, sent.end_char))
        for q in reversed(self.quotes[len(self.dash.items):]):
            if q.start < sent.start_char:
                break
            if q.start < sent.end_char:
                out.append(q)
        return out

    def add(self, start, end, direct, speaker, speaker_text, cue, via=(), sentence=None):
        start, end = _trim(text_of(self.doc), start, end)
        if speaker and not (speaker_text or "").strip() and (ent := _entity(self.doc, speaker)) is not None:
            speaker_text = ent.name  # found through a relative clause: "X, som er …, opplyser at"
        if end - start < 2:
            return None
        if (start, end) in self.spans:  # one quote per span
            return None
        if not direct and self.dash.covering(start):
            return None  # inside a dash quote, whatever sentence the splitter began before it
        self.spans.add((start, end))
        q = Quote(id=f"q{len(self.quotes) + 1}", start=start, end=end, text=text_of(self.doc)[start:end],
                  direct=direct, speaker=speaker, speaker_text=speaker_text, cue=cue, via=list(via),
                  sentence={"start": sentence[0], "end": sentence[1]} if sentence else None)
        self.quotes.append(q)
        if speaker and (ent := _entity(self.doc, speaker)) and ent.type == "PER":
            self.focus.add(end, speaker)
        return q

    def via(self, start: int, end: int) -> list[str]:
        """Entities in an "ifølge …" phrase: the chain the words reached the article through."""
        out = []
        for _s, _e, eid in speakers.mentions_in(self.doc, start, end):
            if eid not in out:
                out.append(eid)
        return out


def _entity(doc, eid):
    from .entities import entity_by_id
    return entity_by_id(doc, eid)


def _colon_speaker(b: _Builder, para: tuple[int, int]) -> tuple[str | None, str]:
    """Who speaks after a paragraph ending in a colon ("Til VG uttalte hun:"): the subject of its
    last sentence's main verb, else whoever the paragraph names."""
    span = b.doc.char_span(para[1] - 1, para[1], alignment_mode="expand")
    if span is not None:
        sent = span[0].sent
        verb = sent.root
        if verb.pos_ in ("VERB", "AUX") or verb.text.casefold() in INDIRECT_VERBS:
            speaker, stext = _subject(b, sent, verb)
            if speaker or stext.strip(" ,:"):
                return speaker, stext
    return speakers.resolve(b.doc, para[0], para[1], b.focus)


def _dash_opened(text: str, para: tuple[int, int] | None) -> bool:
    return para is not None and text[para[0]] in DASHES and para[1] - para[0] > 2


# a dash that opens direct speech inside a paragraph, as text from feeds and copy-pastes has it
# (paragraph breaks lost): "… sa han. - Vi gir oss ikke, sier Hansen." Before a capital only:
# "plan B - en mindretallsregjering -" is an aside.
MID_OPENER = re.compile(r"(?<=\S)[ \t]+[-–—][ \t]+(?=[«\"]?[A-ZÆØÅÉ])")
CUE_IN = re.compile(rf"[,?!]\s*(?P<cue>{SPEECH_VERBS})\b{FIRST_PERSON_AFTER}", re.I)


def _cue_sentence_end(doc: Doc, cue_start: int, limit: int) -> int:
    tokens = doc.char_span(cue_start, cue_start + 1, alignment_mode="expand")
    return min(tokens[0].sent.end_char, limit) if tokens is not None and len(tokens) else limit


def _det_cue_at(text: str, start: int, end: int) -> re.Match | None:
    """"Det sa X til NTB" opening text[start:end]: the match, when its cue attributes."""
    m = DET_CUE.match(text, start, end)
    return m if m and m.group("cue").casefold() in TRAILING_CUES else None


_LINE_START = re.compile(r"\s*")


def _det_cue_follows(text: str, end: int) -> bool:
    """Whether the next paragraph opens with "Det sa X"."""
    line = _LINE_START.match(text, end).end()
    line_end = text.find("\n", line)
    return _det_cue_at(text, end, line_end if line_end >= 0 else len(text)) is not None


# a name in apposition after a speaker's title: ", Oddvar Etnestad." / ", Cristian Cuevas, til"
APPOSED_NAME = re.compile(r",\s*(?P<name>[A-ZÆØÅ][\w-]+(?:\s+[A-ZÆØÅ][\w-]+){0,3})\s*(?:[,.]|til\b|$)")


# the outlet a speaker told it to: "…, sier X til NRK", "forsikrer X overfor fjernsynskanalen France 24"
OUTLET = re.compile(rf"\b(?:til|overfor)\s+(?P<noun>[\w-]*(?:{'|'.join(entries('outlet_nouns'))})\s+)?(?P<who>[A-ZÆØÅ][\w.-]*(?:\s+[A-ZÆØÅ0-9][\w.-]*){{0,3}})")


def _outlet(b: _Builder, start: int, end: int) -> list[str]:
    """The medium a quote reached the article through (`via`): an organisation after "til" or
    "overfor" that is a known outlet or is named as one ("fjernsynskanalen France 24")."""
    from .gazetteer import MEDIA, fold

    m = OUTLET.search(text_of(b.doc), start, end)
    if m is None:
        return []
    found = [eid for eid in b.via(m.start("who"), m.end("who"))
             if (ent := _entity(b.doc, eid)) is not None and ent.type in ("ORG", "PROD")
             and (m.group("noun") or fold(ent.name) in MEDIA)]
    return found[:1]


def _run_in_heading(piece: str) -> bool:
    """A sub-heading run into the text before a dash quote: a few words, no sentence's end."""
    return len(piece.split()) <= 6 and not piece.rstrip().endswith((".", "!", "?", ":", ";", ","))


def _is_person(doc: Doc, eid: str | None) -> bool:
    ent = _entity(doc, eid) if eid else None
    return ent is not None and ent.type == "PER"


def _first_person(text: str, also: frozenset[str] = frozenset()) -> bool:
    """Whether someone speaks of themselves (or, with `also`, to someone) in the text."""
    person = words("first_person") | also
    return any(w in person for w in re.findall(r"\w+", text.casefold()))


def _speech_like(text: str) -> bool:
    """A dash line without a cue is speech where someone speaks in the first or second person, or
    asks or exclaims; else it is a sub-heading or a narrative line set with a dash."""
    return text.rstrip().endswith(("?", "!")) or _first_person(text, words("second_person"))


def dash_pieces(doc: Doc, paragraphs) -> list[tuple[int, int]]:
    """Paragraphs cut where direct speech opens inside them, so each quote is a piece of its own:
    the narrative before it, the quote up to the end of its cue's sentence ("…, sier Hansen."),
    the narrative after. An opener after a full stop, a colon, "?" or "!" always opens a quote; one
    after a word (a sub-heading run into the text) only where a cue follows in the piece."""
    text, pieces = text_of(doc), []
    for ps, pe in paragraphs:
        # (where the gap before the dash starts, the dash, whether it follows a sentence's end)
        openers = [(m.start(), m.end() - len(m.group().lstrip(" \t")), text[m.start() - 1] in ".!?:»\"")
                   for m in MID_OPENER.finditer(text, ps, pe)]
        if _dash_opened(text, (ps, pe)):
            openers.insert(0, (ps, ps, True))  # "– Vi gir oss ikke, sier Hansen. Han …": cut after the cue too
        if not openers:
            pieces.append((ps, pe))
            continue
        at = ps
        for k, (gap, dash, strong) in enumerate(openers):
            if dash < at:
                continue  # inside the quote just cut
            limit = openers[k + 1][0] if k + 1 < len(openers) else pe
            opened = OPENER.search(text, dash, min(limit, dash + 80))
            if opened and _run_in_heading(text[dash:opened.start()].lstrip(DASHES + " ")):
                # "- Smekkfullt av nissar Ho meiner …": a dashed sub-heading, then the narrative
                # goes on (the line break between them lost); the heading is its own piece
                if at < gap:
                    pieces.append((at, gap))
                pieces.append((dash, opened.start()))
                at = opened.end()
                continue
            cue = CUE_IN.search(text, dash, limit)
            if not cue and not strong and not (limit == pe and _det_cue_follows(text, pe)) and not (
                    _first_person(text[dash:limit])):
                continue  # a weak opener needs a cue, "Det sa X" next, or someone speaking in the first person
            end = _cue_sentence_end(doc, cue.start("cue"), limit) if cue else _narrative_resumes(doc, dash, limit)
            if at < gap:
                pieces.append((at, gap))
            pieces.append((dash, end))
            at = end
            while at < pe and text[at].isspace():
                at += 1
        if at < pe:
            pieces.append((at, pe))
    return pieces


# a sentence that reports someone's words in the third person: the narrative, not the quote before
# it ("… fjøsnissar. Mindreverdskompleks Ho sa at …", a sub-heading run in before it)
THIRD_PERSON_REPORT = re.compile(
    rf"^(?:\S+\s+)?(?:{'|'.join(p for p in forms_with('pronouns', 'person'))})\s+(?:{SPEECH_VERBS})\b", re.I)


def _narrative_resumes(doc: Doc, dash: int, limit: int) -> int:
    """Where a dash quote without a cue ends: at a sentence after its first that reports in the
    third person, else at the limit."""
    span = doc.char_span(dash, limit, alignment_mode="expand")
    for sent in list(span.sents)[1:] if span is not None else []:
        if sent.start_char > dash and THIRD_PERSON_REPORT.match(sent.text):
            return sent.start_char
    return limit


_PHRASE_END = re.compile(r"[,.;](?:\s|$)")


def _who_end(text: str, start: int, end: int) -> int:
    """Where a speaker phrase after a cue ends: at the first comma or full stop."""
    stop = _PHRASE_END.search(text, start, end)
    return stop.start() if stop else end


def _dash_paragraphs(b: _Builder, paragraphs) -> list[tuple[int, int]]:
    text, done, pending = text_of(b.doc), [], None
    for i, (ps, pe) in enumerate(paragraphs):
        para = text[ps:pe]
        if para[0] not in DASHES or len(para) < 3 or not (para[1].isspace() or para[1].isupper()):
            det = _det_cue_at(text, ps, pe) if pending else None
            if det:
                # "– Vi gir oss ikke." then "Det sa Kari Hansen til NTB.": she said it
                speaker, stext = speakers.resolve(b.doc, det.end("cue"), _who_end(text, det.end("cue"), pe), b.focus)
                b.add(*pending, True, speaker, stext, cue_of(det))
            elif pending:
                _unattributed(b, pending)
            pending = None
            continue
        m = CUE_AFTER.search(para)
        if m and len(m.group("rest")) < 160:
            qend = ps + m.start("punct") + (1 if m.group("punct") in "?!" else 0)
            rest_start, rest_end = ps + m.end("cue"), pe
            via_m = IFOLGE.search(text, rest_start, rest_end)
            who_end = min([ps + m.start("rest") + x for x in (para[m.start("rest"):].find(","),) if x >= 0] or [pe])
            speaker, stext = speakers.resolve(b.doc, rest_start, who_end, b.focus, refers_from=ps)
            named = APPOSED_NAME.match(text, who_end, pe)
            titled = is_role_word((text[rest_start:who_end].split() or [""])[0])
            if named and (titled or not _is_person(b.doc, speaker)):
                # "…, seier leiaren i Naturvernforbundet, Oddvar Etnestad.": the title's holder speaks
                person, ptext = speakers.resolve(b.doc, named.start("name"), named.end("name"), b.focus)
                if _is_person(b.doc, person):
                    speaker, stext = person, ptext
            via = b.via(via_m.start("who"), via_m.end("who")) if via_m else _outlet(b, rest_start, pe)
            if pending:  # an unattributed dash paragraph just before: the same speaker
                b.add(*pending, True, speaker, stext, cue_of(m))
                pending = None
            b.add(ps + 1, qend, True, speaker, stext, cue_of(m), via, (ps, pe))
            b.cue_tails.append(rest_start)
        elif para.rstrip().endswith("?") and _dash_opened(text, paragraphs[i + 1] if i + 1 < len(paragraphs) else None):
            pending = None  # "– Hvor lenge kan dere vente?" then "– Vi må …, svarer han": the reporter asks
        else:
            prev = paragraphs[i - 1] if i else None
            if prev and i > 1 and _run_in_heading(text[prev[0]:prev[1]]):
                prev = paragraphs[i - 2]  # "… seier X. Utan tillit - Dette …": the sub-heading between is no break
            if prev and text[prev[1] - 1] == ":":
                speaker, stext = _colon_speaker(b, prev)
                if not _is_person(b.doc, speaker) and _first_person(para):
                    # "Marknadsføringa verkar motsett: – Eg trur …": a person speaks, the one in focus
                    speaker = b.focus.at(ps) or speaker
                b.add(ps + 1, pe, True, speaker, stext, None, (), (ps, pe))
            elif not _speech_like(para):
                pending = None
            elif b.quotes and b.quotes[-1].direct and b.quotes[-1].end >= (prev[0] if prev else 0):
                last = b.quotes[-1]
                b.add(ps + 1, pe, True, last.speaker, last.speaker_text, None, last.via, (ps, pe))
            else:
                pending = (ps + 1, pe)
        done.append((ps, pe))
    if pending:
        _unattributed(b, pending)
    return done


def _unattributed(b: _Builder, piece: tuple[int, int]) -> None:
    """A dash line in the first person that no cue attributes, the narrative going on after it:
    the words of the person in focus ("… Saka går til fylket. – Blir det nei, flyttar eg.")."""
    if _first_person(text_of(b.doc)[piece[0]:piece[1]]) and (speaker := b.focus.at(piece[0])):
        b.add(*piece, True, speaker, _entity(b.doc, speaker).name, None, (), piece)


# speech verbs of several words: "la til at", "la (konsul Carlsen) vekt på at"
PHRASE_VERBS = [form.split() for form in INDIRECT_VERBS if " " in form]
PHRASE_VERB_STARTS = {first for first, *_ in PHRASE_VERBS}  # most tokens open none: asked first


def _phrase_verb(toks, i: int) -> str | None:
    """The speech verb of several words toks[i] opens, its other words together within the next
    six (a subject may come between: "la konsul Carlsen vekt på at"); None if it opens none."""
    low = toks[i].text.casefold()
    if low not in PHRASE_VERB_STARTS:
        return None
    ahead = [t.text.casefold() for t in toks[i + 1:i + 7]]
    return next((" ".join([first, *rest]) for first, *rest in PHRASE_VERBS
                 if first == low and any(ahead[k:k + len(rest)] == rest for k in range(len(ahead)))), None)


def _indirect(b: _Builder, sent, from_char: int = 0) -> list[tuple[int, int]]:
    """Reported speech in one sentence (from `from_char` on); returns the spans it covers."""
    text = text_of(b.doc)
    covered = []
    toks = [t for t in sent if t.idx >= from_char]
    i = -1
    while i + 1 < len(toks):
        i += 1
        tok = toks[i]
        low = tok.text.casefold()
        cue = low if low in INDIRECT_VERBS or low in INFINITIVE_VERBS else _phrase_verb(toks, i)
        if cue is None:
            continue
        j = None
        omitted_at = _at_omitted(toks, i)
        if omitted_at:
            j = i  # "sier de vil returnere": the report starts right after the verb
        gap = 0  # words between the verb and "at"; a name counts for none, however long
        skip_to = -1  # the end of an aside, which counts for none either
        for k in range(i + 1, len(toks) if j is None else 0):
            if k <= skip_to:
                continue
            t = toks[k].text.casefold()
            if t == "at" or (t == "å" and low in INFINITIVE_VERBS) or (t == "om" and low in words("ask_verbs")):
                j = k  # "spør om folk ønsker …": a reported question
                break
            if t in ".;:?!" or t in ("og", "men", "som") and k > i + 1:
                break
            if t == "," and k + 1 < len(toks) and toks[k + 1].text.casefold() in ASIDES:
                aside_end = next((m for m in range(k + 2, min(k + 16, len(toks))) if toks[m].text == ","), None)
                if aside_end is not None:  # "har sagt, slik hun gjorde på landsmøtet, at …"
                    skip_to = aside_end
                    continue
            gap += not toks[k].ent_type_  # "forkynte partiets talsmann, Per Olaf Lundteigen, at"
            if gap >= MAX_GAP_TO_AT:
                break
        if j is None:
            continue
        if low in ("ba", "krevde", "slo") and toks[i + 1].text.casefold() not in ("om", "på", "fast"):
            continue
        q_start = toks[j].idx if toks[j].text.casefold() == "å" else (
            toks[j + 1].idx if omitted_at else toks[j].idx + len(toks[j].text))
        second = _second_report(toks, j)
        q_end = toks[second[0]].idx if second else sent.end_char
        q_end = _cut(b.doc, q_start, q_end)  # "krever at avgiften kuttes, men regjeringen avviste kravet"
        q_end = _main_clause(tok, toks[j:], q_end)
        via = []
        ifm = IFOLGE.search(text, q_start, q_end)
        if ifm:
            via = b.via(ifm.start("who"), ifm.end("who"))
            q_end = ifm.start()
        speaker, stext = _subject(b, sent, tok)
        trailing = CUE_AFTER.search(text, q_start, q_end)
        if trailing and speaker is None and len(trailing.group("rest")) < 80:
            # "Jeg tror at …, sier Bertelsen": the speaker is named after the quote
            q_end = trailing.start("punct")
            speaker, stext = speakers.resolve(b.doc, trailing.end("cue"), trailing.end(), b.focus)
        b.add(q_start, q_end, False, speaker, stext, cue, via, (sent.start_char, sent.end_char))
        covered.append((sent.start_char, q_end))
        if second is None:
            break
        i = second[1] - 1  # the next report's verb is looked at next
    if covered:
        covered[-1] = (covered[-1][0], sent.end_char)
    return covered


SECOND_CLAUSE = frozenset(forms_with("clause_openers", "second"))
SUBJECT_PRONOUNS = frozenset(forms_with("pronouns", "subject"))


def _at_omitted(toks, i: int) -> bool:
    """"Politiet sier de har full kontroll": a report without "at", a subject pronoun then its
    verb right after the speech verb (not "…, sier han til NTB", where the pronoun is the speaker)."""
    if toks[i].text.casefold() not in SAY_WITHOUT_AT or i + 2 >= len(toks) or i == 0 or toks[i - 1].is_punct:
        return False
    subject = toks[i + 1].text.casefold() in SUBJECT_PRONOUNS or (toks[i + 1].pos_ == "NOUN" and toks[i + 1].is_lower)
    return subject and toks[i + 2].pos_ in ("VERB", "AUX")  # "meiner folk må …" too


SAY_WITHOUT_AT = set(forms_with("speech_verbs", "bare"))


def _second_report(toks, after: int) -> tuple[int, int] | None:
    """"… 120 ble drept, mens RSF hevder at færre enn 20 omkom": (comma index, verb index) of
    a second reporting clause after token `after`, which ends the first report."""
    for k in range(after + 1, len(toks) - 2):
        if toks[k].text != "," or toks[k + 1].text.casefold() not in SECOND_CLAUSE:
            continue
        for v in range(k + 2, min(k + 8, len(toks))):
            if toks[v].text.casefold() in INDIRECT_VERBS and any(
                    t.text.casefold() == "at" for t in toks[v + 1:v + 1 + MAX_GAP_TO_AT]):
                return k, v
    return None


def _subject(b: _Builder, sent, verb) -> tuple[str | None, str]:
    """The speaker of a reporting verb: its parsed subject, else the clause before it."""
    doc = b.doc
    parsed = None  # a subject that names no one we know ("Andre innbyggere"), kept as its phrase
    for child in verb.children:
        if child.dep_ in ("nsubj", "nsubj:pass") and child.text.casefold() not in ("som", "der", "de"):
            sub = list(child.subtree)
            eid, stext = speakers.resolve(doc, sub[0].idx, sub[-1].idx + len(sub[-1]), b.focus)
            if eid:
                return eid, stext
            parsed = parsed or (None, stext)
    head = verb
    while head.dep_ == "conj" and head.head != head:
        # "Andre brukere var mindre forsiktige, og svarte at …": the first clause's subject speaks
        head = head.head
        sub = next((c for c in head.children if c.dep_ in ("nsubj", "nsubj:pass") and c.i < verb.i), None)
        if sub is not None and head.dep_ == "ROOT" and sub.text.casefold() not in ("som", "der", "de"):
            toks = list(sub.subtree)
            return speakers.resolve(doc, toks[0].idx, toks[-1].idx + len(toks[-1]), b.focus)
    # fall back on the clause: from the last comma or relative "der/som" before the verb
    text = text_of(doc)
    seg_end = verb.idx
    seg_start = sent.start_char
    for m in re.finditer(r",|\bder\b|\bsom\b", text[sent.start_char:seg_end]):
        seg_start = sent.start_char + m.end()
    first = doc.char_span(seg_start, seg_end, alignment_mode="expand")
    first = next((t for t in first if not t.is_space and not t.is_punct), None) if first is not None else None
    if first is not None and first.pos_ in ("ADP", "ADV") and first.text.casefold() not in ACCORDING_TO:
        # "I Finnmark melder Meteorologisk institutt at …": a fronted adverbial, the subject follows the verb
        after = []
        for t in doc[verb.i + 1:min(verb.i + 7, sent.end)]:
            if t.is_punct or t.text.casefold() in ("at", "om", "å", "til", "i", "på"):
                break
            after.append(t)
        if after:
            eid, stext = speakers.resolve(doc, after[0].idx, after[-1].idx + len(after[-1]), b.focus)
            if eid or parsed is None:
                return eid, stext
    eid, stext = speakers.resolve(doc, seg_start, seg_end, b.focus)
    if eid is None and re.search(r"\bsom\s*\S*\s*$", text[sent.start_char:seg_end]) or (
            eid is None and seg_start > sent.start_char and not text[seg_start:seg_end].strip(" ,")):
        # "…, ifølge ukrainske myndigheter, som likevel kunngjorde at": the antecedent
        prev_end = seg_start
        seg = text[sent.start_char:prev_end]
        cut = max(seg.rfind(","), 0)
        cut2 = seg[:cut].rfind(",")
        eid, stext = speakers.resolve(doc, sent.start_char + max(cut2 + 1, 0), sent.start_char + cut, b.focus,
                                      prefer_last=True)
    if eid is None and parsed:
        return parsed
    return eid, stext


def _ifolge(b: _Builder, sent, covered) -> None:
    """"…, ifølge X": the rest of the sentence is X's claim, unless it already belongs to a quote."""
    text = text_of(b.doc)
    for m in IFOLGE.finditer(text, sent.start_char, sent.end_char):
        if any(s <= m.start() <= e + 2 for s, e in covered) or b.dash.covering(m.start()) or any(
                q.start <= m.start() <= q.end + 3 for q in b.in_sentence(sent)):
            continue
        w_end = who_end(b.doc, m.start("who"), m.end("who"))
        speaker, stext = speakers.resolve(b.doc, m.start("who"), w_end, b.focus)
        named = APPOSITION.match(text, w_end)
        if named:  # "Ifølge bondens advokat, Petter Lie, vil …": the name after the comma speaks
            person, ptext = speakers.resolve(b.doc, named.start("name"), named.end("name"), b.focus)
            if person is not None and ptext == named.group("name").strip():
                speaker, stext, w_end = person, ptext, named.end()
        if m.start() - sent.start_char > 10:
            q_start, q_end = sent.start_char, m.start()
        else:
            q_start, q_end = w_end, sent.end_char
            cited = CITING.match(text, q_start, q_end)
            if cited:  # "Ifølge FT, som viser til to kilder i delegasjonen, vil …": the sources speak, FT relays
                q_start = cited.end()
                via = b.via(m.start("who"), w_end) or ([speaker] if speaker else [])
                speaker, stext = speakers.resolve(b.doc, cited.start("who"), cited.end("who"), b.focus)
                b.add(q_start, _cut(b.doc, q_start, q_end), False, speaker, stext, "ifølge", via,
                      (sent.start_char, sent.end_char))
                continue
            # "Ifølgje X er 15.000 evakuerte, medan kommunane melder om 9000": X's claim ends there
            q_end = _cut(b.doc, q_start, q_end)
        b.add(q_start, q_end, False, speaker, stext, "ifølge", (), (sent.start_char, sent.end_char))


def _finite(tok) -> bool:
    return tok.pos_ in ("VERB", "AUX") and not set(tok.morph.get("VerbForm")) & {"Inf", "Part"}


def _main_clause(verb, after, end: int) -> int:
    """Where a report ends when its verb stands in a clause opened by "da", "når", "fordi" …: at
    the main clause after it, a comma and its verb ("Da X sa at …, reiste Y seg")."""
    if not any(c.dep_ == "mark" and c.pos_ == "SCONJ" and c.i < verb.i for c in verb.children):
        return end
    for comma, nxt in zip(after, after[1:], strict=False):
        if comma.idx >= end:
            break
        if comma.text == "," and _finite(nxt):
            return comma.idx
    return end


def _cut(doc: Doc, start: int, end: int) -> int:
    """Where a report ends: at a clause of its own after it (", men regjeringen avviste …"), one
    with a finite verb (", men et privat oppdrag" goes on)."""
    for cut in CONTRAST_CLAUSE.finditer(text_of(doc), start, end):
        after = doc.char_span(cut.end(), end, alignment_mode="expand") or []
        clause = takewhile(lambda t: t.text not in ",.;:", after)
        if any(_finite(t) for t in clause):
            return cut.start()
    return end


# cues that attribute the whole sentence before them: "Norge gir 50 millioner, kunngjorde Holm."
TRAILING_CUES = set(forms_with("speech_verbs", "trailing"))


def _trailing_cue(b: _Builder, sent) -> None:
    """Reported speech without quotation marks or "at": "Norge gir 50 millioner kroner i
    nødhjelp, kunngjorde utviklingsministeren." Only when the cue names a speaker: a known one, or
    a noun phrase ("…, opplyser politiet", "…, opplyser det amerikanske utenriksdepartementet")."""
    text = text_of(b.doc)
    m = CUE_AFTER.search(text, sent.start_char, sent.end_char)
    if not m or m.group("punct") != "," or m.group("cue").casefold() not in TRAILING_CUES:
        return
    if "«" in text[sent.start_char:m.start()]:
        return  # a partial «» quote: _guillemets attributes it
    rest = m.group("rest").strip()
    words = rest.casefold().split()
    if not rest or len(rest) > 80 or words[0] in ("at", "å", "om") or (
            words[0] in ("det", "den", "de") and len(words) < 3):  # "…, sier de", not "…, sier det norske politiet"
        return
    speaker, stext = speakers.resolve(b.doc, m.end("cue"), m.end(), b.focus)
    phrase = b.doc.char_span(m.start("rest"), m.end(), alignment_mode="expand") or []  # not a scan of the doc
    if speaker is None and not any(t.pos_ == "NOUN" for t in list(phrase)[:4]):
        return  # "…, sa en av dem": nobody the text names
    b.add(sent.start_char, m.start("punct"), False, speaker, stext, cue_of(m), (),
          (sent.start_char, sent.end_char))


# a paragraph that ends in a photo credit is a picture's caption: "… Foto: Reuters"
CAPTION = re.compile(rf"\b(?:{'|'.join(entries('caption_words'))})\b\s*:?[^\n.:]{{0,60}}\s*$")


def _captions(text: str) -> SpanIndex:
    """The lines (paragraphs) of a text that end in a photo credit, each read once."""
    return SpanIndex(CharSpan(m.start(), m.end()) for m in re.finditer(r"[^\n]+", text)
                     if CAPTION.search(text, m.start(), m.end()))


DET_CUE = re.compile(rf"\s*(?:Det|Dette)\s+(?P<cue>{SPEECH_VERBS})\b(?P<rest>[^\n]*)$")


def _det_cue(b: _Builder, sent, prev, across_caption: bool = False) -> None:
    """"X skjedde. Det bekrefter operasjonsleder Y": the sentence before is Y's report (also when
    a picture's caption stands between them)."""
    text = text_of(b.doc)
    m = _det_cue_at(text, sent.start_char, sent.end_char)
    if not m or prev is None or b.in_sentence(prev):
        return
    if ("\n" in text[prev.end_char:sent.start_char] and not across_caption) or any(
            c in text[prev.start_char:prev.end_char] for c in "«–"):
        return  # only within a paragraph, and not about a quotation it already holds
    speaker, stext = speakers.resolve(b.doc, m.end("cue"), m.end(), b.focus)
    if speaker is None:
        return
    b.add(prev.start_char, prev.end_char, False, speaker, stext, cue_of(m), (),
          (prev.start_char, prev.end_char))


def _guillemets(b: _Builder, sent) -> None:
    doc, text = b.doc, text_of(b.doc)
    here = b.in_sentence(sent)
    for m in GUILLEMETS.finditer(text, sent.start_char, sent.end_char):
        if b.dash.covering(m.start()) or any(q.direct and q.start <= m.start() < q.end for q in here):
            continue
        inner = "q" if m.group("q") is not None else "s"
        inner_s, inner_e = m.start(inner), m.end(inner)
        if all(w[:1].isupper() for w in text[inner_s:inner_e].split()) and len(text[inner_s:inner_e].split()) <= 4:
            continue  # «Ingunn», «Aftenposten»: a name or title, not speech
        owner = next((q for q in here if not q.direct and q.start <= inner_s and inner_e <= q.end + 1), None)
        if owner is not None:
            b.add(inner_s, inner_e, True, owner.speaker, owner.speaker_text, owner.cue, owner.via,
                  (sent.start_char, sent.end_char))
            continue
        after = text[m.end():sent.end_char]
        cm = re.match(rf"\s*[,?!]?\s*(?P<cue>{SPEECH_VERBS})\b(?P<who>[^,.]*)", after, re.I)
        som = SOM_CUE.match(text, m.end(), sent.end_char)
        if som:
            speaker, stext = speakers.resolve(doc, som.start("who"), som.end("who"), b.focus)
            if speaker is not None:
                b.add(inner_s, inner_e, True, speaker, stext, cue_of(som), (),
                      (sent.start_char, sent.end_char))
                continue
        if cm:
            ws = m.end() + cm.start("who")
            speaker, stext = speakers.resolve(doc, ws, m.end() + cm.end("who"), b.focus)
            b.add(inner_s, inner_e, True, speaker, stext, cue_of(cm), (),
                  (sent.start_char, sent.end_char))
            continue
        before = text[sent.start_char:m.start()]
        naming = NAMING.search(before)
        if naming:  # "kaller forliket «ansvarlig»": the word is the subject's, however short
            verb = next((t for t in sent if t.idx == sent.start_char + naming.start("verb")), None)
            speaker, stext = _subject(b, sent, verb) if verb is not None else (None, "")
            b.add(inner_s, inner_e, True, speaker, stext, naming.group("verb").casefold(), (),
                  (sent.start_char, sent.end_char))
            continue
        cb = list(re.finditer(rf"\b(?P<cue>{SPEECH_VERBS})\b(?:\s+at)?\s*:?\s*$", before, re.I))
        if cb and len(inner_e - inner_s > 0 and text[inner_s:inner_e].split()) >= 2:
            verb = next((t for t in sent if t.idx == sent.start_char + cb[-1].start("cue")), None)
            speaker, stext = _subject(b, sent, verb) if verb is not None else (None, "")
            b.add(inner_s, inner_e, True, speaker, stext, cue_of(cb[-1]), (),
                  (sent.start_char, sent.end_char))
        elif _words_quoted(text, m.start(), inner_s, inner_e):
            # «hvorfor skal jeg ha en plan B …» quoted in the narrative without a cue: someone's
            # words, the sentence's subject's where it names someone ("har statsministeren tydd til …")
            speaker, stext = _root_subject(b, sent)
            b.add(inner_s, inner_e, True, speaker, stext, None, (), (sent.start_char, sent.end_char))


MIN_UNCUED_WORDS = 4  # shorter ones are mostly names and titles («Albania i NATO», «rar dame»)
TITLE_NOUNS = tuple(words("title_nouns"))  # "albumet «…»", and compounds: "lydverket «…»"
TITLE_PREPOSITIONS = frozenset({"på", "med", "i", "av"})  # "med «On the road again»"


def _words_quoted(text: str, opened: int, start: int, end: int) -> bool:
    """Whether a quotation no cue attributes is someone's words rather than a title: four words or
    more, most of them in lower case, not in English, not after a word that names a work."""
    inside = text[start:end].split()
    if len(inside) < MIN_UNCUED_WORDS or 2 * sum(w[:1].isupper() for w in inside[1:]) >= len(inside) - 1:
        return False  # «Need for Speed: ProStreet», «Have You Ever Seen The Rain»
    if sum(w.casefold().strip(",.!?") in words("english_words") for w in inside) >= 2:
        return False
    before = [w.casefold() for w in text[max(0, opened - 40):opened].split()[-2:]]
    return not (before and before[-1] in TITLE_PREPOSITIONS) and not any(w.endswith(TITLE_NOUNS) for w in before)


def _root_subject(b: _Builder, sent) -> tuple[str | None, str]:
    subject = next((c for c in sent.root.children if c.dep_ in ("nsubj", "nsubj:pass")), None)
    if subject is None:
        return None, ""
    toks = list(subject.subtree)
    speaker, stext = speakers.resolve(b.doc, toks[0].idx, toks[-1].idx + len(toks[-1]), b.focus)
    return (speaker, stext) if speaker else (None, "")


@Language.component("storyline_quotes", assigns=["doc._.quotes"],
                    requires=["doc._.entities", "doc.spans"])
def quotes(doc: Doc) -> Doc:
    b = _Builder(doc)
    paras = [(p.start_char, p.end_char) for p in doc._.paragraphs]
    dash_spans = _dash_paragraphs(b, dash_pieces(doc, paras))
    b.dash = SpanIndex(b.quotes)
    body, dash = paragraph_index(doc), SpanIndex(CharSpan(s, e) for s, e in dash_spans)
    captions = _captions(text_of(doc))
    prev, across_caption = None, False
    for sent in doc.sents:
        if sent.text.isspace():
            continue  # a paragraph break: whether a cue may reach across it is _det_cue's to say
        if captions.covering(sent.start_char):
            across_caption = prev is not None
            continue  # a picture's caption: what the narrative says next speaks of what came before it
        if not body.covering(sent.start_char):
            prev = None
            continue  # headings and the live marker are not speech
        in_dash = bool(dash.covering(sent.start_char))
        tails = b.cue_tails[bisect.bisect_left(b.cue_tails, sent.start_char):] if in_dash else []  # found in order
        tail = tails[0] if tails and tails[0] < sent.end_char else None
        covered = _indirect(b, sent, tail) if tail is not None else [] if in_dash else _indirect(b, sent)
        if not in_dash:
            _ifolge(b, sent, covered)
            if not b.in_sentence(sent):
                _trailing_cue(b, sent)
            if not b.in_sentence(sent):
                _det_cue(b, sent, prev, across_caption)
        _guillemets(b, sent)
        prev, across_caption = sent, False
    direct = {(q.start, q.end) for q in b.quotes if q.direct}
    # "han sier at «…»": the report is the quotation itself, once, as direct speech
    b.quotes = [q for q in b.quotes if q.direct or (q.start + 1, q.end - 1) not in direct]
    b.quotes.sort(key=lambda q: q.start)
    for i, q in enumerate(b.quotes, 1):
        q.id = f"q{i}"
    doc._.quotes = b.quotes
    return doc
