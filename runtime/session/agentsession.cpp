#include "agentsession.h"
#include "trustbundle.h"
#include "network/egressaudit.h"

#include "approvalbrokers.h"
#include "sandboxmounts.h"
#include "sandboxtoolrunner.h"
#include "mcpserverhost.h"
#include "sessionid.h"
#include "workspaceguard.h"

#include "audit/auditstore.h"
#include "engine/decisionengine.h"
#include "gateway/beneath.h"
#include "gateway/gateway.h"
#include "network/networkguardianproxy.h"
#include "pii/piidetector.h"
#include "sandbox/sandbox.h"
#include "sandbox/sandboxworkspace.h"
#include "vcs/policyrepository.h"

#include <QDir>
#include <QPointer>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>
#include <QSet>
#include <QTimer>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <functional>
#include <thread>

#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

namespace osh::runtime {

namespace {
const QString kGatewayMount = QStringLiteral("/run/openshell/gateway.sock");

QString argvJson(const QStringList &argv)
{
    return QString::fromUtf8(QJsonDocument(QJsonArray::fromStringList(argv)).toJson(QJsonDocument::Compact));
}

// The "session started" event's parameters: the mode and what enforces
// each limit and boundary in it.
std::string enforcementJson(const SandboxSpec &spec)
{
    QJsonArray list;
    for (const SandboxControl &c : spec.enforcement()) {
        QJsonObject o{{QStringLiteral("control"), c.control}, {QStringLiteral("by"), c.by}};
        if (!c.value.isEmpty())
            o.insert(QStringLiteral("value"), c.value);
        list.append(o);
    }
    return QJsonDocument(QJsonObject{{QStringLiteral("isolation"), QString::fromLatin1(isolationName(spec.isolation).data())},
                                     {QStringLiteral("enforcement"), list}})
        .toJson(QJsonDocument::Compact)
        .toStdString();
}

// Runs fn on a thread of its own that holds the file-system identity
// uid:gid and no capabilities (the rest of the process keeps root's), so
// what it creates in a user's folder belongs to that user and the kernel
// refuses what that user could not do there.
bool asFileUser(uid_t uid, gid_t gid, const std::function<bool()> &fn, std::string *why)
{
    bool ok = false;
    std::thread t([&] { ok = beneath::becomeFileUser(uid, gid, why) && fn(); });
    t.join();
    return ok;
}
} // namespace

class AgentSession::Sink final : public AuditSink
{
public:
    explicit Sink(AgentSession *s) : m_s(s) {}
    std::int64_t record(AuditEvent e) override { return m_s->record(std::move(e)); }

private:
    AgentSession *m_s;
};

AgentSession::AgentSession(Options options, QObject *parent) : QObject(parent), m_options(std::move(options)) {}

AgentSession::~AgentSession()
{
    // The guardian's inspected connections decide with this session's state:
    // they end before it does.
    if (m_proxy)
        m_proxy->close();
    // MCP servers and ready tool sandboxes first: their pending calls are
    // answered while the gateway they answer to still exists.
    if (m_mcp)
        m_mcp->stopAll();
    if (m_tools)
        m_tools->shutdown();
    delete m_sandbox; // kills a running session without signals
    m_sandbox = nullptr;
}

QString AgentSession::hostPath(const QString &path) const
{
    // Without a map, paths are used as given (in-process, root); with one,
    // start() has refused any folder the map lacks.
    return m_options.hostPaths.isEmpty() ? path : m_options.hostPaths.value(path);
}

bool AgentSession::isRunning() const { return m_externalRunning || (m_sandbox && m_sandbox->isRunning()); }

int AgentSession::openGatewayChannel(QString *error)
{
    if (!m_gateway || !isRunning()) {
        *error = tr("the session is not running");
        return -1;
    }
    return m_gateway->openChannel(error);
}

std::int64_t AgentSession::record(AuditEvent e)
{
    e.sessionId = m_id.toStdString();
    if (e.policyHash.empty())
        e.policyHash = m_options.policyHash;
    if (e.ts == 0)
        e.ts = AuditStore::now();
    if (m_options.store)
        e.seq = m_options.store->append(e);
    Q_EMIT event(e);
    return e.seq;
}

QString AgentSession::prepareWorkspace(QString *error)
{
    QString ws = m_options.workspaceDir;
    if (!m_options.restoreFrom.isEmpty()) {
        // A snapshot holds workspace/ and session.json; unpack it beside the run.
        const QString unpacked = QDir(m_runDir).filePath(QStringLiteral("restored"));
        QString why;
        if (!SandboxWorkspace::restore(m_options.restoreFrom, unpacked, &why)) {
            *error = tr("cannot restore %1: %2").arg(m_options.restoreFrom, why);
            return {};
        }
        const QString restored = QDir(unpacked).filePath(QStringLiteral("workspace"));
        if (!QFileInfo(restored).isDir()) {
            *error = tr("%1 is not a session snapshot (no workspace/ inside)").arg(m_options.restoreFrom);
            return {};
        }
        if (ws.isEmpty())
            return QFileInfo(restored).absoluteFilePath(); // the sandbox hands it over (chownWorkspace)
        // The user's folder stays as it is; what the runtime unpacked into its
        // own folder is handed to the agent's identity there, then moved in.
        const QDir::Filters all = QDir::AllEntries | QDir::Hidden | QDir::System | QDir::NoDotAndDotDot;
        if (!QDir(ws).isEmpty(all)) {
            *error = tr("cannot restore %1: the workspace %2 is not empty").arg(m_options.restoreFrom, ws);
            return {};
        }
        if (!SandboxWorkspace::handOver(restored, m_identity.uid, m_identity.gid)) {
            *error = tr("cannot hand the restored workspace to uid %1").arg(m_identity.uid);
            return {};
        }
        // Into the folder whose owner was examined, never through a link put
        // in its place since.
        beneath::Fd from(::open(QFile::encodeName(restored).constData(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
        beneath::Fd into(::open(QFile::encodeName(ws).constData(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
        struct stat st{};
        if (!from.valid() || !into.valid() || ::fstat(into.get(), &st) != 0 || st.st_uid != m_identity.uid) {
            *error = tr("cannot restore %1: the workspace %2 changed since it was examined").arg(m_options.restoreFrom, ws);
            return {};
        }
        for (const QString &name : QDir(restored).entryList(all)) {
            const QByteArray n = QFile::encodeName(name);
            if (::renameat2(from.get(), n.constData(), into.get(), n.constData(), RENAME_NOREPLACE) != 0) {
                *error = tr("cannot move the restored %1 into %2: %3").arg(name, ws, QString::fromLocal8Bit(std::strerror(errno)));
                return {};
            }
        }
        QDir().rmdir(restored);
        return QFileInfo(ws).absoluteFilePath();
    }
    if (!ws.isEmpty())
        return QFileInfo(ws).absoluteFilePath(); // the user's own, as it is
    ws = QDir(m_runDir).filePath(QStringLiteral("workspace"));
    if (!QDir().mkpath(ws)) {
        *error = tr("cannot create the workspace folder %1").arg(ws);
        return {};
    }
    return QFileInfo(ws).absoluteFilePath();
}

bool AgentSession::maskInsideWorkspace(const AccessRule &rule, const std::string &workspace, const QString &policyDir,
                                       SandboxSpec &spec, std::vector<PathMapping> &paths, QSet<QString> &pinned,
                                       QString *error)
{
    // The workspace is mounted read-write as a whole, so a narrower rule
    // inside it needs a mount of its own, or agent code would simply ignore
    // it: a read-only rule is mounted read-only over its folder, and a
    // write-only one is hidden behind an empty read-only folder (the
    // controller alone writes there, after data_output policies).
    if (rule.path == workspace || rule.permissions == Permission::ReadWrite)
        return true;
    const std::string relative = rule.path.substr(workspace.size() + 1);
    QString host;
    if (rule.source) {
        host = hostPath(QDir::cleanPath(QFileInfo(QDir(policyDir), QString::fromStdString(*rule.source)).absoluteFilePath()));
        paths.push_back({rule.path, host});
    } else {
        // The mount point is made inside the workspace without following
        // any link agent code may have left there in an earlier session; in
        // a user's folder, as that user (it is theirs, like the rest).
        beneath::Error e;
        std::string why;
        beneath::Fd root = beneath::openRoot(QFile::encodeName(m_workspace).toStdString(), &e);
        const auto make = [&] { return beneath::openFolder(root.get(), relative, true, &e).valid(); };
        const bool made = root.valid()
            && (m_options.workspaceDir.isEmpty() ? make() : asFileUser(m_identity.uid, m_identity.gid, make, &why));
        if (!made) {
            *error = tr("cannot prepare %1 for the rule on %2: %3")
                         .arg(m_workspace + QLatin1Char('/') + QString::fromStdString(relative), QString::fromStdString(rule.path),
                              QString::fromStdString(why.empty() ? e.message : why));
            return false;
        }
        host = m_workspace + QLatin1Char('/') + QString::fromStdString(relative);
    }
    // Every folder between the workspace and the rule's folder becomes a
    // mount point of its own (bound onto itself, read-write): the kernel
    // refuses to rename or remove a mount point, so agent code cannot move
    // the protected folder to a path no rule names.
    if (!rule.source) {
        const QStringList parts = QString::fromStdString(relative).split(QLatin1Char('/'));
        QString sub;
        for (qsizetype i = 0; i + 1 < parts.size(); ++i) {
            sub += (sub.isEmpty() ? QString() : QStringLiteral("/")) + parts[i];
            if (pinned.contains(sub))
                continue;
            pinned.insert(sub);
            spec.mounts.append({m_workspace + QLatin1Char('/') + sub, QString::fromStdString(workspace) + QLatin1Char('/') + sub, false});
        }
    }
    pinned.insert(QString::fromStdString(relative));
    if (rule.permissions == Permission::Read) {
        spec.mounts.append({host, QString::fromStdString(rule.path), true});
        return true;
    }
    const QString empty = QDir(m_runDir).filePath(QStringLiteral("hidden"));
    if (!QDir().mkpath(empty)) {
        *error = tr("cannot create %1").arg(empty);
        return false;
    }
    QFile::setPermissions(empty, QFile::ReadOwner | QFile::ExeOwner | QFile::ReadGroup | QFile::ExeGroup | QFile::ReadOther | QFile::ExeOther);
    spec.mounts.append({empty, QString::fromStdString(rule.path), true});
    return true;
}

bool AgentSession::start(QString *error)
{
    const PolicyDocument &doc = *m_options.document;
    m_id = QString::fromStdString(newSessionId());
    m_runDir = QDir(m_options.dataDir).filePath(QStringLiteral("runs/") + m_id);
    // Unix socket paths are limited to 108 bytes: keep them short.
    const QString sockDir = QStringLiteral("/tmp/osh-%1").arg(QRandomGenerator::system()->generate(), 8, 16, QLatin1Char('0'));
    if (!QDir().mkpath(m_runDir) || !QDir().mkpath(sockDir)) {
        *error = tr("cannot create the run folders under %1").arg(m_options.dataDir);
        return false;
    }
    ::chmod(QFile::encodeName(sockDir).constData(), 0700);
    const QString policyDir = QFileInfo(m_options.policyFile).absolutePath();
    const Isolation isolation = m_options.isolation.value_or(doc.sandbox.isolation);
    QStringList command = m_options.command;
    if (command.isEmpty() && doc.agent)
        for (const auto &a : doc.agent->command)
            command << QString::fromStdString(a);

    m_command = command;
    m_engine = std::make_shared<DecisionEngine>(m_options.document);
    m_state = std::make_unique<SessionState>(m_id.toStdString());
    m_sink = std::make_unique<Sink>(this);

    SessionRecord rec;
    rec.id = m_id.toStdString();
    rec.startedAt = AuditStore::now();
    rec.policyFile = QFileInfo(m_options.policyFile).absoluteFilePath().toStdString();
    rec.policyHash = m_options.policyHash;
    // Which commit the policy came from, and whether what runs differs from it
    // (unsaved or uncommitted changes); no commit outside a repository.
    const vcs::PolicyProvenance provenance = vcs::PolicyRepository::provenance(m_options.policyFile, m_options.policyHash);
    rec.policyCommit = provenance.commit.toStdString();
    rec.policyDirty = provenance.dirty;
    rec.isolation = std::string(isolationName(isolation));
    if (m_options.ownerUid)
        rec.ownerUid = static_cast<std::uint32_t>(*m_options.ownerUid);
    rec.command = argvJson(command).toStdString();
    if (m_options.store)
        m_options.store->beginSession(rec);

    auto failStart = [&](const QString &why) {
        AuditEvent e;
        e.type = "sandbox";
        e.severity = "critical";
        e.message = "session could not start: " + why.toStdString();
        record(e);
        if (m_options.store) {
            m_options.store->endSession(m_id.toStdString(), std::nullopt, "error");
            m_options.store->flush();
        }
        *error = why;
        return false;
    };
    if (m_options.externalAgent)
        m_command = command = QStringList();
    else if (command.isEmpty())
        return failStart(tr("no agent command: give one, or set agent.command in the policy"));
    if (const QString why = Sandbox::availability(isolation); !why.isEmpty())
        return failStart(why);
    // Host folders given as pinned ones (the service's) are used only so: a
    // folder the caller did not open is refused, never mounted by its path.
    if (!m_options.hostPaths.isEmpty()) {
        QStringList needed{policyDir};
        for (const auto &r : doc.filesystem.rules)
            if (r.source)
                needed << QDir::cleanPath(QFileInfo(QDir(policyDir), QString::fromStdString(*r.source)).absoluteFilePath());
        for (const QString &folder : needed)
            if (!m_options.hostPaths.contains(folder))
                return failStart(tr("%1 was not opened for this session's owner; it is not mounted by its path").arg(folder));
    }
    QString refused;
    const auto runAs = SessionIdentity::choose(m_options.workspaceDir, m_options.ownerUid, m_options.ownerGid, &refused);
    if (!runAs)
        return failStart(refused);
    m_identity = *runAs;
    // Only the session's sandboxes (and root) may reach its gateway and
    // proxy sockets: the folder belongs to the agent's identity, mode 0700.
    if (::geteuid() == 0)
        ::chown(QFile::encodeName(sockDir).constData(), m_identity.uid, m_identity.gid);

    m_workspace = prepareWorkspace(error);
    if (m_workspace.isEmpty())
        return failStart(*error);

    // Approvals.
    switch (m_options.approvals) {
    case Approvals::Store: {
        auto *b = new StoreApprovalBroker(m_options.store, m_options.approvalTimeoutSeconds,
                                          m_options.maxPendingApprovals, this);
        connect(b, &StoreApprovalBroker::held, this, [this](qint64 id, const QString &tool, const QString &msg) {
            AuditEvent e;
            e.type = "approval";
            e.tool = tool.toStdString();
            e.decision = "escalate";
            e.severity = "warning";
            e.message = QStringLiteral("held for approval #%1: %2 (osctl approvals approve %1)").arg(id).arg(msg).toStdString();
            record(e);
        });
        m_approver = b;
        break;
    }
    case Approvals::AutoApprove:
        m_broker = std::make_unique<FixedApprovalBroker>(m_options.store, true, "auto-approved (demo)");
        m_approver = m_broker.get();
        break;
    case Approvals::AutoDeny:
        m_broker = std::make_unique<FixedApprovalBroker>(m_options.store, false, "auto-denied");
        m_approver = m_broker.get();
        break;
    }

    // Network guardian: one socket per identity.
    m_proxy = new NetworkGuardianProxy(m_engine, *m_state, m_stateLock, this);
    {
        QString why;
        const auto copies = copyRuleCaFiles(doc, hostPath(policyDir), QDir(m_runDir).filePath(QStringLiteral("upstream-ca")),
                                            m_options.ownerUid, &why);
        if (!copies)
            return failStart(why);
        for (const auto &[rule, path] : *copies)
            m_proxy->setRuleCaFile(rule, path.toStdString());
    }
    auto proxySocket = [sockDir](const QString &identity) { return QDir(sockDir).filePath(QStringLiteral("p-%1.sock").arg(identity)); };
    QStringList identities{QStringLiteral("agent")};
    for (const auto &t : doc.tools)
        identities << QString::fromStdString(t.name);
    // Commands a client runs in the session (the API's exec) are egress
    // identity "exec", as tool calls of that name are decided.
    if (!identities.contains(QStringLiteral("exec")))
        identities << QStringLiteral("exec");
    for (const auto &identity : identities)
        if (!m_proxy->listen(identity, proxySocket(identity)))
            return failStart(tr("the network guardian cannot listen for %1: %2").arg(identity, m_proxy->errorString()));
    auto recordDecision = [this](const char *type, const Request &r, const Decision &d) {
        const EgressAuditText text = egressAuditText(r, d);
        AuditEvent e;
        e.type = type;
        e.tool = r.identity();
        e.parameters = text.parameters;
        e.decision = std::string(actionName(d.outcome));
        e.layer = d.layer == Layer::None ? std::string() : std::string(layerName(d.layer));
        e.policy = d.policy;
        e.message = text.message;
        e.severity = std::string(logLevelName(d.logLevel));
        e.trace = text.trace;
        e.request = text.request;
        record(e);
    };
    connect(m_proxy, &NetworkGuardianProxy::egressDecided, this,
            [recordDecision](const Request &r, const Decision &d) { recordDecision("network_egress", r, d); });
    // A response of an inspected request, decided as data_output.
    connect(m_proxy, &NetworkGuardianProxy::outputDecided, this,
            [recordDecision](const Request &r, const Decision &d) { recordDecision("data_output", r, d); });
    connect(m_proxy, &NetworkGuardianProxy::connectionCut, this, [this](const QString &identity, const QString &host, const QString &reason) {
        AuditEvent e;
        e.type = "network_egress";
        e.tool = identity.toStdString();
        // The reason may quote what the sandbox sent (an SNI, a header): redacted as any event's text.
        const auto &pii = pii::PiiDetector::instance();
        e.parameters = pii.redact(
            QJsonDocument(QJsonObject{{QStringLiteral("host"), host}}).toJson(QJsonDocument::Compact).toStdString());
        e.decision = "block";
        e.layer = "network";
        e.severity = "warning";
        e.message = pii.redact("connection cut: " + reason.toStdString());
        record(e);
    });

    // Folders the controller serves: the workspace, rule sources, private rule folders.
    std::vector<PathMapping> paths{{doc.filesystem.workspace, m_workspace}};
    std::vector<GuardedFolder> guarded{{doc.filesystem.workspace, m_workspace}};
    SandboxSpec spec = SandboxSpec::fromPolicy(doc, m_id, m_workspace, policyDir);
    spec.isolation = isolation;
    spec.uid = m_identity.uid;
    spec.gid = m_identity.gid;
    // Only a folder the runtime made is handed over; a user's keeps its owners.
    spec.chownWorkspace = m_options.workspaceDir.isEmpty();
    spec.mounts.clear();
    if (doc.sandbox.allowFilesystem) {
        int privateDirs = 0;
        QString why;
        // Rules inside the workspace, outer folders first, so a mount for an
        // inner folder is never hidden by one made later for an outer one.
        std::vector<const AccessRule *> nested;
        for (const auto &r : doc.filesystem.rules)
            if (FilesystemLayer::isUnder(r.path, doc.filesystem.workspace))
                nested.push_back(&r);
        std::stable_sort(nested.begin(), nested.end(),
                         [](const AccessRule *a, const AccessRule *b) { return a->path.size() < b->path.size(); });
        QSet<QString> pinned;
        for (const AccessRule *r : nested)
            if (!maskInsideWorkspace(*r, doc.filesystem.workspace, policyDir, spec, paths, pinned, &why))
                return failStart(why);
        for (const auto &r : doc.filesystem.rules) {
            if (FilesystemLayer::isUnder(r.path, doc.filesystem.workspace))
                continue;
            QString host = r.source ? hostPath(QDir::cleanPath(QFileInfo(QDir(policyDir), QString::fromStdString(*r.source)).absoluteFilePath()))
                                    : QDir(m_runDir).filePath(QStringLiteral("fs/%1").arg(++privateDirs));
            if (!r.source) {
                // The session's own folder: the agent's identity works in
                // it, directly or through the controller.
                QDir().mkpath(host);
                if (::geteuid() == 0)
                    ::chown(QFile::encodeName(host).constData(), m_identity.uid, m_identity.gid);
            }
            paths.push_back({r.path, host});
            if (r.permissions != Permission::Read)
                guarded.push_back({r.path, host});
            // Write-only folders are served by the controller alone: a
            // mount cannot be written without being readable.
            if (r.permissions != Permission::Write)
                spec.mounts.append({host, QString::fromStdString(r.path), r.permissions == Permission::Read});
        }
    }
    spec.mounts.append({hostPath(policyDir), kPolicyMount, true});
    spec.interactive = m_options.interactive;
    spec.argv = SandboxToolRunner::sandboxArgv([&] {
        std::vector<std::string> v;
        for (const auto &a : command)
            v.push_back(a.toStdString());
        return v;
    }(), hostPath(policyDir), kPolicyMount);
    spec.sockets << SandboxSocket{proxySocket(QStringLiteral("agent")), kProxyMount};
    spec.forwards << SandboxForward{kProxyPort, kProxyMount};
    spec.env << qMakePair(QStringLiteral("HTTPS_PROXY"), QStringLiteral("http://127.0.0.1:%1").arg(kProxyPort))
             << qMakePair(QStringLiteral("HTTP_PROXY"), QStringLiteral("http://127.0.0.1:%1").arg(kProxyPort))
             << qMakePair(QStringLiteral("OPENSHELL_SESSION"), m_id);
    // The sandbox trusts the session's interception CA (and the host's roots
    // for hosts whose rules say inspect: false), through the system bundle
    // and the variables common clients read.
    {
        QString why;
        spec.trustDir = writeTrustBundle(QDir(m_runDir).filePath(QStringLiteral("trust")), m_proxy->sessionCaPem(), &why);
        if (spec.trustDir.isEmpty() && !m_proxy->sessionCaError().isEmpty())
            why += QStringLiteral(" (") + m_proxy->sessionCaError() + QStringLiteral(")");
        if (spec.trustDir.isEmpty())
            return failStart(tr("cannot prepare the sandbox's trust bundle: %1").arg(why));
        const QString bundle = QStringLiteral("/etc/ssl/certs/ca-certificates.crt");
        spec.env << qMakePair(QStringLiteral("SSL_CERT_FILE"), bundle)
                 << qMakePair(QStringLiteral("REQUESTS_CA_BUNDLE"), bundle)
                 << qMakePair(QStringLiteral("CURL_CA_BUNDLE"), bundle)
                 << qMakePair(QStringLiteral("NODE_EXTRA_CA_CERTS"), QStringLiteral("/etc/ssl/certs/openshell-session-ca.pem"));
    }
    spec.env += m_options.extraEnv;

    // Tools run in their own sandboxes.
    SandboxToolRunner::Options to;
    to.sessionId = m_id;
    to.runDir = m_runDir;
    to.policyDir = hostPath(policyDir);
    to.trustDir = spec.trustDir;
    to.isolation = isolation;
    to.limits = spec.limits;
    to.env = QList<QPair<QString, QString>>(spec.env.begin(), spec.env.end());
    to.proxySocket = proxySocket;
    QPointer<NetworkGuardianProxy> proxy(m_proxy);
    to.gates.listen = [proxy, sockDir](const QString &tool, const QString &key, QString *why) {
        const QString path = QDir(sockDir).filePath(QStringLiteral("g-%1.sock").arg(key));
        if (!proxy || !proxy->listenGated(tool, path)) {
            *why = proxy ? proxy->errorString() : QStringLiteral("the session's network guardian is gone");
            return QString();
        }
        return path;
    };
    to.gates.open = [proxy](const QString &path) {
        if (proxy)
            proxy->openGate(path);
    };
    to.gates.remove = [proxy](const QString &path) {
        if (proxy)
            proxy->removeGate(path);
    };
    to.uid = m_identity.uid;
    to.gid = m_identity.gid;
    to.event = [this](const QString &tool, const QString &message, bool warning) {
        AuditEvent e;
        e.type = "sandbox";
        e.tool = tool.toStdString();
        e.severity = warning ? "warning" : "info";
        e.message = message.toStdString();
        record(e);
    };
    m_tools = new SandboxToolRunner(to, this);

    Gateway::Options go;
    go.sessionId = m_id.toStdString();
    go.policyHash = m_options.policyHash;
    go.paths = paths;
    go.sessionLock = &m_stateLock;
    go.fileUid = m_identity.uid;
    go.fileGid = m_identity.gid;
    go.state = m_options.stateStore;
    go.agent = doc.agentName();
    // The session acts for its owner: it reaches the stores that user owns.
    go.stateCaller.uid = m_options.ownerUid.value_or(m_identity.uid);
    go.stateCaller.agents = m_options.stateAgents;
    m_gateway = new Gateway(m_engine, m_state.get(), m_tools, m_sink.get(), m_approver, go, this);
    QString why;
    if (!m_gateway->listen(QDir(sockDir).filePath(QStringLiteral("gateway.sock")), &why))
        return failStart(tr("the gateway cannot listen: %1").arg(why));
    m_proxy->setClock([gw = m_gateway] { return gw->now(); });
    // MCP servers (tool entries with `mcp:`): each in a sandbox of its own
    // with the agent's view of the files, its entry's network identity, no
    // gateway, kept up for the session.
    int mcpServers = 0;
    SandboxSpec serverBase = spec;
    serverBase.argv.clear();
    serverBase.chownWorkspace = false;
    serverBase.cleanup = CleanupPolicy::Destroy;
    serverBase.interactive = true;
    serverBase.gatewayAddress.clear();
    for (const auto &t : doc.tools) {
        if (!t.isMcpServer())
            continue;
        if (!m_mcp) {
            m_mcp = new McpServerSet(this);
            connect(m_mcp, &McpServerSet::settled, m_gateway, [gw = m_gateway] { gw->answerToolLists(); });
            connect(m_mcp, &McpServerSet::toolsChanged, this, [this](const QString &entry, bool first) {
                m_gateway->notifyToolsChanged(first);
                if (!first)
                    return;
                const std::string name = entry.toStdString();
                for (const QString &w : McpServerSet::unknownToolsNamed(*m_options.document, name, m_mcp->tools(name))) {
                    AuditEvent e;
                    e.type = "sandbox";
                    e.tool = name;
                    e.severity = "warning";
                    e.message = w.toStdString();
                    record(e);
                }
            });
        }
        const QString entry = QString::fromStdString(t.name);
        McpServerHost::Options mo;
        mo.sessionId = m_id;
        mo.runDir = m_runDir;
        mo.base = serverBase;
        mo.base.sockets = {SandboxSocket{proxySocket(entry), kProxyMount}};
        mo.base.env << qMakePair(QStringLiteral("OPENSHELL_TOOL"), entry);
        mo.policyDir = hostPath(policyDir);
        mo.policyMount = kPolicyMount;
        mo.ordinal = ++mcpServers;
        // Not the workspace: what the agent writes there is never on the
        // server's module path when it (re)starts.
        mo.base.workingDir = kPolicyMount;
        mo.event = [this, name = t.name](const QString &message, bool warning) {
            AuditEvent e;
            e.type = "sandbox";
            e.tool = name;
            e.severity = warning ? "warning" : "info";
            e.message = message.toStdString();
            record(e);
        };
        m_mcp->add(new McpServerHost(t, mo));
    }
    if (m_mcp)
        m_gateway->setMcpServers(m_mcp);

    spec.sockets << SandboxSocket{m_gateway->socketPath(), kGatewayMount};
    spec.gatewayAddress = kGatewayMount;

    m_guard = new WorkspaceGuard(doc.filesystem, guarded, this);
    connect(m_guard, &WorkspaceGuard::removed, this, [this](const QString &path, const QString &reason, qint64 size) {
        AuditEvent e;
        e.type = "file_access";
        e.parameters = QJsonDocument(QJsonObject{{QStringLiteral("operation"), QStringLiteral("write")},
                                                 {QStringLiteral("path"), path},
                                                 {QStringLiteral("bytes"), size}})
                           .toJson(QJsonDocument::Compact)
                           .toStdString();
        e.decision = "block";
        e.layer = "filesystem";
        e.severity = "warning";
        e.message = "written directly by agent code and removed: " + reason.toStdString();
        record(e);
    });
    m_guard->start();

    if (m_options.externalAgent) {
        // No agent sandbox to hand the runtime's own workspace over: done
        // here, so the controller's file operations (as the agent) can write.
        if (spec.chownWorkspace && !SandboxWorkspace::handOver(spec.workspaceHostDir, spec.uid, spec.gid))
            return failStart(tr("cannot hand the workspace %1 over to uid %2").arg(spec.workspaceHostDir).arg(spec.uid));
        return startExternal(isolation);
    }
    if (const QString invalid = spec.validate(); !invalid.isEmpty())
        return failStart(invalid);
    m_sandbox = new Sandbox(spec, this);
    connect(m_sandbox, &Sandbox::output, this, [this](Sandbox::Channel c, const QByteArray &data) {
        Q_EMIT agentOutput(c == Sandbox::Channel::Stderr, data);
    });
    connect(m_sandbox, &Sandbox::finished, this, &AgentSession::onSandboxFinished);

    AuditEvent started;
    started.type = "sandbox";
    started.message = QStringLiteral("session started: %1 isolation, command %2, as uid %3 (gid %4)")
                          .arg(QString::fromLatin1(isolationName(isolation).data()), argvJson(command))
                          .arg(m_identity.uid)
                          .arg(m_identity.gid)
                          .toStdString();
    started.parameters = enforcementJson(spec);
    record(started);
    if (!m_sandbox->start())
        return failStart(m_sandbox->errorString());
    // Pools: sized and recorded now, the prestarted ones filled beside the
    // agent; MCP servers started beside it too.
    m_tools->setTools(doc.tools);
    if (m_mcp)
        m_mcp->startAll();
    return true;
}

bool AgentSession::startExternal(Isolation isolation)
{
    AuditEvent started;
    started.type = "sandbox";
    started.message = QStringLiteral("session started: %1 isolation, no agent process (the agent is a client of the service), "
                                     "tools as uid %2 (gid %3)")
                          .arg(QString::fromLatin1(isolationName(isolation).data()))
                          .arg(m_identity.uid)
                          .arg(m_identity.gid)
                          .toStdString();
    record(started);
    m_externalRunning = true;
    m_tools->setTools(m_options.document->tools);
    if (m_mcp)
        m_mcp->startAll();
    // The wall-clock limit holds as it does for an agent process.
    auto *limit = new QTimer(this);
    limit->setSingleShot(true);
    connect(limit, &QTimer::timeout, this, [this] { finishExternal(SandboxExitReason::Timeout); });
    limit->start(std::chrono::seconds(m_options.document->sandbox.maxExecutionTimeSeconds));
    return true;
}

void AgentSession::finishExternal(SandboxExitReason reason)
{
    if (!m_externalRunning)
        return;
    m_externalRunning = false;
    SandboxExit exit;
    exit.reason = reason;
    exit.exitCode = reason == SandboxExitReason::Killed ? 128 + SIGTERM : -1;
    exit.signal = reason == SandboxExitReason::Killed ? SIGTERM : 0;
    exit.message = reason == SandboxExitReason::Timeout ? tr("the session's time limit passed") : QString();
    onSandboxFinished(exit);
}

void AgentSession::stop()
{
    m_interrupted = true;
    if (m_externalRunning) {
        // Later, not inside the caller's own call: ending tears everything down.
        QTimer::singleShot(0, this, [this] { finishExternal(SandboxExitReason::Killed); });
        return;
    }
    if (m_sandbox && m_sandbox->isRunning())
        m_sandbox->stop();
}

void AgentSession::onSandboxFinished(const SandboxExit &exit)
{
    // First, so that nothing held can still be approved and run for an
    // agent that is gone (endSession expires them in the store as well).
    if (auto *b = findChild<StoreApprovalBroker *>(QString(), Qt::FindDirectChildrenOnly))
        b->expireAll("the session ended");
    m_guard->sweep();
    QString reason = sandboxExitReasonName(exit.reason);
    if (m_interrupted && exit.reason == SandboxExitReason::Killed)
        reason = QStringLiteral("interrupted");
    AuditEvent e;
    e.type = "sandbox";
    e.severity = exit.reason == SandboxExitReason::Exited && exit.exitCode == 0 ? "info"
        : exit.reason == SandboxExitReason::Oom || exit.reason == SandboxExitReason::Error ? "critical"
                                                                                             : "warning";
    e.message = QStringLiteral("session ended: %1, exit status %2%3")
                    .arg(reason)
                    .arg(exit.exitCode)
                    .arg(exit.message.isEmpty() ? QString() : QStringLiteral(" (%1)").arg(exit.message))
                    .toStdString();
    if (exit.reason == SandboxExitReason::Oom)
        e.message += "; the memory limit of " + std::to_string(m_options.document->sandbox.maxMemoryMb) + " MB was hit";
    record(e);

    // Every sandbox that mounts the workspace stops first: the cleanup walks
    // and removes it, and nothing may be changing it meanwhile.
    if (m_mcp)
        m_mcp->stopAll();
    if (const int stopped = m_tools->shutdown(); stopped > 0) {
        AuditEvent t;
        t.type = "sandbox";
        t.message = "tool pools: " + std::to_string(stopped) + " ready sandbox" + (stopped == 1 ? "" : "es") + " stopped with the session";
        record(t);
    }
    const auto policy = m_options.document->sandbox.cleanupPolicy;
    const QString bundle = policy == CleanupPolicy::Preserve && m_sandbox ? m_sandbox->releaseBundle() : QString();
    QJsonObject state{{QStringLiteral("session"), m_id},
                      {QStringLiteral("policy_file"), m_options.policyFile},
                      {QStringLiteral("policy_hash"), QString::fromStdString(m_options.policyHash)},
                      {QStringLiteral("exit_status"), exit.exitCode},
                      {QStringLiteral("exit_reason"), reason},
                      {QStringLiteral("total_cost"), m_state->totalCost()},
                      {QStringLiteral("tool_calls"), static_cast<qint64>(m_state->toolCalls())}};
    const bool ownWorkspace = m_options.workspaceDir.isEmpty();
    const auto cleanup = SandboxWorkspace::applyCleanup(policy, bundle,
                                                        ownWorkspace || policy != CleanupPolicy::Destroy ? m_workspace : QString(),
                                                        QDir(m_options.dataDir).filePath(QStringLiteral("snapshots")), m_id, state,
                                                        ownWorkspace);
    QString snapshotPath = cleanup.snapshotPath;
    QString sealError;
    if (!snapshotPath.isEmpty() && m_options.sealSnapshot) {
        // At rest only sealed; a failure keeps the plain archive (in the
        // service's root-only folder) rather than lose the workspace.
        const QString sealed = m_options.sealSnapshot(snapshotPath, m_id, &sealError);
        if (!sealed.isEmpty())
            snapshotPath = sealed;
    }
    const QString hint = m_options.restoreHint.isEmpty() ? QStringLiteral("restore with osctl run --restore") : m_options.restoreHint;
    AuditEvent c;
    c.type = "sandbox";
    c.severity = !cleanup.ok ? "warning" : sealError.isEmpty() ? "info" : "critical";
    c.message = !cleanup.ok ? "cleanup (" + std::string(cleanupPolicyName(policy)) + ") failed: " + cleanup.error.toStdString()
        : !sealError.isEmpty() ? "snapshot saved but NOT encrypted (" + sealError.toStdString() + "): " + snapshotPath.toStdString()
        : policy == CleanupPolicy::Snapshot ? "snapshot saved: " + snapshotPath.toStdString() + " (" + hint.toStdString() + ")"
        : policy == CleanupPolicy::Preserve ? "preserved: " + cleanup.keptPaths.join(QStringLiteral(", ")).toStdString()
                                            : std::string("destroyed the session's folders");
    record(c);

    m_proxy->close();
    if (m_options.store) {
        m_options.store->endSession(m_id.toStdString(), exit.exitCode, reason.toStdString());
        m_options.store->flush();
    }
    Q_EMIT finished(exit.exitCode, reason);
}

} // namespace osh::runtime
