#pragma once
// One client connection whose HTTP requests the network guardian reads: an
// https tunnel it terminates with the session's CA, or a plain http proxy
// connection. Runs on a thread of its own with blocking I/O bounded by
// timeouts. Each request on the connection (keep-alive included) is parsed
// whole (libhttp-parser), decided as network_egress with the request's
// method, path, query, headers and body, and only then forwarded, on one
// upstream connection to exactly the address decided for the connection
// (TLS verified against the host's trust store or the rule's ca_file, for
// the requested host, whatever the client's SNI or Host header say). A
// refused request gets a 403 JSON answer and the connection stays usable.
// Responses are read whole too: max_response_size_mb applies to the decoded
// body, and data_output policies decide on it before the client sees it.

#include <QHostAddress>
#include <QString>

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <mutex>
#include <string>

namespace osh::runtime {

class ByteStream;
class NetworkGuardianProxy;
struct HttpMessage;

struct InspectionSpec
{
    QString identity;
    int clientFd = -1;     // non-blocking; the inspector owns it
    bool tls = false;      // an https tunnel: terminate TLS for host
    std::string host;      // the destination decided for the connection (as requested)
    int port = 0;
    QHostAddress address;  // the address decided for it
    int rule = -1;         // the rule that allowed the connection (-1: default policy)
    std::string pending;   // client bytes already read (for http, the first request)
    std::string toClient;  // bytes to send the client first (the CONNECT answer)
};

class HttpInspector
{
public:
    HttpInspector(NetworkGuardianProxy *proxy, InspectionSpec spec);
    ~HttpInspector();
    HttpInspector(const HttpInspector &) = delete;
    HttpInspector &operator=(const HttpInspector &) = delete;

    // Serves the connection until it ends; called on the inspector's thread.
    void run();
    // From any thread: ends run() promptly (its blocking calls return).
    void stop();
    bool finished() const { return m_finished.load(); }

    static constexpr int kHandshakeTimeoutMs = 10000;
    static constexpr int kIdleTimeoutMs = 120000;   // between requests on a kept-alive connection
    static constexpr int kRequestTimeoutMs = 30000; // writes to the client; reads: Options::requestTimeoutMs
    static constexpr int kConnectTimeoutMs = 10000;
    static constexpr int kResponseTimeoutMs = 120000;

private:
    bool openClient();
    bool readRequest(HttpMessage &out, bool &tooLarge, std::string &error);
    void serve(HttpMessage &req);
    bool ensureUpstream(const std::string &host, int port, const QHostAddress &address, std::string &error,
                        bool &certificateRefused);
    void dropUpstream();
    bool exchange(const HttpMessage &req, const std::string &head, const std::string &body, HttpMessage &resp,
                  std::string &error, bool &limitExceeded);
    void answer(int status, const std::string &error, const std::string &reason, bool close,
                const struct AnswerDecision *decision = nullptr);
    bool sendClient(const std::string &bytes);
    std::int64_t maxRequestBytes(int rule) const;
    std::int64_t maxResponseBytes(int rule) const;
    bool caFileOf(int rule, std::string &file, std::string &error) const;

    NetworkGuardianProxy *m_proxy;
    InspectionSpec m_spec;
    std::unique_ptr<ByteStream> m_client;
    std::unique_ptr<ByteStream> m_server;
    std::string m_serverKey; // host:port the upstream connection is for
    std::string m_in;        // client bytes read, not yet parsed
    std::string m_serverIn;  // upstream bytes read, not yet parsed
    std::mutex m_fdLock; // m_clientFd, m_serverFd, and closing them
    int m_clientFd = -1;
    int m_serverFd = -1;
    std::atomic<bool> m_stop{false};
    std::atomic<bool> m_finished{false};
    bool m_closeAfter = false;
    int m_rule = -1; // the rule that allowed the request being served (limits, upstream trust)
    std::int64_t m_bytesUp = 0;
    std::int64_t m_bytesDown = 0;
};

} // namespace osh::runtime
