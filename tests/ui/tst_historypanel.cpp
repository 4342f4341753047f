// The History panel on real temporary repositories: its model (under
// QAbstractItemModelTester) before and after commits, the working-file row,
// committing (the repository is created on the first commit), restoring a
// version with and without confirmation, marking a version as deployed,
// comparing two versions, and the Commit… dialog's button.

#include "shell/mainwindow.h"
#include "editor/policyeditor.h"
#include "history/commitdialog.h"
#include "history/comparewindow.h"
#include "history/historymodel.h"
#include "history/historypanel.h"
#include "history/semanticdiffview.h"
#include "history/sidebysidediff.h"
#include "shell/settings.h"
#include "uitestsupport.h"

#include "vcs/policyrepository.h"

#include <QAbstractItemModelTester>
#include <QAction>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTableView>

#include <Qsci/qsciscintilla.h>

#include <algorithm>

using namespace osh::ui;

class TstHistoryPanel : public QObject
{
    Q_OBJECT

    std::unique_ptr<osh::test::TempWorkspace> m_ws;
    std::unique_ptr<Settings> m_settings;
    QString m_file;

    QByteArray disk() const
    {
        QFile f(m_file);
        return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
    }

    std::unique_ptr<HistoryPanel> makePanel(QString *editorText = nullptr)
    {
        auto panel = std::make_unique<HistoryPanel>();
        panel->setSettings(m_settings.get());
        panel->setWorkspace(m_ws->path());
        if (editorText)
            panel->setWorkingTextProvider([editorText] { return *editorText; });
        new QAbstractItemModelTester(panel->model(), QAbstractItemModelTester::FailureReportingMode::QtTest, panel.get());
        panel->setFile(m_file);
        return panel;
    }

private Q_SLOTS:
    void init()
    {
        m_ws = std::make_unique<osh::test::TempWorkspace>();
        QVERIFY(m_ws->isValid());
        m_settings = std::make_unique<Settings>(m_ws->filePath(QStringLiteral("studio.ini")));
        m_settings->setAuthorName(QStringLiteral("Carol Tester"));
        m_settings->setAuthorEmail(QStringLiteral("carol@example.org"));
        m_file = m_ws->filePath(QStringLiteral("main.policy.yaml"));
        QVERIFY(m_ws->writeFile(QStringLiteral("main.policy.yaml"), osh::test::minimalPolicy("one")));
    }

    void cleanup()
    {
        m_settings.reset();
        m_ws.reset();
    }

    void notARepositoryThenFirstCommitCreatesOne()
    {
        auto panel = makePanel();
        QCOMPARE(panel->model()->rowCount(), 0);
        QVERIFY2(panel->statusText().contains(QStringLiteral("not in a git repository")), qPrintable(panel->statusText()));
        QVERIFY(!QFileInfo::exists(m_ws->filePath(QStringLiteral(".git"))));

        QSignalSpy committed(panel.get(), &HistoryPanel::committed);
        QVERIFY(panel->commit(QStringLiteral("First policy")));
        QCOMPARE(committed.size(), 1);
        QVERIFY(QFileInfo(m_ws->filePath(QStringLiteral(".git"))).isDir());
        QCOMPARE(panel->model()->rowCount(), 1);
        QVERIFY(!panel->model()->hasWorkingRow());
        const QModelIndex author = panel->model()->index(0, HistoryModel::AuthorColumn);
        QCOMPARE(author.data().toString(), QStringLiteral("Carol Tester"));
        QCOMPARE(panel->model()->index(0, HistoryModel::MessageColumn).data().toString(), QStringLiteral("First policy"));
        QCOMPARE(panel->model()->index(0, 0).data(HistoryModel::CommitIdRole).toString(), committed.first().first().toString());
        QCOMPARE(panel->model()->index(0, HistoryModel::CommitColumn).data().toString(),
                 committed.first().first().toString().left(7));
        QVERIFY(panel->statusText().contains(QStringLiteral("unchanged since the last commit")));

        // Nothing changed: refused, reported as an error.
        QSignalSpy messages(panel.get(), &HistoryPanel::message);
        QVERIFY(!panel->commit(QStringLiteral("again")));
        QCOMPARE(messages.size(), 1);
        QVERIFY(messages.first().at(0).toString().contains(QStringLiteral("nothing to commit")));
        QVERIFY(messages.first().at(1).toBool());
    }

    void workingRowAndUnsavedEdits()
    {
        QString editor = QString::fromUtf8(osh::test::minimalPolicy("one"));
        auto panel = makePanel(&editor);
        QVERIFY(panel->commit(QStringLiteral("v1")));
        QVERIFY(!panel->model()->hasWorkingRow());

        // Unsaved editor edits: a working row, and commit refuses until saved.
        editor.replace(QStringLiteral("name: one"), QStringLiteral("name: two"));
        panel->refresh();
        QVERIFY(panel->model()->hasWorkingRow());
        QCOMPARE(panel->model()->rowCount(), 2);
        QVERIFY(panel->model()->index(0, 0).data(HistoryModel::WorkingFileRole).toBool());
        QVERIFY(panel->model()->commitAt(0) == nullptr);
        QVERIFY(panel->statusText().contains(QStringLiteral("unsaved")));
        QSignalSpy messages(panel.get(), &HistoryPanel::message);
        QVERIFY(!panel->commit(QStringLiteral("v2")));
        QVERIFY(messages.last().at(0).toString().contains(QStringLiteral("unsaved")));

        // Saved: committed, the working row goes away.
        QVERIFY(m_ws->writeFile(QStringLiteral("main.policy.yaml"), editor.toUtf8()));
        QVERIFY(panel->commit(QStringLiteral("v2")));
        QCOMPARE(panel->model()->rowCount(), 2);
        QVERIFY(!panel->model()->hasWorkingRow());
        QCOMPARE(panel->model()->index(0, HistoryModel::MessageColumn).data().toString(), QStringLiteral("v2"));
        QCOMPARE(panel->model()->index(1, HistoryModel::MessageColumn).data().toString(), QStringLiteral("v1"));
    }

    void restoreAsksWhenDirty()
    {
        QString editor = QString::fromUtf8(osh::test::minimalPolicy("one"));
        auto panel = makePanel(&editor);
        QVERIFY(panel->commit(QStringLiteral("v1")));
        editor = QString::fromUtf8(osh::test::minimalPolicy("two"));
        QVERIFY(m_ws->writeFile(QStringLiteral("main.policy.yaml"), editor.toUtf8()));
        QVERIFY(panel->commit(QStringLiteral("v2")));

        // Clean: restored without a question.
        int asked = 0;
        bool answer = false;
        panel->setConfirmHandler([&](const QString &, const QString &) { ++asked; return answer; });
        QSignalSpy restored(panel.get(), &HistoryPanel::fileRestored);
        QVERIFY(panel->restoreRow(1));
        QCOMPARE(asked, 0);
        QCOMPARE(restored.size(), 1);
        QCOMPARE(disk(), osh::test::minimalPolicy("one"));
        editor = QString::fromUtf8(disk()); // the main window reloads the editor

        // Now the file differs from HEAD: the user is asked; "no" keeps it.
        panel->refresh();
        QVERIFY(panel->model()->hasWorkingRow());
        QVERIFY(!panel->restoreRow(1)); // row 1 is now v2 (row 0 the working file)
        QCOMPARE(asked, 1);
        QCOMPARE(disk(), osh::test::minimalPolicy("one"));
        answer = true;
        QVERIFY(panel->restoreRow(1));
        QCOMPARE(asked, 2);
        QCOMPARE(disk(), osh::test::minimalPolicy("two"));
        editor = QString::fromUtf8(disk());

        // Unsaved editor text alone also asks.
        panel->refresh();
        editor += QStringLiteral("# unsaved\n");
        answer = false;
        QVERIFY(!panel->restoreRow(panel->model()->rowCount() - 1));
        QCOMPARE(asked, 3);
        QCOMPARE(disk(), osh::test::minimalPolicy("two"));
        QVERIFY(!panel->restoreRow(0)); // the working row is not a version
    }

    void markDeployed()
    {
        auto panel = makePanel();
        QVERIFY(panel->commit(QStringLiteral("v1")));
        QVERIFY(m_ws->writeFile(QStringLiteral("main.policy.yaml"), osh::test::minimalPolicy("two")));
        QVERIFY(panel->commit(QStringLiteral("v2")));
        QVERIFY(!panel->model()->index(1, 0).data(HistoryModel::DeployedRole).toBool());
        QVERIFY(panel->markDeployedRow(1, QStringLiteral("production")));
        QVERIFY(panel->model()->index(1, 0).data(HistoryModel::DeployedRole).toBool());
        QVERIFY(!panel->model()->index(0, 0).data(HistoryModel::DeployedRole).toBool());
        const QStringList tags = panel->model()->index(1, 0).data(HistoryModel::DeployedTagsRole).toStringList();
        QCOMPARE(tags.size(), 1);
        QVERIFY(tags.first().startsWith(QStringLiteral("deployed/")));
        QCOMPARE(panel->model()->index(1, HistoryModel::DeployedColumn).data().toString(), QStringLiteral("deployed"));

        auto repo = osh::vcs::PolicyRepository::discover(m_file);
        QVERIFY(repo);
        const auto dv = repo->deployedVersion(m_file);
        QVERIFY(dv && dv->has_value());
        QCOMPARE((*dv)->commitId, panel->model()->index(1, 0).data(HistoryModel::CommitIdRole).toString());
        QCOMPARE((*dv)->message, QStringLiteral("production"));
    }

    void compareTwoVersions()
    {
        QString editor = QString::fromUtf8(osh::test::minimalPolicy("one"));
        auto panel = makePanel(&editor);
        QVERIFY(panel->commit(QStringLiteral("v1")));
        editor.replace(QStringLiteral("max_memory_mb: 512"), QStringLiteral("max_memory_mb: 1024"));
        QVERIFY(m_ws->writeFile(QStringLiteral("main.policy.yaml"), editor.toUtf8()));
        QVERIFY(panel->commit(QStringLiteral("more memory")));
        QVERIFY(panel->compareRows(0, 1));
        auto *window = qobject_cast<CompareWindow *>(panel->compareWindow());
        QVERIFY(window);
        QCOMPARE(window->tabs()->count(), 3);
        // Side by side: the older version (row 1) on the left, one changed row.
        const QList<AlignedRow> rows = window->sideBySide()->rows();
        QCOMPARE(std::count_if(rows.begin(), rows.end(), [](const AlignedRow &r) { return r.kind == AlignedRow::Changed; }), 1);
        QCOMPARE(window->sideBySide()->changeCount(), 1);
        QVERIFY(window->sideBySide()->leftEditor()->text().contains(QStringLiteral("max_memory_mb: 512")));
        QVERIFY(window->sideBySide()->rightEditor()->text().contains(QStringLiteral("max_memory_mb: 1024")));
        // Semantic: the memory limit, as a change.
        QVERIFY2(window->semantic()->summary().size() > 0, "no semantic summary");
        QVERIFY(window->semantic()->model()->rowCount() >= 1);
        QVERIFY(!window->semantic()->model()->semanticDiff().empty());
        bool memory = false;
        for (const auto &c : window->semantic()->model()->semanticDiff().changes)
            memory = memory || c.subject.find("max_memory_mb") != std::string::npos || c.key == "max_memory_mb";
        QVERIFY(memory);
        // Unified text.
        const QString unified = window->unified()->toPlainText();
        QVERIFY2(unified.contains(QStringLiteral("-  max_memory_mb: 512")), qPrintable(unified));
        QVERIFY(unified.contains(QStringLiteral("+  max_memory_mb: 1024")));

        // With the editor's unsaved text as the working row.
        editor.replace(QStringLiteral("name: one"), QStringLiteral("name: edited"));
        panel->refresh();
        QVERIFY(panel->model()->hasWorkingRow());
        QVERIFY(panel->compareRows(1, 0));
        window = qobject_cast<CompareWindow *>(panel->compareWindow());
        QVERIFY(window->unified()->toPlainText().contains(QStringLiteral("+name: edited")));
        QVERIFY(window->sideBySide()->rightEditor()->text().contains(QStringLiteral("name: edited")));
        QVERIFY(!panel->compareRows(1, 1));
    }

    void mainWindowSaveCreatesTheRepositoryAndRestoreReloads()
    {
        qputenv("OPENSHELL_STORE", m_ws->filePath(QStringLiteral("audit.db")).toUtf8());
        MainWindow w;
        QVERIFY(w.openWorkspace(m_ws->path()));
        HistoryPanel *panel = w.history();
        QVERIFY(panel);
        QCOMPARE(panel->file(), QFileInfo(m_file).absoluteFilePath());
        QVERIFY(panel->statusText().contains(QStringLiteral("not in a git repository")));
        panel->setSettings(m_settings.get());
        panel->setConfirmHandler([](const QString &, const QString &) { return true; });

        // File > Save makes the workspace a repository.
        QAction *save = nullptr;
        QAction *commit = nullptr;
        for (QAction *a : w.findChildren<QAction *>()) {
            if (a->shortcut() == QKeySequence(QKeySequence::Save))
                save = a;
            if (a->shortcut() == QKeySequence(Qt::CTRL | Qt::ALT | Qt::Key_S))
                commit = a;
        }
        QVERIFY(save);
        QVERIFY(commit);
        QVERIFY(!QFileInfo::exists(m_ws->filePath(QStringLiteral(".git"))));
        save->trigger();
        QVERIFY(QFileInfo(m_ws->filePath(QStringLiteral(".git"))).isDir());
        QVERIFY2(panel->statusText().contains(QStringLiteral("not committed yet")), qPrintable(panel->statusText()));
        QVERIFY(panel->commit(QStringLiteral("v1")));

        const QString v1 = w.editor()->text();
        QString v2 = v1;
        v2.replace(QStringLiteral("name: one"), QStringLiteral("name: two"));
        w.editor()->setText(v2);
        panel->refresh();
        QVERIFY(panel->model()->hasWorkingRow()); // unsaved edits
        save->trigger();
        QVERIFY(panel->commit(QStringLiteral("v2")));
        QCOMPARE(panel->model()->rowCount(), 2);

        // Restoring v1 rewrites the file and the editor follows.
        QVERIFY(panel->restoreRow(1));
        QCOMPARE(w.editor()->text(), v1);
        QCOMPARE(disk(), v1.toUtf8());
    }

    void commitDialogNeedsMessageAndAuthor()
    {
        CommitDialog withAuthor(QStringLiteral("main.policy.yaml"), QStringLiteral("modified"),
                                QStringLiteral("Carol <carol@example.org>"));
        QVERIFY(!withAuthor.commitButton()->isEnabled());
        withAuthor.setMessage(QStringLiteral("Tighten egress"));
        QVERIFY(withAuthor.commitButton()->isEnabled());
        QCOMPARE(withAuthor.message(), QStringLiteral("Tighten egress"));
        withAuthor.setMessage(QStringLiteral("   "));
        QVERIFY(!withAuthor.commitButton()->isEnabled());

        CommitDialog noAuthor(QStringLiteral("main.policy.yaml"), QStringLiteral("modified"), QString());
        noAuthor.setMessage(QStringLiteral("msg"));
        QVERIFY(!noAuthor.commitButton()->isEnabled());
    }
};

QTEST_MAIN(TstHistoryPanel)
#include "tst_historypanel.moc"
