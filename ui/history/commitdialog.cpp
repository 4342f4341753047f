// CommitDialog: message, author, file, semantic diff and warnings of a commit.
#include "commitdialog.h"

#include "semanticdiffview.h"

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace osh::ui {

namespace {

QString kindHeading(CommitWarning::Kind kind)
{
    switch (kind) {
    case CommitWarning::Kind::DoesNotLoad: return CommitDialog::tr("Does not load");
    case CommitWarning::Kind::NewlyAllowed: return CommitDialog::tr("Newly allowed");
    case CommitWarning::Kind::TestFails: return CommitDialog::tr("Policy test fails");
    case CommitWarning::Kind::UnreachableBlock: return CommitDialog::tr("Unreachable block");
    }
    return {};
}

} // namespace

CommitDialog::CommitDialog(const QString &fileLabel, const QString &state, const QString &author, QWidget *parent)
    : QDialog(parent)
    , m_message(new QPlainTextEdit(this))
    , m_diffNote(new QLabel(this))
    , m_diff(new SemanticDiffView(this))
    , m_warnings(new QLabel(this))
    , m_acknowledge(new QCheckBox(tr("I have read the warnings and want to commit anyway"), this))
    , m_hasAuthor(!author.isEmpty())
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

    m_warnings->setObjectName(QStringLiteral("commitWarnings"));
    m_warnings->setWordWrap(true);
    m_warnings->setTextFormat(Qt::PlainText);
    m_warnings->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_warnings->setStyleSheet(QStringLiteral("QLabel { background: #fde2e1; color: #6b1410; padding: 6px; }"));
    m_warnings->hide();
    layout->addWidget(m_warnings);
    m_acknowledge->setObjectName(QStringLiteral("acknowledgeWarnings"));
    m_acknowledge->hide();
    layout->addWidget(m_acknowledge);
    m_diffNote->setWordWrap(true);
    m_diffNote->hide();
    layout->addWidget(m_diffNote);
    m_diff->hide();
    layout->addWidget(m_diff, 2);

    layout->addWidget(new QLabel(tr("Message (first line: a short summary):"), this));
    m_message->setTabChangesFocus(true);
    m_message->setPlaceholderText(tr("What changed, and why"));
    layout->addWidget(m_message, 1);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Cancel, this);
    m_commit = buttons->addButton(tr("Commit"), QDialogButtonBox::AcceptRole);
    layout->addWidget(buttons);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_message, &QPlainTextEdit::textChanged, this, &CommitDialog::updateButton);
    connect(m_acknowledge, &QCheckBox::toggled, this, &CommitDialog::updateButton);
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

void CommitDialog::setReview(const CommitReview &review)
{
    m_review = review;
    if (m_review.diff)
        m_diff->setDiff(*m_review.diff);
    m_diff->setVisible(m_review.diff.has_value());
    m_diffNote->setText(m_review.diffNote);
    m_diffNote->setVisible(!m_review.diffNote.isEmpty());

    QStringList lines;
    for (const auto &w : std::as_const(m_review.warnings))
        lines << QStringLiteral("• %1: %2").arg(kindHeading(w.kind), w.text);
    if (!lines.isEmpty())
        lines.prepend(tr("Warning: this commit needs a second look (%n finding(s)).", nullptr, int(lines.size())));
    m_warnings->setText(lines.join(QLatin1Char('\n')));
    m_warnings->setVisible(m_review.hasWarnings());
    m_acknowledge->setChecked(false);
    m_acknowledge->setVisible(m_review.hasWarnings());
    m_commit->setText(m_review.hasWarnings() ? tr("Commit with warnings") : tr("Commit"));
    resize(width(), m_review.diff ? 560 : height());
    updateButton();
}

QString CommitDialog::warningText() const
{
    return m_warnings->isHidden() ? QString() : m_warnings->text();
}

void CommitDialog::updateButton()
{
    const bool acknowledged = !m_review.hasWarnings() || m_acknowledge->isChecked();
    m_commit->setEnabled(m_hasAuthor && !message().isEmpty() && acknowledged);
}

} // namespace osh::ui
