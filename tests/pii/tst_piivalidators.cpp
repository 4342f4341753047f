// The checksum and range validators behind the PII detector, called directly.

#include "pii/piicandidate.h"
#include "pii/piioverlap.h"
#include "pii/piivalidators.h"

#include <QtTest/QTest>

#include <algorithm>
#include <string>

using namespace osh::pii;

class TestPiiValidators : public QObject
{
    Q_OBJECT

private slots:
    void luhn_data();
    void luhn();
    void cardIssuer_data();
    void cardIssuer();
    void cardNumber_data();
    void cardNumber();
    void ssn_data();
    void ssn();
    void ibanLength();
    void iban_data();
    void iban();
    void ip_data();
    void ip();
    void phone_data();
    void phone();
    void phoneSplit();
    void numberingWord_data();
    void numberingWord();
    void overlaps();
};

void TestPiiValidators::luhn_data()
{
    QTest::addColumn<QString>("digits");
    QTest::addColumn<bool>("valid");
    QTest::newRow("visa test") << "4111111111111111" << true;
    QTest::newRow("mastercard test") << "5555555555554444" << true;
    QTest::newRow("amex test") << "378282246310005" << true;
    QTest::newRow("last digit off") << "4111111111111112" << false;
    QTest::newRow("transposed") << "4111111111111141" << false;
    QTest::newRow("zero") << "0" << true;
    QTest::newRow("empty") << "" << false;
    QTest::newRow("non-digit") << "4111-1111-1111-1111" << false;
}

void TestPiiValidators::luhn()
{
    QFETCH(QString, digits);
    QFETCH(bool, valid);
    QCOMPARE(luhnValid(digits.toStdString()), valid);
}

void TestPiiValidators::cardIssuer_data()
{
    QTest::addColumn<QString>("digits");
    QTest::addColumn<QString>("issuer");
    QTest::newRow("visa 16") << "4111111111111111"
                             << "visa";
    QTest::newRow("visa 13") << "4222222222222"
                             << "visa";
    QTest::newRow("mastercard 5x") << "5555555555554444"
                                   << "mastercard";
    QTest::newRow("mastercard 2-series") << "2223003122003222"
                                         << "mastercard";
    QTest::newRow("amex 34") << "343434343434343"
                             << "amex";
    QTest::newRow("amex 37") << "378282246310005"
                             << "amex";
    QTest::newRow("amex wrong length") << "3782822463100050"
                                       << "";
    QTest::newRow("discover 6011") << "6011111111111117"
                                   << "discover";
    QTest::newRow("discover 65") << "6500000000000002"
                                 << "discover";
    QTest::newRow("diners 14") << "30569309025904"
                               << "diners";
    QTest::newRow("jcb") << "3530111333300000"
                         << "jcb";
    QTest::newRow("unionpay") << "6200000000000005"
                              << "unionpay";
    QTest::newRow("maestro 50") << "5018000000000009"
                                << "maestro";
    QTest::newRow("no issuer starts 1") << "1234567890123456"
                                        << "";
    QTest::newRow("no issuer 9") << "9111111111111111"
                                 << "";
    QTest::newRow("too short") << "411111111111"
                               << "";
}

void TestPiiValidators::cardIssuer()
{
    QFETCH(QString, digits);
    QFETCH(QString, issuer);
    QCOMPARE(QString::fromStdString(std::string(osh::pii::cardIssuer(digits.toStdString()))), issuer);
}

void TestPiiValidators::cardNumber_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<bool>("valid");
    QTest::newRow("plain") << "4111111111111111" << true;
    QTest::newRow("spaces") << "4111 1111 1111 1111" << true;
    QTest::newRow("dashes") << "4111-1111-1111-1111" << true;
    QTest::newRow("amex 4-6-5") << "3782 822463 10005" << true;
    QTest::newRow("mixed separators") << "4111 1111-1111 1111" << false;
    QTest::newRow("double space") << "4111  1111 1111 1111" << false;
    QTest::newRow("tiny groups") << "41 11 11 11 11 11 11 11" << false;
    QTest::newRow("luhn invalid") << "4111 1111 1111 1112" << false;
    QTest::newRow("12 digits") << "411111111111" << false;
    QTest::newRow("20 digits") << "41111111111111111113" << false;
    QTest::newRow("trailing separator") << "4111111111111111-" << false;
}

void TestPiiValidators::cardNumber()
{
    QFETCH(QString, text);
    QFETCH(bool, valid);
    QCOMPARE(isValidCardNumber(text.toStdString()), valid);
}

void TestPiiValidators::ssn_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<bool>("valid");
    QTest::newRow("dashes") << "123-45-6789" << true;
    QTest::newRow("spaces") << "123 45 6789" << true;
    QTest::newRow("plain") << "123456789" << true;
    QTest::newRow("area 899") << "899-45-6789" << true;
    QTest::newRow("area 000") << "000-45-6789" << false;
    QTest::newRow("area 666") << "666-45-6789" << false;
    QTest::newRow("area 900") << "900-45-6789" << false;
    QTest::newRow("area 999") << "999-45-6789" << false;
    QTest::newRow("group 00") << "123-00-6789" << false;
    QTest::newRow("serial 0000") << "123-45-0000" << false;
    QTest::newRow("mixed separators") << "123-45 6789" << false;
    QTest::newRow("letters") << "12a-45-6789" << false;
    QTest::newRow("wrong layout") << "1234-5-6789" << false;
}

void TestPiiValidators::ssn()
{
    QFETCH(QString, text);
    QFETCH(bool, valid);
    QCOMPARE(isValidSsn(text.toStdString()), valid);
}

void TestPiiValidators::ibanLength()
{
    QCOMPARE(osh::pii::ibanLength("DE"), 22);
    QCOMPARE(osh::pii::ibanLength("GB"), 22);
    QCOMPARE(osh::pii::ibanLength("NO"), 15);
    QCOMPARE(osh::pii::ibanLength("RU"), 33);
    QCOMPARE(osh::pii::ibanLength("AD"), 24); // first entry of the sorted table
    QCOMPARE(osh::pii::ibanLength("XK"), 20); // last entry
    QCOMPARE(osh::pii::ibanLength("US"), 0);
    QCOMPARE(osh::pii::ibanLength("D"), 0);
    QCOMPARE(osh::pii::ibanLength(""), 0);
    // The table is binary-searched: it must be sorted, and every code must be found.
    const auto codes = ibanCountryCodes();
    QVERIFY(codes.size() > 80);
    QVERIFY(std::is_sorted(codes.begin(), codes.end()));
    for (std::string_view code : codes) {
        const int len = osh::pii::ibanLength(code);
        QVERIFY2(len >= 15 && len <= 34, code.data());
    }
}

void TestPiiValidators::iban_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<bool>("valid");
    QTest::newRow("GB spaced") << "GB82 WEST 1234 5698 7654 32" << true;
    QTest::newRow("GB compact") << "GB82WEST12345698765432" << true;
    QTest::newRow("GB lowercase") << "gb82west12345698765432" << true;
    QTest::newRow("DE") << "DE89 3704 0044 0532 0130 00" << true;
    QTest::newRow("FR with letter") << "FR14 2004 1010 0505 0001 3M02 606" << true;
    QTest::newRow("NL") << "NL91ABNA0417164300" << true;
    QTest::newRow("NO shortest") << "NO93 8601 1117 947" << true;
    QTest::newRow("check digit off") << "GB82 WEST 1234 5698 7654 33" << false;
    QTest::newRow("check digits swapped") << "GB28 WEST 1234 5698 7654 32" << false;
    QTest::newRow("wrong length for country") << "DE89 3704 0044 0532 0130 0" << false;
    QTest::newRow("unknown country") << "US12 3456 7890 1234 5678 90" << false;
    QTest::newRow("bad grouping") << "GB82 WES T123 4569 8765 432" << false;
    QTest::newRow("double space") << "GB82  WEST 1234 5698 7654 32" << false;
}

void TestPiiValidators::iban()
{
    QFETCH(QString, text);
    QFETCH(bool, valid);
    QCOMPARE(isValidIban(text.toStdString()), valid);
}

void TestPiiValidators::ip_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<bool>("v4");
    QTest::addColumn<bool>("v6");
    QTest::newRow("v4") << "192.168.1.10" << true << false;
    QTest::newRow("v4 max") << "255.255.255.255" << true << false;
    QTest::newRow("v4 octet 256") << "256.1.1.1" << false << false;
    QTest::newRow("v4 leading zero") << "010.1.1.1" << false << false;
    QTest::newRow("v4 three parts") << "10.0.0" << false << false;
    QTest::newRow("v6 compressed") << "2001:db8::8a2e:370:7334" << false << true;
    QTest::newRow("v6 loopback") << "::1" << false << true;
    QTest::newRow("v6 full") << "2001:0db8:85a3:0000:0000:8a2e:0370:7334" << false << true;
    QTest::newRow("v6 mapped v4") << "::ffff:192.0.2.128" << false << true;
    QTest::newRow("v6 two ::") << "2001::db8::1" << false << false;
    QTest::newRow("v6 group too long") << "2001:db8:12345::1" << false << false;
    QTest::newRow("time") << "12:30:45" << false << false;
    QTest::newRow("empty") << "" << false << false;
}

void TestPiiValidators::ip()
{
    QFETCH(QString, text);
    QFETCH(bool, v4);
    QFETCH(bool, v6);
    QCOMPARE(isValidIpv4(text.toStdString()), v4);
    QCOMPARE(isValidIpv6(text.toStdString()), v6);
}

void TestPiiValidators::phone_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<bool>("valid");
    QTest::newRow("US parens") << "(415) 555-2671" << true;
    QTest::newRow("US dashes") << "650-253-0000" << true;
    QTest::newRow("US E.164") << "+14155552671" << true;
    QTest::newRow("UK") << "+44 20 7946 0958" << true;
    QTest::newRow("DE") << "+49 30 12345678" << true;
    QTest::newRow("area code 123") << "123-456-7890" << false;
    QTest::newRow("too short") << "555-0100" << false;
    QTest::newRow("not a number") << "hello" << false;
    QTest::newRow("empty") << "" << false;
}

void TestPiiValidators::phone()
{
    QFETCH(QString, text);
    QFETCH(bool, valid);
    QCOMPARE(isValidPhoneNumber(text.toStdString()), valid);
}

void TestPiiValidators::phoneSplit()
{
    // The pre-split form answers like Parse + IsValidNumber, also when memoised.
    for (int round = 0; round < 2; ++round) {
        QVERIFY(isValidPhoneNumber(1, 4155552671ULL));
        QVERIFY(isValidPhoneNumber(1, 6502530000ULL));
        QVERIFY(!isValidPhoneNumber(1, 1234567890ULL));
        QVERIFY(isValidPhoneNumber(44, 2079460958ULL));
        QVERIFY(!isValidPhoneNumber(44, 12ULL));
    }
}

void TestPiiValidators::numberingWord_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<bool>("version");
    QTest::newRow("version") << "version 2.10.4.1" << true;
    QTest::newRow("Version colon") << "Version: 2.10.4.1" << true;
    QTest::newRow("ver equals") << "ver=2.10.4.1" << true;
    QTest::newRow("v space") << "v 2.10.4.1" << true;
    QTest::newRow("subversion") << "subversion 2.10.4.1" << false;
    QTest::newRow("host") << "host 2.10.4.1" << false;
    QTest::newRow("start of text") << "2.10.4.1" << false;
    QTest::newRow("release") << "Release 2.10.4.1" << true;
    QTest::newRow("section") << "see section 2.10.4.1" << true;
    QTest::newRow("subclause") << "in subclause 2.10.4.1" << true;
    QTest::newRow("section sign") << "§ 2.10.4.1" << true;
    QTest::newRow("from") << "from 2.10.4.1" << false;
}

void TestPiiValidators::numberingWord()
{
    QFETCH(QString, text);
    QFETCH(bool, version);
    const std::string s = text.toStdString();
    QCOMPARE(precededByNumberingWord(s, s.find("2.10")), version);
}

void TestPiiValidators::overlaps()
{
    using M = PiiMatch;
    // Longer wins regardless of type; the loser disappears entirely.
    QCOMPARE(resolveOverlaps({M {PiiType::Phone, 0, 10}, M {PiiType::Secret, 5, 8}}),
        (std::vector<M> {M {PiiType::Phone, 0, 10}}));
    // Equal length: fixed priority secret > credit_card > iban > ssn > email > ip_address > phone.
    QCOMPARE(resolveOverlaps({M {PiiType::Phone, 0, 10}, M {PiiType::IpAddress, 0, 10}}),
        (std::vector<M> {M {PiiType::IpAddress, 0, 10}}));
    QCOMPARE(resolveOverlaps({M {PiiType::Ssn, 2, 12}, M {PiiType::CreditCard, 0, 10}}),
        (std::vector<M> {M {PiiType::CreditCard, 0, 10}}));
    QCOMPARE(resolveOverlaps({M {PiiType::Email, 0, 10}, M {PiiType::Secret, 0, 10}, M {PiiType::Iban, 0, 10}}),
        (std::vector<M> {M {PiiType::Secret, 0, 10}}));
    // Touching is not overlapping; output is in text order; duplicates collapse.
    QCOMPARE(resolveOverlaps({M {PiiType::Ssn, 10, 20}, M {PiiType::Email, 0, 10}, M {PiiType::Ssn, 10, 20}}),
        (std::vector<M> {M {PiiType::Email, 0, 10}, M {PiiType::Ssn, 10, 20}}));
    QVERIFY(typePriority(PiiType::Secret) < typePriority(PiiType::CreditCard));
    QVERIFY(typePriority(PiiType::IpAddress) < typePriority(PiiType::Phone));
}

QTEST_GUILESS_MAIN(TestPiiValidators)
#include "tst_piivalidators.moc"
