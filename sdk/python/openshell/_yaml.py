"""A small block-style YAML emitter for policy documents.

Only what ``OpenShellRuntime.to_dict()`` produces is supported: mappings with
string keys, lists, strings, integers, floats, booleans and None. Mappings and
lists of mappings are written in block style; a list whose items are all
scalars is written in flow style (``[443]``). A string is written plain only
when it is a "safe word" that every YAML 1.1 and 1.2 reader (libyaml, the
runtime's parser, the service's core-schema typing) reads back as that same
string; anything else is double-quoted with escapes. The output parses back to
the data it was made from.
"""

from __future__ import annotations

import math
import re
from typing import Any, Mapping

__all__ = ["dump", "scalar"]

_INDENT = 2

# A plain scalar: starts with a letter, digit, '_', '.' or '/', and holds only
# characters that are never indicators in block or flow context.
_PLAIN = re.compile(r"[A-Za-z0-9_./][A-Za-z0-9_./+\-@()=<>!'$%;~^* ]*")
# Text a resolver could take for a number, date or time (conservatively).
_NUMERIC = re.compile(r"[-+]?(?:[0-9]|\.[0-9_])[0-9A-Za-z_.+\- ]*")
# Words that YAML 1.1 or 1.2 read as booleans, null, infinity or NaN.
_SPECIAL = frozenset(
    {"y", "n", "yes", "no", "on", "off", "true", "false", "null", "~", ".inf", ".nan"}
)
_NAMED_ESCAPES = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\t": "\\t", "\r": "\\r"}


def dump(data: Mapping[str, Any]) -> str:
    """Return ``data`` (a mapping) as a block-style YAML document."""
    if not isinstance(data, Mapping):
        raise TypeError(f"a YAML document must be a mapping, got {type(data).__name__}")
    lines: list[str] = []
    _mapping(data, 0, lines)
    return "\n".join(lines) + "\n" if lines else "{}\n"


def scalar(value: Any) -> str:
    """Return one scalar (str, int, float, bool or None) as YAML text."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return _float(value)
    if isinstance(value, str):
        return value if _is_plain(value) else _quoted(value)
    raise TypeError(f"cannot write a {type(value).__name__} as YAML")


def _is_plain(text: str) -> bool:
    """True when ``text`` can be written without quotes and reads back unchanged."""
    return (
        _PLAIN.fullmatch(text) is not None
        and text == text.rstrip()
        and not text.startswith("...")
        and text.lower() not in _SPECIAL
        and _NUMERIC.fullmatch(text) is None
    )


def _quoted(text: str) -> str:
    """Double-quoted scalar; every non-printable character is escaped."""
    return '"' + "".join(_escape(c) for c in text) + '"'


def _escape(c: str) -> str:
    if c in _NAMED_ESCAPES:
        return _NAMED_ESCAPES[c]
    if c.isprintable():
        return c
    code = ord(c)
    if 0xD800 <= code <= 0xDFFF:
        raise ValueError(f"cannot write the lone surrogate U+{code:04X} as YAML")
    if code < 0x100:
        return f"\\x{code:02X}"
    if code < 0x10000:
        return f"\\u{code:04X}"
    return f"\\U{code:08X}"


def _float(value: float) -> str:
    """A float that reads back as a float in YAML 1.1 and 1.2 (always has a '.')."""
    if not math.isfinite(value):
        raise ValueError(f"cannot write the non-finite number {value!r} as YAML")
    text = repr(value)
    mantissa, e, exponent = text.partition("e")
    if "." not in mantissa:
        mantissa += ".0"
    return mantissa + e + exponent


def _is_scalar(value: Any) -> bool:
    return not isinstance(value, (Mapping, list, tuple))


def _inline(value: Any) -> str:
    """A value that fits on its key's line: a scalar, ``[]``, ``{}`` or a flow list of scalars."""
    if isinstance(value, Mapping):
        return "{}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(scalar(item) for item in value) + "]"
    return scalar(value)


def _is_block(value: Any) -> bool:
    """True for a non-empty mapping, or a list that holds a collection."""
    if isinstance(value, Mapping):
        return bool(value)
    if isinstance(value, (list, tuple)):
        return not all(_is_scalar(item) for item in value)
    return False


def _mapping(data: Mapping[str, Any], indent: int, lines: list[str], first: str | None = None) -> None:
    """Append a block mapping; ``first`` replaces the indentation of its first line (``- ``)."""
    for i, (key, value) in enumerate(data.items()):
        if not isinstance(key, str):
            raise TypeError(f"YAML mapping keys must be strings, got {type(key).__name__} {key!r}")
        pad = first if i == 0 and first is not None else " " * indent
        head = f"{pad}{scalar(key)}:"
        if not _is_block(value):
            lines.append(f"{head} {_inline(value)}")
            continue
        lines.append(head)
        if isinstance(value, Mapping):
            _mapping(value, indent + _INDENT, lines)
        else:
            _sequence(value, indent + _INDENT, lines)


def _sequence(items: list[Any] | tuple[Any, ...], indent: int, lines: list[str]) -> None:
    """Append a block sequence whose dashes are at ``indent``."""
    dash = " " * indent + "- "
    for item in items:
        if not _is_block(item):
            lines.append(dash + _inline(item))
        elif isinstance(item, Mapping):
            _mapping(item, indent + _INDENT, lines, first=dash)
        else:
            lines.append(dash.rstrip())
            _sequence(item, indent + _INDENT, lines)
