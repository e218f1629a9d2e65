"""Streaming: validate and convert batch files record by record in bounded memory.

A batch is an XML document in which a record element repeats (whatever wraps the
records is a container), or a JSON Lines file with one record a line. Start from
:meth:`tradestd.SchemaSet.iter_validate` or :meth:`tradestd.Validator.iter_validate`.
"""

from .check import CheckDocument, RecordConverter
from .detect import RecordTags
from .results import NoRecordsError, RecordReport, StreamSummary
from .source import BatchSource
from .validate import RecordStream, record_candidates
from .xmlrecords import XmlRecord, XmlRecordReader, record_pattern

__all__ = ["BatchSource", "CheckDocument", "NoRecordsError", "RecordConverter", "RecordReport",
           "RecordStream", "RecordTags", "StreamSummary", "XmlRecord", "XmlRecordReader",
           "record_candidates", "record_pattern"]
