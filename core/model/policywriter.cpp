#include "policywriter.h"

#include <yaml.h>

#include <charconv>
#include <cmath>
#include <stdexcept>

namespace osh {

namespace {

// A thin streaming wrapper over libyaml's emitter, which takes care of
// quoting and escaping. Strings that would read back as another type
// (null, booleans, numbers) are double-quoted.
class Emitter
{
public:
    Emitter()
    {
        yaml_emitter_initialize(&m_e);
        yaml_emitter_set_output(&m_e, &Emitter::write, this);
        yaml_emitter_set_unicode(&m_e, 1);
        yaml_emitter_set_width(&m_e, 4096);
        yaml_emitter_set_indent(&m_e, 2);
        yaml_event_t ev;
        yaml_stream_start_event_initialize(&ev, YAML_UTF8_ENCODING);
        send(ev);
        yaml_document_start_event_initialize(&ev, nullptr, nullptr, nullptr, 1);
        send(ev);
    }
    ~Emitter() { yaml_emitter_delete(&m_e); }

    std::string finish()
    {
        yaml_event_t ev;
        yaml_document_end_event_initialize(&ev, 1);
        send(ev);
        yaml_stream_end_event_initialize(&ev);
        send(ev);
        yaml_emitter_flush(&m_e);
        return m_out;
    }

    void beginMap(bool flow = false)
    {
        yaml_event_t ev;
        yaml_mapping_start_event_initialize(&ev, nullptr, nullptr, 1, flow ? YAML_FLOW_MAPPING_STYLE : YAML_BLOCK_MAPPING_STYLE);
        send(ev);
    }
    void endMap()
    {
        yaml_event_t ev;
        yaml_mapping_end_event_initialize(&ev);
        send(ev);
    }
    void beginSeq(bool flow = false)
    {
        yaml_event_t ev;
        yaml_sequence_start_event_initialize(&ev, nullptr, nullptr, 1, flow ? YAML_FLOW_SEQUENCE_STYLE : YAML_BLOCK_SEQUENCE_STYLE);
        send(ev);
    }
    void endSeq()
    {
        yaml_event_t ev;
        yaml_sequence_end_event_initialize(&ev);
        send(ev);
    }
    void text(std::string_view v, bool quoted = false)
    {
        scalar(v, quoted || readsAsOtherType(v) ? YAML_DOUBLE_QUOTED_SCALAR_STYLE : YAML_ANY_SCALAR_STYLE);
    }
    void plain(std::string_view v) { scalar(v, YAML_PLAIN_SCALAR_STYLE); }
    void number(double v)
    {
        char buf[32];
        const auto r = std::floor(v) == v && std::fabs(v) < 1e15
            ? std::to_chars(buf, buf + sizeof buf, static_cast<long long>(v))
            : std::to_chars(buf, buf + sizeof buf, v);
        plain(std::string_view(buf, static_cast<size_t>(r.ptr - buf)));
    }
    void integer(std::int64_t v) { plain(std::to_string(v)); }
    void boolean(bool b) { plain(b ? "true" : "false"); }

private:
    static bool readsAsOtherType(std::string_view v)
    {
        if (v.empty() || v == "~" || v == "null" || v == "Null" || v == "NULL" || v == "true" || v == "false"
            || v == "True" || v == "False" || v == "TRUE" || v == "FALSE")
            return true;
        double d;
        const auto r = std::from_chars(v.data(), v.data() + v.size(), d);
        return r.ec == std::errc() && r.ptr == v.data() + v.size();
    }

    void scalar(std::string_view v, yaml_scalar_style_t style)
    {
        yaml_event_t ev;
        yaml_scalar_event_initialize(&ev, nullptr, nullptr,
                                     reinterpret_cast<yaml_char_t *>(const_cast<char *>(v.data())),
                                     static_cast<int>(v.size()), 1, 1, style);
        send(ev);
    }

    void send(yaml_event_t &ev)
    {
        if (!yaml_emitter_emit(&m_e, &ev))
            throw std::runtime_error(m_e.problem ? m_e.problem : "YAML emitter error");
    }

    static int write(void *data, unsigned char *buffer, size_t size)
    {
        static_cast<Emitter *>(data)->m_out.append(reinterpret_cast<const char *>(buffer), size);
        return 1;
    }

    yaml_emitter_t m_e;
    std::string m_out;
};

class Writer
{
public:
    std::string run(const PolicyDocument &d)
    {
        e.beginMap();
        key("version");
        e.integer(d.version);
        key("name");
        e.text(d.name);
        if (!d.description.empty() || d.loc.has("description")) {
            key("description");
            e.text(d.description, true);
        }
        writeSandbox(d.sandbox);
        writeNetwork(d.network);
        writeFilesystem(d.filesystem);
        if (!d.policies.empty() || d.loc.has("policies")) {
            key("policies");
            e.beginSeq();
            for (const auto &p : d.policies)
                writePolicy(p);
            e.endSeq();
        }
        if (!d.tools.empty() || d.loc.has("tools")) {
            key("tools");
            e.beginSeq();
            for (const auto &t : d.tools)
                writeTool(t);
            e.endSeq();
        }
        if (d.agent) {
            key("agent");
            e.beginMap();
            if (!d.agent->name.empty()) {
                key("name");
                e.text(d.agent->name);
            }
            if (!d.agent->command.empty() || d.agent->name.empty())
                strings("command", d.agent->command);
            if (!d.agent->description.empty()) {
                key("description");
                e.text(d.agent->description);
            }
            e.endMap();
        }
        e.endMap();
        return e.finish();
    }

private:
    void key(std::string_view k) { e.text(k); }
    void textIf(const Locations &loc, const char *k, std::string_view value, std::string_view def)
    {
        if (loc.has(k) || value != def) {
            key(k);
            e.text(value);
        }
    }
    void intIf(const Locations &loc, const char *k, std::int64_t value, std::int64_t def)
    {
        if (loc.has(k) || value != def) {
            key(k);
            e.integer(value);
        }
    }
    void numberIf(const Locations &loc, const char *k, double value, double def)
    {
        if (loc.has(k) || value != def) {
            key(k);
            e.number(value);
        }
    }
    void boolIf(const Locations &loc, const char *k, bool value, bool def)
    {
        if (loc.has(k) || value != def) {
            key(k);
            e.boolean(value);
        }
    }
    void optNumber(const char *k, const std::optional<double> &v)
    {
        if (v) {
            key(k);
            e.number(*v);
        }
    }
    void strings(const char *k, const std::vector<std::string> &list)
    {
        key(k);
        e.beginSeq(true);
        for (const auto &s : list)
            e.text(s);
        e.endSeq();
    }
    void pairs(const char *k, const std::vector<std::pair<std::string, std::string>> &kv)
    {
        key(k);
        e.beginMap();
        for (const auto &[name, v] : kv) {
            e.text(name);
            e.text(v, true);
        }
        e.endMap();
    }

    void writeSandbox(const SandboxConfig &s)
    {
        const SandboxConfig def;
        if (s == def && !s.loc.pos.valid())
            return;
        key("sandbox");
        e.beginMap();
        textIf(s.loc, "isolation", isolationName(s.isolation), isolationName(def.isolation));
        intIf(s.loc, "max_memory_mb", s.maxMemoryMb, def.maxMemoryMb);
        numberIf(s.loc, "max_cpu_cores", s.maxCpuCores, def.maxCpuCores);
        intIf(s.loc, "max_execution_time_seconds", s.maxExecutionTimeSeconds, def.maxExecutionTimeSeconds);
        intIf(s.loc, "max_processes", s.maxProcesses, def.maxProcesses);
        intIf(s.loc, "max_open_files", s.maxOpenFiles, def.maxOpenFiles);
        boolIf(s.loc, "allow_network", s.allowNetwork, def.allowNetwork);
        boolIf(s.loc, "allow_filesystem", s.allowFilesystem, def.allowFilesystem);
        if (!s.environment.empty() || s.loc.has("environment"))
            pairs("environment", s.environment);
        textIf(s.loc, "cleanup_policy", cleanupPolicyName(s.cleanupPolicy), cleanupPolicyName(def.cleanupPolicy));
        e.endMap();
    }

    void writeNetwork(const NetworkGuardian &n)
    {
        const NetworkGuardian def;
        if (n == def && !n.loc.pos.valid())
            return;
        key("network");
        e.beginMap();
        textIf(n.loc, "default_policy", defaultPolicyName(n.defaultPolicy), defaultPolicyName(def.defaultPolicy));
        if (!n.rules.empty() || n.loc.has("rules")) {
            key("rules");
            e.beginSeq();
            for (const auto &r : n.rules)
                writeEgress(r);
            e.endSeq();
        }
        boolIf(n.loc, "block_private_ranges", n.blockPrivateRanges, def.blockPrivateRanges);
        boolIf(n.loc, "dns_filtering", n.dnsFiltering, def.dnsFiltering);
        if (!n.allowedDnsServers.empty() || n.loc.has("allowed_dns_servers"))
            strings("allowed_dns_servers", n.allowedDnsServers);
        if (!n.hosts.empty() || n.loc.has("hosts"))
            pairs("hosts", n.hosts);
        if (!n.regions.empty() || n.loc.has("regions")) {
            key("regions");
            e.beginMap();
            for (const auto &[name, list] : n.regions)
                strings(name.c_str(), list);
            e.endMap();
        }
        e.endMap();
    }

    void writeEgress(const EgressRule &r)
    {
        e.beginMap();
        key("tool");
        e.text(r.tool);
        strings("allowed_hosts", r.allowedHosts);
        key("allowed_ports");
        e.beginSeq(true);
        for (int port : r.allowedPorts)
            e.integer(port);
        e.endSeq();
        key("protocol");
        e.text(protocolName(r.protocol));
        if (r.tlsRequiredSet) {
            key("tls_required");
            e.boolean(*r.tlsRequiredSet);
        }
        optNumber("max_request_size_kb", r.maxRequestSizeKb);
        optNumber("max_response_size_mb", r.maxResponseSizeMb);
        if (r.rateLimit) {
            key("rate_limit");
            e.text(r.rateLimit->text);
        }
        if (!r.methods.empty())
            strings("methods", r.methods);
        if (!r.paths.empty())
            strings("paths", r.paths);
        if (r.access) {
            key("access");
            e.text(accessName(*r.access));
        }
        if (r.inspectSet) {
            key("inspect");
            e.boolean(*r.inspectSet);
        }
        if (r.caFile) {
            key("ca_file");
            e.text(*r.caFile);
        }
        e.endMap();
    }

    void writeFilesystem(const FilesystemController &f)
    {
        const FilesystemController def;
        if (f == def && !f.loc.pos.valid())
            return;
        key("filesystem");
        e.beginMap();
        textIf(f.loc, "workspace", f.workspace, def.workspace);
        if (!f.rules.empty() || f.loc.has("rules")) {
            key("rules");
            e.beginSeq();
            for (const auto &r : f.rules) {
                e.beginMap();
                key("path");
                e.text(r.path);
                key("permissions");
                e.text(permissionName(r.permissions));
                if (r.source) {
                    key("source");
                    e.text(*r.source);
                }
                if (r.allowedExtensions)
                    strings("allowed_extensions", *r.allowedExtensions);
                optNumber("max_file_size_mb", r.maxFileSizeMb);
                optNumber("max_total_size_mb", r.maxTotalSizeMb);
                boolIf(r.loc, "block_symlinks", r.blockSymlinks, true);
                e.endMap();
            }
            e.endSeq();
        }
        boolIf(f.loc, "strict_path_validation", f.strictPathValidation, def.strictPathValidation);
        boolIf(f.loc, "audit_all_operations", f.auditAllOperations, def.auditAllOperations);
        e.endMap();
    }

    void writePolicy(const Policy &p)
    {
        e.beginMap();
        key("name");
        e.text(p.name);
        key("trigger");
        e.text(triggerName(p.trigger));
        key("condition");
        e.text(p.condition, true);
        key("action");
        e.text(actionName(p.action));
        if (!p.message.empty()) {
            key("message");
            e.text(p.message, true);
        }
        textIf(p.loc, "log_level", logLevelName(p.logLevel), logLevelName(LogLevel::Info));
        if (p.piiTypes)
            strings("pii_types", *p.piiTypes);
        if (!p.escalation.empty()) {
            key("escalation");
            e.text(p.escalation);
        }
        optNumber("delay_seconds", p.delaySeconds);
        e.endMap();
    }

    void writeTool(const ToolSpec &t)
    {
        e.beginMap();
        key("name");
        e.text(t.name);
        if (!t.description.empty()) {
            key("description");
            e.text(t.description);
        }
        if (!t.command.empty() || (!t.isMcpServer() && !t.guard))
            strings("command", t.command);
        if (t.isMcpServer())
            strings("mcp", t.mcp);
        numberIf(t.loc, "timeout_seconds", t.timeoutSeconds, 30);
        numberIf(t.loc, "cost_per_call", t.costPerCall, 0);
        intIf(t.loc, "pool", t.pool, 1);
        boolIf(t.loc, "prestart", t.prestart, false);
        boolIf(t.loc, "guard", t.guard, false);
        e.endMap();
    }

    Emitter e;
};

} // namespace

std::string PolicyWriter::toYaml(const PolicyDocument &doc) { return Writer().run(doc); }

} // namespace osh
