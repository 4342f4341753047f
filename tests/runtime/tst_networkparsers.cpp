// Unit tests of the proxy's parsers: the request head, the TLS ClientHello
// (SNI) and the SMTP STARTTLS guard.

#include "networktestutil.h"

#include "network/httpparser.h"
#include "network/smtpguard.h"
#include "network/tlsclienthello.h"

#include <QTest>

using namespace osh::runtime;
using osh::nettest::clientHello;

class TestNetworkParsers : public QObject
{
    Q_OBJECT
private slots:
    void connectHead()
    {
        const auto r = HttpParser::parse("CONNECT Api.Example.com:8443 HTTP/1.1\r\nHost: api.example.com:8443\r\n"
                                         "X-OpenShell-Protocol: tcp\r\n\r\nrest");
        QCOMPARE(int(r.status), int(HttpParser::Status::Complete));
        QVERIFY(r.head.isConnect);
        QCOMPARE(r.head.host, std::string("Api.Example.com"));
        QCOMPARE(r.head.port, 8443);
        QCOMPARE(r.head.header("x-openshell-protocol").value_or(""), std::string("tcp"));
        QCOMPARE(r.head.headSize, std::string_view("CONNECT Api.Example.com:8443 HTTP/1.1\r\nHost: api.example.com:8443\r\n"
                                                   "X-OpenShell-Protocol: tcp\r\n\r\n").size());
    }
    void ipv6Authority()
    {
        const auto r = HttpParser::parse("CONNECT [::1]:443 HTTP/1.1\r\nHost: [::1]:443\r\n\r\n");
        QCOMPARE(int(r.status), int(HttpParser::Status::Complete));
        QCOMPARE(r.head.host, std::string("::1"));
        QCOMPARE(int(HttpParser::parse("CONNECT ::1:443 HTTP/1.1\r\nHost: x\r\n\r\n").status), int(HttpParser::Status::Error));
    }
    void absoluteForm()
    {
        const auto r = HttpParser::parse("GET http://web.test/a/b?c=d#frag HTTP/1.1\r\nHost: web.test\r\nConnection: x-hop\r\n"
                                         "X-Hop: 1\r\nKeep-Alive: 5\r\nAccept: */*\r\nContent-Length: 3\r\n\r\n");
        QCOMPARE(int(r.status), int(HttpParser::Status::Complete));
        QCOMPARE(r.head.port, 80);
        QCOMPARE(r.head.path, std::string("/a/b?c=d"));
        QCOMPARE(r.head.contentLength, std::int64_t(3));
        QCOMPARE(HttpParser::originHead(r.head),
                 std::string("GET /a/b?c=d HTTP/1.1\r\nHost: web.test\r\nAccept: */*\r\nContent-Length: 3\r\nConnection: close\r\n\r\n"));
        const auto q = HttpParser::parse("GET http://web.test:8080?x HTTP/1.0\r\n\r\n");
        QCOMPARE(int(q.status), int(HttpParser::Status::Complete));
        QCOMPARE(q.head.path, std::string("/?x"));
        QCOMPARE(q.head.port, 8080);
    }
    void needMore()
    {
        QCOMPARE(int(HttpParser::parse("CONNECT a.b:1 HTTP/1.1\r\nHost: a").status), int(HttpParser::Status::NeedMore));
        QCOMPARE(int(HttpParser::parse("").status), int(HttpParser::Status::NeedMore));
    }
    void errors_data()
    {
        QTest::addColumn<QByteArray>("head");
        QTest::newRow("missing host") << QByteArray("GET http://a.b/ HTTP/1.1\r\n\r\n");
        QTest::newRow("https absolute") << QByteArray("GET https://a.b/ HTTP/1.1\r\nHost: a.b\r\n\r\n");
        QTest::newRow("userinfo") << QByteArray("GET http://u@a.b/ HTTP/1.1\r\nHost: a.b\r\n\r\n");
        QTest::newRow("port 0") << QByteArray("CONNECT a.b:0 HTTP/1.1\r\nHost: a.b\r\n\r\n");
        QTest::newRow("port 65536") << QByteArray("CONNECT a.b:65536 HTTP/1.1\r\nHost: a.b\r\n\r\n");
        QTest::newRow("bad host") << QByteArray("CONNECT a_b!:443 HTTP/1.1\r\nHost: a.b\r\n\r\n");
        QTest::newRow("two content-length") << QByteArray("GET http://a.b/ HTTP/1.1\r\nHost: a.b\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\n");
        QTest::newRow("negative content-length") << QByteArray("GET http://a.b/ HTTP/1.1\r\nHost: a.b\r\nContent-Length: -1\r\n\r\n");
        QTest::newRow("folding") << QByteArray("GET http://a.b/ HTTP/1.1\r\nHost: a.b\r\n x\r\n\r\n");
        QTest::newRow("bare cr") << QByteArray("GET http://a.b/ HTTP/1.1\r\nHost: a\rb\r\n\r\n");
        QTest::newRow("version") << QByteArray("GET http://a.b/ HTTP/2\r\nHost: a.b\r\n\r\n");
        QTest::newRow("extra space") << QByteArray("GET  http://a.b/ HTTP/1.1\r\nHost: a.b\r\n\r\n");
        QTest::newRow("connect body") << QByteArray("CONNECT a.b:1 HTTP/1.1\r\nHost: a.b\r\nContent-Length: 4\r\n\r\n");
        QTest::newRow("overlong") << QByteArray("GET http://a.b/ HTTP/1.1\r\nX: ") + QByteArray(70000, 'x');
    }
    void errors()
    {
        QFETCH(QByteArray, head);
        const auto r = HttpParser::parse(std::string_view(head.constData(), static_cast<std::size_t>(head.size())));
        QCOMPARE(int(r.status), int(HttpParser::Status::Error));
        QVERIFY(!r.error.empty());
    }

    void clientHelloSni()
    {
        const std::string h = clientHello("api.example.com");
        const auto r = TlsClientHello::parse(h + "trailing");
        QCOMPARE(int(r.status), int(TlsClientHello::Status::Complete));
        QCOMPARE(r.serverName.value_or(""), std::string("api.example.com"));
        QCOMPARE(r.recordBytes, h.size());
        const auto none = TlsClientHello::parse(clientHello(""));
        QCOMPARE(int(none.status), int(TlsClientHello::Status::Complete));
        QVERIFY(!none.serverName);
    }
    void clientHelloIncremental()
    {
        const std::string h = clientHello("a.example");
        for (std::size_t i = 0; i < h.size(); ++i)
            QCOMPARE(int(TlsClientHello::parse(std::string_view(h).substr(0, i)).status), int(TlsClientHello::Status::NeedMore));
    }
    void clientHelloFragmented()
    {
        // The handshake split over two records is still one ClientHello.
        const std::string h = clientHello("frag.example");
        const std::string hs = h.substr(5);
        std::string two;
        for (const auto &part : {hs.substr(0, 10), hs.substr(10)}) {
            two += std::string("\x16\x03\x01", 3);
            osh::nettest::put16(two, part.size());
            two += part;
        }
        const auto r = TlsClientHello::parse(two);
        QCOMPARE(int(r.status), int(TlsClientHello::Status::Complete));
        QCOMPARE(r.serverName.value_or(""), std::string("frag.example"));
    }
    void clientHelloInvalid()
    {
        QCOMPARE(int(TlsClientHello::parse("GET / HTTP/1.1\r\n").status), int(TlsClientHello::Status::Invalid));
        QCOMPARE(int(TlsClientHello::parse("G").status), int(TlsClientHello::Status::Invalid));
        std::string h = clientHello("a.example");
        h[5] = '\x02'; // ServerHello
        QCOMPARE(int(TlsClientHello::parse(h).status), int(TlsClientHello::Status::Invalid));
        std::string alert = clientHello("a.example");
        alert[0] = '\x15';
        QCOMPARE(int(TlsClientHello::parse(alert).status), int(TlsClientHello::Status::Invalid));
        // Corrupt the extensions length: bytes past the declared lengths are refused.
        std::string bad = clientHello("a.example");
        const std::size_t extLenPos = 5 + 4 + 2 + 32 + 1 + 4 + 2;
        bad[extLenPos + 1] = static_cast<char>(bad[extLenPos + 1] + 1);
        QCOMPARE(int(TlsClientHello::parse(bad).status), int(TlsClientHello::Status::Invalid));
    }
    void clientHelloDuplicateSni()
    {
        // Two server_name extensions: refused, so the proxy and the server cannot read different names.
        std::string hello = clientHello("good.example");
        const std::string sniExt = clientHello("evil.example");
        // Rebuild with both extensions by hand.
        auto extOf = [](const std::string &rec) {
            const std::size_t pos = 5 + 4 + 2 + 32 + 1 + 4 + 2;
            return rec.substr(pos + 2);
        };
        std::string ext = extOf(hello) + extOf(sniExt);
        std::string body = std::string("\x03\x03", 2) + std::string(32, 'B') + '\0' + std::string("\x00\x02\x13\x01\x01\x00", 6);
        osh::nettest::put16(body, ext.size());
        body += ext;
        std::string hs = "\x01";
        hs += '\0';
        osh::nettest::put16(hs, body.size());
        hs += body;
        std::string rec("\x16\x03\x01", 3);
        osh::nettest::put16(rec, hs.size());
        rec += hs;
        const auto r = TlsClientHello::parse(rec);
        QCOMPARE(int(r.status), int(TlsClientHello::Status::Invalid));
    }

    void smtpGuardBlocksMailBeforeStartTls()
    {
        SmtpGuard g;
        QVERIFY(!g.onServerData("220 hi\r\n"));
        auto o = g.onClientData("EHLO x\r\nMA");
        QCOMPARE(o.forward, std::string("EHLO x\r\n"));
        QVERIFY(!o.cut);
        o = g.onClientData("IL FROM:<a@b>\r\n");
        QVERIFY(o.cut);
        QVERIFY(o.forward.empty());
    }
    void smtpGuardStartTls()
    {
        SmtpGuard g;
        QVERIFY(!g.onServerData("220 hi\r\n"));
        QCOMPARE(g.onClientData("EHLO x\r\nSTARTTLS\r\n\x16\x03\x01").forward, std::string("EHLO x\r\nSTARTTLS\r\n"));
        QVERIFY(!g.onServerData("250-hi\r\n250 STARTTLS\r\n")); // the EHLO reply, not STARTTLS's
        QVERIFY(!g.tlsStarted());
        QVERIFY(!g.onServerData("220 go\r\n"));
        QVERIFY(g.tlsStarted());
        QCOMPARE(g.takeHeld(), std::string("\x16\x03\x01"));
        QCOMPARE(g.onClientData("MAIL FROM:<a@b>\r\n").forward, std::string("MAIL FROM:<a@b>\r\n"));
    }
    void smtpGuardRefusedStartTls()
    {
        SmtpGuard g;
        QVERIFY(!g.onServerData("220 hi\r\n"));
        QCOMPARE(g.onClientData("STARTTLS\r\n").forward, std::string("STARTTLS\r\n"));
        QVERIFY(!g.onServerData("454 not now\r\n"));
        QVERIFY(!g.tlsStarted());
        QVERIFY(g.onClientData("auth plain AAAA\r\n").cut);
    }
    void smtpGuardLongLine()
    {
        SmtpGuard g;
        QVERIFY(g.onClientData(std::string(5000, 'a')).cut);
    }
};

QTEST_GUILESS_MAIN(TestNetworkParsers)
#include "tst_networkparsers.moc"
