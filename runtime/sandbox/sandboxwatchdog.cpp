#include "sandbox/sandboxwatchdog.h"

namespace osh::runtime {

void SandboxWatchdog::arm(std::chrono::milliseconds after, std::function<void()> kill)
{
    disarm();
    {
        std::lock_guard<std::mutex> g(m_lock);
        m_cancelled = false;
        m_fired = false;
    }
    const auto deadline = std::chrono::steady_clock::now() + after;
    m_thread = std::thread([this, deadline, kill = std::move(kill)] {
        std::unique_lock<std::mutex> g(m_lock);
        if (m_wake.wait_until(g, deadline, [this] { return m_cancelled; }))
            return;
        m_fired = true;
        g.unlock();
        kill();
    });
}

void SandboxWatchdog::disarm()
{
    {
        std::lock_guard<std::mutex> g(m_lock);
        m_cancelled = true;
    }
    m_wake.notify_all();
    if (m_thread.joinable())
        m_thread.join();
}

bool SandboxWatchdog::fired() const
{
    std::lock_guard<std::mutex> g(m_lock);
    return m_fired;
}

} // namespace osh::runtime
