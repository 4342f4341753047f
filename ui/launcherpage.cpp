#include "launcherpage.h"

#include "eventstreammodel.h"

#include "audit/auditstore.h"
#include "model/policyvalidator.h"
#include "sandbox/sandbox.h"
#include "session/agentsession.h"
#include "session/sessionresources.h"
#include "session/workspaceservices.h"

#include <QCheckBox>
#include <QComboBox>
#include <QCryptographicHash>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QProcess>
#include <QPushButton>
#include <QRegularExpression>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QStandardItemModel>
#include <QTableView>
#include <QTimer>
#include <QVBoxLayout>

namespace osh::ui {

namespace {

constexpr int kMaxListedPolicies = 500;
constexpr int kMaxOutputLines = 20000;

// Quoted the way QProcess::splitCommand reads it back.
QString joinCommand(const std::vector<std::string> &argv)
{
    QStringList out;
    for (const auto &a : argv) {
        QString s = QString::fromStdString(a);
        if (s.isEmpty() || s.contains(u' ') || s.contains(u'\t') || s.contains(u'"'))
            s = u'"' + QString(s).replace(QStringLiteral("\""), QStringLiteral("\"\"\"")) + u'"';
        out << s;
    }
    return out.join(u' ');
}

QString formatBytes(qint64 bytes)
{
    if (bytes >= qint64(1) << 30)
        return QStringLiteral("%1 GiB").arg(double(bytes) / double(qint64(1) << 30), 0, 'f', 2);
    return QStringLiteral("%1 MiB").arg(double(bytes) / double(1 << 20), 0, 'f', 1);
}

QComboBox *filterCombo(QWidget *parent, const QString &all, const QStringList &values)
{
    auto *c = new QComboBox(parent);
    c->addItem(all, QString());
    for (const QString &v : values)
        c->addItem(v, v);
    return c;
}

} // namespace

LauncherPage::LauncherPage(QWidget *parent)
    : QWidget(parent)
    , m_policy(new QComboBox(this))
    , m_isolation(new QComboBox(this))
    , m_command(new QLineEdit(this))
    , m_servicesCheck(new QCheckBox(tr("Start the workspace's stand-in services (services/standin.py) with the session"), this))
    , m_start(new QPushButton(tr("&Start"), this))
    , m_stop(new QPushButton(tr("S&top"), this))
    , m_message(new QLabel(this))
    , m_memory(new QLabel(tr("n/a"), this))
    , m_cpu(new QLabel(tr("n/a"), this))
    , m_processes(new QLabel(tr("n/a"), this))
    , m_events(new EventStreamModel(this))
    , m_byDecision(new QSortFilterProxyModel(this))
    , m_byType(new QSortFilterProxyModel(this))
    , m_byText(new QSortFilterProxyModel(this))
    , m_view(new QTableView(this))
    , m_decisionFilter(filterCombo(this, tr("All decisions"),
                                   {QStringLiteral("allow"), QStringLiteral("log"), QStringLiteral("block"), QStringLiteral("redact"),
                                    QStringLiteral("throttle"), QStringLiteral("escalate")}))
    , m_typeFilter(filterCombo(this, tr("All types"),
                               {QStringLiteral("tool_call"), QStringLiteral("data_output"), QStringLiteral("agent_response"),
                                QStringLiteral("network_egress"), QStringLiteral("file_access"), QStringLiteral("reasoning"),
                                QStringLiteral("usage"), QStringLiteral("sandbox"), QStringLiteral("approval"), QStringLiteral("session")}))
    , m_textFilter(new QLineEdit(this))
    , m_follow(new QCheckBox(tr("Follow"), this))
    , m_output(new QPlainTextEdit(this))
    , m_resourceTimer(new QTimer(this))
    , m_scrollTimer(new QTimer(this))
{
    m_policy->setObjectName(QStringLiteral("policyCombo"));
    m_isolation->setObjectName(QStringLiteral("isolationCombo"));
    m_command->setObjectName(QStringLiteral("commandEdit"));
    m_servicesCheck->setObjectName(QStringLiteral("servicesCheck"));
    m_servicesCheck->setToolTip(tr("Stand-ins for the company services the workspace's tools reach, on loopback addresses only."));
    m_servicesCheck->setChecked(true);
    m_servicesCheck->setVisible(false);
    m_start->setObjectName(QStringLiteral("startButton"));
    m_stop->setObjectName(QStringLiteral("stopButton"));
    m_message->setObjectName(QStringLiteral("launcherMessage"));
    m_memory->setObjectName(QStringLiteral("memoryLabel"));
    m_cpu->setObjectName(QStringLiteral("cpuLabel"));
    m_processes->setObjectName(QStringLiteral("processesLabel"));
    m_view->setObjectName(QStringLiteral("eventView"));
    m_output->setObjectName(QStringLiteral("agentOutput"));
    m_decisionFilter->setObjectName(QStringLiteral("decisionFilter"));
    m_typeFilter->setObjectName(QStringLiteral("typeFilter"));
    m_textFilter->setObjectName(QStringLiteral("textFilter"));
    m_follow->setObjectName(QStringLiteral("followCheck"));
    m_message->setWordWrap(true);
    m_message->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_command->setPlaceholderText(tr("The agent command (default: the policy's agent.command)"));
    m_textFilter->setPlaceholderText(tr("Filter text"));
    m_textFilter->setClearButtonEnabled(true);
    m_follow->setChecked(true);
    m_output->setReadOnly(true);
    m_output->setMaximumBlockCount(kMaxOutputLines);
    m_output->setLineWrapMode(QPlainTextEdit::NoWrap);

    // Modes this machine cannot run stay listed, disabled, with the reason.
    const std::pair<Isolation, QString> modes[] = {{Isolation::Gvisor, QStringLiteral("gvisor")},
                                                   {Isolation::Container, QStringLiteral("container")},
                                                   {Isolation::Firecracker, QStringLiteral("firecracker")}};
    auto *isoModel = qobject_cast<QStandardItemModel *>(m_isolation->model());
    for (const auto &[mode, name] : modes) {
        m_isolation->addItem(name, int(mode));
        const QString why = runtime::Sandbox::availability(mode);
        if (!why.isEmpty() && isoModel) {
            QStandardItem *item = isoModel->item(m_isolation->count() - 1);
            item->setEnabled(false);
            item->setToolTip(why);
        }
    }

    m_byDecision->setSourceModel(m_events);
    m_byDecision->setFilterRole(EventStreamModel::DecisionRole);
    m_byType->setSourceModel(m_byDecision);
    m_byType->setFilterRole(EventStreamModel::TypeRole);
    m_byText->setSourceModel(m_byType);
    m_byText->setFilterKeyColumn(-1);
    m_byText->setFilterCaseSensitivity(Qt::CaseInsensitive);
    m_view->setModel(m_byText);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->verticalHeader()->hide();
    m_view->verticalHeader()->setDefaultSectionSize(m_view->fontMetrics().height() + 4);
    m_view->horizontalHeader()->setStretchLastSection(true);
    m_view->setWordWrap(false);

    auto *form = new QFormLayout;
    form->addRow(tr("&Policy:"), m_policy);
    form->addRow(tr("&Isolation:"), m_isolation);
    form->addRow(tr("&Command:"), m_command);
    form->addRow(QString(), m_servicesCheck);
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_start);
    buttons->addWidget(m_stop);
    buttons->addStretch(1);
    buttons->addWidget(new QLabel(tr("Memory:"), this));
    buttons->addWidget(m_memory);
    buttons->addWidget(new QLabel(tr("CPU:"), this));
    buttons->addWidget(m_cpu);
    buttons->addWidget(new QLabel(tr("Processes:"), this));
    buttons->addWidget(m_processes);
    auto *filters = new QHBoxLayout;
    filters->addWidget(m_decisionFilter);
    filters->addWidget(m_typeFilter);
    filters->addWidget(m_textFilter, 1);
    filters->addWidget(m_follow);
    auto *eventsBox = new QWidget(this);
    auto *eventsLayout = new QVBoxLayout(eventsBox);
    eventsLayout->setContentsMargins(0, 0, 0, 0);
    eventsLayout->addLayout(filters);
    eventsLayout->addWidget(m_view, 1);
    auto *split = new QSplitter(Qt::Vertical, this);
    split->addWidget(eventsBox);
    split->addWidget(m_output);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 1);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addLayout(buttons);
    layout->addWidget(m_message);
    layout->addWidget(split, 1);

    connect(m_policy, &QComboBox::currentIndexChanged, this, &LauncherPage::loadSelectedPolicy);
    connect(m_start, &QPushButton::clicked, this, &LauncherPage::start);
    connect(m_stop, &QPushButton::clicked, this, &LauncherPage::stop);
    connect(m_decisionFilter, &QComboBox::currentIndexChanged, this, &LauncherPage::updateFilters);
    connect(m_typeFilter, &QComboBox::currentIndexChanged, this, &LauncherPage::updateFilters);
    connect(m_textFilter, &QLineEdit::textChanged, this, &LauncherPage::updateFilters);
    // Scrolling once per burst, not once per event, keeps a chatty agent cheap.
    m_scrollTimer->setSingleShot(true);
    m_scrollTimer->setInterval(50);
    connect(m_scrollTimer, &QTimer::timeout, m_view, &QTableView::scrollToBottom);
    connect(m_byText, &QAbstractItemModel::rowsInserted, this, [this] {
        if (m_follow->isChecked() && !m_scrollTimer->isActive())
            m_scrollTimer->start();
    });
    m_resourceTimer->setInterval(1000);
    connect(m_resourceTimer, &QTimer::timeout, this, &LauncherPage::updateResources);
    updateButtons();
}

LauncherPage::~LauncherPage()
{
    // The session writes to the store until it is gone: delete it first.
    delete m_session;
    m_session = nullptr;
}

void LauncherPage::setWorkspace(const QString &dir)
{
    m_workspace = dir;
    m_servicesCheck->setVisible(runtime::WorkspaceServices::present(dir));
    const QString current = policyFile();
    QStringList files;
    QDirIterator it(dir, {QStringLiteral("*.policy.yaml")}, QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext() && files.size() < kMaxListedPolicies) {
        const QString f = it.next();
        const QString rel = QDir(dir).relativeFilePath(f);
        // Build trees and hidden folders hold copies, not the user's policies.
        if (rel.startsWith(u'.') || rel.contains(QStringLiteral("/.")) || rel.startsWith(QStringLiteral("build/")))
            continue;
        files << f;
    }
    files.sort();
    {
        const QSignalBlocker block(m_policy);
        m_policy->clear();
        for (const QString &f : files)
            m_policy->addItem(QDir(dir).relativeFilePath(f), QFileInfo(f).absoluteFilePath());
        const int keep = m_policy->findData(current);
        m_policy->setCurrentIndex(keep >= 0 ? keep : (files.isEmpty() ? -1 : 0));
    }
    if (files.isEmpty())
        showMessage(tr("No *.policy.yaml in %1.").arg(dir), false);
    loadSelectedPolicy();
}

void LauncherPage::setStore(osh::AuditStore *store) { m_store = store; }

bool LauncherPage::setPolicyFile(const QString &file)
{
    const QString abs = QFileInfo(file).absoluteFilePath();
    int i = m_policy->findData(abs);
    if (i < 0) {
        m_policy->addItem(m_workspace.isEmpty() ? abs : QDir(m_workspace).relativeFilePath(abs), abs);
        i = m_policy->count() - 1;
    }
    if (m_policy->currentIndex() != i)
        m_policy->setCurrentIndex(i); // loads it
    else
        loadSelectedPolicy();
    return m_document != nullptr;
}

QString LauncherPage::policyFile() const { return m_policy->currentData().toString(); }

void LauncherPage::setIsolation(osh::Isolation isolation) { m_isolation->setCurrentIndex(m_isolation->findData(int(isolation))); }

std::optional<osh::Isolation> LauncherPage::isolation() const
{
    if (m_isolation->currentIndex() < 0)
        return std::nullopt;
    return static_cast<Isolation>(m_isolation->currentData().toInt());
}

void LauncherPage::setCommand(const QString &commandLine) { m_command->setText(commandLine); }

QString LauncherPage::command() const { return m_command->text(); }

bool LauncherPage::isRunning() const { return m_session != nullptr; }

QString LauncherPage::sessionId() const { return m_sessionId; }

QString LauncherPage::agentOutput() const { return m_output->toPlainText(); }

QString LauncherPage::messageText() const { return m_message->text(); }

void LauncherPage::showMessage(const QString &text, bool error)
{
    m_message->setStyleSheet(error ? QStringLiteral("color: #b00020;") : QString());
    m_message->setText(text);
}

void LauncherPage::loadSelectedPolicy()
{
    m_document.reset();
    m_policyHash.clear();
    const QString file = policyFile();
    if (file.isEmpty()) {
        updateButtons();
        return;
    }
    QFile f(file);
    if (!f.open(QIODevice::ReadOnly)) {
        showMessage(tr("Cannot read %1: %2").arg(file, f.errorString()), true);
        updateButtons();
        return;
    }
    const QByteArray bytes = f.readAll();
    ValidationOptions opt;
    opt.baseDir = QFileInfo(file).absolutePath().toStdString();
    auto res = PolicyValidator::checkText(std::string_view(bytes.constData(), std::size_t(bytes.size())), file.toStdString(), opt);
    if (!res.document || hasErrors(res.diagnostics)) {
        QStringList errors;
        for (const auto &d : res.diagnostics)
            if (d.severity == Severity::Error && errors.size() < 5)
                errors << QString::fromStdString(d.format());
        showMessage(tr("The policy has errors; fix them before launching:\n%1").arg(errors.join(u'\n')), true);
        updateButtons();
        return;
    }
    m_document = res.document;
    m_policyHash = QCryptographicHash::hash(bytes, QCryptographicHash::Sha256).toHex().toStdString();
    // Defaults follow the policy; the user may then override them.
    setIsolation(m_document->sandbox.isolation);
    m_command->setText(m_document->agent ? joinCommand(m_document->agent->command) : QString());
    const QString why = runtime::Sandbox::availability(m_document->sandbox.isolation);
    showMessage(why.isEmpty() ? QString() : tr("The policy's isolation cannot run here: %1").arg(why), !why.isEmpty());
    updateButtons();
}

osh::AuditStore *LauncherPage::ensureStore(QString *error)
{
    if (m_store)
        return m_store;
    std::string why;
    const std::string path = AuditStore::defaultPath();
    m_ownStore = AuditStore::open(path, why);
    if (!m_ownStore) {
        *error = tr("Cannot open the audit store %1: %2").arg(QString::fromStdString(path), QString::fromStdString(why));
        return nullptr;
    }
    m_store = m_ownStore.get();
    return m_store;
}

bool LauncherPage::start()
{
    if (m_session) {
        showMessage(tr("A session is already running."), true);
        return false;
    }
    if (!m_document) {
        showMessage(m_message->text().isEmpty() ? tr("Choose a valid policy first.") : m_message->text(), true);
        return false;
    }
    const auto iso = isolation();
    if (iso) {
        if (const QString why = runtime::Sandbox::availability(*iso); !why.isEmpty()) {
            showMessage(tr("Cannot launch: %1").arg(why), true);
            return false;
        }
    }
    const QStringList argv = QProcess::splitCommand(m_command->text());
    if (argv.isEmpty()) {
        showMessage(tr("Enter the agent command, or set agent.command in the policy."), true);
        return false;
    }
    QString error;
    AuditStore *store = ensureStore(&error);
    if (!store) {
        showMessage(error, true);
        return false;
    }

    if (startsServices()) {
        m_services = std::make_unique<runtime::WorkspaceServices>();
        showMessage(tr("Starting the stand-in services…"), false);
        if (!m_services->start(m_workspace, &error, true)) {
            m_services.reset();
            showMessage(tr("The stand-in services could not start: %1").arg(error), true);
            return false;
        }
    }

    runtime::AgentSession::Options o;
    o.policyFile = policyFile();
    o.document = m_document;
    o.policyHash = m_policyHash;
    o.isolation = iso;
    o.command = argv;
    o.dataDir = QFileInfo(QString::fromStdString(store->path())).absolutePath();
    o.store = store;
    o.approvals = runtime::AgentSession::Approvals::Store;

    m_events->clear();
    m_output->clear();
    m_stdoutDecoder.resetState();
    m_stderrDecoder.resetState();
    m_session = new runtime::AgentSession(std::move(o), this);
    connect(m_session, &runtime::AgentSession::event, this, &LauncherPage::onEvent);
    connect(m_session, &runtime::AgentSession::agentOutput, this, &LauncherPage::onOutput);
    connect(m_session, &runtime::AgentSession::finished, this, &LauncherPage::onFinished);
    if (!m_session->start(&error)) {
        m_sessionId = m_session->id();
        // Queued: start() may have been called from a slot of this session.
        m_session->deleteLater();
        m_session = nullptr;
        m_services.reset();
        showMessage(tr("The session could not start: %1").arg(error), true);
        updateButtons();
        return false;
    }
    m_sessionId = m_session->id();
    m_resources = std::make_unique<runtime::SessionResources>(m_sessionId);
    updateResources();
    m_resourceTimer->start();
    showMessage(tr("Session %1 running.").arg(m_sessionId), false);
    updateButtons();
    Q_EMIT sessionStarted(m_sessionId);
    return true;
}

bool LauncherPage::startsServices() const { return !m_servicesCheck->isHidden() && m_servicesCheck->isChecked(); }

void LauncherPage::setStartsServices(bool on) { m_servicesCheck->setChecked(on); }

void LauncherPage::stop()
{
    if (!m_session)
        return;
    showMessage(tr("Stopping session %1…").arg(m_sessionId), false);
    m_stop->setEnabled(false);
    m_session->stop();
}

void LauncherPage::onEvent(const osh::AuditEvent &event) { m_events->append(event); }

void LauncherPage::onOutput(bool stderrChannel, const QByteArray &data)
{
    const QString text = stderrChannel ? m_stderrDecoder.decode(data) : m_stdoutDecoder.decode(data);
    m_output->moveCursor(QTextCursor::End);
    m_output->insertPlainText(text);
    if (m_follow->isChecked())
        m_output->ensureCursorVisible();
}

void LauncherPage::onFinished(int exitStatus, const QString &reason)
{
    m_resourceTimer->stop();
    m_resources.reset();
    m_memory->setText(tr("n/a"));
    m_cpu->setText(tr("n/a"));
    m_processes->setText(tr("n/a"));
    if (m_session) {
        m_session->deleteLater(); // we are inside its signal
        m_session = nullptr;
    }
    m_services.reset(); // stops them
    showMessage(tr("Session %1 ended: %2, exit status %3.").arg(m_sessionId, reason).arg(exitStatus),
                reason != QLatin1StringView("exited") && reason != QLatin1StringView("interrupted"));
    updateButtons();
    Q_EMIT sessionFinished(m_sessionId, exitStatus, reason);
}

void LauncherPage::updateResources()
{
    if (!m_resources)
        return;
    const auto s = m_resources->sample();
    const QString na = tr("n/a");
    if (s.memoryBytes)
        m_memory->setText(s.memoryLimitBytes ? tr("%1 / %2").arg(formatBytes(*s.memoryBytes), formatBytes(*s.memoryLimitBytes))
                                             : tr("%1 (no limit)").arg(formatBytes(*s.memoryBytes)));
    else
        m_memory->setText(na);
    m_cpu->setText(s.cpuPercent ? tr("%1 %").arg(*s.cpuPercent, 0, 'f', 1) : na);
    m_processes->setText(s.processes ? QString::number(*s.processes) : na);
    const QString tip = tr("Read from the sandbox's cgroup osh-sbx-%1; n/a when it cannot be read.").arg(m_resources->sandboxId());
    for (QLabel *l : {m_memory, m_cpu, m_processes})
        l->setToolTip(tip);
}

void LauncherPage::updateButtons()
{
    const bool running = m_session != nullptr;
    m_start->setEnabled(!running && m_document != nullptr);
    m_stop->setEnabled(running);
    m_policy->setEnabled(!running);
    m_isolation->setEnabled(!running);
    m_servicesCheck->setEnabled(!running);
    m_command->setEnabled(!running);
}

void LauncherPage::updateFilters()
{
    const QString decision = m_decisionFilter->currentData().toString();
    const QString type = m_typeFilter->currentData().toString();
    auto exact = [](const QString &v) {
        return v.isEmpty() ? QRegularExpression() : QRegularExpression(u'^' + QRegularExpression::escape(v) + u'$');
    };
    m_byDecision->setFilterRegularExpression(exact(decision));
    m_byType->setFilterRegularExpression(exact(type));
    m_byText->setFilterFixedString(m_textFilter->text());
}

} // namespace osh::ui
