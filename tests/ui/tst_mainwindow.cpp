// The assembled studio on the bundled demo workspace: pages wired, a broken
// edit shows in Problems, the simulator follows the editor's text.

#include "approvalspanel.h"
#include "mainwindow.h"
#include "policyeditor.h"
#include "problemsmodel.h"
#include "shell/messagebar.h"
#include "simulatorpage.h"
#include "vcs/policyrepository.h"

#include <QAbstractItemModelTester>
#include <QDialog>
#include <QFile>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTest>

using namespace osh::ui;

class TstMainWindow : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;

private Q_SLOTS:
    void initTestCase() { qputenv("OPENSHELL_STORE", m_dir.filePath(QStringLiteral("audit.db")).toUtf8()); }

    void opensTheDemoWorkspace()
    {
        MainWindow w;
        w.show();
        QVERIFY(w.openWorkspace(QStringLiteral(OSH_SOURCE_DIR "/examples/customer-support")));
        QAbstractItemModelTester tester(w.problems());
        QStringList pages;
        for (int i = 0; i < w.pages()->count(); ++i)
            pages << w.pages()->tabText(i).remove(QLatin1Char('&'));
        QCOMPARE(pages, (QStringList{QStringLiteral("Policy"), QStringLiteral("Simulator"), QStringLiteral("Tests"),
                                     QStringLiteral("Launcher"), QStringLiteral("Replay")}));
        QVERIFY(w.editor()->text().contains(QStringLiteral("name: customer-support")));
        QTRY_VERIFY(!osh::hasErrors(w.problems()->diagnostics()));
        QVERIFY(w.windowTitle().contains(QStringLiteral("customer-support")));
    }

    void brokenEditShowsInProblems()
    {
        MainWindow w;
        QVERIFY(w.openWorkspace(QStringLiteral(OSH_SOURCE_DIR "/examples/customer-support")));
        QString text = w.editor()->text();
        text.replace(QStringLiteral("isolation: gvisor"), QStringLiteral("isolation: gvisr"));
        w.editor()->setText(text);
        w.editor()->validateNow();
        QTRY_VERIFY(osh::hasErrors(w.problems()->diagnostics()));
        bool found = false;
        for (const auto &d : w.problems()->diagnostics())
            found = found || (d.code == "E013" && d.suggestion == "gvisor");
        QVERIFY(found);
    }

    // The replay page's policy link: the version in force when the session
    // ran opens read-only when the working file has moved on; the working
    // file itself when it still is that version.
    void opensThePolicyVersionInForce()
    {
        QTemporaryDir ws;
        const QString file = ws.filePath(QStringLiteral("p.policy.yaml"));
        const QByteArray v1 = "version: 1\nname: v1\npolicies:\n  - name: first\n    trigger: tool_call\n    action: block\n";
        auto write = [&](const QByteArray &bytes) {
            QFile f(file);
            QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
            f.write(bytes);
        };
        write(v1);
        auto repo = osh::vcs::PolicyRepository::init(ws.path());
        QVERIFY2(repo, qPrintable(repo.error));
        const auto c1 = repo->commit({file}, QStringLiteral("v1"), {QStringLiteral("A"), QStringLiteral("a@example.org")});
        QVERIFY2(c1, qPrintable(c1.error));

        MainWindow w;
        QVERIFY(w.openWorkspace(ws.path()));
        // Still that version: the working file opens in the editor at the line.
        w.openPolicyVersion(file, c1->id, 4);
        QCOMPARE(w.editor()->fileName(), file);
        int line = 0, index = 0;
        w.editor()->getCursorPosition(&line, &index);
        QCOMPARE(line + 1, 4);
        QVERIFY(w.findChildren<QDialog *>().isEmpty());

        // The working file changed: that version's text, read-only, in its own window.
        write("version: 1\nname: v2\n");
        w.openPolicyVersion(file, c1->id, 4);
        const auto dialogs = w.findChildren<QDialog *>();
        QCOMPARE(dialogs.size(), 1);
        auto *view = dialogs.first()->findChild<PolicyEditor *>();
        QVERIFY(view);
        QCOMPARE(view->text().toUtf8(), v1);
        QVERIFY(view->isReadOnly());
        QVERIFY(dialogs.first()->windowTitle().contains(c1->shortId));

        // A version that cannot be read: the working file, and the reason in the message bar.
        w.openPolicyVersion(file, QStringLiteral("0123456789012345678901234567890123456789"), 2);
        QCOMPARE(w.editor()->fileName(), file);
        QVERIFY(!w.messageBar()->isHidden());
        QVERIFY(w.messageBar()->text().contains(QStringLiteral("cannot be read")));
    }
};

QTEST_MAIN(TstMainWindow)
#include "tst_mainwindow.moc"
