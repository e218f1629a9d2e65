"""Convention 2: wildcard content that the schema set declares is a named member, and
the derived JSON Schema checks it by its declaration; convention-1 files are read with a
warning. On an envelope + payload set of our own and on uk-cds (corpora)."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from conftest import CORPORA

from tradestd.cli.main import cli
from tradestd.convert.plan import CONVENTION, plan_for
from tradestd.convert.to_xml import convention_1_item
from tradestd.convert.validate import json_validator, validate_json
from tradestd.schemaset import SchemaSet, load_schema_set

from .conftest import DATA, c14n

WILD = DATA / "wildenv"
ENV, PAY, ELSE = "urn:test:wenv", "urn:test:wpay", "urn:test:else"


@pytest.fixture(scope="module")
def envpay() -> SchemaSet:
    return load_schema_set([WILD / "envelope.xsd", WILD / "payload.xsd"])


@pytest.fixture(scope="module")
def data(envpay: SchemaSet) -> dict[str, Any]:
    return envpay.to_data((WILD / "message.xml").read_bytes())


def _errors(schema_set: SchemaSet, data: Any) -> list[str]:
    return [e.message for e in json_validator(schema_set).iter_errors(data)]


def test_declared_wildcard_content_is_a_named_member(data: dict[str, Any]) -> None:
    envelope = data["Envelope"]
    # strict, exactly one: a plain member; lax, repeating: an array, $order where needed
    assert envelope["Body"] == {"Order": {"Number": 7, "Amount": "12.50"}}
    assert envelope["Attachments"]["Ref"] == ["R1", "R2"]
    assert envelope["Attachments"]["$any"] == [
        {f"{{{ELSE}}}Note": {"$content": ["free ", {f"{{{ELSE}}}b": "text"}]}}]
    assert envelope["Attachments"]["$order"] == ["Ref", "$any", "Ref"]


def test_round_trip_is_canonical_and_stable(envpay: SchemaSet, data: dict[str, Any]) -> None:
    source = (WILD / "message.xml").read_bytes()
    back = envpay.to_xml(data)
    assert envpay.validate(back).valid
    assert c14n(back) == c14n(source)
    assert envpay.to_data(back) == data
    assert not _errors(envpay, data)


@pytest.mark.parametrize("edit", [
    lambda e: e["Body"]["Order"].__setitem__("Bogus", 1),       # not in the declaration
    lambda e: e["Body"]["Order"].__setitem__("Number", "7.5"),  # not an integer
    lambda e: e["Body"].clear(),                                # the wildcard must occur
    lambda e: e["Attachments"]["Ref"].append({"x": 1}),         # Ref is a token
    # declared content in $any (the shape of convention 1) is refused by the schema
    lambda e: e["Attachments"]["$any"].append({f"{{{PAY}}}Ref": "R3"}),
])
def test_json_schema_checks_named_wildcard_content(envpay: SchemaSet, data: dict[str, Any],
                                                   edit: Any) -> None:
    edited = copy.deepcopy(data)
    edit(edited["Envelope"])
    assert _errors(envpay, edited)


def test_plan_lists_the_named_members(envpay: SchemaSet) -> None:
    plan = plan_for(envpay)
    body = plan.globals[f"{{{ENV}}}Envelope"].type.children[f"{{{ENV}}}Body"].type
    # ##other: the payload's elements, not the envelope's own
    assert body.wild_tags == (f"{{{PAY}}}Order", f"{{{PAY}}}Ref")
    assert set(body.wild_tags) <= plan.wild_tags
    assert body.wild_required == (("Order", "Ref", "$any"),)
    assert body.by_key["Order"].array is False


def _convention_1(data: dict[str, Any]) -> dict[str, Any]:
    """The same message as convention 1 wrote it."""
    old = copy.deepcopy(data)
    envelope = old["Envelope"]
    envelope["Body"] = {"$any": [{f"{{{PAY}}}Order": envelope["Body"]["Order"]}]}
    attachments = envelope["Attachments"]
    refs = attachments.pop("Ref")
    attachments["$any"] = [{f"{{{PAY}}}Ref": refs[0]}, *attachments["$any"],
                           {f"{{{PAY}}}Ref": refs[1]}]
    del attachments["$order"]
    return old


def test_convention_1_is_read_with_a_warning_naming_the_version_and_the_upgrade(
        envpay: SchemaSet, data: dict[str, Any]) -> None:
    old = _convention_1(data)
    assert convention_1_item(plan_for(envpay), old) == "/Envelope/Body/$any/0"
    report = validate_json(json.dumps(old, indent=1), envpay)
    assert report.valid
    (issue,) = report.issues
    assert issue.code == "JSON_CONVENTION_1" and issue.path == "/Envelope/Body/$any/0"
    assert issue.line == 6
    assert f"since convention {CONVENTION}" in issue.message
    assert "tradestd convert FILE --to xml | tradestd convert - --to json" in issue.message
    # the XSD still checks it
    broken = copy.deepcopy(old)
    broken["Envelope"]["Body"]["$any"][0][f"{{{PAY}}}Order"]["Bogus"] = "1"
    report = validate_json(json.dumps(broken), envpay)
    assert not report.valid
    assert {i.code for i in report.issues} >= {"JSON_CONVENTION_1"}
    # the upgrade path gives convention 2
    assert envpay.to_data(envpay.to_xml(old)) == data


def test_upgrade_through_the_cli(tmp_path: Path, data: dict[str, Any]) -> None:
    old = tmp_path / "old.json"
    old.write_text(json.dumps(_convention_1(data)), encoding="utf-8")
    xsd = ["--xsd", str(WILD / "envelope.xsd"), "--xsd", str(WILD / "payload.xsd")]
    runner = CliRunner()
    to_xml = runner.invoke(cli, ["convert", *xsd, str(old), "--to", "xml"])
    assert to_xml.exit_code == 0, to_xml.output
    back = runner.invoke(cli, ["convert", *xsd, "-", "--to", "json"],
                         input=to_xml.stdout_bytes)
    assert back.exit_code == 0, back.output
    assert json.loads(back.stdout) == data


def test_undeclared_content_stays_in_any(envpay: SchemaSet) -> None:
    xml = (f'<e:Envelope xmlns:e="{ENV}" xmlns:x="{ELSE}"><e:ID>1</e:ID>'
           f'<e:Body><x:Free>a</x:Free></e:Body></e:Envelope>').encode()
    # strict: the XSD refuses what it does not declare, the converter keeps it in $any
    assert not envpay.validate(xml).valid
    assert envpay.to_data(xml)["Envelope"]["Body"] == {"$any": [{f"{{{ELSE}}}Free": "a"}]}


UK = CORPORA / "uk-cds"


@pytest.mark.corpora
@pytest.mark.skipif(not UK.is_dir(), reason="../shared/corpora/uk-cds is absent")
def test_uk_cds_declaration_is_a_member_checked_by_the_json_schema() -> None:
    xsd = UK / "xsd" / "declaration"
    schema_set = load_schema_set([xsd / "DocumentMetaData_2_DMS.xsd", xsd / "WCO_DEC_2_DMS.xsd"])
    cases = [c for c in json.loads((UK / "cases.json").read_text(encoding="utf-8"))["cases"]
             if c["expect"] == "valid" and c["kind"] == "dec"][:3]
    assert cases
    for case in cases:
        source = (UK / case["xml"]).read_bytes()
        data = schema_set.to_data(source)
        declaration = data["MetaData"]["Declaration"]
        assert "$any" not in data["MetaData"]
        assert not _errors(schema_set, data)
        assert c14n(schema_set.to_xml(data)) == c14n(source)
        declaration["Bogus"] = "1"
        assert _errors(schema_set, data)
        del declaration["Bogus"]
        old = {"MetaData": {**{k: v for k, v in data["MetaData"].items()
                               if k != "Declaration"},
                            "$any": [{"{urn:wco:datamodel:WCO:DEC-DMS:2}Declaration":
                                      declaration}]}}
        report = validate_json(json.dumps(old), schema_set)
        assert report.valid and [i.code for i in report.issues] == ["JSON_CONVENTION_1"]
