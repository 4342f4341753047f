// Compiles arbitrary bytes as a condition for every trigger and evaluates the
// valid ones against a fixed request. Besides crashes and sanitizer reports
// it checks invariants that hold for every input:
//  - the canonical text of a parsed condition compiles to the same canonical
//    text and the same validity;
//  - a constant condition evaluates to its constant;
//  - evaluation records each path at most once.

#include "condition/condition.h"
#include "pii/safetyscorer.h"

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <set>
#include <string>
#include <string_view>
#include <vector>

using namespace osh;
using namespace osh::cond;

namespace {

class FixedScorer final : public pii::SafetyScorer
{
public:
    pii::ScoreResult score(std::string_view text) const override { return {text.size() % 2 ? 0.25 : 0.75, {}}; }
    std::string name() const override { return "fixed"; }
};

class FuzzContext final : public EvalContext
{
public:
    FuzzContext()
    {
        ValueMap nested;
        nested.emplace("x", Value(1));
        ValueMap args;
        args.emplace("to", Value("bob@example.com"));
        args.emplace("n", Value(3));
        args.emplace("zero", Value(0));
        args.emplace("big", Value(std::int64_t(9223372036854775807LL)));
        args.emplace("f", Value(0.5));
        args.emplace("flag", Value(true));
        args.emplace("list", Value(ValueList {Value("a"), Value(1), Value()}));
        args.emplace("map", Value(std::move(nested)));
        args.emplace("re", Value("(a+)+$"));
        args.emplace("types", Value(ValueList {Value("email"), Value("ssn")}));
        set(Var::ToolName, Value("email_send"));
        set(Var::ToolArgs, Value(std::move(args)));
        set(Var::ToolCallsInLastMinute, Value(7));
        set(Var::SessionId, Value("s1"));
        set(Var::SessionTotalCost, Value(12.5));
        set(Var::SessionToolCalls, Value(3));
        set(Var::SessionElapsedSeconds, Value(60.0));
        set(Var::Output, Value("call 415-555-2671 or mail bob@example.com"));
        set(Var::Response,
            Value("\xc3\x9cn\xc3\xaf"
                  "c\xc3\xb6"
                  "d\xc3\xa9"));
        set(Var::DestinationHost, Value("api.example.com"));
        set(Var::DestinationPort, Value(443));
        set(Var::DestinationProtocol, Value("https"));
        set(Var::RequestBytes, Value(2048));
        set(Var::FilePath, Value("/etc/passwd"));
        set(Var::FileOperation, Value("read"));
        set(Var::FileSize, Value(1234));
        set(Var::FileExtension, Value(""));
    }
    void set(Var v, Value x) { m_vars[static_cast<size_t>(v)] = std::move(x); }
    const Value &variable(Var v) const override { return m_vars[static_cast<size_t>(v)]; }
    const pii::SafetyScorer *safetyScorer() const override { return &m_scorer; }

private:
    std::array<Value, kVarCount> m_vars;
    FixedScorer m_scorer;
};

void check(bool ok)
{
    if (!ok)
        std::abort();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    static const FuzzContext ctx;
    const std::string_view text(reinterpret_cast<const char *>(data), size);
    for (int t = 0; t < kTriggerCount; ++t) {
        const auto trigger = static_cast<Trigger>(t);
        std::vector<ConditionDiagnostic> diags;
        const Condition c = Condition::compile(text, trigger, pii::PiiTypeSet::all(), diags);
        for (const auto &d : diags)
            check(d.range.begin >= 0 && d.range.begin <= d.range.end && !d.code.empty() && !d.message.empty());
        check(c.isValid() || !diags.empty());

        const std::string canonical = c.canonical();
        if (!canonical.empty() && canonical.size() <= 64 * 1024) {
            std::vector<ConditionDiagnostic> again;
            const Condition c2 = Condition::compile(canonical, trigger, pii::PiiTypeSet::all(), again);
            check(c2.canonical() == canonical);
            check(c2.isValid() == c.isValid());
        }
        if (!c.isValid())
            continue;
        const EvalResult r = c.evaluate(ctx);
        if (const auto constant = c.constantValue())
            check(r.ok && r.value == *constant && r.reads.empty());
        check(r.ok || !r.error.empty());
        std::set<std::string> seen;
        for (const auto &read : r.reads)
            check(seen.insert(std::string(read.path)).second);
    }
    return 0;
}
