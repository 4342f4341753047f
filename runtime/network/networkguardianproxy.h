#pragma once
// The network guardian's enforcement point: the only way out of a sandbox.
// An HTTP/1.1 forward proxy (absolute-form requests and CONNECT tunnels)
// listening on one socket per identity, so the identity is whatever socket
// the runtime bind-mounted into that sandbox, never something the sandbox
// claims. Every connection is decided by the session's DecisionEngine (the
// same decision `osctl eval` makes, network_egress policies included)
// before any connection to the destination, and the proxy connects to
// exactly the address it gave the engine. See docs/network-guardian.md.

#include "engine/decision.h"
#include "engine/decisionengine.h"
#include "engine/request.h"
#include "engine/sessionstate.h"

#include <QHostAddress>
#include <QList>
#include <QMetaType>
#include <QObject>
#include <QString>

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

namespace osh::runtime {

class HttpInspector;
class Listener;
class Resolver;
class SessionCa;
class TunnelRelay;
struct InspectionSpec;

class NetworkGuardianProxy : public QObject
{
    Q_OBJECT
public:
    // Runs fn with the session's state, under whatever lock the session uses.
    using SessionAccess = std::function<void(const std::function<void(osh::SessionState &)> &fn)>;

    struct Options
    {
        // Connections one identity may have open at once, from accept until
        // the tunnel ends; more are refused at once (429), so a flood from one
        // sandbox cannot starve the others or the process of descriptors.
        int maxConnectionsPerIdentity = 256;
        // A connection that has sent no byte by then is closed (408).
        int idleTimeoutMs = 5000;
        // An inspected request or response body is read whole before it is
        // decided and forwarded: without max_request_size_kb or
        // max_response_size_mb on the rule, at most this many bytes (larger
        // requests get 413, larger responses 502).
        std::int64_t maxInspectedBodyBytes = 16 << 20;
        // Inspected connections served at once by the whole proxy (each a
        // thread holding up to a request and a response body); more are
        // closed at once.
        int maxInspections = 128;
        // An inspected request that has begun must be complete within this
        // (however slowly its bytes come).
        int requestTimeoutMs = 30000;
    };
    // The request or output text an event reports (the audit keeps less).
    static constexpr std::size_t kReportedBytes = 64 * 1024;

    NetworkGuardianProxy(std::shared_ptr<const osh::DecisionEngine> engine, SessionAccess withSession,
                         QObject *parent = nullptr);
    // The state is shared with the session's other users under mutex.
    NetworkGuardianProxy(std::shared_ptr<const osh::DecisionEngine> engine, osh::SessionState &state,
                         std::mutex &mutex, QObject *parent = nullptr);
    ~NetworkGuardianProxy() override;

    // Listens for identity (a tool name, or "agent") on a Unix socket path.
    bool listen(const QString &identity, const QString &unixSocketPath);
    // Listens for identity on a loopback TCP port (0: any free port).
    // Returns the port, or 0 on failure (see errorString()).
    quint16 listenTcp(const QString &identity, const QHostAddress &address = QHostAddress(QHostAddress::LocalHost),
                      quint16 port = 0);
    // A listener of its own for identity whose connections are held, accepted
    // but unread and undecided, until openGate(path): a tool's ready sandbox
    // reaches nothing before its call has been decided and handed to it.
    // At most kMaxHeldPerGate are held; more are closed at once.
    bool listenGated(const QString &identity, const QString &unixSocketPath);
    // From now on the gate's connections are served as listen()'s are, the
    // held ones first. False when there is no such gate.
    bool openGate(const QString &unixSocketPath);
    // Stops listening at the gate's path; connections still held are closed.
    void removeGate(const QString &unixSocketPath);
    int heldConnections(const QString &unixSocketPath) const;
    static constexpr int kMaxHeldPerGate = 16;
    // Stops listening and ends the inspected connections (their threads are
    // joined); tunnels already established run to their end.
    void close();
    QString errorString() const { return m_error; }

    // Seconds for Request::ts; defaults to the wall clock (Unix time).
    void setClock(std::function<double()> now) { m_clock = std::move(now); }
    // Applies to connections accepted from now on.
    void setOptions(const Options &options) { m_options = options; }
    const Options &options() const { return m_options; }
    // The PEM file the guardian trusts for rule's origin (a copy of its
    // ca_file the session made, see copyRuleCaFile). A rule with a ca_file
    // and no such copy reaches nothing: it never falls back to the host's store.
    void setRuleCaFile(int rule, const std::string &path) { m_ruleCaFiles[rule] = path; }
    std::optional<std::string> ruleCaFile(int rule) const
    {
        const auto it = m_ruleCaFiles.find(rule);
        return it == m_ruleCaFiles.end() ? std::nullopt : std::optional<std::string>(it->second);
    }
    // Connections of identity open now (being decided, or relayed).
    int openConnections(const QString &identity) const;
    // Connections refused because identity was at its limit, since the start.
    int refusedConnections(const QString &identity) const;
    // Tunnels being relayed now.
    int activeTunnels() const;
    // Connections the proxy has started to destinations (each after an
    // allowing decision); lets the session and tests see that a refusal
    // never reached the network.
    int upstreamConnects() const { return m_upstreamConnects.load(); }
    void noteUpstreamConnect() { ++m_upstreamConnects; }

    // For ProxyConnection.
    const osh::DecisionEngine &engine() const { return *m_engine; }
    double now() const { return m_clock(); }
    // Decides with the destination's addresses (a literal or hosts entry:
    // one; a DNS answer: all of it), records the request in the session once,
    // then reports it. Every address is evaluated; the first one refused is
    // the decision, otherwise the first address's decision is, and *address
    // is the one the connection may go to.
    osh::Decision decide(osh::Request &req, const QList<QHostAddress> &answer, QHostAddress *address);
    // Before looking a name up: the decision when it is refused whatever the
    // address (DecisionEngine::refusalWithoutAddress; recorded and reported),
    // nullopt when the name may be looked up.
    // With requests true, for a connection whose HTTP requests will each be
    // decided: DecisionEngine::refusalBeforeRequests instead.
    std::optional<osh::Decision> refuseBeforeLookup(osh::Request &req, bool requests = false);

    // HTTP inspection (docs/network-guardian.md). The session's CA, made
    // with the proxy; null when it could not be (sessionCaError() says why:
    // inspected connections are then refused, never tunnelled).
    SessionCa *sessionCa() const { return m_ca.get(); }
    QString sessionCaError() const { return m_caError; }
    // The CA certificate (PEM) a sandbox of this session is to trust.
    QByteArray sessionCaPem() const;
    // Whether the guardian reads the HTTP requests of this (derived-on-
    // demand) request's connection: http or https, and its rule (the one the
    // network layer matches now) does not say inspect: false.
    bool inspects(const osh::Request &req, int *rule);
    // For an inspected connection, with every address of the answer: the
    // refusal that holds for any request on it (recorded and reported), or
    // nullopt with *address the one the connection goes to.
    std::optional<osh::Decision> admit(osh::Request &req, const QList<QHostAddress> &answer, QHostAddress *address);
    // Serves an inspected connection on a thread of its own; false (the
    // client closed) at the limit of Options::maxInspections, after close(),
    // or when no thread can be made.
    bool startInspection(InspectionSpec spec);
    // Inspected connections being served now.
    int activeInspections() const;

    // Thread-safe, for inspectors: one request of an inspected connection,
    // decided with the connection's address, recorded and reported (on the
    // proxy's thread).
    osh::Decision decideRequest(osh::Request &req, const QHostAddress &address);
    // A response of an inspected request as data_output (tool.name the
    // identity, output the body), recorded and reported as outputDecided.
    osh::Decision decideResponse(osh::Request &req);
    void postCut(const QString &identity, const QString &host, const QString &reason);
    void postClosed(const QString &identity, const QString &host, qint64 bytesUp, qint64 bytesDown);
    void postRejected(const QString &identity, const QString &host, int status, const QString &reason);
    void postEnded(const QString &identity);
    TunnelRelay &relay() { return *m_relay; }
    Resolver &resolver() { return *m_resolver; }
    void reportCut(const QString &identity, const QString &host, const QString &reason);
    void reportClosed(const QString &identity, const QString &host, qint64 bytesUp, qint64 bytesDown);
    void reportRejected(const QString &identity, const QString &host, int status, const QString &reason);
    // A connection of identity handled by a ProxyConnection, or relayed, ended.
    void connectionEnded(const QString &identity);

signals:
    // Every decision the proxy asked the engine for (allowed or not).
    void egressDecided(const osh::Request &request, const osh::Decision &decision);
    // data_output decisions on the responses of inspected requests.
    void outputDecided(const osh::Request &request, const osh::Decision &decision);
    // An allowed connection cut by a check after the decision: first bytes
    // not TLS, SNI mismatch, SMTP command before STARTTLS, size limit. Also,
    // once per burst and with an empty host, an identity reaching its
    // connection limit (the connections refused in that burst are not
    // reported one by one, so a flood cannot flood the audit log).
    void connectionCut(const QString &identity, const QString &host, const QString &reason);
    // A tunnel or forwarded request that ended (after a cut too).
    void connectionClosed(const QString &identity, const QString &host, qint64 bytesUp, qint64 bytesDown);
    // A request answered without a decision: malformed (400), destination
    // unreachable or not resolvable (502), timeouts (408, 504).
    void requestRejected(const QString &identity, const QString &host, int status, const QString &reason);

private:
    struct Load
    {
        int open = 0;
        int refused = 0;
        bool limited = false; // in a burst: its event has been reported
    };

    struct Gate
    {
        Listener *listener = nullptr;
        bool open = false;
        std::vector<int> held;
    };

    osh::Decision decideLocked(osh::Request &req, const QList<QHostAddress> &answer, QHostAddress *address);
    void accept(const QString &identity, int fd);
    void acceptAtGate(const QString &path, const QString &identity, int fd);
    void refuseOverLimit(const QString &identity, int fd);

    std::shared_ptr<const osh::DecisionEngine> m_engine;
    SessionAccess m_withSession;
    std::function<double()> m_clock;
    std::unique_ptr<TunnelRelay> m_relay;
    Resolver *m_resolver = nullptr;
    std::vector<Listener *> m_listeners;
    QString m_error;
    std::atomic<int> m_upstreamConnects{0};
    std::unique_ptr<SessionCa> m_ca;
    std::map<int, std::string> m_ruleCaFiles; // set before any connection, read-only after
    QString m_caError;
    struct Inspection;
    mutable std::mutex m_inspectionsLock;
    std::vector<std::unique_ptr<Inspection>> m_inspections;
    bool m_stopped = false; // under m_inspectionsLock
    void reapInspections();
    void stopInspections();
    Options m_options;
    std::map<QString, Load> m_load;
    std::map<QString, Gate> m_gates;
};

} // namespace osh::runtime

Q_DECLARE_METATYPE(osh::Request)
Q_DECLARE_METATYPE(osh::Decision)
