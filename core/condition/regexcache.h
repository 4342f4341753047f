#pragma once
// Compiled RE2 patterns for matches() whose pattern is only known at
// evaluation. Bounded, shared by copies of a Condition, safe across threads.

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

namespace re2 {
class RE2;
}

namespace osh::cond {

class RegexCache
{
public:
    // The compiled pattern, or nullptr with error set (RE2's message).
    // maxMemory bounds RE2's program and DFA cache for this pattern.
    static std::shared_ptr<const re2::RE2> compile(
        std::string_view pattern, std::string &error, std::int64_t maxMemory = kPolicyPatternMemory);

    std::shared_ptr<const re2::RE2> get(std::string_view pattern, std::string &error) const;

    // Policy authors' patterns get RE2's default budget; patterns that come
    // with requests are less trusted and each cached one is kept small.
    static constexpr std::int64_t kPolicyPatternMemory = 8 << 20;
    static constexpr std::int64_t kRequestPatternMemory = 1 << 20;

private:
    static constexpr size_t kMaxEntries = 32;

    mutable std::mutex m_mutex;
    // Failures are cached too (as nullptr with their message) so a bad pattern
    // in request data is not recompiled on every evaluation.
    mutable std::map<std::string, std::pair<std::shared_ptr<const re2::RE2>, std::string>, std::less<>> m_entries;
};

} // namespace osh::cond
