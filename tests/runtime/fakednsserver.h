#pragma once
// A DNS server for the network guardian tests: UDP port 53 on a loopback
// address of its own (127.x.y.z, picked at random so that concurrent test
// runs do not collide; binding port 53 needs root), answering A and AAAA
// queries from a table and recording every name it was asked. Tests point
// the policy's allowed_dns_servers at it, so no query ever leaves loopback.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cctype>
#include <cstdint>
#include <map>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

namespace osh::nettest {

class FakeDnsServer
{
public:
    FakeDnsServer()
    {
        std::random_device rd;
        for (int attempt = 0; attempt < 50 && m_fd < 0; ++attempt) {
            const std::uint32_t host = 0x7f000000u | (rd() & 0x00ffff00u) | (2 + rd() % 250);
            if ((host & 0x00ffff00u) == 0)
                continue; // 127.0.0.x: the host's own stub resolvers live there
            const int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
            sockaddr_in a{};
            a.sin_family = AF_INET;
            a.sin_port = htons(53);
            a.sin_addr.s_addr = htonl(host);
            if (::bind(fd, reinterpret_cast<sockaddr *>(&a), sizeof a) == 0) {
                m_fd = fd;
                char buf[INET_ADDRSTRLEN] = {};
                ::inet_ntop(AF_INET, &a.sin_addr, buf, sizeof buf);
                m_address = buf;
            } else {
                ::close(fd);
            }
        }
        if (m_fd >= 0)
            m_thread = std::thread([this] { serve(); });
    }
    ~FakeDnsServer()
    {
        m_stop = true;
        if (m_thread.joinable())
            m_thread.join();
        if (m_fd >= 0)
            ::close(m_fd);
    }
    bool ok() const { return m_fd >= 0; }
    // The address to put in allowed_dns_servers.
    const std::string &address() const { return m_address; }

    // The answer for name: IPv4 addresses answer A queries, IPv6 AAAA ones.
    // Names not in the table get NXDOMAIN.
    void set(const std::string &name, std::vector<std::string> addresses)
    {
        std::lock_guard l(m_mutex);
        m_table[name] = std::move(addresses);
    }
    // Every name asked, in order (lower-case, without the trailing dot).
    std::vector<std::string> queries() const
    {
        std::lock_guard l(m_mutex);
        return m_queries;
    }
    bool asked(const std::string &name) const
    {
        for (const auto &q : queries())
            if (q == name)
                return true;
        return false;
    }

private:
    void serve()
    {
        while (!m_stop) {
            pollfd p{m_fd, POLLIN, 0};
            if (::poll(&p, 1, 50) <= 0)
                continue;
            unsigned char in[1500];
            sockaddr_storage from{};
            socklen_t fromLen = sizeof from;
            const auto n = ::recvfrom(m_fd, in, sizeof in, 0, reinterpret_cast<sockaddr *>(&from), &fromLen);
            if (n < 12)
                continue;
            const std::string out = answer(in, static_cast<std::size_t>(n));
            if (!out.empty())
                ::sendto(m_fd, out.data(), out.size(), 0, reinterpret_cast<sockaddr *>(&from), fromLen);
        }
    }

    std::string answer(const unsigned char *q, std::size_t n)
    {
        // The question: labels, then type and class.
        std::size_t pos = 12;
        std::string name;
        while (pos < n && q[pos] != 0) {
            const std::size_t len = q[pos];
            if (len > 63 || pos + 1 + len > n)
                return {};
            if (!name.empty())
                name += '.';
            for (std::size_t i = 0; i < len; ++i)
                name += static_cast<char>(std::tolower(q[pos + 1 + i]));
            pos += 1 + len;
        }
        if (pos + 5 > n)
            return {};
        const std::size_t questionEnd = pos + 5;
        const int type = (q[pos + 1] << 8) | q[pos + 2];

        std::vector<std::string> addresses;
        bool known = false;
        {
            std::lock_guard l(m_mutex);
            m_queries.push_back(name);
            if (auto it = m_table.find(name); it != m_table.end()) {
                known = true;
                addresses = it->second;
            }
        }
        std::string records;
        int count = 0;
        for (const auto &a : addresses) {
            unsigned char raw[16];
            const bool v6 = a.find(':') != std::string::npos;
            if ((type == 1 && v6) || (type == 28 && !v6) || ::inet_pton(v6 ? AF_INET6 : AF_INET, a.c_str(), raw) != 1)
                continue;
            const std::size_t len = v6 ? 16 : 4;
            records += std::string("\xc0\x0c", 2); // the name in the question
            records += static_cast<char>(0);
            records += static_cast<char>(type);
            records += std::string("\x00\x01\x00\x00\x00\x3c", 6); // IN, TTL 60
            records += static_cast<char>(0);
            records += static_cast<char>(len);
            records.append(reinterpret_cast<const char *>(raw), len);
            ++count;
        }
        std::string out(reinterpret_cast<const char *>(q), questionEnd);
        out[2] = static_cast<char>(0x80 | (q[2] & 0x01)); // response, RD as asked
        out[3] = static_cast<char>(known ? 0x80 : 0x83);  // RA; NOERROR or NXDOMAIN
        out[4] = 0;
        out[5] = 1; // one question
        out[6] = 0;
        out[7] = static_cast<char>(count);
        out[8] = out[9] = out[10] = out[11] = 0; // no authority, no additional
        return out + records;
    }

    int m_fd = -1;
    std::string m_address;
    std::atomic<bool> m_stop{false};
    mutable std::mutex m_mutex;
    std::map<std::string, std::vector<std::string>> m_table;
    std::vector<std::string> m_queries;
    std::thread m_thread;
};

} // namespace osh::nettest
