// Checker: resolving names to variables, and reporting unknown names with a
// suggestion or variables the trigger does not provide.

#include "checker.h"

#include "names.h"
#include "util/strings.h"

namespace osh::cond {

namespace {

} // namespace

std::string Checker::providedVarsText() const
{
    std::string s;
    for (const auto &vi : allVars()) {
        if (!triggerProvides(m_trigger, vi.var))
            continue;
        if (!s.empty())
            s += ", ";
        s += vi.name;
    }
    return s;
}

Checker::Result Checker::resolveVar(std::int32_t n, Var v)
{
    Node &nd = node(n);
    nd.kind = Kind::Var;
    nd.aux = static_cast<std::uint8_t>(v);
    nd.kidCount = 0;
    const VarInfo &vi = varInfo(v);
    setPath(n, std::string(vi.name));
    SType t;
    switch (vi.type) {
    case VarType::String: t = SType::of(TKind::String, vi.nullable); break;
    case VarType::Int: t = SType::of(TKind::Int, vi.nullable); break;
    case VarType::Float: t = SType::of(TKind::Float, vi.nullable); break;
    case VarType::Map: t = SType::of(TKind::Map, vi.nullable); break;
    }
    if (triggerProvides(m_trigger, v))
        return {t, true};
    report("E071", nd.range,
        quoted(vi.name) + " is not available in " + std::string(triggerName(m_trigger)) + " policies; the "
            + std::string(triggerName(m_trigger)) + " trigger provides: " + providedVarsText());
    return {t, false};
}

Checker::Result Checker::checkName(std::int32_t n)
{
    const std::string &name = m_program.names[static_cast<size_t>(node(n).name)];
    if (const auto v = varFromName(name))
        return resolveVar(n, *v);
    const TextRange range = node(n).range;
    if (names::isNamespace(name)) {
        report("E072", range, quoted(name) + " is a namespace, not a value; use one of: " + names::joinedMembers(name));
    } else if (funcFromName(name)) {
        report("E072", range, quoted(name) + " is a function; call it as " + name + "(...)", name + "()");
    } else if (const auto lower = names::lowercaseLiteral(name); !lower.empty()) {
        report("E072", range, "unknown name " + quoted(name) + "; did you mean " + quoted(lower) + "?", lower);
    } else {
        const std::string s = closestMatch(name, names::topLevelNames());
        report(
            "E072", range, "unknown name " + quoted(name) + (s.empty() ? "" : "; did you mean " + quoted(s) + "?"), s);
    }
    return {SType {}, false};
}

// 'session.total_cost' and friends: a namespace name followed by a member.
// True when handled (out is set); false to check the member generically.
bool Checker::resolveNamespaceMember(std::int32_t n, Result &out)
{
    const std::int32_t base = kid(n, 0);
    if (node(base).kind != Kind::Name)
        return false;
    const std::string &root = m_program.names[static_cast<size_t>(node(base).name)];
    const std::string &key = m_program.names[static_cast<size_t>(node(n).name)];
    const bool ns = names::isNamespace(root);
    if (!ns && (varFromName(root) || funcFromName(root) || !names::lowercaseLiteral(root).empty()))
        return false;
    const std::string dotted = root + "." + key;
    if (const auto v = varFromName(dotted)) {
        out = resolveVar(n, *v);
        return true;
    }
    const std::string s = closestMatch(dotted, names::allVarNames());
    if (!ns && s.empty())
        return false; // an unknown root: report it with its own suggestion
    std::string message = "unknown variable " + quoted(dotted);
    if (!s.empty())
        message += "; did you mean " + quoted(s) + "?";
    else
        message += "; " + root + " has: " + names::joinedMembers(root);
    report("E072", node(n).range, std::move(message), s);
    out = {SType {}, false};
    return true;
}

} // namespace osh::cond
