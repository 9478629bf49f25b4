"""Property tests (hypothesis) on the text readers: whatever bytes arrive, reading them gives text
or one clear InputError, never another exception; text that is text comes back unchanged; the
paragraph and sentence spans always lie inside the text, in order."""
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from storyline.ingest.sources import _from_bytes
from storyline.ingest.text import InputError, check_text, decode
from storyline.nlp.structure import paragraphs, split_sentences

SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
NORWEGIAN = st.sampled_from(["Ordføreren", "i", "Bodø", "sa", "mandag", "at", "12", "hus", "er", "skadet", ".",
                             "–", "«Vi", "må", "vente»,", "sier", "han.", "\n", "\n\n", "Å", "øy", "Æ"])


@SETTINGS
@given(st.binary(max_size=4000))
def test_any_bytes_are_text_or_one_clear_error(data):
    try:
        assert isinstance(decode(data, "x"), str)
    except InputError as e:
        assert str(e).startswith("x: ") and "\n" not in str(e)


@SETTINGS
@given(st.text(min_size=1, max_size=2000).filter(lambda t: t.strip() and "\x00" not in t and not t.startswith("\ufeff")))
def test_utf8_text_comes_back_as_it_was(text):
    assert decode(text.encode("utf-8")) == text


@SETTINGS
@given(st.lists(NORWEGIAN, min_size=1, max_size=200).map(" ".join), st.sampled_from(["utf-8", "utf-16", "cp1252"]))
def test_norwegian_text_in_any_of_its_encodings_comes_back(text, encoding):
    if text.strip():
        assert decode(text.encode(encoding)) == text


@SETTINGS
@given(st.binary(max_size=3000), st.sampled_from(["", ".txt", ".html", ".jsonl", ".rss"]),
       st.sampled_from(["", "text/html", "application/rss+xml", "application/json"]))
def test_every_reader_gives_items_or_one_clear_error(data, suffix, content_type):
    try:
        for item in _from_bytes(data, "x", "x", None, suffix=suffix, content_type=content_type):
            assert item.error is None or "\n" not in item.error.strip()
            if item.text is not None:
                assert isinstance(item.text, str)
    except InputError:
        pass


@SETTINGS
@given(st.text(max_size=3000))
def test_checking_any_text_names_its_language_or_refuses_it(text):
    try:
        assert check_text(text) in ("nb", "nn")
    except InputError as e:
        assert "\n" not in str(e)


@SETTINGS
@given(st.one_of(st.text(max_size=2000), st.lists(NORWEGIAN, max_size=300).map(" ".join)))
def test_paragraph_and_sentence_spans_lie_inside_the_text_in_order(text):
    last = 0
    for start, end in paragraphs(text):
        assert last <= start < end <= len(text) and text[start:end].strip() == text[start:end]
        last = end
        inner = start
        for a, b in split_sentences(text, start, end):
            assert inner <= a <= b <= end
            inner = b
