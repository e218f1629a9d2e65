"""What the EU Union Customs Code requires of every member state's declarations: pack ``eu-ucc``.

Only requirements of the Union Customs Code (Regulation (EU) No 952/2013), its Delegated and
Implementing Acts (Regulations (EU) 2015/2446, Annex B, and 2015/2447) and the EU Customs
Data Model that hold in every member state, scoped by message function (``FunctionCode``)
and declaration category (``TypeCode``, data element 1/1):

* a customs declaration (FunctionCode 9) of an export (``EX``) or import (``IM``) category
  identifies the exporter (D.E. 3/1-3/2) or importer (D.E. 3/15-3/16); where the person
  lodges its own declaration it is the declarant (UCC Art. 5(15)), and the declarant's data
  (D.E. 3/17-3/18) identify it;
* each goods item of such a declaration requests one procedure (D.E. 1/10: two 2-digit
  codes, the requested and the previous procedure);
* trader IDs are EORI numbers (UCC Art. 9; D.E. 3/2, 3/16, 3/18, 3/20), as a warning.

How a member state maps the rest onto WCO DM is its own choice, and the accepted
declarations of national systems show it: amendment, cancellation and goods presentation
messages (FunctionCode 13) that name no declarant, the tariff classification type codes
(``TSP``/``TRC``/``TRA``), the combinations of FunctionCode and TypeCode (``COR``, ``INV``,
``GPR``). Those conventions are in the national pack (``uk-cds`` for the UK's CDS), not here.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..codelists import identifiers
from ..engine import Finding, rule
from ..view import MessageView, child, child_text, children, text
from .declaration import ORIGINAL, goods_items

PACK_ID = "eu-ucc"
PACK_VERSION = "2.0.0"
PACK_EFFECTIVE_FROM = "2026-12-07"
PACK_TITLE = "EU Union Customs Code requirements every member state shares"

#: Parties whose ID is expected to be an EORI number.
EORI_PARTIES = ("Declarant", "Importer", "Exporter", "Agent")
#: Declaration categories (D.E. 1/1) that are customs declarations for export, import or
#: special fiscal territories: the Annex B columns B, C, H and I, which carry D.E. 1/10.
CUSTOMS_DECLARATIONS = ("IM", "EX", "CO")
_PROCEDURE = re.compile(r"^\d{2}$")


@rule("DEC-PARTY-002", "error", "An export declaration names the exporter or its declarant",
      families=["declaration"], function_codes=ORIGINAL, type_codes=["EX"])
def exporter_present(msg: MessageView) -> Iterator[Finding]:
    """Export declarations (TypeCode EX*) identify the exporter (D.E. 3/1-3/2): an
    ``Exporter``, or the ``Declarant`` of an exporter that lodges its own declaration."""
    yield from _party_for_type(msg, "Exporter", "an export")


@rule("DEC-PARTY-003", "error", "An import declaration names the importer or its declarant",
      families=["declaration"], function_codes=ORIGINAL, type_codes=["IM"])
def importer_present(msg: MessageView) -> Iterator[Finding]:
    """Import declarations (TypeCode IM*) identify the importer (D.E. 3/15-3/16): an
    ``Importer``, or the ``Declarant`` of an importer that lodges its own declaration."""
    yield from _party_for_type(msg, "Importer", "an import")


def _party_for_type(msg: MessageView, party: str, kind: str) -> Iterator[Finding]:
    if not msg.all(party) and not msg.all("Declarant"):
        yield Finding(msg.payload, f"TypeCode {msg.type_code} is {kind} declaration but it "
                      f"names neither the {party.lower()} ({party}) nor a Declarant")


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


@rule("DEC-PROC-001", "error", "Each goods item requests one procedure (two 2-digit codes)",
      families=["declaration"], function_codes=ORIGINAL, type_codes=CUSTOMS_DECLARATIONS,
      needs=["GovernmentAgencyGoodsItem"])
def requested_procedure(msg: MessageView) -> Iterator[Finding]:
    """One ``GovernmentProcedure`` per item has a 2-digit ``CurrentCode`` and a 2-digit
    ``PreviousCode`` (D.E. 1/10); further rows hold 3-character additional procedure codes
    (D.E. 1/11). Export, import and special fiscal territory declarations (TypeCode IM*,
    EX*, CO*) only: transit and summary declarations have no D.E. 1/10."""
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
