"""Egress helpers for the demo tools.

Tools never reach the network directly: the runtime gives each tool its own
proxy endpoint (HTTPS_PROXY) and the network guardian decides every
connection under the tool's identity. HTTPS goes through an ordinary
CONNECT tunnel that the guardian terminates with the session's CA (the
sandbox's system bundle, SSL_CERT_FILE), so it reads and decides each
request; the guardian itself trusts the stand-in services through the
policy's ca_file. SMTP uses a CONNECT tunnel marked with the
X-OpenShell-Protocol header.
"""
import http.client
import json
import os
import socket
import ssl
import sys
import urllib.parse


def _context():
    # The session's bundle (SSL_CERT_FILE) holds the CA the guardian's
    # certificates come from, for the inspected HTTPS rules; the stand-in
    # mail server's certificate reaches the tool through an uninspected SMTP
    # tunnel, so the demo's own CA is trusted too. OPENSHELL_DEMO_CA names
    # another file for running a tool by hand.
    ctx = ssl.create_default_context()
    ca = os.environ.get("OPENSHELL_DEMO_CA") or os.path.join(os.path.dirname(__file__), "demo-ca.pem")
    if os.path.exists(ca):
        ctx.load_verify_locations(cafile=ca)
    return ctx


def read_args():
    data = sys.stdin.read()
    return json.loads(data) if data.strip() else {}


def reply(obj, status=0):
    sys.stdout.write(json.dumps(obj))
    sys.stdout.flush()
    sys.exit(status)


def https_json(url, payload=None, timeout=10):
    """GET (or POST payload as JSON) url through the tool's proxy; its JSON.

    The tunnel is made here rather than by urllib, whose refused CONNECT
    says only "Tunnel connection failed: 403 Forbidden": the proxy's answer
    carries the reason, and the agent is told it.
    """
    u = urllib.parse.urlsplit(url)
    if u.scheme != "https" or not u.hostname:
        raise ValueError("not an https URL: %s" % url)
    host, port = u.hostname, u.port or 443
    sock = _context().wrap_socket(tunnel(host, port, None, timeout), server_hostname=host)
    conn = http.client.HTTPConnection(host, port, timeout=timeout)
    conn.sock = sock
    try:
        body = json.dumps(payload).encode() if payload is not None else None
        conn.request("POST" if body is not None else "GET", (u.path or "/") + ("?" + u.query if u.query else ""),
                     body=body, headers={"Content-Type": "application/json"})
        resp = conn.getresponse()
        data = resp.read(1 << 24)
    finally:
        conn.close()
    if resp.status >= 400:
        # A request the guardian (or the service) refused: its JSON answer says why.
        reason = "no reason given"
        try:
            answer = json.loads(data.decode(errors="replace"))
            reason = answer.get("reason") or answer.get("error") or reason
        except (ValueError, AttributeError):
            pass
        raise ConnectionRefusedError("refused (%d %s): %s" % (resp.status, resp.reason, reason))
    return json.loads(data.decode())


def tunnel(host, port, protocol, timeout=10):
    """A raw TCP tunnel through the proxy (CONNECT); protocol names what
    goes through it other than TLS (X-OpenShell-Protocol), or None."""
    proxy = os.environ.get("HTTPS_PROXY") or os.environ.get("https_proxy")
    if not proxy:
        return socket.create_connection((host, port), timeout=timeout)
    p = urllib.parse.urlsplit(proxy)
    s = socket.create_connection((p.hostname, p.port), timeout=timeout)
    marker = "X-OpenShell-Protocol: %s\r\n" % protocol if protocol else ""
    s.sendall(("CONNECT %s:%d HTTP/1.1\r\nHost: %s:%d\r\n%s\r\n"
               % (host, port, host, port, marker)).encode())
    # Read the proxy's answer one byte at a time: the server may speak first
    # (SMTP's greeting) and its bytes must stay in the socket for smtplib.
    head = b""
    while not head.endswith(b"\r\n\r\n"):
        byte = s.recv(1)
        if not byte:
            break
        head += byte
    status = head.split(b"\r\n", 1)[0]
    if b" 200" not in status:
        reason = _refusal_reason(s, head)
        s.close()
        raise ConnectionRefusedError("proxy refused (%s): %s" % (
            status.decode(errors="replace").split(" ", 1)[-1], reason))
    return s


def _refusal_reason(s, head):
    """The reason in the proxy's JSON answer to a refused CONNECT."""
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length" and value.strip().isdigit():
            length = min(int(value.strip()), 65536)
    body = b""
    try:
        while len(body) < length:
            chunk = s.recv(length - len(body))
            if not chunk:
                break
            body += chunk
        answer = json.loads(body.decode(errors="replace"))
        return answer.get("reason") or answer.get("error") or "no reason given"
    except (OSError, ValueError, AttributeError):
        return "no reason given"
