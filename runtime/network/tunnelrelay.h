#pragma once
// Relays established tunnels on one dedicated thread: epoll over
// non-blocking sockets, data moved with splice(2) through a pipe per
// direction (no copy through user space), plain read/write when the kernel
// cannot splice the socket type. Counts every byte and cuts a tunnel the
// moment a direction goes over its limit, so the destination never receives
// more than max_request_size_kb and the client never more than
// max_response_size_mb. Half-closes are passed on (FIN one way keeps the
// other way open), so request/response protocols finish cleanly.

#include <atomic>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace osh::runtime {

struct TunnelResult
{
    std::int64_t bytesUp = 0;   // client -> destination, including the prefix
    std::int64_t bytesDown = 0; // destination -> client, including the prefix
    bool cut = false;           // a limit was exceeded
    std::string reason;         // for cut: which limit; otherwise how it ended
};

struct TunnelSpec
{
    int clientFd = -1; // non-blocking; the relay owns and closes both
    int serverFd = -1;
    std::string upPrefix;   // bytes already read from the client, sent first
    std::string downPrefix; // bytes already read from the destination, sent first
    std::int64_t maxUp = -1;   // -1: no limit
    std::int64_t maxDown = -1;
    std::int64_t upEnd = -1;   // stop reading the client after this many bytes (end of an HTTP body)
    // Payload bytes already forwarded before the hand-over or waiting in the
    // prefixes; they count toward the limits and the totals.
    std::int64_t upCounted = 0;
    std::int64_t downCounted = 0;
    std::string upLimitText;   // names the limit in the cut reason
    std::string downLimitText;
    std::function<void(const TunnelResult &)> done; // called on the relay thread
};

class TunnelRelay
{
public:
    TunnelRelay();
    ~TunnelRelay();
    TunnelRelay(const TunnelRelay &) = delete;
    TunnelRelay &operator=(const TunnelRelay &) = delete;

    void add(TunnelSpec spec);
    // Tunnels currently relayed (for tests and shutdown).
    int active() const { return m_active.load(); }

private:
    struct Direction;
    struct Tunnel;
    void run();
    void start(Tunnel *t);
    void pump(Tunnel *t);
    bool pumpDirection(Tunnel *t, Direction &d);
    void finish(Tunnel *t);

    int m_epoll = -1;
    int m_wake = -1;
    std::atomic<bool> m_stop{false};
    std::atomic<int> m_active{0};
    std::mutex m_mutex;
    std::vector<TunnelSpec> m_pending;
    std::vector<Tunnel *> m_tunnels; // owned; touched only by the relay thread
    std::thread m_thread;
};

} // namespace osh::runtime
