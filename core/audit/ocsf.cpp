#include "ocsf.h"

#include "auditjson.h"
#include "util/value.h"

#include <QJsonDocument>
#include <QJsonObject>

#include <cctype>
#include <cmath>

namespace osh::audit {

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

ClassInfo classOf(const std::string &type)
{
    if (type == "network_egress")
        return {4001, "Network Activity", 4, "Network Activity"};
    if (type == "file_access")
        return {1001, "File System Activity", 1, "System Activity"};
    if (type == "session" || type == "sandbox")
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

// Security-control profile: action says whether the action went ahead,
// disposition what the control did to it.
Enum actionOf(const std::string &d)
{
    if (d == "allow" || d == "log" || d == "redact" || d == "throttle")
        return {1, "Allowed"};
    if (d == "block")
        return {2, "Denied"};
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

Enum activityOf(const AuditEvent &e, int classUid, const QJsonObject &params)
{
    switch (classUid) {
    case 4001:
        return e.decision == "block" ? Enum{5, "Refuse"} : Enum{1, "Open"};
    case 1001: {
        QString op = params.value(QStringLiteral("operation")).toString();
        if (op.isEmpty())
            op = params.value(QStringLiteral("file")).toObject().value(QStringLiteral("operation")).toString();
        return fileActivityOf(op.toStdString());
    }
    default: return {99, nullptr};
    }
}

// A parameter looked up flat ("host") or nested ("destination": {"host"}).
QJsonValue param(const QJsonObject &params, const char *group, const char *name)
{
    const QString key = QString::fromLatin1(name);
    if (params.contains(key))
        return params.value(key);
    return params.value(QString::fromLatin1(group)).toObject().value(key);
}

void key(std::string &out, const char *name)
{
    out += ",\"";
    out += name;
    out += "\":";
}

void enumField(std::string &out, const char *idKey, const char *nameKey, const Enum &v, const std::string &fallback)
{
    key(out, idKey);
    out += std::to_string(v.id);
    key(out, nameKey);
    appendJsonString(out, v.name ? std::string(v.name) : fallback);
}

void stringOrNull(std::string &out, const std::string &s)
{
    if (s.empty())
        out += "null";
    else
        appendJsonString(out, s);
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

} // namespace

void appendOcsfJson(std::string &out, const AuditEvent &e)
{
    const ClassInfo cls = classOf(e.type);
    const QJsonObject params =
        QJsonDocument::fromJson(QByteArray::fromRawData(e.parameters.data(), static_cast<qsizetype>(e.parameters.size())))
            .object();
    const Enum activity = activityOf(e, cls.classUid, params);
    const Enum severity = severityOf(e.severity);

    out += "{\"class_uid\":" + std::to_string(cls.classUid);
    key(out, "class_name");
    appendJsonString(out, cls.className);
    key(out, "category_uid");
    out += std::to_string(cls.categoryUid);
    key(out, "category_name");
    appendJsonString(out, cls.categoryName);
    enumField(out, "activity_id", "activity_name", activity, titleCase(e.type));
    key(out, "type_uid");
    out += std::to_string(cls.classUid * 100 + activity.id);
    key(out, "time");
    out += std::to_string(static_cast<long long>(std::llround(e.ts * 1000.0)));
    enumField(out, "severity_id", "severity", severity, e.severity);
    if (!e.decision.empty()) {
        const bool failed = e.decision == "block";
        key(out, "status_id");
        out += failed ? "2" : "1";
        key(out, "status");
        out += failed ? "\"Failure\"" : "\"Success\"";
        enumField(out, "action_id", "action", actionOf(e.decision), e.decision);
        enumField(out, "disposition_id", "disposition", dispositionOf(e.decision), e.decision);
    }
    key(out, "message");
    appendJsonString(out, e.message);

    key(out, "metadata");
    out += "{\"version\":\"1.1.0\",\"product\":{\"name\":\"OpenShell Studio\",\"vendor_name\":\"OpenShell\"},"
           "\"log_name\":\"audit\",\"uid\":";
    appendJsonString(out, e.sessionId + "#" + std::to_string(e.seq));
    key(out, "sequence");
    out += std::to_string(e.seq);
    out += '}';

    key(out, "actor");
    out += "{\"app_name\":\"agent\",\"session\":{\"uid\":";
    appendJsonString(out, e.sessionId);
    out += "}}";

    if (cls.classUid == 4001) {
        key(out, "dst_endpoint");
        out += '{';
        const char *sep = "";
        for (const auto &[from, to] : {std::pair{"host", "hostname"}, std::pair{"ip", "ip"}, std::pair{"port", "port"}}) {
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
        out += '}';
        const QJsonValue proto = param(params, "destination", "protocol");
        if (proto.isString()) {
            key(out, "connection_info");
            out += "{\"protocol_name\":";
            appendJsonString(out, proto.toString().toStdString());
            out += '}';
        }
    } else if (cls.classUid == 1001) {
        const QString path = param(params, "file", "path").toString();
        key(out, "file");
        out += "{\"path\":";
        appendJsonString(out, path.toStdString());
        out += ",\"name\":";
        appendJsonString(out, path.mid(path.lastIndexOf(QLatin1Char('/')) + 1).toStdString());
        out += '}';
    } else if (!e.tool.empty()) {
        key(out, "api");
        out += "{\"operation\":";
        appendJsonString(out, e.tool);
        out += ",\"service\":{\"name\":\"openshell-tool-gateway\"}}";
    }
    if (!e.policy.empty()) {
        key(out, "policy");
        out += "{\"name\":";
        appendJsonString(out, e.policy);
        if (!e.policyHash.empty()) {
            out += ",\"uid\":";
            appendJsonString(out, e.policyHash);
        }
        out += '}';
    }

    key(out, "unmapped");
    out += "{\"audit_type\":";
    appendJsonString(out, e.type);
    key(out, "tool");
    stringOrNull(out, e.tool);
    key(out, "decision");
    stringOrNull(out, e.decision);
    key(out, "layer");
    stringOrNull(out, e.layer);
    key(out, "policy_hash");
    stringOrNull(out, e.policyHash);
    key(out, "parameters");
    appendEmbeddedJson(out, e.parameters);
    key(out, "trace");
    appendEmbeddedJson(out, e.trace);
    out += "}}";
}

std::string toOcsfJson(const AuditEvent &e)
{
    std::string out;
    appendOcsfJson(out, e);
    return out;
}

} // namespace osh::audit
