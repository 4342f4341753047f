// The network guardian's name lookups and connection limits, on loopback
// only: names are looked up through a fake DNS server on a 127.x address
// (the policy's allowed_dns_servers), which records every name it is asked,
// so a refusal can be shown to have happened before the name left the
// proxy; the only origin server listens on 127.0.0.1. Addresses outside
// loopback (TEST-NET 198.51.100.7) appear only in answers the proxy must
// refuse, and the tests check that nothing was connected to.

#include "fakednsserver.h"
#include "networktestutil.h"
#include "proxytestharness.h"

#include <QTest>

using namespace osh;
using namespace osh::nettest;

namespace {

std::string connectRequest(const std::string &authority)
{
    return "CONNECT " + authority + " HTTP/1.1\r\nHost: " + authority + "\r\nX-OpenShell-Protocol: tcp\r\n\r\n";
}

bool startsWith(const std::string &s, std::string_view p)
{
    return s.compare(0, p.size(), p) == 0;
}

bool contains(const std::string &s, std::string_view p)
{
    return s.find(p) != std::string::npos;
}

} // namespace

class TestNetworkDns : public QObject
{
    Q_OBJECT

    std::unique_ptr<FakeDnsServer> m_dns;
    std::unique_ptr<OriginServer> m_echo;
    std::unique_ptr<ProxyHarness> m_h;
    quint16 m_fetcher = 0, m_agent = 0;

    std::string policy() const
    {
        const std::string echo = std::to_string(m_echo->port());
        return "version: 1\nname: dns-test\nnetwork:\n  default_policy: deny-all\n"
               "  allowed_dns_servers: [" + m_dns->address() + "]\n"
               "  hosts:\n    pinned.test: 127.0.0.1\n"
               "  rules:\n"
               "    - {tool: fetcher, allowed_hosts: ['*.cdn.partner.test'], allowed_ports: [" + echo + "], protocol: tcp}\n"
               "    - {tool: '*', allowed_hosts: [exact.test, two.test, six.test, meta.test, pinned.test, iplater.test],"
               " allowed_ports: [" + echo + "], protocol: tcp}\n"
               "policies:\n"
               "  - name: no-numbers-in-names\n    trigger: network_egress\n"
               "    condition: \"matches(destination.host, '[0-9]{12,}')\"\n    action: block\n"
               "    message: a long number in a host name looks like exfiltration\n"
               "  - name: watch-addresses\n    trigger: network_egress\n"
               "    condition: destination.ip == '203.0.113.9'\n    action: block\n"
               "  - name: no-iplater\n    trigger: network_egress\n"
               "    condition: destination.host == 'iplater.test'\n    action: block\n";
    }

    std::string ask(quint16 proxyPort, const std::string &host)
    {
        Client c = Client::tcp(proxyPort);
        c.send(connectRequest(host + ":" + std::to_string(m_echo->port())));
        return c.response();
    }

    int opened(const QString &identity)
    {
        int n = 0;
        m_h->run([&] { n = m_h->proxy()->openConnections(identity); });
        return n;
    }

private slots:
    void init()
    {
        m_dns = std::make_unique<FakeDnsServer>();
        QVERIFY2(m_dns->ok(), "cannot bind UDP port 53 on a loopback address (the test needs root)");
        m_echo = std::make_unique<OriginServer>(echoHandler);
        m_h = std::make_unique<ProxyHarness>(policy());
        m_fetcher = m_h->listenTcp(QStringLiteral("fetcher"));
        m_agent = m_h->listenTcp(QStringLiteral("agent"));
        QVERIFY(m_fetcher && m_agent);
    }
    void cleanup()
    {
        m_h.reset();
        m_echo.reset();
        m_dns.reset();
    }

    // Finding: under a wildcard rule the name the agent chose was looked up
    // before network_egress policies ran, so the data reached a DNS server
    // even though a policy then refused the request.
    void refusedNameNeverReachesDns()
    {
        const std::string exfil = "4111111111111111-123-45-6789.cdn.partner.test";
        m_dns->set(exfil, {"127.0.0.1"});
        const std::string answer = ask(m_fetcher, exfil);
        QVERIFY2(startsWith(answer, "HTTP/1.1 403"), answer.c_str());
        QTest::qWait(100); // a lookup would have reached the server by now
        QVERIFY2(m_dns->queries().empty(), m_dns->queries().empty() ? "" : m_dns->queries().front().c_str());
        QVERIFY2(contains(answer, "\"policy\":\"no-numbers-in-names\""), answer.c_str());
        QCOMPARE(m_h->connectAttempts(), 0);
        const auto rec = m_h->recorded();
        QCOMPARE(rec.decisions.size(), std::size_t(1)); // recorded once
        QCOMPARE(rec.decisions[0].second.policy, std::string("no-numbers-in-names"));
        QVERIFY(rec.decisions[0].first.get(Var::DestinationIp).isNull());
    }

    // A name the policies pass is looked up; a loopback answer under a
    // wildcard is then refused by block_private_ranges, without connecting.
    void allowedNameReachesDns()
    {
        m_dns->set("img.cdn.partner.test", {"127.0.0.1"});
        const std::string answer = ask(m_fetcher, "img.cdn.partner.test");
        QVERIFY2(startsWith(answer, "HTTP/1.1 403"), answer.c_str());
        QVERIFY2(contains(answer, "127.0.0.1"), answer.c_str());
        QVERIFY(m_dns->asked("img.cdn.partner.test"));
        QCOMPARE(m_h->connectAttempts(), 0);
        QCOMPARE(m_h->recorded().decisions.size(), std::size_t(1));
    }

    // A policy that reads destination.ip comes before the one that refuses
    // iplater.test: the name has to be looked up to know whether the first
    // matches, and the refusal follows with the address.
    void policyReadingTheAddressWaitsForTheLookup()
    {
        m_dns->set("iplater.test", {"127.0.0.1"});
        const std::string answer = ask(m_agent, "iplater.test");
        QVERIFY2(startsWith(answer, "HTTP/1.1 403"), answer.c_str());
        QVERIFY(m_dns->asked("iplater.test"));
        QCOMPARE(m_h->connectAttempts(), 0);
        QCOMPARE(m_h->recorded().decisions.size(), std::size_t(1));
    }

    // Finding: a name a rule lists exactly, whose DNS answer is loopback,
    // was connected to: block_private_ranges bypassed through DNS.
    void loopbackAnswerRefused_data()
    {
        QTest::addColumn<QString>("host");
        QTest::addColumn<QString>("addresses"); // comma-separated, in answer order
        QTest::addColumn<QString>("why");
        QTest::newRow("loopback") << "exact.test" << "127.0.0.5" << "127.0.0.5";
        QTest::newRow("loopback first of two") << "two.test" << "127.0.0.5,198.51.100.7" << "127.0.0.5";
        QTest::newRow("loopback second of two") << "two.test" << "198.51.100.7,127.0.0.5" << "127.0.0.5";
        QTest::newRow("ipv6 loopback") << "six.test" << "::1" << "::1";
        QTest::newRow("metadata") << "meta.test" << "169.254.169.254" << "metadata";
        QTest::newRow("unspecified") << "exact.test" << "0.0.0.0" << "unspecified";
    }
    void loopbackAnswerRefused()
    {
        QFETCH(QString, host);
        QFETCH(QString, addresses);
        QFETCH(QString, why);
        std::vector<std::string> answer;
        for (const auto &a : addresses.split(QLatin1Char(',')))
            answer.push_back(a.toStdString());
        m_dns->set(host.toStdString(), answer);
        const std::string reply = ask(m_agent, host.toStdString());
        QVERIFY2(startsWith(reply, "HTTP/1.1 403"), reply.c_str());
        QVERIFY2(contains(reply, why.toStdString()), reply.c_str());
        QVERIFY(m_dns->asked(host.toStdString()));
        QCOMPARE(m_h->connectAttempts(), 0);
        QCOMPARE(m_echo->connections(), 0);
        const auto rec = m_h->recorded();
        QCOMPARE(rec.decisions.size(), std::size_t(1));
        QCOMPARE(rec.decisions[0].second.layer, Layer::Network);
    }

    // The same loopback destination through an explicit hosts entry is allowed.
    void loopbackThroughHostsAllowed()
    {
        Client c = Client::tcp(m_agent);
        c.send(connectRequest("pinned.test:" + std::to_string(m_echo->port())));
        const std::string answer = c.response();
        QVERIFY2(startsWith(answer, "HTTP/1.1 200"), answer.c_str());
        c.send("ping");
        QCOMPARE(c.readExactly(4), std::string("ping"));
        QVERIFY(!m_dns->asked("pinned.test"));
        QCOMPARE(m_h->connectAttempts(), 1);
    }

    // Finding: thousands of half-open connections took an identity's egress
    // down without an audit event.
    void connectionFloodCapped()
    {
        constexpr int kCap = 16;
        m_h->run([&] { m_h->proxy()->setOptions({kCap, 60000}); });
        std::vector<Client> idle;
        for (int i = 0; i < kCap; ++i) {
            idle.push_back(Client::tcp(m_fetcher));
            QVERIFY(idle.back().ok());
        }
        QVERIFY(waitUntil([&] { return opened(QStringLiteral("fetcher")) == kCap; }));

        // Refused at once, with an answer; one event for the whole burst.
        for (int i = 0; i < 40; ++i) {
            Client extra = Client::tcp(m_fetcher, 2000);
            const std::string answer = extra.response();
            QVERIFY2(startsWith(answer, "HTTP/1.1 429"), answer.c_str());
        }
        QCOMPARE(opened(QStringLiteral("fetcher")), kCap);
        auto limitEvents = [&] {
            int n = 0;
            for (const auto &[host, why] : m_h->recorded().cuts)
                n += why.contains(QStringLiteral("connection limit")) ? 1 : 0;
            return n;
        };
        QCOMPARE(limitEvents(), 1);
        int refused = 0;
        m_h->run([&] { refused = m_h->proxy()->refusedConnections(QStringLiteral("fetcher")); });
        QCOMPARE(refused, 40);

        // Another identity is not affected.
        QVERIFY(startsWith(ask(m_agent, "pinned.test"), "HTTP/1.1 200"));

        // Once the flood's connections close, the identity works again.
        idle.clear();
        QVERIFY(waitUntil([&] { return opened(QStringLiteral("fetcher")) == 0; }));
        Client again = Client::tcp(m_fetcher);
        again.send(connectRequest("pinned.test:" + std::to_string(m_echo->port())));
        QVERIFY(startsWith(again.response(), "HTTP/1.1 200"));
        QCOMPARE(limitEvents(), 1);
    }

    // A connection that sends nothing is closed after the idle timeout.
    void idleConnectionClosed()
    {
        m_h->run([&] { m_h->proxy()->setOptions({256, 200}); });
        Client c = Client::tcp(m_fetcher, 3000);
        const auto start = std::chrono::steady_clock::now();
        const std::string answer = c.response();
        QVERIFY2(startsWith(answer, "HTTP/1.1 408"), answer.c_str());
        QVERIFY(std::chrono::steady_clock::now() - start < std::chrono::milliseconds(2000));
        c.close();
        QVERIFY(waitUntil([&] { return opened(QStringLiteral("fetcher")) == 0; }));
    }
};

QTEST_GUILESS_MAIN(TestNetworkDns)
#include "tst_networkdns.moc"
