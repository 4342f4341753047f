#include "launcher/launcherpage.h"

#include "launcher/eventstreammodel.h"
#include "service/servicerecords.h"

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
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
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

#include <unistd.h>

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

// Whether this user may not listen on the stand-ins' ports (443, 587).
bool privilegedPortsClosed()
{
    if (::geteuid() == 0)
        return false;
    QFile f(QStringLiteral("/proc/sys/net/ipv4/ip_unprivileged_port_start"));
    return !f.open(QIODevice::ReadOnly) || f.readAll().trimmed().toInt() > 443;
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
    , m_runtimeNote(new QLabel(this))
    , m_resourceBox(new QWidget(this))
    , m_resourceNote(new QLabel(tr("Memory, CPU and process figures are not available through openshelld."), this))
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
    , m_probeTimer(new QTimer(this))
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
    m_runtimeNote->setObjectName(QStringLiteral("runtimeNote"));
    m_runtimeNote->setWordWrap(true);
    m_runtimeNote->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_resourceNote->setObjectName(QStringLiteral("resourceNote"));
    m_resourceNote->setVisible(false);
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

    // Modes this machine (or the service) cannot run stay listed, disabled, with the reason.
    for (const Isolation mode : {Isolation::Gvisor, Isolation::Container, Isolation::Firecracker})
        m_isolation->addItem(QString::fromLatin1(isolationName(mode).data()), int(mode));
    updateIsolationItems();

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
    auto *resources = new QHBoxLayout(m_resourceBox);
    resources->setContentsMargins(0, 0, 0, 0);
    resources->addWidget(new QLabel(tr("Memory:"), m_resourceBox));
    resources->addWidget(m_memory);
    resources->addWidget(new QLabel(tr("CPU:"), m_resourceBox));
    resources->addWidget(m_cpu);
    resources->addWidget(new QLabel(tr("Processes:"), m_resourceBox));
    resources->addWidget(m_processes);
    buttons->addWidget(m_resourceBox);
    buttons->addWidget(m_resourceNote);
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
    layout->addWidget(m_runtimeNote);
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
    // While the service does not answer, ask again now and then.
    m_probeTimer->setInterval(5000);
    connect(m_probeTimer, &QTimer::timeout, this, &LauncherPage::probeService);
    updateRuntimeNote();
    updateButtons();
}

LauncherPage::~LauncherPage()
{
    // Its thread delivers to this page: stop it first.
    delete m_follower;
    m_follower = nullptr;
    // A session of the service ends with the page, as an in-process one does
    // (recorded as interrupted); the client finishes the call before it goes.
    if (m_client && m_serviceState == ServiceState::Running && !m_sessionId.isEmpty())
        m_client->call(QStringLiteral("DELETE"), QStringLiteral("/v1/sessions/") + ServiceClient::encode(m_sessionId), {}, nullptr,
                       [](const ServiceReply &) {}, 10000);
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

bool LauncherPage::isRunning() const { return m_session != nullptr || m_serviceState != ServiceState::Idle; }

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
    const QString why = isolationProblem(m_document->sandbox.isolation);
    showMessage(why.isEmpty() ? QString() : tr("The policy's isolation cannot run here: %1").arg(why), !why.isEmpty());
    updateButtons();
}

osh::AuditStore *LauncherPage::ensureStore(QString *error)
{
    if (m_store)
        return m_store;
    std::string why;
    const std::string path = AuditStore::defaultPath();
    m_ownStore = AuditStore::open(path, AuditStore::userWriterOptions(path), why);
    if (!m_ownStore) {
        *error = tr("Cannot open the audit store %1: %2")
                     .arg(QString::fromStdString(AuditStore::displayName(path)), QString::fromStdString(why));
        return nullptr;
    }
    m_store = m_ownStore.get();
    return m_store;
}

bool LauncherPage::start()
{
    if (m_runtime.kind == StudioRuntime::Kind::None || (m_runtime.kind == StudioRuntime::Kind::Service && !m_client)) {
        showMessage(runtimeText(), true);
        return false;
    }
    if (m_runtime.kind == StudioRuntime::Kind::Service && m_reachable == false) {
        probeService();
        showMessage(runtimeText(), true);
        return false;
    }
    if (isRunning()) {
        showMessage(tr("A session is already running."), true);
        return false;
    }
    if (!m_document) {
        showMessage(m_message->text().isEmpty() ? tr("Choose a valid policy first.") : m_message->text(), true);
        return false;
    }
    const auto iso = isolation();
    if (iso) {
        if (const QString why = isolationProblem(*iso); !why.isEmpty()) {
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
    AuditStore *store = nullptr;
    if (m_runtime.kind == StudioRuntime::Kind::InProcess) {
        store = ensureStore(&error);
        if (!store) {
            showMessage(error, true);
            return false;
        }
    }

    // The stand-ins listen on loopback in this process; openshelld's proxy reaches them too.
    if (startsServices()) {
        m_services = std::make_unique<runtime::WorkspaceServices>();
        showMessage(tr("Starting the stand-in services…"), false);
        if (!m_services->start(m_workspace, &error, true)) {
            m_services.reset();
            QString why = tr("The stand-in services could not start: %1").arg(error);
            if (privilegedPortsClosed())
                why += u'\n'
                    + tr("They listen on ports 443 and 587, which only root may open here: uncheck them to run the session "
                         "without them, or have an administrator start them for everybody (sudo scripts/service.sh start --for $USER).");
            showMessage(why, true);
            return false;
        }
    }
    if (m_runtime.kind == StudioRuntime::Kind::Service)
        return startThroughService(argv, iso);

    runtime::AgentSession::Options o;
    o.policyFile = policyFile();
    o.document = m_document;
    o.policyHash = m_policyHash;
    o.isolation = iso;
    o.command = argv;
    o.dataDir = QFileInfo(QString::fromStdString(AuditStore::dataDirFor(store->path()))).absoluteFilePath();
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
    if (m_serviceState == ServiceState::Running && m_client) {
        showMessage(tr("Stopping session %1…").arg(m_sessionId), false);
        m_serviceState = ServiceState::Stopping;
        updateButtons();
        // The end event on the stream follows once it has ended.
        m_client->call(QStringLiteral("DELETE"), QStringLiteral("/v1/sessions/") + ServiceClient::encode(m_sessionId), {}, this,
                       [this, id = m_sessionId](const ServiceReply &r) {
                           if (r.ok() || r.status() == 409 || m_sessionId != id || m_serviceState == ServiceState::Idle)
                               return; // 409: it had ended already
                           m_serviceState = ServiceState::Running;
                           showMessage(tr("Cannot stop session %1: %2").arg(id, r.message()), true);
                           updateButtons();
                       });
        return;
    }
    if (!m_session)
        return;
    showMessage(tr("Stopping session %1…").arg(m_sessionId), false);
    m_stop->setEnabled(false);
    m_session->stop();
}

void LauncherPage::onEvent(const osh::AuditEvent &event) { m_events->append(event); }

void LauncherPage::onOutput(bool stderrChannel, const QByteArray &data)
{
    appendOutput(stderrChannel ? m_stderrDecoder.decode(data) : m_stdoutDecoder.decode(data));
}

void LauncherPage::appendOutput(const QString &text)
{
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
    m_serviceState = ServiceState::Idle;
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
    const bool running = isRunning();
    const bool canRun = m_runtime.kind == StudioRuntime::Kind::InProcess
        || (m_runtime.kind == StudioRuntime::Kind::Service && m_client && m_reachable != false);
    m_start->setEnabled(!running && canRun && m_document != nullptr);
    m_stop->setEnabled(m_session != nullptr || m_serviceState == ServiceState::Running);
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

// --- where sessions run --------------------------------------------------------

void LauncherPage::setRuntime(const StudioRuntime &runtime, ServiceClient *client)
{
    if (isRunning())
        return;
    m_runtime = runtime;
    m_client = runtime.kind == StudioRuntime::Kind::Service ? client : nullptr;
    m_reachable.reset();
    m_unreachableReason.clear();
    m_serviceIsolation.clear();
    m_probeTimer->stop();
    const bool service = m_runtime.kind == StudioRuntime::Kind::Service;
    // The figures come from the sandbox's cgroup, which only the in-process runtime can read.
    m_resourceBox->setVisible(m_runtime.kind == StudioRuntime::Kind::InProcess);
    m_resourceNote->setVisible(service);
    if (service)
        probeService();
    updateIsolationItems();
    updateRuntimeNote();
    updateIsolationNote();
}

QString LauncherPage::runtimeText() const { return m_runtimeNote->text(); }

void LauncherPage::probeService()
{
    if (!m_client)
        return;
    m_client->call(QStringLiteral("GET"), QStringLiteral("/v1/info"), {}, this,
                   [this](const ServiceReply &r) { serviceInfo(r); }, 10000);
}

void LauncherPage::serviceInfo(const ServiceReply &reply)
{
    const bool wasReachable = m_reachable.value_or(false);
    m_reachable = reply.ok();
    m_unreachableReason = reply.ok() ? QString() : reply.message();
    if (reply.ok()) {
        m_probeTimer->stop();
        m_serviceIsolation.clear();
        const QJsonObject modes = QJsonDocument::fromJson(reply.body()).object().value(QStringLiteral("isolation")).toObject();
        for (auto it = modes.begin(); it != modes.end(); ++it) {
            const QJsonObject m = it.value().toObject();
            const bool available = m.value(QStringLiteral("available")).toBool();
            const QString reason = m.value(QStringLiteral("reason")).toString();
            m_serviceIsolation.insert(it.key(), available ? QString()
                                                          : (reason.isEmpty() ? tr("openshelld cannot run this isolation mode") : reason));
        }
    } else if (!m_probeTimer->isActive()) {
        m_probeTimer->start();
    }
    updateIsolationItems();
    updateRuntimeNote();
    if (m_reachable != wasReachable)
        updateIsolationNote();
    updateButtons();
}

void LauncherPage::updateIsolationNote()
{
    const auto iso = isolation();
    if (!m_document || isRunning() || !iso)
        return;
    const QString why = isolationProblem(*iso);
    showMessage(why.isEmpty() ? QString() : tr("The policy's isolation cannot run here: %1").arg(why), !why.isEmpty());
}

QString LauncherPage::isolationProblem(osh::Isolation isolation) const
{
    if (m_runtime.kind == StudioRuntime::Kind::Service) {
        // Unknown until the service said: it refuses what it cannot run.
        return m_serviceIsolation.value(QString::fromLatin1(isolationName(isolation).data()));
    }
    if (m_runtime.kind == StudioRuntime::Kind::None)
        return {}; // nothing runs here anyway: the runtime note says why
    return runtime::Sandbox::availability(isolation);
}

void LauncherPage::updateIsolationItems()
{
    auto *model = qobject_cast<QStandardItemModel *>(m_isolation->model());
    if (!model)
        return;
    for (int i = 0; i < m_isolation->count(); ++i) {
        const QString why = isolationProblem(static_cast<Isolation>(m_isolation->itemData(i).toInt()));
        QStandardItem *item = model->item(i);
        item->setEnabled(why.isEmpty());
        item->setToolTip(why);
    }
}

void LauncherPage::updateRuntimeNote()
{
    QString text;
    bool error = false;
    switch (m_runtime.kind) {
    case StudioRuntime::Kind::Service:
        if (m_reachable == false) {
            text = tr("No openshelld is reachable at %1: %2\n%3")
                       .arg(m_runtime.endpointText(), m_unreachableReason, StudioRuntime::howToStart());
            error = true;
        } else {
            text = tr("Sessions run in openshelld at %1, as your user.").arg(m_runtime.endpointText());
        }
        break;
    case StudioRuntime::Kind::InProcess:
        text = m_runtime.note.isEmpty() ? tr("Sessions run in the studio's own process (root).")
                                        : tr("Sessions run in the studio's own process (root): %1.").arg(m_runtime.note);
        break;
    case StudioRuntime::Kind::None:
        text = m_runtime.endpoint ? tr("No openshelld is reachable at %1 (%2), and without it sessions need the studio to run as root.\n%3")
                                        .arg(m_runtime.endpointText(), m_runtime.note, StudioRuntime::howToStart())
                                  : tr("Sessions cannot start: %1").arg(m_runtime.note);
        error = true;
        break;
    }
    m_runtimeNote->setStyleSheet(error ? QStringLiteral("color: #b00020;") : QString());
    m_runtimeNote->setText(text);
}

bool LauncherPage::startThroughService(const QStringList &argv, std::optional<osh::Isolation> iso)
{
    // The service reads the policy file with this user's credentials.
    QJsonObject body{{QStringLiteral("policy_path"), QFileInfo(policyFile()).absoluteFilePath()},
                     {QStringLiteral("command"), QJsonArray::fromStringList(argv)},
                     {QStringLiteral("approvals"), QStringLiteral("store")}};
    if (iso)
        body.insert(QStringLiteral("isolation"), QString::fromLatin1(isolationName(*iso).data()));
    m_events->clear();
    m_output->clear();
    m_sessionId.clear();
    m_serviceState = ServiceState::Starting;
    showMessage(tr("Starting the session in openshelld…"), false);
    updateButtons();
    m_client->call(QStringLiteral("POST"), QStringLiteral("/v1/sessions"), QJsonDocument(body).toJson(QJsonDocument::Compact), this,
                   [this](const ServiceReply &r) { serviceCreated(r); }, 120000);
    return true;
}

void LauncherPage::serviceCreated(const ServiceReply &reply)
{
    if (m_serviceState != ServiceState::Starting)
        return;
    const QJsonObject o = QJsonDocument::fromJson(reply.body()).object();
    if (reply.status() != 201) {
        m_serviceState = ServiceState::Idle;
        m_services.reset();
        QString why = reply.message();
        // A policy the service finds invalid: its errors, as the page shows local ones.
        QStringList errors;
        for (const auto &d : o.value(QStringLiteral("diagnostics")).toArray()) {
            const QJsonObject diag = d.toObject();
            if (diag.value(QStringLiteral("severity")).toString() == QLatin1StringView("error") && errors.size() < 5)
                errors << QStringLiteral("%1:%2:%3: %4")
                              .arg(diag.value(QStringLiteral("file")).toString())
                              .arg(diag.value(QStringLiteral("line")).toInt())
                              .arg(diag.value(QStringLiteral("column")).toInt())
                              .arg(diag.value(QStringLiteral("message")).toString());
        }
        if (!errors.isEmpty())
            why += u'\n' + errors.join(u'\n');
        if (reply.status() == 0) {
            m_reachable = false;
            m_unreachableReason = why;
            m_probeTimer->start();
            updateRuntimeNote();
        }
        showMessage(tr("The session could not start: %1").arg(why), true);
        updateButtons();
        Q_EMIT startFailed(why);
        return;
    }
    m_sessionId = o.value(QStringLiteral("id")).toString();
    m_serviceState = ServiceState::Running;
    auto *follower = new EventFollower(m_client->endpoint(), m_sessionId, this);
    delete m_follower; // a previous session's, already finished
    m_follower = follower;
    connect(follower, &EventFollower::audit, this, [this, follower](const QByteArray &json) {
        if (follower != m_follower)
            return;
        if (const auto e = records::auditEvent(std::string_view(json.constData(), std::size_t(json.size()))))
            onEvent(*e);
    });
    connect(follower, &EventFollower::output, this, [this, follower](bool, const QString &text) {
        if (follower == m_follower)
            appendOutput(text);
    });
    connect(follower, &EventFollower::ended, this, [this, follower](const QByteArray &json) { serviceEnded(follower, json); });
    connect(follower, &EventFollower::finished, this,
            [this, follower](bool ok, const QString &error) { serviceStreamFinished(follower, ok, error); });
    follower->start();
    showMessage(tr("Session %1 running in openshelld.").arg(m_sessionId), false);
    updateButtons();
    Q_EMIT sessionStarted(m_sessionId);
}

void LauncherPage::serviceEnded(EventFollower *follower, const QByteArray &sessionJson)
{
    if (follower != m_follower || m_serviceState == ServiceState::Idle)
        return;
    const QJsonObject o = QJsonDocument::fromJson(sessionJson).object();
    onFinished(o.value(QStringLiteral("exit_status")).toInt(-1), o.value(QStringLiteral("exit_reason")).toString());
}

void LauncherPage::serviceStreamFinished(EventFollower *follower, bool ok, const QString &error)
{
    if (follower != m_follower)
        return;
    m_follower = nullptr;
    follower->deleteLater();
    if (m_serviceState == ServiceState::Idle)
        return;
    // Lost without the end event: the session may well go on in the service.
    const QString id = m_sessionId;
    onFinished(-1, QStringLiteral("unknown"));
    showMessage(tr("Lost session %1's event stream: %2. It may still run in openshelld (osctl sessions).")
                    .arg(id, ok ? tr("the stream ended") : error),
                true);
}

} // namespace osh::ui
