#include "sqlitewriter.h"

#include "auditschema.h"

#include <sqlite3.h>

namespace osh::audit {

bool SqliteWriter::open(const std::string &path, bool create, int busyTimeoutMs, std::string &error)
{
    if (!m_db.open(path, create, error) || !AuditSchema::prepare(m_db, busyTimeoutMs, error))
        return false;
    struct
    {
        SqliteStmt *stmt;
        const char *sql;
    } const statements[] = {
        {&m_insertEvent,
         "INSERT INTO events(session_id, seq, ts, type, tool, parameters, decision, layer, policy, message, "
         "severity, trace, policy_hash, request, chain) "
         "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)"},
        {&m_lastChain, "SELECT chain, seq FROM events WHERE session_id = ?1 ORDER BY id DESC LIMIT 1"},
        {&m_insertCheckpoint,
         "INSERT INTO checkpoints(session_id, seq, chain, ts, key, signature) VALUES (?1, ?2, ?3, ?4, ?5, ?6)"},
        {&m_upsertSession,
         "INSERT INTO sessions(id, started_at, ended_at, policy_file, policy_hash, policy_commit, policy_dirty, "
         "isolation, exit_status, exit_reason, command, owner_uid) "
         "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12) "
         "ON CONFLICT(id) DO UPDATE SET started_at = excluded.started_at, ended_at = excluded.ended_at, "
         "policy_file = excluded.policy_file, policy_hash = excluded.policy_hash, "
         "policy_commit = excluded.policy_commit, policy_dirty = excluded.policy_dirty, "
         "isolation = excluded.isolation, exit_status = excluded.exit_status, "
         "exit_reason = excluded.exit_reason, command = excluded.command, owner_uid = excluded.owner_uid"},
        {&m_endSession, "UPDATE sessions SET exit_status = ?2, exit_reason = ?3, ended_at = ?4 WHERE id = ?1"},
        {&m_addCount,
         "INSERT INTO session_counts(session_id, decision, n) VALUES (?1, ?2, ?3) "
         "ON CONFLICT(session_id, decision) DO UPDATE SET n = n + excluded.n"},
        {&m_insertApproval,
         "INSERT INTO approvals(session_id, seq, created_at, queue, tool, parameters, message, policy, request, "
         "decision, status) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, 'pending')"},
        {&m_resolveApproval,
         "UPDATE approvals SET status = ?2, resolved_at = ?3, note = ?4, resolver = ?5, resolver_uid = ?6 "
         "WHERE id = ?1 AND status = 'pending'"},
        {&m_expireApprovals,
         "UPDATE approvals SET status = 'expired', resolved_at = ?2, resolver = 'expiry' "
         "WHERE status = 'pending' AND created_at < ?1"},
        {&m_expireSessionApprovals,
         "UPDATE approvals SET status = 'expired', resolved_at = ?2, note = ?3, resolver = 'expiry' "
         "WHERE status = 'pending' AND session_id = ?1"},
    };
    for (const auto &s : statements)
        if (!s.stmt->prepare(m_db.handle(), s.sql, error))
            return false;
    return true;
}

bool SqliteWriter::failed(std::string &error)
{
    error = m_db.errorMessage();
    return false;
}

bool SqliteWriter::begin(std::string &error)
{
    // IMMEDIATE takes the write lock now (waiting up to the busy timeout), so
    // a peer's write cannot make this transaction fail half-way through.
    return m_db.exec("BEGIN IMMEDIATE", error);
}

bool SqliteWriter::commit(std::string &error)
{
    return m_db.exec("COMMIT", error);
}

void SqliteWriter::rollback()
{
    m_db.rollbackQuietly();
}

bool SqliteWriter::lastChain(const std::string &sessionId, std::string &chain, std::int64_t &seq, bool &found,
                             std::string &error)
{
    m_lastChain.reset();
    m_lastChain.bindText(1, sessionId);
    const int rc = m_lastChain.step();
    found = rc == SQLITE_ROW;
    if (found) {
        chain = m_lastChain.text(0);
        seq = m_lastChain.int64(1);
    }
    m_lastChain.reset();
    return rc == SQLITE_ROW || rc == SQLITE_DONE || failed(error);
}

InsertResult SqliteWriter::insertEvent(const AuditEvent &e, std::string &chain, std::string &error)
{
    auto &st = m_insertEvent;
    st.reset();
    st.bindText(1, e.sessionId);
    st.bindInt(2, e.seq);
    st.bindReal(3, e.ts);
    st.bindText(4, e.type);
    st.bindText(5, e.tool);
    st.bindText(6, e.parameters);
    st.bindText(7, e.decision);
    st.bindText(8, e.layer);
    st.bindText(9, e.policy);
    st.bindText(10, e.message);
    st.bindText(11, e.severity);
    st.bindText(12, e.trace);
    st.bindText(13, e.policyHash);
    st.bindText(14, e.request);
    st.bindText(15, chain);
    const int rc = st.step();
    if (rc == SQLITE_DONE)
        return InsertResult::Ok;
    error = m_db.errorMessage();
    // A constraint failure undoes this statement only; the rest of the batch
    // is still good and must not be held hostage by one bad event.
    if ((rc & 0xff) == SQLITE_CONSTRAINT) {
        error = "event " + e.sessionId + "#" + std::to_string(e.seq) + " rejected: " + error;
        return InsertResult::Rejected;
    }
    return InsertResult::Failed;
}

bool SqliteWriter::addCount(const std::string &sessionId, const std::string &decision, std::int64_t n,
                            std::string &error)
{
    m_addCount.reset();
    m_addCount.bindText(1, sessionId);
    m_addCount.bindText(2, decision);
    m_addCount.bindInt(3, n);
    return m_addCount.step() == SQLITE_DONE || failed(error);
}

bool SqliteWriter::insertCheckpoint(const Checkpoint &c, std::string &error)
{
    auto &st = m_insertCheckpoint;
    st.reset();
    st.bindText(1, c.sessionId);
    st.bindInt(2, c.seq);
    st.bindText(3, c.chain);
    st.bindReal(4, c.ts);
    st.bindText(5, c.key);
    st.bindText(6, c.signature);
    return st.step() == SQLITE_DONE || failed(error);
}

InsertResult SqliteWriter::upsertSession(const SessionRecord &s, std::string &error)
{
    auto &st = m_upsertSession;
    st.reset();
    st.bindText(1, s.id);
    st.bindReal(2, s.startedAt);
    st.bindReal(3, s.endedAt);
    st.bindText(4, s.policyFile);
    st.bindText(5, s.policyHash);
    st.bindText(6, s.policyCommit);
    st.bindInt(7, s.policyDirty ? 1 : 0);
    st.bindText(8, s.isolation);
    st.bindInt(9, s.exitStatus);
    st.bindText(10, s.exitReason);
    st.bindText(11, s.command);
    st.bindUint32(12, s.ownerUid);
    if (st.step() == SQLITE_DONE)
        return InsertResult::Ok;
    failed(error);
    return InsertResult::Failed;
}

bool SqliteWriter::endSession(const std::string &id, std::optional<int> exitStatus, const std::string &exitReason,
                             double endedAt, std::string &error)
{
    auto &st = m_endSession;
    st.reset();
    st.bindText(1, id);
    st.bindInt(2, exitStatus);
    st.bindText(3, exitReason);
    st.bindReal(4, endedAt);
    return st.step() == SQLITE_DONE || failed(error);
}

bool SqliteWriter::insertApproval(const ApprovalRecord &a, std::int64_t &id, std::string &error)
{
    auto &st = m_insertApproval;
    st.reset();
    st.bindText(1, a.sessionId);
    st.bindInt(2, a.seq);
    st.bindReal(3, a.createdAt);
    st.bindText(4, a.queue);
    st.bindText(5, a.tool);
    st.bindText(6, a.parameters);
    st.bindText(7, a.message);
    st.bindText(8, a.policy);
    st.bindText(9, a.request);
    st.bindText(10, a.decision);
    if (st.step() != SQLITE_DONE)
        return failed(error);
    id = sqlite3_last_insert_rowid(m_db.handle());
    return true;
}

bool SqliteWriter::resolveApproval(std::int64_t id, ApprovalStatus status, double at, const std::string &note,
                                  const std::string &resolver, std::optional<std::uint32_t> resolverUid,
                                  bool &changed, std::string &error)
{
    auto &st = m_resolveApproval;
    st.reset();
    st.bindInt(1, id);
    st.bindText(2, approvalStatusName(status));
    st.bindReal(3, at);
    st.bindText(4, note);
    st.bindText(5, resolver);
    st.bindUint32(6, resolverUid);
    if (st.step() != SQLITE_DONE)
        return failed(error);
    changed = sqlite3_changes(m_db.handle()) > 0;
    return true;
}

bool SqliteWriter::expireApprovals(double olderThan, double at, std::int64_t &count, std::string &error)
{
    auto &st = m_expireApprovals;
    st.reset();
    st.bindReal(1, olderThan);
    st.bindReal(2, at);
    if (st.step() != SQLITE_DONE)
        return failed(error);
    count = sqlite3_changes(m_db.handle());
    return true;
}

bool SqliteWriter::expireSessionApprovals(const std::string &sessionId, double at, const std::string &note,
                                         std::int64_t &count, std::string &error)
{
    auto &st = m_expireSessionApprovals;
    st.reset();
    st.bindText(1, sessionId);
    st.bindReal(2, at);
    st.bindText(3, note);
    if (st.step() != SQLITE_DONE)
        return failed(error);
    count = sqlite3_changes(m_db.handle());
    return true;
}

} // namespace osh::audit
