// The Replay page offscreen, its session list: what an empty store says,
// the newest session opened when the page is shown and sessions recorded
// meanwhile listed (read off the GUI thread, one read at a time, a stale
// store's list dropped), opening a session (its table model under
// QAbstractItemModelTester), the chain badge, and importing a session.
// The timeline: tst_replaypage_timeline; details, trace and what-if:
// tst_replaypage_trace.

#include "replaypagefixture.h"

#include "replay/replaymodel.h"
#include "replay/replaypage.h"

#include "audit/auditstore.h"
#include "../audit/rawdb.h"

#include <QAbstractItemModelTester>
#include <QComboBox>
#include <QFile>
#include <QMutex>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

#include <algorithm>
#include <atomic>
#include <memory>

using namespace osh;
using namespace osh::ui;
using namespace replaytest;

class TstReplayPage : public ReplayPageFixture
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { setUpStore(); }
    void cleanupTestCase() { tearDownStore(); }

    void emptyStoreSaysHowToRecord()
    {
        QTemporaryDir dir;
        auto empty = openStore(dir, QStringLiteral("empty.db"));
        QVERIFY(empty);
        ReplayPage page;
        page.setStore(empty.get());
        QTRY_VERIFY_WITH_TIMEOUT(page.messageText().contains(QStringLiteral("No session is recorded yet")), 5000);
        QVERIFY(!page.openNewestSession());
        page.setStore(m_store.get()); // sessions: the note goes
        QVERIFY(page.messageText().isEmpty());
        auto *sessions = page.findChild<QComboBox *>(QStringLiteral("sessions"));
        QVERIFY(sessions);
        QTRY_VERIFY_WITH_TIMEOUT(sessions->count() > 0, 5000);
        QVERIFY(page.messageText().isEmpty());
        page.setStore(nullptr);
    }

    // Shown, the page opens the newest session without Refresh, and lists
    // sessions recorded while it is shown.
    void opensTheNewestWhenShownAndListsNewOnes()
    {
        QTemporaryDir dir;
        auto store = openStore(dir, QStringLiteral("live.db"));
        QVERIFY(store);
        QVERIFY(recordSession(*store, "older", kStart));
        QVERIFY(recordSession(*store, "newest", kStart + 100));
        ReplayPage page;
        page.setListInterval(100);
        page.setStore(store.get());
        QVERIFY(!page.session());
        page.show();
        QTRY_VERIFY_WITH_TIMEOUT(page.session(), 5000);
        QCOMPARE(page.session()->id(), std::string("newest"));
        QCOMPARE(page.model()->rowCount(), 1);

        auto *sessions = page.findChild<QComboBox *>(QStringLiteral("sessions"));
        QVERIFY(sessions);
        QCOMPARE(sessions->count(), 2);
        QCOMPARE(sessions->currentData().toString(), QStringLiteral("newest"));
        QVERIFY(recordSession(*store, "later", kStart + 200));
        QTRY_COMPARE_WITH_TIMEOUT(sessions->count(), 3, 5000);
        QCOMPARE(sessions->itemData(0).toString(), QStringLiteral("later"));
        QCOMPARE(sessions->currentData().toString(), QStringLiteral("newest")); // what is open stays selected
        QCOMPARE(page.session()->id(), std::string("newest"));
        page.hide();
        QTest::qWait(200); // a read that was under way when hidden ends
        QVERIFY(recordSession(*store, "unseen", kStart + 300));
        QTest::qWait(400);
        QCOMPARE(sessions->count(), 3); // hidden: not polled
        page.setStore(nullptr);
    }

    // A big store's list takes a while to read: the page reads it on a
    // thread of its own (the studio stays responsive), one read at a time;
    // polls that come meanwhile make one more read, not one each.
    void listIsReadOffTheGuiThreadOneReadAtATime()
    {
        QTemporaryDir dir;
        auto store = openStore(dir, QStringLiteral("big.db"));
        QVERIFY(store);
        QVERIFY(recordSession(*store, "only", kStart));
        struct Reads
        {
            QMutex mutex;
            QList<QThread *> threads;
            int running = 0;
            int most = 0;
        };
        auto reads = std::make_shared<Reads>();
        ReplayPage page;
        page.setReadHook([reads](ReplayPage::Read what) {
            if (what != ReplayPage::Read::SessionList)
                return;
            {
                QMutexLocker lock(&reads->mutex);
                reads->threads << QThread::currentThread();
                reads->most = std::max(reads->most, ++reads->running);
            }
            QThread::msleep(150); // what a big store takes
            QMutexLocker lock(&reads->mutex);
            --reads->running;
        });
        page.setStore(store.get());
        for (int i = 0; i < 5; ++i)
            page.refreshSessions(); // polls while the first read runs
        auto *sessions = page.findChild<QComboBox *>(QStringLiteral("sessions"));
        QVERIFY(sessions);
        QTRY_COMPARE_WITH_TIMEOUT(sessions->count(), 1, 5000);
        QCOMPARE(sessions->itemData(0).toString(), QStringLiteral("only"));
        QTest::qWait(400); // any further read has come and gone
        QMutexLocker lock(&reads->mutex);
        QVERIFY(!reads->threads.isEmpty());
        for (QThread *t : std::as_const(reads->threads))
            QVERIFY2(t != QThread::currentThread(), "the session list was read on the GUI thread");
        QCOMPARE(reads->most, 1);
        QCOMPARE(reads->threads.size(), 2); // the first read, and one for the five polls
        QCOMPARE(reads->running, 0);
    }

    // Switching workspace (another store) while the old store's list is
    // being read: the old list is never shown, the new one is.
    void switchingStoreDuringAReadDropsTheOldList()
    {
        QTemporaryDir dir;
        auto oldStore = openStore(dir, QStringLiteral("old.db"));
        auto newStore = openStore(dir, QStringLiteral("new.db"));
        QVERIFY(oldStore && newStore);
        QVERIFY(recordSession(*oldStore, "old-workspace", kStart));
        QVERIFY(recordSession(*newStore, "new-workspace", kStart));
        auto reads = std::make_shared<std::atomic<int>>(0);
        ReplayPage page;
        page.setReadHook([reads](ReplayPage::Read what) {
            if (what == ReplayPage::Read::SessionList && (*reads)++ == 0)
                QThread::msleep(300); // the old store's read is slow
        });
        auto *sessions = page.findChild<QComboBox *>(QStringLiteral("sessions"));
        QVERIFY(sessions);
        QStringList shown;
        connect(sessions->model(), &QAbstractItemModel::rowsInserted, &page,
                [&shown, sessions](const QModelIndex &, int first, int last) {
                    for (int i = first; i <= last; ++i)
                        shown << sessions->itemData(i).toString();
                });
        page.setStore(oldStore.get()); // its read starts and takes a while
        page.setStore(newStore.get()); // the workspace switches meanwhile
        QTRY_COMPARE_WITH_TIMEOUT(sessions->count(), 1, 5000);
        QCOMPARE(sessions->itemData(0).toString(), QStringLiteral("new-workspace"));
        QTest::qWait(500); // whatever the old read delivers has arrived by now
        QCOMPARE(shown, QStringList{QStringLiteral("new-workspace")});
        QCOMPARE(sessions->count(), 1);
        QVERIFY(reads->load() >= 1);
        page.setStore(nullptr);
    }

    void opensAndModelIsSound()
    {
        ReplayPage page;
        page.setStore(m_store.get());
        QVERIFY(!page.openSession(QStringLiteral("nope")));
        QVERIFY(!page.messageText().isEmpty());
        QVERIFY(page.openSession(QStringLiteral("s1")));
        QAbstractItemModelTester tester(page.model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        QCOMPARE(page.model()->rowCount(), kCount);
        const QModelIndex blocked = page.model()->index(2, ReplayModel::DecisionColumn);
        QCOMPARE(blocked.data().toString(), QStringLiteral("block"));
        QCOMPARE(blocked.data(ReplayModel::PolicyRole).toString(), QStringLiteral("no-http"));
        QCOMPARE(blocked.data(ReplayModel::ViolationRole).toBool(), true);
        QCOMPARE(page.model()->index(3, 0).data(ReplayModel::ViolationRole).toBool(), false);
        QCOMPARE(page.model()->index(4, ReplayModel::MessageColumn).data().toString(), QStringLiteral("event 5"));
        QCOMPARE(page.model()->index(0, ReplayModel::LaneColumn).data().toString(), QStringLiteral("Reasoning"));
        // Filters reset the model under the tester.
        replay::ReplayFilter f;
        f.tools = {"email_send"};
        page.applyFilter(f);
        QCOMPARE(page.model()->rowCount(), 2);
        page.applyFilter({});
        QCOMPARE(page.model()->rowCount(), kCount);
    }

    // The badge beside the session picker: the chain of the open session
    // and its signed checkpoints, checked on a thread.
    void chainBadge()
    {
        ReplayPage page;
        QVERIFY(openS1(page));
        QTRY_COMPARE_WITH_TIMEOUT(page.chainText(), QStringLiteral("✔ Chain intact, not signed"), 10000);

        QTemporaryDir dir;
        const std::string path = dir.filePath(QStringLiteral("signed.db")).toStdString();
        AuditStore::Options o;
        o.signingKey = dir.filePath(QStringLiteral("signing.key")).toStdString();
        std::string error;
        auto store = AuditStore::open(path, o, error);
        QVERIFY2(store, error.c_str());
        for (int i = 0; i < 3; ++i) {
            AuditEvent e;
            e.sessionId = "x";
            e.ts = kStart + i;
            e.type = "tool_call";
            e.tool = "email_send";
            e.decision = "allow";
            store->append(e);
        }
        store->endSession("x", 0, "exited", kStart + 3);
        QVERIFY(store->flush(10000));
        page.setStore(store.get());
        QVERIFY(page.chainText().isEmpty());
        QVERIFY(page.openSession(QStringLiteral("x")));
        QTRY_COMPARE_WITH_TIMEOUT(page.chainText(), QStringLiteral("✔ Chain verified"), 10000);
        QVERIFY2(page.chainDetails().contains(QStringLiteral("(seq 3)")), qPrintable(page.chainDetails()));

        QCOMPARE(RawDb(path).exec("UPDATE events SET decision = 'block' WHERE session_id = 'x' AND seq = 2"), std::string());
        QVERIFY(page.openSession(QStringLiteral("x")));
        QTRY_COMPARE_WITH_TIMEOUT(page.chainText(), QStringLiteral("✘ Chain broken at seq 2"), 10000);
        QVERIFY2(page.chainDetails().contains(QStringLiteral("content differs")), qPrintable(page.chainDetails()));
        page.setStore(nullptr);
    }

    // The chain check runs on a thread of the page's own: closing the page
    // (or quitting) while it runs waits for it, so nothing is left reading
    // a store once the page is gone, and a check asked for while one runs
    // waits its turn instead of adding a thread.
    void closingDuringAChainCheckLeavesNoThread()
    {
        struct Checks
        {
            QMutex mutex;
            int running = 0;
            int most = 0;
            int done = 0;
        };
        auto checks = std::make_shared<Checks>();
        auto page = std::make_unique<ReplayPage>();
        page->setReadHook([checks](ReplayPage::Read what) {
            if (what != ReplayPage::Read::Chain)
                return;
            {
                QMutexLocker lock(&checks->mutex);
                checks->most = std::max(checks->most, ++checks->running);
            }
            QThread::msleep(200); // what a long session takes
            QMutexLocker lock(&checks->mutex);
            --checks->running;
            ++checks->done;
        });
        page->setStore(m_store.get());
        for (int i = 0; i < 4; ++i)
            QVERIFY(page->openSession(QStringLiteral("s1")));
        page.reset(); // as when the studio quits
        {
            QMutexLocker lock(&checks->mutex);
            QCOMPARE(checks->running, 0);
            QCOMPARE(checks->most, 1);
            QCOMPARE(checks->done, 1); // the three asked for meanwhile were dropped with the page
            checks->done = 0;
        }

        // Left open, the newest of the checks asked for meanwhile runs
        // after the first, and its result is the one shown.
        ReplayPage open;
        open.setReadHook([checks](ReplayPage::Read what) {
            if (what != ReplayPage::Read::Chain)
                return;
            QThread::msleep(100);
            QMutexLocker lock(&checks->mutex);
            ++checks->done;
        });
        for (int i = 0; i < 4; ++i)
            QVERIFY(openS1(open));
        QCOMPARE(open.chainText(), QStringLiteral("Checking the chain…"));
        QTRY_COMPARE_WITH_TIMEOUT(open.chainText(), QStringLiteral("✔ Chain intact, not signed"), 10000);
        QTest::qWait(300);
        QMutexLocker lock(&checks->mutex);
        QCOMPARE(checks->done, 2);
    }

    // A session from elsewhere: eval-format lines decided by the editor's
    // policy; a bad line imports nothing and says where.
    void importsSessionDecidedByTheEditorsPolicy()
    {
        QTemporaryDir dir;
        const QString good = dir.filePath(QStringLiteral("traffic.jsonl"));
        const QString bad = dir.filePath(QStringLiteral("bad.jsonl"));
        auto write = [](const QString &path, const QByteArray &text) {
            QFile f(path);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(text);
        };
        write(good, "{\"trigger\":\"tool_call\",\"ts\":100,\"tool\":{\"name\":\"search\",\"args\":{\"q\":\"refunds\"}}}\n"
                    "{\"trigger\":\"tool_call\",\"ts\":101,\"tool\":{\"name\":\"http_get\",\"args\":{\"url\":\"x\"}}}\n");
        write(bad, "{\"trigger\":\"tool_call\",\"tool\":{\"name\":\"search\"}}\n{\"trigger\": nope}\n");

        ReplayPage page;
        page.setStore(m_store.get());
        page.setPolicyTextProvider([] { return QString::fromUtf8(kPolicy); }, [] { return QStringLiteral("editor.policy.yaml"); });
        const auto before = m_store->sessions().size();
        QVERIFY(!page.importSession(bad));
        QVERIFY2(page.messageText().contains(QStringLiteral("bad.jsonl:2:")), qPrintable(page.messageText()));
        QCOMPARE(m_store->sessions().size(), before);

        QVERIFY2(page.importSession(good), qPrintable(page.messageText()));
        QCOMPARE(m_store->sessions().size(), before + 1);
        QVERIFY(page.session());
        QCOMPARE(page.model()->rowCount(), 2);
        // Decided by the editor's policy: http_get is blocked by no-http.
        const auto *s = page.session();
        QCOMPARE(s->policy(1), std::string_view("no-http"));
        QVERIFY(s->outcome(1) == replay::Outcome::Block);
        QCOMPARE(s->tool(0), std::string_view("search"));
    }
};

QTEST_MAIN(TstReplayPage)
#include "tst_replaypage.moc"
