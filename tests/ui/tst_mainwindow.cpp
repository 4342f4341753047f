// The assembled studio on the bundled demo workspace: pages wired, a broken
// edit shows in Problems, the simulator follows the editor's text; unsaved
// edits are marked and never lost or written into another workspace.

#include "approvals/approvalspanel.h"
#include "shell/mainwindow.h"
#include "editor/policyeditor.h"
#include "editor/problemsmodel.h"
#include "shell/messagebar.h"
#include "shell/recoveryfiles.h"
#include "simulator/simulatorpage.h"
#include "vcs/policyrepository.h"

#include <QAbstractItemModelTester>
#include <QDialog>
#include <QAction>
#include <QFile>
#include <QListWidget>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTest>

#include <sys/stat.h>

using namespace osh::ui;

namespace {

const QByteArray kPolicyA = "version: 1\nname: a\npolicies:\n  - name: first\n    trigger: tool_call\n    action: block\n";
const QByteArray kPolicyB = "version: 1\nname: b\npolicies:\n  - name: second\n    trigger: tool_call\n    action: allow\n";

QByteArray read(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray("<missing>");
}

void write(const QString &path, const QByteArray &bytes)
{
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
    f.write(bytes);
}

// The answers given to "unsaved changes" questions, and what was asked.
struct Prompts
{
    QList<QMessageBox::StandardButton> answers;
    QStringList asked;
    MainWindow::UnsavedPrompt handler()
    {
        return [this](const QString &file, const QString &action) {
            asked << file + QStringLiteral(": ") + action;
            return answers.isEmpty() ? QMessageBox::Cancel : answers.takeFirst();
        };
    }
};

QAction *actionWith(MainWindow &w, QKeySequence::StandardKey key)
{
    for (QAction *a : w.findChildren<QAction *>())
        if (a->shortcut() == QKeySequence(key))
            return a;
    return nullptr;
}

} // namespace

class TstMainWindow : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;

    // A workspace of two policies, a.policy.yaml and b.policy.yaml.
    QString workspace(const QString &name)
    {
        const QString dir = m_dir.filePath(name);
        QDir().mkpath(dir);
        write(dir + QStringLiteral("/a.policy.yaml"), kPolicyA);
        write(dir + QStringLiteral("/b.policy.yaml"), kPolicyB);
        return dir;
    }

private Q_SLOTS:
    void initTestCase()
    {
        qputenv("OPENSHELL_STORE", m_dir.filePath(QStringLiteral("audit.db")).toUtf8());
        qputenv("XDG_DATA_HOME", m_dir.filePath(QStringLiteral("data")).toUtf8()); // recovery files
    }

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

    // An edit marks the window modified; quitting asks first. Cancel keeps
    // the window and the edit, Save writes it and quits.
    void quittingWithUnsavedEditsAsks()
    {
        const QString ws = workspace(QStringLiteral("quit"));
        MainWindow w;
        Prompts prompts;
        w.setUnsavedPrompt(prompts.handler());
        w.show();
        QVERIFY(w.openWorkspace(ws));
        QCOMPARE(w.editor()->fileName(), ws + QStringLiteral("/a.policy.yaml"));
        QVERIFY(!w.isWindowModified());
        QVERIFY(w.close()); // nothing to ask about
        QVERIFY(prompts.asked.isEmpty());

        w.show();
        w.editor()->append(QStringLiteral("# edited\n"));
        QVERIFY(w.isWindowModified());
        QVERIFY(w.windowTitle().contains(QStringLiteral("[*]")));
        auto *files = w.findChild<QListWidget *>(QStringLiteral("policyFiles"));
        QVERIFY(files && files->currentItem()->font().bold());
        prompts.answers = {QMessageBox::Cancel};
        QVERIFY(!w.close());
        QVERIFY(w.isVisible());
        QCOMPARE(prompts.asked, QStringList{QStringLiteral("a.policy.yaml: quitting")});
        QVERIFY(w.editor()->text().endsWith(QStringLiteral("# edited\n")));
        QCOMPARE(read(ws + QStringLiteral("/a.policy.yaml")), kPolicyA);

        prompts.answers = {QMessageBox::Save};
        QVERIFY(w.close());
        QCOMPARE(read(ws + QStringLiteral("/a.policy.yaml")), kPolicyA + "# edited\n");
        QVERIFY(!w.isWindowModified());
        QVERIFY(!files->currentItem()->font().bold());
    }

    // Another file of the workspace, with unsaved edits: Cancel keeps the
    // edited file (and the list shows it), Discard opens the other one.
    void openingAnotherFileAsks()
    {
        const QString ws = workspace(QStringLiteral("files"));
        MainWindow w;
        Prompts prompts;
        w.setUnsavedPrompt(prompts.handler());
        QVERIFY(w.openWorkspace(ws));
        auto *files = w.findChild<QListWidget *>(QStringLiteral("policyFiles"));
        QVERIFY(files);
        w.editor()->append(QStringLiteral("# edited\n"));
        prompts.answers = {QMessageBox::Cancel};
        files->setCurrentRow(1);
        QCOMPARE(prompts.asked, QStringList{QStringLiteral("a.policy.yaml: opening b.policy.yaml")});
        QCOMPARE(w.editor()->fileName(), ws + QStringLiteral("/a.policy.yaml"));
        QVERIFY(w.editor()->text().endsWith(QStringLiteral("# edited\n")));
        QCOMPARE(files->currentItem()->text(), QStringLiteral("a.policy.yaml"));

        prompts.answers = {QMessageBox::Discard};
        files->setCurrentRow(1);
        QCOMPARE(w.editor()->fileName(), ws + QStringLiteral("/b.policy.yaml"));
        QCOMPARE(w.editor()->text().toUtf8(), kPolicyB);
        QVERIFY(!w.isWindowModified());
        QCOMPARE(read(ws + QStringLiteral("/a.policy.yaml")), kPolicyA);
    }

    // A folder without policies: switching to it asks about the edits, and
    // then nothing of the previous workspace stays editable; Save writes
    // nowhere. Cancel keeps the workspace and its edits.
    void switchingToAFolderWithoutPolicies()
    {
        const QString ws = workspace(QStringLiteral("before"));
        const QString empty = m_dir.filePath(QStringLiteral("empty"));
        QVERIFY(QDir().mkpath(empty));
        MainWindow w;
        Prompts prompts;
        w.setUnsavedPrompt(prompts.handler());
        QVERIFY(w.openWorkspace(ws));
        w.editor()->append(QStringLiteral("# edited\n"));

        prompts.answers = {QMessageBox::Cancel};
        QVERIFY(!w.switchWorkspace(empty));
        QCOMPARE(w.workspace(), ws);
        QVERIFY(w.editor()->text().endsWith(QStringLiteral("# edited\n")));

        prompts.answers = {QMessageBox::Discard};
        QVERIFY(w.switchWorkspace(empty));
        QCOMPARE(w.workspace(), QDir(empty).absolutePath());
        QVERIFY(w.editor()->fileName().isEmpty());
        QVERIFY(w.editor()->text().isEmpty());
        QVERIFY(w.editor()->isReadOnly());
        QVERIFY(w.problems()->diagnostics().empty());
        QAction *save = actionWith(w, QKeySequence::Save);
        QVERIFY(save);
        save->trigger();
        QCOMPARE(read(ws + QStringLiteral("/a.policy.yaml")), kPolicyA);
        QCOMPARE(QDir(empty).entryList(QDir::Files | QDir::NoDotAndDotDot), QStringList());
        QVERIFY(w.messageBar()->text().contains(QStringLiteral("No policy file is open")));

        // Back to a workspace with policies: editable again.
        QVERIFY(w.switchWorkspace(ws));
        QVERIFY(!w.editor()->isReadOnly());
        QVERIFY(!w.editor()->fileName().isEmpty());
    }

    // Unsaved edits are kept aside; a studio that ends without closing (a
    // crash) offers them back when the policy opens again. Restored, they
    // are unsaved edits; saved, the kept copy goes. Declined, it goes too.
    void uncleanEndOffersTheEditsBack()
    {
        const QString ws = workspace(QStringLiteral("crash"));
        const QString a = ws + QStringLiteral("/a.policy.yaml");
        {
            MainWindow w;
            QVERIFY(w.openWorkspace(ws));
            QVERIFY(!QFile::exists(RecoveryFiles::fileFor(a)));
            w.editor()->append(QStringLiteral("# edited before the crash\n"));
            QTRY_VERIFY_WITH_TIMEOUT(QFile::exists(RecoveryFiles::fileFor(a)), 10000);
            struct stat st{};
            QCOMPARE(::stat(QFile::encodeName(RecoveryFiles::fileFor(a)).constData(), &st), 0);
            QCOMPARE(st.st_mode & 0777, 0600u);
        } // gone without closing

        QStringList asked;
        MainWindow w;
        w.setRecoveryPrompt([&](const QString &file, const QDateTime &when) {
            asked << file;
            return when.isValid();
        });
        QVERIFY(w.openWorkspace(ws));
        QCOMPARE(asked, QStringList{QStringLiteral("a.policy.yaml")});
        QVERIFY(w.editor()->text().endsWith(QStringLiteral("# edited before the crash\n")));
        QVERIFY(w.isWindowModified());
        QCOMPARE(read(a), kPolicyA);
        QAction *save = actionWith(w, QKeySequence::Save);
        QVERIFY(save);
        save->trigger();
        QCOMPARE(read(a), kPolicyA + "# edited before the crash\n");
        QVERIFY(!QFile::exists(RecoveryFiles::fileFor(a)));

        // Declined: the kept copy goes, the file's text stays.
        QString error;
        QVERIFY2(RecoveryFiles::write(a, QStringLiteral("name: other\n"), &error), qPrintable(error));
        MainWindow again;
        again.setRecoveryPrompt([](const QString &, const QDateTime &) { return false; });
        QVERIFY(again.openWorkspace(ws));
        QCOMPARE(again.editor()->text().toUtf8(), kPolicyA + "# edited before the crash\n");
        QVERIFY(!again.isWindowModified());
        QVERIFY(!QFile::exists(RecoveryFiles::fileFor(a)));
    }

    // A policy file given on the command line opens in its folder.
    void fileOnTheCommandLine()
    {
        const QString ws = workspace(QStringLiteral("argument"));
        MainWindow w;
        w.restoreSession(ws + QStringLiteral("/b.policy.yaml"));
        QCOMPARE(w.workspace(), QDir(ws).absolutePath());
        QCOMPARE(w.editor()->fileName(), ws + QStringLiteral("/b.policy.yaml"));
        QCOMPARE(w.editor()->text().toUtf8(), kPolicyB);
        QVERIFY(w.openFile(ws + QStringLiteral("/a.policy.yaml")));
        QCOMPARE(w.editor()->fileName(), ws + QStringLiteral("/a.policy.yaml"));
        QVERIFY(!w.openFile(ws + QStringLiteral("/none.policy.yaml")));
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
