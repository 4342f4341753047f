// Address classification for block_private_ranges, including the spellings
// that hide a private address. Pure unit tests: nothing connects anywhere.

#include "util/netaddr.h"

#include <QTest>

using namespace osh::net;

class TstNetAddr : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void classify_data()
    {
        QTest::addColumn<QString>("address");
        QTest::addColumn<QString>("expected");
        const auto row = [](const char *a, const char *c) { QTest::newRow(a) << QString::fromLatin1(a) << QString::fromLatin1(c); };
        row("127.0.0.1", "loopback");
        row("127.255.255.254", "loopback");
        row("::1", "loopback");
        row("10.0.0.53", "private");
        row("172.16.0.1", "private");
        row("172.31.255.255", "private");
        row("172.32.0.1", "public");
        row("192.168.1.1", "private");
        row("fc00::1", "private");
        row("fd12:3456::1", "private");
        row("169.254.169.254", "link-local");
        row("fe80::1", "link-local");
        row("100.64.0.1", "cgnat");
        row("100.127.255.255", "cgnat");
        row("100.128.0.1", "public");
        row("224.0.0.1", "multicast");
        row("ff02::1", "multicast");
        row("0.0.0.0", "unspecified");
        row("::", "unspecified");
        row("255.255.255.255", "reserved");
        row("8.8.8.8", "public");
        row("1.1.1.1", "public");
        row("2001:4860:4860::8888", "public");
        // IPv4 hidden in IPv6
        row("::ffff:10.0.0.1", "private");
        row("::ffff:127.0.0.1", "loopback");
        row("::ffff:169.254.169.254", "link-local");
        row("64:ff9b::a9fe:a9fe", "link-local");
        row("2002:0a00:0001::1", "private");
        row("::ffff:8.8.8.8", "public");
    }

    void classify()
    {
        QFETCH(QString, address);
        QFETCH(QString, expected);
        const auto ip = parseIp(address.toStdString());
        QVERIFY(ip);
        QCOMPARE(QString::fromLatin1(addressClassName(osh::net::classify(*ip)).data()), expected);
    }

    void lenientForms_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("canonical");
        QTest::newRow("short") << QStringLiteral("127.1") << QStringLiteral("127.0.0.1");
        QTest::newRow("hex") << QStringLiteral("0x7f000001") << QStringLiteral("127.0.0.1");
        QTest::newRow("decimal") << QStringLiteral("2130706433") << QStringLiteral("127.0.0.1");
        QTest::newRow("octal") << QStringLiteral("0177.0.0.1") << QStringLiteral("127.0.0.1");
        QTest::newRow("metadata-decimal") << QStringLiteral("2852039166") << QStringLiteral("169.254.169.254");
        QTest::newRow("bracketed-v6") << QStringLiteral("[::1]") << QStringLiteral("::1");
    }

    void lenientForms()
    {
        QFETCH(QString, text);
        QFETCH(QString, canonical);
        QVERIFY(!parseIp(text.toStdString()) || text.startsWith(QLatin1Char('[')));
        const auto ip = parseIpLenient(text.toStdString());
        QVERIFY(ip);
        QCOMPARE(QString::fromStdString(ip->toString()), canonical);
        QVERIFY(isBlockedByPrivateRanges(osh::net::classify(*ip)));
    }

    void cloudMetadata()
    {
        for (const char *a : {"169.254.169.254", "169.254.170.2", "100.100.100.200", "192.0.0.192", "fd00:ec2::254",
                              "::ffff:169.254.169.254", "64:ff9b::a9fe:a9fe", "2002:a9fe:a9fe::"})
            QVERIFY2(isCloudMetadata(*parseIp(a)), a);
        for (const char *a : {"169.254.169.253", "100.100.100.201", "fd00:ec2::253", "8.8.8.8", "::1"})
            QVERIFY2(!isCloudMetadata(*parseIp(a)), a);
    }

    void notAddresses_data()
    {
        QTest::addColumn<QString>("text");
        for (const char *s : {"", "example.com", "1.2.3.4.5", "256.1.1.1x", "::g", "localhost", "1.2.3.-1"})
            QTest::newRow(s) << QString::fromLatin1(s);
    }

    void notAddresses()
    {
        QFETCH(QString, text);
        QVERIFY(!parseIpLenient(text.toStdString()));
    }

    void cidr_data()
    {
        QTest::addColumn<QString>("cidr");
        QTest::addColumn<QString>("address");
        QTest::addColumn<bool>("inside");
        QTest::newRow("v4-in") << QStringLiteral("192.0.2.0/24") << QStringLiteral("192.0.2.77") << true;
        QTest::newRow("v4-out") << QStringLiteral("192.0.2.0/24") << QStringLiteral("192.0.3.1") << false;
        QTest::newRow("v4-odd") << QStringLiteral("10.0.0.0/9") << QStringLiteral("10.127.0.1") << true;
        QTest::newRow("v4-odd-out") << QStringLiteral("10.0.0.0/9") << QStringLiteral("10.128.0.1") << false;
        QTest::newRow("v4-zero") << QStringLiteral("0.0.0.0/0") << QStringLiteral("8.8.8.8") << true;
        QTest::newRow("v6") << QStringLiteral("2001:db8::/32") << QStringLiteral("2001:db8:1::1") << true;
        QTest::newRow("family") << QStringLiteral("0.0.0.0/0") << QStringLiteral("::1") << false;
    }

    void cidr()
    {
        QFETCH(QString, cidr);
        QFETCH(QString, address);
        QFETCH(bool, inside);
        const auto c = Cidr::parse(cidr.toStdString());
        QVERIFY(c);
        QCOMPARE(c->contains(*parseIp(address.toStdString())), inside);
    }

    void badCidr()
    {
        for (const char *s : {"10.0.0.0/33", "10.0.0.0/", "10.0.0.0", "x/8", "::/129", "10.0.0.0/8x"})
            QVERIFY2(!Cidr::parse(s), s);
    }

    void hostNames()
    {
        QVERIFY(isValidHostName("smtp.company.com"));
        QVERIFY(isValidHostName("a-b.c"));
        QVERIFY(!isValidHostName("-a.com"));
        QVERIFY(!isValidHostName("a..com"));
        QVERIFY(!isValidHostName("a b.com"));
        QVERIFY(!isValidHostName(std::string(64, 'a') + ".com"));
        QCOMPARE(normalizeHost("API.Example.COM."), std::string("api.example.com"));
    }
};

QTEST_GUILESS_MAIN(TstNetAddr)
#include "tst_netaddr.moc"
