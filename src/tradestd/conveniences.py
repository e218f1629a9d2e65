"""The :class:`~tradestd.schemaset.SchemaSet` methods that belong to the layers built on it.

``SchemaSet.to_data``, ``to_json``, ``to_xml`` (conversion), ``iter_validate``,
``iter_to_json``, ``iter_to_xml`` (streaming), ``wco_ids`` and ``translation_plan`` (WCO
IDs) are conveniences over modules that import the schema compiler, not the other way round: the compiler only names them, and this
module, imported with the package (``tradestd/__init__.py``), registers what they do
(:func:`tradestd.schemaset.register_method`). Each layer imports only downward.
"""

from __future__ import annotations

import os

from . import convert
from .convert.validate import json_schema_for
from .intake import Limits
from .schemaset import SchemaSet, register_method
from .stream.convert import DEFAULT_CONTAINER, JsonLinesToXml, XmlToJsonLines
from .stream.detect import record_tags_of
from .stream.schemaconverter import SchemaConverter
from .stream.source import BatchSource
from .stream.validate import RecordStream
from .wco.ids import wco_ids_for
from .wco.plan import plan_for

__all__: list[str] = []


def iter_validate(schema_set: SchemaSet, source: BatchSource, *, record: str | None = None,
                  limits: Limits | None = None) -> RecordStream:
    return RecordStream(source, schema_set.validate_document, record=record,
                        candidates=() if record else record_tags_of(schema_set),
                        limits=limits or schema_set.limits, converter=SchemaConverter(schema_set))


def iter_to_json(schema_set: SchemaSet, source: BatchSource, target: str | os.PathLike[str], *,
                 record: str | None = None, limits: Limits | None = None) -> XmlToJsonLines:
    return XmlToJsonLines(source, target, SchemaConverter(schema_set),
                          schema_set.validate_document, record=record,
                          candidates=() if record else record_tags_of(schema_set),
                          limits=limits or schema_set.limits)


def iter_to_xml(schema_set: SchemaSet, source: BatchSource, target: str | os.PathLike[str], *,
                container: str | None = None, limits: Limits | None = None) -> JsonLinesToXml:
    return JsonLinesToXml(source, target, SchemaConverter(schema_set),
                          schema_set.validate_document, container=container or DEFAULT_CONTAINER,
                          limits=limits or schema_set.limits)


register_method("iter_validate", iter_validate)
register_method("iter_to_json", iter_to_json)
register_method("iter_to_xml", iter_to_xml)
register_method("to_data", convert.to_data)
register_method("to_json", convert.to_json)
register_method("to_xml", convert.to_xml)
register_method("wco_ids", wco_ids_for)
register_method("translation_plan", plan_for)
register_method("json_schema", json_schema_for)
