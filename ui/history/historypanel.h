#pragma once
// The History dock: the commits of the current policy file (author, date,
// message, deployed marker) from its git repository, and what can be done
// with them: compare two versions (or a version with the working file),
// restore a version into the working file, mark a version as deployed, and
// commit the file (the Commit… dialog, which shows the semantic diff from the
// committed version and warns about what the commit allows, breaks or
// shadows: see CommitReview). Versioning itself is core/vcs's
// PolicyRepository; this panel only asks, shows and reports.

#include "commitreview.h"

#include <QPointer>
#include <QString>
#include <QWidget>

#include <functional>

class QLabel;
class QPushButton;
class QTableView;

namespace osh::ui {

class HistoryModel;
class Settings;

class HistoryPanel : public QWidget
{
    Q_OBJECT

public:
    explicit HistoryPanel(QWidget *parent = nullptr);
    ~HistoryPanel() override;

    // The workspace: where a repository is created when the file is in none.
    void setWorkspace(const QString &dir);
    // The policy file shown (absolute path); reloads the history.
    void setFile(const QString &file);
    QString file() const { return m_file; }
    // Author name and email for commits and tags (default: Settings::instance()).
    void setSettings(Settings *settings);
    // The editor's text of the file, which may have unsaved edits.
    void setWorkingTextProvider(std::function<QString()> provider);
    // Asks the user a yes/no question (default: a message box); tests replace it.
    void setConfirmHandler(std::function<bool(const QString &title, const QString &question)> confirm);

    HistoryModel *model() const { return m_model; }
    QTableView *view() const { return m_view; }
    QString statusText() const;

public Q_SLOTS:
    void refresh();
    // Runs the Commit… dialog for the saved file, then commits.
    void showCommitDialog();

public:
    // The actions behind the buttons, by model row. Each returns false and
    // reports through message() when it fails or the user says no.
    // reviewedSha256: when given, the commit is refused unless the saved
    // file's content still has this SHA-256 (what the Commit… dialog reviewed).
    bool commit(const QString &message, const QString &reviewedSha256 = {});
    // What committing the saved file would change against HEAD (the Commit…
    // dialog shows it; it computes it on a worker thread).
    CommitReview reviewCommit() const;
    bool restoreRow(int row);
    bool markDeployedRow(int row, const QString &message = {});
    // Opens a window comparing two rows (the older one on the left).
    bool compareRows(int rowA, int rowB);
    // The last compare window opened (tests).
    QWidget *compareWindow() const { return m_compare.data(); }

Q_SIGNALS:
    // The working file was rewritten (restored): reload it in the editor.
    void fileRestored(const QString &file);
    void committed(const QString &commitId);
    // A result or failure to show in the message bar.
    void message(const QString &text, bool error);

private:
    void updateButtons();
    QList<int> selectedRows() const;
    bool editorHasUnsavedChanges() const;
    // The text of a row: the editor's (or file's) for the working row.
    bool rowContent(int row, QByteArray &content, QString &label, QString *error) const;

    QString m_workspace;
    QString m_file;
    Settings *m_settings = nullptr;
    std::function<QString()> m_workingText;
    std::function<bool(const QString &, const QString &)> m_confirm;
    HistoryModel *m_model;
    QTableView *m_view;
    QLabel *m_status;
    QPushButton *m_commitButton;
    QPushButton *m_compareButton;
    QPushButton *m_restoreButton;
    QPushButton *m_deployButton;
    QPointer<QWidget> m_compare;
    bool m_inRepository = false;
    bool m_workingDirty = false;
};

} // namespace osh::ui
