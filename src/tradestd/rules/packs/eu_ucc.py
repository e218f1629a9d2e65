"""EU Union Customs Code conventions for goods declarations (also the UK's CDS): pack ``eu-ucc``.

These rules were in the generic ``declaration`` pack until tradestd 2.0 of the packs. They
check choices the EU Union Customs Code data requirements (and the UK CDS, built on them)
make, not what WCO DM demands of every implementation: declaration type codes ``IM``/``EX``/
``CO`` plus a letter and ``COR``/``INV``, a requested procedure as two 2-digit codes, one
``TSP`` tariff classification per item and the ``TSP``/``TRC``/``TRA`` code shapes, the
declarant/exporter/importer a declaration must name, EORI trader IDs. tradestd's bundled
declaration type follows these conventions and runs this pack; run it on a national schema
with ``--rules eu-ucc`` where these conventions hold.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..codelists import identifiers
from ..engine import Finding, rule
from ..view import MessageView, child, child_text, children, either, text
from .declaration import ORIGINAL, goods_items

PACK_ID = "eu-ucc"
PACK_VERSION = "1.0.0"
PACK_EFFECTIVE_FROM = "2026-12-06"
PACK_TITLE = "EU Union Customs Code declaration conventions (EU member states, UK CDS)"

#: Parties whose ID is expected to be an EORI number.
EORI_PARTIES = ("Declarant", "Importer", "Exporter", "Agent")
#: Shape of a Classification ID by its IdentificationTypeCode (EU code lists):
#: TSP combined nomenclature (8 digits), TRC TARIC code (2 digits), TRA additional code.
CLASSIFICATION_SHAPES = {"TSP": re.compile(r"^\d{8}$"), "TRC": re.compile(r"^\d{2}$"),
                         "TRA": re.compile(r"^[A-Z0-9]{4}$")}
_TYPE_BY_FUNCTION = {"9": re.compile(r"^(IM|EX|CO)[A-Z]$"), "13": re.compile(r"^(COR|INV)$")}
_PROCEDURE = re.compile(r"^\d{2}$")


@rule("DEC-PARTY-001", "error", "A declaration names its declarant", families=["declaration"])
def declarant_present(msg: MessageView) -> Iterator[Finding]:
    """Every declaration, including amendment and cancellation requests, has a ``Declarant``."""
    if child(msg.payload, "Declarant") is None:
        yield Finding(msg.payload, "the declaration has no Declarant")


@rule("DEC-PARTY-002", "error", "An export declaration names the exporter",
      families=["declaration"], function_codes=ORIGINAL, type_codes=["EX"])
def exporter_present(msg: MessageView) -> Iterator[Finding]:
    """Export declarations (TypeCode EX*) have an ``Exporter``."""
    yield from _party_for_type(msg, "Exporter", "an export")


@rule("DEC-PARTY-003", "error", "An import declaration names the importer",
      families=["declaration"], function_codes=ORIGINAL, type_codes=["IM"])
def importer_present(msg: MessageView) -> Iterator[Finding]:
    """Import declarations (TypeCode IM*) have an ``Importer``."""
    yield from _party_for_type(msg, "Importer", "an import")


def _party_for_type(msg: MessageView, party: str, kind: str) -> Iterator[Finding]:
    if not msg.all(party):
        yield Finding(msg.payload, f"TypeCode {msg.type_code} is {kind} but the "
                      f"declaration has no {party}")


@rule("DEC-EORI-001", "warning", "Declarant, importer, exporter and agent IDs are EORI numbers",
      families=["declaration"],
      needs=EORI_PARTIES)
def eori_format(msg: MessageView) -> Iterator[Finding]:
    """Trader IDs follow the EORI format: a country code and up to 15 letters or digits."""
    for name in EORI_PARTIES:
        for party in msg.all(name):
            id_el = child(party, "ID")
            value = text(id_el)
            problem = identifiers.eori(value, msg.codes.countries.codes) if value else None
            if id_el is not None and problem:
                yield Finding(id_el, f"{name}/ID {value!r} is {problem}")



@rule("DEC-CLS-001", "error", "Classification codes have the shape their type demands",
      families=["declaration"],
      needs=["Classification"])
def classification_shape(msg: MessageView) -> Iterator[Finding]:
    """TSP is an 8-digit tariff code in an existing HS chapter, TRC 2 digits, TRA 4 characters."""
    for row in msg.all("Classification"):
        kind = text(child(row, "IdentificationTypeCode"))
        id_el = child(row, "ID")
        value = text(id_el)
        shape = CLASSIFICATION_SHAPES.get(kind or "")
        if id_el is None or value is None or shape is None:
            continue
        if not shape.match(value):
            yield Finding(id_el, f"Classification {kind} is {value!r}, which does not have "
                          f"the shape {shape.pattern}")
        elif kind == "TSP" and (problem := identifiers.hs_code(value, 8)):
            yield Finding(id_el, f"Classification TSP {value!r}: {problem}")


@rule("DEC-CLS-002", "error", "Every goods item has exactly one tariff classification",
      families=["declaration"], function_codes=ORIGINAL,
      needs=["GovernmentAgencyGoodsItem"])
def one_tariff_code(msg: MessageView) -> Iterator[Finding]:
    """Each ``GovernmentAgencyGoodsItem`` has one ``Classification`` of type TSP."""
    for item in goods_items(msg):
        commodity = child(item, "Commodity")
        rows = children(commodity, "Classification") if commodity is not None else []
        tariff = [r for r in rows if text(child(r, "IdentificationTypeCode")) == "TSP"]
        if len(tariff) != 1:
            yield Finding(item, "goods item "
                                f"{child_text(item, 'SequenceNumeric') or '(unnumbered)'}"
                                " has "
                          f"{len(tariff)} TSP Classification rows, not 1")


@rule("DEC-TYPE-001", "error", "TypeCode fits the FunctionCode", families=["declaration"])
def type_fits_function(msg: MessageView) -> Iterator[Finding]:
    """FunctionCode 9 takes IM/EX/CO plus a letter; 13 takes COR (amend) or INV (cancel)."""
    pattern = _TYPE_BY_FUNCTION.get(msg.function_code or "")
    type_el = child(msg.payload, "TypeCode")
    if pattern is None:
        yield Finding(either(child(msg.payload, "FunctionCode"), msg.payload),
                      "FunctionCode "
                      f"{repr(msg.function_code) if msg.function_code else '(missing)'} is "
                      "neither 9 (original) nor 13 (amendment or cancellation request)")
    elif type_el is None or not pattern.match(msg.type_code or ""):
        yield Finding(either(type_el, msg.payload),
                      f"TypeCode {repr(msg.type_code) if msg.type_code else '(missing)'} does "
                      f"not fit FunctionCode {msg.function_code}: expected {pattern.pattern}")



@rule("DEC-PROC-001", "error", "Each goods item requests one procedure (two 2-digit codes)",
      families=["declaration"], function_codes=ORIGINAL,
      needs=["GovernmentAgencyGoodsItem"])
def requested_procedure(msg: MessageView) -> Iterator[Finding]:
    """One ``GovernmentProcedure`` per item has a 2-digit ``CurrentCode`` and a 2-digit
    ``PreviousCode``; further rows hold 3-character additional procedure codes."""
    for item in goods_items(msg):
        rows = children(item, "GovernmentProcedure")
        main = [r for r in rows if _PROCEDURE.match(child_text(r, "CurrentCode") or "")]
        if len(main) != 1:
            yield Finding(item, "goods item "
                                f"{child_text(item, 'SequenceNumeric') or '(unnumbered)'}"
                                " has "
                          f"{len(main)} requested procedures (2-digit CurrentCode), not 1")
        elif not _PROCEDURE.match(child_text(main[0], "PreviousCode") or ""):
            yield Finding(main[0], "goods item "
                                   f"{child_text(item, 'SequenceNumeric') or '(unnumbered)'}"
                                   ": "
                          f"requested procedure {child_text(main[0], 'CurrentCode') or '(empty)'}"
                          " has no "
                          "2-digit PreviousCode")


