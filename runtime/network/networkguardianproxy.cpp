#include "networkguardianproxy.h"

#include "listener.h"
#include "proxyconnection.h"
#include "resolver.h"
#include "tunnelrelay.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>

#include <sys/socket.h>
#include <unistd.h>
#include <utility>

namespace osh::runtime {

NetworkGuardianProxy::NetworkGuardianProxy(std::shared_ptr<const osh::DecisionEngine> engine,
                                           SessionAccess withSession, QObject *parent)
    : QObject(parent), m_engine(std::move(engine)), m_withSession(std::move(withSession)),
      m_clock([] { return static_cast<double>(QDateTime::currentMSecsSinceEpoch()) / 1000.0; }),
      m_relay(std::make_unique<TunnelRelay>()),
      m_resolver(new Resolver(m_engine->document().network.allowedDnsServers, this))
{
    qRegisterMetaType<osh::Request>();
    qRegisterMetaType<osh::Decision>();
}

NetworkGuardianProxy::NetworkGuardianProxy(std::shared_ptr<const osh::DecisionEngine> engine,
                                           osh::SessionState &state, std::mutex &mutex, QObject *parent)
    : NetworkGuardianProxy(
          std::move(engine),
          [&state, &mutex](const std::function<void(osh::SessionState &)> &fn) {
              std::lock_guard lock(mutex);
              fn(state);
          },
          parent)
{
}

NetworkGuardianProxy::~NetworkGuardianProxy()
{
    close();
    // Connections still in their control phase close their descriptors as
    // children; the relay thread stops and closes the established tunnels.
    qDeleteAll(findChildren<ProxyConnection *>(Qt::FindDirectChildrenOnly));
    m_relay.reset();
}

bool NetworkGuardianProxy::listen(const QString &identity, const QString &unixSocketPath)
{
    auto *l = new Listener(identity, [this, identity](int fd) { accept(identity, fd); }, this);
    if (!l->listenUnix(unixSocketPath, &m_error)) {
        delete l;
        return false;
    }
    m_listeners.push_back(l);
    return true;
}

quint16 NetworkGuardianProxy::listenTcp(const QString &identity, const QHostAddress &address, quint16 port)
{
    auto *l = new Listener(identity, [this, identity](int fd) { accept(identity, fd); }, this);
    if (!l->listenTcp(address, port, &m_error)) {
        delete l;
        return 0;
    }
    m_listeners.push_back(l);
    return l->port();
}

bool NetworkGuardianProxy::listenGated(const QString &identity, const QString &unixSocketPath)
{
    if (m_gates.count(unixSocketPath)) {
        m_error = QStringLiteral("%1 is already a gate").arg(unixSocketPath);
        return false;
    }
    auto *l = new Listener(identity, [this, identity, unixSocketPath](int fd) { acceptAtGate(unixSocketPath, identity, fd); }, this);
    if (!l->listenUnix(unixSocketPath, &m_error)) {
        delete l;
        return false;
    }
    m_gates[unixSocketPath].listener = l;
    return true;
}

void NetworkGuardianProxy::acceptAtGate(const QString &path, const QString &identity, int fd)
{
    const auto it = m_gates.find(path);
    if (it == m_gates.end() || (!it->second.open && it->second.held.size() >= kMaxHeldPerGate)) {
        ::close(fd);
        return;
    }
    if (it->second.open)
        accept(identity, fd);
    else
        it->second.held.push_back(fd);
}

bool NetworkGuardianProxy::openGate(const QString &unixSocketPath)
{
    const auto it = m_gates.find(unixSocketPath);
    if (it == m_gates.end())
        return false;
    it->second.open = true;
    const std::vector<int> held = std::exchange(it->second.held, {});
    for (int fd : held)
        accept(it->second.listener->identity(), fd);
    return true;
}

void NetworkGuardianProxy::removeGate(const QString &unixSocketPath)
{
    const auto it = m_gates.find(unixSocketPath);
    if (it == m_gates.end())
        return;
    for (int fd : it->second.held)
        ::close(fd);
    delete it->second.listener;
    m_gates.erase(it);
}

int NetworkGuardianProxy::heldConnections(const QString &unixSocketPath) const
{
    const auto it = m_gates.find(unixSocketPath);
    return it == m_gates.end() ? 0 : static_cast<int>(it->second.held.size());
}

void NetworkGuardianProxy::close()
{
    qDeleteAll(m_listeners);
    m_listeners.clear();
    while (!m_gates.empty())
        removeGate(m_gates.begin()->first);
}

int NetworkGuardianProxy::activeTunnels() const
{
    return m_relay->active();
}

int NetworkGuardianProxy::openConnections(const QString &identity) const
{
    const auto it = m_load.find(identity);
    return it == m_load.end() ? 0 : it->second.open;
}

int NetworkGuardianProxy::refusedConnections(const QString &identity) const
{
    const auto it = m_load.find(identity);
    return it == m_load.end() ? 0 : it->second.refused;
}

void NetworkGuardianProxy::accept(const QString &identity, int fd)
{
    Load &load = m_load[identity];
    if (load.open >= m_options.maxConnectionsPerIdentity) {
        refuseOverLimit(identity, fd);
        return;
    }
    ++load.open;
    new ProxyConnection(this, identity, fd);
}

void NetworkGuardianProxy::refuseOverLimit(const QString &identity, int fd)
{
    Load &load = m_load[identity];
    ++load.refused;
    // Read what already arrived, so that closing does not reset the
    // connection and discard the answer; never wait for more.
    char buf[4096];
    for (int i = 0; i < 16 && ::recv(fd, buf, sizeof buf, MSG_DONTWAIT) > 0; ++i) {
    }
    const QByteArray body = QJsonDocument(QJsonObject{
                                              {QStringLiteral("error"), QStringLiteral("too_many_connections")},
                                              {QStringLiteral("identity"), identity},
                                              {QStringLiteral("reason"), QStringLiteral("%1 connections open, the limit").arg(load.open)},
                                          })
                                .toJson(QJsonDocument::Compact)
        + '\n';
    const QByteArray answer = "HTTP/1.1 429 Too Many Requests\r\nContent-Type: application/json\r\nContent-Length: "
        + QByteArray::number(body.size()) + "\r\nConnection: close\r\n\r\n" + body;
    ::send(fd, answer.constData(), static_cast<std::size_t>(answer.size()), MSG_NOSIGNAL | MSG_DONTWAIT);
    ::shutdown(fd, SHUT_WR);
    ::close(fd);
    if (load.limited)
        return;
    // One event per burst: it ends when half the limit is free again.
    load.limited = true;
    emit connectionCut(identity, QString(),
                       QStringLiteral("connection limit: %1 connections of '%2' open; further connections are refused (429) "
                                      "until they close")
                           .arg(load.open)
                           .arg(identity));
}

void NetworkGuardianProxy::connectionEnded(const QString &identity)
{
    const auto it = m_load.find(identity);
    if (it == m_load.end() || it->second.open == 0)
        return;
    Load &load = it->second;
    --load.open;
    if (load.limited && load.open <= m_options.maxConnectionsPerIdentity / 2)
        load.limited = false;
}

osh::Decision NetworkGuardianProxy::decide(osh::Request &req, const QList<QHostAddress> &answer, QHostAddress *address)
{
    osh::Decision d;
    m_withSession([&](osh::SessionState &s) {
        // Under one lock, committed once: the session's counters (rate
        // limits, cost) are charged for the request, not for each address.
        std::optional<osh::Request> chosen;
        for (const QHostAddress &a : answer) {
            osh::Request probe = req;
            probe.set(osh::Var::DestinationIp, osh::Value(a.toString().toStdString()));
            m_engine->derive(probe, s);
            osh::Decision e = m_engine->evaluate(probe, s);
            const bool refused = !e.proceeds();
            if (!chosen || refused) {
                chosen = std::move(probe);
                d = std::move(e);
                *address = a;
            }
            if (refused)
                break;
        }
        if (!chosen) { // an empty answer never gets here; refuse rather than guess
            d = osh::Decision{};
            d.outcome = osh::Action::Block;
            d.layer = osh::Layer::Network;
            d.message = "no address to connect to";
            d.logLevel = osh::LogLevel::Warning;
            return;
        }
        m_engine->commit(*chosen, d, s);
        req = std::move(*chosen);
    });
    emit egressDecided(req, d);
    return d;
}

std::optional<osh::Decision> NetworkGuardianProxy::refuseBeforeLookup(osh::Request &req)
{
    std::optional<osh::Decision> refused;
    m_withSession([&](osh::SessionState &s) {
        osh::Request probe = req;
        m_engine->derive(probe, s);
        refused = m_engine->refusalWithoutAddress(probe, s);
        if (refused) {
            m_engine->commit(probe, *refused, s);
            req = std::move(probe);
        }
    });
    if (refused)
        emit egressDecided(req, *refused);
    return refused;
}

void NetworkGuardianProxy::reportCut(const QString &identity, const QString &host, const QString &reason)
{
    emit connectionCut(identity, host, reason);
}

void NetworkGuardianProxy::reportClosed(const QString &identity, const QString &host, qint64 bytesUp, qint64 bytesDown)
{
    emit connectionClosed(identity, host, bytesUp, bytesDown);
}

void NetworkGuardianProxy::reportRejected(const QString &identity, const QString &host, int status, const QString &reason)
{
    emit requestRejected(identity, host, status, reason);
}

} // namespace osh::runtime
