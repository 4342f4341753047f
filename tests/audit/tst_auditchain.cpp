// The audit store's per-session hash chain: what the writer stores and what
// verifyChains finds after the file is edited behind the store's back
// (every stored field changed, events deleted, reordered, their chain
// value removed), across reopening and after a migration from schema 4.
// With OSH_AUDIT_BACKEND=postgresql the same edits are made to a PostgreSQL
// store (storebackend.h).

#include "audit/auditchain.h"
#include "audit/auditstore.h"
#include "oldschemas.h"
#include "rawdb.h"
#include "storebackend.h"

#include <QTemporaryDir>
#include <QTest>

using osh::AuditEvent;
using osh::AuditStore;
using osh::audit::ChainReport;

namespace {

AuditEvent auditEvent(const std::string &session, double ts, const std::string &tool)
{
    AuditEvent e;
    e.sessionId = session;
    e.ts = ts;
    e.type = "tool_call";
    e.tool = tool;
    e.parameters = R"({"to":"[REDACTED:email]"})";
    e.decision = "escalate";
    e.layer = "policy";
    e.policy = "email-approval";
    e.message = "Email requires human approval before sending.";
    e.severity = "warning";
    e.trace = R"({"trace":[]})";
    e.policyHash = std::string(64, 'a');
    e.request = R"({"trigger":"tool_call","tool":{"name":"email_send"}})";
    return e;
}

} // namespace

class TstAuditChain : public QObject
{
    Q_OBJECT
    QTemporaryDir m_dir;
    osh::test::StoreBackend m_backend;
    std::string m_path;

    // A fresh store with sessions a and b of five events each, interleaved.
    void fill()
    {
        QTemporaryDir dir(m_dir.path() + QStringLiteral("/chainXXXXXX"));
        dir.setAutoRemove(false);
        std::string error;
        QVERIFY2(m_backend.fresh(dir, error), error.c_str());
        m_path = m_backend.store();
        auto store = AuditStore::open(m_path, error);
        QVERIFY2(store, error.c_str());
        for (int i = 1; i <= 5; ++i) {
            store->append(auditEvent("a", 100 + i, "tool" + std::to_string(i)));
            store->append(auditEvent("b", 200 + i, "tool" + std::to_string(i)));
        }
        QVERIFY(store->flush(10000));
    }

    std::vector<ChainReport> verify(const std::string &session = {})
    {
        std::vector<ChainReport> out;
        std::string error;
        osh::audit::VerifyOptions options;
        options.sessionId = session;
        if (!osh::audit::verifyChains(m_path, options, out, error))
            qWarning("verify failed: %s", error.c_str());
        return out;
    }

    static const ChainReport *find(const std::vector<ChainReport> &rs, const std::string &id)
    {
        for (const auto &r : rs)
            if (r.sessionId == id)
                return &r;
        return nullptr;
    }

private slots:
    void initTestCase()
    {
        QString error;
        QVERIFY2(m_backend.start(&error), qPrintable(error));
        qInfo("audit store backend: %s", m_backend.name());
    }

    void intactAfterWriting()
    {
        fill();
        const auto rs = verify();
        QCOMPARE(rs.size(), std::size_t(2));
        for (const auto &r : rs) {
            QVERIFY2(!r.broken, r.problem.c_str());
            QCOMPARE(r.events, 5);
            QCOMPARE(r.unchained, 0);
            QCOMPARE(r.head.size(), std::size_t(64));
        }
        // The stored values are the chain as documented: from the
        // session's start, event after event.
        std::string previous = osh::audit::chainStart("a");
        for (int seq = 1; seq <= 5; ++seq) {
            auto e = auditEvent("a", 100 + seq, "tool" + std::to_string(seq));
            e.seq = seq;
            previous = osh::audit::chainNext(previous, e);
            QCOMPARE(m_backend.text("SELECT chain FROM events WHERE session_id = 'a' AND seq = " + std::to_string(seq)),
                     previous);
        }
    }

    // Any stored field changed in the third event of a: broken there, b
    // intact.
    void editedFieldIsFound_data()
    {
        QTest::addColumn<QString>("assignment");
        for (const char *a : {"ts = ts + 0.000001", "type = 'reasoning'", "tool = 'other'", "parameters = '{}'",
                              "decision = 'allow'", "layer = ''", "policy = 'p'", "message = ''", "severity = 'info'",
                              "trace = ''", "policy_hash = ''", "request = ''", "seq = 30", "session_id = 'c'"})
            QTest::newRow(a) << QString::fromLatin1(a);
    }
    void editedFieldIsFound()
    {
        QFETCH(QString, assignment);
        fill();
        QCOMPARE(m_backend.exec("UPDATE events SET " + assignment.toStdString()
                                    + " WHERE session_id = 'a' AND seq = 3"),
                 std::string());
        const auto rs = verify();
        const auto *a = find(rs, "a");
        QVERIFY(a);
        QVERIFY(a->broken);
        if (assignment.startsWith(QLatin1StringView("seq"))) {
            // Seq 30 stands where seq 3 was recorded, before seqs 4 and 5.
            QCOMPARE(a->brokenSeq, 30);
            QVERIFY2(a->problem.find("reordered") != std::string::npos, a->problem.c_str());
        } else if (assignment.startsWith(QLatin1StringView("session_id"))) {
            // The row left a's chain: the next one shows the gap; session c
            // starts with an event chained elsewhere.
            QCOMPARE(a->brokenSeq, 4);
            QCOMPARE(a->problem, std::string("the events before it are missing (seq 3)"));
            const auto *c = find(rs, "c");
            QVERIFY(c && c->broken);
            QCOMPARE(c->brokenSeq, 3);
        } else {
            QCOMPARE(a->brokenSeq, 3);
            QVERIFY2(a->problem.find("content differs") != std::string::npos, a->problem.c_str());
        }
        const auto *b = find(rs, "b");
        QVERIFY(b);
        QVERIFY2(!b->broken, b->problem.c_str());
    }

    void deletedEventIsFound_data()
    {
        QTest::addColumn<int>("seq");
        QTest::addColumn<int>("brokenAt");
        QTest::newRow("first") << 1 << 2;
        QTest::newRow("middle") << 3 << 4;
    }
    void deletedEventIsFound()
    {
        QFETCH(int, seq);
        QFETCH(int, brokenAt);
        fill();
        QCOMPARE(m_backend.exec("DELETE FROM events WHERE session_id = 'a' AND seq = " + std::to_string(seq)),
                 std::string());
        const auto rs = verify("a");
        QCOMPARE(rs.size(), std::size_t(1));
        QVERIFY(rs[0].broken);
        QCOMPARE(rs[0].brokenSeq, brokenAt);
        QCOMPARE(rs[0].problem, "the events before it are missing (seq " + std::to_string(seq) + ")");
    }

    // Two events' seqs (and so their order) swapped.
    void reorderedEventsAreFound()
    {
        fill();
        QCOMPARE(m_backend.exec("UPDATE events SET seq = seq + 100 WHERE session_id = 'a' AND seq IN (2, 3);"
                                    "UPDATE events SET seq = 3 WHERE session_id = 'a' AND seq = 102;"
                                    "UPDATE events SET seq = 2 WHERE session_id = 'a' AND seq = 103;"),
                 std::string());
        const auto rs = verify("a");
        QVERIFY(rs[0].broken);
        QCOMPARE(rs[0].brokenSeq, 3);
        QVERIFY2(rs[0].problem.find("reordered") != std::string::npos, rs[0].problem.c_str());
    }

    void removedChainValueIsFound()
    {
        fill();
        QCOMPARE(m_backend.exec("UPDATE events SET chain = '' WHERE session_id = 'b' AND seq = 4"), std::string());
        auto rs = verify("b");
        QVERIFY(rs[0].broken);
        QCOMPARE(rs[0].brokenSeq, 4);
        QCOMPARE(rs[0].problem, std::string("its chain value was removed"));
        QCOMPARE(m_backend.exec("UPDATE events SET chain = 'x' WHERE session_id = 'a' AND seq = 2"), std::string());
        rs = verify("a");
        QCOMPARE(rs[0].brokenSeq, 2);
        QCOMPARE(rs[0].problem, std::string("its chain value is not a SHA-256 value"));
    }

    // A store closed and opened again continues each session's chain from
    // its last stored event.
    void chainContinuesAfterReopening()
    {
        fill();
        {
            std::string error;
            auto store = AuditStore::open(m_path, error);
            QVERIFY2(store, error.c_str());
            store->append(auditEvent("a", 106, "later"));
            QVERIFY(store->flush(10000));
        }
        const auto rs = verify("a");
        QVERIFY2(!rs[0].broken, rs[0].problem.c_str());
        QCOMPARE(rs[0].events, 6);
    }

    // Events a schema 4 store held stay unchained and are counted; those
    // appended after the migration are chained and checked.
    void migratedStoreChainsNewEvents()
    {
        if (m_backend.isPostgres())
            QSKIP("about an SQLite file of schema 4");
        m_path = m_dir.path().toStdString() + "/v4.db";
        QCOMPARE(RawDb(m_path).exec(kAuditLayoutV4 + "INSERT INTO events(session_id, seq, ts, type) VALUES "
                                                     "('old', 1, 1, 'tool_call'), ('old', 2, 2, 'tool_call');"),
                 std::string());
        std::vector<ChainReport> out;
        std::string error;
        QVERIFY(!osh::audit::verifyChains(m_path, {}, out, error));
        QVERIFY2(error.find("schema version 4") != std::string::npos, error.c_str());
        {
            auto store = AuditStore::open(m_path, error);
            QVERIFY2(store, error.c_str());
            store->append(auditEvent("old", 3, "new"));
            QVERIFY(store->flush(10000));
        }
        auto rs = verify("old");
        QVERIFY2(!rs[0].broken, rs[0].problem.c_str());
        QCOMPARE(rs[0].events, 3);
        QCOMPARE(rs[0].unchained, 2);
        // An unchained event may not follow a chained one.
        QCOMPARE(RawDb(m_path).exec("INSERT INTO events(session_id, seq, ts, type) VALUES ('old', 9, 9, 'x')"),
                 std::string());
        rs = verify("old");
        QVERIFY(rs[0].broken);
        QCOMPARE(rs[0].brokenSeq, 9);
    }

    void unknownSession()
    {
        fill();
        std::vector<ChainReport> out;
        std::string error;
        osh::audit::VerifyOptions options;
        options.sessionId = "nope";
        QVERIFY(!osh::audit::verifyChains(m_path, options, out, error));
        QVERIFY2(error.find("no session 'nope'") != std::string::npos, error.c_str());
    }
};

QTEST_GUILESS_MAIN(TstAuditChain)
#include "tst_auditchain.moc"
