"""How the SDK talks to openshelld: connections, one HTTP request, problems, event streams.

Stdlib only. Each request opens its own connection (so a client may be shared
between threads) and closes it once the answer is read:

- ``unix:PATH``: HTTP/1.1 over an ``AF_UNIX`` socket; the service knows the
  caller from the kernel (``SO_PEERCRED``), so no token is ever sent there.
- ``https://HOST:PORT``: TLS with ``Authorization: Bearer TOKEN``; the
  certificate is checked against the system's CAs or ``OPENSHELL_CA`` (host
  name checked, TLS 1.2 or later). Verification cannot be turned off.
- ``http://HOST:PORT``: plain TCP. A token is sent only when the peer the
  connection reached is a loopback address; any other peer is refused before
  a byte of the request is sent.

``OPENSHELL_RESOLVE`` (see ``_endpoint``) connects to another address while
the URL's host stays the name used for SNI, certificate checks and the
``Host`` header, or sends a URL's host to a Unix socket.

Answers are bounded: a body over :data:`MAX_BODY` bytes, and an event-stream
line or event over :data:`MAX_EVENT` bytes, raise TransportError.
"""

from __future__ import annotations

import functools
import http.client
import os
import socket
import ssl
import urllib.parse
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, NamedTuple

from . import _json
from ._endpoint import (
    DEFAULT_ENDPOINT,
    Endpoint,
    Target,
    is_loopback,
    may_be_loopback,
    parse_endpoint,
    parse_resolve,
)
from .errors import (
    ActionRefusedError,
    ApiError,
    AuthError,
    ConflictError,
    NotFoundError,
    PolicyRejectedError,
    RateLimitedError,
    TransportError,
)

__all__ = [
    "DEFAULT",
    "DEFAULT_ENDPOINT",
    "MAX_BODY",
    "MAX_EVENT",
    "Endpoint",
    "EventStream",
    "Response",
    "ServerSentEvent",
    "ServiceClient",
    "Target",
    "Transport",
    "error_for",
    "parse_endpoint",
    "parse_resolve",
    "parse_sse",
    "tls_context",
]

MAX_BODY = 64 << 20  #: the largest answer body read (the service caps exec output at 4 MiB a stream)
MAX_EVENT = 16 << 20  #: the largest event-stream line, and the most data one event may carry
_PROBLEM_PREFIX = "urn:openshell:problem:"


class _Default:
    """The type of DEFAULT: "the transport's own timeout" (None already means "no timeout")."""


DEFAULT = _Default()


# --- connections ------------------------------------------------------------------------------


class UnixHTTPConnection(http.client.HTTPConnection):
    """HTTP/1.1 over an ``AF_UNIX`` stream socket; the Host header names ``host``."""

    def __init__(self, path: str, host: str = "localhost", timeout: float | None = None) -> None:
        super().__init__(host, timeout=timeout)
        self.socket_path = path

    def connect(self) -> None:
        """Connect to the socket (no token is ever sent on it: the service knows the peer from the kernel)."""
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            sock.settimeout(self.timeout)
            sock.connect(self.socket_path)
        except BaseException:
            sock.close()
            raise
        self.sock = sock


class _NotLoopback(OSError):
    """A plain-http connection that would carry the token reached a peer that is not a loopback address."""


def _connect_to(address: tuple[str, int], loopback_only: bool, _url_address: object, timeout: float | None,
                source_address: object = None) -> socket.socket:
    """Replaces ``HTTPConnection._create_connection``: the socket goes to ``address``.

    The URL's host stays the connection's name (Host header, SNI, certificate
    check) while the socket goes to the OPENSHELL_RESOLVE address.
    ``loopback_only``: the request carries a token over plain TCP, so the
    peer must be this machine; any other is closed before a byte is sent.
    """
    sock = socket.create_connection(address, timeout, source_address)  # type: ignore[arg-type]
    if loopback_only:
        peer = str(sock.getpeername()[0])
        if not is_loopback(peer):
            sock.close()
            raise _NotLoopback(f"refusing to send the token over plain http to {peer}, which is not a loopback "
                               "address: use https")
    return sock


def _tcp_connection(endpoint: Endpoint, context: ssl.SSLContext | None, timeout: float | None,
                    loopback_only: bool) -> http.client.HTTPConnection:
    """An HTTP(S) connection named after the URL's host that connects to ``endpoint.connect_to``."""
    assert endpoint.connect_to is not None
    conn: http.client.HTTPConnection
    if endpoint.uses_tls:
        assert context is not None and context.verify_mode == ssl.CERT_REQUIRED and context.check_hostname
        conn = http.client.HTTPSConnection(endpoint.host, endpoint.port, timeout=timeout, context=context)
    else:
        conn = http.client.HTTPConnection(endpoint.host, endpoint.port, timeout=timeout)
    conn._create_connection = functools.partial(  # type: ignore[attr-defined]
        _connect_to, endpoint.connect_to, loopback_only)
    return conn


def tls_context(ca: str | None) -> ssl.SSLContext:
    """Certificates checked against ``ca`` (a PEM bundle) or the system's CAs; host name checked; TLS >= 1.2."""
    context = ssl.create_default_context(cafile=ca) if ca else ssl.create_default_context()
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.check_hostname = True
    context.verify_mode = ssl.CERT_REQUIRED
    return context


# --- answers ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Response:
    """One answer: status, headers (names lower-cased) and the parsed body (JSON, text, or None when empty)."""

    status: int
    headers: Mapping[str, str]
    body: Any


class ServerSentEvent(NamedTuple):
    """One event of a ``text/event-stream``: its name, its id (or None) and its data (parsed JSON, else the text)."""

    event: str
    id: str | None
    data: Any


def _problem_slug(problem: Mapping[str, Any]) -> str:
    """``forbidden`` for the problem type ``urn:openshell:problem:forbidden``; ``unknown`` for none."""
    kind = str(problem.get("type") or "")
    return kind[len(_PROBLEM_PREFIX):] if kind.startswith(_PROBLEM_PREFIX) else (kind or "unknown")


def _retry_after(headers: Mapping[str, str]) -> float | None:
    """The ``Retry-After`` header in seconds, or None."""
    try:
        return float(headers["retry-after"])
    except (KeyError, ValueError):
        return None


def error_for(endpoint: str, status: int, headers: Mapping[str, str], body: Any) -> ApiError:
    """The exception for an error answer (an RFC 9457 problem, or anything else the service sent)."""
    problem: Mapping[str, Any] = body if isinstance(body, Mapping) else {}
    slug = _problem_slug(problem) if problem else "unknown"
    detail = str(problem.get("detail") or problem.get("title") or (body if isinstance(body, str) else "") or "")
    field = problem.get("field")
    args = dict(status=status, slug=slug, detail=detail, field=None if field is None else str(field),
                endpoint=endpoint, problem=dict(problem))
    if slug == "action-refused":
        return ActionRefusedError(**args)
    if status == 401 or (status == 403 and slug == "forbidden"):
        return AuthError(**args)
    if status == 404:
        return NotFoundError(**args)
    if status == 409:
        return ConflictError(**args)
    if status == 422 and slug == "policy-invalid":
        return PolicyRejectedError(**args)
    if status == 429 or slug == "rate-limited":
        return RateLimitedError(**args, retry_after=_retry_after(headers))
    return ApiError(**args)


def _size(n: int) -> str:
    """``16 MiB`` for a whole number of MiB, else ``n bytes``."""
    return f"{n >> 20} MiB" if n and n % (1 << 20) == 0 else f"{n} bytes"


def _parse_body(content_type: str, raw: bytes) -> Any:
    """A body as JSON (for a JSON content type), else as text; None when empty."""
    if not raw:
        return None
    kind = content_type.split(";")[0].strip().lower()
    text = raw.decode("utf-8", errors="replace")
    if kind in ("application/json", "application/problem+json") or kind.endswith("+json"):
        return _json.loads_or_text(text)
    return text


def parse_sse(lines: Iterable[bytes], max_event: int = MAX_EVENT) -> Iterator[ServerSentEvent]:
    """Server-sent events from a stream of lines (bytes, each with or without its line end), lazily.

    Follows the WHATWG rules that matter here: ``field: value`` lines (one
    leading space of the value dropped), several ``data`` lines joined with a
    line feed, ``:`` comments ignored, a blank line dispatches the event
    (``message`` when it named none; nothing when it had no data). A line, or
    the data of one event, longer than ``max_event`` bytes is a ValueError.
    """
    event, last_id, data, size = "", None, [], 0
    for raw in lines:
        if len(raw) > max_event + 2:  # + the line end
            raise ValueError(f"an event-stream line is longer than {_size(max_event)}")
        line = raw.decode("utf-8", errors="replace").rstrip("\r\n")
        if not line:
            if data:
                yield ServerSentEvent(event or "message", last_id, _json.loads_or_text("\n".join(data)))
            event, data, size = "", [], 0
            continue
        if line.startswith(":"):
            continue
        name, _, value_text = line.partition(":")
        if value_text.startswith(" "):
            value_text = value_text[1:]
        if name == "event":
            event = value_text
        elif name == "data":
            size += len(value_text) + 1
            if size > max_event:
                raise ValueError(f"an event's data is longer than {_size(max_event)}")
            data.append(value_text)
        elif name == "id" and "\0" not in value_text:
            last_id = value_text
    # A stream that ends without the blank line drops the unfinished event, as the spec says.


class EventStream:
    """An open ``text/event-stream`` answer, iterated lazily as :class:`ServerSentEvent` items.

    ``close()`` may be called from another thread to stop a reader that is
    waiting for the next event. A line or event over :data:`MAX_EVENT` bytes
    closes the stream and raises TransportError.
    """

    def __init__(self, sock: socket.socket | None, response: http.client.HTTPResponse, endpoint: str) -> None:
        # http.client hands a "Connection: close" answer's socket to the
        # response; the socket is kept here to wake a blocked reader on close().
        self._sock = sock
        self._response = response
        self._endpoint = endpoint
        self._closed = False
        self._events = parse_sse(self._lines(), MAX_EVENT)

    def _lines(self) -> Iterator[bytes]:
        """The answer's lines, read as they arrive; a line over MAX_EVENT bytes is a ValueError."""
        limit = MAX_EVENT + 2  # a line of MAX_EVENT bytes and its line end
        while not self._closed:
            try:
                line = self._response.readline(limit)
            except (OSError, http.client.HTTPException, ValueError, AttributeError) as e:
                if self._closed:
                    return
                raise TransportError(self._endpoint, f"the event stream broke: {e}") from e
            if not line:
                return
            if len(line) >= limit and not line.endswith(b"\n"):
                raise ValueError(f"an event-stream line is longer than {_size(MAX_EVENT)}")
            yield line

    def __iter__(self) -> EventStream:
        return self

    def __next__(self) -> ServerSentEvent:
        try:
            return next(self._events)
        except ValueError as e:
            self.close()
            raise TransportError(self._endpoint, f"the event stream was cut off: {e}") from None

    def close(self) -> None:
        """Stop the stream and close its connection (safe to call twice, and from another thread)."""
        if self._closed:
            return
        self._closed = True
        if self._sock is not None:
            try:
                self._sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        self._response.close()
        if self._sock is not None:
            self._sock.close()

    def __enter__(self) -> EventStream:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


# --- the transport ----------------------------------------------------------------------------


def _check_token(token: str | None) -> str | None:
    """The token, when it is one: visible ASCII without spaces (never echoed in errors)."""
    if token is not None and not (token.isascii() and token.isprintable() and " " not in token):
        raise ValueError("token: a bearer token is visible ASCII characters without spaces")
    return token


class Transport:
    """Requests to one openshelld endpoint.

    ``endpoint``, ``token`` and ``ca`` default to ``$OPENSHELL_ENDPOINT``,
    ``$OPENSHELL_TOKEN`` and ``$OPENSHELL_CA``; ``timeout`` is the default
    number of seconds to wait for a connection and for an answer. A token is
    never sent on a Unix socket, nor over plain http to a peer that is not a
    loopback address (a ValueError here when the endpoint's address says so,
    else a TransportError when connecting).
    """

    def __init__(self, endpoint: str | None = None, token: str | None = None, *, ca: str | None = None,
                 timeout: float | None = 60.0) -> None:
        self.endpoint = parse_endpoint(endpoint)
        self.token = _check_token(token if token is not None else os.environ.get("OPENSHELL_TOKEN") or None)
        self.ca = ca if ca is not None else os.environ.get("OPENSHELL_CA") or None
        self.timeout = timeout
        e = self.endpoint
        if self.token and e.plain_tcp and e.connect_to and not may_be_loopback(e.connect_to[0]):
            raise ValueError(f"token: endpoint {e.text!r} is plain http to {e.connect_to[0]}, not a loopback "
                             "address: the token would cross the network in clear text (use https)")
        self._context: ssl.SSLContext | None = None
        if e.uses_tls:
            try:
                self._context = tls_context(self.ca)
            except (OSError, ssl.SSLError) as err:
                raise ValueError(f"ca: cannot load the CA bundle {self.ca!r}: {err}") from None

    def __repr__(self) -> str:
        return f"Transport({self.endpoint.text!r})"

    @property
    def _sends_token(self) -> bool:
        """Requests carry ``Authorization``: there is a token and the endpoint is not a Unix socket."""
        return bool(self.token) and self.endpoint.sends_token

    def _connection(self, timeout: float | None) -> http.client.HTTPConnection:
        """A new connection to the endpoint (a Unix socket, TCP or TLS), not yet connected."""
        e = self.endpoint
        if e.socket_path is not None:
            return UnixHTTPConnection(e.socket_path, e.host if e.scheme != "unix" else "localhost", timeout)
        return _tcp_connection(e, self._context, timeout, loopback_only=self._sends_token and e.plain_tcp)

    def _headers(self, accept: str, has_body: bool) -> dict[str, str]:
        """The request's headers; ``Authorization`` only where a token may go."""
        headers = {"Accept": accept, "User-Agent": "openshell-python"}
        if has_body:
            headers["Content-Type"] = "application/json"
        if self._sends_token:
            headers["Authorization"] = f"Bearer {self.token}"
        return headers

    @staticmethod
    def target(path: str, query: Mapping[str, Any] | None = None) -> str:
        """``path`` with the query string of the items of ``query`` that are not None (lists comma-joined)."""
        items = []
        for k, v in (query or {}).items():
            if v is None:
                continue
            if isinstance(v, (list, tuple)):
                v = ",".join(str(x) for x in v)
            elif isinstance(v, bool):
                v = "true" if v else "false"
            items.append((k, str(v)))
        return path + ("?" + urllib.parse.urlencode(items, safe=",:") if items else "")

    def _send(self, method: str, target: str, body: Any, timeout: float | None,
              accept: str) -> tuple[http.client.HTTPConnection, http.client.HTTPResponse, socket.socket | None]:
        """Send one request; the connection, the answer's head and the socket (closed on failure)."""
        data = None if body is None else _json.dumps(body, "the request body").encode("utf-8")
        conn = self._connection(timeout)
        try:
            conn.request(method, target, body=data, headers=self._headers(accept, data is not None))
            sock = conn.sock
            return conn, conn.getresponse(), sock
        except (OSError, http.client.HTTPException) as e:
            conn.close()
            raise self._transport_error(e, timeout) from e
        except BaseException:
            conn.close()
            raise

    def _transport_error(self, e: OSError | http.client.HTTPException, timeout: float | None) -> TransportError:
        """The TransportError, naming the endpoint, for a failure on the way to the service."""
        if isinstance(e, _NotLoopback):
            return TransportError(self.endpoint.text, str(e))
        if isinstance(e, TimeoutError):
            return TransportError(self.endpoint.text, f"no answer within {timeout:g} s" if timeout else "timed out")
        if isinstance(e, ssl.SSLCertVerificationError):
            return TransportError(self.endpoint.text, f"the certificate is not trusted: {e.verify_message or e}")
        if isinstance(e, OSError):
            return TransportError(self.endpoint.text, f"cannot reach the service: {e.strerror or e}")
        return TransportError(self.endpoint.text, f"the service's answer is not HTTP: {e!r}")

    def _finish(self, response: http.client.HTTPResponse, timeout: float | None) -> Response:
        """Read the answer (at most MAX_BODY bytes) and parse it; an error status raises its ApiError."""
        too_large = TransportError(self.endpoint.text, f"the answer is larger than {_size(MAX_BODY)}")
        length = response.getheader("content-length")
        if length is not None and length.strip().isdigit() and int(length) > MAX_BODY:
            raise too_large
        try:
            raw = response.read(MAX_BODY + 1)
        except (OSError, http.client.HTTPException) as e:
            raise self._transport_error(e, timeout) from e
        if len(raw) > MAX_BODY:
            raise too_large
        headers = {k.lower(): v for k, v in response.getheaders()}
        parsed = _parse_body(headers.get("content-type", ""), raw)
        if response.status >= 400:
            raise error_for(self.endpoint.text, response.status, headers, parsed)
        return Response(response.status, headers, parsed)

    def request(self, method: str, path: str, body: Any = None, *, query: Mapping[str, Any] | None = None,
                timeout: float | None | _Default = DEFAULT) -> Response:
        """Send one request (``body`` as JSON) and return the answer; error statuses raise an ApiError subclass.

        ``timeout``: seconds for this request (None: wait as long as it takes); default the transport's.
        A body that is not JSON is a TypeError, before anything is sent.
        """
        seconds = self.timeout if isinstance(timeout, _Default) else timeout
        conn, response, _ = self._send(method, self.target(path, query), body, seconds, "application/json")
        try:
            return self._finish(response, seconds)
        finally:
            conn.close()

    def request_object(self, method: str, path: str, body: Any = None, **options: Any) -> dict[str, Any]:
        """:meth:`request` for an answer that is a JSON object: that object (TransportError for anything else)."""
        answer = self.request(method, path, body, **options).body
        if not isinstance(answer, dict):
            raise TransportError(self.endpoint.text, f"the answer to {method} {path} is not a JSON object")
        return answer

    def events(self, path: str, *, query: Mapping[str, Any] | None = None) -> EventStream:
        """Open a server-sent event stream (``GET``); errors raise as :meth:`request` does.

        The connection waits as long as the stream stays open: a quiet session
        is not an error.
        """
        target = self.target(path, query)
        conn, response, sock = self._send("GET", target, None, self.timeout, "text/event-stream")
        if response.status >= 400:
            try:
                self._finish(response, self.timeout)  # raises the answer's ApiError
            finally:
                conn.close()
        if sock is not None:
            sock.settimeout(None)
        return EventStream(sock, response, self.endpoint.text)


class ServiceClient:
    """What the SDK's clients share: one :class:`Transport` (endpoint, token, CA, timeout), its endpoint, a repr."""

    def __init__(self, endpoint: str | None = None, token: str | None = None, *, ca: str | None = None,
                 timeout: float | None = 60.0) -> None:
        self._transport = Transport(endpoint, token, ca=ca, timeout=timeout)

    @property
    def endpoint(self) -> str:
        """The endpoint as given (``unix:/run/openshell/api.sock``, ``https://host:8443``)."""
        return self._transport.endpoint.text

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.endpoint!r})"
