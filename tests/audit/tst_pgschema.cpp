// PgSchema against a real PostgreSQL 15 (tests/support/pgcluster.h): the
// schema is created once in its own namespace, preparing again changes
// nothing, several hosts preparing at once all succeed, a newer version and
// a foreign `openshell` schema are refused, and the constraints that keep
// hosts apart hold (session+seq unique, approval status checked).

#include "audit/pgdb.h"
#include "audit/pgschema.h"

#include "pgcluster.h"

#include <QtTest/QTest>

#include <atomic>
#include <thread>
#include <vector>

using namespace osh::audit;

class TstPgSchema : public QObject
{
    Q_OBJECT

    void connect(PgDb &db, const std::string &database)
    {
        std::string error;
        if (!db.open(m_cluster.conninfo(QString::fromStdString(database)), error))
            qFatal("%s", error.c_str());
    }

    // A fresh database for one test.
    std::string database(const char *name)
    {
        PgDb admin;
        std::string error;
        if (!admin.open(m_cluster.conninfo(), error) || !admin.run(std::string("CREATE DATABASE ") + name, error))
            qFatal("%s", error.c_str());
        return name;
    }

private slots:
    void initTestCase()
    {
        QString error;
        QVERIFY2(m_cluster.start(&error), qPrintable(error));
    }

    void createThenPrepareAgain()
    {
        const std::string name = database("fresh");
        PgDb db;
        std::string error;
        QVERIFY2(db.open(m_cluster.conninfo(QString::fromStdString(name)), error), error.c_str());
        int v = -1;
        QVERIFY2(PgSchema::version(db, v, error), error.c_str());
        QCOMPARE(v, 0);
        QVERIFY2(PgSchema::prepare(db, error), error.c_str());
        QVERIFY2(PgSchema::version(db, v, error), error.c_str());
        QCOMPARE(v, PgSchema::kVersion);
        auto tables = db.exec("SELECT string_agg(tablename, ',' ORDER BY tablename) FROM pg_tables "
                              "WHERE schemaname = 'openshell'",
                              {}, error);
        QVERIFY2(tables, error.c_str());
        QCOMPARE(std::string(tables->text(0, 0)), std::string("agent_items,agent_stores,approvals,checkpoints,events,meta,session_counts,sessions"));
        QVERIFY(db.exec("INSERT INTO openshell.sessions(id, host, started_at) VALUES ($1, $2, $3)",
                        {std::string("s1"), std::string("host-a"), std::string("1.8e9")}, error));
        QVERIFY2(PgSchema::prepare(db, error), error.c_str()); // nothing to do, nothing lost
        auto n = db.exec("SELECT count(*) FROM openshell.sessions", {}, error);
        QVERIFY(n);
        QCOMPARE(n->integer(0, 0), std::optional<std::int64_t>(1));
    }

    // Hosts starting at once: each prepares under the advisory lock; one
    // creates, the others find the schema made.
    void hostsPrepareAtOnce()
    {
        const std::string name = database("together");
        std::atomic<int> ok {0};
        std::vector<std::string> errors(6);
        std::vector<std::thread> hosts;
        for (int i = 0; i < 6; ++i)
            hosts.emplace_back([&, i] {
                PgDb db;
                if (db.open(m_cluster.conninfo(QString::fromStdString(name)), errors[i])
                    && PgSchema::prepare(db, errors[i]))
                    ++ok;
            });
        for (auto &t : hosts)
            t.join();
        for (const auto &e : errors)
            QVERIFY2(e.empty(), e.c_str());
        QCOMPARE(ok.load(), 6);
    }

    void constraintsKeepHostsApart()
    {
        const std::string name = database("apart");
        PgDb db;
        connect(db, name);
        std::string error;
        QVERIFY2(PgSchema::prepare(db, error), error.c_str());
        const std::string insert = "INSERT INTO openshell.events(session_id, seq, ts, type) VALUES ($1, $2, $3, $4)";
        QVERIFY2(db.exec(insert, {std::string("s"), std::string("1"), std::string("1.0"), std::string("tool_call")}, error),
                 error.c_str());
        QVERIFY(!db.exec(insert, {std::string("s"), std::string("1"), std::string("2.0"), std::string("tool_call")}, error));
        QCOMPARE(db.sqlState(), std::string("23505"));
        QVERIFY(!db.exec("INSERT INTO openshell.approvals(session_id, seq, created_at, status, token) VALUES ($1, $2, $3, $4, $5)",
                         {std::string("s"), std::string("1"), std::string("1.0"), std::string("maybe"), std::string("t1")}, error));
        QCOMPARE(db.sqlState(), std::string("23514"));
        // One token per host: a retried write finds the approval it stored.
        const std::string approval = "INSERT INTO openshell.approvals(host, session_id, seq, created_at, token) "
                                     "VALUES ($1, 's', 1, 1.0, 't1')";
        QVERIFY2(db.exec(approval, {std::string("host-a")}, error), error.c_str());
        QVERIFY(!db.exec(approval, {std::string("host-a")}, error));
        QCOMPARE(db.sqlState(), std::string("23505"));
        QVERIFY2(db.exec(approval, {std::string("host-b")}, error), error.c_str());
        // Ids come from the database, never from a host.
        QVERIFY(!db.exec("INSERT INTO openshell.approvals(id, session_id, seq, created_at) VALUES (5, 's', 1, 1.0)", {},
                         error));
        QCOMPARE(db.sqlState(), std::string("428C9"));
    }

    void newerVersionRefused()
    {
        const std::string name = database("newer");
        PgDb db;
        connect(db, name);
        std::string error;
        QVERIFY2(PgSchema::prepare(db, error), error.c_str());
        QVERIFY(db.run("UPDATE openshell.meta SET value = '99' WHERE key = 'schema_version'", error));
        QVERIFY(!PgSchema::prepare(db, error));
        QVERIFY2(error.find("schema version 99, newer than this build supports") != std::string::npos, error.c_str());
        // The refusal left the session usable (its transaction rolled back).
        QVERIFY2(db.exec("SELECT 1", {}, error), error.c_str());
    }

    void foreignSchemaRefused()
    {
        const std::string name = database("foreign_schema");
        PgDb db;
        connect(db, name);
        std::string error;
        QVERIFY(db.run("CREATE SCHEMA openshell; CREATE TABLE openshell.things (x int)", error));
        QVERIFY(!PgSchema::prepare(db, error));
        QVERIFY2(error.find("not an OpenShell audit store") != std::string::npos, error.c_str());
        auto t = db.exec("SELECT count(*) FROM pg_tables WHERE schemaname = 'openshell'", {}, error);
        QVERIFY(t);
        QCOMPARE(t->integer(0, 0), std::optional<std::int64_t>(1)); // untouched
    }

private:
    osh::test::PgCluster m_cluster;
};

QTEST_GUILESS_MAIN(TstPgSchema)
#include "tst_pgschema.moc"
