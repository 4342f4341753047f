#pragma once
// Shared fixtures for the condition tests: a request context with fixed
// values for every variable, a scriptable safety scorer, and helpers that
// render diagnostics for failure messages.

#include "condition/condition.h"
#include "pii/safetyscorer.h"

#include <QByteArray>
#include <QString>

#include <array>
#include <optional>
#include <string>
#include <vector>

namespace osh::cond::test {

class FakeScorer final : public pii::SafetyScorer
{
public:
    explicit FakeScorer(std::optional<double> score, std::string error = {})
        : m_score(score)
        , m_error(std::move(error))
    { }
    pii::ScoreResult score(std::string_view text) const override
    {
        ++calls;
        lastText = std::string(text);
        return {m_score, m_error};
    }
    std::string name() const override { return "fake"; }

    mutable int calls = 0;
    mutable std::string lastText;

private:
    std::optional<double> m_score;
    std::string m_error;
};

class TestContext final : public EvalContext
{
public:
    TestContext()
    {
        ValueMap nested;
        nested.emplace("x", Value(1));
        ValueMap args;
        args.emplace("to", Value("bob@example.com"));
        args.emplace("count", Value(3));
        args.emplace("zero", Value(0));
        args.emplace("big", Value(std::int64_t(9223372036854775807LL)));
        args.emplace("ratio", Value(0.5));
        args.emplace("flag", Value(true));
        args.emplace("tags", Value(ValueList {Value("a"), Value("b")}));
        args.emplace("nested", Value(std::move(nested)));
        args.emplace("x-y", Value("dash"));
        args.emplace("pattern", Value("mail"));
        args.emplace("badpattern", Value("("));
        args.emplace("key", Value("count"));
        args.emplace("types", Value(ValueList {Value("email")}));
        args.emplace("badtypes", Value(ValueList {Value("bogus")}));
        set(Var::ToolName, Value("email_send"));
        set(Var::ToolArgs, Value(std::move(args)));
        set(Var::ToolCallsInLastMinute, Value(7));
        set(Var::SessionId, Value("s1"));
        set(Var::SessionTotalCost, Value(12.5));
        set(Var::SessionToolCalls, Value(3));
        set(Var::SessionElapsedSeconds, Value(60.0));
        set(Var::Output, Value("Hello World"));
        set(Var::Response,
            Value("\xc3\x9cn\xc3\xaf"
                  "c\xc3\xb6"
                  "d\xc3\xa9")); // Ünïcödé
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
    const pii::SafetyScorer *safetyScorer() const override { return scorer; }

    const pii::SafetyScorer *scorer = nullptr;

private:
    std::array<Value, kVarCount> m_vars;
};

inline std::string describe(const std::vector<ConditionDiagnostic> &diags)
{
    std::string s;
    for (const auto &d : diags) {
        if (!s.empty())
            s += " | ";
        s += d.code + " [" + std::to_string(d.range.begin) + "," + std::to_string(d.range.end) + ") " + d.message;
        if (!d.suggestion.empty())
            s += " => " + d.suggestion;
    }
    return s.empty() ? std::string("(no diagnostics)") : s;
}

inline Trigger trigger(const QString &name)
{
    const QByteArray n = name.toUtf8();
    return triggerFromName(std::string_view(n.constData(), static_cast<size_t>(n.size()))).value_or(Trigger::ToolCall);
}

inline std::string str(const QByteArray &b)
{
    return std::string(b.constData(), static_cast<size_t>(b.size()));
}

inline Condition compileFor(const QByteArray &text, const QString &triggerName, std::vector<ConditionDiagnostic> &diags,
    pii::PiiTypeSet pii = pii::PiiTypeSet::all())
{
    return Condition::compile(str(text), trigger(triggerName), pii, diags);
}

} // namespace osh::cond::test
