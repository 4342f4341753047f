#include "staterows.h"

#include "audit/pgdb.h"
#include "audit/pgschema.h"
#include "audit/sqlitedb.h"
#include "audit/sqlitestmt.h"

#include <cerrno>
#include <cstring>
#include <functional>

#include <fcntl.h>
#include <sqlite3.h>
#include <unistd.h>

namespace osh::service {

namespace {

class SqliteRows : public StateRows
{
public:
    bool open(const std::string &path, std::string &error)
    {
        // The file first, 0600, so SQLite never creates it with the umask's mode.
        const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
        if (fd < 0) {
            error = "cannot open " + path + ": " + std::strerror(errno);
            return false;
        }
        ::close(fd);
        std::string why;
        if (!m_db.open(path, false, why)
            || !m_db.exec("PRAGMA journal_mode=WAL; PRAGMA busy_timeout=5000;"
                          // store: "UID/AGENT", every user's own per agent name
                          "CREATE TABLE IF NOT EXISTS agent_stores(store TEXT PRIMARY KEY, owner_uid INTEGER NOT NULL,"
                          " agent TEXT NOT NULL, created REAL NOT NULL);"
                          // size before sealed: summing sizes never reads the values
                          "CREATE TABLE IF NOT EXISTS agent_items(store TEXT NOT NULL, key TEXT NOT NULL, size INTEGER NOT NULL,"
                          " sealed TEXT NOT NULL, updated REAL NOT NULL, PRIMARY KEY(store, key));"
                          // a first layout, keyed by agent name alone, is not kept
                          "DROP TABLE IF EXISTS items; DROP TABLE IF EXISTS stores;",
                          why)) {
            error = "the state store " + path + ": " + why;
            return false;
        }
        return true;
    }

    bool begin(std::string &error) override { return m_db.exec("BEGIN IMMEDIATE", error); }
    bool commit(std::string &error) override { return m_db.exec("COMMIT", error); }
    void rollback() override { m_db.rollbackQuietly(); }

    bool storeExists(const std::string &store, bool &exists, std::string &error) override
    {
        return query("SELECT 1 FROM agent_stores WHERE store = ?", [&](audit::SqliteStmt &q) { q.bindText(1, store); },
                     [&](audit::SqliteStmt &) { exists = true; }, error, [&] { exists = false; });
    }

    bool storesOf(uid_t owner, long long &count, std::string &error) override
    {
        return query("SELECT COUNT(*) FROM agent_stores WHERE owner_uid = ?",
                     [&](audit::SqliteStmt &q) { q.bindInt(1, static_cast<std::int64_t>(owner)); },
                     [&](audit::SqliteStmt &q) { count = q.int64(0); }, error);
    }

    bool createStore(const std::string &store, uid_t owner, const std::string &agent, double created,
                     std::string &error) override
    {
        return change("INSERT INTO agent_stores(store, owner_uid, agent, created) VALUES(?, ?, ?, ?)",
                      [&](audit::SqliteStmt &q) {
                          q.bindText(1, store);
                          q.bindInt(2, static_cast<std::int64_t>(owner));
                          q.bindText(3, agent);
                          q.bindReal(4, created);
                      },
                      nullptr, error);
    }

    bool usage(const std::string &store, const std::string &exceptKey, long long &count, long long &bytes,
               std::string &error) override
    {
        return query("SELECT COUNT(*), COALESCE(SUM(size), 0) FROM agent_items WHERE store = ? AND key != ?",
                     [&](audit::SqliteStmt &q) {
                         q.bindText(1, store);
                         q.bindText(2, exceptKey);
                     },
                     [&](audit::SqliteStmt &q) {
                         count = q.int64(0);
                         bytes = q.int64(1);
                     },
                     error);
    }

    bool putItem(const std::string &store, const std::string &key, const std::string &sealed, double updated,
                 std::string &error) override
    {
        return change("INSERT INTO agent_items(store, key, size, sealed, updated) VALUES(?, ?, ?, ?, ?) "
                      "ON CONFLICT(store, key) DO UPDATE SET size = excluded.size, sealed = excluded.sealed, "
                      "updated = excluded.updated",
                      [&](audit::SqliteStmt &q) {
                          q.bindText(1, store);
                          q.bindText(2, key);
                          q.bindInt(3, static_cast<std::int64_t>(sealed.size()));
                          q.bindText(4, sealed);
                          q.bindReal(5, updated);
                      },
                      nullptr, error);
    }

    bool item(const std::string &store, const std::string &key, std::optional<std::string> &sealed,
              std::string &error) override
    {
        sealed.reset();
        return query("SELECT sealed FROM agent_items WHERE store = ? AND key = ?",
                     [&](audit::SqliteStmt &q) {
                         q.bindText(1, store);
                         q.bindText(2, key);
                     },
                     [&](audit::SqliteStmt &q) { sealed = q.text(0); }, error, [] {});
    }

    bool removeItem(const std::string &store, const std::string &key, bool &removed, std::string &error) override
    {
        return change("DELETE FROM agent_items WHERE store = ? AND key = ?",
                      [&](audit::SqliteStmt &q) {
                          q.bindText(1, store);
                          q.bindText(2, key);
                      },
                      &removed, error);
    }

    bool dropIfEmpty(const std::string &store, bool &dropped, std::string &error) override
    {
        return change("DELETE FROM agent_stores WHERE store = ? AND NOT EXISTS (SELECT 1 FROM agent_items WHERE store = ?)",
                      [&](audit::SqliteStmt &q) {
                          q.bindText(1, store);
                          q.bindText(2, store);
                      },
                      &dropped, error);
    }

    bool keys(const std::string &store, const std::string &prefix, std::vector<std::string> &out,
              std::string &error) override
    {
        audit::SqliteStmt q;
        // substr, not LIKE: a prefix's % and _ are text here.
        if (!q.prepare(m_db.handle(), "SELECT key FROM agent_items WHERE store = ? AND substr(key, 1, ?) = ? ORDER BY key",
                       error))
            return false;
        q.bindText(1, store);
        q.bindInt(2, static_cast<std::int64_t>(prefix.size()));
        q.bindText(3, prefix);
        int rc;
        while ((rc = q.step()) == SQLITE_ROW)
            out.push_back(q.text(0));
        if (rc != SQLITE_DONE) {
            error = m_db.errorMessage();
            return false;
        }
        return true;
    }

private:
    using Bind = std::function<void(audit::SqliteStmt &)>;

    // One row read by row(); without a row, none() (an error when not given).
    bool query(const char *sql, const Bind &bind, const Bind &row, std::string &error,
               const std::function<void()> &none = {})
    {
        audit::SqliteStmt q;
        if (!q.prepare(m_db.handle(), sql, error))
            return false;
        bind(q);
        const int rc = q.step();
        if (rc == SQLITE_ROW) {
            row(q);
            return true;
        }
        if (rc == SQLITE_DONE && none) {
            none();
            return true;
        }
        error = rc == SQLITE_DONE ? std::string("no row") : m_db.errorMessage();
        return false;
    }

    bool change(const char *sql, const Bind &bind, bool *changed, std::string &error)
    {
        audit::SqliteStmt q;
        if (!q.prepare(m_db.handle(), sql, error))
            return false;
        bind(q);
        if (q.step() != SQLITE_DONE) {
            error = m_db.errorMessage();
            return false;
        }
        if (changed)
            *changed = sqlite3_changes(m_db.handle()) > 0;
        return true;
    }

    audit::SqliteDb m_db;
};

class PgRows : public StateRows
{
public:
    bool open(const std::string &conninfo, const std::string &host, std::string &error)
    {
        m_host = host;
        return m_db.open(conninfo, error) && audit::PgSchema::prepare(m_db, error, true);
    }

    bool begin(std::string &error) override
    {
        // One host's writes one at a time, so its quotas hold even with a
        // second service of the same name.
        if (!connected(error) || !m_db.run("BEGIN", error))
            return false;
        m_inTransaction = true;
        if (!run("SELECT pg_advisory_xact_lock(hashtextextended('openshell-state/' || $1::text, 0))", {m_host}, error)) {
            rollback(); // never left in a failed transaction
            return false;
        }
        return true;
    }

    bool commit(std::string &error) override
    {
        m_inTransaction = false;
        // COMMIT of a failed transaction is answered with ROLLBACK, not an error.
        if (m_db.transactionFailed()) {
            rollback();
            error = "25P02: the transaction failed before its commit";
            return false;
        }
        return m_db.run("COMMIT", error);
    }

    void rollback() override
    {
        m_inTransaction = false;
        std::string ignored;
        if (m_db.isOpen())
            m_db.run("ROLLBACK", ignored);
    }

    bool storeExists(const std::string &store, bool &exists, std::string &error) override
    {
        auto r = run("SELECT 1 FROM openshell.agent_stores WHERE host = $1 AND store = $2", {m_host, store}, error);
        if (r)
            exists = r->rows() > 0;
        return r.has_value();
    }

    bool storesOf(uid_t owner, long long &count, std::string &error) override
    {
        auto r = run("SELECT count(*) FROM openshell.agent_stores WHERE host = $1 AND owner_uid = $2",
                     {m_host, std::to_string(owner)}, error);
        return r && number(*r, 0, count, error);
    }

    bool createStore(const std::string &store, uid_t owner, const std::string &agent, double created,
                     std::string &error) override
    {
        return run("INSERT INTO openshell.agent_stores(host, store, owner_uid, agent, created) VALUES ($1, $2, $3, $4, $5)",
                   {m_host, store, std::to_string(owner), agent, audit::PgDb::real(created)}, error)
            .has_value();
    }

    bool usage(const std::string &store, const std::string &exceptKey, long long &count, long long &bytes,
               std::string &error) override
    {
        auto r = run("SELECT count(*), COALESCE(sum(size), 0) FROM openshell.agent_items "
                     "WHERE host = $1 AND store = $2 AND key <> $3",
                     {m_host, store, exceptKey}, error);
        return r && number(*r, 0, count, error) && number(*r, 1, bytes, error);
    }

    bool putItem(const std::string &store, const std::string &key, const std::string &sealed, double updated,
                 std::string &error) override
    {
        return run("INSERT INTO openshell.agent_items(host, store, key, size, sealed, updated) "
                   "VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (host, store, key) DO UPDATE SET "
                   "size = excluded.size, sealed = excluded.sealed, updated = excluded.updated",
                   {m_host, store, key, std::to_string(sealed.size()), sealed, audit::PgDb::real(updated)}, error)
            .has_value();
    }

    bool item(const std::string &store, const std::string &key, std::optional<std::string> &sealed,
              std::string &error) override
    {
        sealed.reset();
        auto r = run("SELECT sealed FROM openshell.agent_items WHERE host = $1 AND store = $2 AND key = $3",
                     {m_host, store, key}, error);
        if (r && r->rows() > 0)
            sealed = std::string(r->text(0, 0));
        return r.has_value();
    }

    bool removeItem(const std::string &store, const std::string &key, bool &removed, std::string &error) override
    {
        auto r = run("DELETE FROM openshell.agent_items WHERE host = $1 AND store = $2 AND key = $3", {m_host, store, key},
                     error);
        if (r)
            removed = r->affected() > 0;
        return r.has_value();
    }

    bool dropIfEmpty(const std::string &store, bool &dropped, std::string &error) override
    {
        auto r = run("DELETE FROM openshell.agent_stores s WHERE s.host = $1 AND s.store = $2 AND NOT EXISTS "
                     "(SELECT 1 FROM openshell.agent_items i WHERE i.host = $1 AND i.store = $2)",
                     {m_host, store}, error);
        if (r)
            dropped = r->affected() > 0;
        return r.has_value();
    }

    bool keys(const std::string &store, const std::string &prefix, std::vector<std::string> &out,
              std::string &error) override
    {
        // left(), not LIKE: a prefix's % and _ are text here. COLLATE "C":
        // sorted by bytes, as SQLite sorts.
        auto r = run("SELECT key FROM openshell.agent_items WHERE host = $1 AND store = $2 "
                     "AND left(key, length($3::text)) = $3::text ORDER BY key COLLATE \"C\"",
                     {m_host, store, prefix}, error);
        if (!r)
            return false;
        for (int i = 0; i < r->rows(); ++i)
            out.emplace_back(r->text(i, 0));
        return true;
    }

private:
    bool connected(std::string &error) { return m_db.ensureOpen(error); }

    // A statement; outside a transaction the connection is made again when
    // it was lost. Inside one it never is: what follows would run outside
    // the transaction.
    std::optional<audit::PgResult> run(std::string_view sql, const std::vector<std::optional<std::string>> &params,
                                       std::string &error)
    {
        if (!m_inTransaction && !connected(error))
            return std::nullopt;
        return m_db.exec(sql, params, error);
    }

    static bool number(const audit::PgResult &r, int column, long long &out, std::string &error)
    {
        const auto v = r.rows() == 1 ? r.integer(0, column) : std::nullopt;
        if (!v) {
            error = "the database returned no count";
            return false;
        }
        out = *v;
        return true;
    }

    audit::PgDb m_db;
    std::string m_host;
    bool m_inTransaction = false;
};

} // namespace

std::unique_ptr<StateRows> StateRows::openSqlite(const std::string &path, std::string &error)
{
    auto rows = std::make_unique<SqliteRows>();
    if (!rows->open(path, error))
        return nullptr;
    return rows;
}

std::unique_ptr<StateRows> StateRows::openPostgres(const std::string &conninfo, const std::string &host,
                                                   std::string &error)
{
    auto rows = std::make_unique<PgRows>();
    if (!rows->open(conninfo, host, error)) {
        error = "the agents' state in " + audit::PgDb::displayName(conninfo) + ": " + error;
        return nullptr;
    }
    return rows;
}

} // namespace osh::service
