"""Every registered reporter fits the Reporter protocol and writes something for a run."""

from __future__ import annotations

import io

import pytest

from tradestd.report import REPORTERS, Reporter, RunResult, get_reporter


@pytest.mark.parametrize("name", sorted(REPORTERS))
def test_reporter_fits_protocol(name: str) -> None:
    reporter = get_reporter(name)
    assert isinstance(reporter, Reporter)
    assert reporter.name == name
    out = io.StringIO()
    reporter.render(RunResult(), out)
    assert out.getvalue()


def test_unknown_format_names_the_choices() -> None:
    with pytest.raises(ValueError, match="sarif"):
        get_reporter("yaml")
