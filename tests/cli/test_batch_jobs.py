"""Batch runs: -j N gives -j 1's reports in the same order, and no input stops the batch."""

from __future__ import annotations

import io
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pytest
from sample_messages import CONSIGNMENT_XSD, consignment, write_batch

from tradestd.batch import ValidatorOptions, run_batch
from tradestd.intake import XmlDocument
from tradestd.issues import Issue, RulePackRef
from tradestd.locate import Locator
from tradestd.registry import MessageType
from tradestd.schemaset import SchemaError
from tradestd.validation import Validator

OPTIONS = ValidatorOptions(xsd=(str(CONSIGNMENT_XSD),))


def _inputs(folder: Path) -> list[str]:
    paths = [str(p) for p in write_batch(folder, 40, items=4, invalid_every=3)]
    (folder / "broken.xml").write_text("<Consignment><ID>x</Consignment>", encoding="utf-8")
    return paths[:20] + [str(folder / "broken.xml"), "-", str(folder / "nope.xml")] + paths[20:]


@pytest.mark.parametrize("jobs", [2, 3])
def test_parallel_reports_equal_serial_ones_in_order(tmp_path: Path, jobs: int) -> None:
    inputs = _inputs(tmp_path)
    stdin = consignment(1, 2, bad_countries=1).encode()
    serial = run_batch(inputs, OPTIONS, jobs=1, stdin=io.BytesIO(stdin))
    parallel = run_batch(inputs, OPTIONS, jobs=jobs, stdin=io.BytesIO(stdin))
    assert parallel == serial
    assert [r.source for r in serial] == [*inputs[:21], "<stdin>", *inputs[22:]]
    assert sum(not r.valid for r in serial) == 14 + 1 + 1 + 1
    assert serial[21].issues[0].code == "SCHEMA_PATTERN"


def test_progress_is_reported_for_every_input(tmp_path: Path) -> None:
    inputs = [str(p) for p in write_batch(tmp_path, 12)]
    seen: list[tuple[int, int]] = []
    run_batch(inputs, OPTIONS, jobs=2, progress=lambda done, total: seen.append((done, total)))
    assert seen == [(n, 12) for n in range(1, 13)]


@dataclass(frozen=True)
class _Sabotage:
    """A rule layer that raises on ``boom.xml``, kills its process on ``kill.xml`` and
    finds the schema set broken on ``schema.xml``."""

    def packs_for(self, message_type: MessageType | None) -> tuple[RulePackRef, ...]:
        return ()

    def check(self, doc: XmlDocument, locator: Locator,
              message_type: MessageType | None) -> Iterable[Issue]:
        if doc.name.endswith("boom.xml"):
            raise RuntimeError("rule exploded")
        if doc.name.endswith("kill.xml"):
            os._exit(3)
        if doc.name.endswith("schema.xml"):
            raise SchemaError("the XSD changed on disk", "a.xsd")
        return ()


@dataclass(frozen=True)
class _SabotagedOptions:
    def build(self) -> Validator:
        validator = OPTIONS.build()
        validator.rules = _Sabotage()
        return validator


@pytest.mark.parametrize("jobs", [1, 2])
def test_an_exception_becomes_that_inputs_internal_error(tmp_path: Path, jobs: int) -> None:
    inputs = [str(p) for p in write_batch(tmp_path, 6, invalid_every=0)]
    boom = tmp_path / "boom.xml"
    boom.write_text(consignment(9), encoding="utf-8")
    inputs.insert(3, str(boom))
    reports = run_batch(inputs, _SabotagedOptions(), jobs=jobs)
    assert [r.source for r in reports] == inputs
    assert [r.valid for r in reports] == [True] * 3 + [False] + [True] * 3
    issue = reports[3].issues[0]
    assert issue.code == "INTERNAL_ERROR" and "RuntimeError: rule exploded" in issue.message


def test_a_dying_worker_costs_only_its_input(tmp_path: Path) -> None:
    """100 inputs go in chunks of 6: the broken chunk is retried input by input."""
    inputs = [str(p) for p in write_batch(tmp_path, 100, invalid_every=0)]
    kill = tmp_path / "kill.xml"
    kill.write_text(consignment(9), encoding="utf-8")
    inputs.insert(57, str(kill))
    reports = run_batch(inputs, _SabotagedOptions(), jobs=2)
    assert [r.source for r in reports] == inputs
    assert [r.source for r in reports if not r.valid] == [str(kill)]
    assert "worker process died" in reports[57].issues[0].message


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_broken_schema_set_stops_the_batch(tmp_path: Path, jobs: int) -> None:
    inputs = [str(p) for p in write_batch(tmp_path, 6, invalid_every=0)]
    broken = tmp_path / "schema.xml"
    broken.write_text(consignment(9), encoding="utf-8")
    with pytest.raises(SchemaError, match="changed on disk"):
        run_batch([*inputs, str(broken)], _SabotagedOptions(), jobs=jobs)
