// Unit tests of the proxy's incremental HTTP/1.1 message parser: framing,
// pipelining, limits, the request-smuggling corpus, targets, queries and the
// heads forwarded to the origin and back to the client.

#include "network/httpmessage.h"

#include <QTest>

using namespace osh::runtime;
using P = HttpMessageParser;
using S = HttpMessageParser::Status;

namespace {

QByteArray b(const std::string &s)
{
    return QByteArray::fromStdString(s);
}
int st(const P &p)
{
    return int(p.status());
}

// Feeds data in slices of `step` bytes (0: all at once), resuming after each
// HeadComplete, until the message completes, fails or the data runs out.
// Returns the bytes consumed; counts HeadComplete reports in *heads.
std::size_t drive(P &p, std::string_view data, std::size_t step = 0, int *heads = nullptr)
{
    std::size_t off = 0;
    for (;;) {
        if (p.status() == S::HeadComplete) {
            if (heads)
                ++*heads;
            p.resume();
            continue;
        }
        if (p.status() != S::NeedMore || off == data.size())
            return off;
        const auto n = p.feed(data.substr(off, step ? step : std::string_view::npos));
        if (n == 0 && p.status() == S::NeedMore)
            return off; // stuck: the caller's checks fail
        off += n;
    }
}

const std::string kRequestHead = "POST /upload?x=1 HTTP/1.1\r\nHost: web.test\r\nContent-Type: text/plain\r\n"
                                 "Content-Length: 11\r\n\r\n";

} // namespace

class TestHttpMessage : public QObject
{
    Q_OBJECT
private slots:
    void simpleGet()
    {
        const std::string req = "GET /index.html?q=1 HTTP/1.1\r\nHost: Example.com\r\nAccept:   */*  \r\n\r\n";
        P p(P::Kind::Request);
        QCOMPARE(drive(p, req), req.size());
        QCOMPARE(st(p), int(S::Complete));
        const auto m = p.take();
        QCOMPARE(b(m.method), QByteArray("GET"));
        QCOMPARE(b(m.target), QByteArray("/index.html?q=1"));
        QCOMPARE(m.versionMinor, 1);
        QCOMPARE(m.headers.size(), std::size_t(2));
        QCOMPARE(b(m.headers[0].first), QByteArray("Host"));
        QCOMPARE(b(m.header("host").value_or("")), QByteArray("Example.com"));
        QCOMPARE(b(m.header("ACCEPT").value_or("")), QByteArray("*/*"));
        QVERIFY(!m.header("content-length"));
        QVERIFY(m.body.empty());
        QVERIFY(m.keepAlive);
        QVERIFY(!m.chunked);
        QCOMPARE(st(p), int(S::NeedMore));
    }

    void postByteByByte()
    {
        const std::string req = kRequestHead + "hello world";
        P p(P::Kind::Request);
        int heads = 0;
        std::size_t consumed = 0;
        while (consumed < req.size()) {
            if (p.status() == S::HeadComplete) {
                ++heads; // exactly at the end of the head, before any body byte
                QCOMPARE(consumed, kRequestHead.size());
                QVERIFY(p.message().body.empty());
                p.resume();
            }
            QCOMPARE(st(p), int(S::NeedMore));
            const auto n = p.feed(std::string_view(req).substr(consumed, 1));
            QVERIFY(n == 1 || p.status() == S::HeadComplete);
            consumed += n;
        }
        QCOMPARE(heads, 1);
        QCOMPARE(consumed, req.size());
        QCOMPARE(st(p), int(S::Complete));
        QCOMPARE(b(p.message().body), QByteArray("hello world"));
        QCOMPARE(p.message().contentLength, std::int64_t(11));
    }

    void headCompleteBeforeBody()
    {
        // All bytes at once: the parser stops after exactly the head, once.
        const std::string req = kRequestHead + "hello world";
        P p(P::Kind::Request);
        QCOMPARE(p.feed(req), kRequestHead.size());
        QCOMPARE(st(p), int(S::HeadComplete));
        QVERIFY(p.message().body.empty());
        QCOMPARE(b(p.message().header("content-length").value_or("")), QByteArray("11"));
        QCOMPARE(p.feed(std::string_view(req).substr(kRequestHead.size())), std::size_t(0)); // paused
        p.resume();
        QCOMPARE(p.feed(std::string_view(req).substr(kRequestHead.size())), std::size_t(11));
        QCOMPARE(st(p), int(S::Complete));
        QCOMPARE(b(p.take().body), QByteArray("hello world"));
    }

    void chunkedWithExtensions()
    {
        const std::string req = "POST /c HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: Chunked\r\n\r\n"
                                "5;ext=1\r\nhello\r\n6;a=\"b c\";d\r\n world\r\nA \r\n 0123456\r\n\r\n0\r\n\r\n";
        for (std::size_t step : {std::size_t(0), std::size_t(1), std::size_t(7)}) {
            P p(P::Kind::Request);
            QCOMPARE(drive(p, req, step), req.size());
            QCOMPARE(st(p), int(S::Complete));
            const auto m = p.take();
            QVERIFY(m.chunked);
            QCOMPARE(b(m.body), QByteArray("hello world 0123456\r\n"));
        }
    }

    void pipelined()
    {
        const std::string first = "POST /a HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\nabc";
        const std::string second = "\r\nGET /b HTTP/1.1\r\nHost: h\r\n\r\n";
        const std::string all = first + second;
        P p(P::Kind::Request);
        QCOMPARE(drive(p, all), first.size());
        QCOMPARE(st(p), int(S::Complete));
        QCOMPARE(p.feed(std::string_view(all).substr(first.size())), std::size_t(0)); // waits for take()
        const auto a = p.take();
        QCOMPARE(b(a.target), QByteArray("/a"));
        QCOMPARE(b(a.body), QByteArray("abc"));
        QCOMPARE(drive(p, std::string_view(all).substr(first.size())), second.size());
        QCOMPARE(st(p), int(S::Complete));
        const auto c = p.take();
        QCOMPARE(b(c.method), QByteArray("GET"));
        QCOMPARE(b(c.target), QByteArray("/b"));
        QVERIFY(c.body.empty());
    }

    void responsesWithoutBody()
    {
        // HEAD: the Content-Length describes a body that is not sent.
        const std::string head = "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n";
        const std::string notModified = "HTTP/1.1 304 Not Modified\r\nContent-Length: 7\r\n\r\n";
        const std::string cont = "HTTP/1.1 100 Continue\r\n\r\n";
        const std::string ok = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi";
        const std::string all = head + notModified + cont + ok;
        P p(P::Kind::Response);
        p.setNoBody(true);
        std::size_t off = drive(p, all);
        QCOMPARE(off, head.size());
        QCOMPARE(st(p), int(S::Complete));
        auto m = p.take();
        QCOMPARE(m.status, 200);
        QCOMPARE(m.contentLength, std::int64_t(100));
        QVERIFY(m.body.empty());
        QVERIFY(m.keepAlive);
        for (const auto &[part, status] : {std::pair(notModified, 304), std::pair(cont, 100), std::pair(ok, 200)}) {
            off += drive(p, std::string_view(all).substr(off));
            QCOMPARE(st(p), int(S::Complete));
            m = p.take();
            QCOMPARE(m.status, status);
        }
        QCOMPARE(off, all.size());
        QCOMPARE(b(m.body), QByteArray("hi"));
    }

    void responseEndsAtEof()
    {
        const std::string resp = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil the end";
        P p(P::Kind::Response);
        QCOMPARE(drive(p, resp, 3), resp.size());
        QCOMPARE(st(p), int(S::NeedMore));
        p.finishAtEof();
        QCOMPARE(st(p), int(S::Complete));
        const auto m = p.take();
        QCOMPARE(b(m.body), QByteArray("until the end"));
        QVERIFY(!m.keepAlive);

        P cut(P::Kind::Response);
        drive(cut, "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort");
        cut.finishAtEof();
        QCOMPARE(st(cut), int(S::Error));
        QVERIFY(cut.error().find("closed") != std::string::npos);

        P midHead(P::Kind::Response);
        drive(midHead, "HTTP/1.1 200 OK\r\nContent-");
        midHead.finishAtEof();
        QCOMPARE(st(midHead), int(S::Error));

        P idle(P::Kind::Response); // EOF between messages is a clean close
        drive(idle, "HTTP/1.1 204 No Content\r\n\r\n");
        idle.take();
        idle.finishAtEof();
        QCOMPARE(st(idle), int(S::NeedMore));
    }

    void keepAlive_data()
    {
        QTest::addColumn<QByteArray>("head");
        QTest::addColumn<bool>("keepAlive");
        QTest::newRow("1.1 default") << QByteArray("GET / HTTP/1.1\r\nHost: h\r\n\r\n") << true;
        QTest::newRow("1.1 close") << QByteArray("GET / HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n") << false;
        QTest::newRow("1.0 default") << QByteArray("GET / HTTP/1.0\r\n\r\n") << false;
        QTest::newRow("1.0 keep-alive") << QByteArray("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n") << true;
    }
    void keepAlive()
    {
        QFETCH(QByteArray, head);
        QFETCH(bool, keepAlive);
        P p(P::Kind::Request);
        drive(p, head.toStdString());
        QCOMPARE(st(p), int(S::Complete));
        QCOMPARE(p.take().keepAlive, keepAlive);
        // After a message that ends the connection nothing more is parsed.
        drive(p, "GET /next HTTP/1.1\r\nHost: h\r\n\r\n");
        QCOMPARE(st(p), int(keepAlive ? S::Complete : S::Error));
    }

    void bodyTooLarge()
    {
        P cl(P::Kind::Request, 64 * 1024, 10);
        QCOMPARE(cl.feed(kRequestHead + "hello world"), kRequestHead.size());
        QCOMPARE(st(cl), int(S::HeadComplete));
        QVERIFY(cl.bodyTooLarge()); // known before any body byte: answer 413, skip 100 Continue
        QCOMPARE(b(cl.message().header("content-length").value_or("")), QByteArray("11"));
        cl.resume();
        QCOMPARE(st(cl), int(S::Error));
        QVERIFY(cl.bodyTooLarge());

        P chunked(P::Kind::Request, 64 * 1024, 10);
        const std::string head = "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n";
        QCOMPARE(chunked.feed(head), head.size());
        QVERIFY(!chunked.bodyTooLarge());
        chunked.resume();
        drive(chunked, "6\r\nabcdef\r\n");
        QCOMPARE(st(chunked), int(S::NeedMore));
        QCOMPARE(b(chunked.message().body), QByteArray("abcdef"));
        drive(chunked, "5\r\n");
        QCOMPARE(st(chunked), int(S::Error));
        QVERIFY(chunked.bodyTooLarge());

        P eof(P::Kind::Response, 64 * 1024, 4);
        drive(eof, "HTTP/1.1 200 OK\r\n\r\nabcdef");
        QCOMPARE(st(eof), int(S::Error));
        QVERIFY(eof.bodyTooLarge());

        P bad(P::Kind::Request, 64 * 1024, 10); // a 400, not a 413
        drive(bad, "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\nx");
        QCOMPARE(st(bad), int(S::Error));
        QVERIFY(!bad.bodyTooLarge());
    }

    void smuggling_data()
    {
        QTest::addColumn<bool>("request");
        QTest::addColumn<QByteArray>("data");
        QTest::addColumn<QByteArray>("reason");
        const QByteArray post = "POST / HTTP/1.1\r\nHost: h\r\n";
        const QByteArray chunked = post + "Transfer-Encoding: chunked\r\n\r\n";
        const auto req = [](const char *name, const QByteArray &data, const char *reason) {
            QTest::newRow(name) << true << data << QByteArray(reason);
        };
        req("CL+CL equal", post + "Content-Length: 5\r\nContent-Length: 5\r\n\r\nhello", "duplicate Content-Length");
        req("CL+CL different", post + "Content-Length: 5\r\nContent-Length: 6\r\n\r\nhello!",
            "duplicate Content-Length");
        req("CL +5", post + "Content-Length: +5\r\n\r\nhello", "Content-Length is not a plain decimal");
        req("CL list", post + "Content-Length: 5, 5\r\n\r\nhello", "Content-Length is not a plain decimal");
        req("CL hex", post + "Content-Length: 0x5\r\n\r\nhello", "Content-Length is not a plain decimal");
        req("CL+TE", post + "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
            "Content-Length together with Transfer-Encoding");
        req("TE+CL", post + "Transfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n0\r\n\r\n",
            "Content-Length together with Transfer-Encoding");
        req("TE xchunked", post + "Transfer-Encoding: xchunked\r\n\r\n0\r\n\r\n", "unsupported Transfer-Encoding");
        req("TE chunked, identity", post + "Transfer-Encoding: chunked, identity\r\n\r\n0\r\n\r\n",
            "unsupported Transfer-Encoding");
        req("TE gzip, chunked", post + "Transfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n",
            "unsupported Transfer-Encoding");
        req("TE chunked;x", post + "Transfer-Encoding: chunked;x\r\n\r\n0\r\n\r\n", "unsupported Transfer-Encoding");
        req("TE identity", post + "Transfer-Encoding: identity\r\n\r\nhello", "unsupported Transfer-Encoding");
        req("two TE", post + "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
            "more than one Transfer-Encoding");
        req("TE vertical tab", post + "Transfer-Encoding:\vchunked\r\n\r\n0\r\n\r\n", "control character 0x0b");
        req("TE in HTTP/1.0", "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
            "Transfer-Encoding in an HTTP/1.0");
        req("obs-fold", post + "X-A: a\r\n b\r\n\r\n", "obsolete line folding");
        req("obs-fold in CL", post + "Content-Length:\r\n\t5\r\n\r\nhello", "obsolete line folding");
        req("bare LF", "POST / HTTP/1.1\nHost: h\nContent-Length: 5\n\nhello", "bare LF");
        req("bare CR", "POST / HTTP/1.1\rHost: h\r\n\r\n", "bare CR");
        req("CR not LF at head end", post + "\r\rX", "bare CR");
        req("NUL in value", post + QByteArray("X-A: a\0b\r\n\r\n", 12), "control character 0x00");
        req("space before colon", post + "Content-Length : 5\r\n\r\nhello", "whitespace between the header name");
        req("space in name", post + "Content Length: 5\r\n\r\nhello", "invalid character in the header name");
        req("HTTP/0.9", "GET /\r\n\r\n", "HTTP/0.9");
        req("HTTP/2.0", "GET / HTTP/2.0\r\nHost: h\r\n\r\n", "HTTP/2.0 is not supported");
        req("HTTP/1.2", "GET / HTTP/1.2\r\nHost: h\r\n\r\n", "HTTP/1.2 is not supported");
        req("mangled HTTP", "GET / HXXP/1.1\r\nHost: h\r\n\r\n", "malformed request line");
        req("tab in target", "GET /a\tb HTTP/1.1\r\nHost: h\r\n\r\n", "control character 0x09");
        req("non-ASCII target", "GET /caf\xc3\xa9 HTTP/1.1\r\nHost: h\r\n\r\n", "not visible ASCII");
        req("duplicate Host", "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", "duplicate Host");
        req("no Host", "GET / HTTP/1.1\r\n\r\n", "without a Host");
        req("chunk size overflow", chunked + "ffffffffffffffffff\r\n", "chunk size");
        req("negative chunk size", chunked + "-5\r\nhello\r\n0\r\n\r\n", "chunk size");
        req("LF in chunk extension", chunked + "5;a\nb\r\nhello\r\n0\r\n\r\n", "bare LF in the chunked framing");
        req("chunk data without CRLF", chunked + "5\r\nhelloXY0\r\n\r\n", "not followed by CRLF");
        req("chunk size line bare CR", chunked + "5\rXhello\r\n0\r\n\r\n", "bare CR in the chunked framing");
        req("trailer with CL", chunked + "5\r\nhello\r\n0\r\nContent-Length: 3\r\n\r\n", "trailer");
        req("head too large", post + "X-Big: " + QByteArray(70 * 1024, 'a') + "\r\n\r\n", "exceeds 65536 bytes");
        const auto resp = [](const char *name, const QByteArray &data, const char *reason) {
            QTest::newRow(name) << false << data << QByteArray(reason);
        };
        resp("response CL+TE", "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
            "Content-Length together");
        resp("response TE gzip", "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\nabc",
            "unsupported Transfer-Encoding");
        resp("response status 0200", "HTTP/1.1 0200 OK\r\nContent-Length: 0\r\n\r\n", "malformed status line");
        resp("response status 20", "HTTP/1.1 20 OK\r\nContent-Length: 0\r\n\r\n", "invalid status code");
        resp("response HXXP", "HXXP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", "malformed status line");
        resp("response obs-fold", "HTTP/1.1 200 OK\r\nSet-Cookie: a\r\n b\r\nContent-Length: 0\r\n\r\n",
            "obsolete line folding");
    }
    void smuggling()
    {
        QFETCH(bool, request);
        QFETCH(QByteArray, data);
        QFETCH(QByteArray, reason);
        const std::string bytes = data.toStdString();
        for (std::size_t step : {std::size_t(0), std::size_t(1)}) {
            P p(request ? P::Kind::Request : P::Kind::Response);
            drive(p, bytes, step);
            QCOMPARE(st(p), int(S::Error));
            QVERIFY2(p.error().find(reason.toStdString()) != std::string::npos, p.error().c_str());
            QVERIFY(!p.bodyTooLarge());
        }
    }

    void parseTarget_data()
    {
        QTest::addColumn<QByteArray>("target");
        QTest::addColumn<QByteArray>("expect"); // scheme|host|port|path|query, or "!" + error part
        QTest::newRow("absolute with port")
            << QByteArray("http://Example.COM:8080/a/b?c=d&e") << QByteArray("http|example.com|8080|/a/b|c=d&e");
        QTest::newRow("https default port") << QByteArray("HTTPS://h") << QByteArray("https|h|443|/|");
        QTest::newRow("query without path") << QByteArray("http://h?q=1") << QByteArray("http|h|80|/|q=1");
        QTest::newRow("IPv6") << QByteArray("http://[2001:DB8::1]:8443/x") << QByteArray("http|2001:db8::1|8443|/x|");
        QTest::newRow("origin-form") << QByteArray("/a/b?x=1&y") << QByteArray("||0|/a/b|x=1&y");
        QTest::newRow("root") << QByteArray("/") << QByteArray("||0|/|");
        QTest::newRow("userinfo") << QByteArray("http://user:pw@h/") << QByteArray("!userinfo");
        QTest::newRow("fragment") << QByteArray("http://h/a#frag") << QByteArray("!fragment");
        QTest::newRow("empty fragment") << QByteArray("/a#") << QByteArray("!fragment");
        QTest::newRow("ftp") << QByteArray("ftp://h/a") << QByteArray("!http and https");
        QTest::newRow("asterisk") << QByteArray("*") << QByteArray("!neither");
        QTest::newRow("authority-form") << QByteArray("h:443") << QByteArray("!");
        QTest::newRow("port 0") << QByteArray("http://h:0/") << QByteArray("!port 0");
        QTest::newRow("port too big") << QByteArray("http://h:99999/") << QByteArray("!malformed");
        QTest::newRow("zone id") << QByteArray("http://[fe80::1%25eth0]/") << QByteArray("!zone");
        QTest::newRow("space") << QByteArray("/a b") << QByteArray("!visible ASCII");
    }
    void parseTarget()
    {
        QFETCH(QByteArray, target);
        QFETCH(QByteArray, expect);
        P::Target t;
        std::string error;
        const bool ok = P::parseTarget(target.toStdString(), t, &error);
        if (expect.startsWith('!')) {
            QVERIFY(!ok);
            QVERIFY2(error.find(expect.mid(1).toStdString()) != std::string::npos, error.c_str());
            return;
        }
        QVERIFY2(ok, error.c_str());
        const QByteArray got
            = b(t.scheme) + '|' + b(t.host) + '|' + QByteArray::number(t.port) + '|' + b(t.path) + '|' + b(t.rawQuery);
        QCOMPARE(got, expect);
    }

    void decodeQuery()
    {
        const auto q = P::decodeQuery("a=1%2B2&b=x+y&a=3&bad=%zz%4&flag&&e=%C3%A9t%C3%A9&k%20ey=v=w&s=1;t=2");
        const std::vector<std::pair<std::string, std::string>> want = {{"a", "1+2"}, {"b", "x y"}, {"a", "3"},
            {"bad", "%zz%4"}, {"flag", ""}, {"e", "\xc3\xa9t\xc3\xa9"}, {"k ey", "v=w"}, {"s", "1;t=2"}};
        QCOMPARE(q.size(), want.size());
        for (std::size_t i = 0; i < want.size(); ++i) {
            QCOMPARE(b(q[i].first), b(want[i].first));
            QCOMPARE(b(q[i].second), b(want[i].second));
        }
        QCOMPARE(b(P::percentDecode("a+b%20%", false)), QByteArray("a+b %"));
        QCOMPARE(b(P::percentDecode("a+b%2f%2F", true)), QByteArray("a b//"));
        QVERIFY(P::decodeQuery("").empty());
    }

    void requestHead()
    {
        const std::string req
            = "POST http://web.test/x?y HTTP/1.1\r\nHost: web.test\r\nConnection: keep-alive, X-Hop\r\n"
              "X-Hop: secret\r\nKeep-Alive: 5\r\nProxy-Authorization: Basic eA==\r\nProxy-Connection: keep-alive\r\n"
              "TE: trailers\r\nUpgrade: h2c\r\nExpect: 100-continue\r\nX-OpenShell-Protocol: http\r\n"
              "Trailer: X-T\r\nAccept: */*\r\nTransfer-Encoding: chunked\r\nX-Last: 1\r\n\r\n"
              "5\r\nhello\r\n3\r\n!!!\r\n0\r\n\r\n";
        P p(P::Kind::Request);
        drive(p, req);
        QCOMPARE(st(p), int(S::Complete));
        QCOMPARE(b(P::requestHead(p.take(), "/x?y", "web.test:8080")),
            QByteArray("POST /x?y HTTP/1.1\r\nHost: web.test:8080\r\nAccept: */*\r\nX-Last: 1\r\n"
                       "Content-Length: 8\r\nConnection: keep-alive\r\n\r\n"));
        HttpMessage get;
        get.method = "GET";
        get.headers = {{"Content-Length", "0"}, {"Connection", "close"}, {"close", "x"}, {"Cookie", "a=b"}};
        QCOMPARE(b(P::requestHead(get, "/", "h")),
            QByteArray("GET / HTTP/1.1\r\nHost: h\r\nCookie: a=b\r\nConnection: keep-alive\r\n\r\n"));
        get.method = "PUT";
        QCOMPARE(b(P::requestHead(get, "/", "h")),
            QByteArray(
                "PUT / HTTP/1.1\r\nHost: h\r\nCookie: a=b\r\nContent-Length: 0\r\nConnection: keep-alive\r\n\r\n"));
    }

    void responseHead()
    {
        const std::string resp
            = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nConnection: close, X-Drop\r\nX-Drop: 1\r\n"
              "Keep-Alive: timeout=5\r\nContent-Type: text/plain\r\nSet-Cookie: a=b\r\n\r\n5\r\nhello\r\n0\r\n\r\n";
        P p(P::Kind::Response);
        drive(p, resp);
        QCOMPARE(st(p), int(S::Complete));
        const auto m = p.take();
        QCOMPARE(b(P::responseHead(m, m.body.size(), true, false)),
            QByteArray("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nSet-Cookie: a=b\r\nContent-Length: "
                       "5\r\nConnection: keep-alive\r\n\r\n"));

        HttpMessage head;
        head.status = 200;
        head.reason = "OK";
        head.contentLength = 1234;
        head.headers = {{"Content-Length", "1234"}, {"ETag", "\"x\""}};
        QCOMPARE(b(P::responseHead(head, 0, false, true)),
            QByteArray("HTTP/1.1 200 OK\r\nETag: \"x\"\r\nContent-Length: 1234\r\nConnection: close\r\n\r\n"));
        head.status = 304;
        head.reason = "Not Modified";
        QCOMPARE(b(P::responseHead(head, 0, true, false)),
            QByteArray(
                "HTTP/1.1 304 Not Modified\r\nETag: \"x\"\r\nContent-Length: 1234\r\nConnection: keep-alive\r\n\r\n"));
        head.status = 204;
        head.reason = "No Content";
        QCOMPARE(b(P::responseHead(head, 0, true, false)),
            QByteArray("HTTP/1.1 204 No Content\r\nETag: \"x\"\r\nConnection: keep-alive\r\n\r\n"));
    }
};

QTEST_APPLESS_MAIN(TestHttpMessage)
#include "tst_httpmessage.moc"
