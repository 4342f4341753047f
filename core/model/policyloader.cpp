#include "policyloader.h"

#include "model/yamlreader.h"
#include "util/strings.h"

#include <fstream>
#include <sstream>

namespace osh {

using yaml::Node;
using yaml::NodeKind;
using Section = PolicyLoader::Section;

const std::vector<std::string_view> &PolicyLoader::keysOf(Section s)
{
    static const std::vector<std::string_view> root{"version", "name", "description", "sandbox", "network",
                                                    "filesystem", "policies", "tools", "agent"};
    static const std::vector<std::string_view> sandbox{
        "isolation", "max_memory_mb", "max_cpu_cores", "max_execution_time_seconds", "max_processes",
        "max_open_files", "allow_network", "allow_filesystem", "environment", "cleanup_policy"};
    static const std::vector<std::string_view> network{"default_policy", "rules", "block_private_ranges",
                                                       "dns_filtering", "allowed_dns_servers", "hosts",
                                                       "regions"};
    static const std::vector<std::string_view> egress{"tool", "allowed_hosts", "allowed_ports", "protocol",
                                                      "tls_required", "max_request_size_kb",
                                                      "max_response_size_mb", "rate_limit", "methods", "paths",
                                                      "access", "inspect", "ca_file"};
    static const std::vector<std::string_view> filesystem{"workspace", "rules", "strict_path_validation",
                                                          "audit_all_operations"};
    static const std::vector<std::string_view> access{"path", "permissions", "source", "allowed_extensions",
                                                      "max_file_size_mb", "max_total_size_mb",
                                                      "block_symlinks"};
    static const std::vector<std::string_view> policy{"name", "trigger", "condition", "action", "message",
                                                      "log_level", "pii_types", "escalation",
                                                      "delay_seconds"};
    static const std::vector<std::string_view> tool{"name", "description", "command", "timeout_seconds",
                                                    "cost_per_call", "pool", "prestart", "mcp", "guard"};
    static const std::vector<std::string_view> agent{"command", "description", "name"};
    switch (s) {
    case Section::Root: return root;
    case Section::Sandbox: return sandbox;
    case Section::Network: return network;
    case Section::EgressRule: return egress;
    case Section::Filesystem: return filesystem;
    case Section::AccessRule: return access;
    case Section::Policy: return policy;
    case Section::Tool: return tool;
    case Section::Agent: return agent;
    }
    return root;
}

namespace {

constexpr std::string_view kIsolation[] = {"gvisor", "firecracker", "container"};
constexpr std::string_view kCleanup[] = {"destroy", "snapshot", "preserve"};
constexpr std::string_view kDefaultPolicy[] = {"deny-all", "allow-all"};
constexpr std::string_view kProtocol[] = {"https", "http", "tcp", "smtp"};
constexpr std::string_view kAccess[] = {"read-only", "read-write", "full"};
constexpr std::string_view kPermission[] = {"read", "write", "read-write"};
constexpr std::string_view kAction[] = {"allow", "log", "block", "redact", "throttle", "escalate"};
constexpr std::string_view kLogLevel[] = {"debug", "info", "warning", "critical"};
constexpr std::string_view kTrigger[] = {"tool_call", "data_output", "agent_response", "network_egress",
                                         "file_access"};

// Where a key that is unknown here does belong, for a friendlier message.
std::string_view sectionKeyName(Section s)
{
    switch (s) {
    case Section::Sandbox: return "sandbox";
    case Section::Network: return "network";
    case Section::EgressRule: return "network.rules[]";
    case Section::Filesystem: return "filesystem";
    case Section::AccessRule: return "filesystem.rules[]";
    case Section::Policy: return "policies[]";
    case Section::Tool: return "tools[]";
    case Section::Agent: return "agent";
    case Section::Root: return "the top level";
    }
    return {};
}

class Loader
{
public:
    Loader(const yaml::Document &tree, const std::string &file, Diagnostics &diags)
        : r(tree, file, diags)
    {
    }

    void load(PolicyDocument &doc)
    {
        const Node &root = r.tree().root();
        bool sawVersion = false, sawName = false;
        mapping(root, Section::Root, doc.loc, [&](std::string_view key, const Node &v) {
            if (key == "version") {
                sawVersion = true;
                if (auto i = r.integer(v, "version", 1, 1, "E020"))
                    doc.version = static_cast<int>(*i);
            } else if (key == "name") {
                sawName = true;
                if (auto s = r.string(v, "name")) {
                    doc.name = *s;
                    if (!isDocumentName(doc.name))
                        r.diag("E016", Severity::Error, v.pos,
                               "document name '" + doc.name + "' must match [a-z0-9][a-z0-9-]*",
                               suggestName(doc.name));
                }
            } else if (key == "description") {
                if (auto s = r.string(v, "description"))
                    doc.description = *s;
            } else if (key == "sandbox") {
                loadSandbox(v, doc.sandbox);
            } else if (key == "network") {
                loadNetwork(v, doc.network);
            } else if (key == "filesystem") {
                loadFilesystem(v, doc.filesystem);
            } else if (key == "policies") {
                r.sequence(v, "policies", [&](const Node &item) { loadPolicy(item, doc.policies.emplace_back()); });
            } else if (key == "tools") {
                r.sequence(v, "tools", [&](const Node &item) { loadTool(item, doc.tools.emplace_back()); });
            } else if (key == "agent") {
                loadAgent(v, doc.agent.emplace());
            }
        });
        if (!sawVersion)
            r.diag("E011", Severity::Error, root.pos, "missing required key 'version' (add 'version: 1')", "version: 1");
        if (!sawName)
            r.diag("E011", Severity::Error, root.pos, "missing required key 'name'");
    }

private:
    template<typename F>
    void mapping(const Node &n, Section section, Locations &loc, F &&onKey)
    {
        loc.pos = n.pos;
        if (n.kind != NodeKind::Map) {
            r.typeError(n, std::string(sectionKeyName(section)), "a mapping");
            return;
        }
        const auto &known = PolicyLoader::keysOf(section);
        for (std::size_t i = 0; i + 1 < n.children.size(); i += 2) {
            const Node &k = r.tree().node(n.children[i]);
            const Node &v = r.tree().node(n.children[i + 1]);
            if (k.kind != NodeKind::Scalar) {
                r.diag("E012", Severity::Error, k.pos, "mapping keys must be plain names");
                continue;
            }
            const std::string &key = k.scalar;
            if (loc.has(key)) {
                r.diag("E015", Severity::Error, k.pos,
                       "duplicate key '" + key + "' (first at line " + std::to_string(loc.keyPos(key).line) + ")");
                continue;
            }
            if (std::find(known.begin(), known.end(), key) == known.end()) {
                unknownKey(k, section);
                continue;
            }
            loc.keys.emplace(key, std::make_pair(k.pos, v.pos));
            onKey(std::string_view(key), v);
        }
    }

    void unknownKey(const Node &k, Section section)
    {
        const auto &known = PolicyLoader::keysOf(section);
        std::string suggestion = closestMatch(k.scalar, known);
        std::string msg = "unknown key '" + k.scalar + "' in " + std::string(sectionKeyName(section));
        if (suggestion.empty()) {
            // A key of another section written in the wrong place.
            for (auto other : {Section::Root, Section::Sandbox, Section::Network, Section::EgressRule,
                               Section::Filesystem, Section::AccessRule, Section::Policy, Section::Tool}) {
                const auto &keys = PolicyLoader::keysOf(other);
                if (other != section && std::find(keys.begin(), keys.end(), k.scalar) != keys.end()) {
                    msg += "; '" + k.scalar + "' belongs in " + std::string(sectionKeyName(other));
                    break;
                }
            }
        }
        r.diag("E010", Severity::Error, k.pos, msg, suggestion);
    }

    static bool isDocumentName(std::string_view s)
    {
        if (s.empty() || !((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= '0' && s[0] <= '9')))
            return false;
        for (char c : s)
            if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'))
                return false;
        return true;
    }

    static std::string suggestName(std::string_view s)
    {
        std::string out;
        for (char c : s) {
            if (c >= 'A' && c <= 'Z')
                out += static_cast<char>(c - 'A' + 'a');
            else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')
                out += c;
            else if (!out.empty() && out.back() != '-')
                out += '-';
        }
        while (!out.empty() && out.back() == '-')
            out.pop_back();
        while (!out.empty() && out.front() == '-')
            out.erase(out.begin());
        return isDocumentName(out) ? out : std::string();
    }

    void loadSandbox(const Node &n, SandboxConfig &s)
    {
        mapping(n, Section::Sandbox, s.loc, [&](std::string_view key, const Node &v) {
            if (key == "isolation") {
                if (auto e = r.enumeration(v, "isolation", kIsolation))
                    s.isolation = static_cast<Isolation>(*e);
            } else if (key == "max_memory_mb") {
                if (auto i = r.integer(v, "max_memory_mb", 1, 1 << 30))
                    s.maxMemoryMb = *i;
            } else if (key == "max_cpu_cores") {
                if (auto d = r.positiveNumber(v, "max_cpu_cores"))
                    s.maxCpuCores = *d;
            } else if (key == "max_execution_time_seconds") {
                if (auto i = r.integer(v, "max_execution_time_seconds", 1, 366LL * 86400))
                    s.maxExecutionTimeSeconds = *i;
            } else if (key == "max_processes") {
                if (auto i = r.integer(v, "max_processes", 1, 1 << 22))
                    s.maxProcesses = *i;
            } else if (key == "max_open_files") {
                if (auto i = r.integer(v, "max_open_files", 1, 1 << 20))
                    s.maxOpenFiles = *i;
            } else if (key == "allow_network") {
                if (auto b = r.boolean(v, "allow_network"))
                    s.allowNetwork = *b;
            } else if (key == "allow_filesystem") {
                if (auto b = r.boolean(v, "allow_filesystem"))
                    s.allowFilesystem = *b;
            } else if (key == "environment") {
                r.stringMap(v, "environment", [&](const Node &k, std::string value, const Node &) {
                    s.environment.emplace_back(k.scalar, std::move(value));
                });
            } else if (key == "cleanup_policy") {
                if (auto e = r.enumeration(v, "cleanup_policy", kCleanup))
                    s.cleanupPolicy = static_cast<CleanupPolicy>(*e);
            }
        });
    }

    void loadNetwork(const Node &n, NetworkGuardian &g)
    {
        mapping(n, Section::Network, g.loc, [&](std::string_view key, const Node &v) {
            if (key == "default_policy") {
                if (auto e = r.enumeration(v, "default_policy", kDefaultPolicy))
                    g.defaultPolicy = static_cast<DefaultPolicy>(*e);
            } else if (key == "rules") {
                r.sequence(v, "network.rules", [&](const Node &item) { loadEgressRule(item, g.rules.emplace_back()); });
            } else if (key == "block_private_ranges") {
                if (auto b = r.boolean(v, "block_private_ranges"))
                    g.blockPrivateRanges = *b;
            } else if (key == "dns_filtering") {
                if (auto b = r.boolean(v, "dns_filtering"))
                    g.dnsFiltering = *b;
            } else if (key == "allowed_dns_servers") {
                r.sequence(v, "allowed_dns_servers", [&](const Node &item) {
                    if (auto s = r.string(item, "allowed_dns_servers entry"))
                        g.allowedDnsServers.push_back(*s);
                });
            } else if (key == "hosts") {
                r.stringMap(v, "hosts", [&](const Node &k, std::string value, const Node &) {
                    g.hosts.emplace_back(k.scalar, std::move(value));
                });
            } else if (key == "regions") {
                if (v.kind != NodeKind::Map) {
                    r.typeError(v, "regions", "a mapping of region name to a list of hosts or CIDRs");
                    return;
                }
                for (std::size_t i = 0; i + 1 < v.children.size(); i += 2) {
                    const Node &k = r.tree().node(v.children[i]);
                    auto &region = g.regions.emplace_back(k.scalar, std::vector<std::string>{});
                    r.sequence(r.tree().node(v.children[i + 1]), "regions." + k.scalar, [&](const Node &item) {
                        if (auto s = r.string(item, "region entry"))
                            region.second.push_back(*s);
                    });
                }
            }
        });
    }

    void loadEgressRule(const Node &n, EgressRule &e)
    {
        mapping(n, Section::EgressRule, e.loc, [&](std::string_view key, const Node &v) {
            if (key == "tool") {
                if (auto s = r.string(v, "tool"))
                    e.tool = *s;
            } else if (key == "allowed_hosts") {
                r.sequence(v, "allowed_hosts", [&](const Node &item) {
                    if (auto s = r.string(item, "allowed_hosts entry")) {
                        e.allowedHosts.push_back(*s);
                        e.hostPos.push_back(item.pos);
                    }
                });
            } else if (key == "allowed_ports") {
                e.allowedPorts.clear();
                r.sequence(v, "allowed_ports", [&](const Node &item) {
                    if (auto i = r.integer(item, "port", 1, 65535, "E041"))
                        e.allowedPorts.push_back(static_cast<int>(*i));
                });
            } else if (key == "protocol") {
                if (auto p = r.enumeration(v, "protocol", kProtocol))
                    e.protocol = static_cast<Protocol>(*p);
            } else if (key == "tls_required") {
                e.tlsRequiredSet = r.boolean(v, "tls_required");
            } else if (key == "max_request_size_kb") {
                e.maxRequestSizeKb = r.positiveNumber(v, "max_request_size_kb");
            } else if (key == "max_response_size_mb") {
                e.maxResponseSizeMb = r.positiveNumber(v, "max_response_size_mb");
            } else if (key == "methods") {
                r.sequence(v, "methods", [&](const Node &item) {
                    if (auto s = r.string(item, "methods entry")) {
                        e.methods.push_back(*s);
                        e.methodPos.push_back(item.pos);
                    }
                });
            } else if (key == "paths") {
                r.sequence(v, "paths", [&](const Node &item) {
                    if (auto s = r.string(item, "paths entry")) {
                        e.paths.push_back(*s);
                        e.pathPos.push_back(item.pos);
                    }
                });
            } else if (key == "access") {
                if (auto a = r.enumeration(v, "access", kAccess))
                    e.access = static_cast<Access>(*a);
            } else if (key == "inspect") {
                e.inspectSet = r.boolean(v, "inspect");
            } else if (key == "ca_file") {
                e.caFile = r.string(v, "ca_file");
            } else if (key == "rate_limit") {
                if (auto s = r.string(v, "rate_limit")) {
                    e.rateLimit = RateLimit::parse(*s);
                    if (!e.rateLimit)
                        r.diag("E043", Severity::Error, v.pos,
                               "rate_limit '" + *s + "' must be N/second, N/minute, N/hour or N/day with N > 0");
                }
            }
        });
        if (n.kind == NodeKind::Map) {
            if (!e.loc.has("tool"))
                r.diag("E011", Severity::Error, n.pos, "egress rule is missing required key 'tool'");
            if (!e.loc.has("allowed_hosts"))
                r.diag("E011", Severity::Error, n.pos, "egress rule is missing required key 'allowed_hosts'");
        }
    }

    void loadFilesystem(const Node &n, FilesystemController &f)
    {
        mapping(n, Section::Filesystem, f.loc, [&](std::string_view key, const Node &v) {
            if (key == "workspace") {
                if (auto s = r.string(v, "workspace"))
                    f.workspace = *s;
            } else if (key == "rules") {
                r.sequence(v, "filesystem.rules", [&](const Node &item) { loadAccessRule(item, f.rules.emplace_back()); });
            } else if (key == "strict_path_validation") {
                if (auto b = r.boolean(v, "strict_path_validation"))
                    f.strictPathValidation = *b;
            } else if (key == "audit_all_operations") {
                if (auto b = r.boolean(v, "audit_all_operations"))
                    f.auditAllOperations = *b;
            }
        });
    }

    void loadAccessRule(const Node &n, AccessRule &a)
    {
        mapping(n, Section::AccessRule, a.loc, [&](std::string_view key, const Node &v) {
            if (key == "path") {
                if (auto s = r.string(v, "path"))
                    a.path = *s;
            } else if (key == "permissions") {
                if (auto p = r.enumeration(v, "permissions", kPermission))
                    a.permissions = static_cast<Permission>(*p);
            } else if (key == "source") {
                a.source = r.string(v, "source");
            } else if (key == "allowed_extensions") {
                auto &list = a.allowedExtensions.emplace();
                r.sequence(v, "allowed_extensions", [&](const Node &item) {
                    if (auto s = r.string(item, "extension"))
                        list.push_back(*s);
                });
            } else if (key == "max_file_size_mb") {
                a.maxFileSizeMb = r.positiveNumber(v, "max_file_size_mb");
            } else if (key == "max_total_size_mb") {
                a.maxTotalSizeMb = r.positiveNumber(v, "max_total_size_mb");
            } else if (key == "block_symlinks") {
                if (auto b = r.boolean(v, "block_symlinks"))
                    a.blockSymlinks = *b;
            }
        });
        if (n.kind == NodeKind::Map) {
            if (!a.loc.has("path"))
                r.diag("E011", Severity::Error, n.pos, "access rule is missing required key 'path'");
            if (!a.loc.has("permissions"))
                r.diag("E011", Severity::Error, n.pos,
                       "access rule is missing required key 'permissions' (read, write or read-write)");
        }
    }

    void loadPolicy(const Node &n, Policy &p)
    {
        mapping(n, Section::Policy, p.loc, [&](std::string_view key, const Node &v) {
            if (key == "name") {
                if (auto s = r.string(v, "name"))
                    p.name = *s;
            } else if (key == "trigger") {
                if (auto t = r.enumeration(v, "trigger", kTrigger))
                    p.trigger = static_cast<Trigger>(*t);
            } else if (key == "condition") {
                if (v.kind == NodeKind::Scalar) {
                    p.condition = v.scalar;
                    p.conditionOffset = v.offset;
                    p.conditionStyle = static_cast<std::uint8_t>(v.style);
                } else {
                    r.typeError(v, "condition", "an expression string");
                }
            } else if (key == "action") {
                loadAction(v, p);
            } else if (key == "message") {
                if (auto s = r.string(v, "message"))
                    p.message = *s;
            } else if (key == "log_level") {
                if (auto l = r.enumeration(v, "log_level", kLogLevel))
                    p.logLevel = static_cast<LogLevel>(*l);
            } else if (key == "pii_types") {
                auto &list = p.piiTypes.emplace();
                r.sequence(v, "pii_types", [&](const Node &item) {
                    if (auto s = r.string(item, "PII type"))
                        list.push_back(*s);
                });
            } else if (key == "escalation") {
                if (auto s = r.string(v, "escalation"))
                    p.escalation = *s;
            } else if (key == "delay_seconds") {
                p.delaySeconds = r.number(v, "delay_seconds", 0.0, 86400.0);
            }
        });
        if (n.kind != NodeKind::Map)
            return;
        for (auto required : {"name", "trigger", "condition", "action"})
            if (!p.loc.has(required))
                r.diag("E011", Severity::Error, n.pos,
                       "policy" + (p.name.empty() ? std::string() : " '" + p.name + "'")
                           + " is missing required key '" + required + "'");
    }

    void loadAction(const Node &v, Policy &p)
    {
        if (v.kind != NodeKind::Scalar) {
            r.typeError(v, "action", "one of allow, log, block, redact, throttle, escalate");
            return;
        }
        p.actionText = v.scalar;
        std::string_view text = v.scalar;
        if (text.substr(0, 13) == "PolicyAction.")
            text.remove_prefix(13);
        const std::string lower = toLowerAscii(text);
        for (std::size_t i = 0; i < std::size(kAction); ++i) {
            if (kAction[i] == lower) {
                p.action = static_cast<Action>(i);
                return;
            }
        }
        r.badEnum(v, "action", kAction);
    }

    void loadTool(const Node &n, ToolSpec &t)
    {
        mapping(n, Section::Tool, t.loc, [&](std::string_view key, const Node &v) {
            if (key == "name") {
                if (auto s = r.string(v, "name"))
                    t.name = *s;
            } else if (key == "description") {
                if (auto s = r.string(v, "description"))
                    t.description = *s;
            } else if (key == "command") {
                t.command = r.command(v, "command");
            } else if (key == "mcp") {
                t.mcp = r.command(v, "mcp");
            } else if (key == "timeout_seconds") {
                if (auto d = r.positiveNumber(v, "timeout_seconds"))
                    t.timeoutSeconds = *d;
            } else if (key == "cost_per_call") {
                if (auto d = r.number(v, "cost_per_call", 0.0, 1e9))
                    t.costPerCall = *d;
            } else if (key == "pool") {
                if (auto i = r.integer(v, "pool", 0, ToolSpec::kMaxPool))
                    t.pool = static_cast<int>(*i);
            } else if (key == "prestart") {
                if (auto b = r.boolean(v, "prestart"))
                    t.prestart = *b;
            } else if (key == "guard") {
                if (auto b = r.boolean(v, "guard"))
                    t.guard = *b;
            }
        });
        if (n.kind == NodeKind::Map) {
            if (!t.loc.has("name"))
                r.diag("E011", Severity::Error, n.pos, "tool is missing required key 'name'");
            const std::string which = "tool" + (t.name.empty() ? std::string() : " '" + t.name + "'");
            if (t.guard && (t.loc.has("command") || t.loc.has("mcp")))
                r.diag("E017", Severity::Error, t.loc.keyPos("guard"),
                       which + " is a guarded function (guard: true), which the SDK runs in its own process; it has no 'command' or 'mcp'");
            else if (!t.guard && !t.loc.has("command") && !t.loc.has("mcp"))
                r.diag("E011", Severity::Error, n.pos,
                       which + " is missing required key 'command' (or 'mcp', for an MCP server, or 'guard: true', for a function the SDK runs)");
            if (t.loc.has("command") && t.loc.has("mcp"))
                r.diag("E017", Severity::Error, t.loc.keyPos("mcp"),
                       which + " has both 'command' and 'mcp'; a tool runs a command or an MCP server, not both");
        }
    }

    void loadAgent(const Node &n, AgentSpec &a)
    {
        mapping(n, Section::Agent, a.loc, [&](std::string_view key, const Node &v) {
            if (key == "command")
                a.command = r.command(v, "command");
            else if (key == "description") {
                if (auto s = r.string(v, "description"))
                    a.description = *s;
            } else if (key == "name") {
                if (auto s = r.string(v, "name")) {
                    if (PolicyDocument::isAgentName(*s))
                        a.name = *s;
                    else
                        r.diag("E016", Severity::Error, v.pos,
                               "agent name '" + s->substr(0, 80) + "' must match [a-z0-9][a-z0-9_-]* (at most 64 characters)",
                               suggestName(s->substr(0, 64)));
                }
            }
        });
        if (n.kind == NodeKind::Map && !a.loc.has("command") && !a.loc.has("name"))
            r.diag("E011", Severity::Error, n.pos, "agent is missing required key 'command' (or 'name', for an agent that is a client of the service)");
    }

    YamlReader r;
};

} // namespace

LoadResult PolicyLoader::loadText(std::string_view text, const std::string &fileName)
{
    LoadResult res;
    res.tree = std::make_shared<yaml::Document>();
    if (!res.tree->parse(text, fileName, res.diagnostics))
        return res;
    if (res.tree->root().kind != NodeKind::Map) {
        res.diagnostics.push_back({"E007", Severity::Error, fileName, res.tree->root().pos, {},
                                   "a policy document must be a mapping (version:, name:, ...)", {}});
        return res;
    }
    res.document = std::make_shared<PolicyDocument>();
    res.document->file = fileName;
    Loader(*res.tree, fileName, res.diagnostics).load(*res.document);
    return res;
}

LoadResult PolicyLoader::loadFile(const std::string &path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        LoadResult res;
        res.diagnostics.push_back({"E000", Severity::Error, path, {1, 1}, {}, "cannot open file", {}});
        return res;
    }
    std::ostringstream ss;
    ss << in.rdbuf();
    return loadText(ss.str(), path);
}

} // namespace osh
