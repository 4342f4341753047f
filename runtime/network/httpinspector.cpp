#include "httpinspector.h"
#include "sockaddr.h"

#include "httpmessage.h"
#include "httptext.h"
#include "httpparser.h"
#include "networkguardianproxy.h"
#include "sessionca.h"
#include "tlsstream.h"

#include "util/netaddr.h"
#include "util/strings.h"

#include <QJsonDocument>
#include <QJsonObject>

#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstring>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>

namespace osh::runtime {

// What a 403 or a withheld response says about the decision.
struct AnswerDecision
{
    const osh::Decision *decision = nullptr;
    int rule = -1;
    std::string method;
    std::string path;
};

namespace {

using Clock = std::chrono::steady_clock;

int remainingMs(Clock::time_point deadline)
{
    return static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count());
}

// host[:port] as a Host header names it, normalized for comparison.
std::string authorityText(const std::string &host, int port, int defaultPort)
{
    const bool v6 = host.find(':') != std::string::npos;
    std::string out = v6 ? "[" + host + "]" : host;
    if (port != defaultPort)
        out += ":" + std::to_string(port);
    return out;
}

// Connects to address:port within timeoutMs; the descriptor is non-blocking.
int connectTcp(const QHostAddress &address, int port, int timeoutMs, std::string &error)
{
    const bool v6 = address.protocol() == QAbstractSocket::IPv6Protocol;
    sockaddr_storage ss{};
    const socklen_t len = toSockaddr(address, static_cast<quint16>(port), ss);
    const int fd = ::socket(v6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        error = std::string("socket: ") + std::strerror(errno);
        return -1;
    }
    int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (::connect(fd, reinterpret_cast<sockaddr *>(&ss), len) != 0) {
        if (errno != EINPROGRESS) {
            error = std::string("connect failed: ") + std::strerror(errno);
            ::close(fd);
            return -1;
        }
        pollfd p{fd, POLLOUT, 0};
        int r;
        do
            r = ::poll(&p, 1, timeoutMs);
        while (r < 0 && errno == EINTR);
        int err = 0;
        socklen_t el = sizeof err;
        if (r == 0) {
            error = "destination not reachable in time";
            ::close(fd);
            return -1;
        }
        ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &el);
        if (r < 0 || err != 0) {
            error = std::string("connect failed: ") + std::strerror(r < 0 ? errno : err);
            ::close(fd);
            return -1;
        }
    }
    return fd;
}

osh::Value queryValue(const std::vector<std::pair<std::string, std::string>> &pairs)
{
    // A key given more than once reads as the list of its values, so no
    // value can hide behind an earlier one of the same name.
    std::map<std::string, std::vector<std::string>> grouped;
    for (const auto &[k, v] : pairs)
        grouped[k].push_back(v);
    osh::ValueMap m;
    for (auto &[k, vs] : grouped) {
        if (vs.size() == 1) {
            m.emplace(k, osh::Value(std::move(vs.front())));
        } else {
            osh::ValueList l;
            for (auto &v : vs)
                l.emplace_back(std::move(v));
            m.emplace(k, osh::Value(std::move(l)));
        }
    }
    return osh::Value(std::move(m));
}

osh::Value headersValue(const HttpMessage &msg)
{
    osh::ValueMap m;
    std::map<std::string, std::string> joined;
    for (const auto &[n, v] : msg.headers) {
        auto &slot = joined[toLowerAscii(n)];
        slot += (slot.empty() ? "" : ", ") + v;
    }
    for (auto &[n, v] : joined)
        m.emplace(n, osh::Value(std::move(v)));
    return osh::Value(std::move(m));
}

} // namespace

HttpInspector::HttpInspector(NetworkGuardianProxy *proxy, InspectionSpec spec) : m_proxy(proxy), m_spec(std::move(spec))
{
    m_clientFd = m_spec.clientFd;
    m_in = std::move(m_spec.pending);
}

HttpInspector::~HttpInspector()
{
    m_server.reset();
    m_client.reset();
    if (m_spec.clientFd >= 0)
        ::close(m_spec.clientFd);
}

void HttpInspector::stop()
{
    m_stop = true;
    // Wakes whichever blocking call the thread is in; it then sees m_stop.
    // Under the lock the thread closes descriptors with, so a number is
    // never shut down after it was closed and reused.
    std::lock_guard lock(m_fdLock);
    if (m_clientFd >= 0)
        ::shutdown(m_clientFd, SHUT_RDWR);
    if (m_serverFd >= 0)
        ::shutdown(m_serverFd, SHUT_RDWR);
}

std::int64_t HttpInspector::maxRequestBytes(int rule) const
{
    const auto &rules = m_proxy->engine().document().network.rules;
    if (rule >= 0 && static_cast<std::size_t>(rule) < rules.size() && rules[static_cast<std::size_t>(rule)].maxRequestSizeKb)
        return std::llround(*rules[static_cast<std::size_t>(rule)].maxRequestSizeKb * 1024.0);
    return m_proxy->options().maxInspectedBodyBytes;
}

std::int64_t HttpInspector::maxResponseBytes(int rule) const
{
    const auto &rules = m_proxy->engine().document().network.rules;
    if (rule >= 0 && static_cast<std::size_t>(rule) < rules.size() && rules[static_cast<std::size_t>(rule)].maxResponseSizeMb)
        return std::llround(*rules[static_cast<std::size_t>(rule)].maxResponseSizeMb * 1024.0 * 1024.0);
    return m_proxy->options().maxInspectedBodyBytes;
}

bool HttpInspector::caFileOf(int rule, std::string &file, std::string &error) const
{
    const auto &rules = m_proxy->engine().document().network.rules;
    file.clear();
    if (rule < 0 || static_cast<std::size_t>(rule) >= rules.size() || !rules[static_cast<std::size_t>(rule)].caFile)
        return true; // the host's trust store
    if (auto copy = m_proxy->ruleCaFile(rule)) {
        file = *copy;
        return true;
    }
    // Tests and embedders that give the proxy no copies read the file itself.
    const std::string &named = *rules[static_cast<std::size_t>(rule)].caFile;
    if (!named.empty() && named.front() == '/') {
        file = named;
        return true;
    }
    error = "the ca_file of rule " + std::to_string(rule) + " was not loaded for this session";
    return false;
}

bool HttpInspector::sendClient(const std::string &bytes)
{
    std::string error;
    if (!m_client->writeAll(bytes, kRequestTimeoutMs, &error))
        return false;
    m_bytesDown += static_cast<std::int64_t>(bytes.size());
    return true;
}

bool HttpInspector::openClient()
{
    const int fd = m_spec.clientFd;
    if (!m_spec.tls) {
        m_client = std::make_unique<PlainStream>(fd);
        m_spec.clientFd = -1;
        return m_spec.toClient.empty() || sendClient(m_spec.toClient);
    }
    // The CONNECT answer first, in the clear.
    {
        PlainStream plain(::dup(fd));
        std::string error;
        if (!m_spec.toClient.empty() && !plain.writeAll(m_spec.toClient, kHandshakeTimeoutMs, &error))
            return false;
    }
    std::string error;
    SessionCa *ca = m_proxy->sessionCa();
    if (!ca) {
        m_proxy->postCut(m_spec.identity, QString::fromStdString(m_spec.host),
                         QStringLiteral("no interception CA for this session (%1); the connection is refused")
                             .arg(m_proxy->sessionCaError()));
        return false;
    }
    // The certificate is for the host the connection was decided for: the
    // client's SNI picks nothing, and one that names another host is refused.
    const auto ctx = ca->serverContext(osh::net::normalizeHost(m_spec.host), &error);
    if (!ctx) {
        m_proxy->postCut(m_spec.identity, QString::fromStdString(m_spec.host),
                         QString::fromStdString("cannot present a certificate for " + m_spec.host + ": " + error));
        return false;
    }
    if (!m_in.empty()) {
        // Bytes the client sent with its CONNECT belong to the handshake;
        // a client that pipelines them is rare, and replaying them into
        // OpenSSL is not possible through the descriptor: refuse.
        m_proxy->postCut(m_spec.identity, QString::fromStdString(m_spec.host),
                         QStringLiteral("TLS bytes sent before the tunnel was established"));
        return false;
    }
    std::string sni;
    auto tls = TlsStream::accept(fd, ctx, kHandshakeTimeoutMs, &sni, &error);
    if (!tls) {
        m_proxy->postCut(m_spec.identity, QString::fromStdString(m_spec.host),
                         QString::fromStdString("TLS with the sandbox failed: " + error
                                                + " (a client that does not trust the session's CA cannot reach "
                                                  "an inspected host)"));
        return false;
    }
    m_spec.clientFd = -1;
    m_client = std::move(tls);
    if (!sni.empty() && osh::net::normalizeHost(sni) != osh::net::normalizeHost(m_spec.host)) {
        m_proxy->postCut(m_spec.identity, QString::fromStdString(m_spec.host),
                         QString::fromStdString("TLS SNI '" + sni + "' does not match the requested host '"
                                                + m_spec.host + "'"));
        return false;
    }
    return true;
}

void HttpInspector::run()
{
    if (openClient()) {
        while (!m_stop && !m_closeAfter) {
            HttpMessage req;
            bool tooLarge = false;
            std::string error;
            if (!readRequest(req, tooLarge, error)) {
                if (tooLarge)
                    answer(413, "too_large", error, true);
                else if (!error.empty())
                    answer(error == "timed out" ? 408 : 400, error == "timed out" ? "timeout" : "bad_request",
                           error == "timed out" ? std::string("no complete request in time") : error, true);
                break;
            }
            serve(req);
        }
    }
    dropUpstream();
    {
        std::lock_guard lock(m_fdLock);
        if (m_client)
            m_client->close();
        if (m_spec.clientFd >= 0)
            ::close(std::exchange(m_spec.clientFd, -1)); // a handshake that failed
        m_clientFd = -1;
    }
    m_proxy->postClosed(m_spec.identity, QString::fromStdString(m_spec.host), m_bytesUp, m_bytesDown);
    m_proxy->postEnded(m_spec.identity);
    m_finished = true;
}

bool HttpInspector::readRequest(HttpMessage &out, bool &tooLarge, std::string &error)
{
    HttpMessageParser parser(HttpMessageParser::Kind::Request, 64 * 1024, maxRequestBytes(m_spec.rule));
    bool begun = !m_in.empty();
    std::optional<Clock::time_point> deadline;
    for (;;) {
        if (!m_in.empty()) {
            const std::size_t used = parser.feed(m_in);
            m_in.erase(0, used);
        }
        switch (parser.status()) {
        case HttpMessageParser::Status::Error:
            tooLarge = parser.bodyTooLarge();
            error = parser.error();
            return false;
        case HttpMessageParser::Status::HeadComplete: {
            if (parser.bodyTooLarge()) {
                tooLarge = true;
                error = "request body larger than " + std::to_string(maxRequestBytes(m_spec.rule))
                    + " bytes (max_request_size_kb, or the inspection limit); refused before anything was forwarded";
                return false;
            }
            // The client waits for this before its body; the origin never
            // sees Expect (the body goes out whole, after the decision).
            if (auto e = parser.message().header("expect"); e && toLowerAscii(*e) == "100-continue")
                if (!sendClient("HTTP/1.1 100 Continue\r\n\r\n"))
                    return false;
            parser.resume();
            continue;
        }
        case HttpMessageParser::Status::Complete:
            out = parser.take();
            return true;
        case HttpMessageParser::Status::NeedMore: break;
        }
        char buf[65536];
        // A request that has begun has kRequestTimeoutMs in all, however
        // slowly its bytes trickle in.
        int wait = kIdleTimeoutMs;
        if (begun) {
            if (!deadline)
                deadline = Clock::now() + std::chrono::milliseconds(m_proxy->options().requestTimeoutMs);
            wait = remainingMs(*deadline);
            if (wait <= 0) {
                error = "timed out";
                return false;
            }
        }
        const long n = m_client->read(buf, sizeof buf, wait, &error);
        if (n == 0) {
            if (begun)
                error = "the client closed in the middle of a request";
            else
                error.clear();
            return false;
        }
        if (n < 0) {
            if (!begun || m_stop)
                error.clear(); // idle keep-alive connection timing out, or stopping: just close
            return false;
        }
        begun = true;
        m_bytesUp += n;
        m_in.append(buf, static_cast<std::size_t>(n));
    }
}

void HttpInspector::answer(int status, const std::string &error, const std::string &reason, bool close,
                           const AnswerDecision *ad)
{
    QJsonObject o;
    o.insert(QStringLiteral("error"), QString::fromStdString(error));
    o.insert(QStringLiteral("reason"), QString::fromStdString(reason));
    o.insert(QStringLiteral("identity"), m_spec.identity);
    o.insert(QStringLiteral("host"), QString::fromStdString(m_spec.host));
    o.insert(QStringLiteral("port"), m_spec.port);
    o.insert(QStringLiteral("protocol"), m_spec.tls ? QStringLiteral("https") : QStringLiteral("http"));
    if (ad) {
        o.insert(QStringLiteral("method"), QString::fromStdString(ad->method));
        o.insert(QStringLiteral("path"), QString::fromStdString(ad->path));
        if (ad->decision) {
            const auto action = osh::actionName(ad->decision->outcome);
            const auto layer = osh::layerName(ad->decision->layer);
            o.insert(QStringLiteral("decision"), QString::fromLatin1(action.data(), static_cast<qsizetype>(action.size())));
            o.insert(QStringLiteral("layer"), QString::fromLatin1(layer.data(), static_cast<qsizetype>(layer.size())));
            o.insert(QStringLiteral("policy"), ad->decision->policy.empty() ? QJsonValue()
                                                                              : QJsonValue(QString::fromStdString(ad->decision->policy)));
        }
        o.insert(QStringLiteral("rule"), ad->rule >= 0 ? QJsonValue(ad->rule) : QJsonValue());
    }
    const QByteArray body = QJsonDocument(o).toJson(QJsonDocument::Compact) + '\n';
    const std::string out = "HTTP/1.1 " + std::to_string(status) + " " + http::reasonPhrase(status)
        + "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size())
        + (close ? "\r\nConnection: close" : "\r\nConnection: keep-alive") + "\r\n\r\n" + body.toStdString();
    if (status != 403)
        m_proxy->postRejected(m_spec.identity, QString::fromStdString(m_spec.host), status, QString::fromStdString(reason));
    if (!sendClient(out) || close)
        m_closeAfter = true;
}

void HttpInspector::dropUpstream()
{
    {
        std::lock_guard lock(m_fdLock);
        if (m_server)
            m_server->close();
        m_server.reset();
        m_serverFd = -1;
    }
    m_serverKey.clear();
    m_serverIn.clear();
}

bool HttpInspector::ensureUpstream(const std::string &host, int port, const QHostAddress &address, std::string &error,
                                   bool &certificateRefused)
{
    // The rule that allowed the request picks the upstream's trust (its
    // ca_file): a connection made under another rule's trust is not reused.
    const std::string key = host + "|" + std::to_string(port) + "|" + address.toString().toStdString() + "|"
        + std::to_string(m_rule);
    if (m_server && m_serverKey == key)
        return true;
    dropUpstream();
    const int fd = connectTcp(address, port, kConnectTimeoutMs, error);
    if (fd < 0)
        return false;
    m_proxy->noteUpstreamConnect();
    auto closeFd = [&] {
        std::lock_guard lock(m_fdLock);
        ::close(fd);
        m_serverFd = -1;
    };
    {
        std::lock_guard lock(m_fdLock);
        m_serverFd = fd;
    }
    if (m_stop) {
        closeFd();
        return false;
    }
    if (!m_spec.tls) {
        m_server = std::make_unique<PlainStream>(fd);
    } else {
        std::string caFile;
        std::shared_ptr<SSL_CTX> ctx;
        if (caFileOf(m_rule, caFile, error))
            ctx = SessionCa::upstreamContext(caFile, &error);
        if (!ctx) {
            closeFd();
            certificateRefused = true;
            return false;
        }
        // The name checked is the requested host's: the connection goes to
        // the address decided for it, and its certificate must be valid for
        // that host, whatever the client wrote in its SNI or Host header.
        auto tls = TlsStream::connect(fd, ctx, osh::net::normalizeHost(host), kConnectTimeoutMs, &error);
        if (!tls) {
            closeFd();
            certificateRefused = true;
            return false;
        }
        m_server = std::move(tls);
    }
    m_serverKey = key;
    return true;
}

bool HttpInspector::exchange(const HttpMessage &req, const std::string &head, const std::string &body, HttpMessage &resp,
                             std::string &error, bool &limitExceeded)
{
    if (!m_server->writeAll(head, kRequestTimeoutMs, &error) || !m_server->writeAll(body, kRequestTimeoutMs, &error))
        return false;
    const bool noBody = req.method == "HEAD";
    // The whole response, informational ones included, within kResponseTimeoutMs.
    const auto deadline = Clock::now() + std::chrono::milliseconds(kResponseTimeoutMs);
    for (int informational = 0;; ++informational) { // informational (1xx) answers are skipped
        if (informational > 8) {
            error = "more than 8 informational (1xx) responses";
            return false;
        }
        HttpMessageParser parser(HttpMessageParser::Kind::Response, 64 * 1024, maxResponseBytes(m_rule));
        parser.setNoBody(noBody);
        for (;;) {
            if (!m_serverIn.empty()) {
                const std::size_t used = parser.feed(m_serverIn);
                m_serverIn.erase(0, used);
            }
            const auto st = parser.status();
            if (st == HttpMessageParser::Status::Error) {
                limitExceeded = parser.bodyTooLarge();
                error = parser.error();
                return false;
            }
            if (st == HttpMessageParser::Status::HeadComplete) {
                if (parser.bodyTooLarge()) {
                    limitExceeded = true;
                    error = "response body larger than " + std::to_string(maxResponseBytes(m_rule)) + " bytes";
                    return false;
                }
                parser.resume();
                continue;
            }
            if (st == HttpMessageParser::Status::Complete)
                break;
            char buf[65536];
            const int wait = remainingMs(deadline);
            if (wait <= 0) {
                error = "timed out";
                return false;
            }
            const long n = m_server->read(buf, sizeof buf, wait, &error);
            if (n == 0) {
                parser.finishAtEof();
                if (parser.status() == HttpMessageParser::Status::Complete)
                    break;
                error = "the destination closed before a complete response";
                return false;
            }
            if (n < 0)
                return false;
            m_serverIn.append(buf, static_cast<std::size_t>(n));
        }
        resp = parser.take();
        if (resp.status >= 100 && resp.status < 200)
            continue;
        return true;
    }
}

void HttpInspector::serve(HttpMessage &req)
{
    HttpMessageParser::Target t;
    std::string error;
    AnswerDecision ad;
    ad.method = req.method;
    ad.rule = m_spec.rule;
    const bool keepAlive = req.keepAlive;
    if (!HttpMessageParser::parseTarget(req.target, t, &error)) {
        answer(400, "bad_request", "request target: " + error, !keepAlive);
        return;
    }
    ad.path = t.path;
    const int defaultPort = m_spec.tls ? 443 : 80;
    if (m_spec.tls) {
        if (!t.scheme.empty() && (t.scheme != "https" || t.host != osh::net::normalizeHost(m_spec.host) || t.port != m_spec.port)) {
            answer(400, "bad_request", "the request's URL names another destination than the tunnel's", !keepAlive, &ad);
            return;
        }
    } else if (t.scheme.empty() || t.scheme != "http") {
        answer(400, "bad_request", "a proxy request needs an absolute http:// URL", !keepAlive, &ad);
        return;
    } else if (t.host != osh::net::normalizeHost(m_spec.host) || t.port != m_spec.port) {
        // Every request of a connection goes to the destination decided for
        // the connection; a client that switches hosts opens another one.
        answer(400, "bad_request", "one destination per proxy connection: open a new connection for " + t.host,
               true, &ad);
        return;
    }
    // The Host header must name the same destination: an origin that routes
    // by it must not be led somewhere the decision did not look at.
    if (auto h = req.header("host")) {
        std::string hostHost;
        int hostPort = 0;
        if (!HttpParser::splitAuthority(*h, defaultPort, hostHost, hostPort)
            || osh::net::normalizeHost(hostHost) != osh::net::normalizeHost(m_spec.host) || hostPort != m_spec.port) {
            answer(400, "bad_request",
                   "the Host header '" + *h + "' does not name the destination '"
                       + authorityText(m_spec.host, m_spec.port, defaultPort) + "'",
                   !keepAlive, &ad);
            return;
        }
    }

    osh::Request r;
    r.trigger = osh::Trigger::NetworkEgress;
    if (m_spec.identity != QLatin1StringView("agent"))
        r.set(osh::Var::ToolName, osh::Value(m_spec.identity.toStdString()));
    r.set(osh::Var::DestinationHost, osh::Value(m_spec.host));
    r.set(osh::Var::DestinationPort, osh::Value(m_spec.port));
    r.set(osh::Var::DestinationProtocol, osh::Value(m_spec.tls ? "https" : "http"));
    const std::string decodedPath = HttpMessageParser::percentDecode(t.path, false);
    r.set(osh::Var::RequestMethod, osh::Value(req.method));
    r.set(osh::Var::RequestPath, osh::Value(decodedPath));
    r.set(osh::Var::RequestQuery, queryValue(HttpMessageParser::decodeQuery(t.rawQuery)));
    r.set(osh::Var::RequestUrl,
          osh::Value((m_spec.tls ? "https://" : "http://") + authorityText(m_spec.host, m_spec.port, defaultPort) + t.path
                     + (t.rawQuery.empty() ? std::string() : "?" + t.rawQuery)));
    r.set(osh::Var::RequestHeaders, headersValue(req));
    if (auto ct = req.header("content-type"))
        r.set(osh::Var::RequestContentType, osh::Value(*ct));
    else
        r.set(osh::Var::RequestContentType, osh::Value());

    // What goes out: the request as inspected, its body whole with a length.
    for (auto it = req.headers.begin(); it != req.headers.end();)
        it = toLowerAscii(it->first) == "accept-encoding" ? req.headers.erase(it) : it + 1;
    req.headers.emplace_back("Accept-Encoding", "identity");
    const std::string origin = t.path + (t.rawQuery.empty() ? std::string() : "?" + t.rawQuery);
    const std::string head
        = HttpMessageParser::requestHead(req, origin, authorityText(m_spec.host, m_spec.port, defaultPort));
    const std::size_t bodySize = req.body.size();
    r.set(osh::Var::RequestBody, osh::Value(std::move(req.body))); // decided and forwarded from here: no copy
    r.set(osh::Var::RequestBytes, osh::Value(static_cast<std::int64_t>(head.size() + bodySize)));
    r.ts = m_proxy->now();

    QHostAddress address = m_spec.address;
    const osh::Decision d = m_proxy->decideRequest(r, address);
    ad.decision = &d;
    for (const auto &e : d.trace)
        if (e.layer == osh::Layer::Network && !e.isPolicy)
            ad.rule = e.rule;
    if (!d.proceeds()) {
        answer(403, "forbidden", d.message, !keepAlive, &ad);
        return;
    }
    m_rule = ad.rule;
    if (d.outcome == osh::Action::Throttle && d.delaySeconds && *d.delaySeconds > 0) {
        const auto until = std::chrono::steady_clock::now()
            + std::chrono::milliseconds(static_cast<std::int64_t>(*d.delaySeconds * 1000.0));
        while (!m_stop && std::chrono::steady_clock::now() < until)
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        if (m_stop)
            return;
    }

    bool certificateRefused = false;
    if (!ensureUpstream(m_spec.host, m_spec.port, address, error, certificateRefused)) {
        if (certificateRefused)
            m_proxy->postCut(m_spec.identity, QString::fromStdString(m_spec.host),
                             QString::fromStdString("the destination's TLS was refused: " + error));
        answer(error.find("in time") != std::string::npos ? 504 : 502,
               error.find("in time") != std::string::npos ? "gateway_timeout" : "bad_gateway", error, !keepAlive, &ad);
        return;
    }
    HttpMessage resp;
    bool limitExceeded = false;
    if (!exchange(req, head, r.get(osh::Var::RequestBody).toString(), resp, error, limitExceeded)) {
        dropUpstream();
        if (limitExceeded) {
            const std::string why = "max_response_size_mb"
                + (ad.rule >= 0 ? " of rule " + std::to_string(ad.rule) : std::string(" (the inspection limit)"))
                + " exceeded: " + error;
            m_proxy->postCut(m_spec.identity, QString::fromStdString(m_spec.host), QString::fromStdString(why));
            answer(502, "response_too_large", why, !keepAlive, &ad);
        } else {
            answer(error == "timed out" ? 504 : 502, error == "timed out" ? "gateway_timeout" : "bad_gateway",
                   "the destination's response: " + error, !keepAlive, &ad);
        }
        return;
    }

    // data_output policies see the response before the client does.
    std::string body = std::move(resp.body);
    if (m_proxy->engine().hasPolicies(osh::Trigger::DataOutput) && req.method != "HEAD") {
        // Every Content-Encoding header and every coding in it: one that is
        // not identity hides the body from the policies.
        std::optional<std::string> enc;
        for (const auto &[name, value] : resp.headers) {
            if (toLowerAscii(name) != "content-encoding")
                continue;
            std::size_t p = 0;
            while (p <= value.size() && !enc) {
                const auto comma = std::min(value.find(',', p), value.size());
                std::string coding = toLowerAscii(value.substr(p, comma - p));
                coding.erase(0, coding.find_first_not_of(" \t"));
                coding.erase(coding.find_last_not_of(" \t") + 1);
                if (!coding.empty() && coding != "identity")
                    enc = coding;
                p = comma + 1;
            }
        }
        if (enc) {
            dropUpstream();
            answer(502, "uninspectable_response",
                   "the response is " + *enc + "-encoded although identity was asked for; data_output policies "
                   "cannot read it, so it is withheld", !keepAlive, &ad);
            return;
        }
        osh::Request o;
        o.trigger = osh::Trigger::DataOutput;
        if (m_spec.identity != QLatin1StringView("agent"))
            o.set(osh::Var::ToolName, osh::Value(m_spec.identity.toStdString()));
        o.set(osh::Var::Output, osh::Value(body));
        o.ts = m_proxy->now();
        const osh::Decision od = m_proxy->decideResponse(o);
        if (!od.proceeds()) {
            AnswerDecision rd = ad;
            rd.decision = &od;
            answer(502, "response_withheld", "the response was withheld: " + od.message, !keepAlive, &rd);
            return;
        }
        if (od.output)
            body = *od.output;
    }
    const bool upstreamKeeps = resp.keepAlive;
    const std::string out = HttpMessageParser::responseHead(resp, body.size(), keepAlive, req.method == "HEAD");
    if (!sendClient(out) || (req.method != "HEAD" && !sendClient(body)))
        m_closeAfter = true;
    // Requests go to the origin one at a time: bytes after its response
    // answer nothing that was asked, so the connection is not reused.
    if (!upstreamKeeps || !m_serverIn.empty())
        dropUpstream();
    if (!keepAlive)
        m_closeAfter = true;
}

} // namespace osh::runtime
