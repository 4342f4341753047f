// The Replay page offscreen, on a small session appended to a temporary
// audit store: the table model under QAbstractItemModelTester, stepping
// and violation jumps by keyboard, filtering (table and timeline agree),
// hit-testing by clicking the timeline's marks, playback, the details pane
// (the decision trace: who decided and what it read), the deciding
// policy's link (file and line), a divider that stays put, JSON-lines
// export, and the what-if diff lane with its summary table and its
// approximate actions marked with why.

#include "replay/replaymodel.h"
#include "replay/replaypage.h"
#include "replay/timelineview.h"

#include "audit/auditjson.h"
#include "audit/auditstore.h"
#include "engine/decisionengine.h"
#include "replay/whatif.h"
#include "trace/tracemodel.h"
#include "trace/traceview.h"
#include "../audit/rawdb.h"
#include "vcs/policyrepository.h"

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QFile>
#include <QFont>
#include <QMap>
#include <QImage>
#include <QPainter>
#include <QSignalSpy>
#include <QSplitter>
#include <QTableView>
#include <QTemporaryDir>
#include <QComboBox>
#include <QTest>
#include <QTabWidget>
#include <QTreeView>
#include <QTreeWidget>
#include <QWheelEvent>

#include <memory>

using namespace osh;
using namespace osh::ui;

namespace {

const char *kPolicy = R"(version: 1
name: replay-test
policies:
  - name: no-http
    trigger: tool_call
    condition: tool.name == 'http_get'
    action: block
    message: no http
  - name: mail-review
    trigger: tool_call
    condition: tool.name == 'email_send' and tool.args.to == 'boss@example.com'
    action: escalate
    escalation: review
tools:
  - {name: http_get, command: [get]}
  - {name: email_send, command: [mail]}
  - {name: search, command: [search]}
)";

// The what-if policy: e-mail is now blocked, http no longer is.
const char *kStricter = R"(version: 1
name: replay-test
policies:
  - name: no-mail
    trigger: tool_call
    condition: tool.name == 'email_send'
    action: block
    message: no mail
tools:
  - {name: http_get, command: [get]}
  - {name: email_send, command: [mail]}
  - {name: search, command: [search]}
)";

constexpr double kStart = 1.8e9;

struct Spec
{
    const char *type;
    const char *tool;
    const char *decision;
    const char *policy;
    const char *severity;
    const char *to; // email recipient, for the recorded request
};

// seq = index + 1, one second apart.
const Spec kEvents[] = {
    {"reasoning", "", "", "", "info", nullptr},                               // row 0
    {"tool_call", "search", "allow", "", "info", nullptr},                    // 1
    {"tool_call", "http_get", "block", "no-http", "warning", nullptr},        // 2 violation
    {"tool_call", "email_send", "allow", "", "info", "team@example.com"},     // 3
    {"data_output", "", "", "", "info", nullptr},                             // 4
    {"tool_call", "email_send", "escalate", "mail-review", "warning", "boss@example.com"}, // 5 violation
    {"network_egress", "http_get", "allow", "", "info", nullptr},             // 6
    {"file_access", "search", "allow", "", "info", nullptr},                  // 7
    {"sandbox", "", "", "", "critical", nullptr},                             // 8 violation (critical)
    {"tool_call", "search", "allow", "", "info", nullptr},                    // 9
};
constexpr int kCount = static_cast<int>(sizeof(kEvents) / sizeof(kEvents[0]));

} // namespace

class TstReplayPage : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    std::unique_ptr<AuditStore> m_store;
    QString m_policyFile;

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_policyFile = m_dir.filePath(QStringLiteral("replay.policy.yaml"));
        QFile f(m_policyFile);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(kPolicy);
        f.close();
        std::string error;
        m_store = AuditStore::open(m_dir.filePath(QStringLiteral("audit.db")).toStdString(), error);
        QVERIFY2(m_store, error.c_str());
        SessionRecord rec;
        rec.id = "s1";
        rec.startedAt = kStart;
        rec.policyFile = m_policyFile.toStdString();
        rec.isolation = "gvisor";
        rec.command = "[\"agent\"]";
        m_store->beginSession(rec);
        for (int i = 0; i < kCount; ++i) {
            const Spec &s = kEvents[i];
            AuditEvent e;
            e.sessionId = "s1";
            e.ts = kStart + i;
            e.type = s.type;
            e.tool = s.tool;
            e.decision = s.decision;
            e.layer = *s.decision ? "policy" : "";
            e.policy = s.policy;
            e.severity = s.severity;
            e.message = "event " + std::to_string(i + 1) + (i == 5 ? " needle" : "");
            if (*s.tool) {
                e.parameters = s.to ? std::string("{\"to\":\"[EMAIL]\"}") : std::string("{\"q\":\"x\"}");
                if (e.type == "tool_call") {
                    e.request = std::string("{\"trigger\":\"tool_call\",\"tool\":{\"name\":\"") + s.tool
                        + "\",\"args\":{" + (s.to ? std::string("\"to\":\"") + s.to + "\"" : std::string()) + "}}}";
                }
            }
            if (*s.decision)
                e.trace = "{\"outcome\":\"" + std::string(s.decision) + "\",\"trace\":[{\"layer\":\"policy\",\"policy\":\""
                    + s.policy + "\",\"matched\":true}]}";
            if (i == 5) { // the escalation as the gateway records it: the engine's own decision
                std::string err;
                const auto doc = replay::WhatIf::policyFromText(kPolicy, "replay.policy.yaml", err);
                QVERIFY2(doc, err.c_str());
                const DecisionEngine engine(doc);
                SessionState state("s1");
                auto req = Request::fromJson(e.request, err);
                QVERIFY2(req, err.c_str());
                const Decision d = engine.decide(*req, state);
                QCOMPARE(actionName(d.outcome), std::string_view("escalate"));
                e.trace = d.toJson();
            }
            if (i == 2) // a decisive trace as the engine writes it (shape pinned by tst_policyindex)
                e.trace = R"({"outcome":"block","trace":[{"layer":"sandbox","verdict":"allow"},)"
                          R"({"layer":"policy","skipped":7,"because":"tool.name"},)"
                          R"({"layer":"policy","policy":"no-http","matched":true,"reads":{"tool.name":"http"},)"
                          R"x("pii":{"contains_pii(tool.args)":[{"begin":5,"check":"luhn","detail":"visa","end":26,)x"
                          R"x("in":".body","seen":["mixed_separators","line_break"],"type":"credit_card"}]}}]})x";
            m_store->append(e);
        }
        m_store->endSession("s1", 0, "exited", kStart + kCount);
        QVERIFY(m_store->flush(10000));
    }

    void cleanupTestCase() { m_store.reset(); }

    void emptyStoreSaysHowToRecord()
    {
        QTemporaryDir dir;
        std::string error;
        auto empty = AuditStore::open(dir.filePath(QStringLiteral("empty.db")).toStdString(), error);
        QVERIFY2(empty, error.c_str());
        ReplayPage page;
        page.setStore(empty.get());
        QVERIFY(page.messageText().contains(QStringLiteral("No session is recorded yet")));
        QVERIFY(!page.openNewestSession());
        page.setStore(m_store.get()); // sessions: the note goes
        QVERIFY(page.messageText().isEmpty());
        page.setStore(nullptr);
    }

    // Shown, the page opens the newest session without Refresh, and lists
    // sessions recorded while it is shown.
    void opensTheNewestWhenShownAndListsNewOnes()
    {
        QTemporaryDir dir;
        std::string error;
        auto store = AuditStore::open(dir.filePath(QStringLiteral("live.db")).toStdString(), error);
        QVERIFY2(store, error.c_str());
        const auto record = [&](const std::string &id, double start) {
            SessionRecord rec;
            rec.id = id;
            rec.startedAt = start;
            store->beginSession(rec);
            AuditEvent e;
            e.sessionId = id;
            e.ts = start + 1;
            e.type = "tool_call";
            e.tool = "knowledge_search";
            e.decision = "allow";
            store->append(e);
            QVERIFY(store->flush(10000));
        };
        record("older", kStart);
        record("newest", kStart + 100);
        ReplayPage page;
        page.setListInterval(100);
        page.setStore(store.get());
        QVERIFY(!page.session());
        page.show();
        QVERIFY(page.session());
        QCOMPARE(page.session()->id(), std::string("newest"));
        QCOMPARE(page.model()->rowCount(), 1);

        auto *sessions = page.findChild<QComboBox *>(QStringLiteral("sessions"));
        QVERIFY(sessions);
        QCOMPARE(sessions->count(), 2);
        record("later", kStart + 200);
        QTRY_COMPARE_WITH_TIMEOUT(sessions->count(), 3, 5000);
        QCOMPARE(sessions->itemData(0).toString(), QStringLiteral("later"));
        QCOMPARE(sessions->currentData().toString(), QStringLiteral("newest")); // what is open stays selected
        QCOMPARE(page.session()->id(), std::string("newest"));
        page.hide();
        record("unseen", kStart + 300);
        QTest::qWait(400);
        QCOMPARE(sessions->count(), 3); // hidden: not polled
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
        page.setStore(m_store.get());
        QVERIFY(page.openSession(QStringLiteral("s1")));
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

    void steppingByKeyboard()
    {
        ReplayPage page;
        page.setStore(m_store.get());
        QVERIFY(page.openSession(QStringLiteral("s1")));
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
        page.setStore(m_store.get());
        QVERIFY(page.openSession(QStringLiteral("s1")));
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
        page.setStore(m_store.get());
        QVERIFY(page.openSession(QStringLiteral("s1")));
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

    void detailsAndPolicyLink()
    {
        ReplayPage page;
        page.setStore(m_store.get());
        QVERIFY(page.openSession(QStringLiteral("s1")));
        page.timeline()->setCurrentRow(2);
        QVERIFY(page.policyLinkText().contains(QStringLiteral("no-http")));
        // The trace's steps say what they are; a run the index skipped is one row.
        TraceModel *trace = page.traceView()->model();
        QAbstractItemModelTester tester(trace, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QCOMPARE(trace->rowCount(), 3);
        QCOMPARE(trace->index(0, 0).data().toString(), QStringLiteral("sandbox"));
        QCOMPARE(trace->index(0, 1).data().toString(), QStringLiteral("allow"));
        QCOMPARE(trace->index(1, 0).data().toString(), QStringLiteral("7 policies skipped by index (tool.name)"));
        QCOMPARE(trace->index(1, 1).data().toString(), QStringLiteral("tool.name matches none of their keys"));
        QCOMPARE(trace->rowCount(trace->index(1, 0)), 0);
        const QModelIndex policy = trace->index(2, 0);
        QCOMPARE(policy.data().toString(), QStringLiteral("policy no-http"));
        QCOMPARE(trace->index(2, 1).data().toString(), QStringLiteral("matched"));
        QCOMPARE(trace->decidingIndex(), policy);
        // Its read, then what its PII call found, in words, the way the simulator shows it.
        QCOMPARE(trace->rowCount(policy), 2);
        QCOMPARE(trace->index(0, 0, policy).data(TraceModel::PathRole).toString(), QStringLiteral("tool.name"));
        QCOMPARE(trace->index(0, 1, policy).data().toString(), QStringLiteral("\"http\""));
        const QModelIndex pii = trace->index(1, 0, policy);
        QCOMPARE(pii.data(TraceModel::KindRole).toInt(), int(TraceModel::PiiRow));
        QCOMPARE(pii.data().toString(), QStringLiteral("credit_card in .body, bytes 5-26"));
        QCOMPARE(pii.siblingAtColumn(1).data().toString(),
                 QStringLiteral("Luhn check digit (visa) · read through: mixed separators, split over a line break"));
        QSignalSpy spy(&page, &ReplayPage::openPolicyRequested);
        page.openDecidingPolicy();
        QCOMPARE(spy.count(), 1);
        QCOMPARE(spy.at(0).at(0).toString(), m_policyFile);
        QCOMPARE(spy.at(0).at(1).toString(), QString());
        // The line of "- name: no-http" in the file, counted independently.
        const QStringList lines = QString::fromUtf8(kPolicy).split(QLatin1Char('\n'));
        int expected = 0;
        for (int i = 0; i < lines.size(); ++i)
            if (lines[i].contains(QStringLiteral("name: no-http")))
                expected = i + 1;
        QCOMPARE(spy.at(0).at(2).toInt(), expected);
        page.timeline()->setCurrentRow(5);
        page.openDecidingPolicy();
        QCOMPARE(spy.count(), 2);
        QCOMPARE(spy.at(1).at(2).toInt(), expected + 5);
        // An event without a policy emits nothing.
        page.timeline()->setCurrentRow(0);
        page.openDecidingPolicy();
        QCOMPARE(spy.count(), 2);
    }

    // A replayed escalation shows, on the details' first tab, which policy
    // decided (highlighted, expanded, scrolled to) and the values its
    // condition read: from the decision the engine recorded.
    void traceShowsWhoDecidedAndWhatItRead()
    {
        ReplayPage page;
        page.setStore(m_store.get());
        QVERIFY(page.openSession(QStringLiteral("s1")));
        page.resize(1200, 800);
        page.show();
        QVERIFY(QTest::qWaitForWindowExposed(&page));
        page.timeline()->setCurrentRow(5);
        TraceView *view = page.traceView();
        QVERIFY(view->isVisible()); // the first tab, not one to look for
        TraceModel *trace = view->model();
        QAbstractItemModelTester tester(trace, QAbstractItemModelTester::FailureReportingMode::QtTest);
        const QModelIndex deciding = trace->decidingIndex();
        QVERIFY(deciding.isValid());
        QCOMPARE(deciding.data(TraceModel::PolicyRole).toString(), QStringLiteral("mail-review"));
        QVERIFY(deciding.data(TraceModel::MatchedRole).toBool());
        for (int r = 0; r < trace->rowCount(); ++r)
            QCOMPARE(trace->index(r, 0).data(TraceModel::DecidingRole).toBool(), r == deciding.row());
        QVERIFY(deciding.data(Qt::FontRole).value<QFont>().bold());
        QVERIFY(deciding.data(Qt::BackgroundRole).isValid());
        QMap<QString, QString> reads;
        for (int r = 0; r < trace->rowCount(deciding); ++r) {
            const QModelIndex c = trace->index(r, 0, deciding);
            if (c.data(TraceModel::KindRole).toInt() == TraceModel::ReadRow)
                reads.insert(c.data(TraceModel::PathRole).toString(), c.siblingAtColumn(1).data().toString());
        }
        QCOMPARE(reads.value(QStringLiteral("tool.name")), QStringLiteral("\"email_send\""));
        QCOMPARE(reads.value(QStringLiteral("tool.args.to")), QStringLiteral("\"boss@example.com\""));
        // On screen: expanded, current, in the viewport, and said in words.
        QTreeView *tree = view->tree();
        QVERIFY(tree->isExpanded(deciding));
        QCOMPARE(tree->currentIndex(), deciding);
        QVERIFY(tree->viewport()->rect().intersects(tree->visualRect(trace->index(0, 0, deciding))));
        QVERIFY2(view->summaryText().contains(QStringLiteral("Decided by policy mail-review (escalate)")),
                 qPrintable(view->summaryText()));
        QVERIFY2(view->summaryText().contains(QStringLiteral("tool.args.to = \"boss@example.com\"")),
                 qPrintable(view->summaryText()));
        // An event that was not decided has no trace, and says so.
        page.timeline()->setCurrentRow(0);
        QCOMPARE(trace->rowCount(), 0);
        QVERIFY(!trace->decidingIndex().isValid());
        QVERIFY(view->summaryText().contains(QStringLiteral("not decided")));
    }

    // What-if over actions recorded without their request: the table marks
    // each approximate one and says why; the details and the what-if table
    // too. The exact one is not marked.
    void approximateActionsAreMarkedWithWhy()
    {
        QTemporaryDir dir;
        std::string error;
        auto store = AuditStore::open(dir.filePath(QStringLiteral("audit.db")).toStdString(), error);
        QVERIFY2(store, error.c_str());
        SessionRecord rec;
        rec.id = "old";
        rec.startedAt = kStart;
        store->beginSession(rec);
        auto add = [&](const char *tool, const char *decision, const char *policy, const char *parameters,
                       const char *request) {
            AuditEvent e;
            e.sessionId = "old";
            e.ts = kStart + 1;
            e.type = "tool_call";
            e.tool = tool;
            e.decision = decision;
            e.layer = "policy";
            e.policy = policy;
            e.parameters = parameters;
            e.request = request;
            store->append(e);
        };
        add("email_send", "escalate", "mail-review", R"({"to":"[REDACTED:email]"})", "");
        add("search", "allow", "", R"({"q":"x"})", R"({"trigger":"tool_call","tool":{"name":"search","args":{"q":"x"}}})");
        add("search", "allow", "", R"({"q":"y"})", "");
        store->endSession("old", 0, "exited", kStart + 5);
        QVERIFY(store->flush(10000));

        ReplayPage page;
        page.setStore(store.get());
        QVERIFY(page.openSession(QStringLiteral("old")));
        QSignalSpy done(&page, &ReplayPage::whatIfFinished);
        QVERIFY(page.runWhatIf(QString::fromUtf8(kStricter), QStringLiteral("stricter")));
        QVERIFY(done.wait(10000));
        QVERIFY(done.at(0).at(0).toBool());
        QCOMPARE(page.whatIfResult()->approximate, std::size_t(2));

        ReplayModel *m = page.model();
        auto decision = [m](int row) { return m->index(row, ReplayModel::DecisionColumn); };
        QCOMPARE(decision(0).data().toString(), QStringLiteral("escalate ≈"));
        QVERIFY(decision(0).data(Qt::ToolTipRole).toString().contains(QStringLiteral("redacted")));
        QCOMPARE(decision(1).data().toString(), QStringLiteral("allow"));
        QVERIFY(decision(1).data(Qt::ToolTipRole).toString().isEmpty());
        QVERIFY(decision(1).data(ReplayModel::ApproximationRole).toString().isEmpty());
        QCOMPARE(decision(2).data().toString(), QStringLiteral("allow ≈"));
        const QString why = decision(2).data(ReplayModel::ApproximationRole).toString();
        QVERIFY(why.contains(QStringLiteral("rebuilt it from its recorded parameters")));
        QVERIFY(!why.contains(QStringLiteral("redacted")));
        // The details say why too.
        page.timeline()->setCurrentRow(0);
        QVERIFY2(page.headerText().contains(QStringLiteral("What-if: escalate → block")), qPrintable(page.headerText()));
        QVERIFY2(page.headerText().contains(decision(0).data(ReplayModel::ApproximationRole).toString()),
                 qPrintable(page.headerText()));
        page.timeline()->setCurrentRow(1);
        QVERIFY(!page.headerText().contains(QStringLiteral("Approximate")));
        // The changed action in the what-if table is marked, why in its tooltip.
        QTreeWidget *table = page.whatIfTable();
        QCOMPARE(table->topLevelItemCount(), 1);
        QCOMPARE(table->topLevelItem(0)->child(0)->text(0), QStringLiteral("#1 ≈"));
        QVERIFY(table->topLevelItem(0)->child(0)->toolTip(0).contains(QStringLiteral("redacted")));
        // Cleared with the what-if.
        page.clearWhatIf();
        QCOMPARE(decision(0).data().toString(), QStringLiteral("escalate"));
        page.setStore(nullptr);
    }

    // Selecting events whose details are short or long (a long policy link,
    // a long tool name) leaves the table/details divider, and the
    // timeline's, where the user put them.
    void splitterKeepsItsSizes()
    {
        ReplayPage page;
        page.setStore(m_store.get());
        QVERIFY(page.openSession(QStringLiteral("s1")));
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
        std::string error;
        auto store = AuditStore::open(dir.filePath(QStringLiteral("audit.db")).toStdString(), error);
        QVERIFY2(store, error.c_str());
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

    void policyLinkUsesTheVersionInForce()
    {
        // The session ran the committed version; the working file has moved
        // the policy down since. The link's line is the committed one.
        QTemporaryDir ws;
        QVERIFY(ws.isValid());
        const QString file = ws.filePath(QStringLiteral("p.policy.yaml"));
        auto write = [&](const QByteArray &text) {
            QFile f(file);
            QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
            f.write(text);
        };
        write(kPolicy);
        auto repo = vcs::PolicyRepository::init(ws.path());
        QVERIFY2(repo, qPrintable(repo.error));
        const auto commit = repo->commit({file}, QStringLiteral("first"),
                                         {QStringLiteral("Test"), QStringLiteral("test@example.com")});
        QVERIFY2(commit, qPrintable(commit.error));
        QByteArray moved(kPolicy);
        moved.replace("policies:\n", "policies:\n  - name: extra\n    trigger: tool_call\n    condition: 'false'\n"
                                      "    action: log\n");
        write(moved);

        SessionRecord rec;
        rec.id = "versioned";
        rec.startedAt = kStart;
        rec.policyFile = file.toStdString();
        rec.policyCommit = commit->id.toStdString();
        m_store->beginSession(rec);
        AuditEvent e;
        e.sessionId = "versioned";
        e.ts = kStart;
        e.type = "tool_call";
        e.tool = "http_get";
        e.decision = "block";
        e.layer = "policy";
        e.policy = "no-http";
        m_store->append(e);
        QVERIFY(m_store->flush(10000));

        ReplayPage page;
        page.setStore(m_store.get());
        QVERIFY(page.openSession(QStringLiteral("versioned")));
        page.timeline()->setCurrentRow(0);
        QSignalSpy spy(&page, &ReplayPage::openPolicyRequested);
        page.openDecidingPolicy();
        QCOMPARE(spy.count(), 1);
        QCOMPARE(spy.at(0).at(1).toString(), commit->id);
        const int committedLine = QString::fromUtf8(kPolicy).left(QString::fromUtf8(kPolicy).indexOf(QStringLiteral("name: no-http"))).count(QLatin1Char('\n')) + 1;
        const int workingLine = QString::fromUtf8(moved).left(QString::fromUtf8(moved).indexOf(QStringLiteral("name: no-http"))).count(QLatin1Char('\n')) + 1;
        QVERIFY(committedLine != workingLine);
        QCOMPARE(spy.at(0).at(2).toInt(), committedLine);
        QVERIFY(page.messageText().isEmpty());
    }

    void playbackMovesThePlayhead()
    {
        ReplayPage page;
        page.setStore(m_store.get());
        QVERIFY(page.openSession(QStringLiteral("s1")));
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
        page.setStore(m_store.get());
        QVERIFY(page.openSession(QStringLiteral("s1")));
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

    void whatIfShowsChangedDecisions()
    {
        ReplayPage page;
        page.setStore(m_store.get());
        QVERIFY(page.openSession(QStringLiteral("s1")));
        TimelineView *t = page.timeline();
        QCOMPARE(t->lanes().laneCount(), kEventLaneCount);
        QSignalSpy done(&page, &ReplayPage::whatIfFinished);

        // A policy that does not load is reported, not replayed.
        QVERIFY(page.runWhatIf(QStringLiteral("version: 1\npolicies: [oops"), QStringLiteral("broken")));
        QVERIFY(done.wait(10000));
        QCOMPARE(done.at(0).at(0).toBool(), false);
        QVERIFY(!page.whatIfResult());

        QVERIFY(page.runWhatIf(QString::fromUtf8(kStricter), QStringLiteral("stricter")));
        QVERIFY(done.wait(10000));
        QCOMPARE(done.at(1).at(0).toBool(), true);
        const auto *result = page.whatIfResult();
        QVERIFY(result);
        // http_get: block -> allow; email to the team: allow -> block; email
        // to the boss: escalate -> block. search calls stay allowed.
        QCOMPARE(t->lanes().laneCount(), kEventLaneCount + 1);
        const auto &lane = t->lanes().lane(static_cast<int>(TimelineLane::WhatIf));
        QCOMPARE(lane.rows, (std::vector<std::uint32_t>{2, 3, 5}));
        QCOMPARE(lane.classes[0], MarkClass::Allow);
        QCOMPARE(lane.classes[1], MarkClass::Block);
        QCOMPARE(lane.classes[2], MarkClass::Block);

        // The summary table: one group per transition, a row per action.
        QTreeWidget *table = page.whatIfTable();
        int actions = 0;
        QTreeWidgetItem *blocked = nullptr;
        for (int i = 0; i < table->topLevelItemCount(); ++i) {
            actions += table->topLevelItem(i)->childCount();
            if (table->topLevelItem(i)->text(0) == QStringLiteral("would now be blocked"))
                blocked = table->topLevelItem(i);
        }
        QCOMPARE(actions, 3);
        QVERIFY(blocked);
        QCOMPARE(blocked->childCount(), 2); // allow -> block and escalate -> block
        QCOMPARE(blocked->text(1), QStringLiteral("2"));
        QVERIFY2(page.whatIfSummaryText().contains(QStringLiteral("2 actions would now be blocked")),
                 qPrintable(page.whatIfSummaryText()));
        // Activating a row jumps to that action.
        emit table->itemActivated(blocked->child(1), 0);
        QCOMPARE(t->currentRow(), blocked->child(1)->data(0, Qt::UserRole).toLongLong() - 1);

        // The what-if lane's marks are hit-testable like any other.
        page.resize(1400, 900);
        page.show();
        QVERIFY(QTest::qWaitForWindowExposed(&page));
        const QPoint p = t->markPosition(3, static_cast<int>(TimelineLane::WhatIf));
        QVERIFY(!p.isNull());
        QCOMPARE(t->rowAt(p), 3);

        page.clearWhatIf();
        QCOMPARE(t->lanes().laneCount(), kEventLaneCount);
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

    // What-if against a git revision of the editor's policy file: DEPLOYED
    // reads the deployed version, whatever the working file says.
    void whatIfAtRevision()
    {
        QTemporaryDir ws;
        const QString file = ws.filePath(QStringLiteral("p.policy.yaml"));
        auto write = [&](const QByteArray &text) {
            QFile f(file);
            QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
            f.write(text);
        };
        const vcs::Author author{QStringLiteral("Test"), QStringLiteral("test@example.com")};
        write(kStricter);
        auto repo = vcs::PolicyRepository::init(ws.path());
        QVERIFY2(repo, qPrintable(repo.error));
        const auto stricter = repo->commit({file}, QStringLiteral("stricter"), author);
        QVERIFY2(stricter, qPrintable(stricter.error));
        QVERIFY(repo->markDeployed(stricter->id, author, QStringLiteral("prod")));
        write(kPolicy);
        QVERIFY(repo->commit({file}, QStringLiteral("back to the recorded policy"), author));

        ReplayPage page;
        page.setStore(m_store.get());
        page.setPolicyTextProvider([] { return QString(); }, [file] { return file; });
        QVERIFY(page.openSession(QStringLiteral("s1")));
        QSignalSpy done(&page, &ReplayPage::whatIfFinished);
        QVERIFY(!page.runWhatIfAtRevision(QStringLiteral("no-such-revision")));
        QVERIFY(page.messageText().contains(QStringLiteral("no-such-revision")));

        QVERIFY(page.runWhatIfAtRevision(QString::fromLatin1(vcs::kDeployedRevision)));
        QVERIFY(done.wait(10000));
        QVERIFY(done.at(0).at(0).toBool());
        const auto &lane = page.timeline()->lanes().lane(static_cast<int>(TimelineLane::WhatIf));
        QCOMPARE(lane.rows, (std::vector<std::uint32_t>{2, 3, 5})); // as against the stricter text itself

        QVERIFY(page.runWhatIfAtRevision(QStringLiteral("HEAD"))); // the recorded policy: nothing changes
        QVERIFY(done.wait(10000));
        QVERIFY(page.whatIfResult() && page.whatIfResult()->changed.empty());
    }
};

QTEST_MAIN(TstReplayPage)
#include "tst_replaypage.moc"
