"""Client and Session against a real openshelld: a gVisor session of an external agent, end to end."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading

import pytest

from conftest import AUDIT_HOST, SDK, SSN, Recorded, Service, sandbox
from openshell import OpenShellRuntime, Policy, PolicyAction, PolicyEngine
from openshell.audit import AuditEvent
from openshell.client import Client, OutputChunk
from openshell.errors import AuthError, NotFoundError, PolicyInvalidError, PolicyRejectedError, TransportError


def test_info_over_the_socket_and_over_tls(service: Service, monkeypatch: pytest.MonkeyPatch) -> None:
    unix = service.client(token="never-sent-on-the-socket").info()
    assert unix.service == "openshelld" and unix.api == "v1"
    assert unix.peer["via"] == "unix" and unix.peer["uid"] == 0
    assert unix.isolation["gvisor"]["available"] is True
    monkeypatch.setenv("OPENSHELL_RESOLVE", service.resolve)
    tls = Client(f"https://{AUDIT_HOST}", service.token("sdk"), ca=str(service.ca)).info()
    assert tls.peer["via"] == "token" and tls.peer["token"] == "sdk"


def test_resolve_to_the_unix_socket(service: Service, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENSHELL_RESOLVE", f"{AUDIT_HOST}=unix:{service.socket}")
    assert Client(f"https://{AUDIT_HOST}", "not-sent").info().peer["via"] == "unix"


def test_tls_refusals(service: Service, monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(AuthError) as info:
        Client(service.https, "no-such-token-0123456789abcdef0123456789", ca=str(service.ca)).info()
    assert info.value.status == 401 and f"openshelld at {service.https}: 401 unauthorized" in str(info.value)
    with pytest.raises(TransportError, match="certificate is not trusted"):
        Client(service.https, service.token("sdk")).info()  # the system CAs do not know the test CA
    monkeypatch.setenv("OPENSHELL_RESOLVE", f"elsewhere.example:443=127.0.0.1:{service.port}")
    with pytest.raises(TransportError, match="elsewhere.example.*certificate"):
        Client("https://elsewhere.example", service.token("sdk"), ca=str(service.ca)).info()


def test_validate_policy(client: Client) -> None:
    runtime = OpenShellRuntime(name="sdk-validate", sandbox=sandbox(), policies=PolicyEngine(policies=[
        Policy(name="p", trigger="tool_call", condition="tool.name == 'x'", action=PolicyAction.BLOCK)]))
    valid, diagnostics, document = client.validate_policy(runtime)
    assert valid and not [d for d in diagnostics if d.is_error]
    assert document["name"] == "sdk-validate" and document["sandbox"]["max_memory_mb"] == 1024
    assert document["policies"][0]["action"] == "block"
    valid, diagnostics, document = client.validate_policy("version: 1\nname: x\nbogus: 1\n", "x.policy.yaml")
    assert not valid and diagnostics[0].file.endswith("x.policy.yaml") and diagnostics[0].line == 3
    valid, _, document = client.validate_policy("version: [1\n", "broken.policy.yaml")
    assert not valid and document is None


def test_a_policy_with_errors_is_not_started(client: Client) -> None:
    with pytest.raises(PolicyRejectedError) as info:
        client.start_session("version: 1\nname: x\nbogus: 1\n")
    assert isinstance(info.value, PolicyInvalidError) and info.value.status == 422
    assert any("bogus" in d.message for d in info.value.diagnostics)


def test_unknown_session(client: Client, service: Service) -> None:
    with pytest.raises(NotFoundError, match=f"openshelld at unix:{service.socket}: 404 not-found"):
        client.session("20261202T071154Z-00000000")


# --- the recorded session (conftest.recorded) -------------------------------------------------


def test_session_runs_as_an_external_agent(recorded: Recorded) -> None:
    assert recorded.running.state == "running"
    assert recorded.running.command == []
    assert recorded.running.isolation == "gvisor"
    assert recorded.running.policy_file == str(recorded.policy_file)
    assert recorded.final.state == "ended" and recorded.final.exit_reason == "interrupted"


def test_exec(recorded: Recorded) -> None:
    r = recorded.echo
    assert (r.exit_code, r.stdout, r.timed_out, r.truncated, r.refused) == (0, "hi\n", False, False, False)
    assert r.decision is not None and r.decision.outcome == "allow"
    assert recorded.cat.stdout == "from stdin"


def test_exec_refused_by_policy_is_a_result(recorded: Recorded) -> None:
    r = recorded.shell
    assert r.refused and r.exit_code is None and r.stdout == ""
    assert r.decision is not None
    assert (r.decision.outcome, r.decision.policy, r.decision.message) == ("block", "no-shell", "shells are not allowed")


def test_declared_tool_output_redacted(recorded: Recorded) -> None:
    r = recorded.lookup
    assert r.ok and not r.refused
    assert isinstance(r.content, dict), r.raw
    assert r.content["id"] == 4411 and r.content["customer"] == "Ana Lima"
    assert r.content["ssn"] == "[REDACTED:ssn]"
    assert SSN not in json.dumps(r.raw)
    assert (r.decision, r.policy) == ("redact", "pii-redact")
    assert r.timings is not None and r.timings["total"] >= r.timings["execution"] > 0
    assert sorted(t["name"] for t in recorded.tools) == ["exec", "lookup"]


def test_respond_usage_reasoning(recorded: Recorded) -> None:
    assert recorded.response.delivered and recorded.response.text == "Your refund is on its way."
    assert recorded.total_cost == pytest.approx(0.25)
    kinds = {e.event_type for e in recorded.events if isinstance(e, AuditEvent)}
    assert {"reasoning", "usage", "agent_response"} <= kinds


def test_egress_from_exec(recorded: Recorded) -> None:
    assert recorded.egress_blocked.exit_code == 0
    assert " 403 " in recorded.egress_blocked.stdout.splitlines()[0]
    assert recorded.egress_allowed.stdout.splitlines() == ["HTTP/1.1 200 Connection Established", "pong:ping"]
    egress = [e for e in recorded.events if isinstance(e, AuditEvent) and e.event_type == "network_egress"]
    assert {(e.destination, e.approved) for e in egress} >= {
        ("blocked.example.com:443", False), (f"web.test:{recorded.web_port}", True)}


def test_events_of_an_ended_session(recorded: Recorded) -> None:
    audit = [e for e in recorded.events if isinstance(e, AuditEvent)]
    assert [e.seq for e in audit] == list(range(1, len(audit) + 1))
    assert all(e.session_id == recorded.id for e in audit)
    calls = [(e.tool, e.action_taken, e.policy_name) for e in audit if e.event_type == "tool_call"]
    assert ("exec", "block", "no-shell") in calls and ("lookup", "allow", None) in calls
    outputs = [e for e in audit if e.event_type == "data_output" and e.tool == "lookup"]
    assert outputs and outputs[0].action_taken == "redact" and outputs[0].policy_name == "pii-redact"
    assert recorded.final_from_events is not None and recorded.final_from_events.state == "ended"


def test_sessions_lists_it(client: Client, recorded: Recorded) -> None:
    assert recorded.id in [s.id for s in client.sessions()]


def test_events_follow_a_running_session(client: Client) -> None:
    runtime = OpenShellRuntime(name="sdk-live", sandbox=sandbox())
    with client.start_session(runtime) as session:
        stream = session.events()
        watchdog = threading.Timer(120, stream.close)  # a hung stream fails the test instead of hanging it
        watchdog.start()
        results = []
        run = threading.Thread(target=lambda: results.append(session.exec(["echo", "live"])))
        try:
            run.start()
            seen = None
            for event in stream:
                assert not isinstance(event, OutputChunk)  # no agent process: no output
                if event.event_type == "tool_call" and event.tool == "exec":
                    seen = event
                    break
            stream.close()
        finally:
            watchdog.cancel()
            run.join(120)
        assert results and results[0].stdout == "live\n"
        assert seen is not None and seen.parameters["argv"] == ["echo", "live"]
        ended = session.end()
    assert ended.state == "ended"
    session.end()  # ending twice is not an error


def test_exec_timeout(client: Client) -> None:
    with client.start_session(OpenShellRuntime(name="sdk-timeout", sandbox=sandbox())) as s:
        r = s.exec(["sleep", "30"], timeout=1)
    assert r.timed_out and r.exit_code is None and not r.refused


@pytest.mark.parametrize("example, expect", [
    ("session_basics.py", ["exec: 0 hello from the sandbox", "refused: True no-shell",
                           "redacted exec output: mail me at [REDACTED:email]", "tool: True {'words': 4} allow"]),
    ("guarded_tool.py", ["[('lookup_order', ['order_id', 'include_history']), ('refund_order', ['order_id', 'amount'])]",
                         '"customer_email": "[REDACTED:email]"', "refused: refunds go through a person"]),
    ("state.py", ["visits: 1 keys: ['example:last-customer', 'example:visits']",
                  "last customer: {'id': 4411, 'plan': 'pro'}", "deleted: True False"]),
])
def test_examples_run(service: Service, example: str, expect: list[str]) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("OPENSHELL_")}
    env.update(OPENSHELL_ENDPOINT=service.unix, PYTHONPATH=str(SDK))
    r = subprocess.run([sys.executable, str(SDK / "examples" / example)], env=env, capture_output=True, text=True,
                       timeout=300)
    assert r.returncode == 0, r.stderr
    for text in expect:
        assert text in r.stdout, r.stdout
