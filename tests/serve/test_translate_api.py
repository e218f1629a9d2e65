"""``POST /v1/translate``: between bundled types and configured schema sets, by WCO ID."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

pytest.importorskip("fastapi", reason="the serve extra is not installed: "
                                      "pip install -e '.[serve]'")
pytest.importorskip("httpx2", reason="the ASGI test client needs httpx2 (the test extra)")

from conftest import CORPORA, ROOT
from fastapi.testclient import TestClient

from tradestd.serve import Catalog, ServeSettings, create_app

VALID = ROOT / "fixtures" / "declaration" / "valid"
UK = CORPORA / "uk-cds" / "xsd" / "declaration"
UK_SET = (str(UK / "DocumentMetaData_2_DMS.xsd"), str(UK / "WCO_DEC_2_DMS.xsd"))


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    sets = {"cds23": UK_SET} if UK.is_dir() else {}
    settings = ServeSettings(schema_sets=sets, isolate=False)
    with TestClient(create_app(settings, catalog=Catalog(settings), warm=False)) as test:
        yield test


def test_one_message_answers_with_its_result(client: TestClient) -> None:
    body = (VALID / "import-fr-air-single.xml").read_bytes()
    answer = client.post("/v1/translate", params={"to": "wco-declaration"}, content=body)
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("application/xml")
    assert answer.content.startswith(b"<?xml") and b"FRCDG2611200042" in answer.content


@pytest.mark.skipif(not UK.is_dir(), reason="uk-cds corpus not found")
def test_reports_between_a_bundled_type_and_a_configured_set(client: TestClient) -> None:
    body = (VALID / "import-fr-air-single.xml").read_bytes()
    answer = client.post("/v1/translate", params={"from": "wco-declaration", "to": "cds23",
                                                  "format": "json", "name": "fr.xml"},
                         content=body)
    assert answer.status_code == 200, answer.text
    (result,) = answer.json()["results"]
    assert result["path"] == "fr.xml" and result["valid"] and result["carried"] == 90
    assert [n["line"] for n in result["not_carried"]] == [67]


def test_no_valid_result_is_422_with_the_report(client: TestClient) -> None:
    answer = client.post("/v1/translate", params={"to": "wco-declaration"},
                         content=b"<Declaration/>")
    assert answer.status_code == 422
    (result,) = answer.json()["results"]
    assert result["output"] is None and not result["valid"] and result["issues"]


def test_unknown_schema_names_are_400(client: TestClient) -> None:
    answer = client.post("/v1/translate", params={"to": "nope"}, content=b"<a/>")
    assert answer.status_code == 400 and "unknown schema" in answer.json()["error"]["message"]
    answer = client.post("/v1/translate", content=b"<a/>")
    assert answer.status_code == 422
    assert answer.json()["error"] == {"status": 422, "code": "BAD_PARAMETER",
                                      "message": "to: Field required"}
