#pragma once
// REST API v1 of openshelld (docs/api.md, docs/openapi.json): routes,
// authentication and scopes, input checks and RFC 9457 problems, and the
// sessions the service runs for its clients.
//
// Threads: HttpServer calls handler() on its I/O thread, where the caller
// is identified, rate-limited and the route and scope are checked (cheap,
// so a flood never reaches the rest). Session work then runs on the thread
// that owns this object (the sessions' event loop); reads of the audit log
// and policy checks run on a worker pool so a slow query never holds up a
// session. Audit events reach event streams only once they are durable.

#include "access.h"
#include "forwarder.h"
#include "httpserver.h"

#include <QHash>
#include <QSet>
#include <QObject>
#include <QString>

#include <functional>
#include <memory>
#include <string>
#include <vector>

class QThreadPool;

namespace osh {
class AuditStore;
struct AuditEvent;
} // namespace osh

namespace osh::runtime {
class AgentSession;
} // namespace osh::runtime

namespace osh::service {

class SessionRegistry;
class GatewayLink;
class EncryptedStateStore;

class ApiService : public QObject
{
    Q_OBJECT

public:
    struct Options
    {
        AuditStore *store = nullptr;
        // The audit session of the service's own events (refused requests):
        // one per host in a store several hosts share.
        std::string auditSession = "openshelld";
        QString dataDir;      // run folders, inline policies, snapshots
        GroupRules groups;
        std::shared_ptr<const TokenStore> tokens; // may be empty: no TCP clients
        double requestsPerSecond = 50;
        double burst = 100;
        std::string version;
        std::string openApiDocument; // served at /v1/openapi.json
        int maxSessionsPerUser = 16;
        // Agents' state (/v1/state, the gateway's openshell/state/*); null:
        // those answer 503.
        EncryptedStateStore *state = nullptr; // also seals snapshots
        // The audit forwarders' status (/v1/audit/forwarders); thread-safe.
        std::function<std::vector<ForwarderStatus>()> forwarders;
    };

    explicit ApiService(Options options, QObject *parent = nullptr);
    ~ApiService() override;

    // For HttpServer; thread-safe.
    HttpServer::Handler handler();

    // Ends every running session (recorded as interrupted), then calls done
    // on this object's thread; sessions that do not end within timeoutMs
    // are killed.
    void shutdown(int timeoutMs, std::function<void()> done);
    int runningSessions() const;
    // A session this service runs (nullptr when unknown), for in-process
    // comparisons in benchmarks and tests; this object's thread only.
    runtime::AgentSession *session(const QString &id) const;

    struct Route
    {
        const char *method;
        const char *pattern; // {name} matches one path segment
        unsigned scopes;     // Scope bits, any one of which will do; 0: anyone who reached the service
    };
    static const std::vector<Route> &routes();

    class Call; // one request with its caller, as the handlers see it

private:
    void onRequest(std::shared_ptr<Exchange> exchange);
    void dispatch(std::shared_ptr<Call> call);
    void refuse(const Call &call, int status, const std::string &why);
    void auditRefusal(const HttpRequest &req, const std::string &who, int status, const std::string &why);

    // Routes (the Qt thread unless said otherwise).
    void info(const std::shared_ptr<Call> &c);
    void createSession(const std::shared_ptr<Call> &c);
    void listSessions(const std::shared_ptr<Call> &c);
    void getSession(const std::shared_ptr<Call> &c);
    void endSession(const std::shared_ptr<Call> &c);
    void exec(const std::shared_ptr<Call> &c);
    void stdinData(const std::shared_ptr<Call> &c);
    void events(const std::shared_ptr<Call> &c);
    void listApprovals(const std::shared_ptr<Call> &c);     // worker
    void getApproval(const std::shared_ptr<Call> &c);       // worker
    void resolveApproval(const std::shared_ptr<Call> &c);   // worker
    void auditEvents(const std::shared_ptr<Call> &c);       // worker
    void auditSessions(const std::shared_ptr<Call> &c);     // worker
    void auditForwarders(const std::shared_ptr<Call> &c);   // worker
    void validatePolicy(const std::shared_ptr<Call> &c);    // worker
    void evalPolicy(const std::shared_ptr<Call> &c);        // worker
    void whatIf(const std::shared_ptr<Call> &c);            // worker
    // Clients that are the agent (apiagent.cpp).
    void gatewayCall(const std::shared_ptr<Call> &c);
    void stateCall(const std::shared_ptr<Call> &c);         // worker
    void snapshot(const std::shared_ptr<Call> &c);
    void deleteSnapshot(const std::shared_ptr<Call> &c);
    // The sealed file of a snapshot's name; empty for a name that is not one.
    QString snapshotFile(const std::string &name) const;
    static constexpr int kMaxSnapshotsPerUser = 32; // taken during sessions while this many are kept
    // Seals a session's snapshots for its owner; unset without a state store.
    std::function<QString(const QString &, const QString &, QString *)> snapshotSealer(uid_t owner) const;
    // A sealed snapshot the caller may restore, unsealed into a file of the
    // service's (removed after the session started); empty after answering.
    QString unsealedSnapshot(Call &c, const std::string &name);

    Options m_options;
    RateLimiter m_limiter;
    std::unique_ptr<SessionRegistry> m_sessions;
    QThreadPool *m_pool;
    QHash<QString, GatewayLink *> m_links; // session id -> its gateway, while it runs
    QThreadPool *m_snapshotPool;           // archiving and sealing workspaces
    QSet<QString> m_snapshotting;          // sessions with a snapshot in progress
};

} // namespace osh::service
