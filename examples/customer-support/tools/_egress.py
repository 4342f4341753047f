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
import json
import os
import socket
import ssl
import sys
import urllib.error
import urllib.parse
import urllib.request


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
    proxy = os.environ.get("HTTPS_PROXY") or os.environ.get("https_proxy")
    handlers = [urllib.request.HTTPSHandler(context=_context())]
    handlers.append(urllib.request.ProxyHandler({"https": proxy} if proxy else {}))
    opener = urllib.request.build_opener(*handlers)
    body = json.dumps(payload).encode() if payload is not None else None
    req = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"})
    try:
        with opener.open(req, timeout=timeout) as resp:
            return json.loads(resp.read().decode())
    except urllib.error.HTTPError as e:
        # A request the guardian refused: its JSON answer says why.
        reason = "no reason given"
        try:
            answer = json.loads(e.read(65536).decode(errors="replace"))
            reason = answer.get("reason") or answer.get("error") or reason
        except (OSError, ValueError, AttributeError):
            pass
        raise ConnectionRefusedError("refused (%d %s): %s" % (e.code, e.reason, reason)) from None


def tunnel(host, port, protocol, timeout=10):
    """A raw TCP tunnel through the proxy (CONNECT)."""
    proxy = os.environ.get("HTTPS_PROXY") or os.environ.get("https_proxy")
    if not proxy:
        return socket.create_connection((host, port), timeout=timeout)
    p = urllib.parse.urlsplit(proxy)
    s = socket.create_connection((p.hostname, p.port), timeout=timeout)
    s.sendall(("CONNECT %s:%d HTTP/1.1\r\nHost: %s:%d\r\nX-OpenShell-Protocol: %s\r\n\r\n"
               % (host, port, host, port, protocol)).encode())
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
