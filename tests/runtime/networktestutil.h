#pragma once
// Loopback-only helpers for the network guardian tests and benchmark: a
// canned TLS ClientHello, origin servers on 127.0.0.1 that count what they
// receive, and a blocking client. Nothing here ever connects anywhere but
// 127.0.0.1 or a Unix socket.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdint>
#include <chrono>
#include <cstring>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

namespace osh::nettest {

inline void put16(std::string &s, std::size_t v)
{
    s += static_cast<char>((v >> 8) & 0xff);
    s += static_cast<char>(v & 0xff);
}

// A minimal TLS 1.3-style ClientHello record; sni empty: no server_name.
inline std::string clientHello(std::string_view sni)
{
    std::string ext;
    if (!sni.empty()) {
        std::string list;
        list += '\0';
        put16(list, sni.size());
        list += sni;
        std::string body;
        put16(body, list.size());
        body += list;
        put16(ext, 0);
        put16(ext, body.size());
        ext += body;
    }
    put16(ext, 0x2b); // supported_versions: TLS 1.3
    put16(ext, 3);
    ext += "\x02\x03\x04";
    std::string hello = std::string("\x03\x03", 2) + std::string(32, '\x42');
    hello += '\0';                              // session id
    hello += std::string("\x00\x02\x13\x01", 4); // one cipher suite
    hello += std::string("\x01\x00", 2);        // null compression
    put16(hello, ext.size());
    hello += ext;
    std::string hs;
    hs += '\x01';
    hs += static_cast<char>((hello.size() >> 16) & 0xff);
    put16(hs, hello.size() & 0xffff);
    hs += hello;
    std::string rec = std::string("\x16\x03\x01", 3);
    put16(rec, hs.size());
    return rec + hs;
}

inline void setTimeouts(int fd, int ms)
{
    timeval tv{ms / 1000, (ms % 1000) * 1000};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
}

inline bool sendAll(int fd, std::string_view data)
{
    while (!data.empty()) {
        const auto n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
        if (n <= 0)
            return false;
        data.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
}

// A blocking client with a read buffer; every read times out.
class Client
{
public:
    static Client tcp(std::uint16_t port, int timeoutMs = 5000)
    {
        Client c;
        c.m_fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_port = htons(port);
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        int one = 1;
        ::setsockopt(c.m_fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        setTimeouts(c.m_fd, timeoutMs);
        if (::connect(c.m_fd, reinterpret_cast<sockaddr *>(&a), sizeof a) != 0)
            c.close();
        return c;
    }
    static Client unix(const std::string &path, int timeoutMs = 5000)
    {
        Client c;
        c.m_fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_un a{};
        a.sun_family = AF_UNIX;
        std::memcpy(a.sun_path, path.data(), std::min(path.size(), sizeof a.sun_path - 1));
        setTimeouts(c.m_fd, timeoutMs);
        if (::connect(c.m_fd, reinterpret_cast<sockaddr *>(&a), sizeof a) != 0)
            c.close();
        return c;
    }
    Client() = default;
    Client(Client &&o) noexcept : m_fd(std::exchange(o.m_fd, -1)), m_buf(std::move(o.m_buf)) {}
    Client &operator=(Client &&o) noexcept
    {
        close();
        m_fd = std::exchange(o.m_fd, -1);
        m_buf = std::move(o.m_buf);
        return *this;
    }
    ~Client() { close(); }
    bool ok() const { return m_fd >= 0; }
    int fd() const { return m_fd; }
    void close()
    {
        if (m_fd >= 0)
            ::close(std::exchange(m_fd, -1));
    }
    bool send(std::string_view d) { return m_fd >= 0 && sendAll(m_fd, d); }
    void shutdownWrite() { ::shutdown(m_fd, SHUT_WR); }

    // Reads until delim (included), EOF or timeout; returns what was read.
    std::string readUntil(std::string_view delim)
    {
        for (;;) {
            if (auto p = m_buf.find(delim); p != std::string::npos) {
                std::string out = m_buf.substr(0, p + delim.size());
                m_buf.erase(0, p + delim.size());
                return out;
            }
            if (!fill())
                return std::exchange(m_buf, {});
        }
    }
    std::string readExactly(std::size_t n)
    {
        while (m_buf.size() < n)
            if (!fill())
                break;
        std::string out = m_buf.substr(0, std::min(n, m_buf.size()));
        m_buf.erase(0, out.size());
        return out;
    }
    // Reads to EOF; false when the read timed out instead.
    bool readToEof(std::string &out)
    {
        for (;;) {
            char b[65536];
            const auto n = ::recv(m_fd, b, sizeof b, 0);
            if (n > 0) {
                m_buf.append(b, static_cast<std::size_t>(n));
                continue;
            }
            out = std::exchange(m_buf, {});
            return n == 0 || (n < 0 && errno == ECONNRESET);
        }
    }
    // Bytes read past the last readUntil/readExactly.
    std::string takeBuffered() { return std::exchange(m_buf, {}); }
    // The proxy's answer to a request: the head and the body.
    std::string response()
    {
        std::string head = readUntil("\r\n\r\n");
        const auto p = head.find("Content-Length: ");
        if (p == std::string::npos)
            return head;
        return head + readExactly(static_cast<std::size_t>(std::stoul(head.substr(p + 16))));
    }

private:
    bool fill()
    {
        if (m_fd < 0)
            return false;
        char b[65536];
        const auto n = ::recv(m_fd, b, sizeof b, 0);
        if (n <= 0)
            return false;
        m_buf.append(b, static_cast<std::size_t>(n));
        return true;
    }
    int m_fd = -1;
    std::string m_buf;
};

// An origin server on 127.0.0.1: one thread per connection running handler.
class OriginServer
{
public:
    using Handler = std::function<void(int fd, OriginServer &self)>;
    explicit OriginServer(Handler handler) : m_handler(std::move(handler))
    {
        m_fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        int one = 1;
        ::setsockopt(m_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        ::bind(m_fd, reinterpret_cast<sockaddr *>(&a), sizeof a);
        ::listen(m_fd, 512);
        socklen_t len = sizeof a;
        ::getsockname(m_fd, reinterpret_cast<sockaddr *>(&a), &len);
        m_port = ntohs(a.sin_port);
        m_accept = std::thread([this] { acceptLoop(); });
    }
    ~OriginServer()
    {
        m_stop = true;
        ::shutdown(m_fd, SHUT_RDWR);
        m_accept.join();
        {
            std::lock_guard l(m_mutex);
            for (int fd : m_conns)
                ::shutdown(fd, SHUT_RDWR);
        }
        for (auto &t : m_threads)
            t.join();
        for (int fd : m_conns)
            ::close(fd);
        ::close(m_fd);
    }
    std::uint16_t port() const { return m_port; }
    int connections() const { return m_connections.load(); }
    long long bytesReceived() const { return m_bytes.load(); }
    std::string received() const
    {
        std::lock_guard l(m_mutex);
        return m_text;
    }
    // For handlers: a recv that records what arrived.
    ssize_t recv(int fd, char *buf, std::size_t n)
    {
        const auto r = ::recv(fd, buf, n, 0);
        if (r > 0) {
            m_bytes += r;
            std::lock_guard l(m_mutex);
            if (m_text.size() < 1 << 20)
                m_text.append(buf, static_cast<std::size_t>(r));
        }
        return r;
    }

private:
    void acceptLoop()
    {
        for (;;) {
            const int c = ::accept4(m_fd, nullptr, nullptr, SOCK_CLOEXEC);
            if (c < 0 || m_stop) {
                if (c >= 0)
                    ::close(c);
                return;
            }
            ++m_connections;
            int one = 1;
            ::setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
            std::lock_guard l(m_mutex);
            m_conns.push_back(c);
            m_threads.emplace_back([this, c] {
                m_handler(c, *this);
                ::shutdown(c, SHUT_RDWR);
            });
        }
    }
    Handler m_handler;
    int m_fd = -1;
    std::uint16_t m_port = 0;
    std::atomic<bool> m_stop{false};
    std::atomic<int> m_connections{0};
    std::atomic<long long> m_bytes{0};
    mutable std::mutex m_mutex;
    std::string m_text;
    std::vector<int> m_conns; // closed by the destructor, after the threads
    std::vector<std::thread> m_threads;
    std::thread m_accept;
};

// Handlers.
inline void echoHandler(int fd, OriginServer &s)
{
    char b[65536];
    for (;;) {
        const auto n = s.recv(fd, b, sizeof b);
        if (n <= 0 || !sendAll(fd, std::string_view(b, static_cast<std::size_t>(n))))
            return;
    }
}

inline void sinkHandler(int fd, OriginServer &s)
{
    char b[1 << 16];
    while (s.recv(fd, b, sizeof b) > 0) {
    }
}

inline OriginServer::Handler burstHandler(std::size_t bytes)
{
    return [bytes](int fd, OriginServer &) {
        std::string chunk(65536, 'r');
        std::size_t left = bytes;
        while (left > 0) {
            const auto n = std::min(left, chunk.size());
            if (!sendAll(fd, std::string_view(chunk.data(), n)))
                return;
            left -= n;
        }
        char b[256];
        while (::recv(fd, b, sizeof b, 0) > 0) {
        }
    };
}

} // namespace osh::nettest
