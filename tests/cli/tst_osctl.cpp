// osctl end to end: the real binary, its output formats and exit codes.

#include "osctlrunner.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

class TstOsctl : public QObject
{
    Q_OBJECT

private:
    using Run = osh::test::OsctlRun;

    static Run osctl(const QStringList &args, const QByteArray &input = {})
    {
        return osh::test::runOsctl(args, {input, {}, {}});
    }

    static QString seed(const char *name) { return QStringLiteral(OSH_TEST_DATA_DIR "/seed/") + QLatin1StringView(name); }
    static QString broken(const char *name) { return QStringLiteral(OSH_TEST_DATA_DIR "/broken/") + QLatin1StringView(name); }

private Q_SLOTS:
    void validateClean()
    {
        const auto r = osctl({QStringLiteral("validate"), seed("production.policy.yaml"), seed("network.policy.yaml")});
        QCOMPARE(r.code, 0);
        QVERIFY2(r.out.isEmpty(), qPrintable(r.out));
        QVERIFY(r.err.contains(QStringLiteral("0 error(s)")));
    }

    void validateErrors()
    {
        const QString file = broken("bad-isolation.policy.yaml");
        const auto r = osctl({QStringLiteral("validate"), file});
        QCOMPARE(r.code, 1);
        QCOMPARE(r.lines().size(), 1);
        QCOMPARE(r.lines().first(),
                 file + QStringLiteral(":5:14: error: [E013] invalid isolation 'gvisr'; did you mean 'gvisor'? "
                                       "(expected one of: gvisor, firecracker, container)"));
    }

    void validateLineFormat()
    {
        const auto r = osctl({QStringLiteral("validate"), broken("cond-syntax.policy.yaml"), broken("allow-all.policy.yaml")});
        QCOMPARE(r.code, 1);
        const QRegularExpression re(QStringLiteral(R"(^.+:\d+:\d+: (error|warning|info): \[[EWI]\d{3}\] .+$)"));
        QVERIFY(r.lines().size() >= 2);
        for (const auto &l : r.lines())
            QVERIFY2(re.match(l).hasMatch(), qPrintable(l));
    }

    void warningsAloneExitZero()
    {
        const auto r = osctl({QStringLiteral("validate"), broken("allow-all.policy.yaml")});
        QCOMPARE(r.code, 0);
        QVERIFY(r.out.contains(QStringLiteral("warning: [W045]")));
    }

    void validateJson()
    {
        const auto r = osctl({QStringLiteral("validate"), QStringLiteral("--format"), QStringLiteral("json"),
                              broken("bad-permission.policy.yaml")});
        QCOMPARE(r.code, 1);
        QJsonParseError err;
        const auto doc = QJsonDocument::fromJson(r.out.toUtf8(), &err);
        QCOMPARE(err.error, QJsonParseError::NoError);
        const auto arr = doc.array();
        QCOMPARE(arr.size(), 2); // the error and an I055 note
        const auto d = arr.last().toObject();
        QCOMPARE(d.value(QStringLiteral("code")).toString(), QStringLiteral("E013"));
        QCOMPARE(d.value(QStringLiteral("severity")).toString(), QStringLiteral("error"));
        QCOMPARE(d.value(QStringLiteral("line")).toInt(), 6);
        QCOMPARE(d.value(QStringLiteral("suggestion")).toString(), QStringLiteral("read-write"));
        QVERIFY(d.value(QStringLiteral("file")).toString().endsWith(QStringLiteral("bad-permission.policy.yaml")));
    }

    void validateStdin()
    {
        const auto r = osctl({QStringLiteral("validate"), QStringLiteral("-")}, "version: 1\nname: x\nsandbox: {max_procesess: 3}\n");
        QCOMPARE(r.code, 1);
        QVERIFY(r.out.startsWith(QStringLiteral("<stdin>:3:11: error: [E010]")));
    }

    void usageErrors_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::newRow("no command") << QStringList();
        QTest::newRow("unknown command") << QStringList{QStringLiteral("frobnicate")};
        QTest::newRow("validate no files") << QStringList{QStringLiteral("validate")};
        QTest::newRow("validate bad format") << QStringList{QStringLiteral("validate"), QStringLiteral("--format=xml"), QStringLiteral("a")};
        QTest::newRow("validate unknown option") << QStringList{QStringLiteral("validate"), QStringLiteral("--frob"), QStringLiteral("a")};
        QTest::newRow("eval no policy") << QStringList{QStringLiteral("eval")};
        QTest::newRow("eval stray arg") << QStringList{QStringLiteral("eval"), QStringLiteral("--policy"), QStringLiteral("p"), QStringLiteral("x")};
    }

    void usageErrors()
    {
        QFETCH(QStringList, args);
        const auto r = osctl(args);
        QCOMPARE(r.code, 2);
        QVERIFY(r.out.isEmpty());
        QVERIFY(!r.err.isEmpty());
    }

    void help_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::newRow("top") << QStringList{QStringLiteral("--help")};
        QTest::newRow("validate") << QStringList{QStringLiteral("validate"), QStringLiteral("--help")};
        QTest::newRow("eval") << QStringList{QStringLiteral("eval"), QStringLiteral("--help")};
    }

    void help()
    {
        QFETCH(QStringList, args);
        const auto r = osctl(args);
        QCOMPARE(r.code, 0);
        QVERIFY(r.out.contains(QStringLiteral("Usage")) || r.out.contains(QStringLiteral("usage")));
        QVERIFY(r.out.contains(QStringLiteral("Exit codes")) || r.out.contains(QStringLiteral("exit codes")));
        // A sub-command's usage names it, not the path osctl was started by.
        if (args.size() > 1)
            QVERIFY2(r.out.startsWith(QStringLiteral("Usage: osctl ") + args.first() + QLatin1Char(' ')), qPrintable(r.out));
    }

    void evalOneRequest()
    {
        QTemporaryDir dir;
        const QString policy = dir.filePath(QStringLiteral("cost.policy.yaml"));
        QFile f(policy);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("version: 1\nname: cost\npolicies:\n  - name: cost-limit\n    trigger: tool_call\n    condition: session.total_cost > 5.0\n"
                "    action: block\n    message: Session cost limit exceeded. Requesting human approval.\n    escalation: human_queue\n");
        f.close();
        const auto r = osctl({QStringLiteral("eval"), QStringLiteral("--policy"), policy, QStringLiteral("--request"),
                              QStringLiteral(R"({"trigger":"tool_call","ts":12.5,"tool":{"name":"email_send","args":{"to":"a@b.c"}},"session":{"total_cost":7.5},"cost":0.02})")});
        QCOMPARE(r.code, 0);
        QCOMPARE(r.out,
                 QStringLiteral(R"({"decision":"block","layer":"policy","policy":"cost-limit","message":"Session cost limit exceeded. Requesting human approval.",)"
                                R"("log_level":"info","escalation":"human_queue","delay_seconds":null,"output":null,)"
                                R"("trace":[{"layer":"sandbox","verdict":"allow"},{"layer":"policy","policy":"cost-limit","matched":true,"reads":{"session.total_cost":7.5}}]})"
                                "\n"));
    }

    void evalSessionWithMalformedLine()
    {
        const QByteArray input =
            R"({"trigger":"tool_call","ts":0,"tool":{"name":"knowledge_search"}})" "\n"
            "this is not json\n"
            "\n"
            R"({"trigger":"tool_call","ts":1,"tool":{"name":"email_send","args":{"to":"c@d.e","body":"hi"}}})" "\n"
            R"({"trigger":"data_output","ts":2,"output":"SSN 123-45-6789"})" "\n"
            R"({"trigger":"network_egress","ts":3,"tool":{"name":"knowledge_search"},"destination":{"host":"jira.company.com","port":443}})";
        const auto r = osctl({QStringLiteral("eval"), QStringLiteral("--policy"), seed("production.policy.yaml")}, input);
        QCOMPARE(r.code, 1);
        const auto lines = r.lines();
        QCOMPARE(lines.size(), 5);
        auto obj = [&](int i) { return QJsonDocument::fromJson(lines[i].toUtf8()).object(); };
        QCOMPARE(obj(0).value(QStringLiteral("decision")).toString(), QStringLiteral("allow"));
        QCOMPARE(obj(1).value(QStringLiteral("line")).toInt(), 2);
        QVERIFY(obj(1).value(QStringLiteral("error")).toString().contains(QStringLiteral("invalid JSON")));
        QCOMPARE(obj(2).value(QStringLiteral("decision")).toString(), QStringLiteral("escalate"));
        QCOMPARE(obj(3).value(QStringLiteral("decision")).toString(), QStringLiteral("redact"));
        QCOMPARE(obj(3).value(QStringLiteral("output")).toString(), QStringLiteral("SSN [REDACTED:ssn]"));
        QCOMPARE(obj(4).value(QStringLiteral("decision")).toString(), QStringLiteral("block"));
        QCOMPARE(obj(4).value(QStringLiteral("layer")).toString(), QStringLiteral("network"));
        QVERIFY(r.err.contains(QStringLiteral("line 2")));
    }

    // --trace: one policy pinned to each of three tools; a request for a
    // fourth evaluates none of them.
    void evalTraceLevels()
    {
        QTemporaryDir dir;
        const QString policy = dir.filePath(QStringLiteral("pinned.policy.yaml"));
        QFile f(policy);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("version: 1\nname: pinned\npolicies:\n");
        for (const char *tool : {"a", "b", "c"})
            f.write(QByteArray("  - name: block-") + tool + "\n    trigger: tool_call\n    condition: tool.name == '" + tool
                    + "' and session.total_cost > 5.0\n    action: block\n");
        f.close();
        const QString request = QStringLiteral(R"({"trigger":"tool_call","tool":{"name":"d"},"session":{"total_cost":9}})");
        auto trace = [&](const QStringList &extra) {
            const auto r = osctl(QStringList{QStringLiteral("eval"), QStringLiteral("--policy"), policy,
                                             QStringLiteral("--request"), request}
                                 + extra);
            return std::make_pair(r.code, QJsonDocument::fromJson(r.out.toUtf8()).object());
        };
        const auto [defCode, decisive] = trace({});
        QCOMPARE(defCode, 0);
        QCOMPARE(decisive.value(QStringLiteral("decision")).toString(), QStringLiteral("allow"));
        const auto entries = decisive.value(QStringLiteral("trace")).toArray();
        QCOMPARE(entries.size(), 2);
        QCOMPARE(entries[1].toObject(),
                 QJsonObject({{QStringLiteral("layer"), QStringLiteral("policy")},
                              {QStringLiteral("skipped"), 3},
                              {QStringLiteral("because"), QStringLiteral("tool.name")}}));
        QCOMPARE(trace({QStringLiteral("--trace"), QStringLiteral("decisive")}).second, decisive);

        const auto [fullCode, full] = trace({QStringLiteral("--trace"), QStringLiteral("full")});
        QCOMPARE(fullCode, 0);
        const auto fullEntries = full.value(QStringLiteral("trace")).toArray();
        QCOMPARE(fullEntries.size(), 4);
        for (int i = 1; i < 4; ++i) {
            QCOMPARE(fullEntries[i].toObject().value(QStringLiteral("policy")).toString(),
                     QStringLiteral("block-") + QChar(u'a' + (i - 1)));
            QCOMPARE(fullEntries[i].toObject().value(QStringLiteral("skipped_by_index")).toString(),
                     QStringLiteral("tool.name"));
        }

        const auto [noneCode, none] = trace({QStringLiteral("--trace"), QStringLiteral("none")});
        QCOMPARE(noneCode, 0);
        QCOMPARE(none.value(QStringLiteral("trace")).toArray().size(), 0);
        QCOMPARE(none.value(QStringLiteral("decision")), decisive.value(QStringLiteral("decision")));

        const auto bad = osctl({QStringLiteral("eval"), QStringLiteral("--policy"), policy, QStringLiteral("--trace"),
                                QStringLiteral("some"), QStringLiteral("--request"), request});
        QCOMPARE(bad.code, 2);
        QVERIFY2(bad.err.contains(QStringLiteral("--trace must be full, decisive or none, not 'some'")), qPrintable(bad.err));
    }

    // A JSON syntax error names its line and column, in the output and on
    // stderr; a --request spanning lines counts its own.
    void evalSyntaxErrorHasColumn()
    {
        const QByteArray input = "{\"trigger\":\"tool_call\",\"tool\":{\"name\":\"x\"}}\n"
                                 "{\"trigger\":\"tool_call\" \"tool\":{}}\n";
        const auto r = osctl({QStringLiteral("eval"), QStringLiteral("--policy"), seed("production.policy.yaml")}, input);
        QCOMPARE(r.code, 1);
        const auto lines = r.lines();
        QCOMPARE(lines.size(), 2);
        const auto err = QJsonDocument::fromJson(lines[1].toUtf8()).object();
        QCOMPARE(err.value(QStringLiteral("line")).toInt(), 2);
        QCOMPARE(err.value(QStringLiteral("column")).toInt(), 25);
        QVERIFY(err.value(QStringLiteral("error")).toString().startsWith(QStringLiteral("invalid JSON: ")));
        QVERIFY2(r.err.contains(QStringLiteral("line 2, column 25: invalid JSON: ")), qPrintable(r.err));

        const auto field = osctl({QStringLiteral("eval"), QStringLiteral("--policy"), seed("production.policy.yaml"),
                                  QStringLiteral("--request"), QStringLiteral("{\"trigger\":\"tool_call\",\n\"tool\":{\"name\":1}}")});
        QCOMPARE(field.code, 1);
        QCOMPARE(QJsonDocument::fromJson(field.out.toUtf8()).object(),
                 QJsonObject({{QStringLiteral("error"), QStringLiteral("'tool.name' must be a string")},
                              {QStringLiteral("line"), 1}}));
        const auto multi = osctl({QStringLiteral("eval"), QStringLiteral("--policy"), seed("production.policy.yaml"),
                                  QStringLiteral("--request"), QStringLiteral("{\"trigger\":\"tool_call\",\n\"tool\":{\"name\":x}}")});
        const auto multiErr = QJsonDocument::fromJson(multi.out.toUtf8()).object();
        QCOMPARE(multiErr.value(QStringLiteral("line")).toInt(), 2);
        QCOMPARE(multiErr.value(QStringLiteral("column")).toInt(), 16);
    }

    void evalRefusesBrokenPolicy()
    {
        const auto r = osctl({QStringLiteral("eval"), QStringLiteral("--policy"), broken("cond-syntax.policy.yaml"),
                              QStringLiteral("--request"), QStringLiteral(R"({"trigger":"tool_call","tool":{"name":"x"}})")});
        QCOMPARE(r.code, 1);
        QVERIFY(r.out.isEmpty());
        QVERIFY(r.err.contains(QStringLiteral("E070")));
        // --allow-errors decides anyway, failing closed.
        const auto forced = osctl({QStringLiteral("eval"), QStringLiteral("--allow-errors"), QStringLiteral("--policy"),
                                   broken("cond-syntax.policy.yaml"), QStringLiteral("--request"),
                                   QStringLiteral(R"({"trigger":"tool_call","tool":{"name":"x"}})")});
        QCOMPARE(forced.code, 0);
        QVERIFY(forced.out.startsWith(QStringLiteral(R"({"decision":"block")")));
    }

    void evalMissingPolicyFile()
    {
        const auto r = osctl({QStringLiteral("eval"), QStringLiteral("--policy"), QStringLiteral("/nonexistent.policy.yaml")});
        QCOMPARE(r.code, 1);
        QVERIFY(r.err.contains(QStringLiteral("E000")));
    }
};

QTEST_GUILESS_MAIN(TstOsctl)
#include "tst_osctl.moc"
