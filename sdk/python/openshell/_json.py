"""The SDK's two JSON helpers: strict encoding of caller values, lenient decoding of the service's text."""

from __future__ import annotations

import json
from typing import Any


def dumps(value: Any, what: str) -> str:
    """``value`` as JSON text; a TypeError naming ``what`` when it is not JSON (NaN and infinities included)."""
    try:
        return json.dumps(value, allow_nan=False)
    except (TypeError, ValueError) as e:
        raise TypeError(f"{what} is not JSON-serialisable: {e}") from None


def loads_or_text(text: str) -> Any:
    """``text`` parsed as JSON, or ``text`` itself when it is not JSON."""
    try:
        return json.loads(text)
    except ValueError:
        return text


def roundtrip(value: Any) -> Any:
    """``value`` as the service sees it once sent (tuples become lists, and so on)."""
    return json.loads(json.dumps(value, allow_nan=False))
