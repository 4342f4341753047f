#include "mainwindow.h"

#include "policyeditor.h"
#include "problemsmodel.h"

#include <QAction>
#include <QDir>
#include <QDockWidget>
#include <QFile>
#include <QFileInfo>
#include <QLabel>
#include <QListView>
#include <QListWidget>
#include <QMenuBar>
#include <QSaveFile>
#include <QStatusBar>

namespace osh::ui {

MainWindow::MainWindow(QWidget *parent)
    : QMainWindow(parent)
    , m_files(new QListWidget(this))
    , m_editor(new PolicyEditor(this))
    , m_problems(new ProblemsModel(this))
    , m_problemsView(new QListView(this))
    , m_summary(new QLabel(this))
{
    setWindowTitle(tr("OpenShell Studio"));
    setCentralWidget(m_editor);

    auto *filesDock = new QDockWidget(tr("Policies"), this);
    filesDock->setObjectName(QStringLiteral("policiesDock"));
    filesDock->setWidget(m_files);
    addDockWidget(Qt::LeftDockWidgetArea, filesDock);

    m_problemsView->setModel(m_problems);
    auto *problemsDock = new QDockWidget(tr("Problems"), this);
    problemsDock->setObjectName(QStringLiteral("problemsDock"));
    problemsDock->setWidget(m_problemsView);
    addDockWidget(Qt::BottomDockWidgetArea, problemsDock);
    statusBar()->addPermanentWidget(m_summary);

    auto *file = menuBar()->addMenu(tr("&File"));
    auto *save = file->addAction(tr("&Save"), this, &MainWindow::savePolicy);
    save->setShortcut(QKeySequence::Save);
    auto *quit = file->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setShortcut(QKeySequence::Quit);

    connect(m_editor, &PolicyEditor::diagnosticsChanged, this, [this](const Diagnostics &d) {
        m_problems->setDiagnostics(d);
        updateSummary();
    });
    connect(m_problemsView, &QListView::activated, this, [this](const QModelIndex &i) {
        m_editor->goToPosition(i.data(ProblemsModel::LineRole).toInt(), i.data(ProblemsModel::ColumnRole).toInt());
    });
    connect(m_files, &QListWidget::currentTextChanged, this, [this](const QString &name) {
        if (!name.isEmpty())
            openPolicy(QDir(m_workspace).filePath(name));
    });
    resize(1280, 800);
}

bool MainWindow::openWorkspace(const QString &path)
{
    const QDir dir(path);
    if (!dir.exists()) {
        statusBar()->showMessage(tr("Workspace %1 does not exist").arg(path));
        return false;
    }
    m_workspace = dir.absolutePath();
    setWindowTitle(tr("%1 — OpenShell Studio").arg(dir.dirName()));
    m_files->clear();
    const auto policies = dir.entryList({QStringLiteral("*.policy.yaml")}, QDir::Files, QDir::Name);
    m_files->addItems(policies);
    if (!policies.isEmpty())
        m_files->setCurrentRow(0);
    else
        statusBar()->showMessage(tr("No *.policy.yaml files in %1").arg(m_workspace));
    return true;
}

bool MainWindow::openPolicy(const QString &fileName)
{
    QFile f(fileName);
    if (!f.open(QIODevice::ReadOnly)) {
        statusBar()->showMessage(tr("Cannot open %1: %2").arg(fileName, f.errorString()));
        return false;
    }
    m_editor->setFileName(QFileInfo(fileName).absoluteFilePath());
    m_editor->setText(QString::fromUtf8(f.readAll()));
    m_editor->validateNow();
    return true;
}

void MainWindow::savePolicy()
{
    QSaveFile f(m_editor->fileName());
    if (m_editor->fileName().isEmpty() || !f.open(QIODevice::WriteOnly)) {
        statusBar()->showMessage(tr("Cannot save %1: %2").arg(m_editor->fileName(), f.errorString()));
        return;
    }
    f.write(m_editor->text().toUtf8());
    if (!f.commit())
        statusBar()->showMessage(tr("Saving %1 failed: %2").arg(m_editor->fileName(), f.errorString()));
    else
        statusBar()->showMessage(tr("Saved %1").arg(m_editor->fileName()), 3000);
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

} // namespace osh::ui
