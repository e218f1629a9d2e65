"""A hostile-upload run against a real loopback server: every attack gets a report or a
JSON error, nothing is fetched or leaked, and the server is healthy afterwards."""

from __future__ import annotations

import http.client
import json
import select
import socket
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("fastapi", reason="the serve extra is not installed: "
                                      "pip install -e '.[serve]'")
pytest.importorskip("uvicorn", reason="the serve extra is not installed")

from conftest import ROOT
from live_server import running_server

from tradestd.serve import ServeSettings, create_app

sys.path.insert(0, str(ROOT / "tests" / "hostile"))
from hostile_docs import CASES

SECRET = "TOP-SECRET-9a1d-never-in-an-answer"
LIMIT = 16 * 1024 * 1024
DECLARATION = ROOT / "fixtures" / "declaration" / "valid" / "export-nl-road-enveloped.xml"


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    settings = ServeSettings(max_body_bytes=LIMIT, max_active=2, max_queued=4, timeout=60)
    with running_server(create_app(settings)) as url:
        yield url


def _post(base_url: str, body: bytes | Iterator[bytes], path: str = "/v1/validate",
          declared: int | None = None) -> tuple[int, dict[str, Any]]:
    host, port = base_url.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=120)
    try:
        if declared is not None:  # announce a size, send only the start
            conn.putrequest("POST", path)
            conn.putheader("Content-Length", str(declared))
            conn.endheaders()
            assert isinstance(body, bytes)
            conn.send(body)
        elif isinstance(body, bytes):
            conn.request("POST", path, body=body)
        else:
            conn.request("POST", path, body=body, encode_chunked=True)
        response = conn.getresponse()
        return response.status, json.loads(response.read())
    finally:
        conn.close()


def _healthy(base_url: str) -> bool:
    host, port = base_url.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=10)
    try:
        conn.request("GET", "/healthz")
        response = conn.getresponse()
        return response.status == 200 and json.loads(response.read())["status"] == "ok"
    finally:
        conn.close()


@pytest.mark.allow_loopback_server
def test_hostile_uploads_leave_the_server_healthy(base_url: str, tmp_path: Path) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        listener.setblocking(False)
        _attack(base_url, listener, tmp_path)
        readable, _, _ = select.select([listener], [], [], 0.2)
    assert not readable, "a hostile upload made the server open a network connection"
    assert _healthy(base_url)
    status, answer = _post(base_url, DECLARATION.read_bytes())
    assert status == 200 and answer["results"][0]["valid"] is True


def _attack(base_url: str, listener: socket.socket, tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text(SECRET + "\n", encoding="utf-8")
    answers = []
    for case in CASES:
        body = case.build(listener.getsockname()[1], secret)
        if len(body) > LIMIT:  # refused from its Content-Length: send only the start
            status, answer = _post(base_url, body[:65536], declared=len(body))
        else:
            status, answer = _post(base_url, body)
        answers.append(json.dumps(answer))
        if not body:
            assert status == 400 and "empty" in answer["error"]["message"], case.name
        elif len(body) > LIMIT:
            assert status == 413 and answer["error"]["code"] == "BODY_TOO_LARGE", case.name
        else:
            assert status == 200, (case.name, answer)
            codes = [i["code"] for i in answer["results"][0]["issues"]]
            # (no schema is named, so an unknown root is a type that cannot be detected)
            expected = "MESSAGE_TYPE_UNKNOWN" if case.code == "SCHEMA_UNKNOWN_ROOT" \
                else case.code
            assert expected in codes and not answer["results"][0]["valid"], (case.name, codes)
    # garbage, a cut real message, a body far over the limit (declared, then streamed)
    status, answer = _post(base_url, bytes(range(256)) * 64)
    assert status == 200 and not answer["results"][0]["valid"]
    status, answer = _post(base_url, DECLARATION.read_bytes()[:1500])
    assert status == 200 and "XML_TRUNCATED" in {i["code"] for i in answer["results"][0]["issues"]}
    status, answer = _post(base_url, b"<a>", declared=10 * LIMIT)
    assert status == 413 and "limit" in answer["error"]["message"]
    status, answer = _post(base_url, (b" " * (1 << 18) for _ in range(65)))  # 16.25 MiB
    assert status == 413, answer
    status, answer = _post(base_url, b"{\"a\": [" * 100_000, "/v1/convert")
    assert status == 422 and answer["results"][0]["valid"] is False
    assert not any(SECRET in text for text in answers)


@pytest.mark.allow_loopback_server
def test_a_slow_upload_gets_408_and_frees_its_slot() -> None:
    settings = ServeSettings(max_active=1, max_queued=0, timeout=1.0, isolate=False)
    with running_server(create_app(settings, warm=False)) as url:
        status, answer = _post(url, b"<a>", declared=1000)  # the rest never comes
        assert status == 408 and "did not arrive" in answer["error"]["message"]
        assert _healthy(url)
        status, answer = _post(url, DECLARATION.read_bytes())
        assert status == 200 and answer["results"][0]["valid"] is True
