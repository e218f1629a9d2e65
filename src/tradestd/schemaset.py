"""Compile XSD files into one schema set and validate messages against it.

Only this module compiles schemas. A :class:`SchemaSet` is compiled once (and
cached by :func:`load_schema_set`), is immutable after construction and is safe
to share between threads: compiled libxml2 validators are handed out from a
small pool, one per concurrent caller.

Engines:

* libxml2 (lxml) validates every message: it is fast.
* xmlschema is the second opinion. It is compiled lazily, only when libxml2
  rejects a message, and each libxml2 finding must be confirmed by it before it is
  reported: verdicts follow the XSD specification, not one engine's quirks.
* Schema sets marked ``vc:minVersion="1.1"`` (or using XSD 1.1-only constructs)
  are validated by xmlschema's XSD 1.1 engine alone.
"""

from __future__ import annotations

import hashlib
import os
import queue
import re
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, cast
from urllib.parse import unquote, urlparse
from urllib.request import pathname2url

import xmlschema
from lxml import etree

from . import xsdmessages
from .budgets import ConfirmBudget
from .intake import (
    DEFAULT_LIMITS,
    Limits,
    Source,
    XmlDocument,
    iri_namespaces_only,
    load_xml,
    new_parser,
)
from .issues import Issue, Layer, Report, Severity
from .locate import Locator, element_path, tag_of

if TYPE_CHECKING:  # types of the layers built on this module, for its convenience methods
    from .stream.convert import JsonLinesToXml, XmlToJsonLines
    from .stream.source import BatchSource
    from .stream.validate import RecordStream
    from .wco.ids import WcoIds
    from .wco.plan import Mapping, Plan

__all__ = ["SchemaError", "SchemaSet", "collect_xsd_files", "load_schema_set",
           "register_method"]

XS = "http://www.w3.org/2001/XMLSchema"
VC = "http://www.w3.org/2007/XMLSchema-versioning"
_REFERENCES = (f"{{{XS}}}import", f"{{{XS}}}include", f"{{{XS}}}redefine", f"{{{XS}}}override")
_XSD11_ONLY = (f"{{{XS}}}assert", f"{{{XS}}}assertion", f"{{{XS}}}alternative",
               f"{{{XS}}}openContent", f"{{{XS}}}defaultOpenContent", f"{{{XS}}}override")
_WRAPPER_SCHEME = "tradestd-wrapper"
_SET_NAME = "__tradestd_set__.xsd"
T = TypeVar("T")
#: Messages larger than this are not cross-checked by xmlschema when libxml2 rejects them
#: (it validates a few MB per second): libxml2's findings then stand, with an info issue.
CONFIRM_MAX_BYTES = 32 * 1024 * 1024


#: Implementations of the SchemaSet methods that belong to the layers built on this
#: module (conversion, streaming), registered by :mod:`tradestd.conveniences`.
_METHODS: dict[str, Callable[..., Any]] = {}


def register_method(name: str, implementation: Callable[..., Any]) -> None:
    """Make ``SchemaSet.<name>(...)`` call ``implementation(schema_set, ...)``."""
    _METHODS[name] = implementation


def _method(name: str) -> Callable[..., Any]:
    try:
        return _METHODS[name]
    except KeyError:  # only while the package itself is being imported
        raise RuntimeError(f"SchemaSet.{name} is not available before tradestd is "
                           "imported") from None


class SchemaError(Exception):
    """A schema set cannot be built: names the file and the reason."""

    def __init__(self, message: str, file: str | None = None, line: int | None = None) -> None:
        where = f"{file}:{line}: " if file and line else (f"{file}: " if file else "")
        super().__init__(f"{where}{message}")
        self.file = file
        self.line = line
        self.reason = message


# --------------------------------------------------------------------------- discovery


def collect_xsd_files(paths: Iterable[str | os.PathLike[str]]) -> list[Path]:
    """Expand directories (recursively, ``*.xsd``) and check that files exist."""
    files: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found = sorted(p for p in path.rglob("*.xsd") if p.is_file())
            if not found:
                raise SchemaError("the directory holds no .xsd file", str(path))
            files.extend(found)
        elif path.is_file():
            files.append(path)
        else:
            raise SchemaError("no such schema file or directory", str(path))
    unique: dict[Path, None] = {}
    for f in files:
        unique.setdefault(f.resolve(), None)
    if not unique:
        raise SchemaError("no schema files given")
    return list(unique)


def _parse_xsd(path: Path) -> etree._ElementTree:
    parser = new_parser(resolver=_LocalOnlyResolver({}))
    try:
        try:
            tree = etree.parse(str(path), parser)
        except etree.XMLSyntaxError:
            if not iri_namespaces_only(parser.error_log):
                raise  # else a namespace name that is an IRI: well-formed (see intake)
            parser = new_parser(resolver=_LocalOnlyResolver({}), recover=True)
            tree = etree.parse(str(path), parser)
            if not iri_namespaces_only(parser.error_log):
                raise
    except etree.XMLSyntaxError as exc:
        line = exc.position[0] if exc.position else None
        raise SchemaError(f"not well-formed XML: {exc.msg}", str(path), line) from None
    except OSError as exc:
        raise SchemaError(f"cannot be read: {exc}", str(path)) from None
    root = tree.getroot()
    if root.tag != f"{{{XS}}}schema":
        raise SchemaError(f"not an XML Schema (root element is {tag_of(root)})", str(path))
    return tree


def _local_target(base: Path, location: str, referrer: Path, line: int | None) -> Path:
    parsed = urlparse(location)
    if parsed.scheme and len(parsed.scheme) > 1 and parsed.scheme != "file":
        raise SchemaError(
            f"refers to {location!r} over the network; tradestd never fetches schemas. "
            "Save a local copy beside it and point schemaLocation at that file",
            str(referrer), line)
    if parsed.scheme == "file":
        target = Path(unquote(parsed.path))
    else:
        target = base / unquote(location)
    return target.resolve()


def _needs_xsd11(root: etree._Element) -> bool:
    """``vc:minVersion`` of 1.1 or more anywhere (schema or component), or a 1.1-only construct.

    libxml2 knows neither versioning nor 1.1: it would drop or misread such parts.
    """
    for element in root.iter(tag=etree.Element):
        version = element.get(f"{{{VC}}}minVersion")
        if version is not None and _version(version) >= (1, 1):
            return True
    return next(root.iter(*_XSD11_ONLY), None) is not None


def _version(text: str) -> tuple[int, ...]:
    try:
        return tuple(int(part) for part in text.strip().split("."))
    except ValueError:
        return (0,)


@dataclass(frozen=True, slots=True)
class _Closure:
    files: tuple[Path, ...]
    target_namespaces: dict[Path, str | None]
    xsd11: bool
    digest: str


def _scan_closure(top: Sequence[Path]) -> _Closure:
    seen: dict[Path, etree._ElementTree] = {}
    namespaces: dict[Path, str | None] = {}
    xsd11 = False
    pending = list(top)
    while pending:
        path = pending.pop()
        if path in seen:
            continue
        tree = _parse_xsd(path)
        seen[path] = tree
        root = tree.getroot()
        namespaces[path] = root.get("targetNamespace")
        xsd11 = xsd11 or _needs_xsd11(root)
        for ref in root.iter(*_REFERENCES):
            location = ref.get("schemaLocation")
            if not location:
                continue
            target = _local_target(path.parent, location, path, ref.sourceline)
            if not target.is_file():
                raise SchemaError(
                    f"{etree.QName(ref).localname} of {location!r}: no such file "
                    f"(looked for {target})", str(path), ref.sourceline)
            pending.append(target)
    digest = hashlib.sha256()
    for path in sorted(seen):
        digest.update(str(path).encode())
        digest.update(path.read_bytes())
    return _Closure(tuple(sorted(seen)), namespaces, xsd11, digest.hexdigest()[:16])


# --------------------------------------------------------------------------- compiling


class _LocalOnlyResolver(etree.Resolver):
    """Serves synthetic wrapper schemas and local files; refuses everything else."""

    def __init__(self, wrappers: dict[str, bytes]) -> None:
        super().__init__()
        self._wrappers = wrappers

    def resolve(self, url: str | None, pubid: str | None, context: Any) -> Any:
        if url is None:
            return None
        if url in self._wrappers:
            return self.resolve_string(self._wrappers[url], context)
        parsed = urlparse(url)
        if parsed.scheme in ("", "file") or len(parsed.scheme) == 1:
            return None  # libxml2 loads local files itself
        # Never reach the network: an empty document makes the import fail loudly.
        return self.resolve_string(b"", context)


def _file_url(path: Path) -> str:
    return "file://" + pathname2url(str(path))


def _wrapper(namespace: str | None, imports: list[tuple[str | None, str]]) -> bytes:
    tns = f' targetNamespace="{_xml_attr(namespace)}"' if namespace else ""
    lines = [f'<xs:schema xmlns:xs="{XS}"{tns} elementFormDefault="qualified">']
    for ns, location in imports:
        if ns == namespace:
            lines.append(f'  <xs:include schemaLocation="{_xml_attr(location)}"/>')
        elif ns is None:
            lines.append(f'  <xs:import schemaLocation="{_xml_attr(location)}"/>')
        else:
            lines.append(
                f'  <xs:import namespace="{_xml_attr(ns)}" schemaLocation="{_xml_attr(location)}"/>')
    lines.append("</xs:schema>")
    return "\n".join(lines).encode("utf-8")


def _xml_attr(value: str) -> str:
    return (value.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;"))


def _lxml_schema(top: Sequence[Path], closure: _Closure) -> etree.XMLSchema:
    wrappers: dict[str, bytes] = {}
    parser = new_parser(resolver=_LocalOnlyResolver(wrappers))
    try:
        document = _lxml_document(top, closure, parser, wrappers)
    except etree.XMLSyntaxError as exc:  # e.g. a namespace name libxml2 takes for no URI
        raise SchemaError(f"libxml2 cannot read it: {exc.msg}", str(top[0])) from None
    try:
        return etree.XMLSchema(document)
    except etree.XMLSchemaParseError as exc:
        raise _compile_error(exc, top, closure) from None


def _lxml_document(top: Sequence[Path], closure: _Closure, parser: etree.XMLParser,
                   wrappers: dict[str, bytes]) -> etree._ElementTree:
    if len(top) == 1:
        document = etree.parse(str(top[0]), parser)
    else:
        by_ns: dict[str | None, list[Path]] = {}
        for path in top:
            by_ns.setdefault(closure.target_namespaces[path], []).append(path)
        imports: list[tuple[str | None, str]] = []
        for index, (ns, paths) in enumerate(by_ns.items()):
            if len(paths) == 1:
                imports.append((ns, _file_url(paths[0])))
            else:
                url = f"{_WRAPPER_SCHEME}://ns{index}.xsd"
                wrappers[url] = _wrapper(ns, [(ns, _file_url(p)) for p in paths])
                imports.append((ns, url))
        document = etree.ElementTree(etree.fromstring(_wrapper(None, imports), parser,
                                                      base_url=_file_url(top[0].parent / _SET_NAME)))
    return document


def _compile_error(exc: etree.XMLSchemaParseError, top: Sequence[Path],
                   closure: _Closure | None = None) -> SchemaError:
    """Name the file and line libxml2 blames (never the synthetic wrapper); for a
    component defined twice, every file that defines it."""
    entry = exc.error_log.last_error if exc.error_log else None
    message = entry.message if entry is not None else str(exc)
    file = entry.filename if entry is not None and entry.filename else ""
    if file.startswith("file:"):
        file = unquote(urlparse(file).path)
    if not file or file.startswith(_WRAPPER_SCHEME) or file.endswith(_SET_NAME):
        file = str(top[0])
    line = entry.line if entry is not None and entry.line else None
    reason = xsdmessages.humanize(message).rstrip(".")
    clash = _DUPLICATE.search(message)
    if clash and closure is not None:
        reason += _clash_note(closure, Path(file), clash.group("kind"), clash.group("name"))
    return SchemaError(f"does not compile: {reason}", file, line)


#: libxml2's "Element 'xs:group': A global model group definition 'X' does already exist"
_DUPLICATE = re.compile(r"Element '(?:\{[^}]*\}|[\w.-]+:)?(?P<kind>\w+)': A global [\w ]+? "
                        r"(?:definition|declaration) '(?:\{[^}]*\})?(?P<name>[^']+)' "
                        r"does already exist")


def _clash_note(closure: _Closure, blamed: Path, kind: str, name: str) -> str:
    """Where the twice-defined global ``kind`` named ``name`` comes from: every file of
    the closure in the blamed file's target namespace that defines it at top level."""
    namespace = closure.target_namespaces.get(blamed.resolve())
    where = []
    for path in closure.files:
        if closure.target_namespaces.get(path) != namespace:
            continue
        for child in _parse_xsd(path).getroot().iterchildren(f"{{{XS}}}{kind}"):
            if child.get("name") == name:
                where.append(f"{path}:{child.sourceline}")
    if len(where) < 2:
        return ""
    return (f"; {kind} {name!r} is defined in {', '.join(where[:-1])} and in {where[-1]}: "
            "give only one of these files (or folders) with --xsd, e.g. the envelope "
            "beside its own payload")


#: xmlschema refuses a value constraint on an xs:ID-typed declaration (XSD 1.0 Part 1,
#: 3.2.6 a-props-correct clause 3, 3.3.6 e-props-correct clause 5); libxml2, the first
#: engine, validates such sets, so the model is built regardless (the value is checked)
_ID_VALUE_CONSTRAINT = re.compile(r"xs:ID.* cannot have a (?:fixed|default) value")


def _xmlschema_schema(top: Sequence[Path], xsd11: bool) -> xmlschema.XMLSchemaBase:
    cls = xmlschema.XMLSchema11 if xsd11 else xmlschema.XMLSchema10
    sources: list[Any] = [str(p) for p in top]
    source = sources if len(sources) > 1 else sources[0]
    try:
        return cls(source, allow="local", defuse="always")
    except xmlschema.XMLSchemaException as exc:
        if _ID_VALUE_CONSTRAINT.search(str(getattr(exc, "message", ""))):
            try:
                lax = cls(source, allow="local", defuse="always", validation="lax")
            except xmlschema.XMLSchemaException:
                lax = None
            if lax is not None and all(_ID_VALUE_CONSTRAINT.search(str(e.message))
                                       for e in lax.all_errors):
                return lax
        url = getattr(exc, "schema_url", None) or getattr(exc, "url", None)
        file = unquote(urlparse(url).path) if url else str(top[0])
        message = str(getattr(exc, "message", None) or exc).splitlines()[0].rstrip(":")
        raise SchemaError(f"does not compile: {message}", file,
                          getattr(exc, "sourceline", None)) from None
    except OSError as exc:
        raise SchemaError(f"cannot be read: {exc}", str(top[0])) from None


def _second_engine_only(top: Sequence[Path], refused: SchemaError) -> xmlschema.XMLSchemaBase:
    """The xmlschema model of a set libxml2 refused, when xmlschema compiles it: libxml2
    has limits XSD 1.0 does not (an integer range for maxOccurs, XML 1.0 fourth edition
    names, ASCII-only namespace URIs). When xmlschema refuses it too, libxml2's reason
    stands."""
    try:
        return _xmlschema_schema(top, False)
    except SchemaError:
        raise refused from None


def _second_engine_note(refused: SchemaError) -> Issue:
    """Says which engine validated; names the file libxml2 blames by its name only (a
    report may go to an HTTP client, which must not learn the server's paths)."""
    where = Path(refused.file).name if refused.file else ""
    where += f":{refused.line}" if where and refused.line else ""
    return Issue("SCHEMA_SECOND_ENGINE_ONLY", Severity.INFO, Layer.SCHEMA,
                 f"libxml2 cannot compile this schema set ({where + ': ' if where else ''}"
                 f"{refused.reason}); xmlschema, which can, validated the message alone (at "
                 "its speed, a few MB per second)")


# --------------------------------------------------------------------------- the set


class SchemaSet:
    """One or more XSD files compiled together; validates messages against them."""

    def __init__(self, paths: Iterable[str | os.PathLike[str]], *, name: str | None = None,
                 limits: Limits = DEFAULT_LIMITS) -> None:
        self.files: tuple[Path, ...] = tuple(collect_xsd_files(paths))
        self._closure = _scan_closure(self.files)
        self._stamp = _stamp(self._closure.files)
        self.name = name or ", ".join(p.name for p in self.files)
        self.limits = limits
        self.xsd_version = "1.1" if self._closure.xsd11 else "1.0"
        self._lock = threading.Lock()
        self._pool: queue.SimpleQueue[etree.XMLSchema] = queue.SimpleQueue()
        self._xmlschema: xmlschema.XMLSchemaBase | None = None
        self._derived: dict[str, Any] = {}
        self._derived_lock = threading.RLock()  # a build may need the xmlschema model
        #: why libxml2 is not used for this set (None: it is); see SCHEMA_SECOND_ENGINE_ONLY
        self.libxml2_refusal: str | None = None
        self._engine_note: Issue | None = None
        if self._closure.xsd11:
            self._xmlschema = _xmlschema_schema(self.files, True)
        else:
            try:
                self._pool.put(_lxml_schema(self.files, self._closure))
            except SchemaError as refused:
                self._xmlschema = _second_engine_only(self.files, refused)
                self.libxml2_refusal = refused.reason
                self._engine_note = _second_engine_note(refused)

    # -- identity ------------------------------------------------------------------

    @property
    def digest(self) -> str:
        """Hash of every file in the set (paths and contents)."""
        return self._closure.digest

    @property
    def all_files(self) -> tuple[Path, ...]:
        """The top-level files and everything they import or include."""
        return self._closure.files

    def __repr__(self) -> str:
        return f"SchemaSet({self.name!r}, xsd={self.xsd_version}, files={len(self.files)})"

    def derived(self, key: str, build: Callable[[], T]) -> T:
        """What ``build`` makes of this set (conversion plan, WCO IDs, ...): built on first
        use under the set's lock, then shared by every thread."""
        found = self._derived.get(key)
        if found is None:
            with self._derived_lock:
                found = self._derived.get(key)
                if found is None:
                    found = self._derived[key] = build()
        return cast(T, found)

    def xsd_tree(self, path: Path) -> etree._ElementTree:
        """One file of the set's closure, parsed by the hardened parser (with line numbers)."""
        if path not in self._closure.files:
            raise SchemaError("not a file of this schema set", str(path))
        return _parse_xsd(path)

    @property
    def global_elements(self) -> frozenset[str]:
        """The ``{namespace}local`` names of the set's global element declarations (what
        may be the root of a message), read from the xmlschema model once."""
        return self.derived("global-elements", lambda: frozenset(
            tag for tag in self.xmlschema.maps.elements if not tag.startswith(f"{{{XS}}}")))

    @property
    def wco_ids(self) -> WcoIds:
        """The WCO IDs its annotations declare (compiled on first use, then shared)."""
        ids: WcoIds = _method("wco_ids")(self)
        return ids

    def translation_plan(self, target: SchemaSet, mapping: Mapping | None = None) -> Plan:
        """Where each position of this set goes in ``target``, matched by WCO ID
        (docs/translate.md); computed once per pair of sets, then shared."""
        plan: Plan = _method("translation_plan")(self, target, mapping)
        return plan

    # -- engines -------------------------------------------------------------------

    @property
    def xmlschema(self) -> xmlschema.XMLSchemaBase:
        """The xmlschema model of this set (compiled on first use, then shared)."""
        if self._xmlschema is None:
            with self._lock:
                if self._xmlschema is None:
                    self._check_unchanged()
                    self._xmlschema = _xmlschema_schema(self.files, self._closure.xsd11)
        return self._xmlschema

    def _check_unchanged(self) -> None:
        """Engines compiled later must see the files this set was built from."""
        if _stamp(self._closure.files) != self._stamp:
            raise SchemaError("changed on disk after the schema set was compiled; load the set "
                              "again (load_schema_set does so by itself)", str(self.files[0]))

    def _acquire(self) -> etree.XMLSchema:
        try:
            return self._pool.get_nowait()
        except queue.Empty:
            self._check_unchanged()
            return _lxml_schema(self.files, self._closure)

    # -- validation ----------------------------------------------------------------

    def schema_issues(self, doc: XmlDocument, locator: Locator | None = None) -> list[Issue]:
        """The ``schema`` layer for an already parsed document."""
        assert doc.root is not None and doc.tree is not None
        if self._closure.xsd11:
            return list(self._xmlschema_issues(doc, locator or doc.locator()))
        if self._engine_note is not None:  # libxml2 cannot compile this set
            return [*self._xmlschema_issues(doc, locator or doc.locator()), self._engine_note]
        target = _validation_target(doc)
        validator = self._acquire()
        try:
            if validator.validate(target):
                return []
            entries = list(validator.error_log)
        finally:
            self._pool.put(validator)
        return self._confirmed(doc, entries, locator or doc.locator())

    def engine_verdicts(self, doc: XmlDocument) -> tuple[bool | None, bool]:
        """Each engine's verdict alone on a parsed message: (libxml2, xmlschema), without
        the confirmation that :meth:`schema_issues` does. libxml2's is ``None`` where it does
        not judge this set (XSD 1.1, or a set it cannot compile). For tests and benchmarks
        that hold generated messages to both engines."""
        assert doc.root is not None
        target = _validation_target(doc)
        second = bool(self.xmlschema.is_valid(target))
        if self._closure.xsd11 or self._engine_note is not None:
            return None, second
        validator = self._acquire()
        try:
            return bool(validator.validate(target)), second
        finally:
            self._pool.put(validator)

    def _confirmed(self, doc: XmlDocument, entries: list[Any], locator: Locator) -> list[Issue]:
        """Report libxml2 findings that xmlschema confirms (see module docstring)."""
        assert doc.root is not None
        found = xsdmessages.from_libxml2(entries, doc.root)
        if len(doc.data) > CONFIRM_MAX_BYTES:
            return [f.to_issue(locator) for f in found] + [_unchecked_note(len(doc.data))]
        second = self._second_opinion(doc, [f.element for f in found if f.element is not None
                                            and f.code == "SCHEMA_UNEXPECTED_ELEMENT"])
        if isinstance(second, str):
            # xmlschema itself failed on this message (e.g. an xsi:type naming no type), or
            # its work budget ran out: libxml2 rejected it, so report libxml2's findings,
            # unconfirmed, and say why.
            return [f.to_issue(locator) for f in found] + [_unchecked_note(None, second)]
        if not second:
            # The specification accepts what libxml2 rejected: keep the verdict "valid"
            # but say so, as information.
            return [finding.disputed_issue(locator) for finding in found]
        flagged = {id(e.elem) for e in second if getattr(e, "elem", None) is not None}
        confirmed = [f for f in found if f.element is None or _confirmed_by(f.element, flagged)]
        kept = {id(f) for f in confirmed}
        disputed = [f for f in found if id(f) not in kept]
        issues = [f.to_issue(locator) for f in confirmed]
        if not issues:
            issues = list(self._xmlschema_issues(doc, locator, second))
        issues.extend(f.disputed_issue(locator) for f in disputed)
        return issues

    def _second_opinion(self, doc: XmlDocument, unexpected: Sequence[etree._Element] = ()
                        ) -> list[Any] | str:
        """xmlschema's errors for the message, or why xmlschema failed or was stopped on
        it (its work budget, see :mod:`tradestd.budgets`); ``unexpected`` are the elements
        libxml2 found out of place."""
        budget = ConfirmBudget(len(doc.data))
        if not budget.start(doc.data, unexpected):
            return f"not started: {budget.exceeded}"
        try:
            errors = list(self.xmlschema.iter_errors(_validation_target(doc),
                                                     validation_hook=budget))
        except SchemaError:
            raise
        except Exception as exc:  # noqa: BLE001 - a crash of the engine is a finding, not ours
            return f"{type(exc).__name__}: {xsdmessages.humanize(str(exc))}"
        return errors if budget.exceeded is None else f"stopped: {budget.exceeded}"

    def _xmlschema_issues(self, doc: XmlDocument, locator: Locator,
                          errors: list[Any] | None = None) -> Iterator[Issue]:
        assert doc.root is not None
        if errors is None:
            outcome = self._second_opinion(doc)
            if isinstance(outcome, str):  # xmlschema is the only engine: fail closed
                engine = "XSD 1.1 engine" if self._closure.xsd11 else \
                    "only engine that compiles this schema set"
                line, column = locator.position(doc.root)
                yield Issue("SCHEMA_ENGINE_FAILURE", Severity.ERROR, Layer.SCHEMA,
                            f"the {engine} (xmlschema) could not validate this message: "
                            + outcome, line or doc.root.sourceline, column,
                            element_path(doc.root))
                return
            errors = outcome
        for error in errors:
            yield xsdmessages.from_xmlschema(error, locator)

    def validate(self, source: Source, *, limits: Limits | None = None,
                 message_type: str | None = None) -> Report:
        """Syntax and schema layers for one message; never raises for bad input."""
        # XSD validation ignores comments and processing instructions: the parser leaves
        # them out (line numbers and element paths are the same either way)
        doc = load_xml(source, limits or self.limits, comments=False)
        return self.validate_document(doc, message_type=message_type)

    def validate_document(self, doc: XmlDocument, *, message_type: str | None = None) -> Report:
        if not doc.ok:
            return Report(source=doc.name, issues=tuple(doc.issues), message_type=message_type,
                          layers=(Layer.SYNTAX,))
        issues = list(doc.issues) + self.schema_issues(doc)
        return Report(source=doc.name, issues=tuple(issues), message_type=message_type,
                      layers=(Layer.SYNTAX, Layer.SCHEMA))

    def iter_validate(self, source: BatchSource, *, record: str | None = None,
                      limits: Limits | None = None) -> RecordStream:
        """Validate a batch file record by record (syntax and schema layers).

        ``record`` is the record element (``{namespace}local`` or a local name); ``None``
        detects it from this set's own global elements (docs/streaming.md). Iterate the
        result for :class:`~tradestd.stream.RecordReport` values; its ``summary`` counts
        them. A batch that yields no record raises
        :class:`~tradestd.stream.results.NoRecordsError` at the end of the iteration.
        """
        return cast("RecordStream",
                    _method("iter_validate")(self, source, record=record, limits=limits))

    def iter_to_json(self, source: BatchSource, target: str | os.PathLike[str], *,
                     record: str | None = None, limits: Limits | None = None
                     ) -> XmlToJsonLines:
        """Convert an XML batch to JSON Lines record by record, validating each record.

        ``target`` is written atomically, and only when every record converted (see
        :mod:`tradestd.stream.convert`); iterate the result for per-record reports.
        """
        return cast("XmlToJsonLines", _method("iter_to_json")(self, source, target,
                                                              record=record, limits=limits))

    def iter_to_xml(self, source: BatchSource, target: str | os.PathLike[str], *,
                    container: str | None = None, limits: Limits | None = None
                    ) -> JsonLinesToXml:
        """Convert JSON Lines to an XML batch inside ``container`` (default ``Batch``),
        validating each record."""
        return cast("JsonLinesToXml", _method("iter_to_xml")(self, source, target,
                                                             container=container, limits=limits))

    # -- conversion (tradestd.convert; see docs/json-convention.md) -----------------

    def json_schema(self) -> dict[str, Any]:
        """The Draft 2020-12 JSON Schema of this set's JSON (as ``tradestd jsonschema
        --xsd``): every global element may be the root (docs/jsonschema.md)."""
        return cast("dict[str, Any]", _method("json_schema")(self))

    def to_data(self, source: Source) -> dict[str, Any]:
        """One XML message as plain JSON data (``json.dumps`` accepts it)."""
        return cast("dict[str, Any]", _method("to_data")(self, source))

    def to_json(self, source: Source, *, indent: int | None = None) -> str:
        """One XML message as JSON text."""
        return cast(str, _method("to_json")(self, source, indent=indent))

    def to_xml(self, data: str | bytes | dict[str, Any]) -> bytes:
        """JSON text or data back to UTF-8 XML."""
        return cast(bytes, _method("to_xml")(self, data))

    def iter_issues(self, source: Source) -> Iterator[Issue]:
        yield from self.validate(source).issues

    def is_valid(self, source: Source) -> bool:
        return self.validate(source).valid


def _unchecked_note(size: int | None, failure: str | None = None) -> Issue:
    if failure is not None:
        reason = f"the second opinion (xmlschema) did not complete on this message ({failure})"
    else:
        reason = (f"the message is {size:,} bytes, above the {CONFIRM_MAX_BYTES:,}-byte budget "
                  "for a second opinion (xmlschema)")
    return Issue("SCHEMA_NOT_CROSS_CHECKED", Severity.INFO, Layer.SCHEMA,
                 f"{reason}: libxml2's findings are reported unconfirmed")


def _validation_target(doc: XmlDocument) -> Any:
    """The whole tree, or the message inside a SOAP Body (whose paths keep the envelope)."""
    return doc.tree if doc.envelope is None else doc.root


def _confirmed_by(element: etree._Element, flagged: set[int]) -> bool:
    if id(element) in flagged:
        return True
    parent = element.getparent()
    if parent is not None and id(parent) in flagged:
        return True
    return any(id(child) in flagged for child in element.iterchildren(tag=etree.Element))


# --------------------------------------------------------------------------- cache

_Stamp = tuple[tuple[str, int, int], ...]


@dataclass(frozen=True, slots=True)
class _Entry:
    schema_set: SchemaSet
    stamp: _Stamp
    directories: bool  # some input was a directory: its listing may change too


_CACHE: dict[tuple[Any, ...], _Entry] = {}
_CACHE_LOCK = threading.Lock()
#: Schema sets kept by :func:`load_schema_set`; the least recently used go first.
CACHE_SIZE = 64


def _stamp(files: Iterable[Path]) -> _Stamp:
    """Identity of the files on disk: a changed import makes a cached set stale."""
    stamps = []
    for path in files:
        try:
            info = path.stat()
        except OSError:
            return ()
        stamps.append((str(path), info.st_mtime_ns, info.st_size))
    return tuple(stamps)


def _fresh(entry: _Entry, paths: Sequence[str]) -> bool:
    if entry.directories and tuple(collect_xsd_files(paths)) != entry.schema_set.files:
        return False
    return _stamp(entry.schema_set.all_files) == entry.stamp


def load_schema_set(paths: str | os.PathLike[str] | Iterable[str | os.PathLike[str]], *,
                    name: str | None = None) -> SchemaSet:
    """Compile (or fetch from the cache) the schema set made of ``paths``.

    ``paths`` are XSD files or directories of them. The cache is keyed by the paths as
    given and ``name``; an entry is rebuilt when any file of the set (imports and
    includes too) changed on disk, or a directory given gained or lost an XSD. Raises
    :class:`SchemaError` when a file is missing, not a schema, refers to the network,
    or does not compile.
    """
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    given = tuple(os.fspath(p) for p in paths)
    relative = not all(os.path.isabs(p) for p in given)
    key = (given, name, os.getcwd() if relative else None)
    with _CACHE_LOCK:
        cached = _CACHE.pop(key, None)
        if cached is not None:
            _CACHE[key] = cached  # most recently used last
    if cached is not None and _fresh(cached, given):
        return cached.schema_set
    built = SchemaSet(given, name=name)
    entry = _Entry(built, _stamp(built.all_files), any(os.path.isdir(p) for p in given))
    with _CACHE_LOCK:
        current = _CACHE.get(key)
        if current is not None and current.stamp == entry.stamp \
                and current.schema_set.files == built.files:
            return current.schema_set
        _CACHE.pop(key, None)
        _CACHE[key] = entry
        while len(_CACHE) > CACHE_SIZE:
            del _CACHE[next(iter(_CACHE))]
    return built
