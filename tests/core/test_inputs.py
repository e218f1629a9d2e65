"""Command-line style inputs: files, directories, globs, ``-`` and missing paths."""

from __future__ import annotations

from pathlib import Path

from tradestd.inputs import expand_inputs


def test_expand_inputs(tmp_path: Path) -> None:
    (tmp_path / "d" / "sub").mkdir(parents=True)
    for name in ("d/b.xml", "d/sub/a.XML", "d/c.json", "top.xml"):
        (tmp_path / name).write_text("<r/>", encoding="utf-8")
    d = tmp_path / "d"
    assert expand_inputs([str(d)]) == [str(d / "b.xml"), str(d / "sub" / "a.XML")]
    assert expand_inputs([str(tmp_path / "*.xml")]) == [str(tmp_path / "top.xml")]
    assert expand_inputs([str(tmp_path / "**" / "*.xml")]) == [
        str(d / "b.xml"), str(tmp_path / "top.xml")]
    missing = str(tmp_path / "missing.xml")
    unmatched = str(tmp_path / "none-*.xml")
    assert expand_inputs(["-", missing, unmatched, "-"]) == ["-", missing, unmatched]
    assert expand_inputs([str(d), str(d / "b.xml")], exclude=["a.*"]) == [str(d / "b.xml")]
