#pragma once
// The real (unredacted) parameters of actions held for approval, kept only
// in the memory of the process that holds the action, and only while it is
// held: StoreApprovalBroker puts them here when it records an approval and
// takes them out when the approval is decided, expires, times out or its
// session ends. The audit store only ever gets the redacted ones.
//
// One per process, because whoever may show them to an approver runs in the
// same process as the broker but knows nothing of it: openshelld's API
// (GET /v1/approvals, for callers allowed to decide) and the studio's
// approvals dock for sessions the studio runs itself. Keys are the session
// id and the approval id, so sessions writing to different stores in one
// process cannot see each other's entries. Thread-safe.

#include <cstddef>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <utility>

namespace osh::runtime {

class HeldParameters
{
public:
    static HeldParameters &instance();

    // At most kMaxEach bytes for one action (the store keeps 64 KiB of its
    // redacted copy) and kMaxTotal for the process: an agent flooding
    // escalations with large payloads cannot grow the service. Parameters
    // over either are not held; the approver is told they are not available.
    static constexpr std::size_t kMaxEach = 64 * 1024;
    static constexpr std::size_t kMaxTotal = 32 * 1024 * 1024;
    // False (nothing held) over a limit.
    bool hold(const std::string &sessionId, std::int64_t approvalId, std::string parametersJson);
    // The parameters while the approval is held in this process; nullopt otherwise.
    std::optional<std::string> find(const std::string &sessionId, std::int64_t approvalId) const;
    void release(const std::string &sessionId, std::int64_t approvalId);
    std::size_t size() const;

private:
    mutable std::mutex m_mutex;
    std::map<std::pair<std::string, std::int64_t>, std::string> m_held;
    std::size_t m_bytes = 0;
};

} // namespace osh::runtime
