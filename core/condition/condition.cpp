#include "condition.h"

#include "ast.h"
#include "builtins.h"
#include "checker.h"
#include "evaluator.h"
#include "parser.h"
#include "printer.h"
#include "regexcache.h"

#include <algorithm>
#include <cmath>
#include <exception>

namespace osh::cond {

struct Condition::Private
{
    std::string text;
    Trigger trigger = Trigger::ToolCall;
    bool valid = false;
    Program program;
    std::optional<bool> constant;
    std::string canonical;
    std::vector<Var> variables;
    bool usesPii = false;
    bool usesSafetyScore = false;
    std::vector<IndexPin> pins;
    bool wholePin = false;
    bool canFail = true;
};

namespace {

// What evaluation can reach: folded subtrees are never entered.
void collectUses(const Program &p, std::int32_t n, std::vector<Var> &vars, bool &pii, bool &safety)
{
    const Node &node = p.node(n);
    if (node.constant >= 0)
        return;
    if (node.kind == Kind::Var) {
        const auto v = static_cast<Var>(node.aux);
        if (std::find(vars.begin(), vars.end(), v) == vars.end())
            vars.push_back(v);
        return;
    }
    std::int32_t first = 0;
    if (node.kind == Kind::Call) {
        const auto f = static_cast<Func>(node.aux);
        pii = pii || f == Func::ContainsPii || f == Func::PiiCount;
        safety = safety || f == Func::SafetyScore;
        first = 1; // the callee name
    }
    for (std::int32_t i = first; i < node.kidCount; ++i)
        collectUses(p, p.kid(n, i), vars, pii, safety);
}

// The key a literal pins, when equality with it is exact: a string, or a
// whole number small enough that int and float comparisons agree.
std::optional<Value> pinKey(const Value &v)
{
    constexpr double kExact = 9007199254740992.0; // 2^53
    if (v.isString())
        return v;
    if (v.isInt() && v.toInt() >= -static_cast<std::int64_t>(kExact) && v.toInt() <= static_cast<std::int64_t>(kExact))
        return v;
    if (v.isNumber() && !v.isInt()) {
        const double d = v.toNumber();
        if (std::isfinite(d) && std::trunc(d) == d && std::fabs(d) <= kExact)
            return Value(static_cast<std::int64_t>(d));
    }
    return std::nullopt;
}

bool isConstant(const Program &p, std::int32_t n)
{
    return p.node(n).constant >= 0;
}

const Value &constantOf(const Program &p, std::int32_t n)
{
    return p.consts[static_cast<size_t>(p.node(n).constant)];
}

bool isPlainVar(const Program &p, std::int32_t n)
{
    return p.node(n).constant < 0 && p.node(n).kind == Kind::Var;
}

// `var == literal`, `literal == var`, `var in [literals]`.
std::optional<IndexPin> pinOf(const Program &p, std::int32_t n)
{
    const Node &node = p.node(n);
    if (node.constant >= 0 || node.kidCount != 2 || (node.kind != Kind::Eq && node.kind != Kind::In))
        return std::nullopt;
    std::int32_t var = p.kid(n, 0);
    std::int32_t lit = p.kid(n, 1);
    if (node.kind == Kind::Eq && !isPlainVar(p, var))
        std::swap(var, lit);
    if (!isPlainVar(p, var) || !isConstant(p, lit))
        return std::nullopt;
    IndexPin pin;
    pin.var = static_cast<Var>(p.node(var).aux);
    const Value &c = constantOf(p, lit);
    if (node.kind == Kind::Eq) {
        auto key = pinKey(c);
        if (!key)
            return std::nullopt;
        pin.keys.push_back(std::move(*key));
        return pin;
    }
    if (!c.isList())
        return std::nullopt; // `in` a string or map is not equality
    for (const auto &e : c.toList()) {
        auto key = pinKey(e);
        if (!key)
            return std::nullopt;
        if (std::find(pin.keys.begin(), pin.keys.end(), *key) == pin.keys.end())
            pin.keys.push_back(std::move(*key));
    }
    return pin;
}

// Whether evaluating the node can never fail: comparisons for equality or
// membership in a literal list between variables and literals, and 'not',
// 'and', 'or' of such (their operands are always bools).
bool cannotFail(const Program &p, std::int32_t n)
{
    const Node &node = p.node(n);
    if (node.constant >= 0)
        return constantOf(p, n).isBool();
    auto operand = [&](std::int32_t k) { return isConstant(p, k) || isPlainVar(p, k); };
    switch (node.kind) {
    case Kind::Eq:
    case Kind::Ne: return operand(p.kid(n, 0)) && operand(p.kid(n, 1));
    case Kind::In:
    case Kind::NotIn:
        return operand(p.kid(n, 0)) && isConstant(p, p.kid(n, 1)) && constantOf(p, p.kid(n, 1)).isList();
    case Kind::Not: return cannotFail(p, p.kid(n, 0));
    case Kind::And:
    case Kind::Or:
        for (std::int32_t i = 0; i < node.kidCount; ++i)
            if (!cannotFail(p, p.kid(n, i)))
                return false;
        return true;
    default: return false;
    }
}

// Walks the conjuncts of n in evaluation order ('and' short-circuits left
// to right), collecting pins until a conjunct that may fail: a pin after it
// could turn an evaluation error into a plain false.
bool collectPins(const Program &p, std::int32_t n, std::vector<IndexPin> &pins)
{
    const Node &node = p.node(n);
    if (node.constant < 0 && node.kind == Kind::And) {
        for (std::int32_t i = 0; i < node.kidCount; ++i)
            if (!collectPins(p, p.kid(n, i), pins))
                return false;
        return true;
    }
    if (auto pin = pinOf(p, n)) {
        pins.push_back(std::move(*pin));
        return true;
    }
    return cannotFail(p, n);
}

const std::string &emptyString()
{
    static const std::string s;
    return s;
}

} // namespace

Condition Condition::compile(
    std::string_view text, Trigger trigger, pii::PiiTypeSet defaultPii, std::vector<ConditionDiagnostic> &diagnostics)
{
    auto d = std::make_shared<Private>();
    d->text = std::string(text);
    d->trigger = trigger;
    d->program.defaultPii = defaultPii;
    d->program.regexCache = std::make_shared<RegexCache>();
    Condition c;
    c.d = d;

    const int length = static_cast<int>(std::min<size_t>(text.size(), 0x7fffffff));
    if (text.size() > static_cast<size_t>(kMaxTextLength)) {
        ConditionDiagnostic diag;
        diag.code = "E078";
        diag.range = {kMaxTextLength, length};
        diag.message = "condition is too long (" + std::to_string(text.size()) + " bytes; the limit is "
            + std::to_string(kMaxTextLength) + ")";
        diagnostics.push_back(std::move(diag));
        return c;
    }
    if (!Parser(d->text, d->program, diagnostics).parse())
        return c;
    const bool checked = Checker(d->program, trigger, diagnostics).run();
    d->canonical = Printer(d->program).render(d->program.root);
    if (!checked)
        return c;
    d->valid = true;
    const Node &root = d->program.node(d->program.root);
    if (root.constant >= 0 && d->program.consts[static_cast<size_t>(root.constant)].isBool())
        d->constant = d->program.consts[static_cast<size_t>(root.constant)].toBool();
    collectUses(d->program, d->program.root, d->variables, d->usesPii, d->usesSafetyScore);
    if (!d->constant) {
        collectPins(d->program, d->program.root, d->pins);
        d->wholePin = d->pins.size() == 1 && pinOf(d->program, d->program.root).has_value();
    }
    d->canFail = !cannotFail(d->program, d->program.root);
    return c;
}

Condition::Condition() = default;
Condition::~Condition() = default;
Condition::Condition(Condition &&) noexcept = default;
Condition &Condition::operator=(Condition &&) noexcept = default;
Condition::Condition(const Condition &) = default;
Condition &Condition::operator=(const Condition &) = default;

bool Condition::isValid() const
{
    return d && d->valid;
}
const std::string &Condition::text() const
{
    return d ? d->text : emptyString();
}
std::optional<bool> Condition::constantValue() const
{
    return isValid() ? d->constant : std::nullopt;
}
std::string Condition::canonical() const
{
    return d ? d->canonical : std::string();
}
std::vector<Var> Condition::variables() const
{
    return isValid() ? d->variables : std::vector<Var>();
}
const std::vector<IndexPin> &Condition::indexPins() const
{
    static const std::vector<IndexPin> none;
    return isValid() ? d->pins : none;
}
const IndexPin *Condition::wholePin() const
{
    return isValid() && d->wholePin ? &d->pins.front() : nullptr;
}
bool Condition::canFail() const
{
    return !isValid() || d->canFail;
}
bool Condition::usesPii() const
{
    return isValid() && d->usesPii;
}
bool Condition::usesSafetyScore() const
{
    return isValid() && d->usesSafetyScore;
}

EvalResult Condition::evaluate(const EvalContext &ctx) const
{
    EvalResult result;
    if (isValid() && !d->program.paths.empty())
        result.reads.reserve(std::min<size_t>(d->program.paths.size(), 4));
    auto outcome = evaluate(ctx, result.reads);
    result.ok = outcome.ok;
    result.value = outcome.value;
    result.error = std::move(outcome.error);
    return result;
}

EvalOutcome Condition::evaluate(const EvalContext &ctx, std::vector<Read> &reads, bool explainPii) const
{
    EvalOutcome result;
    if (!isValid()) {
        result.ok = false;
        result.error = "the condition has errors and cannot be evaluated";
        return result;
    }
    const Program &p = d->program;
    Evaluator ev(p, &ctx, &reads, explainPii);
    Value scratch;
    const Value *v = nullptr;
    try {
        v = ev.eval(p.root, scratch);
    } catch (const std::exception &e) {
        // A detector or scorer that fails (e.g. out of memory in Hyperscan)
        // is an evaluation error: the engine fails closed on it.
        result.ok = false;
        result.error = e.what();
        return result;
    }
    if (!v) {
        result.ok = false;
        result.error = ev.error();
    } else if (!v->isBool()) {
        result.ok = false;
        result.error = "the condition evaluated to " + std::string(v->typeName()) + ", not a bool";
    } else {
        result.value = v->toBool();
    }
    return result;
}

} // namespace osh::cond
