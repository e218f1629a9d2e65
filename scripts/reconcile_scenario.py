"""A labelled reconciliation scenario: export shipments with precursor goods, the import side
derived from them, with injected cases at known rates; prints precision and recall.

Two variants:

* ``uk-cds`` (the real corpus, ``../shared/corpora/uk-cds``): exports are the UK CDS 2.3 export
  declaration ``Exports/Accepted/Declaration/TT1_EX_v2.02_Accepted.xml`` with ammonium
  nitrate (commodity code 31023010) injected; imports are the UK CDS import declaration
  ``TT4_2_TC007_FEC Check 1.xml`` derived from each export, carried into UK CDS 2.12 with
  ``tradestd.translate`` when ``--translate`` (the default in the tests);
* ``bundled`` (runs everywhere): exports are precursor notifications
  (``fixtures/precursor``), imports bundled import declarations (``fixtures/declaration``).

Labels (each export or import carries one): ``clean``, ``within`` (quantity 2 % off),
``never`` (no arrival, window passed), ``open`` (no arrival, window open), ``short``
(arrived 10-50 % short), ``consignee`` (another consignee), ``fallback`` (no shared
identifier), ``late`` (arrived after the window), ``unannounced`` (an import with no
export).

    python scripts/reconcile_scenario.py --variant uk-cds --shipments 60 --out /tmp/scn
"""

from __future__ import annotations

import argparse
import random
import sys
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from lxml import etree

ROOT = Path(__file__).resolve().parents[1]



def _find_corpora() -> Path:
    """Where the tests find the corpora (tests/conftest.py: one rule for both)."""
    sys.path.insert(0, str(ROOT / "tests"))
    try:
        from conftest import CORPORA as found
    finally:
        sys.path.remove(str(ROOT / "tests"))
    return Path(found)


CORPORA = _find_corpora()
AS_OF = date(2026, 12, 31)
#: The rate of each label among exports (the rest are clean) and of unannounced imports.
RATES = {"within": 0.1, "never": 0.1, "open": 0.05, "short": 0.1, "consignee": 0.1,
         "fallback": 0.1, "late": 0.1}
UNANNOUNCED_RATE = 0.1
SUBSTANCE = ("Ammonium nitrate, prilled, fertiliser grade", "31023010")


@dataclass
class Scenario:
    exports: list[Path] = field(default_factory=list)
    imports: list[Path] = field(default_factory=list)
    labels: dict[str, str] = field(default_factory=dict)  #: file name -> label
    export_xsd: tuple[str, ...] = ()
    import_xsd: tuple[str, ...] = ()


def _local(element: etree._Element) -> str:
    return etree.QName(element).localname


def _all(root: etree._Element, *names: str) -> list[etree._Element]:
    """Elements whose local-name chain ends with ``names``."""
    found = []
    for element in root.iter(f"{{*}}{names[-1]}"):
        node, ok = element, True
        for name in reversed(names[:-1]):
            node = node.getparent()
            if node is None or _local(node) != name:
                ok = False
                break
        if ok:
            found.append(element)
    return found


def _set(root: etree._Element, value: str, *names: str, first: bool = False) -> int:
    targets = _all(root, *names)
    for element in targets[:1] if first else targets:
        element.text = value
    return len(targets)


def _date_text(element: etree._Element, day: date) -> str:
    code = element.get("formatCode")
    if code == "102":
        return day.strftime("%Y%m%d")
    sample = element.text or ""
    zone = sample[14:] if len(sample) > 14 else "+0000"
    return day.strftime("%Y%m%d") + "010000" + zone


def _set_date(root: etree._Element, day: date, *names: str) -> None:
    for wrapper in _all(root, *names):
        for string in wrapper.iter("{*}DateTimeString"):
            string.text = _date_text(string, day)


def _goods(root: etree._Element, kilos: float, item: str) -> None:
    """Ammonium nitrate in the first goods item: description, commodity code, net mass."""
    first = next(iter(root.iter(f"{{*}}{item}")))
    for element in first.iter("{*}Description"):
        element.text = SUBSTANCE[0]
        break
    for row in first.iter("{*}Classification"):
        kind = row.find("{*}IdentificationTypeCode")
        if kind is None or (kind.text or "").strip() in ("TSP", "HS", "CN", "TAR"):
            code = row.find("{*}ID")
            if code is not None:
                code.text = SUBSTANCE[1]
            break
    for name, factor in (("NetNetWeightMeasure", 1.0), ("QuantityQuantity", 1.0),
                         ("GrossMassMeasure", 1.05)):
        for element in first.iter(f"{{*}}{name}"):
            if _local(element.getparent()) in ("GoodsMeasure", "Chemical"):
                element.text = f"{kilos * factor:.3f}"
                if element.get("unitCode") not in (None, "KGM"):
                    element.set("unitCode", "KGM")


def _containers(root: etree._Element, first: str) -> None:
    for n, element in enumerate(_all(root, "TransportEquipment", "ID")):
        element.text = first if n == 0 else \
            _container(first[:3] + "Z", int(first[4:10]) * 10 + n)


def _party_name(root: etree._Element, role: str, name: str) -> None:
    for party in root.iter(f"{{*}}{role}"):
        found = party.find("{*}Name")
        if found is None:
            found = etree.Element(etree.QName(party, "Name").text)
            party.insert(0, found)
        found.text = name


class _Variant:
    export_template: Path
    import_template: Path
    item = "GovernmentAgencyGoodsItem"
    export_xsd: tuple[str, ...] = ()
    import_xsd: tuple[str, ...] = ()

    def export(self, i: int, ref: str, consignee: str, exporter: str, kilos: float,
               dispatch: date, container: str) -> bytes:
        raise NotImplementedError

    def import_(self, i: int, ref: str, consignee: str, exporter: str, kilos: float,
                arrival: date, container: str) -> bytes:
        raise NotImplementedError

    def _import(self, ref: str, consignee: str, kilos: float, container: str,
                fill: Callable[[etree._Element], None]) -> bytes:
        """An import declaration from the template: reference, importer, containers and
        goods, then what the variant fills in."""
        root = etree.parse(str(self.import_template)).getroot()
        _set(root, ref, "Declaration", "FunctionalReferenceID")
        _party_name(root, "Importer", consignee)
        fill(root)
        _containers(root, container)
        _goods(root, kilos, self.item)
        return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


class UkCds(_Variant):
    def __init__(self, corpora: Path) -> None:
        base = corpora / "uk-cds"
        self.export_template = base / "messages/Exports/Accepted/Declaration/" \
            "TT1_EX_v2.02_Accepted.xml"
        self.import_template = base / "messages/Trade Test 4.2 Sample Messages/" \
            "TT4_2_TC007_FEC Check 1.xml"
        xsd = base / "xsd/declaration"
        self.export_xsd = (str(xsd / "DocumentMetaData_2_DMS.xsd"),
                           str(xsd / "WCO_DEC_2_DMS.xsd"))
        self.import_xsd = self.export_xsd

    def export(self, i: int, ref: str, consignee: str, exporter: str, kilos: float,
               dispatch: date, container: str) -> bytes:
        root = etree.parse(str(self.export_template)).getroot()
        _set(root, ref, "Declaration", "FunctionalReferenceID")
        _set(root, f"GB{100000000000 + i}", "Exporter", "ID")
        _party_name(root, "Consignee", consignee)
        _set_date(root, dispatch, "AcceptanceDateTime")
        _containers(root, container)
        _goods(root, kilos, self.item)
        return etree.tostring(root, xml_declaration=True, encoding="UTF-8")

    def import_(self, i: int, ref: str, consignee: str, exporter: str, kilos: float,
                arrival: date, container: str) -> bytes:
        def fill(root: etree._Element) -> None:
            _set(root, "US", "Destination", "CountryCode")  # the export template's
            _set_date(root, arrival, "AcceptanceDateTime")

        return self._import(ref, consignee, kilos, container, fill)


class Bundled(_Variant):
    def __init__(self) -> None:
        self.export_template = ROOT / "fixtures/precursor/valid/" \
            "hydrogen-peroxide-arrived-nl-ma.xml"
        self.import_template = ROOT / "fixtures/declaration/valid/import-de-sea-containers.xml"

    def export(self, i: int, ref: str, consignee: str, exporter: str, kilos: float,
               dispatch: date, container: str) -> bytes:
        root = etree.parse(str(self.export_template)).getroot()
        for update in root.findall("{*}StatusUpdate"):
            root.remove(update)
        _set(root, "NOT", "PrecursorNotification", "StatusCode")
        _set(root, ref, "PrecursorNotification", "ID")
        _set(root, "DE", "Route", "DestinationCountryCode")
        _set(root, f"TD-{ref}", "TransportDocument", "ID")
        _party_name(root, "Consignee", consignee)
        _party_name(root, "Importer", consignee)
        _party_name(root, "Exporter", exporter)
        _set_date(root, dispatch, "DispatchDateTime")
        _set_date(root, dispatch + timedelta(days=6), "ExpectedArrivalDateTime")
        _containers(root, container)
        chemical = root.find("{*}Chemical")
        assert chemical is not None
        for name, value in (("CASRNID", "6484-52-2"), ("Name", "Ammonium nitrate"),
                            ("Description", SUBSTANCE[0]), ("UNDGID", "1942")):
            found = chemical.find(f"{{*}}{name}")
            if found is not None:
                found.text = value
        conc = chemical.find("{*}ConcentrationMeasure")
        if conc is not None:
            chemical.remove(conc)
        _set(chemical, "310230", "Classification", "ID")
        _set(chemical, f"{kilos / 1000:.3f}", "Chemical", "QuantityQuantity")
        _set(chemical, f"{kilos * 1.02:.3f}", "Chemical", "GrossMassMeasure")
        return etree.tostring(root, xml_declaration=True, encoding="UTF-8")

    def import_(self, i: int, ref: str, consignee: str, exporter: str, kilos: float,
                arrival: date, container: str) -> bytes:
        def fill(root: etree._Element) -> None:
            _party_name(root, "Consignee", consignee)
            _party_name(root, "Exporter", exporter)
            _party_name(root, "Consignor", exporter)
            _set_date(root, arrival, "IssueDateTime")

        return self._import(ref, consignee, kilos, container, fill)


def _container(owner: str, number: int) -> str:
    """An ISO 6346 container number with its check digit."""
    from stdnum import iso6346

    body = f"{owner}{number % 1000000:06d}"
    return body + iso6346.calc_check_digit(body)


def build(out: Path, *, variant: str = "bundled", shipments: int = 40, seed: int = 7,
          corpora: Path = CORPORA, translate: bool = False) -> Scenario:
    """Write a scenario under ``out`` (``exports/``, ``imports/``) and return its labels."""
    rng = random.Random(seed)
    maker: _Variant = UkCds(corpora) if variant == "uk-cds" else Bundled()
    scenario = Scenario(export_xsd=maker.export_xsd, import_xsd=maker.import_xsd)
    (out / "exports").mkdir(parents=True, exist_ok=True)
    (out / "imports").mkdir(parents=True, exist_ok=True)
    labels = [label for label, rate in RATES.items() for _ in range(round(rate * shipments))]
    labels += ["clean"] * (shipments - len(labels))
    rng.shuffle(labels)
    imports: list[tuple[str, bytes]] = []
    for i, label in enumerate(labels):
        ref = f"RC{seed:02d}X{i:05d}"
        consignee = f"Kivu Agro Inputs {i} SARL"
        exporter = f"Thames Fertilisers {i} Ltd"
        container = _container("TCNU", i)
        kilos = float(rng.choice((2500, 5000, 12000, 24000)))
        dispatch = AS_OF - timedelta(days=rng.randint(40, 90))
        if label == "open":
            dispatch = AS_OF - timedelta(days=rng.randint(1, 10))
        arrival = dispatch + timedelta(days=rng.randint(3, 20))
        name = f"export-{i:05d}.xml"
        scenario.labels[name] = label
        (out / "exports" / name).write_bytes(maker.export(i, ref, consignee, exporter, kilos,
                                                         dispatch, container))
        if label in ("never", "open"):
            continue
        got, to, box = kilos, consignee, container
        if label == "within":
            got = kilos * rng.choice((0.98, 1.02, 0.97))
        elif label == "short":
            got = kilos * (1 - rng.choice((0.1, 0.2, 0.5)))
        elif label == "consignee":
            to = f"Lakeside Mining {i} Ltd"
        elif label == "fallback":
            box = _container("MSCU", i)
        elif label == "late":
            arrival = dispatch + timedelta(days=rng.randint(45, 60))
        iname = f"import-{i:05d}.xml"
        scenario.labels[iname] = label
        imports.append((iname, maker.import_(i, f"IM{ref}", to, exporter, got, arrival, box)))
    for k in range(round(UNANNOUNCED_RATE * shipments)):
        j = 90000 + k
        iname = f"import-u{k:04d}.xml"
        scenario.labels[iname] = "unannounced"
        imports.append((iname, maker.import_(j, f"UN{seed:02d}X{k:05d}",
                                             f"Unknown Buyer {j} SA", f"Nobody {j} Ltd",
                                             3000.0, AS_OF - timedelta(days=20),
                                             _container("UNKU", k))))
    if translate:
        imports, scenario.import_xsd = _translated(imports, maker, corpora)
    for iname, data in imports:
        (out / "imports" / iname).write_bytes(data)
    scenario.exports = sorted((out / "exports").glob("*.xml"))
    scenario.imports = sorted((out / "imports").glob("*.xml"))
    return scenario


def _translated(imports: list[tuple[str, bytes]], maker: _Variant, corpora: Path
                ) -> tuple[list[tuple[str, bytes]], tuple[str, ...]]:
    """The import side carried into UK CDS 2.12 with ``tradestd.translate``."""
    import tradestd

    xsd = corpora / "uk-cds-2.12" / "xsd" / "declaration"
    target = (str(xsd / "DocumentMetaData_2_DMS.xsd"), str(xsd / "WCO_DEC_2_DMS.xsd"))
    v23 = tradestd.load_schema_set(list(maker.import_xsd))
    v212 = tradestd.load_schema_set(list(target))
    out = []
    for iname, data in imports:
        done = tradestd.translate(data, v23, v212)
        if done.xml is None or not done.valid:
            raise RuntimeError(f"{iname} could not be carried into UK CDS 2.12")
        out.append((iname, done.xml))
    return out, target


#: What the reconciliation must say for each injected label.
def predicted(item: dict[str, Any]) -> str:
    """The label a shipment's outcome stands for."""
    status = item["status"]
    fields = {d["field"] for d in item["discrepancies"]}
    how = {i["matched_by"]["method"] for i in item["imports"]}
    if status == "overdue":
        return "never"
    if status == "pending":
        return "open"
    if status == "discrepancy":
        return "consignee" if fields == {"consignee"} else "short"
    if "late" in item["reason"]:
        return "late"
    if how == {"fallback"}:
        return "fallback"
    return "clean"


def evaluate(scenario: Scenario, result: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """Precision and recall per injected label (``clean`` and ``within`` must be clean)."""
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        from screen_labelled import Score  # precision and recall, one definition
    finally:
        sys.path.remove(str(ROOT / "scripts"))
    scores: dict[str, Score] = {}
    misses = []
    pairs = []
    for item in result["shipments"]:
        truth = scenario.labels[Path(item["export"]["file"]).name]
        pairs.append((truth if truth != "within" else "clean", predicted(item)))
    for item in result["unannounced"]:
        pairs.append((scenario.labels[Path(item["file"]).name], "unannounced"))
    for truth, said in pairs:
        for label in {truth, said}:
            score = scores.setdefault(label, Score())
            if truth == label == said:
                score.tp += 1
            elif said == label:
                score.fp += 1
            else:
                score.fn += 1
        if truth != said:
            misses.append(f"{truth} reported as {said}")
    return scores, misses


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--variant", choices=("bundled", "uk-cds"), default="bundled")
    parser.add_argument("--shipments", type=int, default=60)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--no-translate", action="store_true",
                        help="uk-cds: keep the import side in UK CDS 2.3")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    from tradestd.reconcile import ReconcileOptions, reconcile

    scenario = build(args.out, variant=args.variant, shipments=args.shipments, seed=args.seed,
                     translate=args.variant == "uk-cds" and not args.no_translate)
    result = reconcile(scenario.exports, scenario.imports,
                       ReconcileOptions(as_of=AS_OF, export_xsd=scenario.export_xsd,
                                        import_xsd=scenario.import_xsd)).to_dict()
    scores, misses = evaluate(scenario, result)
    print(f"{args.variant}: {len(scenario.exports)} exports, {len(scenario.imports)} imports;"
          f" summary {result['summary']}")
    for label, score in sorted(scores.items()):
        print(f"  {label:<12} tp {score.tp:>3} fp {score.fp:>3} fn {score.fn:>3}  "
              f"precision {score.precision:.2f} recall {score.recall:.2f}")
    for miss in Counter(misses).most_common():
        print(f"  miss: {miss[0]} x{miss[1]}")
    return 1 if misses else 0


if __name__ == "__main__":
    sys.exit(main())
