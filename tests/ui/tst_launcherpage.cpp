// The launcher page: policy discovery, validation errors inline, and real
// gVisor sessions started and stopped from the page.

#include "approvals/approvalsmodel.h"
#include "approvals/approvalspanel.h"
#include "launcher/eventstreammodel.h"
#include "launcher/launcherpage.h"

#include "uitestsupport.h"

#include <QAbstractItemModelTester>
#include <QBrush>
#include <QColor>
#include <QComboBox>
#include <QStandardItemModel>
#include <QFileInfo>
#include <QLabel>
#include <QLineEdit>
#include <QProcess>
#include <QPushButton>
#include <QSignalSpy>
#include <QTableView>

using osh::ui::ApprovalsModel;
using osh::ui::ApprovalsPanel;
using osh::ui::EventStreamModel;
using osh::ui::LauncherPage;

namespace {

const QByteArray kPolicy = osh::test::minimalPolicy("launcher-test") + R"(agent:
  command: [sh, -c, "echo from-policy"]
)";

int findRow(const QAbstractItemModel *m, int role, const QString &prefix)
{
    for (int r = 0; r < m->rowCount(); ++r)
        if (m->index(r, 0).data(role).toString().startsWith(prefix))
            return r;
    return -1;
}

} // namespace

class TestLauncherPage : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init()
    {
        m_ws = std::make_unique<osh::test::TempWorkspace>(); // a fresh folder per test
        QVERIFY(m_ws->isValid());
        QVERIFY(m_ws->writeFile(QStringLiteral("policies/test.policy.yaml"), kPolicy));
        std::string error;
        QVERIFY2(m_ws->openStore(QStringLiteral("data/audit.db"), error), error.c_str());
    }
    void cleanup()
    {
        m_ws.reset();
    }

    void listsPoliciesAndDefaults()
    {
        QVERIFY(m_ws->writeFile(QStringLiteral("other.policy.yaml"), kPolicy));
        QVERIFY(m_ws->writeFile(QStringLiteral("notes.yaml"), "x: 1\n"));
        QVERIFY(m_ws->writeFile(QStringLiteral(".hidden/h.policy.yaml"), kPolicy));
        LauncherPage page;
        page.setWorkspace(m_ws->dir.path());
        auto *combo = page.findChild<QComboBox *>(QStringLiteral("policyCombo"));
        QVERIFY(combo);
        QCOMPARE(combo->count(), 2);
        QVERIFY(page.policyFile().endsWith(QStringLiteral(".policy.yaml")));
        QVERIFY(page.isolation() == osh::Isolation::Gvisor);
        QCOMPARE(QProcess::splitCommand(page.command()), (QStringList{QStringLiteral("sh"), QStringLiteral("-c"), QStringLiteral("echo from-policy")}));
        // The microVM mode is listed; where it cannot run (no QEMU or no
        // guest kernel) it is disabled and says why.
        auto *iso = page.findChild<QComboBox *>(QStringLiteral("isolationCombo"));
        const int fc = iso->findData(int(osh::Isolation::Firecracker));
        QVERIFY(fc >= 0);
        const auto *model = qobject_cast<QStandardItemModel *>(iso->model());
        QVERIFY(model);
        QCOMPARE(model->item(fc)->isEnabled(), iso->itemData(fc, Qt::ToolTipRole).toString().isEmpty());
    }

    void invalidPolicyShownInline()
    {
        const QString bad = m_ws->filePath(QStringLiteral("bad.policy.yaml"));
        QVERIFY(m_ws->writeFile(QStringLiteral("bad.policy.yaml"), "version: 1\nname: bad\nsandbox:\n  isolation: submarine\n"));
        LauncherPage page;
        QVERIFY(!page.setPolicyFile(bad));
        QVERIFY(!page.findChild<QPushButton *>(QStringLiteral("startButton"))->isEnabled());
        QVERIFY(!page.messageText().isEmpty());
        QVERIFY(!page.start());
        QVERIFY(!page.isRunning());
    }

    void eventModelCapsAndColours()
    {
        EventStreamModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setMaxRows(10);
        for (int i = 1; i <= 25; ++i) {
            osh::AuditEvent e;
            e.seq = i;
            e.type = "tool_call";
            e.decision = i % 2 ? "block" : "allow";
            model.append(e);
        }
        QVERIFY(model.rowCount() <= 10);
        QCOMPARE(model.index(model.rowCount() - 1, 0).data(EventStreamModel::SeqRole).toLongLong(), 25);
        const QModelIndex blocked = model.index(model.rowCount() - 1, EventStreamModel::DecisionColumn);
        QCOMPARE(blocked.data().toString(), QStringLiteral("block"));
        const QColor c = blocked.data(Qt::BackgroundRole).value<QBrush>().color();
        QVERIFY(c.red() > c.green() && c.red() > c.blue());
        QVERIFY(!model.index(model.rowCount() - 2, 0).data(Qt::BackgroundRole).isValid());
    }

    void runsSession()
    {
        OSH_REQUIRE_GVISOR();
        LauncherPage page;
        QAbstractItemModelTester tester(page.eventModel(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        auto *view = page.findChild<QTableView *>(QStringLiteral("eventView"));
        QAbstractItemModelTester viewTester(view->model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        page.setStore(m_ws->store.get());
        page.setWorkspace(m_ws->dir.path());
        page.setCommand(QStringLiteral("sh -c \"echo hello; sleep 1\""));
        auto *start = page.findChild<QPushButton *>(QStringLiteral("startButton"));
        QSignalSpy finished(&page, &LauncherPage::sessionFinished);
        QTest::mouseClick(start, Qt::LeftButton);
        QVERIFY2(page.isRunning(), qPrintable(page.messageText()));
        QVERIFY(!start->isEnabled());
        QTRY_VERIFY_WITH_TIMEOUT(start->isEnabled(), 90000);
        QCOMPARE(finished.count(), 1);
        QCOMPARE(finished.at(0).at(2).toString(), QStringLiteral("exited"));
        QVERIFY(page.agentOutput().contains(QStringLiteral("hello")));
        const auto *m = page.eventModel();
        QVERIFY(findRow(m, EventStreamModel::MessageRole, QStringLiteral("session started")) >= 0);
        QVERIFY(findRow(m, EventStreamModel::MessageRole, QStringLiteral("session ended: exited, exit status 0")) >= 0);
        QCOMPARE(m->index(0, 0).data(EventStreamModel::SessionRole).toString(), page.sessionId());

        // Filters narrow the view, not the model.
        const int all = view->model()->rowCount();
        QVERIFY(all >= 2);
        auto *text = page.findChild<QLineEdit *>(QStringLiteral("textFilter"));
        text->setText(QStringLiteral("SESSION ENDED"));
        QCOMPARE(view->model()->rowCount(), 1);
        text->clear();
        auto *type = page.findChild<QComboBox *>(QStringLiteral("typeFilter"));
        type->setCurrentIndex(type->findData(QStringLiteral("tool_call")));
        QCOMPARE(view->model()->rowCount(), 0);
        int sandboxRows = 0;
        for (int r = 0; r < m->rowCount(); ++r)
            sandboxRows += m->index(r, 0).data(EventStreamModel::TypeRole).toString() == QStringLiteral("sandbox");
        type->setCurrentIndex(type->findData(QStringLiteral("sandbox")));
        QVERIFY(sandboxRows >= 2);
        QCOMPARE(view->model()->rowCount(), sandboxRows);
        QCOMPARE(m->rowCount(), all);

        m_ws->store->flush();
        bool recorded = false;
        for (const auto &s : m_ws->store->sessions())
            recorded = recorded || (s.session.id == page.sessionId().toStdString() && s.session.exitReason == "exited");
        QVERIFY(recorded);
    }

    void stopIsInterruptedWithResources()
    {
        OSH_REQUIRE_GVISOR();
        LauncherPage page;
        QAbstractItemModelTester tester(page.eventModel(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        page.setStore(m_ws->store.get());
        QVERIFY(page.setPolicyFile(m_ws->dir.filePath(QStringLiteral("policies/test.policy.yaml"))));
        page.setCommand(QStringLiteral("sleep 60"));
        QVERIFY2(page.start(), qPrintable(page.messageText()));
        // The sandbox's cgroup is readable as root: real figures, not n/a.
        auto *procs = page.findChild<QLabel *>(QStringLiteral("processesLabel"));
        auto *memory = page.findChild<QLabel *>(QStringLiteral("memoryLabel"));
        QTRY_VERIFY_WITH_TIMEOUT(procs->text().toInt() > 0, 30000);
        QVERIFY2(memory->text().contains(QStringLiteral(" / ")), qPrintable(memory->text())); // the 512 MB limit is set
        QVERIFY(page.isRunning());
        QTest::mouseClick(page.findChild<QPushButton *>(QStringLiteral("stopButton")), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(!page.isRunning(), 60000);
        QVERIFY(findRow(page.eventModel(), EventStreamModel::MessageRole, QStringLiteral("session ended: interrupted")) >= 0);
        QCOMPARE(procs->text(), QStringLiteral("n/a"));
        QVERIFY(page.findChild<QPushButton *>(QStringLiteral("startButton"))->isEnabled());
    }

    // The demo workspace as a new user runs it: the demo agent in gVisor with
    // the workspace's stand-in services, its held email approved from the
    // approvals panel and then sent.
    void demoAgentSendsTheApprovedEmail()
    {
        OSH_REQUIRE_GVISOR();
        const QString ws = m_ws->dir.filePath(QStringLiteral("demo"));
        QProcess cp;
        cp.start(QStringLiteral("cp"), {QStringLiteral("-r"), QStringLiteral(OSH_SOURCE_DIR "/examples/customer-support"), ws});
        QVERIFY(cp.waitForFinished(30000) && cp.exitCode() == 0);

        LauncherPage page;
        page.setStore(m_ws->store.get());
        page.setWorkspace(ws);
        QVERIFY(page.setPolicyFile(ws + QStringLiteral("/customer-support.policy.yaml")));
        QVERIFY(page.startsServices()); // the workspace has services/standin.py
        QVERIFY(page.command().contains(QStringLiteral("demo_agent.py")));
        ApprovalsPanel panel;
        panel.setStore(m_ws->store.get());
        QSignalSpy finished(&page, &LauncherPage::sessionFinished);
        QVERIFY2(page.start(), qPrintable(page.messageText()));
        // Approve every held email until the session ends.
        int approved = 0;
        QTRY_VERIFY_WITH_TIMEOUT(([&] {
            if (panel.pendingCount() > 0) {
                const QModelIndex row = panel.model()->index(0, 0);
                if (panel.selectId(row.data(ApprovalsModel::IdRole).toLongLong())) {
                    QTest::mouseClick(panel.findChild<QPushButton *>(QStringLiteral("approveButton")), Qt::LeftButton);
                    ++approved;
                }
            }
            return finished.count() == 1;
        }()), 180000);
        QVERIFY(approved >= 1);
        QCOMPARE(finished.first().at(2).toString(), QStringLiteral("exited"));
        QVERIFY2(page.agentOutput().contains(QStringLiteral("\"sent\": true")), qPrintable(page.agentOutput().right(3000)));
        QVERIFY(QFileInfo::exists(ws + QStringLiteral("/tools/demo-ca.pem")));
    }

private:
    std::unique_ptr<osh::test::TempWorkspace> m_ws;
};

QTEST_MAIN(TestLauncherPage)
#include "tst_launcherpage.moc"
