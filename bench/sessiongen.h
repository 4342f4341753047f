#pragma once
// Large synthetic sessions for the replay benchmark and the timeline: a
// store file with N events in a realistic mix (tool calls, outputs,
// responses, file and network actions, reasoning and usage), each decided
// action decided by a built-in policy and stored with its request (eval
// format; its "PII" are surrogates, never real values), times advancing
// 0.2-2 s per event. Deterministic for a seed. Also the osh-sessiongen
// executable: `osh-sessiongen OUT.db N [SESSION]`.

#include <cstdint>
#include <functional>
#include <string>

namespace osh {
class AuditStore;
}

namespace osh::bench {

struct SessionGenOptions
{
    std::string sessionId = "synthetic";
    std::int64_t events = 1000000;
    std::uint64_t seed = 1;
    double startTs = 1800000000.0; // 2027-01-15
    // Only decided actions (no reasoning or usage events): N actions to what-if.
    bool actionsOnly = false;
    // Called every 100,000 events with the count so far (may be empty).
    std::function<void(std::int64_t)> progress;
};

// The policy the generator decides with, and a stricter variant to what-if
// against (more of the same actions blocked, escalated or redacted).
const char *syntheticPolicy();
const char *syntheticPolicyVariant();

// Appends the session to the store and flushes. False with error set.
bool generateSession(AuditStore &store, const SessionGenOptions &options, std::string &error);

} // namespace osh::bench
