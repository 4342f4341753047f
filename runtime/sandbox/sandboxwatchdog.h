#pragma once
// The last line behind a session's wall time: a thread of its own that, if
// the session is still running a few seconds past its limit, kills every
// process in the session's cgroup and the runtime itself. The wall timer on
// the event loop normally ends the session first; this one holds even when
// that event loop is stuck, so a session always ends.

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

namespace osh::runtime {

class SandboxWatchdog
{
public:
    SandboxWatchdog() = default;
    ~SandboxWatchdog() { disarm(); }
    SandboxWatchdog(const SandboxWatchdog &) = delete;
    SandboxWatchdog &operator=(const SandboxWatchdog &) = delete;

    // After `after`, calls `kill` on the watchdog's thread unless disarmed.
    void arm(std::chrono::milliseconds after, std::function<void()> kill);
    // Cancels the kill and waits for the thread; safe to call twice.
    void disarm();
    bool fired() const;

private:
    std::thread m_thread;
    mutable std::mutex m_lock;
    std::condition_variable m_wake;
    bool m_cancelled = false;
    bool m_fired = false;
};

} // namespace osh::runtime
