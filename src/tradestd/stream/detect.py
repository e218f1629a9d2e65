"""Which elements of a batch are its records, when the caller names none (``--record auto``).

With the bundled message types, the candidates are their record, root and envelope
elements (:func:`tradestd.stream.validate.record_candidates`). With a schema set of the
user's own, the set itself says (docs/streaming.md, "Records of your own schema set"):

* **Document elements** are the set's global element declarations that no other
  declaration of the set refers to (``ref=``): those can only stand at the root of a
  document (or in a wildcard). In a batch, the first element in document order that is a
  document element of the set is the record element: ``<Batch><MetaData>...`` with an
  envelope + payload set streams ``MetaData`` records (their payload inside).
* **List wrappers**: a global element whose content repeats exactly one particle, a
  reference to a global element of complex type, every other particle being an element of
  complex type that occurs at most once (a header or a trailer), with no wildcard. When the
  first document element of a batch is such a wrapper, its repeated element is the record
  (``<Declarations><Declaration/>...``) and whatever else it holds is container content.
  The element a wrapper repeats is a candidate too, so a batch of those inside a container
  the set does not declare is read as well.

A set whose global elements are all referenced (a cycle) offers all of them.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from xmlschema.validators import XsdAnyElement, XsdElement, XsdGroup

if TYPE_CHECKING:
    from ..schemaset import SchemaSet

__all__ = ["RecordTags", "as_record_tags", "record_tags_of"]

XS = "http://www.w3.org/2001/XMLSchema"
UNBOUNDED = 1 << 62


@dataclass(frozen=True, slots=True)
class RecordTags:
    """The tags that may be records, and the list wrappers around them.

    ``wrappers`` maps a wrapper's tag to the tag of the record it repeats; ``origin``
    says where the candidates come from, for the message of a batch without records.
    """

    tags: tuple[str, ...]
    wrappers: Mapping[str, str] = field(default_factory=dict)
    origin: str = "the bundled message types"

    @property
    def all_tags(self) -> list[str]:
        """Every tag the reader must see: candidates, wrappers and what they repeat."""
        return list(dict.fromkeys([*self.tags, *self.wrappers, *self.wrappers.values()]))

    def describe(self, limit: int = 6) -> str:
        """The candidates as a short phrase for messages (the first few, then a count)."""
        names = [_short(tag) for tag in self.tags]
        shown = ", ".join(names[:limit])
        more = len(names) - limit
        return shown + (f" and {more} more" if more > 0 else "")


def as_record_tags(candidates: Sequence[str] | RecordTags) -> RecordTags:
    if isinstance(candidates, RecordTags):
        return candidates
    return RecordTags(tuple(dict.fromkeys(candidates)))


def record_tags_of(schema_set: SchemaSet) -> RecordTags:
    """The records a batch may hold for ``schema_set`` (worked out once per set)."""
    return schema_set.derived("stream-record-tags", lambda: _record_tags(schema_set))


def _short(tag: str) -> str:
    return tag.rpartition("}")[2] if tag.startswith("{") else tag


def _record_tags(schema_set: SchemaSet) -> RecordTags:
    model = schema_set.xmlschema
    globals_ = {tag: element for tag, element in model.maps.elements.items()
                if not tag.startswith(f"{{{XS}}}")}
    referenced = _referenced(globals_.values(), model.maps.types.values())
    documents = [tag for tag in globals_ if tag not in referenced] or list(globals_)
    wrappers = {}
    for tag in documents:
        repeated = _wrapped(globals_[tag])
        if repeated is not None:
            wrappers[tag] = repeated
    return RecordTags(tuple(documents), wrappers,
                      f"the schema set {schema_set.name}")


def _particles(group: XsdGroup, times: int = 1) -> Iterator[tuple[Any, int]]:
    """Each element or wildcard particle of a model group, with how often it may occur."""
    for particle in group:
        most = particle.max_occurs
        occurs = UNBOUNDED if most is None else min(UNBOUNDED, times * most)
        if isinstance(particle, XsdGroup):
            yield from _particles(particle, occurs)
        else:
            yield particle, occurs


def _element_content(element: Any) -> XsdGroup | None:
    xsd_type = element.type
    if not xsd_type.is_complex() or xsd_type.has_simple_content():
        return None
    content = xsd_type.content
    return content if isinstance(content, XsdGroup) else None


def _referenced(elements: Any, types: Any) -> set[str]:
    """Names of the global elements that some content model refers to."""
    found: set[str] = set()
    seen: set[int] = set()
    pending: list[Any] = [e.type for e in elements]
    pending += [t for t in types if getattr(t, "target_namespace", None) != XS]
    while pending:
        xsd_type = pending.pop()
        if id(xsd_type) in seen or not xsd_type.is_complex() \
                or not isinstance(xsd_type.content, XsdGroup):
            continue
        seen.add(id(xsd_type))
        for particle, _ in _particles(xsd_type.content):
            if not isinstance(particle, XsdElement):
                continue
            if particle.ref is not None:
                found.add(particle.name)
            else:
                pending.append(particle.type)
    return found


def _wrapped(element: Any) -> str | None:
    """The tag a list wrapper repeats, or ``None`` when ``element`` is no list wrapper."""
    content = _element_content(element)
    if content is None:
        return None
    repeated: list[Any] = []
    for particle, occurs in _particles(content, content.max_occurs or UNBOUNDED):
        if isinstance(particle, XsdAnyElement) or not isinstance(particle, XsdElement):
            return None
        if _element_content(particle) is None:
            return None  # a field of a message, not a header of a list
        if occurs > 1:
            repeated.append(particle)
    if len(repeated) != 1 or repeated[0].ref is None:
        return None
    return str(repeated[0].name)
