#include "sessionstate.h"

#include <algorithm>

namespace osh {

namespace {
// Keep at most a day of timestamps per key: no window is longer.
constexpr double kMaxWindow = 86400.0;

// Timestamps are kept sorted (requests normally arrive in time order, so
// insertion is an append), which makes every window count two binary searches.
void insertSorted(std::deque<double> &times, double ts)
{
    if (times.empty() || times.back() <= ts)
        times.push_back(ts);
    else
        times.insert(std::upper_bound(times.begin(), times.end(), ts), ts);
    while (!times.empty() && times.front() < times.back() - kMaxWindow)
        times.pop_front();
}

// Number of times t with lo < t <= hi (or lo <= t when closedLow).
std::int64_t countIn(const std::deque<double> &times, double lo, double hi, bool closedLow)
{
    const auto first = closedLow ? std::lower_bound(times.begin(), times.end(), lo)
                                 : std::upper_bound(times.begin(), times.end(), lo);
    const auto last = std::upper_bound(first, times.end(), hi);
    return static_cast<std::int64_t>(last - first);
}
} // namespace

std::int64_t SessionState::callsInLastMinute(const std::string &tool, double ts) const
{
    const auto it = m_toolCallTimes.find(tool);
    if (it == m_toolCallTimes.end())
        return 0;
    // Earlier calls that started within the 60 s before this one: [ts-60, ts].
    return countIn(it->second, ts - 60.0, ts, true);
}

std::int64_t SessionState::egressInWindow(const std::string &identity, int rule, double ts, double window) const
{
    const auto it = m_egressTimes.find({identity, rule});
    if (it == m_egressTimes.end())
        return 0;
    // Sliding window: connections in (ts - window, ts].
    return countIn(it->second, ts - window, ts, false);
}

std::int64_t SessionState::bytesBelow(const std::string &prefix) const
{
    if (prefix == "/") {
        std::int64_t all = 0;
        for (const auto &[p, s] : m_fileSizes)
            all += s;
        return all;
    }
    std::int64_t total = 0;
    for (auto it = m_fileSizes.lower_bound(prefix); it != m_fileSizes.end(); ++it) {
        const auto &p = it->first;
        if (p.compare(0, prefix.size(), prefix) != 0)
            break;
        if (p.size() == prefix.size() || p[prefix.size()] == '/')
            total += it->second;
    }
    return total;
}

std::int64_t SessionState::fileSize(const std::string &path) const
{
    const auto it = m_fileSizes.find(path);
    return it == m_fileSizes.end() ? 0 : it->second;
}

void SessionState::noteTime(double ts)
{
    if (!m_hasFirstTs) {
        m_firstTs = ts;
        m_hasFirstTs = true;
    }
}

void SessionState::noteToolCall(const std::string &tool, double ts)
{
    ++m_toolCalls;
    insertSorted(m_toolCallTimes[tool], ts);
}

void SessionState::noteEgress(const std::string &identity, int rule, double ts)
{
    insertSorted(m_egressTimes[{identity, rule}], ts);
}

void SessionState::noteFileSize(const std::string &path, std::int64_t size) { m_fileSizes[path] = size; }

void SessionState::noteFileDeleted(const std::string &path) { m_fileSizes.erase(path); }

} // namespace osh
