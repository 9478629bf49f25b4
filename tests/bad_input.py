"""The bad-input corpus: every way an input has been seen to go wrong, beside articles that are
fine, written to a folder for `storyline ingest` (tests/test_store.py, bench/bad_input.py)."""
from pathlib import Path

GOOD = {  # name: text (stored as UTF-8 unless the name says otherwise)
    "good.txt": "Politiet i Tromsø opplyser at to personer ble skadet i en ulykke mandag.",
    "good-utf16.txt": "Ordføreren i Bodø sa tirsdag at 40 hus er skadet etter uværet, og at flere må evakueres.",
    "good-cp1252.txt": "Brannvesenet i Ålesund melder at en bolig brant ned natt til lørdag. Ingen ble skadd.",
    "lines.jsonl": None,  # one good JSON line and one broken
}
BAD = {  # name: what its one-line error says
    "empty.txt": "empty input",
    "blank.txt": "empty input",
    "binary.txt": "binary",
    "english.txt": "not Norwegian",
    "swedish.txt": "Swedish",
    "danish.txt": "Danish",
    "broken.html": "no article text",
    "lines.jsonl:2": "not JSON",
    "one-word.txt": "no words",
    "no-breaks.txt": "is no article",
    "false-bom.txt": "is not",
}


def write_corpus(folder: Path, big: int = 5_000_000) -> Path:
    """The corpus in `folder`; `big`: characters of the text without a sentence break."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "good.txt").write_text(GOOD["good.txt"], encoding="utf-8")
    (folder / "good-utf16.txt").write_bytes(GOOD["good-utf16.txt"].encode("utf-16"))
    (folder / "good-cp1252.txt").write_bytes(GOOD["good-cp1252.txt"].encode("cp1252"))
    (folder / "lines.jsonl").write_text(
        '{"id": "a1", "text": "Ordføreren i Bodø sa at brua åpner i mai, og at 12 millioner kroner er satt av."}\n'
        "{not json\n", encoding="utf-8")
    (folder / "empty.txt").write_text("")
    (folder / "blank.txt").write_text("   \n\n\t ")
    (folder / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x01\x02\x03garbage")
    (folder / "english.txt").write_text("The minister said on Monday that the new bridge would open next year, "
                                        "and that the budget had been approved by parliament.")
    (folder / "swedish.txt").write_text("Stormen ledde till att flera hundra hus blev utan ström natten till fredag. "
                                        "Det är inte första gången i år som elbolaget måste be folk att vänta.")
    (folder / "danish.txt").write_text("Stormen førte til at flere hundrede huse blev uden strøm natten til fredag. "
                                       "Det er ikke første gang, at elselskabet har bedt folk om at vente, siger "
                                       "beredskabschefen. Han mener, at nettet skal bygges ud efter en plan.")
    (folder / "broken.html").write_text("<html><body><div><p></div></body")
    (folder / "one-word.txt").write_text("a" * 200_000)
    clause = "politiet opplyser at 12 personer ble evakuert fra Bergen mandag og at "
    (folder / "no-breaks.txt").write_text((clause * (big // len(clause) + 1))[:big])
    (folder / "false-bom.txt").write_bytes(b"\xff\xfe\x00\x00" + b"Politiet i Bergen")
    return folder
