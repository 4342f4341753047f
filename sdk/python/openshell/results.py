"""What the service's answers are made into: sessions, approvals, exec and tool results, output chunks.

Every class is a frozen dataclass; ``from_json`` builds one from the API's
JSON object, ignoring members the SDK does not know. ``openshell.client``
re-exports them all.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Union

from .audit import AuditEvent, parse_time

__all__ = [
    "Approval",
    "Decision",
    "ExecResult",
    "OutputChunk",
    "ResponseResult",
    "ServiceInfo",
    "SessionEvent",
    "SessionInfo",
    "Snapshot",
    "ToolResult",
]

#: An item of a session's event stream.
SessionEvent = Union[AuditEvent, "OutputChunk"]


def _mapping(value: Any) -> Mapping[str, Any]:
    """``value`` when it is a JSON object, else an empty one."""
    return value if isinstance(value, Mapping) else {}


@dataclass(frozen=True)
class ServiceInfo:
    """``GET /v1/info``: the service, who it takes the caller to be (``peer``), the isolation modes it can run."""

    service: str
    version: str
    api: str
    peer: dict[str, Any]
    isolation: dict[str, Any]

    @classmethod
    def from_json(cls, d: Mapping[str, Any]) -> ServiceInfo:
        """From the answer of ``GET /v1/info``."""
        return cls(str(d.get("service", "")), str(d.get("version", "")), str(d.get("api", "")),
                   dict(_mapping(d.get("peer"))), dict(_mapping(d.get("isolation"))))


@dataclass(frozen=True)
class SessionInfo:
    """A session of the service (``state`` is ``running``, ``ending`` or ``ended``); times are UTC."""

    id: str
    state: str
    owner_uid: int | None = None
    isolation: str | None = None
    policy_file: str | None = None
    policy_hash: str | None = None
    command: list[str] = field(default_factory=list)
    workspace: str | None = None
    run_dir: str | None = None
    started_at: datetime | None = None
    ended_at: datetime | None = None
    exit_status: int | None = None
    exit_reason: str | None = None

    @classmethod
    def from_json(cls, d: Mapping[str, Any]) -> SessionInfo:
        """From a session object of the API (``id`` is required)."""
        return cls(id=str(d["id"]), state=str(d.get("state", "")), owner_uid=d.get("owner_uid"),
                   isolation=d.get("isolation"), policy_file=d.get("policy_file"), policy_hash=d.get("policy_hash"),
                   command=list(d.get("command") or []), workspace=d.get("workspace"), run_dir=d.get("run_dir"),
                   started_at=parse_time(d.get("started_at")), ended_at=parse_time(d.get("ended_at")),
                   exit_status=d.get("exit_status"), exit_reason=d.get("exit_reason"))


@dataclass(frozen=True)
class Snapshot:
    """A snapshot of a session's workspace, sealed by the service; restore it with ``start_session(restore=name)``."""

    name: str
    session: str
    bytes: int

    @classmethod
    def from_json(cls, d: Mapping[str, Any]) -> Snapshot:
        """From ``POST /v1/sessions/{id}/snapshot``'s answer."""
        return cls(name=str(d["snapshot"]), session=str(d.get("session", "")), bytes=int(d.get("bytes") or 0))


@dataclass(frozen=True)
class Approval:
    """A held action (``GET /v1/approvals``); ``status`` is ``pending``, ``approved``, ``denied`` or ``expired``."""

    id: int
    session_id: str
    status: str
    tool: str | None = None
    parameters: Any = None
    message: str | None = None
    policy: str | None = None
    queue: str | None = None
    seq: int | None = None
    created: datetime | None = None
    resolved: datetime | None = None
    note: str | None = None
    resolver: str | None = None
    resolver_uid: int | None = None
    request: Any = None
    decision: Any = None

    @classmethod
    def from_json(cls, d: Mapping[str, Any]) -> Approval:
        """From an approval object of the API (``id`` is required)."""
        return cls(id=int(d["id"]), session_id=str(d.get("session_id", "")), status=str(d.get("status", "")),
                   tool=d.get("tool"), parameters=d.get("parameters"), message=d.get("message"),
                   policy=d.get("policy"), queue=d.get("queue"), seq=d.get("seq"), created=parse_time(d.get("created")),
                   resolved=parse_time(d.get("resolved")), note=d.get("note"), resolver=d.get("resolver"),
                   resolver_uid=d.get("resolver_uid"), request=d.get("request"), decision=d.get("decision"))


@dataclass(frozen=True)
class Decision:
    """How an exec was decided: ``outcome`` (allow, log, block, redact, throttle, escalate), ``layer``, ``policy``, ``message``."""

    outcome: str
    layer: str | None = None
    policy: str | None = None
    message: str | None = None

    @classmethod
    def from_json(cls, d: Any) -> Decision | None:
        """From a decision object of the API (``outcome``, or ``decision``); None for anything else."""
        if not isinstance(d, Mapping):
            return None
        return cls(str(d.get("outcome") or d.get("decision") or ""), d.get("layer"), d.get("policy"),
                   d.get("message") or None)


@dataclass(frozen=True)
class ExecResult:
    """What an exec did. A refusal by the policy is a result: ``refused`` True, ``exit_code`` None, ``decision`` why."""

    exit_code: int | None
    stdout: str
    stderr: str
    timed_out: bool
    truncated: bool
    decision: Decision | None
    refused: bool = False

    @classmethod
    def from_json(cls, r: Mapping[str, Any]) -> ExecResult:
        """From the answer of ``POST /v1/sessions/{id}/exec``."""
        return cls(r.get("exit_code"), r.get("stdout") or "", r.get("stderr") or "", bool(r.get("timed_out")),
                   bool(r.get("truncated")), Decision.from_json(r.get("decision")))

    @classmethod
    def refusal(cls, decision: Any) -> ExecResult:
        """The result of an exec the policy refused (``decision``: the problem's decision object)."""
        return cls(None, "", "", False, False, Decision.from_json(decision), refused=True)


@dataclass(frozen=True)
class ToolResult:
    """A declared tool's answer (``tools/call``).

    ``content`` is the tool's ``structuredContent`` (a dict) when it printed a
    JSON object, else its text. ``decision``, ``policy``, ``message`` and
    ``timings`` (milliseconds: queue, decision, execution, output_check,
    total) come from the gateway's ``_meta.openshell``; they may be None for a
    refused call, whose ``message`` is then the refusal's text.
    """

    ok: bool
    content: Any
    decision: str | None
    policy: str | None
    message: str | None
    timings: dict[str, float] | None
    raw: dict[str, Any] = field(default_factory=dict, repr=False)

    @property
    def refused(self) -> bool:
        """The call was refused, or its output withheld, by the policy (not a failure of the tool itself)."""
        if self.decision in ("block", "escalate"):
            return True
        text = self.content if isinstance(self.content, str) else ""
        return not self.ok and text.startswith(("Refused by OpenShell:", "Output withheld by OpenShell:"))

    @classmethod
    def from_json(cls, r: Mapping[str, Any]) -> ToolResult:
        """From the result of the gateway's ``tools/call``."""
        items = r.get("content")
        text = "\n".join(str(i.get("text", "")) for i in (items if isinstance(items, list) else [])
                         if isinstance(i, Mapping) and i.get("type") == "text")
        structured = r.get("structuredContent")
        meta = _mapping(_mapping(r.get("_meta")).get("openshell"))
        is_error = bool(r.get("isError"))
        return cls(ok=not is_error, content=structured if isinstance(structured, dict) else text,
                   decision=meta.get("decision"), policy=meta.get("policy"),
                   message=meta.get("message") or (text if is_error and not meta else None),
                   timings=meta.get("timings_ms"), raw=dict(r))


@dataclass(frozen=True)
class ResponseResult:
    """The agent's response as decided (``agent_response``): ``text`` is what may be shown (redacted), None when refused."""

    delivered: bool
    text: str | None
    decision: str | None
    policy: str | None
    message: str | None

    @classmethod
    def from_json(cls, r: Mapping[str, Any]) -> ResponseResult:
        """From the result of the gateway's ``openshell/respond``."""
        delivered, text = r.get("delivered") is True, r.get("text")
        return cls(delivered, text if delivered and isinstance(text, str) else None, r.get("decision"),
                   r.get("policy"), r.get("message"))


@dataclass(frozen=True)
class OutputChunk:
    """Output of the session's agent process from the event stream (``stream`` is ``stdout`` or ``stderr``)."""

    stream: str
    data: str

    @classmethod
    def from_json(cls, d: Mapping[str, Any]) -> OutputChunk:
        """From the data of an ``output`` event."""
        return cls(str(d.get("stream", "")), str(d.get("data", "")))
