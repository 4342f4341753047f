// Routes for clients that are the agent themselves (the Python SDK): the
// session's tool gateway relayed (POST /v1/sessions/{id}/gateway) and the
// agents' state (/v1/state).

#include "apicall.h"
#include "apiinternal.h"
#include "gatewaylink.h"
#include "sealedfile.h"
#include "statestore.h"

#include "gateway/gatewayresults.h"
#include "session/agentsession.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QPointer>
#include <QRandomGenerator>
#include <QThreadPool>

#include <openssl/crypto.h>

#include <limits>

namespace osh::service {

namespace {

// The gateway's methods a client may relay: what the agent itself may ask.
bool relayable(const std::string &method)
{
    static const char *const methods[] = {"tools/list",          "tools/call",          "openshell/respond",
                                          "openshell/usage",     "openshell/reasoning", "openshell/file",
                                          "openshell/decide",    "openshell/output",    "openshell/state/get",
                                          "openshell/state/put", "openshell/state/delete", "openshell/state/keys"};
    return std::any_of(std::begin(methods), std::end(methods), [&](const char *m) { return method == m; });
}

} // namespace

void ApiService::gatewayCall(const std::shared_ptr<Call> &c)
{
    auto *e = c->sessionOr404(*m_sessions, true);
    if (!e)
        return;
    const auto body = c->body();
    if (!body)
        return;
    Fields f(*c, *body, {"method", "params"});
    const auto method = f.reqString("method");
    if (f.failed())
        return;
    const QJsonValue params = body->value(QStringLiteral("params"));
    if (!params.isUndefined() && !params.isObject())
        return c->problem(400, "invalid-field", "params must be an object", "params");
    if (!relayable(*method))
        return c->problem(400, "invalid-field",
                          "'" + method->substr(0, 64)
                              + "' is not a gateway method a client may call (tools/list, tools/call, openshell/respond, "
                                "openshell/usage, openshell/reasoning, openshell/file, openshell/decide, openshell/output, "
                                "openshell/state/get|put|delete|keys)",
                          "method");
    if (m_sessions->info(e).state != QLatin1StringView("running"))
        return c->problem(409, "conflict", "the session is " + m_sessions->info(e).state.toStdString());
    const QString id = m_sessions->info(e).id;
    GatewayLink *&link = m_links[id];
    if (!link)
        link = new GatewayLink(
            [session = QPointer<runtime::AgentSession>(m_sessions->session(e))](QString *why) {
                if (!session) {
                    *why = QStringLiteral("the session ended");
                    return -1;
                }
                return session->openGatewayChannel(why);
            },
            this);
    const bool sent = link->call(q(*method), params.toObject(), [c](const QJsonObject &reply, const QString &error) {
        if (!error.isEmpty())
            return c->problem(503, "unavailable", error.toStdString());
        c->json(200, compact(reply));
    });
    if (!sent)
        c->problem(429, "rate-limited",
                   std::to_string(GatewayLink::kMaxPending) + " gateway calls of this session are already in progress", {}, {},
                   {{"Retry-After", "1"}});
}

// On a worker: the store is thread-safe and may touch the disk.
void ApiService::stateCall(const std::shared_ptr<Call> &c)
{
    using Status = runtime::AgentStateStore::Status;
    if (!m_options.state)
        return c->problem(503, "unavailable", "this service keeps no agent state (it could not open its state store)");
    const std::string &agent = c->captures.at(0);
    if (!PolicyDocument::isAgentName(agent))
        return c->problem(400, "invalid-field", "an agent's name matches [a-z0-9][a-z0-9_-]* (at most 64 characters)", "agent");
    runtime::StateCaller caller;
    caller.uid = c->who.uid;
    caller.root = c->who.uid == 0 || c->who.has(ScopeAdmin);
    caller.agents = c->who.agents;
    // Every user has their own stores; root and admin may name another's.
    if (const auto owner = c->queryInt("owner", 0, std::numeric_limits<std::uint32_t>::max() - 1); owner)
        caller.owner = static_cast<uid_t>(*owner);
    if (c->answered())
        return;
    runtime::AgentStateStore::Result r;
    if (c->route == RStateKeys) {
        const auto prefix = c->queryString("prefix");
        if (c->answered())
            return;
        r = m_options.state->keys(agent, prefix.value_or(std::string()), caller);
    } else {
        const std::string &key = c->captures.at(1);
        if (!EncryptedStateStore::validKey(key))
            return c->problem(400, "invalid-field", "a key is 1 to 200 characters of letters, digits and . _ : @ - (not . or .. alone)", "key");
        if (c->route == RStatePut) {
            const auto body = c->body();
            if (!body)
                return;
            Fields f(*c, *body, {"value"});
            if (f.failed())
                return;
            if (!body->contains(QStringLiteral("value")))
                return c->problem(400, "invalid-field", "value is required", "value");
            r = m_options.state->put(agent, key, runtime::jsonValueText(body->value(QStringLiteral("value"))).toStdString(), caller);
        } else if (c->route == RStateDelete) {
            r = m_options.state->remove(agent, key, caller);
        } else {
            r = m_options.state->get(agent, key, caller);
        }
    }
    switch (r.status) {
    case Status::Ok: break;
    case Status::NotFound: return c->problem(404, "not-found", r.message, c->route == RStateKeys ? "agent" : "key");
    case Status::Forbidden:
        return c->problem(403, "forbidden", r.message, caller.owner && *caller.owner != caller.uid ? "owner" : "agent");
    case Status::Invalid: return c->problem(400, "invalid-field", r.message, c->route == RStateKeys ? "prefix" : "key");
    case Status::Full: return c->problem(413, "payload-too-large", r.message, c->route == RStatePut ? "value" : "agent");
    case Status::Error: return c->problem(500, "internal", r.message);
    }
    if (c->route == RStatePut || c->route == RStateDelete)
        return c->empty(204);
    if (c->route == RStateKeys) {
        std::string out = "{\"agent\":";
        appendJsonString(out, agent);
        out += ",\"keys\":[";
        for (std::size_t i = 0; i < r.keys.size(); ++i) {
            if (i)
                out += ',';
            appendJsonString(out, r.keys[i]);
        }
        return c->json(200, out + "]}");
    }
    std::string out = "{\"agent\":";
    appendJsonString(out, agent);
    out += ",\"key\":";
    appendJsonString(out, c->captures.at(1));
    c->json(200, out + ",\"value\":" + r.valueJson + "}");
}

// --- snapshots ----------------------------------------------------------

std::function<QString(const QString &, const QString &, QString *)> ApiService::snapshotSealer(uid_t owner) const
{
    EncryptedStateStore *store = m_options.state;
    if (!store)
        return {};
    return [store, owner](const QString &archive, const QString &name, QString *error) -> QString {
        std::string key, why;
        if (!store->snapshotKey(key, why)) {
            *error = q(why);
            return {};
        }
        const QString sealed = archive + QStringLiteral(".sealed");
        const bool ok = sealFile(key, QFile::encodeName(archive).toStdString(), QFile::encodeName(sealed).toStdString(), owner,
                                 name.toStdString(), &why);
        OPENSSL_cleanse(key.data(), key.size());
        if (!ok) {
            *error = q(why);
            return {};
        }
        QFile::remove(archive);
        return sealed;
    };
}

QString ApiService::snapshotFile(const std::string &name) const
{
    // Names are session ids, or <id>.<n> for one taken during a session.
    const bool plausible = !name.empty() && name.size() <= 80 && name.front() != '.'
        && std::all_of(name.begin(), name.end(), [](char ch) { return std::isalnum(static_cast<unsigned char>(ch)) || ch == '-' || ch == '.'; })
        && name.find("..") == std::string::npos;
    return plausible ? QDir(m_options.dataDir).filePath(QStringLiteral("snapshots/%1.tar.zst.sealed").arg(q(name))) : QString();
}

// A snapshot does not record its agent: a token limited to some agents
// may not restore or delete any (it could reach another agent's files).
static bool agentLimited(ApiService::Call &c, const char *what, const char *field)
{
    if (c.who.agents.empty())
        return false;
    c.problem(403, "forbidden", std::string("a token limited to agents (agent:NAME) cannot ") + what + " snapshots", field);
    return true;
}

QString ApiService::unsealedSnapshot(Call &c, const std::string &name)
{
    if (agentLimited(c, "restore", "restore"))
        return {};
    const QString sealed = snapshotFile(name);
    const auto owner = sealed.isEmpty() ? std::nullopt : sealedOwner(QFile::encodeName(sealed).toStdString());
    // Someone else's snapshot is "none", as their sessions are.
    if (!owner || (c.who.uid != 0 && *owner != c.who.uid)) {
        c.problem(404, "not-found", "no sealed snapshot " + name.substr(0, 80) + " of " + c.who.describe(), "restore");
        return {};
    }
    std::string key, why;
    if (!m_options.state || !m_options.state->snapshotKey(key, why)) {
        c.problem(500, "internal", "the snapshot key cannot be read: " + why);
        return {};
    }
    const QString dir = QDir(m_options.dataDir).filePath(QStringLiteral("restore"));
    QDir().mkpath(dir);
    const QString out = QDir(dir).filePath(QStringLiteral("%1.tar.zst").arg(QRandomGenerator::system()->generate64(), 16, 16, QLatin1Char('0')));
    const bool ok = unsealFile(key, QFile::encodeName(sealed).toStdString(), QFile::encodeName(out).toStdString(), name, &why);
    OPENSSL_cleanse(key.data(), key.size());
    if (!ok) {
        c.problem(422, "invalid-field", why, "restore");
        return {};
    }
    return out;
}

void ApiService::snapshot(const std::shared_ptr<Call> &c)
{
    auto *e = c->sessionOr404(*m_sessions, true);
    if (!e)
        return;
    if (m_sessions->info(e).state != QLatin1StringView("running"))
        return c->problem(409, "conflict", "the session is " + m_sessions->info(e).state.toStdString());
    if (!m_options.state)
        return c->problem(503, "unavailable", "this service cannot seal snapshots (it could not open its state store)");
    const QString id = m_sessions->info(e).id;
    // One at a time per session, and a bounded number kept per user: they
    // fill the service's disk, not the user's.
    if (m_snapshotting.contains(id))
        return c->problem(429, "rate-limited", "a snapshot of this session is already being taken", {}, {}, {{"Retry-After", "5"}});
    const uid_t owner = m_sessions->info(e).owner;
    int kept = 0;
    for (const QFileInfo &f : QDir(QDir(m_options.dataDir).filePath(QStringLiteral("snapshots")))
                                  .entryInfoList({QStringLiteral("*.sealed")}, QDir::Files))
        kept += sealedOwner(QFile::encodeName(f.filePath()).toStdString()) == owner ? 1 : 0;
    if (kept >= kMaxSnapshotsPerUser)
        return c->problem(429, "rate-limited",
                          "uid " + std::to_string(owner) + " keeps " + std::to_string(kept)
                              + " snapshots; delete some first (DELETE /v1/snapshots/{name})");
    m_snapshotting.insert(id);
    const runtime::AgentSession::SnapshotJob job = m_sessions->session(e)->snapshotJob();
    // Archiving and sealing read the whole workspace: on a pool of their own,
    // so they never hold up audit reads, approvals or policy checks. The
    // session is looked up again afterwards: it may have ended meanwhile.
    m_snapshotPool->start([this, c, job, id] {
        QString error;
        const QString path = job.run(&error);
        const qint64 bytes = path.isEmpty() ? 0 : QFileInfo(path).size();
        QMetaObject::invokeMethod(this, [this, c, job, id, path, error, bytes] {
            m_snapshotting.remove(id);
            if (auto *entry = m_sessions->find(id); entry && m_sessions->session(entry))
                m_sessions->session(entry)->noteSnapshot(path, error);
            if (path.isEmpty())
                return c->problem(500, "internal", "the snapshot failed: " + error.toStdString());
            std::string out = "{\"snapshot\":";
            appendJsonString(out, job.name.toStdString());
            out += ",\"session\":";
            appendJsonString(out, id.toStdString());
            c->json(201, out + ",\"bytes\":" + std::to_string(bytes) + ",\"sealed\":true}");
        });
    });
}

void ApiService::deleteSnapshot(const std::shared_ptr<Call> &c)
{
    if (agentLimited(*c, "delete", "name"))
        return;
    const std::string &name = c->captures.at(0);
    const QString sealed = snapshotFile(name);
    const auto owner = sealed.isEmpty() ? std::nullopt : sealedOwner(QFile::encodeName(sealed).toStdString());
    if (!owner || (c->who.uid != 0 && !c->who.has(ScopeAdmin) && *owner != c->who.uid))
        return c->problem(404, "not-found", "no sealed snapshot " + name.substr(0, 80) + " of " + c->who.describe(), "name");
    if (!QFile::remove(sealed))
        return c->problem(500, "internal", "cannot remove the snapshot " + name);
    c->empty(204);
}

} // namespace osh::service
