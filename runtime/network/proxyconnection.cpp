#include "proxyconnection.h"
#include "sockaddr.h"

#include "httpinspector.h"
#include "httptext.h"
#include "networkguardianproxy.h"
#include "resolver.h"
#include "tlsclienthello.h"
#include "tunnelrelay.h"

#include "util/netaddr.h"

#include <QJsonDocument>
#include <QJsonObject>

#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

namespace osh::runtime {

namespace {

constexpr std::size_t kMaxBuffered = 1 << 20;

void setNoDelay(int fd)
{
    int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one); // fails harmlessly on Unix sockets
}

QString errnoString(int err)
{
    return QString::fromLocal8Bit(std::strerror(err));
}

} // namespace

ProxyConnection::ProxyConnection(NetworkGuardianProxy *proxy, QString identity, int clientFd)
    : QObject(proxy), m_proxy(proxy), m_identity(std::move(identity)), m_client(clientFd)
{
    setNoDelay(m_client);
    m_clientRead = std::make_unique<QSocketNotifier>(m_client, QSocketNotifier::Read);
    connect(m_clientRead.get(), &QSocketNotifier::activated, this, &ProxyConnection::onClientReadable);
    m_timer.setSingleShot(true);
    connect(&m_timer, &QTimer::timeout, this, &ProxyConnection::onTimeout);
    m_timer.start(m_proxy->options().idleTimeoutMs);
}

ProxyConnection::~ProxyConnection()
{
    if (!m_handedOff)
        m_proxy->connectionEnded(m_identity); // a relayed tunnel reports its own end
    m_clientRead.reset();
    m_clientWrite.reset();
    m_serverRead.reset();
    m_serverWrite.reset();
    if (m_client >= 0)
        ::close(m_client);
    if (m_server >= 0)
        ::close(m_server);
}

QString ProxyConnection::hostText() const
{
    return QString::fromStdString(m_head.host);
}

void ProxyConnection::onClientReadable()
{
    char buf[65536];
    for (;;) {
        const auto n = ::recv(m_client, buf, sizeof buf, 0);
        if (n > 0) {
            if (m_state == State::Head && !m_heardFrom) {
                m_heardFrom = true; // no longer idle: the whole head gets its time
                m_timer.start(kHeadTimeoutMs);
            }
            if (m_state != State::Closing)
                m_in.append(buf, static_cast<std::size_t>(n));
            if (m_state == State::Head && m_in.size() > HttpParser::kMaxHeadBytes)
                break;
            if (m_in.size() > kMaxBuffered) {
                m_clientRead->setEnabled(false); // back-pressure until the tunnel is up
                break;
            }
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            break;
        // End of stream or error: nothing more will come from the client.
        if (m_state == State::Closing)
            finishClosing();
        else
            closeAll();
        return;
    }
    switch (m_state) {
    case State::Head: handleHead(); break;
    case State::FirstFlight: checkFirstFlight(); break;
    case State::Smtp: smtpFromClient(std::exchange(m_in, {})); break;
    default: break; // kept for after the connection is established
    }
}

void ProxyConnection::handleHead()
{
    auto res = HttpParser::parse(m_in);
    if (res.status == HttpParser::Status::NeedMore)
        return;
    if (res.status == HttpParser::Status::Error) {
        reply(400, QStringLiteral("bad_request"), QString::fromStdString(res.error));
        return;
    }
    m_head = std::move(res.head);
    m_rawHead = m_in.substr(0, m_head.headSize);
    m_in.erase(0, m_head.headSize);
    m_timer.stop();

    if (m_head.isConnect) {
        std::string p = m_head.header("x-openshell-protocol").value_or("https");
        for (auto &c : p)
            c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        if (p != "https" && p != "tcp" && p != "smtp") {
            reply(400, QStringLiteral("bad_request"), QStringLiteral("X-OpenShell-Protocol must be https, tcp or smtp"));
            return;
        }
        m_protocol = p;
    } else {
        m_protocol = "http";
    }

    m_request = osh::Request{};
    m_request.trigger = osh::Trigger::NetworkEgress;
    if (m_identity != QLatin1StringView("agent"))
        m_request.set(osh::Var::ToolName, osh::Value(m_identity.toStdString()));
    m_request.set(osh::Var::DestinationHost, osh::Value(m_head.host));
    m_request.set(osh::Var::DestinationPort, osh::Value(m_head.port));
    m_request.set(osh::Var::DestinationProtocol, osh::Value(m_protocol));
    std::int64_t bytes = 0;
    if (!m_head.isConnect)
        bytes = static_cast<std::int64_t>(HttpParser::originHead(m_head).size()) + m_head.contentLength;
    m_request.set(osh::Var::RequestBytes, osh::Value(bytes));
    m_request.ts = m_proxy->now();
    // http and https connections whose rule reads requests are decided here
    // only as far as holds for any request on them; each request is then
    // decided in full by the inspector.
    m_inspect = m_proxy->inspects(m_request, &m_rule);
    if (!m_inspect && m_head.transferEncoding) {
        reply(400, QStringLiteral("bad_request"),
              QStringLiteral("Transfer-Encoding on a request the guardian does not inspect is not supported; send "
                             "Content-Length"));
        return;
    }

    // The address is fixed here, before the decision, and never looked up again.
    const std::string host = osh::net::normalizeHost(m_head.host);
    std::optional<osh::net::IpAddress> ip = osh::net::parseIpLenient(host);
    if (!ip)
        if (auto s = m_proxy->engine().network().staticAddress(host))
            ip = osh::net::parseIp(*s);
    if (ip) {
        decideWith({QHostAddress(QString::fromStdString(ip->toString()))});
        return;
    }
    // A name: the query itself carries it to a DNS server, so everything
    // that does not need the address (rules, dns_filtering, policies on the
    // host, port, protocol and tool) is decided first.
    if (auto refused = m_proxy->refuseBeforeLookup(m_request, m_inspect)) {
        reply(403, QStringLiteral("forbidden"), QString::fromStdString(refused->message), &*refused);
        return;
    }
    m_state = State::Resolving;
    m_timer.start(kConnectTimeoutMs);
    QPointer<ProxyConnection> self(this);
    m_proxy->resolver().resolve(QString::fromStdString(host), [self](const QList<QHostAddress> &answer, const QString &error) {
        if (!self || self->m_state != State::Resolving)
            return;
        if (!error.isEmpty() || answer.isEmpty()) {
            self->reply(502, QStringLiteral("bad_gateway"), QStringLiteral("cannot resolve the host: ") + error);
            return;
        }
        self->decideWith(answer);
    });
}

void ProxyConnection::decideWith(const QList<QHostAddress> &answer)
{
    m_timer.stop();
    m_state = State::Deciding;
    if (m_inspect) {
        if (auto refused = m_proxy->admit(m_request, answer, &m_address)) {
            reply(403, QStringLiteral("forbidden"), QString::fromStdString(refused->message), &*refused);
            return;
        }
        handOffInspection();
        return;
    }
    const osh::Decision d = m_proxy->decide(m_request, answer, &m_address);
    if (!d.proceeds()) {
        reply(403, QStringLiteral("forbidden"), QString::fromStdString(d.message), &d);
        return;
    }
    for (const auto &t : d.trace)
        if (t.layer == osh::Layer::Network && !t.isPolicy)
            m_rule = t.rule;
    const auto &rules = m_proxy->engine().document().network.rules;
    m_tlsRequired = m_protocol == "https";
    if (m_rule >= 0 && static_cast<std::size_t>(m_rule) < rules.size()) {
        const auto &r = rules[static_cast<std::size_t>(m_rule)];
        m_tlsRequired = m_tlsRequired || r.tlsRequired();
        if (r.maxRequestSizeKb)
            m_maxUp = std::llround(*r.maxRequestSizeKb * 1024.0);
        if (r.maxResponseSizeMb)
            m_maxDown = std::llround(*r.maxResponseSizeMb * 1024.0 * 1024.0);
    }
    if (d.outcome == osh::Action::Throttle && d.delaySeconds && *d.delaySeconds > 0) {
        QTimer::singleShot(static_cast<int>(*d.delaySeconds * 1000.0), this, &ProxyConnection::connectUpstream);
        return;
    }
    connectUpstream();
}

void ProxyConnection::connectUpstream()
{
    m_state = State::Connecting;
    const bool v6 = m_address.protocol() == QAbstractSocket::IPv6Protocol;
    sockaddr_storage ss{};
    const socklen_t len = toSockaddr(m_address, static_cast<quint16>(m_head.port), ss);
    m_server = ::socket(v6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (m_server < 0) {
        reply(502, QStringLiteral("bad_gateway"), QStringLiteral("socket: ") + errnoString(errno));
        return;
    }
    setNoDelay(m_server);
    m_proxy->noteUpstreamConnect();
    if (::connect(m_server, reinterpret_cast<sockaddr *>(&ss), len) == 0) {
        onConnected();
        return;
    }
    if (errno != EINPROGRESS) {
        reply(502, QStringLiteral("bad_gateway"), QStringLiteral("connect failed: ") + errnoString(errno));
        return;
    }
    m_serverWrite = std::make_unique<QSocketNotifier>(m_server, QSocketNotifier::Write);
    connect(m_serverWrite.get(), &QSocketNotifier::activated, this, &ProxyConnection::onServerWritable);
    m_timer.start(kConnectTimeoutMs);
}

void ProxyConnection::onServerWritable()
{
    if (m_state == State::Connecting) {
        int err = 0;
        socklen_t len = sizeof err;
        ::getsockopt(m_server, SOL_SOCKET, SO_ERROR, &err, &len);
        m_serverWrite.reset();
        if (err != 0) {
            reply(502, QStringLiteral("bad_gateway"), QStringLiteral("connect failed: ") + errnoString(err));
            return;
        }
        onConnected();
        return;
    }
    if (!flush(m_server, m_toServer))
        closeAll();
}

void ProxyConnection::onConnected()
{
    m_timer.stop();
    if (!m_head.isConnect) {
        const std::string head = HttpParser::originHead(m_head);
        const auto body = std::min<std::size_t>(m_in.size(), static_cast<std::size_t>(m_head.contentLength));
        m_toServer = head + m_in.substr(0, body);
        m_upBytes = static_cast<std::int64_t>(m_toServer.size());
        m_in.clear();
        m_upEnd = static_cast<std::int64_t>(head.size()) + m_head.contentLength;
        handOff();
        return;
    }
    m_toClient += "HTTP/1.1 200 Connection Established\r\n\r\n";
    if (!flush(m_client, m_toClient)) {
        closeAll();
        return;
    }
    if (m_tlsRequired && m_protocol != "smtp") {
        m_state = State::FirstFlight;
        m_clientRead->setEnabled(true);
        m_timer.start(kFirstFlightTimeoutMs);
        checkFirstFlight();
        return;
    }
    if (m_tlsRequired) {
        m_state = State::Smtp;
        m_clientRead->setEnabled(true);
        m_serverRead = std::make_unique<QSocketNotifier>(m_server, QSocketNotifier::Read);
        connect(m_serverRead.get(), &QSocketNotifier::activated, this, &ProxyConnection::onServerReadable);
        m_timer.start(kSmtpIdleTimeoutMs);
        if (!m_in.empty())
            smtpFromClient(std::exchange(m_in, {}));
        return;
    }
    m_upBytes += static_cast<std::int64_t>(m_in.size());
    m_toServer = std::exchange(m_in, {});
    handOff();
}

void ProxyConnection::checkFirstFlight()
{
    if (m_in.empty())
        return;
    const auto r = TlsClientHello::parse(m_in);
    if (r.status == TlsClientHello::Status::NeedMore) {
        if (m_in.size() > TlsClientHello::kMaxHandshakeBytes + 4096)
            cut(QStringLiteral("TLS first flight too large"));
        return;
    }
    if (r.status == TlsClientHello::Status::Invalid) {
        cut(QStringLiteral("first bytes are not a TLS ClientHello (") + QString::fromStdString(r.error)
            + QStringLiteral("); the tunnel requires TLS"));
        return;
    }
    if (m_protocol == "https") {
        const std::string host = osh::net::normalizeHost(m_head.host);
        const bool literal = osh::net::parseIpLenient(host).has_value();
        if (!r.serverName && !literal) {
            cut(QStringLiteral("TLS ClientHello without SNI; https to ") + hostText() + QStringLiteral(" requires it"));
            return;
        }
        if (r.serverName && osh::net::normalizeHost(*r.serverName) != host) {
            cut(QStringLiteral("TLS SNI '") + QString::fromStdString(*r.serverName)
                + QStringLiteral("' does not match the requested host '") + hostText() + QStringLiteral("'"));
            return;
        }
    }
    m_upBytes += static_cast<std::int64_t>(m_in.size());
    m_toServer = std::exchange(m_in, {});
    handOff();
}

void ProxyConnection::smtpFromClient(std::string_view data)
{
    auto out = m_smtp.onClientData(data);
    if (out.cut) {
        cut(QString::fromStdString(*out.cut));
        return;
    }
    m_toServer += out.forward;
    m_upBytes += static_cast<std::int64_t>(out.forward.size());
    if (m_maxUp >= 0 && m_upBytes > m_maxUp) {
        cut(QString::fromStdString("max_request_size_kb of rule " + std::to_string(m_rule) + " exceeded"));
        return;
    }
    if (!flush(m_server, m_toServer))
        closeAll();
    m_timer.start(kSmtpIdleTimeoutMs);
}

void ProxyConnection::onServerReadable()
{
    char buf[16384];
    for (;;) {
        const auto n = ::recv(m_server, buf, sizeof buf, 0);
        if (n > 0) {
            const std::string_view chunk(buf, static_cast<std::size_t>(n));
            auto why = m_smtp.onServerData(chunk);
            m_toClient.append(chunk);
            m_downBytes += n;
            if (!why && m_maxDown >= 0 && m_downBytes > m_maxDown)
                why = "max_response_size_mb of rule " + std::to_string(m_rule) + " exceeded";
            if (why) {
                cut(QString::fromStdString(*why));
                return;
            }
            if (m_smtp.tlsStarted()) {
                const std::string held = m_smtp.takeHeld();
                m_upBytes += static_cast<std::int64_t>(held.size());
                m_toServer += held;
                handOff();
                return;
            }
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            break;
        // The server ended the plaintext dialogue: pass on its last words, then close.
        flush(m_client, m_toClient);
        closeAll();
        return;
    }
    if (!flush(m_client, m_toClient))
        closeAll();
}

void ProxyConnection::handOff()
{
    m_timer.stop();
    m_clientRead.reset();
    m_clientWrite.reset();
    m_serverRead.reset();
    m_serverWrite.reset();
    TunnelSpec s;
    s.clientFd = std::exchange(m_client, -1);
    s.serverFd = std::exchange(m_server, -1);
    s.upCounted = m_upBytes;
    s.downCounted = m_downBytes;
    s.upPrefix = std::move(m_toServer);
    s.downPrefix = std::move(m_toClient);
    s.maxUp = m_maxUp;
    s.maxDown = m_maxDown;
    s.upEnd = m_upEnd;
    s.upLimitText = "max_request_size_kb of rule " + std::to_string(m_rule) + " (" + std::to_string(m_maxUp) + " bytes)";
    s.downLimitText = "max_response_size_mb of rule " + std::to_string(m_rule) + " (" + std::to_string(m_maxDown) + " bytes)";
    NetworkGuardianProxy *proxy = m_proxy;
    s.done = [proxy, identity = m_identity, host = hostText()](const TunnelResult &r) {
        // The proxy outlives its relay thread, so it is still there when this runs.
        QMetaObject::invokeMethod(
            proxy,
            [proxy, identity, host, r] {
                proxy->connectionEnded(identity);
                if (r.cut)
                    proxy->reportCut(identity, host, QString::fromStdString(r.reason));
                proxy->reportClosed(identity, host, r.bytesUp, r.bytesDown);
            },
            Qt::QueuedConnection);
    };
    m_handedOff = true;
    m_proxy->relay().add(std::move(s));
    m_state = State::Done;
    deleteLater();
}

void ProxyConnection::handOffInspection()
{
    m_timer.stop();
    m_clientRead.reset();
    m_clientWrite.reset();
    InspectionSpec s;
    s.identity = m_identity;
    s.clientFd = std::exchange(m_client, -1);
    s.tls = m_head.isConnect;
    s.host = m_head.host;
    s.port = m_head.port;
    s.address = m_address;
    s.rule = m_rule;
    if (m_head.isConnect) {
        s.toClient = "HTTP/1.1 200 Connection Established\r\n\r\n";
        s.pending = std::move(m_in);
    } else {
        s.pending = std::move(m_rawHead) + m_in; // the whole first request, parsed again by the inspector
    }
    m_handedOff = true; // the inspector reports the connection's end
    if (!m_proxy->startInspection(std::move(s))) {
        m_proxy->reportCut(m_identity, hostText(),
                           QStringLiteral("too many inspected connections at once; the connection is closed"));
        m_proxy->connectionEnded(m_identity);
    }
    m_state = State::Done;
    deleteLater();
}

bool ProxyConnection::flush(int fd, std::string &pending)
{
    std::size_t off = 0;
    while (off < pending.size()) {
        const auto n = ::send(fd, pending.data() + off, pending.size() - off, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n > 0) {
            off += static_cast<std::size_t>(n);
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            break;
        return false;
    }
    pending.erase(0, off);
    auto &notifier = fd == m_client ? m_clientWrite : m_serverWrite;
    if (!pending.empty() && !notifier) {
        notifier = std::make_unique<QSocketNotifier>(fd, QSocketNotifier::Write);
        if (fd == m_client) {
            connect(notifier.get(), &QSocketNotifier::activated, this, [this] {
                if (!flush(m_client, m_toClient))
                    closeAll();
                else if (m_state == State::Closing && m_toClient.empty())
                    ::shutdown(m_client, SHUT_WR);
            });
        } else {
            connect(notifier.get(), &QSocketNotifier::activated, this, &ProxyConnection::onServerWritable);
        }
    }
    if (notifier)
        notifier->setEnabled(!pending.empty());
    return true;
}

void ProxyConnection::reply(int status, const QString &error, const QString &reason, const osh::Decision *decision)
{
    QJsonObject o;
    o.insert(QStringLiteral("error"), error);
    o.insert(QStringLiteral("reason"), reason);
    o.insert(QStringLiteral("identity"), m_identity);
    if (!m_head.host.empty()) {
        o.insert(QStringLiteral("host"), hostText());
        o.insert(QStringLiteral("port"), m_head.port);
        o.insert(QStringLiteral("protocol"), QString::fromStdString(m_protocol));
    }
    if (decision) {
        const auto action = osh::actionName(decision->outcome);
        const auto layer = osh::layerName(decision->layer);
        o.insert(QStringLiteral("decision"), QString::fromLatin1(action.data(), static_cast<qsizetype>(action.size())));
        o.insert(QStringLiteral("layer"), QString::fromLatin1(layer.data(), static_cast<qsizetype>(layer.size())));
        o.insert(QStringLiteral("policy"), decision->policy.empty() ? QJsonValue() : QJsonValue(QString::fromStdString(decision->policy)));
    }
    const QByteArray body = QJsonDocument(o).toJson(QJsonDocument::Compact) + '\n';
    m_toClient = "HTTP/1.1 " + std::to_string(status) + " " + http::reasonPhrase(status)
        + "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size())
        + "\r\nConnection: close\r\n\r\n" + body.toStdString();
    if (status != 403)
        m_proxy->reportRejected(m_identity, hostText(), status, reason);

    m_serverRead.reset();
    m_serverWrite.reset();
    if (m_server >= 0)
        ::close(std::exchange(m_server, -1));
    m_state = State::Closing;
    m_in.clear();
    m_clientRead->setEnabled(true);
    if (!flush(m_client, m_toClient)) {
        closeAll();
        return;
    }
    if (m_toClient.empty())
        ::shutdown(m_client, SHUT_WR);
    // Keep reading until the client closes, so unread request bytes do not
    // turn our close into a reset that would discard the answer.
    m_timer.start(2000);
}

void ProxyConnection::cut(const QString &reason)
{
    m_proxy->reportCut(m_identity, hostText(), reason);
    m_proxy->reportClosed(m_identity, hostText(), m_upBytes, m_downBytes);
    closeAll();
}

void ProxyConnection::onTimeout()
{
    switch (m_state) {
    case State::Head:
        reply(408, QStringLiteral("timeout"),
              m_heardFrom ? QStringLiteral("no complete request head in time") : QStringLiteral("no request in time"));
        break;
    case State::Resolving:
    case State::Connecting:
        reply(504, QStringLiteral("gateway_timeout"), QStringLiteral("destination not reachable in time"));
        break;
    case State::FirstFlight: cut(QStringLiteral("no TLS ClientHello in time")); break;
    case State::Smtp: cut(QStringLiteral("SMTP dialogue idle")); break;
    case State::Closing: finishClosing(); break;
    default: break;
    }
}

void ProxyConnection::finishClosing()
{
    closeAll();
}

void ProxyConnection::closeAll()
{
    m_timer.stop();
    m_clientRead.reset();
    m_clientWrite.reset();
    m_serverRead.reset();
    m_serverWrite.reset();
    if (m_client >= 0)
        ::close(std::exchange(m_client, -1));
    if (m_server >= 0)
        ::close(std::exchange(m_server, -1));
    m_state = State::Done;
    deleteLater();
}

} // namespace osh::runtime
