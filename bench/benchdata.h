#pragma once
// Deterministic generators of large policy documents and sessions for the
// benchmarks (no randomness: every run measures the same input).

#include <string>

namespace osh::bench {

// A valid document with `policies` policies spread over all triggers, plus
// proportionate tools, egress and filesystem rules. About 8 lines per policy.
std::string generatePolicyDocument(int policies);

// A valid document of at least `lines` lines.
std::string generateDocumentOfLines(int lines);

// One JSONL session of `count` requests over the customer-support tools,
// mixing every trigger, in time order.
std::string generateSession(int count);

// The seed's production policy (spec section 8).
std::string productionPolicy();

} // namespace osh::bench
