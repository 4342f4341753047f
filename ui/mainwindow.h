#pragma once
// The studio's main window: assembles the workspace's file list, the policy
// editor and the Problems panel. Pages get their own classes as they grow.

#include <QMainWindow>

class QListWidget;
class QListView;
class QLabel;

namespace osh::ui {

class PolicyEditor;
class ProblemsModel;

class MainWindow : public QMainWindow
{
    Q_OBJECT

public:
    explicit MainWindow(QWidget *parent = nullptr);

    // Opens a folder as the workspace; returns false (and says why in the
    // status bar) when it is not readable.
    bool openWorkspace(const QString &path);
    bool openPolicy(const QString &file);
    PolicyEditor *editor() const { return m_editor; }
    ProblemsModel *problems() const { return m_problems; }

private:
    void savePolicy();
    void updateSummary();

    QString m_workspace;
    QListWidget *m_files;
    PolicyEditor *m_editor;
    ProblemsModel *m_problems;
    QListView *m_problemsView;
    QLabel *m_summary;
};

} // namespace osh::ui
