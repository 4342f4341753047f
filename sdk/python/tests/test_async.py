"""AsyncClient, AsyncSession, guard of async functions and the audit coroutines against openshelld."""

from __future__ import annotations

import asyncio
import contextlib
import inspect

import pytest

from conftest import SSN, Service, sandbox
from openshell import Agent, OpenShellRuntime, Policy, PolicyAction, PolicyEngine, Tool
from openshell.audit import AuditClient, AuditEvent
from openshell.client import AsyncClient, AsyncSession
from openshell.errors import ActionBlocked, NotFoundError


def async_runtime() -> OpenShellRuntime:
    return OpenShellRuntime(
        name="sdk-async",
        sandbox=sandbox(),
        agent=Agent(name="async-bot"),
        tools=[Tool(name="fetch_profile", guard=True), Tool(name="wipe", guard=True),
               Tool(name="exec", command=["true"], pool=0)],
        policies=PolicyEngine(policies=[
            Policy(name="no-wipe", trigger="tool_call", condition="tool.name == 'wipe'", action=PolicyAction.BLOCK,
                   message="wiping is not allowed"),
            Policy(name="pii-out", trigger="data_output", condition="contains_pii(output)", action=PolicyAction.REDACT,
                   pii_types=["ssn"]),
        ]),
    )


def test_async_session(service: Service) -> None:
    async def run() -> tuple[str, list]:
        client = AsyncClient(service.unix)
        assert (await client.info()).peer["uid"] == 0
        async with await client.start_session(async_runtime()) as session:
            assert isinstance(session, AsyncSession)
            one, two = await asyncio.gather(session.exec(["echo", "one"]), session.exec(["echo", "two"]))
            assert (one.stdout, two.stdout) == ("one\n", "two\n")
            assert (await session.info()).state == "running"
            assert await session.report_usage(0.5) == pytest.approx(0.5)
            await session.reasoning("async reasoning")
            assert (await session.respond("done")).delivered

            @session.guard("fetch_profile")
            async def fetch_profile(user: str) -> dict:
                await asyncio.sleep(0)
                return {"user": user, "ssn": SSN}

            @session.guard("wipe")
            async def wipe(path: str) -> None:
                raise AssertionError("a blocked call must not run")

            @session.guard("fetch_profile")
            def fetch_plain(user: str) -> str:  # a plain function stays plain under AsyncSession.guard
                return f"{user}: {SSN}"

            assert inspect.iscoroutinefunction(fetch_profile) and not inspect.iscoroutinefunction(fetch_plain)
            assert await fetch_profile("ana") == {"user": "ana", "ssn": "[REDACTED:ssn]"}
            with pytest.raises(ActionBlocked) as blocked:
                await wipe("/")
            assert (blocked.value.policy, blocked.value.message) == ("no-wipe", "wiping is not allowed")
            assert await asyncio.to_thread(fetch_plain, "ana") == "ana: [REDACTED:ssn]"

            state = session.state()
            await state.put("last", {"user": "ana"})
            assert await state.get("last") == {"user": "ana"}
            assert await state.keys() == ["last"]
            assert await client.state("async-bot").get("last") == {"user": "ana"}
            session_id = session.id
        assert (await client.session(session_id)).id == session_id
        events = [e async for e in (await client.session(session_id)).events()]
        return session_id, events

    session_id, events = asyncio.run(run())
    audited = [e for e in events if isinstance(e, AuditEvent)]
    assert [e.seq for e in audited] == list(range(1, len(audited) + 1))
    assert {("tool_call", "wipe", "block"), ("tool_call", "fetch_profile", "allow")} <= {
        (e.event_type, e.tool, e.action_taken) for e in audited}


def test_async_events_stop_when_the_consumer_does(service: Service) -> None:
    async def run() -> AuditEvent:
        client = AsyncClient(service.unix)
        async with await client.start_session(OpenShellRuntime(name="sdk-async-live", sandbox=sandbox())) as session:
            async with contextlib.aclosing(session.events()) as events:
                async for event in events:
                    if isinstance(event, AuditEvent):
                        return event  # aclosing closes the stream while the session goes on
        raise AssertionError("no event")

    first = asyncio.run(asyncio.wait_for(run(), 120))
    assert first.seq == 1


def test_async_errors(service: Service) -> None:
    async def run() -> None:
        with pytest.raises(NotFoundError):
            await AsyncClient(service.unix).session("20261202T071154Z-00000000")

    asyncio.run(run())


def test_async_audit(service: Service) -> None:
    async def run() -> tuple[list[AuditEvent], list[AuditEvent]]:
        audit = AuditClient(service.unix)
        async with AsyncClient(service.unix) as client:
            async with await client.start_session(async_runtime()) as session:
                await session.exec(["echo", "audited"])
                sid = session.id
        recent = await audit.query(time_range="30m", event_type="tool_call", session=sid)
        replayed = [e async for e in audit.replay(sid)]
        return recent, replayed

    recent, replayed = asyncio.run(run())
    assert any(e.tool == "exec" and e.parameters["argv"] == ["echo", "audited"] for e in recent)
    assert [e.seq for e in replayed] == sorted(e.seq for e in replayed)
