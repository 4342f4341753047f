#include "tunnelrelay.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

namespace osh::runtime {

namespace {
constexpr std::int64_t kWantedPipeSize = 1 << 20;
constexpr std::int64_t kCopyChunk = 256 * 1024;
} // namespace

struct TunnelRelay::Direction
{
    int src = -1;
    int dst = -1;
    int pipeR = -1;
    int pipeW = -1;
    std::int64_t pipeCap = 65536;
    bool useSplice = true;
    std::string buf;    // prefix, or the copy buffer when splice is unavailable
    std::size_t bufOff = 0;
    std::int64_t inPipe = 0;
    std::int64_t count = 0;
    std::int64_t limit = -1;
    std::int64_t end = -1;
    bool srcDone = false;
    bool ended = false; // stopped at `end`: the peer keeps its write side
    bool shut = false;
    const char *name = "";
    std::string limitText;

    bool drained() const { return srcDone && inPipe == 0 && bufOff >= buf.size(); }
};

struct TunnelRelay::Tunnel
{
    Direction up;
    Direction down;
    std::function<void(const TunnelResult &)> done;
    bool closed = false;
    bool cut = false;
    std::string reason;
};

TunnelRelay::TunnelRelay()
{
    m_epoll = ::epoll_create1(EPOLL_CLOEXEC);
    m_wake = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.ptr = nullptr;
    ::epoll_ctl(m_epoll, EPOLL_CTL_ADD, m_wake, &ev);
    m_thread = std::thread([this] { run(); });
}

TunnelRelay::~TunnelRelay()
{
    m_stop = true;
    const std::uint64_t one = 1;
    [[maybe_unused]] auto w = ::write(m_wake, &one, sizeof one);
    m_thread.join();
    for (Tunnel *t : m_tunnels) {
        t->reason = "proxy shut down";
        finish(t);
        delete t;
    }
    for (auto &spec : m_pending) {
        ::close(spec.clientFd);
        ::close(spec.serverFd);
    }
    ::close(m_wake);
    ::close(m_epoll);
}

void TunnelRelay::add(TunnelSpec spec)
{
    {
        std::lock_guard lock(m_mutex);
        m_pending.push_back(std::move(spec));
    }
    ++m_active;
    const std::uint64_t one = 1;
    [[maybe_unused]] auto w = ::write(m_wake, &one, sizeof one);
}

void TunnelRelay::start(Tunnel *t)
{
    for (Direction *d : {&t->up, &t->down}) {
        int p[2];
        if (::pipe2(p, O_NONBLOCK | O_CLOEXEC) == 0) {
            d->pipeR = p[0];
            d->pipeW = p[1];
            ::fcntl(d->pipeW, F_SETPIPE_SZ, static_cast<int>(kWantedPipeSize));
            const int size = ::fcntl(d->pipeW, F_GETPIPE_SZ);
            if (size > 0)
                d->pipeCap = size;
        } else {
            d->useSplice = false;
        }
    }
    m_tunnels.push_back(t);
    for (int fd : {t->up.src, t->down.src}) {
        epoll_event ev{};
        ev.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET;
        ev.data.ptr = t;
        ::epoll_ctl(m_epoll, EPOLL_CTL_ADD, fd, &ev);
    }
    for (Direction *d : {&t->up, &t->down}) {
        if (d->limit >= 0 && d->count > d->limit) {
            t->cut = true;
            t->reason = d->limitText + " exceeded";
            finish(t);
            return;
        }
    }
    pump(t);
}

bool TunnelRelay::pumpDirection(Tunnel *t, Direction &d)
{
    const auto fail = [&](const char *what, int err) {
        t->reason = std::string(what) + " (" + d.name + "): " + std::strerror(err);
        return false;
    };
    for (;;) {
        bool progress = false;
        while (d.bufOff < d.buf.size()) {
            const auto n = ::send(d.dst, d.buf.data() + d.bufOff, d.buf.size() - d.bufOff, MSG_NOSIGNAL | MSG_DONTWAIT);
            if (n > 0) {
                d.bufOff += static_cast<std::size_t>(n);
                progress = true;
            } else if (n < 0 && errno == EINTR) {
                continue;
            } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
                break;
            } else {
                return fail("write failed", errno);
            }
        }
        if (d.bufOff < d.buf.size())
            break; // the destination is full; EPOLLOUT resumes us
        d.buf.clear();
        d.bufOff = 0;

        while (d.inPipe > 0) {
            const auto n = ::splice(d.pipeR, nullptr, d.dst, nullptr, static_cast<std::size_t>(d.inPipe),
                                    SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
            if (n > 0) {
                d.inPipe -= n;
                progress = true;
            } else if (n < 0 && errno == EINTR) {
                continue;
            } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
                break;
            } else if (n < 0 && errno == EINVAL) {
                // The destination cannot be spliced to: drain the pipe into the copy buffer.
                d.useSplice = false;
                d.buf.resize(static_cast<std::size_t>(d.inPipe));
                const auto r = ::read(d.pipeR, d.buf.data(), d.buf.size());
                d.buf.resize(r > 0 ? static_cast<std::size_t>(r) : 0);
                d.inPipe = 0;
                progress = true;
                break;
            } else {
                return fail("write failed", n < 0 ? errno : EPIPE);
            }
        }
        if (d.inPipe > 0 || d.bufOff < d.buf.size()) {
            if (!progress)
                break;
            continue;
        }

        if (!d.srcDone) {
            std::int64_t want = d.useSplice ? d.pipeCap : kCopyChunk;
            if (d.limit >= 0)
                want = std::min(want, d.limit - d.count + 1);
            if (d.end >= 0) {
                if (d.count >= d.end) {
                    d.srcDone = true;
                    d.ended = true;
                }
                want = std::min(want, d.end - d.count);
            }
            if (!d.srcDone) {
                ssize_t n;
                if (d.useSplice) {
                    n = ::splice(d.src, nullptr, d.pipeW, nullptr, static_cast<std::size_t>(want),
                                 SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
                    if (n < 0 && errno == EINVAL) {
                        d.useSplice = false;
                        continue;
                    }
                    if (n > 0)
                        d.inPipe += n;
                } else {
                    d.buf.resize(static_cast<std::size_t>(want));
                    n = ::recv(d.src, d.buf.data(), d.buf.size(), MSG_DONTWAIT);
                    d.buf.resize(n > 0 ? static_cast<std::size_t>(n) : 0);
                }
                if (n > 0) {
                    d.count += n;
                    progress = true;
                    if (d.limit >= 0 && d.count > d.limit) {
                        t->cut = true;
                        t->reason = d.limitText + " exceeded";
                        return false;
                    }
                } else if (n == 0) {
                    d.srcDone = true;
                } else if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
                    return fail("read failed", errno);
                }
            }
        }
        if (!progress)
            break;
    }
    if (d.drained() && !d.ended && !d.shut) {
        ::shutdown(d.dst, SHUT_WR);
        d.shut = true;
    }
    return true;
}

void TunnelRelay::pump(Tunnel *t)
{
    if (t->closed)
        return;
    if (!pumpDirection(t, t->up) || !pumpDirection(t, t->down)) {
        finish(t);
        return;
    }
    if (t->up.drained() && t->down.drained()) {
        t->reason = "closed";
        finish(t);
    }
}

void TunnelRelay::finish(Tunnel *t)
{
    if (t->closed)
        return;
    t->closed = true;
    ::epoll_ctl(m_epoll, EPOLL_CTL_DEL, t->up.src, nullptr);
    ::epoll_ctl(m_epoll, EPOLL_CTL_DEL, t->down.src, nullptr);
    for (int fd : {t->up.src, t->down.src, t->up.pipeR, t->up.pipeW, t->down.pipeR, t->down.pipeW})
        if (fd >= 0)
            ::close(fd);
    TunnelResult r;
    r.bytesUp = t->up.count;
    r.bytesDown = t->down.count;
    r.cut = t->cut;
    r.reason = t->reason;
    if (t->done)
        t->done(r);
    --m_active;
}

void TunnelRelay::run()
{
    std::vector<epoll_event> events(256);
    while (!m_stop) {
        const int n = ::epoll_wait(m_epoll, events.data(), static_cast<int>(events.size()), -1);
        if (n < 0 && errno != EINTR)
            break;
        for (int i = 0; i < n; ++i) {
            auto *t = static_cast<Tunnel *>(events[static_cast<std::size_t>(i)].data.ptr);
            if (t) {
                pump(t);
                continue;
            }
            std::uint64_t v;
            [[maybe_unused]] auto r = ::read(m_wake, &v, sizeof v);
            std::vector<TunnelSpec> specs;
            {
                std::lock_guard lock(m_mutex);
                specs.swap(m_pending);
            }
            for (auto &s : specs) {
                auto *nt = new Tunnel;
                nt->up.src = s.clientFd;
                nt->up.dst = s.serverFd;
                nt->up.buf = std::move(s.upPrefix);
                nt->up.limit = s.maxUp;
                nt->up.count = s.upCounted;
                nt->up.end = s.upEnd;
                nt->up.name = "client to destination";
                nt->up.limitText = std::move(s.upLimitText);
                nt->down.src = s.serverFd;
                nt->down.dst = s.clientFd;
                nt->down.buf = std::move(s.downPrefix);
                nt->down.limit = s.maxDown;
                nt->down.count = s.downCounted;
                nt->down.name = "destination to client";
                nt->down.limitText = std::move(s.downLimitText);
                nt->done = std::move(s.done);
                start(nt);
            }
        }
        // Delete finished tunnels only after the batch: later events may name them.
        auto it = std::partition(m_tunnels.begin(), m_tunnels.end(), [](Tunnel *t) { return !t->closed; });
        for (auto j = it; j != m_tunnels.end(); ++j)
            delete *j;
        m_tunnels.erase(it, m_tunnels.end());
    }
}

} // namespace osh::runtime
