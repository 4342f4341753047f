#pragma once
// The audit writer's statements for the SQLite store: one connection with
// prepared statements, transactions taken with BEGIN IMMEDIATE.

#include "auditwriter.h"
#include "sqlitedb.h"
#include "sqlitestmt.h"

namespace osh::audit {

class SqliteWriter final : public WriterBackend
{
public:
    // Opens the file and brings its schema up to date (AuditSchema::prepare).
    bool open(const std::string &path, bool create, int busyTimeoutMs, std::string &error);

    bool begin(std::string &error) override;
    bool commit(std::string &error) override;
    void rollback() override;
    bool lastChain(const std::string &sessionId, std::string &chain, std::int64_t &seq, bool &found,
                   std::string &error) override;
    InsertResult insertEvent(const AuditEvent &e, std::string &chain, std::string &error) override;
    bool addCount(const std::string &sessionId, const std::string &decision, std::int64_t n,
                  std::string &error) override;
    bool insertCheckpoint(const Checkpoint &c, std::string &error) override;
    InsertResult upsertSession(const SessionRecord &s, std::string &error) override;
    bool endSession(const std::string &id, std::optional<int> exitStatus, const std::string &exitReason,
                    double endedAt, std::string &error) override;
    bool insertApproval(const ApprovalRecord &a, std::int64_t &id, std::string &error) override;
    bool resolveApproval(std::int64_t id, ApprovalStatus status, double at, const std::string &note,
                         const std::string &resolver, std::optional<std::uint32_t> resolverUid, bool &changed,
                         std::string &error) override;
    bool expireApprovals(double olderThan, double at, std::int64_t &count, std::string &error) override;
    bool expireSessionApprovals(const std::string &sessionId, double at, const std::string &note,
                                std::int64_t &count, std::string &error) override;

private:
    bool failed(std::string &error);

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
    SqliteStmt m_insertCheckpoint;
};

} // namespace osh::audit
