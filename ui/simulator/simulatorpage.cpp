#include "simulator/simulatorpage.h"

#include "engine/decisionengine.h"
#include "simulator/requestform.h"
#include "testsuite/testcasewriter.h"
#include "trace/tracemodel.h"
#include "trace/traceview.h"

#include <QComboBox>
#include <QDir>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QKeySequence>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QScrollArea>
#include <QScrollBar>
#include <QShortcut>
#include <QSplitter>
#include <QVBoxLayout>

namespace osh::ui {

namespace {

QString outcomeColour(Action a)
{
    switch (a) {
    case Action::Allow: return QStringLiteral("#2e7d32");
    case Action::Log: return QStringLiteral("#1565c0");
    case Action::Block: return QStringLiteral("#c62828");
    case Action::Redact: return QStringLiteral("#6a1b9a");
    case Action::Throttle: return QStringLiteral("#ef6c00");
    case Action::Escalate: return QStringLiteral("#f9a825");
    }
    return QStringLiteral("#000000");
}

} // namespace

SimulatorPage::SimulatorPage(QWidget *parent) : QWidget(parent)
{
    m_form = new RequestForm;
    m_decide = new QPushButton(tr("Decide"));
    m_decide->setObjectName(QStringLiteral("decide"));
    m_decide->setToolTip(tr("Decide the request against the current policy (Ctrl+Return)"));
    connect(m_decide, &QPushButton::clicked, this, &SimulatorPage::decide);
    auto *shortcut = new QShortcut(QKeySequence(Qt::CTRL | Qt::Key_Return), this);
    shortcut->setContext(Qt::WidgetWithChildrenShortcut);
    connect(shortcut, &QShortcut::activated, this, &SimulatorPage::decide);

    m_messageBar = new QLabel;
    m_messageBar->setObjectName(QStringLiteral("messageBar"));
    m_messageBar->setWordWrap(true);
    m_messageBar->setVisible(false);

    m_decisionLabel = new QLabel;
    m_decisionLabel->setObjectName(QStringLiteral("decisionLabel"));
    m_whoLabel = new QLabel;
    m_whoLabel->setObjectName(QStringLiteral("whoLabel"));
    m_messageLabel = new QLabel;
    m_messageLabel->setObjectName(QStringLiteral("decisionMessage"));
    m_messageLabel->setWordWrap(true);
    m_messageLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_output = new QPlainTextEdit;
    m_output->setObjectName(QStringLiteral("redactedOutput"));
    m_output->setReadOnly(true);
    m_output->setPlaceholderText(tr("Redacted output appears here for redact decisions"));
    m_output->setMaximumHeight(m_output->fontMetrics().lineSpacing() * 5 + 8);
    m_traceView = new TraceView;

    m_testFile = new QComboBox;
    m_testFile->setObjectName(QStringLiteral("testFile"));
    m_testFile->setEditable(true);
    m_testFile->setToolTip(tr("A file in the workspace's tests/ folder; created when missing"));
    m_caseName = new QLineEdit;
    m_caseName->setObjectName(QStringLiteral("caseName"));
    m_caseName->setPlaceholderText(tr("case name"));
    m_save = new QPushButton(tr("Save as test case"));
    m_save->setObjectName(QStringLiteral("saveTestCase"));
    connect(m_save, &QPushButton::clicked, this, &SimulatorPage::saveAsTestCase);

    auto *left = new QWidget;
    auto *leftLayout = new QVBoxLayout(left);
    leftLayout->addWidget(m_form);
    leftLayout->addWidget(m_decide);
    auto *saveBox = new QGroupBox(tr("Test case"));
    auto *saveLayout = new QFormLayout(saveBox);
    saveLayout->addRow(tr("File"), m_testFile);
    saveLayout->addRow(tr("Name"), m_caseName);
    saveLayout->addRow(m_save);
    leftLayout->addWidget(saveBox);
    leftLayout->addStretch(1); // the room left goes below the form, not between its rows

    auto *right = new QWidget;
    auto *rightLayout = new QVBoxLayout(right);
    rightLayout->addWidget(m_decisionLabel);
    rightLayout->addWidget(m_whoLabel);
    rightLayout->addWidget(m_messageLabel);
    rightLayout->addWidget(new QLabel(tr("Output")));
    rightLayout->addWidget(m_output);
    rightLayout->addWidget(new QLabel(tr("Trace")));
    rightLayout->addWidget(m_traceView, 1);

    // The request form scrolls: its height changes with the trigger and the
    // JSON mode, and must not set the page's (and the window's) minimum.
    auto *leftArea = new QScrollArea;
    leftArea->setObjectName(QStringLiteral("requestArea"));
    leftArea->setWidgetResizable(true);
    leftArea->setFrameShape(QFrame::NoFrame);
    leftArea->setWidget(left);
    // As wide as the form, beside a vertical scroll bar.
    leftArea->setMinimumWidth(left->minimumSizeHint().width() + leftArea->verticalScrollBar()->sizeHint().width());
    auto *split = new QSplitter;
    split->addWidget(leftArea);
    split->addWidget(right);
    split->setStretchFactor(1, 1);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_messageBar);
    layout->addWidget(split, 1);
    showMessage(tr("No valid policy yet: the simulator decides against the editor's document once it validates."),
                false);
}

SimulatorPage::~SimulatorPage() = default;

TraceModel *SimulatorPage::traceModel() const
{
    return m_traceView->model();
}

QString SimulatorPage::message() const
{
    return m_messageBar->isHidden() ? QString() : m_messageBar->text();
}

void SimulatorPage::showMessage(const QString &text, bool error)
{
    m_messageBar->setText(text);
    m_messageBar->setStyleSheet(error ? QStringLiteral("QLabel { background: #fdecea; color: #b71c1c; padding: 4px; }")
                                      : QStringLiteral("QLabel { background: #e8f4fd; color: #0d47a1; padding: 4px; }"));
    m_messageBar->setVisible(!text.isEmpty());
}

void SimulatorPage::setWorkspace(const QString &path)
{
    m_workspace = path;
    refreshTestFiles();
}

QString SimulatorPage::workspace() const
{
    if (!m_workspace.isEmpty())
        return m_workspace;
    return m_policyFile.isEmpty() ? QString() : QFileInfo(m_policyFile).absolutePath();
}

void SimulatorPage::refreshTestFiles()
{
    const QString current = m_testFile->currentText();
    m_testFile->clear();
    const QString ws = workspace();
    if (!ws.isEmpty())
        m_testFile->addItems(QDir(ws + QStringLiteral("/tests"))
                                 .entryList({QStringLiteral("*.yaml"), QStringLiteral("*.yml")}, QDir::Files, QDir::Name));
    if (!current.isEmpty())
        m_testFile->setCurrentText(current);
    else if (m_testFile->count() == 0)
        m_testFile->setCurrentText(QStringLiteral("simulator.yaml"));
}

void SimulatorPage::setPolicy(std::shared_ptr<const PolicyDocument> doc, const QString &file)
{
    m_policyFile = file;
    if (!doc) {
        m_engine.reset();
        showMessage(tr("No valid policy: fix the editor's errors to simulate."), true);
        return;
    }
    QStringList tools;
    for (const auto &t : doc->tools)
        tools << QString::fromStdString(t.name);
    m_form->setToolNames(tools);
    // A full trace: the policies the index skipped are listed (collapsed).
    DecisionEngine::Options options;
    options.trace = TraceLevel::Full;
    m_engine = std::make_shared<const DecisionEngine>(std::move(doc), nullptr, options);
    showMessage({}, false);
    refreshTestFiles();
}

bool SimulatorPage::decide()
{
    if (!m_engine) {
        showMessage(tr("No valid policy to decide against."), true);
        return false;
    }
    QString formError;
    const QString json = m_form->requestJson(formError);
    if (json.isEmpty()) {
        showMessage(formError, true);
        return false;
    }
    std::string error;
    auto req = Request::fromJson(json.toStdString(), error);
    if (!req) {
        showMessage(tr("Invalid request: %1").arg(QString::fromStdString(error)), true);
        return false;
    }
    // Each simulation is its own session: the form's session fields say
    // what the counters are.
    SessionState session(std::string("simulator"));
    m_decision = m_engine->decide(*req, session);
    m_request = *req;
    showMessage({}, false);
    showDecision(*m_decision);
    Q_EMIT decided();
    return true;
}

void SimulatorPage::showDecision(const Decision &d)
{
    const QString outcome = QString::fromUtf8(actionName(d.outcome).data(), qsizetype(actionName(d.outcome).size()));
    m_decisionLabel->setText(outcome.toUpper());
    m_decisionLabel->setStyleSheet(QStringLiteral("QLabel { color: white; background: %1; font-weight: bold; "
                                                  "padding: 4px; }")
                                       .arg(outcomeColour(d.outcome)));
    const QString layer = d.layer == Layer::None ? tr("none") : QString::fromUtf8(layerName(d.layer).data(), qsizetype(layerName(d.layer).size()));
    const QString policy = d.policy.empty() ? tr("none") : QString::fromStdString(d.policy);
    m_whoLabel->setText(tr("Layer: %1    Policy: %2").arg(layer, policy));
    m_messageLabel->setText(d.message.empty() ? tr("(no message)") : QString::fromStdString(d.message));
    m_output->setPlainText(d.output ? QString::fromStdString(*d.output) : QString());
    m_traceView->setDecision(d, m_request ? &*m_request : nullptr);
}

bool SimulatorPage::saveAsTestCase()
{
    const QString ws = workspace();
    if (ws.isEmpty()) {
        showMessage(tr("Open a workspace (or a policy file) before saving test cases."), true);
        return false;
    }
    QString fileName = m_testFile->currentText().trimmed();
    if (fileName.isEmpty() || fileName.contains(QLatin1Char('/')) || fileName.startsWith(QLatin1Char('.'))) {
        showMessage(tr("Choose a test file name such as 'simulator.yaml' (no folders)."), true);
        return false;
    }
    if (!fileName.endsWith(QStringLiteral(".yaml")) && !fileName.endsWith(QStringLiteral(".yml")))
        fileName += QStringLiteral(".yaml");
    const QString name = m_caseName->text().trimmed();
    if (name.isEmpty()) {
        showMessage(tr("Give the test case a name."), true);
        return false;
    }
    // Save what the form says now, with the decision it gets now.
    if (!decide())
        return false;
    QString formError;
    const QString json = m_form->requestJson(formError);
    const QDir testsDir(ws + QStringLiteral("/tests"));
    const QString path = testsDir.filePath(fileName);
    const QString policyRef = m_policyFile.isEmpty() ? QString() : testsDir.relativeFilePath(QFileInfo(m_policyFile).absoluteFilePath());
    std::string error;
    if (!TestCaseWriter::appendCase(path.toStdString(), policyRef.toStdString(), name.toStdString(), json.toStdString(),
                                    *m_decision, error)) {
        showMessage(tr("Could not save the test case: %1").arg(QString::fromStdString(error)), true);
        return false;
    }
    showMessage(tr("Saved test case '%1' to tests/%2.").arg(name, fileName), false);
    refreshTestFiles();
    m_testFile->setCurrentText(fileName);
    Q_EMIT testCaseSaved(path);
    return true;
}

} // namespace osh::ui
