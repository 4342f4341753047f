// osctl test end to end: the real binary on workspaces, exit codes, JSON
// output and the JUnit XML it writes.

#include "osctlrunner.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>
#include <QXmlStreamReader>

class TstOsctlTest : public QObject
{
    Q_OBJECT

    using Run = osh::test::OsctlRun;

    static Run osctl(const QStringList &args) { return osh::test::runOsctl(args); }

    static void write(const QString &path, const QByteArray &text)
    {
        QDir().mkpath(QFileInfo(path).absolutePath());
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(text);
    }

    static QString example() { return QStringLiteral(OSH_SOURCE_DIR "/examples/customer-support"); }

    // Parses the JUnit file; returns {tests, failures, errors} summed over testsuite elements.
    static QList<int> junitCounts(const QString &file, QStringList &failureMessages)
    {
        QFile f(file);
        if (!f.open(QIODevice::ReadOnly))
            return {};
        QXmlStreamReader xml(&f);
        QList<int> counts{0, 0, 0};
        bool sawRoot = false;
        while (!xml.atEnd()) {
            xml.readNext();
            if (!xml.isStartElement())
                continue;
            if (xml.name() == QLatin1StringView("testsuites"))
                sawRoot = true;
            else if (xml.name() == QLatin1StringView("testcase"))
                ++counts[0];
            else if (xml.name() == QLatin1StringView("failure")) {
                ++counts[1];
                failureMessages << xml.attributes().value(QLatin1StringView("message")).toString();
            } else if (xml.name() == QLatin1StringView("error"))
                ++counts[2];
        }
        if (xml.hasError() || !sawRoot)
            return {};
        return counts;
    }

private Q_SLOTS:
    void exampleSuitePasses()
    {
        QTemporaryDir tmp;
        const QString junit = tmp.filePath(QStringLiteral("junit.xml"));
        const auto r = osctl({QStringLiteral("test"), example(), QStringLiteral("--junit"), junit});
        QVERIFY2(r.code == 0, qPrintable(r.out + r.err));
        QVERIFY(r.out.contains(QStringLiteral("PASS a card number never leaves by email")));
        QVERIFY(r.out.contains(QStringLiteral(" 0 failed")));
        QVERIFY(r.out.contains(QStringLiteral("6/6 policies evaluated, 6/6 matched, 3/3 network rules, 2/2 filesystem rules")));
        QStringList messages;
        const auto counts = junitCounts(junit, messages);
        QCOMPARE(counts.size(), 3);
        QVERIFY(counts[0] >= 10);
        QCOMPARE(counts[1], 0);
        QCOMPARE(counts[2], 0);
    }

    void failingCaseExitsOne()
    {
        QTemporaryDir ws;
        QVERIFY(QFile::copy(example() + QStringLiteral("/customer-support.policy.yaml"),
                            ws.filePath(QStringLiteral("cs.policy.yaml"))));
        // Quotes, ampersands and a control character must survive into valid XML.
        write(ws.filePath(QStringLiteral("tests/bad.yaml")),
              "cases:\n"
              "  - name: \"email <is> \\\"fine\\\" & \\x01 free\"\n"
              "    request: {trigger: tool_call, tool: {name: email_send, args: {body: hi}}}\n"
              "    expect: {decision: allow}\n"
              "  - name: search\n"
              "    request: {trigger: tool_call, tool: {name: knowledge_search}}\n"
              "    expect: {decision: allow}\n");
        const QString junit = ws.filePath(QStringLiteral("out.xml"));
        const auto r = osctl({QStringLiteral("test"), ws.path(), QStringLiteral("--junit"), junit});
        QCOMPARE(r.code, 1);
        QVERIFY(r.out.contains(QStringLiteral("FAIL email <is>")));
        QVERIFY(r.out.contains(QStringLiteral("decision: expected allow, got escalate")));
        QVERIFY(r.out.contains(QStringLiteral("PASS search")));
        QVERIFY(r.out.contains(QStringLiteral("1 passed, 1 failed")));
        QVERIFY(r.out.contains(QStringLiteral("policies never matched:")));
        QStringList messages;
        const auto counts = junitCounts(junit, messages);
        QCOMPARE(counts, (QList<int>{2, 1, 0}));
        QCOMPARE(messages, QStringList{QStringLiteral("decision: expected allow, got escalate")});
    }

    void testFileErrorExitsOne()
    {
        QTemporaryDir ws;
        QVERIFY(QFile::copy(example() + QStringLiteral("/customer-support.policy.yaml"),
                            ws.filePath(QStringLiteral("cs.policy.yaml"))));
        write(ws.filePath(QStringLiteral("tests/broken.yaml")), "cases:\n  - name: x\n    requst: {}\n");
        const QString junit = ws.filePath(QStringLiteral("out.xml"));
        const auto r = osctl({QStringLiteral("test"), ws.path(), QStringLiteral("--junit"), junit});
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains(QStringLiteral("broken.yaml:3:5: error: [T002]")), qPrintable(r.err));
        QStringList messages;
        QCOMPARE(junitCounts(junit, messages), (QList<int>{1, 0, 1}));
    }

    void jsonFormat()
    {
        const auto r = osctl({QStringLiteral("test"), example(), QStringLiteral("--format"), QStringLiteral("json")});
        QCOMPARE(r.code, 0);
        const auto doc = QJsonDocument::fromJson(r.out.toUtf8());
        QVERIFY(doc.isObject());
        const auto summary = doc.object().value(QStringLiteral("summary")).toObject();
        QCOMPARE(summary.value(QStringLiteral("failed")).toInt(), 0);
        QVERIFY(summary.value(QStringLiteral("passed")).toInt() >= 10);
    }

    void usage()
    {
        QCOMPARE(osctl({QStringLiteral("test"), QStringLiteral("--format"), QStringLiteral("xml")}).code, 2);
        QCOMPARE(osctl({QStringLiteral("test"), QStringLiteral("/nonexistent/folder")}).code, 2);
        QCOMPARE(osctl({QStringLiteral("test"), example(), example()}).code, 2);
        QCOMPARE(osctl({QStringLiteral("test"), QStringLiteral("--bogus")}).code, 2);
        const auto help = osctl({QStringLiteral("test"), QStringLiteral("--help")});
        QCOMPARE(help.code, 0);
        QVERIFY(help.out.contains(QStringLiteral("osctl test")));
        QTemporaryDir empty;
        QCOMPARE(osctl({QStringLiteral("test"), empty.path()}).code, 1);
    }
};

QTEST_GUILESS_MAIN(TstOsctlTest)
#include "tst_osctl_test.moc"
