#include "networkguardianproxy.h"

#include "listener.h"
#include "proxyconnection.h"
#include "resolver.h"
#include "tunnelrelay.h"

#include <QDateTime>

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

void NetworkGuardianProxy::close()
{
    qDeleteAll(m_listeners);
    m_listeners.clear();
}

int NetworkGuardianProxy::activeTunnels() const
{
    return m_relay->active();
}

void NetworkGuardianProxy::accept(const QString &identity, int fd)
{
    new ProxyConnection(this, identity, fd);
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
