#pragma once
// The outcome of deciding one request (spec section 5, "Decision"), with the
// trace of every layer and policy consulted. Serialised exactly in the
// spec's key order by toJson().

#include "condition/condition.h"
#include "model/policy.h"
#include "pii/piitype.h"

#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace osh {

enum class Layer : std::uint8_t { None, Sandbox, Network, Filesystem, Policy };
std::string_view layerName(Layer l);

// How much of a decision the trace keeps (docs/policy-format.md, "Trace
// levels"): Full lists every policy of the trigger up to the deciding one,
// those the index skipped marked as such; Decisive lists the policies
// actually evaluated and one entry per run of policies the index skipped;
// None keeps no trace in the decision's JSON.
enum class TraceLevel : std::uint8_t { None, Decisive, Full };
std::string_view traceLevelName(TraceLevel l);
std::optional<TraceLevel> traceLevelFromName(std::string_view name);

// One step of a decision: a layer's verdict, or one policy's evaluation.
// Kept small: a decision over a thousand policies has a thousand of these.
struct TraceEntry
{
    Layer layer = Layer::None;
    bool isPolicy = false;
    bool allowed = true;     // layers: the verdict
    bool matched = false;    // policies: the condition was true (or failed closed)
    bool failClosed = false; // policies: an evaluation error counted as a match
    int rule = -1;           // network/filesystem: index of the deciding rule
    std::uint32_t readsBegin = 0; // policies: Decision::reads[readsBegin, readsEnd)
    std::uint32_t readsEnd = 0;
    std::string_view policy; // into the engine's document (see Decision::owner)
    std::string detail;      // layers: why; policies: the evaluation error, if any
    // Policies the index did not evaluate because the request's value of
    // `because` is none of their keys: a policy entry (Full traces) with
    // skippedByIndex, or a group entry (isPolicy false, layer Policy)
    // standing for `skipped` consecutive policies (Decisive traces).
    bool skippedByIndex = false;
    Var because = Var::ToolName;
    std::uint32_t skipped = 0;

    bool hasError() const { return isPolicy && !detail.empty(); }
};

struct Decision
{
    Action outcome = Action::Allow;
    Layer layer = Layer::None; // None: nothing matched, allowed by default
    std::string policy;        // empty: null
    int policyIndex = -1;
    std::string message;
    LogLevel logLevel = LogLevel::Info;
    std::string escalation;
    std::optional<double> delaySeconds;
    std::optional<std::string> output; // redacted text, for redact
    // The PII types that output was redacted of (set with output), for a
    // caller that redacts a structured form of the same content itself.
    std::optional<pii::PiiTypeSet> redactTypes;
    std::vector<TraceEntry> trace;
    std::vector<cond::Read> reads; // every policy's reads, in trace order
    TraceLevel traceLevel = TraceLevel::Decisive; // None: toJson() writes an empty trace
    // Keeps the engine's document and compiled conditions alive, so the
    // names and read paths the trace refers to stay valid.
    std::shared_ptr<const void> owner;

    std::span<const cond::Read> readsOf(const TraceEntry &t) const
    {
        return std::span<const cond::Read>(reads).subspan(t.readsBegin, t.readsEnd - t.readsBegin);
    }

    // Whether the action goes ahead now (allow, log, redact, throttle).
    bool proceeds() const
    {
        return outcome == Action::Allow || outcome == Action::Log || outcome == Action::Redact
            || outcome == Action::Throttle;
    }
    void appendJson(std::string &out) const;
    std::string toJson() const;
};

} // namespace osh
