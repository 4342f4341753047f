// The durability contract: every event the store acknowledged is in the
// database after the writing process is killed with SIGKILL mid-stream, and
// the database is sound and every chain holds. The writer is the
// osh_auditwriter helper. With OSH_AUDIT_BACKEND=postgresql the store is a
// PostgreSQL database (storebackend.h).

#include "audit/auditchain.h"
#include "audit/auditstore.h"
#include "storebackend.h"

#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>
#include <map>
#include <set>

class TstAuditDurability : public QObject
{
    Q_OBJECT

    osh::test::StoreBackend m_backend;

private Q_SLOTS:
    void initTestCase()
    {
        QString error;
        QVERIFY2(m_backend.start(&error), qPrintable(error));
        qInfo("audit store backend: %s", m_backend.name());
    }

    void killedWriterLosesNoAcknowledgedEvent_data()
    {
        QTest::addColumn<int>("threads");
        QTest::addColumn<int>("killAfter");
        QTest::newRow("one thread, killed after 2000 acks") << 1 << 2000;
        QTest::newRow("three threads, killed after 5000 acks") << 3 << 5000;
        QTest::newRow("killed right after the first ack") << 1 << 1;
        QTest::newRow("one thread, killed after 20000 acks") << 1 << 20000;
    }

    void killedWriterLosesNoAcknowledgedEvent()
    {
        QFETCH(int, threads);
        QFETCH(int, killAfter);
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        std::string freshError;
        QVERIFY2(m_backend.fresh(dir, freshError), freshError.c_str());
        const QString path = QString::fromStdString(m_backend.store());

        QProcess child;
        child.start(QStringLiteral(AUDITWRITER_PATH), {path, QString::number(threads)});
        QVERIFY(child.waitForStarted());

        std::map<std::string, std::set<std::int64_t>> acked;
        std::size_t count = 0;
        QByteArray pending;
        auto take = [&](const QByteArray &data) {
            pending += data;
            qsizetype nl;
            while ((nl = pending.indexOf('\n')) >= 0) {
                const QByteArray line = pending.left(nl);
                pending.remove(0, nl + 1);
                const auto space = line.indexOf(' ');
                QVERIFY2(space > 0, line.constData());
                acked[line.left(space).toStdString()].insert(line.mid(space + 1).toLongLong());
                ++count;
            }
        };
        while (count < std::size_t(killAfter)) {
            QVERIFY2(child.state() == QProcess::Running, child.readAllStandardError().constData());
            child.waitForReadyRead(10000);
            take(child.readAllStandardOutput());
        }
        QCOMPARE(::kill(static_cast<pid_t>(child.processId()), SIGKILL), 0);
        QVERIFY(child.waitForFinished(10000));
        QCOMPARE(child.exitStatus(), QProcess::CrashExit);
        take(child.readAllStandardOutput()); // acks written before the kill
        QVERIFY(count >= std::size_t(killAfter));

        std::string error;
        auto store = osh::AuditStore::open(path.toStdString(), error);
        QVERIFY2(store, error.c_str());
        std::string report;
        QVERIFY2(store->checkIntegrity(report), report.c_str());
        std::size_t stored = 0;
        for (const auto &[session, seqs] : acked) {
            osh::AuditQuery q;
            q.sessionId = session;
            std::set<std::int64_t> have;
            for (const auto &e : store->query(q, &error))
                have.insert(e.seq);
            QVERIFY2(error.empty(), error.c_str());
            for (const auto seq : seqs)
                QVERIFY2(have.count(seq), qPrintable(QStringLiteral("acknowledged %1#%2 is missing")
                                                         .arg(QString::fromStdString(session)).arg(seq)));
            // Batches are whole transactions, committed in order: no holes.
            QCOMPARE(std::int64_t(have.size()), *have.rbegin());
            stored += have.size();
            // The store goes on after the crash where the session left off.
            osh::AuditEvent e;
            e.sessionId = session;
            e.type = "session";
            QCOMPARE(store->append(e), *have.rbegin() + 1);
        }
        QVERIFY(store->flush());
        // The chains hold across the kill: the batch in flight left nothing.
        std::vector<osh::audit::ChainReport> reports;
        QVERIFY2(osh::audit::verifyChains(path.toStdString(), {}, reports, error), error.c_str());
        QCOMPARE(reports.size(), acked.size());
        for (const auto &r : reports)
            QVERIFY2(!r.broken, (r.sessionId + ": " + r.problem).c_str());
        qInfo("acknowledged %zu, stored %zu (the rest was queued, unacknowledged)", count, stored);
    }
};

QTEST_GUILESS_MAIN(TstAuditDurability)
#include "tst_auditdurability.moc"
