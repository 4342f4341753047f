#pragma once
// The service's HTTP/1.1 transport, built on Boost.Beast: listeners on Unix
// sockets and TCP, one I/O thread, limits on connections, header and body
// sizes and idle or slow clients, and Server-Sent Events. It knows nothing
// of routes: every parsed request is handed to the handler with the peer's
// credentials (SO_PEERCRED and SO_PEERGROUPS on a Unix socket), and the
// handler answers later, from any thread, through the Exchange.
//
// Boost stays inside httpserver.cpp; this header is plain C++.

#include <sys/types.h>

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace osh::service {

struct HttpPeer
{
    enum class Via { Unix, Tcp };
    Via via = Via::Unix;
    // Unix sockets: the connecting process's credentials at connect time.
    uid_t uid = static_cast<uid_t>(-1);
    gid_t gid = static_cast<gid_t>(-1);
    pid_t pid = 0;
    std::vector<gid_t> groups;
    std::string address; // TCP: "ip:port"; Unix: the listener's path
    std::uint64_t connection = 0;
};

struct HttpRequest
{
    std::string method; // GET, POST, ...
    std::string target; // as sent: path and query
    std::string path;   // decoded path, without the query
    std::vector<std::pair<std::string, std::string>> query; // decoded, in order
    std::map<std::string, std::string> headers; // lower-case names
    std::string body;
    HttpPeer peer;

    const std::string *header(const std::string &lowerName) const;
};

struct HttpResponse
{
    int status = 200;
    std::string contentType = "application/json";
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
};

// A response that stays open (text/event-stream). Thread-safe; writes are
// queued and sent in order; a client that does not read is dropped once
// kMaxQueuedBytes are waiting.
class EventStream
{
public:
    virtual ~EventStream() = default;
    // false once the client is gone or the stream was closed.
    virtual bool send(std::string chunk) = 0;
    virtual void close() = 0;
    virtual bool isOpen() const = 0;
    static constexpr std::size_t kMaxQueuedBytes = 8u << 20;
};

// One request in flight. respond() or openStream() must be called exactly
// once (from any thread); if the Exchange is destroyed without either, the
// client gets a 500.
class Exchange
{
public:
    virtual ~Exchange() = default;
    virtual const HttpRequest &request() const = 0;
    virtual void respond(HttpResponse response) = 0;
    // Sends the status line and headers of an event stream; the connection
    // is then the stream's until it closes.
    virtual std::shared_ptr<EventStream> openStream(std::vector<std::pair<std::string, std::string>> headers = {}) = 0;
};

class HttpServer
{
public:
    struct Limits
    {
        std::size_t maxHeaderBytes = 16 * 1024;
        std::size_t maxBodyBytes = 1024 * 1024;
        int idleSeconds = 10;        // a request must arrive (completely) within this
        int writeSeconds = 10;       // a response must be taken within this
        int maxConnections = 512;    // all listeners
        int maxConnectionsPerPeer = 64; // per uid (Unix) or address (TCP)
    };
    using Handler = std::function<void(std::shared_ptr<Exchange>)>;

    explicit HttpServer(Handler handler, Limits limits);
    HttpServer(const Limits &) = delete;
    ~HttpServer();

    // Before start(). A Unix socket path is created (a stale socket file is
    // replaced) with the given mode and group (gid -1: unchanged).
    bool listenUnix(const std::string &path, unsigned mode, gid_t group, std::string *error);
    // A listening Unix socket passed in by systemd (socket activation).
    bool adoptUnix(int fd, const std::string &path, std::string *error);
    // Loads a PEM certificate chain and key: TCP listeners made after this
    // speak TLS (1.2 or later).
    bool useTls(const std::string &certFile, const std::string &keyFile, std::string *error);
    // host: a literal IPv4 or IPv6 address.
    bool listenTcp(const std::string &host, std::uint16_t port, std::string *error);
    // The TCP port actually bound by the last listenTcp (useful with port 0).
    std::uint16_t boundPort() const;

    void start();
    // Stops accepting, closes every connection, joins the I/O thread.
    void stop();

    // Counters, for tests and the service's status.
    std::uint64_t connectionsRefused() const;
    int openConnections() const;

    struct Impl;

private:
    std::shared_ptr<Impl> d;
};

// Percent-decoding of a URL component; false on a malformed escape.
bool percentDecode(std::string_view in, std::string &out, bool plusIsSpace);

} // namespace osh::service
