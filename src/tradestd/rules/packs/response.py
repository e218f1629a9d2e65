"""Response / notification rules (RES): function codes, errors, pointers, dates, references.

Like the ``wco`` pack, this pack reports what is wrong in any WCO DM implementation, never a
national choice (an error cited only by its validation code is normal: the national code
list describes it).
"""

from __future__ import annotations

from collections.abc import Iterator

from lxml import etree

from ..engine import Finding, rule
from ..values import wco_datetime
from ..view import MessageView, child, child_text, children, either, text
from ..wcoids import ChainProblem, chain_problem

PACK_ID = "response"
PACK_VERSION = "1.2.0"
PACK_EFFECTIVE_FROM = "2026-12-06"
PACK_TITLE = "WCO response / notification rules"

#: Response FunctionCodes tradestd knows (docs/messages/response.md).
FUNCTION_CODES = {"01": "accepted", "02": "received", "03": "rejected",
                  "05": "selected for inspection", "08": "may be released", "09": "cleared",
                  "10": "invalidated", "16": "goods exited", "51": "referral",
                  "52": "do not load"}
#: Codes that mean customs has accepted the declaration, so its MRN exists.
AFTER_ACCEPTANCE = ["01", "05", "08", "09", "10", "16"]
FAMILY = ["response"]


def _declaration(msg: MessageView) -> etree._Element | None:
    return child(msg.payload, "Declaration")


@rule("RES-FUNC-001", "warning", "FunctionCode is a known response code", families=FAMILY)
def known_function(msg: MessageView) -> Iterator[Finding]:
    """FunctionCode is one of 01 02 03 05 08 09 10 16 51 52."""
    code_el = child(msg.payload, "FunctionCode")
    if code_el is not None and msg.function_code not in FUNCTION_CODES:
        shown = repr(msg.function_code) if msg.function_code else "(empty)"
        yield Finding(code_el, f"FunctionCode {shown} is not a known response code "
                      f"({', '.join(FUNCTION_CODES)})")


@rule("RES-ERR-001", "error", "A rejection says what is wrong", families=FAMILY,
      function_codes=["03"])
def rejection_has_errors(msg: MessageView) -> Iterator[Finding]:
    """FunctionCode 03 (rejected) carries at least one ``Error``."""
    if not children(msg.payload, "Error"):
        yield Finding(msg.payload, "FunctionCode 03 (rejected) but no Error says why")


@rule("RES-ERR-002", "info", "An error is described or located", families=FAMILY,
      needs=["Error"])
def error_explained(msg: MessageView) -> Iterator[Finding]:
    """Each ``Error`` has a ``Description`` or a ``Pointer`` chain besides its code. Citing the
    ``ValidationCode`` alone is normal (the national code list describes it: CDS
    ``DMS10001``), so this is information only."""
    for error in children(msg.payload, "Error"):
        if not text(child(error, "Description")) and child(error, "Pointer") is None:
            yield Finding(error, f"Error {child_text(error, 'ValidationCode') or '(empty)'}"
                                 " has neither a "
                          "Description nor a Pointer")


@rule("RES-PTR-001", "error", "Pointer chains name WCO IDs the schema set has",
      families=FAMILY, needs=["Pointer"])
def pointer_resolves(msg: MessageView) -> Iterator[Finding]:
    """Each ``Error``'s ``Pointer`` chain names classes and a TagID that exist in the WCO ID
    table of the message it points into (42A Declaration -> 67A GoodsShipment -> 68A ...)."""
    for pointers, problem in _chain_problems(msg):
        if not problem.misplaced:
            yield Finding(pointers[0], problem.message)


@rule("RES-PTR-002", "warning", "Pointer chains follow the nesting of the schema set",
      families=FAMILY, needs=["Pointer"])
def pointer_nesting(msg: MessageView) -> Iterator[Finding]:
    """A chain whose IDs all exist, but nested otherwise than in the schema set in use
    (a national system pointing by another version of the model): the target cannot be
    located, yet the chain names real elements. A warning, since real national
    notifications do it (uk-cds: ``42A -> 67A -> 56A TagID G005``)."""
    for pointers, problem in _chain_problems(msg):
        if problem.misplaced:
            yield Finding(pointers[0], problem.message)


def _chain_problems(msg: MessageView) -> list[tuple[list[etree._Element], ChainProblem]]:
    def compute(view: MessageView) -> list[tuple[list[etree._Element], ChainProblem]]:
        found = []
        for error in children(view.payload, "Error"):
            pointers = children(error, "Pointer")
            problem = chain_problem(pointers, view.schema_set) if pointers else None
            if problem is not None:
                found.append((pointers, problem))
        return found
    return msg.memo("response.chain_problems", compute)


@rule("RES-DATE-001", "error", "A response is not issued before what it reports", families=FAMILY,
      needs=["IssueDateTime"])
def issued_after_decision(msg: MessageView) -> Iterator[Finding]:
    """``IssueDateTime`` >= the declaration's ``AcceptanceDateTime`` and ``RejectionDateTime``."""
    issued_el = child(msg.payload, "IssueDateTime")
    issued = wco_datetime(issued_el)
    declaration = _declaration(msg)
    if issued is None or declaration is None:
        return
    for name in ("AcceptanceDateTime", "RejectionDateTime"):
        moment = wco_datetime(child(declaration, name))
        if moment is not None and moment > issued:
            yield Finding(either(issued_el, msg.payload),
                          f"the response is issued at {issued.isoformat()} but reports "
                          f"Declaration/{name} {moment.isoformat()}, which is later")


@rule("RES-ACC-001", "error", "An acceptance carries its acceptance date", families=FAMILY,
      function_codes=["01"])
def acceptance_dated(msg: MessageView) -> Iterator[Finding]:
    """FunctionCode 01 (accepted) has ``Declaration/AcceptanceDateTime``."""
    declaration = _declaration(msg)
    if declaration is None or child(declaration, "AcceptanceDateTime") is None:
        yield Finding(either(declaration, msg.payload), "FunctionCode 01 (accepted) but no "
                      "Declaration/AcceptanceDateTime")


@rule("RES-ACC-002", "error", "A rejection carries its rejection date and no acceptance",
      families=FAMILY, function_codes=["03"])
def rejection_dated(msg: MessageView) -> Iterator[Finding]:
    """FunctionCode 03 (rejected) has ``RejectionDateTime`` and no ``AcceptanceDateTime``."""
    declaration = _declaration(msg)
    if declaration is None or child(declaration, "RejectionDateTime") is None:
        yield Finding(either(declaration, msg.payload), "FunctionCode 03 (rejected) but no "
                      "Declaration/RejectionDateTime")
    elif (accepted := child(declaration, "AcceptanceDateTime")) is not None:
        yield Finding(accepted, "FunctionCode 03 (rejected) but the declaration has an "
                      "AcceptanceDateTime")


@rule("RES-REF-001", "error", "A response names the declaration it is about", families=FAMILY)
def names_declaration(msg: MessageView) -> Iterator[Finding]:
    """``Declaration`` has an ``ID`` (MRN) or a ``FunctionalReferenceID`` (LRN)."""
    declaration = _declaration(msg)
    if declaration is None or not (text(child(declaration, "ID"))
                                   or text(child(declaration, "FunctionalReferenceID"))):
        yield Finding(either(declaration, msg.payload), "the response names no declaration "
                      "(Declaration/ID or Declaration/FunctionalReferenceID)")


@rule("RES-MRN-001", "error", "After acceptance the response gives the MRN", families=FAMILY,
      function_codes=AFTER_ACCEPTANCE)
def mrn_after_acceptance(msg: MessageView) -> Iterator[Finding]:
    """Codes 01 05 08 09 10 16 follow acceptance, so ``Declaration/ID`` (MRN) is known."""
    declaration = _declaration(msg)
    if declaration is None or not text(child(declaration, "ID")):
        meaning = FUNCTION_CODES.get(msg.function_code or "", "")
        yield Finding(either(declaration, msg.payload), f"FunctionCode {msg.function_code} "
                      f"({meaning}) comes after acceptance but Declaration/ID (MRN) is missing")
