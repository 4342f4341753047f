#pragma once
// Loopback origins and clients for the inspection tests and benchmark: an
// HTTPS (or plain HTTP) origin on 127.0.0.1 with a certificate from a test
// CA the test makes itself, which records every request it receives and
// answers each with a small JSON body; and a client that opens a CONNECT
// tunnel through the proxy and speaks TLS over it, trusting whichever CA
// the test gives it. Nothing connects anywhere but 127.0.0.1.

#include "network/httpmessage.h"
#include "network/sessionca.h"
#include "network/tlsstream.h"

#include "networktestutil.h"

#include <QTemporaryFile>

#include <atomic>
#include <fcntl.h>
#include <mutex>
#include <thread>

namespace osh::nettest {

// Writes pem to a temporary file kept as long as the object.
class PemFile
{
public:
    explicit PemFile(const std::string &pem)
    {
        m_file.open();
        m_file.write(pem.data(), static_cast<qint64>(pem.size()));
        m_file.flush();
    }
    std::string path() const { return m_file.fileName().toStdString(); }

private:
    QTemporaryFile m_file;
};

class InspectOrigin
{
public:
    // certHost: the name the origin's certificate is minted for; tls false: plain HTTP.
    InspectOrigin(bool tls, const std::string &certHost, std::string responseBody = "{\"ok\":true}")
        : m_tls(tls), m_body(std::move(responseBody))
    {
        std::string error;
        m_ca = runtime::SessionCa::create("Test origin CA", &error);
        if (tls)
            m_ctx = m_ca->serverContext(certHost, &error);
        m_listen = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        int one = 1;
        ::setsockopt(m_listen, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        ::bind(m_listen, reinterpret_cast<sockaddr *>(&a), sizeof a);
        ::listen(m_listen, 64);
        socklen_t len = sizeof a;
        ::getsockname(m_listen, reinterpret_cast<sockaddr *>(&a), &len);
        m_port = ntohs(a.sin_port);
        m_thread = std::thread([this] { serve(); });
    }
    ~InspectOrigin()
    {
        m_stop = true;
        ::shutdown(m_listen, SHUT_RDWR);
        m_thread.join();
        for (auto &t : m_conns)
            t.join();
        ::close(m_listen);
    }
    std::uint16_t port() const { return m_port; }
    std::string caPem() const { return m_ca->certificatePem(); }
    int accepted() const { return m_accepted.load(); }
    int served() const { return m_served.load(); }
    // Off: requests are counted, not kept (benchmarks send gigabytes).
    std::atomic<bool> keepRequests{true};
    // Extra header lines for every response (set before the first request).
    std::string extraHeaders;
    std::vector<runtime::HttpMessage> requests()
    {
        std::lock_guard l(m_mutex);
        return m_requests;
    }

private:
    void serve()
    {
        for (;;) {
            const int fd = ::accept4(m_listen, nullptr, nullptr, SOCK_CLOEXEC);
            if (fd < 0 || m_stop) {
                if (fd >= 0)
                    ::close(fd);
                return;
            }
            ++m_accepted;
            m_conns.emplace_back([this, fd] { connection(fd); });
        }
    }
    void connection(int fd)
    {
        std::unique_ptr<runtime::ByteStream> s;
        std::string error;
        if (m_tls) {
            std::string sni;
            s = runtime::TlsStream::accept(fd, m_ctx, 3000, &sni, &error);
            if (!s) {
                ::close(fd);
                return;
            }
        } else {
            s = std::make_unique<runtime::PlainStream>(fd);
        }
        std::string in;
        runtime::HttpMessageParser p(runtime::HttpMessageParser::Kind::Request, 64 * 1024, std::int64_t(1) << 30);
        for (;;) {
            if (!in.empty())
                in.erase(0, p.feed(in));
            if (p.status() == runtime::HttpMessageParser::Status::HeadComplete) {
                p.resume();
                continue;
            }
            if (p.status() == runtime::HttpMessageParser::Status::Error)
                return;
            if (p.status() == runtime::HttpMessageParser::Status::Complete) {
                runtime::HttpMessage m = p.take();
                const bool close = !m.keepAlive;
                ++m_served;
                if (keepRequests) {
                    std::lock_guard l(m_mutex);
                    m_requests.push_back(m);
                }
                const std::string out = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n" + extraHeaders
                    + "Content-Length: " + std::to_string(m_body.size()) + "\r\n\r\n" + m_body;
                if (!s->writeAll(out, 3000, &error) || close)
                    return;
                continue;
            }
            char b[65536];
            const long n = s->read(b, sizeof b, 3000, &error);
            if (n <= 0)
                return;
            in.append(b, static_cast<std::size_t>(n));
        }
    }

    bool m_tls;
    std::string m_body;
    std::unique_ptr<runtime::SessionCa> m_ca;
    std::shared_ptr<SSL_CTX> m_ctx;
    int m_listen = -1;
    std::uint16_t m_port = 0;
    std::atomic<bool> m_stop{false};
    std::atomic<int> m_accepted{0};
    std::atomic<int> m_served{0};
    std::thread m_thread;
    std::vector<std::thread> m_conns;
    std::mutex m_mutex;
    std::vector<runtime::HttpMessage> m_requests;
};

// A client of the proxy: CONNECT host:port, then TLS trusting caFile (the
// proxy's session CA, or anything else to play a client that pins its own).
class TunnelClient
{
public:
    TunnelClient(std::uint16_t proxyPort, const std::string &host, std::uint16_t port, const std::string &caFile,
                 const std::string &sni = {})
    {
        Client c = Client::tcp(proxyPort);
        if (!c.ok())
            return;
        c.send("CONNECT " + host + ":" + std::to_string(port) + " HTTP/1.1\r\nHost: " + host + ":"
               + std::to_string(port) + "\r\n\r\n");
        connectAnswer = c.readUntil("\r\n\r\n");
        if (connectAnswer.rfind("HTTP/1.1 200", 0) != 0)
            return;
        const int fd = ::dup(c.fd());
        c.close();
        ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
        auto ctx = runtime::SessionCa::upstreamContext(caFile, &error);
        m_stream = runtime::TlsStream::connect(fd, ctx, sni.empty() ? host : sni, 5000, &error);
        if (!m_stream)
            ::close(fd);
    }
    bool ok() const { return m_stream != nullptr; }
    // Sends raw bytes and reads one response (head and Content-Length body).
    std::string exchange(const std::string &request)
    {
        if (!m_stream || !m_stream->writeAll(request, 5000, &error))
            return {};
        return readResponse();
    }
    std::string readResponse()
    {
        for (;;) {
            const auto end = m_buf.find("\r\n\r\n");
            if (end != std::string::npos) {
                std::size_t len = 0;
                const auto p = m_buf.find("Content-Length: ");
                if (p != std::string::npos && p < end)
                    len = std::stoul(m_buf.substr(p + 16));
                if (m_buf.size() >= end + 4 + len) {
                    std::string out = m_buf.substr(0, end + 4 + len);
                    m_buf.erase(0, end + 4 + len);
                    return out;
                }
            }
            char b[65536];
            const long n = m_stream->read(b, sizeof b, 5000, &error);
            if (n <= 0)
                return std::exchange(m_buf, {});
            m_buf.append(b, static_cast<std::size_t>(n));
        }
    }
    std::string connectAnswer;
    std::string error;

private:
    std::unique_ptr<runtime::ByteStream> m_stream;
    std::string m_buf;
};

} // namespace osh::nettest
