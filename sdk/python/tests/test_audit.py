"""openshell.audit: the article's two queries (examples/audit_queries.py, unchanged) after the recorded session."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from conftest import SDK, Recorded, Service
from openshell import audit as audit_module
from openshell.audit import POLICY_VIOLATION_DECISIONS, AuditClient, AuditEvent

EXAMPLE = SDK / "examples" / "audit_queries.py"
SEED = Path(__file__).parent / "data" / "seed-examples.txt"  # the article's code blocks (test_config checks them)


# --- without a service ------------------------------------------------------------------------


def test_unknown_field_is_a_value_error_before_any_request() -> None:
    audit = AuditClient("unix:/nonexistent/openshell-test.sock")
    with pytest.raises(ValueError, match="unknown audit field 'destinaton'"):
        audit.query_sync(time_range="1h", fields=["session_id", "destinaton"])


def test_event_from_the_apis_json() -> None:
    e = AuditEvent.from_json({
        "session_id": "s1", "seq": 4, "ts": "2026-12-02T07:11:55.101Z", "type": "network_egress", "tool": "agent",
        "parameters": {"trigger": "network_egress", "destination": {"host": "api.github.com", "port": 443},
                       "request": {"bytes": 512}},
        "decision": "block", "layer": "network", "policy": None, "message": "no rule allows agent",
        "severity": "warning", "policy_hash": "ab", "trace": None})
    assert e.timestamp == datetime(2026, 12, 2, 7, 11, 55, 101000, tzinfo=timezone.utc)
    assert (e.event_type, e.action_taken, e.details, e.layer) == ("network_egress", "block", "no rule allows agent", "network")
    assert (e.destination, e.approved, e.bytes_sent) == ("api.github.com:443", False, 512)
    flat = AuditEvent.from_json({"type": "network_egress", "decision": "allow", "parameters": {"host": "::1", "port": 80}})
    assert (flat.destination, flat.approved, flat.bytes_sent) == ("[::1]:80", True, None)
    none = AuditEvent.from_json({"type": "sandbox", "decision": None, "ts": "2026-12-02T07:11:54.492Z"})
    assert (none.action_taken, none.destination, none.approved) == ("none", None, None)
    assert none.only(["event_type"]) == AuditEvent(*([None] * 3), "sandbox", *([None] * 7))


# --- against openshelld -----------------------------------------------------------------------


def test_the_articles_code_is_the_example() -> None:
    text = SEED.read_text(encoding="utf-8")
    block = text[text.index("# ---- lines 235-252\n"):].split("\n")[1:19]
    seed = [line.strip() for line in block]
    example = [line.strip() for line in EXAMPLE.read_text().splitlines()]
    start = example.index(seed[0])
    assert example[start:start + len(seed)] == seed


def test_the_articles_queries(service: Service, recorded: Recorded) -> None:
    r = subprocess.run([sys.executable, str(EXAMPLE)], env=service.seed_env(), capture_output=True, text=True,
                       timeout=120)
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    mine = [line for line in lines if f"Session {recorded.id}: " in line]
    assert any(line.endswith(f"Session {recorded.id}: no-shell - block - shells are not allowed") for line in mine), lines
    assert any(f"Session {recorded.id}: pii-redact - redact - " in line for line in mine), lines
    assert any(f"Session {recorded.id}: None - block - no rule allows 'exec' to blocked.example.com:443" in line
               for line in mine), lines
    assert all(line.startswith("[20") and "+00:00] Session " in line for line in mine)
    egress = [line for line in lines if line.startswith(f"egress {recorded.id} ")]
    assert any(line.startswith(f"egress {recorded.id} exec blocked.example.com:443 approved=False bytes_sent=")
               for line in egress), lines
    assert any(line.startswith(f"egress {recorded.id} exec web.test:{recorded.web_port} approved=True bytes_sent=")
               for line in egress), lines


def test_violations_are_decided_events_of_those_severities(service: Service, recorded: Recorded) -> None:
    events = AuditClient(service.unix).query_sync("1h", "policy_violation", ["warning", "critical"])
    assert events and all(e.action_taken in POLICY_VIOLATION_DECISIONS for e in events)
    assert all(e.severity in ("warning", "critical") for e in events)
    assert [e.timestamp for e in events] == sorted(e.timestamp for e in events)
    assert {"tool_call", "data_output", "network_egress"} <= {e.event_type for e in events if e.session_id == recorded.id}


def test_fields_leave_the_others_empty(service: Service, recorded: Recorded) -> None:
    fields = ["session_id", "tool", "destination", "approved", "bytes_sent"]
    events = AuditClient(service.unix).query_sync(time_range=timedelta(days=1), event_type="network_egress",
                                                  fields=fields, session=recorded.id)
    assert len(events) >= 2
    for e in events:
        assert e.session_id == recorded.id and e.tool == "exec" and e.destination and e.approved is not None
        assert (e.timestamp, e.seq, e.event_type, e.policy_name, e.action_taken, e.details, e.parameters) == (None,) * 7


def test_pages_are_followed(service: Service, recorded: Recorded, monkeypatch: pytest.MonkeyPatch) -> None:
    audit = AuditClient(service.unix)
    whole = audit.query_sync(session=recorded.id)
    monkeypatch.setattr(audit_module, "_PAGE", 2)
    paged = audit.query_sync(session=recorded.id)
    assert paged == whole and len(whole) > 4
    assert audit.query_sync(session=recorded.id, max_events=3) == whole[:3]
    assert audit.query_sync(session=recorded.id, event_type=["tool_call", "tool_result"], tool="lookup")
    assert audit.query_sync(session=recorded.id, event_type="policy_violation", decision="allow") == []


def test_replay_in_seq_order(service: Service, recorded: Recorded) -> None:
    async def replay() -> list[AuditEvent]:
        return [e async for e in AuditClient(service.unix).replay(recorded.id)]

    events = asyncio.run(replay())
    assert [e.seq for e in events] == list(range(1, len(events) + 1))
    assert [e for e in events] == list(AuditClient(service.unix).replay_sync(recorded.id))
    kinds = [e.event_type for e in events]
    assert kinds[0] in ("session", "sandbox") and "reasoning" in kinds and "tool_result" in kinds
