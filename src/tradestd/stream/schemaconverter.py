"""tradestd's lossless JSON convention (:mod:`tradestd.convert`) as a record converter.

With a schema set or message type every record uses it; otherwise each record's type
is detected from the record itself (XML root element, or the JSON record's top-level
member), so a batch may mix message types.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from lxml import etree

from ..convert.plan import plan_for
from ..convert.to_json import element_to_data
from ..convert.to_xml import data_to_element
from ..convert.values import ConversionError
from ..registry import DetectionError, MessageType, Registry, bundled_registry
from ..schemaset import SchemaSet

__all__ = ["SchemaConverter"]


class SchemaConverter:
    """Converts records with the plan of their schema set; a misfit is a ``ConversionError``."""

    def __init__(self, schema_set: SchemaSet | None = None,
                 message_type: MessageType | None = None,
                 registry: Registry | None = None) -> None:
        self._schema_set = schema_set
        self._message_type = message_type
        self._registry = registry

    def _resolve(self, detect: Callable[[Registry], MessageType]) -> SchemaSet:
        if self._schema_set is not None:
            return self._schema_set
        if self._message_type is not None:
            return self._message_type.schema_set()
        try:
            return detect(self._registry or bundled_registry()).schema_set()
        except DetectionError as exc:
            raise ConversionError(str(exc)) from None

    def to_data(self, element: etree._Element) -> Any:
        schema_set = self._resolve(lambda registry: registry.detect(element))
        return element_to_data(plan_for(schema_set), element)

    def to_element(self, data: Any) -> etree._Element:
        schema_set = self._resolve(lambda registry: registry.detect_json(data))
        element: etree._Element = data_to_element(plan_for(schema_set), data)
        return element
