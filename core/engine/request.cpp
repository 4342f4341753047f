#include "request.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonParseError>

#include <cmath>

namespace osh {

namespace {

Value fromJsonValueImpl(const QJsonValue &v)
{
    switch (v.type()) {
    case QJsonValue::Bool: return Value(v.toBool());
    case QJsonValue::Double: {
        const double d = v.toDouble();
        if (std::floor(d) == d && std::fabs(d) < 9.0e15)
            return Value(static_cast<std::int64_t>(d));
        return Value(d);
    }
    case QJsonValue::String: return Value(v.toString().toStdString());
    case QJsonValue::Array: {
        ValueList l;
        const auto arr = v.toArray();
        l.reserve(static_cast<std::size_t>(arr.size()));
        for (const auto &x : arr)
            l.push_back(fromJsonValueImpl(x));
        return Value(std::move(l));
    }
    case QJsonValue::Object: {
        ValueMap m;
        const auto obj = v.toObject();
        for (auto it = obj.begin(); it != obj.end(); ++it)
            m.emplace(it.key().toStdString(), fromJsonValueImpl(it.value()));
        return Value(std::move(m));
    }
    default: return Value();
    }
}

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

// A request that gives any of the inspected request's variables is one HTTP
// request as the guardian sees it: the others get the values such a request
// has (GET /, no query, no headers, an empty body), so a condition reads the
// same types in `osctl eval` as at run time. Header names are lower-case
// there, and content_type is the Content-Type header's.
bool completeInspected(Request &r, std::string &error)
{
    bool any = false;
    for (const auto &vi : allVars())
        if (isContentVar(vi.var) && r.has(vi.var) && !r.get(vi.var).isNull())
            any = true;
    if (!any)
        return true;
    auto fill = [&](Var v, Value def) {
        if (!r.has(v) || r.get(v).isNull())
            r.set(v, std::move(def));
    };
    fill(Var::RequestMethod, Value("GET"));
    fill(Var::RequestPath, Value("/"));
    fill(Var::RequestQuery, Value(ValueMap{}));
    fill(Var::RequestBody, Value(""));
    if (r.has(Var::RequestHeaders) && !r.get(Var::RequestHeaders).isNull()) {
        for (const auto &[name, value] : r.get(Var::RequestHeaders).toMap()) {
            for (char c : name)
                if (c >= 'A' && c <= 'Z') {
                    error = "'request.headers' names must be lower-case ('" + name + "')";
                    return false;
                }
            if (!value.isString()) {
                error = "'request.headers." + name + "' must be a string";
                return false;
            }
        }
    } else {
        r.set(Var::RequestHeaders, Value(ValueMap{}));
    }
    if (!r.has(Var::RequestContentType) || r.get(Var::RequestContentType).isNull()) {
        const Value &ct = r.get(Var::RequestHeaders).member("content-type");
        r.set(Var::RequestContentType, ct.isString() ? ct : Value());
    }
    if (!r.has(Var::RequestUrl) || r.get(Var::RequestUrl).isNull()) {
        const std::string scheme = r.get(Var::DestinationProtocol).toString() == "http" ? "http" : "https";
        const std::int64_t port = r.get(Var::DestinationPort).toInt();
        const std::string &host = r.get(Var::DestinationHost).toString();
        std::string url = scheme + "://" + (host.find(':') != std::string::npos ? "[" + host + "]" : host);
        if (port != (scheme == "http" ? 80 : 443))
            url += ":" + std::to_string(port);
        url += r.get(Var::RequestPath).toString();
        r.set(Var::RequestUrl, Value(std::move(url)));
    }
    if (!r.has(Var::RequestBytes) || r.get(Var::RequestBytes).toInt() == 0)
        r.set(Var::RequestBytes, Value(static_cast<std::int64_t>(r.get(Var::RequestBody).toString().size())));
    return true;
}

} // namespace

Value valueFromJson(const QJsonValue &v) { return fromJsonValueImpl(v); }

std::string Request::identity() const
{
    const auto &n = get(Var::ToolName);
    return n.isString() && !n.toString().empty() ? n.toString() : std::string("agent");
}

std::optional<Request> Request::fromJson(std::string_view json, std::string &error)
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
    if (const auto es = file.value(QLatin1StringView("expanded_size")); es.isDouble())
        r.expandedSize = static_cast<std::int64_t>(es.toDouble());

    auto require = [&](Var v, const char *what) {
        if (!r.has(v) || r.get(v).isNull()) {
            error = std::string(triggerName(r.trigger)) + " request needs '" + what + "'";
            return false;
        }
        return true;
    };
    switch (r.trigger) {
    case Trigger::ToolCall:
        if (!require(Var::ToolName, "tool.name"))
            return std::nullopt;
        if (!r.has(Var::ToolArgs))
            r.vars[static_cast<std::size_t>(Var::ToolArgs)] = Value(ValueMap{});
        break;
    case Trigger::DataOutput:
        if (!require(Var::Output, "output"))
            return std::nullopt;
        break;
    case Trigger::AgentResponse:
        if (!require(Var::Response, "response"))
            return std::nullopt;
        break;
    case Trigger::NetworkEgress:
        if (!require(Var::DestinationHost, "destination.host") || !require(Var::DestinationPort, "destination.port"))
            return std::nullopt;
        if (r.get(Var::DestinationPort).toInt() < 1 || r.get(Var::DestinationPort).toInt() > 65535) {
            error = "'destination.port' must be 1..65535";
            return std::nullopt;
        }
        if (!r.has(Var::DestinationProtocol))
            r.vars[static_cast<std::size_t>(Var::DestinationProtocol)] = Value("https");
        if (!r.has(Var::RequestBytes))
            r.vars[static_cast<std::size_t>(Var::RequestBytes)] = Value(std::int64_t(0));
        if (!completeInspected(r, error))
            return std::nullopt;
        break;
    case Trigger::FileAccess: {
        if (!require(Var::FilePath, "file.path") || !require(Var::FileOperation, "file.operation"))
            return std::nullopt;
        static const char *ops[] = {"read", "write", "create", "delete", "list", "symlink"};
        const auto &op = r.get(Var::FileOperation).toString();
        bool ok = false;
        for (const char *o : ops)
            ok = ok || op == o;
        if (!ok) {
            error = "unknown file.operation '" + op + "' (read, write, create, delete, list, symlink)";
            return std::nullopt;
        }
        if (!r.has(Var::FileSize))
            r.vars[static_cast<std::size_t>(Var::FileSize)] = Value(std::int64_t(0));
        break;
    }
    }
    return r;
}

std::string Request::toJson() const
{
    std::string out = "{\"trigger\":";
    appendJsonString(out, triggerName(trigger));
    if (ts) {
        out += ",\"ts\":";
        appendJsonNumber(out, *ts);
    }
    if (cost != 0) {
        out += ",\"cost\":";
        appendJsonNumber(out, cost);
    }
    // Variables are declared grouped (tool.*, session.*, ...): write each
    // run of one prefix as one JSON object.
    std::string group;
    auto closeGroup = [&] {
        if (!group.empty()) {
            if (group == "file") {
                if (linkTarget) {
                    out += ",\"target\":";
                    appendJsonString(out, *linkTarget);
                }
                if (expandedSize)
                    out += ",\"expanded_size\":" + std::to_string(*expandedSize);
            }
            out += '}';
        }
        group.clear();
    };
    for (const auto &vi : allVars()) {
        if (!has(vi.var))
            continue;
        const auto dot = vi.name.find('.');
        const std::string g = dot == std::string_view::npos ? std::string() : std::string(vi.name.substr(0, dot));
        const std::string_view leaf = dot == std::string_view::npos ? vi.name : vi.name.substr(dot + 1);
        if (g.empty()) {
            closeGroup();
            out += ',';
        } else if (g != group) {
            closeGroup();
            out += ',';
            appendJsonString(out, g);
            out += ":{";
            group = g;
        } else {
            out += ',';
        }
        appendJsonString(out, leaf);
        out += ':';
        get(vi.var).appendJson(out);
    }
    closeGroup();
    out += '}';
    return out;
}

} // namespace osh
