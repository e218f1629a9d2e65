"""tradestd: validate customs and cargo messages (WCO Data Model) and convert them
between XML and JSON.

The public API is what ``__all__`` names; everything else may change.
"""

from importlib.metadata import PackageNotFoundError, version

from . import conveniences  # noqa: F401  (registers SchemaSet.to_data, iter_validate, ...)
from .about import versions
from .intake import Limits
from .issues import Issue, Layer, Report, RulePackRef, Severity

# ``tradestd.reconcile`` is the function; the package's modules stay importable by name
# (``from tradestd.reconcile import ReconcileOptions``).
from .reconcile import Reconciliation, reconcile
from .registry import DetectionError, MessageType, Registry, UnknownMessageType, bundled_registry
from .schemaset import SchemaError, SchemaSet, load_schema_set
from .stream.results import NoRecordsError
from .validation import RuleLayer, Validator, validate
from .wco.translate import Translation, translate

try:
    __version__ = version("tradestd")
except PackageNotFoundError:  # running from a source tree without installation
    __version__ = "0.0.0+unknown"

__all__ = [
    "DetectionError",
    "Issue",
    "Layer",
    "Limits",
    "MessageType",
    "NoRecordsError",
    "Reconciliation",
    "Registry",
    "Report",
    "RuleLayer",
    "RulePackRef",
    "SchemaError",
    "SchemaSet",
    "Severity",
    "Translation",
    "UnknownMessageType",
    "Validator",
    "__version__",
    "bundled_registry",
    "load_schema_set",
    "reconcile",
    "translate",
    "validate",
    "versions",
]
