"""Lossless, schema-driven XML <-> JSON conversion (see docs/json-convention.md).

The functions take a :class:`~tradestd.schemaset.SchemaSet`; its conversion plan is
compiled on first use and shared. :class:`SchemaSet` offers the same as methods
(``to_data``, ``to_json``, ``to_xml``).
"""

from __future__ import annotations

import json
from typing import Any

from lxml import etree

from ..intake import Source, load_xml
from ..schemaset import SchemaSet
from .jsontext import json_text
from .plan import plan_for
from .to_json import element_to_data
from .to_xml import data_to_element
from .values import ConversionError

__all__ = ["ConversionError", "element_to_json_data", "to_data", "to_json", "to_xml"]


def element_to_json_data(schema_set: SchemaSet, root: etree._Element) -> dict[str, Any]:
    """JSON data of an already parsed root element."""
    return element_to_data(plan_for(schema_set), root)


def to_data(schema_set: SchemaSet, source: Source) -> dict[str, Any]:
    """Plain Python data (``json.dumps`` accepts it) for one XML message.

    The message is parsed by the hardened intake (no DTD, no network); of a SOAP
    envelope, the message in its Body is converted (the envelope is transport). It is not
    validated: a message that does not fit the schema's structure raises
    :class:`ConversionError`; validate first for a full verdict.
    """
    # comments and processing instructions are not part of the JSON (the text around
    # them is): the parser leaves them out, which spares the walk a third of its nodes
    # on commented messages
    doc = load_xml(source, schema_set.limits, comments=False)
    if not doc.ok or doc.root is None:
        first = doc.issues[0] if doc.issues else None
        raise ConversionError(first.message if first else "not an XML document",
                              line=first.line if first else None)
    return element_to_data(plan_for(schema_set), doc.root)


def to_json(schema_set: SchemaSet, source: Source, *, indent: int | None = None) -> str:
    """JSON text for one XML message (see :func:`to_data`): compact, or pretty-printed
    with ``indent`` spaces."""
    return json_text(to_data(schema_set, source), indent=indent)


def to_xml(schema_set: SchemaSet, data: str | bytes | dict[str, Any]) -> bytes:
    """UTF-8 XML (with declaration) for JSON text or already parsed JSON data."""
    if isinstance(data, (str, bytes)):
        try:
            data = json.loads(data)
        except ValueError as exc:
            raise ConversionError(f"not JSON: {exc}") from None
        except RecursionError:
            raise ConversionError("JSON nested too deeply") from None
    root = data_to_element(plan_for(schema_set), data)
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))
