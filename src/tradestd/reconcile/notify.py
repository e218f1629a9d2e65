"""Follow-up drafts for ``tradestd reconcile --notify-dir``: status and enquiry messages.

For each shipment in discrepancy or overdue, a new version of the bundled precursor
notice (``wco-precursor``: same ``ID``, ``VersionID`` raised, ``FunctionCode`` 5, as
docs/messages/precursor.md prescribes for follow-ups):

* **discrepancy** -> a *status message*: a ``StatusUpdate`` ``ARR`` (arrived) at the
  arrival date and destination, whose ``Description`` states the discrepancies (preceded
  by ``TRN`` when the lifecycle needs it: the goods left, since they arrived);
* **overdue** -> an *enquiry*: a ``StatusUpdate`` without a status code (the lifecycle is
  not changed by asking), dated now, whose ``Description`` asks the destination
  administration to confirm the arrival or the whereabouts.

The notice is the exported notification itself; for an export declaration, the
notification ``tradestd screen --notify-dir`` would draft from it. Every draft goes
through :func:`tradestd.screen.drafts.validated_draft` (all layers of validate).
"""

from __future__ import annotations

import copy
import re
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from lxml import etree

from ..atomicfile import write_atomic
from ..intake import load_xml
from ..issues import Issue, Layer, Severity
from ..rules.packs.precursor import TRANSITIONS
from ..rules.view import local
from ..screen import Screener
from ..screen.drafts import NS, Draft, draft_notification, validated_draft
from ..screen.watchlist import load_watchlist
from .core import Item, Reconciliation, describe

__all__ = ["draft_follow_up", "write_follow_ups"]

_AFTER_UPDATES = ("Transport",)
_MAX_DESCRIPTION = 512


def _q(name: str) -> str:
    return f"{{{NS}}}{name}"


def _base(item: Item, watchlists: Sequence[str], bundled: bool
          ) -> tuple[etree._Element | None, list[str]]:
    """The notice to follow up: the exported notification, or one drafted from the
    declaration (its facts to complete are kept)."""
    export = item.export
    if export.kind == "notification":
        doc = load_xml(export.file)
        if doc.root is None:
            return None, [f"{export.file}: the notification can no longer be read"]
        notice = next(iter(doc.root.iter(_q("PrecursorNotification"))), None)
        if notice is None:
            return None, [f"{export.file}: no PrecursorNotification in it"]
        return _bare(copy.deepcopy(notice)), []
    screener = Screener(load_watchlist(list(watchlists), bundled=bundled))
    draft = draft_notification(screener.screen(export.file))
    if draft is None:
        return None, [f"{export.file}: no alert to draft a notice from"]
    drafted = load_xml(draft.xml).root
    if drafted is None:  # the tool's own output: always readable
        return None, [f"{export.file}: the drafted notice cannot be read"]
    return _bare(drafted), list(draft.placeholders)


def _bare(root: etree._Element) -> etree._Element:
    """Without the layout white space, so that the draft is indented afresh."""
    for element in root.iter():
        if element.text is not None and not element.text.strip():
            element.text = None
        if element.tail is not None and not element.tail.strip():
            element.tail = None
    return root


def _set(root: etree._Element, name: str, value: str) -> None:
    element = root.find(_q(name))
    if element is not None:
        element.text = value


def _update(root: etree._Element, code: str | None, when: datetime, description: str,
            country: str | None) -> None:
    updates = root.findall(_q("StatusUpdate"))
    update = etree.Element(_q("StatusUpdate"))
    if description:
        etree.SubElement(update, _q("Description")).text = description[:_MAX_DESCRIPTION]
    moment = etree.SubElement(update, _q("EffectiveDateTime"))
    etree.SubElement(moment, _q("DateTimeString"), formatCode="304").text = \
        when.strftime("%Y%m%d%H%M%S") + "+0000"
    etree.SubElement(update, _q("SequenceNumeric")).text = str(len(updates) + 1)
    if code:
        etree.SubElement(update, _q("StatusCode")).text = code
    if country:
        etree.SubElement(etree.SubElement(update, _q("Location")), _q("CountryCode")).text = \
            country
    anchor = updates[-1] if updates else None
    after = next((c for c in root if local(c) in _AFTER_UPDATES), None)
    if anchor is not None:
        anchor.addnext(update)
    elif after is not None:
        after.addprevious(update)
    else:
        root.append(update)
    if code:
        _set(root, "StatusCode", code)


def _current(root: etree._Element) -> str:
    codes = [c.text for u in root.findall(_q("StatusUpdate"))
             if (c := u.find(_q("StatusCode"))) is not None and c.text]
    return codes[-1] if codes else "NOT"


def draft_follow_up(item: Item, rec: Reconciliation, now: datetime | None = None,
                    watchlists: Sequence[str] = (), bundled: bool = True) -> Draft | None:
    """The status (discrepancy) or enquiry (overdue) draft for one shipment."""
    if item.status not in ("discrepancy", "overdue"):
        return None
    root, todo = _base(item, watchlists, bundled)
    if root is None:  # nothing to follow up: said, never passed off as a draft
        problem = Issue("RECONCILE_NO_NOTICE", Severity.ERROR, Layer.SYNTAX,
                        f"no follow-up could be drafted: {todo[-1]}")
        return Draft(item.export.file, None, b"", todo, (problem,))
    now = now or datetime.now(UTC)
    version = root.findtext(_q("VersionID")) or "1"
    _set(root, "VersionID", str(int(version) + 1) if version.isdigit() else "2")
    _set(root, "FunctionCode", "5")
    issued = root.find(_q("IssueDateTime"))
    if issued is not None:
        string = issued.find(_q("DateTimeString"))
        if string is not None:
            string.set("formatCode", "304")
            string.text = now.strftime("%Y%m%d%H%M%S") + "+0000"
    destination = item.export.fact("destination_country")
    country = destination.value if destination else None
    if item.status == "overdue":
        text = (f"ENQUIRY: no arrival of this shipment was recorded by "
                f"{rec.as_of.isoformat()}. {item.reason[:1].upper()}{item.reason[1:]}. "
                "Please confirm its arrival or its whereabouts.")
        _update(root, None, now, text, country)
        todo.append("StatusUpdate (enquiry): to be answered by the destination "
                    "administration")
    else:
        arrival = max((d.value for s, _ in item.imports if (d := s.arrival_date)),
                      default=None)
        when = datetime.fromisoformat(arrival).replace(tzinfo=UTC) if arrival else now
        said = "; ".join(describe(d) for d in item.discrepancies)
        current = _current(root)
        if "ARR" not in TRANSITIONS.get(current, set()) and current != "ARR":
            start = item.export.start_date
            left = datetime.fromisoformat(start.value).replace(tzinfo=UTC) if start \
                else when
            origin = item.export.fact("dispatch_country")
            _update(root, "TRN", min(left, when), "Dispatched (the goods arrived).",
                    origin.value if origin is not None else None)
            current = "TRN"
        _update(root, "ARR" if current != "ARR" else None, when,
                f"DISCREPANCY found on arrival: {said}.", country)
        if not arrival:
            todo.append("StatusUpdate ARR: the arrival date is not in the import; now used")
    return validated_draft(root, todo, item.export.file)


def write_follow_ups(rec: Reconciliation, directory: str | Path,
                     watchlists: Sequence[str] = (), bundled: bool = True) -> list[Draft]:
    """Write a follow-up for every shipment overdue or in discrepancy."""
    folder = Path(directory)
    folder.mkdir(parents=True, exist_ok=True)
    drafts: list[Draft] = []
    used: set[str] = set()
    now = datetime.now(UTC)
    for item in rec.shipments:
        draft = draft_follow_up(item, rec, now, watchlists, bundled)
        if draft is None:
            continue
        kind = "enquiry" if item.status == "overdue" else "status"
        stem = re.sub(r"[^A-Za-z0-9._-]+", "_", Path(item.export.file).stem)[:80] or "shipment"
        name, n = f"{stem}.{kind}.xml", 1
        while name in used:
            n += 1
            name = f"{stem}-{n}.{kind}.xml"
        used.add(name)
        if draft.xml:
            target = folder / name
            write_atomic(target, draft.xml)
            draft.file = str(target)
        drafts.append(draft)
    return drafts
