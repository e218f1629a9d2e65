"""tradestd.toml / [tool.tradestd]: discovery from the working directory upward, typed
values, and errors that name the file and the key."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tradestd.config import Config, ConfigFileError, RuleSettings, find_config, load_config
from tradestd.issues import Severity

FULL = """
xsd = ["schemas/a.xsd", "/abs/b.xsd"]
format = "sarif"
fail_on = "warning"
max_issues = 20
jobs = 4
exclude = ["build/*"]

[rules]
disable = ["DEC-017"]
severity = { "DEC-004" = "warning" }
extensions = { country = ["XI", "EU"] }
"""


def test_found_in_a_parent_folder(tmp_path: Path) -> None:
    (tmp_path / "tradestd.toml").write_text("jobs = 2\n", encoding="utf-8")
    nested = tmp_path / "a" / "b"
    nested.mkdir(parents=True)
    assert find_config(nested) == (tmp_path / "tradestd.toml").resolve()


def test_pyproject_counts_only_with_a_tool_table(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.tradestd]\njobs = 3\n", encoding="utf-8")
    inner = tmp_path / "src" / "pkg"
    inner.mkdir(parents=True)
    found = find_config(inner)
    assert found == (tmp_path / "pyproject.toml").resolve()
    assert load_config(found).jobs == 3


@pytest.mark.parametrize("marker", ["pyproject.toml", ".git"])
def test_search_stops_at_the_project_root(tmp_path: Path, marker: str) -> None:
    (tmp_path / "tradestd.toml").write_text("jobs = 2\n", encoding="utf-8")  # stray, above
    project = tmp_path / "checkout"
    (project / "sub").mkdir(parents=True)
    if marker == ".git":
        (project / ".git").mkdir()
    else:
        (project / "pyproject.toml").write_text("[tool.other]\nx = 1\n", encoding="utf-8")
    assert find_config(project / "sub") is None
    (project / "tradestd.toml").write_text("jobs = 4\n", encoding="utf-8")
    assert find_config(project / "sub") == (project / "tradestd.toml").resolve()


def test_own_file_wins_over_pyproject_in_the_same_folder(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.tradestd]\njobs = 3\n", encoding="utf-8")
    (tmp_path / "tradestd.toml").write_text("jobs = 5\n", encoding="utf-8")
    assert find_config(tmp_path) == (tmp_path / "tradestd.toml").resolve()


def test_every_key_is_read_into_typed_values(tmp_path: Path) -> None:
    path = tmp_path / "tradestd.toml"
    path.write_text(FULL, encoding="utf-8")
    assert load_config(path) == Config(
        path=path, schema=None,
        xsd=(str(tmp_path / "schemas/a.xsd"), "/abs/b.xsd"), format="sarif",
        fail_on=Severity.WARNING, max_issues=20, jobs=4, exclude=("build/*",),
        rules=RuleSettings(disable=("DEC-017",), severity={"DEC-004": Severity.WARNING},
                           extensions={"country": ("XI", "EU")}))


def test_schema_id(tmp_path: Path) -> None:
    path = tmp_path / "tradestd.toml"
    path.write_text('schema = "wco-declaration@1.0"\n', encoding="utf-8")
    assert load_config(path) == Config(path=path, schema="wco-declaration@1.0")


@pytest.mark.parametrize(("text", "key"), [
    ("colour = true", "colour"),
    ("jobs = 0", "jobs"),
    ("max_issues = true", "max_issues"),
    ('format = "yaml"', "format"),
    ('fail_on = "fatal"', "fail_on"),
    ('fail_on = "info"', "fail_on"),
    ('xsd = "one.xsd"', "xsd"),
    ('schema = "a"\nxsd = ["b.xsd"]', "xsd"),
    ('[rules]\nseverity = { "R-1" = "loud" }', "rules.severity.R-1"),
    ('[rules]\nextensions = { country = "XI" }', "rules.extensions.country"),
    ('[rules]\nenable = ["R-1"]', "rules.enable"),
])
def test_errors_name_file_and_key(tmp_path: Path, text: str, key: str) -> None:
    path = tmp_path / "tradestd.toml"
    path.write_text(text + "\n", encoding="utf-8")
    with pytest.raises(ConfigFileError) as caught:
        load_config(path)
    assert caught.value.key == key
    assert re.match(rf"{re.escape(str(path))}(:\d+)?: {re.escape(key)}: ", str(caught.value))


@pytest.mark.parametrize(("text", "key", "line"), [
    ("jobs = 2\ncolour = true", "colour", 2),
    ("jobs = 2\n\n[rulez]\ndisable = []", "rulez", 3),
    ('[rules]\ndisable = []\n"packz" = ["wco"]', "rules.packz", 3),
])
def test_unknown_keys_are_located(tmp_path: Path, text: str, key: str, line: int) -> None:
    path = tmp_path / "tradestd.toml"
    path.write_text(text + "\n", encoding="utf-8")
    with pytest.raises(ConfigFileError) as caught:
        load_config(path)
    assert caught.value.line == line
    assert str(caught.value).startswith(f"{path}:{line}: {key}: unknown key")


def test_broken_toml_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "tradestd.toml"
    path.write_text("jobs = [\n", encoding="utf-8")
    with pytest.raises(ConfigFileError, match="not valid TOML"):
        load_config(path)


def test_rule_packs_and_schematron_are_relative_to_the_file(tmp_path: Path) -> None:
    path = tmp_path / "conf" / "tradestd.toml"
    path.parent.mkdir()
    path.write_text('[rules]\npacks = ["wco", "rules/mine.py", "/abs/other.py"]\n'
                    'schematron = ["rules/national.sch"]\n', encoding="utf-8")
    assert load_config(path).rule_packs == (
        "wco", str(path.parent / "rules/mine.py"), "/abs/other.py",
        str(path.parent / "rules/national.sch"))
    path.write_text('[rules]\npacks = "wco"\n', encoding="utf-8")
    with pytest.raises(ConfigFileError, match=r"tradestd.toml:2: rules.packs: must be a list"):
        load_config(path)
