#include "pgwriter.h"

#include "auditchain.h"
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
const char *const kSessionHost = "session_host";
const char *const kClaimSession = "claim_session";

} // namespace

bool PgWriter::open(const std::string &conninfo, const std::string &host, bool create, bool soleWriter,
                    std::string &error)
{
    m_host = host;
    m_sole = soleWriter;
    return m_db.open(conninfo, error) && PgSchema::prepare(m_db, error, create) && prepareStatements(error);
}

bool PgWriter::holdHost(bool sole, std::string &error)
{
    // A session-level advisory lock on the host's name, held while this
    // connection lives: exclusive for a sole writer, shared for the others.
    auto r = m_db.exec(sole ? "SELECT pg_try_advisory_lock(hashtextextended($1::text, 7045))"
                            : "SELECT pg_try_advisory_lock_shared(hashtextextended($1::text, 7045))",
                       {m_host}, error);
    if (!r)
        return false;
    if (r->text(0, 0) != "t") {
        error = sole ? "another writer uses the host name " + m_host
                           + " in this store (a second service, or a run or studio of this host writing into it); "
                             "give this service its own --host-name"
                     : "the host name " + m_host + " is held by its service (openshelld) in this store, which "
                                                   "alone writes that host's events: run sessions through it";
        return false;
    }
    m_held = m_db.generation();
    return true;
}

bool PgWriter::prepareStatements(std::string &error)
{
    if (m_prepared == m_db.generation())
        return true;
    // A sole writer holds its host name from the start: a second one is
    // refused when it opens, and after a reconnection the name is taken
    // again or nothing is written.
    if (m_sole && m_held != m_db.generation() && !holdHost(true, error)) {
        m_db.close();
        return false;
    }
    // A stored session+seq is skipped, not an error: an error would abort
    // the whole transaction, and one event must not hold the batch hostage.
    // Insertion order (the identity column) is the order the chain was built.
    if (!m_db.prepare(kInsertEvent,
                      "INSERT INTO openshell.events(session_id, seq, ts, type, tool, parameters, decision, layer, "
                      "policy, message, severity, trace, policy_hash, request, chain, host) "
                      "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) "
                      "ON CONFLICT (session_id, seq) DO NOTHING",
                      16, error)
        || !m_db.prepare(kLastChain,
                         "SELECT chain, seq FROM openshell.events WHERE session_id = $1 ORDER BY id DESC LIMIT 1", 1,
                         error)
        // The stored event's chain value and the one before it in the session.
        || !m_db.prepare(kStoredChain,
                         "SELECT e.chain, (SELECT p.chain FROM openshell.events p WHERE p.session_id = e.session_id "
                         "AND p.id < e.id ORDER BY p.id DESC LIMIT 1) FROM openshell.events e "
                         "WHERE e.session_id = $1 AND e.seq = $2",
                         2, error)
        || !m_db.prepare(kSessionHost, "SELECT host FROM openshell.sessions WHERE id = $1", 1, error)
        || !m_db.prepare(kClaimSession,
                         "INSERT INTO openshell.sessions(id, host, started_at) VALUES ($1, $2, $3) "
                         "ON CONFLICT (id) DO NOTHING",
                         3, error)
        || !m_db.prepare(kAddCount,
                         "INSERT INTO openshell.session_counts(session_id, decision, n) VALUES ($1, $2, $3) "
                         "ON CONFLICT (session_id, decision) DO UPDATE SET n = openshell.session_counts.n + excluded.n",
                         3, error)) {
        // Some may be prepared already: a new connection starts clean.
        m_db.close();
        return false;
    }
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
    // PostgreSQL answers COMMIT of a failed transaction with ROLLBACK and no
    // error: a batch must never be acknowledged that way.
    if (m_db.transactionFailed()) {
        error = "25P02: the transaction failed before its commit";
        return false;
    }
    if (!m_db.run("COMMIT", error))
        return false;
    auto keep = [](std::set<std::string> &into, std::set<std::string> &from) {
        if (into.size() + from.size() > kMaxCached)
            into.clear(); // read again when needed
        into.merge(from);
        from.clear();
    };
    keep(m_own, m_pendingOwn);
    keep(m_foreign, m_pendingForeign);
    return true;
}

InsertResult PgWriter::claim(const std::string &sessionId, double ts, std::string &error)
{
    if (m_own.count(sessionId) || m_pendingOwn.count(sessionId))
        return InsertResult::Ok;
    if (m_foreign.count(sessionId) || m_pendingForeign.count(sessionId))
        return InsertResult::Rejected;
    // A session nobody began (the service's own refusals, an importer) is
    // claimed by the first host that writes to it.
    if (!m_db.execPrepared(kClaimSession, {sessionId, m_host, PgDb::real(ts)}, error))
        return InsertResult::Failed;
    auto r = m_db.execPrepared(kSessionHost, {sessionId}, error);
    if (!r)
        return InsertResult::Failed;
    if (r->rows() == 1 && r->text(0, 0) == m_host) {
        m_pendingOwn.insert(sessionId);
        return InsertResult::Ok;
    }
    m_pendingForeign.insert(sessionId);
    return InsertResult::Rejected;
}

void PgWriter::rollback()
{
    m_pendingOwn.clear();
    m_pendingForeign.clear();
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

InsertResult PgWriter::insertEvent(const AuditEvent &e, std::string &chain, std::string &error)
{
    auto what = [&e] { return "event " + e.sessionId.substr(0, 64) + "#" + std::to_string(e.seq); };
    if (e.sessionId.size() > kMaxIndexedBytes || e.type.size() > kMaxIndexedBytes
        || e.severity.size() > kMaxIndexedBytes) {
        error = what() + " rejected: its session id, type or severity is longer than "
            + std::to_string(kMaxIndexedBytes) + " bytes";
        return InsertResult::Rejected;
    }
    // Another writer's events would interleave with a sole writer's, whose
    // forwarders rely on its ids committing in order: shared with other
    // writers, never with the sole one.
    if (!m_sole && m_held != m_db.generation() && !holdHost(false, error))
        return InsertResult::Failed;
    switch (claim(e.sessionId, e.ts, error)) {
    case InsertResult::Failed: return InsertResult::Failed;
    case InsertResult::Rejected:
        error = what() + " rejected: the session is another host's";
        return InsertResult::Rejected;
    default: break;
    }
    auto r = m_db.execPrepared(kInsertEvent,
                 {e.sessionId, std::to_string(e.seq), PgDb::real(e.ts), e.type, e.tool, e.parameters, e.decision,
                  e.layer, e.policy, e.message, e.severity, e.trace, e.policyHash, e.request, chain, m_host},
                 error);
    if (!r)
        return InsertResult::Failed;
    if (r->affected() != 0)
        return InsertResult::Ok;
    // A COMMIT whose answer was lost (the connection dropped) is retried by
    // the store: the events it did store come back. The chain value covers
    // the event and the chain before it, so the stored row is this event
    // when its value is this event's chained from the row before it.
    auto stored = m_db.execPrepared(kStoredChain, {e.sessionId, std::to_string(e.seq)}, error);
    if (!stored)
        return InsertResult::Failed;
    if (stored->rows() == 1) {
        const std::string before = stored->isNull(0, 1) ? chainStart(e.sessionId) : std::string(stored->text(0, 1));
        const std::string value(stored->text(0, 0));
        if (!value.empty() && chainNext(before, e) == value) {
            chain = value;
            return InsertResult::Stored;
        }
    }
    error = what() + " rejected: its session and seq are already stored";
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
    if (s.id.size() > kMaxIndexedBytes) {
        error = "session " + s.id.substr(0, 64) + "... refused: its id is longer than "
            + std::to_string(kMaxIndexedBytes) + " bytes";
        return InsertResult::Rejected;
    }
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
        m_pendingForeign.insert(s.id);
        return InsertResult::Rejected;
    }
    m_pendingOwn.insert(s.id);
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
    // A retry after a COMMIT whose answer was lost finds the approval that
    // commit stored (same host and token) instead of adding a second one.
    if (a.token.empty()) {
        error = "an approval without a token cannot be stored in a shared store";
        return false;
    }
    auto r = run("INSERT INTO openshell.approvals(host, session_id, seq, created_at, queue, tool, parameters, message, "
                 "policy, request, decision, status, token) "
                 "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 'pending', $12) "
                 "ON CONFLICT (host, token) DO NOTHING RETURNING id",
                 {m_host, a.sessionId, std::to_string(a.seq), PgDb::real(a.createdAt), a.queue, a.tool, a.parameters,
                  a.message, a.policy, a.request, a.decision, a.token},
                 error);
    if (r && r->rows() == 0)
        r = run("SELECT id FROM openshell.approvals WHERE host = $1 AND token = $2", {m_host, a.token}, error);
    if (!r)
        return false;
    const auto v = r->rows() == 1 ? r->integer(0, 0) : std::nullopt;
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
    // Only this host's: another host's session ending here is not this one's.
    auto r = run("UPDATE openshell.approvals SET status = 'expired', resolved_at = $2, note = $3, "
                 "resolver = 'expiry' WHERE status = 'pending' AND session_id = $1 AND host = $4",
                 {sessionId, PgDb::real(at), note, m_host}, error);
    if (!r)
        return false;
    count = r->affected();
    return true;
}

} // namespace osh::audit
