"""OpenShell Studio's Python SDK.

The configuration classes build policy documents (``openshell.config``); the
client classes (``Client``, ``Session``, ...) talk to the openshelld service
and are imported from ``openshell.client`` when first used.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from . import config as _config
from . import errors as _errors
from .config import (
    AccessRule,
    Agent,
    EgressRule,
    FilesystemController,
    NetworkGuardian,
    OpenShellRuntime,
    Policy,
    PolicyAction,
    PolicyEngine,
    SandboxConfig,
    Tool,
)
from .errors import *  # noqa: F403  (Diagnostic and the exception classes; see errors.__all__)

if TYPE_CHECKING:
    from .client import AsyncClient, AsyncSession, Client, ExecResult, Session, State, ToolResult

__version__ = "1.0.0"

_CLIENT_NAMES = ("Client", "AsyncClient", "Session", "AsyncSession", "ExecResult", "ToolResult", "State")

__all__ = [*_config.__all__, *_errors.__all__, *_CLIENT_NAMES]


def __getattr__(name: str) -> Any:
    """Import the client classes on first use, so the package imports without them."""
    if name in _CLIENT_NAMES:
        from . import client

        value = getattr(client, name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
