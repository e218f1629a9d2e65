"""Hostile XML documents, built on demand (some are large), for the hostile-input suite.

Each case names the issue code it must raise and whether the finding has a known
column. Documents that try to reach the network point at ``http://127.0.0.1:PORT``,
where the tests listen and check that nobody called; documents that try to read a
file point at a secret temporary file whose content must never appear in a report.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Case:
    name: str
    build: Callable[[int, Path], bytes]
    code: str
    has_column: bool = True


def _xxe_file(port: int, secret: Path) -> bytes:
    return (f'<?xml version="1.0"?>\n<!DOCTYPE r [<!ENTITY x SYSTEM "{secret.as_uri()}">]>\n'
            '<r>&x;</r>\n').encode()


def _xxe_http(port: int, secret: Path) -> bytes:
    return (f'<?xml version="1.0"?>\n<!DOCTYPE r [<!ENTITY x SYSTEM '
            f'"http://127.0.0.1:{port}/entity">]>\n<r>&x;</r>\n').encode()


def _parameter_entity(port: int, secret: Path) -> bytes:
    return (f'<?xml version="1.0"?>\n<!DOCTYPE r [<!ENTITY % p SYSTEM '
            f'"http://127.0.0.1:{port}/p.dtd"> %p;]>\n<r/>\n').encode()


def _external_dtd(port: int, secret: Path) -> bytes:
    return (f'<?xml version="1.0"?>\n<!-- a comment first -->\n'
            f'<!DOCTYPE r SYSTEM "http://127.0.0.1:{port}/evil.dtd">\n<r/>\n').encode()


def _external_dtd_file(port: int, secret: Path) -> bytes:
    return f'<!DOCTYPE r SYSTEM "{secret}">\n<r/>\n'.encode()


def _xinclude(port: int, secret: Path) -> bytes:
    return (f'<r xmlns:xi="http://www.w3.org/2001/XInclude">\n'
            f'  <xi:include href="{secret.as_uri()}" parse="text"/>\n'
            f'  <xi:include href="http://127.0.0.1:{port}/inc.xml"/>\n</r>\n').encode()


def _billion_laughs(port: int, secret: Path) -> bytes:
    entities = ['<!ENTITY lol0 "lol">'] + [
        f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10)]
    return ('<?xml version="1.0"?>\n<!DOCTYPE lolz [\n' + "\n".join(entities)
            + "\n]>\n<lolz>&lol9;</lolz>\n").encode()


def _deep(port: int, secret: Path) -> bytes:
    return b"<a>" * 200_000 + b"</a>" * 200_000


def _big_text(port: int, secret: Path) -> bytes:
    return b"<a>" + b"x" * (50 * 1024 * 1024) + b"</a>"


def _empty(port: int, secret: Path) -> bytes:
    return b""


def _binary(port: int, secret: Path) -> bytes:
    return bytes((i * 37 + 11) % 256 for i in range(4096))


def _truncated(port: int, secret: Path) -> bytes:
    return b'<?xml version="1.0"?>\n<Declaration>\n  <FunctionCode>9</FunctionCode>\n  <Goods'


def _schema_location(port: int, secret: Path) -> bytes:
    return (f'<?xml version="1.0"?>\n<Unknown xmlns="urn:test:unknown"\n'
            f'  xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"\n'
            f'  xsi:schemaLocation="urn:test:unknown http://127.0.0.1:{port}/unknown.xsd"/>\n'
            ).encode()


CASES = (
    Case("xxe-file", _xxe_file, "XML_DTD_FORBIDDEN"),
    Case("xxe-http", _xxe_http, "XML_DTD_FORBIDDEN"),
    Case("parameter-entity", _parameter_entity, "XML_DTD_FORBIDDEN"),
    Case("external-dtd", _external_dtd, "XML_DTD_FORBIDDEN"),
    Case("external-dtd-file", _external_dtd_file, "XML_DTD_FORBIDDEN"),
    Case("xinclude", _xinclude, "XML_XINCLUDE_FORBIDDEN"),
    Case("billion-laughs", _billion_laughs, "XML_DTD_FORBIDDEN"),
    Case("deep-200k", _deep, "XML_LIMIT_EXCEEDED"),
    Case("text-50mb", _big_text, "XML_LIMIT_EXCEEDED"),
    Case("empty", _empty, "XML_EMPTY"),
    Case("binary", _binary, "XML_EMPTY"),
    Case("truncated", _truncated, "XML_TRUNCATED"),
    Case("schema-location", _schema_location, "SCHEMA_UNKNOWN_ROOT"),
)
