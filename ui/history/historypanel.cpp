// HistoryPanel: the History dock over PolicyRepository.
#include "historypanel.h"

#include "commitdialog.h"
#include "comparewindow.h"
#include "historymodel.h"
#include "shell/settings.h"

#include "vcs/policyrepository.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QInputDialog>
#include <QItemSelectionModel>
#include <QLabel>
#include <QMessageBox>
#include <QPushButton>
#include <QTableView>
#include <QVBoxLayout>

#include <algorithm>

namespace osh::ui {

namespace {

// What committing the saved file (what commit() commits) would change
// against HEAD. Runs on the Commit… dialog's worker thread: it opens its
// own repository and shares nothing with the panel.
CommitReview reviewSavedFile(const QString &file, const QString &workspace, const std::atomic<bool> *cancelled)
{
    std::optional<QByteArray> head;
    if (auto repo = vcs::PolicyRepository::discover(file))
        if (auto content = repo->contentAt(QStringLiteral("HEAD"), file))
            head = *content;
    QFile f(file);
    const QByteArray next = f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
    return CommitReview::review(head, next, file, workspace, cancelled);
}

} // namespace

HistoryPanel::HistoryPanel(QWidget *parent)
    : QWidget(parent)
    , m_model(new HistoryModel(this))
    , m_view(new QTableView(this))
    , m_status(new QLabel(this))
    , m_commitButton(new QPushButton(tr("Commit…"), this))
    , m_compareButton(new QPushButton(tr("Compare"), this))
    , m_restoreButton(new QPushButton(tr("Restore this version"), this))
    , m_deployButton(new QPushButton(tr("Mark as deployed"), this))
{
    m_confirm = [this](const QString &title, const QString &question) {
        return QMessageBox::question(this, title, question, QMessageBox::Yes | QMessageBox::No, QMessageBox::No)
               == QMessageBox::Yes;
    };
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_status);
    m_view->setModel(m_model);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_view->verticalHeader()->hide();
    m_view->horizontalHeader()->setStretchLastSection(true);
    m_view->setWordWrap(false);
    layout->addWidget(m_view, 1);
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_commitButton);
    buttons->addWidget(m_compareButton);
    buttons->addWidget(m_restoreButton);
    buttons->addWidget(m_deployButton);
    buttons->addStretch(1);
    layout->addLayout(buttons);
    m_compareButton->setToolTip(tr("Compare the two selected versions, or the selected one with the working file"));

    connect(m_commitButton, &QPushButton::clicked, this, &HistoryPanel::showCommitDialog);
    connect(m_compareButton, &QPushButton::clicked, this, [this] {
        const QList<int> rows = selectedRows();
        if (rows.size() == 2)
            compareRows(rows.at(0), rows.at(1));
        else if (rows.size() == 1 && m_model->hasWorkingRow() && rows.first() != 0)
            compareRows(rows.first(), 0);
        else if (rows.size() == 1 && rows.first() + 1 < m_model->rowCount())
            compareRows(rows.first() + 1, rows.first()); // with its predecessor
    });
    connect(m_restoreButton, &QPushButton::clicked, this, [this] {
        const QList<int> rows = selectedRows();
        if (rows.size() == 1)
            restoreRow(rows.first());
    });
    connect(m_deployButton, &QPushButton::clicked, this, [this] {
        const QList<int> rows = selectedRows();
        if (rows.size() != 1)
            return;
        bool ok = false;
        const QString note = QInputDialog::getText(this, tr("Mark as deployed"), tr("Note for this deployment (optional):"),
                                                   QLineEdit::Normal, QString(), &ok);
        if (ok)
            markDeployedRow(rows.first(), note);
    });
    connect(m_view, &QAbstractItemView::doubleClicked, this, [this](const QModelIndex &index) {
        const int row = index.row();
        if (row + 1 < m_model->rowCount())
            compareRows(row + 1, row);
    });
    connect(m_view->selectionModel(), &QItemSelectionModel::selectionChanged, this, &HistoryPanel::updateButtons);
    connect(m_model, &QAbstractItemModel::modelReset, this, &HistoryPanel::updateButtons);
    refresh();
}

HistoryPanel::~HistoryPanel() = default;

void HistoryPanel::setWorkspace(const QString &dir)
{
    m_workspace = dir;
}

void HistoryPanel::setFile(const QString &file)
{
    m_file = file.isEmpty() ? QString() : QFileInfo(file).absoluteFilePath();
    refresh();
}

void HistoryPanel::setSettings(Settings *settings)
{
    m_settings = settings;
}

void HistoryPanel::setWorkingTextProvider(std::function<QString()> provider)
{
    m_workingText = std::move(provider);
}

void HistoryPanel::setConfirmHandler(std::function<bool(const QString &, const QString &)> confirm)
{
    m_confirm = std::move(confirm);
}

QString HistoryPanel::statusText() const
{
    return m_status->text();
}

QList<int> HistoryPanel::selectedRows() const
{
    QList<int> rows;
    for (const QModelIndex &i : m_view->selectionModel()->selectedRows())
        rows.append(i.row());
    std::sort(rows.begin(), rows.end());
    return rows;
}

bool HistoryPanel::editorHasUnsavedChanges() const
{
    if (!m_workingText || m_file.isEmpty())
        return false;
    QFile f(m_file);
    const QByteArray disk = f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
    return m_workingText().toUtf8() != disk;
}

void HistoryPanel::refresh()
{
    m_inRepository = false;
    m_workingDirty = false;
    if (m_file.isEmpty()) {
        m_model->clear();
        m_status->setText(tr("No policy file is open."));
        return;
    }
    const QString name = QFileInfo(m_file).fileName();
    auto repo = vcs::PolicyRepository::discover(m_file);
    if (!repo) {
        m_model->clear();
        m_status->setText(tr("%1 is not in a git repository. Commit… creates one in the workspace.").arg(name));
        updateButtons();
        return;
    }
    m_inRepository = true;
    const auto status = repo->status(m_file);
    const auto history = repo->history(m_file);
    if (!status || !history) {
        m_model->clear();
        m_status->setText(tr("The history of %1 cannot be read: %2").arg(name, !status ? status.error : history.error));
        updateButtons();
        return;
    }
    const bool unsaved = editorHasUnsavedChanges();
    m_workingDirty = status->dirty() || unsaved;
    m_model->setCommits(*history, m_workingDirty && (!history->isEmpty() || status->state != vcs::FileState::Missing));

    QString where = status->headDetached ? tr("detached HEAD at %1").arg(status->headId.left(7))
                    : status->headUnborn ? tr("branch %1, no commits yet").arg(status->branch)
                                         : tr("branch %1").arg(status->branch);
    QString state;
    switch (status->state) {
    case vcs::FileState::Clean: state = tr("unchanged since the last commit"); break;
    case vcs::FileState::Modified: state = tr("changed since the last commit"); break;
    case vcs::FileState::Added: state = tr("added, not committed yet"); break;
    case vcs::FileState::Untracked: state = tr("not committed yet"); break;
    case vcs::FileState::Deleted: state = tr("deleted from the working tree"); break;
    case vcs::FileState::Missing: state = tr("not saved yet"); break;
    case vcs::FileState::Ignored: state = tr("ignored by git"); break;
    }
    if (unsaved)
        state += tr("; unsaved edits in the editor");
    m_status->setText(tr("%1 — %2 — %3 — %n commit(s)", nullptr, int(history->size())).arg(name, where, state));
    m_view->resizeColumnsToContents();
    updateButtons();
}

void HistoryPanel::updateButtons()
{
    const QList<int> rows = selectedRows();
    const bool one = rows.size() == 1;
    const bool oneCommit = one && m_model->commitAt(rows.first()) != nullptr;
    m_commitButton->setEnabled(!m_file.isEmpty());
    m_compareButton->setEnabled(rows.size() == 2 || (one && m_model->rowCount() > 1));
    m_restoreButton->setEnabled(oneCommit);
    m_deployButton->setEnabled(oneCommit);
}

void HistoryPanel::showCommitDialog()
{
    if (m_file.isEmpty())
        return;
    Settings *settings = m_settings ? m_settings : Settings::instance();
    const QString name = settings->authorName();
    const QString email = settings->authorEmail();
    QString state = tr("changed");
    if (auto repo = vcs::PolicyRepository::discover(m_file)) {
        if (auto st = repo->status(m_file))
            state = QString::fromLatin1(vcs::fileStateName(st->state));
    } else {
        state = tr("a repository will be created in %1").arg(m_workspace.isEmpty() ? QFileInfo(m_file).absolutePath() : m_workspace);
    }
    CommitDialog dialog(QFileInfo(m_file).fileName(), state,
                        name.isEmpty() || email.isEmpty() ? QString() : QStringLiteral("%1 <%2>").arg(name, email), this);
    dialog.startReview([file = m_file, workspace = m_workspace](const std::atomic<bool> &cancelled) {
        return reviewSavedFile(file, workspace, &cancelled);
    });
    if (dialog.exec() != QDialog::Accepted)
        return;
    commit(dialog.message(), dialog.review().contentSha256);
}

bool HistoryPanel::commit(const QString &text, const QString &reviewedSha256)
{
    if (m_file.isEmpty())
        return false;
    Settings *settings = m_settings ? m_settings : Settings::instance();
    const vcs::Author author{settings->authorName(), settings->authorEmail()};
    if (editorHasUnsavedChanges()) {
        Q_EMIT message(tr("Save %1 before committing: the editor has unsaved changes.").arg(QFileInfo(m_file).fileName()), true);
        return false;
    }
    if (!reviewedSha256.isEmpty()) {
        QFile f(m_file);
        if (!f.open(QIODevice::ReadOnly) || CommitReview::sha256Of(f.readAll()) != reviewedSha256) {
            Q_EMIT message(tr("Not committed: %1 changed since it was reviewed. Commit again to review it.")
                               .arg(QFileInfo(m_file).fileName()),
                           true);
            return false;
        }
    }
    auto repo = vcs::PolicyRepository::openOrInit(m_file, m_workspace);
    if (!repo) {
        Q_EMIT message(tr("Cannot commit: %1").arg(repo.error), true);
        return false;
    }
    const auto result = repo->commit({m_file}, text, author);
    if (!result) {
        Q_EMIT message(tr("Cannot commit: %1").arg(result.error), true);
        refresh();
        return false;
    }
    refresh();
    Q_EMIT committed(result->id);
    Q_EMIT message(tr("Committed %1 as %2").arg(QFileInfo(m_file).fileName(), result->shortId), false);
    return true;
}

CommitReview HistoryPanel::reviewCommit() const
{
    return reviewSavedFile(m_file, m_workspace, nullptr);
}

bool HistoryPanel::restoreRow(int row)
{
    const vcs::CommitInfo *c = m_model->commitAt(row);
    if (!c || m_file.isEmpty())
        return false;
    const QString id = c->id;
    const QString shortId = c->shortId;
    auto repo = vcs::PolicyRepository::discover(m_file);
    if (!repo) {
        Q_EMIT message(repo.error, true);
        return false;
    }
    // Unsaved editor text is lost too when the file is rewritten: ask for both.
    bool force = false;
    if (editorHasUnsavedChanges()) {
        if (!m_confirm(tr("Restore %1").arg(shortId),
                       tr("The editor has unsaved changes to %1. Restoring version %2 discards them. Restore anyway?")
                           .arg(QFileInfo(m_file).fileName(), shortId)))
            return false;
        force = true;
    }
    auto result = repo->restore(m_file, id, force);
    if (result && result->refusedDirty) {
        if (!m_confirm(tr("Restore %1").arg(shortId),
                       tr("%1 has changes that are not committed. Restoring version %2 discards them. Restore anyway?")
                           .arg(QFileInfo(m_file).fileName(), shortId)))
            return false;
        result = repo->restore(m_file, id, true);
    }
    if (!result || !result->restored) {
        Q_EMIT message(tr("Cannot restore %1: %2").arg(shortId, result ? tr("the file was not written") : result.error), true);
        return false;
    }
    Q_EMIT fileRestored(m_file);
    refresh();
    Q_EMIT message(tr("Restored %1 to version %2 (not committed yet)").arg(QFileInfo(m_file).fileName(), shortId), false);
    return true;
}

bool HistoryPanel::markDeployedRow(int row, const QString &note)
{
    const vcs::CommitInfo *c = m_model->commitAt(row);
    if (!c || m_file.isEmpty())
        return false;
    const QString id = c->id;
    auto repo = vcs::PolicyRepository::discover(m_file);
    if (!repo) {
        Q_EMIT message(repo.error, true);
        return false;
    }
    Settings *settings = m_settings ? m_settings : Settings::instance();
    const auto tag = repo->markDeployed(id, {settings->authorName(), settings->authorEmail()}, note);
    if (!tag) {
        Q_EMIT message(tr("Cannot mark as deployed: %1").arg(tag.error), true);
        return false;
    }
    refresh();
    Q_EMIT message(tr("Tagged %1 as %2").arg(id.left(7), tag->name), false);
    return true;
}

bool HistoryPanel::rowContent(int row, QByteArray &content, QString &label, QString *error) const
{
    if (m_model->hasWorkingRow() && row == 0) {
        if (m_workingText) {
            content = m_workingText().toUtf8();
        } else {
            QFile f(m_file);
            if (!f.open(QIODevice::ReadOnly)) {
                *error = f.errorString();
                return false;
            }
            content = f.readAll();
        }
        label = tr("Working file");
        return true;
    }
    const vcs::CommitInfo *c = m_model->commitAt(row);
    if (!c) {
        *error = tr("no such version");
        return false;
    }
    auto repo = vcs::PolicyRepository::discover(m_file);
    auto bytes = repo ? repo->contentAt(c->id, m_file) : vcs::Result<QByteArray>::fail(repo.error);
    if (!bytes) {
        *error = bytes.error;
        return false;
    }
    content = *bytes;
    label = QStringLiteral("%1 — %2").arg(c->shortId, c->summary);
    return true;
}

bool HistoryPanel::compareRows(int rowA, int rowB)
{
    // Rows are newest first: the higher row is the older version, shown on the left.
    const int older = std::max(rowA, rowB);
    const int newer = std::min(rowA, rowB);
    QByteArray before, after;
    QString beforeLabel, afterLabel, error;
    if (older == newer || !rowContent(older, before, beforeLabel, &error) || !rowContent(newer, after, afterLabel, &error)) {
        Q_EMIT message(tr("Cannot compare: %1").arg(error.isEmpty() ? tr("select two different versions") : error), true);
        return false;
    }
    auto *window = new CompareWindow(m_file, before, beforeLabel, after, afterLabel, this);
    window->setAttribute(Qt::WA_DeleteOnClose);
    m_compare = window;
    window->show();
    return true;
}

} // namespace osh::ui
