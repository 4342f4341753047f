// AuditStore writes: seq assignment, reopening, events refused or rewritten
// as text, concurrent appends, acknowledgements after the commit, and a
// locked SQLite file reported and retried. Run with
// OSH_AUDIT_BACKEND=postgresql, the same tests run against a PostgreSQL store
// (storebackend.h); those about SQLite files are skipped.

#include "audit/auditstore.h"
#include "auditstorefixture.h"
#include "rawdb.h"

#include <QTest>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <thread>

using osh::AuditQuery;
using osh::AuditStore;
using osh::test::ids;
using osh::test::makeEvent;

class TstAuditStoreWrites : public osh::test::AuditStoreFixture
{
    Q_OBJECT

public:
    // The SQLite write lock has no PostgreSQL counterpart.
    TstAuditStoreWrites()
        : AuditStoreFixture({"lockedDatabaseIsReportedAndRetried"})
    { }

private Q_SLOTS:
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
};

QTEST_GUILESS_MAIN(TstAuditStoreWrites)
#include "tst_auditstore_writes.moc"
