// CommitDialog: message, author, file, semantic diff and warnings of a commit.
#include "commitdialog.h"

#include "semanticdiffview.h"

#include <QCheckBox>
#include <QCoreApplication>
#include <QDialogButtonBox>
#include <QFile>
#include <QFileInfo>
#include <QFormLayout>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPointer>
#include <QProgressBar>
#include <QPushButton>
#include <QThreadPool>
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
    case CommitWarning::Kind::TestsDoNotLoad: return CommitDialog::tr("Policy tests do not load");
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
    , m_status(new QLabel(this))
    , m_busy(new QProgressBar(this))
    , m_reviewAgain(new QPushButton(tr("Review again"), this))
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

    m_status->setObjectName(QStringLiteral("commitStatus"));
    m_status->setWordWrap(true);
    m_status->setTextFormat(Qt::PlainText);
    m_status->hide();
    layout->addWidget(m_status);
    m_busy->setRange(0, 0); // no known end: busy
    m_busy->setTextVisible(false);
    m_busy->hide();
    layout->addWidget(m_busy);
    m_reviewAgain->setObjectName(QStringLiteral("reviewAgain"));
    m_reviewAgain->hide();
    layout->addWidget(m_reviewAgain, 0, Qt::AlignLeft);
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
    connect(buttons, &QDialogButtonBox::accepted, this, &CommitDialog::tryCommit);
    connect(m_reviewAgain, &QPushButton::clicked, this, [this] {
        if (m_job)
            startReview(m_job);
    });
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_message, &QPlainTextEdit::textChanged, this, &CommitDialog::updateButton);
    connect(m_acknowledge, &QCheckBox::toggled, this, &CommitDialog::updateButton);
    updateButton();
    resize(520, 300);
}

CommitDialog::~CommitDialog()
{
    cancelReview();
}

QString CommitDialog::message() const
{
    return m_message->toPlainText().trimmed();
}

void CommitDialog::setMessage(const QString &message)
{
    m_message->setPlainText(message);
}

void CommitDialog::startReview(ReviewJob job)
{
    cancelReview();
    m_job = std::move(job);
    const quint64 generation = m_generation;
    auto cancel = std::make_shared<std::atomic<bool>>(false);
    m_cancel = cancel;
    showReview(CommitReview()); // no stale findings while the new ones are computed
    m_reviewing = true;
    m_stale = false;
    m_status->setStyleSheet(QString());
    m_status->setText(tr("Reviewing… validating both versions and running the workspace's policy tests."));
    m_status->show();
    m_busy->show();
    m_reviewAgain->hide();
    updateButton();
    // The worker shares nothing with this dialog but the job (a copy) and
    // the cancel flag; the result comes back as a queued call on the GUI
    // thread, where the QPointer is checked: a dialog that is gone, or a
    // review that a newer one replaced, drops it.
    QPointer<CommitDialog> self(this);
    QThreadPool::globalInstance()->start([job = m_job, cancel, self, generation]() mutable {
        CommitReview review = job(*cancel);
        QMetaObject::invokeMethod(
            QCoreApplication::instance(),
            [self = std::move(self), generation, review = std::move(review)] {
                if (self)
                    self->finishReview(generation, review);
            },
            Qt::QueuedConnection);
    });
}

void CommitDialog::finishReview(quint64 generation, const CommitReview &review)
{
    if (!m_reviewing || generation != m_generation)
        return;
    m_reviewing = false;
    m_cancel.reset();
    m_busy->hide();
    m_status->hide();
    showReview(review);
    Q_EMIT reviewFinished();
}

void CommitDialog::cancelReview()
{
    ++m_generation;
    if (m_cancel)
        m_cancel->store(true);
    m_cancel.reset();
    if (m_reviewing) {
        m_reviewing = false;
        m_busy->hide();
        m_status->hide();
    }
}

void CommitDialog::setReview(const CommitReview &review)
{
    cancelReview();
    m_stale = false;
    m_status->hide();
    m_reviewAgain->hide();
    showReview(review);
}

void CommitDialog::showReview(const CommitReview &review)
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

QString CommitDialog::statusText() const
{
    return m_status->isHidden() ? QString() : m_status->text();
}

void CommitDialog::tryCommit()
{
    if (m_reviewing || !m_commit->isEnabled())
        return;
    if (!m_review.file.isEmpty()) {
        // What gets committed is the file as it is now: it must be what was reviewed.
        QFile f(m_review.file);
        const bool same = f.open(QIODevice::ReadOnly) && CommitReview::sha256Of(f.readAll()) == m_review.contentSha256;
        if (!same) {
            m_stale = true;
            m_status->setStyleSheet(QStringLiteral("QLabel { background: #fde2e1; color: #6b1410; padding: 6px; }"));
            m_status->setText(tr("%1 changed on disk since it was reviewed, so it was not committed: the review "
                                 "above is not about what would be committed. Review it again.")
                                  .arg(QFileInfo(m_review.file).fileName()));
            m_status->show();
            m_reviewAgain->setVisible(bool(m_job));
            updateButton();
            return;
        }
    }
    accept();
}

void CommitDialog::done(int result)
{
    cancelReview(); // closing: a review still running is of no use any more
    QDialog::done(result);
}

QString CommitDialog::warningText() const
{
    return m_warnings->isHidden() ? QString() : m_warnings->text();
}

void CommitDialog::updateButton()
{
    const bool acknowledged = !m_review.hasWarnings() || m_acknowledge->isChecked();
    m_commit->setEnabled(m_hasAuthor && !message().isEmpty() && acknowledged && !m_reviewing && !m_stale);
}

} // namespace osh::ui
