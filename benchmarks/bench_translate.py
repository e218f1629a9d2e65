"""Translation cost against validation, side by side in one run.

Usage (from the repository root)::

    PYTHONPATH=src python benchmarks/bench_translate.py [--docs 300] [--rounds 5]

Corpus: the valid UK CDS declarations (../shared/corpora/uk-cds, schema 2.3, envelope +
payload XSDs), each five times per round unless ``--docs`` says otherwise. Target schema
set: uk-cds-2.12 (envelope + payload). Contenders, interleaved on chunks of 20 messages and
timed in CPU time of this process (``realcorpus.interleaved``):

* ``validate``: ``SchemaSet.validate`` of each declaration under 2.3 (parse, XSD, report);
* ``two checks``: the floor any translation that checks its input and its result pays:
  ``SchemaSet.validate`` of the declaration under 2.3 and of its (precomputed) 2.12
  translation under 2.12;
* ``checks + build``: the floor of a translation built by Python over lxml: the two checks
  plus building the (precomputed) result element by element with ``etree.SubElement`` from
  an already parsed copy, without any plan logic;
* ``checks + xslt``: the same with the copy made by libxslt (an identity stylesheet in C),
  the other way to build a result;
* ``translate``: ``tradestd.translate`` 2.3 -> 2.12 (parse, XSD under 2.3, walk, build,
  serialize, XSD under 2.12 of the tree built, report of carried / not carried / needed).

The plan is built before timing (once per pair of schema sets). Target: translate costs at
most 2x validate (the ratio printed is validate rate / translate rate).
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

from lxml import etree

import tradestd
from tradestd.schemaset import load_schema_set

sys.path.insert(0, str(Path(__file__).resolve().parent))
from realcorpus import corpora_folder, declarations, interleaved, median_ratio

TARGET = 2.0


IDENTITY = b"""<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
<xsl:template match="@*|node()"><xsl:copy><xsl:apply-templates select="@*|node()"/></xsl:copy>
</xsl:template></xsl:stylesheet>"""


def _copy(source: etree._Element) -> etree._Element:
    """The element rebuilt one element at a time (the least a Python builder does)."""
    root = etree.Element(source.tag, source.attrib, nsmap=source.nsmap)
    pending = [(source, root)]
    while pending:
        old, new = pending.pop()
        for child in old:
            if not isinstance(child.tag, str):
                continue
            made = etree.SubElement(new, child.tag, child.attrib)
            if len(child):
                pending.append((child, made))
            else:
                made.text = child.text
    return root


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=None)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args(argv)
    corpus, xsd = declarations("uk-cds", args.docs)
    folder = corpora_folder() / "uk-cds-2.12" / "xsd" / "declaration"
    source = load_schema_set(xsd)
    target = load_schema_set([folder / "DocumentMetaData_2_DMS.xsd",
                              folder / "WCO_DEC_2_DMS.xsd"])
    source.translation_plan(target)
    first = tradestd.translate(corpus[0], source, target)
    if not first.valid:
        raise SystemExit("the first declaration does not translate to a valid 2.12 message")

    def validate(part: list[bytes]) -> None:
        for doc in part:
            source.validate(doc)

    def translate(part: list[bytes]) -> None:
        for doc in part:
            tradestd.translate(doc, source, target)

    results = {doc: tradestd.translate(doc, source, target).xml or b"" for doc in set(corpus)}

    def two_checks(part: list[bytes]) -> None:
        for doc in part:
            source.validate(doc)
            target.validate(results[doc])

    trees = {doc: etree.fromstring(result) for doc, result in results.items()}

    def checks_and_build(part: list[bytes]) -> None:
        for doc in part:
            source.validate(doc)
            _copy(trees[doc])
            target.validate(results[doc])

    identity = etree.XSLT(etree.XML(IDENTITY))

    def checks_and_xslt(part: list[bytes]) -> None:
        for doc in part:
            source.validate(doc)
            identity(trees[doc])
            target.validate(results[doc])

    contenders = {"validate": validate, "two checks": two_checks,
                  "checks + build": checks_and_build, "checks + xslt": checks_and_xslt,
                  "translate": translate}
    rounds = interleaved(contenders, corpus, args.rounds)
    ratios = [r["validate"] / r["translate"] for r in rounds]
    size = sum(map(len, corpus)) / len(corpus)
    print(f"{len(corpus)} uk-cds declarations ({size / 1024:.1f} KB average), "
          f"{args.rounds} rounds, CPU time")
    for name in contenders:
        rates = [r[name] for r in rounds]
        cost = median_ratio([r["validate"] / r[name] for r in rounds])
        print(f"  {name:<15} {statistics.median(rates):8.1f} msg/s "
              f"({1000 / statistics.median(rates):.2f} ms/msg), {cost} validate")
    floor = [r["validate"] / r["two checks"] for r in rounds]
    print(f"two checks / validate cost (the floor): {median_ratio(floor)}")
    print(f"translate / validate cost: {median_ratio(ratios)}; target <= {TARGET:.1f}x: "
          f"{'met' if statistics.median(ratios) <= TARGET else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
