#include "egressaudit.h"

#include "pii/piidetector.h"
#include "pii/piivalue.h"
#include "replay/piisurrogate.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <array>
#include <bitset>
#include <exception>
#include <string_view>

namespace osh::runtime {

namespace {

constexpr std::size_t kBodyKept = 16 * 1024;

bool isCredentialHeader(std::string_view name)
{
    static constexpr std::array<std::string_view, 8> kNames{"authorization", "proxy-authorization", "cookie",
        "x-api-key", "api-key", "x-auth-token", "x-amz-security-token", "x-goog-api-key"};
    for (auto n : kNames)
        if (n == name)
            return true;
    return false;
}

// %XX decoded, '+' kept (it is a space only in a form-encoded query).
std::string percentDecoded(const std::string &s)
{
    std::string out;
    out.reserve(s.size());
    auto hex = [](char c) {
        return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
    };
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '%' && i + 2 < s.size() && hex(s[i + 1]) >= 0 && hex(s[i + 2]) >= 0) {
            out += static_cast<char>(hex(s[i + 1]) * 16 + hex(s[i + 2]));
            i += 2;
        } else {
            out += s[i];
        }
    }
    return out;
}

QJsonValue cleanRead(const QString &name, const QJsonValue &v)
{
    // request.headers.<credential> read on its own, or inside the map.
    if (name.startsWith(QLatin1StringView("request.headers."))
        && isCredentialHeader(name.mid(16).toStdString()))
        return QStringLiteral("[hidden]");
    if (name == QLatin1StringView("request.headers") && v.isObject()) {
        QJsonObject h = v.toObject();
        for (auto it = h.begin(); it != h.end(); ++it)
            if (isCredentialHeader(it.key().toStdString()))
                it.value() = QStringLiteral("[hidden]");
        return h;
    }
    if (v.isString() && v.toString().size() > static_cast<qsizetype>(kBodyKept))
        return QString(v.toString().left(static_cast<qsizetype>(kBodyKept)) + QStringLiteral("[... cut]"));
    return v;
}

// The decision as the audit keeps it: what its policies read goes through
// the same hiding and cutting as the request, and so does a redacted output.
std::string cleanTrace(const osh::Decision &decision)
{
    QJsonObject o = QJsonDocument::fromJson(QByteArray::fromStdString(decision.toJson())).object();
    if (const auto out = o.value(QLatin1StringView("output")); out.isString() && out.toString().size() > static_cast<qsizetype>(kBodyKept))
        o.insert(QStringLiteral("output"), QString(out.toString().left(static_cast<qsizetype>(kBodyKept)) + QStringLiteral("[... cut]")));
    QJsonArray trace = o.value(QLatin1StringView("trace")).toArray();
    for (auto entry = trace.begin(); entry != trace.end(); ++entry) {
        QJsonObject e = entry->toObject();
        if (!e.contains(QLatin1StringView("reads")))
            continue;
        QJsonObject reads = e.value(QLatin1StringView("reads")).toObject();
        for (auto it = reads.begin(); it != reads.end(); ++it)
            it.value() = cleanRead(it.key(), it.value());
        e.insert(QStringLiteral("reads"), reads);
        *entry = e;
    }
    o.insert(QStringLiteral("trace"), trace);
    return QJsonDocument(o).toJson(QJsonDocument::Compact).toStdString();
}

} // namespace

EgressAuditText egressAuditText(const osh::Request &request, const osh::Decision &decision)
{
    osh::Request kept = request;
    if (const auto &h = request.get(osh::Var::RequestHeaders); h.isMap()) {
        osh::ValueMap m;
        for (const auto &[name, value] : h.toMap())
            m.emplace(name, isCredentialHeader(name)
                          ? osh::Value("[hidden: " + std::to_string(value.toString().size()) + " bytes]")
                          : value);
        kept.set(osh::Var::RequestHeaders, osh::Value(std::move(m)));
    }
    for (const osh::Var v : {osh::Var::RequestBody, osh::Var::Output}) {
        const auto &b = request.get(v);
        if (!b.isString() || b.toString().size() <= kBodyKept)
            continue;
        std::string cut = b.toString().substr(0, kBodyKept);
        // Never end inside a UTF-8 sequence.
        while (!cut.empty() && (static_cast<unsigned char>(cut.back()) & 0xC0) == 0x80)
            cut.pop_back();
        if (!cut.empty() && static_cast<unsigned char>(cut.back()) >= 0xC0)
            cut.pop_back();
        cut += "[... " + std::to_string(b.toString().size()) + " bytes in all]";
        kept.set(v, osh::Value(std::move(cut)));
    }
    // The URL as sent may hide PII behind %-escapes ("4111%201111..."): the
    // audit keeps it decoded, so redaction sees what the origin would.
    if (const auto &u = request.get(osh::Var::RequestUrl); u.isString())
        kept.set(osh::Var::RequestUrl, osh::Value(percentDecoded(u.toString())));

    // What the request carries is redacted value by value; the destination
    // (host, address, port) is what the decision is about and stays.
    std::bitset<osh::kVarCount> content;
    for (const osh::Var v : {osh::Var::RequestPath, osh::Var::RequestQuery, osh::Var::RequestUrl, osh::Var::RequestHeaders,
                             osh::Var::RequestBody, osh::Var::RequestContentType, osh::Var::Output, osh::Var::ToolArgs})
        content.set(static_cast<std::size_t>(v));
    osh::Request shown = kept;
    for (std::size_t i = 0; i < osh::kVarCount; ++i) {
        if (!content.test(i) || !shown.given.test(i))
            continue;
        try {
            shown.vars[i] = osh::pii::redactInValue(shown.vars[i], osh::pii::PiiTypeSet::all());
        } catch (const std::exception &) {
            shown.vars[i] = osh::Value("[not recorded: could not be redacted]");
        }
    }
    const auto &pii = osh::pii::PiiDetector::instance();
    EgressAuditText out;
    out.parameters = shown.toJson();
    out.trace = pii.redact(cleanTrace(decision));
    out.message = pii.redact(decision.message);
    out.request = replay::surrogateRequestJson(kept, content).value_or(std::string());
    return out;
}

} // namespace osh::runtime
