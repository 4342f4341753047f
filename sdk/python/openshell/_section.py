"""The shared machinery of the configuration classes: checked dataclass fields, ``to_dict`` and ``from_dict``."""

from __future__ import annotations

import dataclasses
import functools
from dataclasses import MISSING, dataclass, field, fields
from enum import Enum
from typing import Any, Mapping, TypeVar, dataclass_transform

from ._checks import _Check, _FieldError, _join, _suggest, _ValueError, _wrong_type

_T = TypeVar("_T")
_S = TypeVar("_S", bound="_Section")


def _field(*, check: _Check, default: Any = MISSING, factory: Any = MISSING) -> Any:
    """A dataclass field whose value ``check`` validates at construction."""
    return field(default=default, default_factory=factory, metadata={"check": check})


def _default_of(f: dataclasses.Field[Any]) -> Any:
    """The field's default value (a fresh one from its factory), or MISSING for a required field."""
    if f.default is not MISSING:
        return f.default
    if f.default_factory is not MISSING:
        return f.default_factory()
    return MISSING


def _plain(value: Any) -> Any:
    """Policy data of a parameter value: sections become dicts, enums their words."""
    if isinstance(value, _Section):
        return value.to_dict()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    if isinstance(value, Mapping):
        return {k: _plain(v) for k, v in value.items()}
    return value


@dataclass_transform(field_specifiers=(_field,))
def _config(cls: type[_T]) -> type[_T]:
    """Make ``cls`` a dataclass that remembers which parameters were given explicitly."""
    cls = dataclass(cls)
    init = cls.__init__
    names = [f.name for f in fields(cls) if f.init]  # type: ignore[arg-type]

    @functools.wraps(init)
    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        self._explicit = frozenset(names[: len(args)]).union(kwargs)
        init(self, *args, **kwargs)

    cls.__init__ = __init__  # type: ignore[method-assign]
    return cls


class _Section:
    """Validation at construction, ``to_dict`` and ``from_dict`` for every configuration class."""

    _explicit: frozenset[str]

    def __post_init__(self) -> None:
        try:
            for f in fields(self):  # type: ignore[arg-type]
                check = f.metadata.get("check")
                if check is not None:
                    setattr(self, f.name, check(getattr(self, f.name), f.name))
            self._check()
        except _FieldError as e:
            raise e.relocated(type(self).__name__) from None

    def _check(self) -> None:
        """Checks that involve more than one parameter; raise ``_ValueError`` (overridden)."""

    def to_dict(self) -> dict[str, Any]:
        """This section as policy data (the policy format's key names).

        A parameter is left out when it is None, or when it was not given
        explicitly and still has its default value.
        """
        explicit = getattr(self, "_explicit", frozenset())
        out: dict[str, Any] = {}
        for f in fields(self):  # type: ignore[arg-type]
            value = getattr(self, f.name)
            if value is None or (f.name not in explicit and value == _default_of(f)):
                continue
            out[f.name] = _plain(value)
        return out

    @classmethod
    def from_dict(cls: type[_S], d: Mapping[str, Any], path: str = "") -> _S:
        """Build an object from policy data; ``path`` (``network.rules[0]``) prefixes error messages.

        Unknown keys and missing required keys raise ValueError naming them.
        Scalars where text is expected are taken as text, as the runtime does
        (``condition: true`` is the condition ``"true"``).
        """
        if not isinstance(d, Mapping):
            raise _wrong_type(path or cls.__name__, "a mapping", d)
        known = {f.name: f for f in fields(cls) if f.init}  # type: ignore[arg-type]
        for key in d:
            if key not in known:
                hint = _suggest(key, list(known)) if isinstance(key, str) else ""
                raise _ValueError(str(key), f"unknown key{hint}", path)
        for name, f in known.items():
            if name not in d and _default_of(f) is MISSING:
                raise _ValueError(name, "missing required key", path)
        kwargs = {key: known[key].metadata["check"].decode(value, _join(path, key)) for key, value in d.items()}
        try:
            return cls(**kwargs)
        except _FieldError as e:
            raise e.relocated(path) from None
