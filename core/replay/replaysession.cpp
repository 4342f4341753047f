// ReplaySession: a recorded session loaded into column arrays (see replaysession.h).

#include "replaysession.h"

#include "audit/auditstore.h"

#include <algorithm>

namespace osh::replay {

namespace {

constexpr std::string_view kOutcomeNames[] = {"", "allow", "log", "block", "redact", "throttle", "escalate"};
constexpr std::string_view kSeverityNames[] = {"debug", "info", "warning", "critical"};

// ASCII lower-case copy, for case-insensitive matching.
std::string lowered(std::string_view s)
{
    std::string out(s);
    for (auto &c : out)
        if (c >= 'A' && c <= 'Z')
            c = static_cast<char>(c - 'A' + 'a');
    return out;
}

bool containsLowered(std::string_view hay, const std::string &needleLower)
{
    return lowered(hay).find(needleLower) != std::string::npos;
}

} // namespace

std::string_view outcomeName(Outcome o) { return kOutcomeNames[static_cast<std::size_t>(o)]; }

std::optional<Outcome> outcomeFromName(std::string_view name)
{
    if (name.empty() || name == "none")
        return Outcome::None;
    for (std::size_t i = 1; i < std::size(kOutcomeNames); ++i)
        if (kOutcomeNames[i] == name)
            return static_cast<Outcome>(i);
    return std::nullopt;
}

std::string_view severityName(EventSeverity s) { return kSeverityNames[static_cast<std::size_t>(s)]; }

std::optional<EventSeverity> severityFromName(std::string_view name)
{
    for (std::size_t i = 0; i < std::size(kSeverityNames); ++i)
        if (kSeverityNames[i] == name)
            return static_cast<EventSeverity>(i);
    return std::nullopt;
}

NameTable::NameTable()
{
    m_names.emplace_back();
    m_ids.emplace(std::string(), 0);
}

std::uint32_t NameTable::intern(std::string_view name)
{
    if (name.empty())
        return 0;
    const auto it = m_ids.find(name);
    if (it != m_ids.end())
        return it->second;
    const auto id = static_cast<std::uint32_t>(m_names.size());
    m_names.emplace_back(name);
    m_ids.emplace(std::string(name), id);
    return id;
}

std::optional<std::uint32_t> NameTable::find(std::string_view name) const
{
    const auto it = m_ids.find(name);
    if (it == m_ids.end())
        return std::nullopt;
    return it->second;
}

bool ReplaySession::isViolation(Outcome o, EventSeverity s)
{
    return o == Outcome::Block || o == Outcome::Redact || o == Outcome::Escalate || o == Outcome::Throttle
        || s >= EventSeverity::Warning;
}

std::optional<ReplaySession> ReplaySession::load(const AuditStore &store, const std::string &sessionId,
                                                 std::string &error)
{
    ReplaySession s;
    s.m_store = &store;
    bool known = false;
    std::string err;
    std::int64_t expected = 0;
    for (const auto &summary : store.sessions(&err))
        if (summary.session.id == sessionId) {
            s.m_record = summary.session;
            expected = summary.events;
            known = true;
            break;
        }
    if (!err.empty()) {
        error = "reading the sessions: " + err;
        return std::nullopt;
    }
    // Events without a session record (an imported or foreign store) are
    // still a session: the record is then just the id.
    s.m_record.id = sessionId;
    const auto n = static_cast<std::size_t>(std::max<std::int64_t>(expected, 0));
    s.m_seq.reserve(n);
    s.m_ts.reserve(n);
    s.m_tool.reserve(n);
    s.m_policy.reserve(n);
    s.m_type.reserve(n);
    s.m_layer.reserve(n);
    s.m_outcome.reserve(n);
    s.m_severity.reserve(n);
    s.m_hasRequest.reserve(n);

    bool bad = false;
    const bool ok = store.scanSession(
        sessionId, AuditColumns::Compact,
        [&](const AuditRowView &r) {
            const auto type = s.m_types.intern(r.type);
            const auto layer = s.m_layers.intern(r.layer);
            if (type > 0xffff || layer > 0xffff) {
                error = "the session has more than 65535 distinct event types or layers";
                bad = true;
                return false;
            }
            // Unknown outcomes or severities (a foreign writer) read as none/info
            // rather than failing the whole session.
            const Outcome o = outcomeFromName(r.decision).value_or(Outcome::None);
            const EventSeverity sev = severityFromName(r.severity).value_or(EventSeverity::Info);
            const auto row = static_cast<std::uint32_t>(s.m_seq.size());
            s.m_seq.push_back(r.seq);
            s.m_ts.push_back(r.ts);
            s.m_type.push_back(static_cast<std::uint16_t>(type));
            s.m_layer.push_back(static_cast<std::uint16_t>(layer));
            s.m_tool.push_back(s.m_tools.intern(r.tool));
            s.m_policy.push_back(s.m_policies.intern(r.policy));
            s.m_outcome.push_back(o);
            s.m_severity.push_back(sev);
            s.m_hasRequest.push_back(r.hasRequest ? 1 : 0);
            if (isViolation(o, sev))
                s.m_violations.push_back(row);
            return true;
        },
        err);
    if (bad)
        return std::nullopt;
    if (!ok) {
        error = "reading the session's events: " + err;
        return std::nullopt;
    }
    if (!known && s.m_seq.empty()) {
        error = "no session '" + sessionId + "' in " + store.path();
        return std::nullopt;
    }
    if (!s.m_ts.empty()) {
        const auto [lo, hi] = std::minmax_element(s.m_ts.begin(), s.m_ts.end());
        s.m_startTs = *lo;
        s.m_endTs = *hi;
    }
    return s;
}

std::optional<std::size_t> ReplaySession::rowOfSeq(std::int64_t seq) const
{
    const auto it = std::lower_bound(m_seq.begin(), m_seq.end(), seq);
    if (it == m_seq.end() || *it != seq)
        return std::nullopt;
    return static_cast<std::size_t>(it - m_seq.begin());
}

std::size_t ReplaySession::rowAtOrAfter(double t) const
{
    // Times follow seq order in a recorded session; a store written by hand
    // may not, so fall back to a scan when they are not sorted.
    if (std::is_sorted(m_ts.begin(), m_ts.end()))
        return static_cast<std::size_t>(std::lower_bound(m_ts.begin(), m_ts.end(), t) - m_ts.begin());
    for (std::size_t i = 0; i < m_ts.size(); ++i)
        if (m_ts[i] >= t)
            return i;
    return m_ts.size();
}

std::optional<AuditEvent> ReplaySession::details(std::size_t row, std::string *error) const
{
    if (row >= m_seq.size() || !m_store) {
        if (error)
            *error = "no event at row " + std::to_string(row);
        return std::nullopt;
    }
    std::string err;
    auto e = m_store->event(m_record.id, m_seq[row], &err);
    if (!e && error)
        *error = err.empty() ? "event " + m_record.id + "#" + std::to_string(m_seq[row]) + " is no longer stored" : err;
    return e;
}

std::vector<std::uint32_t> ReplaySession::filter(const ReplayFilter &f, std::string *error) const
{
    auto idsOf = [](const NameTable &table, const std::vector<std::string> &names) {
        std::vector<std::uint32_t> ids;
        for (const auto &n : names)
            if (const auto id = table.find(n))
                ids.push_back(*id);
        return ids;
    };
    const auto toolIds = idsOf(m_tools, f.tools);
    const auto typeIds = idsOf(m_types, f.types);
    // A name list none of whose names occur matches nothing.
    if ((!f.tools.empty() && toolIds.empty()) || (!f.types.empty() && typeIds.empty()))
        return {};

    // Text: which interned names contain it, plus the seqs whose message or
    // parameters do (one statement in the store).
    const std::string needle = lowered(f.text);
    std::vector<bool> toolHit, typeHit, policyHit;
    std::vector<std::int64_t> textSeqs;
    if (!needle.empty()) {
        auto hits = [&](const NameTable &t) {
            std::vector<bool> v(t.size());
            for (std::size_t i = 1; i < t.size(); ++i)
                v[i] = containsLowered(t.name(static_cast<std::uint32_t>(i)), needle);
            return v;
        };
        toolHit = hits(m_tools);
        typeHit = hits(m_types);
        policyHit = hits(m_policies);
        if (!m_store) {
            if (error)
                *error = "the session has no store to search";
            return {};
        }
        std::string err;
        textSeqs = m_store->searchSession(m_record.id, f.text, &err);
        if (!err.empty()) {
            if (error)
                *error = err;
            return {};
        }
    }
    auto has = [](const std::vector<std::uint32_t> &ids, std::uint32_t id) {
        return std::find(ids.begin(), ids.end(), id) != ids.end();
    };

    std::vector<std::uint32_t> out;
    auto consider = [&](std::size_t row) {
        if (!toolIds.empty() && !has(toolIds, m_tool[row]))
            return;
        if (!typeIds.empty() && !has(typeIds, m_type[row]))
            return;
        if (!f.outcomes.empty() && std::find(f.outcomes.begin(), f.outcomes.end(), m_outcome[row]) == f.outcomes.end())
            return;
        if (f.minSeverity && m_severity[row] < *f.minSeverity)
            return;
        if (f.since && m_ts[row] < *f.since)
            return;
        if (f.until && m_ts[row] >= *f.until)
            return;
        if (!needle.empty() && !toolHit[m_tool[row]] && !typeHit[m_type[row]] && !policyHit[m_policy[row]]
            && !std::binary_search(textSeqs.begin(), textSeqs.end(), m_seq[row]))
            return;
        out.push_back(static_cast<std::uint32_t>(row));
    };
    if (f.violationsOnly)
        for (const auto row : m_violations)
            consider(row);
    else
        for (std::size_t row = 0; row < m_seq.size(); ++row)
            consider(row);
    return out;
}

std::size_t ReplaySession::memoryBytes() const
{
    std::size_t n = m_seq.capacity() * sizeof(std::int64_t) + m_ts.capacity() * sizeof(double)
        + (m_tool.capacity() + m_policy.capacity() + m_violations.capacity()) * sizeof(std::uint32_t)
        + (m_type.capacity() + m_layer.capacity()) * sizeof(std::uint16_t) + m_outcome.capacity()
        + m_severity.capacity() + m_hasRequest.capacity();
    for (const NameTable *t : {&m_types, &m_tools, &m_layers, &m_policies})
        for (std::size_t i = 0; i < t->size(); ++i)
            n += t->name(static_cast<std::uint32_t>(i)).capacity() * 2 + 64;
    return n;
}

} // namespace osh::replay
