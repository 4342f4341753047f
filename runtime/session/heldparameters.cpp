#include "heldparameters.h"

namespace osh::runtime {

HeldParameters &HeldParameters::instance()
{
    static HeldParameters held;
    return held;
}

bool HeldParameters::hold(const std::string &sessionId, std::int64_t approvalId, std::string parametersJson)
{
    const std::lock_guard lock(m_mutex);
    const auto key = std::make_pair(sessionId, approvalId);
    if (const auto it = m_held.find(key); it != m_held.end()) {
        m_bytes -= it->second.size();
        m_held.erase(it);
    }
    if (parametersJson.size() > kMaxEach || m_bytes + parametersJson.size() > kMaxTotal)
        return false;
    m_bytes += parametersJson.size();
    m_held.emplace(key, std::move(parametersJson));
    return true;
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
    if (const auto it = m_held.find({sessionId, approvalId}); it != m_held.end()) {
        m_bytes -= it->second.size();
        m_held.erase(it);
    }
}

std::size_t HeldParameters::size() const
{
    const std::lock_guard lock(m_mutex);
    return m_held.size();
}

} // namespace osh::runtime
