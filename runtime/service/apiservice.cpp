#include "apiservice.h"

#include "apicall.h"
#include "apiinternal.h"
#include "gatewaylink.h"
#include "statestore.h"
#include "clientfiles.h"
#include "sessionregistry.h"

#include "audit/auditjson.h"
#include "audit/auditstore.h"
#include "audit/audittime.h"
#include "audit/ocsf.h"
#include "engine/decisionengine.h"
#include "model/policyvalidator.h"
#include "replay/whatif.h"
#include "sandbox/sandbox.h"
#include "session/agentsession.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>
#include <QThreadPool>

#include <algorithm>
#include <cstdio>

namespace osh::service {

namespace {


struct RouteDef
{
    ApiService::Route route; // its scopes: any one of them will do; none: anyone who reached the service
    RouteId id;
};

const std::vector<RouteDef> &routeDefs()
{
    static const std::vector<RouteDef> defs = {
        {{"GET", "/v1/openapi.json", 0}, ROpenApi},
        {{"GET", "/v1/info", 0}, RInfo},
        {{"POST", "/v1/sessions", ScopeSessions}, RSessionsCreate},
        {{"GET", "/v1/sessions", ScopeSessions}, RSessionsList},
        {{"GET", "/v1/sessions/{id}", ScopeSessions}, RSessionGet},
        {{"DELETE", "/v1/sessions/{id}", ScopeSessions}, RSessionEnd},
        {{"POST", "/v1/sessions/{id}/exec", ScopeSessions}, RSessionExec},
        {{"POST", "/v1/sessions/{id}/stdin", ScopeSessions}, RSessionStdin},
        {{"GET", "/v1/sessions/{id}/events", ScopeSessions}, RSessionEvents},
        {{"GET", "/v1/approvals", ScopeSessions | ScopeApprovals}, RApprovalsList},
        {{"GET", "/v1/approvals/{id}", ScopeSessions | ScopeApprovals}, RApprovalGet},
        {{"POST", "/v1/approvals/{id}/approve", ScopeApprovals}, RApprove},
        {{"POST", "/v1/approvals/{id}/deny", ScopeApprovals}, RDeny},
        {{"GET", "/v1/audit/events", ScopeSessions | ScopeAudit}, RAuditEvents},
        {{"GET", "/v1/audit/sessions", ScopeSessions | ScopeAudit}, RAuditSessions},
        {{"GET", "/v1/audit/forwarders", ScopeAudit}, RAuditForwarders},
        {{"POST", "/v1/policies/validate", ScopeSessions}, RValidate},
        {{"POST", "/v1/policies/eval", ScopeSessions}, REval},
        {{"POST", "/v1/policies/whatif", ScopeAudit}, RWhatIf},
        {{"POST", "/v1/sessions/{id}/gateway", ScopeSessions}, RSessionGateway},
        {{"POST", "/v1/sessions/{id}/snapshot", ScopeSessions}, RSessionSnapshot},
        {{"DELETE", "/v1/snapshots/{name}", ScopeSessions}, RSnapshotDelete},
        {{"GET", "/v1/state/{agent}", ScopeSessions}, RStateKeys},
        {{"GET", "/v1/state/{agent}/{key}", ScopeSessions}, RStateGet},
        {{"PUT", "/v1/state/{agent}/{key}", ScopeSessions}, RStatePut},
        {{"DELETE", "/v1/state/{agent}/{key}", ScopeSessions}, RStateDelete},
    };
    return defs;
}

// Matches path against a pattern; captures {name} segments.
bool matchRoute(const std::string &pattern, const std::string &path, std::vector<std::string> &captures)
{
    captures.clear();
    std::size_t i = 0, j = 0;
    while (i < pattern.size() && j <= path.size()) {
        if (pattern[i] == '{') {
            const std::size_t close = pattern.find('}', i);
            std::size_t end = path.find('/', j);
            if (end == std::string::npos)
                end = path.size();
            if (end == j)
                return false;
            captures.push_back(path.substr(j, end - j));
            i = close + 1;
            j = end;
        } else {
            if (j >= path.size() || pattern[i] != path[j])
                return false;
            ++i;
            ++j;
        }
    }
    return i == pattern.size() && j == path.size();
}

QJsonObject isolationStatus(Isolation mode)
{
    const QString why = runtime::Sandbox::availability(mode);
    return {{QStringLiteral("available"), why.isEmpty()}, {QStringLiteral("reason"), why}};
}

// A session id names a folder: only the characters session ids are made of.
bool plausibleId(const std::string &id)
{
    return !id.empty() && id.size() <= 64
        && std::all_of(id.begin(), id.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.'; })
        && id != "." && id != "..";
}

} // namespace

const std::vector<ApiService::Route> &ApiService::routes()
{
    static const std::vector<Route> list = [] {
        std::vector<Route> r;
        for (const auto &d : routeDefs())
            r.push_back(d.route);
        return r;
    }();
    return list;
}

ApiService::ApiService(Options options, QObject *parent)
    : QObject(parent)
    , m_options(std::move(options))
    , m_limiter(m_options.requestsPerSecond, m_options.burst)
    , m_sessions(std::make_unique<SessionRegistry>(m_options.store, this))
    , m_pool(new QThreadPool(this))
    , m_snapshotPool(new QThreadPool(this))
{
    m_pool->setMaxThreadCount(std::max(2, QThread::idealThreadCount()));
    m_snapshotPool->setMaxThreadCount(2);
    connect(m_sessions.get(), &SessionRegistry::sessionEnded, this, [this](const QString &id) { delete m_links.take(id); });
}

ApiService::~ApiService()
{
    m_snapshotPool->waitForDone();
    m_pool->waitForDone();
}

HttpServer::Handler ApiService::handler()
{
    return [this](std::shared_ptr<Exchange> ex) { onRequest(std::move(ex)); };
}

int ApiService::runningSessions() const { return m_sessions->running(); }

runtime::AgentSession *ApiService::session(const QString &id) const
{
    SessionRegistry::Entry *e = m_sessions->find(id);
    return e ? m_sessions->session(e) : nullptr;
}

void ApiService::shutdown(int timeoutMs, std::function<void()> done)
{
    m_sessions->stopAll(timeoutMs, [this, done = std::move(done)] {
        m_snapshotPool->waitForDone();
        m_pool->waitForDone();
        // The gateways' state operations run on the global pool and use the
        // state store, which the service's owner destroys after this.
        QThreadPool::globalInstance()->waitForDone();
        if (m_options.store)
            m_options.store->flush();
        done();
    });
}

void ApiService::auditRefusal(const HttpRequest &req, const std::string &who, int status, const std::string &why)
{
    if (!m_options.store)
        return;
    AuditEvent e;
    e.sessionId = m_options.auditSession;
    e.type = "api";
    e.decision = "block";
    e.severity = "warning";
    QJsonObject p{{QStringLiteral("method"), q(req.method)},
                  {QStringLiteral("path"), q(req.path.substr(0, 512))},
                  {QStringLiteral("status"), status},
                  {QStringLiteral("client"), q(who)}};
    if (req.peer.via == HttpPeer::Via::Unix)
        p.insert(QStringLiteral("uid"), static_cast<qint64>(req.peer.uid));
    else
        p.insert(QStringLiteral("address"), q(req.peer.address));
    e.parameters = compact(p);
    e.message = "refused " + req.method + " " + req.path.substr(0, 512) + " for " + who + ": " + why;
    e.ts = AuditStore::now();
    m_options.store->append(std::move(e));
}

// Runs on the HTTP thread: who, how often, which route, which scope.
void ApiService::onRequest(std::shared_ptr<Exchange> ex)
{
    const HttpRequest &req = ex->request();
    auto call = std::make_shared<Call>(ex);
    std::string limiterKey;
    if (req.method == "GET" && req.path == "/v1/openapi.json") {
        // The contract is public to whoever reaches the service.
        int retry = 0;
        if (!m_limiter.take(req.peer.via == HttpPeer::Via::Unix ? "uid:" + std::to_string(req.peer.uid) : "ip:" + req.peer.address.substr(0, req.peer.address.rfind(':')), &retry))
            return call->problem(429, "rate-limited", "too many requests; retry later", {}, {}, {{"Retry-After", std::to_string(retry)}});
        return call->json(200, m_options.openApiDocument);
    }
    if (req.peer.via == HttpPeer::Via::Unix) {
        call->who = m_options.groups.fromPeer(req.peer);
        limiterKey = "uid:" + std::to_string(req.peer.uid);
    } else {
        const std::string *auth = req.header("authorization");
        const std::string addr = req.peer.address.substr(0, req.peer.address.rfind(':'));
        std::optional<Token> token;
        if (auth && auth->size() > 7 && (auth->compare(0, 7, "Bearer ") == 0 || auth->compare(0, 7, "bearer ") == 0)
            && m_options.tokens)
            token = m_options.tokens->find(auth->substr(7));
        if (!token) {
            int retry = 0;
            // Failed attempts count against the address's rate too (guessing).
            if (!m_limiter.take("ip:" + addr, &retry)) {
                call->problem(429, "rate-limited", "too many requests; retry later", {}, {}, {{"Retry-After", std::to_string(retry)}});
                return;
            }
            const std::string why = auth ? "the bearer token is not valid" : "a bearer token is required (Authorization: Bearer TOKEN)";
            auditRefusal(req, "address " + addr, 401, why);
            call->problem(401, "unauthorized", why, {}, {}, {{"WWW-Authenticate", "Bearer realm=\"openshelld\""}});
            return;
        }
        call->who.uid = token->uid;
        call->who.viaToken = true;
        call->who.tokenId = token->id;
        call->who.scopes = token->scopes;
        call->who.agents = token->agents;
        if (const auto id = lookupUser(token->uid)) {
            call->who.gid = id->gid;
            call->who.groups = id->groups;
        } else {
            call->who.gid = static_cast<gid_t>(token->uid);
        }
        limiterKey = "token:" + token->id;
    }
    int retry = 0;
    if (!m_limiter.take(limiterKey, &retry)) {
        call->problem(429, "rate-limited", "too many requests from " + call->who.describe() + "; retry later", {}, {},
                      {{"Retry-After", std::to_string(retry)}});
        return;
    }

    const RouteDef *found = nullptr;
    bool pathKnown = false;
    for (const auto &d : routeDefs()) {
        std::vector<std::string> captures;
        if (!matchRoute(d.route.pattern, req.path, captures))
            continue;
        pathKnown = true;
        if (req.method == d.route.method) {
            found = &d;
            call->captures = std::move(captures);
            break;
        }
    }
    if (!found) {
        if (pathKnown) {
            std::string allow;
            for (const auto &d : routeDefs()) {
                std::vector<std::string> c;
                if (matchRoute(d.route.pattern, req.path, c))
                    allow += (allow.empty() ? "" : ", ") + std::string(d.route.method);
            }
            call->problem(405, "method-not-allowed", req.method + " is not allowed here (allowed: " + allow + ")", {}, {},
                          {{"Allow", allow}});
        } else {
            call->problem(404, "not-found", "no such resource: " + req.path.substr(0, 256));
        }
        return;
    }
    call->route = found->id;
    const unsigned scope = found->route.scopes;
    if (scope != 0 && (call->who.scopes & scope) == 0) {
        const std::string need = (scope & (scope - 1)) ? "one of the scopes " + scopeNames(scope) : "the scope " + scopeNames(scope);
        std::string why = call->who.describe() + " lacks " + need;
        if (!call->who.viaToken && call->who.scopes == 0)
            why += " (not a member of the service's group)";
        else if (!call->who.viaToken && scope == ScopeApprovals)
            why += " (approving needs membership of the approvers' group)";
        auditRefusal(req, call->who.describe(), 403, why);
        call->problem(403, "forbidden", why);
        return;
    }
    if (found->id == ROpenApi) {
        HttpResponse r;
        r.contentType = "application/json";
        r.body = m_options.openApiDocument;
        ex->respond(std::move(r));
        return;
    }
    // Everything else runs on the sessions' thread (which may pass it on).
    QMetaObject::invokeMethod(this, [this, call] { dispatch(call); }, Qt::QueuedConnection);
}

void ApiService::dispatch(std::shared_ptr<Call> c)
{
    auto onPool = [this, c](void (ApiService::*fn)(const std::shared_ptr<Call> &)) {
        m_pool->start([this, c, fn] { (this->*fn)(c); });
    };
    switch (c->route) {
    case RInfo: return info(c);
    case RSessionsCreate: return createSession(c);
    case RSessionsList: return listSessions(c);
    case RSessionGet: return getSession(c);
    case RSessionEnd: return endSession(c);
    case RSessionExec: return exec(c);
    case RSessionStdin: return stdinData(c);
    case RSessionEvents: return events(c);
    case RApprovalsList: return onPool(&ApiService::listApprovals);
    case RApprovalGet: return onPool(&ApiService::getApproval);
    case RApprove:
    case RDeny: return onPool(&ApiService::resolveApproval);
    case RAuditEvents: return onPool(&ApiService::auditEvents);
    case RAuditSessions: return onPool(&ApiService::auditSessions);
    case RAuditForwarders: return onPool(&ApiService::auditForwarders);
    case RValidate: return onPool(&ApiService::validatePolicy);
    case REval: return onPool(&ApiService::evalPolicy);
    case RWhatIf: return onPool(&ApiService::whatIf);
    case RSessionGateway: return gatewayCall(c);
    case RSessionSnapshot: return snapshot(c);
    case RSnapshotDelete: return deleteSnapshot(c);
    case RStateKeys:
    case RStateGet:
    case RStatePut:
    case RStateDelete: return onPool(&ApiService::stateCall);
    default: c->problem(500, "internal", "unrouted request");
    }
}

void ApiService::info(const std::shared_ptr<Call> &c)
{
    QJsonArray scopes;
    for (const auto &s : scopeList(c->who.scopes))
        scopes.append(q(s));
    const QJsonObject peer{{QStringLiteral("uid"), static_cast<qint64>(c->who.uid)},
                           {QStringLiteral("via"), c->who.viaToken ? QStringLiteral("token") : QStringLiteral("unix")},
                           {QStringLiteral("token"), c->who.viaToken ? QJsonValue(q(c->who.tokenId)) : QJsonValue()},
                           {QStringLiteral("scopes"), scopes}};
    const QJsonObject isolation{{QStringLiteral("gvisor"), isolationStatus(Isolation::Gvisor)},
                                {QStringLiteral("container"), isolationStatus(Isolation::Container)},
                                {QStringLiteral("firecracker"), isolationStatus(Isolation::Firecracker)}};
    c->json(200, compact({{QStringLiteral("service"), QStringLiteral("openshelld")},
                          {QStringLiteral("version"), q(m_options.version)},
                          {QStringLiteral("api"), QStringLiteral("v1")},
                          {QStringLiteral("peer"), peer},
                          {QStringLiteral("isolation"), isolation}}));
}

// --- sessions ---------------------------------------------------------------

// Reads policy_path or policy_yaml from a body, validates it as the client
// (file checks see what the client sees). false: a problem was answered.
bool clientPolicy(Call &c, const Fields &f, const ClientFiles &files, bool pinDir, ClientPolicy &out)
{
    const auto path = f.optString("policy_path");
    const auto yaml = f.optString("policy_yaml");
    const auto name = f.optString("policy_name");
    if (f.failed())
        return false;
    if (path.has_value() == yaml.has_value()) {
        c.problem(400, "invalid-field", "give exactly one of policy_path and policy_yaml", path ? "policy_yaml" : "policy_path");
        return false;
    }
    if (yaml && yaml->size() > kMaxPolicyBytes) {
        c.problem(413, "payload-too-large", "the policy is larger than 1 MiB", "policy_yaml");
        return false;
    }
    if (path && (path->empty() || path->front() != '/')) {
        c.problem(400, "invalid-field", "policy_path must be an absolute path on the service's host", "policy_path");
        return false;
    }
    std::string why;
    bool readOk = true;
    const bool ran = files.run(
        [&] {
            if (path) {
                readOk = ClientFiles::readFileHere(*path, kMaxPolicyBytes, out.text, &why);
                if (!readOk)
                    return;
                out.name = *path;
                out.dir = QDir::cleanPath(QFileInfo(q(*path)).absolutePath()).toStdString();
                if (pinDir) {
                    out.dirPin = ClientFiles::openFolderHere(out.dir, true, &why);
                    if (!out.dirPin.valid()) {
                        readOk = false;
                        return;
                    }
                }
            } else {
                out.text = *yaml;
                out.name = name.value_or("inline.policy.yaml");
            }
            ValidationOptions opt;
            opt.baseDir = out.dir;
            opt.checkFiles = !out.dir.empty();
            out.loaded = PolicyValidator::checkText(out.text, out.name, opt);
        },
        &why);
    if (!ran) {
        c.problem(500, "internal", why);
        return false;
    }
    if (!readOk) {
        c.problem(403, "forbidden", why, "policy_path");
        return false;
    }
    if (!out.loaded.document || hasErrors(out.loaded.diagnostics)) {
        c.problem(422, "policy-invalid", "the policy has errors", path ? "policy_path" : "policy_yaml",
                  {{"diagnostics", diagnosticsJson(out.loaded.diagnostics)}});
        return false;
    }
    return true;
}

std::string diagnosticsJson(const Diagnostics &diagnostics)
{
    std::string out = "[";
    for (const auto &d : diagnostics) {
        if (out.size() > 1)
            out += ',';
        d.appendJson(out);
    }
    return out + "]";
}


void ApiService::createSession(const std::shared_ptr<Call> &c)
{
    const auto body = c->body();
    if (!body)
        return;
    Fields f(*c, *body, {"policy_path", "policy_yaml", "policy_name", "isolation", "workspace", "command", "env", "approvals",
                         "approval_timeout_seconds", "interactive", "external_agent", "restore"});
    const auto interactive = f.optBool("interactive");
    const auto external = f.optBool("external_agent");
    const auto restore = f.optString("restore", 128);
    const auto isolationArg = f.optEnum("isolation", {"gvisor", "container", "firecracker"});
    const auto workspace = f.optString("workspace");
    const auto command = f.optStringList("command", 1, 4096);
    const auto env = f.optStringMap("env", 64);
    const auto approvals = f.optEnum("approvals", {"store", "auto-approve", "auto-deny"});
    const auto timeout = f.optInt("approval_timeout_seconds", 1, 86400);
    if (f.failed())
        return;
    if (external.value_or(false) && command)
        return c->problem(400, "invalid-field", "a session with external_agent has no agent process, so no command", "command");
    // A snapshot is unpacked in the service's own folder; moving it into a
    // client's folder would take a copy made as the client, which is not
    // there yet: refused before anything is staged.
    if (restore && workspace)
        return c->problem(400, "invalid-field",
                          "restore starts a fresh workspace: a client's own folder (workspace) cannot be restored into through "
                          "the service; leave out workspace",
                          "workspace");
    if (external.value_or(false) && interactive.value_or(false))
        return c->problem(400, "invalid-field", "a session with external_agent has no agent process to read standard input",
                          "interactive");
    if (env)
        for (const auto &[k, v] : *env) {
            const QString key = q(k).toUpper();
            if (k.empty() || k.size() > 128 || v.size() > 8192
                || !std::all_of(k.begin(), k.end(), [](char ch) { return std::isalnum(static_cast<unsigned char>(ch)) || ch == '_'; })
                || std::isdigit(static_cast<unsigned char>(k.front()))) {
                return c->problem(400, "invalid-field", "environment names are letters, digits and _ (not first), values at most 8 KiB",
                                  "env." + k.substr(0, 128));
            }
            if (key.startsWith(QLatin1StringView("OPENSHELL_")) || key == QLatin1StringView("HTTP_PROXY")
                || key == QLatin1StringView("HTTPS_PROXY") || key == QLatin1StringView("NO_PROXY"))
                return c->problem(400, "invalid-field", "this variable is set by the runtime and cannot be given", "env." + k);
        }
    if (m_sessions->runningFor(c->who.uid) >= m_options.maxSessionsPerUser)
        return c->problem(429, "rate-limited",
                          "uid " + std::to_string(c->who.uid) + " already runs " + std::to_string(m_options.maxSessionsPerUser)
                              + " sessions; end one first",
                          {}, {}, {{"Retry-After", "10"}});

    const ClientFiles files(c->who);
    ClientPolicy policy;
    if (!clientPolicy(*c, f, files, true, policy))
        return;
    const PolicyDocument &doc = *policy.loaded.document;
    // A token limited to some agents starts sessions of those agents only:
    // the session's state calls act for it.
    if (!c->who.agents.empty()
        && std::find(c->who.agents.begin(), c->who.agents.end(), doc.agentName()) == c->who.agents.end())
        return c->problem(403, "forbidden",
                          "this token acts for other agents, not for the policy's agent " + doc.agentName() + " (agent.name, or the policy's name)",
                          policy.dir.empty() ? "policy_yaml" : "policy_path");

    // Every host folder the session will use, opened as the client and
    // staged under the service's own folder.
    std::vector<PinnedFolder> pins;
    QHash<QString, QString> hostPaths;
    std::string why;
    const QString pinDir = QDir(m_options.dataDir).filePath(
        QStringLiteral("pins/%1").arg(QRandomGenerator::system()->generate64(), 16, 16, QLatin1Char('0')));
    struct PinDirGuard
    {
        QString dir;
        std::vector<PinnedFolder> *pins;
        bool keep = false;
        ~PinDirGuard()
        {
            if (!keep) {
                pins->clear();
                QDir().rmdir(dir);
            }
        }
    } pinGuard{pinDir, &pins};
    if (!QDir().mkpath(pinDir))
        return c->problem(500, "internal", "cannot create " + pinDir.toStdString());
    auto stage = [&](PinnedFolder &&pin, const QString &original) -> bool {
        if (!pin.stageAt(QDir(pinDir).filePath(QString::number(pins.size())).toStdString(), &why))
            return false;
        hostPaths.insert(original, pin.pinnedPath());
        pins.push_back(std::move(pin));
        return true;
    };
    if (workspace) {
        if (workspace->empty() || workspace->front() != '/')
            return c->problem(400, "invalid-field", "workspace must be an absolute path on the service's host", "workspace");
        PinnedFolder ws = files.openFolder(*workspace, false, &why);
        if (!ws.valid())
            return c->problem(403, "forbidden", why, "workspace");
        if (c->who.uid != 0 && ws.owner() != c->who.uid)
            return c->problem(403, "forbidden",
                              "the workspace " + *workspace + " belongs to uid " + std::to_string(ws.owner()) + ", not to "
                                  + c->who.describe() + "; a session's workspace must be the client's own folder",
                              "workspace");
        if (!stage(std::move(ws), QDir::cleanPath(q(*workspace))))
            return c->problem(500, "internal", why);
    }
    for (const auto &rule : doc.filesystem.rules) {
        if (!rule.source)
            continue;
        if (policy.dir.empty() && (rule.source->empty() || rule.source->front() != '/'))
            return c->problem(400, "invalid-field",
                              "the rule for " + rule.path + " has a relative source; an inline policy can only name absolute folders",
                              "policy_yaml");
        const QString host = QDir::cleanPath(QFileInfo(QDir(q(policy.dir)), q(*rule.source)).absoluteFilePath());
        if (hostPaths.contains(host))
            continue;
        PinnedFolder pin = files.openFolder(host.toStdString(), true, &why);
        if (!pin.valid())
            return c->problem(403, "forbidden", "the rule for " + rule.path + " mounts " + host.toStdString() + ": " + why,
                              policy.dir.empty() ? "policy_yaml" : "policy_path");
        if (!stage(std::move(pin), host))
            return c->problem(500, "internal", why);
    }

    // An inline policy gets a folder of its own (mounted read-only).
    QString policyFile;
    if (policy.dir.empty()) {
        const QString dir = QDir(m_options.dataDir).filePath(
            QStringLiteral("inline/%1").arg(QRandomGenerator::system()->generate64(), 16, 16, QLatin1Char('0')));
        const QString base = QFileInfo(q(policy.name)).fileName();
        policyFile = QDir(dir).filePath(base.isEmpty() || base.startsWith(QLatin1Char('.')) ? QStringLiteral("inline.policy.yaml") : base);
        QFile out(policyFile);
        if (!QDir().mkpath(dir) || !out.open(QIODevice::WriteOnly) || out.write(policy.text.data(), static_cast<qint64>(policy.text.size()))
                != static_cast<qint64>(policy.text.size()))
            return c->problem(500, "internal", "cannot store the inline policy under " + dir.toStdString());
        hostPaths.insert(dir, dir); // the service's own folder: used as it is
    } else {
        policyFile = QDir::cleanPath(q(policy.name));
        if (!stage(std::move(policy.dirPin), q(policy.dir)))
            return c->problem(500, "internal", why);
    }

    const Isolation isolation = !isolationArg ? doc.sandbox.isolation
        : *isolationArg == "gvisor"             ? Isolation::Gvisor
        : *isolationArg == "container"          ? Isolation::Container
                                                 : Isolation::Firecracker;
    runtime::AgentSession::Options o;
    o.policyFile = policyFile;
    o.document = policy.loaded.document;
    o.policyHash = QCryptographicHash::hash(QByteArray::fromStdString(policy.text), QCryptographicHash::Sha256).toHex().toStdString();
    o.isolation = isolation;
    o.workspaceDir = workspace ? hostPaths.value(QDir::cleanPath(q(*workspace))) : QString();
    o.hostPaths = hostPaths;
    if (command)
        for (const auto &a : *command)
            o.command << q(a);
    o.dataDir = m_options.dataDir;
    o.store = m_options.store;
    o.approvals = !approvals || *approvals == "store" ? runtime::AgentSession::Approvals::Store
        : *approvals == "auto-approve"               ? runtime::AgentSession::Approvals::AutoApprove
                                                     : runtime::AgentSession::Approvals::AutoDeny;
    o.approvalTimeoutSeconds = static_cast<int>(timeout.value_or(300));
    o.interactive = interactive.value_or(false);
    o.externalAgent = external.value_or(false);
    o.stateStore = m_options.state;
    o.stateAgents = c->who.agents;
    o.sealSnapshot = snapshotSealer(c->who.uid);
    o.restoreHint = QStringLiteral("restore with POST /v1/sessions and \"restore\" naming this session");
    QString restored;
    if (restore) {
        restored = unsealedSnapshot(*c, *restore);
        if (restored.isEmpty())
            return;
        o.restoreFrom = restored;
    }
    o.ownerUid = c->who.uid;
    o.ownerGid = files.gid();
    if (env)
        for (const auto &[k, v] : *env)
            o.extraEnv << qMakePair(q(k), q(v));

    auto session = std::make_unique<runtime::AgentSession>(std::move(o));
    QString error;
    const bool started = session->start(&error);
    if (!restored.isEmpty())
        QFile::remove(restored); // unpacked by start(); nothing plain is kept
    if (!started)
        return c->problem(503, "cannot-start", "the session could not start: " + error.toStdString());

    SessionInfo info;
    info.id = session->id();
    info.owner = c->who.uid;
    info.isolation = QString::fromLatin1(osh::isolationName(isolation).data());
    info.policyFile = policyFile;
    info.policyHash = QString::fromStdString(session->policyHash());
    info.command = session->command();
    info.workspace = workspace ? q(*workspace) : session->workspaceDir();
    info.runDir = session->runDir();
    info.startedAt = AuditStore::now();
    info.pinDir = pinDir;
    info.agent = QString::fromStdString(doc.agentName());
    pinGuard.keep = true;
    const std::string json = info.toJson();
    const QString id = info.id;
    m_sessions->add(std::move(session), std::move(info), std::move(pins));
    if (m_options.store)
        m_options.store->flush(); // the session's record is durable before it is acknowledged
    c->json(201, json, {{"Location", "/v1/sessions/" + id.toStdString()}});
}

namespace {
bool mayRead(const Principal &who, uid_t owner) { return who.uid == 0 || who.uid == owner || who.has(ScopeAudit); }
} // namespace

void ApiService::listSessions(const std::shared_ptr<Call> &c)
{
    std::string out = "{\"sessions\":[";
    bool first = true;
    for (const auto *e : m_sessions->all()) {
        const SessionInfo &i = m_sessions->info(e);
        if (!mayRead(c->who, i.owner)
            || (!c->who.agents.empty()
                && std::find(c->who.agents.begin(), c->who.agents.end(), i.agent.toStdString()) == c->who.agents.end()))
            continue;
        out += first ? "" : ",";
        first = false;
        out += i.toJson();
    }
    out += "]}";
    c->json(200, out);
}

SessionRegistry::Entry *ApiService::Call::sessionOr404(SessionRegistry &reg, bool write)
{
    const std::string &id = captures.at(0);
    SessionRegistry::Entry *e = plausibleId(id) ? reg.find(q(id)) : nullptr;
    // Someone else's session is "not found", not "forbidden": ids are not
    // disclosed. A token limited to some agents acts in their sessions only
    // (their state is reached through the session's gateway).
    const bool otherAgent = e && !who.agents.empty()
        && std::find(who.agents.begin(), who.agents.end(), reg.info(e).agent.toStdString()) == who.agents.end();
    if (!e || otherAgent || (write ? !(who.uid == 0 || who.uid == reg.info(e).owner || who.has(ScopeAdmin)) : !mayRead(who, reg.info(e).owner))) {
        problem(404, "not-found", "no session " + id.substr(0, 64), "id");
        return nullptr;
    }
    return e;
}

void ApiService::getSession(const std::shared_ptr<Call> &c)
{
    if (auto *e = c->sessionOr404(*m_sessions, false))
        c->json(200, m_sessions->info(e).toJson());
}

void ApiService::endSession(const std::shared_ptr<Call> &c)
{
    auto *e = c->sessionOr404(*m_sessions, true);
    if (!e)
        return;
    if (!m_sessions->end(e))
        return c->problem(409, "conflict", "the session is " + m_sessions->info(e).state.toStdString());
    c->json(202, m_sessions->info(e).toJson());
}

void ApiService::exec(const std::shared_ptr<Call> &c)
{
    auto *e = c->sessionOr404(*m_sessions, true);
    if (!e)
        return;
    const auto body = c->body();
    if (!body)
        return;
    Fields f(*c, *body, {"argv", "stdin", "timeout_seconds"});
    const auto argv = f.reqStringList("argv", 1, 256);
    const auto input = f.optString("stdin");
    const auto timeout = f.optNumber("timeout_seconds", 0.001, 600);
    if (f.failed())
        return;
    if (m_sessions->info(e).state != QLatin1StringView("running"))
        return c->problem(409, "conflict", "the session is " + m_sessions->info(e).state.toStdString());
    QStringList args;
    for (const auto &a : *argv)
        args << q(a);
    m_sessions->session(e)->exec(args, input ? QByteArray::fromStdString(*input) : QByteArray(), timeout.value_or(60),
                                 [c](const runtime::ExecResult &r) {
                                     const QJsonObject decision{{QStringLiteral("outcome"), r.outcome},
                                                                {QStringLiteral("layer"), r.layer.isEmpty() ? QJsonValue() : QJsonValue(r.layer)},
                                                                {QStringLiteral("policy"), r.policy.isEmpty() ? QJsonValue() : QJsonValue(r.policy)},
                                                                {QStringLiteral("message"), r.message}};
                                     if (r.refused)
                                         return c->problem(403, "action-refused", "refused by the policy: " + r.message.toStdString(), {},
                                                           {{"decision", compact(decision)}});
                                     if (!r.started)
                                         return c->problem(503, "cannot-start", "the command could not start: " + r.error.toStdString());
                                     c->json(200, compact({{QStringLiteral("exit_code"), r.timedOut ? QJsonValue() : QJsonValue(r.exitCode)},
                                                           {QStringLiteral("stdout"), QString::fromUtf8(r.stdoutData)},
                                                           {QStringLiteral("stderr"), QString::fromUtf8(r.stderrData)},
                                                           {QStringLiteral("timed_out"), r.timedOut},
                                                           {QStringLiteral("truncated"), r.truncated},
                                                           {QStringLiteral("decision"), decision}}));
                                 });
}

void ApiService::stdinData(const std::shared_ptr<Call> &c)
{
    auto *e = c->sessionOr404(*m_sessions, true);
    if (!e)
        return;
    const auto body = c->body();
    if (!body)
        return;
    Fields f(*c, *body, {"data", "eof"});
    const auto data = f.reqString("data");
    const auto eof = f.optBool("eof");
    if (f.failed())
        return;
    if (m_sessions->info(e).state != QLatin1StringView("running"))
        return c->problem(409, "conflict", "the session is " + m_sessions->info(e).state.toStdString());
    QString error;
    if (!m_sessions->session(e)->writeStdin(QByteArray::fromStdString(*data), eof.value_or(false), &error))
        return c->problem(409, "conflict", error.toStdString());
    c->empty(204);
}

void ApiService::events(const std::shared_ptr<Call> &c)
{
    auto *e = c->sessionOr404(*m_sessions, false);
    if (!e)
        return;
    std::int64_t after = 0;
    if (const auto a = c->queryInt("after", 0, std::numeric_limits<std::int64_t>::max()); !c->answered())
        after = a.value_or(0);
    else
        return;
    if (const std::string *last = c->request().header("last-event-id"))
        after = std::max<std::int64_t>(after, std::atoll(last->c_str()));
    auto stream = c->exchange()->openStream({});
    if (stream)
        m_sessions->subscribe(e, after, std::move(stream));
}

} // namespace osh::service
