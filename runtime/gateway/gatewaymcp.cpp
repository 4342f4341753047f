// The gateway's side of MCP servers declared as tool entries (`mcp:`): their
// tools are listed as "<entry>.<tool>", each call is decided as tool_call
// (tool.name the full name, tool.server the entry) before it is forwarded,
// and the server's result passes data_output before the agent sees it.

#include "gateway.h"
#include "gatewayresults.h"

#include "pii/piivalue.h"

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
        // A client that does not read is not sent more (its answers are bounded too).
        if (!protocolVersion(s).isEmpty() && s->state() == QLocalSocket::ConnectedState && s->bytesToWrite() < kMaxUnsentBytes) {
            s->write(note);
            s->flush();
        }
}

namespace {

// Every string of a JSON value, one per line, keys excluded.
void appendStrings(const QJsonValue &v, std::string &out)
{
    if (v.isString()) {
        if (!out.empty())
            out += '\n';
        out += v.toString().toStdString();
    } else if (v.isArray()) {
        for (const QJsonValue &e : v.toArray())
            appendStrings(e, out);
    } else if (v.isObject()) {
        const QJsonObject o = v.toObject();
        for (auto it = o.begin(); it != o.end(); ++it)
            appendStrings(it.value(), out);
    }
}

} // namespace

QString Gateway::checkedFailure(const std::string &tool, const std::string &server, const QString &text)
{
    Request out;
    out.trigger = Trigger::DataOutput;
    out.set(Var::ToolName, Value(tool));
    if (!server.empty())
        out.set(Var::ToolServer, Value(server));
    out.set(Var::Output, Value(text.toStdString()));
    const Decision d = decide(out, tool, "{}");
    if (d.outcome == Action::Block || d.outcome == Action::Escalate)
        return QStringLiteral("its message was withheld by OpenShell: %1").arg(QString::fromStdString(d.message));
    if (d.outcome == Action::Redact)
        return d.output ? QString::fromStdString(*d.output) : QStringLiteral("its message was withheld by OpenShell");
    return text;
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
        // The server's words (its error message, its last output) leave too.
        const QString said = checkedFailure(tool, server.name, error);
        recordResult(tool, QStringLiteral("mcp"), QJsonValue(), timing, doneNs, 0, said.toStdString());
        respond(socket, id, textResult(QStringLiteral("Tool '%1' failed: %2").arg(name, said), true));
        Q_EMIT toolCallFinished(name, false);
        return;
    }
    // What leaves is the result's content and structured content. Policies
    // read its text as the agent will (every string, decoded, one per
    // line); a redaction is applied to each of those strings in place.
    QJsonObject leaving{{QStringLiteral("content"), result.value(QStringLiteral("content")).toArray()}};
    if (result.value(QStringLiteral("structuredContent")).isObject())
        leaving.insert(QStringLiteral("structuredContent"), result.value(QStringLiteral("structuredContent")));
    std::string output;
    appendStrings(leaving, output);
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
    QJsonObject answer = leaving;
    if (d.outcome == Action::Redact) {
        // Redacted with the deciding policies' types, string by string; what
        // cannot be rewritten so is not passed on.
        const QJsonDocument redactedDoc =
            d.redactTypes ? QJsonDocument::fromJson(QByteArray::fromStdString(
                                pii::redactInValue(valueFromJson(leaving), *d.redactTypes).toJson()))
                          : QJsonDocument();
        if (!redactedDoc.isObject()) {
            recordResult(tool, QStringLiteral("mcp"), status, timing, doneNs, checkNs, "output withheld: it could not be redacted");
            respond(socket, id, textResult(QStringLiteral("Output withheld by OpenShell: it could not be redacted"), true));
            Q_EMIT toolCallFinished(name, false);
            return;
        }
        answer = redactedDoc.object();
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
