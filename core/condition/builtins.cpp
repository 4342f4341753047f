#include "builtins.h"

#include "condition.h"

#include <array>

namespace osh::cond {

namespace {

constexpr std::array<FuncSpec, kFuncCount> kSpecs = {{
    {Func::ContainsPii, "contains_pii", 1, 2, false},
    {Func::PiiCount, "pii_count", 1, 2, false},
    {Func::SafetyScore, "safety_score", 1, 1, false},
    {Func::Len, "len", 1, 1, true},
    {Func::Lower, "lower", 1, 1, true},
    {Func::Upper, "upper", 1, 1, true},
    {Func::StartsWith, "starts_with", 2, 2, true},
    {Func::EndsWith, "ends_with", 2, 2, true},
    {Func::Matches, "matches", 2, 2, true},
}};

} // namespace

const FuncSpec &funcSpec(Func f)
{
    return kSpecs[static_cast<size_t>(f)];
}

std::optional<Func> funcFromName(std::string_view name)
{
    for (const auto &s : kSpecs)
        if (s.name == name)
            return s.func;
    return std::nullopt;
}

std::vector<std::string_view> funcNames()
{
    std::vector<std::string_view> names;
    names.reserve(kSpecs.size());
    for (const auto &s : kSpecs)
        names.push_back(s.name);
    return names;
}

const std::vector<FunctionInfo> &builtinFunctions()
{
    static const std::vector<FunctionInfo> infos = {
        {"contains_pii", "contains_pii(text[, types])",
            "true when text contains PII of the given types (default: the policy's pii_types)"},
        {"pii_count", "pii_count(text[, types])",
            "number of PII matches of the given types (default: the policy's pii_types)"},
        {"safety_score", "safety_score(text)", "safety of text from 0 (unsafe) to 1 (safe)"},
        {"len", "len(x)", "length of a string (code points), list or map"},
        {"lower", "lower(s)", "s in lower case"},
        {"upper", "upper(s)", "s in upper case"},
        {"starts_with", "starts_with(s, prefix)", "true when s begins with prefix"},
        {"ends_with", "ends_with(s, suffix)", "true when s ends with suffix"},
        {"matches", "matches(s, pattern)", "true when the RE2 pattern matches anywhere in s"},
    };
    return infos;
}

} // namespace osh::cond
