"""Checking the parameters of the configuration classes: errors that name a field, value predicates, checkers.

A checker (:class:`_Check`) validates and normalises one parameter value and
names it in its errors (``EgressRule.allowed_ports[0]: 70000 is not a port
(1..65535)``); ``openshell.config`` composes them into a table per class
(``_field(check=...)``). The predicates apply the runtime validator's rules.
"""

from __future__ import annotations

import difflib
import re
import socket
from typing import TYPE_CHECKING, Any, Callable, Mapping, Sequence

if TYPE_CHECKING:
    from ._section import _Section


# ---------------------------------------------------------------------------
# Errors that name a parameter


def _join(prefix: str, location: str) -> str:
    """``network`` + ``rules[0]`` -> ``network.rules[0]``; an empty side is left out."""
    if not prefix:
        return location
    if not location or location.startswith("["):
        return prefix + location
    return f"{prefix}.{location}"


class _FieldError(Exception):
    """An error about one parameter: ``location`` relative to its owner, ``prefix`` the owner."""

    def __init__(self, location: str, detail: str, prefix: str = ""):
        self.location = location
        self.detail = detail
        self.prefix = prefix
        super().__init__(f"{_join(prefix, location)}: {detail}")

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.location, self.detail, self.prefix))

    def relocated(self, prefix: str, location: str | None = None) -> _FieldError:
        """The same error under another owner (and location)."""
        return type(self)(self.location if location is None else location, self.detail, prefix)


class _TypeError(_FieldError, TypeError):
    """A parameter of the wrong type."""


class _ValueError(_FieldError, ValueError):
    """A parameter with a wrong value."""


def _describe(value: Any) -> str:
    """The value for an error message: its type and a repr cut to 60 characters."""
    if value is None:
        return "None"
    text = repr(value)
    if len(text) > 60:
        text = text[:57] + "..."
    return f"{type(value).__name__} {text}"


def _wrong_type(loc: str, expected: str, value: Any) -> _TypeError:
    """A _TypeError at ``loc``: ``expected <expected>, got <type> <value>``."""
    return _TypeError(loc, f"expected {expected}, got {_describe(value)}")


def _suggest(word: str, choices: Sequence[str]) -> str:
    """`` (did you mean 'x'?)`` when a choice is close to ``word``, else ``""``."""
    match = difflib.get_close_matches(word, list(choices), n=1)
    return f" (did you mean {match[0]!r}?)" if match else ""


# ---------------------------------------------------------------------------
# Value predicates, as the runtime's validator applies them

_ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_DOCUMENT_NAME = re.compile(r"[a-z0-9][a-z0-9-]*")
_AGENT_NAME = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}")
_TOOL_NAME = re.compile(r"[a-z][a-z0-9_]*")
_RATE_LIMIT = re.compile(r"([0-9]+)/(second|minute|hour|day)")
_HOST_LABEL = re.compile(r"[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?")


def _is_ip(text: str) -> bool:
    """An IPv4 or IPv6 address (``[...]`` and a ``%zone`` accepted)."""
    if len(text) >= 2 and text[0] == "[" and text[-1] == "]":
        text = text[1:-1]
    if not text or len(text) > 45:
        return False
    for family, candidate in ((socket.AF_INET, text), (socket.AF_INET6, text.split("%", 1)[0])):
        try:
            socket.inet_pton(family, candidate)
            return True
        except (OSError, ValueError):
            continue
    return False


def _is_cidr(text: str) -> bool:
    """An IP address, ``/`` and a prefix length that fits it (``10.0.0.0/8``, ``2001:db8::/32``)."""
    address, slash, prefix = text.partition("/")
    if not slash or not prefix.isascii() or not prefix.isdigit() or not _is_ip(address):
        return False
    return int(prefix) <= (128 if ":" in address else 32)


def _is_host_name(text: str) -> bool:
    """A DNS name: dot-separated labels of letters, digits, ``_`` and ``-`` (at most 253 characters)."""
    return 0 < len(text) <= 253 and all(_HOST_LABEL.fullmatch(label) for label in text.split("."))


def _is_host_pattern(text: str) -> bool:
    """An allowed_hosts entry: ``*``, an IP, a CIDR, a name or ``*.name``."""
    if text == "*" or _is_ip(text) or _is_cidr(text):
        return True
    return _is_host_name(text.removeprefix("*."))


def _is_region_entry(text: str) -> bool:
    """A ``regions`` value: an IP address, a CIDR, a name or ``*.name``."""
    return _is_ip(text) or _is_cidr(text) or _is_host_name(text.removeprefix("*."))


_HTTP_METHOD = re.compile(r"[A-Z0-9_-]+")


def _is_rate_limit(text: str) -> bool:
    """``N/second``, ``N/minute``, ``N/hour`` or ``N/day`` with 0 < N < 2**63."""
    match = _RATE_LIMIT.fullmatch(text)
    return match is not None and 0 < int(match.group(1)) < 2**63


def _is_http_method(text: str) -> bool:
    """An upper-case method token other than CONNECT (``GET``, ``POST``, ``PROPFIND``)."""
    return _HTTP_METHOD.fullmatch(text) is not None and text != "CONNECT"


def _is_path_glob(text: str) -> bool:
    """A ``paths`` glob: starts with '/', no whitespace, '?', '#' or '%', ``**`` only as a whole segment."""
    if not text.startswith("/") or any(c in text for c in "?#%") or any(ord(c) <= 0x20 or ord(c) == 0x7F for c in text):
        return False
    return all(seg == "**" or "**" not in seg for seg in text.split("/"))


def _is_absolute_path(text: str) -> bool:
    """Absolute and normalised: no ``.``, ``..``, ``//`` or trailing ``/`` (``/`` itself is fine)."""
    if text == "/":
        return True
    return text.startswith("/") and "\0" not in text and all(
        part not in ("", ".", "..") for part in text[1:].split("/")
    )


def _is_extension(text: str) -> bool:
    """``.ext``: a dot and one extension (no other dot, no ``/``)."""
    return len(text) >= 2 and text[0] == "." and "/" not in text and "." not in text[1:]


def _is_tool_name(text: str) -> bool:
    """``[a-z][a-z0-9_]*``, except the reserved ``agent``."""
    return _TOOL_NAME.fullmatch(text) is not None and text != "agent"


def _matches(pattern: re.Pattern[str]) -> Callable[[str], bool]:
    """A predicate: ``pattern`` matches the whole text."""
    return lambda text: pattern.fullmatch(text) is not None


# ---------------------------------------------------------------------------
# Checkers: one per kind of parameter, composed into a table per class


class _Check:
    """Validates and normalises one parameter value; ``loc`` names it in errors.

    ``decode`` turns policy data (from YAML or JSON) into a constructor argument.
    """

    def __call__(self, value: Any, loc: str) -> Any:
        """``value`` checked (and normalised); a _TypeError or _ValueError at ``loc`` otherwise."""
        return value

    def decode(self, value: Any, path: str) -> Any:
        """Policy data at ``path`` as a constructor argument (checked afterwards by ``__call__``)."""
        return value


def _text_of(value: Any) -> Any:
    """A typed YAML scalar where text is expected, as the runtime reads it (``true`` -> ``"true"``)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    return value


class _Text(_Check):
    """A string; optionally not blank and satisfying ``valid`` (else ``'value' <must>``)."""

    def __init__(self, *, nonblank: bool = False, valid: Callable[[str], bool] | None = None, must: str = ""):
        self.nonblank = nonblank
        self.valid = valid
        self.must = must

    def __call__(self, value: Any, loc: str) -> str:
        if not isinstance(value, str):
            raise _wrong_type(loc, "a string", value)
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise _ValueError(loc, f"{value!r} is not valid Unicode text") from None
        if self.nonblank and not value.strip():
            raise _ValueError(loc, "must not be empty")
        if self.valid is not None and not self.valid(value):
            raise _ValueError(loc, f"{value!r} {self.must}")
        return value

    def decode(self, value: Any, path: str) -> Any:
        return _text_of(value)


class _Choice(_Text):
    """One of a fixed set of words."""

    def __init__(self, choices: Sequence[str]):
        super().__init__()
        self.choices = tuple(choices)

    def __call__(self, value: Any, loc: str) -> str:
        value = super().__call__(value, loc)
        if value not in self.choices:
            raise _ValueError(
                loc, f"{value!r} is not one of {', '.join(self.choices)}{_suggest(value, self.choices)}"
            )
        return value


class _Int(_Check):
    """An integer (not a bool) in ``lo..hi``; ``noun`` words the range error (``is not a port``)."""

    def __init__(self, lo: int, hi: int, noun: str | None = None):
        self.lo, self.hi, self.noun = lo, hi, noun

    def __call__(self, value: Any, loc: str) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise _wrong_type(loc, "an integer", value)
        if not self.lo <= value <= self.hi:
            what = f"is not {self.noun}" if self.noun else "is out of range"
            raise _ValueError(loc, f"{value} {what} ({self.lo}..{self.hi})")
        return value


class _Number(_Check):
    """An int or float (not a bool), finite, in ``lo..hi``; ``positive`` excludes 0."""

    def __init__(self, lo: float, hi: float, *, positive: bool = False):
        self.lo, self.hi, self.positive = lo, hi, positive

    def __call__(self, value: Any, loc: str) -> int | float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise _wrong_type(loc, "a number", value)
        if value != value or value in (float("inf"), float("-inf")):
            raise _ValueError(loc, f"{value} is not a finite number")
        if self.positive and value <= 0:
            raise _ValueError(loc, f"{value} must be greater than 0")
        if not self.lo <= value <= self.hi:
            raise _ValueError(loc, f"{value} is out of range ({self.lo:g}..{self.hi:g})")
        return value


class _Bool(_Check):
    """True or False (not 0 or 1)."""
    def __call__(self, value: Any, loc: str) -> bool:
        if not isinstance(value, bool):
            raise _wrong_type(loc, "True or False", value)
        return value


class _Optional(_Check):
    """None, or what ``inner`` accepts."""

    def __init__(self, inner: _Check):
        self.inner = inner

    def __call__(self, value: Any, loc: str) -> Any:
        return None if value is None else self.inner(value, loc)

    def decode(self, value: Any, path: str) -> Any:
        return None if value is None else self.inner.decode(value, path)


class _List(_Check):
    """A list (or tuple) of items ``inner`` accepts; stored as a new list."""

    def __init__(self, inner: _Check, *, nonempty: bool = False):
        self.inner = inner
        self.nonempty = nonempty

    def __call__(self, value: Any, loc: str) -> list[Any]:
        if not isinstance(value, (list, tuple)):
            raise _wrong_type(loc, "a list", value)
        if self.nonempty and not value:
            raise _ValueError(loc, "must not be empty")
        return [self.inner(item, f"{loc}[{i}]") for i, item in enumerate(value)]

    def decode(self, value: Any, path: str) -> Any:
        if value is None:  # "rules:" with nothing below is an empty list
            return []
        if not isinstance(value, (list, tuple)):
            return value
        return [self.inner.decode(item, f"{path}[{i}]") for i, item in enumerate(value)]


class _Map(_Check):
    """A mapping of keys ``key`` accepts to values ``value`` accepts; stored as a new dict."""

    def __init__(self, key: _Check, value: _Check):
        self.key = key
        self.value = value

    def __call__(self, value: Any, loc: str) -> dict[str, Any]:
        if not isinstance(value, Mapping):
            raise _wrong_type(loc, "a mapping", value)
        return {
            self.key(k, f"{loc}[{k!r}]"): self.value(v, f"{loc}[{k!r}]") for k, v in value.items()
        }

    def decode(self, value: Any, path: str) -> Any:
        if value is None:
            return {}
        if not isinstance(value, Mapping):
            return value
        return {k: self.value.decode(v, f"{path}[{k!r}]") for k, v in value.items()}


class _Nested(_Check):
    """An instance of a configuration class (from a mapping in ``from_dict``)."""

    def __init__(self, cls: type[_Section]):
        self.cls = cls

    def __call__(self, value: Any, loc: str) -> Any:
        if not isinstance(value, self.cls):
            article = "an" if self.cls.__name__[0] in "AEIOU" else "a"
            raise _wrong_type(loc, f"{article} {self.cls.__name__}", value)
        return value

    def decode(self, value: Any, path: str) -> Any:
        return value if isinstance(value, self.cls) else self.cls.from_dict(value, path)


class _Command(_Check):
    """A program and its arguments: a list of strings, or one string split on spaces."""

    _arg = _Text()

    def __call__(self, value: Any, loc: str) -> str | list[str]:
        if isinstance(value, str):
            return _Text(nonblank=True)(value, loc)
        args = _List(self._arg, nonempty=True)(value, loc) if isinstance(value, (list, tuple)) else None
        if args is None:
            raise _wrong_type(loc, "a list of strings or a string", value)
        return args

    def decode(self, value: Any, path: str) -> Any:
        return _List(self._arg).decode(value, path) if isinstance(value, (list, tuple)) else _text_of(value)


_POSITIVE = _Number(0, 1e12, positive=True)
_ABSOLUTE_PATH = _Text(
    valid=_is_absolute_path, must="must be an absolute, normalised path (no '.', '..', '//' or trailing '/')"
)


def _duplicates(names: Sequence[str], loc: str, what: str) -> None:
    """Raise for the first name used twice: ``<loc>[i].name: 'x' <what> (<loc>[j])``."""
    first: dict[str, int] = {}
    for i, name in enumerate(names):
        if name in first:
            raise _ValueError(f"{loc}[{i}].name", f"{name!r} {what} ({loc}[{first[name]}])")
        first[name] = i
