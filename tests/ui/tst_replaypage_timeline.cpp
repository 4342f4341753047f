// The Replay page's timeline offscreen: stepping and violation jumps by
// keyboard, filtering (table and timeline agree), hit-testing by clicking
// the timeline's marks, a divider that stays put, playback, JSON-lines
// export of a selection, and a dense session painted from its bins.

#include "replaypagefixture.h"

#include "replay/replaymodel.h"
#include "replay/replaypage.h"
#include "replay/timelineview.h"

#include "audit/auditjson.h"
#include "audit/auditstore.h"

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QFile>
#include <QImage>
#include <QPainter>
#include <QSignalSpy>
#include <QSplitter>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QWheelEvent>

#include <memory>

using namespace osh;
using namespace osh::ui;
using namespace replaytest;

class TstReplayPageTimeline : public ReplayPageFixture
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { setUpStore(); }
    void cleanupTestCase() { tearDownStore(); }

    void steppingByKeyboard()
    {
        ReplayPage page;
        QVERIFY(openS1(page));
        TimelineView *t = page.timeline();
        QCOMPARE(t->currentRow(), -1);
        QTest::keyClick(t, Qt::Key_Home);
        QCOMPARE(t->currentRow(), 0);
        QTest::keyClick(t, Qt::Key_Right);
        QTest::keyClick(t, Qt::Key_Right);
        QCOMPARE(t->currentRow(), 2);
        QCOMPARE(t->playhead(), kStart + 2);
        QTest::keyClick(t, Qt::Key_Left);
        QCOMPARE(t->currentRow(), 1);
        QTest::keyClick(t, Qt::Key_Right, Qt::ControlModifier);
        QCOMPARE(t->currentRow(), 2);
        QTest::keyClick(t, Qt::Key_Right, Qt::ControlModifier);
        QCOMPARE(t->currentRow(), 5);
        QTest::keyClick(t, Qt::Key_Right, Qt::ControlModifier);
        QCOMPARE(t->currentRow(), 8); // the critical sandbox event
        QTest::keyClick(t, Qt::Key_Right, Qt::ControlModifier);
        QCOMPARE(t->currentRow(), 8); // none after
        QTest::keyClick(t, Qt::Key_Left, Qt::ControlModifier);
        QCOMPARE(t->currentRow(), 5);
        QTest::keyClick(t, Qt::Key_End);
        QCOMPARE(t->currentRow(), kCount - 1);
        QTest::keyClick(t, Qt::Key_Right);
        QCOMPARE(t->currentRow(), kCount - 1);
        // The table follows the timeline.
        QCOMPARE(page.table()->currentIndex().row(), kCount - 1);
        // Zoom keys narrow and widen the window.
        const double span = t->geometry().span();
        QTest::keyClick(t, Qt::Key_Plus);
        QVERIFY(t->geometry().span() < span * 0.6);
        QTest::keyClick(t, Qt::Key_Minus);
        QVERIFY(qAbs(t->geometry().span() - span) < 1e-6);
    }

    void filteringDrivesTableAndTimeline()
    {
        ReplayPage page;
        QVERIFY(openS1(page));
        QAbstractItemModelTester tester(page.model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        TimelineView *t = page.timeline();

        replay::ReplayFilter byTool;
        byTool.tools = {"search"};
        page.applyFilter(byTool);
        QCOMPARE(page.model()->rowCount(), 3);
        QCOMPARE(t->lanes().rows(), (std::vector<std::uint32_t>{1, 7, 9}));
        t->goToFirst();
        QCOMPARE(t->currentRow(), 1);
        t->stepNext();
        QCOMPARE(t->currentRow(), 7); // steps skip what the filter hides

        replay::ReplayFilter byOutcome;
        byOutcome.outcomes = {replay::Outcome::Block, replay::Outcome::Escalate};
        page.applyFilter(byOutcome);
        QCOMPARE(page.model()->rowCount(), 2);
        QCOMPARE(page.model()->index(1, 0).data(ReplayModel::SessionRowRole).toLongLong(), 5);

        replay::ReplayFilter bySeverity;
        bySeverity.minSeverity = replay::EventSeverity::Critical;
        page.applyFilter(bySeverity);
        QCOMPARE(page.model()->rowCount(), 1);
        QCOMPARE(t->lanes().lane(static_cast<int>(TimelineLane::Sandbox)).rows, (std::vector<std::uint32_t>{8}));
        QVERIFY(t->lanes().lane(static_cast<int>(TimelineLane::ToolCalls)).rows.empty());

        replay::ReplayFilter byText;
        byText.text = "NEEDLE";
        page.applyFilter(byText);
        QCOMPARE(page.model()->rowCount(), 1);
        QCOMPARE(page.model()->index(0, 0).data(ReplayModel::SeqRole).toLongLong(), 6);
    }

    void clickingMarksHitTests()
    {
        ReplayPage page;
        QVERIFY(openS1(page));
        page.resize(1400, 900);
        page.show();
        QVERIFY(QTest::qWaitForWindowExposed(&page));
        TimelineView *t = page.timeline();
        QVERIFY(t->geometry().width > 300);
        const int toolLane = static_cast<int>(TimelineLane::ToolCalls);
        const QPoint p3 = t->markPosition(3, toolLane);
        QVERIFY(!p3.isNull());
        QCOMPARE(t->rowAt(p3), 3);
        QCOMPARE(t->rowAt(p3 + QPoint(2, 0)), 3);           // within the tolerance
        QCOMPARE(t->rowAt(QPoint(p3.x(), t->geometry().laneTop(0) + 5)), -1); // reasoning lane: nothing there
        QCOMPARE(t->markPosition(0, toolLane), QPoint());   // reasoning is not a tool call
        QTest::mouseClick(t, Qt::LeftButton, {}, p3);
        QCOMPARE(t->currentRow(), 3);
        QCOMPARE(page.table()->currentIndex().row(), 3);
        QVERIFY(page.detailsText().contains(QStringLiteral("\"seq\": 4")));
        QVERIFY(page.parametersText().contains(QStringLiteral("[EMAIL]")));
        // Shift-click selects a range.
        QTest::mouseClick(t, Qt::LeftButton, Qt::ShiftModifier, t->markPosition(6));
        QCOMPARE(t->selectedRows(), (std::vector<std::uint32_t>{3, 4, 5, 6}));
        // Empty space hits nothing and changes nothing.
        const int approvals = static_cast<int>(TimelineLane::Approvals);
        QTest::mouseClick(t, Qt::LeftButton, {}, QPoint(t->geometry().left + 300, t->geometry().laneTop(approvals) + 5));
        QCOMPARE(t->currentRow(), 6);
        // Wheel zoom keeps the time under the cursor.
        const QPoint at = t->markPosition(5, toolLane);
        const double before = t->geometry().xToTime(at.x());
        QWheelEvent wheel(at, t->mapToGlobal(at), {}, {0, 240}, Qt::NoButton, {}, Qt::NoScrollPhase, false);
        QApplication::sendEvent(t, &wheel);
        QVERIFY(t->geometry().span() < kCount * 0.7);
        QVERIFY(qAbs(t->geometry().xToTime(at.x()) - before) < 1e-6);
        QCOMPARE(t->rowAt(t->markPosition(5, toolLane)), 5);
    }

    // Selecting events whose details are short or long (a long policy link,
    // a long tool name) leaves the table/details divider, and the
    // timeline's, where the user put them.
    void splitterKeepsItsSizes()
    {
        ReplayPage page;
        QVERIFY(openS1(page));
        page.resize(1200, 800);
        page.show();
        QVERIFY(QTest::qWaitForWindowExposed(&page));
        QSplitter *lower = nullptr;
        for (QSplitter *s : page.findChildren<QSplitter *>())
            if (s->indexOf(page.table()) >= 0)
                lower = s;
        QVERIFY(lower);
        auto *outer = qobject_cast<QSplitter *>(lower->parentWidget()); // the timeline's
        QVERIFY(outer);
        page.timeline()->setCurrentRow(0); // no policy: short details
        QCoreApplication::processEvents();
        // A narrow details pane: narrower than the longest policy link.
        const int total = lower->sizes().value(0) + lower->sizes().value(1);
        lower->setSizes({total - 200, 200});
        QCoreApplication::processEvents();
        const QList<int> sizes = lower->sizes();
        const QList<int> outerSizes = outer->sizes();
        QCOMPARE(sizes.value(1), 200);
        for (const int row : {2, 0, 5, 8, 3, 2, 9}) {
            page.timeline()->setCurrentRow(row);
            QCoreApplication::processEvents();
            QCOMPARE(lower->sizes(), sizes);
            QCOMPARE(outer->sizes(), outerSizes);
        }
        // A tool name with no place to break (an MCP server's tool) after a
        // short event, in a session of its own.
        QTemporaryDir dir;
        auto store = openStore(dir, QStringLiteral("audit.db"));
        QVERIFY(store);
        SessionRecord rec;
        rec.id = "long";
        rec.startedAt = kStart;
        store->beginSession(rec);
        for (const char *tool : {"", "mcp__github__create_pull_request_review_comment_reply"}) {
            AuditEvent e;
            e.sessionId = "long";
            e.ts = kStart;
            e.type = *tool ? "tool_call" : "reasoning";
            e.tool = tool;
            store->append(e);
        }
        QVERIFY(store->flush(10000));
        page.setStore(store.get());
        QVERIFY(page.openSession(QStringLiteral("long")));
        for (const int row : {0, 1, 0}) {
            page.timeline()->setCurrentRow(row);
            QCoreApplication::processEvents();
            QCOMPARE(lower->sizes(), sizes);
        }
        page.setStore(nullptr);
    }

    void playbackMovesThePlayhead()
    {
        ReplayPage page;
        QVERIFY(openS1(page));
        TimelineView *t = page.timeline();
        t->setSpeed(100);
        QCOMPARE(t->speed(), 16.0);
        t->setSpeed(4);
        t->setPlayhead(kStart);
        QCOMPARE(t->currentRow(), 0);
        t->advance(0.8); // 3.2 session seconds
        QCOMPARE(t->playhead(), kStart + 3.2);
        QCOMPARE(t->currentRow(), 3);
        QSignalSpy playing(t, &TimelineView::playingChanged);
        QTest::keyClick(t, Qt::Key_Space);
        QVERIFY(t->isPlaying());
        t->advance(100); // past the end: stops there
        QVERIFY(!t->isPlaying());
        QCOMPARE(t->currentRow(), kCount - 1);
        QCOMPARE(playing.count(), 2);
        // Playing from the end starts over; the timer advances on its own.
        t->setSpeed(16);
        t->setPlaying(true);
        QCOMPARE(t->playhead(), kStart);
        QTRY_VERIFY_WITH_TIMEOUT(t->currentRow() >= 2, 3000);
        t->setPlaying(false);
    }

    void exportWritesJsonLines()
    {
        ReplayPage page;
        QVERIFY(openS1(page));
        const QString file = m_dir.filePath(QStringLiteral("export.jsonl"));
        QString error;
        QVERIFY(!page.exportSelection(file, &error));
        QVERIFY(!error.isEmpty());
        page.timeline()->setCurrentRow(2);
        page.timeline()->extendSelectionTo(4);
        QVERIFY2(page.exportSelection(file, &error), qPrintable(error));
        QFile f(file);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QByteArray text = f.readAll();
        // Exactly what `osctl audit query --format jsonl` prints for seq 3..5.
        AuditQuery q;
        q.sessionId = "s1";
        std::string expected;
        for (const auto &e : m_store->query(q)) {
            if (e.seq >= 3 && e.seq <= 5) {
                audit::appendEventJson(expected, e);
                expected += '\n';
            }
        }
        QCOMPARE(text, QByteArray::fromStdString(expected));
        QCOMPARE(text.count('\n'), 3);
    }

    void densePaintReadsBinsAndShowsEveryBlock()
    {
        // 6,000 calls 10 ms apart, a block every 1,000: zoomed out, a column
        // holds several events and the paint reads the bin pyramid.
        SessionRecord rec;
        rec.id = "dense";
        rec.startedAt = kStart;
        m_store->beginSession(rec);
        for (int i = 0; i < 6000; ++i) {
            AuditEvent e;
            e.sessionId = "dense";
            e.ts = kStart + i * 0.01;
            e.type = "tool_call";
            e.tool = "search";
            e.decision = i % 1000 == 500 ? "block" : "allow";
            e.layer = "policy";
            m_store->append(e);
        }
        QVERIFY(m_store->flush(10000));
        ReplayPage page;
        page.setStore(m_store.get());
        QVERIFY(page.openSession(QStringLiteral("dense")));
        TimelineView *t = page.timeline();
        const int toolLane = static_cast<int>(TimelineLane::ToolCalls);
        const auto &lane = t->lanes().lane(toolLane);
        QVERIFY(!lane.binCounts.empty());
        for (std::size_t level = 0; level < lane.binCounts.size(); ++level) {
            std::uint64_t total = 0;
            int blocks = 0;
            for (std::size_t b = 0; b < lane.binCounts[level].size(); ++b) {
                total += lane.binCounts[level][b];
                blocks += lane.binWorst[level][b] == MarkClass::Block;
            }
            QCOMPARE(total, std::uint64_t(6000));
            QVERIFY(blocks >= 1 && blocks <= 6);
        }

        QImage image(1200, 400, QImage::Format_ARGB32_Premultiplied);
        QPainter p(&image);
        t->render(p, image.size());
        p.end();
        QVERIFY(t->geometry().secondsPerPixel() >= lane.binWidth); // the bins are what was read
        const auto isRed = [](QRgb c) { return qRed(c) > 180 && qGreen(c) < 120 && qBlue(c) < 120; };
        const auto redNear = [&](int x) {
            for (int dx = -2; dx <= 2; ++dx)
                for (int y = t->geometry().laneTop(toolLane); y < t->geometry().laneTop(toolLane + 1); ++y)
                    if (isRed(image.pixel(x + dx, y)))
                        return true;
            return false;
        };
        for (int k = 0; k < 6; ++k) {
            const double x = t->geometry().timeToX(kStart + (k * 1000 + 500) * 0.01);
            QVERIFY2(redNear(static_cast<int>(x)), qPrintable(QStringLiteral("block %1 not shown").arg(k)));
        }
        // Columns of allowed calls only are not red.
        QVERIFY(!redNear(static_cast<int>(t->geometry().timeToX(kStart + 10))));
        QVERIFY(!redNear(static_cast<int>(t->geometry().timeToX(kStart + 30))));
    }
};

QTEST_MAIN(TstReplayPageTimeline)
#include "tst_replaypage_timeline.moc"
