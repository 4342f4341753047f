// The labelled PII corpus of bench/bench_pii_corpus (bench/piicorpus.h):
// identical on every run, every label inside its text on character
// boundaries with a known type name, and the values what their labels say
// (checked with the validators, not the detector, so the corpus stays an
// independent yardstick).

#include "piicorpus.h"

#include "pii/piitype.h"
#include "pii/piivalidators.h"

#include <QStringDecoder>
#include <QtTest/QTest>

#include <map>
#include <string>
#include <string_view>

using osh::bench::CorpusDoc;
using osh::bench::CorpusLabel;

class TestPiiCorpus : public QObject
{
    Q_OBJECT

private slots:
    void deterministic();
    void sizes();
    void labelsInsideText();
    void ordinaryValuesValid();
    void negativesInvalid();
};

namespace {

const std::vector<CorpusDoc> &corpus()
{
    static const std::vector<CorpusDoc> docs = osh::bench::generatePiiCorpus();
    return docs;
}

std::string_view valueOf(const CorpusDoc &doc, const CorpusLabel &l)
{
    return std::string_view(doc.text).substr(l.begin, l.end - l.begin);
}

bool isContinuationByte(const std::string &text, std::size_t at)
{
    return at < text.size() && (static_cast<unsigned char>(text[at]) & 0xC0) == 0x80;
}

} // namespace

void TestPiiCorpus::deterministic()
{
    const std::vector<CorpusDoc> again = osh::bench::generatePiiCorpus();
    QCOMPARE(again.size(), corpus().size());
    for (std::size_t i = 0; i < again.size(); ++i)
        QCOMPARE(osh::bench::corpusDocJson(again[i]), osh::bench::corpusDocJson(corpus()[i]));
}

void TestPiiCorpus::sizes()
{
    std::map<std::string, long> positives, negatives;
    for (const CorpusDoc &d : corpus())
        for (const CorpusLabel &l : d.labels)
            ++(l.type == osh::bench::kNegativeType ? negatives : positives)[d.slice];
    QCOMPARE(positives["ordinary"], 1500);
    QCOMPARE(positives["obfuscated"], 1500);
    QCOMPARE(positives["beyond_scope"], 300);
    QCOMPARE(positives["hard_negative"], 0);
    QCOMPARE(negatives["hard_negative"], 2000);
    QCOMPARE(negatives["ordinary"] + negatives["obfuscated"] + negatives["beyond_scope"], 0);
}

void TestPiiCorpus::labelsInsideText()
{
    for (const CorpusDoc &d : corpus()) {
        QStringDecoder utf8(QStringDecoder::Utf8);
        const QString decoded = utf8.decode(QByteArrayView(d.text.data(), qsizetype(d.text.size())));
        QVERIFY2(!utf8.hasError(), d.text.c_str());
        std::size_t previousEnd = 0;
        for (const CorpusLabel &l : d.labels) {
            QVERIFY2(l.begin < l.end && l.end <= d.text.size(), d.text.c_str());
            QVERIFY2(l.begin >= previousEnd, "labels in text order, not overlapping");
            previousEnd = l.end;
            // Offsets on character boundaries: node converts them to UTF-16 and back.
            QVERIFY(!isContinuationByte(d.text, l.begin));
            QVERIFY(!isContinuationByte(d.text, l.end));
            QVERIFY2(l.type == osh::bench::kNegativeType || osh::pii::typeFromName(l.type), l.type.c_str());
            QVERIFY(!l.form.empty());
            // A label never starts or ends with blanks: its span is the item, not its context.
            const std::string_view v = valueOf(d, l);
            QVERIFY2(v.front() != ' ' && v.back() != ' ' && v.back() != '\n', std::string(v).c_str());
        }
    }
}

void TestPiiCorpus::ordinaryValuesValid()
{
    using namespace osh::pii;
    for (const CorpusDoc &d : corpus()) {
        if (d.slice != "ordinary")
            continue;
        for (const CorpusLabel &l : d.labels) {
            const std::string_view v = valueOf(d, l);
            const std::string text(v);
            if (l.type == "credit_card")
                QVERIFY2(isValidCardNumber(v), text.c_str());
            else if (l.type == "ssn")
                QVERIFY2(isValidSsn(v), text.c_str());
            else if (l.type == "iban")
                QVERIFY2(isValidIban(v), text.c_str());
            else if (l.type == "phone")
                QVERIFY2(isValidPhoneNumber(v), text.c_str());
            else if (l.type == "ip_address")
                QVERIFY2(l.form.starts_with("ipv4") ? isValidIpv4(v) : isValidIpv6(v), text.c_str());
            else if (l.type == "email")
                QVERIFY2(v.find('@') != std::string_view::npos, text.c_str());
            else
                QCOMPARE(l.type, std::string("secret"));
        }
    }
}

void TestPiiCorpus::negativesInvalid()
{
    using namespace osh::pii;
    int checked = 0;
    for (const CorpusDoc &d : corpus()) {
        for (const CorpusLabel &l : d.labels) {
            const std::string_view v = valueOf(d, l);
            const std::string text(v);
            if (l.form == "luhn_invalid")
                QVERIFY2(!isValidCardNumber(v), text.c_str());
            else if (l.form == "ssn_invalid_range")
                QVERIFY2(!isValidSsn(v), text.c_str());
            else if (l.form == "iban_bad_check")
                QVERIFY2(!isValidIban(v), text.c_str());
            else if (l.form == "phone_invalid")
                QVERIFY2(!isValidPhoneNumber(v), text.c_str());
            else
                continue;
            ++checked;
        }
    }
    QVERIFY(checked > 300);
}

QTEST_GUILESS_MAIN(TestPiiCorpus)
#include "tst_piicorpus.moc"
