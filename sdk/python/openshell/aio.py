"""The client with coroutines: :class:`AsyncClient`, :class:`AsyncSession`, :class:`AsyncState`.

Each coroutine runs the blocking method of the same name (``self.sync``) in a
worker thread (``asyncio.to_thread``), so the event loop never waits on the
network. ``openshell.client`` re-exports these classes.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator, Callable, Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from .errors import Diagnostic
from .results import Approval, ExecResult, ResponseResult, ServiceInfo, SessionEvent, SessionInfo, Snapshot, ToolResult
from .state import State

if TYPE_CHECKING:
    from .client import Session

__all__ = ["AsyncClient", "AsyncSession", "AsyncState"]

T = TypeVar("T")


async def _run(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """``fn(*args, **kwargs)`` in a worker thread."""
    return await asyncio.to_thread(fn, *args, **kwargs)


class AsyncState:
    """:class:`~openshell.state.State` with coroutines."""

    def __init__(self, state: State) -> None:
        self.sync = state
        self.agent = state.agent

    async def get(self, key: str, default: Any = None) -> Any:
        """The value of ``key``, or ``default`` when there is none."""
        return await _run(self.sync.get, key, default)

    async def put(self, key: str, value: Any) -> None:
        """Store ``value`` (JSON) under ``key``, replacing what was there."""
        await _run(self.sync.put, key, value)

    async def delete(self, key: str) -> bool:
        """Remove ``key``; False when it was not there."""
        return await _run(self.sync.delete, key)

    async def keys(self, prefix: str = "") -> list[str]:
        """The keys starting with ``prefix``, sorted."""
        return await _run(self.sync.keys, prefix)


class AsyncSession:
    """:class:`~openshell.client.Session` with coroutines; ``async with`` ends it on exit."""

    def __init__(self, session: Session) -> None:
        self.sync = session
        self.id = session.id

    def __repr__(self) -> str:
        return f"AsyncSession({self.id!r})"

    async def __aenter__(self) -> AsyncSession:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.end()

    async def info(self) -> SessionInfo:
        """The session as the service sees it now."""
        return await _run(self.sync.info)

    async def end(self, *, wait: float | None = 120.0) -> SessionInfo:
        """End the session and wait up to ``wait`` seconds until it has ended."""
        return await _run(self.sync.end, wait=wait)

    async def snapshot(self) -> Snapshot:
        """Archive the workspace now (sealed by the service)."""
        return await _run(self.sync.snapshot)

    async def exec(self, argv: list[str], stdin: str | None = None, timeout: float | None = None) -> ExecResult:
        """Run ``argv`` in a fresh sandbox of the session; a refusal is a result (``refused``)."""
        return await _run(self.sync.exec, argv, stdin, timeout)

    async def gateway(self, method: str, params: Mapping[str, Any] | None = None, *, held: bool = False) -> dict[str, Any]:
        """Call one method of the session's tool gateway; its result."""
        return await _run(self.sync.gateway, method, params, held=held)

    async def tools(self) -> list[dict[str, Any]]:
        """The tools the policy declares."""
        return await _run(self.sync.tools)

    async def call_tool(self, name: str, /, **arguments: Any) -> ToolResult:
        """Call a declared tool with ``arguments``; refusals are results (``refused``)."""
        return await _run(self.sync.call_tool, name, **arguments)

    async def respond(self, text: str) -> ResponseResult:
        """Decide the agent's response to its user: what may be shown."""
        return await _run(self.sync.respond, text)

    async def report_usage(self, cost: float, **fields: Any) -> float:
        """Record a model call's cost (and other fields); the session's total cost so far."""
        return await _run(self.sync.report_usage, cost, **fields)

    async def reasoning(self, text: str) -> None:
        """Record the model's reasoning, for replay."""
        await _run(self.sync.reasoning, text)

    async def events(self, after: int = 0) -> AsyncIterator[SessionEvent]:
        """The live event stream as an async iterator (each event is awaited in a worker thread)."""
        stream = await _run(self.sync.events, after)
        done = object()
        try:
            while (event := await _run(next, stream, done)) is not done:
                yield event  # type: ignore[misc]
        finally:
            stream.close()

    def guard(self, name: str | Callable[..., Any] | None = None) -> Any:
        """As :meth:`Session.guard`: ``async def`` functions become coroutine functions, plain ones stay plain."""
        return self.sync.guard(name)

    def state(self) -> AsyncState:
        """State of the session's agent, with coroutines."""
        return AsyncState(self.sync.state())


class AsyncClient:
    """:class:`~openshell.client.Client` with coroutines (same arguments)."""

    def __init__(self, endpoint: str | None = None, token: str | None = None, *, ca: str | None = None,
                 timeout: float | None = 60.0) -> None:
        from .client import Client  # openshell.client re-exports this module's classes: imported when used

        self.sync = Client(endpoint, token, ca=ca, timeout=timeout)

    @property
    def endpoint(self) -> str:
        """The endpoint as given."""
        return self.sync.endpoint

    def __repr__(self) -> str:
        return f"AsyncClient({self.endpoint!r})"

    async def __aenter__(self) -> AsyncClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        return None

    async def info(self) -> ServiceInfo:
        """The service, the caller as the service sees it, the isolation modes available."""
        return await _run(self.sync.info)

    async def validate_policy(self, text: Any, name: str | None = None) -> tuple[bool, list[Diagnostic], Any]:
        """Check a policy: ``(valid, diagnostics, document)``."""
        return await _run(self.sync.validate_policy, text, name)

    async def start_session(self, runtime_or_yaml: Any, workspace: str | os.PathLike[str] | None = None,
                            isolation: str | None = None, **options: Any) -> AsyncSession:
        """Start a session whose agent is the caller (options as :meth:`Client.start_session`)."""
        return AsyncSession(await _run(self.sync.start_session, runtime_or_yaml, workspace, isolation, **options))

    async def session(self, session_id: str) -> AsyncSession:
        """A session already running."""
        return AsyncSession(await _run(self.sync.session, session_id))

    async def sessions(self) -> list[SessionInfo]:
        """The sessions this service has run since it started."""
        return await _run(self.sync.sessions)

    async def approvals(self, status: str = "pending") -> list[Approval]:
        """Held actions: ``pending`` ones, or ``all``."""
        return await _run(self.sync.approvals, status)

    async def approve(self, approval_id: int, note: str | None = None) -> Approval | None:
        """Release a held action; the resolved approval."""
        return await _run(self.sync.approve, approval_id, note)

    async def deny(self, approval_id: int, note: str | None = None) -> Approval | None:
        """Refuse a held action; the resolved approval."""
        return await _run(self.sync.deny, approval_id, note)

    async def delete_snapshot(self, name: str) -> None:
        """Remove a sealed snapshot of the caller's."""
        await _run(self.sync.delete_snapshot, name)

    def state(self, agent: str, owner: int | None = None) -> AsyncState:
        """The caller's own state of ``agent`` (``owner``: another user's, root only), with coroutines."""
        return AsyncState(self.sync.state(agent, owner))
