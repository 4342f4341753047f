#include "policyvalidator.h"

#include "condition/condition.h"
#include "model/isolationlimits.h"
#include "model/scalarmap.h"
#include "pii/piitype.h"
#include "util/netaddr.h"
#include "util/httppath.h"
#include "util/strings.h"

#include <QDir>
#include <QFileInfo>
#include <QStandardPaths>
#include <QString>

#include <algorithm>
#include <charconv>
#include <map>
#include <optional>
#include <set>

namespace osh {

namespace {

// What gVisor's own kernel (sentry and gofer) takes of a session's memory
// limit (measured with a 128 MB limit: python3 could fill 108 MB under
// gVisor and 123 MB in a container; gVisor does not start at 12 MB). Below
// kGvisorSmallMemoryMb that share is worth a warning.
constexpr std::int64_t kGvisorOwnMemoryMb = 14;
constexpr std::int64_t kGvisorSmallMemoryMb = 32;

std::string shortest(double v)
{
    char buf[32];
    const auto r = std::to_chars(buf, buf + sizeof buf, v);
    return std::string(buf, r.ptr);
}

// Why a policy whose condition needs one of pins can never fire after one
// whose whole condition is earlier (it matches every request whose variable
// is one of its keys, without fail): empty when it can.
// When every value that a later policy's condition limits var to is one
// the earlier policy's whole condition matches, the values (as JSON).
std::optional<std::vector<std::string>> coveredByPin(const cond::IndexPin &earlier, const std::vector<cond::IndexPin> &pins,
                                                     Var &var)
{
    for (const auto &pin : pins) {
        if (pin.var != earlier.var)
            continue;
        const bool covered = std::all_of(pin.keys.begin(), pin.keys.end(), [&](const Value &k) {
            return std::find(earlier.keys.begin(), earlier.keys.end(), k) != earlier.keys.end();
        });
        if (!covered)
            continue;
        std::vector<std::string> values;
        for (const auto &k : pin.keys)
            values.push_back(k.toJson());
        var = pin.var;
        return values;
    }
    return std::nullopt;
}

// W065's reason, in the validator's words.
std::string shadowReason(const Shadowing &s)
{
    switch (s.reason) {
    case Shadowing::Reason::AlwaysMatches: return "has the same trigger and always matches";
    case Shadowing::Reason::SameCondition: return "has the same trigger and the same condition";
    case Shadowing::Reason::CoversValues: break;
    }
    std::string keys;
    for (const auto &v : s.values)
        keys += (keys.empty() ? "" : ", ") + v;
    return "has the same trigger and matches every request whose " + s.variable
        + (s.values.size() == 1 ? " is " : " is one of ") + (keys.empty() ? "[]" : keys);
}

class Validator
{
public:
    Validator(const PolicyDocument &doc, const yaml::Document *tree, const ValidationOptions &opt, Diagnostics &out,
              std::vector<Shadowing> *shadowings = nullptr)
        : m_doc(doc), m_tree(tree), m_opt(opt), m_out(out), m_shadowings(shadowings)
    {
    }

    void run()
    {
        sandbox();
        network();
        filesystem();
        tools();
        policies();
    }

    // Names, triggers, conditions and the order of the policies (E060..W068, W065).
    void policiesOnly() { policies(); }

private:
    void diag(const char *code, Severity sev, SourcePos pos, std::string msg, std::string suggestion = {})
    {
        m_out.push_back({code, sev, m_doc.file, pos, {}, std::move(msg), std::move(suggestion)});
    }

    bool declaredTool(std::string_view name) const { return m_doc.findTool(name) != nullptr; }

    // ---- sandbox -------------------------------------------------------
    static bool isEnvName(std::string_view s)
    {
        if (s.empty() || (s[0] >= '0' && s[0] <= '9'))
            return false;
        return std::all_of(s.begin(), s.end(), [](char c) {
            return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
        });
    }

    static bool looksSecret(std::string_view name)
    {
        const std::string u = [&] {
            std::string s(name);
            for (auto &c : s)
                if (c >= 'a' && c <= 'z')
                    c = static_cast<char>(c - 'a' + 'A');
            return s;
        }();
        auto ends = [&](std::string_view suf) { return u.size() >= suf.size() && u.compare(u.size() - suf.size(), suf.size(), suf) == 0; };
        return ends("_TOKEN") || ends("_KEY") || ends("_SECRET") || u.find("PASSWORD") != std::string::npos
            || u.find("PASSWD") != std::string::npos || u.find("SECRET") != std::string::npos
            || u == "TOKEN" || u == "API_KEY" || ends("_CREDENTIALS") || ends("_PAT");
    }

    void sandbox()
    {
        const auto &s = m_doc.sandbox;
        for (const auto &[name, value] : s.environment) {
            (void)value;
            const SourcePos pos = envKeyPos(name);
            if (!isEnvName(name))
                diag("E030", Severity::Error, pos,
                     "environment name '" + name + "' is not a valid variable name ([A-Za-z_][A-Za-z0-9_]*)");
            else if (looksSecret(name))
                diag("W031", Severity::Warning, pos,
                     "environment variable '" + name
                         + "' looks like a secret; policy files are not secret stores and the value is visible to "
                           "the agent and in the audit log");
        }
        enforcement(s);
        if (!s.allowNetwork && !m_doc.network.rules.empty())
            diag("I033", Severity::Info, s.loc.valuePos("allow_network"),
                 "allow_network is false: every egress is refused and the network rules never apply");
        if (!s.allowFilesystem && !m_doc.filesystem.rules.empty())
            diag("I034", Severity::Info, s.loc.valuePos("allow_filesystem"),
                 "allow_filesystem is false: only an empty private workspace exists and the filesystem rules never apply");
    }

    // Limits and modes that cannot be enforced as written in the chosen
    // isolation mode (docs/sandbox.md, "Limits").
    void enforcement(const SandboxConfig &s)
    {
        if (s.isolation == Isolation::Firecracker && m_opt.checkHostBinaries
            && QStandardPaths::findExecutable(QStringLiteral("qemu-system-x86_64")).isEmpty())
            diag("W032", Severity::Warning, s.loc.valuePos("isolation"),
                 "isolation 'firecracker' (a microVM) needs QEMU (qemu-system-x86_64, Debian package qemu-system-x86) "
                 "on this machine, and there is none; sessions will fail to start",
                 "gvisor");
        // The kernel's smallest CFS quota is 1 ms per period, and the
        // period is 100 ms.
        if (s.maxCpuCores > 0 && s.maxCpuCores * 100000 < 999.5)
            diag("W035", Severity::Warning, s.loc.valuePos("max_cpu_cores"),
                 "max_cpu_cores " + shortest(s.maxCpuCores)
                     + " is below the smallest CPU quota the kernel enforces (0.01 cores: 1 ms per 100 ms period); "
                       "sessions will fail to start",
                 "0.01");
        if (s.isolation == Isolation::Gvisor && s.maxMemoryMb < kGvisorSmallMemoryMb)
            diag("W036", Severity::Warning, s.loc.valuePos("max_memory_mb"),
                 "with isolation 'gvisor', max_memory_mb also holds gVisor's own kernel (about "
                     + std::to_string(kGvisorOwnMemoryMb) + " MB): "
                     + (s.maxMemoryMb <= kGvisorOwnMemoryMb ? std::string("the sandbox cannot start")
                                                            : "the agent gets about "
                                                                  + std::to_string(s.maxMemoryMb - kGvisorOwnMemoryMb) + " MB")
                     + "; raise the limit or use 'container'",
                 std::to_string(kGvisorSmallMemoryMb));
        if (s.isolation == Isolation::Firecracker && s.maxMemoryMb < kMicroVmMinMemoryMb)
            diag("W037", Severity::Warning, s.loc.valuePos("max_memory_mb"),
                 "with isolation 'firecracker', max_memory_mb is the microVM's whole memory, its guest kernel "
                 "included; below " + std::to_string(kMicroVmMinMemoryMb) + " MB the guest does not boot and "
                 "sessions fail to start",
                 std::to_string(kMicroVmMinMemoryMb));
    }

    SourcePos envKeyPos(const std::string &name) const
    {
        // Environment keys are not in Locations (they are data); find them in the tree.
        if (!m_tree || !m_doc.sandbox.loc.has("environment"))
            return m_doc.sandbox.loc.valuePos("environment");
        const auto target = m_doc.sandbox.loc.valuePos("environment");
        for (std::size_t i = 0; i < m_tree->nodeCount(); ++i) {
            const auto &n = m_tree->node(static_cast<std::uint32_t>(i));
            if (n.kind == yaml::NodeKind::Map && n.pos == target)
                for (std::size_t k = 0; k + 1 < n.children.size(); k += 2)
                    if (m_tree->node(n.children[k]).scalar == name)
                        return m_tree->node(n.children[k]).pos;
        }
        return target;
    }

    // ---- network -------------------------------------------------------
    void hostPattern(const std::string &h, SourcePos pos)
    {
        if (h == "*") {
            diag("W044", Severity::Warning, pos,
                 "allowed_hosts '*' lets this tool reach any host; name the hosts it needs");
            return;
        }
        if (net::parseIp(h) || net::Cidr::parse(h))
            return;
        std::string_view name = h;
        if (name.substr(0, 2) == "*.") {
            name.remove_prefix(2);
            if (name.find('.') == std::string_view::npos) {
                diag("W044", Severity::Warning, pos,
                     "'" + h + "' matches every host under the top-level domain '" + std::string(name) + "'");
                return;
            }
        }
        if (name.find('*') != std::string_view::npos) {
            diag("E040", Severity::Error, pos,
                 "invalid host pattern '" + h + "': a wildcard may only be a whole leading label ('*.example.com')");
            return;
        }
        if (name.find(':') != std::string_view::npos || name.find('/') != std::string_view::npos) {
            diag("E040", Severity::Error, pos,
                 "invalid host '" + h + "': write the host name only (ports go in allowed_ports, no scheme or path)");
            return;
        }
        if (!net::isValidHostName(name))
            diag("E040", Severity::Error, pos, "invalid host name '" + h + "'");
    }

    // methods, paths, access, inspect and ca_file: what an inspected rule
    // checks in each HTTP request (docs/network-guardian.md).
    void httpRules(const EgressRule &r)
    {
        const bool http = r.protocol == Protocol::Https || r.protocol == Protocol::Http;
        if (r.inspectSet && !http)
            diag("E093", Severity::Error, r.loc.keyPos("inspect"),
                 "inspect applies to http and https rules; a " + std::string(protocolName(r.protocol))
                     + " connection is never read");
        for (const char *key : {"methods", "paths", "access"}) {
            if (!r.loc.has(key) || r.inspected())
                continue;
            diag("E093", Severity::Error, r.loc.keyPos(key),
                 std::string(key) + " needs the guardian to read each request, which this rule does not ("
                     + (http ? std::string("inspect: false") : "protocol " + std::string(protocolName(r.protocol)))
                     + ")");
        }
        if (r.access && !r.methods.empty())
            diag("E091", Severity::Error, r.loc.keyPos("access"),
                 "access and methods both say which methods are allowed; keep one");
        for (std::size_t i = 0; i < r.methods.size(); ++i) {
            const std::string &m = r.methods[i];
            const SourcePos pos = i < r.methodPos.size() ? r.methodPos[i] : r.loc.valuePos("methods");
            const bool token = !m.empty() && std::all_of(m.begin(), m.end(), [](char c) {
                return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
            });
            const std::string upper = [&] {
                std::string u = m;
                for (char &c : u)
                    c = (c >= 'a' && c <= 'z') ? static_cast<char>(c - 32) : c;
                return u;
            }();
            if (!token)
                diag("E090", Severity::Error, pos, "'" + m + "' is not an HTTP method");
            else if (upper != m)
                diag("E090", Severity::Error, pos, "HTTP methods are case-sensitive and upper-case: '" + upper + "'",
                     upper);
            else if (m == "CONNECT")
                diag("E090", Severity::Error, pos, "CONNECT is how a tunnel opens, not a request an origin serves");
        }
        for (std::size_t i = 0; i < r.paths.size(); ++i) {
            std::string why;
            if (!http::isValidPathGlob(r.paths[i], &why))
                diag("E092", Severity::Error, i < r.pathPos.size() ? r.pathPos[i] : r.loc.valuePos("paths"),
                     "paths entry '" + r.paths[i] + "' " + why);
        }
        if (r.loc.has("paths") && r.paths.empty())
            diag("E092", Severity::Error, r.loc.valuePos("paths"), "paths is empty: the rule allows nothing");
        if (r.loc.has("methods") && r.methods.empty())
            diag("E090", Severity::Error, r.loc.valuePos("methods"), "methods is empty: the rule allows nothing");
        if (r.caFile) {
            if (r.protocol != Protocol::Https || !r.inspected())
                diag("E094", Severity::Error, r.loc.keyPos("ca_file"),
                     "ca_file is the trust for an inspected https rule's origin; this rule opens no TLS of its own");
            else if (r.caFile->empty())
                diag("E094", Severity::Error, r.loc.valuePos("ca_file"), "ca_file is empty");
        }
    }

    void network()
    {
        const auto &n = m_doc.network;
        if (n.defaultPolicy == DefaultPolicy::AllowAll)
            diag("W045", Severity::Warning, n.loc.valuePos("default_policy"),
                 "default_policy allow-all lets every tool reach any host no rule names; prefer deny-all",
                 "deny-all");
        std::map<std::string, SourcePos> seenRules;
        for (const auto &r : n.rules) {
            const SourcePos toolPos = r.loc.valuePos("tool");
            if (!r.tool.empty() && r.tool != "agent" && r.tool != "*" && !m_doc.tools.empty() && !declaredTool(r.tool)) {
                std::vector<std::string_view> names;
                for (const auto &t : m_doc.tools)
                    names.push_back(t.name);
                const auto s = closestMatch(r.tool, names);
                diag("W046", Severity::Warning, toolPos,
                     "egress rule for tool '" + r.tool + "', which is not declared under tools:"
                         + (s.empty() ? "" : " did you mean '" + s + "'?"),
                     s);
            }
            for (std::size_t i = 0; i < r.allowedHosts.size(); ++i)
                hostPattern(r.allowedHosts[i], i < r.hostPos.size() ? r.hostPos[i] : r.loc.pos);
            if (r.loc.has("allowed_hosts") && r.allowedHosts.empty())
                diag("E040", Severity::Error, r.loc.valuePos("allowed_hosts"),
                     "allowed_hosts is empty: the rule allows nothing");
            if (r.loc.has("allowed_ports") && r.allowedPorts.empty())
                diag("E041", Severity::Error, r.loc.valuePos("allowed_ports"),
                     "allowed_ports is empty: the rule allows nothing");
            if (r.protocol == Protocol::Https && r.tlsRequiredSet && !*r.tlsRequiredSet)
                diag("E042", Severity::Error, r.loc.valuePos("tls_required"),
                     "protocol https always requires TLS; tls_required: false contradicts it (use protocol: http for "
                     "plain HTTP)",
                     "true");
            if (r.protocol == Protocol::Http && r.tlsRequiredSet && *r.tlsRequiredSet)
                diag("E047", Severity::Error, r.loc.valuePos("tls_required"),
                     "protocol http is plain text and cannot require TLS; use protocol: https", "https");
            httpRules(r);
            std::string key = r.tool + "|" + std::string(protocolName(r.protocol));
            for (const auto &h : r.allowedHosts)
                key += "|" + h;
            for (int p : r.allowedPorts)
                key += "|" + std::to_string(p);
            for (const auto &m : r.allowedMethods())
                key += "|m:" + m;
            for (const auto &p : r.paths)
                key += "|p:" + p;
            if (auto [it, fresh] = seenRules.emplace(key, r.loc.pos); !fresh)
                diag("W050", Severity::Warning, r.loc.pos,
                     "duplicate egress rule (same tool, hosts, ports and protocol as line "
                         + std::to_string(it->second.line) + ")");
        }
        for (const auto &s : n.allowedDnsServers)
            if (!net::parseIp(s))
                diag("E048", Severity::Error, n.loc.valuePos("allowed_dns_servers"),
                     "allowed_dns_servers entry '" + s + "' is not an IP address");
        for (const auto &[name, ip] : n.hosts) {
            if (!net::parseIp(ip))
                diag("E048", Severity::Error, n.loc.valuePos("hosts"),
                     "hosts entry '" + name + "' maps to '" + ip + "', which is not an IP address");
            if (!net::isValidHostName(name))
                diag("E040", Severity::Error, n.loc.valuePos("hosts"), "hosts entry '" + name + "' is not a host name");
        }
        for (const auto &[region, entries] : n.regions)
            for (const auto &e : entries) {
                std::string_view host = e;
                if (host.substr(0, 2) == "*.")
                    host.remove_prefix(2);
                if (!net::Cidr::parse(e) && !net::parseIp(e) && !net::isValidHostName(host))
                    diag("E049", Severity::Error, n.loc.valuePos("regions"),
                         "region '" + region + "' entry '" + e + "' is neither a host pattern nor a CIDR");
            }
    }

    // ---- filesystem ----------------------------------------------------
    static bool normalizedAbsolute(std::string_view p)
    {
        if (p.empty() || p[0] != '/')
            return false;
        std::size_t i = 0;
        while (i < p.size()) {
            const auto j = p.find('/', i + 1);
            const auto comp = p.substr(i + 1, (j == std::string_view::npos ? p.size() : j) - i - 1);
            if (comp == "." || comp == ".." || (comp.empty() && j != std::string_view::npos))
                return false;
            if (j == std::string_view::npos)
                break;
            i = j;
        }
        return true;
    }

    void pathValue(const std::string &p, SourcePos pos, const char *what)
    {
        if (p.find('\0') != std::string::npos || !normalizedAbsolute(p) || (p.size() > 1 && p.back() == '/')) {
            std::string fixed = p.empty() || p[0] != '/' ? "/" + p : p;
            const auto q = QDir::cleanPath(QString::fromStdString(fixed)).toStdString();
            diag("E052", Severity::Error, pos,
                 std::string(what) + " '" + p + "' must be an absolute, normalised path (no '.', '..' or '//')",
                 q != p ? q : std::string());
        }
    }

    static bool covers(std::string_view rule, std::string_view path)
    {
        if (rule == "/")
            return true;
        return path.size() >= rule.size() && path.compare(0, rule.size(), rule) == 0
            && (path.size() == rule.size() || path[rule.size()] == '/');
    }

    void filesystem()
    {
        const auto &f = m_doc.filesystem;
        pathValue(f.workspace, f.loc.valuePos("workspace"), "workspace");
        std::map<std::string, SourcePos> seen;
        bool workspaceCovered = false;
        for (const auto &r : f.rules) {
            if (!r.loc.has("path"))
                continue;
            pathValue(r.path, r.loc.valuePos("path"), "path");
            if (auto [it, fresh] = seen.emplace(r.path, r.loc.pos); !fresh)
                diag("W054", Severity::Warning, r.loc.valuePos("path"),
                     "another rule for '" + r.path + "' is at line " + std::to_string(it->second.line)
                         + "; only the first is used");
            if (covers(r.path, f.workspace))
                workspaceCovered = true;
            if (r.allowedExtensions)
                for (const auto &e : *r.allowedExtensions)
                    if (e.size() < 2 || e[0] != '.' || e.find('/') != std::string::npos
                        || e.find('.', 1) != std::string::npos)
                        diag("E053", Severity::Error, r.loc.valuePos("allowed_extensions"),
                             "extension '" + e + "' must look like '.txt' (a dot and the last extension only)",
                             e.empty() || e[0] == '.' ? std::string() : "." + e);
            if (r.source && m_opt.checkFiles && !baseDir().isEmpty()) {
                const QFileInfo fi(QDir(baseDir()).filePath(QString::fromStdString(*r.source)));
                if (!fi.isDir())
                    diag("W056", Severity::Warning, r.loc.valuePos("source"),
                         "source folder '" + *r.source + "' does not exist (relative to the policy file)");
            }
        }
        if (!workspaceCovered && f.loc.pos.valid() && !f.rules.empty())
            diag("I055", Severity::Info, f.loc.valuePos("workspace"),
                 "no rule covers the workspace '" + f.workspace + "'; it is read-write with no limits");
    }

    QString baseDir() const
    {
        if (!m_opt.baseDir.empty())
            return QString::fromStdString(m_opt.baseDir);
        if (m_doc.file.empty() || m_doc.file == "-")
            return {};
        return QFileInfo(QString::fromStdString(m_doc.file)).absolutePath();
    }

    // ---- tools ---------------------------------------------------------
    void tools()
    {
        std::map<std::string, SourcePos> seen;
        for (const auto &t : m_doc.tools) {
            const SourcePos pos = t.loc.valuePos("name");
            if (t.name == "agent" || t.name == "*") {
                diag("E084", Severity::Error, pos, "'" + t.name + "' is reserved for egress rules and cannot name a tool");
                continue;
            }
            const bool ok = !t.name.empty() && t.name[0] >= 'a' && t.name[0] <= 'z'
                && std::all_of(t.name.begin(), t.name.end(),
                               [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'; });
            if (!ok && t.loc.has("name")) {
                std::string s = toLowerAscii(t.name);
                std::replace(s.begin(), s.end(), '-', '_');
                diag("E080", Severity::Error, pos, "tool name '" + t.name + "' must match [a-z][a-z0-9_]*", s);
            }
            if (auto [it, fresh] = seen.emplace(t.name, pos); !fresh)
                diag("E081", Severity::Error, pos,
                     "tool '" + t.name + "' is already declared at line " + std::to_string(it->second.line));
            if (m_opt.checkFiles && !baseDir().isEmpty())
                for (std::size_t i = 1; i < t.command.size(); ++i) {
                    const auto &arg = t.command[i];
                    if (arg.empty() || arg[0] == '-' || arg[0] == '/' || arg.find('/') == std::string::npos)
                        continue;
                    if (!QFileInfo::exists(QDir(baseDir()).filePath(QString::fromStdString(arg))))
                        diag("W083", Severity::Warning, t.loc.valuePos("command"),
                             "tool '" + t.name + "': '" + arg + "' does not exist (relative to the policy file)");
                }
        }
    }

    // ---- policies ------------------------------------------------------
    SourcePos conditionPos(const Policy &p, int byteOffset) const
    {
        if (!m_tree || !p.loc.has("condition"))
            return p.loc.valuePos("condition");
        const auto off = yaml::sourceOffsetInScalar(m_tree->source(), p.conditionOffset,
                                                    static_cast<yaml::ScalarStyle>(p.conditionStyle), p.condition,
                                                    static_cast<std::size_t>(std::max(0, byteOffset)));
        return m_tree->positionOf(off);
    }

    // A network_egress policy reading an inspected request's variables sees
    // null on connections no request of which is read.
    void contentOfUninspected(const Policy &p, const std::vector<Var> &vars)
    {
        const auto it = std::find_if(vars.begin(), vars.end(), [](Var v) { return isContentVar(v); });
        if (it == vars.end())
            return;
        std::string rules;
        for (std::size_t i = 0; i < m_doc.network.rules.size(); ++i)
            if (m_doc.network.rules[i].inspectSet == false)
                rules += (rules.empty() ? "" : ", ") + std::to_string(i);
        if (rules.empty())
            return;
        diag("W095", Severity::Warning, conditionPos(p, 0),
             "policy '" + p.name + "' reads " + std::string(varInfo(*it).name)
                 + ", which is null on connections whose requests are not read (rule"
                 + (rules.find(',') == std::string::npos ? " " : "s ") + rules
                 + ": inspect: false); compare it with null to decide those");
    }

    void policies()
    {
        std::map<std::string, SourcePos> names;
        struct Seen
        {
            const Policy *policy;
            std::string canonical;
            bool alwaysTrue;
            std::optional<cond::IndexPin> pin; // the whole condition pins a variable
            // Decides whenever its condition is true or fails: a condition that
            // cannot fail, or block and escalate, which count an error as a
            // match (a failing redact, allow, log or throttle lets evaluation go on).
            bool stopsOnError;
        };
        std::array<std::vector<Seen>, kTriggerCount> byTrigger;

        for (const auto &p : m_doc.policies) {
            const SourcePos namePos = p.loc.valuePos("name");
            if (p.loc.has("name")) {
                if (auto [it, fresh] = names.emplace(p.name, namePos); !fresh)
                    diag("E060", Severity::Error, namePos,
                         "policy name '" + p.name + "' is already used at line " + std::to_string(it->second.line));
            }
            if (p.action == Action::Throttle && p.loc.has("action") && !p.delaySeconds && !p.loc.has("delay_seconds"))
                diag("E063", Severity::Error, p.loc.valuePos("action"),
                     "action throttle needs delay_seconds (how long to hold the action)");
            if (p.delaySeconds && p.action != Action::Throttle)
                diag("W064", Severity::Warning, p.loc.keyPos("delay_seconds"),
                     "delay_seconds only applies to action throttle; it is ignored here");
            if (p.action == Action::Redact && p.loc.has("action")
                && (p.trigger == Trigger::NetworkEgress || p.trigger == Trigger::FileAccess))
                diag("W061", Severity::Warning, p.loc.valuePos("action"),
                     "a " + std::string(triggerName(p.trigger))
                         + " request has no text to redact: when this policy matches, the action is blocked");
            if (!p.escalation.empty() && p.action != Action::Escalate && p.action != Action::Block)
                diag("W067", Severity::Warning, p.loc.keyPos("escalation"),
                     "escalation only applies to escalate and block; it is ignored with action "
                         + std::string(actionName(p.action)));
            if ((p.action == Action::Block || p.action == Action::Escalate) && p.message.empty() && p.loc.has("action"))
                diag("I069", Severity::Info, p.loc.valuePos("action"),
                     "no message: the agent and the audit log get a generic reason for this "
                         + std::string(actionName(p.action)));

            pii::PiiTypeSet piiSet = pii::PiiTypeSet::all();
            if (p.piiTypes) {
                piiSet = pii::PiiTypeSet();
                for (const auto &t : *p.piiTypes) {
                    if (auto ty = pii::typeFromName(t)) {
                        piiSet.add(*ty);
                    } else {
                        const auto s = closestMatch(t, pii::allTypeNames());
                        diag("E066", Severity::Error, p.loc.valuePos("pii_types"),
                             "unknown PII type '" + t + "'" + (s.empty() ? "" : "; did you mean '" + s + "'?"), s);
                    }
                }
            }
            if (!p.loc.has("condition"))
                continue;

            std::vector<cond::ConditionDiagnostic> cd;
            const auto c = cond::Condition::compile(p.condition, p.trigger, piiSet, cd);
            for (const auto &d : cd) {
                Diagnostic out{d.code, d.severity, m_doc.file, conditionPos(p, d.range.begin),
                               conditionPos(p, d.range.end), "policy '" + p.name + "': " + d.message, d.suggestion};
                m_out.push_back(std::move(out));
            }
            if (!c.isValid())
                continue;
            if (p.trigger == Trigger::NetworkEgress)
                contentOfUninspected(p, c.variables());
            const auto constant = c.constantValue();
            if (constant && !*constant)
                diag("W068", Severity::Warning, conditionPos(p, 0),
                     "policy '" + p.name + "': the condition is always false; the policy never fires");

            auto &earlier = byTrigger[static_cast<std::size_t>(p.trigger)];
            for (const auto &e : earlier) {
                Shadowing s{p.name, e.policy->name, e.policy->loc.pos.line, Shadowing::Reason::AlwaysMatches, {}, {}, namePos};
                bool shadowed = true;
                Var var = Var::ToolName;
                if (e.alwaysTrue) {
                    s.reason = Shadowing::Reason::AlwaysMatches;
                } else if (e.canonical == c.canonical() && e.stopsOnError) {
                    s.reason = Shadowing::Reason::SameCondition;
                } else if (auto values = e.pin ? coveredByPin(*e.pin, c.indexPins(), var) : std::nullopt) {
                    s.reason = Shadowing::Reason::CoversValues;
                    s.variable = std::string(varInfo(var).name);
                    s.values = std::move(*values);
                } else {
                    shadowed = false;
                }
                if (shadowed) {
                    diag("W065", Severity::Warning, namePos,
                         "policy '" + p.name + "' can never fire: '" + e.policy->name + "' (line "
                             + std::to_string(e.policy->loc.pos.line) + ") " + shadowReason(s) + ", and the first match wins");
                    if (m_shadowings)
                        m_shadowings->push_back(std::move(s));
                    break;
                }
            }
            const cond::IndexPin *whole = c.wholePin();
            earlier.push_back({&p, c.canonical(), constant.value_or(false),
                               whole ? std::optional<cond::IndexPin>(*whole) : std::nullopt,
                               !c.canFail() || p.action == Action::Block || p.action == Action::Escalate});
        }
    }

    const PolicyDocument &m_doc;
    const yaml::Document *m_tree;
    const ValidationOptions &m_opt;
    Diagnostics &m_out;
    std::vector<Shadowing> *m_shadowings;
};

void sortDiagnostics(Diagnostics &d)
{
    std::stable_sort(d.begin(), d.end(), [](const Diagnostic &a, const Diagnostic &b) {
        if (a.begin.line != b.begin.line)
            return a.begin.line < b.begin.line;
        return a.begin.column < b.begin.column;
    });
}

} // namespace

void PolicyValidator::validate(const PolicyDocument &doc, const yaml::Document *tree,
                               const ValidationOptions &options, Diagnostics &out)
{
    Validator(doc, tree, options, out).run();
}

std::vector<Shadowing> PolicyValidator::shadowings(const PolicyDocument &doc)
{
    ValidationOptions options;
    options.checkFiles = false;
    options.checkHostBinaries = false;
    Diagnostics scratch;
    std::vector<Shadowing> out;
    Validator(doc, nullptr, options, scratch, &out).policiesOnly(); // the other sections say nothing of order
    return out;
}

LoadResult PolicyValidator::checkText(std::string_view text, const std::string &fileName,
                                      const ValidationOptions &options)
{
    auto res = PolicyLoader::loadText(text, fileName);
    if (res.document)
        validate(*res.document, res.tree.get(), options, res.diagnostics);
    sortDiagnostics(res.diagnostics);
    return res;
}

LoadResult PolicyValidator::checkFile(const std::string &path, ValidationOptions options)
{
    auto res = PolicyLoader::loadFile(path);
    if (res.document)
        validate(*res.document, res.tree.get(), options, res.diagnostics);
    sortDiagnostics(res.diagnostics);
    return res;
}

} // namespace osh
