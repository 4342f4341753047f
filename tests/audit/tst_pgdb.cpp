// PgDb against a real PostgreSQL 15 (a throwaway cluster on a Unix socket,
// tests/support/pgcluster.h): parameters are never spliced into SQL,
// failures carry their SQLSTATE, a password in the connection string is
// refused, a lost server is reported as such.

#include "audit/pgdb.h"

#include "pgcluster.h"

#include <QtTest/QTest>

using namespace osh::audit;

class TstPgDb : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        QString error;
        QVERIFY2(m_cluster.start(&error), qPrintable(error));
    }

    void parametersAreValues()
    {
        PgDb db;
        std::string error;
        QVERIFY2(db.open(m_cluster.conninfo(), error), error.c_str());
        QVERIFY2(db.run("CREATE TABLE t (id bigint PRIMARY KEY, v text)", error), error.c_str());
        const std::string hostile = "'); DROP TABLE t; -- \\ \xc3\xbc";
        auto r = db.exec("INSERT INTO t VALUES ($1, $2)", {std::string("1"), hostile}, error);
        QVERIFY2(r, error.c_str());
        QCOMPARE(r->affected(), std::int64_t(1));
        QVERIFY(db.exec("INSERT INTO t VALUES ($1, $2)", {std::string("2"), std::nullopt}, error));
        r = db.exec("SELECT id, v FROM t ORDER BY id", {}, error);
        QVERIFY2(r, error.c_str());
        QCOMPARE(r->rows(), 2);
        QCOMPARE(r->columns(), 2);
        QCOMPARE(r->integer(0, 0), std::optional<std::int64_t>(1));
        QCOMPARE(std::string(r->text(0, 1)), hostile);
        QVERIFY(r->isNull(1, 1));
        QVERIFY(!r->integer(0, 1));
        QVERIFY(r->isNull(5, 0)); // out of range reads as NULL, never out of bounds
        r = db.exec("UPDATE t SET v = $1", {std::string("x")}, error);
        QVERIFY(r);
        QCOMPARE(r->affected(), std::int64_t(2));
    }

    void failuresCarryTheirSqlState()
    {
        PgDb db;
        std::string error;
        QVERIFY2(db.open(m_cluster.conninfo(), error), error.c_str());
        QVERIFY(db.run("CREATE TABLE u (id bigint PRIMARY KEY)", error));
        QVERIFY(db.exec("INSERT INTO u VALUES ($1)", {std::string("7")}, error));
        QVERIFY(!db.exec("INSERT INTO u VALUES ($1)", {std::string("7")}, error));
        QCOMPARE(db.sqlState(), std::string("23505"));
        QVERIFY2(error.starts_with("23505: ") && error.find("duplicate key") != std::string::npos, error.c_str());
        // Not the server's DETAIL, which quotes the row: "Key (id)=(7) already exists".
        QVERIFY2(error.find("(7)") == std::string::npos, error.c_str());
        QVERIFY(!db.exec("INSERT INTO u VALUES ($1)", {std::string("seven")}, error));
        QCOMPARE(db.sqlState(), std::string("22P02"));
        QVERIFY(!db.connectionLost());
        // Still usable after a failed statement outside a transaction.
        QVERIFY2(db.exec("SELECT count(*) FROM u", {}, error), error.c_str());
    }

    void connectionStrings()
    {
        QVERIFY(PgDb::isConnectionString("postgresql://h/db"));
        QVERIFY(PgDb::isConnectionString("postgres:///db?host=/run/postgresql"));
        QVERIFY(!PgDb::isConnectionString("/var/lib/openshell/audit.db"));
        QVERIFY(!PgDb::isConnectionString("postgresql.db"));
        PgDb db;
        std::string error;
        QVERIFY(!db.open(m_cluster.conninfo() + "&password=hunter2", error));
        QVERIFY2(error.find(".pgpass") != std::string::npos && error.find("hunter2") == std::string::npos,
                 error.c_str());
        QVERIFY(!db.open("postgresql://osh:hunter2@%2Fnowhere/postgres", error));
        QVERIFY2(error.find(".pgpass") != std::string::npos, error.c_str());
        QVERIFY(!db.open(m_cluster.conninfo() + "&sslpassword=keyphrase", error));
        QVERIFY2(error.find(".pgpass") != std::string::npos && error.find("keyphrase") == std::string::npos,
                 error.c_str());
        QVERIFY(!db.open("postgresql://[", error));
        QVERIFY2(error.find("not valid") != std::string::npos, error.c_str());
        // libpq's own message would quote the malformed password.
        QVERIFY(!db.open("postgresql://osh:hunter%zz2@%2Fnowhere/postgres", error));
        QVERIFY2(error.find("not valid") != std::string::npos && error.find("hunter") == std::string::npos,
                 error.c_str());
        QVERIFY(!db.isOpen());
        const QString empty = m_cluster.folder() + QStringLiteral("/nothing-here");
        QVERIFY(QDir().mkpath(empty));
        QVERIFY(!db.open("postgresql:///postgres?host=" + empty.toStdString() + "&port=5432&user=osh", error));
        QVERIFY2(error.starts_with("cannot connect to PostgreSQL: "), error.c_str());
        QVERIFY(!db.exec("SELECT 1", {}, error));
        QCOMPARE(db.sqlState(), std::string("08003"));
    }

    // Last: the server goes away under an open connection.
    void lostServer()
    {
        PgDb db;
        std::string error;
        QVERIFY2(db.open(m_cluster.conninfo(), error), error.c_str());
        QVERIFY(db.exec("SELECT 1", {}, error));
        m_cluster.stop();
        QVERIFY(!db.exec("SELECT 1", {}, error));
        QVERIFY2(db.connectionLost(), error.c_str());
        QVERIFY(!db.exec("SELECT 1", {}, error));
        QVERIFY2(db.connectionLost(), error.c_str());
    }

private:
    osh::test::PgCluster m_cluster;
};

QTEST_GUILESS_MAIN(TstPgDb)
#include "tst_pgdb.moc"
