#include "pgwriter.h"

#include "pgschema.h"

namespace osh::audit {

namespace {

template <typename T>
std::optional<std::string> optNumber(const std::optional<T> &v)
{
    return v ? std::optional<std::string>(std::to_string(*v)) : std::nullopt;
}

std::optional<std::string> optReal(const std::optional<double> &v)
{
    return v ? std::optional<std::string>(PgDb::real(*v)) : std::nullopt;
}

} // namespace

namespace {

// The statements run for every event, prepared on each connection.
const char *const kInsertEvent = "insert_event";
const char *const kLastChain = "last_chain";
const char *const kAddCount = "add_count";
const char *const kStoredChain = "stored_chain";

} // namespace

bool PgWriter::open(const std::string &conninfo, const std::string &host, std::string &error)
{
    m_host = host;
    return m_db.open(conninfo, error) && PgSchema::prepare(m_db, error) && prepareStatements(error);
}

bool PgWriter::prepareStatements(std::string &error)
{
    if (m_prepared == m_db.generation())
        return true;
    // A stored session+seq is skipped, not an error: an error would abort
    // the whole transaction, and one event must not hold the batch hostage.
    // Insertion order (the identity column) is the order the chain was built.
    if (!m_db.prepare(kInsertEvent,
                      "INSERT INTO openshell.events(session_id, seq, ts, type, tool, parameters, decision, layer, "
                      "policy, message, severity, trace, policy_hash, request, chain) "
                      "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) "
                      "ON CONFLICT (session_id, seq) DO NOTHING",
                      15, error)
        || !m_db.prepare(kLastChain,
                         "SELECT chain, seq FROM openshell.events WHERE session_id = $1 ORDER BY id DESC LIMIT 1", 1,
                         error)
        || !m_db.prepare(kStoredChain, "SELECT chain FROM openshell.events WHERE session_id = $1 AND seq = $2", 2,
                         error)
        || !m_db.prepare(kAddCount,
                         "INSERT INTO openshell.session_counts(session_id, decision, n) VALUES ($1, $2, $3) "
                         "ON CONFLICT (session_id, decision) DO UPDATE SET n = openshell.session_counts.n + excluded.n",
                         3, error))
        return false;
    m_prepared = m_db.generation();
    return true;
}

std::optional<PgResult> PgWriter::run(std::string_view sql, const Params &params, std::string &error)
{
    return m_db.exec(sql, params, error);
}

bool PgWriter::begin(std::string &error)
{
    return m_db.ensureOpen(error) && prepareStatements(error) && m_db.run("BEGIN", error);
}

bool PgWriter::commit(std::string &error)
{
    return m_db.run("COMMIT", error);
}

void PgWriter::rollback()
{
    std::string ignored;
    if (m_db.isOpen())
        m_db.run("ROLLBACK", ignored);
}

bool PgWriter::lastChain(const std::string &sessionId, std::string &chain, std::int64_t &seq, bool &found,
                         std::string &error)
{
    auto r = m_db.execPrepared(kLastChain, {sessionId}, error);
    if (!r)
        return false;
    found = r->rows() == 1;
    if (found) {
        chain = std::string(r->text(0, 0));
        seq = r->integer(0, 1).value_or(0);
    }
    return true;
}

InsertResult PgWriter::insertEvent(const AuditEvent &e, const std::string &chain, std::string &error)
{
    if (m_foreign.count(e.sessionId)) {
        error = "event " + e.sessionId + "#" + std::to_string(e.seq)
            + " rejected: the session was begun by another host";
        return InsertResult::Rejected;
    }
    auto r = m_db.execPrepared(kInsertEvent,
                 {e.sessionId, std::to_string(e.seq), PgDb::real(e.ts), e.type, e.tool, e.parameters, e.decision,
                  e.layer, e.policy, e.message, e.severity, e.trace, e.policyHash, e.request, chain},
                 error);
    if (!r)
        return InsertResult::Failed;
    if (r->affected() != 0)
        return InsertResult::Ok;
    // A COMMIT whose answer was lost (the connection dropped) is retried by
    // the store: the events it did store come back. The chain value covers
    // the event and everything before it, so an equal one is this event.
    auto stored = m_db.execPrepared(kStoredChain, {e.sessionId, std::to_string(e.seq)}, error);
    if (!stored)
        return InsertResult::Failed;
    if (stored->rows() == 1 && stored->text(0, 0) == chain)
        return InsertResult::Stored;
    error = "event " + e.sessionId + "#" + std::to_string(e.seq) + " rejected: its session and seq are already stored";
    return InsertResult::Rejected;
}

bool PgWriter::addCount(const std::string &sessionId, const std::string &decision, std::int64_t n,
                        std::string &error)
{
    return m_db.execPrepared(kAddCount, {sessionId, decision, std::to_string(n)}, error).has_value();
}

bool PgWriter::insertCheckpoint(const Checkpoint &c, std::string &error)
{
    return run("INSERT INTO openshell.checkpoints(session_id, seq, chain, ts, key, signature) "
               "VALUES ($1, $2, $3, $4, $5, $6)",
               {c.sessionId, std::to_string(c.seq), c.chain, PgDb::real(c.ts), c.key, c.signature}, error)
        .has_value();
}

InsertResult PgWriter::upsertSession(const SessionRecord &s, std::string &error)
{
    // Only the host that began a session may update it: a session id that
    // another host already uses is refused, never taken over.
    auto r = run("INSERT INTO openshell.sessions(id, host, started_at, ended_at, policy_file, policy_hash, "
                 "policy_commit, policy_dirty, isolation, exit_status, exit_reason, command, owner_uid) "
                 "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) "
                 "ON CONFLICT (id) DO UPDATE SET started_at = excluded.started_at, ended_at = excluded.ended_at, "
                 "policy_file = excluded.policy_file, policy_hash = excluded.policy_hash, "
                 "policy_commit = excluded.policy_commit, policy_dirty = excluded.policy_dirty, "
                 "isolation = excluded.isolation, exit_status = excluded.exit_status, "
                 "exit_reason = excluded.exit_reason, command = excluded.command, owner_uid = excluded.owner_uid "
                 "WHERE openshell.sessions.host = excluded.host",
                 {s.id, m_host, PgDb::real(s.startedAt), optReal(s.endedAt), s.policyFile, s.policyHash,
                  s.policyCommit, std::string(s.policyDirty ? "true" : "false"), s.isolation, optNumber(s.exitStatus),
                  s.exitReason, s.command, optNumber(s.ownerUid)},
                 error);
    if (!r)
        return InsertResult::Failed;
    if (r->affected() == 0) {
        error = "session " + s.id + " was begun by another host: this host (" + m_host + ") cannot record it";
        m_foreign.insert(s.id);
        return InsertResult::Rejected;
    }
    return InsertResult::Ok;
}

bool PgWriter::endSession(const std::string &id, std::optional<int> exitStatus, const std::string &exitReason,
                          double endedAt, std::string &error)
{
    return run("UPDATE openshell.sessions SET exit_status = $2, exit_reason = $3, ended_at = $4 "
               "WHERE id = $1 AND host = $5",
               {id, optNumber(exitStatus), exitReason, PgDb::real(endedAt), m_host}, error)
        .has_value();
}

bool PgWriter::insertApproval(const ApprovalRecord &a, std::int64_t &id, std::string &error)
{
    auto r = run("INSERT INTO openshell.approvals(host, session_id, seq, created_at, queue, tool, parameters, message, "
                 "policy, request, decision, status) "
                 "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 'pending') RETURNING id",
                 {m_host, a.sessionId, std::to_string(a.seq), PgDb::real(a.createdAt), a.queue, a.tool, a.parameters,
                  a.message, a.policy, a.request, a.decision},
                 error);
    if (!r)
        return false;
    const auto v = r->integer(0, 0);
    if (!v) {
        error = "the new approval's id was not returned";
        return false;
    }
    id = *v;
    return true;
}

bool PgWriter::resolveApproval(std::int64_t id, ApprovalStatus status, double at, const std::string &note,
                               const std::string &resolver, std::optional<std::uint32_t> resolverUid, bool &changed,
                               std::string &error)
{
    auto r = run("UPDATE openshell.approvals SET status = $2, resolved_at = $3, note = $4, resolver = $5, "
                 "resolver_uid = $6 WHERE id = $1 AND status = 'pending'",
                 {std::to_string(id), std::string(approvalStatusName(status)), PgDb::real(at), note, resolver,
                  optNumber(resolverUid)},
                 error);
    if (!r)
        return false;
    changed = r->affected() > 0;
    return true;
}

bool PgWriter::expireApprovals(double olderThan, double at, std::int64_t &count, std::string &error)
{
    // Each host expires its own by age: hosts may have different timeouts.
    auto r = run("UPDATE openshell.approvals SET status = 'expired', resolved_at = $2, resolver = 'expiry' "
                 "WHERE status = 'pending' AND created_at < $1 AND host = $3",
                 {PgDb::real(olderThan), PgDb::real(at), m_host}, error);
    if (!r)
        return false;
    count = r->affected();
    return true;
}

bool PgWriter::expireSessionApprovals(const std::string &sessionId, double at, const std::string &note,
                                      std::int64_t &count, std::string &error)
{
    auto r = run("UPDATE openshell.approvals SET status = 'expired', resolved_at = $2, note = $3, "
                 "resolver = 'expiry' WHERE status = 'pending' AND session_id = $1",
                 {sessionId, PgDb::real(at), note}, error);
    if (!r)
        return false;
    count = r->affected();
    return true;
}

} // namespace osh::audit
