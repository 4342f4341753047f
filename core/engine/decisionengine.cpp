#include "decisionengine.h"

#include "pii/piivalue.h"
#include "pii/safetyscorer.h"

#include <algorithm>
#include <cmath>
#include <exception>

namespace osh {

namespace {

class RequestContext final : public cond::EvalContext
{
public:
    RequestContext(const Request &r, const pii::SafetyScorer *s) : m_r(r), m_s(s) {}
    const Value &variable(Var v) const override { return m_r.get(v); }
    const pii::SafetyScorer *safetyScorer() const override { return m_s; }

private:
    const Request &m_r;
    const pii::SafetyScorer *m_s;
};

pii::PiiTypeSet piiSetOf(const Policy &p)
{
    if (!p.piiTypes)
        return pii::PiiTypeSet::all();
    pii::PiiTypeSet s;
    for (const auto &name : *p.piiTypes)
        if (auto t = pii::typeFromName(name))
            s.add(*t);
    return s;
}

TraceEntry layerEntry(Layer l, bool allowed, std::string detail, int rule = -1)
{
    TraceEntry t;
    t.layer = l;
    t.allowed = allowed;
    t.detail = std::move(detail);
    t.rule = rule;
    return t;
}

void blockBy(Decision &d, Layer l, const std::string &reason)
{
    d.outcome = Action::Block;
    d.layer = l;
    d.message = reason;
    d.logLevel = LogLevel::Warning;
}

} // namespace

DecisionEngine::DecisionEngine(std::shared_ptr<const PolicyDocument> doc, const pii::SafetyScorer *scorer)
    : DecisionEngine(std::move(doc), scorer, Options {})
{ }

DecisionEngine::DecisionEngine(std::shared_ptr<const PolicyDocument> doc, const pii::SafetyScorer *scorer,
                               Options options)
    : m_doc(std::move(doc))
    , m_scorer(scorer ? scorer : &pii::defaultSafetyScorer())
    , m_options(options)
    , m_network(m_doc->network)
    , m_filesystem(m_doc->filesystem)
{
    auto compiled = std::make_shared<Compiled>();
    compiled->doc = m_doc;
    for (std::size_t i = 0; i < m_doc->policies.size(); ++i) {
        const Policy &p = m_doc->policies[i];
        std::vector<cond::ConditionDiagnostic> diags;
        const auto set = piiSetOf(p);
        auto c = cond::Condition::compile(p.condition, p.trigger, set, diags);
        if (!c.isValid())
            m_invalid.push_back(p.name);
        // Block, escalate and redact count an evaluation error as a match.
        const bool failsClosed
            = p.action == Action::Block || p.action == Action::Escalate || p.action == Action::Redact;
        const auto vars = c.variables();
        const bool readsAddress = std::find(vars.begin(), vars.end(), Var::DestinationIp) != vars.end()
            || std::find(vars.begin(), vars.end(), Var::DestinationRegion) != vars.end();
        const bool readsContent = std::any_of(vars.begin(), vars.end(), [](Var v) { return isContentVar(v); });
        compiled->byTrigger[static_cast<std::size_t>(p.trigger)].push_back({static_cast<int>(i), failsClosed,
            readsAddress, readsContent, set, std::string_view(p.name), std::move(c)});
    }
    buildIndex(*compiled);
    m_compiled = std::move(compiled);
}

namespace {

// Variables a pin may index by: known before the policies run. The address
// (known only after DNS) and an inspected request's own variables (known only
// per request) are read as null by the refusals decided before them, which
// must not skip a policy that pins them.
bool indexable(Var v)
{
    return v != Var::DestinationIp && v != Var::DestinationRegion && !isContentVar(v);
}

// The int key a number compares equal to, when it has one (see cond::IndexPin).
std::optional<std::int64_t> intKey(const Value &v)
{
    if (v.isInt())
        return v.toInt();
    const double d = v.toNumber();
    if (v.isFloat() && std::isfinite(d) && std::trunc(d) == d && std::fabs(d) <= 9007199254740992.0)
        return static_cast<std::int64_t>(d);
    return std::nullopt;
}

} // namespace

void DecisionEngine::buildIndex(Compiled &c) const
{
    for (std::size_t t = 0; t < kTriggerCount; ++t) {
        const auto &policies = c.byTrigger[t];
        TriggerIndex &ix = c.index[t];
        ix.pinnedBy.assign(policies.size(), -1);
        for (std::uint32_t pos = 0; pos < policies.size(); ++pos) {
            const cond::IndexPin *pin = nullptr;
            for (const auto &candidate : policies[pos].condition.indexPins())
                if (indexable(candidate.var)) {
                    pin = &candidate;
                    break;
                }
            if (!pin) {
                ix.always.push_back(pos);
                continue;
            }
            auto it = std::find_if(ix.vars.begin(), ix.vars.end(), [&](const VarIndex &v) { return v.var == pin->var; });
            if (it == ix.vars.end()) {
                ix.vars.emplace_back().var = pin->var;
                it = ix.vars.end() - 1;
            }
            ix.pinnedBy[pos] = static_cast<std::int8_t>(it - ix.vars.begin());
            for (const auto &key : pin->keys) {
                Positions &at = key.isString() ? it->strings[key.toString()] : it->ints[key.toInt()];
                at.push_back(pos);
            }
        }
        for (std::size_t vi = 0; vi < ix.vars.size(); ++vi) {
            auto &before = ix.vars[vi].before;
            before.assign(policies.size() + 1, 0);
            for (std::size_t pos = 0; pos < policies.size(); ++pos)
                before[pos + 1] = before[pos] + (ix.pinnedBy[pos] == static_cast<std::int8_t>(vi) ? 1 : 0);
        }
    }
}

const DecisionEngine::Positions *DecisionEngine::VarIndex::lookup(const Value &v) const
{
    if (v.isString()) {
        const auto it = strings.find(std::string_view(v.toString()));
        return it == strings.end() ? nullptr : &it->second;
    }
    if (!v.isNumber())
        return nullptr;
    const auto key = intKey(v);
    if (!key)
        return nullptr;
    const auto it = ints.find(*key);
    return it == ints.end() ? nullptr : &it->second;
}

std::optional<Var> DecisionEngine::indexedBy(int policyIndex) const
{
    if (!m_options.indexed || policyIndex < 0 || static_cast<std::size_t>(policyIndex) >= m_doc->policies.size())
        return std::nullopt;
    const auto t = static_cast<std::size_t>(m_doc->policies[static_cast<std::size_t>(policyIndex)].trigger);
    const auto &policies = m_compiled->byTrigger[t];
    for (std::size_t pos = 0; pos < policies.size(); ++pos)
        if (policies[pos].index == policyIndex) {
            const auto by = m_compiled->index[t].pinnedBy[pos];
            if (by < 0)
                return std::nullopt;
            return m_compiled->index[t].vars[static_cast<std::size_t>(by)].var;
        }
    return std::nullopt;
}

void DecisionEngine::traceSkipped(const TriggerIndex &ix, const std::vector<CompiledPolicy> &policies,
                                  std::uint32_t from, std::uint32_t to, Decision &d) const
{
    if (m_options.trace == TraceLevel::Full) {
        for (std::uint32_t pos = from; pos < to; ++pos) {
            TraceEntry &t = d.trace.emplace_back();
            t.layer = Layer::Policy;
            t.isPolicy = true;
            t.policy = policies[pos].name;
            t.readsBegin = t.readsEnd = static_cast<std::uint32_t>(d.reads.size());
            t.skippedByIndex = true;
            t.because = ix.vars[static_cast<std::size_t>(ix.pinnedBy[pos])].var;
        }
        return;
    }
    if (m_options.trace == TraceLevel::None)
        return;
    for (const auto &v : ix.vars) {
        const std::uint32_t n = v.before[to] - v.before[from];
        if (n == 0)
            continue;
        TraceEntry &t = d.trace.emplace_back();
        t.layer = Layer::Policy;
        t.skipped = n;
        t.because = v.var;
    }
}

double DecisionEngine::requestTime(const Request &req, const SessionState &session) const
{
    (void)session;
    return req.ts.value_or(0.0);
}

void DecisionEngine::derive(Request &req, const SessionState &session) const
{
    auto fill = [&req](Var v, Value value) {
        if (!req.has(v))
            req.vars[static_cast<std::size_t>(v)] = std::move(value);
    };
    const double ts = requestTime(req, session);
    fill(Var::SessionId, Value(session.id()));
    fill(Var::SessionTotalCost, Value(session.totalCost()));
    fill(Var::SessionToolCalls, Value(session.toolCalls()));
    fill(Var::SessionElapsedSeconds, Value(req.ts ? session.elapsedAt(ts) : 0.0));
    switch (req.trigger) {
    case Trigger::ToolCall:
        fill(Var::ToolCallsInLastMinute, Value(session.callsInLastMinute(req.get(Var::ToolName).toString(), ts)));
        [[fallthrough]];
    case Trigger::DataOutput:
        // An MCP server's tool names its server; any other tool reads null.
        if (req.has(Var::ToolName)) {
            const ToolSpec *server = m_doc->mcpServerOf(req.get(Var::ToolName).toString());
            fill(Var::ToolServer, server ? Value(server->name) : Value());
        }
        break;
    case Trigger::NetworkEgress: {
        const auto &host = req.get(Var::DestinationHost).toString();
        if (!req.has(Var::DestinationIp)) {
            std::optional<net::IpAddress> ip = net::parseIpLenient(net::normalizeHost(host));
            if (!ip)
                if (auto s = m_network.staticAddress(host))
                    ip = net::parseIp(*s);
            fill(Var::DestinationIp, ip ? Value(ip->toString()) : Value());
        }
        if (!req.has(Var::DestinationRegion)) {
            const auto &ipv = req.get(Var::DestinationIp);
            const auto ip = ipv.isString() ? net::parseIp(ipv.toString()) : std::nullopt;
            const auto region = m_network.regionOf(host, ip);
            fill(Var::DestinationRegion, region.empty() ? Value() : Value(region));
        }
        break;
    }
    case Trigger::FileAccess:
        fill(Var::FileExtension, Value(FilesystemLayer::lastExtension(req.get(Var::FilePath).toString())));
        break;
    default:
        break;
    }
}

bool DecisionEngine::sandboxLayer(const Request &req, Decision &d) const
{
    const auto &sb = m_doc->sandbox;
    auto block = [&](const std::string &why) {
        d.trace.push_back(layerEntry(Layer::Sandbox, false, why));
        blockBy(d, Layer::Sandbox, why);
        return false;
    };
    const double elapsed = req.get(Var::SessionElapsedSeconds).toNumber();
    if (elapsed > static_cast<double>(sb.maxExecutionTimeSeconds))
        return block("session time limit of " + std::to_string(sb.maxExecutionTimeSeconds) + " s exceeded");
    switch (req.trigger) {
    case Trigger::ToolCall: {
        const auto &name = req.get(Var::ToolName).toString();
        const ToolSpec *entry = m_doc->entryOf(name);
        if (!m_doc->tools.empty() && (!entry || (entry->isMcpServer() && entry->name == name)))
            return block("tool '" + name + "' is not declared in this policy; the runtime cannot run it");
        break;
    }
    case Trigger::NetworkEgress:
        if (!sb.allowNetwork)
            return block("network access is disabled for this sandbox (allow_network: false)");
        break;
    case Trigger::FileAccess:
        if (!sb.allowFilesystem) {
            const auto p = FilesystemLayer::normalize(req.get(Var::FilePath).toString(), m_doc->filesystem.workspace);
            if (!p || !FilesystemLayer::isUnder(*p, m_doc->filesystem.workspace))
                return block("filesystem access is disabled (allow_filesystem: false); only the private workspace exists");
        }
        break;
    default:
        break;
    }
    d.trace.push_back(layerEntry(Layer::Sandbox, true, {}));
    return true;
}

EgressQuery DecisionEngine::egressQuery(const Request &req)
{
    EgressQuery q;
    q.identity = req.identity();
    q.host = req.get(Var::DestinationHost).toString();
    if (const auto &ip = req.get(Var::DestinationIp); ip.isString())
        q.ip = ip.toString();
    q.port = static_cast<int>(req.get(Var::DestinationPort).toInt());
    q.protocol = req.get(Var::DestinationProtocol).toString();
    q.requestBytes = req.get(Var::RequestBytes).toInt();
    q.ts = req.ts.value_or(0.0);
    if (const auto &m = req.get(Var::RequestMethod); m.isString()) {
        q.method = m.toString();
        const auto &path = req.get(Var::RequestPath);
        q.path = path.isString() ? path.toString() : std::string("/");
        if (const auto &h = req.get(Var::RequestHeaders); h.isMap())
            for (const char *name : {"x-http-method-override", "x-http-method", "x-method-override", "x-original-url",
                                     "x-rewrite-url", "x-original-method"})
                if (!h.member(name).isNull()) {
                    q.overrideHeader = name;
                    break;
                }
        // The path as sent, from the URL (scheme://authority/path?query).
        if (const auto &url = req.get(Var::RequestUrl); url.isString()) {
            const std::string &u = url.toString();
            const auto scheme = u.find("://");
            const auto slash = scheme == std::string::npos ? std::string::npos : u.find('/', scheme + 3);
            if (slash != std::string::npos)
                q.rawPath = u.substr(slash, u.find('?', slash) - slash);
        }
    }
    return q;
}

int DecisionEngine::egressRule(const Request &req, const SessionState &session) const
{
    return m_network.decide(egressQuery(req), session).rule;
}

bool DecisionEngine::networkLayer(const Request &req, const SessionState &session, Decision &d) const
{
    const EgressQuery q = egressQuery(req);
    const auto v = m_network.decide(q, session);
    d.trace.push_back(layerEntry(Layer::Network, v.allowed, v.reason, v.rule));
    if (!v.allowed)
        blockBy(d, Layer::Network, v.reason);
    return v.allowed;
}

bool DecisionEngine::filesystemLayer(const Request &req, const SessionState &session, Decision &d) const
{
    if (!m_doc->sandbox.allowFilesystem) {
        d.trace.push_back(layerEntry(Layer::Filesystem, true, "private workspace (allow_filesystem: false)"));
        return true;
    }
    FileQuery q;
    q.path = req.get(Var::FilePath).toString();
    q.operation = req.get(Var::FileOperation).toString();
    q.size = req.get(Var::FileSize).toInt();
    if (req.has(Var::FileExtension) && req.get(Var::FileExtension).isString())
        q.extension = req.get(Var::FileExtension).toString();
    q.linkTarget = req.linkTarget;
    q.expandedSize = req.expandedSize;
    const auto v = m_filesystem.decide(q, session);
    d.trace.push_back(layerEntry(Layer::Filesystem, v.allowed, v.reason, v.rule));
    if (!v.allowed)
        blockBy(d, Layer::Filesystem, v.reason);
    return v.allowed;
}

bool DecisionEngine::policyLayer(const Request &req, Decision &d, bool stopAtAddress, bool stopAtContent) const
{
    const RequestContext ctx(req, m_scorer);
    const auto &candidates = m_compiled->byTrigger[static_cast<std::size_t>(req.trigger)];
    const TriggerIndex &ix = m_compiled->index[static_cast<std::size_t>(req.trigger)];
    // The positions to evaluate, in document order: a merge of the policies
    // without a pin and those pinned to the request's value of their variable.
    const bool useIndex = m_options.indexed && !ix.vars.empty();
    struct Cursor
    {
        const std::uint32_t *at;
        const std::uint32_t *end;
    };
    std::array<Cursor, kVarCount + 1> cursors;
    std::size_t cursorCount = 0;
    if (useIndex) {
        if (!ix.always.empty())
            cursors[cursorCount++] = {ix.always.data(), ix.always.data() + ix.always.size()};
        for (const auto &v : ix.vars)
            if (const Positions *at = v.lookup(req.get(v.var)))
                cursors[cursorCount++] = {at->data(), at->data() + at->size()};
    } else {
        d.trace.reserve(d.trace.size() + candidates.size());
    }
    const auto count = static_cast<std::uint32_t>(candidates.size());
    std::uint32_t next = 0; // the first position not evaluated or traced yet
    auto advance = [&](std::uint32_t &pos) {
        if (!useIndex) {
            pos = next;
            return pos < count;
        }
        Cursor *best = nullptr;
        for (std::size_t i = 0; i < cursorCount; ++i)
            if (cursors[i].at != cursors[i].end && (!best || *cursors[i].at < *best->at))
                best = &cursors[i];
        if (!best)
            return false;
        pos = *best->at++;
        return true;
    };
    // A redact policy whose condition fails does not end the evaluation: if
    // it did, an agent could dodge a later block by making the condition
    // fail. Its redaction is kept and applied unless a later policy blocks
    // or escalates (docs/policy-format.md, "Evaluation errors").
    const CompiledPolicy *failedRedact = nullptr;
    pii::PiiTypeSet failedTypes;
    std::string failedError;
    const CompiledPolicy *decider = nullptr;
    for (std::uint32_t pos = 0; advance(pos);) {
        const CompiledPolicy &cp = candidates[pos];
        if ((stopAtAddress && cp.readsAddress) || (stopAtContent && cp.readsContent))
            return false;
        if (pos > next)
            traceSkipped(ix, candidates, next, pos, d);
        next = pos + 1;
        TraceEntry &t = d.trace.emplace_back();
        t.layer = Layer::Policy;
        t.isPolicy = true;
        t.policy = cp.name;
        t.readsBegin = static_cast<std::uint32_t>(d.reads.size());
        bool failed = false;
        if (!cp.condition.isValid()) {
            t.detail = "the condition does not compile (see osctl validate)";
            failed = true;
        } else {
            auto r = cp.condition.evaluate(ctx, d.reads, d.traceLevel != TraceLevel::None);
            if (r.ok) {
                t.matched = r.value;
            } else {
                t.detail = std::move(r.error);
                failed = true;
            }
        }
        t.readsEnd = static_cast<std::uint32_t>(d.reads.size());
        if (failed) {
            t.failClosed = cp.failsClosed;
            t.matched = cp.failsClosed;
            if (m_doc->policies[static_cast<std::size_t>(cp.index)].action == Action::Redact) {
                if (!failedRedact) {
                    failedRedact = &cp;
                    failedError = t.detail;
                }
                failedTypes.unite(cp.pii);
                t.detail += " (failed closed: the action is redacted unless a later policy blocks it)";
                continue;
            }
        }
        if (t.matched) {
            decider = &cp;
            break;
        }
    }
    if (!decider && next < count)
        traceSkipped(ix, candidates, next, count, d);

    pii::PiiTypeSet redactTypes;
    if (decider) {
        const Policy &p = m_doc->policies[static_cast<std::size_t>(decider->index)];
        decideBy(p, decider->index, d);
        redactTypes = decider->pii;
        if (failedRedact && p.action == Action::Redact)
            redactTypes.unite(failedTypes);
    }
    // Nothing stricter decided: the failed redact policy does.
    if (failedRedact && (!decider || d.outcome == Action::Allow || d.outcome == Action::Log
                            || d.outcome == Action::Throttle)) {
        const Policy &p = m_doc->policies[static_cast<std::size_t>(failedRedact->index)];
        decideBy(p, failedRedact->index, d);
        d.message = "the condition of policy '" + p.name + "' could not be evaluated (" + failedError
            + "), so the action is redacted as a fail-closed measure";
        redactTypes = failedTypes;
    }
    // Held for approval after a redact failed closed: what a human releases
    // goes out redacted (the gateway runs d.output once approved).
    const bool heldRedacted = failedRedact && d.outcome == Action::Escalate;
    if (heldRedacted)
        redactTypes = failedTypes;
    if (d.outcome != Action::Redact && !heldRedacted)
        return true;
    try {
        d.output = redacted(req, redactTypes);
        d.redactTypes = redactTypes;
        if (!d.output) {
            // Nothing can be rewritten, so the action cannot go ahead redacted.
            d.outcome = Action::Block;
            d.message = "policy '" + d.policy + "' redacts, but a " + std::string(triggerName(req.trigger))
                + " request has no text that can be redacted, so it is blocked";
            d.logLevel = LogLevel::Warning;
        }
    } catch (const std::exception &e) {
        // What cannot be redacted must not go out unredacted.
        d.outcome = Action::Block;
        d.output.reset();
        d.message = "redaction failed, so the action is blocked: " + std::string(e.what());
        d.logLevel = LogLevel::Critical;
    }
    return true;
}

void DecisionEngine::decideBy(const Policy &p, int index, Decision &d)
{
    d.outcome = p.action;
    d.layer = Layer::Policy;
    d.policy = p.name;
    d.policyIndex = index;
    d.logLevel = p.logLevel;
    d.message = p.message;
    d.escalation.clear();
    d.delaySeconds.reset();
    if (d.message.empty() && (p.action == Action::Block || p.action == Action::Escalate))
        d.message = std::string(p.action == Action::Block ? "Blocked" : "Held for approval") + " by policy '" + p.name
            + "'";
    if (p.action == Action::Escalate || p.action == Action::Block)
        d.escalation = p.escalation;
    if (p.action == Action::Throttle)
        d.delaySeconds = p.delaySeconds.value_or(0.0);
}

std::optional<std::string> DecisionEngine::redacted(const Request &req, pii::PiiTypeSet types) const
{
    // Only the strings holding PII change; the rest stays as the agent sent
    // it (an address inside code in another argument must not break the tool).
    auto text = [&](Var v) -> std::string {
        const Value r = pii::redactInValue(req.get(v), types);
        if (r.isString() || r.isNull())
            return r.toString();
        return r.toJson();
    };
    switch (req.trigger) {
    case Trigger::DataOutput: return text(Var::Output);
    case Trigger::AgentResponse: return text(Var::Response);
    case Trigger::ToolCall: {
        const Value &args = req.get(Var::ToolArgs);
        return (args.isNull() ? Value(ValueMap {}) : pii::redactInValue(args, types)).toJson();
    }
    default: return std::nullopt;
    }
}

Decision DecisionEngine::evaluate(const Request &req, const SessionState &session) const
{
    Decision d;
    d.owner = m_compiled;
    d.traceLevel = m_options.trace;
    d.trace.reserve(4);
    if (!sandboxLayer(req, d))
        return d;
    if (req.trigger == Trigger::NetworkEgress && !networkLayer(req, session, d))
        return d;
    if (req.trigger == Trigger::FileAccess && !filesystemLayer(req, session, d))
        return d;
    policyLayer(req, d);
    return d;
}

std::optional<Decision> DecisionEngine::refusalBefore(const Request &req, const SessionState &session, bool address,
                                                      bool content) const
{
    Decision d;
    d.owner = m_compiled;
    d.traceLevel = m_options.trace;
    if (!sandboxLayer(req, d))
        return d;
    if (req.trigger != Trigger::NetworkEgress)
        return std::nullopt;
    if (!networkLayer(req, session, d))
        return d;
    // Policies are first match wins: those before the first one that reads
    // what is not known yet decide the same whatever it turns out to be, so
    // a refusal among them is final; from that one on, only it can tell.
    if (!policyLayer(req, d, address, content) || d.proceeds())
        return std::nullopt;
    return d;
}

std::optional<Decision> DecisionEngine::refusalWithoutAddress(const Request &req, const SessionState &session) const
{
    return refusalBefore(req, session, true, false);
}

std::optional<Decision> DecisionEngine::refusalBeforeRequests(const Request &req, const SessionState &session) const
{
    return refusalBefore(req, session, req.get(Var::DestinationIp).isNull(), true);
}

void DecisionEngine::commit(const Request &req, const Decision &d, SessionState &session) const
{
    const double ts = requestTime(req, session);
    if (req.ts)
        session.noteTime(ts);
    double cost = req.cost;
    if (req.trigger == Trigger::ToolCall) {
        const auto &name = req.get(Var::ToolName).toString();
        session.noteToolCall(name, ts);
        if (d.proceeds())
            if (const auto *tool = m_doc->entryOf(name))
                cost += tool->costPerCall;
    }
    session.addCost(cost);
    if (!d.proceeds())
        return;
    if (req.trigger == Trigger::NetworkEgress) {
        for (const auto &t : d.trace)
            if (t.layer == Layer::Network && t.rule >= 0)
                session.noteEgress(req.identity(), t.rule, ts);
    } else if (req.trigger == Trigger::FileAccess) {
        const auto &op = req.get(Var::FileOperation).toString();
        const auto path = FilesystemLayer::normalize(req.get(Var::FilePath).toString(), m_doc->filesystem.workspace);
        if (path && (op == "write" || op == "create"))
            session.noteFileSize(*path, req.get(Var::FileSize).toInt());
        else if (path && op == "delete")
            session.noteFileDeleted(*path);
    }
}

Decision DecisionEngine::decide(Request &req, SessionState &session) const
{
    derive(req, session);
    Decision d = evaluate(req, session);
    commit(req, d, session);
    return d;
}

} // namespace osh
