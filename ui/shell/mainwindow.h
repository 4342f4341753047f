#pragma once
// The studio's main window: assembles the pages (policy editor, simulator,
// policy tests, sandbox launcher) and the docks (policies, problems,
// approvals). Each page is its own class; this window only wires them.

#include "service/serviceclient.h"

#include <QDateTime>
#include <QMainWindow>
#include <QMessageBox>

#include <functional>
#include <memory>

class QDockWidget;
class QTimer;
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
    // Both ask first when the open policy has unsaved edits (Save, Discard
    // or Cancel); false when cancelled. Opening the file being edited keeps
    // its edits.
    bool openWorkspace(const QString &path);
    bool openPolicy(const QString &file);
    // File › Open File and a file given on the command line: its folder
    // becomes the workspace (asking first about unsaved edits), then it opens.
    bool openFile(const QString &path);
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
    // The argument may also be a policy file, opened in its folder.
    void restoreSession(const QString &argument);
    void saveSession();
    // Opens a workspace as the user does (menu, recent list): saves the open
    // file of the current one, records it as recent, restores its open file.
    bool switchWorkspace(const QString &path);
    QString workspace() const { return m_workspace; }
    MessageBar *messageBar() const { return m_messageBar; }
    QMenu *recentMenu() const { return m_recentMenu; }
    // Follows the theme's light/dark flips (editor colours).
    void setDarkMode(bool dark);
    // Replaces the question asked before unsaved edits would be lost (file
    // name, "quitting" or "opening X"): Save, Discard or Cancel (tests).
    using UnsavedPrompt = std::function<QMessageBox::StandardButton(const QString &, const QString &)>;
    void setUnsavedPrompt(UnsavedPrompt prompt) { m_unsavedPrompt = std::move(prompt); }
    // Replaces the question asked when a policy opens with edits kept from
    // a session that did not close normally (file name, when they were
    // kept): true restores them (tests).
    using RecoveryPrompt = std::function<bool(const QString &, const QDateTime &)>;
    void setRecoveryPrompt(RecoveryPrompt prompt) { m_recoveryPrompt = std::move(prompt); }

protected:
    void closeEvent(QCloseEvent *event) override;

private:
    void setupShell(QMenu *file, QMenu *edit, QMenu *view);
    void updateRecentMenu();
    void rememberOpenFiles();
    bool savePolicy();
    // Replaces the editor's text with the file's, unsaved edits or not.
    bool loadPolicy(const QString &file);
    // Leaves nothing editable: no file, an empty read-only editor.
    void closePolicy();
    // True when there are no unsaved edits, or the user saved or discarded
    // them before action ("opening X"); false when cancelled (or the save failed).
    bool confirmDiscard(const QString &action);
    void markModifiedFile();
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
    UnsavedPrompt m_unsavedPrompt;
    RecoveryPrompt m_recoveryPrompt;
    // Unsaved edits are kept aside (shell/recoveryfiles.h) this long after
    // the last change.
    QTimer *m_autosave = nullptr;
    void keepUnsavedEdits();
    // Offers back edits kept for the file just loaded (its text on disk).
    void offerRecoveredEdits(const QString &onDisk);
};

} // namespace osh::ui
