// How often a forwarder counts the events pending while it catches up on a
// backlog of many batches. The count is the costly read of a PostgreSQL
// store (up to a million of this host's rows): it runs about once a
// second, not once per batch, and status().pending stays what a count
// would say (the last count less what went out since). On loopback; with
// OSH_AUDIT_BACKEND=postgresql (tst_forwardercount_pg) over a store in a
// throwaway PostgreSQL cluster, where the count is the costly one.

#include "audit/auditstore.h"
#include "service/forwarder.h"
#include "service/forwardsource.h"

#include "httpcollector.h"
#include "storebackend.h"

#include <QElapsedTimer>
#include <QTemporaryDir>
#include <QTest>

#include <atomic>

#include <unistd.h>

using namespace osh;
using namespace osh::service;

namespace {

// The store's own source, with its counts and batches counted.
class CountingSource : public ForwardSource
{
public:
    CountingSource(std::unique_ptr<ForwardSource> inner, std::atomic<int> &counts, std::atomic<int> &batches)
        : m_inner(std::move(inner))
        , m_counts(counts)
        , m_batches(batches)
    {
    }

    bool head(std::int64_t &id, std::string &chain, std::string &error) override
    {
        return m_inner->head(id, chain, error);
    }
    bool first(std::string &chain, std::string &error) override { return m_inner->first(chain, error); }
    bool chainAt(std::int64_t id, std::optional<std::string> &chain, std::string &error) override
    {
        return m_inner->chainAt(id, chain, error);
    }
    bool oldest(std::int64_t after, double &oldestTs, std::string &error) override
    {
        return m_inner->oldest(after, oldestTs, error);
    }
    bool count(std::int64_t after, std::int64_t &count, std::string &error) override
    {
        ++m_counts;
        return m_inner->count(after, count, error);
    }
    bool batch(std::int64_t after, int limit, const std::function<bool(const AuditEvent &, std::int64_t)> &visit,
               std::string &error) override
    {
        ++m_batches;
        return m_inner->batch(after, limit, visit, error);
    }
    bool policyCommit(const std::string &sessionId, std::optional<std::string> &commit, std::string &error) override
    {
        return m_inner->policyCommit(sessionId, commit, error);
    }

private:
    std::unique_ptr<ForwardSource> m_inner;
    std::atomic<int> &m_counts;
    std::atomic<int> &m_batches;
};

} // namespace

class TstForwarderCount : public QObject
{
    Q_OBJECT

    osh::test::StoreBackend m_backend;

private Q_SLOTS:
    void initTestCase()
    {
        QString error;
        QVERIFY2(m_backend.start(&error), qPrintable(error));
    }

    void backlogCountedAboutOnceASecond()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        std::string error;
        QVERIFY2(m_backend.fresh(dir, error), error.c_str());
        const std::string storePath = m_backend.store();
        AuditStore::Options storeOptions;
        storeOptions.host = "host-a";
        auto store = AuditStore::open(storePath, storeOptions, error);
        QVERIFY2(store, error.c_str());
        SessionRecord rec;
        rec.id = "s-a";
        rec.startedAt = AuditStore::now();
        rec.policyFile = "demo.policy.yaml";
        rec.isolation = "gvisor";
        rec.command = "[\"agent\"]";
        store->beginSession(rec);
        constexpr int kEvents = 3000;
        constexpr int kBatch = 10;
        for (int i = 0; i < kEvents; ++i) {
            AuditEvent e;
            e.sessionId = "s-a";
            e.ts = AuditStore::now() - 600 + i * 0.01;
            e.type = "tool_call";
            e.tool = "http_get";
            e.parameters = R"({"url":"http://127.0.0.1/"})";
            e.decision = "allow";
            e.layer = "policy";
            e.severity = "info";
            e.message = "fetch";
            store->append(e);
        }
        QVERIFY(store->flush(10000));

        osh::test::HttpCollector c;
        QVERIFY(c.up());
        auto target = ForwardTarget::parse("http://127.0.0.1:" + std::to_string(c.port)
                                               + "/collector?peer_uid=" + std::to_string(::geteuid()),
                                           &error);
        QVERIFY2(target, error.c_str());
        std::atomic<int> counts{0}, batches{0};
        Forwarder::Options o;
        o.target = *target;
        o.storePath = storePath;
        o.storeHost = "host-a";
        o.cursorDir = dir.filePath(QStringLiteral("cursors")).toStdString();
        o.productVersion = "9.9";
        o.hostname = "testhost";
        o.batchEvents = kBatch;
        o.pollMs = 20;
        o.minBackoffMs = 20;
        o.maxBackoffMs = 200;
        o.wrapSource = [&](std::unique_ptr<ForwardSource> s) -> std::unique_ptr<ForwardSource> {
            return std::make_unique<CountingSource>(std::move(s), counts, batches);
        };
        QElapsedTimer timer;
        timer.start();
        auto f = Forwarder::start(std::move(o), &error);
        QVERIFY2(f, error.c_str());

        // status() shows what waits as of the batch under way (taken
        // before the batch, which counts as delivered after): between what
        // waits now and one batch more (nothing before the first look).
        bool sawBacklog = false;
        for (;;) {
            const ForwarderStatus s = f->status();
            const std::int64_t waiting = kEvents - static_cast<std::int64_t>(s.delivered);
            QVERIFY2(s.head == 0 || (s.pending >= waiting && s.pending <= waiting + kBatch),
                     qPrintable(QStringLiteral("pending %1 with %2 delivered").arg(s.pending).arg(s.delivered)));
            sawBacklog = sawBacklog || s.pending > 10 * kBatch;
            if (s.delivered == kEvents)
                break;
            QVERIFY2(timer.elapsed() < 120000, "the backlog was not delivered in 2 minutes");
            QTest::qWait(1);
        }
        const double seconds = timer.elapsed() / 1000.0;
        QVERIFY(sawBacklog);
        QTRY_COMPARE_WITH_TIMEOUT(f->status().state, std::string("idle"), 10000);
        QCOMPARE(f->status().pending, 0);
        f.reset();

        QVERIFY(batches >= kEvents / kBatch);
        // One count at the start, one a second after, plus a spare one.
        QVERIFY2(counts <= 2 + static_cast<int>(seconds),
                 qPrintable(QStringLiteral("%1 counts for %2 batches in %3 s").arg(counts).arg(batches).arg(seconds)));
        qInfo("%d counts for %d batches in %.2f s", counts.load(), batches.load(), seconds);
    }
};

QTEST_GUILESS_MAIN(TstForwarderCount)
#include "tst_forwardercount.moc"
