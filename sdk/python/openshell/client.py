"""The client of openshelld: sessions, guarded functions, approvals and agent state.

::

    from openshell.client import Client

    client = Client()                      # $OPENSHELL_ENDPOINT, else unix:/run/openshell/api.sock
    with client.start_session(runtime, workspace="/home/ana/ws") as session:
        print(session.exec(["echo", "hi"]).stdout)
        result = session.call_tool("lookup", id=4411)

The caller of a session started here is its agent (``external_agent``): the
service starts no agent process, and decides and audits what the caller asks
for through the session's tool gateway, exactly as it would for an agent in
the sandbox. :class:`AsyncClient` and :class:`AsyncSession` (``openshell.aio``) offer the
same methods as coroutines; they run the blocking calls in worker threads.
The result classes live in ``openshell.results``, :class:`State` in
``openshell.state``; all are importable from here.
"""

from __future__ import annotations

import os
import re
import time
import urllib.parse
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from ._guard import _Guard
from ._transport import EventStream, ServiceClient, Transport
from .aio import AsyncClient, AsyncSession, AsyncState
from .audit import AuditEvent
from .errors import ActionRefusedError, ConflictError, Diagnostic, GatewayError, _diagnostic_list
from .results import (
    Approval,
    Decision,
    ExecResult,
    OutputChunk,
    ResponseResult,
    ServiceInfo,
    SessionEvent,
    SessionInfo,
    Snapshot,
    ToolResult,
)
from .state import State, _GatewayState, _ServiceState

__all__ = [  # explicit, for static tools: the names of this module, of .aio and of .results
    "Approval",
    "AsyncClient",
    "AsyncSession",
    "AsyncState",
    "Client",
    "Decision",
    "ExecResult",
    "OutputChunk",
    "ResponseResult",
    "ServiceInfo",
    "Session",
    "SessionEvents",
    "SessionInfo",
    "Snapshot",
    "State",
    "ToolResult",
]

F = TypeVar("F", bound=Callable[..., Any])

_MARGIN = 60.0  # seconds added to the longest a held request may legitimately wait


def _session_path(session_id: str, suffix: str = "") -> str:
    """``/v1/sessions/{id}`` (the id escaped) and ``suffix``."""
    return "/v1/sessions/" + urllib.parse.quote(session_id, safe="") + suffix


# --- sessions ---------------------------------------------------------------------------------


class SessionEvents:
    """A session's live event stream: :class:`AuditEvent` for each audited event, :class:`OutputChunk` for output.

    Iteration stops after the session's ``end`` (then ``final`` holds the
    ended session). ``close()`` stops it early, also from another thread.
    """

    def __init__(self, stream: EventStream) -> None:
        self._stream = stream
        self._done = False
        self.final: SessionInfo | None = None

    def __iter__(self) -> SessionEvents:
        return self

    def __next__(self) -> SessionEvent:
        if not self._done:
            for event in self._stream:
                if event.event == "audit" and isinstance(event.data, Mapping):
                    return AuditEvent.from_json(event.data)
                if event.event == "output" and isinstance(event.data, Mapping):
                    return OutputChunk.from_json(event.data)
                if event.event == "end":
                    if isinstance(event.data, Mapping) and "id" in event.data:
                        self.final = SessionInfo.from_json(event.data)
                    break
            self.close()
        raise StopIteration

    def close(self) -> None:
        """Stop following the session (also from another thread); iteration then ends."""
        self._done = True
        self._stream.close()

    def __enter__(self) -> SessionEvents:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class Session:
    """A running session whose agent is the caller. Use it as a context manager: leaving it ends the session.

    Every action goes through the session's policy and is audited: ``exec``
    runs a command in a fresh sandbox, ``call_tool`` a declared tool,
    ``guard`` decides calls of a function of the caller's own.
    """

    def __init__(self, transport: Transport, info: SessionInfo, *, approval_timeout: float = 300.0) -> None:
        self._transport = transport
        self._info = info
        self._approval_timeout = approval_timeout
        self.id = info.id

    def __repr__(self) -> str:
        return f"Session({self.id!r})"

    def __enter__(self) -> Session:
        return self

    def __exit__(self, *exc: object) -> None:
        self.end()

    def _path(self, suffix: str = "") -> str:
        """This session's path, and ``suffix``."""
        return _session_path(self.id, suffix)

    def _held_timeout(self, extra: float = 0.0) -> float | None:
        """For requests that may wait for an approval (or a throttle): long enough for the approval timeout."""
        base = self._transport.timeout
        return None if base is None else max(base, self._approval_timeout + extra + _MARGIN)

    # -- the session itself

    def info(self) -> SessionInfo:
        """The session as the service sees it now."""
        self._info = SessionInfo.from_json(self._transport.request_object("GET", self._path()))
        return self._info

    def end(self, *, wait: float | None = 120.0) -> SessionInfo:
        """End the session (``DELETE``) and wait up to ``wait`` seconds until it has ended.

        The service applies the policy's ``cleanup_policy``. Ending a session that
        has already ended is not an error.
        """
        try:
            self._transport.request("DELETE", self._path())
        except ConflictError:
            pass  # already ending or ended
        deadline = None if wait is None else time.monotonic() + wait
        delay = 0.05
        while True:
            info = self.info()
            if info.state == "ended" or (deadline is not None and time.monotonic() >= deadline):
                return info
            time.sleep(delay)
            delay = min(delay * 2, 0.5)

    def snapshot(self) -> Snapshot:
        """Archive the workspace now; the service keeps it sealed. Restore it with ``start_session(restore=...)``."""
        return Snapshot.from_json(self._transport.request_object("POST", self._path("/snapshot")))

    # -- actions

    def exec(self, argv: list[str], stdin: str | None = None, timeout: float | None = None) -> ExecResult:
        """Run ``argv`` in a fresh sandbox of the session (decided as a ``tool_call`` of ``exec``).

        ``timeout`` (seconds, at most 600; default 60) kills it. A command the
        policy refuses, or whose output it withholds, is a result with
        ``refused`` True, not an exception.
        """
        body: dict[str, Any] = {"argv": list(argv)}
        if stdin is not None:
            body["stdin"] = stdin
        if timeout is not None:
            body["timeout_seconds"] = timeout
        try:
            r = self._transport.request_object("POST", self._path("/exec"), body,
                                               timeout=self._held_timeout(timeout if timeout is not None else 60.0))
        except ActionRefusedError as refused:
            return ExecResult.refusal(refused.decision)
        return ExecResult.from_json(r)

    def gateway(self, method: str, params: Mapping[str, Any] | None = None, *, held: bool = False) -> dict[str, Any]:
        """Call one method of the session's tool gateway (``POST /v1/sessions/{id}/gateway``); its result.

        ``held``: the call may wait for an approval. A JSON-RPC error raises
        :class:`GatewayError`.
        """
        body: dict[str, Any] = {"method": method}
        if params is not None:
            body["params"] = dict(params)
        answer = self._transport.request_object("POST", self._path("/gateway"), body,
                                                timeout=self._held_timeout() if held else self._transport.timeout)
        if "error" in answer:
            error = answer["error"]
            if not isinstance(error, Mapping):
                error = {"message": "" if error is None else str(error)}
            code = error.get("code")
            raise GatewayError(method, code if isinstance(code, int) and not isinstance(code, bool) else 0,
                               str(error.get("message", "")))
        result = answer.get("result")
        return result if isinstance(result, dict) else {}

    def tools(self) -> list[dict[str, Any]]:
        """The tools the policy declares (``tools/list``: name, description, inputSchema)."""
        return _objects(self.gateway("tools/list").get("tools"))

    def call_tool(self, name: str, /, **arguments: Any) -> ToolResult:
        """Call a declared tool with ``arguments``; it runs in its own sandbox. Refusals are results (``refused``)."""
        return ToolResult.from_json(self.gateway("tools/call", {"name": name, "arguments": arguments}, held=True))

    def respond(self, text: str) -> ResponseResult:
        """Decide the agent's response to its user (``agent_response``): what may be shown."""
        r = self.gateway("openshell/respond", {"text": text}, held=True)
        return ResponseResult.from_json(r)

    def report_usage(self, cost: float, **fields: Any) -> float:
        """Record a model call's cost (and other fields, such as tokens); the session's total cost so far."""
        total = self.gateway("openshell/usage", {"cost": cost, **fields}).get("total_cost")
        return float(total) if isinstance(total, (int, float)) else 0.0

    def reasoning(self, text: str) -> None:
        """Record the model's reasoning, for replay."""
        self.gateway("openshell/reasoning", {"text": text})

    def events(self, after: int = 0) -> SessionEvents:
        """Follow the session: its recorded events after seq ``after``, then new ones live, until it ends."""
        return SessionEvents(self._transport.events(self._path("/events"), query={"after": after}))

    def guard(self, name: str | Callable[..., Any] | None = None) -> Any:
        """Decorator: every call of the function is decided by the session's policy as a ``tool_call`` of ``name``.

        The function runs in the caller's own process, not in a sandbox: this
        is policy without isolation (use a declared tool and :meth:`call_tool`
        for that). Its arguments (bound to their names, defaults applied; JSON
        only, else TypeError) are decided first: refused, the function does not
        run and :class:`~openshell.errors.ActionBlocked` is raised; redacted, it
        runs with the redacted arguments; escalated, the call waits for a
        human. Its result (a str as is, anything else as JSON) is then decided
        as ``data_output``: withheld raises ActionBlocked, redacted returns the
        redacted text (parsed back from JSON when the function did not return
        a str). Exceptions of the function propagate unchanged. ``async def``
        functions give coroutine functions. ``name`` defaults to the function's.
        """
        if callable(name):
            return _Guard(self, name.__name__, name).wrap()

        def decorate(fn: F) -> F:
            return _Guard(self, name or fn.__name__, fn).wrap()  # type: ignore[return-value]

        return decorate

    def state(self) -> State:
        """State of the session's agent (the policy's ``agent.name``), through the gateway."""
        return _GatewayState(self)


# --- the client -------------------------------------------------------------------------------


_NAME = re.compile(r"^name:\s*['\"]?([a-z0-9][a-z0-9_-]*)", re.MULTILINE)


def _policy_body(policy: Any, policy_name: str | None) -> dict[str, Any]:
    """The policy members of a request: an OpenShellRuntime or YAML text inline, a path as ``policy_path``."""
    if isinstance(policy, os.PathLike):
        return {"policy_path": os.path.abspath(os.fspath(policy))}
    if hasattr(policy, "to_yaml"):
        text, name = policy.to_yaml(), getattr(policy, "name", None)
    elif isinstance(policy, str):
        text, name = policy, None
    else:
        raise TypeError(f"a policy is an OpenShellRuntime, YAML text or a path, not {type(policy).__name__}")
    if not name:
        m = _NAME.search(text)
        name = m.group(1) if m else "policy"
    return {"policy_yaml": text, "policy_name": policy_name or f"{name}.policy.yaml"}


def _objects(value: Any) -> list[dict[str, Any]]:
    """The JSON objects of a JSON list (anything else: none)."""
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


class Client(ServiceClient):
    """A client of openshelld.

    ``endpoint`` (``unix:PATH``, ``http://HOST:PORT``, ``https://HOST:PORT``),
    ``token`` and ``ca`` default to ``$OPENSHELL_ENDPOINT`` (else
    ``unix:/run/openshell/api.sock``), ``$OPENSHELL_TOKEN`` and
    ``$OPENSHELL_CA``; ``$OPENSHELL_RESOLVE`` maps host names to addresses.
    ``timeout`` is how long a request may take (requests that wait for an
    approval get longer). One client may be used from several threads.
    """

    def info(self) -> ServiceInfo:
        """The service, the caller as the service sees it, the isolation modes available."""
        return ServiceInfo.from_json(self._transport.request_object("GET", "/v1/info"))

    def validate_policy(self, text: Any, name: str | None = None) -> tuple[bool, list[Diagnostic], Any]:
        """Check a policy (YAML text, an OpenShellRuntime or a path): ``(valid, diagnostics, document)``.

        ``document`` is the YAML as JSON (None when it could not be parsed).
        """
        body = self._transport.request_object("POST", "/v1/policies/validate", _policy_body(text, name))
        return body.get("valid") is True, _diagnostic_list(body.get("diagnostics")), body.get("document")

    def start_session(self, runtime_or_yaml: Any, workspace: str | os.PathLike[str] | None = None,
                      isolation: str | None = None, *, approvals: str = "store",
                      approval_timeout_seconds: int | None = None, policy_name: str | None = None,
                      restore: str | None = None) -> Session:
        """Start a session whose agent is the caller (``external_agent``) under this policy.

        ``runtime_or_yaml``: an OpenShellRuntime, the YAML text, or a path
        (``os.PathLike``) of a policy file on the service's host (then tool
        commands may name files of its folder). ``workspace``: a folder of the
        caller's own (default: a fresh one). ``isolation`` overrides the
        policy's. ``approvals``: ``store`` (a human answers through the API,
        osctl or the studio), ``auto-approve`` or ``auto-deny``. ``restore``
        names a snapshot of the caller's (a session id, or a name
        ``Session.snapshot()`` returned) to start the workspace from. Raises
        PolicyRejectedError when the policy has errors.
        """
        body: dict[str, Any] = {**_policy_body(runtime_or_yaml, policy_name), "external_agent": True,
                                "approvals": approvals}
        if workspace is not None:
            body["workspace"] = os.path.abspath(os.fspath(workspace))
        if isolation is not None:
            body["isolation"] = isolation
        if approval_timeout_seconds is not None:
            body["approval_timeout_seconds"] = approval_timeout_seconds
        if restore is not None:
            body["restore"] = restore
        info = SessionInfo.from_json(self._transport.request_object("POST", "/v1/sessions", body))
        return Session(self._transport, info, approval_timeout=float(approval_timeout_seconds or 300))

    def session(self, session_id: str) -> Session:
        """A session already running (started by this client or another of the same user)."""
        info = SessionInfo.from_json(self._transport.request_object("GET", _session_path(session_id)))
        return Session(self._transport, info)

    def sessions(self) -> list[SessionInfo]:
        """The sessions this service has run since it started (the caller's own, unless it may read all)."""
        body = self._transport.request_object("GET", "/v1/sessions")
        return [SessionInfo.from_json(s) for s in _objects(body.get("sessions"))]

    def approvals(self, status: str = "pending") -> list[Approval]:
        """Held actions: ``pending`` ones, or ``all``."""
        body = self._transport.request_object("GET", "/v1/approvals", query={"status": status})
        return [Approval.from_json(a) for a in _objects(body.get("approvals"))]

    def approve(self, approval_id: int, note: str | None = None) -> Approval | None:
        """Release a held action (scope ``approvals``); the resolved approval."""
        return self._resolve(approval_id, "approve", note)

    def deny(self, approval_id: int, note: str | None = None) -> Approval | None:
        """Refuse a held action (scope ``approvals``); the resolved approval."""
        return self._resolve(approval_id, "deny", note)

    def _resolve(self, approval_id: int, verdict: str, note: str | None) -> Approval | None:
        """``POST /v1/approvals/{id}/{verdict}``; the resolved approval (None when the answer has none)."""
        body = {} if note is None else {"note": note}
        answer = self._transport.request("POST", f"/v1/approvals/{int(approval_id)}/{verdict}", body).body
        return Approval.from_json(answer) if isinstance(answer, Mapping) else None

    def delete_snapshot(self, name: str) -> None:
        """Remove a sealed snapshot of the caller's (NotFoundError when there is none)."""
        self._transport.request("DELETE", "/v1/snapshots/" + urllib.parse.quote(name, safe=""))

    def state(self, agent: str, owner: int | None = None) -> State:
        """The caller's own state of ``agent`` (every user has their own); ``owner``: another user's (root only)."""
        return _ServiceState(self._transport, agent, owner)
