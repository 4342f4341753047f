// The network guardian reads what is sent: HTTPS terminated with the
// session's CA and plain HTTP, each request decided with its method, path,
// query, headers and body before anything reaches the origin. Every origin
// is on 127.0.0.1 with a test CA made here.

#include "inspecttestutil.h"
#include "proxytestharness.h"

#include "network/egressaudit.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QElapsedTimer>
#include <QTest>

using namespace osh;
using namespace osh::nettest;

namespace {

constexpr const char *kCard = "4111111111111111";

std::string policy(std::uint16_t port, const std::string &caFile, const std::string &ruleExtra = {},
                   const std::string &policies = {}, const std::string &protocol = "https")
{
    return "version: 1\nname: inspect\nnetwork:\n  default_policy: deny-all\n  hosts:\n    api.test: 127.0.0.1\n"
           "  rules:\n    - tool: fetch\n      allowed_hosts: [api.test]\n      allowed_ports: ["
        + std::to_string(port) + "]\n      protocol: " + protocol + "\n"
        + (caFile.empty() ? std::string() : "      ca_file: " + caFile + "\n") + ruleExtra + "policies:\n"
        + (policies.empty() ? std::string("  - name: allow_all\n    trigger: network_egress\n    condition: 'true'\n    action: allow\n")
                            : policies);
}

const std::string kBlockPii = "  - name: no_pii_out\n    trigger: network_egress\n"
                              "    condition: contains_pii(request.query) or contains_pii(request.body) or contains_pii(request.headers)\n"
                              "    action: block\n    message: PII leaving in a request\n";

int statusOf(const std::string &response)
{
    return response.size() > 12 ? std::atoi(response.substr(9, 3).c_str()) : 0;
}

QJsonObject bodyOf(const std::string &response)
{
    const auto p = response.find("\r\n\r\n");
    return p == std::string::npos ? QJsonObject()
                                   : QJsonDocument::fromJson(QByteArray::fromStdString(response.substr(p + 4))).object();
}

std::string get(const std::string &target, const std::string &extra = {})
{
    return "GET " + target + " HTTP/1.1\r\nHost: api.test\r\n" + extra + "\r\n";
}

std::string getAt(const std::string &target, std::uint16_t port)
{
    return "GET " + target + " HTTP/1.1\r\nHost: api.test:" + std::to_string(port) + "\r\n\r\n";
}

std::string post(const std::string &target, const std::string &body, const std::string &port = {})
{
    return "POST " + target + " HTTP/1.1\r\nHost: api.test" + port + "\r\nContent-Type: application/json\r\nContent-Length: "
        + std::to_string(body.size()) + "\r\n\r\n" + body;
}

} // namespace

class TestNetworkInspect : public QObject
{
    Q_OBJECT

private slots:
    void piiInQueryHeaderAndBodyIsBlockedOnOneConnection()
    {
        InspectOrigin origin(true, "api.test");
        PemFile originCa(origin.caPem());
        ProxyHarness h(policy(origin.port(), originCa.path(), {}, kBlockPii));
        const quint16 port = h.listenTcp(QStringLiteral("fetch"));
        PemFile sessionCa(h.proxy()->sessionCaPem().toStdString());
        TunnelClient c(port, "api.test", origin.port(), sessionCa.path());
        QVERIFY2(c.ok(), c.error.c_str());
        const std::string hostPort = ":" + std::to_string(origin.port());
        auto withHost = [&](std::string req) {
            const auto p = req.find("Host: api.test");
            req.insert(p + 14, hostPort);
            return req;
        };

        std::string r = c.exchange(withHost(get(std::string("/v1/pay?card=") + kCard)));
        QCOMPARE(statusOf(r), 403);
        QCOMPARE(bodyOf(r).value(QStringLiteral("policy")).toString(), QStringLiteral("no_pii_out"));
        r = c.exchange(withHost(get("/v1/pay", std::string("X-Note: card ") + "4111 1111 1111 1111\r\n")));
        QCOMPARE(statusOf(r), 403);
        r = c.exchange(withHost(post("/v1/pay", std::string("{\"card\":\"") + kCard + "\"}")));
        QCOMPARE(statusOf(r), 403);
        QCOMPARE(origin.accepted(), 0); // nothing refused ever reached the origin
        // The same connection still serves a clean request.
        r = c.exchange(withHost(get("/v1/pay?amount=12")));
        QCOMPARE(statusOf(r), 200);
        QVERIFY(r.find("{\"ok\":true}") != std::string::npos);
        const auto got = origin.requests();
        QCOMPARE(got.size(), std::size_t(1));
        QCOMPARE(got[0].target, std::string("/v1/pay?amount=12"));
        QVERIFY(got[0].header("host").value_or("").rfind("api.test", 0) == 0);
        // One decision per request, each with the request's variables.
        QVERIFY(waitUntil([&] { return h.recorded().decisions.size() >= 4; }));
        const auto decisions = h.recorded().decisions;
        QCOMPARE(decisions[0].first.get(Var::RequestMethod).toString(), std::string("GET"));
        QCOMPARE(decisions[0].first.get(Var::RequestPath).toString(), std::string("/v1/pay"));
        QCOMPARE(decisions[0].first.get(Var::RequestQuery).member("card").toString(), std::string(kCard));
        QCOMPARE(decisions[2].first.get(Var::RequestContentType).toString(), std::string("application/json"));
        QVERIFY(decisions[3].second.proceeds());
    }

    void methodsAndPathsAreRulesOfTheRequest()
    {
        InspectOrigin origin(true, "api.test");
        PemFile originCa(origin.caPem());
        ProxyHarness h(policy(origin.port(), originCa.path(), "      methods: [GET]\n      paths: ['/v1/**']\n"));
        const quint16 port = h.listenTcp(QStringLiteral("fetch"));
        PemFile sessionCa(h.proxy()->sessionCaPem().toStdString());
        TunnelClient c(port, "api.test", origin.port(), sessionCa.path());
        QVERIFY2(c.ok(), c.error.c_str());
        const std::string hp = ":" + std::to_string(origin.port());
        std::string r = c.exchange(post("/v1/items", "{}", hp));
        QCOMPARE(statusOf(r), 403);
        QVERIFY(bodyOf(r).value(QStringLiteral("reason")).toString().contains(QStringLiteral("method POST")));
        QCOMPARE(bodyOf(r).value(QStringLiteral("rule")).toInt(), 0);
        r = c.exchange("GET /v2/items HTTP/1.1\r\nHost: api.test" + hp + "\r\n\r\n");
        QCOMPARE(statusOf(r), 403);
        QVERIFY(bodyOf(r).value(QStringLiteral("reason")).toString().contains(QStringLiteral("paths: /v1/**")));
        r = c.exchange("GET /v1/../admin HTTP/1.1\r\nHost: api.test" + hp + "\r\n\r\n");
        QCOMPARE(statusOf(r), 403);
        r = c.exchange("GET /v1%2F..%2Fadmin HTTP/1.1\r\nHost: api.test" + hp + "\r\n\r\n");
        QCOMPARE(statusOf(r), 403);
        QCOMPARE(origin.accepted(), 0);
        r = c.exchange("GET /v1/items/7 HTTP/1.1\r\nHost: api.test" + hp + "\r\n\r\n");
        QCOMPARE(statusOf(r), 200);
        QCOMPARE(origin.requests().size(), std::size_t(1));
    }

    void plainHttpIsInspectedToo()
    {
        InspectOrigin origin(false, "api.test");
        ProxyHarness h(policy(origin.port(), {}, "      access: read-only\n", kBlockPii, "http"));
        const quint16 port = h.listenTcp(QStringLiteral("fetch"));
        Client c = Client::tcp(port);
        const std::string base = "http://api.test:" + std::to_string(origin.port());
        c.send("GET " + base + "/a?ssn=123-45-6789 HTTP/1.1\r\nHost: api.test:" + std::to_string(origin.port()) + "\r\n\r\n");
        QCOMPARE(statusOf(c.response()), 403);
        c.send("DELETE " + base + "/a HTTP/1.1\r\nHost: api.test:" + std::to_string(origin.port()) + "\r\n\r\n");
        const std::string r = c.response();
        QCOMPARE(statusOf(r), 403);
        QVERIFY(bodyOf(r).value(QStringLiteral("reason")).toString().contains(QStringLiteral("method DELETE")));
        c.send("GET " + base + "/a?x=1 HTTP/1.1\r\nHost: api.test:" + std::to_string(origin.port()) + "\r\n\r\n");
        QCOMPARE(statusOf(c.response()), 200);
        QCOMPARE(origin.requests().size(), std::size_t(1));
        QCOMPARE(origin.requests()[0].target, std::string("/a?x=1"));
    }

    void chunkedBodiesAreForwardedWholeWithALength()
    {
        InspectOrigin origin(false, "api.test");
        ProxyHarness h(policy(origin.port(), {}, {}, kBlockPii, "http"));
        const quint16 port = h.listenTcp(QStringLiteral("fetch"));
        Client c = Client::tcp(port);
        const std::string hp = "api.test:" + std::to_string(origin.port());
        // The card number is split across chunks: the decision sees the decoded body.
        c.send("POST http://" + hp + "/a HTTP/1.1\r\nHost: " + hp
               + "\r\nTransfer-Encoding: chunked\r\n\r\n8\r\n41111111\r\n8\r\n11111111\r\n0\r\n\r\n");
        QCOMPARE(statusOf(c.response()), 403);
        c.send("POST http://" + hp + "/a HTTP/1.1\r\nHost: " + hp
               + "\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n");
        QCOMPARE(statusOf(c.response()), 200);
        const auto got = origin.requests();
        QCOMPARE(got.size(), std::size_t(1));
        QCOMPARE(got[0].body, std::string("abcde"));
        QVERIFY(!got[0].chunked);
        QCOMPARE(got[0].header("content-length").value_or(""), std::string("5"));
    }

    void smugglingIsRefusedBeforeAnythingIsForwarded_data()
    {
        QTest::addColumn<QByteArray>("request");
        const QByteArray t = "POST http://api.test:PORT/a HTTP/1.1\r\nHost: api.test:PORT\r\n";
        QTest::newRow("cl-cl") << t + "Content-Length: 3\r\nContent-Length: 3\r\n\r\nabc";
        QTest::newRow("cl-cl-differ") << t + "Content-Length: 3\r\nContent-Length: 4\r\n\r\nabcd";
        QTest::newRow("cl-te") << t + "Content-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n";
        QTest::newRow("te-xchunked") << t + "Transfer-Encoding: xchunked\r\n\r\n0\r\n\r\n";
        QTest::newRow("te-te") << t + "Transfer-Encoding: chunked\r\nTransfer-Encoding: identity\r\n\r\n0\r\n\r\n";
        QTest::newRow("te-list") << t + "Transfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n";
        QTest::newRow("obs-fold") << t + "X-A: 1\r\n  folded\r\nContent-Length: 0\r\n\r\n";
        QTest::newRow("bare-lf") << QByteArray("POST http://api.test:PORT/a HTTP/1.1\nHost: api.test:PORT\nContent-Length: 0\n\n");
        QTest::newRow("host-mismatch") << QByteArray("GET http://api.test:PORT/a HTTP/1.1\r\nHost: evil.test\r\n\r\n");
        QTest::newRow("space-before-colon") << t + "Content-Length : 3\r\n\r\nabc";
    }
    void smugglingIsRefusedBeforeAnythingIsForwarded()
    {
        QFETCH(QByteArray, request);
        InspectOrigin origin(false, "api.test");
        ProxyHarness h(policy(origin.port(), {}, {}, {}, "http"));
        const quint16 port = h.listenTcp(QStringLiteral("fetch"));
        Client c = Client::tcp(port);
        c.send(request.replace("PORT", QByteArray::number(origin.port())).toStdString());
        const std::string r = c.response();
        QVERIFY2(statusOf(r) == 400, r.c_str());
        QTest::qWait(50);
        QCOMPARE(origin.requests().size(), std::size_t(0));
    }

    void anOriginWhoseCertificateIsForAnotherHostIsRefused()
    {
        InspectOrigin origin(true, "other.test");
        PemFile originCa(origin.caPem());
        ProxyHarness h(policy(origin.port(), originCa.path()));
        const quint16 port = h.listenTcp(QStringLiteral("fetch"));
        PemFile sessionCa(h.proxy()->sessionCaPem().toStdString());
        TunnelClient c(port, "api.test", origin.port(), sessionCa.path());
        QVERIFY2(c.ok(), c.error.c_str());
        const std::string r = c.exchange(getAt("/x", origin.port()));
        QCOMPARE(statusOf(r), 502);
        QVERIFY(bodyOf(r).value(QStringLiteral("reason")).toString().contains(QStringLiteral("mismatch"), Qt::CaseInsensitive));
        QCOMPARE(origin.requests().size(), std::size_t(0));
        QVERIFY(waitUntil([&] { return !h.recorded().cuts.empty(); }));
    }

    void aClientThatPinsItsOwnCaFailsClosed()
    {
        InspectOrigin origin(true, "api.test");
        PemFile originCa(origin.caPem());
        ProxyHarness h(policy(origin.port(), originCa.path()));
        const quint16 port = h.listenTcp(QStringLiteral("fetch"));
        // Trusts the origin's CA only: our certificate is refused, and the
        // origin is never even connected to.
        TunnelClient c(port, "api.test", origin.port(), originCa.path());
        QVERIFY(!c.ok());
        QVERIFY(waitUntil([&] { return !h.recorded().cuts.empty(); }));
        QCOMPARE(h.connectAttempts(), 0);
        QCOMPARE(origin.accepted(), 0);
    }

    void sniForAnotherHostIsCut()
    {
        InspectOrigin origin(true, "api.test");
        PemFile originCa(origin.caPem());
        ProxyHarness h(policy(origin.port(), originCa.path()));
        const quint16 port = h.listenTcp(QStringLiteral("fetch"));
        PemFile sessionCa(h.proxy()->sessionCaPem().toStdString());
        TunnelClient c(port, "api.test", origin.port(), sessionCa.path(), "evil.test");
        QVERIFY(!c.ok() || statusOf(c.exchange(getAt("/", origin.port()))) == 0);
        QVERIFY(waitUntil([&] { return !h.recorded().cuts.empty(); }));
        QCOMPARE(origin.accepted(), 0);
    }

    void aBodyOverTheRuleLimitIsRefusedUnsent()
    {
        InspectOrigin origin(true, "api.test");
        PemFile originCa(origin.caPem());
        ProxyHarness h(policy(origin.port(), originCa.path(), "      max_request_size_kb: 1\n"));
        const quint16 port = h.listenTcp(QStringLiteral("fetch"));
        PemFile sessionCa(h.proxy()->sessionCaPem().toStdString());
        TunnelClient c(port, "api.test", origin.port(), sessionCa.path());
        QVERIFY(c.ok());
        const std::string r = c.exchange(post("/up", std::string(4096, 'x'), ":" + std::to_string(origin.port())));
        QCOMPARE(statusOf(r), 413);
        QCOMPARE(origin.accepted(), 0);
    }

    void responsesPassDataOutputPolicies()
    {
        InspectOrigin origin(true, "api.test", std::string("{\"card\":\"") + kCard + "\"}");
        PemFile originCa(origin.caPem());
        ProxyHarness h(policy(origin.port(), originCa.path(), {},
                              "  - name: allow_all\n    trigger: network_egress\n    condition: 'true'\n    action: allow\n"
                              "  - name: redact_in\n    trigger: data_output\n    condition: contains_pii(output)\n"
                              "    action: redact\n"));
        const quint16 port = h.listenTcp(QStringLiteral("fetch"));
        PemFile sessionCa(h.proxy()->sessionCaPem().toStdString());
        TunnelClient c(port, "api.test", origin.port(), sessionCa.path());
        QVERIFY(c.ok());
        const std::string r = c.exchange(getAt("/x", origin.port()));
        QCOMPARE(statusOf(r), 200);
        QVERIFY2(r.find(kCard) == std::string::npos, r.c_str());
        QVERIFY(r.find("REDACTED") != std::string::npos);
    }

    void inspectFalseTunnelsAsBefore()
    {
        InspectOrigin origin(true, "api.test");
        PemFile originCa(origin.caPem());
        ProxyHarness h(policy(origin.port(), {}, "      inspect: false\n"));
        const quint16 port = h.listenTcp(QStringLiteral("fetch"));
        // The origin's own certificate reaches the client through the tunnel.
        TunnelClient c(port, "api.test", origin.port(), originCa.path());
        QVERIFY2(c.ok(), c.error.c_str());
        const std::string r = c.exchange(getAt(std::string("/?card=") + kCard, origin.port()));
        QCOMPARE(statusOf(r), 200);
    }

    void closingTheProxyEndsInspectedConnections()
    {
        // The inspected connections decide with the session's state: they
        // end (their threads joined) when the proxy closes, before the
        // session that owns the state goes.
        InspectOrigin origin(true, "api.test");
        PemFile originCa(origin.caPem());
        ProxyHarness h(policy(origin.port(), originCa.path()));
        const quint16 port = h.listenTcp(QStringLiteral("fetch"));
        PemFile sessionCa(h.proxy()->sessionCaPem().toStdString());
        TunnelClient c(port, "api.test", origin.port(), sessionCa.path());
        QVERIFY(c.ok());
        QCOMPARE(statusOf(c.exchange(getAt("/a", origin.port()))), 200);
        int active = 0;
        h.run([&] { active = h.proxy()->activeInspections(); });
        QCOMPARE(active, 1);
        h.run([&] { h.proxy()->close(); });
        h.run([&] { active = h.proxy()->activeInspections(); });
        QCOMPARE(active, 0);
        // The client's connection is gone; nothing more is decided.
        const auto decided = h.recorded().decisions.size();
        QVERIFY(statusOf(c.exchange(getAt("/b", origin.port()))) == 0);
        QTest::qWait(50);
        QCOMPARE(h.recorded().decisions.size(), decided);
        QCOMPARE(origin.requests().size(), std::size_t(1));
    }

    void inspectedConnectionsAreBounded()
    {
        InspectOrigin origin(true, "api.test");
        PemFile originCa(origin.caPem());
        ProxyHarness h(policy(origin.port(), originCa.path()));
        h.run([&] {
            auto o = h.proxy()->options();
            o.maxInspections = 1;
            h.proxy()->setOptions(o);
        });
        const quint16 port = h.listenTcp(QStringLiteral("fetch"));
        PemFile sessionCa(h.proxy()->sessionCaPem().toStdString());
        TunnelClient first(port, "api.test", origin.port(), sessionCa.path());
        QVERIFY(first.ok());
        TunnelClient second(port, "api.test", origin.port(), sessionCa.path());
        QVERIFY(!second.ok());
        QVERIFY(waitUntil([&] {
            for (const auto &[host, why] : h.recorded().cuts)
                if (why.contains(QStringLiteral("too many inspected connections")))
                    return true;
            return false;
        }));
        QCOMPARE(statusOf(first.exchange(getAt("/a", origin.port()))), 200);
    }

    void aTricklingRequestTimesOut()
    {
        InspectOrigin origin(false, "api.test");
        ProxyHarness h(policy(origin.port(), {}, {}, {}, "http"));
        h.run([&] {
            auto o = h.proxy()->options();
            o.requestTimeoutMs = 600;
            h.proxy()->setOptions(o);
        });
        const quint16 port = h.listenTcp(QStringLiteral("fetch"));
        Client c = Client::tcp(port);
        const std::string hp = "api.test:" + std::to_string(origin.port());
        const std::string head = "POST http://" + hp + "/a HTTP/1.1\r\nHost: " + hp + "\r\nContent-Length: 1000\r\n\r\n";
        c.send(head); // the head is whole: the inspector reads the body...
        QElapsedTimer t;
        t.start();
        // ...one byte every 150 ms: each read is quick, the request never ends.
        std::string answer;
        for (int i = 0; i < 40 && answer.empty(); ++i) {
            if (!c.send("X"))
                break;
            QTest::qWait(150);
            char b[256];
            const auto n = ::recv(c.fd(), b, sizeof b, MSG_DONTWAIT);
            if (n > 0)
                answer.assign(b, static_cast<std::size_t>(n));
        }
        QVERIFY2(answer.rfind("HTTP/1.1 408", 0) == 0 || answer.rfind("HTTP/1.1 400", 0) == 0, answer.c_str());
        QVERIFY(t.elapsed() < 3000);
        QCOMPARE(origin.requests().size(), std::size_t(0));
    }

    void anEncodedResponseIsWithheldFromDataOutputPolicies()
    {
        InspectOrigin origin(true, "api.test", std::string("{\"card\":\"") + kCard + "\"}");
        origin.extraHeaders = "Content-Encoding: identity\r\nContent-Encoding: gzip\r\n";
        PemFile originCa(origin.caPem());
        ProxyHarness h(policy(origin.port(), originCa.path(), {},
                              "  - name: allow_all\n    trigger: network_egress\n    condition: 'true'\n    action: allow\n"
                              "  - name: redact_in\n    trigger: data_output\n    condition: contains_pii(output)\n"
                              "    action: redact\n"));
        const quint16 port = h.listenTcp(QStringLiteral("fetch"));
        PemFile sessionCa(h.proxy()->sessionCaPem().toStdString());
        TunnelClient c(port, "api.test", origin.port(), sessionCa.path());
        QVERIFY(c.ok());
        const std::string r = c.exchange(getAt("/x", origin.port()));
        QCOMPARE(statusOf(r), 502);
        QVERIFY(r.find(kCard) == std::string::npos);
        QCOMPARE(bodyOf(r).value(QStringLiteral("error")).toString(), QStringLiteral("uninspectable_response"));
    }

    void auditTraceHidesCredentialsTheConditionsRead()
    {
        InspectOrigin origin(true, "api.test");
        PemFile originCa(origin.caPem());
        ProxyHarness h(policy(origin.port(), originCa.path(), {},
                              "  - name: needs_auth\n    trigger: network_egress\n"
                              "    condition: request.headers.authorization == null or len(request.headers) > 100\n"
                              "    action: block\n"));
        const quint16 port = h.listenTcp(QStringLiteral("fetch"));
        PemFile sessionCa(h.proxy()->sessionCaPem().toStdString());
        TunnelClient c(port, "api.test", origin.port(), sessionCa.path());
        QVERIFY(c.ok());
        QCOMPARE(statusOf(c.exchange("GET /a HTTP/1.1\r\nHost: api.test:" + std::to_string(origin.port())
                                     + "\r\nAuthorization: Bearer tok-s3cr3t-value\r\n\r\n")),
                 200);
        QVERIFY(waitUntil([&] { return !h.recorded().decisions.empty(); }));
        const auto [r, d] = h.recorded().decisions.back();
        QVERIFY(d.toJson().find("tok-s3cr3t-value") != std::string::npos); // the engine read it...
        const auto text = runtime::egressAuditText(r, d);
        QVERIFY2(text.trace.find("tok-s3cr3t-value") == std::string::npos, text.trace.c_str()); // ...the audit hides it
        QVERIFY(text.parameters.find("tok-s3cr3t-value") == std::string::npos);
        QVERIFY(text.request.find("tok-s3cr3t-value") == std::string::npos);
    }

    void auditTextHidesCredentialsAndPii()
    {
        Request r;
        r.trigger = Trigger::NetworkEgress;
        r.set(Var::DestinationHost, Value("api.test"));
        r.set(Var::DestinationPort, Value(443));
        r.set(Var::RequestMethod, Value("GET"));
        r.set(Var::RequestQuery, Value(ValueMap{{"card", Value(kCard)}}));
        r.set(Var::RequestHeaders, Value(ValueMap{{"authorization", Value("Bearer s3cr3t-token")}}));
        r.set(Var::RequestBody, Value(std::string(40000, 'a')));
        r.set(Var::DestinationIp, Value("127.0.0.3"));
        r.set(Var::RequestUrl, Value("https://api.test/pay?n=4111%201111%201111%201111"));
        Decision d;
        const auto text = runtime::egressAuditText(r, d);
        QVERIFY(text.parameters.find(kCard) == std::string::npos);
        QVERIFY(text.parameters.find("s3cr3t") == std::string::npos);
        QVERIFY(text.parameters.find("[hidden: 19 bytes]") != std::string::npos);
        QVERIFY(text.parameters.size() < 20000);
        QVERIFY(text.parameters.find("\"card\"") != std::string::npos); // the query's keys stay
        QVERIFY2(text.parameters.find("4111%20") == std::string::npos, text.parameters.c_str()); // nor behind %-escapes
        QVERIFY(text.parameters.find("4111 1111") == std::string::npos);
        QVERIFY(text.parameters.find("127.0.0.3") != std::string::npos); // the destination is not PII here
        // The stored request replays with a surrogate card, the same address.
        QVERIFY(!text.request.empty());
        QVERIFY(text.request.find(kCard) == std::string::npos);
        QVERIFY(text.request.find("127.0.0.3") != std::string::npos);
    }
};

QTEST_GUILESS_MAIN(TestNetworkInspect)
#include "tst_networkinspect.moc"
