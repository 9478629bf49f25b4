"""Language detection and input checks (storyline.ingest.text), on text written for these tests."""
import pytest

from storyline.ingest.text import InputError, _plainly_norwegian, decode, detect_language

BOKMAL = ("Stormen førte til at flere hundre hus ble uten strøm natt til fredag. Det er ikke "
          "første gang i år at kraftselskapet må be folk om å vente, sier beredskapssjefen til avisa. "
          "Han mener at nettet må bygges ut før neste vinter.")
NYNORSK = ("Stormen førte til at fleire hundre hus vart utan straum natt til fredag. Det er ikkje "
           "første gong i år at kraftselskapet må be folk om å vente, seier beredskapssjefen til avisa. "
           "Han meiner at nettet må byggjast ut før neste vinter.")
SWEDISH = ("Stormen ledde till att flera hundra hus blev utan ström natten till fredag. Det är inte "
           "första gången i år som elbolaget måste be folk att vänta, säger beredskapschefen till tidningen. "
           "Han menar att nätet måste byggas ut före nästa vinter.")
DANISH = ("Stormen førte til at flere hundrede huse blev uden strøm natten til fredag. Det er ikke "
          "første gang i år, at elselskabet har måttet bede folk om at vente, siger beredskabschefen til avisen. "
          "Han mener, at nettet skal bygges ud efter en plan, og at der nu er brug for mere af det.")
ENGLISH = ("The storm left several hundred homes without power on Friday night. It is not the first "
           "time this year that the power company has had to ask people to wait, the emergency chief "
           "told the paper. He says the grid must be expanded before next winter.")


def words(text):
    return text.replace(".", " ").replace(",", " ").split()


def test_plain_norwegian_needs_no_language_model():
    assert _plainly_norwegian(words(BOKMAL)) and _plainly_norwegian(words(NYNORSK))
    assert not _plainly_norwegian(words(SWEDISH)) and not _plainly_norwegian(words(ENGLISH))
    assert not _plainly_norwegian(["Oslo", "og", "Bergen"])  # too short to tell: langid decides


def test_written_forms_are_told_apart():
    assert detect_language(BOKMAL) == "nb"
    assert detect_language(NYNORSK) == "nn"


@pytest.mark.parametrize(("text", "language"), [(SWEDISH, "Swedish \\('sv'\\)"), (ENGLISH, "English \\('en'\\)"),
                                              (DANISH, "Danish \\('da'\\)")])
def test_other_languages_are_named(text, language):
    with pytest.raises(InputError, match=f"looks like {language}, not Norwegian"):
        detect_language(text)


def test_norwegian_that_borrows_a_danish_word_is_norwegian():
    # "af" in a name, "nu" in a quote: a word or two does not make a text Danish
    text = BOKMAL + " Selskapet Nu Energi og familien af Klercker eier nettet, sier han."
    assert detect_language(text) == "nb"


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16", "utf-16-be", "utf-32"])
def test_text_is_read_by_its_byte_order_mark(encoding):
    data = BOKMAL.encode(encoding)
    if encoding == "utf-16-be":
        data = b"\xfe\xff" + data  # Python writes no mark for an explicit byte order
    assert decode(data) == BOKMAL


@pytest.mark.parametrize("encoding", ["cp1252", "latin-1", "utf-8"])
def test_text_without_a_mark_is_read_in_its_encoding(encoding):
    text = BOKMAL + " Ordføreren i Bodø og Ålesund sa «nei», og så gikk han. Blåbærsyltetøy på Værøy i år."
    if encoding != "latin-1":
        text += " – Nei, sa han."  # the dash is Windows-1252's, not Latin-1's
    assert decode(text.encode(encoding)) == text


def test_a_false_byte_order_mark_is_a_clear_error():
    with pytest.raises(InputError, match="starts as UTF-32 text but is not"):
        decode(b"\xff\xfe\x00\x00" + b"abc")


def test_a_short_norwegian_text_that_langid_calls_danish_is_norwegian():
    assert detect_language("Over 300 ukrainske flyktninger kom til Oslo i går, opplyser UDI.") == "nb"
