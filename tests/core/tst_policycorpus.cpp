// The seed article's examples validate cleanly; every broken document in
// tests/data/broken produces the diagnostics its first line declares.

#include "coretestutil.h"
#include "model/policyvalidator.h"

#include <QDir>
#include <QFile>
#include <QRegularExpression>
#include <QTest>

using namespace osh;
using osh::test::dump;

class TstPolicyCorpus : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void seedExamples_data()
    {
        QTest::addColumn<QString>("file");
        const auto files = QDir(test::dataPath("seed")).entryList({QStringLiteral("*.policy.yaml")}, QDir::Files, QDir::Name);
        QVERIFY(files.size() >= 5);
        for (const auto &f : files)
            QTest::newRow(qPrintable(f)) << QDir(test::dataPath("seed")).filePath(f);
    }

    void seedExamples()
    {
        QFETCH(QString, file);
        const auto res = PolicyValidator::checkFile(file.toStdString());
        QVERIFY(res.document);
        QVERIFY2(!hasErrors(res.diagnostics), qPrintable(dump(res.diagnostics)));
        // The seed examples are also free of warnings: they are the reference.
        for (const auto &d : res.diagnostics)
            QVERIFY2(d.severity == Severity::Info, qPrintable(dump(res.diagnostics)));
    }

    void brokenDocuments_data()
    {
        QTest::addColumn<QString>("file");
        const auto files = QDir(test::dataPath("broken")).entryList({QStringLiteral("*.policy.yaml")}, QDir::Files, QDir::Name);
        QVERIFY(files.size() >= 50);
        for (const auto &f : files)
            QTest::newRow(qPrintable(f)) << QDir(test::dataPath("broken")).filePath(f);
    }

    void brokenDocuments()
    {
        QFETCH(QString, file);
        QFile f(file);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QByteArray header = f.readLine();
        QVERIFY2(header.startsWith("# expect: "), "first line must declare '# expect: CODE@LINE[:COL] ...'");
        const auto res = PolicyValidator::checkFile(file.toStdString());
        const QRegularExpression re(QStringLiteral(R"(([EWI]\d{3})(?:@(\d+)(?::(\d+))?)?)"));
        auto it = re.globalMatch(QString::fromUtf8(header.mid(10)));
        int expectations = 0;
        while (it.hasNext()) {
            const auto m = it.next();
            ++expectations;
            const std::string code = m.captured(1).toStdString();
            const int line = m.captured(2).isEmpty() ? 0 : m.captured(2).toInt();
            const int col = m.captured(3).isEmpty() ? 0 : m.captured(3).toInt();
            const bool found = std::any_of(res.diagnostics.begin(), res.diagnostics.end(), [&](const Diagnostic &d) {
                return d.code == code && (line == 0 || d.begin.line == line) && (col == 0 || d.begin.column == col)
                    && d.file == file.toStdString();
            });
            QVERIFY2(found, qPrintable(QStringLiteral("expected %1 got:\n%2").arg(m.captured(0), dump(res.diagnostics))));
            if (code[0] == 'E')
                QVERIFY(hasErrors(res.diagnostics));
        }
        QVERIFY(expectations > 0);
        for (const auto &d : res.diagnostics) {
            QVERIFY(d.begin.line >= 1);
            QVERIFY(d.begin.column >= 1);
            QVERIFY(!d.message.empty());
        }
    }

    void suggestionsAreOffered_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("code");
        QTest::addColumn<QString>("suggestion");
        QTest::newRow("key") << QStringLiteral("version: 1\nname: x\nsandbox:\n  max_memroy_mb: 5\n") << QStringLiteral("E010")
                             << QStringLiteral("max_memory_mb");
        QTest::newRow("enum") << QStringLiteral("version: 1\nname: x\nfilesystem:\n  rules:\n    - {path: /a, permissions: readwrite}\n")
                              << QStringLiteral("E013") << QStringLiteral("read-write");
        QTest::newRow("isolation") << QStringLiteral("version: 1\nname: x\nsandbox: {isolation: gvisr}\n") << QStringLiteral("E013")
                                   << QStringLiteral("gvisor");
        QTest::newRow("bool") << QStringLiteral("version: 1\nname: x\nsandbox: {allow_network: no}\n") << QStringLiteral("E012")
                              << QStringLiteral("false");
        QTest::newRow("doc-name") << QStringLiteral("version: 1\nname: Customer Support\n") << QStringLiteral("E016")
                                  << QStringLiteral("customer-support");
        QTest::newRow("pii") << QStringLiteral("version: 1\nname: x\npolicies:\n  - {name: p, trigger: data_output, condition: 'true', action: redact, pii_types: [creditcard]}\n")
                             << QStringLiteral("E066") << QStringLiteral("credit_card");
        QTest::newRow("tls") << QStringLiteral("version: 1\nname: x\nnetwork:\n  rules:\n    - {tool: t, allowed_hosts: [a.b.com], tls_required: false}\n")
                             << QStringLiteral("E042") << QStringLiteral("true");
    }

    void suggestionsAreOffered()
    {
        QFETCH(QString, text);
        QFETCH(QString, code);
        QFETCH(QString, suggestion);
        const auto res = PolicyValidator::checkText(text.toStdString(), "t.policy.yaml");
        const bool found = std::any_of(res.diagnostics.begin(), res.diagnostics.end(), [&](const Diagnostic &d) {
            return d.code == code.toStdString() && d.suggestion == suggestion.toStdString();
        });
        QVERIFY2(found, qPrintable(dump(res.diagnostics)));
    }

    void diagnosticFormat()
    {
        const auto res = PolicyValidator::checkText("version: 1\nname: x\nsandbox:\n  isolation: gvisr\n", "p.policy.yaml");
        QCOMPARE(res.diagnostics.size(), size_t(1));
        QCOMPARE(QString::fromStdString(res.diagnostics[0].format()),
                 QStringLiteral("p.policy.yaml:4:14: error: [E013] invalid isolation 'gvisr'; did you mean 'gvisor'? "
                                "(expected one of: gvisor, firecracker, container)"));
    }

    void documentedCodes()
    {
        // Every code the corpus exercises is documented in docs/diagnostics.md.
        QFile doc(QStringLiteral(OSH_SOURCE_DIR "/docs/diagnostics.md"));
        QVERIFY(doc.open(QIODevice::ReadOnly));
        const QString text = QString::fromUtf8(doc.readAll());
        const QRegularExpression re(QStringLiteral(R"(([EWI]\d{3}))"));
        const auto files = QDir(test::dataPath("broken")).entryList({QStringLiteral("*.policy.yaml")}, QDir::Files);
        for (const auto &f : files) {
            QFile in(QDir(test::dataPath("broken")).filePath(f));
            QVERIFY(in.open(QIODevice::ReadOnly));
            auto it = re.globalMatch(QString::fromUtf8(in.readLine()));
            while (it.hasNext()) {
                const QString code = it.next().captured(1);
                QVERIFY2(text.contains(QStringLiteral("### ") + code), qPrintable(code + QStringLiteral(" is not documented")));
            }
        }
    }
};

QTEST_GUILESS_MAIN(TstPolicyCorpus)
#include "tst_policycorpus.moc"
