"""Agent state against openshelld: kept across sessions, scoped to its agent, encrypted at rest, refused to others."""

from __future__ import annotations

import subprocess
import uuid
from pathlib import Path

import pytest

from conftest import SDK, Service, sandbox
from openshell import Agent, OpenShellRuntime
from openshell.client import Client
from openshell.errors import AuthError, GatewayError, NotFoundError

AGENT = "support-bot"


def agent_runtime(agent: str = AGENT) -> OpenShellRuntime:
    return OpenShellRuntime(name="sdk-state", sandbox=sandbox(), agent=Agent(name=agent))


def _files_under(folder: Path) -> dict[Path, bytes]:
    out = {}
    for path in folder.rglob("*"):
        if path.is_file() and not path.is_symlink() and path.stat().st_size < 64 << 20:
            out[path] = path.read_bytes()
    return out


def test_state_survives_the_session_and_is_encrypted_at_rest(service: Service, client: Client) -> None:
    marker = f"refund-note-{uuid.uuid4().hex}"
    value = {"order": 4411, "refund": 12.5, "note": marker, "tags": ["vip", None, True]}
    state_dir = service.store.parent
    before = _files_under(state_dir)
    with client.start_session(agent_runtime()) as first:
        state = first.state()
        state.put("customer:4411", value)
        state.put("customer:4412", "second")
        state.put("settings", {"lang": "pt"})
        assert state.get("customer:4411") == value
    with client.start_session(agent_runtime()) as second:
        state = second.state()
        assert state.get("customer:4411") == value
        assert state.keys("customer:") == ["customer:4411", "customer:4412"]
        assert state.keys() == ["customer:4411", "customer:4412", "settings"]
        assert "settings" in state and "nothing" not in state
        assert state.get("nothing", "default") == "default"
        assert state.delete("customer:4412") is True
        assert state.delete("customer:4412") is False
        with pytest.raises(GatewayError) as bad:
            state.get("no spaces allowed")
        assert bad.value.code == -32602
    # The same state through the REST routes.
    rest = client.state(AGENT)
    assert rest.get("customer:4411") == value
    assert rest.keys("customer:") == ["customer:4411"]
    # On disk: the state store changed, and no file of the service holds the value in clear text.
    after = _files_under(state_dir)
    changed = [p for p, data in after.items() if before.get(p) != data and not p.name.startswith("audit.db")]
    assert changed, "no state file was written under the service's folder"
    leaks = [p for p, data in after.items() if marker.encode() in data and not p.name.startswith("audit.db")]
    assert leaks == [], f"the plaintext value is on disk in {leaks}"


def test_rest_state_routes(client: Client) -> None:
    state = client.state("sdk-rest-bot")
    state.put("a.b:c@d-e_f", [1, 2, 3])
    assert state.get("a.b:c@d-e_f") == [1, 2, 3]
    state.put("a.b:c@d-e_f", {"replaced": True})
    assert state.get("a.b:c@d-e_f") == {"replaced": True}
    assert state.keys("a.") == ["a.b:c@d-e_f"] and state.keys("zzz") == []
    assert state.delete("a.b:c@d-e_f") and state.get("a.b:c@d-e_f") is None
    with pytest.raises(TypeError):
        state.put("x", object())


def test_agent_scoped_tokens(service: Service, client: Client) -> None:
    client.state(AGENT).put("shared", "for botA")
    bot_a = service.token_client("botA").state(AGENT)
    assert bot_a.get("shared") == "for botA"
    bot_a.put("from-a", 1)
    with pytest.raises(AuthError) as refused:
        service.token_client("botB").state(AGENT).get("shared")
    assert refused.value.status == 403 and refused.value.slug == "forbidden"
    with pytest.raises(AuthError):
        service.token_client("botA").state("other-bot").get("x")
    service.token_client("botB").state("other-bot").put("mine", True)
    assert service.token_client("botB").state("other-bot").get("mine") is True


def _as_nobody(service: Service, code: str, groups: list[str]) -> subprocess.CompletedProcess[str]:
    """Run ``code`` with /usr/bin/python3 as uid/gid 65534 (setpriv), the SDK on PYTHONPATH."""
    env = {"PATH": "/usr/bin:/bin", "HOME": "/tmp", "PYTHONPATH": str(SDK), "PYTHONDONTWRITEBYTECODE": "1",
           "OPENSHELL_ENDPOINT": service.unix}
    return subprocess.run(["setpriv", "--reuid=65534", "--regid=65534", *groups, "/usr/bin/python3", "-c", code],
                          env=env, capture_output=True, text=True, timeout=120)


NOBODY_CLIENT = """
import os
from openshell.client import Client
from openshell.errors import AuthError
c = Client()
print("uid", os.getuid(), "peer", c.info().peer["uid"])
print("own support-bot:", c.state("support-bot").get("shared"))
try:
    c.state("support-bot", owner=0).get("shared")
    print("READ root's agent")
except AuthError as e:
    print("AuthError", e.status, e.slug, e.field)
own = c.state("nobody-bot")
own.put("k", {"v": 1})
print("own", own.get("k"))
"""


def test_another_uid_is_refused_roots_agent(service: Service, client: Client) -> None:
    """Every user has their own store per agent name: uid 65534's support-bot is not root's, and root's is refused to it."""
    client.state(AGENT).put("shared", "root's")
    r = _as_nobody(service, NOBODY_CLIENT, [f"--groups={service.clients_gid}"])
    assert r.returncode == 0, r.stderr
    assert "uid 65534 peer 65534" in r.stdout
    assert "own support-bot: None" in r.stdout
    assert "AuthError 403 forbidden owner" in r.stdout and "READ" not in r.stdout
    assert "own {'v': 1}" in r.stdout
    # Its own agent's state is its own: root may read it (owner=), as the service's administrator.
    assert client.state("nobody-bot", owner=65534).get("k") == {"v": 1}
    assert client.state("nobody-bot").get("k") is None  # root's own nobody-bot: another store


def test_a_uid_outside_the_group_cannot_reach_the_socket(service: Service) -> None:
    code = ("from openshell.client import Client\nfrom openshell.errors import TransportError\n"
            "try:\n    Client().info()\nexcept TransportError as e:\n    print('TransportError', e)\n")
    r = _as_nobody(service, code, ["--clear-groups"])
    assert r.returncode == 0, r.stderr
    assert f"TransportError openshelld at {service.unix}: cannot reach the service: Permission denied" in r.stdout


def test_runtime_session_and_state_as_the_issue_describes(service: Service, client: Client,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """``runtime.session()`` and ``runtime.state()`` with the client from the environment."""
    monkeypatch.setenv("OPENSHELL_ENDPOINT", service.unix)
    runtime = OpenShellRuntime(name="sdk-runtime", sandbox=sandbox(), agent=Agent(name="runtime-bot"))
    assert runtime.agent_name == "runtime-bot"
    with runtime.session() as session:
        assert session.info().state == "running"
        session.state().put("visits", 1)
    assert session.info().state == "ended"
    assert runtime.state().get("visits") == 1
    assert OpenShellRuntime(name="no-agent-name").agent_name == "no-agent-name"


def test_snapshots_are_sealed_and_restore_into_a_new_session(service: Service, client: Client) -> None:
    """A snapshot taken during a session (and the one its cleanup policy makes) restores for its owner only."""
    runtime = OpenShellRuntime(name="sdk-snap", sandbox=sandbox(cleanup_policy="snapshot"), agent=Agent(name="snap-bot"))
    marker = f"snapshot-note-{uuid.uuid4().hex}"
    with client.start_session(runtime) as first:
        written = first.gateway("openshell/file", {"operation": "write", "path": "notes.txt", "content": marker})
        assert written["ok"] is True
        taken = first.snapshot()
    assert taken.name == f"{first.id}.1" and taken.session == first.id and taken.bytes > 0
    sealed = service.store.parent / "snapshots"
    for path in sealed.glob(f"{first.id}*"):
        assert path.name.endswith(".tar.zst.sealed")
        assert marker.encode() not in path.read_bytes()
    for name in (taken.name, first.id):
        with client.start_session(runtime, restore=name) as again:
            read = again.gateway("openshell/file", {"operation": "read", "path": "notes.txt"})
            assert read["content"] == marker
    # Another uid does not see it at all.
    with pytest.raises(NotFoundError) as other:
        service.token_client("nobody").start_session(runtime, restore=first.id)
    assert other.value.field == "restore"
    with pytest.raises(NotFoundError):
        service.token_client("nobody").delete_snapshot(taken.name)
    client.delete_snapshot(taken.name)
    assert not (sealed / f"{taken.name}.tar.zst.sealed").exists()
    with pytest.raises(NotFoundError):
        client.start_session(runtime, restore=taken.name)
