"""Reading the audit store through openshelld (``GET /v1/audit/events``).

::

    from openshell.audit import AuditClient

    audit = AuditClient(endpoint="https://openshell-audit.internal.com")
    violations = await audit.query(time_range="1h", event_type="policy_violation",
                                   severity=["warning", "critical"])

The coroutines (:meth:`AuditClient.query`, :meth:`AuditClient.replay`) run the
blocking variants :meth:`AuditClient.query_sync` and
:meth:`AuditClient.replay_sync` in a worker thread; use those from code that
has no event loop.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import AsyncIterator, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from ._transport import ServiceClient

__all__ = ["AuditClient", "AuditEvent", "POLICY_VIOLATION_DECISIONS", "parse_time"]

#: ``event_type="policy_violation"``: every event a policy did not simply let through.
POLICY_VIOLATION_DECISIONS = ("block", "redact", "throttle", "escalate")
_EGRESS_REFUSED = ("block", "escalate")
_PAGE = 1000


def parse_time(value: Any) -> datetime | None:
    """An ISO 8601 time of the service (``2026-12-02T07:11:54.492Z``) or seconds since the epoch, as an aware UTC datetime."""
    if value is None or value == "":
        return None
    if isinstance(value, (int, float)):
        return datetime.fromtimestamp(value, tz=timezone.utc)
    t = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    return t.replace(tzinfo=timezone.utc) if t.tzinfo is None else t.astimezone(timezone.utc)


def _egress_destination(parameters: Any) -> str | None:
    """``host:port`` of a network_egress event's parameters (under ``destination``, or flat)."""
    if not isinstance(parameters, Mapping):
        return None
    where = parameters.get("destination")
    where = where if isinstance(where, Mapping) else parameters
    host = where.get("host") or where.get("ip")
    if not host:
        return None
    port = where.get("port")
    if port is None:
        return str(host)
    return f"[{host}]:{port}" if ":" in str(host) else f"{host}:{port}"


def _egress_bytes(parameters: Any) -> int | None:
    """The request's size of a network_egress event's parameters, when recorded."""
    if not isinstance(parameters, Mapping):
        return None
    request = parameters.get("request")
    value = request.get("bytes") if isinstance(request, Mapping) else None
    return int(value) if isinstance(value, (int, float)) else None


@dataclass(frozen=True)
class AuditEvent:
    """One audited event, as ``GET /v1/audit/events`` and a session's event stream give it.

    ``action_taken`` is the decision (``allow``, ``log``, ``block``, ``redact``,
    ``throttle``, ``escalate``), or ``"none"`` for events nothing decided.
    The egress fields are set for ``network_egress`` events only:
    ``destination`` (``host:port``), ``approved`` (the connection went ahead:
    neither blocked nor held) and ``bytes_sent`` (the request's size, when
    recorded). With ``query(fields=[...])`` the attributes not asked for are None.
    """

    timestamp: datetime | None
    session_id: str | None
    seq: int | None
    event_type: str | None
    tool: str | None
    policy_name: str | None
    action_taken: str | None
    severity: str | None
    details: str | None
    parameters: dict[str, Any] | None
    layer: str | None
    policy_hash: str | None = None
    chain: str | None = None
    trace: dict[str, Any] | None = None
    destination: str | None = None
    approved: bool | None = None
    bytes_sent: int | None = None

    @classmethod
    def from_json(cls, event: Mapping[str, Any]) -> AuditEvent:
        """From one event object of the API (every member optional, as with ``fields``)."""
        kind = event.get("type")
        decision = event.get("decision")
        parameters = event.get("parameters")
        egress = kind == "network_egress"
        return cls(
            timestamp=parse_time(event.get("ts")),
            session_id=event.get("session_id"),
            seq=event.get("seq"),
            event_type=kind,
            tool=event.get("tool"),
            policy_name=event.get("policy"),
            action_taken=decision or "none",
            severity=event.get("severity"),
            details=event.get("message"),
            parameters=parameters,
            layer=event.get("layer"),
            policy_hash=event.get("policy_hash"),
            chain=event.get("chain"),
            trace=event.get("trace"),
            destination=_egress_destination(parameters) if egress else None,
            approved=(decision not in _EGRESS_REFUSED) if egress else None,
            bytes_sent=_egress_bytes(parameters) if egress else None,
        )

    def only(self, fields: Iterable[str]) -> AuditEvent:
        """A copy with every attribute but ``fields`` set to None."""
        keep = set(fields)
        return dataclasses.replace(self, **{f.name: None for f in dataclasses.fields(self) if f.name not in keep})


#: The API members each attribute is made from (for ``fields=``: the query asks only for those).
_SOURCES: dict[str, tuple[str, ...]] = {
    "timestamp": ("ts",),
    "session_id": ("session_id",),
    "seq": ("seq",),
    "event_type": ("type",),
    "tool": ("tool",),
    "policy_name": ("policy",),
    "action_taken": ("decision",),
    "severity": ("severity",),
    "details": ("message",),
    "parameters": ("parameters",),
    "layer": ("layer",),
    "policy_hash": ("policy_hash",),
    "chain": ("chain",),
    "trace": ("trace",),
    "destination": ("type", "parameters"),
    "approved": ("type", "decision"),
    "bytes_sent": ("type", "parameters"),
}
assert set(_SOURCES) == {f.name for f in dataclasses.fields(AuditEvent)}


def _since(value: str | timedelta | datetime | None) -> str | None:
    """``time_range`` as the API's ``since``: a duration (``30m``, ``1h``, ``2d``, ``1w``), a timedelta or a datetime."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, timedelta):
        return f"{max(1, int(value.total_seconds()))}s"
    if isinstance(value, datetime):
        t = value if value.tzinfo else value.replace(tzinfo=timezone.utc)
        return t.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
    raise TypeError(f"time_range must be a duration such as '1h', a timedelta or a datetime, not {type(value).__name__}")


def _as_list(value: str | Iterable[str] | None) -> list[str]:
    """A filter value as a list: None is none, a str is one item."""
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(value)


class AuditClient(ServiceClient):
    """Queries of the audit store of one openshelld.

    ``endpoint``, ``token`` and ``ca`` default to ``$OPENSHELL_ENDPOINT``,
    ``$OPENSHELL_TOKEN`` and ``$OPENSHELL_CA`` (``$OPENSHELL_RESOLVE`` applies).
    Reading every session's events needs the ``audit`` scope; with only
    ``sessions`` a caller sees the events of its own sessions.
    """

    # -- blocking ---------------------------------------------------------------------------

    def query_sync(
        self,
        time_range: str | timedelta | datetime | None = None,
        event_type: str | Iterable[str] | None = None,
        severity: str | Iterable[str] | None = None,
        *,
        fields: Iterable[str] | None = None,
        session: str | None = None,
        tool: str | None = None,
        decision: str | Iterable[str] | None = None,
        until: str | datetime | None = None,
        max_events: int = 100_000,
    ) -> list[AuditEvent]:
        """Events matching every filter given, oldest first, following pages until done or ``max_events``.

        - ``time_range``: how far back (``30m``, ``1h``, ``2d``, ``1w``; also a
          timedelta, or a datetime to start from); ``until`` the end.
        - ``event_type``: ``policy_violation`` (every event decided ``block``,
          ``redact``, ``throttle`` or ``escalate``) and/or audit types
          (``tool_call``, ``network_egress``, ...).
        - ``severity``: ``debug``, ``info``, ``warning``, ``critical`` (any of them).
        - ``fields``: the :class:`AuditEvent` attributes to fill; the others are
          None. An unknown name is a ValueError.
        """
        wanted = None if fields is None else list(fields)
        if wanted is not None:
            unknown = [f for f in wanted if f not in _SOURCES]
            if unknown:
                raise ValueError(f"unknown audit field {unknown[0]!r} (known: {', '.join(_SOURCES)})")
        types = _as_list(event_type)
        decisions = _as_list(decision)
        if "policy_violation" in types:
            types.remove("policy_violation")
            decisions = [d for d in POLICY_VIOLATION_DECISIONS if not decisions or d in decisions]
            if not decisions:
                return []  # a violation that was also allowed: nothing can match
        query: dict[str, Any] = {
            "since": _since(time_range),
            "until": _since(until) if isinstance(until, datetime) else until,
            "type": types or None,
            "severity": _as_list(severity) or None,
            "decision": decisions or None,
            "session": session,
            "tool": tool,
        }
        if wanted is not None:
            query["fields"] = sorted({m for f in wanted for m in _SOURCES[f]})
        return [e if wanted is None else e.only(wanted) for e in self._pages(query, max_events)]

    def replay_sync(self, session_id: str) -> Iterator[AuditEvent]:
        """Every recorded event of one session, in seq order (all pages are read first)."""
        events = list(self._pages({"session": session_id}, None))
        events.sort(key=lambda e: e.seq or 0)
        return iter(events)

    def _pages(self, query: dict[str, Any], max_events: int | None) -> Iterator[AuditEvent]:
        """The events of ``query``, page after page, up to ``max_events`` (None: all)."""
        after: str | None = None
        count = 0
        while max_events is None or count < max_events:
            limit = _PAGE if max_events is None else max(1, min(_PAGE, max_events - count))
            page = self._transport.request_object("GET", "/v1/audit/events",
                                                  query={**query, "limit": limit, "after": after})
            events = page.get("events")
            for raw in events if isinstance(events, list) else []:
                if isinstance(raw, Mapping):
                    yield AuditEvent.from_json(raw)
                    count += 1
            cursor = page.get("next")
            if not cursor or cursor == after:  # the last page (a cursor that does not move would never end)
                return
            after = str(cursor)

    # -- coroutines -------------------------------------------------------------------------

    async def query(
        self,
        time_range: str | timedelta | datetime | None = None,
        event_type: str | Iterable[str] | None = None,
        severity: str | Iterable[str] | None = None,
        *,
        fields: Iterable[str] | None = None,
        session: str | None = None,
        tool: str | None = None,
        decision: str | Iterable[str] | None = None,
        until: str | datetime | None = None,
        max_events: int = 100_000,
    ) -> list[AuditEvent]:
        """:meth:`query_sync` in a worker thread."""
        return await asyncio.to_thread(self.query_sync, time_range, event_type, severity, fields=fields,
                                       session=session, tool=tool, decision=decision, until=until,
                                       max_events=max_events)

    async def replay(self, session_id: str) -> AsyncIterator[AuditEvent]:
        """:meth:`replay_sync` as an async iterator."""
        events = await asyncio.to_thread(lambda: list(self.replay_sync(session_id)))
        for event in events:
            yield event
