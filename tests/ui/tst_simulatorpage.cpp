// The simulator page offscreen: the form decides with the real engine, the
// trace model is a valid tree (its deciding step marked in the shared
// trace view), and saved cases pass when the suite runs.

#include "model/policyvalidator.h"
#include "simulator/requestform.h"
#include "simulator/simulatorpage.h"
#include "testsuite/workspacetests.h"
#include "trace/tracemodel.h"
#include "trace/traceview.h"

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QTreeView>
#include <QSignalSpy>
#include <QStyle>
#include <QTest>

using namespace osh;
using namespace osh::ui;

class TstSimulatorPage : public QObject
{
    Q_OBJECT

    static QString seed() { return QStringLiteral(OSH_TEST_DATA_DIR "/seed/production.policy.yaml"); }

    static std::shared_ptr<const PolicyDocument> load(const QString &file)
    {
        ValidationOptions opt;
        opt.checkFiles = false;
        auto r = PolicyValidator::checkFile(file.toStdString(), opt);
        return hasErrors(r.diagnostics) ? nullptr : r.document;
    }

    static void click(SimulatorPage &page, const char *name)
    {
        auto *b = page.findChild<QPushButton *>(QLatin1StringView(name));
        QVERIFY(b);
        QTest::mouseClick(b, Qt::LeftButton);
    }

private Q_SLOTS:
    void noPolicyShowsInlineMessage()
    {
        SimulatorPage page;
        QVERIFY(!page.decide());
        QVERIFY(!page.message().isEmpty());
        page.setPolicy(nullptr, QString());
        QVERIFY(!page.message().isEmpty());
    }

    void emailEscalates()
    {
        SimulatorPage page;
        page.show();
        page.setPolicy(load(seed()), seed());
        QVERIFY(page.message().isEmpty());
        page.form()->setTrigger(QStringLiteral("tool_call"));
        page.form()->toolName()->setCurrentText(QStringLiteral("email_send"));
        page.form()->toolArgs()->setPlainText(QStringLiteral("{\"to\": \"a@example.com\"}"));
        QSignalSpy spy(&page, &SimulatorPage::decided);
        click(page, "decide");
        QCOMPARE(spy.count(), 1);
        QCOMPARE(page.decisionLabel()->text(), QStringLiteral("ESCALATE"));
        auto *who = page.findChild<QLabel *>(QStringLiteral("whoLabel"));
        QVERIFY(who->text().contains(QStringLiteral("email-approval")));
        QVERIFY(who->text().contains(QStringLiteral("policy")));
        auto *msg = page.findChild<QLabel *>(QStringLiteral("decisionMessage"));
        QCOMPARE(msg->text(), QStringLiteral("Email requires human approval before sending."));

        // The trace: sandbox layer, then the email-approval policy with its reads.
        TraceModel *trace = page.traceModel();
        QAbstractItemModelTester tester(trace, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QVERIFY(trace->rowCount() >= 2);
        QModelIndex policyRow;
        for (int i = 0; i < trace->rowCount(); ++i) {
            const auto idx = trace->index(i, 0);
            if (idx.data(TraceModel::PolicyRole).toString() == QLatin1StringView("email-approval"))
                policyRow = idx;
        }
        QVERIFY(policyRow.isValid());
        QCOMPARE(policyRow.data(TraceModel::MatchedRole).toBool(), true);
        QVERIFY(trace->rowCount(policyRow) >= 1);
        const auto read = trace->index(0, 0, policyRow);
        QCOMPARE(read.data(TraceModel::PathRole).toString(), QStringLiteral("tool.name"));
        QCOMPARE(read.data(TraceModel::ValueRole).toString(), QStringLiteral("\"email_send\""));
        QCOMPARE(trace->parent(read), policyRow);
        // The shared trace view: the deciding policy is marked, current and
        // said in words with what it read (as on the replay page).
        QCOMPARE(trace->decidingIndex(), policyRow);
        QVERIFY(policyRow.data(TraceModel::DecidingRole).toBool());
        QCOMPARE(page.traceView()->tree()->currentIndex(), policyRow);
        QVERIFY(page.traceView()->tree()->isExpanded(policyRow));
        QVERIFY2(page.traceView()->summaryText().contains(QStringLiteral("Decided by policy email-approval (escalate)")),
                 qPrintable(page.traceView()->summaryText()));
        QVERIFY(page.traceView()->summaryText().contains(QStringLiteral("tool.name = \"email_send\"")));

        // Ctrl+Return decides too.
        page.form()->toolName()->setCurrentText(QStringLiteral("knowledge_search"));
        page.activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(&page));
        page.form()->toolArgs()->setFocus();
        QTest::keyClick(page.form()->toolArgs(), Qt::Key_Return, Qt::ControlModifier);
        QCOMPARE(spy.count(), 2);
        QCOMPARE(page.decisionLabel()->text(), QStringLiteral("ALLOW"));
    }

    void skippedPoliciesAreCollapsed()
    {
        std::string yaml = "version: 1\nname: many\npolicies:\n";
        for (int i = 0; i < 30; ++i)
            yaml += "  - {name: p" + std::to_string(i) + ", trigger: tool_call, condition: \"tool.name == 'tool_"
                + std::to_string(i) + "'\", action: block, message: no}\n";
        ValidationOptions opt;
        opt.checkFiles = false;
        auto r = PolicyValidator::checkText(yaml, "many.policy.yaml", opt);
        QVERIFY(r.document && !hasErrors(r.diagnostics));
        SimulatorPage page;
        page.setPolicy(r.document, QString());
        page.form()->setTrigger(QStringLiteral("tool_call"));
        page.form()->toolName()->setCurrentText(QStringLiteral("tool_12"));
        QVERIFY(page.decide());
        QCOMPARE(page.decisionLabel()->text(), QStringLiteral("BLOCK"));
        TraceModel *trace = page.traceModel();
        QAbstractItemModelTester tester(trace, QAbstractItemModelTester::FailureReportingMode::QtTest);
        // sandbox, 12 skipped (one row), p12 matched; nothing after the decider.
        QCOMPARE(trace->rowCount(), 3);
        const auto group = trace->index(1, 0);
        QCOMPARE(group.data(TraceModel::KindRole).toInt(), int(TraceModel::SkippedRow));
        QCOMPARE(group.data(TraceModel::PathRole).toString(), QStringLiteral("tool.name"));
        QVERIFY2(group.data().toString().contains(QStringLiteral("12")), qPrintable(group.data().toString()));
        QVERIFY(trace->index(1, 1).data().toString().contains(QStringLiteral("\"tool_12\"")));
        QCOMPARE(trace->rowCount(group), 12);
        const auto first = trace->index(0, 0, group);
        QCOMPARE(first.data(TraceModel::KindRole).toInt(), int(TraceModel::SkippedPolicyRow));
        QCOMPARE(first.data().toString(), QStringLiteral("p0"));
        QCOMPARE(trace->index(2, 0).data(TraceModel::PolicyRole).toString(), QStringLiteral("p12"));
    }

    void cardNumberIsRedacted()
    {
        SimulatorPage page;
        page.setPolicy(load(seed()), seed());
        page.form()->setTrigger(QStringLiteral("data_output"));
        page.form()->outputText()->setPlainText(QStringLiteral("card 4111 1111 1111 1111 ok"));
        QVERIFY(page.decide());
        QCOMPARE(page.decisionLabel()->text(), QStringLiteral("REDACT"));
        QCOMPARE(page.outputView()->toPlainText(), QStringLiteral("card [REDACTED:credit_card] ok"));

        // The deciding policy's row says what its PII call found and why.
        page.form()->outputText()->setPlainText(QStringLiteral("card \uff14\uff11\uff11\uff11 1111/1111 1111 ok"));
        QVERIFY(page.decide());
        QCOMPARE(page.decisionLabel()->text(), QStringLiteral("REDACT"));
        TraceModel *trace = page.traceModel();
        QAbstractItemModelTester tester(trace, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QModelIndex finding;
        for (int i = 0; i < trace->rowCount(); ++i)
            for (int k = 0; k < trace->rowCount(trace->index(i, 0)); ++k)
                if (trace->index(k, 0, trace->index(i, 0)).data(TraceModel::KindRole).toInt() == TraceModel::PiiRow)
                    finding = trace->index(k, 0, trace->index(i, 0));
        QVERIFY(finding.isValid());
        QCOMPARE(finding.data().toString(), QStringLiteral("credit_card, bytes 5-32"));
        QCOMPARE(finding.siblingAtColumn(TraceModel::ResultColumn).data().toString(),
                 QStringLiteral("Luhn check digit (visa) · read through: look-alike characters folded, mixed separators"));
        QVERIFY(finding.data(Qt::ToolTipRole).toString().startsWith(QStringLiteral("Found by contains_pii(")));
    }

    void badInputIsInline()
    {
        SimulatorPage page;
        page.setPolicy(load(seed()), seed());
        page.form()->toolArgs()->setPlainText(QStringLiteral("{not json"));
        QVERIFY(!page.decide());
        QVERIFY(!page.message().isEmpty());
        page.form()->rawToggle()->setChecked(true);
        page.form()->rawJson()->setPlainText(QStringLiteral("{\"trigger\":\"tool_call\",\"sesion\":{}}"));
        QVERIFY(!page.decide());
        QVERIFY(page.message().contains(QStringLiteral("sesion")));
        page.form()->rawJson()->setPlainText(
            QStringLiteral("{\"trigger\":\"network_egress\",\"destination\":{\"host\":\"evil.com\",\"port\":443}}"));
        QVERIFY(page.decide());
        QCOMPARE(page.decisionLabel()->text(), QStringLiteral("BLOCK"));
    }

    void anHttpRequestIsDecidedWithItsContent()
    {
        // The demo policy: the search tool may only read /search, and a card
        // number in a URL or header never leaves.
        const QString demo = QStringLiteral(OSH_SOURCE_DIR "/examples/customer-support/customer-support.policy.yaml");
        SimulatorPage page;
        page.setPolicy(load(demo), demo);
        page.resize(1024, 700);
        auto *form = page.form();
        form->setTrigger(QStringLiteral("network_egress"));
        form->host()->setText(QStringLiteral("search.internal.company.com"));
        form->identity()->setText(QStringLiteral("knowledge_search"));
        form->method()->setCurrentText(QStringLiteral("GET"));
        form->target()->setText(QStringLiteral("/search?q=refund+for+card+4111%201111%201111%201111"));
        form->headers()->setPlainText(QStringLiteral("Accept: application/json"));
        QVERIFY2(page.decide(), qPrintable(page.message()));
        QCOMPARE(page.decisionLabel()->text(), QStringLiteral("BLOCK"));
        QString error;
        const QString json = form->requestJson(error);
        QVERIFY(json.contains(QStringLiteral("\"q\":\"refund for card 4111 1111 1111 1111\"")));
        QVERIFY(json.contains(QStringLiteral("\"accept\":\"application/json\"")));
        if (qEnvironmentVariableIsSet("OSH_SCREENSHOT_DIR"))
            page.grab().save(qEnvironmentVariable("OSH_SCREENSHOT_DIR") + QStringLiteral("/simulator-http.png"));
        // A clean query goes ahead; another method is refused by the rule.
        form->target()->setText(QStringLiteral("/search?q=refund"));
        QVERIFY(page.decide());
        QCOMPARE(page.decisionLabel()->text(), QStringLiteral("ALLOW"));
        form->method()->setCurrentText(QStringLiteral("POST"));
        QVERIFY(page.decide());
        QCOMPARE(page.decisionLabel()->text(), QStringLiteral("BLOCK"));
        // Without a method, the connection as a whole.
        form->method()->setCurrentText(QString());
        QVERIFY(page.decide());
        QCOMPARE(page.decisionLabel()->text(), QStringLiteral("ALLOW"));
        form->headers()->setPlainText(QStringLiteral("no colon here"));
        form->method()->setCurrentText(QStringLiteral("GET"));
        QVERIFY(!page.decide());
        QVERIFY(page.message().contains(QStringLiteral("Name: value")));
    }

    void formRowsStayTogether()
    {
        // At 1024x700 a tool call's rows follow each other, also after the
        // taller egress form was shown; the room left is below the form.
        SimulatorPage page;
        page.resize(1024, 700);
        page.show();
        QVERIFY(QTest::qWaitForWindowExposed(&page));
        auto *form = page.form();
        const auto gap = [&](QWidget *above, QWidget *below) {
            return below->mapTo(&page, QPoint(0, 0)).y() - (above->mapTo(&page, QPoint(0, 0)).y() + above->height());
        };
        auto *trigger = form->findChild<QComboBox *>(QStringLiteral("trigger"));
        auto *session = form->findChild<QSpinBox *>(QStringLiteral("toolCalls"));
        QVERIFY(trigger && session);
        const int most = 4 * std::max(6, page.style()->pixelMetric(QStyle::PM_LayoutVerticalSpacing)) + 24;
        for (const auto *trig : {"tool_call", "network_egress", "tool_call"}) {
            form->setTrigger(QLatin1StringView(trig));
            QApplication::processEvents();
            if (QLatin1StringView(trig) != QLatin1StringView("tool_call"))
                continue;
            QVERIFY2(gap(trigger, form->toolName()) <= most, qPrintable(QString::number(gap(trigger, form->toolName()))));
            QVERIFY2(gap(form->toolName(), form->toolArgs()) <= most,
                     qPrintable(QString::number(gap(form->toolName(), form->toolArgs()))));
            QVERIFY2(gap(form->toolArgs(), session) <= 3 * most, qPrintable(QString::number(gap(form->toolArgs(), session))));
        }
    }

    void saveAsTestCaseAppendsAndPasses()
    {
        QTemporaryDir ws;
        const QString policy = ws.filePath(QStringLiteral("prod.policy.yaml"));
        QVERIFY(QFile::copy(seed(), policy));
        SimulatorPage page;
        page.setPolicy(load(policy), policy);
        page.setWorkspace(ws.path());
        page.testFileBox()->setCurrentText(QStringLiteral("sim"));
        page.caseNameEdit()->setText(QStringLiteral("email needs approval"));
        page.form()->toolName()->setCurrentText(QStringLiteral("email_send"));
        page.form()->toolArgs()->setPlainText(QStringLiteral("{\"body\": \"Hi \\\"Bob\\\"\\nthanks\", \"n\": [1, 2.5]}"));
        click(page, "saveTestCase");
        QVERIFY2(page.message().contains(QStringLiteral("Saved")), qPrintable(page.message()));
        const QString file = ws.filePath(QStringLiteral("tests/sim.yaml"));
        QFile f(file);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QByteArray first = f.readAll();
        f.close();
        QVERIFY(first.startsWith("policy: \"../prod.policy.yaml\"\ncases:\n"));

        page.form()->setTrigger(QStringLiteral("data_output"));
        page.form()->outputText()->setPlainText(QStringLiteral("mail jane@example.com"));
        page.caseNameEdit()->setText(QStringLiteral("output redacted"));
        QVERIFY(page.saveAsTestCase());
        QVERIFY(f.open(QIODevice::ReadOnly));
        QVERIFY(f.readAll().startsWith(first));
        f.close();

        const auto r = WorkspaceTests::run(ws.path().toStdString());
        QVERIFY(r.ok());
        QCOMPARE(r.caseCount(), 2);
    }
};

QTEST_MAIN(TstSimulatorPage)
#include "tst_simulatorpage.moc"
