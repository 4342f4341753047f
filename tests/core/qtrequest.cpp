#include "qtrequest.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonParseError>

#include <cmath>

namespace osh::test {

namespace {

class Parser
{
public:
    explicit Parser(Request &r) : m_r(r) {}
    std::string error;

    bool field(const QJsonObject &obj, const char *key, Var var, VarType type, const char *path)
    {
        const auto it = obj.find(QLatin1StringView(key));
        if (it == obj.end())
            return true;
        const QJsonValue v = it.value();
        if (v.isNull()) {
            m_r.set(var, Value());
            return true;
        }
        bool ok = false;
        switch (type) {
        case VarType::String: ok = v.isString(); break;
        case VarType::Int: ok = v.isDouble() && std::floor(v.toDouble()) == v.toDouble(); break;
        case VarType::Float: ok = v.isDouble(); break;
        case VarType::Map: ok = v.isObject(); break;
        }
        if (!ok) {
            static const char *names[] = {"a string", "a whole number", "a number", "an object"};
            error = std::string("'") + path + "' must be " + names[static_cast<int>(type)];
            return false;
        }
        Value val = valueFromJson(v);
        if (type == VarType::Float && val.isInt())
            val = Value(static_cast<double>(val.toInt()));
        m_r.set(var, std::move(val));
        return true;
    }

    bool object(const QJsonObject &root, const char *key, std::initializer_list<const char *> allowed,
                QJsonObject &out)
    {
        const auto it = root.find(QLatin1StringView(key));
        if (it == root.end())
            return true;
        if (!it.value().isObject()) {
            error = std::string("'") + key + "' must be an object";
            return false;
        }
        out = it.value().toObject();
        for (auto k = out.begin(); k != out.end(); ++k) {
            bool known = false;
            for (const char *a : allowed)
                known = known || k.key() == QLatin1StringView(a);
            if (!known) {
                error = "unknown field '" + std::string(key) + "." + k.key().toStdString() + "'";
                return false;
            }
        }
        return true;
    }

private:
    Request &m_r;
};

} // namespace

std::optional<Request> qtRequestFromJson(std::string_view json, std::string &error)
{
    QJsonParseError perr;
    const auto doc = QJsonDocument::fromJson(QByteArray::fromRawData(json.data(), static_cast<qsizetype>(json.size())), &perr);
    if (perr.error != QJsonParseError::NoError) {
        error = "invalid JSON at offset " + std::to_string(perr.offset) + ": " + perr.errorString().toStdString();
        return std::nullopt;
    }
    if (!doc.isObject()) {
        error = "a request must be a JSON object";
        return std::nullopt;
    }
    const QJsonObject root = doc.object();
    static const char *const topKeys[] = {"trigger", "ts", "cost", "tool", "session", "output", "response",
                                          "destination", "destination_region", "request", "file"};
    for (auto it = root.begin(); it != root.end(); ++it) {
        bool known = false;
        for (const char *k : topKeys)
            known = known || it.key() == QLatin1StringView(k);
        if (!known) {
            error = "unknown field '" + it.key().toStdString() + "'";
            return std::nullopt;
        }
    }
    Request r;
    const auto trig = root.value(QLatin1StringView("trigger"));
    if (!trig.isString()) {
        error = "missing 'trigger' (tool_call, data_output, agent_response, network_egress or file_access)";
        return std::nullopt;
    }
    const auto t = triggerFromName(trig.toString().toStdString());
    if (!t) {
        error = "unknown trigger '" + trig.toString().toStdString() + "'";
        return std::nullopt;
    }
    r.trigger = *t;
    if (const auto ts = root.value(QLatin1StringView("ts")); !ts.isUndefined()) {
        if (!ts.isDouble()) {
            error = "'ts' must be a number (seconds)";
            return std::nullopt;
        }
        r.ts = ts.toDouble();
    }
    if (const auto c = root.value(QLatin1StringView("cost")); !c.isUndefined()) {
        if (!c.isDouble() || c.toDouble() < 0) {
            error = "'cost' must be a number >= 0";
            return std::nullopt;
        }
        r.cost = c.toDouble();
    }

    Parser p(r);
    QJsonObject tool, session, dest, req, file;
    if (!p.object(root, "tool", {"name", "args", "calls_in_last_minute", "server"}, tool)
        || !p.object(root, "session", {"id", "total_cost", "tool_calls", "elapsed_seconds"}, session)
        || !p.object(root, "destination", {"host", "ip", "port", "protocol"}, dest)
        || !p.object(root, "request", {"bytes", "method", "path", "query", "url", "headers", "body", "content_type"}, req)
        || !p.object(root, "file", {"path", "operation", "size", "extension", "target", "expanded_size"}, file)
        || !p.field(tool, "name", Var::ToolName, VarType::String, "tool.name")
        || !p.field(tool, "args", Var::ToolArgs, VarType::Map, "tool.args")
        || !p.field(tool, "calls_in_last_minute", Var::ToolCallsInLastMinute, VarType::Int, "tool.calls_in_last_minute")
        || !p.field(tool, "server", Var::ToolServer, VarType::String, "tool.server")
        || !p.field(session, "id", Var::SessionId, VarType::String, "session.id")
        || !p.field(session, "total_cost", Var::SessionTotalCost, VarType::Float, "session.total_cost")
        || !p.field(session, "tool_calls", Var::SessionToolCalls, VarType::Int, "session.tool_calls")
        || !p.field(session, "elapsed_seconds", Var::SessionElapsedSeconds, VarType::Float, "session.elapsed_seconds")
        || !p.field(root, "output", Var::Output, VarType::String, "output")
        || !p.field(root, "response", Var::Response, VarType::String, "response")
        || !p.field(dest, "host", Var::DestinationHost, VarType::String, "destination.host")
        || !p.field(dest, "ip", Var::DestinationIp, VarType::String, "destination.ip")
        || !p.field(dest, "port", Var::DestinationPort, VarType::Int, "destination.port")
        || !p.field(dest, "protocol", Var::DestinationProtocol, VarType::String, "destination.protocol")
        || !p.field(root, "destination_region", Var::DestinationRegion, VarType::String, "destination_region")
        || !p.field(req, "bytes", Var::RequestBytes, VarType::Int, "request.bytes")
        || !p.field(req, "method", Var::RequestMethod, VarType::String, "request.method")
        || !p.field(req, "path", Var::RequestPath, VarType::String, "request.path")
        || !p.field(req, "query", Var::RequestQuery, VarType::Map, "request.query")
        || !p.field(req, "url", Var::RequestUrl, VarType::String, "request.url")
        || !p.field(req, "headers", Var::RequestHeaders, VarType::Map, "request.headers")
        || !p.field(req, "body", Var::RequestBody, VarType::String, "request.body")
        || !p.field(req, "content_type", Var::RequestContentType, VarType::String, "request.content_type")
        || !p.field(file, "path", Var::FilePath, VarType::String, "file.path")
        || !p.field(file, "operation", Var::FileOperation, VarType::String, "file.operation")
        || !p.field(file, "size", Var::FileSize, VarType::Int, "file.size")
        || !p.field(file, "extension", Var::FileExtension, VarType::String, "file.extension")) {
        error = p.error;
        return std::nullopt;
    }
    if (const auto tgt = file.value(QLatin1StringView("target")); tgt.isString())
        r.linkTarget = tgt.toString().toStdString();
    if (const auto es = file.value(QLatin1StringView("expanded_size")); es.isDouble()) {
        const double d = es.toDouble();
        if (!(d >= 0 && d < 9.2e18)) {
            error = "'file.expanded_size' must be a number of bytes (0 to 2^63)";
            return std::nullopt;
        }
        r.expandedSize = static_cast<std::int64_t>(d);
    }
    if (!Request::completeParsed(r, error))
        return std::nullopt;
    return r;
}

} // namespace osh::test
