"""Guarded functions (``Session.guard``): a function of the caller's own, decided by the session's policy.

A call is decided first (``openshell/decide``, a ``tool_call``): the function
runs only when the gateway answers ``allowed: true``, and then with exactly
the arguments the gateway returned (the redacted ones for ``redact``). Its
result is decided next (``openshell/output``, a ``data_output``): the caller
gets only what the gateway answered with ``delivered: true``. Any other
answer raises, and the function does not run, or its result is not returned.
"""

from __future__ import annotations

import asyncio
import functools
import inspect
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from . import _json
from .errors import ActionBlocked, OpenShellError

if TYPE_CHECKING:
    from .client import Session


class _Guard:
    """One guarded function: binds its arguments, asks ``openshell/decide``, passes its result through ``openshell/output``."""

    def __init__(self, session: Session, name: str, fn: Callable[..., Any]) -> None:
        self.session = session
        self.name = name
        self.fn = fn
        self.signature = inspect.signature(fn)

    def bind(self, args: tuple[Any, ...], kwargs: dict[str, Any]) -> inspect.BoundArguments:
        """The call's arguments bound to their names, defaults applied; TypeError for a bad call or a non-JSON value."""
        bound = self.signature.bind(*args, **kwargs)
        bound.apply_defaults()
        for arg, value in bound.arguments.items():
            _json.dumps(value, f"argument {arg!r} of {self.fn.__qualname__}")
        return bound

    def _malformed(self, method: str, member: str, consequence: str) -> OpenShellError:
        """The error for a gateway answer without a usable ``member``: the function is not run, or its result kept."""
        return OpenShellError(f"gateway {method} for {self.name!r}: the answer has no valid {member!r}; {consequence}")

    def decide(self, bound: inspect.BoundArguments) -> inspect.BoundArguments:
        """Ask the policy; the arguments to run with (the redacted ones when they were redacted).

        Raises ActionBlocked unless the answer is ``allowed: true``, and
        OpenShellError when its ``arguments`` do not name exactly the bound
        parameters: the function must not run then.
        """
        sent = {arg: _json.roundtrip(value) for arg, value in bound.arguments.items()}
        r = self.session.gateway("openshell/decide", {"tool": self.name, "arguments": sent}, held=True)
        if r.get("allowed") is not True:
            raise ActionBlocked(r.get("decision"), r.get("policy"), r.get("message"), tool=self.name, stage="call")
        given = r.get("arguments")
        if not isinstance(given, dict) or given.keys() != sent.keys():
            raise self._malformed("openshell/decide", "arguments", "the function was not run")
        for arg, value in given.items():
            if value != sent[arg]:  # redacted: run with the gateway's value (others keep their Python types)
                bound.arguments[arg] = value
        return bound

    def deliver(self, value: Any) -> Any:
        """Pass the result through the ``data_output`` policies; what the caller may see.

        A str is decided as it is, anything else as JSON (parsed back after a
        redaction). Raises ActionBlocked unless the answer is
        ``delivered: true``, and OpenShellError when it carries no text.
        """
        text = value if isinstance(value, str) else _json.dumps(value, f"the result of {self.fn.__qualname__}")
        r = self.session.gateway("openshell/output", {"tool": self.name, "text": text}, held=True)
        if r.get("delivered") is not True:
            raise ActionBlocked(r.get("decision"), r.get("policy"), r.get("message"), tool=self.name, stage="output")
        out = r.get("text")
        if not isinstance(out, str):
            raise self._malformed("openshell/output", "text", "its result is withheld")
        if out == text:
            return value
        return out if isinstance(value, str) else _json.loads_or_text(out)

    def wrap(self) -> Callable[..., Any]:
        """The guarded function: same name, docstring and signature; a coroutine function for an ``async def``."""
        fn = self.fn
        if inspect.iscoroutinefunction(fn):
            @functools.wraps(fn)
            async def guarded_async(*args: Any, **kwargs: Any) -> Any:
                bound = await asyncio.to_thread(self.decide, self.bind(args, kwargs))
                value = await fn(*bound.args, **bound.kwargs)
                return await asyncio.to_thread(self.deliver, value)

            return guarded_async

        @functools.wraps(fn)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            bound = self.decide(self.bind(args, kwargs))
            return self.deliver(fn(*bound.args, **bound.kwargs))

        return guarded
