#include "httpserver.h"

#include <boost/asio/bind_executor.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/write.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <deque>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>

#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

namespace osh::service {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using boost::system::error_code;

const std::string *HttpRequest::header(const std::string &lowerName) const
{
    const auto it = headers.find(lowerName);
    return it == headers.end() ? nullptr : &it->second;
}

bool percentDecode(std::string_view in, std::string &out, bool plusIsSpace)
{
    out.clear();
    out.reserve(in.size());
    auto hex = [](char c) -> int {
        if (c >= '0' && c <= '9')
            return c - '0';
        if (c >= 'a' && c <= 'f')
            return c - 'a' + 10;
        if (c >= 'A' && c <= 'F')
            return c - 'A' + 10;
        return -1;
    };
    for (std::size_t i = 0; i < in.size(); ++i) {
        const char c = in[i];
        if (c == '%') {
            if (i + 2 >= in.size())
                return false;
            const int hi = hex(in[i + 1]);
            const int lo = hex(in[i + 2]);
            if (hi < 0 || lo < 0)
                return false;
            out += static_cast<char>(hi * 16 + lo);
            i += 2;
        } else if (c == '+' && plusIsSpace) {
            out += ' ';
        } else {
            out += c;
        }
    }
    return true;
}

namespace {

std::string problemBody(int status, const char *slug, const char *title, const std::string &detail)
{
    // Transport-level refusals; the service's own problems are built by the router.
    std::string s = R"({"type":"urn:openshell:problem:)";
    s += slug;
    s += R"(","title":")";
    s += title;
    s += R"(","status":)";
    s += std::to_string(status);
    s += R"(,"detail":")";
    s += detail; // fixed ASCII text, nothing to escape
    s += "\"}";
    return s;
}

class ConnectionBase;

} // namespace

struct HttpServer::Impl : std::enable_shared_from_this<HttpServer::Impl>
{
    Handler handler;
    Limits limits;
    asio::io_context io{1};
    std::vector<std::unique_ptr<asio::local::stream_protocol::acceptor>> unixAcceptors;
    std::vector<std::string> unixPaths;   // created here: removed at stop (empty: not ours)
    std::vector<std::string> adoptedPaths; // passed in by systemd
    std::vector<std::unique_ptr<asio::ip::tcp::acceptor>> tcpAcceptors;
    std::vector<bool> tcpTls; // per TCP acceptor: connections speak TLS
    std::shared_ptr<asio::ssl::context> tls; // the certificate and key, when TLS is configured
    std::uint16_t boundPort = 0;
    std::thread thread;
    std::atomic<bool> stopping{false};
    std::atomic<std::uint64_t> refused{0};
    std::atomic<int> open{0};
    std::uint64_t nextConnection = 0;
    std::mutex admissionLock; // connections may end on any thread
    std::unordered_map<std::string, int> perPeer;
    std::vector<std::weak_ptr<ConnectionBase>> connections;

    void acceptUnix(asio::local::stream_protocol::acceptor &a, const std::string &path);
    void acceptTcp(asio::ip::tcp::acceptor &a, bool tls);
    bool admit(const std::string &key);
    void release(const std::string &key);
    template <class Socket>
    void refuse(Socket socket);
};

namespace {

// One client connection; Protocol is TCP or a Unix socket. Everything runs
// on the I/O thread, except the Exchange's and EventStream's public calls,
// which post onto it.
class ConnectionBase : public std::enable_shared_from_this<ConnectionBase>
{
public:
    virtual ~ConnectionBase() = default;
    virtual void shutdown() = 0;
};

template <class Protocol, bool Tls = false>
class Connection final : public ConnectionBase
{
public:
    using Plain = beast::basic_stream<Protocol, asio::any_io_executor, beast::unlimited_rate_policy>;
    using Stream = std::conditional_t<Tls, beast::ssl_stream<Plain>, Plain>;

    Connection(std::shared_ptr<HttpServer::Impl> server, typename Protocol::socket socket, HttpPeer peer, std::string key)
        requires(!Tls)
        : m_serverRef(std::move(server)), m_server(*m_serverRef), m_stream(std::move(socket)), m_peer(std::move(peer)), m_key(std::move(key))
    {
    }
    Connection(std::shared_ptr<HttpServer::Impl> server, typename Protocol::socket socket, HttpPeer peer, std::string key)
        requires(Tls)
        : m_serverRef(std::move(server)), m_server(*m_serverRef), m_stream(Plain(std::move(socket)), *m_server.tls), m_peer(std::move(peer)),
          m_key(std::move(key))
    {
    }
    ~Connection() override
    {
        m_server.release(m_key);
    }

    void start()
    {
        if constexpr (Tls) {
            // The handshake counts against the same client timeout as a request.
            lowest().expires_after(std::chrono::seconds(m_server.limits.idleSeconds));
            auto self = std::static_pointer_cast<Connection>(this->shared_from_this());
            m_stream.async_handshake(asio::ssl::stream_base::server, [self](error_code ec) {
                if (ec) {
                    self->shutdown();
                    return;
                }
                self->readRequest();
            });
        } else {
            readRequest();
        }
    }

    void shutdown() override
    {
        error_code ec;
        lowest().socket().shutdown(Protocol::socket::shutdown_both, ec);
        lowest().socket().close(ec);
    }

    // --- called from any thread (through the Exchange and the stream) ---
    void post(std::function<void()> fn)
    {
        asio::post(m_stream.get_executor(), [self = this->shared_from_this(), fn = std::move(fn)] { fn(); });
    }

    void respond(HttpResponse r, bool keepAlive)
    {
        auto self = std::static_pointer_cast<Connection>(this->shared_from_this());
        post([self, r = std::move(r), keepAlive]() mutable { self->writeResponse(std::move(r), keepAlive); });
    }

    void openStream(std::vector<std::pair<std::string, std::string>> headers)
    {
        std::string head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\n"
                           "X-Content-Type-Options: nosniff\r\nConnection: close\r\n";
        for (const auto &[k, v] : headers)
            head += k + ": " + v + "\r\n";
        head += "\r\n";
        queueStream(std::move(head));
    }

    bool queueStream(std::string chunk)
    {
        {
            std::lock_guard lock(m_streamLock);
            if (m_streamClosed)
                return false;
            if (m_streamQueued + chunk.size() > EventStream::kMaxQueuedBytes) {
                m_streamClosed = true;
                m_streamOverflow = true;
            } else {
                m_streamQueued += chunk.size();
                m_streamQueue.push_back(std::move(chunk));
            }
        }
        auto self = std::static_pointer_cast<Connection>(this->shared_from_this());
        post([self] { self->pumpStream(); });
        return !m_streamOverflow;
    }

    void closeStream()
    {
        {
            std::lock_guard lock(m_streamLock);
            m_streamClosed = true;
        }
        auto self = std::static_pointer_cast<Connection>(this->shared_from_this());
        post([self] { self->pumpStream(); });
    }

    bool streamOpen() const
    {
        std::lock_guard lock(m_streamLock);
        return !m_streamClosed && !m_gone;
    }

private:
    Plain &lowest() { return beast::get_lowest_layer(m_stream); }

    void readRequest()
    {
        m_parser.emplace();
        m_parser->header_limit(static_cast<std::uint32_t>(m_server.limits.maxHeaderBytes));
        m_parser->body_limit(m_server.limits.maxBodyBytes);
        lowest().expires_after(std::chrono::seconds(m_server.limits.idleSeconds));
        auto self = std::static_pointer_cast<Connection>(this->shared_from_this());
        http::async_read(m_stream, m_buffer, *m_parser, [self](error_code ec, std::size_t) { self->onRead(ec); });
    }

    void onRead(error_code ec)
    {
        if (ec == http::error::end_of_stream || ec == asio::error::eof || ec == beast::error::timeout
            || ec == asio::error::operation_aborted || ec == asio::error::connection_reset) {
            shutdown();
            return;
        }
        if (ec == http::error::body_limit) {
            writeResponse({413, "application/problem+json", {},
                           problemBody(413, "payload-too-large", "Payload Too Large", "the request body is larger than the service accepts")},
                          false);
            return;
        }
        if (ec == http::error::header_limit) {
            writeResponse({431, "application/problem+json", {},
                           problemBody(431, "payload-too-large", "Request Header Fields Too Large", "the request's headers are too large")},
                          false);
            return;
        }
        if (ec) {
            writeResponse({400, "application/problem+json", {},
                           problemBody(400, "invalid-request", "Bad Request", "the request is not valid HTTP/1.1")},
                          false);
            return;
        }
        auto &msg = m_parser->get();
        HttpRequest req;
        req.method = std::string(msg.method_string());
        req.target = std::string(msg.target());
        const auto q = req.target.find('?');
        if (!percentDecode(std::string_view(req.target).substr(0, q), req.path, false) || req.path.empty()
            || req.path.front() != '/' || req.path.find('\0') != std::string::npos) {
            writeResponse({400, "application/problem+json", {},
                           problemBody(400, "invalid-request", "Bad Request", "the request target is not a valid path")},
                          false);
            return;
        }
        if (q != std::string::npos) {
            std::string_view rest = std::string_view(req.target).substr(q + 1);
            while (!rest.empty()) {
                const auto amp = rest.find('&');
                const std::string_view item = rest.substr(0, amp);
                rest = amp == std::string_view::npos ? std::string_view() : rest.substr(amp + 1);
                if (item.empty())
                    continue;
                const auto eq = item.find('=');
                std::string k, v;
                if (!percentDecode(item.substr(0, eq), k, true)
                    || !percentDecode(eq == std::string_view::npos ? std::string_view() : item.substr(eq + 1), v, true)) {
                    writeResponse({400, "application/problem+json", {},
                                   problemBody(400, "invalid-request", "Bad Request", "the query string has a malformed escape")},
                                  false);
                    return;
                }
                req.query.emplace_back(std::move(k), std::move(v));
            }
        }
        for (const auto &f : msg) {
            std::string name(f.name_string());
            for (char &c : name)
                c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
            auto [it, inserted] = req.headers.emplace(std::move(name), std::string(f.value()));
            if (!inserted)
                it->second += ", " + std::string(f.value());
        }
        req.body = std::move(msg.body());
        req.peer = m_peer;
        m_keepAlive = msg.keep_alive();
        m_busy = true;
        // While the handler works, nothing is read: one request at a time per connection.
        lowest().expires_never();
        m_server.handler(std::make_shared<ExchangeImpl>(std::static_pointer_cast<Connection>(this->shared_from_this()),
                                                        std::move(req), m_keepAlive));
    }

    void writeResponse(HttpResponse r, bool keepAlive)
    {
        if (m_gone)
            return;
        auto res = std::make_shared<http::response<http::string_body>>(static_cast<http::status>(r.status), 11);
        res->set(http::field::server, "openshelld");
        if (!r.contentType.empty() && !(r.status == 204 && r.body.empty()))
            res->set(http::field::content_type, r.contentType);
        res->set(http::field::cache_control, "no-store");
        res->set("X-Content-Type-Options", "nosniff");
        for (const auto &[k, v] : r.headers)
            res->set(k, v);
        res->body() = std::move(r.body);
        res->keep_alive(keepAlive && !m_server.stopping.load());
        res->prepare_payload();
        lowest().expires_after(std::chrono::seconds(m_server.limits.writeSeconds));
        auto self = std::static_pointer_cast<Connection>(this->shared_from_this());
        http::async_write(m_stream, *res, [self, res](error_code ec, std::size_t) {
            self->m_busy = false;
            if (ec || !res->keep_alive()) {
                self->shutdown();
                return;
            }
            self->readRequest();
        });
    }

    void pumpStream()
    {
        if (m_writing || m_gone)
            return;
        std::string next;
        bool close = false;
        {
            std::lock_guard lock(m_streamLock);
            if (!m_streamQueue.empty()) {
                next = std::move(m_streamQueue.front());
                m_streamQueue.pop_front();
                m_streamQueued -= next.size();
            } else if (m_streamClosed) {
                close = true;
            }
        }
        if (close || m_streamOverflow) {
            m_gone = true;
            shutdown();
            return;
        }
        if (next.empty())
            return;
        m_writing = true;
        lowest().expires_after(std::chrono::seconds(m_server.limits.writeSeconds * 3));
        auto buf = std::make_shared<std::string>(std::move(next));
        auto self = std::static_pointer_cast<Connection>(this->shared_from_this());
        asio::async_write(m_stream, asio::buffer(*buf), [self, buf](error_code ec, std::size_t) {
            self->m_writing = false;
            if (ec) {
                {
                    std::lock_guard lock(self->m_streamLock);
                    self->m_streamClosed = true;
                }
                self->m_gone = true;
                self->shutdown();
                return;
            }
            self->pumpStream();
        });
    }

    class ExchangeImpl final : public Exchange
    {
    public:
        ExchangeImpl(std::shared_ptr<Connection> c, HttpRequest r, bool keepAlive)
            : m_c(std::move(c)), m_req(std::move(r)), m_keepAlive(keepAlive)
        {
        }
        ~ExchangeImpl() override
        {
            if (!m_done.exchange(true))
                m_c->respond({500, "application/problem+json", {},
                              problemBody(500, "internal", "Internal Server Error", "the request was not answered")},
                             false);
        }
        const HttpRequest &request() const override { return m_req; }
        void respond(HttpResponse r) override
        {
            if (!m_done.exchange(true))
                m_c->respond(std::move(r), m_keepAlive);
        }
        std::shared_ptr<EventStream> openStream(std::vector<std::pair<std::string, std::string>> headers) override
        {
            if (m_done.exchange(true))
                return nullptr;
            m_c->openStream(std::move(headers));
            return std::make_shared<StreamImpl>(m_c);
        }

    private:
        std::shared_ptr<Connection> m_c;
        HttpRequest m_req;
        bool m_keepAlive;
        std::atomic<bool> m_done{false};
    };

    class StreamImpl final : public EventStream
    {
    public:
        explicit StreamImpl(std::shared_ptr<Connection> c) : m_c(std::move(c)) {}
        ~StreamImpl() override { m_c->closeStream(); }
        bool send(std::string chunk) override { return m_c->queueStream(std::move(chunk)); }
        void close() override { m_c->closeStream(); }
        bool isOpen() const override { return m_c->streamOpen(); }

    private:
        std::shared_ptr<Connection> m_c;
    };

    // The server's state outlives every connection, even one an Exchange
    // keeps after the server stopped.
    std::shared_ptr<HttpServer::Impl> m_serverRef;
    HttpServer::Impl &m_server;
    Stream m_stream;
    HttpPeer m_peer;
    std::string m_key;
    beast::flat_buffer m_buffer;
    std::optional<http::request_parser<http::string_body>> m_parser;
    bool m_keepAlive = false;
    bool m_busy = false;
    bool m_writing = false;
    std::atomic<bool> m_gone{false};
    mutable std::mutex m_streamLock;
    std::deque<std::string> m_streamQueue;
    std::size_t m_streamQueued = 0;
    bool m_streamClosed = false;
    std::atomic<bool> m_streamOverflow{false};
};

HttpPeer unixPeer(int fd, const std::string &path)
{
    HttpPeer p;
    p.via = HttpPeer::Via::Unix;
    p.address = path;
    ucred cred{};
    socklen_t len = sizeof cred;
    if (::getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) == 0) {
        p.uid = cred.uid;
        p.gid = cred.gid;
        p.pid = cred.pid;
    }
    // The peer's supplementary groups as they were when it connected.
    std::vector<gid_t> groups(64);
    socklen_t glen = static_cast<socklen_t>(groups.size() * sizeof(gid_t));
    if (::getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, groups.data(), &glen) != 0 && errno == ERANGE) {
        groups.resize(glen / sizeof(gid_t) + 1);
        glen = static_cast<socklen_t>(groups.size() * sizeof(gid_t));
        if (::getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, groups.data(), &glen) != 0)
            glen = 0;
    }
    groups.resize(glen / sizeof(gid_t));
    p.groups = std::move(groups);
    return p;
}

} // namespace

bool HttpServer::Impl::admit(const std::string &key)
{
    std::lock_guard lock(admissionLock);
    if (open.load() >= limits.maxConnections)
        return false;
    int &n = perPeer[key];
    if (n >= limits.maxConnectionsPerPeer)
        return false;
    ++n;
    open.fetch_add(1);
    return true;
}

void HttpServer::Impl::release(const std::string &key)
{
    std::lock_guard lock(admissionLock);
    const auto it = perPeer.find(key);
    if (it != perPeer.end() && --it->second <= 0)
        perPeer.erase(it);
    open.fetch_sub(1);
}

template <class Socket>
void HttpServer::Impl::refuse(Socket socket)
{
    // Too many connections: a short answer, without reading the request.
    refused.fetch_add(1);
    auto s = std::make_shared<Socket>(std::move(socket));
    auto text = std::make_shared<std::string>(
        "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/problem+json\r\nConnection: close\r\nRetry-After: 1\r\n"
        "Content-Length: ");
    const std::string body = problemBody(503, "unavailable", "Service Unavailable", "too many connections; try again later");
    *text += std::to_string(body.size()) + "\r\n\r\n" + body;
    asio::async_write(*s, asio::buffer(*text), [s, text](error_code, std::size_t) {
        error_code ec;
        s->close(ec);
    });
}

void HttpServer::Impl::acceptUnix(asio::local::stream_protocol::acceptor &a, const std::string &path)
{
    a.async_accept([this, &a, path](error_code ec, asio::local::stream_protocol::socket socket) {
        if (stopping.load())
            return;
        if (!ec) {
            HttpPeer peer = unixPeer(socket.native_handle(), path);
            peer.connection = ++nextConnection;
            const std::string key = "uid:" + std::to_string(peer.uid);
            if (!admit(key)) {
                refuse(std::move(socket));
            } else {
                auto c = std::make_shared<Connection<asio::local::stream_protocol>>(shared_from_this(), std::move(socket), std::move(peer), key);
                connections.push_back(c);
                c->start();
            }
        }
        acceptUnix(a, path);
    });
}

void HttpServer::Impl::acceptTcp(asio::ip::tcp::acceptor &a, bool tls)
{
    a.async_accept([this, &a, tls](error_code ec, asio::ip::tcp::socket socket) {
        if (stopping.load())
            return;
        if (!ec) {
            HttpPeer peer;
            peer.via = HttpPeer::Via::Tcp;
            error_code e2;
            const auto ep = socket.remote_endpoint(e2);
            peer.address = e2 ? std::string("?") : ep.address().to_string() + ":" + std::to_string(ep.port());
            peer.connection = ++nextConnection;
            const std::string key = "ip:" + (e2 ? std::string("?") : ep.address().to_string());
            if (!admit(key)) {
                refuse(std::move(socket));
            } else if (tls) {
                auto c = std::make_shared<Connection<asio::ip::tcp, true>>(shared_from_this(), std::move(socket), std::move(peer), key);
                connections.push_back(c);
                c->start();
            } else {
                auto c = std::make_shared<Connection<asio::ip::tcp>>(shared_from_this(), std::move(socket), std::move(peer), key);
                connections.push_back(c);
                c->start();
            }
        }
        // Forget connections that are gone (bounded by maxConnections live ones).
        if (connections.size() > static_cast<std::size_t>(limits.maxConnections) * 2)
            std::erase_if(connections, [](const auto &w) { return w.expired(); });
        acceptTcp(a, tls);
    });
}

HttpServer::HttpServer(Handler handler, Limits limits) : d(std::make_shared<Impl>())
{
    d->handler = std::move(handler);
    d->limits = limits;
}

HttpServer::~HttpServer()
{
    stop();
}

bool HttpServer::listenUnix(const std::string &path, unsigned mode, gid_t group, std::string *error)
{
    // A stale socket from an earlier run is replaced; anything else is not.
    struct stat st{};
    if (::lstat(path.c_str(), &st) == 0) {
        if (!S_ISSOCK(st.st_mode)) {
            *error = path + " exists and is not a socket";
            return false;
        }
        ::unlink(path.c_str());
    }
    try {
        auto a = std::make_unique<asio::local::stream_protocol::acceptor>(d->io);
        a->open(asio::local::stream_protocol());
        // Created with no access for anyone, then opened up to what was
        // asked once its group is right: no window with wider access.
        const mode_t old = ::umask(0777);
        error_code ec;
        a->bind(asio::local::stream_protocol::endpoint(path), ec);
        ::umask(old);
        if (ec) {
            *error = "cannot bind " + path + ": " + ec.message();
            return false;
        }
        if (group != static_cast<gid_t>(-1) && ::chown(path.c_str(), 0, group) != 0) {
            *error = "cannot give " + path + " to its group: " + std::strerror(errno);
            return false;
        }
        if (::chmod(path.c_str(), mode) != 0) {
            *error = "cannot set the mode of " + path + ": " + std::strerror(errno);
            return false;
        }
        a->listen(asio::socket_base::max_listen_connections);
        d->unixAcceptors.push_back(std::move(a));
        d->unixPaths.push_back(path);
    } catch (const boost::system::system_error &e) {
        *error = "cannot listen on " + path + ": " + e.what();
        return false;
    }
    return true;
}

bool HttpServer::adoptUnix(int fd, const std::string &path, std::string *error)
{
    try {
        auto a = std::make_unique<asio::local::stream_protocol::acceptor>(d->io);
        a->assign(asio::local::stream_protocol(), fd);
        d->unixAcceptors.push_back(std::move(a));
        d->unixPaths.push_back(std::string()); // systemd owns the file
        d->adoptedPaths.push_back(path);
    } catch (const boost::system::system_error &e) {
        *error = "cannot use the socket passed for " + path + ": " + e.what();
        return false;
    }
    return true;
}

bool HttpServer::useTls(const std::string &certFile, const std::string &keyFile, std::string *error)
{
    try {
        auto ctx = std::make_shared<asio::ssl::context>(asio::ssl::context::tls_server);
        // TLS 1.2 and later only; the library's default ciphers.
        ctx->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 | asio::ssl::context::no_sslv3
                         | asio::ssl::context::no_tlsv1 | asio::ssl::context::no_tlsv1_1 | asio::ssl::context::single_dh_use);
        ctx->use_certificate_chain_file(certFile);
        ctx->use_private_key_file(keyFile, asio::ssl::context::pem);
        d->tls = std::move(ctx);
    } catch (const boost::system::system_error &e) {
        *error = "cannot use the TLS certificate " + certFile + " and key " + keyFile + ": " + e.what();
        return false;
    }
    return true;
}

bool HttpServer::listenTcp(const std::string &host, std::uint16_t port, std::string *error)
{
    error_code ec;
    const auto addr = asio::ip::make_address(host, ec);
    if (ec) {
        *error = "'" + host + "' is not an IP address";
        return false;
    }
    try {
        auto a = std::make_unique<asio::ip::tcp::acceptor>(d->io);
        const asio::ip::tcp::endpoint ep(addr, port);
        a->open(ep.protocol());
        a->set_option(asio::socket_base::reuse_address(true));
        a->bind(ep);
        a->listen(asio::socket_base::max_listen_connections);
        d->boundPort = a->local_endpoint().port();
        d->tcpAcceptors.push_back(std::move(a));
        d->tcpTls.push_back(d->tls != nullptr);
    } catch (const boost::system::system_error &e) {
        *error = "cannot listen on " + host + ":" + std::to_string(port) + ": " + e.what();
        return false;
    }
    return true;
}

std::uint16_t HttpServer::boundPort() const { return d->boundPort; }

void HttpServer::start()
{
    for (std::size_t i = 0, adopted = 0; i < d->unixAcceptors.size(); ++i)
        d->acceptUnix(*d->unixAcceptors[i], d->unixPaths[i].empty() ? d->adoptedPaths[adopted++] : d->unixPaths[i]);
    for (std::size_t i = 0; i < d->tcpAcceptors.size(); ++i)
        d->acceptTcp(*d->tcpAcceptors[i], d->tcpTls[i]);
    d->thread = std::thread([this] {
        pthread_setname_np(pthread_self(), "osh-http");
        for (;;) {
            try {
                d->io.run();
                return;
            } catch (const std::exception &) {
                // A handler threw: that connection is lost, the service goes on.
            }
        }
    });
}

void HttpServer::stop()
{
    if (d->stopping.exchange(true))
        return;
    asio::post(d->io, [this] {
        error_code ec;
        for (auto &a : d->unixAcceptors)
            a->close(ec);
        for (auto &a : d->tcpAcceptors)
            a->close(ec);
        for (auto &w : d->connections)
            if (auto c = w.lock())
                c->shutdown();
    });
    // Give writes in flight a moment, then stop the loop.
    asio::post(d->io, [this] { d->io.stop(); });
    if (d->thread.joinable())
        d->thread.join();
    for (const auto &p : d->unixPaths)
        if (!p.empty())
            ::unlink(p.c_str());
}

std::uint64_t HttpServer::connectionsRefused() const { return d->refused.load(); }
int HttpServer::openConnections() const { return d->open.load(); }

} // namespace osh::service
