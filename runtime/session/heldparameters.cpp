#include "heldparameters.h"

namespace osh::runtime {

HeldParameters &HeldParameters::instance()
{
    static HeldParameters held;
    return held;
}

void HeldParameters::hold(const std::string &sessionId, std::int64_t approvalId, std::string parametersJson)
{
    const std::lock_guard lock(m_mutex);
    m_held[{sessionId, approvalId}] = std::move(parametersJson);
}

std::optional<std::string> HeldParameters::find(const std::string &sessionId, std::int64_t approvalId) const
{
    const std::lock_guard lock(m_mutex);
    const auto it = m_held.find({sessionId, approvalId});
    if (it == m_held.end())
        return std::nullopt;
    return it->second;
}

void HeldParameters::release(const std::string &sessionId, std::int64_t approvalId)
{
    const std::lock_guard lock(m_mutex);
    m_held.erase({sessionId, approvalId});
}

std::size_t HeldParameters::size() const
{
    const std::lock_guard lock(m_mutex);
    return m_held.size();
}

} // namespace osh::runtime
