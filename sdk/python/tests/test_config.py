"""Tests of openshell.config and openshell._yaml; no service is needed.

The YAML parse checks use PyYAML with libyaml (the parser the runtime uses)
when it is installed, and are skipped otherwise; the hand-written expected
YAML of the seed's production example is checked either way.
"""

from __future__ import annotations

import copy
import dataclasses
import os
import random
import re
import runpy
import stat
import subprocess
import sys
import types
from pathlib import Path

import pytest

SDK = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(SDK))

from openshell import (  # noqa: E402
    AccessRule,
    Agent,
    Diagnostic,
    EgressRule,
    FilesystemController,
    NetworkGuardian,
    OpenShellRuntime,
    Policy,
    PolicyAction,
    PolicyEngine,
    PolicyInvalidError,
    SandboxConfig,
    Tool,
)
from openshell import _yaml  # noqa: E402

EXAMPLES = SDK / "examples"
REPO = SDK.parents[1]
# The seed's code blocks, as the article has them (checked against the article itself where it is at hand).
SEED = Path(__file__).parent / "data" / "seed-examples.txt"
ARTICLE = Path(os.environ.get("OPENSHELL_SEED", REPO.parent / "shared" / "seed" / "openshell-article.txt"))
SPEC = Path(os.environ.get("OPENSHELL_SPEC", REPO.parent / "shared" / "spec" / "policy-format.md"))


def parse_yaml(text: str):
    """Parse with PyYAML's libyaml loader (python3-yaml, installed by scripts/setup.sh for the tests)."""
    import yaml
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return yaml.load(text, Loader=loader)


# ---------------------------------------------------------------------------
# Sample objects: a minimal and a full one of every class

def full_runtime() -> OpenShellRuntime:
    return OpenShellRuntime(
        name="full-example",
        description='Line one\nline two: "quoted" # not a comment',
        sandbox=SandboxConfig(
            isolation="container", max_memory_mb=512, max_cpu_cores=1.5, max_execution_time_seconds=60,
            max_processes=10, max_open_files=64, allow_network=False, allow_filesystem=True,
            environment={"LANG": "C.UTF-8", "WORKERS": "4", "EMPTY": "", "_X": "yes"}, cleanup_policy="preserve",
        ),
        network=NetworkGuardian(
            default_policy="allow-all",
            rules=[
                EgressRule(tool="web_search", allowed_hosts=["*.example.com", "10.0.0.0/8", "::1"],
                           allowed_ports=[443, 8443], protocol="https", tls_required=True,
                           max_request_size_kb=0.5, max_response_size_mb=10, rate_limit="10/second"),
                EgressRule(tool="agent", allowed_hosts=["smtp.example.com"], allowed_ports=[25], protocol="smtp"),
                EgressRule(tool="*", allowed_hosts=["plain.example.com"], protocol="http", tls_required=False),
            ],
            block_private_ranges=False, dns_filtering=False, allowed_dns_servers=["10.0.0.53", "2001:db8::53"],
            hosts={"db.local": "127.0.0.5"}, regions={"us-east-1": ["*.us-east-1.example.com", "3.0.0.0/8"], "eu": []},
        ),
        filesystem=FilesystemController(
            workspace="/work", strict_path_validation=False, audit_all_operations=True,
            rules=[
                AccessRule(path="/work", permissions="read-write", source="data/work", allowed_extensions=[".txt"],
                           max_file_size_mb=1, max_total_size_mb=2.5, block_symlinks=False),
                AccessRule(path="/", permissions="read"),
            ],
        ),
        policies=PolicyEngine(policies=[
            Policy(name="slow", trigger="tool_call", condition="true", action="THROTTLE", delay_seconds=0.25,
                   log_level="debug"),
            Policy(name="pii", trigger="data_output", condition="contains_pii(output, ['ssn'])",
                   action=PolicyAction.REDACT, pii_types=["ssn", "iban"], message="redacted"),
            Policy(name="ask", trigger="file_access", condition="file.path == '/work/secret'",
                   action="PolicyAction.ESCALATE", escalation="security", message=""),
        ]),
        tools=[
            Tool("web_search", description="Search", command=["python3", "tools/web search.py"], timeout_seconds=5,
                 cost_per_call=0.01, pool=0, prestart=True),
            Tool("notes", mcp="npx -y notes-server"),
            Tool("refund", guard=True, description="runs in the SDK's process"),
        ],
        agent=Agent(command="python3 agent.py", description="the agent", name="support_bot"),
    )


def samples():
    """(id, object) pairs: every class, minimal and full."""
    rt = full_runtime()
    yield "sandbox-min", SandboxConfig()
    yield "sandbox-full", rt.sandbox
    yield "egress-min", EgressRule(tool="t", allowed_hosts=["example.com"])
    yield from ((f"egress-{i}", r) for i, r in enumerate(rt.network.rules))
    yield "network-min", NetworkGuardian()
    yield "network-full", rt.network
    yield "access-min", AccessRule(path="/data", permissions="write")
    yield from ((f"access-{i}", r) for i, r in enumerate(rt.filesystem.rules))
    yield "filesystem-min", FilesystemController()
    yield "filesystem-full", rt.filesystem
    yield "policy-min", Policy(name="p", trigger="agent_response", condition="true", action="allow")
    yield from ((f"policy-{i}", p) for i, p in enumerate(rt.policies.policies))
    yield "engine-min", PolicyEngine()
    yield "engine-full", rt.policies
    yield from ((f"tool-{i}", t) for i, t in enumerate(rt.tools))
    yield "agent-min", Agent(name="a")
    yield "agent-full", rt.agent
    yield "runtime-min", OpenShellRuntime()
    yield "runtime-full", rt


SAMPLES = list(samples())


@pytest.mark.parametrize("obj", [o for _, o in SAMPLES], ids=[i for i, _ in SAMPLES])
def test_to_dict_from_dict_round_trip(obj):
    d = obj.to_dict()
    again = type(obj).from_dict(copy.deepcopy(d))
    assert again == obj
    assert again.to_dict() == d


@pytest.mark.parametrize("obj", [o for _, o in SAMPLES], ids=[i for i, _ in SAMPLES])
def test_yaml_round_trip(obj):
    d = obj.to_dict()
    assert parse_yaml(_yaml.dump(d)) == d
    assert type(obj).from_dict(parse_yaml(_yaml.dump(d))) == obj


def test_runtime_yaml_round_trip_and_stability():
    rt = full_runtime()
    text = rt.to_yaml()
    assert OpenShellRuntime.from_dict(rt.to_dict()).to_yaml() == text
    assert parse_yaml(text) == rt.to_dict()


def test_to_dict_keeps_explicit_values_and_omits_defaults():
    assert SandboxConfig().to_dict() == {}
    assert SandboxConfig(isolation="gvisor", max_memory_mb=2048).to_dict() == {"isolation": "gvisor", "max_memory_mb": 2048}
    assert NetworkGuardian(rules=[]).to_dict() == {"rules": []}
    rule = EgressRule("t", ["h.example"])
    assert rule.to_dict() == {"tool": "t", "allowed_hosts": ["h.example"]}
    rule.allowed_ports = [8443]  # changed after construction: written although not given
    assert rule.to_dict()["allowed_ports"] == [8443]
    assert Policy("p", "tool_call", "true", "block", message=None).to_dict() == {
        "name": "p", "trigger": "tool_call", "condition": "true", "action": "block"}
    assert OpenShellRuntime().to_dict() == {"version": 1, "name": "agent"}
    assert OpenShellRuntime().to_yaml() == "version: 1\nname: agent\n"


def test_defaults_are_the_spec_defaults():
    s = SandboxConfig()
    assert (s.isolation, s.max_memory_mb, s.max_cpu_cores, s.max_execution_time_seconds, s.max_processes,
            s.max_open_files, s.allow_network, s.allow_filesystem, s.environment, s.cleanup_policy) == (
        "gvisor", 2048, 2, 300, 50, 100, True, True, {}, "destroy")
    n = NetworkGuardian()
    assert (n.default_policy, n.rules, n.block_private_ranges, n.dns_filtering, n.allowed_dns_servers, n.hosts,
            n.regions) == ("deny-all", [], True, True, [], {}, {})
    e = EgressRule("t", ["h"])
    assert (e.allowed_ports, e.protocol, e.tls_required, e.max_request_size_kb, e.max_response_size_mb,
            e.rate_limit) == ([443], "https", None, None, None, None)
    f = FilesystemController()
    assert (f.workspace, f.rules, f.strict_path_validation, f.audit_all_operations) == (
        "/agent/workspace", [], True, False)
    a = AccessRule("/x", "read")
    assert (a.source, a.allowed_extensions, a.max_file_size_mb, a.max_total_size_mb, a.block_symlinks) == (
        None, None, None, None, True)
    p = Policy("p", "tool_call", "true", "log")
    assert (p.message, p.log_level, p.pii_types, p.escalation, p.delay_seconds) == (None, "info", None, None, None)
    t = Tool("t", command="x")
    assert (t.description, t.mcp, t.timeout_seconds, t.cost_per_call, t.pool, t.prestart, t.guard) == (
        None, None, 30, 0, 1, False, False)
    r = OpenShellRuntime()
    assert (r.sandbox, r.network, r.filesystem, r.policies, r.tools, r.agent, r.name, r.version, r.description) == (
        None, None, None, None, None, None, "agent", 1, None)


def test_policy_action_forms():
    for form in ("block", "BLOCK", "Block", "PolicyAction.BLOCK", PolicyAction.BLOCK):
        assert Policy("p", "tool_call", "true", form).action is PolicyAction.BLOCK
    assert PolicyAction.ESCALATE == "escalate" and PolicyAction("PolicyAction.REDACT") is PolicyAction.REDACT
    assert [a.value for a in PolicyAction] == ["allow", "log", "block", "redact", "throttle", "escalate"]


def test_runtime_accepts_a_list_of_policies():
    rt = OpenShellRuntime(policies=[Policy("p", "tool_call", "true", "allow")])
    assert isinstance(rt.policies, PolicyEngine)
    assert rt.to_dict()["policies"] == [{"name": "p", "trigger": "tool_call", "condition": "true", "action": "allow"}]


# ---------------------------------------------------------------------------
# Bad values: (constructor, exception type, message prefix)

def _rule(**kw):
    return EgressRule(**{"tool": "t", "allowed_hosts": ["example.com"], **kw})


def _policy(**kw):
    return Policy(**{"name": "p", "trigger": "tool_call", "condition": "true", "action": "block", **kw})


_P = _policy()

BAD = [
    # SandboxConfig
    (lambda: SandboxConfig(isolation="docker"), ValueError,
     "SandboxConfig.isolation: 'docker' is not one of gvisor, firecracker, container"),
    (lambda: SandboxConfig(isolation="gvisr"), ValueError, "SandboxConfig.isolation: 'gvisr' is not one of"),
    (lambda: SandboxConfig(max_memory_mb=True), TypeError, "SandboxConfig.max_memory_mb: expected an integer, got bool True"),
    (lambda: SandboxConfig(max_memory_mb=2048.0), TypeError, "SandboxConfig.max_memory_mb: expected an integer"),
    (lambda: SandboxConfig(max_cpu_cores=0), ValueError, "SandboxConfig.max_cpu_cores: 0 must be greater than 0"),
    (lambda: SandboxConfig(max_cpu_cores=float("nan")), ValueError, "SandboxConfig.max_cpu_cores: nan is not a finite number"),
    (lambda: SandboxConfig(max_execution_time_seconds=0), ValueError,
     "SandboxConfig.max_execution_time_seconds: 0 is out of range (1..31622400)"),
    (lambda: SandboxConfig(environment={"1X": "a"}), ValueError,
     "SandboxConfig.environment['1X']: '1X' is not a valid environment variable name"),
    (lambda: SandboxConfig(environment={"A": 1}), TypeError, "SandboxConfig.environment['A']: expected a string, got int 1"),
    (lambda: SandboxConfig(environment=[("A", "b")]), TypeError, "SandboxConfig.environment: expected a mapping"),
    (lambda: SandboxConfig(cleanup_policy="keep"), ValueError, "SandboxConfig.cleanup_policy: 'keep' is not one of"),
    (lambda: SandboxConfig(allow_network=1), TypeError, "SandboxConfig.allow_network: expected True or False"),
    # EgressRule
    (lambda: _rule(allowed_ports=[70000]), ValueError, "EgressRule.allowed_ports[0]: 70000 is not a port (1..65535)"),
    (lambda: _rule(allowed_ports=[443, 0]), ValueError, "EgressRule.allowed_ports[1]: 0 is not a port (1..65535)"),
    (lambda: _rule(allowed_ports=[True]), TypeError, "EgressRule.allowed_ports[0]: expected an integer, got bool True"),
    (lambda: _rule(allowed_ports=["443"]), TypeError, "EgressRule.allowed_ports[0]: expected an integer, got str '443'"),
    (lambda: _rule(allowed_ports=[]), ValueError, "EgressRule.allowed_ports: must not be empty"),
    (lambda: _rule(allowed_ports=443), TypeError, "EgressRule.allowed_ports: expected a list, got int 443"),
    (lambda: _rule(allowed_hosts=["https://x.com/"]), ValueError, "EgressRule.allowed_hosts[0]: 'https://x.com/' is not a host"),
    (lambda: _rule(allowed_hosts=["a.*.com"]), ValueError, "EgressRule.allowed_hosts[0]: 'a.*.com' is not a host"),
    (lambda: _rule(allowed_hosts=[]), ValueError, "EgressRule.allowed_hosts: must not be empty"),
    (lambda: _rule(allowed_hosts="example.com"), TypeError, "EgressRule.allowed_hosts: expected a list"),
    (lambda: _rule(protocol="ftp"), ValueError, "EgressRule.protocol: 'ftp' is not one of https, http, tcp, smtp"),
    (lambda: _rule(tls_required=False), ValueError, "EgressRule.tls_required: protocol https always requires TLS"),
    (lambda: _rule(protocol="http", tls_required=True), ValueError, "EgressRule.tls_required: protocol http is plain text"),
    (lambda: _rule(rate_limit="5/week"), ValueError, "EgressRule.rate_limit: '5/week' must be N/second"),
    (lambda: _rule(rate_limit="0/minute"), ValueError, "EgressRule.rate_limit: '0/minute' must be"),
    (lambda: _rule(max_request_size_kb=-1), ValueError, "EgressRule.max_request_size_kb: -1 must be greater than 0"),
    (lambda: _rule(tool=""), ValueError, "EgressRule.tool: must not be empty"),
    (lambda: EgressRule(tool="t"), TypeError, "EgressRule.__init__() missing 1 required positional argument"),
    (lambda: EgressRule(tool="t", allowed_hosts=["a.com"], methods=["get"]), ValueError,
     "EgressRule.methods[0]: 'get' is not an upper-case HTTP method"),
    (lambda: EgressRule(tool="t", allowed_hosts=["a.com"], methods=["CONNECT"]), ValueError,
     "EgressRule.methods[0]: 'CONNECT' is not an upper-case HTTP method"),
    (lambda: EgressRule(tool="t", allowed_hosts=["a.com"], paths=["v1/**"]), ValueError,
     "EgressRule.paths[0]: 'v1/**' is not a path glob"),
    (lambda: EgressRule(tool="t", allowed_hosts=["a.com"], paths=["/v1/a**"]), ValueError,
     "EgressRule.paths[0]: '/v1/a**' is not a path glob"),
    (lambda: EgressRule(tool="t", allowed_hosts=["a.com"], access="read"), ValueError,
     "EgressRule.access: 'read' is not one of read-only, read-write, full"),
    (lambda: EgressRule(tool="t", allowed_hosts=["a.com"], access="full", methods=["GET"]), ValueError,
     "EgressRule.access: access and methods both"),
    (lambda: EgressRule(tool="t", allowed_hosts=["a.com"], inspect=False, paths=["/x"]), ValueError,
     "EgressRule.paths: paths needs the guardian to read each request"),
    (lambda: EgressRule(tool="t", allowed_hosts=["a.com"], protocol="tcp", inspect=True), ValueError,
     "EgressRule.inspect: inspect applies to http and https rules"),
    (lambda: EgressRule(tool="t", allowed_hosts=["a.com"], protocol="http", ca_file="ca.pem"), ValueError,
     "EgressRule.ca_file: ca_file is the trust for an inspected https rule"),
    # NetworkGuardian
    (lambda: NetworkGuardian(default_policy="deny"), ValueError,
     "NetworkGuardian.default_policy: 'deny' is not one of deny-all, allow-all (did you mean 'deny-all'?)"),
    (lambda: NetworkGuardian(rules=[{"tool": "t"}]), TypeError, "NetworkGuardian.rules[0]: expected an EgressRule, got dict"),
    (lambda: NetworkGuardian(rules=None), TypeError, "NetworkGuardian.rules: expected a list, got None"),
    (lambda: NetworkGuardian(allowed_dns_servers=["dns.google"]), ValueError,
     "NetworkGuardian.allowed_dns_servers[0]: 'dns.google' is not an IP address"),
    (lambda: NetworkGuardian(hosts={"db": "nope"}), ValueError, "NetworkGuardian.hosts['db']: 'nope' is not an IP address"),
    (lambda: NetworkGuardian(hosts={"bad host": "127.0.0.1"}), ValueError,
     "NetworkGuardian.hosts['bad host']: 'bad host' is not a host name"),
    (lambda: NetworkGuardian(regions={"eu": ["bad host!"]}), ValueError,
     "NetworkGuardian.regions['eu'][0]: 'bad host!' is neither a host pattern nor a CIDR"),
    (lambda: NetworkGuardian(block_private_ranges="yes"), TypeError, "NetworkGuardian.block_private_ranges: expected True or False"),
    # AccessRule
    (lambda: AccessRule(path="data", permissions="read"), ValueError, "AccessRule.path: 'data' must be an absolute"),
    (lambda: AccessRule(path="/a/../b", permissions="read"), ValueError, "AccessRule.path: '/a/../b' must be an absolute"),
    (lambda: AccessRule(path="/a/", permissions="read"), ValueError, "AccessRule.path: '/a/' must be an absolute"),
    (lambda: AccessRule(path="/a", permissions="rw"), ValueError, "AccessRule.permissions: 'rw' is not one of read, write, read-write"),
    (lambda: AccessRule(path="/a", permissions="read", allowed_extensions=["txt"]), ValueError,
     "AccessRule.allowed_extensions[0]: 'txt' must look like '.txt'"),
    (lambda: AccessRule(path="/a", permissions="read", allowed_extensions=[".tar.gz"]), ValueError,
     "AccessRule.allowed_extensions[0]: '.tar.gz' must look like"),
    (lambda: AccessRule(path="/a", permissions="read", max_file_size_mb=0), ValueError,
     "AccessRule.max_file_size_mb: 0 must be greater than 0"),
    (lambda: AccessRule(path="/a", permissions="read", block_symlinks=1), TypeError, "AccessRule.block_symlinks: expected True or False"),
    (lambda: AccessRule(path="/a", permissions="read", source=""), ValueError, "AccessRule.source: must not be empty"),
    # FilesystemController
    (lambda: FilesystemController(workspace="/agent/workspace/"), ValueError, "FilesystemController.workspace: '/agent/workspace/' must be"),
    (lambda: FilesystemController(workspace="//x"), ValueError, "FilesystemController.workspace: '//x' must be"),
    (lambda: FilesystemController(rules="x"), TypeError, "FilesystemController.rules: expected a list, got str 'x'"),
    (lambda: FilesystemController(rules=[AccessRule("/a", "read"), None]), TypeError,
     "FilesystemController.rules[1]: expected an AccessRule, got None"),
    (lambda: FilesystemController(audit_all_operations=None), TypeError, "FilesystemController.audit_all_operations: expected True or False"),
    # Policy
    (lambda: _policy(trigger="on_call"), ValueError, "Policy.trigger: 'on_call' is not one of tool_call"),
    (lambda: _policy(action="blok"), ValueError,
     "Policy.action: 'blok' is not one of allow, log, block, redact, throttle, escalate (did you mean 'block'?)"),
    (lambda: _policy(action=3), TypeError, "Policy.action: expected a PolicyAction or its name, got int 3"),
    (lambda: _policy(action="throttle"), ValueError, "Policy.delay_seconds: action throttle needs delay_seconds"),
    (lambda: _policy(action="throttle", delay_seconds=90000), ValueError, "Policy.delay_seconds: 90000 is out of range (0..86400)"),
    (lambda: _policy(delay_seconds=-1), ValueError, "Policy.delay_seconds: -1 is out of range"),
    (lambda: _policy(log_level="error"), ValueError, "Policy.log_level: 'error' is not one of debug, info, warning, critical"),
    (lambda: _policy(pii_types=["passport"]), ValueError, "Policy.pii_types[0]: 'passport' is not one of ssn"),
    (lambda: _policy(condition="  "), ValueError, "Policy.condition: must not be empty"),
    (lambda: _policy(name=5), TypeError, "Policy.name: expected a string, got int 5"),
    # PolicyEngine
    (lambda: PolicyEngine(policies=[_P, _policy(name="q"), _policy()]), ValueError,
     "PolicyEngine.policies[2].name: 'p' is already used (policies[0])"),
    (lambda: PolicyEngine(policies=[1]), TypeError, "PolicyEngine.policies[0]: expected a Policy, got int 1"),
    (lambda: PolicyEngine(policies=None), TypeError, "PolicyEngine.policies: expected a list, got None"),
    # Tool
    (lambda: Tool("Web-Search", command="x"), ValueError, "Tool.name: 'Web-Search' must match [a-z][a-z0-9_]*"),
    (lambda: Tool("agent", command="x"), ValueError, "Tool.name: 'agent' must match"),
    (lambda: Tool("t", command="x", pool=9), ValueError, "Tool.pool: 9 is out of range (0..8)"),
    (lambda: Tool("t", command="x", timeout_seconds=0), ValueError, "Tool.timeout_seconds: 0 must be greater than 0"),
    (lambda: Tool("t", command="x", cost_per_call=-0.5), ValueError, "Tool.cost_per_call: -0.5 is out of range"),
    (lambda: Tool("t", command=[]), ValueError, "Tool.command: must not be empty"),
    (lambda: Tool("t", command=["python3", 3]), TypeError, "Tool.command[1]: expected a string, got int 3"),
    (lambda: Tool("t", command="  "), ValueError, "Tool.command: must not be empty"),
    (lambda: Tool("t"), ValueError, "Tool.command: a tool needs a command, an mcp server, or guard=True"),
    (lambda: Tool("t", command="x", mcp="y"), ValueError, "Tool.mcp: a tool runs a command or an mcp server, not both"),
    (lambda: Tool("t", command="x", guard=True), ValueError, "Tool.command: a guard tool (guard=True)"),
    (lambda: Tool("t", mcp="x", guard=True), ValueError, "Tool.mcp: a guard tool (guard=True)"),
    # Agent
    (lambda: Agent(), ValueError, "Agent.command: an agent needs a command or a name"),
    (lambda: Agent(name="Bad Name"), ValueError, "Agent.name: 'Bad Name' must match [a-z0-9][a-z0-9_-]*"),
    (lambda: Agent(name="a" * 65), ValueError, "Agent.name: 'aaaa"),
    (lambda: Agent(command=5), TypeError, "Agent.command: expected a list of strings or a string, got int 5"),
    (lambda: Agent(name="a", description=["x"]), TypeError, "Agent.description: expected a string"),
    # OpenShellRuntime
    (lambda: OpenShellRuntime(name="Customer Support"), ValueError,
     "OpenShellRuntime.name: 'Customer Support' must match [a-z0-9][a-z0-9-]*"),
    (lambda: OpenShellRuntime(name="my_policy"), ValueError, "OpenShellRuntime.name: 'my_policy' must match"),
    (lambda: OpenShellRuntime(version=2), ValueError, "OpenShellRuntime.version: 2 is out of range (1..1)"),
    (lambda: OpenShellRuntime(sandbox={}), TypeError, "OpenShellRuntime.sandbox: expected a SandboxConfig, got dict {}"),
    (lambda: OpenShellRuntime(tools=[Tool("a", command="x"), Tool("a", mcp="y")]), ValueError,
     "OpenShellRuntime.tools[1].name: 'a' is already declared (tools[0])"),
    (lambda: OpenShellRuntime(policies=[_P, _P]), ValueError,
     "OpenShellRuntime.policies[1].name: 'p' is already used (policies[0])"),
    (lambda: OpenShellRuntime(policies=[_P, "x"]), TypeError, "OpenShellRuntime.policies[1]: expected a Policy, got str 'x'"),
    (lambda: OpenShellRuntime(policies="x"), TypeError, "OpenShellRuntime.policies: expected a PolicyEngine or a list of Policy"),
]


@pytest.mark.parametrize("make, kind, message", BAD, ids=[m.split(":")[0] + f"-{i}" for i, (_, _, m) in enumerate(BAD)])
def test_bad_values(make, kind, message):
    with pytest.raises(kind) as info:
        make()
    assert str(info.value).startswith(message), str(info.value)


def test_bad_values_cover_every_class():
    for cls in (SandboxConfig, EgressRule, NetworkGuardian, AccessRule, FilesystemController, Policy, PolicyEngine,
                Tool, Agent, OpenShellRuntime):
        assert sum(1 for _, _, m in BAD if m.startswith(cls.__name__ + ".")) >= 3, cls


# ---------------------------------------------------------------------------
# from_dict

def _doc(**sections):
    return {"version": 1, "name": "x", **sections}


FROM_DICT_BAD = [
    (_doc(policies=[{"name": "a", "trigger": "tool_call", "condition": "true", "action": "block"}] * 2
          + [{"name": "c", "trigger": "tool_call", "condition": "true", "actoin": "block"}]),
     ValueError, "policies[2].actoin: unknown key (did you mean 'action'?)"),
    (_doc(sandbx={}), ValueError, "sandbx: unknown key (did you mean 'sandbox'?)"),
    (_doc(zzz=1), ValueError, "zzz: unknown key"),
    (_doc(network={"rules": [{"tool": "t", "allowed_hosts": ["h"], "allowed_ports": [70000]}]}),
     ValueError, "network.rules[0].allowed_ports[0]: 70000 is not a port (1..65535)"),
    (_doc(network={"rules": [{"tool": "t"}]}), ValueError, "network.rules[0].allowed_hosts: missing required key"),
    (_doc(network=5), TypeError, "network: expected a mapping, got int 5"),
    (_doc(network={"rules": [{"tool": "t", "allowed_hosts": "h"}]}), TypeError,
     "network.rules[0].allowed_hosts: expected a list, got str 'h'"),
    (_doc(sandbox={"environment": {"1X": "a"}}), ValueError, "sandbox.environment['1X']: '1X' is not a valid"),
    (_doc(policies=[{"name": "a", "trigger": "tool_call", "condition": "true", "action": "block"}] * 2), ValueError,
     "policies[1].name: 'a' is already used (policies[0])"),
    (_doc(policies=[5]), TypeError, "policies[0]: expected a mapping, got int 5"),
    (_doc(tools=[{"name": "a", "command": "x"}, {"name": "a", "command": "y"}]), ValueError,
     "tools[1].name: 'a' is already declared (tools[0])"),
    (_doc(tools=[{"name": "a", "command": "x", "guard": True}]), ValueError, "tools[0].command: a guard tool"),
    (_doc(filesystem={"rules": [{"path": "/a", "permission": "read"}]}), ValueError,
     "filesystem.rules[0].permission: unknown key (did you mean 'permissions'?)"),
    (_doc(agent={"description": "x"}), ValueError, "agent.command: an agent needs a command or a name"),
    (_doc(version=2), ValueError, "version: 2 is out of range (1..1)"),
    ([1], TypeError, "OpenShellRuntime: expected a mapping, got list [1]"),
]


@pytest.mark.parametrize("doc, kind, message", FROM_DICT_BAD, ids=[m.split(":")[0] for _, _, m in FROM_DICT_BAD])
def test_from_dict_errors_name_the_path(doc, kind, message):
    with pytest.raises(kind) as info:
        OpenShellRuntime.from_dict(doc)
    assert str(info.value).startswith(message), str(info.value)


def test_from_dict_path_prefix_and_section_classes():
    with pytest.raises(ValueError, match=r"^x\.rules\[0\]\.tool: missing required key$"):
        NetworkGuardian.from_dict({"rules": [{"allowed_hosts": ["h"]}]}, "x")
    with pytest.raises(ValueError, match=r"^allowed_ports\[0\]: 0 is not a port"):
        EgressRule.from_dict({"tool": "t", "allowed_hosts": ["h"], "allowed_ports": [0]})
    engine = PolicyEngine.from_dict({"policies": [{"name": "a", "trigger": "tool_call", "condition": "x", "action": "LOG"}]})
    assert engine.policies[0].action is PolicyAction.LOG


def test_from_dict_takes_typed_scalars_as_text_like_the_runtime():
    rt = OpenShellRuntime.from_dict(_doc(
        sandbox={"environment": {"WORKERS": 4, "DEBUG": True, "RATIO": 0.5}},
        policies=[{"name": 1, "trigger": "tool_call", "condition": True, "action": "allow", "message": 12}],
        tools=[{"name": "t", "command": ["python3", 2]}],
    ))
    assert rt.sandbox.environment == {"WORKERS": "4", "DEBUG": "true", "RATIO": "0.5"}
    p = rt.policies.policies[0]
    assert (p.name, p.condition, p.message) == ("1", "true", "12")
    assert rt.tools[0].command == ["python3", "2"]


def test_from_dict_null_lists_are_empty():
    g = NetworkGuardian.from_dict({"rules": None, "hosts": None})
    assert g.rules == [] and g.hosts == {}


# ---------------------------------------------------------------------------
# The YAML emitter

QUOTED = ["", " ", "true", "True", "FALSE", "yes", "No", "on", "OFF", "y", "N", "null", "Null", "~", "1", "-1", "+1",
          "1.5", ".5", "1e3", "0x1F", "0o17", "0b101", "1_000", "._1", "12:30", "2024-01-01", "2024-01-01 10:00",
          ".inf", "-.inf", ".NaN", "*.example.com", "&a", "!tag", "%x", "@x", "`x", "|x", ">x", "'x", '"x', "-x",
          "- x", "? x", "a: b", "a:b", "a #b", "a,b", "[x]", "{x}", "x ", " x", "...", "---", "=", "<<", "a\nb",
          "tab\there", "back\\slash", "é", "\u2028", "\x85", "\ufeff", "\x00", "\x7f", "10.0.0.53", "::1"]
PLAIN = ["gvisor", "deny-all", "3/minute", ".md", "/agent/workspace", "tool.name == 'email_send'",
         "contains_pii(output)", "session.total_cost > 5.0", "Email requires human approval before sending.",
         "search.internal.company.com", "en_US.UTF-8", "a-b_c", "x=1", "_private"]


@pytest.mark.parametrize("text", QUOTED)
def test_emitter_quotes_ambiguous_strings(text):
    assert _yaml.scalar(text).startswith('"')


@pytest.mark.parametrize("text", PLAIN)
def test_emitter_keeps_safe_words_plain(text):
    assert _yaml.scalar(text) == text


@pytest.mark.parametrize("text", QUOTED + PLAIN)
def test_emitter_strings_parse_back(text):
    doc = {"k": text, "list": [text, text], "map": {text or "empty": text}}
    assert parse_yaml(_yaml.dump(doc)) == doc


def test_emitter_escapes():
    assert _yaml.scalar('a"b\\c\nd\te\x01\u2028\U0001F600') == '"a\\"b\\\\c\\nd\\te\\x01\\u2028\U0001F600"'
    with pytest.raises(ValueError):
        _yaml.scalar("\ud800")


def test_emitter_numbers():
    assert [_yaml.scalar(v) for v in (0, 2048, -3, True, False, None, 0.5, 2.0, 1e16, 1e-05)] == [
        "0", "2048", "-3", "true", "false", "null", "0.5", "2.0", "1.0e+16", "1.0e-05"]
    assert parse_yaml(_yaml.dump({"a": 1e16, "b": 1e-05, "c": 2.0})) == {"a": 1e16, "b": 1e-05, "c": 2.0}
    with pytest.raises(ValueError):
        _yaml.scalar(float("inf"))


def test_emitter_fuzz():
    alphabet = "ab09 .-_:#,[]{}&*!|>'\"%@`?=<~\\/\n\té\u2028+eE"
    rng = random.Random(12)
    for _ in range(3000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 8)))
        doc = {"v": text, "l": [text], "m": {"k" + text: [{"x": text}]}}
        assert parse_yaml(_yaml.dump(doc)) == doc, repr(text)


def test_emitter_layout():
    doc = {"a": {"b": [1, 2], "c": [{"d": "e", "f": []}, {"g": {}}], "h": [[1], [{"i": 1}]]}, "j": {}}
    assert _yaml.dump(doc) == (
        "a:\n"
        "  b: [1, 2]\n"
        "  c:\n"
        "    - d: e\n"
        "      f: []\n"
        "    - g: {}\n"
        "  h:\n"
        "    - [1]\n"
        "    -\n"
        "      - i: 1\n"
        "j: {}\n"
    )
    assert parse_yaml(_yaml.dump(doc)) == doc


# ---------------------------------------------------------------------------
# The seed's examples

EXAMPLE_FILES = ["seed_sandbox.py", "seed_network.py", "seed_filesystem.py", "seed_policies.py", "seed_production.py"]


def _stripped(text: str) -> list[str]:
    return [line.lstrip() for line in text.splitlines()]


def test_the_seed_blocks_are_the_articles():
    """Each block of data/seed-examples.txt is the article's text at the lines its header names."""
    if not ARTICLE.is_file():
        pytest.skip(f"the article is not beside this checkout ({ARTICLE}); data/seed-examples.txt stands for it")
    article = ARTICLE.read_text(encoding="utf-8").split("\n")
    blocks = re.split(r"^# ---- lines (\d+)-(\d+)\n", SEED.read_text(encoding="utf-8"), flags=re.M)[1:]
    assert len(blocks) == 18
    for first, last, text in zip(blocks[0::3], blocks[1::3], blocks[2::3]):
        assert text.rstrip("\n").split("\n") == article[int(first) - 1 : int(last)]


@pytest.mark.parametrize("name", EXAMPLE_FILES)
def test_example_is_the_seed_text(name):
    seed = _stripped(SEED.read_text(encoding="utf-8"))
    example = _stripped((EXAMPLES / name).read_text(encoding="utf-8"))
    assert example and all(example)
    starts = [i for i in range(len(seed)) if seed[i : i + len(example)] == example]
    assert starts, f"{name} is not a contiguous part of the seed"


def _run_example(name: str) -> dict:
    return runpy.run_path(str(EXAMPLES / name), run_name="__main__")


def test_seed_sandbox_example():
    sandbox = _run_example("seed_sandbox.py")["sandbox"]
    assert (sandbox.isolation, sandbox.max_memory_mb, sandbox.max_processes, sandbox.cleanup_policy) == (
        "gvisor", 2048, 50, "destroy")
    assert sandbox.environment == {"LANG": "en_US.UTF-8", "TZ": "UTC"}
    assert sandbox.to_dict()["environment"] == {"LANG": "en_US.UTF-8", "TZ": "UTC"}


def test_seed_network_example():
    guardian = _run_example("seed_network.py")["guardian"]
    assert [r.tool for r in guardian.rules] == ["web_search", "database_query", "email_send"]
    assert guardian.rules[0].allowed_hosts == ["www.googleapis.com", "api.bing.com"]
    assert guardian.rules[1].to_dict() == {"tool": "database_query", "allowed_hosts": ["db.internal.company.com"],
                                           "allowed_ports": [5432], "protocol": "tcp", "tls_required": True}
    assert (guardian.rules[2].protocol, guardian.rules[2].rate_limit) == ("smtp", "5/minute")
    assert guardian.allowed_dns_servers == ["10.0.0.53"]


def test_seed_filesystem_example():
    fs = _run_example("seed_filesystem.py")["fs_controller"]
    assert [(r.path, r.permissions) for r in fs.rules] == [
        ("/data/knowledge-base", "read"), ("/agent/workspace", "read-write"), ("/agent/output", "write")]
    assert fs.rules[1].max_total_size_mb == 500 and fs.audit_all_operations is True


def test_seed_policies_example():
    engine = _run_example("seed_policies.py")["policy_engine"]
    assert [p.name for p in engine.policies] == [
        "pii-protection", "cost-limit", "tool-rate-limit", "content-safety", "data-residency"]
    assert [p.action for p in engine.policies] == [
        PolicyAction.REDACT, PolicyAction.BLOCK, PolicyAction.THROTTLE, PolicyAction.BLOCK, PolicyAction.BLOCK]
    assert engine.policies[2].delay_seconds == 10 and engine.policies[1].escalation == "human_queue"
    assert engine.to_dict()["policies"][0]["pii_types"] == ["ssn", "credit_card", "email", "phone"]


# Section 8 of the policy format: the seed's production example as YAML.
SECTION_8 = {
    "version": 1,
    "name": "customer-support",
    "sandbox": {"isolation": "gvisor", "max_memory_mb": 2048, "max_execution_time_seconds": 300,
                "cleanup_policy": "snapshot"},
    "network": {
        "default_policy": "deny-all",
        "rules": [
            {"tool": "knowledge_search", "allowed_hosts": ["search.internal.company.com"], "allowed_ports": [443],
             "protocol": "https"},
            {"tool": "ticket_api", "allowed_hosts": ["jira.company.com"], "allowed_ports": [443], "protocol": "https"},
            {"tool": "email_send", "allowed_hosts": ["smtp.company.com"], "allowed_ports": [587], "protocol": "smtp",
             "rate_limit": "3/minute"},
        ],
    },
    "filesystem": {
        "workspace": "/agent/workspace",
        "rules": [{"path": "/data/kb", "permissions": "read"},
                  {"path": "/agent/workspace", "permissions": "read-write", "max_total_size_mb": 100}],
    },
    "policies": [
        {"name": "pii-redact", "trigger": "data_output", "condition": "contains_pii(output)", "action": "redact"},
        {"name": "email-approval", "trigger": "tool_call", "condition": "tool.name == 'email_send'",
         "action": "escalate", "message": "Email requires human approval before sending."},
    ],
}

PRODUCTION_YAML = """\
version: 1
name: customer-support
sandbox:
  isolation: gvisor
  max_memory_mb: 2048
  max_execution_time_seconds: 300
  cleanup_policy: snapshot
network:
  default_policy: deny-all
  rules:
    - tool: knowledge_search
      allowed_hosts: [search.internal.company.com]
      allowed_ports: [443]
      protocol: https
    - tool: ticket_api
      allowed_hosts: [jira.company.com]
      allowed_ports: [443]
      protocol: https
    - tool: email_send
      allowed_hosts: [smtp.company.com]
      allowed_ports: [587]
      rate_limit: 3/minute
filesystem:
  workspace: /agent/workspace
  rules:
    - path: /data/kb
      permissions: read
    - path: /agent/workspace
      permissions: read-write
      max_total_size_mb: 100
policies:
  - name: pii-redact
    trigger: data_output
    condition: contains_pii(output)
    action: redact
  - name: email-approval
    trigger: tool_call
    condition: tool.name == 'email_send'
    action: escalate
    message: Email requires human approval before sending.
"""


def _production() -> OpenShellRuntime:
    rt = _run_example("seed_production.py")["runtime"]
    return OpenShellRuntime(name="customer-support", sandbox=rt.sandbox, network=rt.network,
                            filesystem=rt.filesystem, policies=rt.policies)


def test_seed_production_matches_spec_section_8():
    runtime = _run_example("seed_production.py")["runtime"]
    got = runtime.to_dict()
    assert (got.pop("version"), got.pop("name")) == (1, "agent")
    expected = copy.deepcopy(SECTION_8)
    del expected["version"], expected["name"]
    # The seed's email rule names no protocol (the default, https); section 8 writes smtp.
    assert expected["network"]["rules"][2].pop("protocol") == "smtp"
    assert runtime.network.rules[2].protocol == "https"
    assert got == expected


def test_section_8_transcription_matches_the_projects_copy():
    """tests/data/seed/production.policy.yaml is section 8 as the runtime's tests use it."""
    assert parse_yaml((REPO / "tests" / "data" / "seed" / "production.policy.yaml").read_text(encoding="utf-8")) == SECTION_8


def test_section_8_transcription_matches_the_spec():
    if not SPEC.is_file():
        pytest.skip(f"spec not found at {SPEC}")
    text = SPEC.read_text(encoding="utf-8")
    block = re.search(r"## 8\..*?```yaml\n(.*?)```", text, re.S)
    assert block
    assert parse_yaml(block.group(1)) == SECTION_8


def test_seed_production_yaml():
    rt = _production()
    assert rt.to_yaml() == PRODUCTION_YAML
    assert OpenShellRuntime.from_dict(rt.to_dict()).to_yaml() == PRODUCTION_YAML
    assert parse_yaml(PRODUCTION_YAML) == rt.to_dict()


# ---------------------------------------------------------------------------
# save, and the service calls with a stand-in client

def test_save_is_atomic_and_keeps_the_mode(tmp_path):
    rt = _production()
    path = tmp_path / "support.policy.yaml"
    path.write_text("old\n")
    path.chmod(0o640)
    rt.save(path)
    assert path.read_text(encoding="utf-8") == PRODUCTION_YAML
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["support.policy.yaml"]


def test_save_new_file_and_symlink(tmp_path):
    rt = OpenShellRuntime(name="n")
    new = tmp_path / "new.policy.yaml"
    rt.save(str(new))
    mask = os.umask(0)
    os.umask(mask)
    assert stat.S_IMODE(new.stat().st_mode) == 0o666 & ~mask
    link = tmp_path / "link.policy.yaml"
    link.symlink_to(new)
    OpenShellRuntime(name="m").save(link)
    assert link.is_symlink() and "name: m\n" in new.read_text()


class FakeClient:
    """Stands in for openshell.client.Client: answers validate_policy from a canned result."""

    def __init__(self, result):
        self.calls = []
        self.result = result
        self.closed = False

    def validate_policy(self, text, name):
        self.calls.append((text, name))
        return self.result

    def close(self):
        self.closed = True


DIAG = Diagnostic("E041", "error", 12, 9, "port 70000 is out of range (1 to 65535)", None, "x.policy.yaml", 12, 14)


def test_from_yaml_uses_the_service_document():
    client = FakeClient((True, [], copy.deepcopy(SECTION_8)))
    rt = OpenShellRuntime.from_yaml("ignored", client=client)
    assert client.calls == [("ignored", "inline.policy.yaml")]
    assert rt.to_dict() == SECTION_8


def test_from_yaml_raises_policy_invalid():
    client = FakeClient((False, [DIAG], None))
    with pytest.raises(PolicyInvalidError) as info:
        OpenShellRuntime.from_yaml("x", name="x.policy.yaml", client=client)
    assert info.value.diagnostics == [DIAG]
    assert "x.policy.yaml:12:9: error E041: port 70000" in str(info.value)


def test_load_and_validate(tmp_path):
    rt = _production()
    path = tmp_path / "p.policy.yaml"
    rt.save(path)
    client = FakeClient((True, [], rt.to_dict()))
    assert OpenShellRuntime.load(path, client=client) == rt
    assert client.calls[-1] == (PRODUCTION_YAML, str(path))
    client = FakeClient((False, [dataclasses.asdict(DIAG)], None))
    assert rt.validate(client=client) == [DIAG]
    assert client.calls == [(PRODUCTION_YAML, "customer-support.policy.yaml")]


def test_default_client_is_imported_lazily_and_closed(monkeypatch):
    made = []

    def factory():
        made.append(FakeClient((True, [DIAG], None)))
        return made[-1]

    monkeypatch.setitem(sys.modules, "openshell.client", types.SimpleNamespace(Client=factory))
    assert OpenShellRuntime(name="n").validate() == [DIAG]
    assert made[0].calls[0][1] == "n.policy.yaml" and made[0].closed


def test_diagnostic():
    assert str(DIAG) == "x.policy.yaml:12:9: error E041: port 70000 is out of range (1 to 65535)"
    d = Diagnostic.from_dict({"file": "f", "line": 1, "column": 2, "severity": "warning", "code": "W046",
                              "message": "m", "suggestion": "s", "extra": 1})
    assert (d.file, d.line, d.column, d.end_line, d.suggestion, d.is_error) == ("f", 1, 2, None, "s", False)


def test_package_imports_without_the_client_module():
    code = "import sys, openshell; print('openshell.client' in sys.modules, 'Client' in openshell.__all__)"
    out = subprocess.run([sys.executable, "-c", code], cwd=SDK, capture_output=True, text=True, check=True,
                         env={**os.environ, "PYTHONPATH": str(SDK)})
    assert out.stdout.split() == ["False", "True"]
    import openshell

    with pytest.raises(AttributeError):
        openshell.NoSuchThing  # noqa: B018


def test_the_client_module_re_exports_its_parts():
    import openshell
    from openshell import aio, client, results, state

    parts = set(aio.__all__) | set(results.__all__) - {"SessionEvent"} | set(state.__all__)
    assert parts | {"Client", "Session", "SessionEvents"} == set(client.__all__)
    assert all(getattr(openshell, name) is getattr(client, name) for name in openshell._CLIENT_NAMES)
