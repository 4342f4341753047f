#include "gatewaylink.h"

#include <QJsonDocument>
#include <QLocalSocket>

#include <unistd.h>

namespace osh::service {

namespace {
constexpr qint64 kInitializeId = 0;
}

GatewayLink::GatewayLink(Open open, QObject *parent) : QObject(parent), m_open(std::move(open)) {}

GatewayLink::~GatewayLink() { failAll(QStringLiteral("the session ended")); }

bool GatewayLink::call(const QString &method, const QJsonObject &params, Done done)
{
    if (static_cast<int>(m_pending.size()) >= kMaxPending)
        return false;
    const qint64 id = m_nextId++;
    m_pending.emplace(id, std::move(done));
    if (!m_socket)
        connectNow();
    if (m_initialized)
        send(id, method, params);
    else
        m_queued.push_back({id, method, params});
    return true;
}

void GatewayLink::connectNow()
{
    QString why;
    const int fd = m_open(&why);
    m_socket = new QLocalSocket(this);
    m_initialized = false;
    if (fd < 0 || !m_socket->setSocketDescriptor(fd)) {
        if (fd >= 0)
            ::close(fd);
        // Answered after this call returns: call() has queued it by then.
        QMetaObject::invokeMethod(this, [this, why] { failAll(QStringLiteral("the session's gateway cannot be reached: %1").arg(why)); },
                                  Qt::QueuedConnection);
        return;
    }
    connect(m_socket, &QLocalSocket::readyRead, this, &GatewayLink::onReadable);
    connect(m_socket, &QLocalSocket::disconnected, this, [this] { failAll(QStringLiteral("the session's gateway closed the connection")); });
    connect(m_socket, &QLocalSocket::errorOccurred, this, [this](QLocalSocket::LocalSocketError) {
        failAll(QStringLiteral("the session's gateway failed: %1").arg(m_socket ? m_socket->errorString() : QString()));
    });
    send(kInitializeId, QStringLiteral("initialize"),
         QJsonObject{{QStringLiteral("protocolVersion"), QStringLiteral("2025-11-25")},
                     {QStringLiteral("capabilities"), QJsonObject()},
                     {QStringLiteral("clientInfo"),
                      QJsonObject{{QStringLiteral("name"), QStringLiteral("openshelld")}, {QStringLiteral("version"), QStringLiteral("1")}}}});
}

void GatewayLink::send(qint64 id, const QString &method, const QJsonObject &params)
{
    const QJsonObject message{{QStringLiteral("jsonrpc"), QStringLiteral("2.0")},
                              {QStringLiteral("id"), id},
                              {QStringLiteral("method"), method},
                              {QStringLiteral("params"), params}};
    m_socket->write(QJsonDocument(message).toJson(QJsonDocument::Compact) + '\n');
}

void GatewayLink::onReadable()
{
    while (m_socket && m_socket->canReadLine()) {
        const QJsonObject reply = QJsonDocument::fromJson(m_socket->readLine()).object();
        const QJsonValue idValue = reply.value(QStringLiteral("id"));
        if (!idValue.isDouble())
            continue; // a notification (tools/list_changed): nothing waits for it
        const qint64 id = idValue.toInteger();
        if (id == kInitializeId) {
            if (reply.contains(QStringLiteral("error")))
                return failAll(QStringLiteral("the session's gateway refused to initialize: %1")
                                   .arg(reply.value(QStringLiteral("error")).toObject().value(QStringLiteral("message")).toString()));
            m_initialized = true;
            while (!m_queued.empty()) {
                const Queued q = std::move(m_queued.front());
                m_queued.pop_front();
                send(q.id, q.method, q.params);
            }
            continue;
        }
        const auto it = m_pending.find(id);
        if (it == m_pending.end())
            continue;
        Done done = std::move(it->second);
        m_pending.erase(it);
        QJsonObject answer;
        if (reply.contains(QStringLiteral("error")))
            answer.insert(QStringLiteral("error"), reply.value(QStringLiteral("error")));
        else
            answer.insert(QStringLiteral("result"), reply.value(QStringLiteral("result")));
        done(answer, {});
    }
    if (m_socket && m_socket->bytesAvailable() > kMaxLineBytes)
        failAll(QStringLiteral("the session's gateway sent an answer larger than %1 MiB").arg(kMaxLineBytes >> 20));
}

void GatewayLink::failAll(const QString &why)
{
    if (m_socket) {
        QLocalSocket *s = m_socket;
        m_socket = nullptr; // the next call connects again
        s->disconnect(this);
        s->abort();
        s->deleteLater();
    }
    m_initialized = false;
    m_queued.clear();
    auto pending = std::move(m_pending);
    m_pending.clear();
    for (auto &[id, done] : pending)
        done({}, why);
}

} // namespace osh::service
