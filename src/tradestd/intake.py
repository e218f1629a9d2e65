"""Every way bytes come in, and the one hardened XML parser.

Only this module creates XML parsers. Whatever the input (a path, bytes, a text or
binary stream, ``-`` for stdin, an XML string), :func:`load_xml` returns an
:class:`XmlDocument`; a failure of any kind (missing file, too large, not
well-formed, DTD, XInclude, too deep) is a located :class:`~tradestd.issues.Issue`
on that document, never an exception.

Security posture (untrusted input is the normal case):

* no network: ``no_network=True`` and no resolver that could fetch anything;
* no entities: ``resolve_entities=False`` and any DOCTYPE is rejected outright;
* no XInclude processing; ``xsi:schemaLocation`` is never followed;
* bounded size (``Limits.max_bytes``), depth (libxml2's 256 levels, or less) and
  text node size (libxml2's 10 MB cap, ``huge_tree`` is never enabled).
"""

from __future__ import annotations

import io
import os
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Union

from lxml import etree

from .issues import Issue, Layer, Severity

__all__ = [
    "Limits",
    "Source",
    "XmlDocument",
    "read_source",
    "load_xml",
    "new_parser",
    "SOAP_NAMESPACES",
]

#: What a caller may hand to :func:`load_xml`.
Source = Union[str, os.PathLike[str], bytes, bytearray, IO[bytes], IO[str]]

SOAP_NAMESPACES = {
    "http://schemas.xmlsoap.org/soap/envelope/": "soap11",
    "http://www.w3.org/2003/05/soap-envelope": "soap12",
}
XINCLUDE_NS = b"http://www.w3.org/2001/XInclude"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
LIBXML2_MAX_DEPTH = 256


@dataclass(frozen=True, slots=True)
class Limits:
    """Resource limits for one input. Defaults are far above any real customs message."""

    max_bytes: int = 200 * 1024 * 1024
    #: Element nesting depth. libxml2 refuses more than 256 levels without
    #: ``huge_tree``, which tradestd never enables, so 256 is also the ceiling.
    max_depth: int = LIBXML2_MAX_DEPTH

    def __post_init__(self) -> None:
        if self.max_bytes <= 0:
            raise ValueError("max_bytes must be positive")
        if not 1 <= self.max_depth <= LIBXML2_MAX_DEPTH:
            raise ValueError(f"max_depth must be between 1 and {LIBXML2_MAX_DEPTH}")


DEFAULT_LIMITS = Limits()


class IntakeError(Exception):
    """Raised internally when bytes cannot be read; carries the issue to report."""

    def __init__(self, issue: Issue) -> None:
        super().__init__(issue.message)
        self.issue = issue


@dataclass(slots=True)
class XmlDocument:
    """A parsed message, or the issues that stopped it from being parsed.

    ``root`` is the message itself: for a SOAP envelope it is the first element of
    the ``Body``; ``envelope`` then says which SOAP version wrapped it.
    """

    name: str
    data: bytes
    tree: etree._ElementTree | None = None
    root: etree._Element | None = None
    envelope: str | None = None
    issues: list[Issue] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.root is not None and not any(
            i.severity is Severity.ERROR for i in self.issues
        )


def _issue(code: str, message: str, line: int | None = None, column: int | None = None,
           layer: Layer = Layer.SYNTAX, severity: Severity = Severity.ERROR) -> Issue:
    return Issue(code=code, severity=severity, layer=layer, message=message,
                 line=line, column=column)


# --------------------------------------------------------------------------- reading


def source_name(source: Any) -> str:
    if isinstance(source, (bytes, bytearray)):
        return "<bytes>"
    if isinstance(source, str):
        if source == "-":
            return "<stdin>"
        if _looks_like_xml_text(source):
            return "<string>"
        return source
    if isinstance(source, os.PathLike):
        return os.fspath(source)
    name = getattr(source, "name", None)
    return name if isinstance(name, str) else "<stream>"


def _looks_like_xml_text(text: str) -> bool:
    return text.lstrip("\ufeff \t\r\n").startswith("<")


_ENCODING_DECL = re.compile(r"^(\s*<\?xml[^>]*?)\sencoding\s*=\s*(['\"])[^'\"]*\2", re.S)


def _text_to_bytes(text: str) -> bytes:
    """Encode already-decoded XML text as UTF-8, dropping a now-false encoding label."""
    text = text.lstrip("\ufeff")
    return _ENCODING_DECL.sub(r"\1", text, count=1).encode("utf-8")


def _read_stream(stream: IO[Any], limit: int, name: str) -> bytes:
    chunk = stream.read(limit + 1)
    if isinstance(chunk, str):
        data = _text_to_bytes(chunk)
    else:
        data = bytes(chunk)
    if len(data) > limit:
        raise IntakeError(_too_large(name, limit))
    return data


def _too_large(name: str, limit: int) -> Issue:
    return _issue("INPUT_TOO_LARGE",
                  f"{name} is larger than the {limit:,}-byte limit for one message; "
                  "raise Limits.max_bytes (--max-bytes) or stream it with --record",
                  layer=Layer.INTAKE)


def read_source(source: Source, limits: Limits = DEFAULT_LIMITS) -> tuple[str, bytes]:
    """Return ``(display name, raw bytes)``; raise :class:`IntakeError` on failure."""
    name = source_name(source)
    if isinstance(source, (bytes, bytearray)):
        data = bytes(source)
        if len(data) > limits.max_bytes:
            raise IntakeError(_too_large(name, limits.max_bytes))
        return name, data
    if isinstance(source, str) and source == "-":
        return name, _read_stream(sys.stdin.buffer, limits.max_bytes, name)
    if isinstance(source, str) and _looks_like_xml_text(source):
        data = _text_to_bytes(source)
        if len(data) > limits.max_bytes:
            raise IntakeError(_too_large(name, limits.max_bytes))
        return name, data
    if isinstance(source, (str, os.PathLike)):
        path = Path(source)
        try:
            size = path.stat().st_size
            if path.is_dir():
                raise IntakeError(_issue("INPUT_UNREADABLE", f"{name} is a directory, not a file",
                                         layer=Layer.INTAKE))
            if size > limits.max_bytes:
                raise IntakeError(_too_large(name, limits.max_bytes))
            with path.open("rb") as fh:
                return name, _read_stream(fh, limits.max_bytes, name)
        except FileNotFoundError:
            raise IntakeError(_issue("INPUT_NOT_FOUND", f"{name}: no such file",
                                     layer=Layer.INTAKE)) from None
        except OSError as exc:
            raise IntakeError(_issue("INPUT_UNREADABLE",
                                     f"{name} cannot be read: {exc.strerror or exc}",
                                     layer=Layer.INTAKE)) from None
    if hasattr(source, "read"):
        return name, _read_stream(source, limits.max_bytes, name)
    raise TypeError(f"cannot read a message from {type(source).__name__}")


# --------------------------------------------------------------------------- parsing


def new_parser(**overrides: Any) -> etree.XMLParser:
    """A hardened lxml parser. The only place tradestd builds one."""
    options: dict[str, Any] = dict(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        attribute_defaults=False,
        huge_tree=False,
        collect_ids=False,
    )
    options.update(overrides)
    options["no_network"] = True
    options["huge_tree"] = False
    options["load_dtd"] = False
    return etree.XMLParser(**options)


_SYNTAX_CODES = {
    "ERR_DOCUMENT_EMPTY": "XML_EMPTY",
    "ERR_DOCUMENT_END": "XML_TRAILING_CONTENT",
    "ERR_RESOURCE_LIMIT": "XML_LIMIT_EXCEEDED",
    "ERR_TAG_NAME_MISMATCH": "XML_TAG_MISMATCH",
    "ERR_TAG_NOT_FINISHED": "XML_TRUNCATED",
    "ERR_INVALID_CHAR": "XML_INVALID_CHARACTER",
    "ERR_INVALID_ENCODING": "XML_BAD_ENCODING",
    "ERR_UNSUPPORTED_ENCODING": "XML_BAD_ENCODING",
    "ERR_UNDECLARED_ENTITY": "XML_UNDECLARED_ENTITY",
    "ERR_ATTRIBUTE_REDEFINED": "XML_DUPLICATE_ATTRIBUTE",
    "ERR_NAME_REQUIRED": "XML_MALFORMED",
}


def _syntax_message(type_name: str, message: str, data: bytes) -> str:
    message = message.strip()
    if type_name == "ERR_DOCUMENT_EMPTY":
        if not data.strip():
            return "the file is empty"
        return "no XML element found: the input is not an XML document (binary or text data?)"
    if type_name == "ERR_RESOURCE_LIMIT":
        if "depth" in message:
            return (f"elements are nested more than {LIBXML2_MAX_DEPTH} levels deep: "
                    "refused as a resource attack")
        if "Text node" in message or "text node" in message:
            return "a text node is larger than 10 MB: refused as a resource attack"
        return f"resource limit exceeded: {message}"
    if type_name == "ERR_TAG_NOT_FINISHED":
        return f"the document ends too early (truncated?): {message}"
    message = message.replace(", use XML_PARSE_HUGE option", "")
    return f"not well-formed XML: {message}"


def _syntax_issues(exc: etree.XMLSyntaxError, data: bytes) -> list[Issue]:
    issues: list[Issue] = []
    seen: set[tuple[int, int, str]] = set()
    for entry in exc.error_log:
        if entry.level_name not in ("ERROR", "FATAL"):
            continue
        key = (entry.line, entry.column, entry.type_name)
        if key in seen:
            continue
        seen.add(key)
        code = _SYNTAX_CODES.get(entry.type_name, "XML_MALFORMED")
        issues.append(_issue(code, _syntax_message(entry.type_name, entry.message, data),
                             entry.line or None, entry.column or None))
    if not issues:
        line, column = exc.position if exc.position else (None, None)
        issues.append(_issue("XML_MALFORMED", f"not well-formed XML: {exc.msg}", line, column))
    # libxml2 repeats a fatal error as a chain of consequences; the first is the cause.
    return issues[:1] if issues[0].code in ("XML_EMPTY", "XML_LIMIT_EXCEEDED") else issues


def offset_to_line_col(data: bytes, offset: int) -> tuple[int, int]:
    """1-based line and column of a byte offset (UTF-8/ASCII-compatible input)."""
    line = data.count(b"\n", 0, offset) + 1
    start = data.rfind(b"\n", 0, offset) + 1
    column = len(data[start:offset].decode("utf-8", "replace")) + 1
    return line, column


_DOCTYPE = re.compile(rb"<!DOCTYPE", re.I)


def _doctype_issue(data: bytes, tree: etree._ElementTree) -> Issue | None:
    docinfo = tree.docinfo
    if not (docinfo.doctype or docinfo.internalDTD is not None or docinfo.system_url):
        return None
    match = _DOCTYPE.search(data)
    line, column = offset_to_line_col(data, match.start()) if match else (1, 1)
    return _issue(
        "XML_DTD_FORBIDDEN",
        "a document type declaration (DOCTYPE) is not accepted: customs messages never need "
        "one, and entities or external DTDs in it are a classic attack (XXE, billion laughs); "
        "nothing in it was loaded or expanded",
        line, column)


def _depth_exceeds(root: etree._Element, limit: int) -> etree._Element | None:
    stack: list[tuple[etree._Element, int]] = [(root, 1)]
    while stack:
        element, depth = stack.pop()
        if depth > limit:
            return element
        stack.extend((child, depth + 1) for child in element.iterchildren(tag=etree.Element))
    return None


def _xinclude_issues(root: etree._Element) -> Iterator[Issue]:
    for element in root.iter("{http://www.w3.org/2001/XInclude}*"):
        yield _issue("XML_XINCLUDE_FORBIDDEN",
                     f"XInclude element <{etree.QName(element).localname}> is not processed: "
                     "messages must be self-contained (nothing was included)",
                     element.sourceline)


def _schema_location_notes(root: etree._Element) -> Iterator[Issue]:
    for attr in (f"{{{XSI_NS}}}schemaLocation", f"{{{XSI_NS}}}noNamespaceSchemaLocation"):
        if root.get(attr) is not None:
            yield _issue("XML_SCHEMA_LOCATION_IGNORED",
                         f"xsi:{attr.split('}')[1]} is ignored: schemas are never fetched from "
                         "a message's hints, only from the chosen schema set",
                         root.sourceline, severity=Severity.INFO)


def _unwrap_soap(root: etree._Element) -> tuple[etree._Element | None, str | None, Issue | None]:
    version = SOAP_NAMESPACES.get(etree.QName(root).namespace or "")
    if version is None:
        return root, None, None
    ns = etree.QName(root).namespace
    body = root.find(f"{{{ns}}}Body")
    payload = None
    if body is not None:
        payload = next(body.iterchildren(tag=etree.Element), None)
    if payload is None:
        return None, version, _issue("SOAP_EMPTY_BODY",
                                     "the SOAP envelope has no message element in its Body",
                                     (body if body is not None else root).sourceline)
    return payload, version, None


def parse_bytes(name: str, data: bytes, limits: Limits = DEFAULT_LIMITS,
                unwrap_soap: bool = True) -> XmlDocument:
    """Parse raw bytes with the hardened parser; never raises for bad input."""
    doc = XmlDocument(name=name, data=data)
    if not data.strip():
        doc.issues.append(_issue("XML_EMPTY", "the file is empty", 1, 1))
        return doc
    # The syntax error's log is libxml2's per-thread log: without this it also holds
    # earlier parses' and schema validations' messages.
    etree.clear_error_log()
    try:
        tree = etree.ElementTree(etree.fromstring(data, new_parser()))
    except etree.XMLSyntaxError as exc:
        doc.issues.extend(_syntax_issues(exc, data))
        return doc
    except (ValueError, LookupError) as exc:  # e.g. unknown declared encoding
        doc.issues.append(_issue("XML_BAD_ENCODING", f"cannot decode the document: {exc}", 1, 1))
        return doc
    doc.tree = tree
    problem = _doctype_issue(data, tree)
    if problem is not None:
        doc.issues.append(problem)
        return doc
    root = tree.getroot()
    if limits.max_depth < LIBXML2_MAX_DEPTH:
        deep = _depth_exceeds(root, limits.max_depth)
        if deep is not None:
            doc.issues.append(_issue("XML_LIMIT_EXCEEDED",
                                     f"elements are nested more than {limits.max_depth} levels "
                                     "deep (Limits.max_depth)", deep.sourceline))
            return doc
    if XINCLUDE_NS in data or XINCLUDE_NS.decode() in _maybe_decoded(data):
        doc.issues.extend(_xinclude_issues(root))
    doc.issues.extend(_schema_location_notes(root))
    if unwrap_soap:
        payload, envelope, problem = _unwrap_soap(root)
        doc.envelope = envelope
        if problem is not None:
            doc.issues.append(problem)
            return doc
        root = payload  # type: ignore[assignment]
    doc.root = root
    return doc


def _maybe_decoded(data: bytes) -> str:
    """UTF-16 input hides ASCII markers from a byte search; decode only in that case."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff") or (len(data) > 1 and (data[0] == 0 or data[1] == 0)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            return ""
    return ""


def load_xml(source: Source, limits: Limits = DEFAULT_LIMITS,
             unwrap_soap: bool = True) -> XmlDocument:
    """Read and parse any supported source. Problems become issues on the result."""
    try:
        name, data = read_source(source, limits)
    except IntakeError as exc:
        return XmlDocument(name=source_name(source), data=b"", issues=[exc.issue])
    return parse_bytes(name, data, limits, unwrap_soap)


def as_binary_stream(data: bytes) -> IO[bytes]:
    return io.BytesIO(data)
