"""Diagnostics and exceptions of the OpenShell SDK.

Every exception the SDK raises on purpose derives from :class:`OpenShellError`.
Add new exception classes to ``__all__``: the package re-exports it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable, Mapping, Sequence

__all__ = ["Diagnostic", "OpenShellError", "PolicyInvalidError"]


@dataclass(frozen=True)
class Diagnostic:
    """One finding of the policy validator (``osctl validate``, ``POST /v1/policies/validate``).

    ``line`` and ``column`` are 1-based (0 for a finding about the whole file);
    ``end_line``/``end_column`` are set when the extent is known. ``severity`` is
    ``error``, ``warning`` or ``info``; ``code`` is stable (``E012``, see
    docs/diagnostics.md); ``suggestion`` is a replacement text or None.
    """

    code: str
    severity: str
    line: int
    column: int
    message: str
    suggestion: str | None
    file: str
    end_line: int | None = None
    end_column: int | None = None

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Diagnostic:
        """Build a Diagnostic from its JSON form (members the SDK does not know are ignored)."""
        return cls(
            code=str(d.get("code", "")),
            severity=str(d.get("severity", "error")),
            line=int(d.get("line") or 0),
            column=int(d.get("column") or 0),
            message=str(d.get("message", "")),
            suggestion=d.get("suggestion"),
            file=str(d.get("file", "")),
            end_line=d.get("end_line"),
            end_column=d.get("end_column"),
        )

    @property
    def is_error(self) -> bool:
        """True for a diagnostic of severity ``error``."""
        return self.severity == "error"

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}: {self.severity} {self.code}: {self.message}"


def _diagnostic_list(items: Iterable[Any] | None) -> list[Diagnostic]:
    """Diagnostics from their JSON forms (or Diagnostic objects, kept); items of any other kind are skipped."""
    return [d if isinstance(d, Diagnostic) else Diagnostic.from_dict(d) for d in items or ()
            if isinstance(d, (Diagnostic, Mapping))]


def _errors_first(diagnostics: Sequence[Diagnostic]) -> list[Diagnostic]:
    """The findings of severity ``error``, or all of them when there is none (what an exception's message lists)."""
    return [d for d in diagnostics if d.is_error] or list(diagnostics)


class OpenShellError(Exception):
    """Base class of the SDK's exceptions."""


class PolicyInvalidError(OpenShellError):
    """The service found errors in a policy; ``diagnostics`` lists every finding."""

    def __init__(self, diagnostics: Sequence[Diagnostic]):
        self.diagnostics: list[Diagnostic] = list(diagnostics)
        errors = _errors_first(self.diagnostics)
        lines = [f"policy is invalid ({len(errors)} error(s))"] + [str(d) for d in errors]
        super().__init__("\n".join(lines))

    def __reduce__(self):
        return (type(self), (self.diagnostics,))


# --- Errors of the client (openshell.client, openshell.audit): the service's answers and the way to it.

__all__ += [
    "ActionBlocked",
    "ActionRefusedError",
    "ApiError",
    "AuthError",
    "ConflictError",
    "GatewayError",
    "NotFoundError",
    "PolicyRejectedError",
    "RateLimitedError",
    "TransportError",
]


class ApiError(OpenShellError):
    """openshelld answered with an error: an RFC 9457 problem.

    ``slug`` is the stable part of the problem type (``forbidden`` for
    ``urn:openshell:problem:forbidden``), ``detail`` what went wrong, ``field``
    the request field or query parameter at fault (or None), ``problem`` the
    whole problem document.
    """

    def __init__(self, status: int, slug: str, detail: str, field: str | None = None, *,
                 endpoint: str | None = None, problem: Mapping[str, Any] | None = None) -> None:
        self.status = status
        self.slug = slug
        self.detail = detail
        self.field = field
        self.endpoint = endpoint
        self.problem: dict[str, Any] = dict(problem or {})
        OpenShellError.__init__(self, str(self))

    def __str__(self) -> str:
        where = f"openshelld at {self.endpoint}" if self.endpoint else "openshelld"
        text = f"{where}: {self.status} {self.slug}: {self.detail}"
        return text + (f" (field {self.field})" if self.field else "")

    def __reduce__(self):
        return (type(self), (self.status, self.slug, self.detail, self.field), dict(self.__dict__))


class AuthError(ApiError):
    """401 unauthorized (no valid bearer token) or 403 forbidden (no scope for this, or a path or agent not the caller's)."""


class NotFoundError(ApiError):
    """404: no such route, session (or one the caller may not see), approval or state key."""


class ConflictError(ApiError):
    """409: the session is not running, or the approval is no longer pending."""


class RateLimitedError(ApiError):
    """429: too many requests (wait ``retry_after`` seconds), or too many running sessions (``retry_after`` None)."""

    def __init__(self, *args: Any, retry_after: float | None = None, **kwargs: Any) -> None:
        """As :class:`ApiError`, with ``retry_after`` (seconds, or None)."""
        self.retry_after = retry_after
        super().__init__(*args, **kwargs)


class ActionRefusedError(ApiError):
    """403 action-refused: a policy refused an action. ``Session.exec`` returns refusals as results instead."""

    @property
    def decision(self) -> dict[str, Any] | None:
        """``outcome``, ``layer``, ``policy``, ``message`` of the refusal."""
        d = self.problem.get("decision")
        return d if isinstance(d, dict) else None


class PolicyRejectedError(ApiError, PolicyInvalidError):
    """422 policy-invalid: the service refused a policy with errors; ``diagnostics`` lists every finding."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        """As :class:`ApiError`; the diagnostics come from the problem's ``diagnostics``."""
        self.diagnostics = _diagnostic_list((kwargs.get("problem") or {}).get("diagnostics"))
        ApiError.__init__(self, *args, **kwargs)

    def __str__(self) -> str:
        return "\n".join([ApiError.__str__(self)] + [str(d) for d in _errors_first(self.diagnostics)])


class TransportError(OpenShellError):
    """The service could not be reached, or did not answer in time; the message names the endpoint."""

    def __init__(self, endpoint: str, reason: str) -> None:
        self.endpoint = endpoint
        self.reason = reason
        super().__init__(f"openshelld at {endpoint}: {reason}")

    def __reduce__(self):
        return (type(self), (self.endpoint, self.reason))


class GatewayError(OpenShellError):
    """The session's tool gateway answered a JSON-RPC error (``code``, ``message``): bad parameters, for instance."""

    def __init__(self, method: str, code: int, message: str) -> None:
        self.method = method
        self.code = code
        self.message = message
        super().__init__(f"gateway {method}: error {code}: {message}")

    def __reduce__(self):
        return (type(self), (self.method, self.code, self.message))


class ActionBlocked(OpenShellError):
    """A guarded function's call was refused, or its output withheld, by the session's policies.

    Raised by ``Session.guard`` wrappers: the function did not run (``stage``
    ``"call"``) or its result may not be passed on (``stage`` ``"output"``).
    ``decision`` is the outcome (``block``, ``escalate`` when a human denied it
    or the approval expired), ``policy`` the deciding policy (or None),
    ``message`` the policy's message.
    """

    def __init__(self, decision: str | None, policy: str | None, message: str | None, *,
                 tool: str | None = None, stage: str = "call") -> None:
        self.decision = decision
        self.policy = policy
        self.message = message
        self.tool = tool
        self.stage = stage
        what = f"the output of {tool!r} was withheld" if stage == "output" else f"the call of {tool!r} was refused"
        by = f"policy {policy!r}" if policy else "the policy"
        super().__init__(f"{what} by {by} ({decision}): {message or 'no message'}")

    def __reduce__(self):
        return (type(self), (self.decision, self.policy, self.message), dict(self.__dict__))
