"""Fixtures of the SDK's tests.

Tests that take the ``service`` fixture run against a real openshelld (no
fakes): the binary named by ``$OPENSHELLD`` (default: the dev build), started
as root in a temporary folder with its own socket, audit store, token file,
test groups and a TLS listener whose certificate names
``openshell-audit.internal.com`` (signed by a CA made for the run). They are
marked ``service``: ``pytest -k "not service"`` runs the others alone.
A missing binary, or a service that does not start, fails these tests.
"""

from __future__ import annotations

import grp
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

SDK = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(SDK))

from openshell import (  # noqa: E402
    EgressRule,
    NetworkGuardian,
    OpenShellRuntime,
    Policy,
    PolicyAction,
    PolicyEngine,
    SandboxConfig,
    Tool,
)
from openshell.client import Client, ExecResult, ResponseResult, SessionInfo, ToolResult  # noqa: E402

# Default: the dev build of this checkout (/work/main/build/dev/app/openshelld/openshelld).
OPENSHELLD = os.environ.get("OPENSHELLD", str(SDK.parents[1] / "build" / "dev" / "app" / "openshelld" / "openshelld"))
AUDIT_HOST = "openshell-audit.internal.com"
CLIENTS_GROUP = "osh-test-clients"
APPROVERS_GROUP = "osh-test-approvers"

# id -> (uid, scopes, secret); secrets are at least 32 characters.
TOKENS = {
    "sdk": (0, "sessions,approvals,audit,admin", "sdk-secret-0123456789abcdef0123456789abcd"),
    "botA": (0, "sessions,agent:support-bot", "bota-secret-0123456789abcdef0123456789abc"),
    "botB": (0, "sessions,agent:other-bot", "botb-secret-0123456789abcdef0123456789abc"),
    "nobody": (65534, "sessions", "nobody-secret-0123456789abcdef0123456789a"),
}


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "service: needs a real openshelld (started by the `service` fixture)")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # The fixture dependency is the marker: -k "not service" and -m "not service" both leave these out.
    for item in items:
        if "service" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.service)


def ensure_group(name: str) -> int:
    """The gid of ``name``, created (``groupadd --system``) when missing, as the C++ service tests do."""
    try:
        return grp.getgrnam(name).gr_gid
    except KeyError:
        subprocess.run(["groupadd", "--system", name], check=True)
        return grp.getgrnam(name).gr_gid


def _openssl(*args: str, cwd: Path) -> None:
    r = subprocess.run(["openssl", *args], cwd=cwd, capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError(f"openssl {' '.join(args)}: {r.stderr}")


def make_certificates(folder: Path) -> tuple[Path, Path, Path]:
    """A test CA and a server certificate for openshell-audit.internal.com (also localhost, 127.0.0.1): (ca, cert, key)."""
    _openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-days", "2",
             "-subj", "/CN=OpenShell SDK test CA", "-addext", "basicConstraints=critical,CA:TRUE",
             "-addext", "keyUsage=critical,keyCertSign,cRLSign", cwd=folder)
    _openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.csr",
             "-subj", f"/CN={AUDIT_HOST}", cwd=folder)
    (folder / "server.ext").write_text(f"subjectAltName=DNS:{AUDIT_HOST},DNS:localhost,IP:127.0.0.1\n"
                                       "basicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n")
    _openssl("x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
             "-out", "server.pem", "-days", "2", "-extfile", "server.ext", cwd=folder)
    return folder / "ca.pem", folder / "server.pem", folder / "server.key"


@dataclass
class Service:
    """A running openshelld of the tests."""

    dir: Path
    socket: Path
    store: Path
    ca: Path
    port: int
    clients_gid: int
    approvers_gid: int
    process: subprocess.Popen[str]
    log: list[str] = field(default_factory=list)
    reader: threading.Thread | None = None

    @property
    def unix(self) -> str:
        """The endpoint of the Unix socket (the caller is root: every scope)."""
        return f"unix:{self.socket}"

    @property
    def https(self) -> str:
        """The TLS listener by address (certificate names 127.0.0.1 too)."""
        return f"https://127.0.0.1:{self.port}"

    @property
    def resolve(self) -> str:
        """OPENSHELL_RESOLVE for the seed's ``https://openshell-audit.internal.com``."""
        return f"{AUDIT_HOST}:443=127.0.0.1:{self.port}"

    def token(self, token_id: str) -> str:
        return TOKENS[token_id][2]

    def client(self, **kw: object) -> Client:
        return Client(self.unix, **kw)  # type: ignore[arg-type]

    def token_client(self, token_id: str) -> Client:
        return Client(self.https, self.token(token_id), ca=str(self.ca))

    def seed_env(self) -> dict[str, str]:
        """The environment the seed's AuditClient(endpoint="https://openshell-audit.internal.com") runs in."""
        env = {k: v for k, v in os.environ.items() if not k.startswith("OPENSHELL_")}
        env.update(OPENSHELL_RESOLVE=self.resolve, OPENSHELL_CA=str(self.ca), OPENSHELL_TOKEN=self.token("sdk"),
                   PYTHONPATH=str(SDK))
        return env

    def text(self) -> str:
        return "".join(self.log)


def _start(binary: str, folder: Path) -> Service:
    clients = ensure_group(CLIENTS_GROUP)
    approvers = ensure_group(APPROVERS_GROUP)
    ca, cert, key = make_certificates(folder)
    tokens = folder / "tokens"
    tokens.write_text("".join(f"{i} {uid} {scopes} {secret}\n" for i, (uid, scopes, secret) in TOKENS.items()))
    tokens.chmod(0o600)
    sock = folder / "api.sock"
    store = folder / "state" / "audit.db"
    process = subprocess.Popen(
        [binary, "--listen", f"unix:{sock}", "--listen", "127.0.0.1:0", "--group", CLIENTS_GROUP,
         "--approvers-group", APPROVERS_GROUP, "--token-file", str(tokens), "--store", str(store),
         "--tls-cert", str(cert), "--tls-key", str(key)],
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    log: list[str] = []
    ready = threading.Event()

    def read() -> None:  # drains stderr for the whole run, so the service never blocks on a full pipe
        assert process.stderr is not None
        for line in process.stderr:
            log.append(line)
            if "ready" in line:
                ready.set()
        ready.set()

    reader = threading.Thread(target=read, name="openshelld-stderr", daemon=True)
    reader.start()
    if not ready.wait(60) or process.poll() is not None:
        process.kill()
        raise RuntimeError(f"{binary} did not become ready:\n{''.join(log)}")
    port = next((int(m.group(1)) for line in log if (m := re.search(r"listening on 127\.0\.0\.1:(\d+)", line))), 0)
    if not port:
        process.kill()
        raise RuntimeError(f"{binary} printed no TCP port:\n{''.join(log)}")
    return Service(folder, sock, store, ca, port, clients, approvers, process, log, reader)


@pytest.fixture(scope="session")
def service() -> Iterator[Service]:
    """A real openshelld for the whole run (root, Unix socket + TLS on 127.0.0.1), stopped with SIGTERM at the end."""
    if not os.path.isfile(OPENSHELLD) or not os.access(OPENSHELLD, os.X_OK):
        pytest.fail(f"openshelld not found at {OPENSHELLD}: build it (cmake --build --preset dev) "
                    "or set OPENSHELLD to the binary", pytrace=False)
    if os.geteuid() != 0:
        pytest.fail("the service tests start openshelld, which needs root", pytrace=False)
    for tool in ("openssl", "setpriv", "groupadd"):
        if shutil.which(tool) is None:
            pytest.fail(f"the service tests need {tool}", pytrace=False)
    folder = Path(tempfile.mkdtemp(prefix="osh-sdk-", dir="/tmp"))
    folder.chmod(0o755)  # other uids reach the socket (its group decides)
    try:
        svc = _start(OPENSHELLD, folder)
    except Exception as e:
        shutil.rmtree(folder, ignore_errors=True)
        pytest.fail(str(e), pytrace=False)
    try:
        yield svc
    finally:
        svc.process.send_signal(signal.SIGTERM)
        try:
            svc.process.wait(60)
        except subprocess.TimeoutExpired:
            svc.process.kill()
            svc.process.wait(10)
        if svc.reader is not None:
            svc.reader.join(10)  # the rest of the log, up to the end of the pipe
        if svc.process.stderr is not None:
            svc.process.stderr.close()
        if os.environ.get("OPENSHELL_KEEP_TEST_DIR"):
            print(f"\nopenshelld test folder kept: {folder}\n{svc.text()}")
        else:
            shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def client(service: Service) -> Client:
    """A client of the service's Unix socket (as root)."""
    return service.client()


def wait_for(predicate, timeout: float = 30.0, interval: float = 0.1):  # type: ignore[no-untyped-def]
    """Poll ``predicate`` until it returns something true; that value (AssertionError after ``timeout``)."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"nothing after {timeout} s")
        time.sleep(interval)


# --- the recorded gVisor session that several test modules look at -----------------------------

SSN = "123-45-6789"
LOOKUP_PY = """import json, sys
args = json.load(sys.stdin)
print(json.dumps({"id": args.get("id"), "customer": "Ana Lima", "ssn": "%s"}))
""" % SSN


def sandbox(**kw: object) -> SandboxConfig:
    """gVisor with room for python3 in the sandbox."""
    values = dict(isolation="gvisor", max_memory_mb=1024, max_open_files=1024, max_processes=100,
                  max_execution_time_seconds=300, cleanup_policy="destroy")
    values.update(kw)
    return SandboxConfig(**values)


def egress_script(authority: str) -> str:
    """Python for exec: a CONNECT through the session's network guardian; prints its answer line, then the peer's."""
    return f"""import socket
c = socket.create_connection(("127.0.0.1", 3128), timeout=30)
c.sendall(b"CONNECT {authority} HTTP/1.1\\r\\nHost: {authority}\\r\\nX-OpenShell-Protocol: tcp\\r\\n\\r\\n")
head = b""
while b"\\r\\n\\r\\n" not in head:
    chunk = c.recv(1)
    if not chunk:
        break
    head += chunk
print(head.split(b"\\r\\n")[0].decode())
if b" 200 " in head.split(b"\\r\\n")[0]:
    c.sendall(b"ping")
    print(c.recv(100).decode())
"""


def support_runtime(web_port: int) -> OpenShellRuntime:
    """The recorded session's policy, built with the configuration classes."""
    return OpenShellRuntime(
        name="sdk-support",
        sandbox=sandbox(),
        network=NetworkGuardian(
            default_policy="deny-all",
            hosts={"web.test": "127.0.0.1"},
            rules=[EgressRule(tool="exec", allowed_hosts=["web.test"], allowed_ports=[web_port], protocol="tcp")],
        ),
        policies=PolicyEngine(policies=[
            Policy(name="no-shell", trigger="tool_call",
                   condition="tool.name == 'exec' and tool.args.argv[0] == 'sh'",
                   action=PolicyAction.BLOCK, message="shells are not allowed", log_level="warning"),
            Policy(name="pii-redact", trigger="data_output", condition="contains_pii(output)",
                   action=PolicyAction.REDACT, pii_types=["ssn"], log_level="warning"),
        ]),
        tools=[
            Tool(name="lookup", description="Look a customer up", command=["python3", "lookup.py"], timeout_seconds=60),
            Tool(name="exec", description="Commands run through the API (Session.exec)", command=["true"], pool=0),
        ],
    )


@dataclass
class Recorded:
    """What the recorded session did, for the tests to check."""

    id: str
    policy_file: Path
    web_port: int
    running: SessionInfo
    echo: ExecResult
    shell: ExecResult
    cat: ExecResult
    lookup: ToolResult
    tools: list
    response: ResponseResult
    total_cost: float
    egress_blocked: ExecResult
    egress_allowed: ExecResult
    final: SessionInfo
    events: list
    final_from_events: SessionInfo | None


@pytest.fixture(scope="session")
def web_server() -> Iterator[int]:
    """A TCP server on 127.0.0.1 answering "pong:" + what it got: the one destination the recorded session may reach."""
    server = socket.create_server(("127.0.0.1", 0))
    port = server.getsockname()[1]

    def serve() -> None:
        while True:
            try:
                conn, _ = server.accept()
            except OSError:
                return
            with conn:
                conn.settimeout(10)
                try:
                    conn.sendall(b"pong:" + conn.recv(100))
                except OSError:
                    pass

    threading.Thread(target=serve, name="web.test", daemon=True).start()
    yield port
    server.close()


@pytest.fixture(scope="session")
def recorded(service: Service, web_server: int) -> Iterator[Recorded]:
    """One gVisor session (policy file + lookup.py in a policy folder, started by path): exec, a refused exec,
    a declared tool whose output is redacted, a response, usage, reasoning, one blocked and one allowed egress."""
    folder = Path(tempfile.mkdtemp(prefix="osh-sdk-policy-", dir="/tmp"))
    folder.chmod(0o755)
    (folder / "lookup.py").write_text(LOOKUP_PY)
    (folder / "lookup.py").chmod(0o644)
    policy_file = folder / "sdk-support.policy.yaml"
    support_runtime(web_server).save(policy_file)
    policy_file.chmod(0o644)
    client = service.client()
    try:
        # No workspace: the service makes a fresh one (a root-owned folder is refused: agents never run as root).
        with client.start_session(policy_file, isolation="gvisor") as session:
            running = session.info()
            echo = session.exec(["echo", "hi"])
            shell = session.exec(["sh", "-c", "echo from a shell"])
            cat = session.exec(["cat"], stdin="from stdin")
            lookup = session.call_tool("lookup", id=4411)
            tools = session.tools()
            response = session.respond("Your refund is on its way.")
            total = session.report_usage(0.25, tokens=1200, model="test-model")
            session.reasoning("The customer wants a refund; look them up first.")
            blocked = session.exec(["python3", "-c", egress_script("blocked.example.com:443")])
            allowed = session.exec(["python3", "-c", egress_script(f"web.test:{web_server}")])
        final = session.info()
        stream = session.events()
        events = list(stream)
        yield Recorded(session.id, policy_file, web_server, running, echo, shell, cat, lookup, tools, response, total,
                       blocked, allowed, final, events, stream.final)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
