#pragma once
// File › Commit…: asks for the commit message of the current policy file and
// shows who will be the author (from Settings) and what will be committed:
// the semantic diff from the committed version and, above it, warnings
// (requests newly allowed, policy tests that now fail, block policies made
// unreachable). Warnings do not block the commit, but the user ticks a box
// acknowledging them before the Commit button is enabled. The History panel
// runs it and does the commit.

#include "commitreview.h"

#include <QDialog>

class QCheckBox;
class QLabel;
class QPlainTextEdit;
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

    QString message() const;
    void setMessage(const QString &message);
    QPushButton *commitButton() const { return m_commit; }

    // Shows what the commit changes; its warnings must be acknowledged.
    void setReview(const CommitReview &review);
    const CommitReview &review() const { return m_review; }
    SemanticDiffView *diffView() const { return m_diff; }
    // The warnings as shown, one per line (empty when there are none).
    QString warningText() const;
    QCheckBox *acknowledgeBox() const { return m_acknowledge; }

private:
    void updateButton();

    QPlainTextEdit *m_message;
    QPushButton *m_commit;
    QLabel *m_diffNote;
    SemanticDiffView *m_diff;
    QLabel *m_warnings;
    QCheckBox *m_acknowledge;
    CommitReview m_review;
    bool m_hasAuthor;
};

} // namespace osh::ui
