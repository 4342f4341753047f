"""The transport without openshelld: endpoints, OPENSHELL_RESOLVE, HTTP over AF_UNIX/TCP/TLS, problems, SSE.

The peers here are tiny local servers made by the tests (an AF_UNIX HTTP
server, a TCP one, a TLS one with a certificate from a test CA): they check
what the SDK sends and how it reads answers, not the service's behaviour.
"""

from __future__ import annotations

import contextlib
import http.server
import json
import math
import os
import socket
import socketserver
import ssl
import tempfile
import threading
import time
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from conftest import AUDIT_HOST, make_certificates
from openshell._transport import (
    DEFAULT_ENDPOINT,
    Transport,
    parse_endpoint,
    parse_resolve,
    parse_sse,
)
from openshell.errors import (
    ActionRefusedError,
    ApiError,
    AuthError,
    ConflictError,
    NotFoundError,
    PolicyInvalidError,
    PolicyRejectedError,
    RateLimitedError,
    TransportError,
)

# --- endpoints --------------------------------------------------------------------------------


def test_default_endpoint_is_the_system_socket(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENSHELL_ENDPOINT", raising=False)
    monkeypatch.delenv("OPENSHELL_RESOLVE", raising=False)
    e = parse_endpoint()
    assert e.text == DEFAULT_ENDPOINT == "unix:/run/openshell/api.sock"
    assert e.socket_path == "/run/openshell/api.sock" and not e.sends_token and not e.uses_tls


def test_endpoint_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENSHELL_ENDPOINT", "http://127.0.0.1:8765")
    e = parse_endpoint()
    assert (e.scheme, e.host, e.port, e.connect_to, e.socket_path) == ("http", "127.0.0.1", 8765, ("127.0.0.1", 8765), None)
    assert e.sends_token


@pytest.mark.parametrize("text, host, port, tls", [
    ("https://openshell-audit.internal.com", "openshell-audit.internal.com", 443, True),
    ("https://10.0.0.5:9443/", "10.0.0.5", 9443, True),
    ("http://localhost", "localhost", 80, False),
    ("http://[::1]:7000", "::1", 7000, False),
])
def test_tcp_endpoints(text: str, host: str, port: int, tls: bool) -> None:
    e = parse_endpoint(text, resolve="")
    assert (e.host, e.port, e.uses_tls, e.connect_to) == (host, port, tls, (host, port))


@pytest.mark.parametrize("text, says", [
    ("unix:relative.sock", "absolute"),
    ("ftp://host:1", "expected unix:PATH"),
    ("https://host:1/api", "only a scheme"),
    ("https://host:99999", "port"),
    ("/run/openshell/api.sock", "expected unix:PATH"),
])
def test_bad_endpoints(text: str, says: str) -> None:
    with pytest.raises(ValueError, match=says):
        parse_endpoint(text, resolve="")


def test_resolve_keeps_the_name_and_connects_to_the_address() -> None:
    e = parse_endpoint("https://openshell-audit.internal.com",
                       resolve="other.example:443=10.9.9.9:1, OpenShell-Audit.Internal.com:443=127.0.0.1:9443")
    assert e.host == "openshell-audit.internal.com" and e.port == 443
    assert e.connect_to == ("127.0.0.1", 9443)
    assert e.uses_tls and e.sends_token


def test_resolve_matches_the_port() -> None:
    e = parse_endpoint("https://api.example:8443", resolve="api.example:443=127.0.0.1:9443")
    assert e.connect_to == ("api.example", 8443)  # no mapping for this port: the name is resolved normally


def test_resolve_address_without_port_keeps_the_urls_and_ipv6() -> None:
    m = parse_resolve("a.example:443=127.0.0.2, [::1]:80=[fe80::1]:8080")
    assert m[("a.example", 443)].address == "127.0.0.2" and m[("a.example", 443)].port is None
    assert m[("::1", 80)].address == "fe80::1" and m[("::1", 80)].port == 8080
    e = parse_endpoint("https://a.example", resolve="a.example:443=127.0.0.2")
    assert e.connect_to == ("127.0.0.2", 443)


def test_resolve_to_a_unix_socket_sends_no_token() -> None:
    e = parse_endpoint("https://openshell-audit.internal.com", resolve="openshell-audit.internal.com=unix:/tmp/x.sock")
    assert e.socket_path == "/tmp/x.sock" and not e.sends_token and not e.uses_tls


@pytest.mark.parametrize("text", ["novalue", "host:443=", "=1.2.3.4", "host=1.2.3.4", "h:443=unix:rel", "h:x=1.2.3.4"])
def test_bad_resolve_entries(text: str) -> None:
    with pytest.raises(ValueError, match="OPENSHELL_RESOLVE"):
        parse_resolve(text)


# --- tiny servers -----------------------------------------------------------------------------

Handler = Callable[[http.server.BaseHTTPRequestHandler], None]


class _Quiet(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    handle_request: Handler
    seen: list[dict]

    def log_message(self, *args: object) -> None:
        pass

    def _any(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        type(self).seen.append({"method": self.command, "path": self.path, "headers": dict(self.headers),
                                "body": json.loads(body) if body else None})
        type(self).handle_request(self)

    do_GET = do_POST = do_PUT = do_DELETE = _any


class _UnixServer(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
    daemon_threads = True

    def get_request(self):  # type: ignore[no-untyped-def]
        conn, _ = self.socket.accept()
        return conn, ("local", 0)  # BaseHTTPRequestHandler wants a (host, port) pair


class _TcpServer(socketserver.ThreadingMixIn, socketserver.TCPServer):
    daemon_threads = True
    allow_reuse_address = True


@contextlib.contextmanager
def serving(handle: Handler, *, unix: bool = True, tls: ssl.SSLContext | None = None) -> Iterator[tuple[str, list[dict]]]:
    """Serve ``handle`` on a fresh AF_UNIX socket (or TCP 127.0.0.1); yields (address, requests seen)."""
    seen: list[dict] = []
    handler = type("H", (_Quiet,), {"handle_request": staticmethod(handle), "seen": seen})
    folder = tempfile.mkdtemp(prefix="osh-sdk-t-")
    if unix:
        address = os.path.join(folder, "s.sock")
        server: socketserver.BaseServer = _UnixServer(address, handler)
    else:
        server = _TcpServer(("127.0.0.1", 0), handler)
        if tls is not None:
            server.socket = tls.wrap_socket(server.socket, server_side=True)  # type: ignore[attr-defined]
        address = f"127.0.0.1:{server.server_address[1]}"  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield address, seen
    finally:
        server.shutdown()
        server.server_close()
        with contextlib.suppress(OSError):
            os.unlink(os.path.join(folder, "s.sock"))
        os.rmdir(folder)


def reply(status: int, body: object = None, content_type: str = "application/json",
          headers: dict[str, str] | None = None) -> Handler:
    def handle(h: http.server.BaseHTTPRequestHandler) -> None:
        data = b"" if body is None else json.dumps(body).encode()
        h.send_response(status)
        h.send_header("Content-Type", content_type)
        h.send_header("Content-Length", str(len(data)))
        for k, v in (headers or {}).items():
            h.send_header(k, v)
        h.end_headers()
        h.wfile.write(data)
    return handle


def problem(status: int, slug: str, detail: str, **extra: object) -> Handler:
    return reply(status, {"type": f"urn:openshell:problem:{slug}", "title": "x", "status": status, "detail": detail,
                          **extra}, "application/problem+json")


# --- requests ---------------------------------------------------------------------------------


def test_request_over_a_unix_socket_sends_json_and_no_token() -> None:
    with serving(reply(200, {"ok": True})) as (path, seen):
        t = Transport(f"unix:{path}", "secret-token")
        r = t.request("POST", "/v1/x", {"a": [1, "b"]}, query={"since": "1h", "type": ["tool_call", "usage"], "n": None})
    assert r.status == 200 and r.body == {"ok": True}
    (req,) = seen
    assert req["method"] == "POST" and req["path"] == "/v1/x?since=1h&type=tool_call,usage"
    assert req["body"] == {"a": [1, "b"]}
    assert req["headers"]["Content-Type"] == "application/json"
    assert "Authorization" not in req["headers"]


def test_no_content_answer_has_no_body() -> None:
    with serving(reply(204)) as (path, _):
        assert Transport(f"unix:{path}").request("DELETE", "/v1/state/a/b").body is None


@pytest.mark.parametrize("handler, kind, status", [
    (problem(401, "unauthorized", "the bearer token is not valid"), AuthError, 401),
    (problem(403, "forbidden", "not your workspace", field="workspace"), AuthError, 403),
    (problem(404, "not-found", "no session x"), NotFoundError, 404),
    (problem(409, "conflict", "the session is not running"), ConflictError, 409),
    (problem(500, "internal", "it broke"), ApiError, 500),
    (reply(502, "bad gateway", "text/plain"), ApiError, 502),
])
def test_problems_become_exceptions(handler: Handler, kind: type, status: int) -> None:
    with serving(handler) as (path, _):
        with pytest.raises(kind) as info:
            Transport(f"unix:{path}").request("GET", "/v1/x")
    assert info.value.status == status
    assert str(info.value).startswith(f"openshelld at unix:{path}: {status} ")


def test_problem_message_names_endpoint_slug_detail_and_field() -> None:
    with serving(problem(403, "forbidden", "the workspace is not yours", field="workspace")) as (path, _):
        with pytest.raises(AuthError) as info:
            Transport(f"unix:{path}").request("POST", "/v1/sessions", {})
    e = info.value
    assert (e.slug, e.detail, e.field) == ("forbidden", "the workspace is not yours", "workspace")
    assert str(e) == f"openshelld at unix:{path}: 403 forbidden: the workspace is not yours (field workspace)"


def test_rate_limited_carries_retry_after() -> None:
    with serving(reply(429, {"type": "urn:openshell:problem:rate-limited", "detail": "slow down"},
                       "application/problem+json", {"Retry-After": "3"})) as (path, _):
        with pytest.raises(RateLimitedError) as info:
            Transport(f"unix:{path}").request("GET", "/v1/info")
    assert info.value.retry_after == 3.0


def test_action_refused_carries_the_decision() -> None:
    decision = {"outcome": "block", "layer": "policy", "policy": "no-shell", "message": "shells are not allowed"}
    with serving(problem(403, "action-refused", "refused", decision=decision)) as (path, _):
        with pytest.raises(ActionRefusedError) as info:
            Transport(f"unix:{path}").request("POST", "/v1/sessions/s/exec", {"argv": ["sh"]})
    assert info.value.decision == decision
    assert not isinstance(info.value, AuthError)


def test_policy_invalid_carries_diagnostics() -> None:
    diag = {"file": "p.yaml", "line": 3, "column": 1, "severity": "error", "code": "E010", "message": "unknown key"}
    with serving(problem(422, "policy-invalid", "the policy has errors", field="policy_yaml", diagnostics=[diag])) as (path, _):
        with pytest.raises(PolicyRejectedError) as info:
            Transport(f"unix:{path}").request("POST", "/v1/sessions", {})
    assert isinstance(info.value, PolicyInvalidError)
    assert [d.code for d in info.value.diagnostics] == ["E010"]
    assert "p.yaml:3:1: error E010: unknown key" in str(info.value)


def test_missing_socket_is_a_transport_error_naming_the_endpoint() -> None:
    with pytest.raises(TransportError, match=r"openshelld at unix:/nonexistent/api\.sock: cannot reach"):
        Transport("unix:/nonexistent/api.sock").request("GET", "/v1/info")


def test_no_answer_in_time_is_a_transport_error() -> None:
    folder = tempfile.mkdtemp(prefix="osh-sdk-t-")
    path = os.path.join(folder, "silent.sock")
    silent = socket.socket(socket.AF_UNIX)
    silent.bind(path)
    silent.listen()
    try:
        with pytest.raises(TransportError, match=r"no answer within 0\.3 s"):
            Transport(f"unix:{path}", timeout=0.3).request("GET", "/v1/info")
    finally:
        silent.close()
        os.unlink(path)
        os.rmdir(folder)


def test_http_through_resolve_sends_the_name_and_the_token(monkeypatch: pytest.MonkeyPatch) -> None:
    with serving(reply(200, {"ok": 1}), unix=False) as (address, seen):
        monkeypatch.setenv("OPENSHELL_RESOLVE", f"api.example.invalid:8080={address}")
        monkeypatch.setenv("OPENSHELL_TOKEN", "tok-123")
        assert Transport("http://api.example.invalid:8080").request("GET", "/v1/info").body == {"ok": 1}
    (req,) = seen
    assert req["headers"]["Host"] == "api.example.invalid:8080"
    assert req["headers"]["Authorization"] == "Bearer tok-123"


@pytest.fixture(scope="module")
def certificates() -> Iterator[tuple[Path, Path, Path]]:
    folder = Path(tempfile.mkdtemp(prefix="osh-sdk-certs-"))
    yield make_certificates(folder)
    for f in folder.iterdir():
        f.unlink()
    folder.rmdir()


def _tls_server_context(cert: Path, key: Path, names: list[str]) -> ssl.SSLContext:
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(cert, key)
    ctx.sni_callback = lambda sock, name, _ctx: names.append(name) and None  # type: ignore[func-returns-value]
    return ctx


def test_https_through_resolve_checks_the_certificate_against_the_name(
        certificates: tuple[Path, Path, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    ca, cert, key = certificates
    names: list[str] = []
    with serving(reply(200, {"tls": True}), unix=False, tls=_tls_server_context(cert, key, names)) as (address, seen):
        monkeypatch.setenv("OPENSHELL_RESOLVE", f"{AUDIT_HOST}:443={address},wrong.example:443={address}")
        ok = Transport(f"https://{AUDIT_HOST}", "t0k", ca=str(ca))
        assert ok.request("GET", "/v1/info").body == {"tls": True}
        assert names == [AUDIT_HOST]
        assert seen[0]["headers"]["Host"] == AUDIT_HOST
        assert seen[0]["headers"]["Authorization"] == "Bearer t0k"
        with pytest.raises(TransportError, match="wrong.example.*certificate is not trusted"):
            Transport("https://wrong.example", ca=str(ca)).request("GET", "/v1/info")
        with pytest.raises(TransportError, match="certificate is not trusted"):
            Transport(f"https://{AUDIT_HOST}").request("GET", "/v1/info")  # the system CAs do not know the test CA


def test_tls_below_1_2_is_refused(certificates: tuple[Path, Path, Path]) -> None:
    ca, cert, key = certificates
    ctx = _tls_server_context(cert, key, [])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # TLS 1.1 is deprecated: that is the point
        ctx.minimum_version = ctx.maximum_version = ssl.TLSVersion.TLSv1_1
    with serving(reply(200, {}), unix=False, tls=ctx) as (address, _):
        with pytest.raises(TransportError):
            Transport(f"https://{address}", ca=str(ca)).request("GET", "/v1/info")


# --- server-sent events -----------------------------------------------------------------------


def test_sse_parsing_rules() -> None:
    raw = [b": a comment\n", b"event: audit\n", b"id: 7\n", b'data: {"seq": 7,\n', b'data:  "x": 1}\n', b"\n",
           b"event: output\r\n", b'data:{"stream":"stdout","data":"hi\\n"}\r\n', b"\r\n",
           b"event: nothing\n", b"\n",
           b"data: plain text\n", b"\n",
           b"event: end\n", b'data: {"id": "s"}\n']  # no blank line at the end: not dispatched
    events = list(parse_sse(iter(raw)))
    assert events == [("audit", "7", {"seq": 7, "x": 1}),
                      ("output", "7", {"stream": "stdout", "data": "hi\n"}),
                      ("message", "7", "plain text")]
    assert events[0].event == "audit" and events[0].data["seq"] == 7


def _stream_handler(gate: threading.Event, sent_first: threading.Event) -> Handler:
    def handle(h: http.server.BaseHTTPRequestHandler) -> None:
        h.send_response(200)
        h.send_header("Content-Type", "text/event-stream")
        h.send_header("Connection", "close")
        h.end_headers()
        h.wfile.write(b'event: audit\nid: 1\ndata: {"session_id":"s","seq":1,"type":"sandbox"}\n\n')
        h.wfile.flush()
        sent_first.set()
        gate.wait(10)  # the second event only once the client has read the first: proves it is lazy
        h.wfile.write(b'event: output\ndata: {"stream":"stdout","data":"hi\\n"}\n\nevent: end\ndata: {"id":"s"}\n\n')
        h.wfile.flush()
        h.close_connection = True
    return handle


def test_event_stream_is_read_lazily_from_the_socket() -> None:
    gate, sent_first = threading.Event(), threading.Event()
    with serving(_stream_handler(gate, sent_first)) as (path, seen):
        stream = Transport(f"unix:{path}").events("/v1/sessions/s/events", query={"after": 0})
        first = next(stream)
        assert first == ("audit", "1", {"session_id": "s", "seq": 1, "type": "sandbox"})
        gate.set()
        rest = list(stream)
        stream.close()
    assert [e.event for e in rest] == ["output", "end"]
    assert seen[0]["path"] == "/v1/sessions/s/events?after=0"
    assert seen[0]["headers"]["Accept"] == "text/event-stream"


def test_closing_an_event_stream_wakes_a_waiting_reader() -> None:
    gate, sent_first = threading.Event(), threading.Event()
    with serving(_stream_handler(gate, sent_first)) as (path, _):
        stream = Transport(f"unix:{path}").events("/v1/sessions/s/events")
        next(stream)
        got: list[object] = []
        reader = threading.Thread(target=lambda: got.extend(stream))
        reader.start()
        time.sleep(0.2)
        stream.close()  # the reader is blocked in recv: close() must end it
        reader.join(5)
        alive = reader.is_alive()
        gate.set()
    assert not alive and got == []


def test_event_stream_error_answer_raises() -> None:
    with serving(problem(404, "not-found", "no session s")) as (path, _):
        with pytest.raises(NotFoundError, match="no session s"):
            Transport(f"unix:{path}").events("/v1/sessions/s/events")


# --- what is refused before anything is sent --------------------------------------------------


@pytest.mark.parametrize("text, says", [
    ("a.example:443=db.internal", "not an IP address"),          # a name would need DNS: never looked up
    ("a.example:443=::1", "IPv6 address in brackets"),
    ("::1:443=127.0.0.1", "IPv6 address in brackets"),
    ("[not-v6]:443=127.0.0.1", "not an IPv6 address"),
    ("a.example:443=127.0.0.1,,b.example:443=127.0.0.2", "empty entry"),
    ("a.example:443=127.0.0.1,", "empty entry"),
    ("a.example:443=127.0.0.1, A.example:443=127.0.0.2", "mapped twice"),
    ("a.example:\u0664\u0664\u0663=127.0.0.1", "bad port"),       # Arabic-Indic digits are digits, not a port
    ("a.example:0=127.0.0.1", "bad port"),
    ("a.example:443=127.0.0.1:70000", "bad port"),
    ("bad host:443=127.0.0.1", "not a host name"),
    ("a.example=unix:/tmp/x\0.sock", "absolute"),
])
def test_resolve_is_strict(text: str, says: str) -> None:
    with pytest.raises(ValueError, match=f"OPENSHELL_RESOLVE.*{says}"):
        parse_resolve(text)


def test_resolve_accepts_an_empty_value() -> None:
    assert parse_resolve("") == {} and parse_resolve("  ") == {} and parse_resolve(None) == {}


@pytest.mark.parametrize("text, says", [
    ("https://host:0", "bad port"),
    ("https://host:", "bad port"),
    ("https://user@host", "only a scheme"),
    ("http://ho st:80", "white space"),
    ("http://host\n:80", "white space"),
    ("https://exa%41mple.com", "not a host name"),
    ("http:host", "expected unix:PATH"),
    ("https://", "no host"),
])
def test_endpoints_are_strict(text: str, says: str) -> None:
    with pytest.raises(ValueError, match=says):
        parse_endpoint(text, resolve="")


def test_no_token_over_plain_http_to_another_host() -> None:
    with pytest.raises(ValueError, match=r"token: .*not a loopback address.*use https"):
        Transport("http://10.1.2.3:8080", "tok-123")
    Transport("http://10.1.2.3:8080")  # without a token: nothing to protect
    Transport("http://[::1]:8080", "tok-123")
    Transport("http://127.0.0.2:8080", "tok-123")
    Transport("https://10.1.2.3:8443", "tok-123")


def test_token_refused_when_the_peer_is_not_loopback(monkeypatch: pytest.MonkeyPatch) -> None:
    import openshell._transport as transport

    with serving(reply(200, {"ok": 1}), unix=False) as (address, seen):
        monkeypatch.setenv("OPENSHELL_RESOLVE", f"api.example.invalid:8080={address}")
        t = Transport("http://api.example.invalid:8080", "tok-123")
        monkeypatch.setattr(transport, "is_loopback", lambda address: False)  # as if the peer were remote
        with pytest.raises(TransportError, match="refusing to send the token over plain http to 127.0.0.1"):
            t.request("GET", "/v1/info")
        assert Transport("http://api.example.invalid:8080").request("GET", "/v1/info").body == {"ok": 1}
    assert len(seen) == 1 and "Authorization" not in seen[0]["headers"]  # only the request without a token


@pytest.mark.parametrize("token", ["has space", "new\nline", "tab\t", "nön-ascii", ""])
def test_malformed_tokens_are_refused(token: str) -> None:
    if token == "":
        assert Transport("unix:/x.sock", token).token == ""  # an empty token is no token: nothing is sent
        return
    with pytest.raises(ValueError, match="^token: ") as info:
        Transport("https://127.0.0.1:1", token)
    assert token not in str(info.value)


def test_a_ca_that_cannot_be_loaded_names_the_ca(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="^ca: cannot load"):
        Transport("https://127.0.0.1:1", ca=str(tmp_path / "missing.pem"))
    Transport("unix:/x.sock", ca=str(tmp_path / "missing.pem"))  # no TLS: the CA is not used


def test_tls_verification_is_always_on(certificates: tuple[Path, Path, Path]) -> None:
    ca, _, _ = certificates
    context = Transport("https://127.0.0.1:1", ca=str(ca))._context
    assert context is not None and context.verify_mode == ssl.CERT_REQUIRED and context.check_hostname
    assert context.minimum_version >= ssl.TLSVersion.TLSv1_2


def test_a_request_body_must_be_json() -> None:
    with pytest.raises(TypeError, match="the request body is not JSON-serialisable"):
        Transport("unix:/nonexistent/api.sock").request("POST", "/v1/x", {"cost": math.nan})


# --- bounded answers --------------------------------------------------------------------------


def test_an_answer_over_the_limit_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    import openshell._transport as transport

    monkeypatch.setattr(transport, "MAX_BODY", 1000)
    with serving(reply(200, {"x": "a" * 2000})) as (path, _):
        with pytest.raises(TransportError, match="the answer is larger than 1000 bytes"):
            Transport(f"unix:{path}").request("GET", "/v1/x")

    def unsized(h: http.server.BaseHTTPRequestHandler) -> None:  # no Content-Length: read until the limit
        h.send_response(200)
        h.send_header("Content-Type", "application/json")
        h.send_header("Connection", "close")
        h.end_headers()
        h.wfile.write(b'"' + b"a" * 5000 + b'"')
        h.close_connection = True

    with serving(unsized) as (path, _):
        with pytest.raises(TransportError, match="larger than 1000 bytes"):
            Transport(f"unix:{path}").request("GET", "/v1/x")
    with serving(reply(200, {"x": "a" * 900})) as (path, _):
        assert len(Transport(f"unix:{path}").request("GET", "/v1/x").body["x"]) == 900


def test_a_non_object_answer_where_an_object_is_expected() -> None:
    with serving(reply(200, [1, 2])) as (path, _):
        with pytest.raises(TransportError, match="the answer to GET /v1/info is not a JSON object"):
            Transport(f"unix:{path}").request_object("GET", "/v1/info")


def test_sse_lines_and_events_are_bounded() -> None:
    with pytest.raises(ValueError, match="line is longer than 100 bytes"):
        list(parse_sse(iter([b"data: " + b"x" * 200 + b"\n", b"\n"]), max_event=100))
    many = [b"data: " + b"x" * 30 + b"\n"] * 4 + [b"\n"]
    with pytest.raises(ValueError, match="data is longer than 100 bytes"):
        list(parse_sse(iter(many), max_event=100))
    empty_lines = [b"data:\n"] * 101 + [b"\n"]  # empty data lines still cost a line feed each
    with pytest.raises(ValueError, match="data is longer"):
        list(parse_sse(iter(empty_lines), max_event=100))
    assert [e.data for e in parse_sse(iter(many[:3] + [b"\n"]), max_event=100)] == ["\n".join(["x" * 30] * 3)]


@pytest.mark.parametrize("payload", [b"data: " + b"x" * 500 + b"\n\n",                # one long line
                                     b"".join([b"data: " + b"y" * 50 + b"\n"] * 20)],  # an event of many lines
                         ids=["long-line", "long-event"])
def test_an_oversized_event_ends_the_stream_with_a_transport_error(
        monkeypatch: pytest.MonkeyPatch, payload: bytes) -> None:
    import openshell._transport as transport

    monkeypatch.setattr(transport, "MAX_EVENT", 256)

    def handle(h: http.server.BaseHTTPRequestHandler) -> None:
        h.send_response(200)
        h.send_header("Content-Type", "text/event-stream")
        h.send_header("Connection", "close")
        h.end_headers()
        h.wfile.write(b"event: audit\ndata: {}\n\n" + payload)
        h.close_connection = True

    with serving(handle) as (path, _):
        stream = Transport(f"unix:{path}").events("/v1/sessions/s/events")
        assert next(stream).data == {}
        with pytest.raises(TransportError, match=r"event stream was cut off: .* longer than 256 bytes"):
            next(stream)
        assert stream._closed
