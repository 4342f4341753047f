#pragma once
// safety_score(text): a number in [0, 1], 1 = safe. The built-in scorer is a
// documented heuristic (docs/pii.md); an external scorer can replace it.
// A scorer that cannot answer returns an error, which the decision engine
// treats as fail-closed (spec section 5, rule 4).

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace osh::pii {

struct ScoreResult
{
    std::optional<double> score; // empty on error
    std::string error;
};

class SafetyScorer
{
public:
    virtual ~SafetyScorer() = default;
    virtual ScoreResult score(std::string_view text) const = 0;
    virtual std::string name() const = 0;
};

// The built-in heuristic.
class HeuristicSafetyScorer final : public SafetyScorer
{
public:
    HeuristicSafetyScorer();
    ~HeuristicSafetyScorer() override;
    ScoreResult score(std::string_view text) const override;
    std::string name() const override { return "heuristic"; }

private:
    struct Private;
    std::unique_ptr<Private> d;
};

// An external scorer command: the text on its standard input, one number in
// [0, 1] on its standard output; any other answer, a non-zero exit or a
// timeout is an error.
class CommandSafetyScorer final : public SafetyScorer
{
public:
    CommandSafetyScorer(std::vector<std::string> argv, int timeoutMs = 5000);
    ScoreResult score(std::string_view text) const override;
    std::string name() const override;

private:
    std::vector<std::string> m_argv;
    int m_timeoutMs;
};

const SafetyScorer &defaultSafetyScorer();

} // namespace osh::pii
