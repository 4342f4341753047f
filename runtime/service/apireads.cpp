// openshelld's read routes and policy checks (worker threads): approvals,
// the audit log, validate, eval and what-if.

#include "apiinternal.h"

#include "audit/auditjson.h"
#include "audit/auditstore.h"
#include "audit/audittime.h"
#include "audit/ocsf.h"
#include "model/yamltree.h"
#include "engine/decisionengine.h"
#include "replay/whatif.h"
#include "session/heldparameters.h"
#include "util/value.h"

#include <QFileInfo>

#include <cerrno>

#include <map>
#include <QJsonArray>

namespace osh::service {

// --- approvals (worker threads) ---------------------------------------------

namespace {

// The host that ran a session of a shared store, looked up by key only when
// an approval is not held here, once per session and request (a listing
// names the same sessions many times). Empty when unknown.
class SessionHosts
{
public:
    explicit SessionHosts(const AuditStore &store) : m_store(store) {}
    const std::string &of(const std::string &sessionId)
    {
        auto it = m_hosts.find(sessionId);
        if (it == m_hosts.end())
            it = m_hosts.emplace(sessionId, m_store.sessionHost(sessionId).value_or(std::string())).first;
        return it->second;
    }

private:
    const AuditStore &m_store;
    std::map<std::string, std::string> m_hosts;
};

// An approval as appendApprovalJson writes it, plus what the caller may know
// of the held action's real parameters (docs/api.md, "Approvals"): they
// exist only in the memory of the process holding the action, and only a
// caller allowed to decide the approval gets them.
void appendApprovalView(std::string &out, const ApprovalRecord &a, bool mayDecide, const AuditStore &store, SessionHosts &hosts)
{
    audit::appendApprovalJson(out, a);
    out.pop_back(); // the closing brace
    std::optional<std::string> real;
    if (a.status == ApprovalStatus::Pending)
        real = runtime::HeldParameters::instance().find(a.sessionId, a.id);
    const char *status = "unavailable";
    std::string heldBy;
    if (real) {
        status = mayDecide ? "available" : "withheld";
        heldBy = store.host();
    } else if (a.status == ApprovalStatus::Pending && !store.host().empty()) {
        // A store shared by several hosts: the host that ran the session holds them.
        heldBy = hosts.of(a.sessionId);
        if (!heldBy.empty() && heldBy != store.host())
            status = "held_elsewhere";
        else
            heldBy.clear();
    }
    out += ",\"real_parameters\":";
    if (real && mayDecide)
        audit::appendEmbeddedJson(out, *real);
    else
        out += "null";
    out += ",\"real_parameters_status\":";
    appendJsonString(out, status);
    out += ",\"parameters_held_by\":";
    if (heldBy.empty())
        out += "null";
    else
        appendJsonString(out, heldBy);
    out += '}';
}

// Approvers and auditors see every queue; others the approvals of their own sessions.
bool seesEveryApproval(const Principal &who) { return who.uid == 0 || who.has(ScopeApprovals) || who.has(ScopeAudit); }

// Whoever may approve and deny (the routes' scope) may see what they decide on.
bool mayDecide(const Principal &who) { return who.has(ScopeApprovals); }

// The {id} of an approval route; a 400 answered and nullopt when it is not a positive number.
std::optional<long long> approvalId(Call &c)
{
    const std::string &idText = c.captures.at(0);
    char *end = nullptr;
    errno = 0;
    const long long id = std::strtoll(idText.c_str(), &end, 10);
    if (idText.empty() || *end != '\0' || id <= 0 || errno == ERANGE) {
        c.problem(400, "invalid-field", "the approval id must be a positive number", "id");
        return std::nullopt;
    }
    return id;
}

} // namespace

void ApiService::listApprovals(const std::shared_ptr<Call> &c)
{
    const auto status = c->queryEnum("status", {"pending", "all"});
    if (c->answered())
        return;
    std::string error;
    const bool all = status && *status == "all";
    std::optional<std::uint32_t> owner;
    if (!seesEveryApproval(c->who))
        owner = c->who.uid;
    const auto items = owner ? (all ? m_options.store->approvalsOwnedBy(*owner, &error) : m_options.store->pendingApprovalsOwnedBy(*owner, &error))
                             : (all ? m_options.store->approvals(&error) : m_options.store->pendingApprovals(&error));
    if (!error.empty())
        return c->problem(500, "internal", "reading the audit store: " + error);
    SessionHosts hosts(*m_options.store);
    const bool decides = mayDecide(c->who);
    c->json(200, jsonList("approvals", items, [&](std::string &out, const ApprovalRecord &a) {
        appendApprovalView(out, a, decides, *m_options.store, hosts);
    }));
}

void ApiService::getApproval(const std::shared_ptr<Call> &c)
{
    const auto parsed = approvalId(*c);
    if (!parsed)
        return;
    const long long id = *parsed;
    std::string error;
    const auto a = m_options.store->approval(id, &error);
    if (!error.empty())
        return c->problem(500, "internal", "reading the audit store: " + error);
    bool visible = a.has_value();
    if (visible && !seesEveryApproval(c->who)) {
        // Others only their own sessions' (as the listing): someone else's is as good as absent.
        const auto owner = m_options.store->approvalOwner(id, &error);
        if (!error.empty())
            return c->problem(500, "internal", "reading the audit store: " + error);
        visible = owner && *owner == static_cast<std::uint32_t>(c->who.uid);
    }
    if (!visible)
        return c->problem(404, "not-found", "no approval " + std::to_string(id), "id");
    SessionHosts hosts(*m_options.store);
    std::string out;
    appendApprovalView(out, *a, mayDecide(c->who), *m_options.store, hosts);
    c->json(200, out);
}

void ApiService::resolveApproval(const std::shared_ptr<Call> &c)
{
    const bool approve = c->route == RApprove;
    const auto parsed = approvalId(*c);
    if (!parsed)
        return;
    const long long id = *parsed;
    const auto body = c->body(true);
    if (!body)
        return;
    Fields f(*c, *body, {"note"});
    const auto note = f.optString("note", 4096);
    if (f.failed())
        return;
    std::string error;
    if (m_options.store->resolveApproval(id, approve, note.value_or(""), c->who.describe(), static_cast<std::uint32_t>(c->who.uid), &error)) {
        if (const auto a = m_options.store->approval(id, &error)) {
            // Decided: the real parameters go now, not at the holder's next poll.
            runtime::HeldParameters::instance().release(a->sessionId, a->id);
            std::string out;
            SessionHosts hosts(*m_options.store);
            appendApprovalView(out, *a, true, *m_options.store, hosts);
            return c->json(200, out);
        }
        return c->empty(204);
    }
    if (!error.empty())
        return c->problem(500, "internal", "writing the audit store: " + error);
    const auto current = m_options.store->approval(id, &error);
    if (!current)
        return c->problem(404, "not-found", "no approval " + std::to_string(id), "id");
    c->problem(409, "conflict", "approval " + std::to_string(id) + " is " + std::string(approvalStatusName(current->status)) + ", not pending");
}

// --- audit (worker threads) --------------------------------------------------

void ApiService::auditEvents(const std::shared_ptr<Call> &c)
{
    static const std::vector<std::string> types = {"tool_call", "data_output", "agent_response", "network_egress", "file_access",
                                                   "reasoning", "usage", "sandbox", "approval", "session", "api", "tool_result",
                                                   "file_result", "state"};
    static const std::vector<std::string> severities = {"debug", "info", "warning", "critical"};
    static const std::vector<std::string> decisions = {"allow", "log", "block", "redact", "throttle", "escalate", "none"};
    // The members of an event as appendEventJson writes them.
    static const std::vector<std::string> fieldNames = {"session_id", "seq", "ts", "type", "tool", "parameters", "decision", "layer",
                                                        "policy", "message", "severity", "trace", "policy_hash", "chain"};
    AuditQuery query;
    const auto since = c->queryString("since");
    const auto until = c->queryString("until");
    const auto session = c->queryString("session");
    const auto tool = c->queryString("tool");
    const auto format = c->queryEnum("format", {"json", "jsonl", "ocsf"});
    const auto limit = c->queryInt("limit", 1, kMaxAuditLimit);
    const auto after = c->queryString("after");
    const auto fields = c->queryList("fields", fieldNames);
    if (const auto t = c->queryList("type", types))
        query.types = *t;
    if (const auto s = c->queryList("severity", severities))
        query.severities = *s;
    if (const auto d = c->queryList("decision", decisions))
        query.decisions = *d;
    if (c->answered())
        return;
    auto time = [&](const std::optional<std::string> &text, const char *name) -> std::optional<double> {
        if (!text)
            return std::nullopt;
        std::string why;
        const auto t = audit::parseSince(*text, AuditStore::now(), why);
        if (!t)
            c->problem(400, "invalid-field", std::string(name) + ": " + why, name);
        return t;
    };
    query.since = time(since, "since");
    query.until = time(until, "until");
    if (c->answered())
        return;
    query.sessionId = session.value_or("");
    query.tool = tool.value_or("");
    query.limit = limit.value_or(1000);
    if (after) {
        if (!AuditCursor::parse(*after))
            return c->problem(400, "invalid-field", "after is not a cursor this service gave", "after");
        query.after = *after;
    }
    if (!(c->who.uid == 0 || c->who.has(ScopeAudit)))
        query.ownerUid = c->who.uid;

    const std::string fmt = format.value_or("json");
    // policy.version: the commit each session's policy came from.
    std::map<std::string, audit::OcsfContext> contexts;
    if (fmt == "ocsf")
        for (const auto &s : m_options.store->sessions())
            contexts[s.session.id].policyCommit = s.session.policyCommit;
    std::string out;
    std::string next;
    std::int64_t n = 0;
    std::string error;
    const bool ok = m_options.store->query(
        query,
        [&](const AuditEvent &e) {
            std::string line;
            if (fmt == "ocsf") {
                const auto it = contexts.find(e.sessionId);
                audit::appendOcsfLines(line, e, it == contexts.end() ? audit::OcsfContext {} : it->second);
                line.pop_back(); // the last newline: added below
            } else {
                audit::appendEventJson(line, e);
            }
            if (fields && fmt != "ocsf") {
                QJsonObject full = QJsonDocument::fromJson(QByteArray::fromStdString(line)).object();
                QJsonObject kept;
                for (const auto &name : *fields) {
                    const QString key = q(name);
                    if (full.contains(key))
                        kept.insert(key, full.value(key));
                }
                line = compact(kept);
            }
            if (fmt == "json")
                out += n ? "," : "";
            out += line;
            if (fmt != "json")
                out += '\n';
            ++n;
            next = AuditCursor::of(e).toString();
            return true;
        },
        error);
    if (!ok)
        return c->problem(500, "internal", "reading the audit store: " + error);
    // A full page may have more after it; a short one is the end.
    if (n < query.limit)
        next.clear();
    if (fmt == "json") {
        std::string body = "{\"events\":[" + out + "],\"next\":";
        if (next.empty())
            body += "null";
        else
            appendJsonString(body, next);
        body += '}';
        return c->json(200, body);
    }
    std::vector<std::pair<std::string, std::string>> headers;
    if (!next.empty())
        headers.emplace_back("OpenShell-Next-Cursor", next);
    c->respond(200, "application/x-ndjson", std::move(out), std::move(headers));
}

void ApiService::auditSessions(const std::shared_ptr<Call> &c)
{
    std::string error;
    std::optional<std::uint32_t> owner;
    if (!(c->who.uid == 0 || c->who.has(ScopeAudit)))
        owner = c->who.uid;
    const auto sessions = owner ? m_options.store->sessionsOwnedBy(*owner, &error) : m_options.store->sessions(&error);
    if (!error.empty())
        return c->problem(500, "internal", "reading the audit store: " + error);
    c->json(200, jsonList("sessions", sessions, audit::appendSessionJson));
}

void ApiService::auditForwarders(const std::shared_ptr<Call> &c)
{
    QJsonArray list;
    const auto statuses = m_options.forwarders ? m_options.forwarders() : std::vector<ForwarderStatus>{};
    for (const auto &s : statuses) {
        QJsonObject o{{QStringLiteral("destination"), q(s.destination)},
                      {QStringLiteral("state"), q(s.state)},
                      {QStringLiteral("cursor"), static_cast<qint64>(s.cursor)},
                      {QStringLiteral("head"), static_cast<qint64>(s.head)},
                      {QStringLiteral("pending"), static_cast<qint64>(s.pending)},
                      {QStringLiteral("lag_seconds"), s.lagSeconds},
                      {QStringLiteral("delivered"), static_cast<qint64>(s.delivered)},
                      {QStringLiteral("failures"), static_cast<qint64>(s.failures)},
                      {QStringLiteral("stand_ins"), static_cast<qint64>(s.standIns)},
                      {QStringLiteral("last_error"), q(s.lastError)},
                      {QStringLiteral("last_delivery"),
                       s.lastDelivery > 0 ? QJsonValue(q(audit::formatIsoUtc(s.lastDelivery))) : QJsonValue()}};
        list.append(o);
    }
    c->json(200, QJsonDocument(QJsonObject{{QStringLiteral("forwarders"), list}}).toJson(QJsonDocument::Compact).toStdString());
}

// --- policies (worker threads) -----------------------------------------------

void ApiService::validatePolicy(const std::shared_ptr<Call> &c)
{
    const auto body = c->body();
    if (!body)
        return;
    Fields f(*c, *body, {"policy_path", "policy_yaml", "policy_name"});
    ClientPolicy policy;
    // Diagnostics are the answer here, not a failure: validate without clientPolicy's 422.
    const auto path = f.optString("policy_path");
    const auto yaml = f.optString("policy_yaml");
    const auto name = f.optString("policy_name");
    if (f.failed())
        return;
    if (path.has_value() == yaml.has_value())
        return c->problem(400, "invalid-field", "give exactly one of policy_path and policy_yaml", path ? "policy_yaml" : "policy_path");
    if (yaml && yaml->size() > kMaxPolicyBytes)
        return c->problem(413, "payload-too-large", "the policy is larger than 1 MiB", "policy_yaml");
    if (path && (path->empty() || path->front() != '/'))
        return c->problem(400, "invalid-field", "policy_path must be an absolute path on the service's host", "policy_path");
    const ClientFiles files(c->who);
    std::string why;
    bool readOk = true;
    LoadResult res;
    if (!files.run(
            [&] {
                std::string text = yaml.value_or("");
                std::string fileName = name.value_or("inline.policy.yaml");
                ValidationOptions opt;
                if (path) {
                    readOk = ClientFiles::readFileHere(*path, kMaxPolicyBytes, text, &why);
                    if (!readOk)
                        return;
                    fileName = *path;
                    opt.baseDir = QFileInfo(q(*path)).absolutePath().toStdString();
                } else {
                    opt.checkFiles = false;
                }
                res = PolicyValidator::checkText(text, fileName, opt);
            },
            &why))
        return c->problem(500, "internal", why);
    if (!readOk)
        return c->problem(403, "forbidden", why, "policy_path");
    // The document as JSON too (the SDK builds its objects from it), with
    // the same parser the runtime uses; null when it does not parse, or
    // when aliases would make it larger than 4 times the 1 MiB a policy may
    // be.
    const std::string document = res.document && res.tree && !res.tree->empty() ? res.tree->toJson(4 * kMaxPolicyBytes) : std::string();
    c->json(200, std::string("{\"valid\":") + (hasErrors(res.diagnostics) || !res.document ? "false" : "true")
                     + ",\"diagnostics\":" + diagnosticsJson(res.diagnostics)
                     + ",\"document\":" + (document.empty() ? std::string("null") : document) + "}");
}

void ApiService::evalPolicy(const std::shared_ptr<Call> &c)
{
    const auto body = c->body();
    if (!body)
        return;
    Fields f(*c, *body, {"policy_path", "policy_yaml", "policy_name", "requests", "trace"});
    const auto trace = f.optEnum("trace", {"full", "decisive", "none"});
    if (f.failed())
        return;
    const QJsonArray requests = body->value(QStringLiteral("requests")).toArray();
    if (!body->value(QStringLiteral("requests")).isArray())
        return c->problem(400, "invalid-field", "requests must be an array of request objects", "requests");
    if (requests.isEmpty() || requests.size() > kMaxEvalRequests)
        return c->problem(400, "invalid-field", "requests must hold 1 to 10000 requests", "requests");
    ClientPolicy policy;
    if (!clientPolicy(*c, f, ClientFiles(c->who), false, policy))
        return;
    DecisionEngine::Options options;
    options.trace = traceLevelFromName(trace.value_or("decisive")).value_or(TraceLevel::Decisive);
    DecisionEngine engine(policy.loaded.document, nullptr, options);
    SessionState state("eval");
    std::string out = "{\"decisions\":[";
    for (qsizetype i = 0; i < requests.size(); ++i) {
        if (!requests[i].isObject())
            return c->problem(400, "invalid-field", "each request must be an object", "requests[" + std::to_string(i) + "]");
        std::string error;
        auto req = Request::fromJson(QJsonDocument(requests[i].toObject()).toJson(QJsonDocument::Compact).toStdString(), error);
        if (!req)
            return c->problem(400, "invalid-field", error, "requests[" + std::to_string(i) + "]");
        if (i)
            out += ',';
        engine.decide(*req, state).appendJson(out);
    }
    out += "]}";
    c->json(200, out);
}

void ApiService::whatIf(const std::shared_ptr<Call> &c)
{
    const auto body = c->body();
    if (!body)
        return;
    Fields f(*c, *body, {"policy_path", "policy_yaml", "policy_name", "session"});
    const auto session = f.reqString("session");
    if (f.failed())
        return;
    ClientPolicy policy;
    if (!clientPolicy(*c, f, ClientFiles(c->who), false, policy))
        return;
    DecisionEngine engine(policy.loaded.document);
    std::string error;
    const auto result = replay::WhatIf::run(*m_options.store, *session, engine, error);
    if (!result) {
        if (error.empty() || error.rfind("no session", 0) == 0)
            return c->problem(404, "not-found", "no session " + session->substr(0, 64) + " in the audit log", "session");
        return c->problem(500, "internal", error);
    }
    // No outcome or no policy is null, as everywhere else in the API.
    auto orNull = [](const std::string &text) { return text.empty() ? QJsonValue() : QJsonValue(QString::fromStdString(text)); };
    QJsonArray changed;
    for (const auto i : result->changed) {
        const auto &a = result->actions[i];
        changed.append(QJsonObject{{QStringLiteral("seq"), static_cast<qint64>(a.seq)},
                                   {QStringLiteral("before"), orNull(std::string(replay::outcomeName(a.before)))},
                                   {QStringLiteral("after"), orNull(std::string(replay::outcomeName(a.after)))},
                                   {QStringLiteral("policy_before"), orNull(result->policies.name(a.policyBefore))},
                                   {QStringLiteral("policy_after"), orNull(result->policies.name(a.policyAfter))},
                                   {QStringLiteral("approximate"), a.approximate}});
    }
    QJsonArray transitions;
    for (const auto &t : result->transitions())
        transitions.append(QJsonObject{{QStringLiteral("before"), orNull(std::string(replay::outcomeName(t.before)))},
                                       {QStringLiteral("after"), orNull(std::string(replay::outcomeName(t.after)))},
                                       {QStringLiteral("label"), q(t.label)},
                                       {QStringLiteral("count"), static_cast<qint64>(t.seqs.size())}});
    c->json(200, compact({{QStringLiteral("session"), q(result->sessionId)},
                          {QStringLiteral("total"), static_cast<qint64>(result->actions.size())},
                          {QStringLiteral("changed"), static_cast<qint64>(result->changed.size())},
                          {QStringLiteral("approximate"), static_cast<qint64>(result->approximate)},
                          {QStringLiteral("unreplayable"), static_cast<qint64>(result->unreplayable.size())},
                          {QStringLiteral("summary"), q(result->summaryText())},
                          {QStringLiteral("transitions"), transitions},
                          {QStringLiteral("actions"), changed}}));
}

} // namespace osh::service
