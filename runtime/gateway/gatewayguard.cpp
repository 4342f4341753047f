// The gateway's methods for clients that are the agent themselves (the
// Python SDK through openshelld): deciding a guarded function's call and its
// output (openshell/decide, openshell/output), and the agent's state
// (openshell/state/*).

#include "gateway.h"
#include "gatewayresults.h"

#include "util/value.h"

#include <QFuture>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLocalSocket>
#include <QPromise>
#include <QThreadPool>
#include <QTimer>

namespace osh::runtime {

using namespace jsonrpc;

namespace {

QJsonValue parseValue(const std::string &text)
{
    const QJsonDocument d = QJsonDocument::fromJson("[" + QByteArray::fromStdString(text) + "]");
    return d.isArray() && d.array().size() == 1 ? d.array().at(0) : QJsonValue();
}

} // namespace

const ToolSpec *Gateway::guardedTool(QPointer<QLocalSocket> socket, const QJsonValue &id, const char *method,
                                     const QJsonObject &params, std::string &tool)
{
    tool = params.value(QStringLiteral("tool")).toString().toStdString();
    if (tool.empty()) {
        respondError(socket, id, kInvalidParams, QStringLiteral("%1: 'tool' names the guarded function").arg(QLatin1StringView(method)));
        return nullptr;
    }
    // A tool the runtime runs itself is called with tools/call; deciding it
    // here would let a client run something else under its name.
    const ToolSpec *spec = m_engine->document().findTool(tool);
    if (spec && !spec->guard) {
        respondError(socket, id, kInvalidParams,
                     QStringLiteral("%1: '%2' is declared with %3, so the runtime runs it: call it with tools/call")
                         .arg(QLatin1StringView(method), QString::fromStdString(tool),
                              spec->isMcpServer() ? QStringLiteral("an MCP server") : QStringLiteral("a command")));
        return nullptr;
    }
    static const ToolSpec undeclared;
    return spec ? spec : &undeclared;
}

void Gateway::guardDecide(QPointer<QLocalSocket> socket, const QJsonValue &id, const QJsonObject &params)
{
    std::string tool;
    if (!guardedTool(socket, id, "openshell/decide", params, tool))
        return;
    const QJsonValue argsValue = params.value(QStringLiteral("arguments"));
    if (!argsValue.isUndefined() && !argsValue.isObject())
        return respondError(socket, id, kInvalidParams, QStringLiteral("openshell/decide: 'arguments' must be an object"));
    const QByteArray argsJson = QJsonDocument(argsValue.toObject()).toJson(QJsonDocument::Compact);
    Request req;
    req.trigger = Trigger::ToolCall;
    req.set(Var::ToolName, Value(tool));
    req.set(Var::ToolArgs, valueFromJson(argsValue.toObject()));
    std::int64_t seq = 0;
    const Decision d = decide(req, tool, argsJson.toStdString(), &seq);
    const QString name = QString::fromStdString(tool);
    // The arguments the function may run with: a redaction's, else the call's.
    const QByteArray effective = d.output ? QByteArray::fromStdString(*d.output) : argsJson;
    auto answer = [this, socket, id, d, name](bool allowed, const QByteArray &args, const QString &note) {
        QJsonObject result = decisionSummary(d);
        result.insert(QStringLiteral("allowed"), allowed);
        result.insert(QStringLiteral("arguments"), allowed ? QJsonValue(QJsonDocument::fromJson(args).object()) : QJsonValue());
        if (!note.isEmpty())
            result.insert(QStringLiteral("message"), note);
        respond(socket, id, result);
        Q_EMIT toolCallFinished(name, allowed);
    };
    switch (d.outcome) {
    case Action::Block:
        return answer(false, {}, {});
    case Action::Escalate:
        ++m_activeCalls;
        escalate(req, d, seq, tool, effective.toStdString(), [this, answer, effective](bool ok, std::string note) {
            --m_activeCalls;
            answer(ok, effective,
                   ok ? QString()
                      : QStringLiteral("the held call was not approved%1")
                            .arg(note.empty() ? QString() : QStringLiteral(" (%1)").arg(QString::fromStdString(note))));
        });
        return;
    case Action::Throttle:
        if (d.delaySeconds && *d.delaySeconds > 0) {
            ++m_activeCalls;
            QTimer::singleShot(static_cast<int>(*d.delaySeconds * 1000), this, [this, answer, effective] {
                --m_activeCalls;
                answer(true, effective, {});
            });
            return;
        }
        return answer(true, effective, {});
    default:
        return answer(true, effective, {});
    }
}

void Gateway::guardOutput(QPointer<QLocalSocket> socket, const QJsonValue &id, const QJsonObject &params)
{
    std::string tool;
    if (!guardedTool(socket, id, "openshell/output", params, tool))
        return;
    const QJsonValue text = params.value(QStringLiteral("text"));
    if (!text.isString())
        return respondError(socket, id, kInvalidParams, QStringLiteral("openshell/output: 'text' must be a string"));
    Request out;
    out.trigger = Trigger::DataOutput;
    out.set(Var::ToolName, Value(tool));
    out.set(Var::Output, Value(text.toString().toStdString()));
    const Decision d = decide(out, tool, "{}");
    const bool delivered = d.outcome != Action::Block && d.outcome != Action::Escalate;
    QJsonObject result = decisionSummary(d);
    result.insert(QStringLiteral("delivered"), delivered);
    result.insert(QStringLiteral("text"), !delivered ? QJsonValue()
                                          : d.output ? QJsonValue(QString::fromStdString(*d.output))
                                                     : text);
    respond(socket, id, result);
}

void Gateway::stateCall(QPointer<QLocalSocket> socket, const QJsonValue &id, const QString &operation, const QJsonObject &params)
{
    const QString method = QStringLiteral("openshell/state/") + operation;
    if (!m_options.state)
        return respondError(socket, id, kInvalidRequest,
                            QStringLiteral("%1: agent state is kept by the service (openshelld); this session was not started "
                                           "through it").arg(method));
    if (m_stateCalls >= kMaxStateCalls)
        return respondError(socket, id, kInvalidRequest,
                            QStringLiteral("%1: %2 state operations are already in progress").arg(method).arg(kMaxStateCalls));
    const QJsonValue key = params.value(QStringLiteral("key"));
    const QJsonValue prefix = params.value(QStringLiteral("prefix"));
    if (operation != QLatin1StringView("keys") && !key.isString())
        return respondError(socket, id, kInvalidParams, QStringLiteral("%1: 'key' must be a string").arg(method));
    if (!prefix.isUndefined() && !prefix.isString())
        return respondError(socket, id, kInvalidParams, QStringLiteral("%1: 'prefix' must be a string").arg(method));
    if (operation == QLatin1StringView("put") && !params.contains(QStringLiteral("value")))
        return respondError(socket, id, kInvalidParams, QStringLiteral("%1: 'value' is missing").arg(method));

    // The store's disk and cipher work runs on a worker; the answer comes
    // back to this thread, and is dropped if the gateway is gone by then.
    AgentStateStore *store = m_options.state;
    const std::string agent = m_options.agent;
    const StateCaller caller = m_options.stateCaller;
    const std::string k = key.toString().toStdString();
    const std::string p = prefix.toString().toStdString();
    const std::string value = operation == QLatin1StringView("put") ? jsonValueText(params.value(QStringLiteral("value"))).toStdString()
                                                                    : std::string();
    auto promise = std::make_shared<QPromise<AgentStateStore::Result>>();
    ++m_stateCalls;
    promise->future().then(this, [this, socket, id, operation, method, k, p, bytes = value.size()](const AgentStateStore::Result &r) {
        --m_stateCalls;
        using S = AgentStateStore::Status;
        const bool missing = r.status == S::NotFound;
        // Recorded as the agent's action, like any other (key names
        // redacted as parameters are; values never recorded).
        QJsonObject record{{QStringLiteral("operation"), operation}, {QStringLiteral("store"), QString::fromStdString(r.store)}};
        if (operation == QLatin1StringView("keys"))
            record.insert(QStringLiteral("prefix"), QString::fromStdString(p));
        else
            record.insert(QStringLiteral("key"), QString::fromStdString(k));
        if (operation == QLatin1StringView("put"))
            record.insert(QStringLiteral("bytes"), static_cast<qint64>(bytes));
        record.insert(QStringLiteral("ok"), r.status == S::Ok);
        audit(nullptr, "state", {}, QJsonDocument(record).toJson(QJsonDocument::Compact).toStdString(),
              r.status == S::Ok ? "state " + operation.toStdString() + (missing ? " (none)" : "")
              : missing         ? "state " + operation.toStdString() + ": none"
                                : "state " + operation.toStdString() + " refused: " + r.message);
        if (r.status != S::Ok && !missing)
            return respondError(socket, id, r.status == S::Invalid ? kInvalidParams : kInvalidRequest,
                                QStringLiteral("%1: %2").arg(method, QString::fromStdString(r.message)));
        if (operation == QLatin1StringView("get"))
            return respond(socket, id, QJsonObject{{QStringLiteral("found"), !missing},
                                                   {QStringLiteral("value"), missing ? QJsonValue() : parseValue(r.valueJson)}});
        if (operation == QLatin1StringView("delete"))
            return respond(socket, id, QJsonObject{{QStringLiteral("deleted"), !missing}});
        if (operation == QLatin1StringView("keys")) {
            QJsonArray keys;
            for (const auto &name : r.keys)
                keys.append(QString::fromStdString(name));
            return respond(socket, id, QJsonObject{{QStringLiteral("keys"), keys}});
        }
        respond(socket, id, QJsonObject());
    });
    QThreadPool::globalInstance()->start([promise, store, agent, caller, operation, k, p, value] {
        promise->start();
        promise->addResult(operation == QLatin1StringView("get")      ? store->get(agent, k, caller)
                           : operation == QLatin1StringView("put")    ? store->put(agent, k, value, caller)
                           : operation == QLatin1StringView("delete") ? store->remove(agent, k, caller)
                                                                      : store->keys(agent, p, caller));
        promise->finish();
    });
}

} // namespace osh::runtime
