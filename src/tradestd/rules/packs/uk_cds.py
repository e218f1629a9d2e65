"""The UK Customs Declaration Service's own conventions for declarations: pack ``uk-cds``.

Conventions of the UK's national WCO DM implementation (CDS, schemas 2.x) that other
customs systems, EU member states included, do not share. They hold on HMRC's accepted
declarations (``../shared/corpora/uk-cds``, ``uk-cds-2.12``; docs/rules.md gives the figures):

* declarations are originals (FunctionCode 9, TypeCode ``IM``/``EX``/``CO`` plus the
  additional declaration type letter) or requests on a lodged declaration (FunctionCode 13:
  ``COR`` amendment, ``INV`` cancellation, ``GPR`` goods presentation / arrival);
* an original declaration names its ``Declarant`` (D.E. 3/17-3/18); requests do not, the
  submitter's credentials say who sends them;
* tariff classification rows are told apart by HMRC's commodity classification types:
  ``TSP`` combined nomenclature code (8 digits, also 6 or 10), ``TRC`` TARIC code (2
  digits), ``TRA`` TARIC additional code (4 characters); a goods item gives at most one
  ``TSP`` row, and an import item that is classified at all exactly one (exports and some
  import types, IMJ/IMK/IMQ, may give no commodity code).

Run it on a CDS schema with ``--rules uk-cds``. tradestd's bundled declaration type uses the
same type and classification codes and runs this pack too.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..codelists import identifiers
from ..engine import Finding, rule
from ..view import MessageView, child, child_text, children, either, text
from .declaration import ORIGINAL, goods_items

PACK_ID = "uk-cds"
PACK_VERSION = "1.0.0"
PACK_EFFECTIVE_FROM = "2026-12-07"
PACK_TITLE = "UK CDS declaration conventions (HMRC's national WCO DM implementation)"

#: Shape of a Classification ID by its IdentificationTypeCode (HMRC's commodity
#: classification types): TSP combined nomenclature code (8 digits; HMRC's accepted
#: declarations also give the HS subheading, 6 digits, or the full 10-digit commodity
#: code), TRC TARIC code (2 digits), TRA TARIC additional code (4 characters).
CLASSIFICATION_SHAPES = {"TSP": re.compile(r"^\d{6}(?:\d{2}){0,2}$"), "TRC": re.compile(r"^\d{2}$"),
                         "TRA": re.compile(r"^[A-Z0-9]{4}$")}
#: TypeCode by FunctionCode: originals IM/EX/CO plus the additional declaration type letter;
#: requests COR (amendment), INV (cancellation), GPR (goods presentation, arrival).
_TYPE_BY_FUNCTION = {"9": re.compile(r"^(IM|EX|CO)[A-Z]$"),
                     "13": re.compile(r"^(COR|INV|GPR)$")}
#: Combined Nomenclature chapters beyond the HS: 98 (complete industrial plant) and 99
#: (special codes, e.g. 9950 00 00 low-value consignments), Regulation (EEC) 2658/87
#: Annex I Part Two, kept in the UK tariff.
CN_SPECIAL_CHAPTERS = ("98", "99")


@rule("DEC-PARTY-001", "error", "An original declaration names its declarant",
      families=["declaration"], function_codes=ORIGINAL)
def declarant_present(msg: MessageView) -> Iterator[Finding]:
    """An original declaration (FunctionCode 9) has a ``Declarant``. Amendment,
    cancellation and goods presentation requests (FunctionCode 13) need none."""
    if child(msg.payload, "Declarant") is None:
        yield Finding(msg.payload, "the original declaration (FunctionCode 9) has no "
                      "Declarant")


@rule("DEC-CLS-001", "error", "Classification codes have the shape their type demands",
      families=["declaration"],
      needs=["Classification"])
def classification_shape(msg: MessageView) -> Iterator[Finding]:
    """TSP is a commodity code of 6, 8 or 10 digits (HS subheading, Combined Nomenclature,
    UK commodity code) in an existing HS chapter (or CN chapter 98/99), TRC 2 digits, TRA 4
    characters."""
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
        elif (kind == "TSP" and not value.startswith(CN_SPECIAL_CHAPTERS)
              and (problem := identifiers.hs_code(value, 6))):
            yield Finding(id_el, f"Classification TSP {value!r}: {problem}")


@rule("DEC-CLS-002", "error", "A goods item has at most one TSP tariff classification, and "
      "a classified import item exactly one",
      families=["declaration"], function_codes=ORIGINAL,
      needs=["GovernmentAgencyGoodsItem"])
def one_tariff_code(msg: MessageView) -> Iterator[Finding]:
    """A ``GovernmentAgencyGoodsItem`` has at most one ``Classification`` of type TSP. An
    import item (TypeCode IM*) that classifies its goods at all has exactly one: its other
    rows (TARIC, additional and national codes) complete the TSP code. Items without any
    Classification are those of declaration types that need no commodity code (HMRC's
    accepted IMJ, IMK, IMQ declarations; simplified and other exports)."""
    importing = (msg.type_code or "").startswith("IM")
    for item in goods_items(msg):
        commodity = child(item, "Commodity")
        rows = children(commodity, "Classification") if commodity is not None else []
        tariff = [r for r in rows if text(child(r, "IdentificationTypeCode")) == "TSP"]
        if len(tariff) > 1 or (importing and rows and not tariff):
            number = child_text(item, "SequenceNumeric") or "without a SequenceNumeric"
            wanted = "1" if importing else "at most 1"
            yield Finding(item, f"goods item {number} has {len(tariff)} TSP Classification "
                          f"rows, not {wanted}")


@rule("DEC-TYPE-001", "error", "TypeCode fits the FunctionCode", families=["declaration"])
def type_fits_function(msg: MessageView) -> Iterator[Finding]:
    """FunctionCode 9 takes IM/EX/CO plus a letter; 13 takes COR (amendment), INV
    (cancellation) or GPR (goods presentation)."""
    pattern = _TYPE_BY_FUNCTION.get(msg.function_code or "")
    type_el = child(msg.payload, "TypeCode")
    if pattern is None:
        written = (f"FunctionCode {msg.function_code}" if msg.function_code
                   else "The declaration has no FunctionCode; it")
        yield Finding(either(child(msg.payload, "FunctionCode"), msg.payload),
                      f"{written} is neither 9 (original) nor 13 (amendment, cancellation "
                      "or goods presentation request)")
    elif type_el is None or not pattern.match(msg.type_code or ""):
        written = f"TypeCode {msg.type_code}" if msg.type_code else "A missing TypeCode"
        yield Finding(either(type_el, msg.payload),
                      f"{written} does not fit FunctionCode {msg.function_code}: expected "
                      f"{pattern.pattern}")
