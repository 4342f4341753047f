"""Session.guard: argument binding (no service needed), then allow, block, redact and escalate against openshelld."""

from __future__ import annotations

import asyncio
import inspect
import math
import threading
import time
from collections.abc import Iterator

import pytest

from conftest import SSN, Service, sandbox, wait_for
from openshell import OpenShellRuntime, Policy, PolicyAction, PolicyEngine, Tool
from openshell._transport import Transport
from openshell.audit import AuditClient
from openshell.client import Client, Session, SessionInfo, _Guard
from openshell.errors import ActionBlocked, OpenShellError


# --- without a service: binding and wrapping --------------------------------------------------


@pytest.fixture
def offline() -> Session:
    """A Session whose endpoint does not exist: any request would be a TransportError."""
    return Session(Transport("unix:/nonexistent/openshell-test.sock"), SessionInfo(id="offline", state="running"))


def search(query: str, limit: int = 10, *filters: str, sort: str = "score", **extra: object) -> list[str]:
    """Search the knowledge base."""
    return [query]


def test_arguments_are_bound_to_their_names_with_defaults(offline: Session) -> None:
    g = _Guard(offline, "search", search)
    assert g.bind(("refund",), {}).arguments == {"query": "refund", "limit": 10, "filters": (), "sort": "score",
                                                 "extra": {}}
    bound = g.bind(("refund", 5, "a", "b"), {"sort": "date", "lang": "pt"})
    assert bound.arguments == {"query": "refund", "limit": 5, "filters": ("a", "b"), "sort": "date",
                               "extra": {"lang": "pt"}}
    assert (bound.args, bound.kwargs) == (("refund", 5, "a", "b"), {"sort": "date", "lang": "pt"})


def test_a_call_that_does_not_fit_the_signature_is_a_type_error(offline: Session) -> None:
    with pytest.raises(TypeError, match="missing a required argument: 'query'"):
        _Guard(offline, "search", search).bind((), {})


@pytest.mark.parametrize("value", [object(), {1, 2}, b"bytes", math.nan])
def test_arguments_must_be_json(offline: Session, value: object) -> None:
    guarded = offline.guard("search")(search)
    with pytest.raises(TypeError, match="argument 'query' of search is not JSON-serialisable"):
        guarded(value)  # a TypeError before anything is sent (else: TransportError)


def test_wrapper_looks_like_the_function(offline: Session) -> None:
    guarded = offline.guard("search")(search)
    assert guarded.__name__ == "search" and guarded.__doc__ == "Search the knowledge base."
    assert inspect.signature(guarded) == inspect.signature(search)
    assert not inspect.iscoroutinefunction(guarded)


def test_guard_without_a_name_uses_the_functions(offline: Session) -> None:
    @offline.guard
    def lookup_order(order_id: int) -> str:
        return ""

    assert lookup_order.__name__ == "lookup_order"
    with pytest.raises(OpenShellError, match="openshelld at unix:/nonexistent/openshell-test.sock"):
        lookup_order(1)  # the decision is asked for first: no service, no call


def test_async_functions_give_coroutine_functions(offline: Session) -> None:
    @offline.guard("search")
    async def asearch(query: str) -> str:
        return query

    assert inspect.iscoroutinefunction(asearch)
    with pytest.raises(TypeError, match="argument 'query' of .*asearch is not JSON-serialisable"):
        asyncio.run(asearch(object()))


class ScriptedGateway:
    """A stand-in for a Session whose gateway answers are given: what a broken or hostile answer makes guard do."""

    def __init__(self, decide: dict, output: dict | None = None) -> None:
        self.answers = {"openshell/decide": decide, "openshell/output": output or {}}
        self.calls: list[tuple[str, dict]] = []

    def gateway(self, method: str, params: dict, *, held: bool = False) -> dict:
        self.calls.append((method, params))
        return self.answers[method]


@pytest.mark.parametrize("decide", [
    {"allowed": False, "decision": "block", "arguments": {"query": "x"}},
    {"allowed": "true", "arguments": {"query": "x"}},    # truthy is not allowed: only true is
    {"allowed": 1, "arguments": {"query": "x"}},
    {"decision": "allow", "arguments": {"query": "x"}},  # no verdict at all
    {},
], ids=["false", "string", "one", "missing", "empty"])
def test_the_function_runs_only_when_allowed_is_true(decide: dict) -> None:
    ran: list[str] = []
    gateway = ScriptedGateway(decide)
    guarded = _Guard(gateway, "search", lambda query: ran.append(query)).wrap()  # type: ignore[arg-type]
    with pytest.raises(ActionBlocked):
        guarded("x")
    assert ran == [] and [m for m, _ in gateway.calls] == ["openshell/decide"]


@pytest.mark.parametrize("given", [None, [], "x", {}, {"query": "x", "extra": 1}],
                         ids=["null", "list", "text", "no-keys", "extra-key"])
def test_the_function_does_not_run_with_arguments_the_gateway_did_not_give(given: object) -> None:
    ran: list[str] = []
    guarded = _Guard(ScriptedGateway({"allowed": True, "arguments": given}), "search",  # type: ignore[arg-type]
                     lambda query: ran.append(query)).wrap()
    with pytest.raises(OpenShellError, match="no valid 'arguments'; the function was not run"):
        guarded("x")
    assert ran == []


def test_redacted_arguments_replace_only_what_changed() -> None:
    got: list[tuple] = []

    def fn(query: str, tags: tuple = ("a",), limit: int = 3) -> str:
        got.append((query, tags, limit))
        return "ok"

    gateway = ScriptedGateway({"allowed": True, "arguments": {"query": "[REDACTED:ssn]", "tags": ["a"], "limit": 3}},
                              {"delivered": True, "text": "ok"})
    assert _Guard(gateway, "search", fn).wrap()("123-45-6789") == "ok"  # type: ignore[arg-type]
    assert got == [("[REDACTED:ssn]", ("a",), 3)]  # the tuple the gateway did not change stays a tuple


@pytest.mark.parametrize("output", [
    {"delivered": False, "decision": "block", "text": None},
    {"delivered": "yes", "text": "secret"},
    {"text": "secret"},
], ids=["false", "string", "missing"])
def test_output_is_returned_only_when_delivered_is_true(output: dict) -> None:
    gateway = ScriptedGateway({"allowed": True, "arguments": {}}, output)
    with pytest.raises(ActionBlocked) as info:
        _Guard(gateway, "leak", lambda: "secret").wrap()()  # type: ignore[arg-type]
    assert info.value.stage == "output"


@pytest.mark.parametrize("text", [None, 42, {"a": 1}], ids=["null", "number", "object"])
def test_delivered_output_without_text_is_withheld(text: object) -> None:
    gateway = ScriptedGateway({"allowed": True, "arguments": {}}, {"delivered": True, "text": text})
    with pytest.raises(OpenShellError, match="no valid 'text'; its result is withheld"):
        _Guard(gateway, "leak", lambda: "secret").wrap()()  # type: ignore[arg-type]


# --- against openshelld -----------------------------------------------------------------------

GUARDED = ("search", "lookup_customer", "delete_records", "send_email", "leak", "echo_text")


def guard_runtime() -> OpenShellRuntime:
    """Guarded functions declared as ``guard: true`` tools, and a policy for each outcome."""
    return OpenShellRuntime(
        name="sdk-guard",
        sandbox=sandbox(),
        tools=[Tool(name=n, guard=True, description=f"the SDK's {n}") for n in GUARDED],
        policies=PolicyEngine(policies=[
            Policy(name="no-deletes", trigger="tool_call", condition="tool.name == 'delete_records'",
                   action=PolicyAction.BLOCK, message="deleting records is not allowed", log_level="warning"),
            Policy(name="email-approval", trigger="tool_call", condition="tool.name == 'send_email'",
                   action=PolicyAction.ESCALATE, message="Email requires human approval before sending."),
            Policy(name="redact-search", trigger="tool_call",
                   condition="tool.name == 'search' and contains_pii(tool.args)",
                   action=PolicyAction.REDACT, pii_types=["ssn"]),
            Policy(name="no-leaks", trigger="data_output", condition="tool.name == 'leak'",
                   action=PolicyAction.BLOCK, message="this output stays inside"),
            Policy(name="pii-out", trigger="data_output", condition="contains_pii(output)",
                   action=PolicyAction.REDACT, pii_types=["ssn"]),
        ]),
    )


@pytest.fixture(scope="module")
def guarded(service: Service) -> Iterator[Session]:
    with service.client().start_session(guard_runtime(), isolation="gvisor") as session:
        yield session


def test_allowed_call_runs_with_its_arguments(guarded: Session, client: Client) -> None:
    calls: list[tuple] = []

    @guarded.guard("lookup_customer")
    def lookup_customer(customer_id: int, *, verbose: bool = False) -> dict:
        calls.append((customer_id, verbose))
        return {"id": customer_id, "name": "Ana Lima", "plan": "pro"}

    assert lookup_customer(7) == {"id": 7, "name": "Ana Lima", "plan": "pro"}
    assert calls == [(7, False)]
    decided = AuditClient(client.endpoint).query_sync(session=guarded.id, event_type="tool_call", tool="lookup_customer")
    assert any(e.parameters == {"customer_id": 7, "verbose": False} and e.action_taken == "allow" for e in decided)


def test_output_redacted_back_to_the_return_type(guarded: Session) -> None:
    @guarded.guard("lookup_customer")
    def lookup_customer(customer_id: int) -> dict:
        return {"id": customer_id, "ssn": SSN}

    @guarded.guard("echo_text")
    def echo_text(text: str) -> str:
        return text

    assert lookup_customer(8) == {"id": 8, "ssn": "[REDACTED:ssn]"}
    assert echo_text(f"SSN {SSN} on file") == "SSN [REDACTED:ssn] on file"
    assert echo_text("nothing to hide") == "nothing to hide"


def test_arguments_redacted_before_the_call(guarded: Session) -> None:
    got: list[str] = []

    @guarded.guard("search")
    def search_kb(query: str, limit: int = 3) -> str:
        got.append(query)
        return f"{limit} results for {query}"

    assert search_kb(f"customer {SSN}") == "3 results for customer [REDACTED:ssn]"
    assert got == ["customer [REDACTED:ssn]"]
    assert search_kb("refund policy") == "3 results for refund policy"


def test_blocked_call_does_not_run(guarded: Session) -> None:
    ran: list[str] = []

    @guarded.guard("delete_records")
    def delete_records(table: str) -> int:
        ran.append(table)
        return 0

    with pytest.raises(ActionBlocked) as info:
        delete_records("customers")
    e = info.value
    assert (e.decision, e.policy, e.message, e.stage, e.tool) == (
        "block", "no-deletes", "deleting records is not allowed", "call", "delete_records")
    assert ran == []


def test_withheld_output(guarded: Session) -> None:
    ran: list[bool] = []

    @guarded.guard("leak")
    def leak() -> str:
        ran.append(True)
        return "internal only"

    with pytest.raises(ActionBlocked) as info:
        leak()
    assert ran == [True]
    assert (info.value.stage, info.value.policy, info.value.decision) == ("output", "no-leaks", "block")


def test_exceptions_of_the_function_propagate(guarded: Session) -> None:
    @guarded.guard("echo_text")
    def echo_text(text: str) -> str:
        raise LookupError(f"no such text: {text}")

    with pytest.raises(LookupError, match="no such text: x"):
        echo_text("x")


def _resolve_when_held(client: Client, session_id: str, approve: bool, note: str) -> threading.Thread:
    """From another thread: wait for the session's held send_email, then approve or deny it through the API."""
    def run() -> None:
        held = wait_for(lambda: [a for a in client.approvals() if a.session_id == session_id and a.tool == "send_email"],
                        timeout=60, interval=0.2)
        (client.approve if approve else client.deny)(held[0].id, note=note)

    thread = threading.Thread(target=run, name="approver")
    thread.start()
    return thread


def test_escalated_call_waits_for_approval(guarded: Session, client: Client) -> None:
    sent: list[str] = []

    @guarded.guard("send_email")
    def send_email(to: str, body: str) -> str:
        sent.append(to)
        return f"sent to {to}"

    approver = _resolve_when_held(client, guarded.id, True, "checked by the test")
    started = time.monotonic()
    assert send_email("customer@example.com", "Your refund is on its way.") == "sent to customer@example.com"
    approver.join(10)
    assert sent == ["customer@example.com"] and time.monotonic() - started < 120
    done = [a for a in client.approvals("all") if a.session_id == guarded.id and a.tool == "send_email"]
    assert done[0].status == "approved" and done[0].note == "checked by the test"
    # The held action's parameters are stored with PII redacted, as every audited parameter is.
    assert done[0].parameters == {"to": "[REDACTED:email]", "body": "Your refund is on its way."}


def test_escalated_call_denied(guarded: Session, client: Client) -> None:
    sent: list[str] = []

    @guarded.guard("send_email")
    def send_email(to: str, body: str) -> str:
        sent.append(to)
        return "sent"

    approver = _resolve_when_held(client, guarded.id, False, "not today")
    with pytest.raises(ActionBlocked) as info:
        send_email("other@example.com", "hello")
    approver.join(10)
    assert sent == [] and info.value.stage == "call"
    assert info.value.decision in ("escalate", "block")


def test_guarded_calls_are_audited(guarded: Session, client: Client) -> None:
    @guarded.guard("delete_records")
    def delete_records(table: str) -> int:
        return 0

    with pytest.raises(ActionBlocked):
        delete_records("audit-check")

    # The decision is answered before its event is committed: poll for it.
    def recorded() -> bool:
        calls = AuditClient(client.endpoint).query_sync(session=guarded.id, event_type="policy_violation",
                                                        tool="delete_records")
        return any(e.event_type == "tool_call" and e.parameters == {"table": "audit-check"}
                   and e.action_taken == "block" and e.policy_name == "no-deletes" and e.severity == "warning"
                   for e in calls)

    wait_for(recorded, timeout=10)
