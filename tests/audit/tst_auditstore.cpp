// AuditStore, the store itself: schema creation and migration, refusal of
// newer, foreign and corrupt files, what is never taken for a file, and where
// a store's own files live. Run with OSH_AUDIT_BACKEND=postgresql, the same
// tests run against a PostgreSQL store (storebackend.h); those about SQLite
// files are skipped. Queries are in tst_auditstore_query, writes in
// tst_auditstore_writes.

#include "audit/auditstore.h"
#include "auditstorefixture.h"
#include "oldschemas.h"
#include "rawdb.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using osh::AuditStore;
using osh::test::ids;
using osh::test::makeEvent;

namespace {

// The first schema (version 1), built by hand as a store of that version
// left it: no approvals, no counts table, no policy hashes on events.
const char *const kSchemaV1 = R"sql(
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
INSERT INTO meta VALUES ('schema_version', '1');
CREATE TABLE sessions (id TEXT PRIMARY KEY, started_at REAL NOT NULL, ended_at REAL,
    policy_file TEXT NOT NULL DEFAULT '', policy_hash TEXT NOT NULL DEFAULT '',
    isolation TEXT NOT NULL DEFAULT '', exit_status INTEGER, exit_reason TEXT NOT NULL DEFAULT '',
    command TEXT NOT NULL DEFAULT '');
CREATE TABLE events (id INTEGER PRIMARY KEY, session_id TEXT NOT NULL, seq INTEGER NOT NULL, ts REAL NOT NULL,
    type TEXT NOT NULL, tool TEXT NOT NULL DEFAULT '', parameters TEXT NOT NULL DEFAULT '',
    decision TEXT NOT NULL DEFAULT '', layer TEXT NOT NULL DEFAULT '', policy TEXT NOT NULL DEFAULT '',
    message TEXT NOT NULL DEFAULT '', severity TEXT NOT NULL DEFAULT 'info', trace TEXT NOT NULL DEFAULT '');
CREATE UNIQUE INDEX events_session_seq ON events(session_id, seq);
CREATE INDEX events_ts ON events(ts, seq);
INSERT INTO sessions(id, started_at, policy_file) VALUES ('old', 500, 'old.policy.yaml');
INSERT INTO events(session_id, seq, ts, type, decision) VALUES
    ('old', 1, 500, 'tool_call', 'allow'), ('old', 2, 501, 'tool_call', 'block'), ('old', 3, 502, 'reasoning', '');
)sql";

// A version 3 store with one ended session, two events and a resolved
// approval.
const std::string kSchemaV3 = kAuditLayoutV3 + R"sql(
INSERT INTO sessions(id, started_at, ended_at, policy_file, policy_commit, isolation, exit_status, exit_reason)
    VALUES ('v3', 700, 800, 'v3.policy.yaml', 'c0ffee', 'gvisor', 0, 'exited');
INSERT INTO events(session_id, seq, ts, type, decision, request) VALUES
    ('v3', 1, 700, 'tool_call', 'escalate', '{"trigger":"tool_call"}'), ('v3', 2, 701, 'tool_call', 'allow', '');
INSERT INTO session_counts VALUES ('v3', 'escalate', 1), ('v3', 'allow', 1);
INSERT INTO approvals(session_id, seq, created_at, status, resolved_at, resolver)
    VALUES ('v3', 1, 700.5, 'approved', 702, 'alice');
)sql";

} // namespace

class TstAuditStore : public osh::test::AuditStoreFixture
{
    Q_OBJECT

public:
    // Tests of the SQLite file itself (its schema versions, foreign and
    // corrupt files) have no PostgreSQL counterpart here: tst_pgschema covers
    // that schema.
    TstAuditStore()
        : AuditStoreFixture({"createsSchema", "migratesFromVersion1", "migratesFromVersion3",
                             "failedMigrationChangesNothing", "refusesNewerVersion", "refusesBadFiles"})
    { }

private:
    // A store built by hand as an earlier version left it (sql), then
    // opened, and so migrated, by this build.
    std::unique_ptr<AuditStore> openOld(const std::string &sql)
    {
        if (const auto error = RawDb(path()).exec(sql); !error.empty()) {
            qWarning("building the old store failed: %s", error.c_str());
            return nullptr;
        }
        return open(path());
    }

    std::string schemaVersion() { return RawDb(path()).text("SELECT value FROM meta WHERE key = 'schema_version'"); }

private Q_SLOTS:
    // A PostgreSQL connection string is never taken for a file name (no
    // "postgresql:" folder, no SQLite file named after the database), and a
    // server that cannot be reached is an error naming the store. (The
    // socket folder does not exist: nothing is resolved or sent anywhere.)
    void postgresqlStringIsNotAFile()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString before = QDir::currentPath();
        QVERIFY(QDir::setCurrent(dir.path()));
        std::string error;
        auto store = AuditStore::open("postgresql:///audit?host=" + dir.path().toStdString() + "/none", error);
        QVERIFY(QDir::setCurrent(before));
        QVERIFY(!store);
        QVERIFY2(error.find("PostgreSQL audit store") != std::string::npos, error.c_str());
        QVERIFY2(error.find("cannot connect") != std::string::npos, error.c_str());
        QVERIFY(QDir(dir.path()).entryList(QDir::NoDotAndDotDot | QDir::AllEntries).isEmpty());
    }

    void createsSchema()
    {
        const std::string p = path("nested/deeper/audit.db");
        QVERIFY(open(p));
        RawDb db(p);
        QCOMPARE(db.text("SELECT value FROM meta WHERE key = 'schema_version'"), std::string("5"));
        QCOMPARE(db.text("PRAGMA journal_mode"), std::string("wal"));
        for (const char *t : {"sessions", "events", "approvals", "session_counts", "checkpoints"})
            QCOMPARE(db.text(std::string("SELECT COUNT(*) FROM sqlite_master WHERE type='table' AND name='") + t + "'"),
                     std::string("1"));
        for (const char *i : {"events_session_seq", "events_ts", "events_session_ts", "events_type", "events_severity",
                              "sessions_owner", "checkpoints_session"})
            QCOMPARE(db.text(std::string("SELECT COUNT(*) FROM sqlite_master WHERE type='index' AND name='") + i + "'"),
                     std::string("1"));
        QCOMPARE(db.text("SELECT type || ' ' || \"notnull\" FROM pragma_table_info('sessions') WHERE name = 'owner_uid'"),
                 std::string("INTEGER 0"));
        QCOMPARE(db.text("SELECT type || ' ' || \"notnull\" FROM pragma_table_info('approvals') WHERE name = 'resolver_uid'"),
                 std::string("INTEGER 0"));
    }

    void migratesFromVersion1()
    {
        auto s = openOld(kSchemaV1);
        QVERIFY(s);
        QCOMPARE(schemaVersion(), std::string("5"));
        const auto sessions = s->sessions();
        QCOMPARE(sessions.size(), std::size_t(1));
        QCOMPARE(sessions[0].session.policyFile, std::string("old.policy.yaml"));
        QCOMPARE(sessions[0].events, std::int64_t(3));
        QCOMPARE(sessions[0].count("block"), std::int64_t(1));
        QCOMPARE(sessions[0].count("none"), std::int64_t(1));
        auto e = makeEvent("old", 0, "tool_call", "t", "allow", "info");
        e.policyHash = "feed";
        QCOMPARE(s->append(e), std::int64_t(4));
        QVERIFY(s->flush());
        const auto events = s->query({});
        QCOMPARE(ids(events), QStringLiteral("old1,old2,old3,old4"));
        QCOMPARE(events[3].policyHash, std::string("feed"));
        QCOMPARE(s->sessions()[0].count("allow"), std::int64_t(2));
        osh::ApprovalRecord a;
        a.sessionId = "old";
        a.seq = 4;
        QVERIFY(s->addApproval(a).has_value());
    }

    void migratesFromVersion3()
    {
        auto s = openOld(kSchemaV3);
        QVERIFY(s);
        QCOMPARE(schemaVersion(), std::string("5"));
        {
            RawDb db(path());
            QCOMPARE(db.text("SELECT COUNT(*) FROM sessions WHERE owner_uid IS NULL"), std::string("1"));
            QCOMPARE(db.text("SELECT COUNT(*) FROM approvals WHERE resolver_uid IS NULL"), std::string("1"));
            QCOMPARE(db.text("SELECT COUNT(*) FROM sqlite_master WHERE type='index' AND name='sessions_owner'"),
                     std::string("1"));
        }
        // What was stored is all still there, the new fields unknown.
        const auto sessions = s->sessions();
        QCOMPARE(sessions.size(), std::size_t(1));
        const auto &old = sessions[0].session;
        QCOMPARE(old.id, std::string("v3"));
        QVERIFY(!old.ownerUid);
        QCOMPARE(old.policyFile, std::string("v3.policy.yaml"));
        QCOMPARE(old.policyCommit, std::string("c0ffee"));
        QCOMPARE(old.isolation, std::string("gvisor"));
        QVERIFY(old.endedAt == 800.0);
        QCOMPARE(sessions[0].events, std::int64_t(2));
        QCOMPARE(sessions[0].count("escalate"), std::int64_t(1));
        const auto events = s->query({});
        QCOMPARE(ids(events), QStringLiteral("v31,v32"));
        QCOMPARE(events[0].request, std::string("{\"trigger\":\"tool_call\"}"));
        const auto approvals = s->approvals();
        QCOMPARE(approvals.size(), std::size_t(1));
        QVERIFY(approvals[0].status == osh::ApprovalStatus::Approved);
        QCOMPARE(approvals[0].resolver, std::string("alice"));
        QVERIFY(!approvals[0].resolverUid);
        QVERIFY(s->sessionsOwnedBy(0u).empty()); // unknown is nobody, not root

        // And the new columns work on the upgraded file.
        osh::SessionRecord r = old;
        r.ownerUid = 1000;
        s->beginSession(r);
        QVERIFY(s->flush());
        QCOMPARE(s->sessionsOwnedBy(1000).size(), std::size_t(1));
        osh::ApprovalRecord a;
        a.sessionId = "v3";
        a.seq = 2;
        const auto id = s->addApproval(a);
        QVERIFY(id);
        QVERIFY(s->resolveApproval(*id, false, "", "bob", 1001));
        QVERIFY(s->approval(*id)->resolverUid == 1001u);
    }

    void failedMigrationChangesNothing()
    {
        {
            RawDb db(path());
            QCOMPARE(db.exec(kSchemaV1), std::string());
            // A table in the way of the migration's CREATE TABLE approvals.
            QCOMPARE(db.exec("CREATE TABLE approvals (x)"), std::string());
        }
        std::string error;
        QVERIFY(!AuditStore::open(path(), error));
        QVERIFY2(error.find("migrating the schema from version 1") != std::string::npos, error.c_str());
        RawDb db(path());
        QCOMPARE(db.text("SELECT value FROM meta WHERE key = 'schema_version'"), std::string("1"));
        QCOMPARE(db.text("SELECT COUNT(*) FROM sqlite_master WHERE name = 'session_counts'"), std::string("0"));
    }

    void refusesNewerVersion()
    {
        {
            RawDb db(path());
            QCOMPARE(db.exec("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
                             "INSERT INTO meta VALUES ('schema_version', '99');"),
                     std::string());
        }
        std::string error;
        QVERIFY(!AuditStore::open(path(), error));
        QVERIFY2(error.find("schema version 99, newer than this build supports") != std::string::npos, error.c_str());
        QCOMPARE(RawDb(path()).text("SELECT value FROM meta"), std::string("99"));
    }

    void refusesBadFiles_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<QString>("expected");
        QTest::newRow("text file") << QStringLiteral("text") << QStringLiteral("not an SQLite database");
        QTest::newRow("random bytes") << QStringLiteral("random") << QStringLiteral("not an SQLite database");
        QTest::newRow("foreign database") << QStringLiteral("foreign") << QStringLiteral("not an OpenShell audit store");
        QTest::newRow("corrupt store") << QStringLiteral("corrupt") << QStringLiteral("corrupt");
        QTest::newRow("folder") << QStringLiteral("folder") << QStringLiteral("is a folder");
        QTest::newRow("missing, no create") << QStringLiteral("missing") << QStringLiteral("no audit store here");
    }

    void refusesBadFiles()
    {
        QFETCH(QString, kind);
        QFETCH(QString, expected);
        const std::string p = path("bad.db");
        QFile f(QString::fromStdString(p));
        AuditStore::Options options;
        if (kind == QLatin1StringView("text")) {
            QVERIFY(f.open(QIODevice::WriteOnly));
            for (int i = 0; i < 100; ++i)
                f.write("this is not a database, only some text\n");
        } else if (kind == QLatin1StringView("random")) {
            QVERIFY(f.open(QIODevice::WriteOnly));
            std::uint32_t x = 12345;
            for (int i = 0; i < 8192; ++i) {
                x = x * 1103515245u + 12345u;
                const char c = static_cast<char>(x >> 24);
                f.write(&c, 1);
            }
        } else if (kind == QLatin1StringView("foreign")) {
            QCOMPARE(RawDb(p).exec("CREATE TABLE foo (x); INSERT INTO foo VALUES (1);"), std::string());
        } else if (kind == QLatin1StringView("corrupt")) {
            {
                auto s = open(p);
                QVERIFY(s);
                fill(*s);
            }
            // Page 1 past the file header holds the schema's b-tree.
            QVERIFY(f.open(QIODevice::ReadWrite));
            f.seek(100);
            f.write(QByteArray(2000, '\xa5'));
        } else if (kind == QLatin1StringView("folder")) {
            QVERIFY(QDir().mkpath(QString::fromStdString(p)));
        } else {
            options.create = false;
        }
        f.close();
        std::string error;
        QVERIFY(!AuditStore::open(p, options, error));
        QVERIFY2(error.find(expected.toStdString()) != std::string::npos, error.c_str());
        QVERIFY2(error.find(p) == 0, "the error names the file");
    }

    // A user's files that go with a store (signing key, runs, snapshots)
    // live in the file's folder, or in $XDG_DATA_HOME/openshell for a
    // PostgreSQL store: never in a folder made of the connection string.
    void dataDirOfTheStore()
    {
        const QByteArray xdg = qgetenv("XDG_DATA_HOME");
        qputenv("XDG_DATA_HOME", "/data");
        QCOMPARE(AuditStore::dataDirFor("/var/lib/openshell/audit.db"), std::string("/var/lib/openshell"));
        QCOMPARE(AuditStore::dataDirFor("audit.db"), std::string("."));
        QCOMPARE(AuditStore::dataDirFor("/audit.db"), std::string("/"));
        QCOMPARE(AuditStore::signingKeyBeside("/audit.db"), std::string("/audit-signing.key"));
        QCOMPARE(AuditStore::dataDirFor("postgresql:///audit?host=/run/postgresql"), std::string("/data/openshell"));
        QCOMPARE(AuditStore::signingKeyBeside("postgres://db/audit"), std::string("/data/openshell/audit-signing.key"));
        if (m_backend.isPostgres()) {
            // Opened as a user's own writer, from a working folder of its own.
            QTemporaryDir cwd, home;
            qputenv("XDG_DATA_HOME", home.path().toLocal8Bit());
            const QString before = QDir::currentPath();
            QVERIFY(QDir::setCurrent(cwd.path()));
            {
                std::string error;
                auto s = AuditStore::open(path(), AuditStore::userWriterOptions(path()), error);
                QVERIFY2(s, error.c_str());
                QVERIFY2(s->signingProblem().empty(), s->signingProblem().c_str());
            }
            QVERIFY(QDir::setCurrent(before));
            QVERIFY(QDir(cwd.path()).entryList(QDir::NoDotAndDotDot | QDir::AllEntries).isEmpty());
            QVERIFY(QFile::exists(home.path() + QStringLiteral("/openshell/audit-signing.key")));
        }
        if (xdg.isEmpty())
            qunsetenv("XDG_DATA_HOME");
        else
            qputenv("XDG_DATA_HOME", xdg);
    }

    void defaultPath()
    {
        const QByteArray store = qgetenv("OPENSHELL_STORE"), xdg = qgetenv("XDG_DATA_HOME"), home = qgetenv("HOME");
        qputenv("OPENSHELL_STORE", "/tmp/x/store.db");
        QCOMPARE(AuditStore::defaultPath(), std::string("/tmp/x/store.db"));
        qunsetenv("OPENSHELL_STORE");
        qputenv("XDG_DATA_HOME", "/data");
        QCOMPARE(AuditStore::defaultPath(), std::string("/data/openshell/audit.db"));
        qunsetenv("XDG_DATA_HOME");
        qputenv("HOME", "/home/u");
        QCOMPARE(AuditStore::defaultPath(), std::string("/home/u/.local/share/openshell/audit.db"));
        qputenv("OPENSHELL_STORE", store);
        qputenv("XDG_DATA_HOME", xdg);
        qputenv("HOME", home);
        if (store.isEmpty())
            qunsetenv("OPENSHELL_STORE");
        if (xdg.isEmpty())
            qunsetenv("XDG_DATA_HOME");
    }
};

QTEST_GUILESS_MAIN(TstAuditStore)
#include "tst_auditstore.moc"
