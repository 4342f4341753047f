#include "policytests/policytestspage.h"

#include "policytests/testresultsmodel.h"
#include "util/qtext.h"

#include <QDir>
#include <QFileInfo>
#include <QFileSystemWatcher>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QJsonDocument>
#include <QLabel>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSplitter>
#include <QTableView>
#include <QTimer>
#include <QVBoxLayout>

namespace osh::ui {

PolicyTestsPage::PolicyTestsPage(QWidget *parent) : QWidget(parent)
{
    m_model = new TestResultsModel(this);
    m_run = new QPushButton(tr("Run tests"));
    m_run->setObjectName(QStringLiteral("runTests"));
    connect(m_run, &QPushButton::clicked, this, &PolicyTestsPage::runTests);
    m_summary = new QLabel;
    m_summary->setObjectName(QStringLiteral("summary"));
    m_messageBar = new QLabel;
    m_messageBar->setObjectName(QStringLiteral("messageBar"));
    m_messageBar->setWordWrap(true);
    m_messageBar->setVisible(false);

    m_view = new QTableView;
    m_view->setObjectName(QStringLiteral("results"));
    m_view->setModel(m_model);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    // The case names take the room; status and file fit their contents.
    m_view->horizontalHeader()->setSectionResizeMode(TestResultsModel::StatusColumn, QHeaderView::ResizeToContents);
    m_view->horizontalHeader()->setSectionResizeMode(TestResultsModel::CaseColumn, QHeaderView::Stretch);
    m_view->horizontalHeader()->setSectionResizeMode(TestResultsModel::FileColumn, QHeaderView::ResizeToContents);
    m_view->setWordWrap(false);
    m_view->verticalHeader()->hide();
    connect(m_view->selectionModel(), &QItemSelectionModel::currentRowChanged, this, &PolicyTestsPage::showDetails);

    m_details = new QPlainTextEdit;
    m_details->setObjectName(QStringLiteral("details"));
    m_details->setReadOnly(true);
    m_details->setPlaceholderText(tr("Select a case to see its expectation, decision and trace"));
    m_coverage = new QListWidget;
    m_coverage->setObjectName(QStringLiteral("coverage"));

    auto *top = new QHBoxLayout;
    top->addWidget(m_run);
    top->addWidget(m_summary, 1);
    auto *bottom = new QSplitter;
    auto *detailsBox = new QWidget;
    auto *detailsLayout = new QVBoxLayout(detailsBox);
    detailsLayout->setContentsMargins(0, 0, 0, 0);
    detailsLayout->addWidget(new QLabel(tr("Details")));
    detailsLayout->addWidget(m_details);
    auto *coverageBox = new QWidget;
    auto *coverageLayout = new QVBoxLayout(coverageBox);
    coverageLayout->setContentsMargins(0, 0, 0, 0);
    coverageLayout->addWidget(new QLabel(tr("Not exercised by any case")));
    coverageLayout->addWidget(m_coverage);
    bottom->addWidget(detailsBox);
    bottom->addWidget(coverageBox);
    auto *split = new QSplitter(Qt::Vertical);
    split->addWidget(m_view);
    split->addWidget(bottom);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_messageBar);
    layout->addLayout(top);
    layout->addWidget(split, 1);
    m_run->setEnabled(false);

    m_watcher = new QFileSystemWatcher(this);
    m_rerun = new QTimer(this);
    m_rerun->setSingleShot(true);
    m_rerun->setInterval(300); // a save replaces the file in steps
    connect(m_rerun, &QTimer::timeout, this, &PolicyTestsPage::runTests);
    connect(m_watcher, &QFileSystemWatcher::fileChanged, this, &PolicyTestsPage::filesChanged);
    connect(m_watcher, &QFileSystemWatcher::directoryChanged, this, &PolicyTestsPage::filesChanged);
}

void PolicyTestsPage::filesChanged()
{
    if (m_workspace.isEmpty())
        return;
    m_stale = true;
    updateSummary();
    m_rerun->start();
}

void PolicyTestsPage::watchFiles()
{
    if (const QStringList watched = m_watcher->files() + m_watcher->directories(); !watched.isEmpty())
        m_watcher->removePaths(watched);
    if (m_workspace.isEmpty() || !QFileInfo(m_workspace).isDir())
        return;
    const QDir ws(m_workspace);
    QStringList paths{ws.absolutePath()};
    for (const QString &f : ws.entryList({QStringLiteral("*.policy.yaml")}, QDir::Files))
        paths << ws.absoluteFilePath(f);
    const QDir tests(ws.absoluteFilePath(QStringLiteral("tests")));
    if (tests.exists()) {
        paths << tests.absolutePath();
        for (const QString &f : tests.entryList({QStringLiteral("*.yaml"), QStringLiteral("*.yml")}, QDir::Files))
            paths << tests.absoluteFilePath(f);
    }
    m_watcher->addPaths(paths);
}

void PolicyTestsPage::setUnsavedEdits(bool unsaved)
{
    m_unsaved = unsaved;
    updateSummary();
}

void PolicyTestsPage::updateSummary()
{
    QString text = m_counts;
    if (!text.isEmpty() && m_stale)
        text += tr(" — out of date: the files changed, running again…");
    else if (!text.isEmpty() && m_unsaved)
        text += tr(" — for the saved files: the editor's unsaved changes are not tested");
    m_summary->setText(text);
}

QString PolicyTestsPage::message() const
{
    return m_messageBar->isHidden() ? QString() : m_messageBar->text();
}

QString PolicyTestsPage::summary() const
{
    return m_summary->text();
}

void PolicyTestsPage::showMessage(const QString &text, bool error)
{
    m_messageBar->setText(text);
    m_messageBar->setStyleSheet(error ? QStringLiteral("QLabel { background: #fdecea; color: #b71c1c; padding: 4px; }")
                                      : QStringLiteral("QLabel { background: #e8f4fd; color: #0d47a1; padding: 4px; }"));
    m_messageBar->setVisible(!text.isEmpty());
}

void PolicyTestsPage::setWorkspace(const QString &path)
{
    m_workspace = path;
    m_rerun->stop();
    m_run->setEnabled(!path.isEmpty());
    runTests();
}

void PolicyTestsPage::runTests()
{
    m_details->clear();
    m_coverage->clear();
    m_stale = false;
    // Again at each run: a file replaced by a save is a new file.
    watchFiles();
    if (m_workspace.isEmpty() || !QFileInfo(m_workspace).isDir()) {
        m_model->setResult({});
        m_counts.clear();
        updateSummary();
        showMessage(tr("Open a workspace folder to run its policy tests."), true);
        return;
    }
    m_model->setResult(WorkspaceTests::run(QDir(m_workspace).absolutePath().toStdString()));
    const auto &r = m_model->result();
    QStringList problems;
    for (const auto &d : r.diagnostics)
        problems << qs(d.message);
    for (const auto &s : r.suites)
        if (!s.ran)
            problems << tr("%1 could not run (%n problem(s))", nullptr, int(s.diagnostics.size()))
                            .arg(QFileInfo(qs(s.file)).fileName());
    showMessage(problems.join(QLatin1Char('\n')), !problems.isEmpty());
    const int failed = r.failedCount();
    const int passed = r.caseCount() - failed;
    m_counts = tr("%1 passed, %2 failed, %3 file error(s)").arg(passed).arg(failed).arg(r.erroredSuites());
    updateSummary();

    for (const auto &c : r.coverage) {
        const QString file = QFileInfo(qs(c.policyFile)).fileName();
        for (const auto &p : c.unevaluatedPolicies)
            m_coverage->addItem(tr("%1: policy '%2' never evaluated").arg(file, qs(p)));
        for (const auto &p : c.unmatchedPolicies)
            m_coverage->addItem(tr("%1: policy '%2' never matched").arg(file, qs(p)));
        for (int i : c.uncoveredNetworkRules)
            m_coverage->addItem(tr("%1: network rule %2 never decided a case").arg(file).arg(i));
        for (int i : c.uncoveredFilesystemRules)
            m_coverage->addItem(tr("%1: filesystem rule %2 never decided a case").arg(file).arg(i));
        if (c.complete())
            m_coverage->addItem(tr("%1: every policy and rule is exercised").arg(file));
    }
    Q_EMIT testsRan(passed, failed);
}

void PolicyTestsPage::showDetails()
{
    const QModelIndex index = m_view->currentIndex();
    if (!index.isValid()) {
        m_details->clear();
        return;
    }
    const auto status = static_cast<TestResultsModel::Status>(index.data(TestResultsModel::StatusRole).toInt());
    QString text;
    if (status == TestResultsModel::FileError) {
        text = tr("%1 could not run:\n").arg(index.data(TestResultsModel::FileRole).toString())
            + index.data(TestResultsModel::DiagnosticsRole).toStringList().join(QLatin1Char('\n'));
    } else {
        const QStringList failures = index.data(TestResultsModel::FailuresRole).toStringList();
        text = failures.isEmpty() ? tr("Passed.\n") : failures.join(QLatin1Char('\n')) + QLatin1Char('\n');
        text += tr("expected: %1\nactual:   %2\n\nrequest: %3\n\ndecision:\n%4")
                    .arg(index.data(TestResultsModel::ExpectedRole).toString(),
                         index.data(TestResultsModel::ActualRole).toString(),
                         index.data(TestResultsModel::RequestRole).toString(),
                         QString::fromUtf8(QJsonDocument::fromJson(index.data(TestResultsModel::DecisionRole)
                                                                       .toString()
                                                                       .toUtf8())
                                               .toJson(QJsonDocument::Indented)));
    }
    m_details->setPlainText(text);
}

} // namespace osh::ui
