// The Replay page's details offscreen: the decision trace (who decided and
// what it read), the deciding policy's link (file and line, in the version
// in force), and what-if: the diff lane, its summary table, against a git
// revision, and approximate actions marked with why.

#include "replaypagefixture.h"

#include "replay/replaymodel.h"
#include "replay/replaypage.h"
#include "replay/timelineview.h"

#include "audit/auditstore.h"
#include "trace/tracemodel.h"
#include "trace/traceview.h"
#include "vcs/policyrepository.h"

#include <QAbstractItemModelTester>
#include <QFile>
#include <QFont>
#include <QMap>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeView>
#include <QTreeWidget>

#include <memory>

using namespace osh;
using namespace osh::ui;
using namespace replaytest;

class TstReplayPageTrace : public ReplayPageFixture
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { setUpStore(); }
    void cleanupTestCase() { tearDownStore(); }

    void detailsAndPolicyLink()
    {
        ReplayPage page;
        QVERIFY(openS1(page));
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
        QVERIFY(openS1(page));
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

    // What-if over actions recorded without their request: the table marks
    // each approximate one and says why; the details and the what-if table
    // too. The exact one is not marked.
    void approximateActionsAreMarkedWithWhy()
    {
        QTemporaryDir dir;
        auto store = openStore(dir, QStringLiteral("audit.db"));
        QVERIFY(store);
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

    void whatIfShowsChangedDecisions()
    {
        ReplayPage page;
        QVERIFY(openS1(page));
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

QTEST_MAIN(TstReplayPageTrace)
#include "tst_replaypage_trace.moc"
