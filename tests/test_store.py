"""The story store, built from our own multi-article test story (tests/story: 5 articles from 3
sources on day one, an update of one of them, an HTML page and an RSS feed)."""
import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from storyline.ingest.batch import ingest_items
from storyline.ingest.sources import Item, read
from storyline.record.model import Record
from storyline.store.db import Store
from storyline.story.diff import diff_records
from storyline.story.queries import Story

STORY = Path(__file__).resolve().parent / "story"
CLI = [sys.executable, "-m", "storyline.cli"]


@pytest.fixture(scope="module")
def store(new_db):
    st = Store(new_db("story"))
    first = ingest_items(st, read([str(STORY / "day1.jsonl")]))
    assert first.counts["new"] == 5 and not first.failures
    second = ingest_items(st, read([str(STORY / "update.jsonl"), str(STORY / "ras.html"), str(STORY / "lokal.rss")]))
    assert second.counts == {"version": 1, "new": 3}
    return st


def test_ingest_is_idempotent(store):
    before = store.counts()
    again = ingest_items(store, read([str(STORY)]))
    assert again.counts == {"unchanged": 9}
    assert store.counts() == before


def test_versions_and_diff(store):
    assert store.versions_of("nrk-flom-1") == [1, 2]
    d = diff_records(store.record("nrk-flom-1", 1), store.record("nrk-flom-1", 2))
    changed = [(c["from"]["value"], c["to"]["value"]) for c in d["facts"]["figures"]["changed"]]
    assert (200, 250) in changed
    assert any(q["text"] == "30 frivillige deltar i arbeidet" for q in d["facts"]["quotes"]["added"])
    assert any(line.startswith("+Røde Kors opplyser") for line in d["text_diff"])


def test_timeline_merges_reports_of_one_event(store):
    events = Story(store).timeline()
    visit = [e for e in events if e.type == "CONSULT" and "Jonas Gahr Støre" in e.actors]
    assert len(visit) == 1
    assert visit[0].sources == ["NTB", "VG"] and visit[0].location == "Lillehammer"
    assert visit[0].date.startswith("2024-06-13")
    assert [e.date for e in events] == sorted(e.date for e in events)
    only = Story(store).timeline(type="CONSULT")
    assert {e.type for e in only} == {"CONSULT"}
    assert Story(store).timeline(date_from="2024-06-14")
    assert all(e.date >= "2024-06-14" for e in Story(store).timeline(date_from="2024-06-14"))


def test_contradiction_across_sources(store):
    found = Story(store).contradictions()
    evac = [c for c in found if c["quantity"].startswith("person")]
    assert evac, found
    sides = {(s["according_to"], s["value"]) for s in evac[0]["sides"]}
    # the police as VG reports them, against NRK (whose update replaced its 200)
    assert ("Innlandet politidistrikt", 350) in sides and ("NRK", 250) in sides


def test_figures_over_time(store):
    claims = {c["quantity"]: c["figures"] for c in Story(store).claims()}
    evacuated = claims["personer evakuert"]  # the unit in words, not the key's stem
    dates = [f["date"][:10] for f in evacuated]
    assert dates == sorted(dates) and dates[0] == "2024-06-13" and dates[-1] == "2024-06-14"


def test_entity_across_articles_and_spellings(store):
    story = Story(store)
    profile = story.entity("Støre")
    assert profile["name"] == "Jonas Gahr Støre" and profile["documents"] == 2
    assert profile["quotes"][0]["text"] == "Dette er en krevende natt for mange"
    assert story.entity("Lillehammer")["links"]["geonames"]
    assert any(f["value"] == 30 for f in story.entity("Røde Kors")["figures_reported"])
    assert story.entity("Ingen Slik Person") is None


def test_html_and_feed_sources(store):
    ras = store.record(store.find_document("Ras stengte E6"))
    assert "Et jordras stengte E6" in ras.text and "Meny" not in ras.text
    assert ras.document.published == "2024-06-14"
    assert store.record("lokal-1").document.source == "Lokalavisen"


def test_search_and_export(store, tmp_path):
    hits = Story(store).search("Håkons Hall")
    assert {h["document"] for h in hits} == {"nrk-flom-2", "lokal-1"}
    db = store.url.removeprefix("sqlite:///")
    out = subprocess.run([*CLI, "export", "--format", "csv", "--db", db], capture_output=True, text=True, check=True)
    header, *rows = out.stdout.strip().splitlines()
    assert header == "event_id,event_date,event_type,actor1,actor2,location,latitude,longitude,source,notes" and rows
    pq = tmp_path / "events.parquet"
    subprocess.run([*CLI, "export", "--format", "parquet", "--out", str(pq), "--db", db], check=True)
    import pyarrow.parquet as pqm

    assert pqm.read_table(pq).num_rows == len(rows)
    out = subprocess.run([*CLI, "export", "--format", "jsonl", "--db", db], capture_output=True, text=True, check=True)
    records = [Record.model_validate_json(line) for line in out.stdout.splitlines()]
    assert len(records) == 8 and any(r.document.version == 2 for r in records)


def test_query_commands_json(store):
    db = store.url.removeprefix("sqlite:///")
    for args in (["timeline", "--entity", "Støre"], ["entity", "Lillehammer"], ["claims", "--contradictions"],
                 ["search", "Lågen"], ["diff", "nrk-flom-1"]):
        out = subprocess.run([*CLI, *args, "--db", db, "--format", "json"], capture_output=True, text=True)
        assert out.returncode == 0, (args, out.stderr)
        assert json.loads(out.stdout)


def test_bad_input_is_reported_in_one_line_each_and_the_good_is_stored(tmp_path, new_db):
    from tests.bad_input import BAD, write_corpus

    folder = write_corpus(tmp_path / "corpus")
    db = new_db("bad")
    out = subprocess.run([*CLI, "ingest", str(folder), "--db", db], capture_output=True, text=True)
    assert out.returncode == 1 and "Traceback" not in out.stderr
    assert "4 new" in out.stdout and f"{len(BAD)} failed" in out.stdout
    errors = [line for line in out.stderr.splitlines() if line.startswith("failed")]
    assert len(errors) == len(BAD), out.stderr
    for name, says in BAD.items():  # one line per bad input, naming it and saying why
        assert any(name in line and says in line for line in errors), (name, says, errors)
    store = Store(db)
    assert store.counts()["documents"] == 4
    assert "Bodø" in store.record("good-utf16").text and "Ålesund" in store.record("good-cp1252").text


N_KILL = 300  # enough articles that the kill lands mid-ingest however fast extraction is


def test_kill_mid_batch_loses_nothing_committed(tmp_path, new_db):
    from sqlalchemy import text

    batch = tmp_path / "batch.jsonl"
    with batch.open("w") as fh:
        for i in range(N_KILL):
            fh.write(json.dumps({"id": f"a{i}", "source": "Test", "published": "2024-06-13",
                                 "text": f"Ordfører Ola Bakken sa torsdag at {i + 3} hus i Lillehammer er evakuert. "
                                         f"Rundt {i * 10 + 20} personer har fått hjelp, ifølge Røde Kors."}) + "\n")
    db = new_db("kill")
    st = Store(db)
    proc = subprocess.Popen([*CLI, "ingest", str(batch), "--db", db], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.time() + 240
    while time.time() < deadline and st.counts()["versions"] < 3:
        time.sleep(0.5)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    with st.engine.connect() as conn:
        rows = conn.execute(text("select id, record from versions")).fetchall()
        assert 3 <= len(rows) < N_KILL
        for version_id, record in rows:  # each stored article is whole: its facts match its record
            rec = Record.model_validate_json(record)
            for table, items in (("figures", rec.figures), ("quotes", rec.quotes), ("entities", rec.entities)):
                n = conn.execute(text(f"select count(*) from {table} where version_id = :v"), {"v": version_id})
                assert n.scalar() == len(items)
        assert conn.execute(text("select count(*) from documents d where not exists "
                                 "(select 1 from versions v where v.document_id = d.id)")).scalar() == 0
    again = ingest_items(st, read([str(batch)]))
    assert again.counts["new"] + again.counts["unchanged"] == N_KILL and st.counts()["versions"] == N_KILL


def test_entity_profile_lists_figures_about_it(new_db):
    st = Store(new_db("about"))
    ingest_items(st, [Item("a", key="a", published="2024-05-24", source="NTB",
                           text="Over 300 ukrainske flyktninger kom til Oslo i går, opplyser UDI.")])
    about = Story(st).entity("Ukraina")["figures_about"]
    assert [f["value"] for f in about] == [300]


def test_regions_of_one_country_keep_their_own_identity(new_db):
    # the record carries each entity's key (Entity.key), computed once by the pipeline: a county
    # or a municipality is not the country it lies in (the store once keyed them all iso:NO)
    st = Store(new_db("regions"))
    ingest_items(st, [Item("a", key="a", published="2024-05-24", source="NTB",
                           text="Uværet rammet Vestland og Nordland natt til fredag. Norge har ikke sett "
                                "slike vindkast på ti år, opplyser Meteorologisk institutt.")])
    vestland = Story(st).entity("Vestland")
    assert vestland["name"] == "Vestland"
    names = {e.name: e.key for e in st.record("a").entities}
    assert len({names["Vestland"], names["Nordland"], names["Norge"]}) == 3 and names["Norge"] == "iso:NO"


def test_the_same_quantity_is_the_same_within_and_across_articles(new_db):
    # "9000 evakuerte" and "15.000 mennesker evakuert" count one thing (Figure.quantity), in the
    # article's contradictions and in the story's alike (both are about Gudbrandsdalen: one story)
    st = Store(new_db("quantity"))
    ingest_items(st, [
        Item("a", key="a", published="2024-05-24", source="NRK",
             text="Ifølge fylkesmannen er 9000 evakuerte etter flommen i Gudbrandsdalen."),
        Item("b", key="b", published="2024-05-24", source="VG",
             text="Kommunen opplyser at 15.000 mennesker er evakuert etter flommen i Gudbrandsdalen."),
    ])
    quantities = {f.quantity for key in ("a", "b") for f in st.record(key).figures}
    assert quantities == {"person|evakuert"}
    found = Story(st).contradictions()
    assert [sorted(side["value"] for side in c["sides"]) for c in found] == [[9000, 15000]]


def test_an_article_the_pipeline_fails_on_is_reported_alone_and_its_batch_is_stored(new_db):
    # a fault injected into the real pipeline for one article's text: the other articles of its
    # batch are extracted and stored, the failing one is reported with its reason
    from spacy.language import Language

    import storyline

    @Language.component("test_fails_on_marker")
    def fails_on_marker(doc):
        if "FEILMARKØR" in doc.text:
            raise RuntimeError("a rule broke")
        return doc

    nlp = storyline.pipeline_for("nb")
    nlp.add_pipe("test_fails_on_marker", last=True)
    try:
        st = Store(new_db("isolation"))
        items = [Item(f"a{i}", key=f"a{i}", published="2024-05-24", source="NTB",
                      text=f"Kommunestyret i Bergen vedtok budsjettet for {2020 + i} tirsdag.") for i in range(3)]
        items.insert(1, Item("bad", key="bad", published="2024-05-24", source="NTB",
                             text="Denne saken inneholder FEILMARKØR og skal feile alene."))
        result = ingest_items(st, items)
    finally:
        nlp.remove_pipe("test_fails_on_marker")
    assert result.counts["new"] == 3 and result.counts["failed"] == 1
    assert [name for name, _ in result.failures] == ["bad"]
    assert "extraction failed (RuntimeError: a rule broke)" in result.failures[0][1]
    assert st.record("a0") is not None and st.record("a2") is not None and st.record("bad") is None


def test_a_full_disk_stops_the_batch_in_one_line_and_keeps_what_was_stored(tmp_path):
    from sqlalchemy import event

    from storyline.store.db import StoreError

    path = tmp_path / "full.db"
    st = Store(path)
    items = [Item(f"a{i}", key=f"a{i}", published="2024-06-10", source="NTB",
                  text=f"Politiet i Bergen sier at {i + 10} personer ble evakuert fra {i + 3} hus mandag. " * 20)
             for i in range(40)]
    ingest_items(st, items[:3])
    with sqlite3.connect(path) as conn:
        pages = conn.execute("PRAGMA page_count").fetchone()[0]

    @event.listens_for(st.engine, "connect")
    def small_disk(dbapi_conn, _):  # SQLite's own "database or disk is full", a few pages on
        dbapi_conn.execute(f"PRAGMA max_page_count = {pages + 12}")

    st.engine.dispose()
    with pytest.raises(StoreError, match=r"the disk is full: a\d+ was not stored; the (\d+) articles before it") as e:
        ingest_items(st, items[3:])
    before = int(re.search(r"the (\d+) articles before it", str(e.value)).group(1))
    assert "\n" not in str(e.value)
    # the store opens again, whole, with every article the message says it has
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert Store(path).counts()["documents"] == 3 + before < 40


def test_a_file_that_is_not_a_store_is_one_line(tmp_path):
    bad = tmp_path / "notes.db"
    bad.write_text("handleliste: melk, brød\n" * 100)
    out = subprocess.run([*CLI, "timeline", "--db", str(bad)], capture_output=True, text=True)
    assert out.returncode == 3 and out.stderr.strip() == f"error: store {bad}: not a storyline store (not an SQLite file)"


def test_a_read_only_store_is_read_and_refuses_a_write_in_one_line(tmp_path):
    from fastapi.testclient import TestClient

    from storyline.api.app import create_app
    from storyline.store.db import StoreError

    path = tmp_path / "published.db"
    ingest_items(Store(path), [Item("a", key="a", published="2024-06-10", source="NTB",
                                    text="Politiet i Bergen sier at 40 personer ble evakuert mandag.")])
    before = path.read_bytes()
    ro = Store(path, read_only=True)
    assert ro.record("a").figures and Story(ro).search("evakuert")
    with pytest.raises(StoreError, match=r"read-only: b was not stored; the 0 articles before it"):
        ingest_items(ro, [Item("b", key="b", published="2024-06-11", source="NTB",
                               text="Politiet i Bergen sier at 12 personer fikk dra hjem tirsdag.")])
    client = TestClient(create_app(str(path), token="s3cret", read_only=True))
    assert client.get("/api/documents/a").status_code == 200
    body = {"articles": [{"id": "c", "published": "2024-06-12",
                          "text": "Ordføreren i Bodø sa mandag at brua åpner i mai."}]}
    refused = client.post("/api/ingest", json=body, headers={"Authorization": "Bearer s3cret"})
    assert refused.status_code == 503 and "read-only" in refused.json()["detail"]
    assert path.read_bytes() == before and Store(path).counts()["documents"] == 1


def test_reindex_rebuilds_the_fact_tables_and_the_search_index_from_the_records(new_db):
    st = Store(new_db("reindex"))
    ingest_items(st, read([str(STORY / "day1.jsonl"), str(STORY / "update.jsonl")]))
    before, timeline, hits = st.counts(), Story(st).timeline(), Story(st).search("Håkons Hall")
    assert before["events"] and hits
    from sqlalchemy import text

    with st.engine.begin() as conn:  # a store whose tables were written by an older storyline
        conn.execute(text("DELETE FROM events"))
        conn.execute(text("UPDATE entities SET key = 'iso:NO'"))
        conn.execute(text("DELETE FROM search"))
    assert st.counts()["events"] == 0 and not Story(st).search("Håkons Hall")
    told = []
    assert st.reindex(progress=lambda done, total: told.append((done, total))) == before["versions"]
    assert told[-1] == (before["versions"], before["versions"])
    assert st.counts() == before
    assert Story(st).timeline() == timeline
    assert Story(st).search("Håkons Hall") == hits
    if "://" not in st.url.removeprefix("sqlite:///"):  # and the command, on a SQLite file
        out = subprocess.run([*CLI, "reindex", "--db", st.url.removeprefix("sqlite:///")],
                             capture_output=True, text=True, check=True)
        assert out.stdout.startswith(f"reindexed {before['versions']} versions: {before['entities']} entities")
        assert st.counts() == before
