"""``tradestd --version`` and :func:`tradestd.versions`: what a bug report needs."""

from __future__ import annotations

from importlib.metadata import version

import pytest
from lxml import etree

import tradestd
from tradestd.cli.main import main


def test_versions_name_the_xml_stack_as_loaded() -> None:
    found = tradestd.versions()
    assert list(found)[:5] == ["tradestd", "python", "lxml", "libxml2",
                               "libxml2 (lxml built against)"]
    assert found["tradestd"] == tradestd.__version__ == version("tradestd")
    assert found["lxml"] == etree.__version__
    assert found["libxml2"] == ".".join(map(str, etree.LIBXML_VERSION))
    assert found["libxml2 (lxml built against)"] == \
        ".".join(map(str, etree.LIBXML_COMPILED_VERSION))
    for name in ("xmlschema", "elementpath", "jsonschema"):
        assert found[name] == version(name)


def test_version_option_prints_one_line_per_component(
        capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--version"]) == 0
    lines = capsys.readouterr().out.splitlines()
    shown = {line[:line.rindex(" ")].strip(): line.rsplit(" ", 1)[1] for line in lines}
    assert shown == tradestd.versions()
