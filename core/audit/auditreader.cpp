#include "auditreader.h"

#include "auditschema.h"
#include "sqlitestmt.h"

#include <sqlite3.h>

#include <set>

namespace osh::audit {

namespace {

const char *const kApprovalColumns =
    "SELECT id, session_id, seq, created_at, queue, tool, parameters, message, policy, request, decision, status, "
    "resolved_at, note, resolver, resolver_uid FROM approvals";

ApprovalRecord readApproval(const SqliteStmt &st)
{
    ApprovalRecord a;
    a.id = st.int64(0);
    a.sessionId = st.text(1);
    a.seq = st.int64(2);
    a.createdAt = st.real(3);
    a.queue = st.text(4);
    a.tool = st.text(5);
    a.parameters = st.text(6);
    a.message = st.text(7);
    a.policy = st.text(8);
    a.request = st.text(9);
    a.decision = st.text(10);
    a.status = approvalStatusFromName(st.text(11)).value_or(ApprovalStatus::Pending);
    a.resolvedAt = st.optReal(12);
    a.note = st.text(13);
    a.resolver = st.text(14);
    a.resolverUid = st.optUint32(15);
    return a;
}

// The columns readEvent() reads, in its order.
const char *const kEventColumns = "SELECT session_id, seq, ts, type, tool, parameters, decision, layer, policy, message, "
                                  "severity, trace, policy_hash, request, id, chain FROM events";

// The ids of the sessions begun with one owner (bound to the next index).
const char *const kOwnedSessions = "SELECT id FROM sessions WHERE owner_uid = ?";

void readEvent(const SqliteStmt &st, AuditEvent &e)
{
    readEventColumns(st, e);
    e.row = st.int64(14);
    e.chain = st.text(15);
}

} // namespace

void readEventColumns(const SqliteStmt &st, AuditEvent &e)
{
    e.sessionId = st.text(0);
    e.seq = st.int64(1);
    e.ts = st.real(2);
    e.type = st.text(3);
    e.tool = st.text(4);
    e.parameters = st.text(5);
    e.decision = st.text(6);
    e.layer = st.text(7);
    e.policy = st.text(8);
    e.message = st.text(9);
    e.severity = st.text(10);
    e.trace = st.text(11);
    e.policyHash = st.text(12);
    e.request = st.text(13);
}

namespace {

// Steps through the statement's rows, calling row() on each until it returns
// false. True when the rows end or row() stops; false, with the database's
// message in `error`, when a step fails.
template <typename Row>
bool forEachRow(SqliteStmt &st, const SqliteDb &db, std::string &error, Row &&row)
{
    for (;;) {
        const int rc = st.step();
        if (rc == SQLITE_DONE)
            return true;
        if (rc != SQLITE_ROW) {
            error = db.errorMessage();
            return false;
        }
        if (!row())
            return true;
    }
}

// "?, ?, ?": the placeholders of an IN list of n values.
std::string placeholders(std::size_t n)
{
    std::string s;
    for (std::size_t i = 0; i < n; ++i)
        s += i ? ", ?" : "?";
    return s;
}

} // namespace

bool SqliteReader::open(const std::string &path, int busyTimeoutMs, std::string &error)
{
    std::lock_guard lock(m_mutex);
    return m_db.open(path, false, error) && AuditSchema::configure(m_db, busyTimeoutMs, error);
}

bool SqliteReader::query(const AuditQuery &q, const std::function<bool(const AuditEvent &)> &visit, std::string &error)
{
    std::optional<AuditCursor> after;
    if (!q.after.empty() && !(after = AuditCursor::parse(q.after))) {
        error = "invalid cursor '" + q.after + "'";
        return false;
    }
    std::string sql = std::string(kEventColumns) + " WHERE 1";
    if (q.since)
        sql += " AND ts >= ?";
    if (q.until)
        sql += " AND ts < ?";
    if (!q.sessionId.empty())
        sql += " AND session_id = ?";
    if (!q.types.empty())
        sql += " AND type IN (" + placeholders(q.types.size()) + ")";
    if (!q.severities.empty())
        sql += " AND severity IN (" + placeholders(q.severities.size()) + ")";
    if (!q.decisions.empty())
        sql += " AND decision IN (" + placeholders(q.decisions.size()) + ")";
    if (!q.tool.empty())
        sql += " AND tool = ?";
    if (q.ownerUid)
        sql += std::string(" AND session_id IN (") + kOwnedSessions + ")";
    // Strictly after the cursor in the order below. SQLite starts the range
    // of an index on ts (events_ts, events_session_ts, ...) at a row-value
    // bound, so a page costs no scan of the rows before it.
    if (after)
        sql += " AND (ts, seq, id) > (?, ?, ?)";
    // id last: it is the events_ts index's implicit tail, so the order costs
    // no sort, and ties keep insertion order.
    sql += " ORDER BY ts, seq, id";
    if (q.limit > 0)
        sql += " LIMIT ?";

    std::lock_guard lock(m_mutex);
    SqliteStmt st;
    if (!st.prepare(m_db.handle(), sql, error))
        return false;
    int i = 0;
    if (q.since)
        st.bindReal(++i, *q.since);
    if (q.until)
        st.bindReal(++i, *q.until);
    if (!q.sessionId.empty())
        st.bindText(++i, q.sessionId);
    for (const auto &t : q.types)
        st.bindText(++i, t);
    for (const auto &s : q.severities)
        st.bindText(++i, s);
    for (const auto &d : q.decisions)
        st.bindText(++i, d == "none" ? std::string() : d);
    if (!q.tool.empty())
        st.bindText(++i, q.tool);
    if (q.ownerUid)
        st.bindUint32(++i, q.ownerUid);
    if (after) {
        st.bindReal(++i, after->ts);
        st.bindInt(++i, after->seq);
        st.bindInt(++i, after->row);
    }
    if (q.limit > 0)
        st.bindInt(++i, q.limit);

    AuditEvent e;
    return forEachRow(st, m_db, error, [&] {
        readEvent(st, e);
        return visit(e);
    });
}

ScanLayout::ScanLayout(unsigned columns)
{
    const bool withText = columns & AuditColumns::Text;
    select = "SELECT seq, ts, type, tool, decision, layer, policy, severity, request <> ''";
    int next = 9;
    if (withText || (columns & AuditColumns::Parameters)) {
        paramsCol = next++;
        select += ", parameters";
    }
    if (withText) {
        textCol = next;
        next += 3;
        select += ", message, trace, policy_hash";
    }
    if (columns & AuditColumns::Request) {
        requestCol = next;
        select += ", request";
    }
}

bool SqliteReader::scanSession(const std::string &sessionId, unsigned columns,
                              const std::function<bool(const AuditRowView &)> &visit, std::string &error)
{
    const ScanLayout layout(columns);
    std::string sql = layout.select;
    // The events_session_seq index gives the order without a sort.
    sql += " FROM events WHERE session_id = ?1 ORDER BY seq";

    std::lock_guard lock(m_mutex);
    SqliteStmt st;
    if (!st.prepare(m_db.handle(), sql, error))
        return false;
    st.bindText(1, sessionId);
    AuditRowView r;
    return forEachRow(st, m_db, error, [&] {
        r.seq = st.int64(0);
        r.ts = st.real(1);
        r.type = st.textView(2);
        r.tool = st.textView(3);
        r.decision = st.textView(4);
        r.layer = st.textView(5);
        r.policy = st.textView(6);
        r.severity = st.textView(7);
        r.hasRequest = st.int64(8) != 0;
        layout.fillOptional(r, [&](int column) { return st.textView(column); });
        return visit(r);
    });
}

bool SqliteReader::event(const std::string &sessionId, std::int64_t seq, AuditEvent &out, bool &found,
                        std::string &error)
{
    found = false;
    std::lock_guard lock(m_mutex);
    SqliteStmt st;
    if (!st.prepare(m_db.handle(), std::string(kEventColumns) + " WHERE session_id = ?1 AND seq = ?2", error))
        return false;
    st.bindText(1, sessionId);
    st.bindInt(2, seq);
    return forEachRow(st, m_db, error, [&] {
        found = true;
        readEvent(st, out);
        return false;
    });
}

bool SqliteReader::searchText(const std::string &sessionId, const std::string &needle, std::vector<std::int64_t> &out,
                             std::string &error)
{
    out.clear();
    std::lock_guard lock(m_mutex);
    SqliteStmt st;
    // instr() over lower(): ASCII case folding, and no LIKE wildcards to escape.
    if (!st.prepare(m_db.handle(),
                    "SELECT seq FROM events WHERE session_id = ?1 AND (instr(lower(message), lower(?2)) > 0 "
                    "OR instr(lower(parameters), lower(?2)) > 0) ORDER BY seq",
                    error))
        return false;
    st.bindText(1, sessionId);
    st.bindText(2, needle);
    return forEachRow(st, m_db, error, [&] {
        out.push_back(st.int64(0));
        return true;
    });
}

bool SqliteReader::sessions(std::optional<std::uint32_t> owner, std::vector<SessionSummary> &out, std::string &error)
{
    out.clear();
    std::lock_guard lock(m_mutex);
    // One read transaction, so the sessions and their counts agree.
    if (!m_db.exec("BEGIN", error))
        return false;
    auto fail = [&] {
        error = m_db.errorMessage();
        m_db.rollbackQuietly();
        return false;
    };
    SqliteStmt st;
    if (!st.prepare(m_db.handle(),
                    std::string("SELECT id, started_at, ended_at, policy_file, policy_hash, policy_commit, policy_dirty, "
                                "isolation, exit_status, exit_reason, command, owner_uid FROM sessions")
                        + (owner ? " WHERE owner_uid = ?" : "") + " ORDER BY started_at, id",
                    error))
        return fail();
    if (owner)
        st.bindUint32(1, owner);
    std::map<std::string, std::size_t> index;
    int rc;
    while ((rc = st.step()) == SQLITE_ROW) {
        SessionSummary s;
        s.session.id = st.text(0);
        s.session.startedAt = st.real(1);
        s.session.endedAt = st.optReal(2);
        s.session.policyFile = st.text(3);
        s.session.policyHash = st.text(4);
        s.session.policyCommit = st.text(5);
        s.session.policyDirty = st.int64(6) != 0;
        s.session.isolation = st.text(7);
        s.session.exitStatus = st.optInt(8);
        s.session.exitReason = st.text(9);
        s.session.command = st.text(10);
        s.session.ownerUid = st.optUint32(11);
        index.emplace(s.session.id, out.size());
        out.push_back(std::move(s));
    }
    if (rc != SQLITE_DONE)
        return fail();

    // Events whose session was never begun (an importer, a crashed runtime
    // before beginSession) still show up, after the known sessions; not in
    // an owner's list, as they have no owner.
    SqliteStmt counts;
    if (!counts.prepare(m_db.handle(),
                        std::string("SELECT session_id, decision, n FROM session_counts")
                            + (owner ? std::string(" WHERE session_id IN (") + kOwnedSessions + ")" : "")
                            + " ORDER BY session_id",
                        error))
        return fail();
    if (owner)
        counts.bindUint32(1, owner);
    while ((rc = counts.step()) == SQLITE_ROW) {
        const std::string id = counts.text(0);
        auto it = index.find(id);
        if (it == index.end()) {
            SessionSummary s;
            s.session.id = id;
            it = index.emplace(id, out.size()).first;
            out.push_back(std::move(s));
        }
        auto &s = out[it->second];
        const auto n = counts.int64(2);
        s.byDecision[counts.text(1)] += n;
        s.events += n;
    }
    if (rc != SQLITE_DONE)
        return fail();

    // The first event's time (by seq: an index seek, where MIN(ts) would
    // read every event of the session).
    SqliteStmt first;
    if (!first.prepare(m_db.handle(), "SELECT ts FROM events WHERE session_id = ? ORDER BY seq LIMIT 1", error))
        return fail();
    for (auto &s : out) {
        if (s.session.startedAt != 0)
            continue;
        first.reset();
        first.bindText(1, s.session.id);
        const int frc = first.step();
        if (frc == SQLITE_ROW)
            s.session.startedAt = first.real(0);
        else if (frc != SQLITE_DONE)
            return fail();
    }
    m_db.exec("COMMIT", error);
    return true;
}

bool SqliteReader::approval(std::int64_t id, ApprovalRecord &out, bool &found, std::string &error)
{
    std::lock_guard lock(m_mutex);
    SqliteStmt st;
    if (!st.prepare(m_db.handle(), std::string(kApprovalColumns) + " WHERE id = ?", error))
        return false;
    st.bindInt(1, id);
    found = false;
    return forEachRow(st, m_db, error, [&] {
        found = true;
        out = readApproval(st);
        return false;
    });
}

bool SqliteReader::approvals(std::optional<ApprovalStatus> status, std::optional<std::uint32_t> owner,
                            std::vector<ApprovalRecord> &out, std::string &error)
{
    out.clear();
    std::string sql = std::string(kApprovalColumns) + " WHERE 1";
    if (status)
        sql += " AND status = ?";
    if (owner)
        sql += std::string(" AND session_id IN (") + kOwnedSessions + ")";
    sql += " ORDER BY created_at, id";
    std::lock_guard lock(m_mutex);
    SqliteStmt st;
    if (!st.prepare(m_db.handle(), sql, error))
        return false;
    int i = 0;
    if (status)
        st.bindText(++i, approvalStatusName(*status));
    if (owner)
        st.bindUint32(++i, owner);
    return forEachRow(st, m_db, error, [&] {
        out.push_back(readApproval(st));
        return true;
    });
}

bool SqliteReader::approvalOwner(std::int64_t id, std::optional<std::uint32_t> &owner, std::string &error)
{
    owner.reset();
    std::lock_guard lock(m_mutex);
    SqliteStmt st;
    // Both primary keys: one row at most, whatever the store holds.
    if (!st.prepare(m_db.handle(),
                    "SELECT s.owner_uid FROM approvals a JOIN sessions s ON s.id = a.session_id WHERE a.id = ?", error))
        return false;
    st.bindInt(1, id);
    return forEachRow(st, m_db, error, [&] {
        owner = st.optUint32(0);
        return false;
    });
}

bool SqliteReader::sessionHost(const std::string &sessionId, std::optional<std::string> &host, std::string &error)
{
    // An SQLite store is one host's: its sessions record none.
    host.reset();
    std::lock_guard lock(m_mutex);
    SqliteStmt st;
    if (!st.prepare(m_db.handle(), "SELECT 1 FROM sessions WHERE id = ?", error))
        return false;
    st.bindText(1, sessionId);
    return forEachRow(st, m_db, error, [&] {
        host = std::string();
        return false;
    });
}

bool SqliteReader::maxSeq(const std::string &sessionId, std::int64_t &out, std::string &error)
{
    std::lock_guard lock(m_mutex);
    SqliteStmt st;
    if (!st.prepare(m_db.handle(), "SELECT MAX(seq) FROM events WHERE session_id = ?", error))
        return false;
    st.bindText(1, sessionId);
    if (st.step() != SQLITE_ROW) {
        error = m_db.errorMessage();
        return false;
    }
    out = st.isNull(0) ? 0 : st.int64(0);
    return true;
}

bool SqliteReader::chainEvents(const std::string &sessionId, const std::function<bool(const AuditEvent &)> &visit,
                               std::string &error)
{
    std::lock_guard lock(m_mutex);
    SqliteStmt st;
    // Row id order within each session: the order the chain was built in.
    const std::string sql = std::string(kEventColumns)
        + (sessionId.empty() ? " ORDER BY session_id, id" : " WHERE session_id = ?1 ORDER BY id");
    if (!st.prepare(m_db.handle(), sql, error))
        return false;
    if (!sessionId.empty())
        st.bindText(1, sessionId);
    AuditEvent e;
    return forEachRow(st, m_db, error, [&] {
        readEvent(st, e);
        return visit(e);
    });
}

bool SqliteReader::checkpoints(const std::string &sessionId, std::vector<Checkpoint> &out, std::string &error)
{
    out.clear();
    std::lock_guard lock(m_mutex);
    SqliteStmt st;
    const std::string sql = std::string("SELECT session_id, seq, chain, ts, key, signature FROM checkpoints")
        + (sessionId.empty() ? "" : " WHERE session_id = ?1") + " ORDER BY session_id, id";
    if (!st.prepare(m_db.handle(), sql, error))
        return false;
    if (!sessionId.empty())
        st.bindText(1, sessionId);
    return forEachRow(st, m_db, error, [&] {
        Checkpoint c;
        c.sessionId = st.text(0);
        c.seq = st.int64(1);
        c.chain = st.text(2);
        c.ts = st.real(3);
        c.key = st.text(4);
        c.signature = st.text(5);
        out.push_back(std::move(c));
        return true;
    });
}

bool SqliteReader::schemaVersion(int &out, std::string &error)
{
    std::lock_guard lock(m_mutex);
    return AuditSchema::version(m_db, out, error);
}

bool SqliteReader::integrityCheck(std::string &report)
{
    std::lock_guard lock(m_mutex);
    SqliteStmt st;
    if (!st.prepare(m_db.handle(), "PRAGMA integrity_check", report))
        return false;
    report.clear();
    int rc;
    while ((rc = st.step()) == SQLITE_ROW) {
        if (!report.empty())
            report += '\n';
        report += st.text(0);
    }
    if (rc != SQLITE_DONE) {
        report = m_db.errorMessage();
        return false;
    }
    return report == "ok";
}

} // namespace osh::audit
