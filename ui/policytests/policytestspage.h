#pragma once
// The workspace's policy tests (tests/*.yaml): runs every suite against
// its policy, lists each case with pass/fail, the details of a selected
// failure, and what no case exercised (uncovered policies and rules).
// Results follow the files: when a policy or a test file of the workspace
// changes on disk (a save, a commit, a restore, another editor) they are
// marked out of date and the suites run again a moment later. Edits not
// yet saved are not tested, and the summary says so.

#include <QWidget>

class QLabel;
class QListWidget;
class QPlainTextEdit;
class QFileSystemWatcher;
class QPushButton;
class QTableView;
class QTimer;

namespace osh::ui {

class TestResultsModel;

class PolicyTestsPage : public QWidget
{
    Q_OBJECT

public:
    explicit PolicyTestsPage(QWidget *parent = nullptr);

    TestResultsModel *results() const { return m_model; }
    QListWidget *coverageList() const { return m_coverage; }
    QPlainTextEdit *detailsView() const { return m_details; }
    QTableView *resultsView() const { return m_view; }
    QString message() const; // the inline message bar's text
    QString summary() const;
    // Whether the results are older than the workspace's files (until the
    // run that follows).
    bool isStale() const { return m_stale; }

public Q_SLOTS:
    // Sets the workspace and runs its suites.
    void setWorkspace(const QString &path);
    // Runs the workspace's suites again (after edits or saved cases).
    void runTests();
    // The editor holds unsaved changes of a policy: the results are for
    // the saved file, which the summary says.
    void setUnsavedEdits(bool unsaved);

Q_SIGNALS:
    void testsRan(int passed, int failed);

private:
    void showDetails();
    void showMessage(const QString &text, bool error);
    void filesChanged();
    // Watches the workspace's folder, tests/ and the files in them.
    void watchFiles();
    void updateSummary();

    QString m_workspace;
    TestResultsModel *m_model;
    QPushButton *m_run;
    QLabel *m_messageBar;
    QLabel *m_summary;
    QTableView *m_view;
    QPlainTextEdit *m_details;
    QListWidget *m_coverage;
    QFileSystemWatcher *m_watcher;
    QTimer *m_rerun;
    QString m_counts; // "N passed, ..." of the last run
    bool m_stale = false;
    bool m_unsaved = false;
};

} // namespace osh::ui
