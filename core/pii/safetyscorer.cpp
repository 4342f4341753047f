#include "safetyscorer.h"

#include "piidetector.h"
#include "safetyrules.h"

#include <re2/re2.h>
#include <re2/set.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <stdexcept>

namespace osh::pii {

struct HeuristicSafetyScorer::Private
{
    Private()
        : set(options(), RE2::UNANCHORED)
    {
        for (const SafetyRule &rule : safetyRules()) {
            std::string error;
            if (set.Add(re2::StringPiece(rule.pattern.data(), rule.pattern.size()), &error) < 0)
                throw std::logic_error("safety rule does not compile: " + error);
        }
        if (!set.Compile())
            throw std::runtime_error("safety rules: RE2::Set compilation failed");
    }

    static RE2::Options options()
    {
        RE2::Options o;
        o.set_case_sensitive(false);
        o.set_log_errors(false);
        // The set's DFA caches states here; large enough that long texts do
        // not exhaust it (exhaustion is reported as a scorer error, below).
        o.set_max_mem(64 << 20);
        return o;
    }

    RE2::Set set;
};

HeuristicSafetyScorer::HeuristicSafetyScorer()
    : d(std::make_unique<Private>())
{ }
HeuristicSafetyScorer::~HeuristicSafetyScorer() = default;

ScoreResult HeuristicSafetyScorer::score(std::string_view text) const
{
    // score = product over categories c of (1 - w_c)^min(hits_c, 3), where a
    // phrase category's hits are its distinct rules that match and a PII
    // type's hits are the detector's matches of that type (docs/pii.md).
    std::vector<int> matched;
    RE2::Set::ErrorInfo info {};
    if (!d->set.Match(re2::StringPiece(text.data(), text.size()), &matched, &info) && info.kind != RE2::Set::kNoError)
        return {std::nullopt, "safety rule matching failed (RE2::Set error " + std::to_string(info.kind) + ")"};

    const auto rules = safetyRules();
    std::array<int, kSafetyCategoryCount> ruleHits {};
    for (int index : matched)
        ++ruleHits[static_cast<std::size_t>(rules[static_cast<std::size_t>(index)].category)];

    std::array<int, kPiiTypeCount> piiHits {};
    for (const PiiMatch &m : PiiDetector::instance().find(text))
        ++piiHits[static_cast<std::size_t>(m.type)];

    double score = 1.0;
    for (int c = 0; c < kSafetyCategoryCount; ++c) {
        const int hits = std::min(ruleHits[static_cast<std::size_t>(c)], kMaxHitsPerCategory);
        score *= std::pow(1.0 - safetyCategoryWeight(static_cast<SafetyCategory>(c)), hits);
    }
    for (int t = 0; t < kPiiTypeCount; ++t) {
        const int hits = std::min(piiHits[static_cast<std::size_t>(t)], kMaxHitsPerCategory);
        score *= std::pow(1.0 - piiWeight(static_cast<PiiType>(t)), hits);
    }
    return {std::clamp(score, 0.0, 1.0), {}};
}

const SafetyScorer &defaultSafetyScorer()
{
    static const HeuristicSafetyScorer scorer;
    return scorer;
}

} // namespace osh::pii
