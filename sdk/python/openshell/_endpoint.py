"""Endpoints of openshelld and ``OPENSHELL_RESOLVE``: what the user wrote, and where a connection really goes.

Both are parsed strictly: a malformed value is a ValueError naming the
variable (or the endpoint) and the part at fault, never a guess.
"""

from __future__ import annotations

import ipaddress
import os
import urllib.parse
from dataclasses import dataclass

from ._checks import _is_host_name, _is_ip

DEFAULT_ENDPOINT = "unix:/run/openshell/api.sock"
_DEFAULT_PORTS = {"http": 80, "https": 443}
_RESOLVE = "OPENSHELL_RESOLVE"


@dataclass(frozen=True)
class Target:
    """Where a ``OPENSHELL_RESOLVE`` entry sends a host: a Unix socket, or an address and port."""

    socket_path: str | None = None
    address: str | None = None
    port: int | None = None


@dataclass(frozen=True)
class Endpoint:
    """A parsed endpoint: what the user wrote, and where a connection really goes.

    ``socket_path`` is set when requests travel over a Unix socket (a ``unix:``
    endpoint, or a URL host mapped to one by ``OPENSHELL_RESOLVE``); otherwise
    ``connect_to`` is the TCP address, which differs from ``(host, port)`` only
    under ``OPENSHELL_RESOLVE``.
    """

    text: str
    scheme: str  # "unix", "http" or "https"
    host: str
    port: int | None
    socket_path: str | None = None
    connect_to: tuple[str, int] | None = None

    @property
    def uses_tls(self) -> bool:
        """Connections are TLS (an https URL that is not mapped to a Unix socket)."""
        return self.scheme == "https" and self.socket_path is None

    @property
    def sends_token(self) -> bool:
        """A bearer token goes over TCP only; a Unix-socket peer never sends one."""
        return self.socket_path is None

    @property
    def plain_tcp(self) -> bool:
        """Connections are TCP without TLS: a token may then only go to a loopback address."""
        return self.socket_path is None and not self.uses_tls

    def __str__(self) -> str:
        return self.text


def is_loopback(address: str) -> bool:
    """``address`` is an IP address of the loopback interface (``127.0.0.0/8``, ``::1``, ``::ffff:127.x.y.z``)."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_loopback


def may_be_loopback(host: str) -> bool:
    """False only for an IP address that is not a loopback one (a name is checked once connected)."""
    return not _is_ip(host) or is_loopback(host)


def _split_host_port(text: str, what: str) -> tuple[str, int | None]:
    """``host``, ``host:port``, ``[v6]`` or ``[v6]:port``; the port is None when absent.

    An IPv6 address must be in brackets (else ``::1:80`` would be ambiguous);
    a port is 1 to 65535 in ASCII digits.
    """
    if text.startswith("["):
        close = text.find("]")
        if close < 0:
            raise ValueError(f"{what}: unclosed '[' in {text!r}")
        host, rest = text[1:close], text[close + 1 :]
        if not (":" in host and _is_ip(host)):
            raise ValueError(f"{what}: {host!r} in brackets is not an IPv6 address in {text!r}")
        if rest and not rest.startswith(":"):
            raise ValueError(f"{what}: expected ':PORT' after ']' in {text!r}")
        port_text = rest[1:] if rest else None
    elif text.count(":") > 1:
        raise ValueError(f"{what}: write an IPv6 address in brackets ([::1]:443) in {text!r}")
    else:
        host, colon, port_text_or_empty = text.partition(":")
        port_text = port_text_or_empty if colon else None
        if not host:
            raise ValueError(f"{what}: no host in {text!r}")
        if not (_is_ip(host) or _is_host_name(host)):
            raise ValueError(f"{what}: {host!r} is not a host name or an IP address in {text!r}")
    if port_text is None:
        return host, None
    if not (port_text.isascii() and port_text.isdigit()) or not 0 < int(port_text) < 65536:
        raise ValueError(f"{what}: bad port {port_text!r} in {text!r} (1 to 65535)")
    return host, int(port_text)


def _socket_path(path: str, what: str) -> str:
    """A Unix socket's path: absolute, without NUL bytes."""
    if not path.startswith("/") or "\0" in path:
        raise ValueError(f"{what}: the socket path must be absolute (unix:/run/openshell/api.sock)")
    return path


def parse_resolve(text: str | None) -> dict[tuple[str, int | None], Target]:
    """Parse ``OPENSHELL_RESOLVE``: ``HOST:PORT=ADDRESS[:PORT]`` or ``HOST[:PORT]=unix:/path``, comma separated.

    Keys are ``(host lower-cased, port or None)``; a key without a port matches
    any port (a ``unix:`` target only). ``ADDRESS`` is an IP address (IPv6 in
    brackets): a mapped name is never looked up in DNS. An address without a
    port keeps the URL's port. An empty entry, a malformed one and a key
    given twice are ValueErrors.
    """
    out: dict[tuple[str, int | None], Target] = {}
    if not text or not text.strip():
        return out
    for item in text.split(","):
        item = item.strip()
        if not item:
            raise ValueError(f"{_RESOLVE}: empty entry in {text!r}")
        key, sep, value = item.partition("=")
        key, value = key.strip(), value.strip()
        if not sep or not key or not value:
            raise ValueError(f"{_RESOLVE}: expected HOST:PORT=ADDRESS, got {item!r}")
        host, port = _split_host_port(key, _RESOLVE)
        if value.startswith("unix:"):
            target = Target(socket_path=_socket_path(value[5:], f"{_RESOLVE} entry {item!r}"))
        else:
            if port is None:
                raise ValueError(f"{_RESOLVE}: {item!r} needs HOST:PORT (only a unix: target may omit the port)")
            address, to_port = _split_host_port(value, _RESOLVE)
            if not _is_ip(address):
                raise ValueError(f"{_RESOLVE}: {address!r} is not an IP address in {item!r}")
            target = Target(address=address, port=to_port)
        if (host.lower(), port) in out:
            raise ValueError(f"{_RESOLVE}: {key!r} is mapped twice")
        out[(host.lower(), port)] = target
    return out


def parse_endpoint(text: str | None = None, resolve: str | None = None) -> Endpoint:
    """Parse an endpoint (default ``$OPENSHELL_ENDPOINT``, else ``unix:/run/openshell/api.sock``).

    ``resolve`` defaults to ``$OPENSHELL_RESOLVE``. Raises ValueError for a
    malformed endpoint or mapping.
    """
    if text is None:
        text = os.environ.get("OPENSHELL_ENDPOINT") or DEFAULT_ENDPOINT
    if resolve is None:
        resolve = os.environ.get(_RESOLVE, "")
    text = text.strip()
    what = f"endpoint {text!r}"
    if any(c.isspace() or not c.isprintable() for c in text):
        raise ValueError(f"{what}: white space or control characters")
    if text.startswith("unix:"):
        path = _socket_path(text[5:], what)
        return Endpoint(text=text, scheme="unix", host="localhost", port=None, socket_path=path)
    try:
        url = urllib.parse.urlsplit(text)
    except ValueError as e:
        raise ValueError(f"{what}: {e}") from None
    if url.scheme not in _DEFAULT_PORTS or not text.lower().startswith(url.scheme + "://"):
        raise ValueError(f"{what}: expected unix:PATH, http://HOST:PORT or https://HOST:PORT")
    if url.path not in ("", "/") or url.query or url.fragment or "@" in url.netloc:
        raise ValueError(f"{what}: only a scheme, a host and a port are allowed")
    host, port = _split_host_port(url.netloc, what)
    host = host.lower()
    port = port or _DEFAULT_PORTS[url.scheme]
    mapping = parse_resolve(resolve)
    target = mapping.get((host, port)) or mapping.get((host, None))
    if target and target.socket_path:
        return Endpoint(text=text, scheme=url.scheme, host=host, port=port, socket_path=target.socket_path)
    if target:
        return Endpoint(text=text, scheme=url.scheme, host=host, port=port,
                        connect_to=(target.address or host, target.port or port))
    return Endpoint(text=text, scheme=url.scheme, host=host, port=port, connect_to=(host, port))
