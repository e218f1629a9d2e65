"""Hypothesis strategies for the messages of any schema set (extra ``testing``).

``pip install 'tradestd[testing]'`` brings hypothesis; the rest of tradestd never needs it.

>>> from hypothesis import given
>>> from tradestd import load_schema_set
>>> from tradestd.testing import messages
>>> schema_set = load_schema_set(["envelope.xsd", "payload.xsd"])
>>> @given(messages(schema_set, rules="wco"))
... def test_my_receiver_accepts(xml: bytes) -> None:
...     assert my_receiver(xml).accepted

Each example is valid under the schema set (both engines: libxml2 and xmlschema) and, with
``rules``, passes those rule packs; hypothesis shrinks a failing example toward a
minimal valid message (optional parts absent, repeats at their minimum, first choices).
See docs/generate.md.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

try:
    from hypothesis import reject
    from hypothesis import strategies as st
except ImportError as exc:  # pragma: no cover - exercised only without the extra
    raise ImportError("tradestd.testing needs hypothesis: install it with "
                      "pip install 'tradestd[testing]'") from exc

from ..generate import GenerationError, MessageFactory
from ..generate.builder import Rejected
from ..generate.chooser import DrawChooser
from ..generate.providers import ProviderSpec
from ..registry import MessageType, bundled_registry
from ..schemaset import SchemaSet

__all__ = ["GenerationError", "messages"]


def messages(schema_set: SchemaSet | MessageType | str, root: str | None = None, *,
             as_data: bool = False, providers: ProviderSpec = None,
             rules: str | Sequence[str] | None = None) -> st.SearchStrategy[Any]:
    """A strategy of messages valid under ``schema_set`` (a :class:`SchemaSet`, a bundled
    :class:`MessageType` or its id): XML bytes, or with ``as_data`` the tradestd JSON
    data of the same message (:meth:`SchemaSet.to_data`).

    ``root`` names the global element (default: the set's outermost ones, an envelope
    with a payload in its wildcard); ``providers`` map WCO IDs or XPaths to values
    (``"wco"``: realistic WCO DM values everywhere); ``rules`` names rule packs the
    messages must also pass. Raises :class:`GenerationError` at once when the set (or
    ``root``) admits no instance.
    """
    message_type = None
    if isinstance(schema_set, str):
        schema_set = bundled_registry().get(schema_set)
    if isinstance(schema_set, MessageType):
        message_type = schema_set
        schema_set = schema_set.schema_set()
    factory = MessageFactory(schema_set, root, providers=providers, rules=rules,
                             message_type=message_type)
    target = schema_set

    @st.composite
    def _messages(draw: Any) -> Any:
        chooser = DrawChooser(draw, st.integers, st.booleans())
        try:
            message = factory.draw(chooser)
        except Rejected:
            reject()
        return target.to_data(message.xml) if as_data else message.xml

    return _messages()
