"""Agents' key-value state, kept by the service and encrypted at rest (``openshell.client`` re-exports State)."""

from __future__ import annotations

import urllib.parse
from typing import TYPE_CHECKING, Any

from . import _json
from .errors import NotFoundError

if TYPE_CHECKING:
    from ._transport import Transport
    from .client import Session

__all__ = ["State"]


class State:
    """Key-value state of one agent, kept by the service and encrypted at rest.

    Values are any JSON. Keys are 1 to 200 characters of ``A-Z a-z 0-9 . _ : @ -``.
    Get one from :meth:`Client.state` (any agent the caller may use) or
    :meth:`Session.state` (the agent of the session's policy, ``agent.name``).
    """

    agent: str | None = None

    def get(self, key: str, default: Any = None) -> Any:
        """The value of ``key``, or ``default`` when there is none."""
        found, value = self._get(key)
        return value if found else default

    def put(self, key: str, value: Any) -> None:
        """Store ``value`` (JSON) under ``key``, replacing what was there; not JSON: TypeError, nothing sent."""
        _json.dumps(value, f"the value of state key {key!r}")
        self._put(key, value)

    def delete(self, key: str) -> bool:
        """Remove ``key``; False when it was not there."""
        return self._delete(key)

    def keys(self, prefix: str = "") -> list[str]:
        """The keys starting with ``prefix``, sorted."""
        return self._keys(prefix)

    def __contains__(self, key: str) -> bool:
        return self._get(key)[0]

    # The storage, per kind of state: (found, value), store, delete (found), keys.

    def _get(self, key: str) -> tuple[bool, Any]:
        raise NotImplementedError

    def _put(self, key: str, value: Any) -> None:
        raise NotImplementedError

    def _delete(self, key: str) -> bool:
        raise NotImplementedError

    def _keys(self, prefix: str) -> list[str]:
        raise NotImplementedError


def _strings(value: Any) -> list[str]:
    """A JSON list of keys, as a list of str (anything else: none)."""
    return [str(k) for k in value] if isinstance(value, list) else []


class _ServiceState(State):
    """State through ``/v1/state/{agent}``: the caller's own store of the agent (``owner``: another user's, for root)."""

    def __init__(self, transport: Transport, agent: str, owner: int | None = None) -> None:
        self._transport = transport
        self.agent = agent
        self.owner = owner

    def __repr__(self) -> str:
        return f"State(agent={self.agent!r})" if self.owner is None else f"State(agent={self.agent!r}, owner={self.owner})"

    def _query(self, **more: Any) -> dict[str, Any]:
        return {"owner": self.owner, **more}

    def _path(self, key: str | None = None) -> str:
        """The route of the agent's state, or of one key (escaped)."""
        base = "/v1/state/" + urllib.parse.quote(self.agent or "", safe="")
        return base if key is None else base + "/" + urllib.parse.quote(key, safe=":@")

    def _get(self, key: str) -> tuple[bool, Any]:
        try:
            return True, self._transport.request_object("GET", self._path(key), query=self._query()).get("value")
        except NotFoundError:
            return False, None

    def _put(self, key: str, value: Any) -> None:
        self._transport.request("PUT", self._path(key), {"value": value}, query=self._query())

    def _delete(self, key: str) -> bool:
        try:
            self._transport.request("DELETE", self._path(key), query=self._query())
            return True
        except NotFoundError:
            return False

    def _keys(self, prefix: str) -> list[str]:
        return _strings(self._transport.request_object("GET", self._path(), query=self._query(prefix=prefix or None)).get("keys"))


class _GatewayState(State):
    """State of a session's agent through its gateway (``openshell/state/*``)."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def __repr__(self) -> str:
        return f"State(session={self._session.id!r})"

    def _get(self, key: str) -> tuple[bool, Any]:
        r = self._session.gateway("openshell/state/get", {"key": key})
        return r.get("found") is True, r.get("value")

    def _put(self, key: str, value: Any) -> None:
        self._session.gateway("openshell/state/put", {"key": key, "value": value})

    def _delete(self, key: str) -> bool:
        return self._session.gateway("openshell/state/delete", {"key": key}).get("deleted") is True

    def _keys(self, prefix: str) -> list[str]:
        return _strings(self._session.gateway("openshell/state/keys", {"prefix": prefix} if prefix else {}).get("keys"))
