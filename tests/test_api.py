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
    assert client.get("/api/contradictions").json()["items"]
    assert client.get("/api/search", params={"q": "Håkons Hall"}).json()["items"]
    quotes = client.get("/api/quotes", params={"speaker": "Støre"}).json()["items"]
    assert quotes and quotes[0]["speaker"] == "Jonas Gahr Støre"
    assert client.get("/api/figures").json()["total"] > 0


def test_extract_and_its_errors(client):
    rec = client.post("/api/extract", json={"text": "Politiet i Bergen opplyser at tre personer ble skadet mandag.",
                                            "published": "2024-06-14"}).json()
    assert rec["timexes"][0]["value"] == "2024-06-10"
    bad = client.post("/api/extract", json={"text": "The bridge will open next year, the minister said on Monday."})
    assert bad.status_code == 422 and "not Norwegian" in bad.json()["detail"]
    assert client.post("/api/extract", json={"text": "ord " * 10000}).status_code == 413


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


def test_openapi_docs_use_no_cdn(client):
    html = client.get("/docs").text
    assert "/_swagger/swagger-ui-bundle.js" in html and "cdn" not in html.lower()
    assert client.get("/_swagger/swagger-ui-bundle.js").status_code == 200
