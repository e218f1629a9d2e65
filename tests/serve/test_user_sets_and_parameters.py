"""``tradestd serve`` with the user's own schema sets: detection offers the configured
sets, errors speak of HTTP parameters (never command-line options), unknown query
parameters are refused by name, unknown schema ids are listed."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

pytest.importorskip("fastapi", reason="the serve extra is not installed: "
                                      "pip install -e '.[serve]'")
pytest.importorskip("httpx2", reason="the ASGI test client needs httpx2 (the test extra)")

from conftest import CORPORA, DATA
from fastapi.testclient import TestClient
from sample_messages import CONSIGNMENT_XSD, consignment

import tradestd
from tradestd.serve import ServeSettings, create_app

TRANSIT = DATA / "secondengine"
UK = CORPORA / "uk-cds"
UK_XSD = (UK / "xsd" / "declaration" / "DocumentMetaData_2_DMS.xsd",
          UK / "xsd" / "declaration" / "WCO_DEC_2_DMS.xsd")
CLI_WORDS = ("--schema", "--xsd", "--record", "--max-bytes")


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    sets = {"consignment": (str(CONSIGNMENT_XSD),),
            "transit": (str(TRANSIT / "transit.xsd"),)}
    if UK.is_dir():
        sets["cds"] = tuple(str(p) for p in UK_XSD)
    settings = ServeSettings(schema_sets=sets, isolate=False)
    with TestClient(create_app(settings)) as test_client:
        yield test_client


def _error(response: Any, status: int) -> str:
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert error["status"] == status
    return str(error["message"])


def _result(response: Any) -> dict[str, Any]:
    assert response.status_code == 200, response.text
    (result,) = response.json()["results"]
    return dict(result)


def test_detection_offers_the_configured_sets(client: TestClient) -> None:
    valid = (TRANSIT / "transit-valid.xml").read_bytes()
    result = _result(client.post("/v1/validate", content=valid))
    assert result["valid"] and result["message_type"] == "transit"
    broken = _result(client.post("/v1/validate",
                                 content=valid.replace(b"<LRN>LRN-2026-0001</LRN>", b"")))
    assert [i["code"] for i in broken["issues"] if i["severity"] == "error"] == [
        "SCHEMA_MISSING_ELEMENT"]
    result = _result(client.post("/v1/validate", content=consignment(1).encode()))
    assert result["message_type"] == "consignment" and result["valid"]
    # bundled types are still detected as before
    fixture = (DATA.parent.parent / "fixtures" / "declaration" / "valid" /
               "export-nl-road-enveloped.xml").read_bytes()
    assert _result(client.post("/v1/validate", content=fixture))["message_type"] \
        == "wco-declaration@1.0"


def test_conversion_detects_the_configured_sets_both_ways(client: TestClient) -> None:
    valid = (TRANSIT / "transit-valid.xml").read_bytes()
    response = client.post("/v1/convert", content=valid)
    assert response.status_code == 200, response.text
    assert response.headers["x-tradestd-message-type"] == "transit"
    data = response.json()
    schema_set = tradestd.load_schema_set(TRANSIT / "transit.xsd")
    assert data == schema_set.to_data(valid)
    back = client.post("/v1/convert?to=xml", content=json.dumps(data))
    assert back.status_code == 200, back.text
    assert schema_set.to_data(back.content) == data


@pytest.mark.corpora
@pytest.mark.skipif(not UK.is_dir(), reason="uk-cds corpus not found")
def test_an_envelope_and_payload_set_is_detected(client: TestClient) -> None:
    message = (UK / "messages" / "wco_dec_metadata.xml").read_bytes()
    result = _result(client.post("/v1/validate", content=message))
    assert result["message_type"] == "cds" and result["valid"], result


def test_an_undetected_message_names_http_parameters_and_the_sets(client: TestClient) -> None:
    for body in (b"<Unknown/>", b'{"Unknown": {}}'):
        result = _result(client.post("/v1/validate", content=body))
        (issue,) = result["issues"]
        assert issue["code"] == "MESSAGE_TYPE_UNKNOWN"
        assert not any(word in issue["message"] for word in CLI_WORDS), issue["message"]
        assert "schema query parameter" in issue["message"]
        assert "consignment (schema set)" in issue["message"]
        assert "transit (schema set)" in issue["message"]


@pytest.mark.parametrize(("method", "path", "takes"), [
    ("post", "/v1/validate?rulez=wco", "fail_on, format, max_issues, name, rules, schema"),
    ("post", "/v1/convert?schema=transit&too=json", "name, schema, to"),
    ("get", "/v1/schemas?verbose=1", "no query parameter"),
    ("get", "/v1/jsonschema/transit?pretty=1", "no query parameter"),
])
def test_an_unknown_query_parameter_is_refused_by_name(client: TestClient, method: str,
                                                        path: str, takes: str) -> None:
    response = getattr(client, method)(path, content=b"<a/>") if method == "post" \
        else client.get(path)
    message = _error(response, 400)
    unknown = path.split("?")[1].split("&")[-1].split("=")[0]
    assert message.startswith(f"unknown query parameter {unknown}:")
    assert message.endswith(takes)


def test_the_page_and_probes_accept_what_browsers_add(client: TestClient) -> None:
    assert client.get("/?utm_source=x").status_code == 200
    assert client.get("/healthz?probe=1").status_code == 200


def test_an_unknown_json_schema_id_lists_the_known_ones(client: TestClient) -> None:
    message = _error(client.get("/v1/jsonschema/nope"), 404)
    assert "leave" not in message
    assert "wco-declaration@1.0" in message and "transit" in message and "consignment" in message
    parameter = _error(client.post("/v1/validate?schema=nope", content=b"<a/>"), 400)
    assert "leave the schema parameter out" in parameter
    assert client.get("/v1/jsonschema/transit").status_code == 200


def test_a_second_engine_note_names_no_server_path(client: TestClient) -> None:
    result = _result(client.post("/v1/validate",
                                 content=(TRANSIT / "transit-valid.xml").read_bytes()))
    (note,) = result["issues"]
    assert note["code"] == "SCHEMA_SECOND_ENGINE_ONLY"
    assert "transit.xsd:" in note["message"] and str(TRANSIT) not in note["message"]


@pytest.mark.parametrize("fmt", ["text", "html"])
def test_issues_cut_by_max_issues_name_the_query_parameter(client: TestClient, fmt: str) -> None:
    """A report cut by ``max_issues`` tells an HTTP client the query parameter that raises
    the limit, not the CLI's option."""
    valid = (TRANSIT / "transit-valid.xml").read_bytes()
    broken = valid.replace(b"<LRN>LRN-2026-0001</LRN>", b"<Bogus/><Bogus/>")
    response = client.post(f"/v1/validate?format={fmt}&max_issues=1&schema=transit",
                           content=broken)
    assert response.status_code == 200, response.text
    assert "query parameter max_issues=1" in response.text
    assert "--max-issues" not in response.text
