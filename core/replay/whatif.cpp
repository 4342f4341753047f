// What-if replay of a session against another policy (see whatif.h).

#include "whatif.h"

#include "audit/auditstore.h"
#include "model/policyvalidator.h"
#include "pii/piitype.h"
#include "replay/piisurrogate.h"

#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>
#include <cmath>
#include <future>
#include <map>

namespace osh::replay {

namespace {

constexpr std::size_t kChunk = 8192;

bool isDecidedType(std::string_view type)
{
    return type == "tool_call" || type == "data_output" || type == "agent_response" || type == "network_egress"
        || type == "file_access";
}

Outcome outcomeOf(Action a) { return static_cast<Outcome>(static_cast<int>(a) + 1); }

bool proceeds(Outcome o) { return o == Outcome::Allow || o == Outcome::Log; }

// "[REDACTED:email]" markers replaced by surrogates of their type, so a
// PII-driven condition still sees PII of that type in an old event.
std::string unredact(std::string_view text)
{
    static constexpr std::string_view kOpen = "[REDACTED:";
    std::string out;
    out.reserve(text.size());
    std::array<int, pii::kPiiTypeCount> next{};
    std::size_t at = 0;
    for (;;) {
        const auto p = text.find(kOpen, at);
        if (p == std::string_view::npos)
            break;
        const auto close = text.find(']', p + kOpen.size());
        if (close == std::string_view::npos)
            break;
        const auto type = pii::typeFromName(text.substr(p + kOpen.size(), close - p - kOpen.size()));
        out.append(text.substr(at, (type ? p : close + 1) - at));
        if (type)
            out += piiSurrogate(*type, next[static_cast<std::size_t>(*type)]++);
        at = close + 1;
    }
    out.append(text.substr(at));
    return out;
}

// One row to replay, copied out of the scan.
struct Pending
{
    std::int64_t seq = 0;
    double ts = 0;
    Outcome before = Outcome::None;
    std::string policyBefore;
    std::string request; // eval format
    Approximation approximation = Approximation::Exact;
    std::string why; // not rebuildable when request is empty
    // A usage report (not a decision): its cost joins the session's total
    // in recorded order, as the gateway added it, so cost conditions replay.
    std::optional<double> usageCost;
};

// The cost of a recorded usage report ({"cost": 0.25, ...}); nullopt when
// it carries none.
std::optional<double> usageCost(std::string_view parameters)
{
    const QJsonObject p = QJsonDocument::fromJson(QByteArray(parameters.data(), qsizetype(parameters.size()))).object();
    const QJsonValue cost = p.value(QStringLiteral("cost"));
    if (!cost.isDouble() || !(cost.toDouble() >= 0) || !std::isfinite(cost.toDouble()))
        return std::nullopt;
    return cost.toDouble();
}

struct Parsed
{
    std::optional<Request> request;
    std::string error;
};

void parseRange(const std::vector<Pending> &chunk, std::vector<Parsed> &out, std::size_t from, std::size_t to)
{
    for (std::size_t i = from; i < to; ++i)
        if (!chunk[i].request.empty())
            out[i].request = Request::fromJson(chunk[i].request, out[i].error);
}

// Parsing costs more than deciding, so a chunk is parsed by two threads
// (halves) while the calling thread decides the previous chunk.
std::vector<Parsed> parseChunk(const std::vector<Pending> &chunk)
{
    std::vector<Parsed> out(chunk.size());
    const std::size_t half = chunk.size() / 2;
    auto other = std::async(std::launch::async, [&] { parseRange(chunk, out, half, chunk.size()); });
    parseRange(chunk, out, 0, half);
    other.get();
    return out;
}

// Decides a chunk in order and appends the results.
class Replayer
{
public:
    // What-if keeps each decision's outcome and policy only: the engine
    // decides without a trace.
    Replayer(const DecisionEngine &engine, const std::string &sessionId, WhatIfResult &result)
        : m_engine(untraced(engine)), m_state(sessionId), m_result(result)
    {
        m_result.sessionId = sessionId;
    }

    void decide(const std::vector<Pending> &chunk, std::vector<Parsed> &parsed)
    {
        for (std::size_t i = 0; i < chunk.size(); ++i) {
            const auto &p = chunk[i];
            if (p.usageCost) {
                m_state.addCost(*p.usageCost);
                continue;
            }
            auto &req = parsed[i].request;
            if (!req) {
                m_result.unreplayable.emplace_back(
                    p.seq, p.request.empty() ? p.why : "the recorded request does not parse: " + parsed[i].error);
                continue;
            }
            // No ts is filled in: a request decided without one (an imported
            // line) must be replayed without one too.
            const Decision d = m_engine.decide(*req, m_state);
            WhatIfAction a;
            a.seq = p.seq;
            a.ts = p.ts; // when it was recorded (a request's own ts may count from the session's start)
            a.before = p.before;
            a.after = outcomeOf(d.outcome);
            a.policyBefore = m_result.policies.intern(p.policyBefore);
            a.policyAfter = m_result.policies.intern(d.policy);
            a.approximation = p.approximation;
            a.approximate = p.approximation != Approximation::Exact;
            if (a.approximate)
                ++m_result.approximate;
            if (m_result.isChanged(a))
                m_result.changed.push_back(static_cast<std::uint32_t>(m_result.actions.size()));
            m_result.actions.push_back(a);
        }
    }

private:
    static DecisionEngine untraced(const DecisionEngine &engine)
    {
        auto options = engine.options();
        options.trace = TraceLevel::None;
        return engine.withOptions(options);
    }

    const DecisionEngine m_engine;
    SessionState m_state;
    WhatIfResult &m_result;
};

// Runs the scan's chunks through a parse thread and the deciding thread.
class Pipeline
{
public:
    explicit Pipeline(Replayer &r) : m_replayer(r) {}
    ~Pipeline() { drain(); }

    void add(Pending p)
    {
        m_current.push_back(std::move(p));
        if (m_current.size() >= kChunk)
            submit();
    }
    void finish()
    {
        if (!m_current.empty())
            submit();
        drain();
    }

private:
    void submit()
    {
        drain();
        m_inFlight = std::move(m_current);
        m_current = {};
        m_current.reserve(kChunk);
        m_future = std::async(std::launch::async, [this] { return parseChunk(m_inFlight); });
    }
    void drain()
    {
        if (!m_future.valid())
            return;
        auto parsed = m_future.get();
        m_replayer.decide(m_inFlight, parsed);
        m_inFlight.clear();
    }

    Replayer &m_replayer;
    std::vector<Pending> m_current;
    std::vector<Pending> m_inFlight;
    std::future<std::vector<Parsed>> m_future;
};

std::shared_ptr<const PolicyDocument> checked(LoadResult loaded, std::string &error)
{
    if (!loaded.document || hasErrors(loaded.diagnostics)) {
        error.clear();
        for (const auto &d : loaded.diagnostics)
            if (d.severity == Severity::Error)
                error += (error.empty() ? "" : "\n") + d.format();
        if (error.empty())
            error = "the policy could not be loaded";
        return nullptr;
    }
    return loaded.document;
}

} // namespace

std::string transitionLabel(Outcome before, Outcome after)
{
    switch (after) {
    case Outcome::Block: return "would now be blocked";
    case Outcome::Redact: return "would now be redacted";
    case Outcome::Escalate: return "would now be escalated";
    case Outcome::Throttle: return "would now be throttled";
    default: break;
    }
    if (proceeds(after)) {
        switch (before) {
        case Outcome::Block: return "no longer blocked";
        case Outcome::Redact: return "no longer redacted";
        case Outcome::Escalate: return "no longer escalated";
        case Outcome::Throttle: return "no longer throttled";
        case Outcome::Allow: return "would now be logged";
        case Outcome::Log: return "no longer logged";
        case Outcome::None: return after == Outcome::Allow ? "would be allowed" : "would be logged";
        default: break;
        }
    }
    return std::string(outcomeName(before)) + " -> " + std::string(outcomeName(after));
}

std::vector<WhatIfTransition> WhatIfResult::transitions() const
{
    std::map<std::pair<Outcome, Outcome>, WhatIfTransition> groups;
    for (const auto i : changed) {
        const auto &a = actions[i];
        auto &g = groups[{a.before, a.after}];
        if (g.seqs.empty()) {
            g.before = a.before;
            g.after = a.after;
            g.label = a.before == a.after ? std::string("decided by another policy") : transitionLabel(a.before, a.after);
        }
        g.seqs.push_back(a.seq);
    }
    std::vector<WhatIfTransition> out;
    for (auto &[k, g] : groups)
        out.push_back(std::move(g));
    std::stable_sort(out.begin(), out.end(),
                     [](const WhatIfTransition &a, const WhatIfTransition &b) { return a.seqs.size() > b.seqs.size(); });
    return out;
}

std::string WhatIfResult::summaryText() const
{
    if (changed.empty())
        return "no decision would change";
    // One clause per label (two transitions can share one: allow->block and
    // log->block are both "would now be blocked").
    std::vector<std::pair<std::string, std::size_t>> clauses;
    for (const auto &t : transitions()) {
        auto it = std::find_if(clauses.begin(), clauses.end(), [&](const auto &c) { return c.first == t.label; });
        if (it == clauses.end())
            clauses.emplace_back(t.label, t.seqs.size());
        else
            it->second += t.seqs.size();
    }
    std::string s;
    for (std::size_t i = 0; i < clauses.size(); ++i) {
        const auto n = clauses[i].second;
        if (i)
            s += ", ";
        s += std::to_string(n);
        if (i == 0)
            s += n == 1 ? " action" : " actions";
        s += " " + clauses[i].first;
    }
    return s;
}

std::shared_ptr<const PolicyDocument> WhatIf::policyFromText(std::string_view text, const std::string &name,
                                                             std::string &error)
{
    ValidationOptions opt;
    opt.checkFiles = false;
    opt.checkHostBinaries = false;
    return checked(PolicyValidator::checkText(text, name, opt), error);
}

std::shared_ptr<const PolicyDocument> WhatIf::policyFromFile(const std::string &path, std::string &error)
{
    ValidationOptions opt;
    opt.checkFiles = false;
    opt.checkHostBinaries = false;
    return checked(PolicyValidator::checkFile(path, opt), error);
}

std::shared_ptr<const PolicyDocument> WhatIf::policyAtRevision(const RevisionReader &reader, const std::string &path,
                                                               const std::string &revision, std::string &error)
{
    if (!reader) {
        error = "reading a policy at a revision is not available in this build";
        return nullptr;
    }
    const auto text = reader(path, revision, error);
    if (!text)
        return nullptr;
    return policyFromText(*text, path + "@" + revision, error);
}

std::optional<std::string> WhatIf::approximateRequest(std::string_view type, std::string_view tool,
                                                      std::string_view parameters, double ts, std::string &why)
{
    if (audit::AuditLimits::isTruncatedJson(parameters)) {
        why = "its parameters were too large to be stored whole";
        return std::nullopt;
    }
    const std::string params = unredact(parameters);
    QJsonParseError perr;
    const auto doc = QJsonDocument::fromJson(QByteArray::fromStdString(params), &perr);
    if (!doc.isObject()) {
        why = "its recorded parameters are not a JSON object";
        return std::nullopt;
    }
    const QJsonObject p = doc.object();
    QJsonObject r;
    r.insert(QStringLiteral("trigger"), QString::fromUtf8(type.data(), static_cast<qsizetype>(type.size())));
    r.insert(QStringLiteral("ts"), ts);
    const QString toolName = QString::fromUtf8(tool.data(), static_cast<qsizetype>(tool.size()));
    auto text = [&p](const char *key) { return p.value(QLatin1StringView(key)); };
    if (type == "tool_call") {
        if (tool.empty()) {
            why = "the tool call has no tool name";
            return std::nullopt;
        }
        r.insert(QStringLiteral("tool"), QJsonObject{{QStringLiteral("name"), toolName}, {QStringLiteral("args"), p}});
    } else if (type == "agent_response") {
        if (!text("text").isString()) {
            why = "the response text was not recorded";
            return std::nullopt;
        }
        r.insert(QStringLiteral("response"), text("text"));
    } else if (type == "data_output") {
        // The gateway records {"text": ...}; the network guardian, for a
        // response it read, the request as decided ({"output": ...}).
        const QJsonValue out = text("text").isString() ? text("text") : text("output");
        if (!out.isString()) {
            why = "the output was not recorded (only its decision)";
            return std::nullopt;
        }
        r.insert(QStringLiteral("output"), out);
        if (!tool.empty())
            r.insert(QStringLiteral("tool"), QJsonObject{{QStringLiteral("name"), toolName}});
    } else if (type == "file_access") {
        if (!text("path").isString() || !text("operation").isString()) {
            why = "the file operation was not recorded";
            return std::nullopt;
        }
        QJsonObject f{{QStringLiteral("path"), text("path")}, {QStringLiteral("operation"), text("operation")}};
        if (text("bytes").isDouble())
            f.insert(QStringLiteral("size"), text("bytes"));
        r.insert(QStringLiteral("file"), f);
    } else if (type == "network_egress") {
        // The network guardian records the request itself as the parameters.
        if (p.value(QStringLiteral("trigger")).toString() != QLatin1StringView("network_egress")) {
            why = "no request was recorded for it (a connection cut by the runtime is not a decision)";
            return std::nullopt;
        }
        r = p;
        if (!r.contains(QStringLiteral("ts")))
            r.insert(QStringLiteral("ts"), ts);
    } else {
        why = "'" + std::string(type) + "' is not a decided action";
        return std::nullopt;
    }
    return QJsonDocument(r).toJson(QJsonDocument::Compact).toStdString();
}

std::optional<WhatIfResult> WhatIf::run(const AuditStore &store, const std::string &sessionId,
                                        const DecisionEngine &engine, std::string &error)
{
    WhatIfResult result;
    Replayer replayer(engine, sessionId, result);
    Pipeline pipeline(replayer);
    std::string err;
    bool any = false;
    const bool ok = store.scanSession(
        sessionId, AuditColumns::Request | AuditColumns::Parameters,
        [&](const AuditRowView &r) {
            any = true;
            if (r.type == "usage") {
                if (const auto cost = usageCost(r.parameters)) {
                    Pending p;
                    p.seq = r.seq;
                    p.usageCost = cost;
                    pipeline.add(std::move(p));
                }
                return true;
            }
            // Decided actions, and imported actions recorded without a decision.
            if (!isDecidedType(r.type) || (r.decision.empty() && !r.hasRequest))
                return true;
            Pending p;
            p.seq = r.seq;
            p.ts = r.ts;
            p.before = outcomeFromName(r.decision).value_or(Outcome::None);
            p.policyBefore = std::string(r.policy);
            if (r.hasRequest && audit::AuditLimits::isTruncatedJson(r.request)) {
                p.why = "its request was too large to be stored whole";
            } else if (r.hasRequest) {
                p.request = std::string(r.request);
            } else if (auto req = approximateRequest(r.type, r.tool, r.parameters, r.ts, p.why)) {
                p.request = std::move(*req);
                // The guardian's own record is the request as decided; of an
                // inspected HTTP request (it has a method) the audit keeps
                // redacted text, hidden credentials and the first 16 KiB of
                // the body, so conditions on them are approximate.
                if (r.type == "network_egress")
                    p.approximation = r.parameters.find("\"method\":") != std::string_view::npos
                        ? Approximation::InspectedHttp
                        : Approximation::Exact;
                else
                    p.approximation = r.parameters.find("[REDACTED:") != std::string_view::npos
                        ? Approximation::FromRedactedParameters
                        : Approximation::FromParameters;
            }
            pipeline.add(std::move(p));
            return true;
        },
        err);
    pipeline.finish();
    if (!ok) {
        error = "reading the session's events: " + err;
        return std::nullopt;
    }
    if (!any) {
        bool known = false;
        for (const auto &s : store.sessions())
            known = known || s.session.id == sessionId;
        if (!known) {
            error = "no session '" + sessionId + "' in " + store.path();
            return std::nullopt;
        }
    }
    return result;
}

std::optional<WhatIfResult> WhatIf::run(const ReplaySession &session, const DecisionEngine &engine, std::string &error)
{
    if (!session.store()) {
        error = "the session has no store to read its requests from";
        return std::nullopt;
    }
    return run(*session.store(), session.id(), engine, error);
}

WhatIfResult WhatIf::run(const std::vector<WhatIfInput> &inputs, const std::string &sessionId,
                         const DecisionEngine &engine)
{
    WhatIfResult result;
    Replayer replayer(engine, sessionId, result);
    Pipeline pipeline(replayer);
    for (const auto &in : inputs) {
        Pending p;
        p.seq = in.seq;
        p.before = in.before;
        p.policyBefore = in.policyBefore;
        p.request = in.request;
        p.why = "no request";
        pipeline.add(std::move(p));
    }
    pipeline.finish();
    return result;
}

} // namespace osh::replay
