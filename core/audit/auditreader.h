#pragma once
// The reading half of the audit store: its own connection behind a mutex, so
// any thread may read while the worker thread writes. In WAL mode each read
// sees every transaction committed before it started, by any connection or
// process (how the runtime sees `osctl approvals approve`).

#include "approval.h"
#include "auditquery.h"
#include "sqlitedb.h"

#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace osh::audit {

class SqliteStmt;

// An event's stored fields from a row whose first 14 columns are session_id,
// seq, ts, type, tool, parameters, decision, layer, policy, message,
// severity, trace, policy_hash and request, in that order.
void readEventColumns(const SqliteStmt &st, AuditEvent &e);

class AuditReader
{
public:
    // The file must already have been prepared by an AuditWriter.
    bool open(const std::string &path, int busyTimeoutMs, std::string &error);

    // Calls visit for each matching event in order until it returns false.
    // visit runs with the reader locked: it must not read from the store.
    bool query(const AuditQuery &q, const std::function<bool(const AuditEvent &)> &visit, std::string &error);
    // Every session, or only those begun with owner (AuditStore::sessionsOwnedBy).
    bool sessions(std::optional<std::uint32_t> owner, std::vector<SessionSummary> &out, std::string &error);
    // One session's events in seq order, one statement (see AuditStore::scanSession).
    bool scanSession(const std::string &sessionId, unsigned columns,
                     const std::function<bool(const AuditRowView &)> &visit, std::string &error);
    // One event; found is false when it is not stored.
    bool event(const std::string &sessionId, std::int64_t seq, AuditEvent &out, bool &found, std::string &error);
    // Seqs of the session's events whose message or parameters contain
    // needle (ASCII case-insensitive), in order.
    bool searchText(const std::string &sessionId, const std::string &needle, std::vector<std::int64_t> &out,
                    std::string &error);
    // found is false when there is no approval with this id.
    bool approval(std::int64_t id, ApprovalRecord &out, bool &found, std::string &error);
    // All approvals, or only those with the given status and/or of sessions
    // begun with the given owner; oldest first.
    bool approvals(std::optional<ApprovalStatus> status, std::optional<std::uint32_t> owner,
                   std::vector<ApprovalRecord> &out, std::string &error);
    // The highest stored seq of a session, 0 when it has none.
    bool maxSeq(const std::string &sessionId, std::int64_t &out, std::string &error);
    // PRAGMA integrity_check: true and "ok" when the file is sound.
    bool integrityCheck(std::string &report);

private:
    std::mutex m_mutex;
    SqliteDb m_db;
};

} // namespace osh::audit
