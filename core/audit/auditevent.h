#pragma once
// One audited action or happening of a session, as the audit store keeps it
// and `osctl audit query` prints it. Parameters are stored with PII redacted.

#include <cstdint>
#include <optional>
#include <string>

namespace osh {

struct AuditEvent
{
    std::string sessionId;
    std::int64_t seq = 0; // per session, from 1, assigned by the store when 0
    double ts = 0;        // seconds since the Unix epoch
    // tool_call, data_output, agent_response, network_egress, file_access
    // (decided actions); reasoning, usage, sandbox, approval, session (other).
    std::string type;
    std::string tool;       // tool name or identity, may be empty
    std::string parameters; // JSON object text, PII redacted
    std::string decision;   // allow log block redact throttle escalate, or empty
    std::string layer;      // sandbox network filesystem policy, or empty
    std::string policy;     // deciding policy, or empty
    std::string message;
    std::string severity = "info"; // debug info warning critical
    std::string trace;      // the decision's JSON, or empty
    std::string policyHash; // SHA-256 (hex) of the policy file's content
    // Decided actions (schema 3): the request the decision was made on, in
    // the `osctl eval` request format, every detected PII value replaced by
    // a surrogate of the same type (replay/piisurrogate.h), so what-if
    // replay decides it again without the store holding real PII. Empty for
    // other events and for actions recorded before schema 3.
    std::string request;
    // The event's hash chain value (auditchain.h), set by reads so that
    // exported and forwarded copies carry it; empty for events not read
    // from a store and for those stored before schema 5.
    std::string chain;
    // The event's position in the store (its row id), set by reads; 0 on
    // events not read from a store. Together with ts and seq it makes the
    // paging cursor of AuditQuery::after (AuditCursor::of()).
    std::int64_t row = 0;
};

// One session as `osctl sessions` lists it.
struct SessionRecord
{
    std::string id;
    double startedAt = 0;
    std::optional<double> endedAt;
    std::string policyFile;
    std::string policyHash;
    std::string policyCommit; // the git commit the policy came from, if any
    bool policyDirty = false;
    std::string isolation;
    std::optional<int> exitStatus;
    std::string exitReason; // exited, killed, oom, timeout, interrupted, error
    std::string command;    // JSON array of the agent's argv
    // The uid of the user the session ran for (schema 4), as a privileged
    // service that runs sessions for several users records it; empty for
    // sessions recorded in-process or before schema 4.
    std::optional<std::uint32_t> ownerUid;
    // The runtime host that ran the session, in a store shared by several
    // (PostgreSQL); empty in an SQLite store, which is one host's.
    std::string host;
};

} // namespace osh
