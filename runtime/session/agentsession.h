#pragma once
// One agent session on this machine: the policy's engine, the audit trail,
// the network guardian (one proxy socket per identity), the tool gateway,
// the workspace guard, the approval broker and the agent's sandbox, wired
// together and torn down in order. `osctl run`, `osctl demo` and the studio's
// launcher all drive this class.

#include "sessionidentity.h"

#include "audit/auditevent.h"
#include "gateway/toolrunner.h"
#include "model/policy.h"
#include "sandbox/sandboxexit.h"

#include <QHash>
#include <QObject>
#include <QSet>
#include <QString>
#include <QStringList>

#include <functional>
#include <memory>
#include <mutex>
#include <optional>

namespace osh {
class AuditStore;
class DecisionEngine;
class SessionState;
} // namespace osh

namespace osh::runtime {

class Gateway;
class NetworkGuardianProxy;
class Sandbox;
class SandboxToolRunner;
class McpServerSet;
class WorkspaceGuard;
class ApprovalBroker;
struct PathMapping;
struct SandboxSpec;

class AgentSession : public QObject
{
    Q_OBJECT

public:
    enum class Approvals { Store, AutoApprove, AutoDeny };

    struct Options
    {
        QString policyFile;
        std::shared_ptr<const PolicyDocument> document; // loaded and validated by the caller
        std::string policyHash;                           // SHA-256 of the file's bytes
        std::optional<Isolation> isolation;               // overrides the policy's
        // The user's host folder for the workspace: the agent runs as its owner
        // and group, and nothing in it changes hands. Empty: a fresh one in the
        // run folder.
        QString workspaceDir;
        QString restoreFrom;   // a snapshot to restore into the workspace first
        QStringList command;   // the agent's argv; empty: the policy's agent.command
        QString dataDir;       // run folders and snapshots go below it
        AuditStore *store = nullptr;
        Approvals approvals = Approvals::Store;
        int approvalTimeoutSeconds = 300;
        int maxPendingApprovals = 20; // held at once; more escalations are refused at once
        QList<QPair<QString, QString>> extraEnv; // e.g. OPENSHELL_DEMO_CA
        // The user the session runs for (a service sets its client's uid and
        // primary gid): a given workspace must be that user's, and a fresh one
        // is made theirs. Unset: the given workspace's owner, or the sandbox's
        // own user for a fresh one (SessionIdentity).
        std::optional<uid_t> ownerUid;
        std::optional<gid_t> ownerGid;
        // Host folders as the sandbox and the controller must reach them:
        // the service opens the policy's folder, the workspace and `source:`
        // folders as its client and maps each path to /proc/PID/fd/N.
        QHash<QString, QString> hostPaths;
        bool interactive = false; // the agent's standard input stays open (writeStdin)
    };

    explicit AgentSession(Options options, QObject *parent = nullptr);
    ~AgentSession() override;

    // Starts everything; false (with *error) when the session cannot start,
    // after recording why.
    bool start(QString *error);
    // Ends the session early (Ctrl-C): the agent is stopped, then everything
    // is torn down and recorded as interrupted.
    void stop();

    // A command run in the session like a tool call (POST .../exec).
    void exec(const QStringList &argv, const QByteArray &stdinData, double timeoutSeconds,
              std::function<void(ExecResult)> done);
    // Interactive sessions: input for the agent; eof closes it.
    bool writeStdin(const QByteArray &data, bool eof, QString *error);

    QString id() const { return m_id; }
    const std::string &policyHash() const { return m_options.policyHash; }
    QStringList command() const { return m_command; }
    QString workspaceDir() const { return m_workspace; }
    QString runDir() const { return m_runDir; }
    bool isRunning() const;

Q_SIGNALS:
    // Every audited event, as it is recorded.
    void event(const osh::AuditEvent &event);
    // The agent's own output.
    void agentOutput(bool stderrChannel, const QByteArray &data);
    void finished(int exitStatus, const QString &reason);

private:
    std::int64_t record(AuditEvent e);
    void onSandboxFinished(const SandboxExit &exit);
    QString prepareWorkspace(QString *error);
    QString hostPath(const QString &path) const; // through Options::hostPaths
    bool maskInsideWorkspace(const AccessRule &rule, const std::string &workspace, const QString &policyDir,
                             SandboxSpec &spec, std::vector<PathMapping> &paths, QSet<QString> &pinned, QString *error);

    class Sink;
    Options m_options;
    QString m_id;
    QString m_runDir;
    QString m_workspace;
    SessionIdentity m_identity; // the agent's, its tools' and the file controller's
    std::shared_ptr<DecisionEngine> m_engine;
    std::unique_ptr<SessionState> m_state;
    std::mutex m_stateLock;
    std::unique_ptr<Sink> m_sink;
    std::unique_ptr<ApprovalBroker> m_broker; // owned fixed brokers
    ApprovalBroker *m_approver = nullptr;     // the one the gateway asks
    NetworkGuardianProxy *m_proxy = nullptr;
    SandboxToolRunner *m_tools = nullptr;
    McpServerSet *m_mcp = nullptr;
    Gateway *m_gateway = nullptr;
    WorkspaceGuard *m_guard = nullptr;
    Sandbox *m_sandbox = nullptr;
    bool m_interrupted = false;
    QStringList m_command;
};

} // namespace osh::runtime
