#pragma once
// One API request as the route handlers see it: the caller, the route's
// captures, and the ways to answer (JSON, RFC 9457 problems). Fields reads
// a JSON body strictly: unknown members, wrong types and out-of-range
// values are answered with 400 and the member's name; the first problem
// wins and later reads are no-ops.

#include "access.h"
#include "httpserver.h"
#include "apiservice.h"
#include "sessionregistry.h"

#include "util/value.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <initializer_list>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace osh::service {

class ApiService::Call
{
public:
    explicit Call(std::shared_ptr<Exchange> ex) : m_ex(std::move(ex)) {}

    Principal who;
    int route = -1;
    std::vector<std::string> captures;

    const HttpRequest &request() const { return m_ex->request(); }
    const std::shared_ptr<Exchange> &exchange() { m_answered = true; return m_ex; }
    bool answered() const { return m_answered.load(); }

    void respond(int status, const std::string &contentType, std::string body,
                 std::vector<std::pair<std::string, std::string>> headers = {})
    {
        m_answered = true;
        HttpResponse r;
        r.status = status;
        r.contentType = contentType;
        r.body = std::move(body);
        r.headers = std::move(headers);
        m_ex->respond(std::move(r));
    }
    void json(int status, std::string body, std::vector<std::pair<std::string, std::string>> headers = {})
    {
        respond(status, "application/json", std::move(body), std::move(headers));
    }
    void empty(int status) { respond(status, "application/json", {}); }

    // extra: member name -> JSON text (already encoded).
    void problem(int status, const std::string &slug, const std::string &detail, const std::string &field = {},
                 std::vector<std::pair<std::string, std::string>> extra = {},
                 std::vector<std::pair<std::string, std::string>> headers = {})
    {
        std::string b = "{\"type\":";
        appendJsonString(b, "urn:openshell:problem:" + slug);
        b += ",\"title\":";
        appendJsonString(b, title(status));
        b += ",\"status\":" + std::to_string(status) + ",\"detail\":";
        appendJsonString(b, detail);
        b += ",\"instance\":";
        appendJsonString(b, request().path.substr(0, 512));
        if (!field.empty()) {
            b += ",\"field\":";
            appendJsonString(b, field);
        }
        for (const auto &[k, v] : extra) {
            b += ',';
            appendJsonString(b, k);
            b += ':' + v;
        }
        b += '}';
        respond(status, "application/problem+json", std::move(b), std::move(headers));
    }

    // The body as a JSON object; nullopt after answering the problem.
    // allowEmpty: no body at all reads as {}.
    std::optional<QJsonObject> body(bool allowEmpty = false)
    {
        const std::string &b = request().body;
        if (b.empty() && allowEmpty)
            return QJsonObject();
        const std::string *type = request().header("content-type");
        if (!type || type->compare(0, 16, "application/json") != 0) {
            problem(415, "unsupported-media-type", "the body must be application/json");
            return std::nullopt;
        }
        QJsonParseError err{};
        const QJsonDocument doc = QJsonDocument::fromJson(QByteArray::fromRawData(b.data(), static_cast<qsizetype>(b.size())), &err);
        if (err.error != QJsonParseError::NoError) {
            problem(400, "invalid-json", "the body is not valid JSON at byte " + std::to_string(err.offset) + ": "
                                             + err.errorString().toStdString());
            return std::nullopt;
        }
        if (!doc.isObject()) {
            problem(400, "invalid-json", "the body must be a JSON object");
            return std::nullopt;
        }
        return doc.object();
    }

    // --- query parameters ---
    std::optional<std::string> queryString(const std::string &name)
    {
        std::optional<std::string> v;
        for (const auto &[k, val] : request().query)
            if (k == name) {
                if (v) {
                    fail(name, "is given twice");
                    return std::nullopt;
                }
                v = val;
            }
        if (v && v->size() > 4096) {
            fail(name, "is too long");
            return std::nullopt;
        }
        return v;
    }
    std::optional<std::int64_t> queryInt(const std::string &name, std::int64_t min, std::int64_t max)
    {
        const auto v = queryString(name);
        if (!v)
            return std::nullopt;
        char *end = nullptr;
        errno = 0;
        const long long n = std::strtoll(v->c_str(), &end, 10);
        if (v->empty() || *end != '\0' || errno == ERANGE || n < min || n > max) {
            fail(name, "must be a whole number from " + std::to_string(min) + " to " + std::to_string(max));
            return std::nullopt;
        }
        return n;
    }
    std::optional<std::string> queryEnum(const std::string &name, std::initializer_list<const char *> allowed)
    {
        const auto v = queryString(name);
        if (!v)
            return std::nullopt;
        for (const char *a : allowed)
            if (*v == a)
                return v;
        fail(name, "must be one of " + join(allowed));
        return std::nullopt;
    }
    std::optional<std::vector<std::string>> queryList(const std::string &name, const std::vector<std::string> &allowed)
    {
        const auto v = queryString(name);
        if (!v)
            return std::nullopt;
        std::vector<std::string> out;
        std::size_t start = 0;
        while (start <= v->size()) {
            const std::size_t comma = std::min(v->find(',', start), v->size());
            const std::string item = v->substr(start, comma - start);
            if (!item.empty()) {
                if (std::find(allowed.begin(), allowed.end(), item) == allowed.end()) {
                    std::string all;
                    for (const auto &a : allowed)
                        all += (all.empty() ? "" : ", ") + a;
                    fail(name, "has '" + item.substr(0, 64) + "'; expected any of " + all);
                    return std::nullopt;
                }
                out.push_back(item);
            }
            start = comma + 1;
        }
        return out;
    }

    SessionRegistry::Entry *sessionOr404(SessionRegistry &reg, bool write);

private:
    void fail(const std::string &name, const std::string &why)
    {
        if (!answered())
            problem(400, "invalid-field", "the query parameter " + name + " " + why, name);
    }
    static std::string join(std::initializer_list<const char *> items)
    {
        std::string s;
        for (const char *i : items)
            s += (s.empty() ? "" : ", ") + std::string(i);
        return s;
    }
    static const char *title(int status)
    {
        switch (status) {
        case 400: return "Bad Request";
        case 401: return "Unauthorized";
        case 403: return "Forbidden";
        case 404: return "Not Found";
        case 405: return "Method Not Allowed";
        case 409: return "Conflict";
        case 413: return "Payload Too Large";
        case 415: return "Unsupported Media Type";
        case 422: return "Unprocessable Content";
        case 429: return "Too Many Requests";
        case 503: return "Service Unavailable";
        default: return "Internal Server Error";
        }
    }

    std::shared_ptr<Exchange> m_ex;
    std::atomic<bool> m_answered{false};
};

// Strict reads of a JSON object's members.
class Fields
{
public:
    Fields(ApiService::Call &call, const QJsonObject &object, std::initializer_list<const char *> known)
        : m_call(call), m_o(object)
    {
        for (auto it = object.begin(); it != object.end(); ++it) {
            const std::string key = it.key().toStdString();
            if (std::none_of(known.begin(), known.end(), [&](const char *k) { return key == k; })) {
                fail(key.substr(0, 128), "is not a known member");
                return;
            }
        }
    }

    bool failed() const { return m_failed || m_call.answered(); }

    std::optional<std::string> optString(const char *name, std::size_t maxBytes = 1u << 20) const
    {
        const QJsonValue v = m_o.value(QLatin1StringView(name));
        if (v.isUndefined() || failed())
            return std::nullopt;
        if (!v.isString())
            return fail(name, "must be a string"), std::nullopt;
        std::string s = v.toString().toStdString();
        if (s.size() > maxBytes)
            return fail(name, "is longer than " + std::to_string(maxBytes) + " bytes"), std::nullopt;
        if (s.find('\0') != std::string::npos)
            return fail(name, "must not contain NUL characters"), std::nullopt;
        return s;
    }
    std::optional<std::string> reqString(const char *name) const
    {
        if (!m_o.contains(QLatin1StringView(name)) && !failed())
            return fail(name, "is required"), std::nullopt;
        return optString(name);
    }
    std::optional<std::string> optEnum(const char *name, std::initializer_list<const char *> allowed) const
    {
        const auto s = optString(name, 64);
        if (!s)
            return std::nullopt;
        if (std::none_of(allowed.begin(), allowed.end(), [&](const char *a) { return *s == a; })) {
            std::string all;
            for (const char *a : allowed)
                all += (all.empty() ? "" : ", ") + std::string(a);
            return fail(name, "must be one of " + all), std::nullopt;
        }
        return s;
    }
    std::optional<bool> optBool(const char *name) const
    {
        const QJsonValue v = m_o.value(QLatin1StringView(name));
        if (v.isUndefined() || failed())
            return std::nullopt;
        if (!v.isBool())
            return fail(name, "must be true or false"), std::nullopt;
        return v.toBool();
    }
    std::optional<double> optNumber(const char *name, double min, double max) const
    {
        const QJsonValue v = m_o.value(QLatin1StringView(name));
        if (v.isUndefined() || failed())
            return std::nullopt;
        if (!v.isDouble() || !(v.toDouble() >= min && v.toDouble() <= max))
            return fail(name, "must be a number from " + trim(min) + " to " + trim(max)), std::nullopt;
        return v.toDouble();
    }
    std::optional<std::int64_t> optInt(const char *name, std::int64_t min, std::int64_t max) const
    {
        const auto d = optNumber(name, static_cast<double>(min), static_cast<double>(max));
        if (!d)
            return std::nullopt;
        if (*d != static_cast<double>(static_cast<std::int64_t>(*d)))
            return fail(name, "must be a whole number"), std::nullopt;
        return static_cast<std::int64_t>(*d);
    }
    std::optional<std::vector<std::string>> optStringList(const char *name, int minItems, int maxItems) const
    {
        const QJsonValue v = m_o.value(QLatin1StringView(name));
        if (v.isUndefined() || failed())
            return std::nullopt;
        if (!v.isArray())
            return fail(name, "must be an array of strings"), std::nullopt;
        const QJsonArray a = v.toArray();
        if (a.size() < minItems || a.size() > maxItems)
            return fail(name, "must hold " + std::to_string(minItems) + " to " + std::to_string(maxItems) + " items"), std::nullopt;
        std::vector<std::string> out;
        for (qsizetype i = 0; i < a.size(); ++i) {
            const std::string item = std::string(name) + "[" + std::to_string(i) + "]";
            if (!a[i].isString())
                return fail(item, "must be a string"), std::nullopt;
            out.push_back(a[i].toString().toStdString());
            if (out.back().find('\0') != std::string::npos || out.back().size() > 65536)
                return fail(item, "must be at most 64 KiB without NUL characters"), std::nullopt;
        }
        return out;
    }
    std::optional<std::vector<std::string>> reqStringList(const char *name, int minItems, int maxItems) const
    {
        if (!m_o.contains(QLatin1StringView(name)) && !failed())
            return fail(name, "is required"), std::nullopt;
        return optStringList(name, minItems, maxItems);
    }
    std::optional<std::map<std::string, std::string>> optStringMap(const char *name, int maxItems) const
    {
        const QJsonValue v = m_o.value(QLatin1StringView(name));
        if (v.isUndefined() || failed())
            return std::nullopt;
        if (!v.isObject())
            return fail(name, "must be an object of strings"), std::nullopt;
        const QJsonObject o = v.toObject();
        if (o.size() > maxItems)
            return fail(name, "must hold at most " + std::to_string(maxItems) + " members"), std::nullopt;
        std::map<std::string, std::string> out;
        for (auto it = o.begin(); it != o.end(); ++it) {
            if (!it.value().isString())
                return fail(std::string(name) + "." + it.key().toStdString().substr(0, 128), "must be a string"), std::nullopt;
            out.emplace(it.key().toStdString(), it.value().toString().toStdString());
        }
        return out;
    }

private:
    void fail(const std::string &name, const std::string &why) const
    {
        if (failed())
            return;
        m_failed = true;
        m_call.problem(400, "invalid-field", name + " " + why, name);
    }
    static std::string trim(double d)
    {
        std::string s = std::to_string(d);
        while (s.find('.') != std::string::npos && (s.back() == '0' || s.back() == '.'))
            s.pop_back();
        return s;
    }

    ApiService::Call &m_call;
    const QJsonObject &m_o;
    mutable bool m_failed = false;
};

} // namespace osh::service
