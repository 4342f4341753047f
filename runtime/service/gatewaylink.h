#pragma once
// openshelld's connection to one session's tool gateway, for clients that
// are the agent themselves (POST /v1/sessions/{id}/gateway: the Python SDK).
// The service is handed one end of a socket pair the gateway serves as an
// agent's connection (never a path: the socket's folder may belong to the
// agent's user, who could put a link to any socket there), negotiates MCP
// 2025-11-25 once, and then relays calls on that one connection, each with
// an id of its own; answers come back in any order (a held call does not
// hold up the others).

#include <QByteArray>
#include <QJsonObject>
#include <QObject>
#include <QString>

#include <deque>
#include <functional>
#include <map>

class QLocalSocket;

namespace osh::service {

class GatewayLink : public QObject
{
    Q_OBJECT

public:
    // reply: the JSON-RPC response's `result` or `error` member, as an
    // object {"result": ...} or {"error": {...}}; error: the transport
    // failed (the reply is then empty).
    using Done = std::function<void(const QJsonObject &reply, const QString &error)>;

    // open: a new channel's descriptor, or -1 with *error.
    using Open = std::function<int(QString *error)>;
    explicit GatewayLink(Open open, QObject *parent = nullptr);
    ~GatewayLink() override;

    // false (and nothing is sent) when kMaxPending calls already wait.
    bool call(const QString &method, const QJsonObject &params, Done done);
    int pending() const { return static_cast<int>(m_pending.size()); }

    static constexpr int kMaxPending = 64;                 // calls in flight per session
    static constexpr qsizetype kMaxLineBytes = 80ll << 20; // one answer (a tool's output is cut at 16 MiB a stream)

private:
    void connectNow();
    void send(qint64 id, const QString &method, const QJsonObject &params);
    void onReadable();
    void failAll(const QString &why);

    Open m_open;
    QLocalSocket *m_socket = nullptr;
    bool m_initialized = false;
    qint64 m_nextId = 1;
    std::map<qint64, Done> m_pending;
    struct Queued
    {
        qint64 id;
        QString method;
        QJsonObject params;
    };
    std::deque<Queued> m_queued; // until initialize is answered
};

} // namespace osh::service
