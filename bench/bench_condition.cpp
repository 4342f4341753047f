// Condition language: compile time and per-request evaluation time of
// typical policy conditions (the engine budget is 5 us per decision for
// about six policies, so one condition should stay well under 200 ns).

#include "condition/condition.h"

#include <benchmark/benchmark.h>

#include <array>
#include <cstdlib>
#include <string>
#include <vector>

using namespace osh;
using namespace osh::cond;

namespace {

class BenchContext final : public EvalContext
{
public:
    BenchContext()
    {
        ValueMap args;
        args.emplace("to", Value("bob@example.com"));
        args.emplace("subject", Value("Quarterly report"));
        args.emplace("pattern", Value("^email_"));
        m_vars[static_cast<size_t>(Var::ToolName)] = Value("email_send");
        m_vars[static_cast<size_t>(Var::ToolArgs)] = Value(std::move(args));
        m_vars[static_cast<size_t>(Var::ToolCallsInLastMinute)] = Value(4);
        m_vars[static_cast<size_t>(Var::SessionTotalCost)] = Value(7.25);
        m_vars[static_cast<size_t>(Var::SessionToolCalls)] = Value(12);
        m_vars[static_cast<size_t>(Var::SessionId)] = Value("session-0001");
    }
    const Value &variable(Var v) const override { return m_vars[static_cast<size_t>(v)]; }
    const pii::SafetyScorer *safetyScorer() const override { return nullptr; }

private:
    std::array<Value, kVarCount> m_vars;
};

Condition compileOrDie(const char *text)
{
    std::vector<ConditionDiagnostic> diags;
    Condition c = Condition::compile(text, Trigger::ToolCall, pii::PiiTypeSet::all(), diags);
    if (!c.isValid())
        std::abort();
    return c;
}

constexpr const char *kNumeric = "session.total_cost > 5.0";
constexpr const char *kString = "tool.name == 'email_send'";
constexpr const char *kInList = "tool.name in ['file_delete', 'shell_exec', 'email_send', 'http_post']";
constexpr const char *kMatches = "matches(tool.name, '^email_')";
constexpr const char *kMatchesDynamic = "matches(tool.name, tool.args.pattern)";
constexpr const char *kMember = "tool.args.to == 'bob@example.com'";
constexpr const char *kCombined = "tool.name == 'email_send' and (session.total_cost > 5.0 or "
                                  "tool.calls_in_last_minute > 10) and not ends_with(tool.args.to, '@example.org')";

void evaluate(benchmark::State &state, const char *text)
{
    const Condition c = compileOrDie(text);
    const BenchContext ctx;
    for (auto _ : state) {
        EvalResult r = c.evaluate(ctx);
        benchmark::DoNotOptimize(r);
    }
}

void compile(benchmark::State &state, const char *text)
{
    for (auto _ : state) {
        std::vector<ConditionDiagnostic> diags;
        Condition c = Condition::compile(text, Trigger::ToolCall, pii::PiiTypeSet::all(), diags);
        benchmark::DoNotOptimize(c);
    }
}

} // namespace

BENCHMARK_CAPTURE(evaluate, numeric_compare, kNumeric);
BENCHMARK_CAPTURE(evaluate, string_equality, kString);
BENCHMARK_CAPTURE(evaluate, in_list, kInList);
BENCHMARK_CAPTURE(evaluate, matches_literal, kMatches);
BENCHMARK_CAPTURE(evaluate, matches_dynamic, kMatchesDynamic);
BENCHMARK_CAPTURE(evaluate, args_member, kMember);
BENCHMARK_CAPTURE(evaluate, combined, kCombined);

BENCHMARK_CAPTURE(compile, numeric_compare, kNumeric);
BENCHMARK_CAPTURE(compile, string_equality, kString);
BENCHMARK_CAPTURE(compile, in_list, kInList);
BENCHMARK_CAPTURE(compile, matches_literal, kMatches);
BENCHMARK_CAPTURE(compile, combined, kCombined);

BENCHMARK_MAIN();
