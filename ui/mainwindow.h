#pragma once
// The studio's main window: assembles the pages (policy editor, simulator,
// policy tests, sandbox launcher) and the docks (policies, problems,
// approvals). Each page is its own class; this window only wires them.

#include <QMainWindow>

#include <memory>

class QDockWidget;
class QListWidget;
class QListView;
class QLabel;
class QTabWidget;

namespace osh {
class AuditStore;
}

namespace osh::ui {

class ApprovalsPanel;
class FindBar;
class LauncherPage;
class Notifier;
class PolicyEditor;
class PolicyTestsPage;
class ProblemsModel;
class SimulatorPage;

class MainWindow : public QMainWindow
{
    Q_OBJECT

public:
    explicit MainWindow(QWidget *parent = nullptr);
    ~MainWindow() override;

    // Opens a folder as the workspace; returns false (and says why in the
    // status bar) when it is not readable.
    bool openWorkspace(const QString &path);
    bool openPolicy(const QString &file);
    // The audit store the launcher and the approvals panel use (the default
    // path unless set); nullptr with a status message when it cannot open.
    void setStorePath(const QString &path);

    PolicyEditor *editor() const { return m_editor; }
    ProblemsModel *problems() const { return m_problems; }
    QTabWidget *pages() const { return m_pages; }
    SimulatorPage *simulator() const { return m_simulator; }
    LauncherPage *launcher() const { return m_launcher; }
    ApprovalsPanel *approvals() const { return m_approvals; }

private:
    void savePolicy();
    void updateSummary();
    void policyTextChecked();

    QString m_workspace;
    std::unique_ptr<AuditStore> m_store;
    QTabWidget *m_pages;
    QListWidget *m_files;
    PolicyEditor *m_editor;
    FindBar *m_findBar;
    ProblemsModel *m_problems;
    QListView *m_problemsView;
    SimulatorPage *m_simulator;
    PolicyTestsPage *m_tests;
    LauncherPage *m_launcher;
    ApprovalsPanel *m_approvals;
    QDockWidget *m_approvalsDock;
    Notifier *m_notifier;
    QLabel *m_summary;
};

} // namespace osh::ui
