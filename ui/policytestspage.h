#pragma once
// The workspace's policy tests (tests/*.yaml): runs every suite against
// its policy, lists each case with pass/fail, the details of a selected
// failure, and what no case exercised (uncovered policies and rules).

#include <QWidget>

class QLabel;
class QListWidget;
class QPlainTextEdit;
class QPushButton;
class QTableView;

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

public Q_SLOTS:
    // Sets the workspace and runs its suites.
    void setWorkspace(const QString &path);
    // Runs the workspace's suites again (after edits or saved cases).
    void runTests();

Q_SIGNALS:
    void testsRan(int passed, int failed);

private:
    void showDetails();
    void showMessage(const QString &text, bool error);

    QString m_workspace;
    TestResultsModel *m_model;
    QPushButton *m_run;
    QLabel *m_messageBar;
    QLabel *m_summary;
    QTableView *m_view;
    QPlainTextEdit *m_details;
    QListWidget *m_coverage;
};

} // namespace osh::ui
