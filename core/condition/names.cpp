#include "names.h"

#include "builtins.h"
#include "model/trigger.h"
#include "util/strings.h"

#include <algorithm>

namespace osh::cond::names {

namespace {

std::string_view prefixOf(std::string_view dotted)
{
    const auto dot = dotted.find('.');
    return dot == std::string_view::npos ? std::string_view() : dotted.substr(0, dot);
}

} // namespace

bool isNamespace(std::string_view name)
{
    if (name.empty())
        return false;
    return std::any_of(
        allVars().begin(), allVars().end(), [name](const VarInfo &vi) { return prefixOf(vi.name) == name; });
}

std::string joinedMembers(std::string_view ns)
{
    std::string s;
    for (const auto &vi : allVars()) {
        if (prefixOf(vi.name) != ns)
            continue;
        if (!s.empty())
            s += ", ";
        s += vi.name;
    }
    return s;
}

const std::vector<std::string_view> &allVarNames()
{
    static const std::vector<std::string_view> names = [] {
        std::vector<std::string_view> v;
        for (const auto &vi : allVars())
            v.push_back(vi.name);
        return v;
    }();
    return names;
}

const std::vector<std::string_view> &topLevelNames()
{
    static const std::vector<std::string_view> names = [] {
        std::vector<std::string_view> v;
        for (const auto &vi : allVars()) {
            const auto p = prefixOf(vi.name);
            const auto top = p.empty() ? vi.name : p;
            if (std::find(v.begin(), v.end(), top) == v.end())
                v.push_back(top);
        }
        for (const auto f : funcNames())
            v.push_back(f);
        for (const std::string_view lit : {"true", "false", "null"})
            v.push_back(lit);
        return v;
    }();
    return names;
}

std::string lowercaseLiteral(std::string_view name)
{
    if (name == "None")
        return "null";
    std::string lower = toLowerAscii(name);
    if (lower != name && (lower == "true" || lower == "false" || lower == "null"))
        return lower;
    return {};
}

} // namespace osh::cond::names
