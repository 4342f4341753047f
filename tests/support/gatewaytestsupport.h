#pragma once
// Shared pieces of the gateway tests: an audit sink that keeps the events in
// memory, and a JSON-RPC client for the gateway's Unix socket.

#include "gateway/gatewayhooks.h"

#include <QByteArray>
#include <QElapsedTimer>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLocalSocket>
#include <QString>
#include <QTest>

#include <string>
#include <vector>

namespace osh::test {

// Keeps every recorded event, numbered 1, 2, ... as the store would.
class CollectingSink final : public osh::runtime::AuditSink
{
public:
    std::int64_t record(osh::AuditEvent e) override
    {
        e.seq = static_cast<std::int64_t>(events.size()) + 1;
        events.push_back(std::move(e));
        return events.back().seq;
    }
    // How many events of `type` (with `decision`, when given) there are.
    int count(const std::string &type, const std::string &decision = {}) const
    {
        int n = 0;
        for (const auto &e : events)
            n += e.type == type && (decision.empty() || e.decision == decision);
        return n;
    }
    std::vector<osh::AuditEvent> events;
};

// Line-delimited JSON-RPC over the gateway socket; each call waits (up to
// ten seconds, else a fatal error) for its answer line.
class GatewayClient
{
public:
    QLocalSocket socket;

    QJsonObject call(const QString &method, const QJsonObject &params = {})
    {
        const QJsonObject msg{{QStringLiteral("jsonrpc"), QStringLiteral("2.0")}, {QStringLiteral("id"), m_nextId++},
                              {QStringLiteral("method"), method}, {QStringLiteral("params"), params}};
        return sendRaw(QJsonDocument(msg).toJson(QJsonDocument::Compact));
    }
    // Sends one line as it is and returns the answer.
    QJsonObject sendRaw(const QByteArray &line)
    {
        socket.write(line + '\n');
        socket.flush();
        QElapsedTimer t;
        t.start();
        while (!socket.canReadLine() && t.elapsed() < 10000)
            QTest::qWait(5);
        if (!socket.canReadLine())
            qFatal("no answer from the gateway");
        return QJsonDocument::fromJson(socket.readLine()).object();
    }
    QJsonObject toolCall(const char *name, const QJsonObject &args = {})
    {
        return call(QStringLiteral("tools/call"),
                    {{QStringLiteral("name"), QString::fromLatin1(name)}, {QStringLiteral("arguments"), args}});
    }

private:
    int m_nextId = 1;
};

} // namespace osh::test
