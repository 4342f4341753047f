#pragma once
// The writing half of the audit store: one connection with prepared
// statements, used only by the store's worker thread. It knows how to write
// one thing inside the current transaction; the store decides batching,
// retries and acknowledgements.

#include "approval.h"
#include "auditevent.h"
#include "sqlitedb.h"
#include "sqlitestmt.h"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>

namespace osh::audit {

class AuditWriter
{
public:
    // Opens the connection and brings the schema up to date (AuditSchema::prepare).
    bool open(const std::string &path, bool create, int busyTimeoutMs, std::string &error);

    bool begin(std::string &error);
    // Writes the batch's decision counts, then commits.
    bool commit(std::string &error);
    void rollback();

    enum class Result { Ok, Rejected, Failed };
    // Rejected: this event alone cannot be stored (its session+seq is already
    // stored); the transaction goes on. Failed: the transaction must be
    // rolled back (full disk, I/O error, lock timeout).
    Result insertEvent(const AuditEvent &e, std::string &error);
    bool upsertSession(const SessionRecord &s, std::string &error);
    bool endSession(const std::string &id, std::optional<int> exitStatus, const std::string &exitReason,
                    double endedAt, std::string &error);
    bool insertApproval(const ApprovalRecord &a, std::int64_t &id, std::string &error);
    // changed is false when the approval does not exist or is not pending.
    bool resolveApproval(std::int64_t id, ApprovalStatus status, double at, const std::string &note,
                         const std::string &resolver, std::optional<std::uint32_t> resolverUid, bool &changed,
                         std::string &error);
    bool expireApprovals(double olderThan, double at, std::int64_t &count, std::string &error);
    bool expireSessionApprovals(const std::string &sessionId, double at, const std::string &note, std::int64_t &count,
                                std::string &error);

private:
    bool failed(std::string &error);
    // The chain value the session's next event links to (auditchain.h).
    bool chainHead(const std::string &sessionId, std::string &head, std::string &error);

    SqliteDb m_db;
    SqliteStmt m_insertEvent;
    SqliteStmt m_upsertSession;
    SqliteStmt m_endSession;
    SqliteStmt m_addCount;
    SqliteStmt m_insertApproval;
    SqliteStmt m_resolveApproval;
    SqliteStmt m_expireApprovals;
    SqliteStmt m_expireSessionApprovals;
    SqliteStmt m_lastChain;
    // Each session's last committed chain value, and those of the batch in
    // progress (moved into m_heads at commit, dropped at rollback).
    static constexpr std::size_t kMaxHeads = 4096;
    std::map<std::string, std::string> m_heads;
    std::map<std::string, std::string> m_pendingHeads;
    // Per-batch event counts by (session, decision), written at commit:
    // one upsert per pair instead of one per event.
    std::map<std::pair<std::string, std::string>, std::int64_t> m_counts;
};

} // namespace osh::audit
