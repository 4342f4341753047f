"""The demo tools' egress (examples/customer-support/tools/_egress.py)
against a stand-in proxy on loopback: a refused CONNECT and a refused
request both reach the agent with the proxy's reason, an allowed request
with its JSON. The tools never resolve a name: the stand-in proxy is the
only peer, and it terminates TLS with a certificate made here."""
import json
import os
import socket
import ssl
import subprocess
import sys
import threading

import pytest

TOOLS = os.path.join(os.path.dirname(__file__), "..", "..", "examples", "customer-support", "tools")


def make_certificates(folder):
    """A CA and a certificate it signed for the two stand-in names; their paths."""
    ca_key, ca_pem = os.path.join(folder, "ca.key"), os.path.join(folder, "ca.pem")
    key, csr, pem = (os.path.join(folder, n) for n in ("kb.key", "kb.csr", "kb.pem"))
    ext = os.path.join(folder, "ext.cnf")
    with open(ext, "w") as f:
        f.write("subjectAltName=DNS:kb.example,DNS:jira.company.com\n")
    run = lambda *a: subprocess.run(a, check=True, capture_output=True)
    run("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", ca_key, "-out", ca_pem,
        "-days", "1", "-subj", "/CN=stand-in CA")
    run("openssl", "req", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", csr, "-subj", "/CN=kb.example")
    run("openssl", "x509", "-req", "-in", csr, "-CA", ca_pem, "-CAkey", ca_key, "-CAcreateserial", "-out", pem,
        "-days", "1", "-extfile", ext)
    return ca_pem, pem, key


class StandInProxy:
    """Answers CONNECT with connect_answer; after a 200, speaks TLS as the
    destination and answers the request with (status, body)."""

    def __init__(self, connect_answer, response=None, cert=None):
        self.connect_answer, self.response, self.cert = connect_answer, response, cert
        self.requests = []
        self.server = socket.socket()
        self.server.bind(("127.0.0.1", 0))
        self.server.listen(1)
        self.port = self.server.getsockname()[1]
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()

    def serve(self):
        conn, _ = self.server.accept()
        with conn:
            head = b""
            while b"\r\n\r\n" not in head:
                head += conn.recv(1)
            self.requests.append(head.decode())
            conn.sendall(self.connect_answer)
            if b" 200 " not in self.connect_answer.split(b"\r\n", 1)[0]:
                return
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            ctx.load_cert_chain(*self.cert)
            with ctx.wrap_socket(conn, server_side=True) as tls:
                request = b""
                while b"\r\n\r\n" not in request:
                    request += tls.recv(4096)
                # The whole body too: closing with unread bytes sends a reset,
                # which can overtake the answer on its way to the tool.
                head, _, body_read = request.partition(b"\r\n\r\n")
                length = 0
                for line in head.split(b"\r\n")[1:]:
                    name, _, value = line.partition(b":")
                    if name.strip().lower() == b"content-length":
                        length = int(value.strip())
                while len(body_read) < length:
                    chunk = tls.recv(4096)
                    if not chunk:
                        break
                    body_read += chunk
                self.requests.append((head + b"\r\n\r\n" + body_read).decode())
                status, body = self.response
                tls.sendall(b"HTTP/1.1 %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n"
                            b"Connection: close\r\n\r\n%s" % (status, len(body), body))


def run_tool(tool, args, proxy, ca=None):
    env = dict(os.environ, HTTPS_PROXY="http://127.0.0.1:%d" % proxy.port)
    if ca:
        env["OPENSHELL_DEMO_CA"] = ca
    out = subprocess.run([sys.executable, os.path.join(TOOLS, tool)], input=json.dumps(args), env=env,
                         capture_output=True, text=True, timeout=30)
    return out.returncode, json.loads(out.stdout)


def json_answer(status, obj):
    body = json.dumps(obj).encode()
    return b"HTTP/1.1 %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s" % (status, len(body), body)


def test_refused_connect_says_why():
    proxy = StandInProxy(json_answer(b"403 Forbidden", {"reason": "knowledge_search may not reach kb.example"}))
    code, answer = run_tool("knowledge_search.py", {"url": "https://kb.example/x"}, proxy)
    assert code == 1
    assert answer == {"error": "proxy refused (403 Forbidden): knowledge_search may not reach kb.example"}
    assert proxy.requests[0].startswith("CONNECT kb.example:443 HTTP/1.1\r\n")
    assert "X-OpenShell-Protocol" not in proxy.requests[0]


@pytest.fixture(scope="module")
def certificates(tmp_path_factory):
    return make_certificates(str(tmp_path_factory.mktemp("certs")))


def test_refused_request_says_why(certificates):
    ca, pem, key = certificates
    proxy = StandInProxy(b"HTTP/1.1 200 Connection established\r\n\r\n",
                         (b"403 Forbidden", json.dumps({"reason": "Card numbers never leave in a URL."}).encode()),
                         (pem, key))
    code, answer = run_tool("knowledge_search.py", {"url": "https://kb.example/search?q=4111"}, proxy, ca)
    assert code == 1
    assert answer == {"error": "refused (403 Forbidden): Card numbers never leave in a URL."}
    assert proxy.requests[1].startswith("GET /search?q=4111 HTTP/1.1\r\n")


def test_allowed_request_returns_its_json(certificates):
    ca, pem, key = certificates
    proxy = StandInProxy(b"HTTP/1.1 200 Connection established\r\n\r\n",
                         (b"200 OK", json.dumps({"hits": ["reset your password"]}).encode()), (pem, key))
    code, answer = run_tool("ticket_api.py", {"action": "update", "id": "SUP-7", "note": "done"}, proxy, ca)
    assert code == 0, answer
    assert answer == {"hits": ["reset your password"]}
    assert proxy.requests[0].startswith("CONNECT jira.company.com:443 ")
    assert proxy.requests[1].startswith("POST /rest/api/2/issue/SUP-7/comment HTTP/1.1\r\n")
