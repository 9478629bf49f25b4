"""The command line: records, readable output, and clear errors on bad input."""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import ARTICLES, needs_shared

CLI = [sys.executable, "-m", "storyline.cli"]


def run(*args, input=None):
    return subprocess.run([*CLI, *args], input=input, capture_output=True, timeout=300)


def test_extract_json_to_stdout():
    out = run("extract", str(ARTICLES / "streik.txt"), "--published", "2024-05-24")
    assert out.returncode == 0, out.stderr
    rec = json.loads(out.stdout)
    assert rec["document"]["published"] == "2024-05-24" and rec["document"]["live"] is True
    assert rec["contradictions"]


def test_extract_from_stdin_pretty():
    text = (ARTICLES / "valg.txt").read_bytes()
    out = run("extract", "-", "--published", "2025-09-09", "--format", "pretty", input=text)
    assert out.returncode == 0, out.stderr
    assert "Jonas Gahr Støre" in out.stdout.decode() and "Quotes" in out.stdout.decode()


@pytest.mark.parametrize("content,message", [
    (b"", "empty input"),
    (b"   \n\n ", "empty input"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "binary"),
    (b"The prime minister said on Tuesday that the government would present a new budget next week.",
     "not Norwegian"),
])
def test_bad_input_is_a_clear_error(tmp_path, content, message):
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    out = run("extract", str(path))
    assert out.returncode != 0
    err = out.stderr.decode()
    assert message in err and "Traceback" not in err


def test_language_error_names_the_detected_language_and_what_is_supported(tmp_path):
    path = tmp_path / "en.txt"
    path.write_text("The storm hit the west coast on Friday, and thousands of homes lost power overnight.")
    err = run("extract", str(path)).stderr.decode()
    assert "'en'" in err and "nb (Norwegian Bokmål)" in err


def test_malformed_published_date():
    out = run("extract", str(ARTICLES / "storm.txt"), "--published", "torsdag")
    assert out.returncode != 0
    assert "expected an ISO date" in out.stderr.decode() and "Traceback" not in out.stderr.decode()


def test_missing_file():
    out = run("extract", "/nonexistent/article.txt")
    assert out.returncode != 0 and "No such file" in out.stderr.decode()


def test_windows_1252_text_is_read(tmp_path):
    path = tmp_path / "cp1252.txt"
    path.write_bytes("Ordføreren i Bodø sa at skadene er store.".encode("cp1252"))
    out = run("extract", str(path), "--published", "2025-01-10")
    assert out.returncode == 0, out.stderr
    assert "Bodø" in json.loads(out.stdout)["text"]


def test_eval_ner_prints_micro_f1_last():
    norne = needs_shared("data", "norne")
    out = run("eval", "ner", "--data", str(norne), "--split", "test", "--lang", "nb")
    assert out.returncode == 0, out.stderr
    lines = out.stdout.decode().strip().splitlines()
    assert lines[-1].startswith("micro F1: ")
    assert float(lines[-1].split(": ")[1]) > 0.6
    assert any(line.startswith("PER") for line in lines)


def test_eval_syntax():
    data = needs_shared("data")
    out = run("eval", "syntax", "--data", str(data), "--split", "test")
    assert out.returncode == 0, out.stderr
    scores = dict(line.split(": ") for line in out.stdout.decode().strip().splitlines())
    assert float(scores["pos_acc"]) > 0.9 and float(scores["dep_las"]) > 0.7


def test_help_lists_commands():
    out = run("--help")
    assert out.returncode == 0 and b"extract" in out.stdout and b"eval" in out.stdout
    assert os.environ.get("STORYLINE_MODEL") is None or Path(os.environ["STORYLINE_MODEL"]).exists()


def test_extract_with_each_pipeline_and_a_wrong_pipeline_name():
    records = {}
    for options in (["--pipeline", "e5"], ["--fast"]):
        out = run("extract", str(ARTICLES / "dom.txt"), "--published", "2025-09-26", *options)
        assert out.returncode == 0, out.stderr
        records[options[-1]] = json.loads(out.stdout)
        assert records[options[-1]]["entities"]
    assert records["e5"]["text"] == records["--fast"]["text"]
    out = run("extract", str(ARTICLES / "dom.txt"), "--pipeline", "bert")
    assert out.returncode == 2 and b"--pipeline 'bert': choose e5 or cnn" in out.stderr
    out = run("extract", str(ARTICLES / "dom.txt"), "--pipeline", "e5", "--fast")
    assert out.returncode == 2 and b"--fast means --pipeline cnn" in out.stderr


def test_eval_records_prints_a_row_per_article_and_the_mean_last(tmp_path):
    gold = tmp_path / "gold"
    gold.mkdir()
    for name in ("streik", "flaum"):
        (gold / f"{name}.txt").write_bytes((ARTICLES / f"{name}.txt").read_bytes())
        (gold / f"{name}.gold.json").write_bytes((ARTICLES / f"{name}.gold.json").read_bytes())
    out = run("eval", "records", str(gold))
    assert out.returncode == 0, out.stderr
    lines = out.stdout.decode().splitlines()
    assert any(line.startswith("streik ") for line in lines) and any(line.startswith("mean nn ") for line in lines)
    last = lines[-1].split()
    assert last[:2] == ["mean", "overall:"] and last[3:] == ["over", "2", "articles"] and float(last[2]) > 0.9
    table = json.loads(run("eval", "records", str(gold), "--format", "json").stdout)
    assert [r["article"] for r in table["articles"]] == ["flaum", "streik"]
    assert table["means"][-1]["overall"] == pytest.approx(float(last[2]), abs=0.001)


def test_eval_records_errors():
    assert b"no such gold folder" in run("eval", "records", "no-such-dir").stderr
    assert b"choose table or json" in run("eval", "records", str(ARTICLES), "--format", "xml").stderr


def test_eval_records_scores_an_article_it_cannot_read_as_empty_and_goes_on(tmp_path):
    gold = tmp_path / "gold"
    gold.mkdir()
    (gold / "streik.txt").write_bytes((ARTICLES / "streik.txt").read_bytes())
    (gold / "streik.gold.json").write_bytes((ARTICLES / "streik.gold.json").read_bytes())
    (gold / "tom.txt").write_text("   \n", encoding="utf-8")
    (gold / "tom.gold.json").write_text(json.dumps(
        {"document": {"file": "tom.txt", "published": "2024-05-24", "language": "nb"},
         "entities": [{"key": "kari", "type": "PER", "names": ["Kari"], "mentions": ["Kari"]}]}), encoding="utf-8")
    out = run("eval", "records", str(gold))
    assert out.returncode == 0, out.stderr
    assert b"tom:" in out.stderr and b"empty" in out.stderr
    assert out.stdout.decode().splitlines()[-1].split()[3:] == ["over", "2", "articles"]
    rows = {r["article"]: r for r in json.loads(run("eval", "records", str(gold), "--format", "json").stdout)["articles"]}
    assert rows["tom"]["overall"] == 0.0 and rows["tom"]["error"] and rows["streik"]["error"] is None
