// PiiDetector under load: long texts, binary garbage, inputs built to make
// confirmation work hard, and concurrent use from several threads.

#include "pii/piidetector.h"

#include <QtCore/QElapsedTimer>
#include <QtTest/QTest>

#include <cstdint>
#include <string>
#include <thread>
#include <vector>

using namespace osh::pii;

namespace {

std::uint64_t next(std::uint64_t &state)
{
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return state >> 33;
}

std::string repeat(std::string_view unit, std::size_t bytes)
{
    std::string s;
    s.reserve(bytes + unit.size());
    while (s.size() < bytes)
        s += unit;
    return s;
}

} // namespace

class TestPiiRobustness : public QObject
{
    Q_OBJECT

private slots:
    void longTextCountsEveryItem();
    void binaryGarbage();
    void hostileRuns_data();
    void hostileRuns();
    void threads();
};

void TestPiiRobustness::longTextCountsEveryItem()
{
    // 8 MB of filler with one known item every 4 KB: every one is found, at its offset.
    const std::string items[] = {"4111 1111 1111 1111", "123-45-6789", "jane@example.com", "(415) 555-2671",
        "10.20.30.40", "GB82 WEST 1234 5698 7654 32", "AKIAIOSFODNN7EXAMPLE"};
    const PiiType types[] = {PiiType::CreditCard, PiiType::Ssn, PiiType::Email, PiiType::Phone, PiiType::IpAddress,
        PiiType::Iban, PiiType::Secret};
    const std::string filler = "lorem ipsum 2024-01-15 v1.2.3 id=42 {\"k\": [1, 2, 3]} ";
    std::string text;
    std::vector<PiiMatch> expected;
    for (std::size_t i = 0; text.size() < (8u << 20); ++i) {
        text += repeat(filler, 4096);
        text += ' ';
        const std::size_t k = i % std::size(items);
        expected.push_back(PiiMatch {types[k], text.size(), text.size() + items[k].size()});
        text += items[k];
        text += ' ';
    }
    const auto &det = PiiDetector::instance();
    QCOMPARE(det.find(text), expected);
    QVERIFY(det.contains(text));
    const std::string redacted = det.redact(text);
    QVERIFY(!det.contains(redacted));
    QCOMPARE(redacted.size() < text.size() + expected.size() * 8, true);
}

void TestPiiRobustness::binaryGarbage()
{
    std::uint64_t state = 12345;
    std::string bytes(4u << 20, '\0');
    for (char &c : bytes)
        c = static_cast<char>(next(state) & 0xff);
    const auto &det = PiiDetector::instance();
    const auto found = det.find(bytes);
    for (const auto &m : found) // whatever turns up must be a well-formed span
        QVERIFY(m.begin < m.end && m.end <= bytes.size());
    QCOMPARE(det.contains(bytes), !found.empty());
    QVERIFY(!det.redact(bytes).empty());

    // Digits, separators and trigger characters only: maximises candidate work.
    const std::string alphabet = "0123456789 .-:()+@abcdefAKIA_eyJ\n";
    std::string dense(2u << 20, ' ');
    for (char &c : dense)
        c = alphabet[next(state) % alphabet.size()];
    const auto denseFound = det.find(dense);
    for (const auto &m : denseFound)
        QVERIFY(m.begin < m.end && m.end <= dense.size());
}

void TestPiiRobustness::hostileRuns_data()
{
    QTest::addColumn<QByteArray>("unit");
    QTest::newRow("digits") << QByteArray("1234567890");
    QTest::newRow("spaced digit groups") << QByteArray("4111 ");
    QTest::newRow("dotted") << QByteArray("1.");
    QTest::newRow("dashed") << QByteArray("123-");
    QTest::newRow("colons") << QByteArray("ab::");
    QTest::newRow("at signs") << QByteArray("a@b");
    QTest::newRow("jwt heads") << QByteArray("eyJhbGciOi");
    QTest::newRow("pem headers") << QByteArray("-----BEGIN PRIVATE KEY-----");
    QTest::newRow("plus digits") << QByteArray("+1 2");
    QTest::newRow("iban heads") << QByteArray("DE89 3704 ");
    QTest::newRow("parens") << QByteArray("(415)");
}

void TestPiiRobustness::hostileRuns()
{
    // 2 MB of one repeated unit must scan in roughly linear time.
    QFETCH(QByteArray, unit);
    const std::string text = repeat(unit.toStdString(), 2u << 20);
    QElapsedTimer timer;
    timer.start();
    const auto found = PiiDetector::instance().find(text);
    const qint64 ms = timer.elapsed();
    for (const auto &m : found)
        QVERIFY(m.begin < m.end && m.end <= text.size());
    QVERIFY2(ms < 5000, qPrintable(QStringLiteral("took %1 ms").arg(ms)));
}

void TestPiiRobustness::threads()
{
    std::string text;
    for (int i = 0; i < 500; ++i)
        text += "user" + std::to_string(i) + "@example.com paid with 4111 1111 1111 1111 from 10.0."
            + std::to_string(i % 250) + ".1 at 2024-01-15, call (415) 555-" + std::to_string(1000 + i)
            + " or +44 20 7946 " + std::to_string(1000 + i) + "; ";
    const auto &det = PiiDetector::instance();
    const auto reference = det.find(text);
    QCOMPARE(reference.size(), std::size_t {2500});

    std::vector<int> mismatches(4, 0);
    std::vector<std::thread> pool;
    for (int t = 0; t < 4; ++t)
        pool.emplace_back([&, t] {
            for (int round = 0; round < 10; ++round) {
                if (det.find(text) != reference || !det.contains(text))
                    ++mismatches[static_cast<std::size_t>(t)];
            }
        });
    for (auto &th : pool)
        th.join();
    for (int m : mismatches)
        QCOMPARE(m, 0);
}

QTEST_GUILESS_MAIN(TestPiiRobustness)
#include "tst_piirobustness.moc"
