#include "networkguardianproxy.h"

#include "httpinspector.h"
#include "listener.h"
#include "proxyconnection.h"
#include "resolver.h"
#include "sessionca.h"
#include "tunnelrelay.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>

#include <sys/socket.h>
#include <system_error>
#include <thread>
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
    std::string error;
    m_ca = SessionCa::create("OpenShell session CA", &error);
    if (!m_ca)
        m_caError = QString::fromStdString(error);
}

struct NetworkGuardianProxy::Inspection
{
    std::unique_ptr<HttpInspector> inspector;
    std::thread thread;
};

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
    stopInspections();
}

void NetworkGuardianProxy::stopInspections()
{
    // Inspected connections decide with the session's state: they end here,
    // before the session that owns that state does.
    std::vector<std::unique_ptr<Inspection>> all;
    {
        std::lock_guard lock(m_inspectionsLock);
        all.swap(m_inspections);
        m_stopped = true;
    }
    for (auto &i : all)
        i->inspector->stop();
    for (auto &i : all)
        i->thread.join();
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

osh::Decision NetworkGuardianProxy::decideLocked(osh::Request &req, const QList<QHostAddress> &answer, QHostAddress *address)
{
    osh::Decision d;
    m_withSession([&](osh::SessionState &s) {
        // Under one lock, committed once: the session's counters (rate
        // limits, cost) are charged for the request, not for each address.
        if (answer.size() == 1) { // the usual case, and every inspected request: no copy of the request
            req.set(osh::Var::DestinationIp, osh::Value(answer.front().toString().toStdString()));
            m_engine->derive(req, s);
            d = m_engine->evaluate(req, s);
            *address = answer.front();
            m_engine->commit(req, d, s);
            return;
        }
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
    return d;
}

osh::Decision NetworkGuardianProxy::decide(osh::Request &req, const QList<QHostAddress> &answer, QHostAddress *address)
{
    osh::Decision d = decideLocked(req, answer, address);
    emit egressDecided(req, d);
    return d;
}

osh::Decision NetworkGuardianProxy::decideRequest(osh::Request &req, const QHostAddress &address)
{
    QHostAddress chosen;
    osh::Decision d = decideLocked(req, {address}, &chosen);
    // Reported with the body's first 64 KiB (the audit keeps 16 KiB): a
    // large upload is not copied again for its event.
    constexpr std::size_t kReportedBody = kReportedBytes;
    auto &body = req.vars[static_cast<std::size_t>(osh::Var::RequestBody)];
    osh::Value whole = std::move(body);
    osh::Request shown = req;
    if (whole.isString() && whole.toString().size() > kReportedBody)
        shown.set(osh::Var::RequestBody, osh::Value(std::string_view(whole.toString()).substr(0, kReportedBody)));
    else
        shown.set(osh::Var::RequestBody, whole);
    body = std::move(whole);
    QMetaObject::invokeMethod(this, [this, shown = std::move(shown), d] { emit egressDecided(shown, d); },
                              Qt::QueuedConnection);
    return d;
}

osh::Decision NetworkGuardianProxy::decideResponse(osh::Request &req)
{
    osh::Decision d;
    m_withSession([&](osh::SessionState &s) { d = m_engine->decide(req, s); });
    // Reported with the output's first 64 KiB and without the redacted copy
    // (the audit keeps 16 KiB): a large response is not held again in the queue.
    osh::Request shown;
    shown.trigger = req.trigger;
    shown.ts = req.ts;
    for (std::size_t i = 0; i < req.vars.size(); ++i)
        if (req.given.test(i) && i != static_cast<std::size_t>(osh::Var::Output))
            shown.set(static_cast<osh::Var>(i), req.vars[i]);
    const auto &out = req.get(osh::Var::Output);
    if (out.isString())
        shown.set(osh::Var::Output, osh::Value(std::string_view(out.toString()).substr(0, kReportedBytes)));
    osh::Decision reported = d;
    if (reported.output && reported.output->size() > kReportedBytes)
        reported.output->resize(kReportedBytes);
    QMetaObject::invokeMethod(this, [this, shown = std::move(shown), reported = std::move(reported)] {
        emit outputDecided(shown, reported);
    }, Qt::QueuedConnection);
    return d;
}

void NetworkGuardianProxy::postCut(const QString &identity, const QString &host, const QString &reason)
{
    QMetaObject::invokeMethod(this, [this, identity, host, reason] { emit connectionCut(identity, host, reason); },
                              Qt::QueuedConnection);
}

void NetworkGuardianProxy::postClosed(const QString &identity, const QString &host, qint64 bytesUp, qint64 bytesDown)
{
    QMetaObject::invokeMethod(
        this, [this, identity, host, bytesUp, bytesDown] { emit connectionClosed(identity, host, bytesUp, bytesDown); },
        Qt::QueuedConnection);
}

void NetworkGuardianProxy::postRejected(const QString &identity, const QString &host, int status, const QString &reason)
{
    QMetaObject::invokeMethod(
        this, [this, identity, host, status, reason] { emit requestRejected(identity, host, status, reason); },
        Qt::QueuedConnection);
}

void NetworkGuardianProxy::postEnded(const QString &identity)
{
    QMetaObject::invokeMethod(this, [this, identity] { connectionEnded(identity); }, Qt::QueuedConnection);
}

QByteArray NetworkGuardianProxy::sessionCaPem() const
{
    return m_ca ? QByteArray::fromStdString(m_ca->certificatePem()) : QByteArray();
}

bool NetworkGuardianProxy::inspects(const osh::Request &req, int *rule)
{
    const std::string &protocol = req.get(osh::Var::DestinationProtocol).toString();
    *rule = -1;
    if (protocol != "https" && protocol != "http")
        return false;
    m_withSession([&](osh::SessionState &s) {
        osh::Request probe = req;
        m_engine->derive(probe, s);
        *rule = m_engine->egressRule(probe, s);
    });
    const auto &rules = m_engine->document().network.rules;
    return *rule < 0 || static_cast<std::size_t>(*rule) >= rules.size()
        || rules[static_cast<std::size_t>(*rule)].inspected();
}

std::optional<osh::Decision> NetworkGuardianProxy::admit(osh::Request &req, const QList<QHostAddress> &answer,
                                                         QHostAddress *address)
{
    std::optional<osh::Decision> refused;
    m_withSession([&](osh::SessionState &s) {
        for (const QHostAddress &a : answer) {
            osh::Request probe = req;
            probe.set(osh::Var::DestinationIp, osh::Value(a.toString().toStdString()));
            m_engine->derive(probe, s);
            if (auto r = m_engine->refusalBeforeRequests(probe, s)) {
                m_engine->commit(probe, *r, s);
                req = std::move(probe);
                refused = std::move(r);
                return;
            }
        }
    });
    if (refused) {
        emit egressDecided(req, *refused);
        return refused;
    }
    if (answer.isEmpty()) {
        osh::Decision d;
        d.outcome = osh::Action::Block;
        d.layer = osh::Layer::Network;
        d.message = "no address to connect to";
        d.logLevel = osh::LogLevel::Warning;
        return d;
    }
    *address = answer.front();
    return std::nullopt;
}

void NetworkGuardianProxy::reapInspections()
{
    std::vector<std::unique_ptr<Inspection>> done;
    {
        std::lock_guard lock(m_inspectionsLock);
        for (auto it = m_inspections.begin(); it != m_inspections.end();) {
            if ((*it)->inspector->finished()) {
                done.push_back(std::move(*it));
                it = m_inspections.erase(it);
            } else {
                ++it;
            }
        }
    }
    for (auto &i : done)
        i->thread.join();
}

bool NetworkGuardianProxy::startInspection(InspectionSpec spec)
{
    reapInspections();
    std::lock_guard lock(m_inspectionsLock);
    // Each inspected connection holds a thread and up to two bodies: a
    // bound for the whole proxy, whatever the identities.
    if (m_stopped || static_cast<int>(m_inspections.size()) >= m_options.maxInspections) {
        ::close(spec.clientFd);
        return false;
    }
    auto i = std::make_unique<Inspection>();
    i->inspector = std::make_unique<HttpInspector>(this, std::move(spec));
    HttpInspector *inspector = i->inspector.get();
    try {
        i->thread = std::thread([inspector] { inspector->run(); });
    } catch (const std::system_error &) {
        return false; // the inspector closes the client when it goes
    }
    m_inspections.push_back(std::move(i));
    return true;
}

int NetworkGuardianProxy::activeInspections() const
{
    std::lock_guard lock(m_inspectionsLock);
    int n = 0;
    for (const auto &i : m_inspections)
        n += i->inspector->finished() ? 0 : 1;
    return n;
}

std::optional<osh::Decision> NetworkGuardianProxy::refuseBeforeLookup(osh::Request &req, bool requests)
{
    std::optional<osh::Decision> refused;
    m_withSession([&](osh::SessionState &s) {
        osh::Request probe = req;
        m_engine->derive(probe, s);
        refused = requests ? m_engine->refusalBeforeRequests(probe, s) : m_engine->refusalWithoutAddress(probe, s);
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
