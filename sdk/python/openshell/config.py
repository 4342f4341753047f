"""Configuration classes: an OpenShell policy document as Python objects.

Each class is one section of the policy YAML format (docs/policy-format.md)
with the same key names: ``SandboxConfig`` is ``sandbox``, ``NetworkGuardian``
is ``network`` (its ``EgressRule`` items are ``network.rules``),
``FilesystemController`` is ``filesystem`` (``AccessRule`` items),
``PolicyEngine`` holds ``policies`` (``Policy`` items), ``Tool`` is an item of
``tools`` and ``Agent`` is ``agent``. ``OpenShellRuntime`` is the whole document.

Every parameter is checked when an object is constructed: a value of the wrong
type raises ``TypeError`` and a wrong value ``ValueError``; the message names
the class, the parameter and the index (``EgressRule.allowed_ports[0]: 70000 is
not a port (1..65535)``). Conditions are compiled and checked by the service
(``OpenShellRuntime.validate``), not here.

``to_dict()`` gives a section as the policy format's data: parameters left at
their default are omitted, values given explicitly are kept (also when they
equal the default), and None is never written. ``from_dict(d, path)`` is the
inverse; it rejects unknown keys and names the path of every problem.
"""

from __future__ import annotations

import contextlib
import os
from enum import StrEnum
from typing import Any, ClassVar, Iterator

from . import _yaml
from ._checks import (
    _ABSOLUTE_PATH,
    _AGENT_NAME,
    _DOCUMENT_NAME,
    _ENV_NAME,
    _POSITIVE,
    _Bool,
    _Check,
    _Choice,
    _Command,
    _duplicates,
    _FieldError,
    _Int,
    _is_extension,
    _is_host_name,
    _is_host_pattern,
    _is_http_method,
    _is_ip,
    _is_path_glob,
    _is_rate_limit,
    _is_region_entry,
    _is_tool_name,
    _List,
    _Map,
    _matches,
    _Nested,
    _Number,
    _Optional,
    _suggest,
    _Text,
    _ValueError,
    _wrong_type,
)
from ._files import _write_atomically
from ._section import _config, _field, _plain, _Section
from .errors import Diagnostic, PolicyInvalidError, _diagnostic_list

__all__ = [
    "PolicyAction",
    "SandboxConfig",
    "EgressRule",
    "NetworkGuardian",
    "AccessRule",
    "FilesystemController",
    "Policy",
    "PolicyEngine",
    "Tool",
    "Agent",
    "OpenShellRuntime",
]

ISOLATIONS = ("gvisor", "firecracker", "container")
CLEANUP_POLICIES = ("destroy", "snapshot", "preserve")
DEFAULT_POLICIES = ("deny-all", "allow-all")
PROTOCOLS = ("https", "http", "tcp", "smtp")
ACCESS_LEVELS = ("read-only", "read-write", "full")
PERMISSIONS = ("read", "write", "read-write")
TRIGGERS = ("tool_call", "data_output", "agent_response", "network_egress", "file_access")
LOG_LEVELS = ("debug", "info", "warning", "critical")
PII_TYPES = ("ssn", "credit_card", "email", "phone", "ip_address", "iban", "secret")


class PolicyAction(StrEnum):
    """What a policy does when its condition matches; the value is the YAML word.

    ``PolicyAction("BLOCK")`` and ``PolicyAction("PolicyAction.BLOCK")`` are
    accepted too, as the policy format accepts them.
    """

    ALLOW = "allow"
    LOG = "log"
    BLOCK = "block"
    REDACT = "redact"
    THROTTLE = "throttle"
    ESCALATE = "escalate"

    @classmethod
    def _missing_(cls, value: object) -> PolicyAction | None:
        """The member named ``value`` in any case, with or without ``PolicyAction.``."""
        if not isinstance(value, str):
            return None
        word = value.removeprefix("PolicyAction.").lower()
        return next((member for member in cls if member.value == word), None)


# ---------------------------------------------------------------------------
# Checkers that know the configuration classes


class _Action(_Check):
    """A PolicyAction, or its name in any case (``"BLOCK"``, ``"PolicyAction.BLOCK"``)."""

    def __call__(self, value: Any, loc: str) -> PolicyAction:
        if isinstance(value, PolicyAction):
            return value
        if not isinstance(value, str):
            raise _wrong_type(loc, "a PolicyAction or its name", value)
        try:
            return PolicyAction(value)
        except ValueError:
            words = [a.value for a in PolicyAction]
            raise _ValueError(
                loc, f"{value!r} is not one of {', '.join(words)}{_suggest(value.lower(), words)}"
            ) from None


class _Engine(_Check):
    """A PolicyEngine, or a list of Policy objects (made into one)."""

    def __call__(self, value: Any, loc: str) -> PolicyEngine:
        if isinstance(value, PolicyEngine):
            return value
        if not isinstance(value, (list, tuple)):
            raise _wrong_type(loc, "a PolicyEngine or a list of Policy", value)
        try:
            return PolicyEngine(policies=list(value))
        except _FieldError as e:  # PolicyEngine.policies[1].name -> <loc>[1].name
            raise e.relocated("", loc + e.location.removeprefix("policies")) from None

    def decode(self, value: Any, path: str) -> Any:
        return _List(_Nested(Policy)).decode(value, path)


# ---------------------------------------------------------------------------
# The sections


@_config
class SandboxConfig(_Section):
    """Layer 1, ``sandbox``: how the agent is isolated and what it may use.

    Parameters:
        isolation: ``gvisor``, ``firecracker`` or ``container``.
        max_memory_mb: memory limit in MiB (1..1073741824).
        max_cpu_cores: CPU quota in cores (> 0).
        max_execution_time_seconds: wall-clock limit of a session (1..31622400).
        max_processes: processes inside the sandbox (1..4194304).
        max_open_files: open files per process (1..1048576).
        allow_network: False refuses every egress before the network layer.
        allow_filesystem: False leaves only an empty private workspace.
        environment: variables of the agent, name -> value (names ``[A-Za-z_][A-Za-z0-9_]*``).
        cleanup_policy: ``destroy``, ``snapshot`` or ``preserve`` at the end of a session.
    """

    isolation: str = _field(default="gvisor", check=_Choice(ISOLATIONS))
    max_memory_mb: int = _field(default=2048, check=_Int(1, 1 << 30))
    max_cpu_cores: int | float = _field(default=2, check=_POSITIVE)
    max_execution_time_seconds: int = _field(default=300, check=_Int(1, 366 * 86400))
    max_processes: int = _field(default=50, check=_Int(1, 1 << 22))
    max_open_files: int = _field(default=100, check=_Int(1, 1 << 20))
    allow_network: bool = _field(default=True, check=_Bool())
    allow_filesystem: bool = _field(default=True, check=_Bool())
    environment: dict[str, str] = _field(
        factory=dict,
        check=_Map(
            _Text(valid=_matches(_ENV_NAME), must="is not a valid environment variable name ([A-Za-z_][A-Za-z0-9_]*)"),
            _Text(),
        ),
    )
    cleanup_policy: str = _field(default="destroy", check=_Choice(CLEANUP_POLICIES))


@_config
class EgressRule(_Section):
    """One ``network.rules`` item: what one tool may connect to.

    Parameters:
        tool: a declared tool's name, ``agent`` (the agent process) or ``*``.
        allowed_hosts: exact names, ``*.example.com``, IP addresses and CIDRs (not empty).
        allowed_ports: ports 1..65535 (not empty).
        protocol: ``https``, ``http``, ``tcp`` or ``smtp``.
        tls_required: None means true for ``https`` and false otherwise;
            ``https`` cannot be False and ``http`` cannot be True.
        max_request_size_kb: bytes sent per connection, in KiB (> 0).
        max_response_size_mb: bytes received per connection, in MiB (> 0).
        rate_limit: connections per window, ``N/second``, ``N/minute``, ``N/hour`` or ``N/day``.
        methods: HTTP methods each request may use (upper-case; None: any).
        paths: globs the decoded request path must match (``'/v1/**'``; None: any).
        access: ``read-only``, ``read-write`` or ``full``, shorthand for methods.
        inspect: None means true: http and https requests are read and
            decided one by one; False tunnels them unread.
        ca_file: PEM file (relative to the policy's folder) the guardian
            trusts for this rule's origin instead of the host's store.
    """

    tool: str = _field(check=_Text(nonblank=True))
    allowed_hosts: list[str] = _field(
        check=_List(
            _Text(valid=_is_host_pattern, must="is not a host name, '*.' pattern, IP address or CIDR"),
            nonempty=True,
        )
    )
    allowed_ports: list[int] = _field(
        factory=lambda: [443], check=_List(_Int(1, 65535, noun="a port"), nonempty=True)
    )
    protocol: str = _field(default="https", check=_Choice(PROTOCOLS))
    tls_required: bool | None = _field(default=None, check=_Optional(_Bool()))
    max_request_size_kb: int | float | None = _field(default=None, check=_Optional(_POSITIVE))
    max_response_size_mb: int | float | None = _field(default=None, check=_Optional(_POSITIVE))
    rate_limit: str | None = _field(
        default=None,
        check=_Optional(_Text(valid=_is_rate_limit, must="must be N/second, N/minute, N/hour or N/day with N > 0")),
    )
    methods: list[str] | None = _field(
        default=None,
        check=_Optional(_List(_Text(valid=_is_http_method, must="is not an upper-case HTTP method"), nonempty=True)),
    )
    paths: list[str] | None = _field(
        default=None,
        check=_Optional(_List(_Text(valid=_is_path_glob, must="is not a path glob starting with '/'"), nonempty=True)),
    )
    access: str | None = _field(default=None, check=_Optional(_Choice(ACCESS_LEVELS)))
    inspect: bool | None = _field(default=None, check=_Optional(_Bool()))
    ca_file: str | None = _field(default=None, check=_Optional(_Text(nonblank=True)))

    def _check(self) -> None:
        if self.methods is not None and self.access is not None:
            raise _ValueError("access", "access and methods both say which methods are allowed; keep one")
        http = self.protocol in ("http", "https")
        if self.inspect is not None and not http:
            raise _ValueError("inspect", "inspect applies to http and https rules")
        read = http and self.inspect is not False
        for name in ("methods", "paths", "access"):
            if getattr(self, name) is not None and not read:
                raise _ValueError(name, name + " needs the guardian to read each request, which this rule does not")
        if self.ca_file is not None and (self.protocol != "https" or self.inspect is False):
            raise _ValueError("ca_file", "ca_file is the trust for an inspected https rule's origin")
        if self.protocol == "https" and self.tls_required is False:
            raise _ValueError("tls_required", "protocol https always requires TLS (use protocol 'http' for plain HTTP)")
        if self.protocol == "http" and self.tls_required is True:
            raise _ValueError("tls_required", "protocol http is plain text and cannot require TLS (use 'https')")


@_config
class NetworkGuardian(_Section):
    """Layer 2, ``network``: every connection a tool or the agent opens.

    Parameters:
        default_policy: ``deny-all`` or ``allow-all``, for egress no rule allows.
        rules: the EgressRule list, searched in order.
        block_private_ranges: refuse loopback, private, link-local and similar
            addresses unless the allowing rule names the host exactly.
        dns_filtering: only names some rule allows are ever resolved.
        allowed_dns_servers: IP addresses of the resolvers to use (empty: the host's).
        hosts: static name -> IP address resolution, checked before DNS.
        regions: region -> host patterns or CIDRs, the values of ``destination_region``.
    """

    default_policy: str = _field(default="deny-all", check=_Choice(DEFAULT_POLICIES))
    rules: list[EgressRule] = _field(factory=list, check=_List(_Nested(EgressRule)))
    block_private_ranges: bool = _field(default=True, check=_Bool())
    dns_filtering: bool = _field(default=True, check=_Bool())
    allowed_dns_servers: list[str] = _field(
        factory=list, check=_List(_Text(valid=_is_ip, must="is not an IP address"))
    )
    hosts: dict[str, str] = _field(
        factory=dict,
        check=_Map(
            _Text(valid=_is_host_name, must="is not a host name"),
            _Text(valid=_is_ip, must="is not an IP address"),
        ),
    )
    regions: dict[str, list[str]] = _field(
        factory=dict,
        check=_Map(
            _Text(nonblank=True),
            _List(_Text(valid=_is_region_entry, must="is neither a host pattern nor a CIDR")),
        ),
    )


@_config
class AccessRule(_Section):
    """One ``filesystem.rules`` item: what may be done below one path.

    Parameters:
        path: absolute, normalised path inside the sandbox.
        permissions: ``read``, ``write`` (write-only) or ``read-write``.
        source: host folder mounted at ``path``, relative to the policy file;
            None: a fresh private folder.
        allowed_extensions: ``.ext`` items, compared case-insensitively with the
            last extension; None: any.
        max_file_size_mb: largest size of one file, in MiB (> 0).
        max_total_size_mb: total bytes below ``path``, in MiB (> 0).
        block_symlinks: refuse creating symlinks and paths that leave the subtree through one.
    """

    path: str = _field(check=_ABSOLUTE_PATH)
    permissions: str = _field(check=_Choice(PERMISSIONS))
    source: str | None = _field(default=None, check=_Optional(_Text(nonblank=True)))
    allowed_extensions: list[str] | None = _field(
        default=None,
        check=_Optional(_List(_Text(valid=_is_extension, must="must look like '.txt' (a dot and the last extension)"))),
    )
    max_file_size_mb: int | float | None = _field(default=None, check=_Optional(_POSITIVE))
    max_total_size_mb: int | float | None = _field(default=None, check=_Optional(_POSITIVE))
    block_symlinks: bool = _field(default=True, check=_Bool())


@_config
class FilesystemController(_Section):
    """Layer 3, ``filesystem``: every file operation of the agent and its tools.

    Parameters:
        workspace: the agent's working directory, an absolute path.
        rules: the AccessRule list; the longest matching path decides.
        strict_path_validation: refuse NUL bytes, non-UTF-8 and paths outside every rule.
        audit_all_operations: record every file operation, not only refusals.
    """

    workspace: str = _field(default="/agent/workspace", check=_ABSOLUTE_PATH)
    rules: list[AccessRule] = _field(factory=list, check=_List(_Nested(AccessRule)))
    strict_path_validation: bool = _field(default=True, check=_Bool())
    audit_all_operations: bool = _field(default=False, check=_Bool())


@_config
class Policy(_Section):
    """One ``policies`` item: a condition on one kind of action, and what to do when it holds.

    Parameters:
        name: unique within the document.
        trigger: ``tool_call``, ``data_output``, ``agent_response``,
            ``network_egress`` or ``file_access``.
        condition: an expression (docs/conditions.md); ``"true"`` always matches.
            The service compiles it (``OpenShellRuntime.validate``).
        action: a PolicyAction, or its name in any case.
        message: shown to the agent and in the audit log.
        log_level: ``debug``, ``info``, ``warning`` or ``critical``.
        pii_types: PII types for ``redact`` and ``contains_pii``; None: all.
        escalation: review queue name (for ``escalate`` and ``block``).
        delay_seconds: 0..86400, required with ``throttle``.
    """

    name: str = _field(check=_Text(nonblank=True))
    trigger: str = _field(check=_Choice(TRIGGERS))
    condition: str = _field(check=_Text(nonblank=True))
    action: PolicyAction | str = _field(check=_Action())
    message: str | None = _field(default=None, check=_Optional(_Text()))
    log_level: str = _field(default="info", check=_Choice(LOG_LEVELS))
    pii_types: list[str] | None = _field(default=None, check=_Optional(_List(_Choice(PII_TYPES))))
    escalation: str | None = _field(default=None, check=_Optional(_Text(nonblank=True)))
    delay_seconds: int | float | None = _field(default=None, check=_Optional(_Number(0, 86400)))

    def _check(self) -> None:
        if self.action is PolicyAction.THROTTLE and self.delay_seconds is None:
            raise _ValueError("delay_seconds", "action throttle needs delay_seconds (how long to hold the action)")


@_config
class PolicyEngine(_Section):
    """Layer 4, ``policies``: evaluated in order; the first matching policy decides.

    Parameters:
        policies: the Policy list; names must be unique.
    """

    policies: list[Policy] = _field(factory=list, check=_List(_Nested(Policy)))

    def _check(self) -> None:
        _duplicates([p.name for p in self.policies], "policies", "is already used")


@_config
class Tool(_Section):
    """One ``tools`` item: how the runtime runs a tool (or, with ``guard``, that the SDK does).

    Parameters:
        name: ``[a-z][a-z0-9_]*`` (``agent`` is reserved).
        description: what the tool does.
        command: program and arguments, a list or one string split on spaces,
            relative to the policy file's folder.
        mcp: an MCP server (stdio) to start instead of a command, written as ``command``.
        timeout_seconds: per call (> 0).
        cost_per_call: added to ``session.total_cost`` (0..1e9).
        pool: ready sandboxes kept for the tool (0..8).
        prestart: fill the pool when the session starts.
        guard: a function the SDK runs in its own process (``Session.guard``);
            such a tool has no ``command`` and no ``mcp``.
    """

    name: str = _field(check=_Text(valid=_is_tool_name, must="must match [a-z][a-z0-9_]* ('agent' is reserved)"))
    description: str | None = _field(default=None, check=_Optional(_Text()))
    command: str | list[str] | None = _field(default=None, check=_Optional(_Command()))
    mcp: str | list[str] | None = _field(default=None, check=_Optional(_Command()))
    timeout_seconds: int | float = _field(default=30, check=_POSITIVE)
    cost_per_call: int | float = _field(default=0, check=_Number(0, 1e9))
    pool: int = _field(default=1, check=_Int(0, 8))
    prestart: bool = _field(default=False, check=_Bool())
    guard: bool = _field(default=False, check=_Bool())

    def _check(self) -> None:
        if self.guard:
            for key in ("command", "mcp"):
                if getattr(self, key) is not None:
                    raise _ValueError(
                        key, "a guard tool (guard=True) runs in the SDK's process and has no command or mcp"
                    )
        elif self.command is None and self.mcp is None:
            raise _ValueError("command", "a tool needs a command, an mcp server, or guard=True")
        elif self.command is not None and self.mcp is not None:
            raise _ValueError("mcp", "a tool runs a command or an mcp server, not both")


@_config
class Agent(_Section):
    """``agent``: the agent a session runs by default, and whose state it uses.

    Parameters:
        command: program and arguments, as for Tool.command.
        description: what the agent does.
        name: ``[a-z0-9][a-z0-9_-]*`` (at most 64 characters): the agent whose
            state sessions of this policy use; None: the policy's name.
            An agent needs a command or a name.
    """

    command: str | list[str] | None = _field(default=None, check=_Optional(_Command()))
    description: str | None = _field(default=None, check=_Optional(_Text()))
    name: str | None = _field(
        default=None,
        check=_Optional(
            _Text(valid=_matches(_AGENT_NAME), must="must match [a-z0-9][a-z0-9_-]* (at most 64 characters)")
        ),
    )

    def _check(self) -> None:
        if self.command is None and self.name is None:
            raise _ValueError("command", "an agent needs a command or a name")


# ---------------------------------------------------------------------------
# The whole document


@contextlib.contextmanager
def _service(client: Any) -> Iterator[Any]:
    """The given client, or a new ``openshell.client.Client()`` closed afterwards."""
    if client is not None:
        yield client
        return
    from .client import Client  # imported only when needed: the package imports without it

    own = Client()
    try:
        yield own
    finally:
        close = getattr(own, "close", None)
        if callable(close):
            close()


@_config
class OpenShellRuntime(_Section):
    """A whole policy document: the four layers, the tools and the agent.

    Parameters:
        sandbox: SandboxConfig (None: all defaults).
        network: NetworkGuardian (None: all defaults).
        filesystem: FilesystemController (None: all defaults).
        policies: PolicyEngine, or a list of Policy.
        tools: the Tool list; names must be unique.
        agent: Agent.
        name: the policy's name, ``[a-z0-9][a-z0-9-]*``.
        version: the format version, 1.
        description: free text.

    ``to_yaml()`` and ``save()`` work offline; ``from_yaml()``, ``load()`` and
    ``validate()`` ask the service, whose parser and validator are the runtime's.
    """

    _ORDER: ClassVar[tuple[str, ...]] = (
        "version", "name", "description", "sandbox", "network", "filesystem", "policies", "tools", "agent",
    )

    sandbox: SandboxConfig | None = _field(default=None, check=_Optional(_Nested(SandboxConfig)))
    network: NetworkGuardian | None = _field(default=None, check=_Optional(_Nested(NetworkGuardian)))
    filesystem: FilesystemController | None = _field(default=None, check=_Optional(_Nested(FilesystemController)))
    policies: PolicyEngine | list[Policy] | None = _field(default=None, check=_Optional(_Engine()))
    tools: list[Tool] | None = _field(default=None, check=_Optional(_List(_Nested(Tool))))
    agent: Agent | None = _field(default=None, check=_Optional(_Nested(Agent)))
    name: str = _field(
        default="agent", check=_Text(valid=_matches(_DOCUMENT_NAME), must="must match [a-z0-9][a-z0-9-]*")
    )
    version: int = _field(default=1, check=_Int(1, 1))
    description: str | None = _field(default=None, check=_Optional(_Text()))

    def _check(self) -> None:
        if self.tools:
            _duplicates([t.name for t in self.tools], "tools", "is already declared")

    def to_dict(self) -> dict[str, Any]:
        """The document as policy data, keys in the format's order; ``version`` and ``name`` always.

        ``policies`` is the list of the PolicyEngine's policies.
        """
        out: dict[str, Any] = {"version": self.version, "name": self.name}
        for key in self._ORDER[2:]:
            value = getattr(self, key)
            if isinstance(value, PolicyEngine):
                value = value.policies
            if value is not None:
                out[key] = _plain(value)
        return out

    def to_yaml(self) -> str:
        """The document as block-style YAML of the policy format (parses back to ``to_dict()``)."""
        return _yaml.dump(self.to_dict())

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write ``to_yaml()`` to ``path`` atomically (temporary file + rename); an existing file keeps its mode."""
        _write_atomically(os.fspath(path), self.to_yaml())

    @classmethod
    def from_yaml(cls, text: str, *, name: str = "inline.policy.yaml", client: Any = None) -> OpenShellRuntime:
        """Parse and check ``text`` with the service (the runtime's own parser and validator).

        ``name`` is the file name diagnostics carry. Raises PolicyInvalidError
        (with every diagnostic) when the policy has errors. ``client`` is an
        ``openshell.client.Client`` (default: a new one from the environment).
        """
        with _service(client) as service:
            valid, diagnostics, document = service.validate_policy(text, name)
        if not valid or document is None:
            raise PolicyInvalidError(_diagnostic_list(diagnostics))
        return cls.from_dict(document)

    @classmethod
    def load(cls, path: str | os.PathLike[str], *, client: Any = None) -> OpenShellRuntime:
        """Read a ``*.policy.yaml`` file and build it with ``from_yaml`` (needs the service)."""
        with open(path, encoding="utf-8") as f:
            text = f.read()
        return cls.from_yaml(text, name=os.fspath(path), client=client)

    @property
    def agent_name(self) -> str:
        """The agent whose state sessions of this policy use: ``agent.name``, else the policy's ``name``."""
        return self.agent.name if self.agent is not None and self.agent.name else self.name

    def session(self, workspace: str | os.PathLike[str] | None = None, isolation: str | None = None,
                client: Any = None, **options: Any) -> Any:
        """Start a session under this policy whose agent is the caller; a context manager that ends it.

        ``client`` is an ``openshell.client.Client`` (default: a new one from
        the environment); ``options`` as ``Client.start_session`` (approvals,
        approval_timeout_seconds, restore). Leaving the ``with`` block ends the
        session, and the service applies the cleanup policy.
        """
        if client is None:
            from .client import Client  # imported only when needed: the package imports without it

            client = Client()
        return client.start_session(self, workspace, isolation, **options)

    def state(self, agent: str | None = None, client: Any = None) -> Any:
        """The state store of ``agent`` (default: this policy's agent), kept by the service."""
        if client is None:
            from .client import Client

            client = Client()
        return client.state(agent if agent is not None else self.agent_name)

    def validate(self, client: Any = None) -> list[Diagnostic]:
        """Every diagnostic the service's validator gives for ``to_yaml()`` (an empty list: clean)."""
        with _service(client) as service:
            _valid, diagnostics, _document = service.validate_policy(self.to_yaml(), f"{self.name}.policy.yaml")
        return _diagnostic_list(diagnostics)
