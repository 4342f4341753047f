#include "auditjson.h"

#include "audittime.h"
#include "util/value.h"

#include <cctype>

namespace osh::audit {

namespace {

// A strict, allocation-free JSON syntax check (RFC 8259), with a depth
// limit so a hostile record cannot overflow the stack.
class JsonChecker
{
public:
    explicit JsonChecker(std::string_view s) : m_s(s) {}

    bool check()
    {
        skipSpace();
        if (!value(0))
            return false;
        skipSpace();
        return m_i == m_s.size();
    }

private:
    static constexpr int kMaxDepth = 256;

    bool more() const { return m_i < m_s.size(); }
    char peek() const { return m_s[m_i]; }
    void skipSpace()
    {
        while (more() && (peek() == ' ' || peek() == '\t' || peek() == '\n' || peek() == '\r'))
            ++m_i;
    }
    bool literal(std::string_view word)
    {
        if (m_s.substr(m_i, word.size()) != word)
            return false;
        m_i += word.size();
        return true;
    }
    bool digits()
    {
        const auto start = m_i;
        while (more() && peek() >= '0' && peek() <= '9')
            ++m_i;
        return m_i > start;
    }
    bool number()
    {
        if (more() && peek() == '-')
            ++m_i;
        if (more() && peek() == '0')
            ++m_i;
        else if (!digits())
            return false;
        if (more() && peek() == '.') {
            ++m_i;
            if (!digits())
                return false;
        }
        if (more() && (peek() == 'e' || peek() == 'E')) {
            ++m_i;
            if (more() && (peek() == '+' || peek() == '-'))
                ++m_i;
            if (!digits())
                return false;
        }
        return true;
    }
    bool string()
    {
        ++m_i; // opening quote
        while (more()) {
            const auto c = static_cast<unsigned char>(m_s[m_i++]);
            if (c == '"')
                return true;
            if (c < 0x20)
                return false;
            if (c == '\\') {
                if (!more())
                    return false;
                const char e = m_s[m_i++];
                if (e == 'u') {
                    for (int k = 0; k < 4; ++k, ++m_i)
                        if (!more() || !std::isxdigit(static_cast<unsigned char>(peek())))
                            return false;
                } else if (std::string_view("\"\\/bfnrt").find(e) == std::string_view::npos) {
                    return false;
                }
            }
        }
        return false;
    }
    bool value(int depth)
    {
        if (!more() || depth > kMaxDepth)
            return false;
        switch (peek()) {
        case '{': return container(depth, '}', true);
        case '[': return container(depth, ']', false);
        case '"': return string();
        case 't': return literal("true");
        case 'f': return literal("false");
        case 'n': return literal("null");
        default: return number();
        }
    }
    bool container(int depth, char close, bool object)
    {
        ++m_i;
        skipSpace();
        if (more() && peek() == close) {
            ++m_i;
            return true;
        }
        for (;;) {
            skipSpace();
            if (object) {
                if (!more() || peek() != '"' || !string())
                    return false;
                skipSpace();
                if (!more() || peek() != ':')
                    return false;
                ++m_i;
                skipSpace();
            }
            if (!value(depth + 1))
                return false;
            skipSpace();
            if (!more())
                return false;
            const char c = m_s[m_i++];
            if (c == close)
                return true;
            if (c != ',')
                return false;
        }
    }

    std::string_view m_s;
    std::size_t m_i = 0;
};

void uintOrNull(std::string &out, const std::optional<std::uint32_t> &v)
{
    out += v ? std::to_string(*v) : std::string("null");
}

void timeOrNull(std::string &out, const std::optional<double> &ts)
{
    if (ts)
        appendJsonString(out, formatIsoUtc(*ts));
    else
        out += "null";
}

} // namespace

void appendJsonKey(std::string &out, const char *name)
{
    out += ",\"";
    out += name;
    out += "\":";
}

void appendStringOrNull(std::string &out, std::string_view s)
{
    if (s.empty())
        out += "null";
    else
        appendJsonString(out, s);
}

bool isJsonValue(std::string_view text)
{
    return JsonChecker(text).check();
}

void appendEmbeddedJson(std::string &out, std::string_view text)
{
    if (text.empty())
        out += "null";
    else if (isJsonValue(text)) {
        // Raw line breaks in valid JSON can only be whitespace between
        // tokens; a JSON-lines record must not contain them.
        for (const char c : text)
            out += (c == '\n' || c == '\r') ? ' ' : c;
    } else
        appendJsonString(out, text);
}

void appendEventJson(std::string &out, const AuditEvent &e)
{
    out += "{\"session_id\":";
    appendJsonString(out, e.sessionId);
    appendJsonKey(out, "seq");
    out += std::to_string(e.seq);
    appendJsonKey(out, "ts");
    appendJsonString(out, formatIsoUtc(e.ts));
    appendJsonKey(out, "type");
    appendJsonString(out, e.type);
    appendJsonKey(out, "tool");
    appendStringOrNull(out, e.tool);
    appendJsonKey(out, "parameters");
    appendEmbeddedJson(out, e.parameters);
    appendJsonKey(out, "decision");
    appendStringOrNull(out, e.decision);
    appendJsonKey(out, "layer");
    appendStringOrNull(out, e.layer);
    appendJsonKey(out, "policy");
    appendStringOrNull(out, e.policy);
    appendJsonKey(out, "message");
    appendJsonString(out, e.message);
    appendJsonKey(out, "severity");
    appendJsonString(out, e.severity);
    appendJsonKey(out, "policy_hash");
    appendStringOrNull(out, e.policyHash);
    appendJsonKey(out, "chain");
    appendStringOrNull(out, e.chain);
    appendJsonKey(out, "trace");
    appendEmbeddedJson(out, e.trace);
    out += '}';
}

void appendSessionJson(std::string &out, const SessionSummary &s)
{
    const auto &r = s.session;
    out += "{\"id\":";
    appendJsonString(out, r.id);
    appendJsonKey(out, "start");
    timeOrNull(out, r.startedAt != 0 ? std::optional<double>(r.startedAt) : std::nullopt);
    appendJsonKey(out, "end");
    timeOrNull(out, r.endedAt);
    appendJsonKey(out, "policy");
    appendStringOrNull(out, r.policyFile);
    appendJsonKey(out, "policy_hash");
    appendStringOrNull(out, r.policyHash);
    appendJsonKey(out, "policy_commit");
    appendStringOrNull(out, r.policyCommit);
    appendJsonKey(out, "policy_dirty");
    out += r.policyDirty ? "true" : "false";
    appendJsonKey(out, "isolation");
    appendStringOrNull(out, r.isolation);
    appendJsonKey(out, "exit_status");
    out += r.exitStatus ? std::to_string(*r.exitStatus) : std::string("null");
    appendJsonKey(out, "exit_reason");
    appendStringOrNull(out, r.exitReason);
    appendJsonKey(out, "command");
    appendEmbeddedJson(out, r.command);
    appendJsonKey(out, "owner_uid");
    uintOrNull(out, r.ownerUid);
    appendJsonKey(out, "host");
    appendStringOrNull(out, r.host);
    appendJsonKey(out, "events");
    out += "{\"total\":" + std::to_string(s.events);
    for (const auto &[decision, n] : s.byDecision) {
        out += ',';
        appendJsonString(out, decision);
        out += ':' + std::to_string(n);
    }
    out += "}}";
}

void appendApprovalJson(std::string &out, const ApprovalRecord &a)
{
    out += "{\"id\":" + std::to_string(a.id);
    appendJsonKey(out, "session_id");
    appendJsonString(out, a.sessionId);
    appendJsonKey(out, "seq");
    out += std::to_string(a.seq);
    appendJsonKey(out, "created");
    appendJsonString(out, formatIsoUtc(a.createdAt));
    appendJsonKey(out, "queue");
    appendStringOrNull(out, a.queue);
    appendJsonKey(out, "tool");
    appendStringOrNull(out, a.tool);
    appendJsonKey(out, "parameters");
    appendEmbeddedJson(out, a.parameters);
    appendJsonKey(out, "message");
    appendJsonString(out, a.message);
    appendJsonKey(out, "policy");
    appendStringOrNull(out, a.policy);
    appendJsonKey(out, "status");
    appendJsonString(out, approvalStatusName(a.status));
    appendJsonKey(out, "resolved");
    timeOrNull(out, a.resolvedAt);
    appendJsonKey(out, "note");
    appendStringOrNull(out, a.note);
    appendJsonKey(out, "resolver");
    appendStringOrNull(out, a.resolver);
    appendJsonKey(out, "resolver_uid");
    uintOrNull(out, a.resolverUid);
    appendJsonKey(out, "request");
    appendEmbeddedJson(out, a.request);
    appendJsonKey(out, "decision");
    appendEmbeddedJson(out, a.decision);
    out += '}';
}

} // namespace osh::audit
