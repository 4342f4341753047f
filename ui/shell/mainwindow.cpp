#include "shell/mainwindow.h"

#include "approvals/approvalspanel.h"
#include "editor/findbar.h"
#include "launcher/launcherpage.h"
#include "approvals/notifier.h"
#include "editor/policyeditor.h"
#include "policytests/policytestspage.h"
#include "editor/problemsmodel.h"
#include "simulator/simulatorpage.h"
#include "visual/visualeditor.h"
#include "replay/replaypage.h"
#include "history/historypanel.h"
#include "shell/messagebar.h"
#include "shell/recoveryfiles.h"
#include "shell/settings.h"

#include "audit/auditstore.h"
#include "model/policyloader.h"
#include "vcs/policyrepository.h"

#include <QAction>
#include <QDir>
#include <QDialog>
#include <QDockWidget>
#include <QFile>
#include <QFileInfo>
#include <QLabel>
#include <QListView>
#include <QListWidget>
#include <QLocale>
#include <QMenuBar>
#include <QMessageBox>
#include <QSaveFile>
#include <QSplitter>
#include <QStatusBar>
#include <QTabWidget>
#include <QTimer>
#include <QVBoxLayout>

namespace osh::ui {

MainWindow::MainWindow(QWidget *parent)
    : QMainWindow(parent)
    , m_pages(new QTabWidget(this))
    , m_files(new QListWidget(this))
    , m_editor(new PolicyEditor(this))
    , m_findBar(nullptr)
    , m_problems(new ProblemsModel(this))
    , m_problemsView(new QListView(this))
    , m_simulator(new SimulatorPage(this))
    , m_tests(new PolicyTestsPage(this))
    , m_launcher(new LauncherPage(this))
    , m_approvals(new ApprovalsPanel(this))
    , m_approvalsDock(new QDockWidget(tr("Approvals"), this))
    , m_notifier(new Notifier(this))
    , m_summary(new QLabel(this))
    , m_runtimeLabel(new QLabel(this))
{
    setWindowTitle(tr("OpenShell Studio"));

    auto *editorPage = new QWidget(this);
    auto *editorLayout = new QVBoxLayout(editorPage);
    editorLayout->setContentsMargins(0, 0, 0, 0);
    editorLayout->setSpacing(0);
    // Text left, the visual editor (forms, tables, policy order) right.
    auto *editorSplit = new QSplitter(Qt::Horizontal, editorPage);
    editorSplit->setObjectName(QStringLiteral("policySplitter"));
    editorSplit->addWidget(m_editor);
    m_visual = new VisualEditor(editorSplit);
    m_visual->setObjectName(QStringLiteral("visualEditor"));
    m_visual->setMinimumWidth(320); // its forms scroll: the text may take most of the width
    editorSplit->addWidget(m_visual);
    editorSplit->setStretchFactor(0, 3);
    editorSplit->setStretchFactor(1, 2);
    m_visual->setTextEditor(m_editor);
    editorLayout->addWidget(editorSplit);
    m_findBar = new FindBar(m_editor, editorPage);
    editorLayout->addWidget(m_findBar);
    connect(m_editor, &PolicyEditor::findRequested, m_findBar, &FindBar::open);
    connect(m_simulator, &SimulatorPage::testCaseSaved, m_tests, &PolicyTestsPage::runTests);

    // Object names identify the pages for --page and tests, whatever the language.
    editorPage->setObjectName(QStringLiteral("policyPage"));
    m_simulator->setObjectName(QStringLiteral("simulatorPage"));
    m_tests->setObjectName(QStringLiteral("testsPage"));
    m_launcher->setObjectName(QStringLiteral("launcherPage"));
    m_pages->setDocumentMode(true);
    m_pages->addTab(editorPage, tr("Policy"));
    m_pages->addTab(m_simulator, tr("Simulator"));
    m_pages->addTab(m_tests, tr("Tests"));
    m_pages->addTab(m_launcher, tr("Launcher"));
    m_replay = new ReplayPage(this);
    m_replay->setObjectName(QStringLiteral("replayPage"));
    m_pages->addTab(m_replay, tr("Replay"));
    m_replay->setPolicyTextProvider([this] { return m_editor->text(); }, [this] { return m_editor->fileName(); });
    connect(m_replay, &ReplayPage::openPolicyRequested, this, &MainWindow::openPolicyVersion);
    // The message bar shows errors inline above the pages.
    m_messageBar = new MessageBar(this);
    m_settings = Settings::instance();
    auto *central = new QWidget(this);
    auto *centralLayout = new QVBoxLayout(central);
    centralLayout->setContentsMargins(0, 0, 0, 0);
    centralLayout->setSpacing(0);
    centralLayout->addWidget(m_messageBar);
    centralLayout->addWidget(m_pages, 1);
    setCentralWidget(central);

    auto *filesDock = new QDockWidget(tr("Policies"), this);
    filesDock->setObjectName(QStringLiteral("policiesDock"));
    m_files->setObjectName(QStringLiteral("policyFiles"));
    filesDock->setWidget(m_files);
    addDockWidget(Qt::LeftDockWidgetArea, filesDock);

    m_approvalsDock->setObjectName(QStringLiteral("approvalsDock"));
    m_approvalsDock->setWidget(m_approvals);
    addDockWidget(Qt::LeftDockWidgetArea, m_approvalsDock);

    m_problemsView->setModel(m_problems);
    auto *problemsDock = new QDockWidget(tr("Problems"), this);
    problemsDock->setObjectName(QStringLiteral("problemsDock"));
    problemsDock->setWidget(m_problemsView);
    addDockWidget(Qt::BottomDockWidgetArea, problemsDock);

    // The current policy file's git history (commit, compare, restore, deploy).
    m_history = new HistoryPanel(this);
    m_history->setWorkingTextProvider([this] { return m_editor->text(); });
    auto *historyDock = new QDockWidget(tr("History"), this);
    historyDock->setObjectName(QStringLiteral("historyDock"));
    historyDock->setWidget(m_history);
    addDockWidget(Qt::BottomDockWidgetArea, historyDock);
    tabifyDockWidget(problemsDock, historyDock);
    problemsDock->raise();
    // A restored version replaces the file (the panel asked first): reload it.
    connect(m_history, &HistoryPanel::fileRestored, this, &MainWindow::loadPolicy);
    connect(m_history, &HistoryPanel::message, this, [this](const QString &text, bool error) {
        if (error)
            m_messageBar->showError(text);
        else
            m_messageBar->showInformation(text, 5000);
    });
    m_runtimeLabel->setObjectName(QStringLiteral("runtimeStatus"));
    statusBar()->addPermanentWidget(m_runtimeLabel);
    statusBar()->addPermanentWidget(m_summary);

    auto *file = menuBar()->addMenu(tr("&File"));
    auto *save = file->addAction(tr("&Save"), this, &MainWindow::savePolicy);
    save->setShortcut(QKeySequence::Save);
    auto *commit = file->addAction(tr("&Commit…"), this, [this, historyDock] {
        // Commits what is saved: save the editor first.
        if (!savePolicy())
            return;
        historyDock->show();
        historyDock->raise();
        m_history->showCommitDialog();
    });
    commit->setShortcut(QKeySequence(Qt::CTRL | Qt::ALT | Qt::Key_S));
    auto *quit = file->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setShortcut(QKeySequence::Quit);
    auto *edit = menuBar()->addMenu(tr("&Edit"));
    edit->addAction(tr("Go to Policy or Rule…"), m_editor, &PolicyEditor::showGoTo);
    auto *view = menuBar()->addMenu(tr("&View"));
    for (int i = 0; i < m_pages->count(); ++i) {
        auto *a = view->addAction(m_pages->tabText(i), this, [this, i] { m_pages->setCurrentIndex(i); });
        a->setShortcut(QKeySequence(Qt::ALT | static_cast<Qt::Key>(Qt::Key_1 + i)));
    }
    auto *visualAction = view->addAction(tr("Visual editor"));
    visualAction->setObjectName(QStringLiteral("toggleVisualEditor"));
    visualAction->setCheckable(true);
    visualAction->setChecked(true);
    visualAction->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_V));
    connect(visualAction, &QAction::toggled, m_visual, &QWidget::setVisible);
    setupShell(file, edit, view);

    connect(m_editor, &PolicyEditor::diagnosticsChanged, this, [this](const Diagnostics &d) {
        // No file open (a workspace without policies): nothing to report.
        m_problems->setDiagnostics(m_editor->fileName().isEmpty() ? Diagnostics() : d);
        updateSummary();
        policyTextChecked();
    });
    connect(m_problemsView, &QListView::activated, this, [this](const QModelIndex &i) {
        m_pages->setCurrentIndex(0);
        m_editor->goToPosition(i.data(ProblemsModel::LineRole).toInt(), i.data(ProblemsModel::ColumnRole).toInt());
    });
    connect(m_files, &QListWidget::currentTextChanged, this, [this](const QString &name) {
        if (name.isEmpty() || openPolicy(QDir(m_workspace).filePath(name)))
            return;
        // Not opened (kept the unsaved edits, or unreadable): the list shows
        // the file the editor holds.
        const QSignalBlocker block(m_files);
        const auto items = m_files->findItems(QDir(m_workspace).relativeFilePath(m_editor->fileName()), Qt::MatchExactly);
        if (!items.isEmpty())
            m_files->setCurrentItem(items.first());
        else
            m_files->setCurrentRow(-1);
    });
    // Unsaved edits show: the title's * and the file's entry in bold.
    connect(m_editor, &QsciScintilla::modificationChanged, this, [this](bool modified) {
        setWindowModified(modified);
        markModifiedFile();
        m_tests->setUnsavedEdits(modified);
    });
    // And are kept aside a moment after each change, for a crash.
    m_autosave = new QTimer(this);
    m_autosave->setSingleShot(true);
    m_autosave->setInterval(2000);
    connect(m_autosave, &QTimer::timeout, this, &MainWindow::keepUnsavedEdits);
    connect(m_editor, &QsciScintilla::textChanged, this, [this] {
        if (m_editor->isModified() && !m_editor->fileName().isEmpty())
            m_autosave->start();
    });
    connect(m_approvals, &ApprovalsPanel::pendingCountChanged, this, [this](int n) {
        m_approvalsDock->setWindowTitle(n > 0 ? tr("Approvals (%1 pending)").arg(n) : tr("Approvals"));
        if (n > 0)
            m_approvalsDock->raise();
    });
    connect(m_approvals, &ApprovalsPanel::newApproval, m_notifier, &Notifier::notifyApproval);
    connect(m_notifier, &Notifier::activated, this, [this] {
        m_approvalsDock->show();
        m_approvalsDock->raise();
        activateWindow();
    });
    setRuntime(StudioRuntime::detect());
    // An explicit minimum: without it the layout sets the window's minimum
    // from its content's, and a page that grows (a form, a message) would
    // enlarge the window by itself. The pages scroll or squeeze instead;
    // tst_layout checks they still fit at 1024x700.
    setMinimumSize(640, 480);
    resize(1400, 900);
}

void MainWindow::setRuntime(const StudioRuntime &runtime)
{
    m_runtime = runtime;
    ServiceClient *old = m_service;
    m_service = nullptr;
    if (m_runtime.kind == StudioRuntime::Kind::Service) {
        m_service = new ServiceClient(*m_runtime.endpoint, this);
        connect(m_service, &ServiceClient::reachabilityChanged, this, [this](bool reachable, const QString &error) {
            m_runtimeLabel->setText(reachable ? m_runtime.statusText()
                                              : tr("openshelld at %1 does not answer").arg(m_runtime.endpointText()));
            m_runtimeLabel->setToolTip(reachable ? QString() : error + u'\n' + StudioRuntime::howToStart());
            if (!reachable)
                m_messageBar->showError(tr("openshelld at %1 does not answer: %2").arg(m_runtime.endpointText(), error));
        });
        m_launcher->setRuntime(m_runtime, m_service);
        m_approvals->setService(m_service);
        const QString cache = ReplayPage::defaultCachePath();
        if (!m_replay->setService(m_service, cache))
            m_messageBar->showError(tr("The replay cache %1 cannot be opened.").arg(cache));
        m_service->probe();
        m_launcher->setStore(nullptr);
        m_store.reset(); // nothing reads it any more
    } else {
        m_launcher->setRuntime(m_runtime);
        // The user's own store: in-process sessions, imports, osctl's local runs.
        setStorePath(QString::fromStdString(AuditStore::defaultPath()));
    }
    delete old; // waits for its calls; their answers are dropped
    m_runtimeLabel->setText(m_runtime.statusText());
    m_runtimeLabel->setToolTip(m_runtime.kind == StudioRuntime::Kind::None ? m_runtime.note + u'\n' + StudioRuntime::howToStart()
                                                                          : m_runtime.note);
}

QString MainWindow::runtimeStatusText() const { return m_runtimeLabel->text(); }

MainWindow::~MainWindow()
{
    // Pages that hold the store must let go of it first.
    m_approvals->setStore(nullptr);
    m_replay->setStore(nullptr);
}

void MainWindow::setStorePath(const QString &path)
{
    const bool service = m_runtime.kind == StudioRuntime::Kind::Service;
    if (!service)
        m_approvals->setStore(nullptr);
    std::string error;
    auto store = AuditStore::open(path.toStdString(), AuditStore::userWriterOptions(path.toStdString()), error);
    if (!store) {
        m_messageBar->showError(tr("Audit store %1 cannot be opened: %2")
                                    .arg(QString::fromStdString(AuditStore::displayName(path.toStdString())),
                                         QString::fromStdString(error)));
        return;
    }
    if (!store->signingProblem().empty())
        qWarning("the audit store's checkpoints are not signed: %s", store->signingProblem().c_str());
    m_launcher->setStore(store.get());
    if (!service) {
        m_approvals->setStore(store.get());
        m_replay->setStore(store.get());
    }
    m_store = std::move(store);
}

bool MainWindow::openWorkspace(const QString &path)
{
    const QDir dir(path);
    if (!dir.exists()) {
        m_messageBar->showError(tr("Workspace %1 does not exist").arg(path));
        return false;
    }
    if (!confirmDiscard(tr("opening the workspace %1").arg(dir.dirName())))
        return false;
    m_workspace = dir.absolutePath();
    setWindowTitle(tr("%1[*] — OpenShell Studio").arg(dir.dirName()));
    // Nothing of the previous workspace stays editable (or saved into it).
    closePolicy();
    m_files->clear();
    const auto policies = dir.entryList({QStringLiteral("*.policy.yaml")}, QDir::Files, QDir::Name);
    m_files->addItems(policies);
    m_simulator->setWorkspace(m_workspace);
    m_tests->setWorkspace(m_workspace);
    m_launcher->setWorkspace(m_workspace);
    m_history->setWorkspace(m_workspace);
    if (!policies.isEmpty())
        m_files->setCurrentRow(0);
    else
        statusBar()->showMessage(tr("No *.policy.yaml files in %1").arg(m_workspace));
    return true;
}

bool MainWindow::confirmDiscard(const QString &action)
{
    if (!m_editor->isModified())
        return true;
    const QString file = QFileInfo(m_editor->fileName()).fileName();
    QMessageBox::StandardButton answer;
    if (m_unsavedPrompt) {
        answer = m_unsavedPrompt(file, action);
    } else {
        QMessageBox box(QMessageBox::Warning, tr("Unsaved changes"), tr("%1 has unsaved changes.").arg(file),
                        QMessageBox::Save | QMessageBox::Discard | QMessageBox::Cancel, this);
        box.setInformativeText(tr("Save them before %1?").arg(action));
        box.setDefaultButton(QMessageBox::Save);
        answer = static_cast<QMessageBox::StandardButton>(box.exec());
    }
    switch (answer) {
    case QMessageBox::Save: return savePolicy();
    case QMessageBox::Discard:
        m_autosave->stop();
        RecoveryFiles::remove(m_editor->fileName());
        m_editor->setModified(false);
        return true;
    default: return false;
    }
}

void MainWindow::closePolicy()
{
    m_editor->setFileName(QString());
    m_editor->setText(QString());
    m_editor->setModified(false);
    m_editor->setReadOnly(true);
    m_history->setFile(QString());
    m_problems->setDiagnostics({});
    updateSummary();
}

void MainWindow::markModifiedFile()
{
    const QString current = QDir(m_workspace).relativeFilePath(m_editor->fileName());
    for (int i = 0; i < m_files->count(); ++i) {
        QListWidgetItem *item = m_files->item(i);
        const bool modified = m_editor->isModified() && item->text() == current;
        QFont font = item->font();
        font.setBold(modified);
        item->setFont(font);
        item->setToolTip(modified ? tr("Unsaved changes") : QString());
    }
}

void MainWindow::keepUnsavedEdits()
{
    if (!m_editor->isModified() || m_editor->fileName().isEmpty())
        return;
    QString error;
    if (!RecoveryFiles::write(m_editor->fileName(), m_editor->text(), &error))
        statusBar()->showMessage(tr("Unsaved edits could not be kept aside for recovery: %1").arg(error), 5000);
}

void MainWindow::offerRecoveredEdits(const QString &onDisk)
{
    const QString file = m_editor->fileName();
    const auto kept = RecoveryFiles::read(file);
    if (!kept)
        return;
    if (kept->text == onDisk) { // saved after all
        RecoveryFiles::remove(file);
        return;
    }
    const QString name = QFileInfo(file).fileName();
    const QString when = QLocale().toString(kept->savedAt.toLocalTime(), QLocale::ShortFormat);
    const bool restore = m_recoveryPrompt
        ? m_recoveryPrompt(name, kept->savedAt)
        : QMessageBox::question(this, tr("Recover unsaved edits"),
                                tr("%1 has unsaved edits from %2, kept when the studio did not close normally. "
                                   "Restore them?")
                                    .arg(name, when),
                                QMessageBox::Yes | QMessageBox::No, QMessageBox::Yes)
            == QMessageBox::Yes;
    if (!restore) {
        RecoveryFiles::remove(file);
        return;
    }
    m_editor->setText(kept->text); // unsaved: marked, and kept aside again
    m_messageBar->showInformation(tr("Unsaved edits of %1 from %2 restored: save them to keep them.").arg(name, when), 8000);
}

bool MainWindow::openPolicy(const QString &fileName)
{
    const QString path = QFileInfo(fileName).absoluteFilePath();
    // The file being edited: its edits stay.
    if (path == m_editor->fileName() && m_editor->isModified())
        return true;
    if (!confirmDiscard(tr("opening %1").arg(QFileInfo(fileName).fileName())))
        return false;
    return loadPolicy(fileName);
}

bool MainWindow::loadPolicy(const QString &fileName)
{
    QFile f(fileName);
    if (!f.open(QIODevice::ReadOnly)) {
        m_messageBar->showError(tr("Cannot open %1: %2").arg(fileName, f.errorString()));
        return false;
    }
    m_editor->setFileName(QFileInfo(fileName).absoluteFilePath());
    m_editor->setReadOnly(false);
    const QString onDisk = QString::fromUtf8(f.readAll());
    m_editor->setText(onDisk);
    m_editor->setModified(false);
    offerRecoveredEdits(onDisk);
    m_editor->validateNow();
    m_launcher->setPolicyFile(QFileInfo(fileName).absoluteFilePath());
    m_history->setFile(QFileInfo(fileName).absoluteFilePath());
    return true;
}

void MainWindow::policyTextChecked()
{
    // The simulator follows the editor's text whenever it loads without errors.
    if (hasErrors(m_problems->diagnostics()))
        return;
    const QByteArray utf8 = m_editor->text().toUtf8();
    auto res = PolicyLoader::loadText(std::string_view(utf8.constData(), static_cast<size_t>(utf8.size())),
                                      m_editor->fileName().toStdString());
    if (res.document && !hasErrors(res.diagnostics))
        m_simulator->setPolicy(res.document, m_editor->fileName());
}

bool MainWindow::savePolicy()
{
    if (m_editor->fileName().isEmpty()) {
        m_messageBar->showError(tr("No policy file is open: there is nothing to save."));
        return false;
    }
    QSaveFile f(m_editor->fileName());
    if (m_editor->fileName().isEmpty() || !f.open(QIODevice::WriteOnly)) {
        m_messageBar->showError(tr("Cannot save %1: %2").arg(m_editor->fileName(), f.errorString()));
        return false;
    }
    f.write(m_editor->text().toUtf8());
    if (!f.commit()) {
        m_messageBar->showError(tr("Saving %1 failed: %2").arg(m_editor->fileName(), f.errorString()));
        return false;
    }
    m_editor->setModified(false);
    m_autosave->stop();
    RecoveryFiles::remove(m_editor->fileName());
    statusBar()->showMessage(tr("Saved %1").arg(m_editor->fileName()), 3000);
    // A workspace becomes a git repository on its first save (docs/versioning.md).
    const QString saved = QFileInfo(m_editor->fileName()).absoluteFilePath();
    if (!m_workspace.isEmpty() && saved.startsWith(QDir(m_workspace).absolutePath() + QLatin1Char('/'))
        && !vcs::PolicyRepository::discover(saved)) {
        if (auto repo = vcs::PolicyRepository::init(m_workspace); !repo)
            m_messageBar->showError(tr("The workspace could not be made a git repository: %1").arg(repo.error));
    }
    m_history->refresh();
    return true;
}

void MainWindow::updateSummary()
{
    int errors = 0, warnings = 0;
    for (const auto &d : m_problems->diagnostics()) {
        errors += d.severity == Severity::Error;
        warnings += d.severity == Severity::Warning;
    }
    m_summary->setText(tr("%n error(s)", nullptr, errors) + QStringLiteral(", ") + tr("%n warning(s)", nullptr, warnings));
}

void MainWindow::openPolicyVersion(const QString &file, const QString &commit, int line)
{
    QString why;
    if (!commit.isEmpty()) {
        // The version in force when the session ran: the working file if it
        // still is that version, else that version's text, read-only.
        auto repo = vcs::PolicyRepository::discover(file);
        auto status = repo ? repo->status(file) : vcs::Result<vcs::FileStatus>::fail(repo.error);
        if (status && status->headId == commit && !status->dirty()) {
            why.clear();
        } else if (auto content = repo ? repo->contentAt(commit, file) : vcs::Result<QByteArray>::fail(repo.error)) {
            auto *dialog = new QDialog(this);
            dialog->setAttribute(Qt::WA_DeleteOnClose);
            dialog->setWindowTitle(tr("%1 at %2 (read-only)").arg(QFileInfo(file).fileName(), commit.left(7)));
            auto *layout = new QVBoxLayout(dialog);
            auto *view = new PolicyEditor(dialog);
            view->setFileName(file);
            view->setText(QString::fromUtf8(*content));
            view->setReadOnly(true);
            view->validateNow();
            layout->addWidget(view);
            dialog->resize(900, 700);
            dialog->show();
            if (line > 0)
                view->goToPosition(line, 1);
            return;
        } else {
            why = tr("version %1 of %2 cannot be read (%3); showing the working file").arg(commit.left(7), file, content.error);
        }
    }
    if (!openPolicy(file))
        return;
    m_pages->setCurrentIndex(0);
    if (line > 0)
        m_editor->goToPosition(line, 1);
    if (!why.isEmpty())
        m_messageBar->showError(why);
    else if (line <= 0)
        m_messageBar->showInformation(tr("The policy was not found in %1; it may have been renamed or removed.").arg(file), 8000);
}

} // namespace osh::ui
