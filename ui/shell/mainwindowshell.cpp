// The main window's shell (menus, toolbar, icons, session restore and save,
// recent workspaces, preferences, about): the part of MainWindow that is not
// about any one page, kept out of mainwindow.cpp so that file stays the
// assembly of pages and docks.

#include "shell/mainwindow.h"

#include "launcher/launcherpage.h"
#include "editor/policyeditor.h"
#include "policytests/policytestspage.h"
#include "simulator/simulatorpage.h"

#include "shell/aboutdialog.h"
#include "shell/messagebar.h"
#include "shell/preferencesdialog.h"
#include "shell/settings.h"
#include "shell/themedicon.h"
#include "shell/workspacelocator.h"

#include <QActionGroup>
#include <QApplication>
#include <QCloseEvent>
#include <QDir>
#include <QDockWidget>
#include <QFileDialog>
#include <QFileInfo>
#include <QListWidget>
#include <QMenu>
#include <QMenuBar>
#include <QScreen>
#include <QSplitter>
#include <QTabWidget>
#include <QTimer>
#include <QToolBar>

namespace osh::ui {

namespace {

// Bump when the docks or toolbars change in a way an old saved state would
// restore wrongly; a state of another version is ignored.
constexpr int kWindowStateVersion = 1;

QAction *findAction(QMenu *menu, const QKeySequence &shortcut)
{
    for (QAction *a : menu->actions())
        if (a->shortcut() == shortcut)
            return a;
    return nullptr;
}

// The tab that shows `w` (the editor sits inside its page's layout).
int pageIndexOf(const QTabWidget *pages, QWidget *w)
{
    for (; w; w = w->parentWidget())
        if (const int i = pages->indexOf(w); i >= 0)
            return i;
    return -1;
}

} // namespace

void MainWindow::setupShell(QMenu *file, QMenu *edit, QMenu *view)
{
    setWindowIcon(themedIcon(QStringLiteral("app.svg")));
    QAction *save = findAction(file, QKeySequence(QKeySequence::Save));
    QAction *first = file->actions().value(0);

    auto *open = new QAction(themedIcon(QStringLiteral("open.svg")), tr("&Open Workspace…"), this);
    open->setObjectName(QStringLiteral("openWorkspaceAction"));
    open->setShortcut(QKeySequence::Open);
    connect(open, &QAction::triggered, this, [this] {
        const QString dir = QFileDialog::getExistingDirectory(this, tr("Open Workspace"), m_workspace);
        if (!dir.isEmpty())
            switchWorkspace(dir);
    });
    file->insertAction(first, open);
    auto *openFile = new QAction(tr("Open &File…"), this);
    openFile->setObjectName(QStringLiteral("openFileAction"));
    openFile->setShortcut(QKeySequence(Qt::CTRL | Qt::ALT | Qt::Key_O));
    connect(openFile, &QAction::triggered, this, [this] {
        const QString path = QFileDialog::getOpenFileName(this, tr("Open Policy"), m_workspace,
                                                          tr("Policies (*.policy.yaml);;YAML files (*.yaml *.yml)"));
        if (!path.isEmpty())
            this->openFile(path);
    });
    file->insertAction(first, openFile);
    m_recentMenu = new QMenu(tr("Open &Recent"), this);
    m_recentMenu->setIcon(themedIcon(QStringLiteral("recent.svg")));
    file->insertMenu(first, m_recentMenu);
    auto *reload = new QAction(tr("Re&load Workspace"), this);
    reload->setShortcut(QKeySequence::Refresh);
    connect(reload, &QAction::triggered, this, [this] {
        if (!m_workspace.isEmpty())
            switchWorkspace(m_workspace);
    });
    file->insertAction(first, reload);
    file->insertSeparator(first);
    if (save)
        save->setIcon(themedIcon(QStringLiteral("save.svg")));
    if (QAction *quit = findAction(file, QKeySequence(QKeySequence::Quit)))
        quit->setIcon(themedIcon(QStringLiteral("quit.svg")));

    edit->addSeparator();
    auto *prefs = edit->addAction(themedIcon(QStringLiteral("settings.svg")), tr("&Preferences…"), this, [this] {
        PreferencesDialog dialog(m_settings, this);
        dialog.exec();
    });
    prefs->setObjectName(QStringLiteral("preferencesAction"));
    prefs->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Comma));
    prefs->setMenuRole(QAction::PreferencesRole);

    // Page icons, on the tabs and on View's page actions (same order).
    const QList<QPair<QWidget *, QString>> pageIcons{
        {m_editor, QStringLiteral("policy.svg")},
        {m_simulator, QStringLiteral("simulator.svg")},
        {m_tests, QStringLiteral("tests.svg")},
        {m_launcher, QStringLiteral("launcher.svg")},
    };
    for (const auto &[page, icon] : pageIcons)
        if (const int i = pageIndexOf(m_pages, page); i >= 0) {
            m_pages->setTabIcon(i, themedIcon(icon));
            if (QAction *a = view->actions().value(i))
                a->setIcon(themedIcon(icon));
        }

    view->addSeparator();
    auto *themeMenu = view->addMenu(themedIcon(QStringLiteral("theme.svg")), tr("&Theme"));
    auto *themes = new QActionGroup(this);
    const QList<QPair<Settings::Theme, QString>> themeItems{
        {Settings::Theme::System, tr("Follow the &System")},
        {Settings::Theme::Light, tr("&Light")},
        {Settings::Theme::Dark, tr("&Dark")},
    };
    for (const auto &[theme, text] : themeItems) {
        QAction *a = themeMenu->addAction(text);
        a->setCheckable(true);
        a->setChecked(m_settings->theme() == theme);
        a->setActionGroup(themes);
        connect(a, &QAction::triggered, this, [this, theme] { m_settings->setTheme(theme); });
        connect(m_settings, &Settings::themeChanged, a, [a, theme](Settings::Theme t) { a->setChecked(t == theme); });
    }
    auto *languageMenu = view->addMenu(themedIcon(QStringLiteral("language.svg")), tr("&Language"));
    auto *languages = new QActionGroup(this);
    const QList<QPair<Settings::Language, QString>> languageItems{
        {Settings::Language::System, tr("&System Language")},
        {Settings::Language::English, QStringLiteral("&English")},
        {Settings::Language::German, QStringLiteral("&Deutsch")},
    };
    for (const auto &[language, text] : languageItems) {
        QAction *a = languageMenu->addAction(text);
        a->setCheckable(true);
        a->setChecked(m_settings->language() == language);
        a->setActionGroup(languages);
        connect(a, &QAction::triggered, this, [this, language] { m_settings->setLanguage(language); });
        connect(m_settings, &Settings::languageChanged, a, [a, language](Settings::Language l) { a->setChecked(l == language); });
    }
    connect(m_settings, &Settings::languageChanged, this, [this] {
        m_messageBar->showInformation(tr("The new language applies when OpenShell Studio starts again."), 15000);
    });
    auto *panels = view->addMenu(tr("&Panels"));
    for (auto *dock : findChildren<QDockWidget *>(Qt::FindDirectChildrenOnly))
        panels->addAction(dock->toggleViewAction());

    auto *help = menuBar()->addMenu(tr("&Help"));
    auto *about = help->addAction(themedIcon(QStringLiteral("about.svg")), tr("&About OpenShell Studio"), this, [this] {
        AboutDialog dialog(this);
        dialog.exec();
    });
    about->setMenuRole(QAction::AboutRole);
    help->addAction(tr("About &Qt"), qApp, &QApplication::aboutQt)->setMenuRole(QAction::AboutQtRole);

    auto *toolbar = addToolBar(tr("Main"));
    toolbar->setObjectName(QStringLiteral("mainToolBar"));
    toolbar->setMovable(false);
    toolbar->addAction(open);
    if (save)
        toolbar->addAction(save);
    toolbar->addSeparator();
    toolbar->addAction(prefs);

    connect(m_settings, &Settings::recentWorkspacesChanged, this, &MainWindow::updateRecentMenu);
    updateRecentMenu();
}

void MainWindow::updateRecentMenu()
{
    m_recentMenu->clear();
    const QStringList recent = m_settings->recentWorkspaces();
    int n = 0;
    for (const QString &path : recent) {
        ++n;
        const QString label = n < 10 ? QStringLiteral("&%1 %2").arg(n).arg(QDir(path).dirName()) : QDir(path).dirName();
        QAction *a = m_recentMenu->addAction(label, this, [this, path] { switchWorkspace(path); });
        a->setData(path);
        a->setToolTip(QDir::toNativeSeparators(path));
        a->setStatusTip(QDir::toNativeSeparators(path));
    }
    if (recent.isEmpty())
        m_recentMenu->addAction(tr("No Recent Workspaces"))->setEnabled(false);
    m_recentMenu->addSeparator();
    auto *clear = m_recentMenu->addAction(tr("&Clear List"), m_settings, &Settings::clearRecentWorkspaces);
    clear->setEnabled(!recent.isEmpty());
}

bool MainWindow::switchWorkspace(const QString &path)
{
    rememberOpenFiles();
    m_messageBar->dismiss();
    if (!confirmDiscard(tr("opening the workspace %1").arg(QDir(path).dirName())))
        return false; // cancelled: the workspace stays, and so do its edits
    if (!openWorkspace(path)) {
        m_settings->removeRecentWorkspace(path); // gone: do not offer it again
        return false;
    }
    m_settings->addRecentWorkspace(m_workspace);
    // The studio has one policy editor: the open file is the current one.
    const QString current = m_settings->currentFile(m_workspace);
    if (!current.isEmpty() && current != m_editor->fileName()) {
        const auto items = m_files->findItems(QDir(m_workspace).relativeFilePath(current), Qt::MatchExactly);
        if (!items.isEmpty())
            m_files->setCurrentItem(items.first());
        else if (QFileInfo::exists(current))
            openPolicy(current);
    }
    return true;
}

void MainWindow::rememberOpenFiles()
{
    // The editor keeps the last file of a workspace without policies: only
    // a file inside the workspace belongs to it.
    const QString file = m_editor->fileName();
    if (m_workspace.isEmpty() || !file.startsWith(m_workspace + QLatin1Char('/')))
        return;
    m_settings->setOpenFiles(m_workspace, {file}, file);
}

bool MainWindow::openFile(const QString &path)
{
    const QFileInfo info(path);
    if (!info.isFile()) {
        m_messageBar->showError(tr("%1 is not a file").arg(path));
        return false;
    }
    // The file's folder is the workspace: a save never goes elsewhere.
    const QString folder = info.absolutePath();
    if (folder != m_workspace && !switchWorkspace(folder))
        return false;
    if (const auto items = m_files->findItems(info.fileName(), Qt::MatchExactly); !items.isEmpty())
        m_files->setCurrentItem(items.first()); // opens it
    else if (!openPolicy(info.absoluteFilePath()))
        return false;
    return m_editor->fileName() == info.absoluteFilePath();
}

void MainWindow::restoreSession(const QString &argument)
{
    // A policy file: its folder is the workspace.
    const bool fileArgument = !argument.isEmpty() && QFileInfo(argument).isFile();
    const QString workspaceArgument = fileArgument ? QFileInfo(argument).absolutePath() : argument;
    if (const QByteArray g = m_settings->windowGeometry(); !g.isEmpty())
        restoreGeometry(g);
    else if (const QScreen *s = screen()) // first start: fit small or scaled screens
        resize(size().boundedTo(s->availableGeometry().size() * 0.9));
    if (const QByteArray s = m_settings->windowState(); !s.isEmpty()) {
        restoreState(s, kWindowStateVersion);
    } else {
        // First start: the pages keep most of the room (once laid out, so the sizes hold).
        QTimer::singleShot(0, this, [this] {
            const auto dock = [this](const char *name) { return findChild<QDockWidget *>(QLatin1StringView(name)); };
            auto *problems = dock("problemsDock");
            auto *history = dock("historyDock");
            if (problems && history) // tabified: both take the height
                resizeDocks({problems, history}, {150, 150}, Qt::Vertical);
            if (auto *policies = dock("policiesDock"))
                resizeDocks({policies}, {240}, Qt::Horizontal);
            if (auto *split = findChild<QSplitter *>(QStringLiteral("policySplitter"))) // text 55 %, forms 45 %
                split->setSizes({split->width() * 11 / 20, split->width() * 9 / 20});
        });
    }
    QString note;
    const QString workspace = initialWorkspace(workspaceArgument, *m_settings, &note);
    if (workspace.isEmpty()) {
        m_messageBar->showError(tr("The demo workspace was not found. Open a folder with File › Open Workspace…"));
        return;
    }
    if (!switchWorkspace(workspace))
        return;
    if (fileArgument)
        openFile(argument);
    if (!note.isEmpty())
        m_messageBar->showError(note);
    if (const int page = m_settings->lastPage(); page < m_pages->count())
        m_pages->setCurrentIndex(page);
}

void MainWindow::saveSession()
{
    m_settings->setWindowGeometry(saveGeometry());
    m_settings->setWindowState(saveState(kWindowStateVersion));
    m_settings->setLastPage(m_pages->currentIndex());
    rememberOpenFiles();
    m_settings->sync();
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    if (!confirmDiscard(tr("quitting"))) {
        event->ignore();
        return;
    }
    saveSession();
    QMainWindow::closeEvent(event);
}

void MainWindow::setDarkMode(bool dark)
{
    // The policy editor's lexer has its own colours for each scheme.
    m_editor->setDarkMode(dark);
}

} // namespace osh::ui
