// The approvals dock: listing, approving and denying held actions in the
// audit store, the count and new-approval signals, and a real gVisor
// session whose escalated tool call is released from the panel.

#include "approvals/approvalsmodel.h"
#include "approvals/approvalspanel.h"

#include "model/policyvalidator.h"
#include "session/agentsession.h"
#include "session/heldparameters.h"
#include "uitestsupport.h"

#include <QAbstractItemModelTester>
#include <QCryptographicHash>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QScrollBar>
#include <QSignalSpy>
#include <QTableView>

using osh::ui::ApprovalsModel;
using osh::ui::ApprovalsPanel;

namespace {

const QByteArray kPolicy = R"(version: 1
name: approvals-test
sandbox:
  isolation: gvisor
  max_memory_mb: 512
  max_execution_time_seconds: 120
  cleanup_policy: destroy
network:
  default_policy: deny-all
filesystem:
  workspace: /agent/workspace
  rules:
    - {path: /agent/workspace, permissions: read-write}
policies:
  - name: hold-echo
    trigger: tool_call
    condition: tool.name == 'echo_tool'
    action: escalate
    message: Echo needs a human.
    escalation: human_queue
tools:
  - name: echo_tool
    description: Echoes its arguments
    command: [sh, -c, cat]
    timeout_seconds: 30
)";

// A minimal MCP client (as examples/customer-support/agent/demo_agent.py).
const QString kAgent = QStringLiteral(R"(import json, os, socket
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.connect(os.environ["OPENSHELL_GATEWAY"])
f = s.makefile("rwb")
def call(i, method, params):
    f.write((json.dumps({"jsonrpc": "2.0", "id": i, "method": method, "params": params}) + "\n").encode())
    f.flush()
    return json.loads(f.readline())
call(1, "initialize", {"protocolVersion": "2024-11-05", "capabilities": {}, "clientInfo": {"name": "t", "version": "1"}})
r = call(2, "tools/call", {"name": "echo_tool", "arguments": {"text": "ping-42"}})["result"]
print("RESULT", "error" if r.get("isError") else "ok", r["content"][0]["text"], flush=True)
)");

osh::ApprovalRecord pending(const char *tool, const char *message)
{
    osh::ApprovalRecord a;
    a.sessionId = "s-test";
    a.seq = 3;
    a.queue = "human_queue";
    a.tool = tool;
    a.policy = "email-approval";
    a.message = message;
    a.parameters = R"({"to":"[REDACTED:email]"})";
    a.request = R"({"tool":{"name":"email_send"},"marker":"req-7"})";
    a.decision = R"({"outcome":"escalate"})";
    return a;
}

} // namespace

class TestApprovalsPanel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init()
    {
        m_ws = std::make_unique<osh::test::TempWorkspace>(); // a fresh folder per test
        QVERIFY(m_ws->isValid());
        std::string error;
        QVERIFY2(m_ws->openStore(QStringLiteral("audit.db"), error), error.c_str());
    }
    void cleanup()
    {
        m_ws.reset();
    }

    void listsApprovesAndDenies()
    {
        const auto id1 = m_ws->store->addApproval(pending("email_send", "Email requires approval."));
        const auto id2 = m_ws->store->addApproval(pending("ticket_api", "Second one."));
        QVERIFY(id1 && id2);
        ApprovalsPanel panel;
        QAbstractItemModelTester tester(panel.model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSignalSpy count(&panel, &ApprovalsPanel::pendingCountChanged);
        QSignalSpy fresh(&panel, &ApprovalsPanel::newApproval);
        panel.setPollInterval(100);
        panel.setStore(m_ws->store.get());

        QCOMPARE(panel.model()->rowCount(), 2);
        QCOMPARE(count.last().at(0).toInt(), 2);
        QCOMPARE(fresh.count(), 2);
        QCOMPARE(fresh.at(0).at(0).toLongLong(), qint64(*id1));
        QVERIFY(fresh.at(0).at(1).toString().contains(QStringLiteral("email_send")));
        const QModelIndex first = panel.model()->index(0, 0);
        QCOMPARE(first.data(ApprovalsModel::IdRole).toLongLong(), qint64(*id1));
        QCOMPARE(first.data(ApprovalsModel::ToolRole).toString(), QStringLiteral("email_send"));
        QCOMPARE(first.data(ApprovalsModel::QueueRole).toString(), QStringLiteral("human_queue"));
        QCOMPARE(first.data(ApprovalsModel::ParametersRole).toString(), QStringLiteral(R"({"to":"[REDACTED:email]"})"));
        QVERIFY(first.data(ApprovalsModel::AgeRole).toDouble() >= 0);

        QVERIFY(panel.selectId(*id1));
        auto *details = panel.findChild<QPlainTextEdit *>(QStringLiteral("approvalDetails"));
        QVERIFY(details->toPlainText().contains(QStringLiteral("\"marker\": \"req-7\""))); // pretty-printed
        panel.findChild<QLineEdit *>(QStringLiteral("approvalNote"))->setText(QStringLiteral("looks fine"));
        QTest::mouseClick(panel.findChild<QPushButton *>(QStringLiteral("approveButton")), Qt::LeftButton);
        auto a1 = m_ws->store->approval(*id1);
        QVERIFY(a1);
        QVERIFY(a1->status == osh::ApprovalStatus::Approved);
        QCOMPARE(a1->note, std::string("looks fine"));
        QCOMPARE(QString::fromStdString(a1->resolver), ApprovalsPanel::resolverName());
        QCOMPARE(panel.model()->rowCount(), 1);
        QCOMPARE(count.last().at(0).toInt(), 1);
        // The confirmation goes after a while, and with the store.
        auto *message = panel.findChild<QLabel *>(QStringLiteral("approvalsMessage"));
        QCOMPARE(message->text(), QStringLiteral("Approved #%1.").arg(*id1));
        panel.setConfirmationTimeout(200);

        QCOMPARE(panel.selectedId(), qint64(*id2));
        QTest::mouseClick(panel.findChild<QPushButton *>(QStringLiteral("denyButton")), Qt::LeftButton);
        QVERIFY(m_ws->store->approval(*id2)->status == osh::ApprovalStatus::Denied);
        QCOMPARE(count.last().at(0).toInt(), 0);
        QVERIFY(!panel.findChild<QPushButton *>(QStringLiteral("approveButton"))->isEnabled());
        QCOMPARE(message->text(), QStringLiteral("Denied #%1.").arg(*id2));
        QTRY_VERIFY_WITH_TIMEOUT(message->text().isEmpty(), 3000);

        // A later one arrives through polling, once.
        const auto id3 = m_ws->store->addApproval(pending("email_send", "Third."));
        QTRY_COMPARE(fresh.count(), 3);
        QCOMPARE(fresh.last().at(0).toLongLong(), qint64(*id3));
        QTRY_COMPARE(count.last().at(0).toInt(), 1);
        QTest::qWait(300);
        QCOMPARE(fresh.count(), 3);

        // Resolved elsewhere (osctl approvals): the panel refuses inline and drops it.
        QVERIFY(m_ws->store->resolveApproval(*id3, false, "cli", "someone"));
        QVERIFY(panel.selectId(*id3));
        QVERIFY(!panel.approveSelected());
        QVERIFY(!panel.findChild<QLabel *>(QStringLiteral("approvalsMessage"))->text().isEmpty());
        QVERIFY(m_ws->store->approval(*id3)->status == osh::ApprovalStatus::Denied);
        QCOMPARE(panel.model()->rowCount(), 0);
        // Another store (a workspace's runtime changed): nothing said of the last one stays.
        panel.setStore(m_ws->store.get());
        QVERIFY(message->text().isEmpty());
    }

    // The agent chose the parameters: a line break or a bidirectional
    // override in a value cannot forge a line of its own in the dock.
    void parametersCannotForgeLines()
    {
        auto &held = osh::runtime::HeldParameters::instance();
        const auto id = m_ws->store->addApproval(pending("email_send", "Email requires approval."));
        QVERIFY(id);
        QVERIFY(held.hold("s-test", *id,
                          "{\"subject\":\"hi\\nto: boss@example.com\",\"to\":\"eve@example.com\\u202Emoc.elpmaxe\"}"));
        ApprovalsPanel panel;
        panel.setStore(m_ws->store.get());
        QVERIFY(panel.selectId(*id));
        const QString text = panel.findChild<QPlainTextEdit *>(QStringLiteral("approvalParameters"))->toPlainText();
        const QStringList lines = text.split(QLatin1Char('\n'));
        QCOMPARE(lines.size(), 2);
        QCOMPARE(lines.at(0), QStringLiteral("subject: hi\\nto: boss@example.com"));
        QCOMPARE(lines.at(1), QStringLiteral("to: eve@example.com\\u202Emoc.elpmaxe"));
        held.release("s-test", *id);
        panel.setStore(nullptr);
    }

    // The approver sees whom the held email really goes to while the action
    // is held in this process; once decided it is gone, and an approval whose
    // parameters are held elsewhere says so instead of passing off the
    // redacted ones as real.
    void showsTheHeldActionsRealParameters()
    {
        auto &held = osh::runtime::HeldParameters::instance();
        const auto id1 = m_ws->store->addApproval(pending("email_send", "Email requires approval."));
        const auto id2 = m_ws->store->addApproval(pending("email_send", "Held by another process."));
        QVERIFY(id1 && id2);
        held.hold("s-test", *id1, R"({"to":"bob.real@example.com","subject":"Your refund of 20 EUR"})");
        ApprovalsPanel panel;
        QAbstractItemModelTester tester(panel.model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        panel.setStore(m_ws->store.get());
        auto *parameters = panel.findChild<QPlainTextEdit *>(QStringLiteral("approvalParameters"));
        auto *state = panel.findChild<QLabel *>(QStringLiteral("approvalParametersState"));
        QVERIFY(parameters && state);

        QVERIFY(panel.selectId(*id1));
        QVERIFY2(parameters->toPlainText().contains(QStringLiteral("to: bob.real@example.com")), qPrintable(parameters->toPlainText()));
        QVERIFY(parameters->toPlainText().contains(QStringLiteral("subject: Your refund of 20 EUR")));
        QVERIFY(!parameters->toPlainText().contains(QStringLiteral("REDACTED")));
        QCOMPARE(panel.model()->index(0, 0).data(ApprovalsModel::RealStatusRole).toInt(),
                 int(osh::ui::records::RealParameters::Status::Available));
        // The table and the record stay redacted.
        QCOMPARE(panel.model()->index(0, 0).data(ApprovalsModel::ParametersRole).toString(), QStringLiteral(R"({"to":"[REDACTED:email]"})"));
        QCOMPARE(m_ws->store->approval(*id1)->parameters, std::string(R"({"to":"[REDACTED:email]"})"));

        // Not held here: said so, and the redacted ones are labelled as such.
        QVERIFY(panel.selectId(*id2));
        QVERIFY(parameters->toPlainText().contains(QStringLiteral("to: [REDACTED:email]")));
        QVERIFY2(state->text().contains(QStringLiteral("not available")), qPrintable(state->text()));

        // Decided: the holder drops them and the dock no longer shows them.
        QVERIFY(panel.selectId(*id1));
        QVERIFY(m_ws->store->resolveApproval(*id2, false, "no", "someone"));
        held.release("s-test", *id1);
        panel.refresh();
        QVERIFY(!parameters->toPlainText().contains(QStringLiteral("bob.real@example.com")));
        QVERIFY(state->text().contains(QStringLiteral("not available")));
        panel.setStore(nullptr);
        QVERIFY(parameters->toPlainText().isEmpty());

        // Through the service: held by another host of a shared store.
        const std::string answer = R"({"approvals":[{"id":41,"session_id":"s-b","seq":3,"created":"2026-12-02T07:12:03.118Z",)"
                                   R"("queue":"q","tool":"email_send","parameters":{"to":"[REDACTED:email]"},"message":"m","policy":"p",)"
                                   R"("status":"pending","resolved":null,"note":null,"resolver":null,"resolver_uid":null,"request":null,)"
                                   R"("decision":null,"real_parameters":null,"real_parameters_status":"held_elsewhere","parameters_held_by":"runtime-b"},)"
                                   R"({"id":42,"session_id":"s-a","seq":4,"created":"2026-12-02T07:12:03.118Z",)"
                                   R"("queue":"q","tool":"email_send","parameters":{"to":"[REDACTED:email]"},"message":"m","policy":"p",)"
                                   R"("status":"pending","resolved":null,"note":null,"resolver":null,"resolver_uid":null,"request":null,)"
                                   R"("decision":null,"real_parameters":{"to":"carol.real@example.com"},"real_parameters_status":"available","parameters_held_by":"runtime-a"}]})";
        QString error;
        auto list = osh::ui::records::approvalList(answer, &error);
        QVERIFY2(list, qPrintable(error));
        panel.model()->setApprovals(std::move(list->approvals), osh::AuditStore::now(), std::move(list->real));
        QVERIFY(panel.selectId(41));
        QVERIFY2(state->text().contains(QStringLiteral("held by host runtime-b")), qPrintable(state->text()));
        QVERIFY(parameters->toPlainText().contains(QStringLiteral("[REDACTED:email]")));
        QVERIFY(panel.selectId(42));
        QVERIFY(parameters->toPlainText().contains(QStringLiteral("to: carol.real@example.com")));
    }

    // At its default size the dock shows the note field whole and wraps long
    // parameters instead of cutting them.
    void readableAtItsDefaultWidth()
    {
        const auto id = m_ws->store->addApproval(pending("email_send", "Email requires approval."));
        QVERIFY(id);
        const std::string longSubject(300, 'x');
        osh::runtime::HeldParameters::instance().hold("s-test", *id, "{\"to\":\"dave@example.com\",\"subject\":\"" + longSubject + "\"}");
        ApprovalsPanel panel;
        panel.setStore(m_ws->store.get());
        panel.resize(panel.sizeHint());
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        QVERIFY(panel.sizeHint().width() >= panel.minimumSizeHint().width());
        QVERIFY(panel.minimumSizeHint().width() >= 20 * panel.fontMetrics().horizontalAdvance(QLatin1Char('M')));
        auto *note = panel.findChild<QLineEdit *>(QStringLiteral("approvalNote"));
        QVERIFY(note->width() >= note->sizeHint().width());
        auto *parameters = panel.findChild<QPlainTextEdit *>(QStringLiteral("approvalParameters"));
        QVERIFY(panel.selectId(*id));
        QCOMPARE(parameters->lineWrapMode(), QPlainTextEdit::WidgetWidth);
        QVERIFY(parameters->horizontalScrollBar()->maximum() == 0); // wrapped, nothing off to the side
        // At its narrowest the table shows the id, the age and the tool whole, in that order.
        panel.resize(panel.minimumSizeHint().width(), panel.height());
        auto *view = panel.findChild<QTableView *>(QStringLiteral("approvalsView"));
        QTRY_VERIFY(view->viewport()->width() <= panel.width());
        const auto *header = view->horizontalHeader();
        const int shown[] = {ApprovalsModel::IdColumn, ApprovalsModel::AgeColumn, ApprovalsModel::ToolColumn};
        for (int visual = 0; visual < 3; ++visual) {
            const int column = shown[visual];
            QCOMPARE(header->logicalIndex(visual), column);
            const QString text = view->model()->index(0, column).data().toString();
            QVERIFY2(header->sectionViewportPosition(column) + header->sectionSize(column) <= view->viewport()->width(),
                     qPrintable(text));
            QVERIFY2(header->sectionSize(column) >= view->fontMetrics().horizontalAdvance(text), qPrintable(text));
        }
        osh::runtime::HeldParameters::instance().release("s-test", *id);
    }

    void approvesEscalatedToolCallOfSession()
    {
        OSH_REQUIRE_GVISOR();
        const QString policyFile = m_ws->filePath(QStringLiteral("approvals.policy.yaml"));
        QVERIFY(m_ws->writeFile(QStringLiteral("approvals.policy.yaml"), kPolicy));
        osh::ValidationOptions vo;
        vo.baseDir = m_ws->dir.path().toStdString();
        auto checked = osh::PolicyValidator::checkText(std::string_view(kPolicy.constData(), std::size_t(kPolicy.size())),
                                                       policyFile.toStdString(), vo);
        QVERIFY(checked.document && !osh::hasErrors(checked.diagnostics));

        osh::runtime::AgentSession::Options o;
        o.policyFile = policyFile;
        o.document = checked.document;
        o.policyHash = QCryptographicHash::hash(kPolicy, QCryptographicHash::Sha256).toHex().toStdString();
        o.command = QStringList{QStringLiteral("python3"), QStringLiteral("-c"), kAgent};
        o.dataDir = m_ws->dir.path();
        o.store = m_ws->store.get();
        o.approvals = osh::runtime::AgentSession::Approvals::Store;
        o.approvalTimeoutSeconds = 120;
        osh::runtime::AgentSession session(o);
        std::vector<osh::AuditEvent> events;
        QByteArray output;
        QString reason;
        connect(&session, &osh::runtime::AgentSession::event, this, [&](const osh::AuditEvent &e) { events.push_back(e); });
        connect(&session, &osh::runtime::AgentSession::agentOutput, this, [&](bool, const QByteArray &d) { output += d; });
        connect(&session, &osh::runtime::AgentSession::finished, this, [&](int, const QString &why) { reason = why; });

        ApprovalsPanel panel;
        QAbstractItemModelTester tester(panel.model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSignalSpy fresh(&panel, &ApprovalsPanel::newApproval);
        panel.setStore(m_ws->store.get());
        QString error;
        QVERIFY2(session.start(&error), qPrintable(error));
        QTRY_VERIFY_WITH_TIMEOUT(panel.pendingCount() == 1 || !reason.isEmpty(), 90000);
        QVERIFY2(reason.isEmpty(), qPrintable(QStringLiteral("ended early: %1; output: %2").arg(reason, QString::fromUtf8(output))));
        QCOMPARE(fresh.count(), 1);
        const QModelIndex row = panel.model()->index(0, 0);
        QCOMPARE(row.data(ApprovalsModel::ToolRole).toString(), QStringLiteral("echo_tool"));
        QCOMPARE(row.data(ApprovalsModel::SessionRole).toString(), session.id());
        QCOMPARE(row.data(ApprovalsModel::PolicyRole).toString(), QStringLiteral("hold-echo"));
        // Held, so the tool has not run yet.
        for (const auto &e : events)
            QVERIFY(e.type != "data_output");

        QVERIFY(panel.selectId(row.data(ApprovalsModel::IdRole).toLongLong()));
        QTest::mouseClick(panel.findChild<QPushButton *>(QStringLiteral("approveButton")), Qt::LeftButton);
        QTRY_COMPARE(panel.pendingCount(), 0);
        QTRY_VERIFY_WITH_TIMEOUT(!reason.isEmpty(), 90000);
        QCOMPARE(reason, QStringLiteral("exited"));
        bool ran = false;
        for (const auto &e : events)
            ran = ran || (e.type == "data_output" && e.tool == "echo_tool");
        QVERIFY(ran);
        QVERIFY2(output.contains("RESULT ok") && output.contains("ping-42"), output.constData());
    }

private:
    std::unique_ptr<osh::test::TempWorkspace> m_ws;
};

QTEST_MAIN(TestApprovalsPanel)
#include "tst_approvalspanel.moc"
