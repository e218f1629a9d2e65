"""413 for clients that send the whole body before reading (Python's urllib and
requests): the server reads and throws away an oversized body (up to a bound) before it
answers and closes, as nginx's lingering close does; a real uvicorn on 127.0.0.1."""

from __future__ import annotations

import json
import socket
import time
import urllib.error
import urllib.request
from collections.abc import Iterator

import pytest

pytest.importorskip("fastapi", reason="the serve extra is not installed: "
                                      "pip install -e '.[serve]'")
pytest.importorskip("uvicorn", reason="the serve extra is not installed")

from conftest import ROOT
from live_server import running_server

from tradestd.serve import ServeSettings, create_app
from tradestd.serve.guard import LINGER_BYTES

LIMIT = 1 << 20
DECLARATION = ROOT / "fixtures" / "declaration" / "valid" / "export-nl-road-enveloped.xml"


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    settings = ServeSettings(max_body_bytes=LIMIT, isolate=False)
    with running_server(create_app(settings, warm=False)) as url:
        yield url


def _urllib_post(url: str, data: bytes | Iterator[bytes], **headers: str) -> tuple[int, dict]:
    request = urllib.request.Request(url + "/v1/validate", data=data, method="POST",
                                     headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def _raw(url: str, head: bytes, wait: float = 5.0) -> tuple[bytes, float]:
    """Send only a request head; the server's answer and how long it took."""
    host, port = url.removeprefix("http://").split(":")
    started = time.monotonic()
    with socket.create_connection((host, int(port)), timeout=wait) as sock:
        sock.sendall(head)
        answer = b""
        while chunk := sock.recv(65536):  # the server closes after a 413
            answer += chunk
    return answer, time.monotonic() - started


@pytest.mark.allow_loopback_server
@pytest.mark.parametrize("size", [3 << 20, 40 << 20])
def test_urllib_reads_the_413_of_a_body_it_sent_whole(base_url: str, size: int) -> None:
    # 40 MiB is far more than the loopback socket buffers hold: without the lingering
    # close, urllib gets "Connection reset by peer" / "Broken pipe" while still sending
    status, answer = _urllib_post(base_url, b"<a>" + b"x" * size + b"</a>")
    assert status == 413 and answer["error"]["code"] == "BODY_TOO_LARGE"
    assert "1,048,576-byte limit" in answer["error"]["message"]


@pytest.mark.allow_loopback_server
def test_a_chunked_body_over_the_limit_gets_its_413_too(base_url: str) -> None:
    def chunks() -> Iterator[bytes]:
        for _ in range(400):  # 25 MiB, without a Content-Length
            yield b"x" * 65536
    status, answer = _urllib_post(base_url, chunks(), **{"Transfer-Encoding": "chunked"})
    assert status == 413 and answer["error"]["code"] == "BODY_TOO_LARGE"


@pytest.mark.allow_loopback_server
@pytest.mark.parametrize(("declared", "expect"), [
    (LIMIT + LINGER_BYTES + 1, False),  # beyond the bound: not worth reading
    (30 << 20, True),                   # the client waits for a go-ahead before sending
])
def test_answered_at_once_when_reading_the_body_is_no_use(base_url: str, declared: int,
                                                         expect: bool) -> None:
    head = (f"POST /v1/validate HTTP/1.1\r\nHost: x\r\nContent-Length: {declared}\r\n"
            + ("Expect: 100-continue\r\n" if expect else "") + "\r\n").encode()
    answer, took = _raw(base_url, head)
    assert answer.startswith(b"HTTP/1.1 413 ") and b"BODY_TOO_LARGE" in answer
    assert b"100 Continue" not in answer and took < 1.5


@pytest.mark.allow_loopback_server
def test_a_client_that_stops_sending_is_answered_after_the_idle_wait(base_url: str) -> None:
    head = (f"POST /v1/validate HTTP/1.1\r\nHost: x\r\nContent-Length: {LIMIT * 3}\r\n\r\n"
            "<a>").encode()
    answer, took = _raw(base_url, head)
    assert answer.startswith(b"HTTP/1.1 413 ") and 1.5 < took < 4.5


@pytest.mark.allow_loopback_server
def test_the_server_keeps_answering_afterwards(base_url: str) -> None:
    status, answer = _urllib_post(base_url, DECLARATION.read_bytes())
    assert status == 200 and answer["results"][0]["valid"] is True
