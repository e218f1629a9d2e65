"""JUnit XML: one test case per input; a failed check carries its issues.

An input that is invalid is a ``<failure>``; one that could not be checked at all
(missing, unreadable, internal error: the ``intake`` layer) is an ``<error>``, as
JUnit distinguishes a failed assertion from a test that broke. Issues below the
``fail_on`` threshold go to ``<system-out>`` of a passing case.
"""

from __future__ import annotations

import re
from typing import TextIO

from lxml import etree

from ..issues import Issue, Layer, Report
from .run import RunResult
from .text import format_issue

__all__ = ["JunitReporter", "xml_safe"]

_NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_safe(text: str) -> str:
    """Replace characters XML 1.0 cannot carry (control characters, lone surrogates)."""
    return _NOT_XML.sub("\ufffd", text)


class JunitReporter:
    name = "junit"

    def render(self, run: RunResult, out: TextIO) -> None:
        cases = [self._case(run, report) for report in run.reports]
        failures = sum(1 for c in cases if c.find("failure") is not None)
        errors = sum(1 for c in cases if c.find("error") is not None)
        counts = {"tests": str(len(cases)), "failures": str(failures), "errors": str(errors),
                  "skipped": "0"}
        suites = etree.Element("testsuites", {"name": "tradestd"} | counts)
        suite = etree.SubElement(suites, "testsuite", {"name": "tradestd validate"} | counts)
        suite.extend(cases)
        out.write(etree.tostring(suites, encoding="unicode", pretty_print=True,
                                 doctype='<?xml version="1.0" encoding="UTF-8"?>'))

    def _case(self, run: RunResult, report: Report) -> etree._Element:
        case = etree.Element("testcase", classname="tradestd.validate",
                             name=xml_safe(report.source), file=xml_safe(report.source))
        shown = run.shown(report)
        body = "\n".join(format_issue(report.source, i) for i in shown.issues)
        if shown.omitted:
            body += f"\n... {shown.omitted} more issues not shown"
        if report.failed(run.fail_on):
            best = report.best_issue()
            assert best is not None
            broken = best.layer is Layer.INTAKE
            element = etree.SubElement(case, "error" if broken else "failure",
                                       message=xml_safe(_headline(report, best)),
                                       type=best.code)
            element.text = xml_safe(body)
        elif shown.issues:
            etree.SubElement(case, "system-out").text = xml_safe(body)
        return case


def _headline(report: Report, best: Issue) -> str:
    others = len(report.issues) - 1
    more = f" (and {others} more)" if others else ""
    return f"{best.code}: {best.message}{more}"
