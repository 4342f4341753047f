#pragma once
// File › Commit…: asks for the commit message of the current policy file and
// shows who will be the author (from Settings) and what will be committed:
// the semantic diff from the committed version and, above it, warnings
// (requests newly allowed, policy tests that now fail, block policies made
// unreachable). Warnings do not block the commit, but the user ticks a box
// acknowledging them before the Commit button is enabled. The review runs on
// a worker thread (the dialog shows "Reviewing…" and keeps Commit disabled
// meanwhile); a result that arrives after the dialog is gone is dropped.
// Commit re-reads the reviewed file and refuses, offering to review again,
// when it is no longer what was reviewed. The History panel runs it and
// does the commit.

#include "commitreview.h"

#include <QDialog>

#include <atomic>
#include <functional>
#include <memory>

class QCheckBox;
class QLabel;
class QPlainTextEdit;
class QProgressBar;
class QPushButton;

namespace osh::ui {

class SemanticDiffView;

class CommitDialog : public QDialog
{
    Q_OBJECT

public:
    // fileLabel: the file as shown (relative to the workspace); state: its
    // status in words; author: "Name <email>", empty when not set.
    CommitDialog(const QString &fileLabel, const QString &state, const QString &author, QWidget *parent = nullptr);
    ~CommitDialog() override;

    // Computes the review on a worker thread: it must touch no widget and
    // nothing the GUI thread uses, and should return early once cancelled
    // is set (the dialog closed, or a newer review replaced this one).
    using ReviewJob = std::function<CommitReview(const std::atomic<bool> &cancelled)>;

    QString message() const;
    void setMessage(const QString &message);
    QPushButton *commitButton() const { return m_commit; }

    // Runs job on a worker thread and shows its review when it is done;
    // until then the dialog is busy and Commit is disabled. The job is kept
    // for "Review again".
    void startReview(ReviewJob job);
    bool isReviewing() const { return m_reviewing; }
    // Shows what the commit changes (replacing any review still running);
    // its warnings must be acknowledged.
    void setReview(const CommitReview &review);
    const CommitReview &review() const { return m_review; }
    SemanticDiffView *diffView() const { return m_diff; }
    // The warnings as shown, one per line (empty when there are none).
    QString warningText() const;
    QCheckBox *acknowledgeBox() const { return m_acknowledge; }
    // "Reviewing…", or why Commit was refused (empty when neither).
    QString statusText() const;
    // Shown when the file changed since the review.
    QPushButton *reviewAgainButton() const { return m_reviewAgain; }

    void done(int result) override;

Q_SIGNALS:
    // A review started by startReview() is shown.
    void reviewFinished();

private:
    void updateButton();
    void showReview(const CommitReview &review);
    void finishReview(quint64 generation, const CommitReview &review);
    void cancelReview();
    // Commits (accepts) only if the file is still what was reviewed.
    void tryCommit();

    QPlainTextEdit *m_message;
    QPushButton *m_commit;
    QLabel *m_diffNote;
    SemanticDiffView *m_diff;
    QLabel *m_warnings;
    QCheckBox *m_acknowledge;
    QLabel *m_status;
    QProgressBar *m_busy;
    QPushButton *m_reviewAgain;
    CommitReview m_review;
    ReviewJob m_job;
    // The running review's cancel flag, shared with its worker.
    std::shared_ptr<std::atomic<bool>> m_cancel;
    quint64 m_generation = 0; // of the newest review started
    bool m_reviewing = false;
    bool m_stale = false; // the file changed since the review
    bool m_hasAuthor;
};

} // namespace osh::ui
