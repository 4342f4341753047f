#pragma once
// Test helper: runs an audit store suite against either backend. With
// OSH_AUDIT_BACKEND=postgresql (or StoreBackend::Postgres) each test gets a fresh database in a
// throwaway PostgreSQL cluster (support/pgcluster.h, Unix socket only);
// otherwise a fresh SQLite file. text() reads the store's tables directly,
// without going through the store. openOrWarn() opens a store the plain way.

#include "../support/pgcluster.h"
#include "audit/auditstore.h"
#include "audit/pgdb.h"
#include "rawdb.h"

#include <QTemporaryDir>

#include <memory>
#include <string>

namespace osh::test {

// The store at p with the default options; on failure a warning with the
// reason, and null.
inline std::unique_ptr<AuditStore> openOrWarn(const std::string &p)
{
    std::string error;
    auto s = AuditStore::open(p, error);
    if (!s)
        qWarning("open failed: %s", error.c_str());
    return s;
}

class StoreBackend
{
public:
    enum Choice { FromEnvironment, Postgres };
    explicit StoreBackend(Choice choice = FromEnvironment)
        : m_pg(choice == Postgres || qEnvironmentVariable("OSH_AUDIT_BACKEND") == QLatin1String("postgresql"))
    { }

    bool isPostgres() const { return m_pg; }
    const char *name() const { return m_pg ? "PostgreSQL" : "SQLite"; }

    // Once per suite: starts the cluster when needed.
    bool start(QString *error)
    {
        if (!m_pg)
            return true;
        m_cluster = std::make_unique<PgCluster>();
        return m_cluster->start(error);
    }

    // Once per test: a store nobody used yet.
    bool fresh(const QTemporaryDir &dir, std::string &error)
    {
        ++m_count;
        if (!m_pg) {
            m_store = dir.path().toStdString() + "/audit" + std::to_string(m_count) + ".db";
            return true;
        }
        const std::string db = "t" + std::to_string(m_count);
        audit::PgDb admin;
        if (!admin.open(m_cluster->conninfo(), error) || !admin.run("CREATE DATABASE " + db, error))
            return false;
        m_store = m_cluster->conninfo(QString::fromStdString(db));
        return true;
    }

    const std::string &store() const { return m_store; }

    // Runs sql (one or more statements) on the store's tables behind the
    // store's back; the error, empty on success.
    std::string exec(const std::string &sql) const
    {
        if (!m_pg)
            return RawDb(m_store).exec(sql);
        audit::PgDb db;
        std::string error;
        if (!db.open(m_store, error) || !db.run("SET search_path TO openshell", error) || !db.run(sql, error))
            return error.empty() ? std::string("error") : error;
        return {};
    }

    // The first column of the first row of sql over the store's tables as
    // text; "<none>" without a row, "<error>" when it fails.
    std::string text(const std::string &sql) const
    {
        if (!m_pg)
            return RawDb(m_store).text(sql);
        audit::PgDb db;
        std::string error;
        if (!db.open(m_store, error) || !db.run("SET search_path TO openshell", error))
            return "<error>";
        const auto r = db.exec(sql, {}, error);
        if (!r)
            return "<error>";
        return r->rows() ? std::string(r->text(0, 0)) : std::string("<none>");
    }

private:
    bool m_pg;
    std::unique_ptr<PgCluster> m_cluster;
    int m_count = 0;
    std::string m_store;
};

} // namespace osh::test
