#pragma once
// The built-in function table shared by the checker (names, arity, types),
// the evaluator and editor completion.

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace osh::cond {

enum class Func : std::uint8_t {
    ContainsPii,
    PiiCount,
    SafetyScore,
    Len,
    Lower,
    Upper,
    StartsWith,
    EndsWith,
    Matches,
};
inline constexpr int kFuncCount = 9;

struct FuncSpec
{
    Func func;
    std::string_view name;
    int minArgs;
    int maxArgs;
    bool foldable; // deterministic and cheap: may run at compile time on constants
};

const FuncSpec &funcSpec(Func f);
std::optional<Func> funcFromName(std::string_view name);
std::vector<std::string_view> funcNames();

} // namespace osh::cond
