// AuditStore: schema creation and migration, refusal of newer, foreign and
// corrupt files, seq assignment, every query filter, cursor paging, owner
// filters, session counts, concurrent appends and reported failures. Run
// with OSH_AUDIT_BACKEND=postgresql, the same tests run against a
// PostgreSQL store (storebackend.h); those about SQLite files are skipped.

#include "audit/auditstore.h"
#include "oldschemas.h"
#include "rawdb.h"
#include "eventfixtures.h"
#include "storebackend.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <mutex>
#include <set>
#include <thread>
#include <tuple>

using osh::AuditCursor;
using osh::AuditEvent;
using osh::AuditQuery;
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


AuditEvent at(const std::string &session, std::int64_t seq, double ts, const std::string &type = "tool_call")
{
    auto e = makeEvent(session, ts, type, "t", "allow", "info");
    e.seq = seq;
    return e;
}

// Begins a session with an owner (none: recorded in-process).
void begin(AuditStore &s, const std::string &id, std::optional<std::uint32_t> owner, double startedAt = 0)
{
    osh::SessionRecord r;
    r.id = id;
    r.startedAt = startedAt;
    r.ownerUid = owner;
    s.beginSession(r);
}

// "a1,b2": session and seq of each event, in order.

std::vector<std::string> list(const QString &csv)
{
    std::vector<std::string> out;
    for (const auto &s : csv.split(QLatin1Char(','), Qt::SkipEmptyParts))
        out.push_back(s.toStdString());
    return out;
}

} // namespace

class TstAuditStore : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    osh::test::StoreBackend m_backend;
    // The store under test; other names are SQLite files beside it.
    std::string path() const { return m_backend.store(); }
    std::string path(const char *name) const { return m_dir.path().toStdString() + "/" + name; }

    std::unique_ptr<AuditStore> open(const std::string &p)
    {
        std::string error;
        auto s = AuditStore::open(p, error);
        if (!s)
            qWarning("open failed: %s", error.c_str());
        return s;
    }

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

    // The query fixture, ordered by ts then seq: a1 b1 a2 b2 a3 a4 b3.
    void fill(AuditStore &s)
    {
        s.append(makeEvent("a", 1000, "tool_call", "email_send", "allow", "info"));
        s.append(makeEvent("a", 1010, "network_egress", "http", "block", "warning"));
        s.append(makeEvent("a", 1020, "tool_call", "shell", "escalate", "critical"));
        s.append(makeEvent("a", 1030, "reasoning", "", "", "debug"));
        s.append(makeEvent("b", 1010, "file_access", "fs", "redact", "warning"));
        s.append(makeEvent("b", 1015, "tool_call", "email_send", "log", "info"));
        s.append(makeEvent("b", 1040, "tool_call", "email_send", "throttle", "info"));
        QVERIFY(s.flush());
    }

    // A fixture where no single column orders the result: timestamps tie
    // across sessions, seq order differs from insertion order, a later
    // insert has an earlier ts, two timestamps are one ulp apart, and
    // kTied events more share a few seconds. In query order it starts
    // c2 a1 c1 b2 b1 a2 a3.
    static constexpr int kTied = 40;
    void fillForPaging(AuditStore &s)
    {
        const double t = 1764200000.1;            // not exact in binary
        const double t2 = std::nextafter(t, 2e9); // the next double
        s.append(at("b", 2, t));
        s.append(at("a", 1, t));
        s.append(at("c", 1, t));
        s.append(at("a", 2, t2, "network_egress"));
        s.append(at("b", 1, t2));
        s.append(at("c", 2, t - 10));
        s.append(at("a", 3, t2));
        for (int i = 0; i < kTied; ++i) {
            const std::string session = "s" + std::to_string(i % 3);
            s.append(at(session, 0, t + 5 + (i * 7) % 4, i % 5 ? "tool_call" : "network_egress"));
        }
        QVERIFY(s.flush());
    }

    // Pages through q with limit n: every event of the whole result once,
    // in order, and no page longer than n.
    static void checkPaging(const AuditStore &s, AuditQuery q, std::int64_t n)
    {
        q.limit = 0;
        q.after.clear();
        std::string error;
        const auto whole = s.query(q, &error);
        QVERIFY2(error.empty(), error.c_str());
        QVERIFY(!whole.empty());
        q.limit = n;
        std::vector<AuditEvent> paged;
        for (int pages = 0;; ++pages) {
            QVERIFY(pages <= int(whole.size()) + 1);
            const auto page = s.query(q, &error);
            QVERIFY2(error.empty(), error.c_str());
            QVERIFY(std::int64_t(page.size()) <= n);
            if (page.empty())
                break;
            paged.insert(paged.end(), page.begin(), page.end());
            q.after = AuditCursor::of(page.back()).toString();
        }
        QCOMPARE(ids(paged), ids(whole));
    }

private Q_SLOTS:
    void initTestCase()
    {
        QString error;
        QVERIFY2(m_backend.start(&error), qPrintable(error));
        qInfo("audit store backend: %s", m_backend.name());
    }

    void init()
    {
        QVERIFY(m_dir.isValid());
        std::string error;
        QVERIFY2(m_backend.fresh(m_dir, error), error.c_str());
        // Tests of the SQLite file itself (its schema versions, foreign and
        // corrupt files, its write lock) have no PostgreSQL counterpart here:
        // tst_pgschema covers that schema.
        static const std::set<std::string> sqliteOnly = {
            "createsSchema", "migratesFromVersion1", "migratesFromVersion3", "failedMigrationChangesNothing",
            "refusesNewerVersion", "refusesBadFiles", "lockedDatabaseIsReportedAndRetried"};
        if (m_backend.isPostgres() && sqliteOnly.count(QTest::currentTestFunction()))
            QSKIP("about the SQLite file");
    }

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

    void reopenKeepsEventsAndContinuesSeq()
    {
        {
            auto s = open(path());
            QVERIFY(s);
            for (int i = 0; i < 3; ++i)
                QCOMPARE(s->append(makeEvent("s", 0, "tool_call", "t", "allow", "info")), std::int64_t(i + 1));
        } // the destructor commits what is queued
        auto s = open(path());
        QVERIFY(s);
        QCOMPARE(s->query({}).size(), std::size_t(3));
        QCOMPARE(s->append(makeEvent("s", 0, "tool_call", "t", "allow", "info")), std::int64_t(4));
        QVERIFY(s->flush());
        const auto all = s->query({});
        QCOMPARE(ids(all), QStringLiteral("s1,s2,s3,s4"));
        QVERIFY(all.back().ts > 1e9); // ts 0 became now
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

    void seqPerSession()
    {
        auto s = open(path());
        QVERIFY(s);
        QCOMPARE(s->append(makeEvent("x", 1, "usage", "", "", "info")), std::int64_t(1));
        QCOMPARE(s->append(makeEvent("y", 2, "usage", "", "", "info")), std::int64_t(1));
        QCOMPARE(s->append(makeEvent("x", 3, "usage", "", "", "info")), std::int64_t(2));
        auto explicitSeq = makeEvent("y", 4, "usage", "", "", "info");
        explicitSeq.seq = 10;
        QCOMPARE(s->append(explicitSeq), std::int64_t(10));
        QCOMPARE(s->append(makeEvent("y", 5, "usage", "", "", "info")), std::int64_t(11));
        QVERIFY(s->flush());
        QCOMPARE(ids(s->query({})), QStringLiteral("x1,y1,x2,y10,y11"));
    }

    void refusedEventIsReportedNotSilent()
    {
        auto s = open(path());
        QVERIFY(s);
        std::atomic<int> reports{0};
        s->setErrorHandler([&](const std::string &m) {
            if (m.find("rejected") != std::string::npos)
                ++reports;
        });
        auto e = makeEvent("x", 1, "usage", "", "", "info");
        e.seq = 5;
        s->append(e);
        QVERIFY(s->flush());
        auto other = e; // another event under the same session and seq
        other.message = "not the stored one";
        s->append(other);
        s->append(makeEvent("x", 2, "usage", "", "", "info"));
        QVERIFY(!s->flush());
        QCOMPARE(reports.load(), 1);
        QVERIFY(s->flush()); // reported once
        QCOMPARE(ids(s->query({})), QStringLiteral("x5,x6"));
    }

    void queryFilters_data()
    {
        QTest::addColumn<double>("since");
        QTest::addColumn<double>("until");
        QTest::addColumn<QString>("session");
        QTest::addColumn<QString>("types");
        QTest::addColumn<QString>("severities");
        QTest::addColumn<QString>("decisions");
        QTest::addColumn<QString>("tool");
        QTest::addColumn<int>("limit");
        QTest::addColumn<QString>("expected");
        const QString all = QStringLiteral("a1,b1,a2,b2,a3,a4,b3");
        const QString none;
        QTest::newRow("everything, ts then seq") << 0.0 << 0.0 << none << none << none << none << none << 0 << all;
        QTest::newRow("since") << 1015.0 << 0.0 << none << none << none << none << none << 0 << QStringLiteral("b2,a3,a4,b3");
        QTest::newRow("until") << 0.0 << 1015.0 << none << none << none << none << none << 0 << QStringLiteral("a1,b1,a2");
        QTest::newRow("session") << 0.0 << 0.0 << QStringLiteral("b") << none << none << none << none << 0 << QStringLiteral("b1,b2,b3");
        QTest::newRow("one type") << 0.0 << 0.0 << none << QStringLiteral("tool_call") << none << none << none << 0 << QStringLiteral("a1,b2,a3,b3");
        QTest::newRow("two types") << 0.0 << 0.0 << none << QStringLiteral("network_egress,file_access") << none << none << none << 0 << QStringLiteral("b1,a2");
        QTest::newRow("severities") << 0.0 << 0.0 << none << none << QStringLiteral("warning,critical") << none << none << 0 << QStringLiteral("b1,a2,a3");
        QTest::newRow("decisions") << 0.0 << 0.0 << none << none << none << QStringLiteral("block,escalate") << none << 0 << QStringLiteral("a2,a3");
        QTest::newRow("decision none") << 0.0 << 0.0 << none << none << none << QStringLiteral("none") << none << 0 << QStringLiteral("a4");
        QTest::newRow("tool") << 0.0 << 0.0 << none << none << none << none << QStringLiteral("email_send") << 0 << QStringLiteral("a1,b2,b3");
        QTest::newRow("combined") << 0.0 << 0.0 << QStringLiteral("a") << QStringLiteral("tool_call") << none << QStringLiteral("allow") << none << 0 << QStringLiteral("a1");
        QTest::newRow("limit") << 0.0 << 0.0 << none << none << none << none << none << 2 << QStringLiteral("a1,b1");
        QTest::newRow("since and limit") << 1010.0 << 0.0 << none << none << none << none << none << 2 << QStringLiteral("b1,a2");
        QTest::newRow("no match") << 0.0 << 0.0 << none << none << none << none << QStringLiteral("nope") << 0 << none;
    }

    void queryFilters()
    {
        QFETCH(double, since);
        QFETCH(double, until);
        QFETCH(QString, session);
        QFETCH(QString, types);
        QFETCH(QString, severities);
        QFETCH(QString, decisions);
        QFETCH(QString, tool);
        QFETCH(int, limit);
        QFETCH(QString, expected);
        auto s = open(path());
        QVERIFY(s);
        fill(*s);
        AuditQuery q;
        if (since > 0)
            q.since = since;
        if (until > 0)
            q.until = until;
        q.sessionId = session.toStdString();
        q.types = list(types);
        q.severities = list(severities);
        q.decisions = list(decisions);
        q.tool = tool.toStdString();
        q.limit = limit;
        std::string error;
        QCOMPARE(ids(s->query(q, &error)), expected);
        QVERIFY2(error.empty(), error.c_str());
    }

    void orderIsTsSeqRow()
    {
        auto s = open(path());
        QVERIFY(s);
        fillForPaging(*s);
        const auto all = s->query({});
        QCOMPARE(int(all.size()), 7 + kTied);
        QVERIFY(ids(all).startsWith(QStringLiteral("c2,a1,c1,b2,b1,a2,a3,")));
        std::set<std::int64_t> rows;
        for (std::size_t i = 0; i < all.size(); ++i) {
            QVERIFY(all[i].row > 0);
            rows.insert(all[i].row);
            if (i > 0)
                QVERIFY(std::tie(all[i - 1].ts, all[i - 1].seq, all[i - 1].row)
                        < std::tie(all[i].ts, all[i].seq, all[i].row));
        }
        QCOMPARE(rows.size(), all.size());
        // event() reads the same position.
        QCOMPARE(s->event(all[3].sessionId, all[3].seq)->row, all[3].row);
    }

    void cursorText_data()
    {
        QTest::addColumn<double>("ts");
        QTest::addColumn<qint64>("seq");
        QTest::addColumn<qint64>("row");
        QTest::addColumn<QString>("text");
        QTest::newRow("whole seconds") << 1764200000.0 << qint64(3) << qint64(17) << QStringLiteral("1764200000_3_17");
        QTest::newRow("fraction") << 1764200000.25 << qint64(1) << qint64(2) << QStringLiteral("1764200000.25_1_2");
        QTest::newRow("not exact in binary") << 0.1 << qint64(9) << qint64(1) << QStringLiteral("0.1_9_1");
        QTest::newRow("one ulp above") << std::nextafter(1764200000.1, 2e9) << qint64(1) << qint64(5)
                                       << QStringLiteral("1764200000.1000001_1_5");
        QTest::newRow("tiny") << 1e-7 << qint64(1) << qint64(1) << QStringLiteral("0.0000001_1_1");
        QTest::newRow("negative") << -0.5 << qint64(2) << qint64(3) << QStringLiteral("-0.5_2_3");
    }

    void cursorText()
    {
        QFETCH(double, ts);
        QFETCH(qint64, seq);
        QFETCH(qint64, row);
        QFETCH(QString, text);
        const AuditCursor c{ts, seq, row};
        QCOMPARE(QString::fromStdString(c.toString()), text);
        const auto back = AuditCursor::parse(text.toStdString());
        QVERIFY(back);
        QVERIFY(back->ts == ts); // exactly: a cursor that moved would skip or repeat events
        QCOMPARE(back->seq, std::int64_t(seq));
        QCOMPARE(back->row, std::int64_t(row));
    }

    void cursorTextRefused()
    {
        for (const char *bad : {"", "1_2", "1_2_3_4", "x_1_2", "1_x_2", "1_2_x", "1_2_0", "1_2_-4", "nan_1_2",
                                " 1_2_3", "1_2_3 ", "+1_2_3", "1__2_3", "1_2_3\n"})
            QVERIFY2(!AuditCursor::parse(bad), bad);
        auto s = open(path());
        QVERIFY(s);
        fill(*s);
        AuditQuery q;
        q.after = "yesterday";
        std::string error;
        QVERIFY(!s->query(q, [](const AuditEvent &) { return true; }, error));
        QVERIFY2(error.find("invalid cursor 'yesterday'") != std::string::npos, error.c_str());
    }

    void afterEachEvent()
    {
        auto s = open(path());
        QVERIFY(s);
        fillForPaging(*s);
        const auto all = s->query({});
        for (std::size_t i = 0; i < all.size(); ++i) {
            AuditQuery q;
            q.after = AuditCursor::of(all[i]).toString();
            const std::vector<AuditEvent> rest(all.begin() + std::ptrdiff_t(i) + 1, all.end());
            QCOMPARE(ids(s->query(q)), ids(rest));
        }
    }

    void pagingReturnsEveryEventOnce_data()
    {
        QTest::addColumn<QString>("filter");
        QTest::addColumn<int>("limit");
        for (const char *filter : {"none", "type", "session", "since", "owner"})
            for (int limit : {1, 2, 3, 7, 46, 100})
                QTest::addRow("%s, limit %d", filter, limit) << QString::fromLatin1(filter) << limit;
    }

    void pagingReturnsEveryEventOnce()
    {
        QFETCH(QString, filter);
        QFETCH(int, limit);
        auto s = open(path());
        QVERIFY(s);
        begin(*s, "a", 1000);
        begin(*s, "s1", 1000);
        fillForPaging(*s);
        AuditQuery q;
        if (filter == QLatin1StringView("type"))
            q.types = {"tool_call"};
        else if (filter == QLatin1StringView("session"))
            q.sessionId = "s1";
        else if (filter == QLatin1StringView("since"))
            q.since = 1764200000.1;
        else if (filter == QLatin1StringView("owner"))
            q.ownerUid = 1000;
        checkPaging(*s, q, limit);
    }

    void ownerFilter()
    {
        auto s = open(path());
        QVERIFY(s);
        begin(*s, "a", 1000, 990);
        begin(*s, "b", 0, 991); // root: a uid like any other, not "unknown"
        begin(*s, "u", std::nullopt, 992); // recorded in-process: no owner
        fill(*s); // events of a and b
        s->append(makeEvent("u", 1005, "tool_call", "x", "allow", "info"));
        s->append(makeEvent("stray", 1006, "tool_call", "x", "allow", "info")); // never begun
        QVERIFY(s->flush());

        AuditQuery q;
        q.ownerUid = 1000;
        QCOMPARE(ids(s->query(q)), QStringLiteral("a1,a2,a3,a4"));
        q.ownerUid = 0;
        QCOMPARE(ids(s->query(q)), QStringLiteral("b1,b2,b3"));
        q.ownerUid = 4242;
        QCOMPARE(ids(s->query(q)), QString());
        q.ownerUid = 1000;
        q.types = {"tool_call"};
        q.limit = 1;
        QCOMPARE(ids(s->query(q)), QStringLiteral("a1"));
        QCOMPARE(ids(s->query({})), QStringLiteral("a1,u1,stray1,b1,a2,b2,a3,a4,b3")); // no filter: everything

        const auto all = s->sessions();
        QCOMPARE(all.size(), std::size_t(4));
        QVERIFY(all[0].session.ownerUid == 1000u);
        QVERIFY(all[1].session.ownerUid == 0u);
        QVERIFY(!all[2].session.ownerUid);
        QVERIFY(!all[3].session.ownerUid); // stray
        const auto mine = s->sessionsOwnedBy(1000);
        QCOMPARE(mine.size(), std::size_t(1));
        QCOMPARE(mine[0].session.id, std::string("a"));
        QCOMPARE(mine[0].events, std::int64_t(4));
        QCOMPARE(mine[0].count("block"), std::int64_t(1));
        const auto roots = s->sessionsOwnedBy(0u);
        QCOMPARE(roots.size(), std::size_t(1));
        QCOMPARE(roots[0].session.id, std::string("b"));
        QCOMPARE(roots[0].events, std::int64_t(3));
        QVERIFY(s->sessionsOwnedBy(4242).empty());

        // A resumed session's record replaces the old one, owner included.
        begin(*s, "u", 1000, 992);
        QVERIFY(s->flush());
        QCOMPARE(s->sessionsOwnedBy(1000).size(), std::size_t(2));
        q = {};
        q.ownerUid = 1000;
        QCOMPARE(ids(s->query(q)), QStringLiteral("a1,u1,a2,a3,a4"));
    }

    void ownerFilterOfApprovals()
    {
        auto s = open(path());
        QVERIFY(s);
        begin(*s, "a", 1000);
        begin(*s, "b", 1001);
        begin(*s, "u", std::nullopt);
        std::vector<std::int64_t> ids;
        for (const char *session : {"a", "b", "u", "a", "stray"}) {
            osh::ApprovalRecord a;
            a.sessionId = session;
            a.seq = std::int64_t(ids.size() + 1);
            ids.push_back(s->addApproval(a).value_or(0));
            QVERIFY(ids.back() > 0);
        }
        QVERIFY(s->resolveApproval(ids[0], true, "", "alice", 1000));
        auto idsOf = [](const std::vector<osh::ApprovalRecord> &list) {
            std::vector<std::int64_t> out;
            for (const auto &a : list)
                out.push_back(a.id);
            return out;
        };
        QCOMPARE(idsOf(s->pendingApprovalsOwnedBy(1000)), std::vector<std::int64_t>{ids[3]});
        QCOMPARE(idsOf(s->approvalsOwnedBy(1000)), (std::vector<std::int64_t>{ids[0], ids[3]}));
        QCOMPARE(idsOf(s->pendingApprovalsOwnedBy(1001)), std::vector<std::int64_t>{ids[1]});
        QVERIFY(s->approvalsOwnedBy(0u).empty());
        QCOMPARE(s->pendingApprovals().size(), std::size_t(4)); // unfiltered: all of them
        QCOMPARE(s->approvals().size(), std::size_t(5));
    }

    // An agent's bytes are stored as text: invalid UTF-8 and NUL bytes
    // become U+FFFD, in every backend, instead of making a PostgreSQL store
    // refuse the batch for ever (or cut the value at the NUL).
    void agentBytesAreStoredAsText()
    {
        auto s = open(path());
        QVERIFY(s);
        auto e = makeEvent("u", 1000, "tool_call", std::string("to\0ol", 5), "allow", "info");
        static const char message[] = "ok \xff\xfe then NUL \0 end";
        e.message = std::string(message, sizeof message - 1);
        e.request = "{\"raw\":\"\xc3\x28\"}";
        s->append(e);
        QVERIFY2(s->flush(5000), s->lastError().c_str());
        const auto stored = s->event("u", 1);
        QVERIFY(stored);
        QCOMPARE(stored->tool, std::string("to\xEF\xBF\xBDol"));
        QCOMPARE(stored->message, std::string("ok \xEF\xBF\xBD\xEF\xBF\xBD then NUL \xEF\xBF\xBD end"));
        QCOMPARE(stored->request, std::string("{\"raw\":\"\xEF\xBF\xBD(\"}"));
    }

    void sessionCounts()
    {
        auto s = open(path());
        QVERIFY(s);
        osh::SessionRecord r;
        r.id = "a";
        r.startedAt = 999;
        r.policyFile = "p.policy.yaml";
        r.policyHash = "abc";
        r.isolation = "container";
        r.command = "[\"agent\",\"--run\"]";
        s->beginSession(r);
        fill(*s);
        s->endSession("a", 3, "error", 1100);
        QVERIFY(s->flush());
        const auto list = s->sessions();
        QCOMPARE(list.size(), std::size_t(2));
        const auto &a = list[0];
        QCOMPARE(a.session.id, std::string("a"));
        QCOMPARE(a.session.isolation, std::string("container"));
        QVERIFY(a.session.exitStatus == 3);
        QCOMPARE(a.session.exitReason, std::string("error"));
        QVERIFY(a.session.endedAt == 1100.0);
        QCOMPARE(a.events, std::int64_t(4));
        QCOMPARE(a.count("allow"), std::int64_t(1));
        QCOMPARE(a.count("block"), std::int64_t(1));
        QCOMPARE(a.count("escalate"), std::int64_t(1));
        QCOMPARE(a.count("none"), std::int64_t(1));
        // b was never begun: listed after the known ones, from its events.
        const auto &b = list[1];
        QCOMPARE(b.session.id, std::string("b"));
        QCOMPARE(b.session.startedAt, 1010.0);
        QCOMPARE(b.events, std::int64_t(3));
        QCOMPARE(b.count("redact"), std::int64_t(1));
        QCOMPARE(b.count("throttle"), std::int64_t(1));
        QCOMPARE(b.count("block"), std::int64_t(0));
    }

    void concurrentAppends()
    {
        auto s = open(path());
        QVERIFY(s);
        constexpr int kThreads = 4;
        constexpr int kPerThread = 5000;
        std::vector<std::thread> threads;
        for (int t = 0; t < kThreads; ++t) {
            threads.emplace_back([&, t] {
                const std::string own = "t" + std::to_string(t);
                for (int i = 0; i < kPerThread; ++i) {
                    auto e = makeEvent(i % 2 ? own : std::string("shared"), 0, "tool_call", "x", "allow", "info");
                    e.message = std::to_string(i);
                    s->append(std::move(e));
                }
            });
        }
        for (auto &t : threads)
            t.join();
        QVERIFY(s->flush());
        for (int t = 0; t < kThreads; ++t) {
            AuditQuery q;
            q.sessionId = "t" + std::to_string(t);
            const auto events = s->query(q);
            QCOMPARE(int(events.size()), kPerThread / 2);
            std::vector<std::int64_t> seqs;
            for (const auto &e : events)
                seqs.push_back(e.seq);
            std::sort(seqs.begin(), seqs.end());
            for (std::size_t i = 0; i < seqs.size(); ++i)
                QCOMPARE(seqs[i], std::int64_t(i + 1));
        }
        QCOMPARE(m_backend.text("SELECT COUNT(*) FROM events WHERE session_id = 'shared'"),
                 std::to_string(kThreads * kPerThread / 2));
        QCOMPARE(m_backend.text("SELECT MAX(seq) FROM events WHERE session_id = 'shared'"),
                 std::to_string(kThreads * kPerThread / 2));
        QCOMPARE(s->sessions().size(), std::size_t(kThreads + 1));
    }

    void acknowledgementsAfterCommit()
    {
        auto s = open(path());
        QVERIFY(s);
        std::mutex m;
        std::vector<std::int64_t> acked;
        for (int i = 0; i < 3000; ++i)
            s->appendAcked(makeEvent("k", 0, "usage", "", "", "info"), [&](std::int64_t seq) {
                std::lock_guard lock(m);
                acked.push_back(seq);
            });
        QVERIFY(s->flush());
        std::lock_guard lock(m);
        QCOMPARE(acked.size(), std::size_t(3000));
        for (std::size_t i = 0; i < acked.size(); ++i)
            QCOMPARE(acked[i], std::int64_t(i + 1));
        QCOMPARE(m_backend.text("SELECT COUNT(*) FROM events"), std::string("3000"));
    }

    void lockedDatabaseIsReportedAndRetried()
    {
        AuditStore::Options options;
        options.busyTimeoutMs = 50;
        std::string error;
        auto s = AuditStore::open(path(), options, error);
        QVERIFY2(s, error.c_str());
        std::atomic<int> failures{0};
        s->setErrorHandler([&](const std::string &m) {
            if (m.find("commit failed") != std::string::npos)
                ++failures;
        });
        RawDb peer(path());
        QCOMPARE(peer.exec("BEGIN IMMEDIATE"), std::string()); // holds the write lock
        for (int i = 0; i < 10; ++i)
            s->append(makeEvent("l", 0, "usage", "", "", "info"));
        QTRY_VERIFY_WITH_TIMEOUT(failures.load() >= 2, 10000);
        QVERIFY(!s->flush(100));
        QVERIFY(s->failedCommits() >= 2);
        QVERIFY2(s->lastError().find("locked") != std::string::npos, s->lastError().c_str());
        // A synchronous write gives up with an error instead of hanging.
        osh::ApprovalRecord a;
        a.sessionId = "l";
        std::string why;
        QVERIFY(!s->addApproval(a, &why));
        QVERIFY2(why.find("locked") != std::string::npos, why.c_str());
        QCOMPARE(peer.exec("COMMIT"), std::string());
        QVERIFY(!s->flush()); // everything written, but the approval was given up
        QVERIFY(s->flush());
        QCOMPARE(s->query({}).size(), std::size_t(10)); // nothing was dropped
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

    void cleanup()
    {
        for (const auto &name : QDir(m_dir.path()).entryList(QDir::Files | QDir::Dirs | QDir::NoDotAndDotDot)) {
            QFileInfo fi(m_dir.path() + QLatin1Char('/') + name);
            if (fi.isDir())
                QDir(fi.filePath()).removeRecursively();
            else
                QFile::remove(fi.filePath());
        }
    }
};

QTEST_GUILESS_MAIN(TstAuditStore)
#include "tst_auditstore.moc"
