// The policy tests page offscreen: results per case, failure details,
// coverage, inline errors, and the results model's consistency.

#include "policytests/policytestspage.h"
#include "policytests/testresultsmodel.h"

#include <QAbstractItemModelTester>
#include <QDir>
#include <QFile>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QSaveFile>
#include <QTableView>
#include <QTemporaryDir>
#include <QSignalSpy>
#include <QTest>

using namespace osh::ui;

class TstPolicyTestsPage : public QObject
{
    Q_OBJECT

    static void write(const QString &path, const QByteArray &text)
    {
        QDir().mkpath(QFileInfo(path).absolutePath());
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(text);
    }

private Q_SLOTS:
    void bundledExamplePasses()
    {
        PolicyTestsPage page;
        QAbstractItemModelTester tester(page.results(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        page.setWorkspace(QStringLiteral(OSH_SOURCE_DIR "/examples/customer-support"));
        QVERIFY2(page.message().isEmpty(), qPrintable(page.message()));
        QVERIFY(page.results()->rowCount() >= 10);
        for (int i = 0; i < page.results()->rowCount(); ++i)
            QCOMPARE(page.results()->index(i, 0).data(TestResultsModel::StatusRole).toInt(), int(TestResultsModel::Passed));
        QVERIFY(page.summary().contains(QStringLiteral(" 0 failed")));
        QCOMPARE(page.coverageList()->count(), 1);
        QVERIFY(page.coverageList()->item(0)->text().contains(QStringLiteral("every policy")));
    }

    // Results follow the files: a policy changed on disk (a save, a commit,
    // a restore) marks them out of date and runs the suites again, without
    // Run being pressed; so does a new test file. Unsaved edits are named.
    void resultsFollowTheFiles()
    {
        QTemporaryDir ws;
        const QByteArray allowAll = "version: 1\nname: p\npolicies:\n  - name: all\n    trigger: tool_call\n"
                                  "    condition: tool.name != ''\n    action: allow\n";
        write(ws.filePath(QStringLiteral("p.policy.yaml")), allowAll);
        write(ws.filePath(QStringLiteral("tests/a.yaml")),
              "cases:\n  - {name: sends, request: {trigger: tool_call, tool: {name: email_send}}, expect: {decision: allow}}\n");
        PolicyTestsPage page;
        QSignalSpy spy(&page, &PolicyTestsPage::testsRan);
        page.setWorkspace(ws.path());
        QCOMPARE(spy.count(), 1);
        QVERIFY2(page.summary().startsWith(QStringLiteral("1 passed, 0 failed")), qPrintable(page.summary()));
        QVERIFY(!page.isStale());

        page.setUnsavedEdits(true);
        QVERIFY(page.summary().contains(QStringLiteral("unsaved changes are not tested")));
        page.setUnsavedEdits(false);

        // Saved as a block (replaced, as an editor's save does).
        {
            QSaveFile f(ws.filePath(QStringLiteral("p.policy.yaml")));
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(QByteArray(allowAll).replace("action: allow", "action: block"));
            QVERIFY(f.commit());
        }
        QTRY_VERIFY_WITH_TIMEOUT(page.isStale() || spy.count() > 1, 5000);
        QTRY_COMPARE_WITH_TIMEOUT(spy.count(), 2, 5000);
        QVERIFY2(page.summary().startsWith(QStringLiteral("0 passed, 1 failed")), qPrintable(page.summary()));
        QVERIFY(!page.isStale());

        // Changed again in place, then a new test file.
        write(ws.filePath(QStringLiteral("p.policy.yaml")), allowAll);
        QTRY_VERIFY_WITH_TIMEOUT(page.summary().startsWith(QStringLiteral("1 passed, 0 failed")), 5000);
        write(ws.filePath(QStringLiteral("tests/b.yaml")),
              "cases:\n  - {name: blocked, request: {trigger: tool_call, tool: {name: x}}, expect: {decision: block}}\n");
        QTRY_VERIFY_WITH_TIMEOUT(page.summary().startsWith(QStringLiteral("1 passed, 1 failed")), 5000);
    }

    void failuresAndErrors()
    {
        QTemporaryDir ws;
        QVERIFY(QFile::copy(QStringLiteral(OSH_TEST_DATA_DIR "/seed/production.policy.yaml"),
                            ws.filePath(QStringLiteral("p.policy.yaml"))));
        write(ws.filePath(QStringLiteral("tests/a.yaml")),
              "cases:\n"
              "  - {name: ok, request: {trigger: tool_call, tool: {name: knowledge_search}}, expect: {decision: allow}}\n"
              "  - {name: wrong, request: {trigger: tool_call, tool: {name: email_send}}, expect: {decision: allow}}\n");
        write(ws.filePath(QStringLiteral("tests/b.yaml")), "cases: {}\n");
        PolicyTestsPage page;
        QAbstractItemModelTester tester(page.results(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSignalSpy spy(&page, &PolicyTestsPage::testsRan);
        page.setWorkspace(ws.path());
        QCOMPARE(spy.count(), 1);
        QCOMPARE(spy.at(0).at(0).toInt(), 1);
        QCOMPARE(spy.at(0).at(1).toInt(), 1);
        auto *m = page.results();
        QCOMPARE(m->rowCount(), 3);
        QCOMPARE(m->index(1, 0).data(TestResultsModel::StatusRole).toInt(), int(TestResultsModel::Failed));
        QCOMPARE(m->index(1, TestResultsModel::CaseColumn).data().toString(), QStringLiteral("wrong"));
        QCOMPARE(m->index(1, 0).data(TestResultsModel::FailuresRole).toStringList(),
                 QStringList{QStringLiteral("decision: expected allow, got escalate")});
        QCOMPARE(m->index(2, 0).data(TestResultsModel::StatusRole).toInt(), int(TestResultsModel::FileError));
        QVERIFY(page.message().contains(QStringLiteral("b.yaml")));

        page.resultsView()->setCurrentIndex(m->index(1, 1));
        QVERIFY(page.detailsView()->toPlainText().contains(QStringLiteral("expected allow, got escalate")));
        QVERIFY(page.detailsView()->toPlainText().contains(QStringLiteral("\"trace\"")));
        page.resultsView()->setCurrentIndex(m->index(2, 1));
        QVERIFY(page.detailsView()->toPlainText().contains(QStringLiteral("T004")));

        // Coverage: the data_output policy never ran; filesystem and network rules neither.
        QStringList coverage;
        for (int i = 0; i < page.coverageList()->count(); ++i)
            coverage << page.coverageList()->item(i)->text();
        QVERIFY(coverage.contains(QStringLiteral("p.policy.yaml: policy 'pii-redact' never evaluated")));
        QVERIFY(coverage.contains(QStringLiteral("p.policy.yaml: filesystem rule 0 never decided a case")));
    }

    void missingWorkspaceIsInline()
    {
        PolicyTestsPage page;
        page.setWorkspace(QStringLiteral("/nonexistent/workspace"));
        QVERIFY(!page.message().isEmpty());
        QCOMPARE(page.results()->rowCount(), 0);
        QTemporaryDir empty;
        page.setWorkspace(empty.path());
        QVERIFY(page.message().contains(QStringLiteral("no test files")));
    }
};

QTEST_MAIN(TstPolicyTestsPage)
#include "tst_policytestspage.moc"
