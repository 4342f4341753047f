#include "service/servicerecords.h"

#include <QByteArray>
#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <cctype>
#include <charconv>
#include <map>
#include <string>

namespace osh::ui::records {

namespace {

constexpr std::size_t npos = std::string_view::npos;

std::size_t skipSpace(std::string_view s, std::size_t i)
{
    while (i < s.size() && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r'))
        ++i;
    return i;
}

// The end of the string starting at s[i] == '"', or npos.
std::size_t skipString(std::string_view s, std::size_t i)
{
    for (++i; i < s.size(); ++i) {
        if (s[i] == '\\')
            ++i;
        else if (s[i] == '"')
            return i + 1;
    }
    return npos;
}

// The end of the JSON value starting at s[i], or npos. Only finds the
// value's extent; QJsonDocument checks what is read from it.
std::size_t skipValue(std::string_view s, std::size_t i)
{
    i = skipSpace(s, i);
    if (i >= s.size())
        return npos;
    if (s[i] == '"')
        return skipString(s, i);
    if (s[i] == '{' || s[i] == '[') {
        int depth = 0;
        for (; i < s.size(); ++i) {
            const char c = s[i];
            if (c == '"') {
                i = skipString(s, i);
                if (i == npos)
                    return npos;
                --i;
            } else if (c == '{' || c == '[') {
                ++depth;
            } else if (c == '}' || c == ']') {
                if (--depth == 0)
                    return i + 1;
            }
        }
        return npos;
    }
    while (i < s.size() && s[i] != ',' && s[i] != '}' && s[i] != ']' && !std::isspace(static_cast<unsigned char>(s[i])))
        ++i;
    return i;
}

QJsonValue decode(std::string_view raw)
{
    const QByteArray wrapped = "[" + QByteArray(raw.data(), static_cast<qsizetype>(raw.size())) + "]";
    return QJsonDocument::fromJson(wrapped).array().at(0);
}

// An object's members as the raw text of their values; nullopt when s is
// not an object.
std::optional<std::map<std::string, std::string_view>> members(std::string_view s)
{
    std::map<std::string, std::string_view> out;
    std::size_t i = skipSpace(s, 0);
    if (i >= s.size() || s[i] != '{')
        return std::nullopt;
    i = skipSpace(s, i + 1);
    if (i < s.size() && s[i] == '}')
        return out;
    while (i < s.size()) {
        if (s[i] != '"')
            return std::nullopt;
        const std::size_t keyEnd = skipString(s, i);
        if (keyEnd == npos)
            return std::nullopt;
        const QString key = decode(s.substr(i, keyEnd - i)).toString();
        i = skipSpace(s, keyEnd);
        if (i >= s.size() || s[i] != ':')
            return std::nullopt;
        const std::size_t start = skipSpace(s, i + 1);
        const std::size_t end = skipValue(s, start);
        if (end == npos)
            return std::nullopt;
        out[key.toStdString()] = s.substr(start, end - start);
        i = skipSpace(s, end);
        if (i < s.size() && s[i] == '}')
            return out;
        if (i >= s.size() || s[i] != ',')
            return std::nullopt;
        i = skipSpace(s, i + 1);
    }
    return std::nullopt;
}

std::optional<std::vector<std::string_view>> elements(std::string_view s)
{
    std::vector<std::string_view> out;
    std::size_t i = skipSpace(s, 0);
    if (i >= s.size() || s[i] != '[')
        return std::nullopt;
    i = skipSpace(s, i + 1);
    if (i < s.size() && s[i] == ']')
        return out;
    while (i < s.size()) {
        const std::size_t end = skipValue(s, i);
        if (end == npos)
            return std::nullopt;
        out.push_back(s.substr(i, end - i));
        i = skipSpace(s, end);
        if (i < s.size() && s[i] == ']')
            return out;
        if (i >= s.size() || s[i] != ',')
            return std::nullopt;
        i = skipSpace(s, i + 1);
    }
    return std::nullopt;
}

struct Fields
{
    std::map<std::string, std::string_view> m;

    std::string_view raw(const char *key) const
    {
        const auto it = m.find(key);
        return it == m.end() ? std::string_view() : it->second;
    }
    bool has(const char *key) const { return m.count(key) != 0; }
    // The name under which a field is present: the first, else the second
    // (docs/api.md spells some fields as the service's records do not).
    const char *pick(const char *first, const char *second) const { return has(first) ? first : second; }
    // A string member; empty for null or absent.
    std::string text(const char *key) const
    {
        const std::string_view r = raw(key);
        if (r.empty() || r.front() != '"')
            return {};
        return decode(r).toString().toStdString();
    }
    // Embedded JSON as sent; a string (a damaged record) as its text; null: empty.
    std::string embedded(const char *key) const
    {
        const std::string_view r = raw(key);
        if (r.empty() || r == "null")
            return {};
        if (r.front() == '"')
            return decode(r).toString().toStdString();
        return std::string(r);
    }
    std::optional<std::int64_t> integer(const char *key) const
    {
        const std::string_view r = raw(key);
        std::int64_t v = 0;
        const auto [end, ec] = std::from_chars(r.data(), r.data() + r.size(), v);
        if (r.empty() || ec != std::errc() || end != r.data() + r.size())
            return std::nullopt;
        return v;
    }
};

std::optional<Fields> fieldsOf(std::string_view json, const char *what, QString *error)
{
    auto m = members(json);
    if (!m) {
        if (error)
            *error = QStringLiteral("%1 is not a JSON object").arg(QLatin1StringView(what));
        return std::nullopt;
    }
    return Fields{std::move(*m)};
}

template<typename T>
std::optional<T> fail(QString *error, const QString &why)
{
    if (error)
        *error = why;
    return std::nullopt;
}

// The objects of the top-level list named key, each made into a T by one(fields, error).
template<typename T, typename F>
std::optional<std::vector<T>> list(std::string_view json, const char *key, const char *what, QString *error, F one)
{
    const auto top = fieldsOf(json, "the answer", error);
    if (!top)
        return std::nullopt;
    const auto items = elements(top->raw(key));
    if (!items) {
        if (error)
            *error = QStringLiteral("the answer has no '%1' list").arg(QLatin1StringView(key));
        return std::nullopt;
    }
    std::vector<T> out;
    out.reserve(items->size());
    for (const auto item : *items) {
        const auto f = fieldsOf(item, what, error);
        if (!f)
            return std::nullopt;
        auto v = one(*f, error);
        if (!v)
            return std::nullopt;
        out.push_back(std::move(*v));
    }
    return out;
}

} // namespace

std::optional<double> time(std::string_view raw)
{
    if (raw.empty() || raw == "null")
        return std::nullopt;
    if (raw.front() != '"') {
        const QJsonValue v = decode(raw);
        return v.isDouble() ? std::optional<double>(v.toDouble()) : std::nullopt;
    }
    const QString text = decode(raw).toString();
    const QDateTime t = QDateTime::fromString(text, Qt::ISODateWithMs);
    if (!t.isValid())
        return std::nullopt;
    return static_cast<double>(t.toMSecsSinceEpoch()) / 1000.0;
}

std::optional<AuditEvent> auditEvent(std::string_view json, QString *error)
{
    const auto f = fieldsOf(json, "the event", error);
    if (!f)
        return std::nullopt;
    AuditEvent e;
    e.sessionId = f->text(f->pick("session_id", "session"));
    const auto seq = f->integer("seq");
    if (e.sessionId.empty() || !seq)
        return fail<AuditEvent>(error, QStringLiteral("the event has no session_id or seq"));
    e.seq = *seq;
    e.ts = time(f->raw("ts")).value_or(0);
    e.type = f->text("type");
    e.tool = f->text("tool");
    e.parameters = f->embedded("parameters");
    e.decision = f->text("decision");
    e.layer = f->text("layer");
    e.policy = f->text("policy");
    e.message = f->text("message");
    if (f->has("severity"))
        e.severity = f->text("severity");
    e.policyHash = f->text("policy_hash");
    e.trace = f->embedded("trace");
    e.request = f->embedded("request");
    return e;
}

namespace {
std::optional<ApprovalRecord> approvalOf(const Fields &f, QString *err)
{
    ApprovalRecord a;
    const auto id = f.integer("id");
    if (!id)
        return fail<ApprovalRecord>(err, QStringLiteral("an approval has no id"));
    a.id = *id;
    a.sessionId = f.text(f.pick("session_id", "session"));
    a.seq = f.integer("seq").value_or(0);
    a.createdAt = time(f.raw(f.pick("created", "created_at"))).value_or(0);
    a.queue = f.text("queue");
    a.tool = f.text("tool");
    a.parameters = f.embedded("parameters");
    a.message = f.text("message");
    a.policy = f.text("policy");
    a.request = f.embedded("request");
    a.decision = f.embedded("decision");
    a.status = approvalStatusFromName(f.text("status")).value_or(ApprovalStatus::Pending);
    a.resolvedAt = time(f.raw(f.pick("resolved", "resolved_at")));
    a.note = f.text("note");
    a.resolver = f.text("resolver");
    if (const auto uid = f.integer("resolver_uid"))
        a.resolverUid = static_cast<std::uint32_t>(*uid);
    return a;
}
} // namespace

std::optional<std::vector<ApprovalRecord>> approvals(std::string_view json, QString *error)
{
    return list<ApprovalRecord>(json, "approvals", "an approval", error, approvalOf);
}

std::optional<ApprovalList> approvalList(std::string_view json, QString *error)
{
    RealParametersById real;
    auto items = list<ApprovalRecord>(json, "approvals", "an approval", error, [&real](const Fields &f, QString *err) {
        auto a = approvalOf(f, err);
        if (!a)
            return a;
        RealParameters p;
        const std::string status = f.text("real_parameters_status");
        p.json = f.embedded("real_parameters");
        p.heldBy = f.text("parameters_held_by");
        if (status == "available" && !p.json.empty())
            p.status = RealParameters::Status::Available;
        else if (status == "withheld")
            p.status = RealParameters::Status::Withheld;
        else if (status == "held_elsewhere")
            p.status = RealParameters::Status::HeldElsewhere;
        if (p.status != RealParameters::Status::Available)
            p.json.clear();
        real[a->id] = std::move(p);
        return a;
    });
    if (!items)
        return std::nullopt;
    return ApprovalList{std::move(*items), std::move(real)};
}

std::optional<std::vector<SessionSummary>> sessions(std::string_view json, QString *error)
{
    return list<SessionSummary>(json, "sessions", "a session", error, [](const Fields &f, QString *err) -> std::optional<SessionSummary> {
        SessionSummary s;
        SessionRecord &r = s.session;
        r.id = f.text("id");
        if (r.id.empty())
            return fail<SessionSummary>(err, QStringLiteral("a session has no id"));
        r.startedAt = time(f.raw(f.pick("start", "started_at"))).value_or(0);
        r.endedAt = time(f.raw(f.pick("end", "ended_at")));
        r.policyFile = f.text(f.pick("policy", "policy_file"));
        r.policyHash = f.text("policy_hash");
        r.policyCommit = f.text("policy_commit");
        r.policyDirty = f.raw("policy_dirty") == "true";
        r.isolation = f.text("isolation");
        if (const auto st = f.integer("exit_status"))
            r.exitStatus = static_cast<int>(*st);
        r.exitReason = f.text("exit_reason");
        r.command = f.embedded("command");
        if (const auto uid = f.integer("owner_uid"))
            r.ownerUid = static_cast<std::uint32_t>(*uid);
        const QJsonObject counts = decode(f.raw(f.pick("events", "counts"))).toObject();
        for (auto it = counts.begin(); it != counts.end(); ++it) {
            if (it.key() == QLatin1StringView("total"))
                s.events = static_cast<std::int64_t>(it.value().toDouble());
            else
                s.byDecision[it.key().toStdString()] = static_cast<std::int64_t>(it.value().toDouble());
        }
        if (!counts.contains(QStringLiteral("total")))
            for (const auto &[k, n] : s.byDecision)
                s.events += n;
        return s;
    });
}

} // namespace osh::ui::records
