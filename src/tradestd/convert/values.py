"""Value codecs (XML text <-> JSON value) and the naming of attribute keys."""

from __future__ import annotations

from typing import Any

__all__ = [
    "BOOL",
    "INT",
    "QNAME",
    "QNAME_TEXT",
    "STR",
    "TOKEN",
    "XML_NS",
    "XSI_NS",
    "ConversionError",
    "attribute_key",
    "decode",
    "decode_attribute",
    "encode",
    "is_nil",
    "key_to_name",
]

XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
XML_NS = "http://www.w3.org/XML/1998/namespace"

STR = 0    # text kept byte for byte
TOKEN = 1  # whitespace collapsed by the type: leading/trailing whitespace is not carried
INT = 2    # JSON number for canonical integers below 2**53, else the text
BOOL = 3   # true/false for the texts true/false, else the text
QNAME = 4  # "{namespace}local"
#: a list or union that may hold QNames: the text as written (whitespace collapsed); the
#: prefixes it uses travel in the root object's "$ns" member
QNAME_TEXT = 5

_WS = " \t\n\r"
_SAFE = 1 << 53


class ConversionError(ValueError):
    """A document does not fit the schema's JSON convention; ``path`` says where.

    ``path`` is a JSON Pointer for JSON input and an XPath-like path for XML input;
    ``line`` is the source line where known (XML).
    """

    def __init__(self, message: str, path: str = "", line: int | None = None) -> None:
        super().__init__(message)
        self.reason = message
        self.path = path
        self.line = line

    def __str__(self) -> str:
        return f"{self.path or '/'}: {self.reason}"

    def under(self, *steps: str | int, line: int | None = None) -> ConversionError:
        """The same error, seen from further out: ``steps`` are prepended to the path."""
        self.path = "".join("/" + str(s).replace("~", "~0").replace("/", "~1")
                            for s in steps) + self.path
        if self.line is None:
            self.line = line
        return self


def decode(codec: int, text: str) -> Any:
    """JSON value of an XML text (QName values are decoded by the caller)."""
    if codec == STR:
        return text
    value = text.strip(_WS)
    if codec == INT:
        digits = value[1:] if value[:1] == "-" else value
        # canonical (0, -12; no +, no leading zero) and below 2**53: 16 digits at most
        if digits.isascii() and digits.isdigit() and len(digits) <= 16 \
                and (digits[0] != "0" or value == "0"):
            number = int(value)
            if -_SAFE < number < _SAFE:
                return number
        return value
    if codec == BOOL:
        if value == "true":
            return True
        if value == "false":
            return False
    return value


def decode_attribute(codec: int, text: str) -> Any:
    """Like :func:`decode`, but an attribute value with surrounding whitespace is kept
    as it is: canonical XML compares attribute values exactly."""
    if text and (text[0] in _WS or text[-1] in _WS):
        return text
    return decode(codec, text)


def is_nil(value: Any) -> bool:
    """Whether an ``@xsi:nil`` value is true: ``true``, or the text ``1`` (xs:boolean's
    lexical space, XSD 1.0 Part 2, 3.2.2), surrounding whitespace collapsed."""
    return value is True or (isinstance(value, str) and value.strip(_WS) in ("true", "1"))


def encode(value: Any) -> str:
    """XML text of a JSON value."""
    if isinstance(value, str):
        return value
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        raise ConversionError(
            f"the number {value!r} is not an integer: decimals are JSON strings in this "
            "convention, so that no digit is lost")
    raise ConversionError(f"expected a value (string, number or boolean), got "
                          f"{_json_kind(value)}")


def _json_kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "an array"
    return type(value).__name__


def attribute_key(name: str) -> str:
    """The JSON key of an attribute outside any declaration: ``@local``, ``@xsi:nil``,
    ``@xml:lang`` or ``@{namespace}local``."""
    if name[0] != "{":
        return "@" + name
    namespace, _, local = name[1:].partition("}")
    if namespace == XSI_NS:
        return "@xsi:" + local
    if namespace == XML_NS:
        return "@xml:" + local
    return "@" + name


def key_to_name(key: str) -> str:
    """Inverse of :func:`attribute_key` (``key`` without its ``@``)."""
    if key.startswith("xsi:"):
        return f"{{{XSI_NS}}}{key[4:]}"
    if key.startswith("xml:"):
        return f"{{{XML_NS}}}{key[4:]}"
    return key

