#pragma once
// The condition language of spec section 6: compiled once per policy,
// statically checked against its trigger's variables, evaluated per request
// with a record of every value it read (for the decision trace).

#include "model/trigger.h"
#include "pii/piitype.h"
#include "util/diagnostic.h"
#include "util/value.h"

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace osh::pii {
class SafetyScorer;
}

namespace osh::cond {

// Byte offsets into the expression text, [begin, end).
struct TextRange
{
    int begin = 0;
    int end = 0;
};

// A finding in the expression; the validator maps the range to file:line:col.
struct ConditionDiagnostic
{
    std::string code; // E070..E079, W07x (docs/diagnostics.md)
    Severity severity = Severity::Error;
    TextRange range;
    std::string message;
    std::string suggestion;
};

// What the evaluator needs from a request.
class EvalContext
{
public:
    virtual ~EvalContext() = default;
    // The variable's value; null when the request does not have it.
    virtual const Value &variable(Var v) const = 0;
    // Scorer for safety_score(); nullptr makes safety_score() an evaluation error.
    virtual const pii::SafetyScorer *safetyScorer() const = 0;
};

struct Read
{
    // e.g. "session.total_cost", "tool.args.to". Points into the compiled
    // condition: valid while the Condition (or a copy of it) lives.
    std::string_view path;
    Value value;
    // Not a variable: what a contains_pii()/pii_count() call that found PII
    // found and why. path is the call ("contains_pii(tool.args.body)"),
    // value a list of findings (docs/policy-format.md, "Trace").
    bool pii = false;
};

// A conjunct that pins a variable to literals (`tool.name == 'x'`,
// `destination.port in [80, 443]`): the condition can only be true when the
// variable equals one of the keys, and nothing evaluated before the conjunct
// can fail, so a request whose value is none of the keys makes the condition
// false without an evaluation error. Keys are strings, or ints for whole
// numbers (a float literal such as 443.0 pins the int 443).
struct IndexPin
{
    Var var = Var::ToolName;
    std::vector<Value> keys;
};

struct EvalOutcome
{
    bool ok = true;     // false: evaluation error (see error)
    bool value = false; // the condition's truth (meaningful when ok)
    std::string error;
};

struct EvalResult
{
    bool ok = true;          // false: evaluation error (see error)
    bool value = false;      // the condition's truth (meaningful when ok)
    std::string error;       // e.g. "len(null): expected string, list or map"
    std::vector<Read> reads; // in first-read order, each path once
};

class Condition
{
public:
    // Parses and checks text for the trigger. defaultPii is the policy's
    // pii_types (used by contains_pii/pii_count without an explicit list).
    static Condition compile(std::string_view text, Trigger trigger, pii::PiiTypeSet defaultPii,
                             std::vector<ConditionDiagnostic> &diagnostics);

    Condition();
    ~Condition();
    Condition(Condition &&) noexcept;
    Condition &operator=(Condition &&) noexcept;
    Condition(const Condition &);
    Condition &operator=(const Condition &);

    // False when compile() reported an error; evaluate() then fails.
    bool isValid() const;
    const std::string &text() const;

    // The truth value when it is the same for every request (constant folding
    // of literals, e.g. "true", "1 < 2", "x or true"); empty otherwise.
    std::optional<bool> constantValue() const;

    // A normalised rendering of the parsed expression (whitespace, quote
    // style and redundant parentheses removed); equal for equivalent texts.
    std::string canonical() const;

    // Variables the expression can read.
    std::vector<Var> variables() const;
    // The conjuncts that pin a variable, in evaluation order (see IndexPin);
    // empty when there are none or the condition is not valid.
    const std::vector<IndexPin> &indexPins() const;
    // The pin when it is the whole condition (`tool.name == 'x'`): then the
    // condition is true exactly when the variable equals one of its keys.
    const IndexPin *wholePin() const;
    // Whether an evaluation can fail (false only for conditions made of
    // equality and literal-list membership tests of variables and literals,
    // and 'not', 'and', 'or' of those); true for an invalid condition.
    bool canFail() const;
    // Whether it calls a PII function, safety_score, or matches().
    bool usesPii() const;
    bool usesSafetyScore() const;

    EvalResult evaluate(const EvalContext &ctx) const;
    // The same, appending the reads to a caller's vector (no allocation per
    // evaluation once the vector has grown; the decision engine's hot path).
    // explainPii false: PII calls record no findings (Read::pii), for
    // callers that keep no trace.
    EvalOutcome evaluate(const EvalContext &ctx, std::vector<Read> &reads, bool explainPii = true) const;

private:
    struct Private;
    std::shared_ptr<const Private> d; // immutable after compile
};

// Names for editor completion: built-in function names with signatures.
struct FunctionInfo
{
    std::string_view name;
    std::string_view signature; // e.g. "contains_pii(text[, types])"
    std::string_view summary;
};
const std::vector<FunctionInfo> &builtinFunctions();

} // namespace osh::cond
