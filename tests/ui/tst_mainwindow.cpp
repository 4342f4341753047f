// The assembled studio on the bundled demo workspace: pages wired, a broken
// edit shows in Problems, the simulator follows the editor's text.

#include "approvalspanel.h"
#include "mainwindow.h"
#include "policyeditor.h"
#include "problemsmodel.h"
#include "simulatorpage.h"

#include <QAbstractItemModelTester>
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
};

QTEST_MAIN(TstMainWindow)
#include "tst_mainwindow.moc"
