// The gateway's side of MCP servers declared as tool entries (`mcp:`): their
// tools are listed as "<entry>.<tool>", each call is decided as tool_call
// (tool.name the full name, tool.server the entry) before it is forwarded,
// and the server's result passes data_output before the agent sees it.

#include "gateway.h"
#include "gatewayresults.h"

#include <QJsonDocument>
#include <QLocalServer>
#include <QLocalSocket>
#include <QTimer>

#include <utility>

namespace osh::runtime {

void Gateway::appendMcpTools(const ToolSpec &server, QJsonArray &tools) const
{
    if (!m_options.mcp)
        return;
    const QString prefix = QString::fromStdString(server.name) + QLatin1Char('.');
    for (const QJsonValue &t : m_options.mcp->tools(server.name)) {
        QJsonObject tool = t.toObject();
        tool.insert(QStringLiteral("name"), QString(prefix + tool.value(QStringLiteral("name")).toString()));
        if (!tool.value(QStringLiteral("inputSchema")).isObject())
            tool.insert(QStringLiteral("inputSchema"), QJsonObject{{QStringLiteral("type"), QStringLiteral("object")}});
        tools.append(tool);
    }
}

void Gateway::answerToolLists(bool force)
{
    if (!force && m_options.mcp && m_options.mcp->starting())
        return;
    if (m_options.mcp && m_options.mcp->starting() && !m_waitingLists.empty())
        m_listedWithoutServers = true;
    if (m_listTimer)
        m_listTimer->stop();
    const QJsonObject list = toolsList();
    for (const auto &[socket, id] : std::exchange(m_waitingLists, {}))
        respond(socket, id, list);
}

void Gateway::notifyToolsChanged(bool firstList)
{
    if (firstList && !m_listedWithoutServers)
        return;
    const QByteArray note = R"({"jsonrpc":"2.0","method":"notifications/tools/list_changed"})" "\n";
    for (QLocalSocket *s : m_server->findChildren<QLocalSocket *>())
        if (!protocolVersion(s).isEmpty() && s->state() == QLocalSocket::ConnectedState) {
            s->write(note);
            s->flush();
        }
}

void Gateway::runMcp(QPointer<QLocalSocket> socket, const QJsonValue &id, const ToolSpec &server, const std::string &tool,
                     QByteArray args, CallTiming timing)
{
    if (!m_options.mcp) {
        respond(socket, id, textResult(QStringLiteral("Tool '%1' belongs to MCP server '%2', which this session does not run")
                                           .arg(QString::fromStdString(tool), QString::fromStdString(server.name)),
                                       true));
        return;
    }
    ++m_activeCalls;
    timing.runNs = m_clock.nsecsElapsed();
    const QString shortName = QString::fromStdString(tool.substr(server.name.size() + 1));
    const QJsonObject arguments = QJsonDocument::fromJson(args).object();
    const ToolSpec entry = server;
    m_options.mcp->call(server.name, shortName, arguments, server.timeoutSeconds,
                        [this, socket, id, entry, tool, timing](QJsonObject result, QString error) {
                            --m_activeCalls;
                            finishMcp(socket, id, entry, tool, result, error, timing);
                        });
}

void Gateway::finishMcp(QPointer<QLocalSocket> socket, const QJsonValue &id, const ToolSpec &server, const std::string &tool,
                        const QJsonObject &result, const QString &error, const CallTiming &timing)
{
    const qint64 doneNs = m_clock.nsecsElapsed();
    const QString name = QString::fromStdString(tool);
    if (!error.isEmpty()) {
        recordResult(tool, QStringLiteral("mcp"), QJsonValue(), timing, doneNs, 0, error.toStdString());
        respond(socket, id, textResult(QStringLiteral("Tool '%1' failed: %2").arg(name, error), true));
        Q_EMIT toolCallFinished(name, false);
        return;
    }
    // What leaves is the result's content (and structured content), as JSON:
    // data_output policies read it, and a redaction rewrites it in place.
    QJsonObject leaving{{QStringLiteral("content"), result.value(QStringLiteral("content")).toArray()}};
    if (result.value(QStringLiteral("structuredContent")).isObject())
        leaving.insert(QStringLiteral("structuredContent"), result.value(QStringLiteral("structuredContent")));
    const std::string output = QJsonDocument(leaving).toJson(QJsonDocument::Compact).toStdString();
    Request out;
    out.trigger = Trigger::DataOutput;
    out.set(Var::ToolName, Value(tool));
    out.set(Var::ToolServer, Value(server.name));
    out.set(Var::Output, Value(output));
    const Decision d = decide(out, tool, "{}");
    const qint64 checkNs = m_clock.nsecsElapsed() - doneNs;
    const bool isError = result.value(QStringLiteral("isError")).toBool();
    const QJsonValue status = isError ? 1 : 0;
    if (d.outcome == Action::Block || d.outcome == Action::Escalate) {
        recordResult(tool, QStringLiteral("mcp"), status, timing, doneNs, checkNs, "output withheld: " + d.message);
        respond(socket, id, textResult(QStringLiteral("Output withheld by OpenShell: %1").arg(QString::fromStdString(d.message)), true));
        Q_EMIT toolCallFinished(name, false);
        return;
    }
    QJsonObject answer;
    if (d.outcome == Action::Redact && d.output) {
        // A redaction that no longer parses is passed on as text: never the original.
        const QJsonDocument redactedDoc = QJsonDocument::fromJson(QByteArray::fromStdString(*d.output));
        if (redactedDoc.isObject() && redactedDoc.object().value(QStringLiteral("content")).isArray())
            answer = redactedDoc.object();
        else
            answer = textResult(QString::fromStdString(*d.output), isError);
    } else {
        answer = leaving;
    }
    answer.insert(QStringLiteral("isError"), isError);
    // Structured content is part of MCP from 2025-06-18 on.
    if (!socket || protocolVersion(socket) < QLatin1StringView("2025-06-18"))
        answer.remove(QStringLiteral("structuredContent"));
    const QJsonObject timings = recordResult(tool, QStringLiteral("mcp"), status, timing, doneNs, checkNs,
                                             std::string(isError ? "the server answered with an error" : "answered")
                                                 + (d.outcome == Action::Redact ? ", output redacted" : ""));
    QJsonObject meta = decisionSummary(d);
    meta.insert(QStringLiteral("timings_ms"), timings);
    meta.insert(QStringLiteral("server"), QString::fromStdString(server.name));
    answer.insert(QStringLiteral("_meta"), QJsonObject{{QStringLiteral("openshell"), meta}});
    respond(socket, id, answer);
    Q_EMIT toolCallFinished(name, !isError);
}

} // namespace osh::runtime
