"""Language detection and input checks (storyline.ingest.text), on text written for these tests."""
import pytest

from storyline.ingest.text import InputError, _plainly_norwegian, detect_language

BOKMAL = ("Stormen førte til at flere hundre hus ble uten strøm natt til fredag. Det er ikke "
          "første gang i år at kraftselskapet må be folk om å vente, sier beredskapssjefen til avisa. "
          "Han mener at nettet må bygges ut før neste vinter.")
NYNORSK = ("Stormen førte til at fleire hundre hus vart utan straum natt til fredag. Det er ikkje "
           "første gong i år at kraftselskapet må be folk om å vente, seier beredskapssjefen til avisa. "
           "Han meiner at nettet må byggjast ut før neste vinter.")
SWEDISH = ("Stormen ledde till att flera hundra hus blev utan ström natten till fredag. Det är inte "
           "första gången i år som elbolaget måste be folk att vänta, säger beredskapschefen till tidningen. "
           "Han menar att nätet måste byggas ut före nästa vinter.")
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


@pytest.mark.parametrize(("text", "code"), [(SWEDISH, "sv"), (ENGLISH, "en")])
def test_other_languages_are_named(text, code):
    with pytest.raises(InputError, match=f"looks like '{code}', not Norwegian"):
        detect_language(text)
