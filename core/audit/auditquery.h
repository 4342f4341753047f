#pragma once
// What AuditStore::query() and AuditStore::sessions() take and return.

#include "auditevent.h"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace osh {

// Filters combine with AND; a list matches any of its values (OR); an empty
// list or string does not filter. Results are ordered by ts, then seq, then
// session id, so a query is deterministic even across sessions whose clocks
// tie.
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
    std::int64_t limit = 0; // the first N in order; 0 = all
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
