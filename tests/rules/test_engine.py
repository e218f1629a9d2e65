"""The rules engine: decorator, scopes, settings, crashes, user modules, Schematron, wiring."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import DATA, FIXTURES

import tradestd
from tradestd.cli.main import main
from tradestd.intake import load_xml
from tradestd.issues import Issue, Layer, Severity
from tradestd.locate import Locator
from tradestd.rules import (
    RULE_CRASHED,
    Finding,
    MessageView,
    Pack,
    RulePack,
    RulePackError,
    RuleRunner,
    RuleSettings,
    bundled_pack,
    load_pack,
    rule,
)
from tradestd.rules.codelists import code_lists

RULES = DATA / "rules"
NATIONAL = RULES / "national-declaration.xml"
USER_MODULE = RULES / "user_rules.py"
SCHEMATRON = RULES / "national-checks.sch"
DEC_FAIL = FIXTURES / "declaration" / "rules"


def run(source: Path | str, packs: list[Pack], settings: RuleSettings | None = None
        ) -> list[Issue]:
    doc = load_xml(source)
    runner = RuleRunner(packs, bundled=False, settings=settings)
    return list(runner.check(doc, Locator(doc.data, doc.tree), None))


def view(xml: str) -> MessageView:
    doc = load_xml(xml)
    assert doc.root is not None
    return MessageView(doc.root, code_lists())


def test_rule_ids_are_checked() -> None:
    with pytest.raises(ValueError, match="must look like"):
        rule("bad id", "error", "title")
    with pytest.raises(ValueError, match="unknown severity"):
        rule("ABC-X-001", "fatal", "title")


def test_a_pack_refuses_duplicate_rule_ids() -> None:
    first = bundled_pack("wco").rules[0]
    with pytest.raises(ValueError, match="twice"):
        RulePack("dup", "1", (first, first))


def test_the_index_files_elements_by_local_name_whatever_the_namespace() -> None:
    msg = view('<m:MetaData xmlns:m="urn:m" xmlns="urn:d"><m:WCOTypeName>DEC</m:WCOTypeName>'
               '<Declaration><FunctionCode>9</FunctionCode><TypeCode>EXA</TypeCode>'
               '<InvoiceAmount>1</InvoiceAmount><X><InvoiceAmount>2</InvoiceAmount></X>'
               '</Declaration></m:MetaData>')
    assert msg.family == "declaration" and msg.function_code == "9" and msg.type_code == "EXA"
    assert [e.text for e in msg.all("InvoiceAmount")] == ["1", "2"]
    assert len(msg.ending("Amount")) == 2 and msg.all("Nothing") == []
    x = msg.all("X")[0]
    assert [e.text for e in msg.under(x, "InvoiceAmount")] == ["2"]


def test_scopes_follow_function_and_type_codes() -> None:
    amend = view("<Declaration><FunctionCode>13</FunctionCode><TypeCode>COR</TypeCode>"
                 "</Declaration>")
    original = view("<Declaration><FunctionCode>9</FunctionCode><TypeCode>IMA</TypeCode>"
                    "</Declaration>")
    counts = next(r for r in bundled_pack("declaration").rules if r.id == "DEC-ITEMS-001")
    amend_only = next(r for r in bundled_pack("declaration").rules if r.id == "DEC-AMD-001")
    exporter = next(r for r in bundled_pack("eu-ucc").rules if r.id == "DEC-PARTY-002")
    assert counts.scope.applies(original) and not counts.scope.applies(amend)
    assert amend_only.scope.applies(amend) and not amend_only.scope.applies(original)
    assert not exporter.scope.applies(original)
    assert not counts.scope.applies(view("<Response><FunctionCode>9</FunctionCode></Response>"))


def test_a_crashing_rule_is_an_error_issue_naming_the_rule() -> None:
    issues = run(NATIONAL, [load_pack(str(USER_MODULE))])
    crashed = [i for i in issues if i.code == RULE_CRASHED]
    assert len(crashed) == 1
    assert crashed[0].severity is Severity.ERROR and crashed[0].rule_id == "ACME-BROKEN-001"
    assert "AttributeError" in crashed[0].message and "ACME-BROKEN-001" in crashed[0].message
    assert crashed[0].line == 4 and crashed[0].path == "/md:MetaData/Declaration"


def test_a_user_module_is_a_versioned_pack_with_located_issues() -> None:
    pack = load_pack(str(USER_MODULE))
    assert (pack.ref.id, pack.ref.version, pack.ref.effective_from) == ("acme", "2.3",
                                                                         "2026-01-01")
    assert str(pack.ref.digest).startswith("sha256:")
    short = NATIONAL.read_text().replace("Potassium nitrate", "KNO3")
    issues = [i for i in run(short, [pack]) if i.rule_id == "ACME-DESC-001"]
    assert len(issues) == 1
    assert (issues[0].severity, issues[0].line, issues[0].column) == (Severity.WARNING, 21, 11)
    assert issues[0].layer is Layer.RULES and "'KNO3'" in issues[0].message


def test_settings_disable_rules_and_change_severities() -> None:
    pack = bundled_pack("wco")
    bad = DEC_FAIL / "WCO-EQ-001.xml"
    assert [i.severity for i in run(bad, [pack]) if i.code == "WCO-EQ-001"] == [Severity.WARNING]
    raised = RuleSettings(severity={"WCO-EQ-001": Severity.ERROR})
    assert [i.severity for i in run(bad, [pack], raised)] == [Severity.ERROR]
    assert run(bad, [pack], RuleSettings(disable=("WCO-EQ-001",))) == []


def test_code_list_extensions_come_from_settings() -> None:
    xml = NATIONAL.read_text().replace("<CountryCode>XI", "<CountryCode>XU")
    wco = bundled_pack("wco")
    assert [i.code for i in run(xml, [wco])] == ["WCO-CTRY-001"]
    assert run(xml, [wco], RuleSettings(extensions={"country": ("XU",)})) == []
    with pytest.raises(ValueError, match="unknown code list"):
        RuleRunner(settings=RuleSettings(extensions={"colour": ("red",)}))


def test_schematron_rules_produce_the_same_issue_values() -> None:
    pack = load_pack(str(SCHEMATRON))
    assert (pack.ref.id, pack.ref.version) == ("national", "2.1")
    assert [(r.id, r.severity) for r in pack.rules] == [("NAT-DESC-001", Severity.WARNING),
                                                         ("NATIONAL-002", Severity.ERROR)]
    issues = {i.code: i for i in run(NATIONAL, [pack])}
    assert issues["NATIONAL-002"].message == "Declaration has 2 items"
    assert (issues["NATIONAL-002"].line, issues["NATIONAL-002"].column) == (4, 3)
    desc = issues["NAT-DESC-001"]
    assert desc.path == "/md:MetaData/Declaration/GoodsShipment/GovernmentAgencyGoodsItem[2]"
    assert (desc.line, desc.column, desc.rule_id) == (27, 7, "NAT-DESC-001")
    quiet = RuleSettings(disable=("NATIONAL-002",), severity={"NAT-DESC-001": Severity.INFO})
    assert [(i.code, i.severity) for i in run(NATIONAL, [pack], quiet)] == [
        ("NAT-DESC-001", Severity.INFO)]


def test_bad_packs_are_configuration_errors(tmp_path: Path) -> None:
    with pytest.raises(RulePackError, match="unknown rule pack"):
        load_pack("nope")
    empty = tmp_path / "empty.py"
    empty.write_text("X = 1\n")
    with pytest.raises(RulePackError, match="no @rule"):
        load_pack(str(empty))
    broken = tmp_path / "broken.py"
    broken.write_text("import no_such_module_here\n")
    with pytest.raises(RulePackError, match="ModuleNotFoundError"):
        load_pack(str(broken))
    not_sch = tmp_path / "x.sch"
    not_sch.write_text("<schema/>")
    with pytest.raises(RulePackError, match="not an ISO Schematron"):
        load_pack(str(not_sch))


def test_validate_runs_the_bundled_packs_of_the_message_type() -> None:
    report = tradestd.validate(DEC_FAIL / "DEC-ITEMS-001.xml")
    assert [p.id for p in report.rule_packs] == ["wco", "declaration", "eu-ucc", "uk-cds"]
    assert all(p.version and p.effective_from and p.digest for p in report.rule_packs)
    assert [i.code for i in report.issues] == ["DEC-ITEMS-001"] and not report.valid
    skipped = tradestd.validate(DEC_FAIL / "DEC-ITEMS-001.xml", rules=RuleRunner(bundled=False))
    assert skipped.valid and skipped.rule_packs == ()


def test_a_decorated_function_is_usable_as_a_one_rule_pack() -> None:
    @rule("T-ONE-001", "info", "Every message is noticed")
    def notice(msg: MessageView) -> Iterator[Finding]:
        yield Finding(msg.payload, f"seen {msg.family}")

    issues = run(NATIONAL, [RulePack("t", "1", (notice,))])
    assert [(i.code, i.severity, i.message) for i in issues] == [
        ("T-ONE-001", Severity.INFO, "seen declaration")]


# ------------------------------------------------------------------ command line

def cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def test_cli_lists_rules(capsys: pytest.CaptureFixture[str]) -> None:
    code, out = cli(capsys, "rules", "--format", "json")
    packs = json.loads(out)
    assert code == 0 and [p["id"] for p in packs] == ["wco", "declaration", "response", "cargo",
                                                      "precursor", "eu-ucc", "uk-cds"]
    assert {"id": "DEC-ITEMS-001", "severity": "error"}.items() <= packs[1]["rules"][0].items()
    code, out = cli(capsys, "rules", "--rules", str(USER_MODULE))
    assert code == 0 and "acme 2.3, effective 2026-01-01 (2 rules)" in out
    assert "ACME-DESC-001    warning  Goods descriptions are at least 10 characters" in out


def test_cli_runs_rules_on_a_user_schema_set_only_when_asked(
        capsys: pytest.CaptureFixture[str]) -> None:
    bad = str(DEC_FAIL / "WCO-CTRY-001.xml")
    national = str(RULES / "national")
    xml = RULES / "national-declaration.xml"
    assert cli(capsys, "validate", "--xsd", national, str(xml))[0] == 0
    code, out = cli(capsys, "validate", "--xsd", national, "--rules", "wco", str(xml))
    assert code == 0 and "0 errors" in out
    code, out = cli(capsys, "validate", "--xsd", national, "--rules", "wco", "--rules",
                    str(USER_MODULE), "--disable", "ACME-BROKEN-001", str(xml))
    assert code == 0 and "ACME-DESC-001" not in out
    code, out = cli(capsys, "validate", bad)
    assert code == 1 and "WCO-CTRY-001" in out


def test_cli_fail_on_and_severity(capsys: pytest.CaptureFixture[str]) -> None:
    warning = str(DEC_FAIL / "DEC-PKG-001.xml")
    assert cli(capsys, "validate", warning)[0] == 0
    assert cli(capsys, "validate", "--fail-on", "warning", warning)[0] == 1
    assert cli(capsys, "validate", "--severity", "DEC-PKG-001=error", warning)[0] == 1
    code, out = cli(capsys, "validate", "--severity", "DEC-PKG-001", warning)
    assert code == 2 and "RULE=LEVEL" in out
    code, out = cli(capsys, "validate", "--disable", "DEC-NOPE-001", warning)
    assert code == 2 and "unknown rule id" in out
    code, out = cli(capsys, "validate", "--schematron", str(SCHEMATRON), "--rules", "nope",
                    warning)
    assert code == 2 and "unknown rule pack" in out


def test_cli_takes_rule_settings_from_the_config_file(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    config = tmp_path / "tradestd.toml"
    config.write_text('[rules]\ndisable = ["DEC-ITEMS-001"]\n'
                      'severity = { "DEC-PKG-001" = "error" }\n'
                      'extensions = { country = ["QQ"] }\n')
    files = [str(DEC_FAIL / f"{name}.xml") for name in ("DEC-ITEMS-001", "WCO-CTRY-001")]
    assert cli(capsys, "validate", "--config", str(config), "-j", "2", *files)[0] == 0
    code, out = cli(capsys, "validate", "--config", str(config), str(DEC_FAIL / "DEC-PKG-001.xml"))
    assert code == 1 and "error DEC-PKG-001" in out
    code, out = cli(capsys, "validate", "--config", str(config), "--severity",
                    "DEC-PKG-001=info", str(DEC_FAIL / "DEC-PKG-001.xml"))
    assert code == 0
