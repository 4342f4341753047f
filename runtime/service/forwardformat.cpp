// Forwarding destinations and their wire formats: RFC 5424 syslog framed by
// octet counting, CEF records, and the URL forms openshelld accepts.

#include "forwardformat.h"

#include "audit/audittime.h"
#include "util/sha256.h"

#include <QUrl>
#include <QUrlQuery>

#include <arpa/inet.h>

#include <algorithm>
#include <iterator>
#include <vector>

#include <cmath>

namespace osh::service {

namespace {

bool setError(std::string *error, const std::string &message)
{
    if (error)
        *error = message;
    return false;
}

// RFC 5424 PRINTUSASCII, at most max characters, "-" when nothing is left.
std::string printable(std::string_view s, std::size_t max)
{
    std::string out;
    for (const char c : s) {
        if (out.size() == max)
            break;
        out += (c > 32 && c < 127) ? c : '_';
    }
    return out.empty() ? std::string("-") : out;
}

// A PARAM-VALUE: '"', '\' and ']' escaped with a backslash.
void appendParamValue(std::string &out, std::string_view v)
{
    for (const char c : v) {
        if (c == '"' || c == '\\' || c == ']')
            out += '\\';
        out += c;
    }
}

int syslogSeverity(const std::string &severity)
{
    if (severity == "critical")
        return 2;
    if (severity == "warning")
        return 4;
    return 6; // informational
}

int cefSeverity(const std::string &severity)
{
    if (severity == "critical")
        return 9;
    if (severity == "warning")
        return 6;
    return 3;
}

// CEF header fields: '\' and '|' escaped; line breaks become spaces.
void appendCefHeader(std::string &out, std::string_view v)
{
    for (const char c : v) {
        if (c == '\\' || c == '|')
            out += '\\';
        out += (c == '\r' || c == '\n') ? ' ' : c;
    }
}

// CEF extension values: '\' and '=' escaped, line breaks as \r and \n.
void appendCefValue(std::string &out, std::string_view v)
{
    for (const char c : v) {
        if (c == '\\' || c == '=')
            out += '\\';
        if (c == '\n')
            out += "\\n";
        else if (c == '\r')
            out += "\\r";
        else
            out += c;
    }
}

void cefField(std::string &out, const char *key, std::string_view value)
{
    if (value.empty())
        return;
    if (out.back() != '|')
        out += ' ';
    out += key;
    out += '=';
    appendCefValue(out, value);
}

// A custom field with its label ("cs2Label=policy cs2=..."), when it has a value.
void cefCustom(std::string &out, const std::string &key, const char *label, std::string_view value)
{
    if (value.empty())
        return;
    cefField(out, (key + "Label").c_str(), label);
    cefField(out, key.c_str(), value);
}

} // namespace

bool isLoopbackHost(const std::string &host)
{
    in_addr v4{};
    if (::inet_pton(AF_INET, host.c_str(), &v4) == 1)
        return (ntohl(v4.s_addr) >> 24) == 127;
    in6_addr v6{};
    if (::inet_pton(AF_INET6, host.c_str(), &v6) == 1)
        return IN6_IS_ADDR_LOOPBACK(&v6);
    return false;
}

std::optional<ForwardTarget> ForwardTarget::parse(const std::string &text, std::string *error)
{
    const QUrl url(QString::fromStdString(text), QUrl::StrictMode);
    if (!url.isValid() || url.host().isEmpty()) {
        setError(error, "'" + text + "' is not a URL (expected syslog://HOST:PORT, syslog+tls://HOST:PORT, "
                        "http://HOST:PORT/PATH or https://HOST:PORT/PATH)");
        return std::nullopt;
    }
    ForwardTarget t;
    t.display = text;
    const QString scheme = url.scheme();
    if (scheme == QLatin1StringView("syslog") || scheme == QLatin1StringView("syslog+tls")) {
        t.kind = Kind::Syslog;
        t.tls = scheme == QLatin1StringView("syslog+tls");
    } else if (scheme == QLatin1StringView("http") || scheme == QLatin1StringView("https")) {
        t.kind = Kind::Http;
        t.tls = scheme == QLatin1StringView("https");
    } else {
        setError(error, "'" + text + "': unknown scheme '" + scheme.toStdString()
                            + "' (expected syslog, syslog+tls, http or https)");
        return std::nullopt;
    }
    if (!url.userInfo().isEmpty() || url.hasFragment()) {
        setError(error, "'" + text + "': no user, password or fragment here (a bearer token goes in token_file=FILE)");
        return std::nullopt;
    }
    if (url.port() <= 0) {
        setError(error, "'" + text + "': the port is missing");
        return std::nullopt;
    }
    t.host = url.host().toStdString();
    t.port = static_cast<std::uint16_t>(url.port());
    if (t.kind == Kind::Syslog && !url.path().isEmpty()) {
        setError(error, "'" + text + "': a syslog destination has no path");
        return std::nullopt;
    }
    if (t.kind == Kind::Http)
        t.path = url.path().isEmpty() ? std::string("/") : url.path(QUrl::FullyEncoded).toStdString();
    const QUrlQuery query(url);
    for (const auto &[k, v] : query.queryItems(QUrl::FullyDecoded)) {
        const std::string key = k.toStdString();
        const std::string value = v.toStdString();
        if (key == "format" && t.kind == Kind::Syslog) {
            if (value == "ocsf")
                t.format = Format::Ocsf;
            else if (value == "cef")
                t.format = Format::Cef;
            else {
                setError(error, "'" + text + "': format '" + value + "' (expected ocsf or cef)");
                return std::nullopt;
            }
        } else if (key == "ca" && t.tls) {
            t.caFile = value;
        } else if (key == "token_file" && t.kind == Kind::Http) {
            t.tokenFile = value;
        } else if (key == "max_message" && t.kind == Kind::Syslog) {
            bool ok = false;
            const qulonglong n = v.toULongLong(&ok);
            if (!ok || n < ForwardTarget::kMinMaxMessage || n > ForwardTarget::kMaxMaxMessage) {
                setError(error, "'" + text + "': max_message must be a number of bytes from "
                                    + std::to_string(ForwardTarget::kMinMaxMessage) + " to "
                                    + std::to_string(ForwardTarget::kMaxMaxMessage));
                return std::nullopt;
            }
            t.maxMessage = static_cast<std::size_t>(n);
        } else if (key == "peer_uid" && !t.tls) {
            bool ok = false;
            t.peerUid = v.toUInt(&ok);
            if (!ok || t.peerUid == 0xffffffffu) {
                setError(error, "'" + text + "': peer_uid '" + value + "' is not a uid");
                return std::nullopt;
            }
        } else {
            setError(error, "'" + text + "': unknown parameter '" + key + "' here (syslog: format, max_message; http: "
                                "token_file; both: ca with TLS, peer_uid without)");
            return std::nullopt;
        }
        if (value.empty() || ((key == "ca" || key == "token_file") && value.front() != '/')) {
            setError(error, "'" + text + "': " + key + " must be " + (key == "format" ? "ocsf or cef" : "an absolute path"));
            return std::nullopt;
        }
    }
    if (!t.tls && !isLoopbackHost(t.host)) {
        setError(error, "'" + text + "': without TLS only to a loopback address (127.0.0.0/8, ::1); audit records "
                            "and tokens do not cross a network in clear text: use "
                            + std::string(t.kind == Kind::Syslog ? "syslog+tls://" : "https://"));
        return std::nullopt;
    }
    return t;
}

std::string syslogMessage(const SyslogHeader &h, const AuditEvent &e, const std::string &uid,
                          std::string_view payload)
{
    std::string m = "<" + std::to_string(13 * 8 + syslogSeverity(e.severity)) + ">1 ";
    m += std::isfinite(e.ts) ? audit::formatIsoUtc(e.ts) : std::string("-");
    m += ' ';
    m += printable(h.hostname, 255);
    m += ' ';
    m += printable(h.appName, 48);
    m += ' ';
    m += h.procId > 0 ? std::to_string(h.procId) : std::string("-");
    m += ' ';
    m += printable(e.type, 32);
    m += " [openshell@32473 uid=\"";
    appendParamValue(m, uid);
    m += "\" session=\"";
    appendParamValue(m, e.sessionId);
    m += "\" seq=\"" + std::to_string(e.seq) + "\"";
    if (!e.chain.empty()) {
        m += " chain=\"";
        appendParamValue(m, e.chain);
        m += '"';
    }
    m += "] ";
    m += payload;
    return m;
}

void appendOctetCounted(std::string &out, const std::string &message)
{
    out += std::to_string(message.size());
    out += ' ';
    out += message;
}

std::string cefRecord(const AuditEvent &e, const std::string &productVersion)
{
    std::string out = "CEF:0|OpenShell|OpenShell Studio|";
    appendCefHeader(out, productVersion);
    out += '|';
    appendCefHeader(out, e.decision.empty() ? e.type : e.type + ":" + e.decision);
    out += '|';
    std::string name = e.message;
    if (name.empty())
        name = e.decision.empty() ? e.type : e.type + " " + e.decision;
    appendCefHeader(out, name.substr(0, 512));
    out += '|' + std::to_string(cefSeverity(e.severity)) + '|';
    if (std::isfinite(e.ts))
        cefField(out, "rt", std::to_string(static_cast<long long>(std::llround(e.ts * 1000.0))));
    cefField(out, "externalId", audit::ocsfUid(e));
    cefField(out, "act", e.decision);
    cefField(out, "msg", e.message);
    cefCustom(out, "cs1", "session", e.sessionId);
    cefCustom(out, "cn1", "seq", std::to_string(e.seq));
    cefCustom(out, "cs2", "policy", e.policy);
    cefCustom(out, "cs3", "tool", e.tool);
    cefCustom(out, "cs4", "layer", e.layer);
    cefCustom(out, "cs5", "chain", e.chain);
    cefCustom(out, "cs6", "policy_hash", e.policyHash);
    return out;
}

namespace {

// The event's syslog messages (the event's, and its finding's in OCSF).
std::vector<std::string> syslogMessages(const ForwardTarget &t, const SyslogHeader &h, const AuditEvent &e,
                                        const audit::OcsfContext &ctx, const std::string &productVersion)
{
    const std::string uid = audit::ocsfUid(e);
    if (t.format == ForwardTarget::Format::Cef)
        return {syslogMessage(h, e, uid, cefRecord(e, productVersion))};
    std::vector<std::string> out;
    std::string json;
    audit::appendOcsfJson(json, e, ctx);
    out.push_back(syslogMessage(h, e, uid, json));
    if (audit::hasOcsfFinding(e)) {
        json.clear();
        audit::appendOcsfFindingJson(json, e, ctx);
        out.push_back(syslogMessage(h, e, uid + "#finding", json));
    }
    return out;
}

bool fits(const std::vector<std::string> &messages, std::size_t max)
{
    return std::all_of(messages.begin(), messages.end(), [max](const std::string &m) { return m.size() <= max; });
}

} // namespace

void appendSyslogFrames(std::string &out, const ForwardTarget &t, const SyslogHeader &h, const AuditEvent &e,
                        const audit::OcsfContext &ctx, const std::string &productVersion)
{
    std::vector<std::string> messages = syslogMessages(t, h, e, ctx, productVersion);
    if (!fits(messages, t.maxMessage)) {
        // The largest fields give way to their size and hash, one at a time.
        AuditEvent small = e;
        std::string *fields[] = {&small.trace, &small.request, &small.parameters, &small.message, &small.tool,
                                 &small.policy};
        std::sort(std::begin(fields), std::end(fields), [](const std::string *a, const std::string *b) {
            return a->size() > b->size();
        });
        for (std::string *f : fields) {
            if (f->size() <= 96)
                break;
            const std::string stub = "{\"not_forwarded\":true,\"bytes\":" + std::to_string(f->size())
                + ",\"sha256\":\"" + sha256Hex(*f) + "\"}";
            *f = f == &small.message || f == &small.tool || f == &small.policy
                ? "[not forwarded: " + std::to_string(f->size()) + " bytes, sha256 " + sha256Hex(*f) + "]"
                : stub;
            messages = syslogMessages(t, h, small, ctx, productVersion);
            if (fits(messages, t.maxMessage))
                break;
        }
    }
    for (std::string &m : messages) {
        // What still does not fit (a session id or a type near the store's
        // own caps) is cut here, never by the collector.
        if (m.size() > t.maxMessage)
            m.resize(t.maxMessage);
        appendOctetCounted(out, m);
    }
}

} // namespace osh::service
