// CommitDialog: message, author and file of a commit.
#include "commitdialog.h"

#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace osh::ui {

CommitDialog::CommitDialog(const QString &fileLabel, const QString &state, const QString &author, QWidget *parent)
    : QDialog(parent), m_message(new QPlainTextEdit(this)), m_hasAuthor(!author.isEmpty())
{
    setWindowTitle(tr("Commit %1").arg(fileLabel));
    auto *layout = new QVBoxLayout(this);
    auto *form = new QFormLayout;
    form->addRow(tr("File:"), new QLabel(fileLabel + QStringLiteral(" (") + state + QLatin1Char(')'), this));
    auto *authorLabel = new QLabel(m_hasAuthor ? author.toHtmlEscaped()
                                               : tr("<b>Not set</b>: set your name and email in Preferences."),
                                   this);
    authorLabel->setTextFormat(Qt::RichText);
    form->addRow(tr("Author:"), authorLabel);
    layout->addLayout(form);
    layout->addWidget(new QLabel(tr("Message (first line: a short summary):"), this));
    m_message->setTabChangesFocus(true);
    m_message->setPlaceholderText(tr("What changed, and why"));
    layout->addWidget(m_message);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Cancel, this);
    m_commit = buttons->addButton(tr("Commit"), QDialogButtonBox::AcceptRole);
    layout->addWidget(buttons);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_message, &QPlainTextEdit::textChanged, this, &CommitDialog::updateButton);
    updateButton();
    resize(520, 300);
}

QString CommitDialog::message() const
{
    return m_message->toPlainText().trimmed();
}

void CommitDialog::setMessage(const QString &message)
{
    m_message->setPlainText(message);
}

void CommitDialog::updateButton()
{
    m_commit->setEnabled(m_hasAuthor && !message().isEmpty());
}

} // namespace osh::ui
