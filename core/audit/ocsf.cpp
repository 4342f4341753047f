#include "ocsf.h"

#include "auditjson.h"
#include "util/value.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <cctype>
#include <cmath>

namespace osh::audit {

std::string ocsfUid(const AuditEvent &e)
{
    return e.sessionId + "#" + std::to_string(e.seq);
}

namespace {

struct Enum
{
    int id;
    const char *name;
};

struct ClassInfo
{
    int classUid;
    const char *className;
    int categoryUid;
    const char *categoryName;
};

// A parameter looked up flat ("host") or nested ("destination": {"host"}).
QJsonValue param(const QJsonObject &params, const char *group, const char *name)
{
    const QString key = QString::fromLatin1(name);
    if (params.contains(key))
        return params.value(key);
    return params.value(QString::fromLatin1(group)).toObject().value(key);
}

ClassInfo classOf(const AuditEvent &e, const QJsonObject &params)
{
    if (e.type == "network_egress") {
        if (param(params, "request", "method").isString())
            return {4002, "HTTP Activity", 4, "Network Activity"};
        return {4001, "Network Activity", 4, "Network Activity"};
    }
    if (e.type == "file_access")
        return {1001, "File System Activity", 1, "System Activity"};
    if (e.type == "session" || e.type == "sandbox")
        return {6002, "Application Lifecycle", 6, "Application Activity"};
    return {6003, "API Activity", 6, "Application Activity"};
}

Enum severityOf(const std::string &s)
{
    if (s == "critical")
        return {5, "Critical"};
    if (s == "warning")
        return {3, "Medium"};
    if (s == "debug" || s == "info")
        return {1, "Informational"};
    return {0, "Unknown"};
}

// Security-control profile: action says what the control did with the
// activity, disposition the outcome.
Enum actionOf(const std::string &d)
{
    if (d == "allow" || d == "log" || d == "throttle")
        return {1, "Allowed"};
    if (d == "block")
        return {2, "Denied"};
    if (d == "redact")
        return {4, "Modified"};
    if (d == "escalate")
        return {99, "Held"};
    return {0, "Unknown"};
}

Enum dispositionOf(const std::string &d)
{
    if (d == "allow")
        return {1, "Allowed"};
    if (d == "block")
        return {2, "Blocked"};
    if (d == "redact")
        return {11, "Corrected"};
    if (d == "throttle")
        return {14, "Delayed"};
    if (d == "log")
        return {17, "Logged"};
    if (d == "escalate")
        return {99, "Escalated"};
    return {0, "Unknown"};
}

Enum fileActivityOf(const std::string &op)
{
    if (op == "create")
        return {1, "Create"};
    if (op == "read")
        return {2, "Read"};
    if (op == "write" || op == "append")
        return {3, "Update"};
    if (op == "delete")
        return {4, "Delete"};
    if (op == "rename" || op == "move")
        return {5, "Rename"};
    if (op == "chmod")
        return {6, "Set Attributes"};
    if (op == "open")
        return {14, "Open"};
    return {99, op.empty() ? "Other" : nullptr};
}

Enum httpActivityOf(const std::string &method)
{
    static const char *const methods[] = {"CONNECT", "DELETE", "GET", "HEAD", "OPTIONS", "POST", "PUT", "TRACE", "PATCH"};
    static const char *const names[] = {"Connect", "Delete", "Get", "Head", "Options", "Post", "Put", "Trace", "Patch"};
    for (int i = 0; i < 9; ++i)
        if (method == methods[i])
            return {i + 1, names[i]};
    return {99, nullptr};
}

Enum lifecycleOf(const AuditEvent &e)
{
    if (e.message.rfind("session started", 0) == 0 || e.message.rfind("session could not start", 0) == 0)
        return {3, "Start"};
    if (e.message.rfind("session ended", 0) == 0)
        return {4, "Stop"};
    return {99, nullptr};
}

Enum activityOf(const AuditEvent &e, int classUid, const QJsonObject &params)
{
    switch (classUid) {
    case 4001: return e.decision == "block" ? Enum {5, "Refuse"} : Enum {1, "Open"};
    case 4002: return httpActivityOf(param(params, "request", "method").toString().toStdString());
    case 1001: return fileActivityOf(param(params, "file", "operation").toString().toStdString());
    case 6002: return lifecycleOf(e);
    default: return {99, nullptr};
    }
}

void enumField(std::string &out, const char *idKey, const char *nameKey, const Enum &v, const std::string &fallback)
{
    appendJsonKey(out, idKey);
    out += std::to_string(v.id);
    appendJsonKey(out, nameKey);
    appendJsonString(out, v.name ? std::string(v.name) : fallback);
}

std::string titleCase(const std::string &type)
{
    std::string s = type;
    bool start = true;
    for (char &c : s) {
        if (c == '_') {
            c = ' ';
            start = true;
        } else if (start) {
            c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
            start = false;
        }
    }
    return s;
}

QJsonObject parametersOf(const AuditEvent &e)
{
    return QJsonDocument::fromJson(QByteArray::fromRawData(e.parameters.data(), static_cast<qsizetype>(e.parameters.size())))
        .object();
}

std::string eventUid(const AuditEvent &e)
{
    return ocsfUid(e);
}

// The class-independent start of an event: classification, time, severity.
void appendHead(std::string &out, const ClassInfo &cls, const Enum &activity, const std::string &activityFallback,
                const AuditEvent &e)
{
    out += "{\"class_uid\":" + std::to_string(cls.classUid);
    appendJsonKey(out, "class_name");
    appendJsonString(out, cls.className);
    appendJsonKey(out, "category_uid");
    out += std::to_string(cls.categoryUid);
    appendJsonKey(out, "category_name");
    appendJsonString(out, cls.categoryName);
    enumField(out, "activity_id", "activity_name", activity, activityFallback);
    appendJsonKey(out, "type_uid");
    out += std::to_string(static_cast<long long>(cls.classUid) * 100 + activity.id);
    appendJsonKey(out, "time");
    out += std::to_string(static_cast<long long>(std::llround(e.ts * 1000.0)));
    enumField(out, "severity_id", "severity", severityOf(e.severity), e.severity);
    appendJsonKey(out, "message");
    appendJsonString(out, e.message);
}

void appendMetadata(std::string &out, const AuditEvent &e, const std::string &uid, bool securityControl)
{
    appendJsonKey(out, "metadata");
    out += "{\"version\":\"";
    out += kOcsfVersion;
    out += "\",\"product\":{\"name\":\"OpenShell Studio\",\"vendor_name\":\"OpenShell\"},\"profiles\":[";
    if (securityControl)
        out += "\"security_control\"";
    out += "],\"log_name\":\"audit\",\"uid\":";
    appendJsonString(out, uid);
    out += ",\"correlation_uid\":";
    appendJsonString(out, e.sessionId);
    out += ",\"sequence\":" + std::to_string(e.seq);
    out += '}';
}

void appendActor(std::string &out, const AuditEvent &e)
{
    appendJsonKey(out, "actor");
    out += "{\"app_name\":\"agent\",\"app_uid\":";
    appendJsonString(out, e.sessionId);
    out += ",\"session\":{\"uid\":";
    appendJsonString(out, e.sessionId);
    out += "}}";
}

// The agent's side of an API call or a connection: its session's sandbox.
void appendAgentEndpoint(std::string &out, const AuditEvent &e)
{
    appendJsonKey(out, "src_endpoint");
    out += "{\"name\":\"agent\",\"uid\":";
    appendJsonString(out, e.sessionId);
    out += '}';
}

// The network rule index the decision's trace names (-1: none, the default policy).
int networkRuleOf(const AuditEvent &e)
{
    const auto doc = QJsonDocument::fromJson(QByteArray::fromRawData(e.trace.data(), static_cast<qsizetype>(e.trace.size())));
    for (const auto &t : doc.object().value(QStringLiteral("trace")).toArray()) {
        const QJsonObject o = t.toObject();
        if (o.value(QStringLiteral("layer")).toString() == QLatin1StringView("network"))
            return o.value(QStringLiteral("rule")).toInt(-1);
    }
    return -1;
}

// The security_control profile's attributes for a decided event.
void appendSecurityControl(std::string &out, const AuditEvent &e, const OcsfContext &ctx)
{
    enumField(out, "action_id", "action", actionOf(e.decision), e.decision);
    enumField(out, "disposition_id", "disposition", dispositionOf(e.decision), e.decision);
    appendJsonKey(out, "is_alert");
    out += hasOcsfFinding(e) ? "true" : "false";
    appendJsonKey(out, "policy");
    out += "{\"name\":";
    appendJsonString(out, e.policy.empty() ? (e.layer.empty() ? std::string("default") : e.layer + " layer") : e.policy);
    out += ",\"type\":\"OpenShell policy\"";
    if (!e.policyHash.empty()) {
        out += ",\"uid\":";
        appendJsonString(out, e.policyHash);
    }
    if (!ctx.policyCommit.empty()) {
        out += ",\"version\":";
        appendJsonString(out, ctx.policyCommit);
    }
    out += ",\"is_applied\":true}";
    if (e.layer == "network") {
        const int rule = networkRuleOf(e);
        appendJsonKey(out, "firewall_rule");
        if (rule >= 0) {
            out += "{\"name\":\"network.rules[" + std::to_string(rule) + "]\",\"uid\":\"" + std::to_string(rule)
                + "\",\"type\":\"egress rule\"}";
        } else {
            out += "{\"name\":\"network.default_policy\",\"type\":\"egress default\"}";
        }
    }
}

void appendUnmapped(std::string &out, const AuditEvent &e)
{
    appendJsonKey(out, "unmapped");
    out += "{\"audit_type\":";
    appendJsonString(out, e.type);
    appendJsonKey(out, "session_id");
    appendJsonString(out, e.sessionId);
    appendJsonKey(out, "tool");
    appendStringOrNull(out, e.tool);
    appendJsonKey(out, "decision");
    appendStringOrNull(out, e.decision);
    appendJsonKey(out, "layer");
    appendStringOrNull(out, e.layer);
    appendJsonKey(out, "policy_hash");
    appendStringOrNull(out, e.policyHash);
    appendJsonKey(out, "chain");
    appendStringOrNull(out, e.chain);
    appendJsonKey(out, "parameters");
    appendEmbeddedJson(out, e.parameters);
    appendJsonKey(out, "trace");
    appendEmbeddedJson(out, e.trace);
    out += '}';
}

void appendEndpoint(std::string &out, const char *name, const QJsonObject &params)
{
    appendJsonKey(out, name);
    out += '{';
    const char *sep = "";
    for (const auto &[from, to] : {std::pair {"host", "hostname"}, std::pair {"ip", "ip"}, std::pair {"port", "port"}}) {
        const QJsonValue v = param(params, "destination", from);
        if (v.isString() || v.isDouble()) {
            out += sep;
            sep = ",";
            appendJsonString(out, to);
            out += ':';
            if (v.isDouble())
                out += std::to_string(v.toInteger());
            else
                appendJsonString(out, v.toString().toStdString());
        }
    }
    if (!*sep)
        out += "\"name\":\"unknown\""; // an endpoint needs one identifying attribute
    out += '}';
}

void appendHttpRequest(std::string &out, const QJsonObject &params)
{
    const QJsonObject r = params.value(QStringLiteral("request")).toObject();
    appendJsonKey(out, "http_request");
    out += "{\"http_method\":";
    appendJsonString(out, r.value(QStringLiteral("method")).toString().toStdString());
    out += ",\"url\":{";
    const QString url = r.value(QStringLiteral("url")).toString();
    const QString path = r.value(QStringLiteral("path")).toString();
    out += "\"path\":";
    appendJsonString(out, (path.isEmpty() ? QStringLiteral("/") : path).toStdString());
    if (!url.isEmpty()) {
        out += ",\"url_string\":";
        appendJsonString(out, url.toStdString());
        const qsizetype q = url.indexOf(QLatin1Char('?'));
        if (q >= 0) {
            out += ",\"query_string\":";
            appendJsonString(out, url.mid(q + 1).toStdString());
        }
        const qsizetype scheme = url.indexOf(QStringLiteral("://"));
        if (scheme > 0) {
            out += ",\"scheme\":";
            appendJsonString(out, url.left(scheme).toStdString());
        }
    }
    const QJsonValue host = param(params, "destination", "host");
    if (host.isString()) {
        out += ",\"hostname\":";
        appendJsonString(out, host.toString().toStdString());
    }
    const QJsonValue port = param(params, "destination", "port");
    if (port.isDouble())
        out += ",\"port\":" + std::to_string(port.toInteger());
    out += '}';
    const QJsonValue bytes = r.value(QStringLiteral("bytes"));
    if (bytes.isDouble())
        out += ",\"length\":" + std::to_string(bytes.toInteger());
    const QJsonObject headers = r.value(QStringLiteral("headers")).toObject();
    const QJsonValue agent = headers.value(QStringLiteral("user-agent"));
    if (agent.isString()) {
        out += ",\"user_agent\":";
        appendJsonString(out, agent.toString().toStdString());
    }
    out += '}';
}

} // namespace

void appendOcsfJson(std::string &out, const AuditEvent &e, const OcsfContext &ctx)
{
    const QJsonObject params = parametersOf(e);
    const ClassInfo cls = classOf(e, params);
    const Enum activity = activityOf(e, cls.classUid, params);
    const bool decided = !e.decision.empty();

    appendHead(out, cls, activity, titleCase(e.type), e);
    if (decided || cls.classUid == 6002) {
        const bool failed = e.decision == "block" || e.message.rfind("session could not start", 0) == 0;
        appendJsonKey(out, "status_id");
        out += failed ? "2" : "1";
        appendJsonKey(out, "status");
        out += failed ? "\"Failure\"" : "\"Success\"";
    }
    if (decided)
        appendSecurityControl(out, e, ctx);
    appendMetadata(out, e, eventUid(e), decided);

    switch (cls.classUid) {
    case 6002:
        appendJsonKey(out, "app");
        out += "{\"name\":\"OpenShell agent sandbox\",\"vendor_name\":\"OpenShell\",\"uid\":";
        appendJsonString(out, e.sessionId);
        out += '}';
        break;
    case 6003:
        appendActor(out, e);
        appendJsonKey(out, "api");
        out += "{\"operation\":";
        appendJsonString(out, e.tool.empty() ? e.type : e.tool);
        out += ",\"service\":{\"name\":\"openshell-tool-gateway\"}}";
        appendAgentEndpoint(out, e);
        break;
    case 4001:
    case 4002: {
        appendActor(out, e);
        appendAgentEndpoint(out, e);
        appendEndpoint(out, "dst_endpoint", params);
        appendJsonKey(out, "connection_info");
        out += "{\"direction_id\":2,\"direction\":\"Outbound\"";
        const QJsonValue proto = param(params, "destination", "protocol");
        if (proto.isString()) {
            out += ",\"protocol_name\":";
            appendJsonString(out, proto.toString().toStdString());
        }
        out += '}';
        if (cls.classUid == 4002)
            appendHttpRequest(out, params);
        break;
    }
    case 1001: {
        appendActor(out, e);
        appendJsonKey(out, "device");
        out += "{\"type_id\":6,\"type\":\"Virtual\",\"name\":\"sandbox\",\"uid\":";
        appendJsonString(out, e.sessionId);
        out += '}';
        const QString path = param(params, "file", "path").toString();
        QString name = path.mid(path.lastIndexOf(QLatin1Char('/')) + 1);
        if (name.isEmpty())
            name = path.isEmpty() ? QStringLiteral("unknown") : path;
        appendJsonKey(out, "file");
        out += "{\"name\":";
        appendJsonString(out, name.toStdString());
        out += ",\"path\":";
        appendJsonString(out, path.toStdString());
        out += ",\"type_id\":1,\"type\":\"Regular File\"}";
        break;
    }
    default: break;
    }
    appendUnmapped(out, e);
    out += '}';
}

std::string toOcsfJson(const AuditEvent &e, const OcsfContext &ctx)
{
    std::string out;
    appendOcsfJson(out, e, ctx);
    return out;
}

bool hasOcsfFinding(const AuditEvent &e)
{
    return e.decision == "block" || e.decision == "escalate" || e.severity == "critical";
}

void appendOcsfFindingJson(std::string &out, const AuditEvent &e, const OcsfContext &ctx)
{
    const ClassInfo cls {2004, "Detection Finding", 2, "Findings"};
    appendHead(out, cls, Enum {1, "Create"}, "Create", e);
    appendJsonKey(out, "status_id");
    out += "1";
    appendJsonKey(out, "status");
    out += "\"New\"";
    const bool decided = !e.decision.empty();
    if (decided)
        appendSecurityControl(out, e, ctx);
    appendMetadata(out, e, eventUid(e) + "#finding", decided);
    appendActor(out, e);
    appendJsonKey(out, "finding_info");
    out += "{\"uid\":";
    appendJsonString(out, eventUid(e));
    out += ",\"title\":";
    std::string title;
    if (e.decision == "block")
        title = "Agent action blocked";
    else if (e.decision == "escalate")
        title = "Agent action held for human approval";
    else
        title = "Critical agent sandbox event";
    appendJsonString(out, title + (e.tool.empty() ? std::string() : ": " + e.tool));
    out += ",\"desc\":";
    appendJsonString(out, e.message);
    out += ",\"types\":[";
    appendJsonString(out, titleCase(e.type));
    out += "],\"related_events\":[{\"uid\":";
    appendJsonString(out, eventUid(e));
    out += ",\"type\":";
    appendJsonString(out, titleCase(e.type));
    out += "}]}";
    appendUnmapped(out, e);
    out += '}';
}

void appendOcsfLines(std::string &out, const AuditEvent &e, const OcsfContext &ctx)
{
    appendOcsfJson(out, e, ctx);
    out += '\n';
    if (hasOcsfFinding(e)) {
        appendOcsfFindingJson(out, e, ctx);
        out += '\n';
    }
}

} // namespace osh::audit
