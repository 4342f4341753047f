// PiiDetector: what each type matches (and must not), redaction output,
// overlaps, byte offsets in UTF-8 text and type filtering.

#include "pii/piidetector.h"

#include <QtTest/QTest>

#include <string>

using namespace osh::pii;

namespace {

// Token-shaped test values are assembled at run time so secret scanners do
// not flag this file; none of them is a real credential.
std::string repeatChars(std::string_view alphabet, std::size_t n)
{
    std::string s;
    for (std::size_t i = 0; i < n; ++i)
        s += alphabet[(i * 7 + 3) % alphabet.size()];
    return s;
}
const std::string kAlnum = "aB3dE5fG7hJ9kL1mN2pQ4rS6tU8vW0xYz";

std::string pemBlock(const std::string &label)
{
    return "-----BEGIN " + label
        + "-----\nMIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun\n"
          "VTLw7onLRnrq0/IzW7yWR7QkrmBL7jTKEn5u+qKhbwKfBstIs+bMY2Zkp18gnTxK\n-----END "
        + label + "-----";
}

QString q(const std::string &s)
{
    return QString::fromStdString(s);
}

} // namespace

class TestPiiDetector : public QObject
{
    Q_OBJECT

private slots:
    void positives_data();
    void positives();
    void negatives_data();
    void negatives();
    void redaction_data();
    void redaction();
    void adjacentAndOverlapping();
    void utf8Offsets();
    void encoded_data();
    void encoded();
    void foldedForms_data();
    void foldedForms();
    void foldingKeepsOtherText();
    void typeFilter();
    void emptyText();
    void pemWithoutEnd();
    void singleton();
};

void TestPiiDetector::positives_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("type");
    QTest::addColumn<QString>("match");

    auto row = [](const char *tag, const std::string &text, const char *type, const std::string &match) {
        QTest::newRow(tag) << q(text) << QString::fromLatin1(type) << q(match);
    };
    row("ssn dashes", "SSN: 123-45-6789.", "ssn", "123-45-6789");
    row("ssn spaces", "ssn 234 56 7890 on file", "ssn", "234 56 7890");
    row("ssn in json", R"({"ssn":"078-05-1120"})", "ssn", "078-05-1120");
    row("ssn bare after keyword", "SSN: 123456789.", "ssn", "123456789");
    row("ssn bare after hash", "ssn#234567891", "ssn", "234567891");
    row("ssn bare after number", "Social Security Number 345678912 on file", "ssn", "345678912");
    row("ssn bare in json", R"({"customer_ssn": "456789123"})", "ssn", "456789123");
    row("ssn bare after no.", "SSN no. 567891234", "ssn", "567891234");
    row("visa spaced", "card 4111 1111 1111 1111 exp 12/27", "credit_card", "4111 1111 1111 1111");
    row("visa dashed", "4111-1111-1111-1111", "credit_card", "4111-1111-1111-1111");
    row("visa plain", "pan=4111111111111111;", "credit_card", "4111111111111111");
    row("visa 13", "old card 4222222222222", "credit_card", "4222222222222");
    row("mastercard", "MC 5555 5555 5555 4444", "credit_card", "5555 5555 5555 4444");
    row("mastercard 2-series", "2223 0031 2200 3222", "credit_card", "2223 0031 2200 3222");
    row("amex 4-6-5", "Amex: 3782 822463 10005", "credit_card", "3782 822463 10005");
    row("amex plain", "371449635398431", "credit_card", "371449635398431");
    row("discover", "6011 1111 1111 1117", "credit_card", "6011 1111 1111 1117");
    row("diners", "3056 9309 0259 04", "credit_card", "3056 9309 0259 04");
    row("jcb", "3530-1113-3330-0000", "credit_card", "3530-1113-3330-0000");
    row("unionpay", "6200000000000005", "credit_card", "6200000000000005");
    row("email", "mail jane.doe@example.com today", "email", "jane.doe@example.com");
    row("email angle tags", "<a.b+tag@sub.example.co.uk>", "email", "a.b+tag@sub.example.co.uk");
    row("email sentence end", "Write to JOHN@EXAMPLE.COM.", "email", "JOHN@EXAMPLE.COM");
    row("email mailto", "mailto:ops_team-1@corp-mail.example.org?subject=x", "email",
        "ops_team-1@corp-mail.example.org");
    row("phone parens", "call (415) 555-2671 now", "phone", "(415) 555-2671");
    row("phone dashes", "tel 415-555-2671", "phone", "415-555-2671");
    row("phone dots", "415.555.2671", "phone", "415.555.2671");
    row("phone +1 spaces", "+1 415 555 2671", "phone", "+1 415 555 2671");
    row("phone +1 parens", "Phone: +1 (650) 253-0000", "phone", "+1 (650) 253-0000");
    row("phone trunk 1", "1-800-555-0199", "phone", "1-800-555-0199");
    row("phone E.164", "whatsapp +14155552671", "phone", "+14155552671");
    row("phone UK", "London office +44 20 7946 0958.", "phone", "+44 20 7946 0958");
    row("phone DE", "+49 30 12345678", "phone", "+49 30 12345678");
    row("phone UK trunk in parens", "mobile = \"+44 (0)20 7946 0712\";", "phone", "+44 (0)20 7946 0712");
    row("phone +1 parens glued", "call +1 (415)555-2671 now", "phone", "+1 (415)555-2671");
    row("phone FR", "+33 1 23 45 67 89", "phone", "+33 1 23 45 67 89");
    row("ipv4", "from 192.168.1.10 port 22", "ip_address", "192.168.1.10");
    row("ipv4 with port", "dns 8.8.8.8:53", "ip_address", "8.8.8.8");
    row("ipv4 sentence end", "host is 10.0.0.1.", "ip_address", "10.0.0.1");
    // Names that merely contain a numbering word are still hosts.
    row("ipv4 server field", R"({"server": "10.0.0.5"})", "ip_address", "10.0.0.5");
    row("ipv4 build host field", R"({"build_host":"10.1.2.3"})", "ip_address", "10.1.2.3");
    row("ipv4 after vendor", "vendor: 10.1.2.4", "ip_address", "10.1.2.4");
    row("ipv4 driver ip", "driverIp=10.1.2.5", "ip_address", "10.1.2.5");
    row("ipv6 compressed", "addr 2001:db8::8a2e:370:7334 up", "ip_address", "2001:db8::8a2e:370:7334");
    row("ipv6 loopback", "bind ::1", "ip_address", "::1");
    row("ipv6 link local", "fe80::1ff:fe23:4567:890a", "ip_address", "fe80::1ff:fe23:4567:890a");
    row("ipv6 full", "2001:0db8:85a3:0000:0000:8a2e:0370:7334", "ip_address",
        "2001:0db8:85a3:0000:0000:8a2e:0370:7334");
    row("ipv6 bracketed", "http://[2001:db8::1]:8080/", "ip_address", "2001:db8::1");
    row("ipv6 mapped v4", "::ffff:192.0.2.128", "ip_address", "::ffff:192.0.2.128");
    row("iban GB spaced", "IBAN GB82 WEST 1234 5698 7654 32 thanks", "iban", "GB82 WEST 1234 5698 7654 32");
    row("iban GB compact", "GB82WEST12345698765432", "iban", "GB82WEST12345698765432");
    row("iban DE", "DE89 3704 0044 0532 0130 00", "iban", "DE89 3704 0044 0532 0130 00");
    row("iban FR letters", "FR14 2004 1010 0505 0001 3M02 606", "iban", "FR14 2004 1010 0505 0001 3M02 606");
    row("iban NL", "(NL91ABNA0417164300)", "iban", "NL91ABNA0417164300");
    row("iban CH", "CH93 0076 2011 6238 5295 7", "iban", "CH93 0076 2011 6238 5295 7");
    row("aws access key", "aws_access_key_id=AKIAIOSFODNN7EXAMPLE", "secret", "AKIAIOSFODNN7EXAMPLE");
    row("aws session key", "ASIA" + repeatChars("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16), "secret",
        "ASIA" + repeatChars("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16));
    const std::string ghp = "ghp_" + repeatChars(kAlnum, 36);
    row("github classic", "token: " + ghp + "\n", "secret", ghp);
    const std::string ghs = "ghs_" + repeatChars(kAlnum, 36);
    row("github app", ghs, "secret", ghs);
    const std::string pat = "github_pat_11" + repeatChars(kAlnum, 20) + "_" + repeatChars(kAlnum, 59);
    row("github fine-grained", "GH_TOKEN=" + pat, "secret", pat);
    const std::string glpat = "glpat-" + repeatChars(kAlnum, 20);
    row("gitlab", "PRIVATE-TOKEN: " + glpat, "secret", glpat);
    const std::string slack = "xox" + std::string("b-") + "123456789012-1234567890123-" + repeatChars(kAlnum, 24);
    row("slack bot", "SLACK_TOKEN=" + slack + " ", "secret", slack);
    const std::string jwt = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIn0."
                            "SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c";
    row("jwt", "Authorization: Bearer " + jwt, "secret", jwt);
    row("pem rsa", "key:\n" + pemBlock("RSA PRIVATE KEY") + "\nend", "secret", pemBlock("RSA PRIVATE KEY"));
    row("pem pkcs8", pemBlock("PRIVATE KEY"), "secret", pemBlock("PRIVATE KEY"));
    row("pem openssh", pemBlock("OPENSSH PRIVATE KEY"), "secret", pemBlock("OPENSSH PRIVATE KEY"));

    // Groups joined by any mix of spaces, dashes, dots, slashes, one line
    // break (with indentation) or one string boundary; the validators decide.
    row("card slashes", "card 4111/1111/1111/1111 ok", "credit_card", "4111/1111/1111/1111");
    row("card spaced dashes", "card 4111 - 1111 - 1111 - 1111", "credit_card", "4111 - 1111 - 1111 - 1111");
    row("card dots", "4111.1111.1111.1111", "credit_card", "4111.1111.1111.1111");
    row("card mixed", "pan 4111 1111-1111.1111;", "credit_card", "4111 1111-1111.1111");
    row("card double spaces", "4111  1111  1111  1111", "credit_card", "4111  1111  1111  1111");
    row("card tab", "4111\t1111\t1111\t1111", "credit_card", "4111\t1111\t1111\t1111");
    row("card line break", "card: 4111 1111\n      1111 1111 thanks", "credit_card", "4111 1111\n      1111 1111");
    row("card crlf", "4111 1111\r\n1111 1111", "credit_card", "4111 1111\r\n1111 1111");
    row("card json escape", R"({"note":"card 4111 1111\n1111 1111"})", "credit_card", R"(4111 1111\n1111 1111)");
    row("card string boundary", R"(["4111 1111", "1111 1111"])", "credit_card", R"(4111 1111", "1111 1111)");
    row("card concatenated", R"(s = "4111 1111 " + "1111 1111";)", "credit_card", R"(4111 1111 " + "1111 1111)");
    row("ssn slashes", "ssn 123/45/6789", "ssn", "123/45/6789");
    row("ssn spaced slashes", "it is 123 / 45 / 6789.", "ssn", "123 / 45 / 6789");
    row("ssn dots", "123.45.6789", "ssn", "123.45.6789");
    row("ssn line break", "ssn 123-45-\n  6789", "ssn", "123-45-\n  6789");
    row("phone slashes", "call 415/555/2671", "phone", "415/555/2671");
    row("phone spaced dashes", "call 415 - 555 - 2671", "phone", "415 - 555 - 2671");
    row("iban lower compact", "iban de89370400440532013000 ok", "iban", "de89370400440532013000");
    row("iban lower spaced", "de89 3704 0044 0532 0130 00", "iban", "de89 3704 0044 0532 0130 00");
    row("iban mixed case", "Gb82 west 1234 5698 7654 32", "iban", "Gb82 west 1234 5698 7654 32");
    row("iban dashes", "DE89-3704-0044-0532-0130-00", "iban", "DE89-3704-0044-0532-0130-00");
    row("iban dots and slash", "DE89.3704.0044/0532.0130.00", "iban", "DE89.3704.0044/0532.0130.00");
    row("iban line break", "GB82 WEST 1234\n   5698 7654 32", "iban", "GB82 WEST 1234\n   5698 7654 32");
    row("iban at start, lower", "nl91abna0417164300", "iban", "nl91abna0417164300");

    // Addresses written with words: bracketed anywhere, bare after a keyword.
    row("email [at] [dot]", "reach jane.doe [at] example [dot] com today", "email", "jane.doe [at] example [dot] com");
    row("email (at)(dot)", "jane(at)example(dot)com", "email", "jane(at)example(dot)com");
    row("email upper braces", "JANE {AT} EXAMPLE {DOT} COM", "email", "JANE {AT} EXAMPLE {DOT} COM");
    row("email spaced angle", "write to ops-team < at > corp-mail.example.org.", "email", "ops-team < at > corp-mail.example.org");
    row("email [at] real dots", "jane [at] example.com", "email", "jane [at] example.com");
    row("email words after keyword", "Email: jane at example dot com", "email", "jane at example dot com");
    row("email words in json field", R"({"contact_email": "jane.doe at example.co.uk"})", "email", "jane.doe at example.co.uk");
    row("email upper words", "E-Mail: support AT example DOT org.", "email", "support AT example DOT org");
}

void TestPiiDetector::positives()
{
    QFETCH(QString, text);
    QFETCH(QString, type);
    QFETCH(QString, match);
    const std::string t = text.toStdString();
    const std::string m = match.toStdString();
    const auto &det = PiiDetector::instance();

    const auto found = det.find(t);
    QCOMPARE(found.size(), std::size_t {1});
    QCOMPARE(QString::fromLatin1(typeName(found[0].type).data()), type);
    QCOMPARE(q(t.substr(found[0].begin, found[0].end - found[0].begin)), match);
    QCOMPARE(found[0].begin, t.find(m));
    QVERIFY(det.contains(t));
    QCOMPARE(det.count(t), std::size_t {1});

    std::string expected = t;
    expected.replace(t.find(m), m.size(), "[REDACTED:" + type.toStdString() + "]");
    QCOMPARE(q(det.redact(t)), q(expected));
}

void TestPiiDetector::negatives_data()
{
    QTest::addColumn<QString>("text");
    QTest::newRow("luhn invalid spaced") << "card 4111 1111 1111 1112";
    QTest::newRow("luhn invalid plain") << "5555555555554445";
    QTest::newRow("unknown issuer") << "1234 5678 9012 3452";
    QTest::newRow("ssn area 000") << "000-12-3456";
    QTest::newRow("ssn area 666") << "SSN 666-12-3456";
    QTest::newRow("ssn area 900") << "900-12-3456";
    QTest::newRow("ssn area 999") << "999 12 3456";
    QTest::newRow("ssn group 00") << "123-00-4567";
    QTest::newRow("ssn serial 0000") << "123-45-0000";
    QTest::newRow("ssn inside longer run") << "1-123-45-6789-2";
    QTest::newRow("date iso") << "released 2024-01-15";
    QTest::newRow("date us") << "on 01/15/2024";
    QTest::newRow("date eu") << "am 15.01.2024";
    QTest::newRow("timestamp") << "2024-01-15T12:30:45.123Z INFO started";
    QTest::newRow("epoch millis") << "ts=1705312245123";
    QTest::newRow("version v") << "upgrade to v1.2.3";
    QTest::newRow("version plain") << "libfoo 1.2.3";
    QTest::newRow("version four parts") << "version 2.10.4.1";
    QTest::newRow("version colon") << "Version: 10.0.19045.1";
    QTest::newRow("version v four parts") << "v1.2.3.4";
    QTest::newRow("section number") << "as required by section 17.4.1.2 of the standard";
    QTest::newRow("bare nine digits without keyword") << "order 123456789 shipped";
    QTest::newRow("ssn keyword, invalid area") << "SSN: 000123456";
    QTest::newRow("ssn keyword, area 666") << "ssn 666123456";
    QTest::newRow("ssn keyword, ten digits") << "SSN 1234567890";
    QTest::newRow("ssn keyword, longer dotted number") << "ssn 123456789.5";
    QTest::newRow("ssn inside a word") << "Hessn 123456789";
    QTest::newRow("ssn keyword, other word between") << "ssn field 123456789";
    QTest::newRow("build in json") << R"({"build": "14.26.197.207"})";
    QTest::newRow("firmware") << "firmware 5.19.37.230 installed";
    QTest::newRow("version field") << R"({"app_version":"10.2.3.4"})";
    QTest::newRow("camel-case version field") << R"({"firmwareVersion": "1.2.3.4"})";
    QTest::newRow("build colon") << "Build: 14.26.197.207";
    QTest::newRow("release equals") << "release=2.0.1.5";
    QTest::newRow("kernel version") << "kernel-version '6.1.0.57'";
    QTest::newRow("time") << "at 12:30:45";
    QTest::newRow("plain numbers") << "total 1234567 units, 3.14159, $1,234,567.89";
    QTest::newRow("order id") << "Order #123456789012 / ORD-2024-0001234";
    QTest::newRow("dotted run") << "oid 1.3.6.1.4.1.311";
    QTest::newRow("four-arc oid") << "it's OID 2.5.29.17";
    QTest::newRow("oid field") << "{\"oid\": \"2.5.4.3\"}";
    QTest::newRow("oid constant") << "const oid = \"2.5.4.3\";";
    QTest::newRow("octet too big") << "256.1.1.1";
    QTest::newRow("three octets") << "10.0.0";
    QTest::newRow("nanp area 123") << "123-456-7890";
    QTest::newRow("seven digits") << "call 555-0100";
    QTest::newRow("foreign code not US") << "+44 650 253 0000";
    QTest::newRow("email no tld") << "user@localhost";
    QTest::newRow("email one letter tld") << "a@b.c";
    QTest::newRow("decorator") << "@Override public void run()";
    QTest::newRow("cpp scope") << "std::vector<int> v; a::b::c; dead::beef";
    QTest::newRow("mac address") << "00:1a:2b:3c:4d:5e";
    QTest::newRow("iban bad checksum") << "GB82 WEST 1234 5698 7654 33";
    QTest::newRow("iban embedded") << "XGB82WEST12345698765432";
    QTest::newRow("aws too short") << "AKIAIOSFODNN7EXAMPL";
    QTest::newRow("aws embedded") << "xAKIAIOSFODNN7EXAMPLE";
    QTest::newRow("github too short") << "ghp_abc123";
    QTest::newRow("public key") << "-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkq\n-----END PUBLIC KEY-----";
    QTest::newRow("jwt header only") << "eyJhbGciOiJIUzI1NiJ9 alone";
    QTest::newRow("isbn") << "ISBN 978-3-16-148410-0";
    QTest::newRow("prose") << "Thank you for your patience; your order ships tomorrow.";
    // Separators and breaks: what must stay apart.
    QTest::newRow("comma list") << "ids 4111, 1111, 1111, 1111";
    QTest::newRow("csv digits") << "4111,1111,1111,1111";
    QTest::newRow("luhn invalid slashes") << "4111/1111/1111/1112";
    QTest::newRow("two line breaks") << "4111 1111\n\n1111 1111";
    QTest::newRow("run too long") << "4111 1111                    1111 1111";
    QTest::newRow("card inside a longer run") << "4111 1111 - 1111 1111 - 9999";
    QTest::newRow("ssn serial 0000 slashes") << "123/45/0000";
    QTest::newRow("ssn area 666 dotted") << "666.45.6789";
    QTest::newRow("date slashes") << "on 2024/01/15 and 12/25/2027";
    QTest::newRow("date spaced") << "from 2024 - 01 - 15 to 2024 - 02 - 01";
    QTest::newRow("nanp area 123 slashes") << "123/456/7890";
    QTest::newRow("version range") << "versions 1.2.3 - 4.5.6";
    QTest::newRow("page range") << "pages 123 - 456, 789 - 1011";
    QTest::newRow("iban word de12") << "de12 is not an iban, nor is at10am";
    QTest::newRow("iban inside hex") << "0xde89370400440532013000ab";
    QTest::newRow("iban lower bad checksum") << "gb82 west 1234 5698 7654 33";
    QTest::newRow("one quote") << R"(4111 1111", 1111 1111)";
    // Words for '@' and '.' that are prose.
    QTest::newRow("at the office") << "meet me [at] the office [dot] tomorrow";
    QTest::newRow("bare at without keyword") << "we met at example dot com";
    QTest::newRow("email me at noon") << "email me at noon";
    QTest::newRow("email sent at a time") << "email sent at 10:30 dot matrix";
    QTest::newRow("look at this") << "look [at] this";
    QTest::newRow("one-letter tld") << "mail at example dot c";
    QTest::newRow("numeric tld") << "email: jane at example dot 123";
    QTest::newRow("keyword too far") << QStringLiteral("email") + QString(60, QLatin1Char(' '))
            + QStringLiteral("jane at example dot com");
}

// PII inside base64 or hex that decodes to text: the whole blob is one
// match of the type inside; noise, text without PII and a third level of
// encoding are left alone.
void TestPiiDetector::encoded_data()
{
    QTest::addColumn<QByteArray>("blob");
    QTest::addColumn<QString>("type"); // empty: no match
    const QByteArray ssn = "customer ssn is 123-45-6789, ok";
    const QByteArray card = "card 4111 1111 1111 1111 exp 12/27";
    const QByteArray mail = "please write to jane.doe@example.com soon";
    QTest::newRow("base64 ssn") << ssn.toBase64() << "ssn";
    QTest::newRow("base64 unpadded") << ssn.toBase64(QByteArray::OmitTrailingEquals) << "ssn";
    QTest::newRow("base64url email") << mail.toBase64(QByteArray::Base64UrlEncoding) << "email";
    QTest::newRow("hex card") << card.toHex() << "credit_card";
    QTest::newRow("hex upper") << card.toHex().toUpper() << "credit_card";
    QTest::newRow("base64 of hex") << card.toHex().toBase64() << "credit_card";
    QTest::newRow("three levels") << card.toHex().toBase64().toBase64() << "";
    QTest::newRow("no pii") << QByteArray("nothing to see here, only some ordinary words").toBase64() << "";
    QTest::newRow("sha256 hex") << QByteArray("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855") << "";
    QByteArray noise;
    for (int i = 0; i < 48; ++i)
        noise += static_cast<char>((i * 97 + 13) % 256);
    QTest::newRow("random bytes") << noise.toBase64() << "";
    QTest::newRow("long identifier") << QByteArray("ThisIsAVeryLongIdentifierNameForSomething") << "";
}

void TestPiiDetector::encoded()
{
    QFETCH(QByteArray, blob);
    QFETCH(QString, type);
    const auto &det = PiiDetector::instance();
    const std::string t = "payload: " + blob.toStdString() + " end";
    const auto found = det.find(t);
    if (type.isEmpty()) {
        QVERIFY(found.empty());
        QVERIFY(!det.contains(t));
        return;
    }
    QCOMPARE(found.size(), std::size_t {1});
    QCOMPARE(QString::fromLatin1(typeName(found[0].type).data()), type);
    QCOMPARE(found[0].begin, std::size_t {9});
    QCOMPARE(found[0].end, std::size_t {9} + static_cast<std::size_t>(blob.size()));
    QVERIFY(det.contains(t));
    QCOMPARE(q(det.redact(t)), q("payload: [REDACTED:" + type.toStdString() + "] end"));
}

void TestPiiDetector::negatives()
{
    QFETCH(QString, text);
    const std::string t = text.toStdString();
    const auto &det = PiiDetector::instance();
    const auto found = det.find(t);
    for (const auto &m : found)
        qWarning("unexpected %s: '%s'", typeName(m.type).data(), t.substr(m.begin, m.end - m.begin).c_str());
    QVERIFY(found.empty());
    QVERIFY(!det.contains(t));
    QCOMPARE(q(det.redact(t)), text);
}

void TestPiiDetector::redaction_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("redacted");
    QTest::newRow("card and ssn") << "Card 4111 1111 1111 1111, SSN 123-45-6789."
                                  << "Card [REDACTED:credit_card], SSN [REDACTED:ssn].";
    QTest::newRow("all at once")
        << "Mail jane@example.com or call (415) 555-2671 from 10.1.2.3; IBAN DE89 3704 0044 0532 0130 00, key "
           "AKIAIOSFODNN7EXAMPLE"
        << "Mail [REDACTED:email] or call [REDACTED:phone] from [REDACTED:ip_address]; IBAN [REDACTED:iban], key "
           "[REDACTED:secret]";
    QTest::newRow("whole text") << "123-45-6789"
                                << "[REDACTED:ssn]";
    QTest::newRow("json") << R"({"email":"a.b@example.org","ip":"2001:db8::1"})"
                          << R"({"email":"[REDACTED:email]","ip":"[REDACTED:ip_address]"})";
    QTest::newRow("nothing") << "nothing to see here"
                             << "nothing to see here";
}

void TestPiiDetector::redaction()
{
    QFETCH(QString, text);
    QFETCH(QString, redacted);
    QCOMPARE(q(PiiDetector::instance().redact(text.toStdString())), redacted);
}

void TestPiiDetector::adjacentAndOverlapping()
{
    const auto &det = PiiDetector::instance();
    QCOMPARE(q(det.redact("4111111111111111,5555555555554444")),
        QStringLiteral("[REDACTED:credit_card],[REDACTED:credit_card]"));
    QCOMPARE(q(det.redact("123-45-6789 234-56-7890")), QStringLiteral("[REDACTED:ssn] [REDACTED:ssn]"));
    QCOMPARE(q(det.redact("a@b.com,c@d.org")), QStringLiteral("[REDACTED:email],[REDACTED:email]"));
    QCOMPARE(q(det.redact("10.0.0.1-10.0.0.5")), QStringLiteral("[REDACTED:ip_address]-[REDACTED:ip_address]"));
    // A card-shaped run inside an IBAN: the longer IBAN wins, nothing else is reported.
    const auto iban = det.find("DE89 3704 0044 0532 0130 00");
    QCOMPARE(iban.size(), std::size_t {1});
    QCOMPARE(iban[0].type, PiiType::Iban);
    // IPv4 inside an IPv4-mapped IPv6 address: one address.
    QCOMPARE(q(det.redact("::ffff:10.0.0.1")), QStringLiteral("[REDACTED:ip_address]"));
    // A phone-shaped local part: the whole address is one email.
    QCOMPARE(q(det.redact("415-555-2671@example.com")), QStringLiteral("[REDACTED:email]"));
    // A card glued to more digit groups is a longer number, not a card.
    QVERIFY(!det.contains("4111 1111 1111 1111 1234"));
}

void TestPiiDetector::utf8Offsets()
{
    const std::string text = "Grüße an Jürgen 😀: Karte 4111 1111 1111 1111 — mail jürgen.x@example.com ✓";
    const auto found = PiiDetector::instance().find(text);
    QCOMPARE(found.size(), std::size_t {2});
    QCOMPARE(found[0].type, PiiType::CreditCard);
    QCOMPARE(found[0].begin, text.find("4111"));
    QCOMPARE(found[0].end, text.find("4111") + 19);
    QCOMPARE(found[1].type, PiiType::Email);
    // A non-ASCII letter ends the local part: the ASCII address after it is found.
    QCOMPARE(q(text.substr(found[1].begin, found[1].end - found[1].begin)), QStringLiteral("rgen.x@example.com"));
    QCOMPARE(q(PiiDetector::instance().redact("€ 123-45-6789 €")), QStringLiteral("€ [REDACTED:ssn] €"));
}

void TestPiiDetector::typeFilter()
{
    const auto &det = PiiDetector::instance();
    const std::string text = "jane@example.com 123-45-6789 4111111111111111";
    const auto emailOnly = PiiTypeSet().add(PiiType::Email);
    QCOMPARE(q(det.redact(text, emailOnly)), QStringLiteral("[REDACTED:email] 123-45-6789 4111111111111111"));
    const auto numbers = PiiTypeSet().add(PiiType::Ssn).add(PiiType::CreditCard);
    QCOMPARE(q(det.redact(text, numbers)), QStringLiteral("jane@example.com [REDACTED:ssn] [REDACTED:credit_card]"));
    QCOMPARE(det.count(text, PiiTypeSet().add(PiiType::Phone)), std::size_t {0});
    QVERIFY(!det.contains(text, PiiTypeSet().add(PiiType::Secret)));
    QVERIFY(det.contains(text, PiiTypeSet().add(PiiType::Ssn)));
    QVERIFY(det.find(text, PiiTypeSet()).empty());
    QCOMPARE(det.count(text), std::size_t {3});
}

void TestPiiDetector::emptyText()
{
    const auto &det = PiiDetector::instance();
    QVERIFY(det.find("").empty());
    QVERIFY(!det.contains(""));
    QCOMPARE(det.count(""), std::size_t {0});
    QCOMPARE(det.redact(""), std::string());
    QVERIFY(det.find(std::string_view()).empty());
}

void TestPiiDetector::pemWithoutEnd()
{
    // Truncated output: the header and the base64 lines after it are still a secret.
    const std::string text = "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIBkg4LVWM9nuwNSk3yByxZpYRTBnVJk5oV\n"
                             "oAoGCCqGSM49AwEHoUQDQgAE\n\nnext paragraph";
    QCOMPARE(q(PiiDetector::instance().redact(text)), QStringLiteral("[REDACTED:secret]\n\nnext paragraph"));
}

void TestPiiDetector::singleton()
{
    QCOMPARE(&PiiDetector::instance(), &PiiDetector::instance());
}

// PII written with other digit forms, fullwidth ASCII, Unicode spaces and
// dashes, or invisible characters inside: found as its type, and the
// redaction replaces exactly the characters written (everything around
// them kept byte for byte).
void TestPiiDetector::foldedForms_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("redacted");
    QTest::newRow("fullwidth card") << QString::fromUtf8("card \xEF\xBC\x94\xEF\xBC\x91\xEF\xBC\x91\xEF\xBC\x91 1111 1111 1111.")
                                    << "card [REDACTED:credit_card].";
    QTest::newRow("fullwidth ssn") << QStringLiteral("ssn %1").arg(QString(QChar(0xFF11)) + QChar(0xFF12) + QChar(0xFF13) + QChar(0xFF0D)
                                                                    + QChar(0xFF14) + QChar(0xFF15) + QChar(0xFF0D) + QChar(0xFF16)
                                                                    + QChar(0xFF17) + QChar(0xFF18) + QChar(0xFF19))
                                   << "ssn [REDACTED:ssn]";
    QString arabic;
    for (const char d : std::string("123-45-6789"))
        arabic += d == '-' ? QChar(u'-') : QChar(char16_t(0x0660 + (d - '0')));
    QTest::newRow("arabic-indic ssn") << QStringLiteral("id %1 ok").arg(arabic) << "id [REDACTED:ssn] ok";
    QString devanagari;
    for (const char d : std::string("4111111111111111"))
        devanagari += QChar(char16_t(0x0966 + (d - '0')));
    QTest::newRow("devanagari card") << devanagari << "[REDACTED:credit_card]";
    // Mathematical bold digits are outside the BMP (surrogate pairs in UTF-16).
    QString bold;
    for (const char d : std::string("123-45-6789"))
        bold += d == '-' ? QString(QChar(u'-')) : QString::fromUcs4(std::u32string(1, char32_t(0x1D7CE + (d - '0'))).data(), 1);
    QTest::newRow("mathematical bold ssn") << bold << "[REDACTED:ssn]";
    QTest::newRow("zero-width inside a card")
        << QString::fromUtf8("4111\xE2\x80\x8B 1111 1111\xE2\x80\x8C 1111") << "[REDACTED:credit_card]";
    QTest::newRow("soft hyphen in an ssn") << QString::fromUtf8("123\xC2\xAD-45-6789") << "[REDACTED:ssn]";
    QTest::newRow("word joiner in an email") << QString::fromUtf8("mail jane\xE2\x81\xA0@example.com now")
                                             << "mail [REDACTED:email] now";
    QTest::newRow("fullwidth email") << QString::fromUtf8("\xEF\xBD\x8A\xEF\xBD\x81\xEF\xBD\x8E\xEF\xBD\x85\xEF\xBC\xA0" "example\xEF\xBC\x8E"
                                                          "com")
                                     << "[REDACTED:email]";
    QTest::newRow("no-break spaces in a card") << QString::fromUtf8("4111\xC2\xA0" "1111\xC2\xA0" "1111\xC2\xA0" "1111")
                                               << "[REDACTED:credit_card]";
    QTest::newRow("en dashes in an ssn") << QString::fromUtf8("123\xE2\x80\x93" "45\xE2\x80\x93" "6789") << "[REDACTED:ssn]";
    QTest::newRow("byte-order mark before an ip") << QString::fromUtf8("from \xEF\xBB\xBF" "10.1.2.3 on")
                                                  << QString::fromUtf8("from \xEF\xBB\xBF[REDACTED:ip_address] on");
    QTest::newRow("fullwidth text around kept") << QString::fromUtf8("\xEF\xBC\xA1\xEF\xBC\xA2 123-45-6789 \xEF\xBC\xA3")
                                                << QString::fromUtf8("\xEF\xBC\xA1\xEF\xBC\xA2 [REDACTED:ssn] \xEF\xBC\xA3");
}

void TestPiiDetector::foldedForms()
{
    QFETCH(QString, text);
    QFETCH(QString, redacted);
    const std::string utf8 = text.toStdString();
    QVERIFY(PiiDetector::instance().contains(utf8));
    QCOMPARE(q(PiiDetector::instance().redact(utf8)), redacted);
    for (const PiiMatch &m : PiiDetector::instance().find(utf8)) {
        QVERIFY(m.begin < m.end && m.end <= utf8.size());
        // Offsets never cut a character.
        QVERIFY((static_cast<unsigned char>(utf8[m.begin]) & 0xC0) != 0x80);
        QVERIFY(m.end == utf8.size() || (static_cast<unsigned char>(utf8[m.end]) & 0xC0) != 0x80);
    }
}

// Folding finds nothing new in text without PII, and malformed UTF-8 or
// characters that are not folded pass through unchanged.
void TestPiiDetector::foldingKeepsOtherText()
{
    const auto &det = PiiDetector::instance();
    for (const char *text : {"\xEF\xBC\x91\xEF\xBC\x92\xEF\xBC\x93", "version \xEF\xBC\x95.\xEF\xBC\x91\xEF\xBC\x99",
                             "\xE2\x80\x8B\xE2\x80\x8B\xE2\x80\x8B", "\xff\xfe 12-34 \xc3\x28 \xe2\x82", "Gr\xC3\xBC\xC3\x9F" "e, Z\xC3\xBCrich"}) {
        QVERIFY2(!det.contains(text), text);
        QCOMPARE(det.redact(text), std::string(text));
    }
    // A lone invalid byte next to an SSN does not shift the redaction.
    QCOMPARE(det.redact("\xff\xEF\xBC\x91 123-45-6789"), std::string("\xff\xEF\xBC\x91 [REDACTED:ssn]"));
}

QTEST_GUILESS_MAIN(TestPiiDetector)
#include "tst_piidetector.moc"
