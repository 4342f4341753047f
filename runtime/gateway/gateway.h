#pragma once
// The tool gateway: a Unix socket inside the sandbox speaking JSON-RPC 2.0,
// one message per line, with the Model Context Protocol's methods
// (initialize, tools/list, tools/call, ping) so an MCP client connects
// unchanged, plus OpenShell methods for usage and cost, reasoning, responses
// to the user and controller-mediated file operations (docs/gateway.md).
// Every action is decided by the session's engine and audited.

#include "archiveinspector.h"
#include "filecontroller.h"
#include "jsonrpc.h"
#include "gatewayhooks.h"
#include "mcpservers.h"
#include "toolrunner.h"

#include "engine/decisionengine.h"
#include "sandbox/sandboxspec.h"

#include <QElapsedTimer>
#include <QJsonObject>
#include <QObject>
#include <QPointer>

#include <memory>
#include <mutex>
#include <vector>

class QLocalServer;
class QLocalSocket;
class QTimer;

namespace osh::runtime {

class Gateway : public QObject
{
    Q_OBJECT

public:
    struct Options
    {
        std::string sessionId;
        std::string policyHash;
        std::vector<PathMapping> paths; // for file operations
        // Who file operations run as: the session's agent (see FileController),
        // so what the controller creates belongs to the same owner.
        uid_t fileUid = SandboxSpec::kSandboxUid;
        gid_t fileGid = SandboxSpec::kSandboxGid;
        int fileTimeoutMs = 10000;
        // Guards the SessionState when others (the network proxy) share it.
        std::mutex *sessionLock = nullptr;
        // The session's MCP servers (tool entries with `mcp:`); null: none.
        McpServers *mcp = nullptr;
        // Agent state (openshell/state/*): the store of `agent`, used as
        // stateCaller (the session's owner); null outside the service.
        AgentStateStore *state = nullptr;
        std::string agent;
        StateCaller stateCaller;
    };

    Gateway(std::shared_ptr<const DecisionEngine> engine, SessionState *session, ToolRunner *runner,
            AuditSink *audit, ApprovalBroker *approvals, Options options, QObject *parent = nullptr);
    ~Gateway() override;

    // Starts the file controller and listens; false with *error when either fails.
    bool listen(const QString &socketPath, QString *error);
    QString socketPath() const;
    // A connection that never passes through the file system (the service's
    // relay for clients that are the agent): one end of a socket pair served
    // like an agent's connection; the other end's descriptor (the caller
    // owns it), or -1 with *error.
    int openChannel(QString *error);
    // Seconds since the gateway started (the session's clock for requests).
    double now() const;
    int activeCalls() const { return m_activeCalls; }
    // Runs argv in a fresh sandbox of the session (as a tool call is run),
    // decided as a call of the tool "exec" with tool.args {argv}, held for
    // approval when a policy escalates, and its output passed through the
    // data_output policies. done runs once, on this object's thread.
    void exec(const QStringList &argv, const QByteArray &stdinData, double timeoutSeconds,
              std::function<void(ExecResult)> done);
    static constexpr int kMaxConnections = 16;
    static constexpr int kMaxFileOperations = 8;           // in progress at once, per session
    static constexpr qint64 kMaxUnsentBytes = 64 << 20;    // per connection, before it is read from again
    static constexpr int kMaxStateCalls = 16;              // state operations in progress at once, per session

    // Set once, before the agent starts (the session makes the servers after the gateway).
    void setMcpServers(McpServers *servers) { m_options.mcp = servers; }
    // Answers the tools/list requests that wait for MCP servers to start,
    // once none is starting (or with force, with what is known).
    void answerToolLists(bool force = false);
    static constexpr int kToolListWaitMs = 30000;
    // An MCP server's tools changed: every connection that initialized is
    // told (notifications/tools/list_changed). A server's first list is
    // news only when a tools/list was answered without it (its wait ran out).
    void notifyToolsChanged(bool firstList = false);

Q_SIGNALS:
    void toolCallFinished(const QString &tool, bool allowed);

private:
    struct Reply;
    // Where a tools/call's time went (the gateway's clock, ns): recorded
    // with its tool_result event and returned in _meta.openshell.
    struct CallTiming
    {
        qint64 receivedNs = 0; // the call was read
        qint64 decisionNs = 0; // the tool_call decision took
        qint64 runNs = 0;      // handed to the runner (after throttling or approval)
    };
    void onConnection();
    void serve(QLocalSocket *socket); // a connection counted and read from
    void onReadable(QLocalSocket *socket);
    void handle(QLocalSocket *socket, const jsonrpc::Call &call);
    void respond(QPointer<QLocalSocket> socket, const QJsonValue &id, const QJsonObject &result);
    void respondError(QPointer<QLocalSocket> socket, const QJsonValue &id, int code, const QString &message);

    // MCP protocol versions the gateway speaks, newest first.
    static const QStringList &protocolVersions();
    // The version negotiated on this connection; empty before initialize.
    static QString protocolVersion(const QLocalSocket *socket);
    QJsonObject initializeResult(QLocalSocket *socket, const QJsonObject &params) const;
    QJsonObject toolsList() const;
    void toolsCall(QPointer<QLocalSocket> socket, const QJsonValue &id, const QJsonObject &params);
    // Runs a decided call: a declared tool in its sandbox, or an MCP server's.
    void dispatch(QPointer<QLocalSocket> socket, const QJsonValue &id, const std::string &tool, QByteArray args, CallTiming timing);
    void runTool(QPointer<QLocalSocket> socket, const QJsonValue &id, const ToolSpec &tool, QByteArray args, CallTiming timing);
    void runMcp(QPointer<QLocalSocket> socket, const QJsonValue &id, const ToolSpec &server, const std::string &tool,
                QByteArray args, CallTiming timing);
    void finishMcp(QPointer<QLocalSocket> socket, const QJsonValue &id, const ToolSpec &server, const std::string &tool,
                   const QJsonObject &result, const QString &error, const CallTiming &timing);
    void appendMcpTools(const ToolSpec &server, QJsonArray &tools) const;
    // A failure's text (a tool's error output, a server's error message)
    // as it may reach the agent: decided as data_output, redacted or withheld.
    QString checkedFailure(const std::string &tool, const std::string &server, const QString &text);
    void finishTool(QPointer<QLocalSocket> socket, const QJsonValue &id, const ToolSpec &tool, const ToolResult &result,
                    const CallTiming &timing);
    // The tool_result event: the outcome and where the time went.
    QJsonObject recordResult(const ToolSpec &tool, const ToolResult &result, const CallTiming &timing, qint64 doneNs,
                             qint64 checkNs, const std::string &message);
    QJsonObject recordResult(const std::string &tool, const QString &sandbox, const QJsonValue &exitStatus,
                             const CallTiming &timing, qint64 doneNs, qint64 checkNs, const std::string &message);
    void respondToUser(QPointer<QLocalSocket> socket, const QJsonValue &id, const QJsonObject &params);
    void usage(QPointer<QLocalSocket> socket, const QJsonValue &id, const QJsonObject &params);
    void reasoning(QPointer<QLocalSocket> socket, const QJsonValue &id, const QJsonObject &params);
    void fileOperation(QPointer<QLocalSocket> socket, const QJsonValue &id, const QJsonObject &params);
    // Guarded functions (gatewayguard.cpp): the SDK runs them in its own
    // process; the gateway decides the call and the output.
    void guardDecide(QPointer<QLocalSocket> socket, const QJsonValue &id, const QJsonObject &params);
    void guardOutput(QPointer<QLocalSocket> socket, const QJsonValue &id, const QJsonObject &params);
    // The entry params.tool names, when it may be guarded (declared with
    // `guard: true`, or not at all); null after answering an error.
    const ToolSpec *guardedTool(QPointer<QLocalSocket> socket, const QJsonValue &id, const char *method,
                                const QJsonObject &params, std::string &tool);
    void stateCall(QPointer<QLocalSocket> socket, const QJsonValue &id, const QString &operation, const QJsonObject &params);
    struct FileCall;
    void decideFile(const std::shared_ptr<FileCall> &call, std::int64_t size);
    void finishFile(const FileCall &call, const Decision &d, const FileOutcome &o);
    void refuseEscape(const FileCall &call, const FileOutcome &o);
    // Audits a refusal by the controller itself (filesystem layer) and answers it.
    void refuseFile(const FileCall &call, const std::string &message);

    // Decides, audits and returns the decision (and the request as derived).
    Decision decide(Request &request, const std::string &tool, const std::string &parametersJson,
                    std::int64_t *seq = nullptr);
    // request: the decided request, stored (PII as surrogates) for what-if replay.
    std::int64_t audit(const Decision *decision, const std::string &type,
                       const std::string &tool, const std::string &parametersJson, const std::string &message = {},
                       const Request *request = nullptr);
    void runExec(const ToolSpec &tool, const QByteArray &stdinData, const Decision &d,
                 std::function<void(ExecResult)> done);
    // seq: the held event's (decide()'s), so the approval names it.
    // releasedJson: exactly what the action goes ahead with once approved
    // (after a redaction that failed closed, the redacted arguments): the
    // approver's real parameters, and redacted, the approval's parameters.
    void escalate(const Request &request, const Decision &decision, std::int64_t seq, const std::string &tool,
                  const std::string &releasedJson, std::function<void(bool, std::string)> then);

    std::shared_ptr<const DecisionEngine> m_engine;
    SessionState *m_session;
    ToolRunner *m_runner;
    AuditSink *m_audit;
    ApprovalBroker *m_approvals;
    Options m_options;
    QLocalServer *m_server;
    FileController *m_files;
    QElapsedTimer m_clock;
    int m_activeCalls = 0;
    int m_connections = 0;
    int m_fileOps = 0;
    int m_stateCalls = 0;
    bool m_connectionCapReported = false;
    std::vector<std::pair<QPointer<QLocalSocket>, QJsonValue>> m_waitingLists;
    QTimer *m_listTimer = nullptr;
    bool m_listedWithoutServers = false;
};

} // namespace osh::runtime
