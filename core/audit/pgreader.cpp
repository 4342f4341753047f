#include "pgreader.h"

#include "pgschema.h"

#include <map>

namespace osh::audit {

namespace {

// Rows fetched per round trip of a cursor.
constexpr int kFetchRows = 10000;

const char *const kApprovalColumns =
    "SELECT id, session_id, seq, created_at, queue, tool, parameters, message, policy, request, decision, status, "
    "resolved_at, note, resolver, resolver_uid FROM openshell.approvals";

} // namespace

const char *const kPgEventColumns =
    "SELECT session_id, seq, ts, type, tool, parameters, decision, layer, policy, message, severity, trace, "
    "policy_hash, request, id, chain FROM openshell.events";

namespace {

const char *const kEventColumns = kPgEventColumns;

std::string str(const PgResult &r, int row, int col)
{
    return std::string(r.text(row, col));
}

std::optional<std::uint32_t> optUint32(const PgResult &r, int row, int col)
{
    const auto v = r.integer(row, col);
    if (!v || *v < 0 || *v > 0xffffffffLL)
        return std::nullopt;
    return static_cast<std::uint32_t>(*v);
}

ApprovalRecord readApproval(const PgResult &r, int i)
{
    ApprovalRecord a;
    a.id = r.integer(i, 0).value_or(0);
    a.sessionId = str(r, i, 1);
    a.seq = r.integer(i, 2).value_or(0);
    a.createdAt = r.real(i, 3).value_or(0);
    a.queue = str(r, i, 4);
    a.tool = str(r, i, 5);
    a.parameters = str(r, i, 6);
    a.message = str(r, i, 7);
    a.policy = str(r, i, 8);
    a.request = str(r, i, 9);
    a.decision = str(r, i, 10);
    a.status = approvalStatusFromName(std::string(r.text(i, 11))).value_or(ApprovalStatus::Pending);
    a.resolvedAt = r.real(i, 12);
    a.note = str(r, i, 13);
    a.resolver = str(r, i, 14);
    a.resolverUid = optUint32(r, i, 15);
    return a;
}

} // namespace

void readPgEvent(const PgResult &r, int i, AuditEvent &e)
{
    e.sessionId = str(r, i, 0);
    e.seq = r.integer(i, 1).value_or(0);
    e.ts = r.real(i, 2).value_or(0);
    e.type = str(r, i, 3);
    e.tool = str(r, i, 4);
    e.parameters = str(r, i, 5);
    e.decision = str(r, i, 6);
    e.layer = str(r, i, 7);
    e.policy = str(r, i, 8);
    e.message = str(r, i, 9);
    e.severity = str(r, i, 10);
    e.trace = str(r, i, 11);
    e.policyHash = str(r, i, 12);
    e.request = str(r, i, 13);
    e.row = r.integer(i, 14).value_or(0);
    e.chain = str(r, i, 15);
}

namespace {

void readEvent(const PgResult &r, int i, AuditEvent &e) { readPgEvent(r, i, e); }

// "$n": the next placeholder, counting params.
std::string next(std::vector<std::optional<std::string>> &params, std::optional<std::string> value)
{
    params.push_back(std::move(value));
    return "$" + std::to_string(params.size());
}

std::string ownedSessions(std::vector<std::optional<std::string>> &params, std::uint32_t owner)
{
    return "session_id IN (SELECT id FROM openshell.sessions WHERE owner_uid = " + next(params, std::to_string(owner))
        + ")";
}

} // namespace

bool PgReader::open(const std::string &conninfo, std::string &error)
{
    std::lock_guard lock(m_mutex);
    return m_db.open(conninfo, error);
}

bool PgReader::forEachRow(const std::string &sql, const Params &params,
                          const std::function<bool(const PgResult &, int)> &row, std::string &error)
{
    if (!m_db.ensureOpen(error) || !m_db.run("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", error))
        return false;
    auto fail = [&] {
        std::string ignored;
        m_db.run("ROLLBACK", ignored);
        return false;
    };
    if (!m_db.exec("DECLARE audit_rows NO SCROLL CURSOR FOR " + sql, params, error))
        return fail();
    const std::string fetch = "FETCH FORWARD " + std::to_string(kFetchRows) + " FROM audit_rows";
    for (;;) {
        auto r = m_db.exec(fetch, {}, error);
        if (!r)
            return fail();
        const int n = r->rows();
        for (int i = 0; i < n; ++i)
            if (!row(*r, i))
                return m_db.run("ROLLBACK", error);
        if (n < kFetchRows)
            break;
    }
    return m_db.run("COMMIT", error) || fail();
}

bool PgReader::query(const AuditQuery &q, const std::function<bool(const AuditEvent &)> &visit, std::string &error)
{
    std::optional<AuditCursor> after;
    if (!q.after.empty() && !(after = AuditCursor::parse(q.after))) {
        error = "invalid cursor '" + q.after + "'";
        return false;
    }
    Params p;
    std::string sql = std::string(kEventColumns) + " WHERE TRUE";
    if (q.since)
        sql += " AND ts >= " + next(p, PgDb::real(*q.since));
    if (q.until)
        sql += " AND ts < " + next(p, PgDb::real(*q.until));
    if (!q.sessionId.empty())
        sql += " AND session_id = " + next(p, q.sessionId);
    auto in = [&](const char *column, const std::vector<std::string> &values, bool noneIsEmpty) {
        if (values.empty())
            return;
        sql += std::string(" AND ") + column + " IN (";
        for (std::size_t i = 0; i < values.size(); ++i)
            sql += (i ? ", " : "") + next(p, noneIsEmpty && values[i] == "none" ? std::string() : values[i]);
        sql += ")";
    };
    in("type", q.types, false);
    in("severity", q.severities, false);
    in("decision", q.decisions, true);
    if (!q.tool.empty())
        sql += " AND tool = " + next(p, q.tool);
    if (q.ownerUid)
        sql += " AND " + ownedSessions(p, *q.ownerUid);
    if (after) {
        const std::string ts = next(p, PgDb::real(after->ts));
        const std::string seq = next(p, std::to_string(after->seq));
        sql += " AND (ts, seq, id) > (" + ts + "::double precision, " + seq + "::bigint, "
            + next(p, std::to_string(after->row)) + "::bigint)";
    }
    sql += " ORDER BY ts, seq, id";
    if (q.limit > 0)
        sql += " LIMIT " + next(p, std::to_string(q.limit));
    std::lock_guard lock(m_mutex);
    AuditEvent e;
    return forEachRow(sql, p, [&](const PgResult &r, int i) {
        readEvent(r, i, e);
        return visit(e);
    }, error);
}

bool PgReader::scanSession(const std::string &sessionId, unsigned columns,
                           const std::function<bool(const AuditRowView &)> &visit, std::string &error)
{
    const ScanLayout layout(columns);
    std::string sql = layout.select;
    sql += " FROM openshell.events WHERE session_id = $1 ORDER BY seq";
    std::lock_guard lock(m_mutex);
    AuditRowView v;
    return forEachRow(sql, {sessionId}, [&](const PgResult &r, int i) {
        v.seq = r.integer(i, 0).value_or(0);
        v.ts = r.real(i, 1).value_or(0);
        v.type = r.text(i, 2);
        v.tool = r.text(i, 3);
        v.decision = r.text(i, 4);
        v.layer = r.text(i, 5);
        v.policy = r.text(i, 6);
        v.severity = r.text(i, 7);
        v.hasRequest = r.text(i, 8) == "t";
        layout.fillOptional(v, [&](int column) { return r.text(i, column); });
        return visit(v);
    }, error);
}

bool PgReader::event(const std::string &sessionId, std::int64_t seq, AuditEvent &out, bool &found,
                     std::string &error)
{
    found = false;
    std::lock_guard lock(m_mutex);
    if (!m_db.ensureOpen(error))
        return false;
    auto r = m_db.exec(std::string(kEventColumns) + " WHERE session_id = $1 AND seq = $2",
                       {sessionId, std::to_string(seq)}, error);
    if (!r)
        return false;
    if (r->rows() > 0) {
        found = true;
        readEvent(*r, 0, out);
    }
    return true;
}

bool PgReader::searchText(const std::string &sessionId, const std::string &needle, std::vector<std::int64_t> &out,
                          std::string &error)
{
    out.clear();
    std::lock_guard lock(m_mutex);
    // strpos over lower(): no LIKE wildcards to escape.
    return forEachRow("SELECT seq FROM openshell.events WHERE session_id = $1 AND (strpos(lower(message), lower($2)) "
                      "> 0 OR strpos(lower(parameters), lower($2)) > 0) ORDER BY seq",
                      {sessionId, needle}, [&](const PgResult &r, int i) {
                          out.push_back(r.integer(i, 0).value_or(0));
                          return true;
                      }, error);
}

bool PgReader::sessions(std::optional<std::uint32_t> owner, std::vector<SessionSummary> &out, std::string &error)
{
    out.clear();
    std::lock_guard lock(m_mutex);
    if (!m_db.ensureOpen(error) || !m_db.run("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", error))
        return false;
    auto fail = [&] {
        std::string ignored;
        m_db.run("ROLLBACK", ignored);
        return false;
    };
    Params p;
    std::string sql = "SELECT id, started_at, ended_at, policy_file, policy_hash, policy_commit, policy_dirty, "
                      "isolation, exit_status, exit_reason, command, owner_uid, host FROM openshell.sessions";
    if (owner)
        sql += " WHERE owner_uid = " + next(p, std::to_string(*owner));
    sql += " ORDER BY started_at, id";
    auto rows = m_db.exec(sql, p, error);
    if (!rows)
        return fail();
    std::map<std::string, std::size_t> index;
    for (int i = 0; i < rows->rows(); ++i) {
        SessionSummary s;
        s.session.id = str(*rows, i, 0);
        s.session.startedAt = rows->real(i, 1).value_or(0);
        s.session.endedAt = rows->real(i, 2);
        s.session.policyFile = str(*rows, i, 3);
        s.session.policyHash = str(*rows, i, 4);
        s.session.policyCommit = str(*rows, i, 5);
        s.session.policyDirty = rows->text(i, 6) == "t";
        s.session.isolation = str(*rows, i, 7);
        if (const auto v = rows->integer(i, 8))
            s.session.exitStatus = static_cast<int>(*v);
        s.session.exitReason = str(*rows, i, 9);
        s.session.command = str(*rows, i, 10);
        s.session.ownerUid = optUint32(*rows, i, 11);
        s.session.host = str(*rows, i, 12);
        index.emplace(s.session.id, out.size());
        out.push_back(std::move(s));
    }
    Params cp;
    auto counts = m_db.exec(std::string("SELECT session_id, decision, n FROM openshell.session_counts")
                                + (owner ? " WHERE " + ownedSessions(cp, *owner) : std::string())
                                + " ORDER BY session_id",
                            cp, error);
    if (!counts)
        return fail();
    for (int i = 0; i < counts->rows(); ++i) {
        const std::string id = str(*counts, i, 0);
        auto it = index.find(id);
        if (it == index.end()) {
            SessionSummary s;
            s.session.id = id;
            it = index.emplace(id, out.size()).first;
            out.push_back(std::move(s));
        }
        const auto n = counts->integer(i, 2).value_or(0);
        out[it->second].byDecision[str(*counts, i, 1)] += n;
        out[it->second].events += n;
    }
    for (auto &s : out) {
        if (s.session.startedAt != 0)
            continue;
        auto first = m_db.exec("SELECT ts FROM openshell.events WHERE session_id = $1 ORDER BY seq LIMIT 1",
                               {s.session.id}, error);
        if (!first)
            return fail();
        if (first->rows() > 0)
            s.session.startedAt = first->real(0, 0).value_or(0);
    }
    return m_db.run("COMMIT", error) || fail();
}

bool PgReader::approval(std::int64_t id, ApprovalRecord &out, bool &found, std::string &error)
{
    found = false;
    std::lock_guard lock(m_mutex);
    if (!m_db.ensureOpen(error))
        return false;
    auto r = m_db.exec(std::string(kApprovalColumns) + " WHERE id = $1", {std::to_string(id)}, error);
    if (!r)
        return false;
    if (r->rows() > 0) {
        found = true;
        out = readApproval(*r, 0);
    }
    return true;
}

bool PgReader::approvals(std::optional<ApprovalStatus> status, std::optional<std::uint32_t> owner,
                         std::vector<ApprovalRecord> &out, std::string &error)
{
    out.clear();
    Params p;
    std::string sql = std::string(kApprovalColumns) + " WHERE TRUE";
    if (status)
        sql += " AND status = " + next(p, std::string(approvalStatusName(*status)));
    if (owner)
        sql += " AND " + ownedSessions(p, *owner);
    sql += " ORDER BY created_at, id";
    std::lock_guard lock(m_mutex);
    return forEachRow(sql, p, [&](const PgResult &r, int i) {
        out.push_back(readApproval(r, i));
        return true;
    }, error);
}

bool PgReader::approvalOwner(std::int64_t id, std::optional<std::uint32_t> &owner, std::string &error)
{
    owner.reset();
    std::lock_guard lock(m_mutex);
    if (!m_db.ensureOpen(error))
        return false;
    // Both primary keys: one row at most, whatever the store holds.
    auto r = m_db.exec("SELECT s.owner_uid FROM openshell.approvals a JOIN openshell.sessions s ON s.id = a.session_id "
                       "WHERE a.id = $1",
                       {std::to_string(id)}, error);
    if (!r)
        return false;
    if (r->rows() > 0)
        owner = optUint32(*r, 0, 0);
    return true;
}

bool PgReader::sessionHost(const std::string &sessionId, std::optional<std::string> &host, std::string &error)
{
    host.reset();
    std::lock_guard lock(m_mutex);
    if (!m_db.ensureOpen(error))
        return false;
    auto r = m_db.exec("SELECT host FROM openshell.sessions WHERE id = $1", {sessionId}, error);
    if (!r)
        return false;
    if (r->rows() > 0)
        host = str(*r, 0, 0);
    return true;
}

bool PgReader::maxSeq(const std::string &sessionId, std::int64_t &out, std::string &error)
{
    std::lock_guard lock(m_mutex);
    if (!m_db.ensureOpen(error))
        return false;
    auto r = m_db.exec("SELECT MAX(seq) FROM openshell.events WHERE session_id = $1", {sessionId}, error);
    if (!r)
        return false;
    out = r->integer(0, 0).value_or(0);
    return true;
}

bool PgReader::chainEvents(const std::string &sessionId, const std::function<bool(const AuditEvent &)> &visit,
                           std::string &error)
{
    std::lock_guard lock(m_mutex);
    AuditEvent e;
    auto row = [&](const PgResult &r, int i) {
        readEvent(r, i, e);
        return visit(e);
    };
    if (sessionId.empty())
        return forEachRow(std::string(kEventColumns) + " ORDER BY session_id, id", {}, row, error);
    return forEachRow(std::string(kEventColumns) + " WHERE session_id = $1 ORDER BY id", {sessionId}, row, error);
}

bool PgReader::checkpoints(const std::string &sessionId, std::vector<Checkpoint> &out, std::string &error)
{
    out.clear();
    std::lock_guard lock(m_mutex);
    Params p;
    std::string sql = "SELECT session_id, seq, chain, ts, key, signature FROM openshell.checkpoints";
    if (!sessionId.empty())
        sql += " WHERE session_id = " + next(p, sessionId);
    sql += " ORDER BY session_id, id";
    return forEachRow(sql, p, [&](const PgResult &r, int i) {
        Checkpoint c;
        c.sessionId = str(r, i, 0);
        c.seq = r.integer(i, 1).value_or(0);
        c.chain = str(r, i, 2);
        c.ts = r.real(i, 3).value_or(0);
        c.key = str(r, i, 4);
        c.signature = str(r, i, 5);
        out.push_back(std::move(c));
        return true;
    }, error);
}

bool PgReader::integrityCheck(std::string &report)
{
    std::lock_guard lock(m_mutex);
    int version = 0;
    if (!m_db.ensureOpen(report) || !PgSchema::version(m_db, version, report))
        return false;
    if (version != PgSchema::kVersion) {
        report = "schema version " + std::to_string(version) + ", expected " + std::to_string(PgSchema::kVersion);
        return false;
    }
    report = "ok";
    return true;
}

} // namespace osh::audit
