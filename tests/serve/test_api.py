"""The HTTP API through the ASGI test client: answers, errors, limits, guards."""

from __future__ import annotations

import asyncio
import importlib
import json
import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("fastapi", reason="the serve extra is not installed: "
                                      "pip install -e '.[serve]'")
pytest.importorskip("httpx2", reason="the ASGI test client needs httpx2 (the test extra)")

from conftest import DATA, ROOT
from fastapi.testclient import TestClient
from sample_messages import CONSIGNMENT_XSD, consignment

import tradestd
from tradestd.cli.main import main
from tradestd.convert.validate import json_schema_for
from tradestd.serve import Catalog, ServeSettings, create_app
from tradestd.serve.guard import Gate, TimedOut
from tradestd.serve.workers import ProcessRunner

VALID = ROOT / "fixtures" / "declaration" / "valid" / "export-nl-road-enveloped.xml"
INVALID = ROOT / "fixtures" / "declaration" / "invalid" / "lrn-too-long.xml"
ENVPAY = [DATA / "envpay" / "envelope.xsd", DATA / "envpay" / "declaration.xsd"]
BILLION_LAUGHS = (b'<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
                  b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>\n<lolz>&lol2;</lolz>\n')


@pytest.fixture(scope="module")
def settings() -> ServeSettings:
    return ServeSettings(schema_sets={"envpay": tuple(str(p) for p in ENVPAY),
                                      "consignment": (str(CONSIGNMENT_XSD),)})


@pytest.fixture(scope="module")
def catalog(settings: ServeSettings) -> Catalog:
    return Catalog(settings)


@pytest.fixture(scope="module")
def client(settings: ServeSettings, catalog: Catalog) -> Iterator[TestClient]:
    with TestClient(create_app(settings, catalog=catalog)) as test_client:
        yield test_client


def _error(response: Any, status: int) -> str:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    error = response.json()["error"]
    assert error["status"] == status and error["code"] and error["message"]
    return str(error["message"])


def test_validate_answers_the_cli_json_report(client: TestClient,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    for path in (VALID, INVALID):
        response = client.post("/v1/validate", content=path.read_bytes(),
                               params={"name": path.name})
        assert response.status_code == 200
        assert main(["validate", "--no-config", "--format", "json", str(path)]) in (0, 1)
        cli = json.loads(capsys.readouterr().out)
        cli["results"][0]["path"] = path.name
        assert response.json() == cli


def test_invalid_message_is_200_with_located_issues(client: TestClient) -> None:
    report = client.post("/v1/validate?schema=wco-declaration",
                         content=INVALID.read_bytes()).json()
    assert report["version"] == 1 and report["summary"]["invalid"] == 1
    [result] = report["results"]
    assert result["valid"] is False and result["message_type"] == "wco-declaration@1.0"
    errors = [i for i in result["issues"] if i["severity"] == "error"]
    assert errors and all(i["line"] and i["path"] for i in errors)


def test_hostile_message_is_a_report_not_an_error(client: TestClient) -> None:
    report = client.post("/v1/validate", content=BILLION_LAUGHS).json()
    codes = [i["code"] for i in report["results"][0]["issues"]]
    assert codes == ["XML_DTD_FORBIDDEN"]


def test_multipart_validates_every_file_in_order(client: TestClient) -> None:
    files = [("file", ("b.xml", VALID.read_bytes(), "application/xml")),
             ("file", ("../../a.xml", b"<unclosed", "application/xml")),
             ("file", ("c.xml", INVALID.read_bytes(), "application/xml"))]
    report = client.post("/v1/validate", files=files).json()
    assert [r["path"] for r in report["results"]] == ["b.xml", "a.xml", "c.xml"]
    assert [r["valid"] for r in report["results"]] == [True, False, False]
    assert report["summary"]["files"] == 3 and report["summary"]["valid"] == 1


def test_json_message_and_named_schema_set(client: TestClient) -> None:
    data = tradestd.bundled_registry().get("wco-declaration").schema_set().to_json(VALID)
    report = client.post("/v1/validate", content=data.encode()).json()
    assert report["results"][0]["valid"] is True
    schema_set = tradestd.load_schema_set([CONSIGNMENT_XSD])
    for text in (consignment(1), consignment(2, bad_countries=2)):
        expected = schema_set.validate(text.encode())
        got = client.post("/v1/validate?schema=consignment&rules=wco",
                          content=text.encode()).json()["results"][0]
        assert got["valid"] == expected.valid and got["message_type"] == "consignment"
        assert [(i["code"], i["line"]) for i in got["issues"] if i["severity"] == "error"] \
            == [(i.code, i.line) for i in expected.errors]
        assert [p["id"] for p in got["rule_packs"]] == ["wco"]


@pytest.mark.parametrize(("query", "status", "words"), [
    ("schema=nope", 400, "unknown schema 'nope'"),
    ("rules=nope", 400, "unknown rule pack 'nope'"),
    ("format=pdf", 422, "format"),
    ("max_issues=0", 422, "max_issues"),
    ("fail_on=info", 422, "fail_on"),
])
def test_bad_parameters_get_a_clear_json_error(client: TestClient, query: str, status: int,
                                               words: str) -> None:
    response = client.post(f"/v1/validate?{query}", content=VALID.read_bytes())
    assert words in _error(response, status)


def test_empty_body_and_wrong_method(client: TestClient) -> None:
    assert "empty" in _error(client.post("/v1/validate", content=b""), 400)
    _error(client.get("/v1/validate"), 405)
    _error(client.get("/v1/nothing-here"), 404)


def test_report_formats(client: TestClient, tmp_path: Path) -> None:
    secret = tmp_path / "secret.xml"
    secret.write_text("<never-shown>SECRET</never-shown>\n", encoding="utf-8")
    body = INVALID.read_bytes()
    html = client.post("/v1/validate", content=body,
                       params={"name": str(secret), "format": "html"})
    assert html.headers["content-type"].startswith("text/html")
    # the uploaded text is quoted at the issue, never a server file of the same name
    assert "SECRET" not in html.text and 'class="hit"' in html.text
    assert "FunctionalReferenceID&gt;FRCDG2611200042-ROISSY-FRET3-IMPORT1" in html.text
    sarif = client.post("/v1/validate?format=sarif", content=body).json()
    assert sarif["version"] == "2.1.0" and sarif["runs"][0]["results"]
    junit = client.post("/v1/validate?format=junit", content=body)
    assert junit.text.startswith("<?xml") and "failure" in junit.text


def test_convert_both_ways(client: TestClient) -> None:
    schema_set = tradestd.bundled_registry().get("wco-declaration").schema_set()
    response = client.post("/v1/convert", content=VALID.read_bytes())
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.headers["x-tradestd-message-type"] == "wco-declaration@1.0"
    assert response.json() == schema_set.to_data(VALID)
    back = client.post("/v1/convert?to=xml", content=response.content)
    assert back.status_code == 200 and back.headers["content-type"] == "application/xml"
    assert schema_set.to_data(back.content) == response.json()


def test_convert_refuses_an_invalid_message_with_the_report(client: TestClient) -> None:
    response = client.post("/v1/convert", content=INVALID.read_bytes())
    assert response.status_code == 422
    report = response.json()
    assert report["version"] == 1 and report["results"][0]["valid"] is False
    several = [("file", ("a.xml", VALID.read_bytes())), ("file", ("b.xml", VALID.read_bytes()))]
    assert "one message" in _error(client.post("/v1/convert", files=several), 400)
    _error(client.post("/v1/convert?to=yaml", content=VALID.read_bytes()), 422)


def test_schemas_listing(client: TestClient) -> None:
    listing = client.get("/v1/schemas").json()
    assert {"wco-declaration", "wco-cargo"} <= {t["id"] for t in listing["types"]}
    assert {"wco", "declaration"} <= {p["id"] for p in listing["rule_packs"]}
    assert listing["schema_sets"] == [
        {"name": "consignment", "xsd": ["consignment.xsd"]},
        {"name": "envpay", "xsd": ["envelope.xsd", "declaration.xsd"]}]
    assert str(ROOT) not in json.dumps(listing)  # no server paths


def test_json_schema(client: TestClient) -> None:
    message_type = tradestd.bundled_registry().get("wco-declaration")
    got = client.get("/v1/jsonschema/wco-declaration").json()
    assert got == json_schema_for(message_type.schema_set(), message_type)
    assert client.get("/v1/jsonschema/envpay").json()["$schema"].endswith("2020-12/schema")
    assert "unknown schema" in _error(client.get("/v1/jsonschema/nope"), 404)


def test_health_openapi_docs_and_screen(client: TestClient) -> None:
    health = client.get("/healthz").json()
    assert health["status"] == "ok" and health["busy"] == 0
    paths = client.get("/openapi.json").json()["paths"]
    assert {"/v1/validate", "/v1/convert", "/v1/screen", "/v1/schemas", "/healthz",
            "/v1/jsonschema/{schema}"} <= set(paths)
    assert "/openapi.json" in client.get("/docs").text


def _screening_installed() -> bool:
    try:
        importlib.import_module("tradestd.screen")
    except ImportError:
        return False
    return True


def test_screen_answers_the_screening_report_or_501(client: TestClient) -> None:
    data = VALID.read_bytes()
    mutant = data.replace(b"Ball bearings, single row, bore 40 mm", b"AMMONIUM NITRATE PRILLS")
    assert mutant != data
    response = client.post("/v1/screen", content=mutant, params={"name": "decl.xml"})
    if not _screening_installed():
        assert "tradestd.screen" in _error(response, 501)
        return
    report = response.json()
    assert response.status_code == 200 and report["version"] == 1
    [result] = report["results"]
    assert result["path"] == "decl.xml" and result["level"] == "alert"
    assert [h["substance"] for h in result["hits"]] == ["Ammonium nitrate"]
    clean = client.post("/v1/screen", content=data).json()
    assert clean["results"][0]["hits"] == []


def test_page_and_assets_are_local(client: TestClient) -> None:
    page = client.get("/")
    assert page.status_code == 200 and "<textarea" in page.text
    for text in (page.text, client.get("/static/page.js").text,
                 client.get("/static/page.css").text, client.get("/docs").text):
        assert "http://" not in text and "https://" not in text and "//cdn" not in text


# --------------------------------------------------------------------------- guards


def _app(catalog: Catalog, **limits: Any) -> TestClient:
    """An app whose checks run in its worker threads (so a test can stand in for them)."""
    settings = ServeSettings(**{"isolate": False, **limits})
    return TestClient(create_app(settings, catalog=Catalog(settings, catalog.registry),
                                 warm=False), raise_server_exceptions=False)


def test_body_limit_declared_and_streamed(catalog: Catalog) -> None:
    with _app(catalog, max_body_bytes=1000) as client:
        assert "1,000-byte limit" in _error(client.post("/v1/validate", content=b"<a>"
                                                        + b" " * 2000 + b"</a>"), 413)

        def chunks() -> Iterator[bytes]:  # no Content-Length: checked while it streams
            for _ in range(100):
                yield b" " * 100
        assert "limit" in _error(client.post("/v1/validate", content=chunks()), 413)
        big = [("file", ("big.xml", b"<a>" + b" " * 2000 + b"</a>", "application/xml"))]
        assert "limit" in _error(client.post("/v1/validate", files=big), 413)
        ok = client.post("/v1/validate", content=b"<a/>")
        assert ok.status_code == 200 and client.get("/healthz").json()["busy"] == 0


def test_busy_server_answers_503_with_retry_after(catalog: Catalog) -> None:
    with _app(catalog, max_active=1, max_queued=0) as client:
        gate = client.app.state.gate  # type: ignore[attr-defined]
        slot = gate.slot()  # the only slot, taken by "another request"
        response = client.post("/v1/validate", content=VALID.read_bytes())
        assert "busy" in _error(response, 503)
        assert response.headers["retry-after"] == "2"
        asyncio.run(slot.__aexit__(None, None, None))
        assert client.post("/v1/validate", content=VALID.read_bytes()).status_code == 200


def test_time_limit_answers_504_and_the_server_stays_up(catalog: Catalog,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    release = threading.Event()

    def stuck(*args: object) -> list[tradestd.Report]:
        release.wait(10)
        return []

    monkeypatch.setattr("tradestd.serve.service.validate_messages", stuck)
    with _app(catalog, timeout=0.3, max_active=1, max_queued=1) as client:
        assert "time limit" in _error(client.post("/v1/validate", content=b"<a/>"), 504)
        health = client.get("/healthz").json()
        assert health["busy"] == 1  # the stuck work keeps its slot: the bound holds
        release.set()
        for _ in range(100):
            if client.get("/healthz").json()["busy"] == 0:
                break
            time.sleep(0.02)
        assert client.get("/healthz").json()["busy"] == 0


def test_a_crash_in_one_request_is_a_500_json_error(catalog: Catalog,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    def crash(*args: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr("tradestd.serve.service.validate_messages", crash)
    with _app(catalog) as client:
        assert "RuntimeError" in _error(client.post("/v1/validate", content=b"<a/>"), 500)
        assert client.get("/healthz").json() == {"status": "ok", "version": tradestd.__version__,
                                                 "busy": 0, "capacity": 10}


def test_gate_keeps_a_timed_out_slot_until_the_work_ends() -> None:
    gate = Gate(active=1, queued=0, timeout=0.1,
                runner=lambda job, args, timeout: job(*args))

    async def scenario() -> None:
        async with gate.slot() as slot:
            with pytest.raises(TimedOut):
                await slot.run(time.sleep, 0.5)
        assert gate.held == 1
        with pytest.raises(Exception, match="Busy|^$"):
            gate.slot()
        await asyncio.sleep(0.6)
        assert gate.held == 0

    asyncio.run(scenario())
    gate.shutdown()


def _sleep_job(catalog: Catalog, seconds: float) -> int:
    """A job that takes its time (run in a worker process: importable by reference)."""
    time.sleep(seconds)
    return os.getpid()


def _pid_job(catalog: Catalog) -> int:
    return os.getpid()


def test_isolated_workers_are_killed_at_the_time_limit() -> None:
    runner = ProcessRunner(ServeSettings(), size=1)
    try:
        runner.wait_ready()
        [before] = runner.pids()
        assert runner(_pid_job, (), 30) == before
        start = time.monotonic()
        with pytest.raises(TimedOut):
            runner(_sleep_job, (60.0,), 1.0)
        # killed, not left running: the call came back long before the job would have
        assert time.monotonic() - start < 50
        with pytest.raises(ProcessLookupError):
            os.kill(before, 0)
        [after] = runner.pids()
        assert after != before and runner(_pid_job, (), 30) == after  # replaced, ready
    finally:
        runner.close()
    assert runner.pids() == []


def test_isolated_app_answers_like_the_threaded_one(catalog: Catalog) -> None:
    settings = ServeSettings(isolate=True, max_active=1, max_queued=1, timeout=30)
    with TestClient(create_app(settings)) as isolated, _app(catalog) as threaded:
        for body in (VALID.read_bytes(), INVALID.read_bytes(), BILLION_LAUGHS):
            assert isolated.post("/v1/validate", content=body).json() \
                == threaded.post("/v1/validate", content=body).json()
        converted = isolated.post("/v1/convert", content=VALID.read_bytes())
        assert converted.status_code == 200 and "MetaData" in converted.json()
