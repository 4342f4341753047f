#pragma once
// The policy document model (spec sections 1-7): one struct per mapping of
// the format, with the spec's defaults. Every struct keeps where its keys
// and values stand in the source so diagnostics and editors can point at
// them; positions take no part in equality.

#include "model/trigger.h"
#include "util/diagnostic.h"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace osh {

// Source positions of one mapping: where it starts, and each key's key and value.
struct Locations
{
    SourcePos pos;
    std::map<std::string, std::pair<SourcePos, SourcePos>, std::less<>> keys;

    bool has(std::string_view key) const { return keys.find(key) != keys.end(); }
    SourcePos keyPos(std::string_view key) const;
    SourcePos valuePos(std::string_view key) const; // falls back to the mapping's position
    friend bool operator==(const Locations &, const Locations &) { return true; }
};

enum class Isolation : std::uint8_t { Gvisor, Firecracker, Container };
enum class CleanupPolicy : std::uint8_t { Destroy, Snapshot, Preserve };
enum class DefaultPolicy : std::uint8_t { DenyAll, AllowAll };
enum class Protocol : std::uint8_t { Https, Http, Tcp, Smtp };
enum class Permission : std::uint8_t { Read, Write, ReadWrite };
enum class Action : std::uint8_t { Allow, Log, Block, Redact, Throttle, Escalate };
enum class LogLevel : std::uint8_t { Debug, Info, Warning, Critical };

std::string_view isolationName(Isolation v);
std::string_view cleanupPolicyName(CleanupPolicy v);
std::string_view defaultPolicyName(DefaultPolicy v);
std::string_view protocolName(Protocol v);
std::string_view permissionName(Permission v);
std::string_view actionName(Action v);
std::string_view logLevelName(LogLevel v);

struct SandboxConfig
{
    Isolation isolation = Isolation::Gvisor;
    std::int64_t maxMemoryMb = 2048;
    double maxCpuCores = 2;
    std::int64_t maxExecutionTimeSeconds = 300;
    std::int64_t maxProcesses = 50;
    std::int64_t maxOpenFiles = 100;
    bool allowNetwork = true;
    bool allowFilesystem = true;
    std::vector<std::pair<std::string, std::string>> environment;
    CleanupPolicy cleanupPolicy = CleanupPolicy::Destroy;
    Locations loc;
    friend bool operator==(const SandboxConfig &, const SandboxConfig &) = default;
};

struct RateLimit
{
    std::int64_t count = 0;
    std::int64_t windowSeconds = 0; // 1, 60, 3600 or 86400
    std::string text;               // as written, e.g. "3/minute"
    static std::optional<RateLimit> parse(std::string_view text);
    friend bool operator==(const RateLimit &a, const RateLimit &b)
    {
        return a.count == b.count && a.windowSeconds == b.windowSeconds;
    }
};

// What an inspected rule lets through, as shorthand for methods:
// read-only is GET, HEAD and OPTIONS; read-write adds POST, PUT, PATCH and
// DELETE; full is any method.
enum class Access : std::uint8_t { ReadOnly, ReadWrite, Full };
std::string_view accessName(Access v);
// The methods an access level allows (empty for full: any).
const std::vector<std::string> &accessMethods(Access v);

struct EgressRule
{
    std::string tool;
    std::vector<std::string> allowedHosts;
    std::vector<int> allowedPorts{443};
    Protocol protocol = Protocol::Https;
    std::optional<bool> tlsRequiredSet; // as written
    std::optional<double> maxRequestSizeKb;
    std::optional<double> maxResponseSizeMb;
    std::optional<RateLimit> rateLimit;
    // HTTP request rules (inspected rules only; docs/network-guardian.md).
    std::vector<std::string> methods; // upper-case; empty: any (or as access says)
    std::vector<std::string> paths;   // globs on the decoded path: '*' within a segment, '**' across
    std::optional<Access> access;
    std::optional<bool> inspectSet;   // as written
    std::optional<std::string> caFile; // upstream trust for this rule instead of the host's store
    Locations loc;
    std::vector<SourcePos> hostPos; // one per allowed host
    std::vector<SourcePos> methodPos, pathPos; // one per entry

    bool tlsRequired() const { return tlsRequiredSet.value_or(protocol == Protocol::Https); }
    // Whether the guardian reads this rule's HTTP requests: http and https
    // rules are inspected unless they say inspect: false.
    bool inspected() const
    {
        return (protocol == Protocol::Https || protocol == Protocol::Http) && inspectSet.value_or(true);
    }
    // The methods allowed: methods when given, otherwise access's; empty: any.
    std::vector<std::string> allowedMethods() const
    {
        if (!methods.empty())
            return methods;
        return access ? accessMethods(*access) : std::vector<std::string>{};
    }
    friend bool operator==(const EgressRule &a, const EgressRule &b)
    {
        return a.tool == b.tool && a.allowedHosts == b.allowedHosts && a.allowedPorts == b.allowedPorts
            && a.protocol == b.protocol && a.tlsRequired() == b.tlsRequired()
            && a.maxRequestSizeKb == b.maxRequestSizeKb && a.maxResponseSizeMb == b.maxResponseSizeMb
            && a.rateLimit == b.rateLimit && a.allowedMethods() == b.allowedMethods() && a.paths == b.paths
            && a.inspected() == b.inspected() && a.caFile == b.caFile;
    }
};

struct NetworkGuardian
{
    DefaultPolicy defaultPolicy = DefaultPolicy::DenyAll;
    std::vector<EgressRule> rules;
    bool blockPrivateRanges = true;
    bool dnsFiltering = true;
    std::vector<std::string> allowedDnsServers;
    std::vector<std::pair<std::string, std::string>> hosts;
    std::vector<std::pair<std::string, std::vector<std::string>>> regions;
    Locations loc;
    friend bool operator==(const NetworkGuardian &, const NetworkGuardian &) = default;
};

struct AccessRule
{
    std::string path;
    Permission permissions = Permission::Read;
    std::optional<std::string> source;
    std::optional<std::vector<std::string>> allowedExtensions; // empty optional: any
    std::optional<double> maxFileSizeMb;
    std::optional<double> maxTotalSizeMb;
    bool blockSymlinks = true;
    Locations loc;
    friend bool operator==(const AccessRule &, const AccessRule &) = default;
};

struct FilesystemController
{
    std::string workspace = "/agent/workspace";
    std::vector<AccessRule> rules;
    bool strictPathValidation = true;
    bool auditAllOperations = false;
    Locations loc;
    friend bool operator==(const FilesystemController &, const FilesystemController &) = default;
};

struct Policy
{
    std::string name;
    Trigger trigger = Trigger::ToolCall;
    std::string condition = "true";
    Action action = Action::Allow;
    std::string actionText; // as written, e.g. "PolicyAction.BLOCK"
    std::string message;
    LogLevel logLevel = LogLevel::Info;
    std::optional<std::vector<std::string>> piiTypes; // empty optional: all types
    std::string escalation;
    std::optional<double> delaySeconds;
    Locations loc;
    // Where the condition text starts in the file, and how it was written,
    // so condition diagnostics map back to file positions.
    std::uint32_t conditionOffset = 0;
    std::uint8_t conditionStyle = 0; // yaml::ScalarStyle
    friend bool operator==(const Policy &a, const Policy &b)
    {
        return a.name == b.name && a.trigger == b.trigger && a.condition == b.condition && a.action == b.action
            && a.message == b.message && a.logLevel == b.logLevel && a.piiTypes == b.piiTypes
            && a.escalation == b.escalation && a.delaySeconds == b.delaySeconds;
    }
};

struct ToolSpec
{
    std::string name;
    std::string description;
    std::vector<std::string> command;
    // An MCP server (stdio) instead of a command: started once per session
    // in a sandbox of its own, its tools offered as "<name>.<tool>".
    std::vector<std::string> mcp;
    double timeoutSeconds = 30;
    double costPerCall = 0;
    bool isMcpServer() const { return !mcp.empty(); }
    // Ready sandboxes kept with the tool's process already waiting on its
    // standard input (0: every call starts its own, as a cold call).
    int pool = 1;
    // Fill the pool when the session starts, not at the tool's first call.
    bool prestart = false;
    static constexpr int kMaxPool = 8;
    // A function the Python SDK runs in its caller's own process
    // (Session.guard): decided and audited, never run by the runtime.
    bool guard = false;
    Locations loc;
    friend bool operator==(const ToolSpec &, const ToolSpec &) = default;
};

struct AgentSpec
{
    std::vector<std::string> command;
    std::string description;
    // Whose state sessions of this policy use (openshell/state/*); empty:
    // the policy's name (PolicyDocument::agentName).
    std::string name;
    Locations loc;
    friend bool operator==(const AgentSpec &, const AgentSpec &) = default;
};

struct PolicyDocument
{
    int version = 1;
    std::string name;
    std::string description;
    SandboxConfig sandbox;
    NetworkGuardian network;
    FilesystemController filesystem;
    std::vector<Policy> policies;
    std::vector<ToolSpec> tools;
    std::optional<AgentSpec> agent;
    Locations loc;
    std::string file; // path as given to the loader, for diagnostics

    const ToolSpec *findTool(std::string_view name) const;
    // The MCP server entry that offers a tool named "<entry>.<tool>", if any.
    const ToolSpec *mcpServerOf(std::string_view toolName) const;
    // The entry that accounts for a call of toolName: the declared tool, or
    // the MCP server entry offering it.
    const ToolSpec *entryOf(std::string_view toolName) const;
    const Policy *findPolicy(std::string_view name) const;
    // The agent whose state sessions of this policy use: agent.name, else
    // the policy's name.
    std::string agentName() const { return agent && !agent->name.empty() ? agent->name : name; }
    // [a-z0-9][a-z0-9_-]*, at most 64 characters.
    static bool isAgentName(std::string_view s);
    friend bool operator==(const PolicyDocument &a, const PolicyDocument &b)
    {
        return a.version == b.version && a.name == b.name && a.description == b.description
            && a.sandbox == b.sandbox && a.network == b.network && a.filesystem == b.filesystem
            && a.policies == b.policies && a.tools == b.tools && a.agent == b.agent;
    }
};

} // namespace osh
