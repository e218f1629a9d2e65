"""The work behind the endpoints, as plain functions run in worker threads.

Validation and conversion go through the library exactly as the CLI does (the same
:class:`~tradestd.Validator`, :class:`~tradestd.convert.batch.Converter` and report
writers), so the API answers with the CLI's JSON report v1, SARIF or HTML.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from .. import __version__
from ..convert.batch import Converter, Job, Outcome
from ..convert.validate import json_schema_for
from ..issues import Report, Severity
from ..locate import decode_text
from ..report import get_reporter
from ..report.html import HtmlReporter
from ..report.run import RunResult
from ..report.translate import Outcome as Translated
from ..report.translate import render as render_translation
from ..validation import is_json_source
from ..wco.plan import NoWcoIds, require_wco_ids
from ..wco.translate import Translator
from .catalog import BadRequest, Catalog, Target

__all__ = ["MEDIA_TYPES", "Message", "convert_job", "convert_message", "jsonschema_job",
           "render", "safe_name", "translate_job", "validate_job", "validate_messages"]

#: Report formats the API writes, and their media types.
MEDIA_TYPES = {
    "json": "application/json",
    "sarif": "application/sarif+json",
    "html": "text/html; charset=utf-8",
    "junit": "application/xml",
    "text": "text/plain; charset=utf-8",
}

_UNSAFE = re.compile(r"[\x00-\x1f\x7f<>]")


@dataclass(frozen=True)
class Message:
    """One uploaded message: the name it is reported under and its bytes."""

    name: str
    data: bytes


def safe_name(name: str | None, default: str) -> str:
    """An upload's file name as a report names it: the last path segment, no control
    characters, never starting with ``<`` (the mark of stdin and in-memory sources)."""
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    base = _UNSAFE.sub("_", base).strip()[:200]
    return base or default


def validate_messages(catalog: Catalog, target: Target, packs: Sequence[str],
                      messages: Sequence[Message]) -> list[Report]:
    validator = catalog.validator(target, packs)
    return [replace(validator.validate(m.data), source=m.name) for m in messages]


def render(reports: Sequence[Report], messages: Sequence[Message], fmt: str, *,
           fail_on: Severity = Severity.ERROR, max_issues: int | None = None) -> str:
    """The report in ``fmt`` (a key of :data:`MEDIA_TYPES`), as the CLI writes it (JSON
    without the indentation)."""
    run = RunResult(list(reports), fail_on=fail_on, tool_version=__version__,
                    max_issues=max_issues, max_issues_hint="query parameter max_issues={limit}")
    if fmt == "json":  # the JSON reporter's document, compact (its indented form is 3x slower)
        return json.dumps(run.to_dict(), ensure_ascii=False)
    texts = {id(report): message.data for report, message in zip(reports, messages, strict=True)}

    def lines(report: Report) -> list[str] | None:
        data = texts.get(id(report))
        return decode_text(data).splitlines() if data is not None else None

    reporter = HtmlReporter(lines) if fmt == "html" else get_reporter(fmt)
    out = io.StringIO()
    reporter.render(run, out)
    return out.getvalue()


def convert_message(catalog: Catalog, target: Target, message: Message,
                    to: str | None) -> Outcome:
    """Validate then convert one message (XML -> JSON or JSON -> XML, by default the other
    form of what was sent); ``outcome.output`` is None when it was not converted."""
    direction = to or ("xml" if is_json_source(message.data) else "json")
    converter = Converter(catalog.detection, target.schema_set, target.message_type,
                          catalog.limits, indent=2)
    outcome = converter.run(Job(message.name, None, direction, message.data))
    return replace(outcome, report=replace(outcome.report, source=message.name))


# The jobs the endpoints hand to worker threads or processes: module-level functions of
# the catalog and plain, picklable arguments.


def validate_job(catalog: Catalog, schema: str | None, packs: tuple[str, ...], fmt: str,
                 fail_on: str, max_issues: int | None, messages: list[Message]) -> str:
    reports = validate_messages(catalog, catalog.target(schema), packs, messages)
    return render(reports, messages, fmt, fail_on=Severity.parse(fail_on),
                  max_issues=max_issues)


def convert_job(catalog: Catalog, schema: str | None, to: str | None,
                messages: list[Message]) -> Outcome:
    if len(messages) != 1:
        raise BadRequest(f"convert takes one message, not {len(messages)}")
    return convert_message(catalog, catalog.target(schema), messages[0], to)


def jsonschema_job(catalog: Catalog, schema: str) -> dict[str, Any]:
    target = catalog.target(schema)
    schema_set = target.resolved_set
    assert schema_set is not None
    return json_schema_for(schema_set, target.message_type)


def translate_job(catalog: Catalog, source: str | None, target: str, fmt: str,
                  messages: list[Message]) -> tuple[int, str, bytes | str]:
    """``POST /v1/translate``: (status, media type, body). ``fmt`` ``xml`` answers one
    message with its result (422 and the JSON report when there is no valid result); the
    report formats answer for every message."""
    into, came = catalog.target(target), catalog.target(source)
    if into.resolved_set is None:
        raise BadRequest("name the target schema with to=")
    try:
        require_wco_ids(into.resolved_set, "target")
        if came.resolved_set is not None:
            require_wco_ids(came.resolved_set, "source")
    except NoWcoIds as exc:
        raise BadRequest(str(exc)) from None
    translator = Translator(schema_set=into.schema_set, message_type=into.message_type,
                            registry=catalog.registry, limits=catalog.limits,
                            rules=catalog.runner(()), source_set=came.resolved_set)
    outcomes = []
    for message in messages:
        done = translator.translate(message.data)
        done = replace(done, source=message.name,
                       report=replace(done.report, source=message.name))
        outcomes.append(Translated(done))
    if fmt == "xml":
        if len(outcomes) != 1:
            raise BadRequest(f"format=xml answers one message, not {len(outcomes)}; ask for "
                             "a report format")
        done = outcomes[0].translation
        if done.valid and done.xml is not None:
            return 200, "application/xml", done.xml
        fmt = "json"
        status = 422
    else:
        status = 200
    out = io.StringIO()
    render_translation(fmt, outcomes, out, __version__)
    return status, MEDIA_TYPES[fmt], out.getvalue()

