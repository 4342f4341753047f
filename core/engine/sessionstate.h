#pragma once
// What the engine remembers across the requests of one session, to derive
// the fields a request leaves out (spec section 5): total cost, tool-call
// counts and per-minute rates, elapsed time, egress rate-limit windows and
// the bytes written below each filesystem rule.

#include <cstdint>
#include <deque>
#include <map>
#include <string>
#include <unordered_map>

namespace osh {

class SessionState
{
public:
    explicit SessionState(std::string id = "eval") : m_id(std::move(id)) {}

    const std::string &id() const { return m_id; }
    double totalCost() const { return m_totalCost; }
    std::int64_t toolCalls() const { return m_toolCalls; }
    // Elapsed seconds at ts since the first request's ts (0 without times).
    double elapsedAt(double ts) const { return m_hasFirstTs ? ts - m_firstTs : 0.0; }
    // Earlier calls of tool that started within the 60 s before ts.
    std::int64_t callsInLastMinute(const std::string &tool, double ts) const;
    // Earlier allowed connections of identity under rule within window seconds before ts.
    std::int64_t egressInWindow(const std::string &identity, int rule, double ts, double window) const;
    // Bytes currently recorded below a path prefix (by component).
    std::int64_t bytesBelow(const std::string &prefix) const;
    std::int64_t fileSize(const std::string &path) const;

    // Bookkeeping, called by the engine after each decision.
    void noteTime(double ts);
    void addCost(double cost) { m_totalCost += cost; }
    void noteToolCall(const std::string &tool, double ts);
    void noteEgress(const std::string &identity, int rule, double ts);
    void noteFileSize(const std::string &path, std::int64_t size);
    void noteFileDeleted(const std::string &path);

private:
    std::string m_id;
    double m_totalCost = 0;
    std::int64_t m_toolCalls = 0;
    double m_firstTs = 0;
    bool m_hasFirstTs = false;
    std::unordered_map<std::string, std::deque<double>> m_toolCallTimes;
    std::map<std::pair<std::string, int>, std::deque<double>> m_egressTimes;
    std::map<std::string, std::int64_t> m_fileSizes; // ordered: prefix sums by range
};

} // namespace osh
