// PiiDetector::explain: the check, detail, context word and what the scan
// read through, for each way of writing PII the detector handles; and that
// the explanation holds none of the matched text.

#include "pii/piidetector.h"

#include <QtTest/QTest>

#include <string>

using namespace osh::pii;

class TestPiiWhy : public QObject
{
    Q_OBJECT

private slots:
    void explain_data();
    void explain();
    void keywordHoldsNoAgentText_data();
    void keywordHoldsNoAgentText();
    void offsetsOutsideTheText();
};

void TestPiiWhy::explain_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("type");
    QTest::addColumn<QString>("check");
    QTest::addColumn<QString>("detail");
    QTest::addColumn<QString>("keyword");
    QTest::addColumn<QString>("seen"); // comma-joined, in order

    QTest::newRow("card usual") << "card 4111 1111 1111 1111 ok" << "credit_card" << "luhn" << "visa" << "" << "";
    QTest::newRow("card plain amex") << "pay 378282246310005 now" << "credit_card" << "luhn" << "amex" << "" << "";
    QTest::newRow("card mixed separators")
        << "card 4111.1111/1111-1111 ok" << "credit_card" << "luhn" << "visa" << "" << "mixed_separators";
    QTest::newRow("card line break") << "card 4111 1111\n    1111 1111 ok" << "credit_card" << "luhn" << "visa" << ""
                                     << "mixed_separators,line_break";
    QTest::newRow("card json boundary") << R"(["4111 1111", "1111 1111"])" << "credit_card" << "luhn"
                                        << "visa" << "" << "mixed_separators,string_boundary";
    QTest::newRow("card fullwidth") << QString::fromUtf8("card ４１１１ １１１１ １１１１ １１１１") << "credit_card"
                                    << "luhn" << "visa" << "" << "folded_characters";
    QTest::newRow("card zero width") << QString::fromUtf8("card 4111\u200b1111\u200b1111\u200b1111 ok")
                                     << "credit_card" << "luhn" << "visa" << "" << "invisible_characters";
    QTest::newRow("ssn usual") << "ssn 123-45-6789" << "ssn" << "ssn_ranges" << "" << "" << "";
    QTest::newRow("ssn keyword") << "SSN: 123456789" << "ssn" << "ssn_ranges" << "" << "ssn" << "";
    QTest::newRow("ssn field keyword") << R"({"customer_ssn": "123456789"})" << "ssn" << "ssn_ranges" << ""
                                       << "ssn" << "";
    QTest::newRow("ssn social security") << "Social Security Number 123456789" << "ssn" << "ssn_ranges" << ""
                                         << "social security" << "";
    QTest::newRow("ssn slashes") << "id 123/45/6789 end" << "ssn" << "ssn_ranges" << "" << "" << "mixed_separators";
    QTest::newRow("iban lower") << "iban de89370400440532013000 ok" << "iban" << "mod97" << "" << "" << "lower_case";
    QTest::newRow("iban grouped") << "GB82 WEST 1234 5698 7654 32" << "iban" << "mod97" << "" << "" << "";
    QTest::newRow("phone nanp") << "call (415) 555-2671 today" << "phone" << "libphonenumber" << "north_american"
                                << "" << "";
    QTest::newRow("phone intl") << "call +44 20 7946 0958 today" << "phone" << "libphonenumber" << "international"
                                << "" << "";
    QTest::newRow("ipv4") << "host 10.1.2.3 up" << "ip_address" << "inet_pton" << "ipv4" << "" << "";
    QTest::newRow("ipv6") << "host fe80::1ff:fe23:4567:890a up" << "ip_address" << "inet_pton" << "ipv6" << ""
                          << "";
    QTest::newRow("email") << "mail jane.doe@example.com" << "email" << "email_structure" << "" << "" << "";
    QTest::newRow("email bracketed words") << "write jane [at] example [dot] com" << "email" << "email_structure"
                                           << "" << "" << "words_for_at_dot";
    QTest::newRow("email keyword words") << "Email: jane at example dot com" << "email" << "email_structure" << ""
                                         << "email" << "words_for_at_dot";
    QTest::newRow("aws key") << "key AKIAIOSFODNN7EXAMPLE" << "secret" << "secret_format" << "aws_access_key_id"
                             << "" << "";
    const QByteArray inner = "customer ssn is 123-45-6789, ok";
    QTest::newRow("base64") << QStringLiteral("blob ") + QString::fromLatin1(inner.toBase64()) << "ssn" << "ssn_ranges" << "" << ""
                            << "base64";
    const QByteArray card = "card 4111.1111.1111 1111 exp";
    QTest::newRow("base64 of hex") << QStringLiteral("blob ") + QString::fromLatin1(card.toHex().toBase64()) << "credit_card"
                                   << "luhn" << "visa" << "" << "base64,hex,mixed_separators";
}

void TestPiiWhy::explain()
{
    QFETCH(QString, text);
    QFETCH(QString, type);
    QFETCH(QString, check);
    QFETCH(QString, detail);
    QFETCH(QString, keyword);
    QFETCH(QString, seen);
    const std::string t = text.toStdString();
    const auto &det = PiiDetector::instance();
    const auto found = det.find(t);
    QCOMPARE(found.size(), std::size_t {1});
    QCOMPARE(QString::fromLatin1(typeName(found[0].type).data()), type);
    const PiiWhy why = det.explain(t, found[0]);
    QCOMPARE(QString::fromLatin1(why.check.data(), qsizetype(why.check.size())), check);
    QCOMPARE(QString::fromLatin1(why.detail.data(), qsizetype(why.detail.size())), detail);
    QCOMPARE(QString::fromLatin1(why.keyword.data(), qsizetype(why.keyword.size())), keyword);
    QStringList s;
    for (const auto v : why.seen)
        s << QString::fromLatin1(v.data(), qsizetype(v.size()));
    QCOMPARE(s.join(QLatin1Char(',')), seen);
}

// The keyword is one of the fixed words, never the agent's text around
// it: a name ending in the keyword, another address holding "mail", a
// card number glued to it.
void TestPiiWhy::keywordHoldsNoAgentText_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("keyword");
    QTest::newRow("name before ssn") << "ref 555123card4_ssn: 123456789" << "ssn";
    QTest::newRow("long name") << QString(QString(80, QLatin1Char('a')) + QStringLiteral("_ssn: 123456789")) << "ssn";
    QTest::newRow("another address") << "email: jane_hotmail@example.com, bob at example dot org" << "email";
    QTest::newRow("mail inside a name") << "see mail from alice_hotmail, reply to bob at example dot org" << "email";
    QTest::newRow("keyword in a long name") << "contact_email_for_johnsmith: bob at example dot org" << "email";
    QTest::newRow("fullwidth keyword") << QString::fromUtf8("\uff53\uff53\uff4e: 123456789") << "ssn";
}

void TestPiiWhy::keywordHoldsNoAgentText()
{
    QFETCH(QString, text);
    QFETCH(QString, keyword);
    const std::string t = text.toStdString();
    const auto &det = PiiDetector::instance();
    const auto found = det.find(t);
    QVERIFY(!found.empty());
    const PiiWhy why = det.explain(t, found.back());
    QCOMPARE(QString::fromLatin1(why.keyword.data(), qsizetype(why.keyword.size())), keyword);
}

// A match that does not belong to the text is explained from what is there,
// never read out of bounds.
void TestPiiWhy::offsetsOutsideTheText()
{
    const auto &det = PiiDetector::instance();
    const PiiWhy why = det.explain("short", PiiMatch {PiiType::CreditCard, 3, 400});
    QCOMPARE(QString::fromLatin1(why.check.data(), qsizetype(why.check.size())), QStringLiteral("luhn"));
    const PiiWhy none = det.explain("", PiiMatch {PiiType::Email, 10, 2});
    QVERIFY(none.keyword.empty());
}

QTEST_GUILESS_MAIN(TestPiiWhy)
#include "tst_piiwhy.moc"
