#pragma once
// What AuditStore::query() and AuditStore::sessions() take and return.

#include "auditevent.h"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace osh {

// A position in query order: the (ts, seq, row) of an event, which orders
// every stored event exactly once (row, the event's row id, breaks any tie
// of ts and seq between sessions). Its text form, "TS_SEQ_ROW" (ts in the
// shortest decimal that reads back to the same double, e.g.
// "1764200010.25_3_1042"), is what AuditQuery::after takes; clients should
// treat it as opaque.
struct AuditCursor
{
    double ts = 0;
    std::int64_t seq = 0;
    std::int64_t row = 0;

    // The position of an event read by AuditStore::query() or event().
    static AuditCursor of(const AuditEvent &e) { return {e.ts, e.seq, e.row}; }
    std::string toString() const;
    // nullopt unless text is exactly a cursor's text form (ts not NaN, row
    // at least 1).
    static std::optional<AuditCursor> parse(std::string_view text);
};

// Filters combine with AND; a list matches any of its values (OR); an empty
// list or string does not filter. Results are ordered by ts, then seq, then
// row (insertion order), so a query is deterministic even across sessions
// whose clocks tie.
struct AuditQuery
{
    std::optional<double> since; // ts >= since (seconds since the epoch)
    std::optional<double> until; // ts < until
    std::string sessionId;
    std::vector<std::string> types;
    std::vector<std::string> severities;
    // Decision outcomes; "none" matches events without a decision.
    std::vector<std::string> decisions;
    std::string tool;
    // Only events of sessions begun with this owner (SessionRecord::ownerUid);
    // events of sessions without a recorded owner never match.
    std::optional<std::uint32_t> ownerUid;
    // Paging: only events strictly after this cursor (AuditCursor text) in
    // the order above; empty = from the start. The next page starts after
    // the last event returned: AuditCursor::of(last).toString(). Every event
    // is returned exactly once across pages, as long as no event is added
    // with a position before the cursor meanwhile. query() fails on a text
    // that is not a cursor.
    std::string after;
    std::int64_t limit = 0; // the first N in order; 0 = all
};

// One stored event as a bulk scan sees it (AuditStore::scanSession): views
// into SQLite's row buffer, valid only during the visit. Columns that were
// not asked for are empty.
struct AuditRowView
{
    std::int64_t seq = 0;
    double ts = 0;
    std::string_view type, tool, decision, layer, policy, severity;
    bool hasRequest = false;
    // Only with AuditColumns::Text (parameters also with Parameters).
    std::string_view parameters, message, trace, policyHash;
    // Only with AuditColumns::Request.
    std::string_view request;
};

// Which columns a scan reads beyond the compact ones (seq, ts, type, tool,
// decision, layer, policy, severity, hasRequest). Bit flags.
struct AuditColumns
{
    static constexpr unsigned Compact = 0, Text = 1, Request = 2, Parameters = 4;
};

// A session with the number of its stored events, total and per decision
// ("none" counts events that carry no decision: reasoning, usage, ...).
struct SessionSummary
{
    SessionRecord session;
    std::int64_t events = 0;
    std::map<std::string, std::int64_t> byDecision;

    std::int64_t count(const std::string &decision) const
    {
        const auto it = byDecision.find(decision);
        return it == byDecision.end() ? 0 : it->second;
    }
};

} // namespace osh
