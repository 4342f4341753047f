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
#include <QJsonObject>
#include <QObject>
#include <QSet>
#include <QString>
#include <QStringList>

#include <atomic>
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
class AgentStateStore;
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
        // No agent process: a client of the service (the Python SDK) is the
        // agent and acts through the gateway. The session runs until stop()
        // or the policy's max_execution_time_seconds.
        bool externalAgent = false;
        // Where the agent's state is kept (the service's store); null: the
        // gateway's openshell/state/* methods say there is none.
        AgentStateStore *stateStore = nullptr;
        // A token's agent:NAME items, when one started the session: its state
        // calls reach only those agents' stores.
        std::vector<std::string> stateAgents;
        // Seals a snapshot archive at rest (the service's); returns the
        // sealed file's path (the plain archive removed), or empty with
        // *error. Unset: snapshots stay plain archives (osctl run --restore).
        std::function<QString(const QString &archive, const QString &name, QString *error)> sealSnapshot;
        QString restoreHint; // how the user restores a snapshot, for the audit event
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
    // A snapshot of the workspace taken now, named <id>.<n> and sealed as
    // the end-of-session one would be. Made on this object's thread; run()
    // archives (blocking: a worker's job) and needs nothing of the session;
    // noteSnapshot() records it afterwards.
    struct SnapshotJob
    {
        QString name;
        QString workspace;
        QString snapshotsDir;
        QJsonObject state;
        std::function<QString(const QString &, const QString &, QString *)> seal;
        QString run(QString *error) const; // the snapshot's path, or empty with *error
    };
    SnapshotJob snapshotJob();
    void noteSnapshot(const QString &path, const QString &error);
    // A connection to the session's gateway that never passes through the
    // file system (the socket's folder may be the agent's user's): the
    // descriptor of one end of a socket pair, or -1 with *error.
    int openGatewayChannel(QString *error);
    // Whose state the session's gateway serves (the policy's agent.name).
    std::string agentName() const { return m_options.document->agentName(); }
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
    // A session without an agent process (externalAgent): started, ended.
    bool startExternal(Isolation isolation);
    void finishExternal(SandboxExitReason reason);
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
    bool m_externalRunning = false;
    std::atomic<int> m_snapshots{0};
    QStringList m_command;
};

} // namespace osh::runtime
