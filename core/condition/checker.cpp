#include "checker.h"

#include "evaluator.h"
#include "listindex.h"
#include "printer.h"

namespace osh::cond {

namespace {

SType typeOfValue(const Value &v)
{
    switch (v.type()) {
    case Value::Type::Null: return SType::of(TKind::Null);
    case Value::Type::Bool: return SType::of(TKind::Bool);
    case Value::Type::Int: return SType::of(TKind::Int);
    case Value::Type::Float: return SType::of(TKind::Float);
    case Value::Type::String: return SType::of(TKind::String);
    case Value::Type::Map: return SType::of(TKind::Map);
    case Value::Type::List: {
        const auto &l = v.toList();
        TKind elem = l.empty() ? TKind::Any : typeOfValue(l.front()).kind;
        for (const auto &e : l)
            elem = unifyKinds(elem, typeOfValue(e).kind);
        return SType::listOf(elem == TKind::Null ? TKind::Any : elem);
    }
    }
    return SType {};
}

std::string_view opName(Kind k)
{
    switch (k) {
    case Kind::Add: return "+";
    case Kind::Sub: return "-";
    case Kind::Mul: return "*";
    case Kind::Div: return "/";
    case Kind::Mod: return "%";
    case Kind::Lt: return "<";
    case Kind::Le: return "<=";
    case Kind::Gt: return ">";
    case Kind::Ge: return ">=";
    case Kind::And: return "and";
    case Kind::Or: return "or";
    case Kind::In: return "in";
    case Kind::NotIn: return "not in";
    default: return "?";
    }
}

bool foldableKind(Kind k)
{
    return k != Kind::Literal && k != Kind::Name && k != Kind::Var && k != Kind::Call;
}

} // namespace

std::string quoted(std::string_view s)
{
    return "'" + std::string(s) + "'";
}

Checker::Checker(Program &program, Trigger trigger, std::vector<ConditionDiagnostic> &diagnostics)
    : m_program(program)
    , m_trigger(trigger)
    , m_diagnostics(diagnostics)
{ }

bool Checker::run()
{
    const Result r = check(m_program.root);
    if (!r.type.accepts(TKind::Bool)) {
        const Node &root = node(m_program.root);
        report("E077", root.range,
            "the condition must be a bool expression, but this is " + typeName(r.type)
                + (r.type.isNumber() ? " (compare it, e.g. '... > 0')" : ""));
    }
    return !m_errors;
}

void Checker::report(
    std::string_view code, TextRange range, std::string message, std::string suggestion, Severity severity)
{
    if (severity == Severity::Error)
        m_errors = true;
    ConditionDiagnostic d;
    d.code = std::string(code);
    d.severity = severity;
    d.range = range;
    d.message = std::move(message);
    d.suggestion = std::move(suggestion);
    m_diagnostics.push_back(std::move(d));
}

const Value &Checker::constValue(std::int32_t n) const
{
    return m_program.consts[static_cast<size_t>(m_program.node(n).constant)];
}

bool Checker::allKidsConst(std::int32_t n, std::int32_t from) const
{
    const Node &nd = m_program.node(n);
    for (std::int32_t i = from; i < nd.kidCount; ++i)
        if (!isConst(kid(n, i)))
            return false;
    return true;
}

// Evaluates a node whose operands are all constants; an error here would
// happen on every request, so it is reported now.
bool Checker::fold(std::int32_t n)
{
    Evaluator ev(m_program, nullptr, nullptr);
    Value scratch;
    const Value *v = ev.eval(n, scratch);
    if (!v) {
        report("E073", node(n).range, ev.error());
        return false;
    }
    node(n).constant = static_cast<std::int32_t>(m_program.consts.size());
    m_program.consts.push_back(*v);
    return true;
}

Checker::Result Checker::check(std::int32_t n)
{
    Result r;
    switch (node(n).kind) {
    case Kind::Literal: return {typeOfValue(constValue(n)), true};
    case Kind::Name: return checkName(n);
    case Kind::Var: return resolveVar(n, static_cast<Var>(node(n).aux));
    case Kind::Call: return checkCall(n);
    case Kind::List: r = checkList(n); break;
    case Kind::Member: r = checkMember(n); break;
    case Kind::Index: r = checkIndex(n); break;
    case Kind::Neg: r = checkNeg(n); break;
    case Kind::Not: r = checkNot(n); break;
    case Kind::Eq:
    case Kind::Ne: r = checkEquality(n); break;
    case Kind::Lt:
    case Kind::Le:
    case Kind::Gt:
    case Kind::Ge: r = checkOrdering(n); break;
    case Kind::In:
    case Kind::NotIn: r = checkMembership(n); break;
    case Kind::And:
    case Kind::Or: r = checkLogic(n); break;
    default: r = checkArithmetic(n); break;
    }
    if (r.ok && !isConst(n) && foldableKind(node(n).kind) && allKidsConst(n))
        r.ok = fold(n);
    return r;
}

void Checker::setPath(std::int32_t n, const std::string &path)
{
    auto it = m_pathIds.find(path);
    if (it == m_pathIds.end()) {
        it = m_pathIds.emplace(path, static_cast<std::int32_t>(m_program.paths.size())).first;
        m_program.paths.push_back(path);
    }
    node(n).path = it->second;
    node(n).record = true;
}

Checker::Result Checker::checkMember(std::int32_t n)
{
    Result r;
    if (resolveNamespaceMember(n, r))
        return r;
    const std::int32_t base = kid(n, 0);
    const Result b = check(base);
    const std::string &key = m_program.names[static_cast<size_t>(node(n).name)];
    if (!b.type.accepts(TKind::Map) && !b.type.isNull()) {
        report("E073", node(n).range, "cannot access member " + quoted(key) + " of " + typeName(b.type));
        return {SType {}, false};
    }
    if (node(base).path >= 0) {
        setPath(n, m_program.paths[static_cast<size_t>(node(base).path)] + Printer::memberSuffix(key));
        node(base).record = false;
    }
    return {SType::of(TKind::Any, true), b.ok};
}

Checker::Result Checker::checkIndex(std::int32_t n)
{
    const std::int32_t base = kid(n, 0);
    const std::int32_t key = kid(n, 1);
    const Result b = check(base);
    const Result k = check(key);
    const bool ok = b.ok && k.ok;
    const SType bt = b.type;
    const SType kt = k.type;
    // x['to'] on a map is x.to: same read path, same canonical text.
    if (node(key).kind == Kind::Literal && constValue(key).isString() && (bt.accepts(TKind::Map) || bt.isNull())) {
        Node &nd = node(n);
        nd.kind = Kind::Member;
        nd.kidCount = 1;
        nd.name = static_cast<std::int32_t>(m_program.names.size());
        m_program.names.push_back(constValue(key).toString());
        if (node(base).path >= 0) {
            setPath(n,
                m_program.paths[static_cast<size_t>(node(base).path)] + Printer::memberSuffix(m_program.names.back()));
            node(base).record = false;
        }
        return {SType::of(TKind::Any, true), ok};
    }
    const TextRange keyRange = node(key).range;
    if (bt.is(TKind::List)) {
        if (!kt.accepts(TKind::Int)) {
            report("E073", keyRange, "list index must be an int, got " + typeName(kt));
            return {SType {}, false};
        }
        return {SType::of(bt.elem, true), ok};
    }
    if (bt.is(TKind::Map)) {
        if (!kt.accepts(TKind::String)) {
            report("E073", keyRange, "map key must be a string, got " + typeName(kt));
            return {SType {}, false};
        }
        return {SType::of(TKind::Any, true), ok};
    }
    if (bt.isAny() || bt.isNull()) {
        if (!kt.accepts(TKind::Int) && !kt.is(TKind::String)) {
            report("E073", keyRange, "index must be an int or a string, got " + typeName(kt));
            return {SType {}, false};
        }
        return {SType::of(TKind::Any, true), ok};
    }
    report("E073", node(base).range, "cannot index " + typeName(bt) + " (only lists and maps)");
    return {SType {}, false};
}

Checker::Result Checker::checkList(std::int32_t n)
{
    bool ok = true;
    TKind elem = TKind::Any;
    for (std::int32_t i = 0; i < node(n).kidCount; ++i) {
        const Result r = check(kid(n, i));
        ok = ok && r.ok;
        const TKind k = r.type.nullable || r.type.isNull() ? TKind::Any : r.type.kind;
        elem = i == 0 ? k : unifyKinds(elem, k);
    }
    return {SType::listOf(elem), ok};
}

Checker::Result Checker::checkNeg(std::int32_t n)
{
    const std::int32_t operand = kid(n, 0);
    const Result r = check(operand);
    if (!r.type.numberOrAny()) {
        report("E073", node(operand).range, "'-' needs a number, got " + typeName(r.type));
        return {SType {}, false};
    }
    return {SType::of(r.type.kind), r.ok};
}

Checker::Result Checker::checkNot(std::int32_t n)
{
    const std::int32_t operand = kid(n, 0);
    const Result r = check(operand);
    if (!r.type.accepts(TKind::Bool)) {
        report("E073", node(operand).range, "'not' needs a bool, got " + typeName(r.type));
        return {SType::of(TKind::Bool), false};
    }
    return {SType::of(TKind::Bool), r.ok};
}

Checker::Result Checker::checkArithmetic(std::int32_t n)
{
    const Kind kind = node(n).kind;
    const std::int32_t l = kid(n, 0);
    const std::int32_t r = kid(n, 1);
    const Result a = check(l);
    const Result b = check(r);
    const SType at = a.type;
    const SType bt = b.type;
    bool ok = a.ok && b.ok;
    const std::string op(opName(kind));
    if (kind == Kind::Add && !(at.numberOrAny() && bt.numberOrAny())) {
        if (at.accepts(TKind::String) && bt.accepts(TKind::String))
            return {SType::of(TKind::String), ok};
        if (at.accepts(TKind::List) && bt.accepts(TKind::List))
            return {SType::listOf(at.isAny() ? bt.elem : bt.isAny() ? at.elem : unifyKinds(at.elem, bt.elem)), ok};
        report("E073", node(n).range,
            "cannot add " + typeName(at) + " and " + typeName(bt)
                + " ('+' needs two numbers, two strings or two lists)");
        return {SType {}, false};
    }
    if (!at.numberOrAny() || !bt.numberOrAny()) {
        const std::int32_t bad = at.numberOrAny() ? r : l;
        report("E073", node(bad).range, "'" + op + "' needs numbers, got " + typeName(at.numberOrAny() ? bt : at));
        return {SType {}, false};
    }
    if ((kind == Kind::Div || kind == Kind::Mod) && isConst(r) && constValue(r).isNumber()
        && constValue(r).toNumber() == 0.0) {
        report("E073", node(n).range, kind == Kind::Div ? "division by zero" : "modulo by zero");
        ok = false;
    }
    if (kind == Kind::Div)
        return {SType::of(TKind::Float), ok};
    if (at.isAny() || bt.isAny())
        return {SType {}, ok};
    return {SType::of(at.is(TKind::Int) && bt.is(TKind::Int) ? TKind::Int : TKind::Float), ok};
}

Checker::Result Checker::checkEquality(std::int32_t n)
{
    const Result a = check(kid(n, 0));
    const Result b = check(kid(n, 1));
    const SType at = a.type;
    const SType bt = b.type;
    const bool eq = node(n).kind == Kind::Eq;
    if (at.isNull() || bt.isNull()) {
        const SType other = at.isNull() ? bt : at;
        if (other.isNull())
            report("W079", node(n).range, std::string("comparing null with null is always ") + (eq ? "true" : "false"),
                {}, Severity::Warning);
        else if (!other.isAny() && !other.nullable)
            report("W079", node(n).range,
                "comparison with null is always " + std::string(eq ? "false" : "true") + ": a " + typeName(other)
                    + " is never null",
                {}, Severity::Warning);
    } else if (!comparableKinds(at.kind, bt.kind)) {
        report("E073", node(n).range, "cannot compare " + typeName(at) + " with " + typeName(bt));
        return {SType::of(TKind::Bool), false};
    }
    return {SType::of(TKind::Bool), a.ok && b.ok};
}

Checker::Result Checker::checkOrdering(std::int32_t n)
{
    const std::int32_t l = kid(n, 0);
    const std::int32_t r = kid(n, 1);
    const Result a = check(l);
    const Result b = check(r);
    const SType at = a.type;
    const SType bt = b.type;
    const std::string op(opName(node(n).kind));
    const Result result {SType::of(TKind::Bool), a.ok && b.ok};
    if (at.isNull() || bt.isNull()) {
        report("W079", node(n).range, "ordering comparison with null is always false", {}, Severity::Warning);
        return result;
    }
    auto orderable = [](SType t) { return t.isAny() || t.isNumber() || t.is(TKind::String); };
    if (!orderable(at) || !orderable(bt)) {
        const std::int32_t bad = orderable(at) ? r : l;
        report("E073", node(bad).range,
            "'" + op + "' cannot order " + std::string(kindName((orderable(at) ? bt : at).kind))
                + " values (only numbers and strings)");
        return {SType::of(TKind::Bool), false};
    }
    if (!at.isAny() && !bt.isAny() && unifyKinds(at.kind, bt.kind) == TKind::Any) {
        report("E073", node(n).range, "cannot compare " + typeName(at) + " with " + typeName(bt));
        return {SType::of(TKind::Bool), false};
    }
    return result;
}

Checker::Result Checker::checkMembership(std::int32_t n)
{
    const std::int32_t l = kid(n, 0);
    const std::int32_t r = kid(n, 1);
    const Result a = check(l);
    const Result b = check(r);
    const SType at = a.type;
    const SType bt = b.type;
    const bool in = node(n).kind == Kind::In;
    const Result result {SType::of(TKind::Bool), a.ok && b.ok};
    const Result failed {SType::of(TKind::Bool), false};
    if (bt.isAny())
        return result;
    if (bt.isNull()) {
        report("W079", node(n).range,
            std::string("'") + (in ? "in" : "not in") + "' with null on the right is always " + (in ? "false" : "true"),
            {}, Severity::Warning);
        return result;
    }
    if (bt.is(TKind::String)) {
        if (!at.accepts(TKind::String) && !at.isNull()) {
            report("E073", node(l).range, "looking for " + typeName(at) + " in a string (needs a string)");
            return failed;
        }
        return result;
    }
    if (bt.is(TKind::List)) {
        if (!at.isNull() && !at.nullable && !comparableKinds(at.kind, bt.elem)) {
            report("E073", node(n).range, "cannot look for " + typeName(at) + " in a " + typeName(bt));
            return failed;
        }
        if (isConst(r) && constValue(r).toList().size() >= ListIndex::kMinSize) {
            node(n).extra = static_cast<std::int64_t>(m_program.listIndexes.size());
            m_program.listIndexes.push_back(std::make_shared<const ListIndex>(constValue(r)));
        }
        return result;
    }
    if (bt.is(TKind::Map)) {
        if (!at.accepts(TKind::String) && !at.isNull()) {
            report("E073", node(l).range, "map keys are strings, got " + typeName(at));
            return failed;
        }
        return result;
    }
    report("E073", node(r).range, "'in' needs a list, string or map on the right, got " + typeName(bt));
    return failed;
}

Checker::Result Checker::checkLogic(std::int32_t n)
{
    const Kind kind = node(n).kind;
    bool ok = true;
    bool allBool = true;
    for (std::int32_t i = 0; i < node(n).kidCount; ++i) {
        const std::int32_t k = kid(n, i);
        const Result r = check(k);
        ok = ok && r.ok;
        allBool = allBool && r.type.is(TKind::Bool);
        if (!r.type.accepts(TKind::Bool)) {
            report("E073", node(k).range,
                "'" + std::string(opName(kind)) + "' needs bool operands, got " + typeName(r.type));
            ok = false;
        }
    }
    // 'x or true' is true whatever x is (and 'x and false' false) once every
    // operand is known to be a bool: nothing is left to decide at run time.
    if (ok && allBool && !allKidsConst(n)) {
        const bool dominant = kind == Kind::Or;
        for (std::int32_t i = 0; i < node(n).kidCount; ++i) {
            const std::int32_t k = kid(n, i);
            if (isConst(k) && constValue(k).toBool() == dominant) {
                node(n).constant = static_cast<std::int32_t>(m_program.consts.size());
                m_program.consts.emplace_back(dominant);
                break;
            }
        }
    }
    return {SType::of(TKind::Bool), ok};
}

} // namespace osh::cond
