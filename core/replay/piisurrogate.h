#pragma once
// Makes a request safe to keep for what-if replay: every PII value the
// detector finds in its strings (map keys included) is replaced by a
// surrogate of the same type that the detector still classifies as that
// type: a Luhn-valid test card number, an example.invalid address, a
// fictional phone number, a documentation IP address, a valid test IBAN,
// an SSN in an assigned range, an AWS-shaped example key.
//
// Surrogates are numbered per request in order of first appearance (equal
// values in one request get the same surrogate, different values different
// ones); they are not derived from the value, so nothing about the real
// value can be recovered from them. A PII-driven condition (contains_pii,
// redact of a type) therefore decides the same on the surrogate; a
// condition on the literal value (its domain, its digits) may not.
//
// Used by the gateway when it audits a decided action, and by the importer.

#include "engine/request.h"
#include "pii/piitype.h"

#include <optional>
#include <string>

namespace osh::replay {

// The request in eval format with its PII replaced. nullopt when some
// string's surrogate would not be classified as the original type (the
// caller then stores no request: replay falls back to the redacted
// parameters and flags the action approximate).
// only: the variables whose PII is replaced (empty: all of them); the
// network guardian keeps the destination as it was (an address is what the
// decision is about there, not a person's data).
std::optional<std::string> surrogateRequestJson(const Request &request, std::bitset<kVarCount> only = {});

// The surrogate of the index-th distinct value of a type (exposed for tests).
std::string piiSurrogate(pii::PiiType type, int index);

} // namespace osh::replay
