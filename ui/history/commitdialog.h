#pragma once
// File › Commit…: asks for the commit message of the current policy file and
// shows who will be the author (from Settings) and what will be committed.
// The History panel runs it and does the commit.

#include <QDialog>

class QLabel;
class QPlainTextEdit;
class QPushButton;

namespace osh::ui {

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

private:
    void updateButton();

    QPlainTextEdit *m_message;
    QPushButton *m_commit;
    bool m_hasAuthor;
};

} // namespace osh::ui
