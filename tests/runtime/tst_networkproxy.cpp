// End-to-end tests of the network guardian proxy, on loopback only: the
// origin servers listen on 127.0.0.1 and count every connection and byte,
// so a refusal can be shown to have happened before any connection.

#include "networktestutil.h"
#include "proxytestharness.h"

#include <QTemporaryDir>
#include <QTest>

using namespace osh;
using namespace osh::nettest;

namespace {

void httpHandler(int fd, OriginServer &s)
{
    std::string in;
    char b[4096];
    while (in.find("\r\n\r\n") == std::string::npos) {
        const auto n = s.recv(fd, b, sizeof b);
        if (n <= 0)
            return;
        in.append(b, static_cast<std::size_t>(n));
    }
    std::size_t len = 0;
    if (auto p = in.find("Content-Length: "); p != std::string::npos)
        len = std::stoul(in.substr(p + 16));
    const auto bodyStart = in.find("\r\n\r\n") + 4;
    while (in.size() < bodyStart + len) {
        const auto n = s.recv(fd, b, sizeof b);
        if (n <= 0)
            return;
        in.append(b, static_cast<std::size_t>(n));
    }
    const std::string body = "got:" + in.substr(bodyStart, len);
    sendAll(fd, "HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body);
}

void smtpHandler(int fd, OriginServer &s)
{
    sendAll(fd, "220 mail.test ESMTP\r\n");
    std::string line;
    char c;
    bool tls = false;
    while (!tls) {
        line.clear();
        while (s.recv(fd, &c, 1) == 1) {
            line += c;
            if (c == '\n')
                break;
        }
        if (line.empty() || line.back() != '\n')
            return;
        if (line.rfind("EHLO", 0) == 0)
            sendAll(fd, "250-mail.test\r\n250 STARTTLS\r\n");
        else if (line.rfind("STARTTLS", 0) == 0) {
            sendAll(fd, "220 ready to start TLS\r\n");
            tls = true;
        } else if (line.rfind("QUIT", 0) == 0) {
            sendAll(fd, "221 bye\r\n");
            return;
        } else
            sendAll(fd, "250 ok\r\n");
    }
    sinkHandler(fd, s);
}

std::string connectRequest(const std::string &authority, const std::string &protocol = {})
{
    std::string r = "CONNECT " + authority + " HTTP/1.1\r\nHost: " + authority + "\r\n";
    if (!protocol.empty())
        r += "X-OpenShell-Protocol: " + protocol + "\r\n";
    return r + "\r\n";
}

bool startsWith(const std::string &s, std::string_view p)
{
    return s.compare(0, p.size(), p) == 0;
}

} // namespace

class TestNetworkProxy : public QObject
{
    Q_OBJECT

    std::unique_ptr<OriginServer> m_tls, m_web, m_smtp, m_sink, m_burst, m_echo;
    std::unique_ptr<ProxyHarness> m_h;
    quint16 m_fetcher = 0, m_mailer = 0, m_agent = 0;

    std::string policy() const
    {
        const auto p = [](const std::unique_ptr<OriginServer> &s) { return std::to_string(s->port()); };
        return "version: 1\nname: proxy-test\nnetwork:\n  default_policy: deny-all\n  hosts:\n"
               "    tls.test: 127.0.0.1\n    tlsraw.test: 127.0.0.1\n    web.test: 127.0.0.1\n    mail.test: 127.0.0.1\n"
               "    raw.test: 127.0.0.1\n    big.test: 127.0.0.1\n    rate.test: 127.0.0.1\n    policy.test: 127.0.0.1\n"
               "    evil.wild.test: 127.0.0.1\n    meta.wild.test: 169.254.169.254\n"
               "  rules:\n"
               "    - {tool: fetcher, allowed_hosts: [tls.test], allowed_ports: [" + p(m_tls) + "], protocol: https, inspect: false}\n"
               "    - {tool: fetcher, allowed_hosts: [web.test], allowed_ports: [" + p(m_web) + "], protocol: http, inspect: false}\n"
               "    - {tool: mailer, allowed_hosts: [mail.test], allowed_ports: [" + p(m_smtp) + "], protocol: smtp, tls_required: true}\n"
               "    - {tool: fetcher, allowed_hosts: [raw.test], allowed_ports: [" + p(m_sink) + "], protocol: tcp, max_request_size_kb: 4}\n"
               "    - {tool: fetcher, allowed_hosts: [big.test], allowed_ports: [" + p(m_burst) + "], protocol: tcp, max_response_size_mb: 0.0625}\n"
               "    - {tool: fetcher, allowed_hosts: [rate.test], allowed_ports: [" + p(m_echo) + "], protocol: tcp, rate_limit: 3/minute}\n"
               "    - {tool: fetcher, allowed_hosts: [policy.test], allowed_ports: [" + p(m_echo) + "], protocol: tcp}\n"
               "    - {tool: '*', allowed_hosts: ['*.wild.test', 127.0.0.0/8, 169.254.0.0/16], allowed_ports: [" + p(m_echo) + "], protocol: tcp}\n"
               "    - {tool: fetcher, allowed_hosts: [tlsraw.test], allowed_ports: [" + p(m_tls) + "], protocol: tcp, tls_required: true}\n"
               "policies:\n"
               "  - name: no-policy-test\n    trigger: network_egress\n    condition: destination.host == 'policy.test'\n"
               "    action: block\n    message: policy.test is off limits\n";
    }

    // CONNECT through the fetcher's port and return the client after the proxy's answer.
    Client open(quint16 proxyPort, const std::string &authority, const std::string &protocol, std::string &answer)
    {
        Client c = Client::tcp(proxyPort);
        c.send(connectRequest(authority, protocol));
        answer = c.response();
        return c;
    }

private slots:
    void init()
    {
        m_tls = std::make_unique<OriginServer>(echoHandler);
        m_web = std::make_unique<OriginServer>(httpHandler);
        m_smtp = std::make_unique<OriginServer>(smtpHandler);
        m_sink = std::make_unique<OriginServer>(sinkHandler);
        m_burst = std::make_unique<OriginServer>(burstHandler(1 << 20));
        m_echo = std::make_unique<OriginServer>(echoHandler);
        m_h = std::make_unique<ProxyHarness>(policy());
        m_fetcher = m_h->listenTcp(QStringLiteral("fetcher"));
        m_mailer = m_h->listenTcp(QStringLiteral("mailer"));
        m_agent = m_h->listenTcp(QStringLiteral("agent"));
        QVERIFY(m_fetcher && m_mailer && m_agent);
    }
    void cleanup()
    {
        m_h.reset();
        m_tls.reset();
        m_web.reset();
        m_smtp.reset();
        m_sink.reset();
        m_burst.reset();
        m_echo.reset();
    }

    void connectRelaysBothWays()
    {
        std::string answer;
        Client c = open(m_fetcher, "tls.test:" + std::to_string(m_tls->port()), {}, answer);
        QVERIFY2(startsWith(answer, "HTTP/1.1 200"), answer.c_str());
        const std::string hello = clientHello("TLS.test");
        const std::string payload(200000, 'x');
        QVERIFY(c.send(hello + payload));
        QCOMPARE(c.readExactly(hello.size() + payload.size()), hello + payload);
        c.shutdownWrite();
        std::string rest;
        QVERIFY(c.readToEof(rest));
        QVERIFY(rest.empty());
        QVERIFY(waitUntil([&] { return !m_h->recorded().closed.empty(); }));
        const auto rec = m_h->recorded();
        QCOMPARE(rec.decisions.size(), std::size_t(1));
        const auto &[req, d] = rec.decisions[0];
        QVERIFY(d.proceeds());
        QCOMPARE(req.identity(), std::string("fetcher"));
        QCOMPARE(req.get(Var::DestinationIp).toString(), std::string("127.0.0.1"));
        QCOMPARE(req.get(Var::DestinationProtocol).toString(), std::string("https"));
        QCOMPARE(rec.closed[0].first, qint64(hello.size() + payload.size()));
        QCOMPARE(rec.closed[0].second, qint64(hello.size() + payload.size()));
        QVERIFY(rec.cuts.empty());
    }

    void unixSocketIdentity()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("fetcher.sock"));
        const QString mpath = dir.filePath(QStringLiteral("mailer.sock"));
        QVERIFY(m_h->listenUnix(QStringLiteral("fetcher"), path));
        QVERIFY(m_h->listenUnix(QStringLiteral("mailer"), mpath));
        const std::string target = "tls.test:" + std::to_string(m_tls->port());

        Client c = Client::unix(path.toStdString());
        QVERIFY(c.ok());
        c.send(connectRequest(target));
        QVERIFY(startsWith(c.response(), "HTTP/1.1 200"));
        const std::string hello = clientHello("tls.test") + "ping";
        c.send(hello);
        QCOMPARE(c.readExactly(hello.size()), hello);
        c.close();

        // The mailer's socket carries the mailer's identity, whatever the request says.
        Client m = Client::unix(mpath.toStdString());
        m.send("CONNECT " + target + " HTTP/1.1\r\nHost: " + target + "\r\nX-Identity: fetcher\r\n\r\n");
        const std::string answer = m.response();
        QVERIFY2(startsWith(answer, "HTTP/1.1 403"), answer.c_str());
        QVERIFY(answer.find("allows tls.test for 'fetcher' only") != std::string::npos);
        QCOMPARE(m_tls->connections(), 1);
    }

    // A ready tool sandbox's socket: nothing is read or decided until the
    // gate opens; then the held request is served like any other.
    void gatedSocketHoldsUntilOpened()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("g-p1.sock"));
        bool ok = false;
        m_h->run([&] { ok = m_h->proxy()->listenGated(QStringLiteral("mailer"), path); });
        QVERIFY(ok);
        const std::string target = "tls.test:" + std::to_string(m_tls->port());
        Client held = Client::unix(path.toStdString(), 400);
        QVERIFY(held.ok());
        held.send(connectRequest(target));
        QCOMPARE(held.response(), std::string()); // nothing within 400 ms
        int n = 0;
        m_h->run([&] { n = m_h->proxy()->heldConnections(path); });
        QCOMPARE(n, 1);
        QVERIFY(m_h->recorded().decisions.empty());

        // Held connections are bounded; those past the bound are closed at once.
        std::vector<Client> more;
        for (int i = 1; i < runtime::NetworkGuardianProxy::kMaxHeldPerGate; ++i)
            more.push_back(Client::unix(path.toStdString(), 400));
        QVERIFY(waitUntil([&] {
            int count = 0;
            m_h->run([&] { count = m_h->proxy()->heldConnections(path); });
            return count == runtime::NetworkGuardianProxy::kMaxHeldPerGate;
        }));
        Client over = Client::unix(path.toStdString(), 2000);
        std::string rest;
        QVERIFY(over.readToEof(rest));
        QVERIFY(rest.empty());
        more.clear();

        m_h->run([&] { ok = m_h->proxy()->openGate(path); });
        QVERIFY(ok);
        Client served = Client::unix(path.toStdString());
        const auto answerOf = [&](Client &c) {
            setTimeouts(c.fd(), 5000);
            return c.response();
        };
        const std::string first = answerOf(held);
        QVERIFY2(startsWith(first, "HTTP/1.1 403"), first.c_str());
        QVERIFY(first.find("for 'fetcher' only") != std::string::npos); // decided as the mailer
        served.send(connectRequest(target));
        QVERIFY(startsWith(answerOf(served), "HTTP/1.1 403"));
        QCOMPARE(m_h->connectAttempts(), 0);

        // Removing the gate closes what it still holds and the socket file.
        const QString path2 = dir.filePath(QStringLiteral("g-p2.sock"));
        m_h->run([&] { ok = m_h->proxy()->listenGated(QStringLiteral("mailer"), path2); });
        Client dropped = Client::unix(path2.toStdString(), 2000);
        QVERIFY(waitUntil([&] {
            int count = 0;
            m_h->run([&] { count = m_h->proxy()->heldConnections(path2); });
            return count == 1;
        }));
        m_h->run([&] { m_h->proxy()->removeGate(path2); });
        QVERIFY(dropped.readToEof(rest));
        QVERIFY(!QFileInfo::exists(path2));
    }

    void refusalsNeverConnect_data()
    {
        QTest::addColumn<QString>("listener");
        QTest::addColumn<QString>("authority");
        QTest::addColumn<QString>("protocol");
        QTest::addColumn<QString>("why");
        const QString tls = QStringLiteral("tls.test:TLS");
        QTest::newRow("wrong identity") << "mailer" << tls << "" << "for 'fetcher' only";
        QTest::newRow("agent identity") << "agent" << tls << "" << "for 'fetcher' only";
        QTest::newRow("undeclared host") << "fetcher" << "nowhere.test:443" << "" << "no rule allows";
        QTest::newRow("wrong port") << "fetcher" << "tls.test:WEB" << "" << "on other ports";
        QTest::newRow("wrong protocol") << "fetcher" << tls << "smtp" << "over https only";
        QTest::newRow("wildcard to loopback") << "fetcher" << "evil.wild.test:ECHO" << "tcp" << "block_private_ranges";
        QTest::newRow("cidr loopback literal") << "fetcher" << "127.0.0.1:ECHO" << "tcp" << "block_private_ranges";
        QTest::newRow("hex loopback literal") << "fetcher" << "0x7f000001:ECHO" << "tcp" << "block_private_ranges";
        QTest::newRow("short loopback literal") << "agent" << "127.1:ECHO" << "tcp" << "block_private_ranges";
        QTest::newRow("metadata via name") << "fetcher" << "meta.wild.test:ECHO" << "tcp" << "link-local";
        QTest::newRow("metadata literal") << "fetcher" << "169.254.169.254:ECHO" << "tcp" << "link-local";
        QTest::newRow("mapped v6 loopback") << "fetcher" << "[::ffff:127.0.0.1]:ECHO" << "tcp" << "::ffff:127.0.0.1";
        QTest::newRow("policy blocks") << "fetcher" << "policy.test:ECHO" << "tcp" << "off limits";
    }
    void refusalsNeverConnect()
    {
        QFETCH(QString, listener);
        QFETCH(QString, authority);
        QFETCH(QString, protocol);
        QFETCH(QString, why);
        authority = authority.replace(QStringLiteral("TLS"), QString::number(m_tls->port()))
                        .replace(QStringLiteral("WEB"), QString::number(m_web->port()))
                        .replace(QStringLiteral("ECHO"), QString::number(m_echo->port()));
        const quint16 port = listener == QLatin1StringView("mailer") ? m_mailer
            : listener == QLatin1StringView("agent")                 ? m_agent
                                                                     : m_fetcher;
        std::string answer;
        Client c = open(port, authority.toStdString(), protocol.toStdString(), answer);
        QVERIFY2(startsWith(answer, "HTTP/1.1 403 Forbidden"), answer.c_str());
        QVERIFY2(answer.find(why.toStdString()) != std::string::npos, answer.c_str());
        QVERIFY(answer.find("\"error\":\"forbidden\"") != std::string::npos);
        std::string rest;
        QVERIFY(c.readToEof(rest)); // and closed
        QCOMPARE(m_h->connectAttempts(), 0);
        QCOMPARE(m_echo->connections() + m_tls->connections() + m_web->connections(), 0);
        const auto rec = m_h->recorded();
        QCOMPARE(rec.decisions.size(), std::size_t(1));
        QVERIFY(!rec.decisions[0].second.proceeds());
    }

    void sniMismatchCutBeforeForwarding()
    {
        std::string answer;
        Client c = open(m_fetcher, "tls.test:" + std::to_string(m_tls->port()), "https", answer);
        QVERIFY(startsWith(answer, "HTTP/1.1 200"));
        c.send(clientHello("exfil.example.org") + "secret");
        std::string rest;
        QVERIFY(c.readToEof(rest));
        QVERIFY(rest.empty());
        QVERIFY(waitUntil([&] { return !m_h->recorded().cuts.empty(); }));
        QVERIFY(m_h->recorded().cuts[0].second.contains(QStringLiteral("does not match")));
        QTest::qWait(50);
        QCOMPARE(m_tls->bytesReceived(), 0LL);
    }

    void missingSniCut()
    {
        std::string answer;
        Client c = open(m_fetcher, "tls.test:" + std::to_string(m_tls->port()), {}, answer);
        c.send(clientHello(""));
        std::string rest;
        QVERIFY(c.readToEof(rest));
        QVERIFY(waitUntil([&] { return !m_h->recorded().cuts.empty(); }));
        QVERIFY(m_h->recorded().cuts[0].second.contains(QStringLiteral("without SNI")));
        QCOMPARE(m_tls->bytesReceived(), 0LL);
    }

    void nonTlsOnHttpsCut_data()
    {
        QTest::addColumn<QString>("host");
        QTest::addColumn<QString>("protocol");
        QTest::newRow("https") << "tls.test" << "https";
        QTest::newRow("tcp tls_required") << "tlsraw.test" << "tcp";
    }
    void nonTlsOnHttpsCut()
    {
        QFETCH(QString, host);
        QFETCH(QString, protocol);
        std::string answer;
        Client c = open(m_fetcher, host.toStdString() + ":" + std::to_string(m_tls->port()), protocol.toStdString(), answer);
        QVERIFY(startsWith(answer, "HTTP/1.1 200"));
        c.send("GET /steal HTTP/1.1\r\nHost: x\r\n\r\n");
        std::string rest;
        QVERIFY(c.readToEof(rest));
        QVERIFY(waitUntil([&] { return !m_h->recorded().cuts.empty(); }));
        QVERIFY(m_h->recorded().cuts[0].second.contains(QStringLiteral("not a TLS ClientHello")));
        QCOMPARE(m_tls->bytesReceived(), 0LL);
    }

    void tcpTlsRequiredAcceptsClientHello()
    {
        std::string answer;
        Client c = open(m_fetcher, "tlsraw.test:" + std::to_string(m_tls->port()), "tcp", answer);
        QVERIFY(startsWith(answer, "HTTP/1.1 200"));
        const std::string hello = clientHello("db.internal");
        c.send(hello);
        QCOMPARE(c.readExactly(hello.size()), hello);
    }

    void smtpMailBeforeStartTlsCut()
    {
        std::string answer;
        Client c = open(m_mailer, "mail.test:" + std::to_string(m_smtp->port()), "smtp", answer);
        QVERIFY2(startsWith(answer, "HTTP/1.1 200"), answer.c_str());
        QVERIFY(startsWith(c.readUntil("\r\n"), "220 "));
        c.send("EHLO me\r\n");
        QCOMPARE(c.readUntil("250 STARTTLS\r\n"), std::string("250-mail.test\r\n250 STARTTLS\r\n"));
        c.send("mail FROM:<a@example.org>\r\nRCPT TO:<b@example.org>\r\n");
        std::string rest;
        QVERIFY(c.readToEof(rest));
        QVERIFY(waitUntil([&] { return !m_h->recorded().cuts.empty(); }));
        QVERIFY(m_h->recorded().cuts[0].second.contains(QStringLiteral("MAIL before a successful STARTTLS")));
        QTest::qWait(50);
        QCOMPARE(m_smtp->received(), std::string("EHLO me\r\n"));
    }

    void smtpAfterStartTlsAllowed()
    {
        std::string answer;
        Client c = open(m_mailer, "mail.test:" + std::to_string(m_smtp->port()), "smtp", answer);
        QVERIFY(startsWith(answer, "HTTP/1.1 200"));
        QVERIFY(startsWith(c.readUntil("\r\n"), "220 "));
        c.send("EHLO me\r\n");
        c.readUntil("250 STARTTLS\r\n");
        c.send("STARTTLS\r\n");
        QCOMPARE(c.readUntil("\r\n"), std::string("220 ready to start TLS\r\n"));
        const std::string opaque = clientHello("mail.test") + "MAIL FROM:<a@example.org>\r\n";
        c.send(opaque);
        QVERIFY(waitUntil([&] { return m_smtp->received().size() == std::string("EHLO me\r\nSTARTTLS\r\n").size() + opaque.size(); }));
        QCOMPARE(m_smtp->received(), "EHLO me\r\nSTARTTLS\r\n" + opaque);
        QVERIFY(m_h->recorded().cuts.empty());
    }

    void requestSizeLimitCut()
    {
        std::string answer;
        Client c = open(m_fetcher, "raw.test:" + std::to_string(m_sink->port()), "tcp", answer);
        QVERIFY(startsWith(answer, "HTTP/1.1 200"));
        c.send(std::string(3000, 'a'));
        QVERIFY(waitUntil([&] { return m_sink->bytesReceived() == 3000; }));
        c.send(std::string(5000, 'b'));
        std::string rest;
        QVERIFY(c.readToEof(rest));
        QVERIFY(waitUntil([&] { return !m_h->recorded().cuts.empty(); }));
        QVERIFY(m_h->recorded().cuts[0].second.contains(QStringLiteral("max_request_size_kb")));
        QTest::qWait(50);
        QVERIFY(m_sink->bytesReceived() <= 4096);
    }

    void responseSizeLimitCut()
    {
        std::string answer;
        Client c = open(m_fetcher, "big.test:" + std::to_string(m_burst->port()), "tcp", answer);
        QVERIFY(startsWith(answer, "HTTP/1.1 200"));
        std::string body;
        QVERIFY(c.readToEof(body));
        QVERIFY(body.size() <= 65536);
        QVERIFY(waitUntil([&] { return !m_h->recorded().cuts.empty(); }));
        QVERIFY(m_h->recorded().cuts[0].second.contains(QStringLiteral("max_response_size_mb")));
    }

    void rateLimitRefusesFourth()
    {
        const std::string target = "rate.test:" + std::to_string(m_echo->port());
        std::vector<Client> open3;
        for (int i = 0; i < 3; ++i) {
            std::string answer;
            open3.push_back(open(m_fetcher, target, "tcp", answer));
            QVERIFY2(startsWith(answer, "HTTP/1.1 200"), answer.c_str());
        }
        std::string answer;
        Client fourth = open(m_fetcher, target, "tcp", answer);
        QVERIFY2(startsWith(answer, "HTTP/1.1 403"), answer.c_str());
        QVERIFY(answer.find("rate limit 3/minute") != std::string::npos);
        QVERIFY(waitUntil([&] { return m_echo->connections() == 3; }));
        QTest::qWait(50);
        QCOMPARE(m_echo->connections(), 3);
        QCOMPARE(m_h->connectAttempts(), 3);
    }

    void plainHttpForwarding()
    {
        Client c = Client::tcp(m_fetcher);
        const std::string port = std::to_string(m_web->port());
        c.send("POST http://web.test:" + port + "/submit?q=1 HTTP/1.1\r\nHost: web.test:" + port
               + "\r\nProxy-Connection: keep-alive\r\nContent-Length: 5\r\nX-Custom: yes\r\n\r\nhello");
        std::string all;
        QVERIFY(c.readToEof(all));
        QVERIFY2(startsWith(all, "HTTP/1.1 200 OK"), all.c_str());
        QVERIFY(all.find("got:hello") != std::string::npos);
        const std::string seen = m_web->received();
        QVERIFY2(startsWith(seen, "POST /submit?q=1 HTTP/1.1\r\nHost: web.test:" + port + "\r\n"), seen.c_str());
        QVERIFY(seen.find("X-Custom: yes\r\n") != std::string::npos);
        QVERIFY(seen.find("Connection: close\r\n") != std::string::npos);
        QVERIFY(seen.find("Proxy-Connection") == std::string::npos);
        const auto rec = m_h->recorded();
        QCOMPARE(rec.decisions[0].first.get(Var::DestinationProtocol).toString(), std::string("http"));
        QCOMPARE(rec.decisions[0].first.get(Var::RequestBytes).toInt(), std::int64_t(seen.size()));
    }

    void malformedRequestsAnswered400_data()
    {
        QTest::addColumn<QByteArray>("request");
        QTest::newRow("garbage") << QByteArray("\x01\x02\xff garbage\r\n\r\n");
        QTest::newRow("missing host") << QByteArray("CONNECT tls.test:443 HTTP/1.1\r\n\r\n");
        QTest::newRow("no port") << QByteArray("CONNECT tls.test HTTP/1.1\r\nHost: tls.test\r\n\r\n");
        QTest::newRow("origin form") << QByteArray("GET / HTTP/1.1\r\nHost: web.test\r\n\r\n");
        QTest::newRow("bad protocol header") << QByteArray("CONNECT tls.test:443 HTTP/1.1\r\nHost: tls.test\r\nX-OpenShell-Protocol: ftp\r\n\r\n");
        QTest::newRow("chunked with a length") << QByteArray("POST http://web.test/ HTTP/1.1\r\nHost: web.test\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n");
        QTest::newRow("bare lf") << QByteArray("GET http://web.test/ HTTP/1.1\nHost: web.test\n\n");
        QTest::newRow("overlong head") << (QByteArray("GET http://web.test/ HTTP/1.1\r\nHost: web.test\r\nX-Long: ")
                                           + QByteArray(70 * 1024, 'a') + QByteArray("\r\n\r\n"));
    }
    void malformedRequestsAnswered400()
    {
        QFETCH(QByteArray, request);
        Client c = Client::tcp(m_fetcher);
        c.send(std::string_view(request.constData(), static_cast<std::size_t>(request.size())));
        const std::string answer = c.response();
        QVERIFY2(startsWith(answer, "HTTP/1.1 400 Bad Request"), answer.c_str());
        QVERIFY(answer.find("\"error\":\"bad_request\"") != std::string::npos);
        QCOMPARE(m_h->connectAttempts(), 0);
        // Still serving.
        Client ok = Client::tcp(m_fetcher);
        ok.send(connectRequest("tls.test:" + std::to_string(m_tls->port())));
        QVERIFY(startsWith(ok.response(), "HTTP/1.1 200"));
    }

    void chunkedIsRefusedWhereRequestsAreNotRead()
    {
        // web.test's rule says inspect: false: the request is relayed as one
        // piece, so only Content-Length framing is accepted.
        Client c = Client::tcp(m_fetcher);
        const std::string port = std::to_string(m_web->port());
        c.send("POST http://web.test:" + port + "/ HTTP/1.1\r\nHost: web.test:" + port
               + "\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n");
        const std::string answer = c.response();
        QVERIFY2(startsWith(answer, "HTTP/1.1 400 Bad Request"), answer.c_str());
        QVERIFY(answer.find("Transfer-Encoding") != std::string::npos);
        QCOMPARE(m_h->connectAttempts(), 0);
    }

    void manyConcurrentConnections()
    {
        constexpr int kClients = 64;
        const std::string target = "tls.test:" + std::to_string(m_tls->port());
        std::vector<Client> clients;
        for (int i = 0; i < kClients; ++i) {
            clients.push_back(Client::tcp(m_fetcher));
            clients.back().send(connectRequest(target));
        }
        std::vector<std::string> payloads;
        for (int i = 0; i < kClients; ++i) {
            QVERIFY(startsWith(clients[static_cast<std::size_t>(i)].response(), "HTTP/1.1 200"));
            payloads.push_back(clientHello("tls.test") + std::string(32768 + i, static_cast<char>('a' + i % 26)));
            clients[static_cast<std::size_t>(i)].send(payloads.back());
        }
        for (int i = 0; i < kClients; ++i) {
            const auto &p = payloads[static_cast<std::size_t>(i)];
            QCOMPARE(clients[static_cast<std::size_t>(i)].readExactly(p.size()), p);
        }
        QCOMPARE(m_h->activeTunnels(), kClients);
        clients.clear();
        QVERIFY(waitUntil([&] { return m_h->activeTunnels() == 0; }));
        QCOMPARE(m_tls->connections(), kClients);
    }
};

QTEST_GUILESS_MAIN(TestNetworkProxy)
#include "tst_networkproxy.moc"
