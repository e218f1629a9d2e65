"""tradestd.generate: valid instances under both engines, realistic values, the packs,
mutants that produce exactly their finding, reproducible output, clear errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import CORPORA
from hypothesis import HealthCheck, find, given, settings
from lxml import etree

from tests.generate.sets import bundled_targets, corpus_targets, measure
from tradestd.cli.main import main
from tradestd.generate import GenerationError, MessageFactory, coverage, generator_for
from tradestd.generate.chooser import RandomChooser
from tradestd.generate.mutants import mutants
from tradestd.intake import load_xml
from tradestd.issues import Severity
from tradestd.registry import bundled_registry
from tradestd.rules.catalog import load_pack
from tradestd.rules.runner import RuleRunner
from tradestd.schemaset import SchemaSet, load_schema_set
from tradestd.testing import messages
from tradestd.validation import Validator

CI_COUNT = 50  # messages per set here; benchmarks/bench_generate.py measures 1,000


def _both_valid(schema_set: SchemaSet, xml: bytes) -> bool:
    return schema_set.engine_verdicts(load_xml(xml)) == (True, True)


@pytest.mark.parametrize("target", bundled_targets(), ids=lambda t: t.name)
def test_bundled_types(target: object) -> None:
    result = measure(target, CI_COUNT, rules_count=10, mutant_count=3)  # type: ignore[arg-type]
    print(result.line())
    assert result.libxml2_valid == result.xmlschema_valid == CI_COUNT, result.invalid_examples
    assert result.coverage >= 0.95
    assert result.rule_messages == 10 and not result.rule_errors
    assert result.mutants and result.mutants_exact == result.mutants, result.mutant_failures


@pytest.mark.corpora
@pytest.mark.skipif(not CORPORA.is_dir(), reason="corpora absent")
@pytest.mark.parametrize("name", ["uk-cds/declaration", "uk-cds-2.12/declaration",
                                  "uk-cds/notification", "efti/consignment-common",
                                  "cii-en16931/edifact-invoic"])
def test_user_schema_sets(name: str) -> None:
    [target] = corpus_targets(CORPORA, [name])
    count = 20 if name.startswith("uk-cds") else 10
    result = measure(target, count, rules_count=5 if target.packs else 0,
                     mutant_count=3 if target.packs else 0)
    print(result.line())
    assert result.libxml2_valid == result.xmlschema_valid == count, result.invalid_examples
    assert not result.rule_errors
    assert result.mutants_exact == result.mutants, result.mutant_failures


def test_every_construct(constructs: SchemaSet) -> None:
    """Substitution groups, abstract elements and types, xsi:type, choice, all, groups,
    mixed, wildcards, nillable, default and fixed, unique/key/keyref, ID/IDREF, lists,
    unions, QNames, patterns over two steps, enumerations, lengths, digits, ranges."""
    factory = MessageFactory(constructs)
    produced = list(factory.messages(120, seed=3))
    bad = [m.xml for m in produced if not _both_valid(constructs, m.xml)]
    assert not bad, bad[0].decode()
    text = b"".join(m.xml for m in produced)
    for needle in (b'xsi:type="c:Circle"', b'xsi:type="c:Square"', b"<c:Seller",
                   b'xsi:nil="true"', b"<c:Wrap>", b"<c:Within>", b"<c:Pair>", b"<c:Reference>",
                   b"<c:Buyer>", b"urn:tradestd:generate:foreign", b"<c:Em>"):
        assert needle in text, needle
    assert coverage(factory.reachable(), produced) >= 0.95
    for message in produced:  # keyref: each Reference names one of the lines' Amounts
        root = load_xml(message.xml).root
        assert root is not None
        amounts = {float(a.text or "") for a in root.iterfind("{*}Line/{*}Amount")}
        for reference in root.iterfind("{*}Line/{*}Reference"):
            assert float(reference.text or "") in amounts


def test_same_seed_same_files(tmp_path: Path) -> None:
    args = ["generate", "--schema", "wco-declaration", "-n", "4", "--rules", "wco",
            "--mutants"]
    assert main([*args, "--seed", "9", "-o", str(tmp_path / "a")]) == 0
    assert main([*args, "--seed", "9", "-o", str(tmp_path / "b")]) == 0
    assert main([*args, "--seed", "10", "-o", str(tmp_path / "c")]) == 0
    files = sorted(p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*.xml"))
    assert len(files) > 4
    for name in files:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
    assert (tmp_path / "a" / files[0]).read_bytes() != (tmp_path / "c" / files[0]).read_bytes()


def test_mutants_manifest_findings(tmp_path: Path) -> None:
    """Each mutant produces exactly its manifest finding (code, line, path), nothing else."""
    assert main(["generate", "--schema", "wco-declaration", "-n", "3", "--seed", "2",
                 "--rules", "wco", "--rules", "declaration", "--mutants",
                 "-o", str(tmp_path)]) == 0
    manifest = json.loads((tmp_path / "mutants" / "manifest.json").read_text())
    assert manifest["message_type"] == "wco-declaration@1.0"
    kinds = {Path(entry["file"]).stem.split("-", 2)[-1] for entry in manifest["invalid"]}
    assert {"missing-element", "too-long", "unexpected-element", "wrong-type",
            "inconsistent-totals", "bad-date"} <= kinds
    target = bundled_registry().get("wco-declaration").schema_set()
    checker = Validator(schema_set=target, rules=RuleRunner(
        [load_pack(p) for p in manifest["rule_packs"]], bundled=False))
    for entry in manifest["invalid"]:
        report = checker.validate(tmp_path / entry["file"])
        found = [{"code": i.code, "line": i.line, "path": i.path} for i in report.issues
                 if i.severity is not Severity.INFO]
        assert found == entry["expect"], (entry, found)


def test_json_output_round_trips(tmp_path: Path) -> None:
    assert main(["generate", "--schema", "wco-cargo", "-n", "3", "--to", "json",
                 "-o", str(tmp_path)]) == 0
    schema_set = bundled_registry().get("wco-cargo").schema_set()
    outputs = sorted(tmp_path.glob("*.json"))
    assert len(outputs) == 3
    for path in outputs:
        assert _both_valid(schema_set, schema_set.to_xml(path.read_text()))


@pytest.mark.parametrize(("xsd", "root", "message"), [
    ('<xs:complexType name="T"/>', None, "declares no global element"),
    ('<xs:element name="A" type="xs:int"/>', "B", "B is not a global element"),
    ('<xs:element name="A"><xs:complexType><xs:choice/></xs:complexType></xs:element>',
     None, ("no global element of the schema set can be instantiated; A: it requires a "
            "choice between no alternatives")),
    ('<xs:element name="A"><xs:complexType><xs:choice/></xs:complexType></xs:element>',
     "A", "an empty xs:choice"),
    (('<xs:element name="A"><xs:simpleType><xs:restriction base="xs:token">'
      '<xs:pattern value="[a-c]"/><xs:enumeration value="z"/></xs:restriction>'
      '</xs:simpleType></xs:element>'), "A", "no enumerated value"),
    (('<xs:element name="A"><xs:simpleType><xs:restriction base="xs:string">'
      '<xs:pattern value="\\d{5}"/><xs:maxLength value="3"/></xs:restriction>'
      '</xs:simpleType></xs:element>'), "A", "no value satisfies the facets"),
])
def test_bad_input_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str], xsd: str,
                           root: str | None, message: str) -> None:
    path = tmp_path / "bad.xsd"
    path.write_text(f'<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">{xsd}</xs:schema>')
    args = ["generate", "--xsd", str(path), "-n", "2", "-o", str(tmp_path / "out")]
    assert main([*args, *(["--root", root] if root else [])]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err
    with pytest.raises(GenerationError):
        MessageFactory(load_schema_set([path]), root)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(messages("wco-declaration", rules="wco"))
def test_strategy_messages_pass_the_packs(xml: bytes) -> None:
    schema_set = bundled_registry().get("wco-declaration").schema_set()
    report = Validator(schema_set=schema_set, rules=RuleRunner(
        [load_pack("wco")], bundled=False)).validate(xml)
    assert not report.errors, [i.to_dict() for i in report.errors]


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(messages("wco-response", as_data=True))
def test_strategy_as_data(data: dict[str, object]) -> None:
    schema_set = bundled_registry().get("wco-response").schema_set()
    assert _both_valid(schema_set, schema_set.to_xml(data))


SMALL = """<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">
  <xs:complexType name="Base" abstract="true"><xs:sequence>
    <xs:element name="Id" type="xs:int"/></xs:sequence></xs:complexType>
  <xs:complexType name="Big"><xs:complexContent><xs:extension base="Base"><xs:sequence>
    <xs:element name="More" type="xs:int" maxOccurs="3"/></xs:sequence></xs:extension>
  </xs:complexContent></xs:complexType>
  <xs:complexType name="Lean"><xs:complexContent><xs:extension base="Base"/>
  </xs:complexContent></xs:complexType>
  <xs:element name="Root"><xs:complexType><xs:sequence>
    <xs:element name="Part" type="Base" maxOccurs="4"/>
    <xs:element name="Note" type="xs:string" minOccurs="0"/>
    <xs:choice><xs:element name="Pair"><xs:complexType><xs:sequence>
      <xs:element name="A" type="xs:int"/><xs:element name="B" type="xs:int"/>
    </xs:sequence></xs:complexType></xs:element><xs:element name="One" type="xs:int"/>
    </xs:choice>
  </xs:sequence></xs:complexType></xs:element>
</xs:schema>"""


def test_strategy_shrinks_to_a_minimal_instance(tmp_path: Path) -> None:
    """Shrinking leaves only what the schema requires (the cheapest type, the cheapest
    alternative, no optional part): the smallest instance the generator's own analysis
    says the root needs, and a failing property shrinks to it."""
    path = tmp_path / "small.xsd"
    path.write_text(SMALL)
    schema_set = load_schema_set([path])
    generator = generator_for(schema_set)
    smallest = find(messages(schema_set), lambda xml: b"Root" in xml,
                    settings=settings(database=None, max_examples=30))
    tree = load_xml(smallest).root
    assert tree is not None
    assert sum(1 for _ in tree.iter("{*}*")) == generator.element_cost[id(generator.tops[0])]
    assert b"<More>" not in smallest and b"<Note>" not in smallest and b"<One>" in smallest
    assert _both_valid(schema_set, smallest)


def test_schema_level_mutants_of_every_kind(constructs: SchemaSet) -> None:
    """On the constructs set each schema-level kind occurs, and each mutant has exactly its
    finding (a key field is never the target: that would break its key as well)."""
    factory = MessageFactory(constructs)
    kinds: set[str] = set()
    for message in factory.messages(8, seed=5):
        for mutant in mutants(factory.generator, message.drawn, message.xml):
            found = [(i.code, i.line, i.path) for i in constructs.validate(mutant.xml).issues
                     if i.severity is not Severity.INFO]
            assert found == [(mutant.code, mutant.line, mutant.path)], mutant.kind
            kinds.add(mutant.kind)
    assert kinds == {"missing-element", "wrong-type", "too-long", "outside-enumeration",
                     "unexpected-element"}


def test_testing_names_the_extra_it_needs(monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib
    import sys

    monkeypatch.setitem(sys.modules, "hypothesis", None)
    monkeypatch.delitem(sys.modules, "tradestd.testing", raising=False)
    with pytest.raises(ImportError, match=r"pip install 'tradestd\[testing\]'"):
        importlib.import_module("tradestd.testing")


def test_unwritable_output_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    assert main(["generate", "--schema", "wco-response", "-n", "1", "-o", str(blocker)]) == 2
    assert "is a file" in capsys.readouterr().err
    below = blocker / "out"
    assert main(["generate", "--schema", "wco-response", "-n", "1", "-o", str(below)]) == 2
    err = capsys.readouterr().err
    assert f"cannot write to {below}" in err and "Traceback" not in err


def test_same_seed_same_files_in_other_processes(tmp_path: Path) -> None:
    """Nothing depends on the process: string hashing differs, the files do not."""
    import os
    import subprocess
    import sys

    from conftest import ROOT

    data = Path(__file__).resolve().parent / "data" / "constructs.xsd"
    for number, hash_seed in enumerate(("1", "4242")):
        env = dict(os.environ, PYTHONPATH=str(ROOT / "src"), PYTHONHASHSEED=hash_seed)
        done = subprocess.run([sys.executable, "-m", "tradestd", "generate", "--xsd", str(data),
                               "-n", "25", "--seed", "8", "--mutants",
                               "-o", str(tmp_path / str(number))],
                              env=env, capture_output=True, text=True, timeout=120, check=False)
        assert done.returncode == 0, done.stderr
    first = sorted(p.relative_to(tmp_path / "0") for p in (tmp_path / "0").rglob("*.*"))
    assert len(first) > 25
    for name in first:
        assert (tmp_path / "0" / name).read_bytes() == (tmp_path / "1" / name).read_bytes()


def test_series_covers_a_wide_wildcard(wide: SchemaSet) -> None:
    """Coverage guidance: each message of a series is drawn to hold a declaration earlier
    ones did not (through the wildcard, down an optional chain), so 30 messages cover all
    123 reachable declarations, where 30 plain draws, or 30 that only lean toward the
    uncovered ones, cover well under half; the series stays valid and reproducible."""
    factory = MessageFactory(wide, "Envelope")
    reachable = factory.reachable()
    assert len(reachable) == 3 + 24 * 5
    produced = list(factory.messages(30, seed=1))
    assert coverage(reachable, produced) == 1.0
    assert all(_both_valid(wide, m.xml) for m in produced)
    assert [m.xml for m in factory.messages(30, seed=1)] == [m.xml for m in produced]
    plain = [factory.draw(RandomChooser(f"plain:{i}")) for i in range(30)]
    assert coverage(reachable, plain) < 0.5
    covered: set[int] = set()
    leaning = []
    for index in range(30):  # steered by ``covered`` alone, without a target
        leaning.append(factory.draw(RandomChooser(f"1:{index}"), covered))
        covered |= leaning[-1].drawn.used
    assert coverage(reachable, leaning) < 0.5


DECIMALS = b"""<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" elementFormDefault="qualified"
    targetNamespace="urn:test:decimals" xmlns="urn:test:decimals">
  <xs:element name="Amounts"><xs:complexType><xs:sequence>
    <xs:element name="Wide" maxOccurs="20"><xs:simpleType><xs:restriction base="xs:decimal">
      <xs:totalDigits value="35"/></xs:restriction></xs:simpleType></xs:element>
    <xs:element name="Huge"><xs:simpleType><xs:restriction base="xs:decimal">
      <xs:totalDigits value="24"/><xs:minInclusive value="100000000000000000000"/>
    </xs:restriction></xs:simpleType></xs:element>
  </xs:sequence></xs:complexType></xs:element>
</xs:schema>"""


def test_decimals_keep_to_the_portable_digits(tmp_path: Path) -> None:
    """A decimal with ``totalDigits 35`` (UN/EDIFACT's 5004 in the CII INVOIC set) is drawn
    with at most the 18 digits every conforming processor supports (libxml2 before 2.14
    refuses more than 24); a range that only longer numbers reach is still drawn."""
    xsd = tmp_path / "decimals.xsd"
    xsd.write_bytes(DECIMALS)
    schema_set = load_schema_set([xsd])
    wide, huge = [], []
    for message in MessageFactory(schema_set).messages(20, seed=5):
        root = etree.fromstring(message.xml)
        wide += [e.text or "" for e in root if e.tag.endswith("}Wide")]
        huge += [e.text or "" for e in root if e.tag.endswith("}Huge")]
        assert _both_valid(schema_set, message.xml)
    digits = [sum(c.isdigit() for c in text) for text in wide]
    assert digits and max(digits) <= 18
    assert huge and all(sum(c.isdigit() for c in t) >= 21 for t in huge)
