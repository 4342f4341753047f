"""Stand-ins for the company's services, on loopback only.

  search.internal.company.com  https  127.0.0.2:443
  jira.company.com             https  127.0.0.3:443
  smtp.company.com             smtp   127.0.0.4:587 (STARTTLS)

Usage: standin.py CERT_DIR. Creates a demo CA and server certificates in
CERT_DIR (with openssl), prints "ready" once every service listens, and
serves until terminated. Every request is logged to stderr.
"""
import json
import os
import socketserver
import ssl
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

SERVICES = {
    "search.internal.company.com": ("127.0.0.2", 443),
    "jira.company.com": ("127.0.0.3", 443),
    "smtp.company.com": ("127.0.0.4", 587),
}

KB = {
    "refund": "Refunds are processed within 5 business days of approval.",
    "shipping": "Orders ship within 2 business days.",
}

TICKETS = {
    "SUP-1": {"id": "SUP-1", "status": "open", "customer": "Jane Roe", "email": "jane.roe@example.com",
              "summary": "Refund for order 1182",
              "payment": "card 4111 1111 1111 1111, exp 12/29"},
}


def log(*parts):
    print("standin:", *parts, file=sys.stderr, flush=True)


def make_certs(d):
    os.makedirs(d, exist_ok=True)
    ca_key, ca = os.path.join(d, "demo-ca.key"), os.path.join(d, "demo-ca.pem")
    run = lambda *a: subprocess.run(a, check=True, capture_output=True)
    if not os.path.exists(ca):
        run("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj",
            "/CN=OpenShell demo CA", "-keyout", ca_key, "-out", ca)
    for host in SERVICES:
        key, csr, crt = (os.path.join(d, host + ext) for ext in (".key", ".csr", ".pem"))
        if os.path.exists(crt):
            continue
        ext = os.path.join(d, host + ".ext")
        with open(ext, "w") as f:
            f.write("subjectAltName=DNS:%s\n" % host)
        run("openssl", "req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=" + host, "-keyout", key, "-out", csr)
        run("openssl", "x509", "-req", "-in", csr, "-CA", ca, "-CAkey", ca_key, "-CAcreateserial",
            "-days", "2", "-extfile", ext, "-out", crt)
    return ca


def tls_context(d, host):
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.load_cert_chain(os.path.join(d, host + ".pem"), os.path.join(d, host + ".key"))
    return ctx


class Api(BaseHTTPRequestHandler):
    def log_message(self, fmt, *args):
        log(self.server.name, fmt % args)

    def _send(self, obj, code=200):
        body = json.dumps(obj).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        if self.server.name.startswith("search"):
            q = self.path.split("q=", 1)[-1].lower()
            hits = [text for key, text in KB.items() if key in q]
            return self._send({"query": q, "results": hits or list(KB.values())})
        ticket = self.path.rstrip("/").split("/")[-1]
        return self._send(TICKETS.get(ticket, {"error": "no such ticket"}), 200 if ticket in TICKETS else 404)

    def do_POST(self):
        length = int(self.headers.get("Content-Length", "0"))
        note = json.loads(self.rfile.read(length) or b"{}")
        return self._send({"updated": True, "comment": note})


class SmtpHandler(socketserver.StreamRequestHandler):
    def handle(self):
        ctx = self.server.ctx
        conn, tls = self.connection, False
        rfile, wfile = self.rfile, self.wfile

        def say(line):
            wfile.write((line + "\r\n").encode())
            wfile.flush()

        say("220 smtp.company.com ESMTP stand-in")
        while True:
            line = rfile.readline()
            if not line:
                return
            cmd = line.decode(errors="replace").strip()
            verb = cmd.split(" ", 1)[0].upper()
            log("smtp", "tls" if tls else "plain", cmd[:60])
            if verb in ("EHLO", "HELO"):
                say("250-smtp.company.com")
                if not tls:
                    say("250-STARTTLS")
                say("250 OK")
            elif verb == "STARTTLS" and not tls:
                say("220 Ready to start TLS")
                conn = ctx.wrap_socket(conn, server_side=True)
                rfile, wfile, tls = conn.makefile("rb"), conn.makefile("wb"), True
            elif verb == "DATA":
                say("354 End data with <CR><LF>.<CR><LF>")
                while rfile.readline() not in (b".\r\n", b".\n", b""):
                    pass
                say("250 Queued")
            elif verb == "QUIT":
                say("221 Bye")
                return
            else:
                say("250 OK")


class ThreadingSmtp(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True


class ThreadingHttps(socketserver.ThreadingMixIn, HTTPServer):
    allow_reuse_address = True
    daemon_threads = True


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: standin.py CERT_DIR")
    d = sys.argv[1]
    make_certs(d)
    servers = []
    for host, (ip, port) in SERVICES.items():
        if host.startswith("smtp"):
            srv = ThreadingSmtp((ip, port), SmtpHandler)
            srv.ctx = tls_context(d, host)
        else:
            srv = ThreadingHttps((ip, port), Api)
            srv.socket = tls_context(d, host).wrap_socket(srv.socket, server_side=True)
        srv.name = host
        servers.append(srv)
        threading.Thread(target=srv.serve_forever, daemon=True).start()
    print("ready", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
