#include "request.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonParseError>

#include <simdjson.h>

#include <algorithm>
#include <cmath>
#include <cstring>

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

namespace {

namespace sj = simdjson::dom;

// A JSON number as the condition language has it: whole numbers of at most
// 9e15 in magnitude are ints (exact in a double, so a request reads the
// same whichever JSON reader produced it), the others doubles.
Value numberValue(double d)
{
    if (std::floor(d) == d && std::fabs(d) < 9.0e15)
        return Value(static_cast<std::int64_t>(d));
    return Value(d);
}

double numberOf(const sj::element &e)
{
    switch (e.type()) {
    case sj::element_type::INT64: return static_cast<double>(e.get_int64().value_unsafe());
    case sj::element_type::UINT64: return static_cast<double>(e.get_uint64().value_unsafe());
    default: return e.get_double().value_unsafe();
    }
}

bool isWhole(const sj::element &e)
{
    if (e.type() == sj::element_type::INT64 || e.type() == sj::element_type::UINT64)
        return true;
    if (e.type() != sj::element_type::DOUBLE)
        return false;
    const double d = e.get_double().value_unsafe();
    return std::floor(d) == d;
}

// The members of one object that a request may have, each in the slot of
// its key (keys[i] -> value[i]).
template <std::size_t N>
struct Members
{
    std::array<sj::element, N> value{};
    std::bitset<N> present;
    const sj::element *get(std::size_t i) const { return present.test(i) ? &value[i] : nullptr; }
};

class RequestReader
{
public:
    explicit RequestReader(Request &r) : m_r(r) {}
    std::string error;

    // Reads obj's members into out. An unknown key is an error (the first
    // in byte order when there are several), then a key given twice.
    template <std::size_t N>
    bool members(const sj::object &obj, const std::array<std::string_view, N> &keys, std::string_view prefix,
                 Members<N> &out)
    {
        std::string_view unknown, duplicate;
        bool anyUnknown = false, anyDuplicate = false;
        for (const sj::key_value_pair kv : obj) {
            std::size_t i = 0;
            while (i < N && keys[i] != kv.key)
                ++i;
            if (i == N) {
                if (!anyUnknown || kv.key < unknown)
                    unknown = kv.key;
                anyUnknown = true;
            } else if (out.present.test(i)) {
                if (!anyDuplicate)
                    duplicate = kv.key;
                anyDuplicate = true;
            } else {
                out.present.set(i);
                out.value[i] = kv.value;
            }
        }
        if (anyUnknown || anyDuplicate) {
            error = std::string(anyUnknown ? "unknown field '" : "duplicate field '") + std::string(prefix)
                    + std::string(anyUnknown ? unknown : duplicate) + "'";
            return false;
        }
        return true;
    }

    // The object member `key` of root (absent: out stays empty).
    template <std::size_t M>
    bool object(const sj::element *member, const char *key, const std::array<std::string_view, M> &keys,
                Members<M> &out)
    {
        if (!member)
            return true;
        if (!member->is_object()) {
            error = std::string("'") + key + "' must be an object";
            return false;
        }
        return members(member->get_object().value_unsafe(), keys, std::string(key) + ".", out);
    }

    bool field(const sj::element *v, Var var, VarType type, const char *path)
    {
        if (!v)
            return true;
        if (v->is_null()) {
            m_r.set(var, Value());
            return true;
        }
        bool ok = false;
        switch (type) {
        case VarType::String: ok = v->is_string(); break;
        case VarType::Int: ok = isWhole(*v); break;
        case VarType::Float: ok = v->is_number(); break;
        case VarType::Map: ok = v->is_object(); break;
        }
        if (!ok) {
            static const char *names[] = {"a string", "a whole number", "a number", "an object"};
            error = std::string("'") + path + "' must be " + names[static_cast<int>(type)];
            return false;
        }
        Value val;
        if (!value(*v, path, val))
            return false;
        if (type == VarType::Float && val.isInt())
            val = Value(static_cast<double>(val.toInt()));
        m_r.set(var, std::move(val));
        return true;
    }

    // Any JSON value as a Value; a key given twice in an object anywhere
    // below `path` is an error.
    bool value(const sj::element &e, const char *path, Value &out)
    {
        switch (e.type()) {
        case sj::element_type::BOOL: out = Value(e.get_bool().value_unsafe()); return true;
        case sj::element_type::INT64:
        case sj::element_type::UINT64:
        case sj::element_type::DOUBLE: out = numberValue(numberOf(e)); return true;
        case sj::element_type::STRING: out = Value(e.get_string().value_unsafe()); return true;
        case sj::element_type::ARRAY: {
            ValueList l;
            const sj::array arr = e.get_array().value_unsafe();
            for (const sj::element x : arr) {
                l.emplace_back();
                if (!value(x, path, l.back()))
                    return false;
            }
            out = Value(std::move(l));
            return true;
        }
        case sj::element_type::OBJECT: {
            ValueMap m;
            const sj::object obj = e.get_object().value_unsafe();
            for (const sj::key_value_pair kv : obj) {
                const auto [it, inserted] = m.try_emplace(std::string(kv.key));
                if (!inserted) {
                    error = "duplicate key '" + it->first + "' in '" + path + "'";
                    return false;
                }
                if (!value(kv.value, path, it->second))
                    return false;
            }
            out = Value(std::move(m));
            return true;
        }
        case sj::element_type::NULL_VALUE: out = Value(); return true;
        }
        return true;
    }

private:
    Request &m_r;
};

constexpr std::array<std::string_view, 11> kTopKeys = {"trigger", "ts", "cost", "tool", "session", "output",
                                                      "response", "destination", "destination_region", "request",
                                                      "file"};
enum Top { kTrigger, kTs, kCost, kTool, kSession, kOutput, kResponse, kDestination, kRegion, kRequest, kFile };
constexpr std::array<std::string_view, 4> kToolKeys = {"name", "args", "calls_in_last_minute", "server"};
constexpr std::array<std::string_view, 4> kSessionKeys = {"id", "total_cost", "tool_calls", "elapsed_seconds"};
constexpr std::array<std::string_view, 4> kDestinationKeys = {"host", "ip", "port", "protocol"};
constexpr std::array<std::string_view, 8> kRequestKeys = {"bytes", "method", "path",    "query",
                                                         "url",   "headers", "body", "content_type"};
constexpr std::array<std::string_view, 6> kFileKeys = {"path", "operation", "size", "extension", "target",
                                                      "expanded_size"};

// Where a syntax error is: simdjson names the error but not its place, so
// the text is read once more by Qt's parser, which reports the offset
// (this runs only for text that failed). 1-based line and byte column.
void locateSyntaxError(std::string_view json, simdjson::error_code code, Request::ParseError &error)
{
    QJsonParseError perr;
    QJsonDocument::fromJson(QByteArray::fromRawData(json.data(), static_cast<qsizetype>(json.size())), &perr);
    if (perr.error == QJsonParseError::NoError) {
        error.message = std::string("invalid JSON: ") + simdjson::error_message(code);
        return;
    }
    const auto offset = std::min<std::size_t>(static_cast<std::size_t>(std::max(0, perr.offset)), json.size());
    const auto lineStart = json.rfind('\n', offset == 0 ? 0 : offset - 1);
    error.line = 1 + static_cast<int>(std::count(json.begin(), json.begin() + static_cast<std::ptrdiff_t>(offset), '\n'));
    error.column = 1 + static_cast<int>(lineStart == std::string_view::npos || offset == 0 ? offset : offset - lineStart - 1);
    error.message = perr.errorString().toStdString();
}

// simdjson refuses integers outside the 64-bit ranges, which JSON allows
// and which other readers take as doubles (std::to_chars writes 2^64 as
// 18446744073709551616, so a stored request can hold one). Each integer
// literal of 19 digits or more outside strings gets ".0", which simdjson
// reads as the same double; nullopt when there is none.
std::optional<std::string> widenLongIntegers(std::string_view json)
{
    std::string out;
    bool changed = false;
    bool inString = false;
    out.reserve(json.size() + 16);
    for (std::size_t i = 0; i < json.size();) {
        const char c = json[i];
        if (inString) {
            const std::size_t n = c == '\\' && i + 1 < json.size() ? 2 : 1;
            out.append(json.substr(i, n));
            inString = c != '"';
            i += n;
            continue;
        }
        if (c != '-' && (c < '0' || c > '9')) {
            inString = c == '"';
            out += c;
            ++i;
            continue;
        }
        std::size_t j = i + (c == '-' ? 1 : 0);
        const std::size_t digitsFrom = j;
        while (j < json.size() && json[j] >= '0' && json[j] <= '9')
            ++j;
        const bool integer = j == json.size() || (json[j] != '.' && json[j] != 'e' && json[j] != 'E');
        // the fraction and exponent belong to the same literal: their
        // digits are not an integer of their own
        while (j < json.size()
               && ((json[j] >= '0' && json[j] <= '9') || json[j] == '.' || json[j] == 'e' || json[j] == 'E'
                   || ((json[j] == '+' || json[j] == '-') && (json[j - 1] == 'e' || json[j - 1] == 'E'))))
            ++j;
        out.append(json.substr(i, j - i));
        if (integer && j - digitsFrom >= 19) {
            out += ".0";
            changed = true;
        }
        i = j;
    }
    if (!changed)
        return std::nullopt;
    return out;
}

struct Scratch
{
    sj::parser parser;
    std::string padded;
};

} // namespace

std::optional<Request> Request::fromJson(std::string_view json, std::string &error)
{
    ParseError e;
    auto r = fromJson(json, e);
    if (!r)
        error = e.line > 0 ? "invalid JSON at line " + std::to_string(e.line) + ", column " + std::to_string(e.column)
                                 + ": " + e.message
                           : std::move(e.message);
    return r;
}

std::optional<Request> Request::fromJson(std::string_view json, ParseError &error)
{
    // One parser per thread, its buffers reused; a request of more than
    // 16 MiB gets a parser of its own so that no thread keeps that much.
    thread_local Scratch scratch;
    std::optional<Scratch> large;
    Scratch &s = json.size() > (std::size_t(1) << 24) ? large.emplace() : scratch;
    s.padded.resize(json.size() + simdjson::SIMDJSON_PADDING);
    std::memcpy(s.padded.data(), json.data(), json.size());
    sj::element root;
    auto code = s.parser.parse(s.padded.data(), json.size(), false).get(root);
    if (code == simdjson::NUMBER_ERROR) {
        if (const auto widened = widenLongIntegers(json)) {
            s.padded.resize(widened->size() + simdjson::SIMDJSON_PADDING);
            std::memcpy(s.padded.data(), widened->data(), widened->size());
            code = s.parser.parse(s.padded.data(), widened->size(), false).get(root);
        }
    }
    if (code) {
        locateSyntaxError(json, code, error);
        return std::nullopt;
    }
    if (!root.is_object()) {
        error.message = "a request must be a JSON object";
        return std::nullopt;
    }
    Request r;
    RequestReader p(r);
    Members<kTopKeys.size()> top;
    auto fail = [&] {
        error.message = std::move(p.error);
        return std::nullopt;
    };
    if (!p.members(root.get_object().value_unsafe(), kTopKeys, "", top))
        return fail();
    const sj::element *trig = top.get(kTrigger);
    if (!trig || !trig->is_string()) {
        error.message = "missing 'trigger' (tool_call, data_output, agent_response, network_egress or file_access)";
        return std::nullopt;
    }
    const std::string_view trigName = trig->get_string().value_unsafe();
    const auto t = triggerFromName(trigName);
    if (!t) {
        error.message = "unknown trigger '" + std::string(trigName) + "'";
        return std::nullopt;
    }
    r.trigger = *t;
    if (const sj::element *ts = top.get(kTs)) {
        if (!ts->is_number()) {
            error.message = "'ts' must be a number (seconds)";
            return std::nullopt;
        }
        r.ts = numberOf(*ts);
    }
    if (const sj::element *c = top.get(kCost)) {
        if (!c->is_number() || numberOf(*c) < 0) {
            error.message = "'cost' must be a number >= 0";
            return std::nullopt;
        }
        r.cost = numberOf(*c);
    }

    Members<kToolKeys.size()> tool;
    Members<kSessionKeys.size()> session;
    Members<kDestinationKeys.size()> dest;
    Members<kRequestKeys.size()> req;
    Members<kFileKeys.size()> file;
    if (!p.object(top.get(kTool), "tool", kToolKeys, tool)
        || !p.object(top.get(kSession), "session", kSessionKeys, session)
        || !p.object(top.get(kDestination), "destination", kDestinationKeys, dest)
        || !p.object(top.get(kRequest), "request", kRequestKeys, req)
        || !p.object(top.get(kFile), "file", kFileKeys, file)
        || !p.field(tool.get(0), Var::ToolName, VarType::String, "tool.name")
        || !p.field(tool.get(1), Var::ToolArgs, VarType::Map, "tool.args")
        || !p.field(tool.get(2), Var::ToolCallsInLastMinute, VarType::Int, "tool.calls_in_last_minute")
        || !p.field(tool.get(3), Var::ToolServer, VarType::String, "tool.server")
        || !p.field(session.get(0), Var::SessionId, VarType::String, "session.id")
        || !p.field(session.get(1), Var::SessionTotalCost, VarType::Float, "session.total_cost")
        || !p.field(session.get(2), Var::SessionToolCalls, VarType::Int, "session.tool_calls")
        || !p.field(session.get(3), Var::SessionElapsedSeconds, VarType::Float, "session.elapsed_seconds")
        || !p.field(top.get(kOutput), Var::Output, VarType::String, "output")
        || !p.field(top.get(kResponse), Var::Response, VarType::String, "response")
        || !p.field(dest.get(0), Var::DestinationHost, VarType::String, "destination.host")
        || !p.field(dest.get(1), Var::DestinationIp, VarType::String, "destination.ip")
        || !p.field(dest.get(2), Var::DestinationPort, VarType::Int, "destination.port")
        || !p.field(dest.get(3), Var::DestinationProtocol, VarType::String, "destination.protocol")
        || !p.field(top.get(kRegion), Var::DestinationRegion, VarType::String, "destination_region")
        || !p.field(req.get(0), Var::RequestBytes, VarType::Int, "request.bytes")
        || !p.field(req.get(1), Var::RequestMethod, VarType::String, "request.method")
        || !p.field(req.get(2), Var::RequestPath, VarType::String, "request.path")
        || !p.field(req.get(3), Var::RequestQuery, VarType::Map, "request.query")
        || !p.field(req.get(4), Var::RequestUrl, VarType::String, "request.url")
        || !p.field(req.get(5), Var::RequestHeaders, VarType::Map, "request.headers")
        || !p.field(req.get(6), Var::RequestBody, VarType::String, "request.body")
        || !p.field(req.get(7), Var::RequestContentType, VarType::String, "request.content_type")
        || !p.field(file.get(0), Var::FilePath, VarType::String, "file.path")
        || !p.field(file.get(1), Var::FileOperation, VarType::String, "file.operation")
        || !p.field(file.get(2), Var::FileSize, VarType::Int, "file.size")
        || !p.field(file.get(3), Var::FileExtension, VarType::String, "file.extension"))
        return fail();
    if (const sj::element *tgt = file.get(4); tgt && tgt->is_string())
        r.linkTarget = std::string(tgt->get_string().value_unsafe());
    if (const sj::element *es = file.get(5); es && es->is_number()) {
        const double d = numberOf(*es);
        if (!(d >= 0 && d < 9.2e18)) {
            error.message = "'file.expanded_size' must be a number of bytes (0 to 2^63)";
            return std::nullopt;
        }
        r.expandedSize = static_cast<std::int64_t>(d);
    }
    if (!completeParsed(r, error.message))
        return std::nullopt;
    return r;
}

bool Request::completeParsed(Request &r, std::string &error)
{
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
            return false;
        if (!r.has(Var::ToolArgs))
            r.vars[static_cast<std::size_t>(Var::ToolArgs)] = Value(ValueMap{});
        break;
    case Trigger::DataOutput:
        if (!require(Var::Output, "output"))
            return false;
        break;
    case Trigger::AgentResponse:
        if (!require(Var::Response, "response"))
            return false;
        break;
    case Trigger::NetworkEgress:
        if (!require(Var::DestinationHost, "destination.host") || !require(Var::DestinationPort, "destination.port"))
            return false;
        if (r.get(Var::DestinationPort).toInt() < 1 || r.get(Var::DestinationPort).toInt() > 65535) {
            error = "'destination.port' must be 1..65535";
            return false;
        }
        if (!r.has(Var::DestinationProtocol))
            r.vars[static_cast<std::size_t>(Var::DestinationProtocol)] = Value("https");
        if (!r.has(Var::RequestBytes))
            r.vars[static_cast<std::size_t>(Var::RequestBytes)] = Value(std::int64_t(0));
        if (!completeInspected(r, error))
            return false;
        break;
    case Trigger::FileAccess: {
        if (!require(Var::FilePath, "file.path") || !require(Var::FileOperation, "file.operation"))
            return false;
        static const char *ops[] = {"read", "write", "create", "delete", "list", "symlink"};
        const auto &op = r.get(Var::FileOperation).toString();
        bool ok = false;
        for (const char *o : ops)
            ok = ok || op == o;
        if (!ok) {
            error = "unknown file.operation '" + op + "' (read, write, create, delete, list, symlink)";
            return false;
        }
        if (!r.has(Var::FileSize))
            r.vars[static_cast<std::size_t>(Var::FileSize)] = Value(std::int64_t(0));
        break;
    }
    }
    return true;
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
