#pragma once
// A fixed LCG rather than <random> engines: identical generated text on
// every platform and run, so figures from different runs compare.

#include <cstdint>
#include <iterator>

namespace osh::bench {

class Lcg
{
public:
    explicit Lcg(std::uint64_t seed)
        : m_state(seed)
    { }
    std::uint32_t next()
    {
        m_state = m_state * 6364136223846793005ULL + 1442695040888963407ULL;
        return static_cast<std::uint32_t>(m_state >> 33);
    }
    std::uint32_t below(std::uint32_t n) { return next() % n; }
    bool chance(std::uint32_t percent) { return below(100) < percent; }
    template<typename C> const auto &pick(const C &c) { return c[below(static_cast<std::uint32_t>(std::size(c)))]; }

private:
    std::uint64_t m_state;
};

} // namespace osh::bench
