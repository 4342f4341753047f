// Policy test suites (core): loader diagnostics with positions, the runner's
// pass/fail, session counters across cases, coverage, and case appending.

#include "engine/decisionengine.h"
#include "model/policyvalidator.h"
#include "testsuite/testcasewriter.h"
#include "testsuite/testsuiteloader.h"
#include "testsuite/workspacetests.h"

#include <QDir>

#include <algorithm>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace osh;

namespace {

const char *const kPolicy = "version: 1\n"
    "name: t\n"
    "network:\n"
    "  rules:\n"
    "    - tool: fetch\n"
    "      allowed_hosts: [api.example.com]\n"
    "    - tool: fetch\n"
    "      allowed_hosts: [never.example.com]\n"
    "filesystem:\n"
    "  rules:\n"
    "    - {path: /data, permissions: read}\n"
    "    - {path: /unused, permissions: read}\n"
    "policies:\n"
    "  - name: pricey\n"
    "    trigger: tool_call\n"
    "    condition: session.total_cost > 1.0\n"
    "    action: block\n"
    "  - name: busy\n"
    "    trigger: tool_call\n"
    "    condition: session.tool_calls >= 2\n"
    "    action: block\n"
    "  - name: redact\n"
    "    trigger: data_output\n"
    "    condition: contains_pii(output)\n"
    "    action: redact\n"
    "  - name: quiet\n"
    "    trigger: agent_response\n"
    "    condition: \"true\"\n"
    "    action: log\n"
    "tools:\n"
    "  - {name: fetch, command: [x], cost_per_call: 0.6}\n";

void write(const QString &path, const QByteArray &text)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(text);
}

bool hasCode(const Diagnostics &diags, const char *code)
{
    return std::any_of(diags.begin(), diags.end(), [&](const Diagnostic &d) { return d.code == code; });
}

} // namespace

class TstPolicyTests : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    std::string ws() const { return m_dir.path().toStdString(); }
    TestSuite load(const char *text) { return TestSuiteLoader::loadText(text, ws() + "/tests/t.yaml", ws()); }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        write(m_dir.filePath(QStringLiteral("t.policy.yaml")), kPolicy);
    }

    void diagnostics_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("code");
        QTest::addColumn<int>("line");
        QTest::addColumn<int>("column");
        QTest::newRow("not a mapping") << "- a\n" << "T001" << 1 << 1;
        QTest::newRow("unknown top key") << "cases: []\npolcy: x\n" << "T002" << 2 << 1;
        QTest::newRow("unknown case key")
            << "cases:\n  - name: a\n    request: {trigger: tool_call, tool: {name: fetch}}\n    expect: {decision: allow}\n    extra: 1\n"
            << "T002" << 5 << 5;
        QTest::newRow("no cases") << "policy: ../t.policy.yaml\n" << "T003" << 1 << 1;
        QTest::newRow("no expect") << "cases:\n  - name: a\n    request: {trigger: tool_call, tool: {name: fetch}}\n"
                                   << "T003" << 2 << 5;
        QTest::newRow("no decision") << "cases:\n  - name: a\n    request: {trigger: data_output, output: x}\n    expect: {policy: null}\n"
                                     << "T003" << 4 << 13;
        QTest::newRow("wrong type") << "cases:\n  - name: a\n    request: [1]\n    expect: {decision: allow}\n"
                                    << "T004" << 3 << 14;
        QTest::newRow("bad decision") << "cases:\n  - name: a\n    request: {trigger: data_output, output: x}\n    expect: {decision: blok}\n"
                                      << "T005" << 4 << 24;
        QTest::newRow("missing policy") << "policy: ../nope.policy.yaml\ncases: []\n" << "T006" << 1 << 9;
        QTest::newRow("bad request") << "cases:\n  - name: a\n    request: {trigger: tool_call, sesion: {}}\n    expect: {decision: allow}\n"
                                     << "T008" << 3 << 14;
        QTest::newRow("duplicate name")
            << "cases:\n  - name: a\n    request: {trigger: data_output, output: x}\n    expect: {decision: allow}\n"
               "  - name: a\n    request: {trigger: data_output, output: x}\n    expect: {decision: allow}\n"
            << "T009" << 5 << 5;
        QTest::newRow("empty") << "cases: []\n" << "T012" << 1 << 8;
        QTest::newRow("yaml syntax") << "cases: [\n" << "E001" << 2 << 1;
    }

    void diagnostics()
    {
        QFETCH(QString, text);
        QFETCH(QString, code);
        QFETCH(int, line);
        QFETCH(int, column);
        const auto s = load(text.toUtf8().constData());
        QString all;
        bool found = false;
        for (const auto &d : s.diagnostics) {
            all += QString::fromStdString(d.format()) + QLatin1Char('\n');
            if (d.code == code.toStdString() && (code.startsWith(QLatin1Char('E')) || (d.begin.line == line && d.begin.column == column)))
                found = true;
        }
        QVERIFY2(found, qPrintable(all));
    }

    void requestConversion()
    {
        const auto s = load("cases:\n  - name: a\n    request:\n      trigger: tool_call\n      cost: 2\n      tool: {name: fetch, "
                            "args: {n: 5, f: 1.5, b: true, s: '5', z: ~, l: [1, x]}}\n    expect: {decision: allow}\n");
        QVERIFY(!hasErrors(s.diagnostics));
        QCOMPARE(s.cases.size(), 1u);
        QCOMPARE(QString::fromStdString(s.cases[0].requestJson),
                 QStringLiteral("{\"trigger\":\"tool_call\",\"cost\":2,\"tool\":{\"name\":\"fetch\",\"args\":{\"n\":5,\"f\":1.5,\"b\":true,\"s\":\"5\",\"z\":null,\"l\":[1,\"x\"]}}}"));
        QCOMPARE(s.policyFile, ws() + "/t.policy.yaml"); // the workspace's only policy
    }

    void runnerPassFailAndSessionCounters()
    {
        // fetch costs 0.6 per call that goes ahead: calls 1 and 2 pass; the
        // third sees tool_calls 2 (busy); in separate sessions nothing blocks.
        const char *cases = "cases:\n"
                            "  - {name: one, request: {trigger: tool_call, tool: {name: fetch}}, expect: {decision: allow, policy: null}}\n"
                            "  - {name: two, request: {trigger: tool_call, tool: {name: fetch}}, expect: {decision: allow}}\n"
                            "  - {name: three, request: {trigger: tool_call, tool: {name: fetch}}, expect: {decision: block, policy: pricey}}\n"
                            "  - {name: wrong, request: {trigger: tool_call, tool: {name: fetch}}, expect: {decision: allow, policy: busy}}\n";
        auto doc = PolicyValidator::checkText(kPolicy, "t.policy.yaml").document;
        QVERIFY(doc);
        auto shared = TestRunner::run(load(cases), doc);
        QVERIFY(shared.ran);
        QCOMPARE(shared.cases.size(), 4u);
        QVERIFY(shared.cases[0].passed);
        QVERIFY(shared.cases[1].passed);
        QVERIFY2(shared.cases[2].passed, shared.cases[2].failures.empty() ? "" : shared.cases[2].failures[0].c_str());
        QVERIFY(!shared.cases[3].passed);
        QCOMPARE(shared.cases[3].failures.size(), 2u);
        QCOMPARE(QString::fromStdString(shared.cases[3].failures[0]), QStringLiteral("decision: expected allow, got block"));
        QCOMPARE(QString::fromStdString(shared.cases[3].failures[1]),
                 QStringLiteral("policy: expected 'busy', got 'pricey'"));
        QVERIFY(shared.cases[3].decisionJson.find("\"trace\"") != std::string::npos);
        QCOMPARE(shared.failedCount(), 1);

        auto separate = TestRunner::run(load((std::string("session: separate\n") + cases).c_str()), doc);
        QCOMPARE(separate.cases.size(), 4u);
        QVERIFY(separate.cases[0].passed && separate.cases[1].passed);
        QVERIFY(!separate.cases[2].passed); // a fresh session: nothing blocks
    }

    void outputAndLayerExpectations()
    {
        auto doc = PolicyValidator::checkText(kPolicy, "t.policy.yaml").document;
        const char *cases = "cases:\n"
                            "  - name: r\n    request: {trigger: data_output, output: 'mail a@example.com'}\n"
                            "    expect: {decision: redact, policy: redact, layer: policy, output: 'mail [REDACTED:email]'}\n"
                            "  - name: bad output\n    request: {trigger: data_output, output: 'mail a@example.com'}\n"
                            "    expect: {decision: redact, output: 'mail a@example.com'}\n"
                            "  - name: net\n    request: {trigger: network_egress, tool: {name: fetch}, destination: {host: evil.com, port: 443}}\n"
                            "    expect: {decision: block, layer: network, message_contains: evil.com}\n";
        auto r = TestRunner::run(load(cases), doc);
        QCOMPARE(r.cases.size(), 3u);
        QVERIFY(r.cases[0].passed);
        QVERIFY(!r.cases[1].passed);
        QVERIFY(QString::fromStdString(r.cases[1].failures[0]).startsWith(QStringLiteral("output: expected")));
        QVERIFY2(r.cases[2].passed, r.cases[2].failures.empty() ? "" : r.cases[2].failures[0].c_str());
    }

    void coverage()
    {
        QTemporaryDir dir;
        write(dir.filePath(QStringLiteral("p.policy.yaml")), kPolicy);
        write(dir.filePath(QStringLiteral("tests/a.yaml")),
              "cases:\n"
              "  - {name: call, request: {trigger: tool_call, tool: {name: fetch}}, expect: {decision: allow}}\n"
              "  - {name: net, request: {trigger: network_egress, tool: {name: fetch}, destination: {host: api.example.com, port: 443}}, expect: {decision: allow}}\n"
              "  - {name: fs, request: {trigger: file_access, file: {path: /data/x.txt, operation: read}}, expect: {decision: allow}}\n");
        const auto r = WorkspaceTests::run(dir.path().toStdString());
        QVERIFY(r.ok());
        QCOMPARE(r.coverage.size(), 1u);
        const auto &c = r.coverage[0];
        QCOMPARE(c.unevaluatedPolicies, (std::vector<std::string>{"redact", "quiet"}));
        QCOMPARE(c.unmatchedPolicies, (std::vector<std::string>{"pricey", "busy", "redact", "quiet"}));
        QCOMPARE(c.uncoveredNetworkRules, std::vector<int>{1});
        QCOMPARE(c.uncoveredFilesystemRules, std::vector<int>{1});
    }

    void workspaceErrors()
    {
        QTemporaryDir dir;
        const auto none = WorkspaceTests::run(dir.path().toStdString());
        QVERIFY(!none.ok());
        write(dir.filePath(QStringLiteral("a.policy.yaml")), kPolicy);
        write(dir.filePath(QStringLiteral("b.policy.yaml")), kPolicy);
        write(dir.filePath(QStringLiteral("tests/a.yaml")), "cases: []\n");
        const auto two = WorkspaceTests::run(dir.path().toStdString());
        QCOMPARE(two.erroredSuites(), 1);
        QVERIFY(hasCode(two.suites[0].diagnostics, "T006"));
        write(dir.filePath(QStringLiteral("broken.policy.yaml")), "version: 1\nname: x\nsandbox: {isolation: nope}\n");
        write(dir.filePath(QStringLiteral("tests/a.yaml")), "policy: ../broken.policy.yaml\ncases: []\n");
        const auto broken = WorkspaceTests::run(dir.path().toStdString());
        QCOMPARE(broken.erroredSuites(), 1);
        QVERIFY(hasCode(broken.suites[0].diagnostics, "T007"));
    }

    void appendCasePreservesText()
    {
        QTemporaryDir dir;
        write(dir.filePath(QStringLiteral("p.policy.yaml")), kPolicy);
        const QString file = dir.filePath(QStringLiteral("tests/s.yaml"));
        const QByteArray original = "# keep me\npolicy: ../p.policy.yaml\ncases:\n- name: first\n  request: {trigger: agent_response, response: hi}\n  expect: {decision: log}";
        write(file, original);
        auto doc = PolicyValidator::checkText(kPolicy, "p.policy.yaml").document;
        const DecisionEngine engine(doc);
        const std::string json = "{\"trigger\":\"data_output\",\"output\":\"write to \\\"a@example.com\\\"\\n\",\"tool\":{\"name\":\"fetch\",\"args\":{\"k y\":[1,{\"a\":null}]}}}";
        std::string err;
        auto req = Request::fromJson(json, err);
        QVERIFY(req);
        SessionState session;
        const Decision d = engine.decide(*req, session);
        QVERIFY(TestCaseWriter::appendCase(file.toStdString(), "", "second", json, d, err));
        QFile f(file);
        QVERIFY(f.open(QIODevice::ReadOnly));
        QVERIFY(f.readAll().startsWith(original));
        const auto r = WorkspaceTests::run(dir.path().toStdString());
        QVERIFY(r.ok());
        QCOMPARE(r.suites[0].cases.size(), 2u);
        QCOMPARE(r.suites[0].cases[1].name, std::string("second"));

        // A file whose cases are not last cannot take an appended case.
        write(file, "cases: []\npolicy: ../p.policy.yaml\n");
        QVERIFY(!TestCaseWriter::appendCase(file.toStdString(), "", "x", json, d, err));
    }

    void bundledExample()
    {
        const auto r = WorkspaceTests::run(OSH_SOURCE_DIR "/examples/customer-support");
        for (const auto &s : r.suites) {
            for (const auto &d : s.diagnostics)
                qWarning("%s", d.format().c_str());
            for (const auto &c : s.cases)
                if (!c.passed)
                    qWarning("%s: %s", c.name.c_str(), c.failures.front().c_str());
        }
        QVERIFY(r.ok());
        QVERIFY(r.caseCount() >= 10);
        QCOMPARE(r.coverage.size(), 1u);
        QVERIFY(r.coverage[0].complete());
    }
};

QTEST_GUILESS_MAIN(TstPolicyTests)
#include "tst_policytests.moc"
