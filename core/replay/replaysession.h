#pragma once
// A recorded session held compactly in memory for the timeline and for
// what-if replay: one column array per field (seq, ts, type, tool, outcome,
// layer, policy, severity), the names interned into small tables, and an
// index of the violations. A million events take about 30 MB. The bulky
// text of an event (message, parameters, trace, recorded request) stays in
// the audit store and is read one event at a time by details().
//
// Loading streams the session's rows with one SQL statement and builds no
// AuditEvent. The session keeps a pointer to the store it came from: the
// store must outlive it (details() and textual filters read from it).

#include "audit/auditevent.h"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace osh {

class AuditStore;

namespace replay {

// A decision outcome as a byte; None is an event without a decision.
enum class Outcome : std::uint8_t { None, Allow, Log, Block, Redact, Throttle, Escalate };
std::string_view outcomeName(Outcome o); // "" for None, else "allow", ...
std::optional<Outcome> outcomeFromName(std::string_view name); // "" and "none" give None

// Audit severities in increasing order.
enum class EventSeverity : std::uint8_t { Debug, Info, Warning, Critical };
std::string_view severityName(EventSeverity s);
std::optional<EventSeverity> severityFromName(std::string_view name);

// Strings interned as dense ids; id 0 is always the empty string.
class NameTable
{
public:
    NameTable();
    std::uint32_t intern(std::string_view name);
    std::optional<std::uint32_t> find(std::string_view name) const;
    const std::string &name(std::uint32_t id) const { return m_names[id]; }
    std::size_t size() const { return m_names.size(); }

private:
    struct Hash
    {
        using is_transparent = void;
        std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
    };
    std::vector<std::string> m_names;
    std::unordered_map<std::string, std::uint32_t, Hash, std::equal_to<>> m_ids;
};

// Which events filter() keeps. Criteria combine with AND; an empty list or
// string does not filter; a list matches any of its values.
struct ReplayFilter
{
    std::vector<std::string> tools;
    std::vector<std::string> types;
    std::vector<Outcome> outcomes;
    std::optional<EventSeverity> minSeverity;
    bool violationsOnly = false;
    std::optional<double> since; // ts >= since
    std::optional<double> until; // ts < until
    // Case-insensitive substring of the tool, type, policy, message or
    // parameters (the last two are searched in the store, one statement).
    std::string text;
};

class ReplaySession
{
public:
    ReplaySession() = default;

    // Loads a session's events in seq order. nullopt with error set when the
    // session does not exist or the store cannot be read.
    static std::optional<ReplaySession> load(const AuditStore &store, const std::string &sessionId,
                                             std::string &error);

    const std::string &id() const { return m_record.id; }
    const SessionRecord &record() const { return m_record; }
    const AuditStore *store() const { return m_store; }

    std::size_t size() const { return m_seq.size(); }
    bool empty() const { return m_seq.empty(); }
    // Earliest and latest event time (0 for an empty session).
    double startTs() const { return m_startTs; }
    double endTs() const { return m_endTs; }

    // Per-row columns, rows in seq order (row i is not seq i: seqs may skip).
    std::int64_t seq(std::size_t row) const { return m_seq[row]; }
    double ts(std::size_t row) const { return m_ts[row]; }
    std::uint32_t typeId(std::size_t row) const { return m_type[row]; }
    std::uint32_t toolId(std::size_t row) const { return m_tool[row]; }
    std::uint32_t layerId(std::size_t row) const { return m_layer[row]; }
    std::uint32_t policyId(std::size_t row) const { return m_policy[row]; }
    Outcome outcome(std::size_t row) const { return m_outcome[row]; }
    EventSeverity severity(std::size_t row) const { return m_severity[row]; }
    // Whether the store holds the request the action was decided on
    // (schema 3 and later); without it, what-if is approximate.
    bool hasRequest(std::size_t row) const { return m_hasRequest[row] != 0; }
    std::string_view type(std::size_t row) const { return m_types.name(m_type[row]); }
    std::string_view tool(std::size_t row) const { return m_tools.name(m_tool[row]); }
    std::string_view layer(std::size_t row) const { return m_layers.name(m_layer[row]); }
    std::string_view policy(std::size_t row) const { return m_policies.name(m_policy[row]); }

    // The whole columns, for views that scan (hit-testing with lower_bound on ts).
    const std::vector<std::int64_t> &seqs() const { return m_seq; }
    const std::vector<double> &times() const { return m_ts; }

    const NameTable &typeNames() const { return m_types; }
    const NameTable &toolNames() const { return m_tools; }
    const NameTable &layerNames() const { return m_layers; }
    const NameTable &policyNames() const { return m_policies; }

    // The row holding seq, if any (binary search).
    std::optional<std::size_t> rowOfSeq(std::int64_t seq) const;
    // The first row with ts >= t (size() when none).
    std::size_t rowAtOrAfter(double t) const;

    // Violations: block, redact, escalate or throttle outcomes, or a
    // warning or critical severity. Rows in order.
    const std::vector<std::uint32_t> &violations() const { return m_violations; }
    static bool isViolation(Outcome o, EventSeverity s);

    // The whole event (message, parameters, trace, recorded request), read
    // from the store. nullopt with *error set when it cannot be read.
    std::optional<AuditEvent> details(std::size_t row, std::string *error = nullptr) const;

    // Rows matching f, in order. A text filter reads the store; on a read
    // error the result is empty and *error is set.
    std::vector<std::uint32_t> filter(const ReplayFilter &f, std::string *error = nullptr) const;

    // Bytes held by the columns and name tables (an estimate, for the bench).
    std::size_t memoryBytes() const;

private:
    const AuditStore *m_store = nullptr;
    SessionRecord m_record;
    double m_startTs = 0;
    double m_endTs = 0;
    std::vector<std::int64_t> m_seq;
    std::vector<double> m_ts;
    std::vector<std::uint32_t> m_tool;
    std::vector<std::uint32_t> m_policy;
    std::vector<std::uint16_t> m_type;
    std::vector<std::uint16_t> m_layer;
    std::vector<Outcome> m_outcome;
    std::vector<EventSeverity> m_severity;
    std::vector<std::uint8_t> m_hasRequest;
    std::vector<std::uint32_t> m_violations;
    NameTable m_types;
    NameTable m_tools;
    NameTable m_layers;
    NameTable m_policies;
};

} // namespace replay
} // namespace osh
