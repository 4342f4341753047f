#pragma once
// Decides requests against one policy document (spec section 5): the
// sandbox layer, then the network or filesystem layer, then the ordered
// policies of the request's trigger, first match wins, errors fail closed.
// Immutable after construction and safe to share between threads; the
// per-session memory lives in SessionState.

#include "condition/condition.h"
#include "engine/decision.h"
#include "engine/filesystemlayer.h"
#include "engine/networklayer.h"
#include "engine/request.h"
#include "engine/sessionstate.h"
#include "model/policy.h"

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

namespace osh::pii {
class SafetyScorer;
}

namespace osh {

class DecisionEngine
{
public:
    struct Options
    {
        // Evaluate only the policies whose index keys can match the request
        // (and those without one); false evaluates every policy in order.
        // Both decide identically (tests/core/tst_policyindex.cpp).
        bool indexed = true;
        TraceLevel trace = TraceLevel::Decisive;
    };

    // scorer: for safety_score(); nullptr uses the built-in heuristic.
    explicit DecisionEngine(std::shared_ptr<const PolicyDocument> doc, const pii::SafetyScorer *scorer = nullptr);
    DecisionEngine(std::shared_ptr<const PolicyDocument> doc, const pii::SafetyScorer *scorer, Options options);

    const PolicyDocument &document() const { return *m_doc; }
    const NetworkLayer &network() const { return m_network; }
    const FilesystemLayer &filesystem() const { return m_filesystem; }
    // Whether any policy has this trigger.
    bool hasPolicies(Trigger t) const { return !m_compiled->byTrigger[static_cast<std::size_t>(t)].empty(); }
    // Policies whose condition did not compile (they fail closed at run time).
    const std::vector<std::string> &invalidPolicies() const { return m_invalid; }
    const Options &options() const { return m_options; }
    // The same document and scorer with other options (compiles again).
    DecisionEngine withOptions(Options options) const { return DecisionEngine(m_doc, m_scorer, options); }
    // The variable a policy (document index) is indexed by; nullopt when it
    // is evaluated for every request of its trigger.
    std::optional<Var> indexedBy(int policyIndex) const;

    // Fills the fields the request left out from the session (spec section 5).
    void derive(Request &req, const SessionState &session) const;
    // Decides a derived request without changing the session.
    Decision evaluate(const Request &req, const SessionState &session) const;
    // Records the request's effect on the session (cost, counts, windows, sizes).
    void commit(const Request &req, const Decision &decision, SessionState &session) const;
    // derive + evaluate + commit, as one step of a session.
    Decision decide(Request &req, SessionState &session) const;
    // For a derived egress request whose name is not looked up yet
    // (destination.ip null): the decision when the address cannot change it,
    // which is only ever a refusal (by the sandbox or network layer, or by a
    // policy reached without passing one that reads destination.ip or
    // destination_region); nullopt when the name may be looked up, after
    // which decide() runs in full with the address. Does not change the session.
    std::optional<Decision> refusalWithoutAddress(const Request &req, const SessionState &session) const;
    // For a connection whose HTTP requests will each be decided (an
    // inspected rule): the same, with the request's own variables
    // (request.method, .path, .query, .url, .headers, .body, .content_type)
    // unknown as well, and the address too when destination.ip is null. A
    // refusal is final for every request the connection could carry;
    // nullopt lets the connection open, and each request is then decided in
    // full by decide(). Does not change the session.
    std::optional<Decision> refusalBeforeRequests(const Request &req, const SessionState &session) const;
    // The egress rule the network layer would match for a derived request
    // (-1: none), whether it allows or not; without changing the session.
    int egressRule(const Request &req, const SessionState &session) const;

private:
    // What the policy loop needs, kept together so that evaluating a long
    // list of non-matching policies touches as little memory as possible.
    struct CompiledPolicy
    {
        int index;
        bool failsClosed; // block, escalate and redact count an evaluation error as a match
        bool readsAddress; // reads destination.ip or destination_region (known only after DNS)
        bool readsContent; // reads an inspected request's variables (known only per request)
        pii::PiiTypeSet pii;
        std::string_view name;
        cond::Condition condition;
    };

    static EgressQuery egressQuery(const Request &req);
    // The refusal before the address (address) or the request's own
    // variables (content) are known; see refusalWithoutAddress.
    std::optional<Decision> refusalBefore(const Request &req, const SessionState &session, bool address,
                                          bool content) const;
    bool sandboxLayer(const Request &req, Decision &d) const;
    bool networkLayer(const Request &req, const SessionState &session, Decision &d) const;
    bool filesystemLayer(const Request &req, const SessionState &session, Decision &d) const;
    // False when it stopped, undecided, at a policy that reads the address
    // (only with stopAtAddress).
    bool policyLayer(const Request &req, Decision &d, bool stopAtAddress = false, bool stopAtContent = false) const;
    static void decideBy(const Policy &p, int index, Decision &d);
    std::optional<std::string> redacted(const Request &req, pii::PiiTypeSet types) const;
    double requestTime(const Request &req, const SessionState &session) const;

    // Positions (into a trigger's policies) of the policies pinned to one
    // key, ascending.
    using Positions = std::vector<std::uint32_t>;
    struct StringHash
    {
        using is_transparent = void;
        std::size_t operator()(std::string_view s) const { return std::hash<std::string_view> {}(s); }
    };
    // The policies of one trigger indexed by one variable.
    struct VarIndex
    {
        Var var = Var::ToolName;
        std::unordered_map<std::string, Positions, StringHash, std::equal_to<>> strings;
        std::unordered_map<std::int64_t, Positions> ints;
        // before[i]: how many of the first i policies are indexed by var.
        std::vector<std::uint32_t> before;
        const Positions *lookup(const Value &v) const;
    };
    struct TriggerIndex
    {
        Positions always; // policies without a usable pin: evaluated for every request
        std::vector<VarIndex> vars;
        std::vector<std::int8_t> pinnedBy; // per position: index into vars, or -1
    };

    // Shared with every Decision (Decision::owner): traces point into it.
    struct Compiled
    {
        std::shared_ptr<const PolicyDocument> doc;
        std::array<std::vector<CompiledPolicy>, kTriggerCount> byTrigger;
        std::array<TriggerIndex, kTriggerCount> index;
    };

    void buildIndex(Compiled &c) const;
    // Trace entries for the policies [from, to) of a trigger that the index skipped.
    void traceSkipped(const TriggerIndex &ix, const std::vector<CompiledPolicy> &policies, std::uint32_t from,
                      std::uint32_t to, Decision &d) const;

    std::shared_ptr<const PolicyDocument> m_doc;
    std::shared_ptr<const Compiled> m_compiled;
    const pii::SafetyScorer *m_scorer;
    Options m_options;
    NetworkLayer m_network;
    FilesystemLayer m_filesystem;
    std::vector<std::string> m_invalid;
};

} // namespace osh
