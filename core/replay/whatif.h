#pragma once
// What-if replay: every decided action of a recorded (or imported) session
// decided again against another policy, in recorded order, with a fresh
// SessionState and the recorded times, so counters, rates and windows
// replay as they were. Reports each action's decision before and after,
// the ones that changed and a summary by transition ("would now be
// blocked", "no longer escalated", ...).
//
// The request of an action is the one recorded with it (schema 3: eval
// format, PII replaced by same-type surrogates); an action recorded before
// that is rebuilt from its redacted parameters, "[REDACTED:<type>]" markers
// replaced by surrogates of the type, and flagged approximate. An action
// that cannot be rebuilt at all is listed as unreplayable, not guessed.
//
// Threads: deciding is sequential (each decision depends on the session so
// far). What is independent runs beside it: two threads parse the next
// chunk of requests (half each) while the calling thread reads rows and
// decides the current chunk.

#include "engine/decisionengine.h"
#include "replay/replaysession.h"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace osh {

class AuditStore;

namespace replay {

// Why an action's replay is approximate: what its request was rebuilt from.
enum class Approximation : std::uint8_t {
    Exact,                  // the request recorded with it
    FromParameters,         // no request recorded: rebuilt from its parameters
    FromRedactedParameters, // the same, redacted values replaced by same-type surrogates
    InspectedHttp,          // an inspected HTTP request: redacted text, hidden credentials, 16 KiB of body
};

struct WhatIfAction
{
    std::int64_t seq = 0;
    double ts = 0;
    Outcome before = Outcome::None;
    Outcome after = Outcome::None;
    std::uint32_t policyBefore = 0; // into WhatIfResult::policies; 0 = none
    std::uint32_t policyAfter = 0;
    bool approximate = false; // rebuilt from redacted parameters
    Approximation approximation = Approximation::Exact; // why, when approximate
};

// Changed actions with one (before, after) outcome pair.
struct WhatIfTransition
{
    Outcome before = Outcome::None;
    Outcome after = Outcome::None;
    std::string label; // "would now be blocked", "no longer escalated", ...
    std::vector<std::int64_t> seqs;
};

struct WhatIfResult
{
    std::string sessionId;
    std::vector<WhatIfAction> actions; // every replayed action, in seq order
    std::vector<std::uint32_t> changed; // indexes into actions
    NameTable policies;
    std::size_t approximate = 0;
    // Decided actions that could not be rebuilt: seq and why.
    std::vector<std::pair<std::int64_t, std::string>> unreplayable;

    bool isChanged(const WhatIfAction &a) const { return a.before != a.after || a.policyBefore != a.policyAfter; }
    // Changed actions grouped by transition, most frequent first; an action
    // whose outcome stayed but whose deciding policy changed is grouped as
    // "decided by another policy".
    std::vector<WhatIfTransition> transitions() const;
    // "4 actions would now be blocked, 1 would now be redacted, 2 no longer
    // escalated", or "no decision would change".
    std::string summaryText() const;
};

// The label of a transition (before != after), e.g. "would now be blocked".
std::string transitionLabel(Outcome before, Outcome after);

// One action to replay when there is no store (an imported file in memory,
// a test): its request in eval format and its recorded decision.
struct WhatIfInput
{
    std::int64_t seq = 0;
    std::string request;
    Outcome before = Outcome::None;
    std::string policyBefore;
};

class WhatIf
{
public:
    // Reads a file's text at a revision (core/vcs provides one); nullopt
    // with error set when it cannot.
    using RevisionReader = std::function<std::optional<std::string>(const std::string &path,
                                                                    const std::string &revision, std::string &error)>;

    // A policy to replay against, from text (the editor's buffer, a
    // revision's content) or a file. nullptr with every error diagnostic in
    // error when it does not load or validate.
    static std::shared_ptr<const PolicyDocument> policyFromText(std::string_view text, const std::string &name,
                                                                std::string &error);
    static std::shared_ptr<const PolicyDocument> policyFromFile(const std::string &path, std::string &error);
    // The policy file recorded with the session at a revision.
    static std::shared_ptr<const PolicyDocument> policyAtRevision(const RevisionReader &reader, const std::string &path,
                                                                  const std::string &revision, std::string &error);

    // Replays a stored session (streaming its rows; the session need not be
    // loaded as a ReplaySession). nullopt with error on a read error or an
    // unknown session.
    static std::optional<WhatIfResult> run(const AuditStore &store, const std::string &sessionId,
                                           const DecisionEngine &engine, std::string &error);
    static std::optional<WhatIfResult> run(const ReplaySession &session, const DecisionEngine &engine,
                                           std::string &error);
    // Replays requests held in memory, in the given order.
    static WhatIfResult run(const std::vector<WhatIfInput> &inputs, const std::string &sessionId,
                            const DecisionEngine &engine);

    // The request an action recorded without one is rebuilt from (eval
    // format), or nullopt with why. Exposed for tests.
    static std::optional<std::string> approximateRequest(std::string_view type, std::string_view tool,
                                                         std::string_view parameters, double ts, std::string &why);
};

} // namespace replay
} // namespace osh
