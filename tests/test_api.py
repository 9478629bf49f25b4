"""The JSON API over a store built from our test story."""
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from storyline.api.app import create_app
from storyline.ingest.batch import ingest_items
from storyline.ingest.sources import read
from storyline.store.db import Store

STORY = Path(__file__).resolve().parent / "story"


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    db = tmp_path_factory.mktemp("api") / "api.db"
    store = Store(db)
    ingest_items(store, read([str(STORY / "day1.jsonl"), str(STORY / "update.jsonl")]))
    return TestClient(create_app(str(db), token="s3cret", max_body=20_000))


def test_documents_paginate(client):
    first = client.get("/api/documents", params={"limit": 2}).json()
    assert first["total"] == 5 and len(first["items"]) == 2
    rest = client.get("/api/documents", params={"offset": 2, "limit": 50}).json()
    assert len(rest["items"]) == 3
    assert client.get("/api/documents", params={"limit": 100000}).status_code == 422


def test_document_versions_and_diff(client):
    assert client.get("/api/documents/nrk-flom-1/versions").json()["versions"] == [1, 2]
    rec = client.get("/api/documents/nrk-flom-1", params={"version": 1}).json()
    assert rec["document"]["version"] == 1 and "rundt 200 personer" in rec["text"]
    d = client.get("/api/documents/nrk-flom-1/diff").json()
    assert d["from"] == 1 and d["to"] == 2 and d["facts"]["figures"]["changed"]
    assert client.get("/api/documents/nope").status_code == 404


def test_story_endpoints(client):
    events = client.get("/api/events", params={"type": "CONSULT"}).json()
    assert events["total"] >= 1 and all(e["type"] == "CONSULT" for e in events["items"])
    days = client.get("/api/timeline").json()["days"]
    assert [d["date"] for d in days] == sorted(d["date"] for d in days)
    assert client.get("/api/entities/Støre").json()["name"] == "Jonas Gahr Støre"
    assert client.get("/api/entities", params={"q": "Lillehammer"}).json()["total"] == 1
    completed = client.get("/api/entities", params={"like": "gahr STØ"}).json()["items"]
    assert [e["name"] for e in completed] == ["Jonas Gahr Støre"]
    assert client.get("/api/entities", params={"like": "ahr"}).json()["total"] == 0  # words begin, not contain
    assert client.get("/api/entities", params={"like": "%"}).json()["total"] == 0  # no LIKE wildcards
    assert client.get("/api/contradictions").json()["items"]
    assert client.get("/api/search", params={"q": "Håkons Hall"}).json()["items"]
    quotes = client.get("/api/quotes", params={"speaker": "Støre"}).json()["items"]
    assert quotes and quotes[0]["speaker"] == "Jonas Gahr Støre"
    assert client.get("/api/figures").json()["total"] > 0


TOKEN = {"Authorization": "Bearer s3cret"}


def test_extract_and_its_errors(client):
    rec = client.post("/api/extract", json={"text": "Politiet i Bergen opplyser at tre personer ble skadet mandag.",
                                            "published": "2024-06-14"}, headers=TOKEN).json()
    assert rec["timexes"][0]["value"] == "2024-06-10"
    bad = client.post("/api/extract", json={"text": "The bridge will open next year, the minister said on Monday."},
                      headers=TOKEN)
    assert bad.status_code == 422 and "not Norwegian" in bad.json()["detail"][0]["msg"]
    assert client.post("/api/extract", json={"text": "ord " * 10000}, headers=TOKEN).status_code == 413


def test_extract_needs_the_token_when_the_server_has_one(client, tmp_path):
    text = {"text": "Politiet i Bergen opplyser at tre personer ble skadet mandag."}
    assert client.post("/api/extract", json=text).status_code == 401
    open_server = TestClient(create_app(str(tmp_path / "open.db")))  # no token: extract is open, ingest is off
    assert open_server.post("/api/extract", json=text).status_code == 200
    assert open_server.post("/api/ingest", json={"articles": []}).status_code == 403
    long = {"text": "Politiet i Bergen opplyser at tre personer ble skadet. " * 2000}  # 110,000 characters
    assert open_server.post("/api/extract", json=long).status_code == 422


def test_text_that_is_not_text_is_422_and_a_foreign_header_401(client):
    lone = '{"articles": [{"id": "x\\ud800", "text": "Politiet i Bergen sa mandag at tre personer ble skadet."}]}'
    got = client.post("/api/ingest", content=lone, headers={**TOKEN, "Content-Type": "application/json"})
    assert got.status_code == 422 and "lone surrogate" in got.json()["detail"][0]["msg"]
    got = client.post("/api/extract", content='{"text": "Bergen \\udfff"}', headers={**TOKEN, "Content-Type": "application/json"})
    assert got.status_code == 422
    assert client.post("/api/ingest", json={"articles": []},
                       headers={"Authorization": "Bearer sécret".encode()}).status_code == 401


def test_only_the_names_the_server_is_reached_by(tmp_path):
    app = create_app(str(tmp_path / "h.db"), hosts=["127.0.0.1", "localhost"])
    assert TestClient(app, base_url="http://127.0.0.1:8000").get("/api/stories").status_code == 200
    assert TestClient(app, base_url="http://rebound.example").get("/api/stories").status_code == 400


def test_ingest_needs_the_token(client):
    body = {"articles": [{"id": "api-1", "source": "API", "published": "2024-06-14",
                          "text": "Ordfører Ola Bakken sa fredag at 20 hus i Lillehammer er skadet."}]}
    assert client.post("/api/ingest", json=body).status_code == 401
    assert client.post("/api/ingest", json=body, headers={"Authorization": "Bearer wrong"}).status_code == 401
    ok = client.post("/api/ingest", json=body, headers={"Authorization": "Bearer s3cret"}).json()
    assert ok["new"] == 1
    again = client.post("/api/ingest", json=body, headers={"Authorization": "Bearer s3cret"}).json()
    assert again["unchanged"] == 1


def test_openapi_documents_the_endpoints(client):
    paths = client.get("/openapi.json").json()["paths"]
    assert {"/api/documents", "/api/events", "/api/extract", "/api/ingest"} <= set(paths)


def test_openapi_docs_and_redoc_are_served_from_the_package(client):
    html = client.get("/docs").text
    assert "/vendor/swagger-ui-dist/swagger-ui-bundle.js" in html and "cdn" not in html.lower()
    assert client.get("/vendor/swagger-ui-dist/swagger-ui-bundle.js").status_code == 200
    redoc = client.get("/redoc").text
    assert "/vendor/redoc/redoc.standalone.js" in redoc and "fonts.googleapis" not in redoc
    assert client.get("/vendor/redoc/redoc.standalone.js").status_code == 200


def test_every_list_is_a_page(client):
    for path in ("/api/documents", "/api/stories", "/api/entities", "/api/events", "/api/quotes", "/api/figures",
                 "/api/claims", "/api/contradictions", "/api/search"):
        body = client.get(path, params={"limit": 1, "q": "Lillehammer"} if path == "/api/search" else {"limit": 1}).json()
        assert body["limit"] == 1 and len(body["items"]) <= 1 and body["total"] >= 1, path
    timeline = client.get("/api/timeline", params={"limit": 2}).json()
    assert timeline["total"] > 2 and sum(len(d["events"]) for d in timeline["days"]) == 2


def test_events_have_stable_ids_that_can_be_fetched(client):
    events = client.get("/api/events", params={"limit": 500}).json()["items"]
    ids = [e["id"] for e in events]
    assert len(set(ids)) == len(ids)
    again = [e["id"] for e in client.get("/api/events", params={"limit": 500}).json()["items"]]
    assert again == ids
    one = client.get(f"/api/events/{ids[0]}").json()
    assert one == events[0]
    report = one["reports"][0]  # points to its event in the record of that version
    record = client.get(f"/api/documents/{report['document']}", params={"version": report["version"]}).json()
    assert report["trigger"] in {e["text"] for e in record["events"] if e["id"] == report["event"]}
    assert client.get("/api/events/000000000000").status_code == 404
    assert client.get("/api/events/not-an-id").status_code == 422


def test_events_filter_by_source_and_story(client):
    vg = client.get("/api/events", params={"source": "VG", "limit": 500}).json()["items"]
    every = client.get("/api/events", params={"limit": 500}).json()["items"]
    assert vg and len(vg) < len(every) and all("VG" in e["sources"] for e in vg)
    [story] = client.get("/api/stories").json()["items"]
    assert story["articles"] >= 5 and story["events"] > 0 and "VG" in story["sources"]
    assert client.get(f"/api/stories/{story['id']}").json()["title"] == story["title"]
    assert client.get("/api/events", params={"story": story["id"], "limit": 500}).json()["total"] == len(every)
    assert client.get("/api/events", params={"story": 999}).status_code == 404


def test_export_what_is_on_screen(client):
    import csv
    import io

    import pyarrow.parquet as pq

    on_screen = client.get("/api/events", params={"type": "CONSULT", "limit": 500}).json()["items"]
    got = client.get("/api/export", params={"type": "CONSULT", "format": "csv"})
    assert got.headers["content-type"].startswith("text/csv") and "attachment" in got.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(got.text)))
    assert [r["event_id"] for r in rows] == [e["id"] for e in on_screen] and {r["event_type"] for r in rows} == {"CONSULT"}
    parquet = client.get("/api/export", params={"type": "CONSULT", "format": "parquet"}).content
    assert pq.read_table(io.BytesIO(parquet)).num_rows == len(on_screen)
    lines = client.get("/api/export", params={"type": "CONSULT", "format": "jsonl"}).text.splitlines()
    assert len(lines) == len(on_screen) and '"type": "CONSULT"' in lines[0]


def test_out_of_range_and_oversized_parameters_are_422_not_500(client):
    for path, params in [("/api/documents/nrk-flom-1", {"version": 2**63}), ("/api/documents", {"offset": 2**63}),
                         ("/api/documents/nrk-flom-1/diff", {"from": 2**64}), ("/api/events", {"story": 2**63}),
                         ("/api/events", {"from": "i går"}), ("/api/events", {"type": "BOMBE"}),
                         ("/api/search", {"q": "a" * 60_000}), ("/api/entities", {"q": "Støre" * 100}),
                         ("/api/documents", {"sort": "key; drop table"})]:
        assert client.get(path, params=params).status_code == 422, (path, params)


def test_documents_sort_and_filter(client):
    by_title = client.get("/api/documents", params={"sort": "title", "order": "asc"}).json()["items"]
    titles = [d["title"] for d in by_title if d["title"]]
    assert titles == sorted(titles) and not any(d["title"] for d in by_title[len(titles):])  # untitled last
    assert {d["source"] for d in client.get("/api/documents", params={"source": "VG"}).json()["items"]} == {"VG"}
    assert all(d["versions"] >= 1 and "url" in d for d in by_title)


def test_security_headers(client):
    got = client.get("/")
    policy = dict(d.strip().split(" ", 1) for d in got.headers["content-security-policy"].split(";"))
    assert policy["default-src"] == "'self'" and "script-src" not in policy  # scripts: this origin, none inline
    assert got.headers["x-frame-options"] == "DENY" and got.headers["x-content-type-options"] == "nosniff"
    # the vendored libraries are cached for a week, the app's own files revalidated
    assert "immutable" in client.get("/vendor/leaflet/leaflet.js").headers["cache-control"]
    assert "cache-control" not in client.get("/app.js").headers


def test_the_ui_labels_cover_every_code_of_the_record(client):
    from typing import get_args

    from storyline.record.model import EVENT_TYPES, EntityType, Qualifier, Status

    labels = client.get("/labels.json").json()
    assert set(labels["event_types"]) == set(EVENT_TYPES)
    assert set(labels["statuses"]) == set(get_args(Status)) and set(labels["qualifiers"]) == set(get_args(Qualifier))
    assert set(labels["entity_types"]) == set(get_args(EntityType))


def test_a_name_with_a_slash_reaches_the_entity_operation(client):
    got = client.get("/api/entities/Rogaland/Agder")  # the whole rest of the path is the name
    assert got.status_code == 404 and got.json()["detail"] == "no entity 'Rogaland/Agder'"


def test_a_method_an_operation_lacks_is_405_with_the_methods_it_has(client):
    put = client.put("/api/documents")
    assert put.status_code == 405 and put.headers["allow"] == "GET"
    assert client.delete("/api/documents/nrk-flom-1/versions").status_code == 405
    assert client.get("/api/ingest").headers.get("allow") == "POST"
    missing = client.get("/api/no-such-operation")
    assert missing.status_code == 404 and missing.json()["detail"] == "no operation /api/no-such-operation"
