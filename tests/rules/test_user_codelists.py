"""Code lists from the user: ``--codelist KIND[:replace]=FILE`` and ``[rules] codelists``.

Files are JSON (strings, or objects with a ``code``), CSV (a ``code`` column) or text; a bad
file is a configuration error naming the file. The lists reach every way of validating:
files, ``-j N`` workers, ``--record`` batches and JSON messages.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import FIXTURES
from hypothesis import given, settings
from hypothesis import strategies as st
from stream.batches import batch, record

import tradestd
from tradestd.cli.main import main
from tradestd.codelistfiles import (
    CodeListFileError,
    load_code_list,
    parse_codelist_spec,
    read_codes,
)
from tradestd.config import ConfigFileError, RuleSettings, load_config
from tradestd.registry import bundled_registry
from tradestd.rules import RuleRunner
from tradestd.rules.codelists import code_lists

COUNTRY_FIXTURE = FIXTURES / "declaration" / "rules" / "WCO-CTRY-001.xml"  # RoutingCountryCode QQ
PASS_IMPORT = FIXTURES / "declaration" / "rules" / "pass-import.xml"
STREAM_SCHEMA = Path(__file__).resolve().parents[1] / "data" / "stream" / "record.xsd"


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(("name", "text"), [
    ("c.json", '["QQ", "ZB"]'),
    ("c.json", '[{"code": "QQ", "en": "Q-land"}, {"code": " ZB ", "cy": "x"}]'),
    ("c.csv", "en,code\nQ-land,QQ\nZ-shelf,ZB\n,\n"),
    ("c.csv", "Code;en\n".replace(";", ",") + "QQ,x\nZB,y\n"),
    ("c.txt", "# national codes\nQQ\n\n  ZB  \n"),
    ("c.json", '[{"value": "QQ", "display": "Q-land"}, {"value": "ZB", "display": "shelf"}]'),
    ("c.json", '[{"parentCode": "QQ", "childCodes": ["x"]}, {"parentCode": "ZB"}]'),
    ("c.csv", "value,display\nQQ,x\nZB,y\n"),
    # HMRC's unit list: the code before "#", a qualifier (or a no-break space) after it
    ("c.json", ('[{"value": "QQ#X", "display": "a"}, {"value": "QQ#\u00a0"}, '
                '{"value": "ZB*#\u00a0", "display": "marked"}]')),
])
def test_each_format_gives_its_codes(tmp_path: Path, name: str, text: str) -> None:
    assert read_codes(write(tmp_path / name, text)) == {"QQ", "ZB"}


@pytest.mark.parametrize(("name", "text", "problem"), [
    ("c.json", '{"code": "QQ"}', "expected a JSON array"),
    ("c.json", '["QQ", 7]', "entry 1 is not a code"),
    ("c.json", '[{"name": "QQ"}]', "entry 0 is not a code"),
    ("c.json", '["QQ",', "not valid JSON"),
    ("c.json", "[]", "holds no codes"),
    ("c.csv", "name,en\nQQ,x\n", 'no "code" column'),
    ("c.txt", "# only a comment\n\n", "holds no codes"),
    ("c.json", '[{"value": "QQ"}, {"display": "no value"}]', 'entry 1 is not a code.*"value"'),
    ("c.json", '["#X"]', "holds no codes"),
])
def test_a_bad_file_names_itself_and_the_problem(tmp_path: Path, name: str, text: str,
                                                  problem: str) -> None:
    path = write(tmp_path / name, text)
    with pytest.raises(CodeListFileError, match=problem) as caught:
        read_codes(path)
    assert str(path) in str(caught.value)


def test_missing_and_binary_files_are_errors_too(tmp_path: Path) -> None:
    with pytest.raises(CodeListFileError, match="cannot read code list"):
        read_codes(tmp_path / "absent.json")
    binary = tmp_path / "c.txt"
    binary.write_bytes(b"\xff\xfe\x00QQ")
    with pytest.raises(CodeListFileError, match="not UTF-8"):
        read_codes(binary)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(st.characters(blacklist_categories=("Cs",)), max_size=8), max_size=6))
def test_any_json_array_of_strings_reads_or_is_a_clear_error(values: list[str]) -> None:
    import tempfile
    with tempfile.TemporaryDirectory() as folder:
        path = write(Path(folder) / "c.json", json.dumps(values))
        expected = {v.partition("#")[0].rstrip("*").strip() if "#" in v else v.strip()
                    for v in values if v.strip()} - {""}
        if expected and all(v.strip() for v in values):
            assert read_codes(path) == expected
        else:
            with pytest.raises(CodeListFileError):
                read_codes(path)


def test_file_hash_field_names_the_member_or_column(tmp_path: Path) -> None:
    units = write(tmp_path / "u.json", '[{"unit": "ASV", "code": "1"}, {"unit": "GP1#X"}]')
    assert load_code_list("unit", f"{units}#unit").codes == {"ASV", "GP1"}
    table = write(tmp_path / "u.csv", "Label,UNIT\nhectolitre,ASV\ngrams,GP1\n")
    assert load_code_list("unit", f"{table}#unit").codes == {"ASV", "GP1"}
    with pytest.raises(CodeListFileError, match='no "size" column'):
        load_code_list("unit", f"{table}#size")
    with pytest.raises(CodeListFileError, match="entry 1 is not a code"):
        load_code_list("unit", f"{units}#code")
    text = write(tmp_path / "u.txt", "ASV\n")
    with pytest.raises(CodeListFileError, match="only be named in a JSON or CSV"):
        load_code_list("unit", f"{text}#unit")
    with pytest.raises(CodeListFileError, match="field name after"):
        load_code_list("unit", f"{units}#")
    odd = write(tmp_path / "a#b.txt", "ASV\n")  # a file whose name holds "#" is not split
    assert load_code_list("unit", odd).codes == {"ASV"}


def test_a_unit_list_or_extension_closes_the_units(tmp_path: Path) -> None:
    assert not code_lists().units_closed
    assert code_lists({"unit": ["ASV"]}).units_closed
    units = load_code_list("unit", write(tmp_path / "u.txt", "ASV\n"))
    assert code_lists(None, [units]).units_closed
    assert not code_lists(None, [load_code_list("country", tmp_path / "u.txt")]).units_closed


def test_specs_name_kind_mode_and_file() -> None:
    assert parse_codelist_spec("country=c.json") == ("country", False, "c.json")
    assert parse_codelist_spec("currency:replace=x=y.csv") == ("currency", True, "x=y.csv")
    for bad, problem in [("country", "expected KIND=FILE"), ("planet=c.json", "unknown code"),
                         ("country:merge=c.json", "only mode")]:
        with pytest.raises(CodeListFileError, match=problem):
            parse_codelist_spec(bad)


def test_a_user_list_adds_to_or_replaces_the_bundled_one(tmp_path: Path) -> None:
    path = write(tmp_path / "c.txt", "QQ\n")
    added = code_lists(None, [load_code_list("country", path)])
    assert {"QQ", "DE", "XI"} <= added.countries.codes
    replaced = code_lists(None, [load_code_list("country", path, replace=True)])
    assert replaced.countries.codes == {"QQ"} and str(path) in replaced.countries.source


def _rule_ids(report: tradestd.Report) -> set[str]:
    return {i.rule_id for i in report.errors if i.rule_id}


def test_the_library_takes_user_lists_through_rule_settings(tmp_path: Path) -> None:
    path = write(tmp_path / "c.txt", "QQ\n")
    assert "WCO-CTRY-001" in _rule_ids(tradestd.validate(COUNTRY_FIXTURE))
    runner = RuleRunner(settings=RuleSettings(codelists=(load_code_list("country", path),)))
    assert tradestd.validate(COUNTRY_FIXTURE, rules=runner).valid
    only = RuleRunner(settings=RuleSettings(
        codelists=(load_code_list("country", path, replace=True),)))
    report = tradestd.validate(PASS_IMPORT, rules=only)
    assert "WCO-CTRY-001" in _rule_ids(report)  # DE is no longer a country
    assert any("'DE'" in i.message for i in report.errors if i.rule_id == "WCO-CTRY-001")


def test_cli_files_and_workers(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path / "c.json", '[{"code": "QQ"}]')
    assert main(["validate", "--no-config", str(COUNTRY_FIXTURE)]) == 1
    assert main(["validate", "--no-config", "--codelist", f"country={path}",
                 str(COUNTRY_FIXTURE)]) == 0
    assert main(["validate", "--no-config", "-j", "2", "--codelist", f"country={path}",
                 str(COUNTRY_FIXTURE), str(PASS_IMPORT)]) == 0
    assert main(["validate", "--no-config", "-j", "2", "--codelist",
                 f"country:replace={path}", str(COUNTRY_FIXTURE), str(PASS_IMPORT)]) == 1
    capsys.readouterr()


def test_cli_bad_file_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = write(tmp_path / "c.csv", "name\nQQ\n")
    assert main(["validate", "--no-config", "--codelist", f"country={bad}",
                 str(COUNTRY_FIXTURE)]) == 2
    err = capsys.readouterr().err
    assert str(bad) in err and 'no "code" column' in err
    assert main(["validate", "--no-config", "--codelist", "moon=x.json",
                 str(COUNTRY_FIXTURE)]) == 2


def test_cli_record_batches(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    feed = tmp_path / "day.xml"
    feed.write_bytes(batch([record("D0", currency="ZZQ"), record("D1"), record("D2")]))
    args = ["validate", "--no-config", "--xsd", str(STREAM_SCHEMA), "--rules", "wco",
            "--record", "Declaration", str(feed)]
    assert main(args) == 1
    assert "WCO-CUR-002" in capsys.readouterr().out
    codes = write(tmp_path / "cur.txt", "ZZQ\n")
    assert main([*args[:-1], "--codelist", f"currency={codes}", str(feed)]) == 0
    assert main([*args[:-1], "-j", "2", "--codelist", f"currency={codes}", str(feed)]) == 0


def test_json_messages_use_the_lists(tmp_path: Path) -> None:
    kind = bundled_registry().get("wco-declaration")
    message = write(tmp_path / "m.json", kind.schema_set().to_json(COUNTRY_FIXTURE))
    assert "WCO-CTRY-001" in _rule_ids(tradestd.validate(message))
    path = write(tmp_path / "c.txt", "QQ\n")
    runner = RuleRunner(settings=RuleSettings(codelists=(load_code_list("country", path),)))
    assert tradestd.validate(message, rules=runner).valid


def test_config_file_lists_are_relative_to_it(tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "codes").mkdir()
    write(tmp_path / "codes" / "c.txt", "QQ\n")
    config = write(tmp_path / "tradestd.toml",
                   '[rules]\ncodelists = { country = "codes/c.txt", '
                   '"currency:replace" = ["codes/c.txt"] }\n')
    rules = load_config(config).rules
    assert [(u.kind, u.replace, u.codes) for u in rules.codelists] == [
        ("country", False, {"QQ"}), ("currency", True, {"QQ"})]
    write(config, '[rules]\ncodelists = { country = "codes/c.txt" }\n')
    assert main(["validate", "--config", str(config), str(COUNTRY_FIXTURE)]) == 0
    write(config, '[rules]\ncodelists = { country = "codes/missing.json" }\n')
    with pytest.raises(ConfigFileError, match=r"rules\.codelists\.country: .*missing\.json"):
        load_config(config)
    assert main(["validate", "--config", str(config), str(COUNTRY_FIXTURE)]) == 2
    write(config, "[rules]\ncodelists = [\"c.txt\"]\n")
    with pytest.raises(ConfigFileError, match="rules.codelists"):
        load_config(config)
    capsys.readouterr()


def test_location_lists_accept_national_codes_or_replace_un_locodes(tmp_path: Path) -> None:
    fixture = FIXTURES / "declaration" / "rules" / "WCO-LOC-001.xml"  # LocationID CNYT1
    assert "WCO-LOC-001" in _rule_ids(tradestd.validate(fixture))
    codes = write(tmp_path / "loc.txt", "CNYT1\n")
    added = RuleRunner(settings=RuleSettings(codelists=(load_code_list("location", codes),)))
    assert tradestd.validate(fixture, rules=added).valid
    only = RuleRunner(settings=RuleSettings(
        codelists=(load_code_list("location", codes, replace=True),)))
    report = tradestd.validate(PASS_IMPORT, rules=only)  # its UN/LOCODEs are not in the list
    assert "WCO-LOC-001" in _rule_ids(report)
    assert all("configured location code list" in i.message for i in report.errors)
