"""Every way bytes come in, and the one hardened XML parser.

Only this module creates XML parsers. Whatever the input (a path, bytes, a text or
binary stream, ``-`` for stdin, an XML string), :func:`load_xml` returns an
:class:`XmlDocument`; a failure of any kind (missing file, too large, not
well-formed, DTD, XInclude, too deep) is a located :class:`~tradestd.issues.Issue`
on that document, never an exception.

Security posture (untrusted input is the normal case):

* no DOCTYPE: a scan of the prolog refuses it before libxml2 reads a byte of it, so
  no external DTD or entity is ever opened (a DOCTYPE past the scan is still caught
  after parsing);
* no network, no files: ``no_network=True``, ``resolve_entities=False``, and a
  resolver that answers every external request with an empty document;
* no XInclude processing; ``xsi:schemaLocation`` is never followed;
* bounded size (``Limits.max_bytes``), depth (libxml2's 256 levels, or less) and
  text node size (libxml2's 10 MB cap, ``huge_tree`` is never enabled).
"""

from __future__ import annotations

import copy
import os
import re
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, AnyStr

from lxml import etree

from .issues import Issue, Layer, Severity
from .locate import Locator, decode_text, element_path, sniff_encoding

__all__ = [
    "SOAP_NAMESPACES",
    "Limits",
    "Source",
    "XmlDocument",
    "copy_document",
    "doctype_issue",
    "iri_namespaces_only",
    "load_xml",
    "new_parser",
    "new_pull_parser",
    "prolog_doctype",
    "read_source",
    "stream_syntax_issue",
]

#: What a caller may hand to :func:`load_xml`.
Source = str | os.PathLike[str] | bytes | bytearray | IO[bytes] | IO[str]

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
    _locator: Locator | None = field(default=None, repr=False, compare=False)

    def locator(self) -> Locator:
        """Line and column finder for this document (built once, on first use)."""
        assert self.tree is not None, "only a parsed document has positions"
        if self._locator is None:
            self._locator = Locator(self.data, self.tree)
        return self._locator

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
        return str(os.fspath(source))
    name = getattr(source, "name", None)
    return name if isinstance(name, str) else "<stream>"


def _looks_like_xml_text(text: str) -> bool:
    return text.lstrip("\ufeff \t\r\n").startswith("<")


_ENCODING_DECL = re.compile(r"^(\s*<\?xml[^>]*?)\sencoding\s*=\s*(['\"])[^'\"]*\2", re.DOTALL)


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
        data = source if type(source) is bytes else bytes(source)  # no copy of bytes
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


class _RefuseAll(etree.Resolver):
    """Answers every request for an external resource with an empty document."""

    def resolve(self, url: str | None, pubid: str | None, context: Any) -> Any:
        return self.resolve_string(b"", context)


def _hardened_options(overrides: dict[str, Any]) -> dict[str, Any]:
    options: dict[str, Any] = {
        "resolve_entities": False,
        "no_network": True,
        "load_dtd": False,
        "dtd_validation": False,
        "attribute_defaults": False,
        "huge_tree": False,
        "collect_ids": False,
    }
    options.update(overrides)
    options["no_network"] = True
    options["huge_tree"] = False
    options["load_dtd"] = False
    return options


def new_parser(*, resolver: etree.Resolver | None = None, **overrides: Any) -> etree.XMLParser:
    """A hardened lxml parser. The only place tradestd builds one.

    Every external resource (entity, DTD) is answered by ``resolver``; by default one
    that serves nothing. Only the schema compiler passes a resolver of its own.
    Parse bytes with it (``etree.fromstring(data, new_parser())``, or :func:`load_xml`):
    lxml asks the resolver even for a file named to ``etree.parse``, which the default
    one refuses (the parse then fails with "Document is empty").
    """
    parser: etree.XMLParser = etree.XMLParser(**_hardened_options(overrides))
    parser.resolvers.add(resolver if resolver is not None else _RefuseAll())
    return parser


def new_pull_parser(tags: list[str]) -> etree.XMLPullParser:
    """A hardened incremental parser reporting start and end events of ``tags`` only.

    Used to read batch files record by record (see :mod:`tradestd.stream`); ``huge_tree``
    stays off, so one text node is capped at 10 MB and nesting at 256 levels, while the
    total size of the batch is not limited.
    """
    parser = etree.XMLPullParser(events=("start", "end"), tag=tags, **_hardened_options({}))
    parser.resolvers.add(_RefuseAll())
    return parser


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


_UNCLOSED = re.compile(r"in tag (\S+) line (\d+)")


def _error_type(entry: Any) -> str:
    """libxml2's error type, the same for a resource refusal under every release: before
    2.13 it came as an internal or memory error, and lxml < 6 names the 2.13 code unknown."""
    message = str(entry.message)
    if "XML_PARSE_HUGE" in message or "huge text node" in message:
        return "ERR_RESOURCE_LIMIT"
    return str(entry.type_name)


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
        tag = _UNCLOSED.search(message)
        if tag:
            return (f"the document ends before element <{tag.group(1)}> (opened on line "
                    f"{tag.group(2)}) is closed: the file looks truncated")
        return f"the document ends too early (truncated?): {message}"
    message = message.replace(", use XML_PARSE_HUGE option", "")
    return f"not well-formed XML: {message}"


def _syntax_issues(log: Any, exc: etree.XMLSyntaxError, data: bytes) -> list[Issue]:
    """Issues from the parser's own error log (lxml's exception log is process-wide)."""
    issues: list[Issue] = []
    seen: set[tuple[str, str]] = set()
    for entry in log:
        if entry.level_name not in ("ERROR", "FATAL"):
            continue
        kind = _error_type(entry)
        code = _SYNTAX_CODES.get(kind, "XML_MALFORMED")
        message = _syntax_message(kind, entry.message, data)
        if code == "XML_MALFORMED" and _at_end(data, entry.line, entry.column):
            code = "XML_TRUNCATED"
            message = (f"the document ends in the middle of markup ({entry.message.strip()}): "
                       "the file looks truncated")
        if (code, message) in seen:
            continue
        seen.add((code, message))
        issues.append(_issue(code, message, entry.line or None, entry.column or None))
    if not issues:
        line, column = exc.position if exc.position else (None, None)
        issues.append(_issue("XML_MALFORMED", f"not well-formed XML: {exc.msg}", line, column))
    # libxml2 follows a fatal error with a chain of consequences (every element left open
    # at the end of a truncated file, ...); after a resource refusal or a truncation only
    # the first error says something true about the document.
    first = issues[0]
    if first.code in ("XML_EMPTY", "XML_LIMIT_EXCEEDED"):
        return [first]
    return [i for i in issues if i.code != "XML_TRUNCATED" or i is _first_truncation(issues)]


def _at_end(data: bytes, line: int, column: int) -> bool:
    """Whether libxml2 stopped at the very end of the input (a cut-off file)."""
    tail = data.rstrip()
    last_line = tail.count(b"\n") + 1
    last_column = len(tail[tail.rfind(b"\n") + 1:].decode("utf-8", "replace")) + 1
    return line == last_line and column >= last_column


def _first_truncation(issues: list[Issue]) -> Issue | None:
    return next((i for i in issues if i.code == "XML_TRUNCATED"), None)


def stream_syntax_issue(parser: etree.XMLPullParser,
                        exc: etree.XMLSyntaxError | None = None) -> Issue | None:
    """The first well-formedness error an incremental parser met, as a located issue.

    libxml2 may stop at an error without raising until more data comes (an undeclared
    entity, for one), so streams ask after every chunk; ``None`` means no error so far.
    """
    for entry in parser.feed_error_log:
        if entry.level_name in ("ERROR", "FATAL"):
            kind = _error_type(entry)
            code = _SYNTAX_CODES.get(kind, "XML_MALFORMED")
            return _issue(code, _syntax_message(kind, entry.message, b"x"),
                          entry.line or None, entry.column or None)
    if exc is None:
        return None
    line, column = exc.position if exc.position else (None, None)
    return _issue("XML_MALFORMED", f"not well-formed XML: {exc.msg}", line or None,
                  column or None)


def offset_to_line_col(data: bytes, offset: int) -> tuple[int, int]:
    """1-based line and column of a byte offset (UTF-8/ASCII-compatible input)."""
    line = data.count(b"\n", 0, offset) + 1
    start = data.rfind(b"\n", 0, offset) + 1
    column = len(data[start:offset].decode("utf-8", "replace")) + 1
    return line, column


#: How far into a document the prolog scan looks for a DOCTYPE.
_PROLOG_SCAN_LIMIT = 1 << 20
_PROLOG_FIRST_CHUNK = 4096
_DTD_MESSAGE = ("a document type declaration (DOCTYPE) is not accepted: customs messages never "
                "need one, and entities or external DTDs in it are a classic attack (XXE, "
                "billion laughs); nothing in it was loaded or expanded")
_PROLOG_SKIPS = (("<?", "?>"), ("<!--", "-->"))


def _prolog_end(text: AnyStr, doctype: AnyStr, skips: tuple[tuple[AnyStr, AnyStr], ...],
                limit: int = _PROLOG_SCAN_LIMIT) -> tuple[int, bool] | None:
    """Where the prolog ends: (offset, whether a DOCTYPE starts there); None: need more
    text. Otherwise the offset is where the first element (or anything else) starts.

    A DOCTYPE can only come after the XML declaration, comments, processing
    instructions and white space, before the first element. A linear scan (no regex
    backtracking over the document) of decoded text, or of the bytes themselves when
    the encoding is ASCII-compatible (the markers are ASCII), up to ``limit``. No byte
    order mark.
    """
    pos = 0
    limit = min(len(text), limit)
    while True:
        while pos < limit and text[pos:pos + 1].isspace():
            pos += 1
        if pos >= limit:
            return None
        if text.startswith(doctype, pos):
            return pos, True
        for opening, closing in skips:
            if text.startswith(opening, pos):
                end = text.find(closing, pos + len(opening), limit)
                if end < 0:
                    return None
                pos = end + len(closing)
                break
        else:
            return pos, False


_TEXT_MARKERS = ("<!DOCTYPE", _PROLOG_SKIPS)
_BYTE_MARKERS = (b"<!DOCTYPE", tuple((o.encode(), c.encode()) for o, c in _PROLOG_SKIPS))
#: First bytes of a document whose prolog can be scanned as bytes: ASCII ``<`` or white
#: space not followed by a zero byte (UTF-16/32 put zero bytes beside ASCII).
_ASCII_STARTS = frozenset(b"< \t\r\n")
#: Declared encodings whose bytes the scan reads as they are; any other declaration (say
#: UTF-7, where ``+ADw-`` is a ``<``) is decoded first, as libxml2 would.
_BYTE_SCAN_ENCODINGS = frozenset({"utf-8", "utf8", "us-ascii", "ascii"})


def _prolog(data: bytes) -> tuple[Issue | None, tuple[int, int] | None]:
    """Refuse a DOCTYPE before libxml2 sees it, so that nothing it names is ever read;
    otherwise say where the root element's start tag begins (line, column), as
    :class:`~tradestd.locate.Locator` would, without decoding the whole document."""
    if data[:1] and data[0] in _ASCII_STARTS and data[1:2] != b"\x00" \
            and (not data.startswith(b"<?xml") or sniff_encoding(data) in _BYTE_SCAN_ENCODINGS):
        found = _prolog_end(data, *_BYTE_MARKERS, _PROLOG_FIRST_CHUNK)
        if found is not None:
            offset, doctype = found
            start = data.rfind(b"\n", 0, offset) + 1
            if data[start:offset].isascii():
                return _prolog_verdict(data.count(b"\n", 0, offset) + 1, offset - start + 1,
                                       doctype)
    size = _PROLOG_FIRST_CHUNK
    while True:
        text = decode_text(data[:size]).lstrip("\ufeff")
        found = _prolog_end(text, *_TEXT_MARKERS)
        if found is not None or size >= min(len(data), _PROLOG_SCAN_LIMIT):
            break
        size *= 16
    if found is None:
        return None, None
    offset, doctype = found
    return _prolog_verdict(text.count("\n", 0, offset) + 1,
                           offset - (text.rfind("\n", 0, offset) + 1) + 1, doctype)


def _prolog_verdict(line: int, column: int, doctype: bool
                    ) -> tuple[Issue | None, tuple[int, int] | None]:
    if doctype:
        return _issue("XML_DTD_FORBIDDEN", _DTD_MESSAGE, line, column), None
    return None, (line, column)


def _prolog_doctype(data: bytes) -> Issue | None:
    return _prolog(data)[0]


def _doctype_issue(data: bytes, tree: etree._ElementTree) -> Issue | None:
    """Second line of defence for a DOCTYPE the prolog scan did not see."""
    docinfo = tree.docinfo
    if not (docinfo.doctype or docinfo.internalDTD is not None or docinfo.system_url):
        return None
    offset = data.find(b"<!DOCTYPE")
    line, column = offset_to_line_col(data, offset) if offset >= 0 else (1, None)
    return _issue("XML_DTD_FORBIDDEN", _DTD_MESSAGE, line, column)


def prolog_doctype(data: bytes) -> Issue | None:
    """``XML_DTD_FORBIDDEN`` when the start of a document declares a DOCTYPE (streams)."""
    return _prolog_doctype(data)


def doctype_issue(tree: etree._ElementTree) -> Issue | None:
    """``XML_DTD_FORBIDDEN`` when a parsed document carries a DOCTYPE (no position)."""
    return _doctype_issue(b"", tree)


def _depth_exceeds(root: etree._Element, limit: int) -> etree._Element | None:
    stack: list[tuple[etree._Element, int]] = [(root, 1)]
    while stack:
        element, depth = stack.pop()
        if depth > limit:
            return element
        stack.extend((child, depth + 1) for child in element.iterchildren(tag=etree.Element))
    return None


def _xinclude_issues(doc: XmlDocument, root: etree._Element) -> Iterator[Issue]:
    for element in root.iter("{http://www.w3.org/2001/XInclude}*"):
        line, column = doc.locator().position(element)
        yield Issue("XML_XINCLUDE_FORBIDDEN", Severity.ERROR, Layer.SYNTAX,
                    f"XInclude element <{etree.QName(element).localname}> is not processed: "
                    "messages must be self-contained (nothing was included)",
                    line, column, element_path(element))


_SCHEMA_LOCATIONS = (f"{{{XSI_NS}}}schemaLocation", f"{{{XSI_NS}}}noNamespaceSchemaLocation")
#: Notes are values: messages of one shape (root name and prefix, where its start tag
#: begins) share theirs, so a run of declarations places the note once.
_NOTES: dict[tuple[Any, ...], Issue] = {}
_NOTES_LIMIT = 1024


def _schema_location_notes(doc: XmlDocument, root: etree._Element,
                           position: tuple[int, int] | None) -> Iterator[Issue]:
    """``position``: where the root's start tag begins, when the prolog scan found it."""
    names = root.keys()
    for attr in _SCHEMA_LOCATIONS:
        if attr not in names:
            continue
        key = (root.tag, root.prefix, position, attr) if position is not None else None
        note = _NOTES.get(key) if key is not None else None
        if note is None:
            note = _schema_location_note(doc, root, position, attr)
            if key is not None:
                if len(_NOTES) >= _NOTES_LIMIT:
                    _NOTES.clear()
                _NOTES[key] = note
        yield note


def _schema_location_note(doc: XmlDocument, root: etree._Element,
                          position: tuple[int, int] | None, attr: str) -> Issue:
    line, column = position or doc.locator().position(root)
    local = attr.split("}")[1]
    return Issue("XML_SCHEMA_LOCATION_IGNORED", Severity.INFO, Layer.SYNTAX,
                 f"xsi:{local} is ignored: schemas are never fetched from a message's hints, "
                 "only from the chosen schema set", line, column,
                 f"{element_path(root)}/@xsi:{local}")


def _unwrap_soap(root: etree._Element) -> tuple[etree._Element | Issue, str | None]:
    """The payload (or the problem with the envelope) and the SOAP version, if any."""
    tag = root.tag
    ns = tag[1:tag.find("}")] if isinstance(tag, str) and tag.startswith("{") else ""
    version = SOAP_NAMESPACES.get(ns)
    if version is None:
        return root, None
    body = root.find(f"{{{ns}}}Body")
    payload = None
    if body is not None:
        payload = next(body.iterchildren(tag=etree.Element), None)
    if payload is None:
        return _issue("SOAP_EMPTY_BODY", "the SOAP envelope has no message element in its Body",
                      (body if body is not None else root).sourceline), version
    return payload, version


def parse_bytes(name: str, data: bytes, limits: Limits = DEFAULT_LIMITS,
                unwrap_soap: bool = True, *, comments: bool = True) -> XmlDocument:
    """Parse raw bytes with the hardened parser; never raises for bad input.

    ``comments=False`` leaves comments and processing instructions out of the tree (the
    text around them joins up): for readers that ignore them, such as the converter.
    """
    doc = XmlDocument(name=name, data=data)
    if not data or data.isspace():
        doc.issues.append(_issue("XML_EMPTY", "the file is empty", 1, 1))
        return doc
    problem, position = _prolog(data)
    if problem is not None:
        doc.issues.append(problem)
        return doc
    # searched before parsing, while the bytes are still in the CPU cache
    xinclude = XINCLUDE_NS in data or XINCLUDE_NS.decode() in _maybe_decoded(data)
    parser = _thread_parser(comments)
    try:
        try:
            tree = etree.ElementTree(etree.fromstring(data, parser))
        except etree.XMLSyntaxError:
            if not iri_namespaces_only(parser.error_log):
                raise
            # nothing else to recover from: see below
            parser = new_parser(recover=True, **_without_comments(comments))
            tree = etree.ElementTree(etree.fromstring(data, parser))
            if not iri_namespaces_only(parser.error_log):
                raise
    except etree.XMLSyntaxError as exc:
        doc.issues.extend(_syntax_issues(parser.error_log, exc, data))
        return doc
    except (ValueError, LookupError) as exc:  # e.g. unknown declared encoding
        doc.issues.append(_issue("XML_BAD_ENCODING", f"cannot decode the document: {exc}", 1, 1))
        return doc
    doc.tree = tree
    problem = _doctype_issue(data, tree)
    if problem is not None:
        doc.issues.append(problem)
        return doc
    return _inspect(doc, tree, limits, unwrap_soap, xinclude, position)


_IRI_NAMESPACE = re.compile(r"xmlns(?::[^:]+)?: '([^']*)' is not a valid URI")


def iri_namespaces_only(log: Any) -> bool:
    """Whether every error libxml2 logged is a namespace name that is an IRI (non-ASCII
    characters, no white space) rather than an ASCII URI.

    Namespaces in XML take IRIs, and so does ``xs:anyURI``; libxml2 logs each as an
    error but parses on, so a document whose log holds nothing else is well-formed and
    is parsed again with ``recover`` only to get its tree. Any other error, or a
    namespace name with white space or control characters, stays an error."""
    entries = list(log)
    if not entries:
        return False
    for entry in entries:
        found = _IRI_NAMESPACE.fullmatch(entry.message.strip()) \
            if entry.type_name == "WAR_NS_URI" else None
        if found is None:
            return False
        name = found.group(1)
        if name.isascii() or any(c.isspace() or ord(c) < 32 for c in name):
            return False
    return True


_PARSERS = threading.local()


def _without_comments(comments: bool) -> dict[str, Any]:
    return {} if comments else {"remove_comments": True, "remove_pis": True}


def _thread_parser(comments: bool = True) -> etree.XMLParser:
    """This thread's hardened parser for whole documents (lxml parsers are not
    thread-safe, and building one per message costs as much as a small parse); its
    ``error_log`` holds the errors of its last run only."""
    name = "parser" if comments else "parser_without_comments"
    parser: etree.XMLParser | None = getattr(_PARSERS, name, None)
    if parser is None:
        parser = new_parser(**_without_comments(comments))
        setattr(_PARSERS, name, parser)
    return parser


def _inspect(doc: XmlDocument, tree: etree._ElementTree, limits: Limits, unwrap_soap: bool,
             xinclude: bool, position: tuple[int, int] | None = None) -> XmlDocument:
    """The checks every well-formed message goes through, then the SOAP unwrap."""
    root = tree.getroot()
    if limits.max_depth < LIBXML2_MAX_DEPTH:
        deep = _depth_exceeds(root, limits.max_depth)
        if deep is not None:
            doc.issues.append(_issue("XML_LIMIT_EXCEEDED",
                                     f"elements are nested more than {limits.max_depth} levels "
                                     "deep (Limits.max_depth)", deep.sourceline))
            return doc
    if xinclude:
        doc.issues.extend(_xinclude_issues(doc, root))
    doc.issues.extend(_schema_location_notes(doc, root, position))
    if unwrap_soap:
        payload, doc.envelope = _unwrap_soap(root)
        if isinstance(payload, Issue):
            doc.issues.append(payload)
            return doc
        root = payload
    doc.root = root
    return doc


def copy_document(name: str, element: etree._Element,
                  limits: Limits = DEFAULT_LIMITS) -> XmlDocument:
    """A detached copy of an already parsed element as a message of its own.

    The copy goes through the same checks as a parsed message. Its ``data`` is empty,
    so issues on it carry no columns; streams use it to validate a record quickly and
    parse the record's text again only when there is something to locate.
    """
    root = copy.deepcopy(element)
    root.tail = None
    tree = etree.ElementTree(root)
    doc = XmlDocument(name=name, data=b"", tree=tree)
    xinclude = next(root.iter(f"{{{XINCLUDE_NS.decode()}}}*"), None) is not None
    return _inspect(doc, tree, limits, True, xinclude)


def _maybe_decoded(data: bytes) -> str:
    """UTF-16 input hides ASCII markers from a byte search; decode only in that case."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff") or (len(data) > 1 and (data[0] == 0 or data[1] == 0)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            return ""
    return ""


def load_xml(source: Source, limits: Limits = DEFAULT_LIMITS,
             unwrap_soap: bool = True, *, comments: bool = True) -> XmlDocument:
    """Read and parse any supported source. Problems become issues on the result
    (``comments``: see :func:`parse_bytes`)."""
    try:
        name, data = read_source(source, limits)
    except IntakeError as exc:
        return XmlDocument(name=source_name(source), data=b"", issues=[exc.issue])
    return parse_bytes(name, data, limits, unwrap_soap, comments=comments)
