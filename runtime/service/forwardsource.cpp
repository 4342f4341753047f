#include "forwardsource.h"

#include "audit/auditreader.h"
#include "audit/pgdb.h"
#include "audit/pgreader.h"
#include "audit/sqlitedb.h"
#include "audit/sqlitestmt.h"

#include <sqlite3.h>

namespace osh::service {

namespace {

class SqliteSource : public ForwardSource
{
public:
    bool open(const std::string &path, std::string &error)
    {
        if (!m_db.open(path, false, error))
            return false;
        sqlite3_busy_timeout(m_db.handle(), 5000);
        return m_batch.prepare(m_db.handle(),
                               "SELECT session_id, seq, ts, type, tool, parameters, decision, layer, policy, message, "
                               "severity, trace, policy_hash, request, chain, id FROM events WHERE id > ?1 ORDER BY id "
                               "LIMIT ?2",
                               error)
            && m_head.prepare(m_db.handle(), "SELECT id, chain FROM events ORDER BY id DESC LIMIT 1", error)
            && m_oldest.prepare(m_db.handle(), "SELECT ts FROM events WHERE id > ?1 ORDER BY id LIMIT 1", error)
            && m_commit.prepare(m_db.handle(), "SELECT policy_commit FROM sessions WHERE id = ?1", error)
            && m_first.prepare(m_db.handle(), "SELECT chain FROM events ORDER BY id LIMIT 1", error)
            && m_chainAt.prepare(m_db.handle(), "SELECT chain FROM events WHERE id = ?1", error);
    }

    bool head(std::int64_t &id, std::string &chain, std::string &error) override
    {
        id = 0;
        chain.clear();
        return one(m_head, error, [&] {
            id = m_head.int64(0);
            chain = m_head.text(1);
        });
    }

    bool first(std::string &chain, std::string &error) override
    {
        chain.clear();
        return one(m_first, error, [&] { chain = m_first.text(0); });
    }

    bool chainAt(std::int64_t id, std::optional<std::string> &chain, std::string &error) override
    {
        chain.reset();
        m_chainAt.bindInt(1, id);
        return one(m_chainAt, error, [&] { chain = m_chainAt.text(0); });
    }

    bool oldest(std::int64_t after, double &oldestTs, std::string &error) override
    {
        oldestTs = 0;
        m_oldest.bindInt(1, after);
        return one(m_oldest, error, [&] { oldestTs = m_oldest.real(0); });
    }

    bool count(std::int64_t after, std::int64_t &count, std::string &error) override
    {
        count = 0;
        std::int64_t newest = 0;
        std::string ignored;
        if (!head(newest, ignored, error))
            return false;
        // Ids of one file are given in commit order, one after the other.
        count = std::max<std::int64_t>(0, newest - after);
        return true;
    }

    bool batch(std::int64_t after, int limit, const std::function<bool(const AuditEvent &, std::int64_t)> &visit,
               std::string &error) override
    {
        m_batch.reset();
        m_batch.bindInt(1, after);
        m_batch.bindInt(2, limit);
        int rc;
        while ((rc = m_batch.step()) == SQLITE_ROW) {
            AuditEvent e;
            audit::readEventColumns(m_batch, e);
            e.chain = m_batch.text(14);
            if (!visit(e, m_batch.int64(15)))
                break;
        }
        const bool ok = rc == SQLITE_ROW || rc == SQLITE_DONE;
        if (!ok)
            error = m_db.errorMessage();
        // A statement left stepping holds its snapshot: later commits would stay unseen.
        m_batch.reset();
        return ok;
    }

    bool policyCommit(const std::string &sessionId, std::optional<std::string> &commit, std::string &error) override
    {
        commit.reset();
        m_commit.bindText(1, sessionId);
        return one(m_commit, error, [&] { commit = m_commit.text(0); });
    }

private:
    // Steps a statement once: row() for a row; the statement is reset after.
    template <typename Row>
    bool one(audit::SqliteStmt &q, std::string &error, Row row)
    {
        const int rc = q.step();
        if (rc == SQLITE_ROW)
            row();
        const bool ok = rc == SQLITE_ROW || rc == SQLITE_DONE;
        if (!ok)
            error = m_db.errorMessage();
        q.reset();
        return ok;
    }

    audit::SqliteDb m_db;
    audit::SqliteStmt m_batch, m_head, m_oldest, m_commit, m_first, m_chainAt;
};

class PgSource : public ForwardSource
{
public:
    bool open(const std::string &conninfo, const std::string &host, std::string &error)
    {
        m_host = host;
        return m_db.open(conninfo, error);
    }

    bool head(std::int64_t &id, std::string &chain, std::string &error) override
    {
        id = 0;
        chain.clear();
        auto r = run("SELECT id, chain FROM openshell.events WHERE " + ownEvents("$1") + " ORDER BY id DESC LIMIT 1",
                     {m_host}, error);
        if (r && r->rows() == 1) {
            id = r->integer(0, 0).value_or(0);
            chain = std::string(r->text(0, 1));
        }
        return r.has_value();
    }

    bool first(std::string &chain, std::string &error) override
    {
        chain.clear();
        auto r = run("SELECT chain FROM openshell.events WHERE " + ownEvents("$1") + " ORDER BY id LIMIT 1", {m_host},
                     error);
        if (r && r->rows() == 1)
            chain = std::string(r->text(0, 0));
        return r.has_value();
    }

    bool chainAt(std::int64_t id, std::optional<std::string> &chain, std::string &error) override
    {
        chain.reset();
        auto r = run("SELECT chain FROM openshell.events WHERE id = $2 AND " + ownEvents("$1"),
                     {m_host, std::to_string(id)}, error);
        if (r && r->rows() == 1)
            chain = std::string(r->text(0, 0));
        return r.has_value();
    }

    bool oldest(std::int64_t after, double &oldestTs, std::string &error) override
    {
        oldestTs = 0;
        auto r = run("SELECT ts FROM openshell.events WHERE id > $2 AND " + ownEvents("$1") + " ORDER BY id LIMIT 1",
                     {m_host, std::to_string(after)}, error);
        if (r && r->rows() == 1)
            oldestTs = r->real(0, 0).value_or(0);
        return r.has_value();
    }

    bool count(std::int64_t after, std::int64_t &count, std::string &error) override
    {
        count = 0;
        // Only this host's: other hosts' ids lie between them.
        auto n = run("SELECT count(*) FROM (SELECT 1 FROM openshell.events WHERE id > $2 AND " + ownEvents("$1")
                         + " LIMIT $3) p",
                     {m_host, std::to_string(after), std::to_string(kCountLimit)}, error);
        if (n)
            count = n->integer(0, 0).value_or(0);
        return n.has_value();
    }

    bool batch(std::int64_t after, int limit, const std::function<bool(const AuditEvent &, std::int64_t)> &visit,
               std::string &error) override
    {
        auto r = run(std::string(audit::kPgEventColumns) + " WHERE id > $2 AND " + ownEvents("$1")
                         + " ORDER BY id LIMIT $3",
                     {m_host, std::to_string(after), std::to_string(limit)}, error);
        if (!r)
            return false;
        for (int i = 0; i < r->rows(); ++i) {
            AuditEvent e;
            audit::readPgEvent(*r, i, e);
            if (!visit(e, e.row))
                break;
        }
        return true;
    }

    bool policyCommit(const std::string &sessionId, std::optional<std::string> &commit, std::string &error) override
    {
        commit.reset();
        auto r = run("SELECT policy_commit FROM openshell.sessions WHERE id = $1", {sessionId}, error);
        if (r && r->rows() == 1)
            commit = std::string(r->text(0, 0));
        return r.has_value();
    }

private:
    // Events this host wrote (its sessions'; index events_host).
    static std::string ownEvents(const char *hostParam) { return std::string("host = ") + hostParam; }

    std::optional<audit::PgResult> run(const std::string &sql, const std::vector<std::optional<std::string>> &params,
                                       std::string &error)
    {
        if (!m_db.ensureOpen(error))
            return std::nullopt;
        return m_db.exec(sql, params, error);
    }

    audit::PgDb m_db;
    std::string m_host;
};

} // namespace

std::unique_ptr<ForwardSource> ForwardSource::open(const std::string &store, const std::string &host,
                                                   std::string &error)
{
    if (audit::PgDb::isConnectionString(store)) {
        auto s = std::make_unique<PgSource>();
        if (!s->open(store, host, error))
            return nullptr;
        return s;
    }
    auto s = std::make_unique<SqliteSource>();
    if (!s->open(store, error))
        return nullptr;
    return s;
}

} // namespace osh::service
