#include "gateway.h"
#include "gatewayresults.h"

#include "pii/piidetector.h"
#include "replay/piisurrogate.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QLocalServer>
#include <QLocalSocket>
#include <QThreadPool>
#include <QTimer>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>

#include <sys/socket.h>
#include <unistd.h>

namespace osh::runtime {

namespace {

using jsonrpc::kInvalidParams;
using jsonrpc::kInvalidRequest;
using jsonrpc::kMethodNotFound;
constexpr qsizetype kMaxMessageBytes = 16 << 20;

std::string redacted(const std::string &text) { return pii::PiiDetector::instance().redact(text); }

double ms(qint64 ns) { return std::round(static_cast<double>(ns) / 1e4) / 100.0; }

} // namespace

Gateway::Gateway(std::shared_ptr<const DecisionEngine> engine, SessionState *session, ToolRunner *runner,
                 AuditSink *audit, ApprovalBroker *approvals, Options options, QObject *parent)
    : QObject(parent)
    , m_engine(std::move(engine))
    , m_session(session)
    , m_runner(runner)
    , m_audit(audit)
    , m_approvals(approvals)
    , m_options(std::move(options))
    , m_server(new QLocalServer(this))
    , m_files(new FileController({m_options.paths, m_options.fileUid, m_options.fileGid, m_options.fileTimeoutMs}, this))
{
    m_clock.start();
    connect(m_server, &QLocalServer::newConnection, this, &Gateway::onConnection);
}

Gateway::~Gateway() = default;

bool Gateway::listen(const QString &socketPath, QString *error)
{
    if (!m_files->start(error))
        return false;
    // The PII detector compiles its patterns at first use (tens of ms):
    // done now, beside the sandbox's start, rather than in the first call.
    QThreadPool::globalInstance()->start([] { (void)pii::PiiDetector::instance().redact("warm-up"); });
    QLocalServer::removeServer(socketPath);
    m_server->setSocketOptions(QLocalServer::UserAccessOption | QLocalServer::OtherAccessOption);
    if (!m_server->listen(socketPath)) {
        if (error)
            *error = m_server->errorString();
        return false;
    }
    return true;
}

QString Gateway::socketPath() const { return m_server->fullServerName(); }

double Gateway::now() const { return static_cast<double>(m_clock.nsecsElapsed()) / 1e9; }

void Gateway::onConnection()
{
    while (QLocalSocket *s = m_server->nextPendingConnection()) {
        // Each connection may buffer up to one message: their number is
        // bounded so agent code cannot make the host hold gigabytes.
        if (m_connections >= kMaxConnections) {
            respondError(s, QJsonValue(), kInvalidRequest,
                         QStringLiteral("too many connections to the gateway (%1)").arg(kMaxConnections));
            s->disconnectFromServer();
            s->deleteLater();
            if (!m_connectionCapReported) {
                m_connectionCapReported = true;
                audit(nullptr, "sandbox", {}, "{}",
                      "the gateway refused connections over its limit of " + std::to_string(kMaxConnections));
            }
            continue;
        }
        serve(s);
    }
}

int Gateway::openChannel(QString *error)
{
    int fds[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0) {
        *error = QStringLiteral("socketpair: %1").arg(QString::fromLocal8Bit(std::strerror(errno)));
        return -1;
    }
    auto *s = new QLocalSocket(this);
    if (!s->setSocketDescriptor(fds[0])) {
        *error = s->errorString();
        ::close(fds[0]);
        ::close(fds[1]);
        delete s;
        return -1;
    }
    serve(s);
    return fds[1];
}

void Gateway::serve(QLocalSocket *s)
{
    {
        ++m_connections;
        connect(s, &QLocalSocket::readyRead, this, [this, s] { onReadable(s); });
        connect(s, &QLocalSocket::bytesWritten, this, [this, s] {
            if (s->bytesToWrite() < kMaxUnsentBytes / 2)
                onReadable(s);
        });
        connect(s, &QLocalSocket::disconnected, s, &QObject::deleteLater);
        connect(s, &QObject::destroyed, this, [this] {
            if (--m_connections < kMaxConnections / 2)
                m_connectionCapReported = false; // a new burst is reported again
        });
    }
}

void Gateway::onReadable(QLocalSocket *socket)
{
    // A client that does not read its answers is not served more: what the
    // gateway holds for it stays bounded (resumed from bytesWritten).
    while (socket->bytesToWrite() < kMaxUnsentBytes && socket->canReadLine()) {
        const QByteArray line = socket->readLine().trimmed();
        if (line.isEmpty())
            continue;
        // MCP 2025-06-18 removed batching: a connection that negotiated it
        // (or later) gets a batch refused whole.
        const QString version = protocolVersion(socket);
        const bool batches = version.isEmpty() || version < QLatin1StringView("2025-06-18");
        for (auto &item : jsonrpc::parseLine(line, batches)) {
            if (auto *problem = std::get_if<jsonrpc::Problem>(&item))
                respondError(socket, problem->id, problem->code, problem->message);
            else
                handle(socket, std::get<jsonrpc::Call>(item));
        }
    }
    if (socket->bytesAvailable() > kMaxMessageBytes) {
        respondError(socket, QJsonValue(), kInvalidRequest, QStringLiteral("message too large"));
        socket->disconnectFromServer();
    }
}

void Gateway::handle(QLocalSocket *socket, const jsonrpc::Call &call)
{
    const QJsonValue &id = call.id;
    const QString &method = call.method;
    const QJsonObject &params = call.params;
    const bool notification = call.notification;
    QPointer<QLocalSocket> s(socket);
    if (notification)
        return; // notifications/initialized and the like need no answer
    if (method == QLatin1StringView("initialize"))
        respond(s, id, initializeResult(socket, params));
    else if (method == QLatin1StringView("ping"))
        respond(s, id, QJsonObject());
    else if (method == QLatin1StringView("tools/list")) {
        // The first list includes the MCP servers' tools: it waits (at most
        // kToolListWaitMs) for servers that are still starting.
        const bool starting = m_options.mcp && m_options.mcp->starting();
        if (starting && m_waitingLists.size() < std::size_t(kMaxConnections) * 4) {
            m_waitingLists.emplace_back(s, id);
            if (!m_listTimer) {
                m_listTimer = new QTimer(this);
                m_listTimer->setSingleShot(true);
                connect(m_listTimer, &QTimer::timeout, this, [this] { answerToolLists(true); });
            }
            if (!m_listTimer->isActive())
                m_listTimer->start(kToolListWaitMs);
            return;
        }
        if (starting)
            m_listedWithoutServers = true;
        respond(s, id, toolsList());
    }
    else if (method == QLatin1StringView("tools/call"))
        toolsCall(s, id, params);
    else if (method == QLatin1StringView("openshell/respond"))
        respondToUser(s, id, params);
    else if (method == QLatin1StringView("openshell/usage"))
        usage(s, id, params);
    else if (method == QLatin1StringView("openshell/reasoning"))
        reasoning(s, id, params);
    else if (method == QLatin1StringView("openshell/file"))
        fileOperation(s, id, params);
    else if (method == QLatin1StringView("openshell/decide"))
        guardDecide(s, id, params);
    else if (method == QLatin1StringView("openshell/output"))
        guardOutput(s, id, params);
    else if (method == QLatin1StringView("openshell/state/get") || method == QLatin1StringView("openshell/state/put")
             || method == QLatin1StringView("openshell/state/delete") || method == QLatin1StringView("openshell/state/keys"))
        stateCall(s, id, method.mid(16), params);
    else
        respondError(s, id, kMethodNotFound, QStringLiteral("unknown method '%1'").arg(method));
}

void Gateway::respond(QPointer<QLocalSocket> socket, const QJsonValue &id, const QJsonObject &result)
{
    if (!socket)
        return;
    QJsonObject o{{QStringLiteral("jsonrpc"), QStringLiteral("2.0")}, {QStringLiteral("id"), id},
                  {QStringLiteral("result"), result}};
    socket->write(QJsonDocument(o).toJson(QJsonDocument::Compact) + '\n');
    socket->flush(); // now, not when the event loop next turns (a pool refill may come first)
}

void Gateway::respondError(QPointer<QLocalSocket> socket, const QJsonValue &id, int code, const QString &message)
{
    if (!socket)
        return;
    QJsonObject o{{QStringLiteral("jsonrpc"), QStringLiteral("2.0")},
                  {QStringLiteral("id"), id.isUndefined() ? QJsonValue() : id},
                  {QStringLiteral("error"), QJsonObject{{QStringLiteral("code"), code}, {QStringLiteral("message"), message}}}};
    socket->write(QJsonDocument(o).toJson(QJsonDocument::Compact) + '\n');
    socket->flush(); // now, not when the event loop next turns (a pool refill may come first)
}

const QStringList &Gateway::protocolVersions()
{
    static const QStringList versions{QStringLiteral("2025-11-25"), QStringLiteral("2025-06-18"), QStringLiteral("2025-03-26"),
                                      QStringLiteral("2024-11-05")};
    return versions;
}

QString Gateway::protocolVersion(const QLocalSocket *socket)
{
    return socket ? socket->property("osh.mcp.version").toString() : QString();
}

QJsonObject Gateway::initializeResult(QLocalSocket *socket, const QJsonObject &params) const
{
    // The client's version when the gateway speaks it, else the newest one
    // it speaks (the client then continues or disconnects).
    const QString asked = params.value(QStringLiteral("protocolVersion")).toString();
    const QString version = protocolVersions().contains(asked) ? asked : protocolVersions().front();
    socket->setProperty("osh.mcp.version", version);
    return QJsonObject{
        {QStringLiteral("protocolVersion"), version},
        // The tools of MCP servers may change while the session runs.
        {QStringLiteral("capabilities"), QJsonObject{{QStringLiteral("tools"), QJsonObject{{QStringLiteral("listChanged"), m_options.mcp != nullptr}}}}},
        {QStringLiteral("serverInfo"), QJsonObject{{QStringLiteral("name"), QStringLiteral("openshell-gateway")},
                                                   {QStringLiteral("version"), QStringLiteral("0.1.0")}}},
        {QStringLiteral("instructions"),
         QStringLiteral("Every call is decided by the session's policy '%1'.")
             .arg(QString::fromStdString(m_engine->document().name))}};
}

QJsonObject Gateway::toolsList() const
{
    QJsonArray tools;
    for (const auto &t : m_engine->document().tools) {
        if (t.isMcpServer()) {
            appendMcpTools(t, tools);
            continue;
        }
        if (t.guard)
            continue; // the SDK's own function: nothing here can run it
        tools.append(QJsonObject{{QStringLiteral("name"), QString::fromStdString(t.name)},
                                 {QStringLiteral("description"), QString::fromStdString(t.description)},
                                 {QStringLiteral("inputSchema"), QJsonObject{{QStringLiteral("type"), QStringLiteral("object")}}}});
    }
    return QJsonObject{{QStringLiteral("tools"), tools}};
}

std::int64_t Gateway::audit(const Decision *decision, const std::string &type,
                            const std::string &tool, const std::string &parametersJson, const std::string &message,
                            const Request *request)
{
    if (!m_audit)
        return 0;
    AuditEvent e;
    e.sessionId = m_options.sessionId;
    e.type = type;
    e.tool = tool;
    e.parameters = parametersJson.empty() ? std::string("{}") : redacted(parametersJson);
    e.policyHash = m_options.policyHash;
    e.message = message;
    if (decision) {
        e.decision = std::string(actionName(decision->outcome));
        e.layer = decision->layer == Layer::None ? std::string() : std::string(layerName(decision->layer));
        e.policy = decision->policy;
        e.message = decision->message.empty() ? message : decision->message;
        e.severity = std::string(logLevelName(decision->logLevel));
        e.trace = redacted(decision->toJson());
    }
    // Empty when a surrogate would not classify as its PII type: replay then
    // rebuilds the action from the redacted parameters (approximate).
    if (request)
        e.request = replay::surrogateRequestJson(*request).value_or(std::string());
    return m_audit->record(std::move(e));
}

Decision Gateway::decide(Request &request, const std::string &tool, const std::string &parametersJson, std::int64_t *seq)
{
    request.ts = now();
    std::unique_lock<std::mutex> lock;
    if (m_options.sessionLock)
        lock = std::unique_lock<std::mutex>(*m_options.sessionLock);
    Decision d = m_engine->decide(request, *m_session);
    if (lock.owns_lock())
        lock.unlock();
    const auto s = audit(&d, std::string(triggerName(request.trigger)), tool, parametersJson, {}, &request);
    if (seq)
        *seq = s;
    return d;
}

void Gateway::escalate(const Request &request, const Decision &decision, std::int64_t seq, const std::string &tool,
                       const std::string &releasedJson, std::function<void(bool, std::string)> then)
{
    if (!m_approvals) {
        then(false, "no approver is available");
        return;
    }
    ApprovalRequest a;
    a.sessionId = m_options.sessionId;
    a.seq = seq;
    a.queue = decision.escalation.empty() ? std::string("default") : decision.escalation;
    a.tool = tool;
    // What the approver decides on is what goes ahead if approved, not what
    // the agent sent: a redaction that failed closed before the escalation
    // applies to both.
    a.parametersJson = redacted(releasedJson);
    a.realParametersJson = releasedJson.empty() ? std::string("{}") : releasedJson;
    a.message = decision.message;
    a.policy = decision.policy;
    a.requestJson = redacted(request.toJson());
    a.decisionJson = redacted(decision.toJson());
    m_approvals->request(std::move(a), [this, tool, then = std::move(then)](ApprovalAnswer answer) {
        const auto suffix = [&answer] { return answer.note.empty() ? std::string() : ": " + answer.note; };
        if (answer.refused) {
            // Never held (too many waiting, or not recordable): a block, and
            // one an analyst should see.
            Decision refused;
            refused.outcome = Action::Block;
            refused.logLevel = LogLevel::Warning;
            refused.message = "refused without approval" + suffix();
            audit(&refused, "approval", tool, "{}");
            then(false, answer.note);
            return;
        }
        if (answer.timedOut) {
            audit(nullptr, "approval", tool, "{}",
                  (answer.note.empty() ? std::string("approval timed out") : "approval expired" + suffix())
                      + "; the action is blocked");
            then(false, answer.note.empty() ? std::string("approval timed out") : answer.note);
            return;
        }
        audit(nullptr, "approval", tool, "{}", (answer.approved ? "approved" : "denied") + suffix());
        then(answer.approved, answer.note);
    });
}

void Gateway::toolsCall(QPointer<QLocalSocket> socket, const QJsonValue &id, const QJsonObject &params)
{
    CallTiming timing;
    timing.receivedNs = m_clock.nsecsElapsed();
    const QString name = params.value(QStringLiteral("name")).toString();
    if (name.isEmpty()) {
        respondError(socket, id, kInvalidParams, QStringLiteral("tools/call needs a tool name"));
        return;
    }
    const QJsonValue argsValue = params.value(QStringLiteral("arguments"));
    const QJsonObject args = argsValue.toObject();
    const QByteArray argsJson = QJsonDocument(args).toJson(QJsonDocument::Compact);
    const std::string tool = name.toStdString();

    Request req;
    req.trigger = Trigger::ToolCall;
    req.set(Var::ToolName, Value(tool));
    req.set(Var::ToolArgs, valueFromJson(args));
    std::int64_t seq = 0;
    const qint64 decideAt = m_clock.nsecsElapsed();
    const Decision d = decide(req, tool, argsJson.toStdString(), &seq);
    timing.decisionNs = m_clock.nsecsElapsed() - decideAt;
    auto refuse = [this, socket, id](const QString &why) { respond(socket, id, textResult(why, true)); };
    switch (d.outcome) {
    case Action::Block:
        refuse(QStringLiteral("Refused by OpenShell: %1").arg(QString::fromStdString(d.message)));
        Q_EMIT toolCallFinished(name, false);
        return;
    case Action::Escalate: {
        ++m_activeCalls;
        // A redaction that failed closed before the escalation applies to
        // what is released.
        const QByteArray releasedArgs = d.output ? QByteArray::fromStdString(*d.output) : argsJson;
        escalate(req, d, seq, tool, releasedArgs.toStdString(), [this, socket, id, tool, releasedArgs, refuse, name, timing](bool ok, std::string note) {
            --m_activeCalls;
            if (!ok) {
                refuse(QStringLiteral("Refused by OpenShell: the held call was not approved%1")
                           .arg(note.empty() ? QString() : QStringLiteral(" (%1)").arg(QString::fromStdString(note))));
                Q_EMIT toolCallFinished(name, false);
                return;
            }
            dispatch(socket, id, tool, releasedArgs, timing);
        });
        return;
    }
    default:
        break;
    }
    QByteArray effectiveArgs = argsJson;
    if (d.outcome == Action::Redact && d.output)
        effectiveArgs = QByteArray::fromStdString(*d.output);
    if (d.outcome == Action::Throttle && d.delaySeconds && *d.delaySeconds > 0) {
        ++m_activeCalls;
        QTimer::singleShot(static_cast<int>(*d.delaySeconds * 1000), this, [this, socket, id, tool, effectiveArgs, timing] {
            --m_activeCalls;
            dispatch(socket, id, tool, effectiveArgs, timing);
        });
        return;
    }
    dispatch(socket, id, tool, effectiveArgs, timing);
}

void Gateway::dispatch(QPointer<QLocalSocket> socket, const QJsonValue &id, const std::string &tool, QByteArray args,
                       CallTiming timing)
{
    const PolicyDocument &doc = m_engine->document();
    if (const ToolSpec *spec = doc.findTool(tool); spec && spec->guard) {
        respond(socket, id,
                textResult(QStringLiteral("Tool '%1' is a guarded function: it runs in the process of the SDK client that guards it, "
                                          "not in the runtime").arg(QString::fromStdString(tool)), true));
        return;
    }
    if (const ToolSpec *spec = doc.findTool(tool); spec && !spec->isMcpServer()) {
        runTool(socket, id, *spec, std::move(args), timing);
        return;
    }
    if (const ToolSpec *server = doc.mcpServerOf(tool)) {
        runMcp(socket, id, *server, tool, std::move(args), timing);
        return;
    }
    respond(socket, id,
            textResult(QStringLiteral("Tool '%1' is not declared in the policy, so it cannot run").arg(QString::fromStdString(tool)), true));
}

void Gateway::runTool(QPointer<QLocalSocket> socket, const QJsonValue &id, const ToolSpec &tool, QByteArray args, CallTiming timing)
{
    ++m_activeCalls;
    timing.runNs = m_clock.nsecsElapsed();
    m_runner->run(tool, args, [this, socket, id, tool, timing](ToolResult result) {
        --m_activeCalls;
        finishTool(socket, id, tool, result, timing);
    });
}


QJsonObject Gateway::recordResult(const ToolSpec &tool, const ToolResult &result, const CallTiming &timing, qint64 doneNs,
                                  qint64 checkNs, const std::string &message)
{
    return recordResult(tool.name, result.pooled ? QStringLiteral("pooled") : QStringLiteral("cold"),
                        result.started ? QJsonValue(result.exitCode) : QJsonValue(), timing, doneNs, checkNs, message);
}

QJsonObject Gateway::recordResult(const std::string &tool, const QString &sandbox, const QJsonValue &exitStatus,
                                  const CallTiming &timing, qint64 doneNs, qint64 checkNs, const std::string &message)
{
    const qint64 queueNs = timing.runNs - timing.receivedNs - timing.decisionNs;
    const QJsonObject timings{{QStringLiteral("queue"), ms(std::max<qint64>(0, queueNs))},
                              {QStringLiteral("decision"), ms(timing.decisionNs)},
                              {QStringLiteral("execution"), ms(doneNs - timing.runNs)},
                              {QStringLiteral("output_check"), ms(checkNs)},
                              {QStringLiteral("total"), ms(m_clock.nsecsElapsed() - timing.receivedNs)}};
    const QJsonObject record{{QStringLiteral("sandbox"), sandbox},
                             {QStringLiteral("exit_status"), exitStatus},
                             {QStringLiteral("timings_ms"), timings}};
    // The same figures in words, for every view that shows messages
    // (the launcher's stream, replay, osctl audit).
    const QString times = QStringLiteral("%1 ms in all: queue %2, decision %3, execution %4 (%5 sandbox), output check %6")
                              .arg(timings[QStringLiteral("total")].toDouble())
                              .arg(timings[QStringLiteral("queue")].toDouble())
                              .arg(timings[QStringLiteral("decision")].toDouble())
                              .arg(timings[QStringLiteral("execution")].toDouble())
                              .arg(sandbox)
                              .arg(timings[QStringLiteral("output_check")].toDouble());
    audit(nullptr, "tool_result", tool, QJsonDocument(record).toJson(QJsonDocument::Compact).toStdString(),
          message + "; " + times.toStdString());
    return timings;
}

void Gateway::finishTool(QPointer<QLocalSocket> socket, const QJsonValue &id, const ToolSpec &tool, const ToolResult &result,
                         const CallTiming &timing)
{
    const qint64 doneNs = m_clock.nsecsElapsed();
    const QString name = QString::fromStdString(tool.name);
    if (!result.ok()) {
        // The tool's own account of the failure: its error output, else what it printed.
        QByteArray said = result.stderrData.trimmed().isEmpty() ? result.stdoutData.trimmed() : result.stderrData.trimmed();
        const QString why = result.error.isEmpty()
            ? QStringLiteral("the tool exited with status %1: %2").arg(result.exitCode).arg(QString::fromUtf8(said.left(2000)))
            : result.error;
        const QString shown = checkedFailure(tool.name, {}, why);
        recordResult(tool, result, timing, doneNs, 0, shown.toStdString());
        respond(socket, id, textResult(QStringLiteral("Tool '%1' failed: %2").arg(name, shown), true));
        Q_EMIT toolCallFinished(name, false);
        return;
    }
    // The result passes data_output policies before the agent sees it.
    Request out;
    out.trigger = Trigger::DataOutput;
    out.set(Var::ToolName, Value(tool.name));
    out.set(Var::Output, Value(result.stdoutData.toStdString()));
    const Decision d = decide(out, tool.name, "{}");
    const qint64 checkNs = m_clock.nsecsElapsed() - doneNs;
    QString text = QString::fromUtf8(result.stdoutData);
    if (d.outcome == Action::Block || d.outcome == Action::Escalate) {
        // A held output is withheld: there is no one to release it to mid-call.
        recordResult(tool, result, timing, doneNs, checkNs, "output withheld: " + d.message);
        respond(socket, id, textResult(QStringLiteral("Output withheld by OpenShell: %1").arg(QString::fromStdString(d.message)), true));
        Q_EMIT toolCallFinished(name, false);
        return;
    }
    if (d.outcome == Action::Redact && d.output)
        text = QString::fromStdString(*d.output);
    const QJsonObject timings = recordResult(tool, result, timing, doneNs, checkNs,
                                             d.outcome == Action::Redact ? "exit 0, output redacted" : "exit 0");
    QJsonObject res = textResult(text, false);
    // From MCP 2025-06-18 a result may carry structured content: a tool that
    // printed a JSON object has it there too (after data_output, as the text).
    if (socket && protocolVersion(socket) >= QLatin1StringView("2025-06-18")) {
        const QJsonDocument structured = QJsonDocument::fromJson(text.toUtf8());
        if (structured.isObject())
            res.insert(QStringLiteral("structuredContent"), structured.object());
    }
    QJsonObject meta = decisionSummary(d);
    meta.insert(QStringLiteral("timings_ms"), timings);
    res.insert(QStringLiteral("_meta"), QJsonObject{{QStringLiteral("openshell"), meta}});
    respond(socket, id, res);
    Q_EMIT toolCallFinished(name, true);
}

void Gateway::respondToUser(QPointer<QLocalSocket> socket, const QJsonValue &id, const QJsonObject &params)
{
    const QString text = params.value(QStringLiteral("text")).toString();
    Request req;
    req.trigger = Trigger::AgentResponse;
    req.set(Var::Response, Value(text.toStdString()));
    std::int64_t seq = 0;
    const Decision d = decide(req, {}, QJsonDocument(QJsonObject{{QStringLiteral("text"), text}}).toJson(QJsonDocument::Compact).toStdString(), &seq);
    QJsonObject result = decisionSummary(d);
    // The text the user gets if it goes ahead (redacted, or held after a
    // redaction that failed closed: d.output).
    const QString released = d.output ? QString::fromStdString(*d.output) : text;
    auto deliver = [this, socket, id, result, released](bool allowed) mutable {
        result.insert(QStringLiteral("delivered"), allowed);
        result.insert(QStringLiteral("text"), allowed ? QJsonValue(released) : QJsonValue());
        respond(socket, id, result);
    };
    if (d.outcome == Action::Escalate) {
        const std::string held = QJsonDocument(QJsonObject{{QStringLiteral("text"), released}}).toJson(QJsonDocument::Compact).toStdString();
        escalate(req, d, seq, {}, held, [deliver](bool ok, std::string) mutable { deliver(ok); });
        return;
    }
    deliver(d.proceeds());
}

void Gateway::usage(QPointer<QLocalSocket> socket, const QJsonValue &id, const QJsonObject &params)
{
    const double cost = params.value(QStringLiteral("cost")).toDouble();
    if (!(cost >= 0) || !std::isfinite(cost)) {
        respondError(socket, id, kInvalidParams, QStringLiteral("cost must be a number >= 0"));
        return;
    }
    double total;
    {
        std::unique_lock<std::mutex> lock;
        if (m_options.sessionLock)
            lock = std::unique_lock<std::mutex>(*m_options.sessionLock);
        m_session->addCost(cost);
        total = m_session->totalCost();
    }
    const std::string p = QJsonDocument(params).toJson(QJsonDocument::Compact).toStdString();
    // As a person writes it: "cost 6, session total 6.43", neither
    // 6.000000 nor the sum's 6.4300000000000005.
    auto money = [](double v) {
        char buf[64];
        std::snprintf(buf, sizeof buf, "%.6f", v);
        std::string t = buf;
        while (t.find('.') != std::string::npos && (t.back() == '0' || t.back() == '.'))
            t.pop_back();
        return t;
    };
    audit(nullptr, "usage", {}, p, "cost " + money(cost) + ", session total " + money(total));
    respond(socket, id, QJsonObject{{QStringLiteral("total_cost"), total}});
}

void Gateway::reasoning(QPointer<QLocalSocket> socket, const QJsonValue &id, const QJsonObject &params)
{
    const std::string p = QJsonDocument(params).toJson(QJsonDocument::Compact).toStdString();
    audit(nullptr, "reasoning", {}, p);
    respond(socket, id, QJsonObject());
}

} // namespace osh::runtime
