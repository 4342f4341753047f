// Checker: built-in function calls (arity, argument types, literal regular
// expressions and PII type names).

#include "checker.h"

#include "names.h"
#include "printer.h"
#include "regexcache.h"
#include "util/strings.h"

namespace osh::cond {

namespace {

std::string arityText(const FuncSpec &spec)
{
    if (spec.minArgs == spec.maxArgs)
        return std::to_string(spec.minArgs) + (spec.minArgs == 1 ? " argument" : " arguments");
    return std::to_string(spec.minArgs) + " or " + std::to_string(spec.maxArgs) + " arguments";
}

SType returnType(Func f)
{
    switch (f) {
    case Func::PiiCount:
    case Func::Len: return SType::of(TKind::Int);
    case Func::SafetyScore: return SType::of(TKind::Float);
    case Func::Lower:
    case Func::Upper: return SType::of(TKind::String);
    default: return SType::of(TKind::Bool);
    }
}

} // namespace

Checker::Result Checker::checkCall(std::int32_t n)
{
    const std::int32_t callee = kid(n, 0);
    const std::int32_t argc = node(n).kidCount - 1;
    std::vector<Result> args;
    bool ok = true;
    for (std::int32_t i = 0; i < argc; ++i) {
        args.push_back(check(kid(n, i + 1)));
        ok = ok && args.back().ok;
    }
    if (node(callee).kind != Kind::Name) {
        report("E072", node(callee).range, "only built-in functions can be called");
        return {SType {}, false};
    }
    const std::string &name = m_program.names[static_cast<size_t>(node(callee).name)];
    const auto f = funcFromName(name);
    if (!f) {
        if (varFromName(name) || names::isNamespace(name)) {
            report("E072", node(callee).range, quoted(name) + " is not a function");
        } else {
            const std::string s = closestMatch(name, funcNames());
            report("E072", node(callee).range,
                "unknown function " + quoted(name) + (s.empty() ? "" : "; did you mean " + quoted(s) + "?"), s);
        }
        return {SType {}, false};
    }
    node(n).aux = static_cast<std::uint8_t>(*f);
    const FuncSpec &spec = funcSpec(*f);
    if (argc < spec.minArgs || argc > spec.maxArgs) {
        TextRange range = node(n).range;
        if (argc > spec.maxArgs)
            range = {node(kid(n, spec.maxArgs + 1)).full.begin, node(kid(n, argc)).full.end};
        report("E074", range,
            std::string(spec.name) + "() takes " + arityText(spec) + " (" + std::to_string(argc) + " given)");
        return {returnType(*f), false};
    }
    ok = checkCallArguments(n, *f, args) && ok;
    if (ok && spec.foldable && allKidsConst(n, 1))
        ok = fold(n);
    return {returnType(*f), ok};
}

bool Checker::checkCallArguments(std::int32_t n, Func f, const std::vector<Result> &args)
{
    const FuncSpec &spec = funcSpec(f);
    const std::string fname = std::string(spec.name) + "()";
    auto expect = [&](int i, bool good, std::string_view what) {
        if (good)
            return true;
        const std::string position = spec.maxArgs == 1 ? std::string() : " as argument " + std::to_string(i + 1);
        report("E073", node(kid(n, i + 1)).range,
            fname + " expects " + std::string(what) + position + ", got "
                + typeName(args[static_cast<size_t>(i)].type));
        return false;
    };
    auto isString = [&](int i) { return args[static_cast<size_t>(i)].type.accepts(TKind::String); };
    switch (f) {
    case Func::ContainsPii:
    case Func::PiiCount: {
        // Any value: lists and maps are searched inside, numbers as text,
        // null and booleans hold none (a missing text is common).
        bool ok = true;
        if (args.size() == 2)
            ok = checkPiiTypes(n, kid(n, 2), args[1].type) && ok;
        else
            node(n).extra = m_program.defaultPii.bits();
        // The name its findings are traced under (Read::pii): the call's
        // canonical text, "contains_pii(tool.args.body)".
        node(n).path = static_cast<std::int32_t>(m_program.paths.size());
        m_program.paths.push_back(Printer(m_program).render(n));
        return ok;
    }
    case Func::SafetyScore:
    case Func::Lower:
    case Func::Upper: return expect(0, isString(0), "a string");
    case Func::Len: {
        const SType t = args[0].type;
        return expect(
            0, t.isAny() || t.is(TKind::String) || t.is(TKind::List) || t.is(TKind::Map), "a string, list or map");
    }
    case Func::StartsWith:
    case Func::EndsWith: {
        const bool a = expect(0, isString(0), "a string");
        return expect(1, isString(1), "a string") && a;
    }
    case Func::Matches: {
        const bool a = expect(0, isString(0), "a string");
        return checkRegex(n, kid(n, 2), args[1].type) && a;
    }
    }
    return true;
}

// The types list of contains_pii/pii_count: checked now when it is constant.
bool Checker::checkPiiTypes(std::int32_t n, std::int32_t listNode, SType listType)
{
    const std::string fname = std::string(funcSpec(static_cast<Func>(node(n).aux)).name) + "()";
    if (!listType.accepts(TKind::List)) {
        std::string suggestion;
        if (isConst(listNode) && constValue(listNode).isString())
            suggestion = "[" + std::string(Printer::quote(constValue(listNode).toString())) + "]";
        report("E073", node(listNode).range,
            fname + " expects a list of PII type names as argument 2, got " + typeName(listType), suggestion);
        return false;
    }
    if (!isConst(listNode)) {
        if (listType.elem != TKind::Any && listType.elem != TKind::String) {
            report("E073", node(listNode).range, "PII type names are strings, got a " + typeName(listType));
            return false;
        }
        node(n).extra = -1; // converted at evaluation
        return true;
    }
    const auto &items = constValue(listNode).toList();
    const bool literal
        = node(listNode).kind == Kind::List && node(listNode).kidCount == static_cast<std::int32_t>(items.size());
    pii::PiiTypeSet set;
    bool ok = true;
    for (size_t i = 0; i < items.size(); ++i) {
        const TextRange range
            = literal ? node(kid(listNode, static_cast<std::int32_t>(i))).range : node(listNode).range;
        if (!items[i].isString()) {
            report("E073", range, "PII type names are strings, got " + std::string(items[i].typeName()));
            ok = false;
            continue;
        }
        const std::string &name = items[i].toString();
        if (const auto t = pii::typeFromName(name)) {
            set.add(*t);
            continue;
        }
        // Inside the quotes, so the suggestion can replace the range as is.
        TextRange nameRange = range;
        if (literal && node(kid(listNode, static_cast<std::int32_t>(i))).kind == Kind::Literal)
            nameRange = {range.begin + 1, range.end - 1};
        const auto all = pii::allTypeNames();
        const std::string s = closestMatch(name, all);
        std::string message = "unknown PII type " + quoted(name);
        if (!s.empty()) {
            message += "; did you mean " + quoted(s) + "?";
        } else {
            message += " (known types:";
            for (const auto t : all)
                message += " " + std::string(t);
            message += ")";
        }
        report("E076", nameRange, std::move(message), s);
        ok = false;
    }
    node(n).extra = set.bits();
    return ok;
}

// A constant pattern is compiled once, now; others at evaluation (cached).
bool Checker::checkRegex(std::int32_t n, std::int32_t patternNode, SType patternType)
{
    if (!patternType.accepts(TKind::String)) {
        report(
            "E073", node(patternNode).range, "matches() expects a string as argument 2, got " + typeName(patternType));
        return false;
    }
    if (!isConst(patternNode))
        return true;
    std::string error;
    auto re = RegexCache::compile(constValue(patternNode).toString(), error);
    if (!re) {
        report("E075", node(patternNode).range, "invalid regular expression: " + error);
        return false;
    }
    node(n).extra = static_cast<std::int64_t>(m_program.regexes.size());
    m_program.regexes.push_back(std::move(re));
    return true;
}

} // namespace osh::cond
