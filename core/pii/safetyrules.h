#pragma once
// The heuristic safety scorer's categories, weights and phrase rules. Kept
// apart from the scorer so docs/pii.md and the tests can be checked against
// one table.

#include "piitype.h"

#include <cstdint>
#include <span>
#include <string_view>

namespace osh::pii {

enum class SafetyCategory : std::uint8_t {
    PromptInjection,
    Violence, // threats, self-harm, weapons or drug making
    Abuse,
    ShellDestructive,
};
inline constexpr int kSafetyCategoryCount = 4;

struct SafetyRule
{
    SafetyCategory category;
    std::string_view pattern; // RE2 syntax, matched case-insensitively
};

std::string_view safetyCategoryName(SafetyCategory c);
double safetyCategoryWeight(SafetyCategory c);
// Weight of one detected PII item of type t (secrets weigh most).
double piiWeight(PiiType t);
// Hits beyond this many per category (or per PII type) do not lower the score further.
inline constexpr int kMaxHitsPerCategory = 3;

std::span<const SafetyRule> safetyRules();

} // namespace osh::pii
