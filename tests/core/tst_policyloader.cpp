// Loading every key with its type and default; saving round-trips.

#include "coretestutil.h"
#include "model/policyloader.h"
#include "model/policyvalidator.h"
#include "model/policywriter.h"

#include <QDir>
#include <QTest>

using namespace osh;
using osh::test::dump;

class TstPolicyLoader : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void defaults()
    {
        const auto r = PolicyLoader::loadText("version: 1\nname: minimal\n", "m.yaml");
        QVERIFY2(r.diagnostics.empty(), qPrintable(dump(r.diagnostics)));
        const PolicyDocument &d = *r.document;
        QCOMPARE(d.sandbox.isolation, Isolation::Gvisor);
        QCOMPARE(d.sandbox.maxMemoryMb, 2048);
        QCOMPARE(d.sandbox.maxCpuCores, 2.0);
        QCOMPARE(d.sandbox.maxExecutionTimeSeconds, 300);
        QCOMPARE(d.sandbox.maxProcesses, 50);
        QCOMPARE(d.sandbox.maxOpenFiles, 100);
        QVERIFY(d.sandbox.allowNetwork);
        QVERIFY(d.sandbox.allowFilesystem);
        QCOMPARE(d.sandbox.cleanupPolicy, CleanupPolicy::Destroy);
        QCOMPARE(d.network.defaultPolicy, DefaultPolicy::DenyAll);
        QVERIFY(d.network.blockPrivateRanges);
        QVERIFY(d.network.dnsFiltering);
        QCOMPARE(d.filesystem.workspace, std::string("/agent/workspace"));
        QVERIFY(d.filesystem.strictPathValidation);
        QVERIFY(!d.filesystem.auditAllOperations);
        QVERIFY(d.policies.empty());
    }

    void ruleDefaults()
    {
        const auto r = PolicyLoader::loadText(
            "version: 1\nname: r\nnetwork:\n  rules:\n    - {tool: a, allowed_hosts: [x.com]}\n    - {tool: b, allowed_hosts: [y.com], protocol: smtp}\n"
            "filesystem:\n  rules:\n    - {path: /a, permissions: read}\n",
            "r.yaml");
        QVERIFY2(r.diagnostics.empty(), qPrintable(dump(r.diagnostics)));
        const auto &rules = r.document->network.rules;
        QCOMPARE(rules[0].allowedPorts, std::vector<int>{443});
        QCOMPARE(rules[0].protocol, Protocol::Https);
        QVERIFY(rules[0].tlsRequired());
        QVERIFY(!rules[1].tlsRequired());
        QVERIFY(!rules[0].rateLimit);
        const auto &a = r.document->filesystem.rules[0];
        QVERIFY(a.blockSymlinks);
        QVERIFY(!a.allowedExtensions);
        QVERIFY(!a.maxFileSizeMb);
    }

    void everyKey()
    {
        const auto r = PolicyValidator::checkFile(test::dataPath("full/every-key.policy.yaml").toStdString(),
                                                  ValidationOptions{{}, false, false});
        QVERIFY2(!hasErrors(r.diagnostics), qPrintable(dump(r.diagnostics)));
        const PolicyDocument &d = *r.document;
        QCOMPARE(d.description, std::string("Uses every key"));
        QCOMPARE(d.sandbox.isolation, Isolation::Container);
        QCOMPARE(d.sandbox.maxCpuCores, 1.5);
        QCOMPARE(d.sandbox.environment.size(), size_t(2));
        QCOMPARE(d.sandbox.environment[1], (std::pair<std::string, std::string>{"TZ", "Europe/Berlin"}));
        QCOMPARE(d.sandbox.cleanupPolicy, CleanupPolicy::Preserve);
        QCOMPARE(d.network.rules.size(), size_t(3));
        QCOMPARE(d.network.rules[0].allowedHosts.size(), size_t(3));
        QCOMPARE(d.network.rules[0].maxResponseSizeMb.value(), 2.5);
        QCOMPARE(d.network.rules[0].rateLimit->count, 10);
        QCOMPARE(d.network.rules[0].rateLimit->windowSeconds, 1);
        QCOMPARE(d.network.rules[1].rateLimit->windowSeconds, 60);
        QCOMPARE(d.network.hosts.size(), size_t(1));
        QCOMPARE(d.network.regions[0].first, std::string("eu-central-1"));
        QCOMPARE(d.filesystem.rules[1].permissions, Permission::Write);
        QCOMPARE(d.filesystem.rules[0].allowedExtensions->size(), size_t(2));
        QCOMPARE(d.policies[0].action, Action::Redact);
        QCOMPARE(d.policies[1].action, Action::Throttle);
        QCOMPARE(d.policies[1].delaySeconds.value(), 2.5);
        QCOMPARE(d.policies[2].escalation, std::string("security_queue"));
        QCOMPARE(d.policies[2].logLevel, LogLevel::Critical);
        QCOMPARE(d.tools[1].command, (std::vector<std::string>{"python3", "mail.py", "--safe"}));
        QCOMPARE(d.tools[0].costPerCall, 0.25);
        QCOMPARE(d.tools[0].pool, 2);
        QVERIFY(d.tools[0].prestart);
        QCOMPARE(d.tools[1].pool, 1); // the defaults
        QVERIFY(!d.tools[1].prestart);
        QCOMPARE(d.agent->command.size(), size_t(2));
        // Positions of keys and values are kept.
        QCOMPARE(d.sandbox.loc.keyPos("max_cpu_cores"), (SourcePos{8, 3}));
        QCOMPARE(d.sandbox.loc.valuePos("max_cpu_cores"), (SourcePos{8, 18}));
    }

    void actionSpellings_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<int>("action");
        QTest::newRow("lower") << QStringLiteral("block") << int(Action::Block);
        QTest::newRow("upper") << QStringLiteral("BLOCK") << int(Action::Block);
        QTest::newRow("mixed") << QStringLiteral("Escalate") << int(Action::Escalate);
        QTest::newRow("python") << QStringLiteral("PolicyAction.REDACT") << int(Action::Redact);
    }

    void actionSpellings()
    {
        QFETCH(QString, text);
        QFETCH(int, action);
        const auto r = PolicyLoader::loadText("version: 1\nname: a\npolicies:\n  - {name: p, trigger: tool_call, condition: 'true', action: "
                                                  + text.toStdString() + "}\n",
                                              "a.yaml");
        QVERIFY2(r.diagnostics.empty(), qPrintable(dump(r.diagnostics)));
        QCOMPARE(int(r.document->policies[0].action), action);
    }

    void roundTrip_data()
    {
        QTest::addColumn<QString>("file");
        for (const char *sub : {"seed", "full"}) {
            const QDir dir(test::dataPath(sub));
            for (const auto &f : dir.entryList({QStringLiteral("*.policy.yaml")}, QDir::Files))
                QTest::newRow(qPrintable(f)) << dir.filePath(f);
        }
    }

    void roundTrip()
    {
        QFETCH(QString, file);
        const auto first = PolicyLoader::loadFile(file.toStdString());
        QVERIFY(first.document);
        QVERIFY2(!hasErrors(first.diagnostics), qPrintable(dump(first.diagnostics)));
        const std::string saved = PolicyWriter::toYaml(*first.document);
        const auto second = PolicyLoader::loadText(saved, "saved.yaml");
        QVERIFY2(second.document && !hasErrors(second.diagnostics),
                 qPrintable(dump(second.diagnostics) + QString::fromStdString(saved)));
        QVERIFY2(*first.document == *second.document, saved.c_str());
        // Saving is stable.
        QCOMPARE(PolicyWriter::toYaml(*second.document), saved);
    }

    void roundTripDetectsChange()
    {
        // The equality the round trip relies on is not vacuous.
        auto a = PolicyLoader::loadFile(test::dataPath("seed/production.policy.yaml").toStdString());
        auto b = PolicyLoader::loadFile(test::dataPath("seed/production.policy.yaml").toStdString());
        QVERIFY(*a.document == *b.document);
        b.document->policies[1].condition = "tool.name == 'ticket_api'";
        QVERIFY(!(*a.document == *b.document));
        b = PolicyLoader::loadFile(test::dataPath("seed/production.policy.yaml").toStdString());
        b.document->network.rules[2].rateLimit = RateLimit::parse("4/minute");
        QVERIFY(!(*a.document == *b.document));
    }

    void everythingReadableIsRead()
    {
        // Errors in one place do not stop the rest from loading.
        const auto r = PolicyLoader::loadText("version: 1\nname: x\nsandbox:\n  max_memory_mb: lots\n  max_processes: 7\n"
                                              "policies:\n  - {name: a, trigger: bogus, condition: 'true', action: log}\n"
                                              "  - {name: b, trigger: tool_call, condition: 'true', action: block}\n",
                                              "x.yaml");
        QCOMPARE(r.diagnostics.size(), size_t(2));
        QCOMPARE(r.document->sandbox.maxProcesses, 7);
        QCOMPARE(r.document->policies.size(), size_t(2));
        QCOMPARE(r.document->policies[1].action, Action::Block);
    }

    void rateLimitParsing_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<int>("count");
        QTest::addColumn<int>("window");
        QTest::newRow("second") << QStringLiteral("1/second") << 1 << 1;
        QTest::newRow("minute") << QStringLiteral("3/minute") << 3 << 60;
        QTest::newRow("hour") << QStringLiteral("100/hour") << 100 << 3600;
        QTest::newRow("day") << QStringLiteral("5/day") << 5 << 86400;
        QTest::newRow("zero") << QStringLiteral("0/minute") << -1 << 0;
        QTest::newRow("unit") << QStringLiteral("3/minutes") << -1 << 0;
        QTest::newRow("spaces") << QStringLiteral("3 / minute") << -1 << 0;
        QTest::newRow("negative") << QStringLiteral("-3/minute") << -1 << 0;
        QTest::newRow("empty") << QString() << -1 << 0;
    }

    void rateLimitParsing()
    {
        QFETCH(QString, text);
        QFETCH(int, count);
        QFETCH(int, window);
        const auto r = RateLimit::parse(text.toStdString());
        if (count < 0) {
            QVERIFY(!r);
            return;
        }
        QVERIFY(r);
        QCOMPARE(r->count, count);
        QCOMPARE(r->windowSeconds, window);
    }

    void toolPoolOutOfRange_data()
    {
        QTest::addColumn<QString>("value");
        QTest::addColumn<QString>("code");
        QTest::newRow("too many") << QStringLiteral("9") << QStringLiteral("E014");
        QTest::newRow("negative") << QStringLiteral("-1") << QStringLiteral("E014");
        QTest::newRow("fraction") << QStringLiteral("1.5") << QString();
        QTest::newRow("text") << QStringLiteral("many") << QString();
    }

    void toolPoolOutOfRange()
    {
        QFETCH(QString, value);
        QFETCH(QString, code);
        const std::string text = "version: 1\nname: p\ntools:\n  - name: t\n    command: [x]\n    pool: " + value.toStdString()
            + "\n    prestart: yes-please\n";
        const auto r = PolicyLoader::loadText(text, "p.policy.yaml");
        const auto pool = std::find_if(r.diagnostics.begin(), r.diagnostics.end(),
                                       [](const Diagnostic &d) { return d.message.find("pool") != std::string::npos; });
        QVERIFY(pool != r.diagnostics.end());
        QCOMPARE(pool->begin, (SourcePos{6, 11}));
        if (!code.isEmpty())
            QCOMPARE(QString::fromStdString(pool->code), code);
        const auto prestart = std::find_if(r.diagnostics.begin(), r.diagnostics.end(),
                                           [](const Diagnostic &d) { return d.message.find("prestart") != std::string::npos; });
        QVERIFY(prestart != r.diagnostics.end());
        QCOMPARE(prestart->begin.line, 7);
    }

    void mcpEntries()
    {
        const auto ok = PolicyLoader::loadText("version: 1\nname: p\ntools:\n  - {name: files, mcp: [node, fs.js, /agent/workspace]}\n", "p.policy.yaml");
        QVERIFY(!hasErrors(ok.diagnostics));
        QVERIFY(ok.document->tools[0].isMcpServer());
        QCOMPARE(ok.document->tools[0].mcp.size(), std::size_t(3));
        // Written back as it was read.
        const auto again = PolicyLoader::loadText(PolicyWriter::toYaml(*ok.document), "again.policy.yaml");
        QCOMPARE(again.document->tools[0].mcp, ok.document->tools[0].mcp);
        QVERIFY(again.document->tools[0].command.empty());

        const auto both = PolicyLoader::loadText("version: 1\nname: p\ntools:\n  - name: t\n    command: [x]\n    mcp: [y]\n", "p.policy.yaml");
        const auto e017 = std::find_if(both.diagnostics.begin(), both.diagnostics.end(), [](const Diagnostic &d) { return d.code == "E017"; });
        QVERIFY(e017 != both.diagnostics.end());
        QCOMPARE(e017->begin, (SourcePos{6, 5}));
        const auto neither = PolicyLoader::loadText("version: 1\nname: p\ntools:\n  - name: t\n", "p.policy.yaml");
        QVERIFY(std::any_of(neither.diagnostics.begin(), neither.diagnostics.end(), [](const Diagnostic &d) {
            return d.code == "E011" && d.message.find("'mcp'") != std::string::npos;
        }));
    }

    void guardedFunctionsAndAgentNames()
    {
        const auto ok = PolicyLoader::loadText("version: 1\nname: p\nagent:\n  name: support-bot\ntools:\n  - {name: lookup, guard: true}\n",
                                               "p.policy.yaml");
        QVERIFY2(!hasErrors(ok.diagnostics), qPrintable(dump(ok.diagnostics)));
        QVERIFY(ok.document->tools[0].guard);
        QVERIFY(ok.document->tools[0].command.empty());
        QCOMPARE(ok.document->agentName(), std::string("support-bot"));
        // Written back as read: no command appears for either.
        const std::string saved = PolicyWriter::toYaml(*ok.document);
        QVERIFY2(saved.find("command") == std::string::npos, saved.c_str());
        const auto again = PolicyLoader::loadText(saved, "again.policy.yaml");
        QVERIFY2(!hasErrors(again.diagnostics), qPrintable(dump(again.diagnostics)));
        QVERIFY(*again.document == *ok.document);
        // Without agent.name, the policy's name names the agent.
        QCOMPARE(PolicyLoader::loadText("version: 1\nname: p\n", "p.policy.yaml").document->agentName(), std::string("p"));

        auto codeAt = [](const LoadResult &r, const char *code) {
            const auto it = std::find_if(r.diagnostics.begin(), r.diagnostics.end(), [&](const Diagnostic &d) { return d.code == code; });
            return it == r.diagnostics.end() ? SourcePos{} : it->begin;
        };
        const auto both = PolicyLoader::loadText("version: 1\nname: p\ntools:\n  - name: t\n    command: [x]\n    guard: true\n",
                                                 "p.policy.yaml");
        QCOMPARE(codeAt(both, "E017"), (SourcePos{6, 5}));
        const auto badName = PolicyLoader::loadText("version: 1\nname: p\nagent:\n  name: ../Bot\n", "p.policy.yaml");
        QCOMPARE(codeAt(badName, "E016"), (SourcePos{4, 9}));
        const auto longName = PolicyLoader::loadText("version: 1\nname: p\nagent:\n  name: " + std::string(65, 'a') + "\n", "p.policy.yaml");
        QCOMPARE(codeAt(longName, "E016"), (SourcePos{4, 9}));
        const auto empty = PolicyLoader::loadText("version: 1\nname: p\nagent:\n  description: x\n", "p.policy.yaml");
        QCOMPARE(codeAt(empty, "E011"), (SourcePos{4, 3}));
        QVERIFY(!PolicyDocument::isAgentName("Bot"));
        QVERIFY(!PolicyDocument::isAgentName("-bot"));
        QVERIFY(PolicyDocument::isAgentName("bot_2-x"));
    }

    void missingFile()
    {
        const auto r = PolicyLoader::loadFile("/nonexistent/x.policy.yaml");
        QVERIFY(!r.document);
        QCOMPARE(r.diagnostics.size(), size_t(1));
        QCOMPARE(r.diagnostics[0].code, std::string("E000"));
    }
};

QTEST_GUILESS_MAIN(TstPolicyLoader)
#include "tst_policyloader.moc"
