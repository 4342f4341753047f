#pragma once
// The studio's main window: assembles the pages (policy editor, simulator,
// policy tests, sandbox launcher) and the docks (policies, problems,
// approvals). Each page is its own class; this window only wires them.

#include "serviceclient.h"

#include <QMainWindow>

#include <memory>

class QDockWidget;
class QListWidget;
class QListView;
class QLabel;
class QMenu;
class QTabWidget;

namespace osh {
class AuditStore;
}

namespace osh::ui {

class ApprovalsPanel;
class FindBar;
class HistoryPanel;
class LauncherPage;
class MessageBar;
class Notifier;
class PolicyEditor;
class PolicyTestsPage;
class VisualEditor;
class ProblemsModel;
class ReplayPage;
class Settings;
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
    // Through openshelld only the (in-process) launcher's: approvals and
    // replay come from the service.
    void setStorePath(const QString &path);
    // Where sessions run: decided once at start (StudioRuntime::detect()) and
    // shown in the status bar; the launcher, approvals and replay follow it.
    void setRuntime(const StudioRuntime &runtime);
    const StudioRuntime &runtime() const { return m_runtime; }
    ServiceClient *service() const { return m_service; }
    QString runtimeStatusText() const;

    PolicyEditor *editor() const { return m_editor; }
    ProblemsModel *problems() const { return m_problems; }
    QTabWidget *pages() const { return m_pages; }
    SimulatorPage *simulator() const { return m_simulator; }
    LauncherPage *launcher() const { return m_launcher; }
    ApprovalsPanel *approvals() const { return m_approvals; }
    VisualEditor *visualEditor() const { return m_visual; }
    ReplayPage *replay() const { return m_replay; }
    HistoryPanel *history() const { return m_history; }
    // Opens a policy at a line as it was at a commit (the replay page's link):
    // the working file when the commit is empty or is HEAD and the file is
    // unchanged, else that version's text in a read-only window.
    void openPolicyVersion(const QString &file, const QString &commit, int line);

    // The shell (ui/shell/mainwindowshell.cpp): session restore and save,
    // workspace menus, preferences, about, the inline message bar.
    // Restores geometry and docks, opens the workspace (the argument, else
    // the most recent, else the demo workspace), its open file and last page.
    void restoreSession(const QString &workspaceArgument);
    void saveSession();
    // Opens a workspace as the user does (menu, recent list): saves the open
    // file of the current one, records it as recent, restores its open file.
    bool switchWorkspace(const QString &path);
    QString workspace() const { return m_workspace; }
    MessageBar *messageBar() const { return m_messageBar; }
    QMenu *recentMenu() const { return m_recentMenu; }
    // Follows the theme's light/dark flips (editor colours).
    void setDarkMode(bool dark);

protected:
    void closeEvent(QCloseEvent *event) override;

private:
    void setupShell(QMenu *file, QMenu *edit, QMenu *view);
    void updateRecentMenu();
    void rememberOpenFiles();
    bool savePolicy();
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
    QLabel *m_runtimeLabel;
    StudioRuntime m_runtime;
    ServiceClient *m_service = nullptr;
    VisualEditor *m_visual = nullptr;
    ReplayPage *m_replay = nullptr;
    HistoryPanel *m_history = nullptr;
    MessageBar *m_messageBar = nullptr;
    Settings *m_settings = nullptr;
    QMenu *m_recentMenu = nullptr;
};

} // namespace osh::ui
