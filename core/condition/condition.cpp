#include "condition.h"

#include "ast.h"
#include "builtins.h"
#include "checker.h"
#include "evaluator.h"
#include "parser.h"
#include "printer.h"
#include "regexcache.h"

#include <algorithm>
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

EvalOutcome Condition::evaluate(const EvalContext &ctx, std::vector<Read> &reads) const
{
    EvalOutcome result;
    if (!isValid()) {
        result.ok = false;
        result.error = "the condition has errors and cannot be evaluated";
        return result;
    }
    const Program &p = d->program;
    Evaluator ev(p, &ctx, &reads);
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
