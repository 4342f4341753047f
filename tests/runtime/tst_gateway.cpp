// The tool gateway over its Unix socket: MCP methods, decisions on every
// call, output policies, escalation, usage, responses and file operations.

#include "gatewaytestsupport.h"

#include "gateway/gateway.h"
#include "gateway/processtoolrunner.h"
#include "model/policyvalidator.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLocalSocket>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

#include <algorithm>
#include <memory>

#include <unistd.h>

using namespace osh;
using namespace osh::runtime;

namespace {

class ScriptedApprover final : public ApprovalBroker
{
public:
    enum Mode { Approve, Deny, Timeout, Refuse } mode = Approve;
    std::vector<ApprovalRequest> seen;
    void request(ApprovalRequest r, std::function<void(ApprovalAnswer)> answer) override
    {
        seen.push_back(r);
        ApprovalAnswer a;
        a.approved = mode == Approve;
        a.timedOut = mode == Timeout;
        a.refused = mode == Refuse;
        a.note = mode == Approve ? "looks fine" : mode == Refuse ? "too many actions are waiting for approval (20)" : "";
        QTimer::singleShot(10, [answer, a] { answer(a); });
    }
};

const char *kPolicy = R"yaml(version: 1
name: gw
filesystem:
  workspace: /agent/workspace
  rules:
    - {path: /agent/workspace, permissions: read-write, allowed_extensions: [.txt, .json, .zip], max_file_size_mb: 1}
    - {path: /agent/out, permissions: write}
policies:
  - name: cost-limit
    trigger: tool_call
    condition: session.total_cost > 5
    action: block
    message: over budget
  - name: no-shell
    trigger: tool_call
    condition: tool.name == 'shell'
    action: block
    message: shell is not allowed
  - name: email-approval
    trigger: tool_call
    condition: tool.name == 'email_send'
    action: escalate
    escalation: human_queue
  - name: pii-out
    trigger: data_output
    condition: contains_pii(output)
    action: redact
  - name: rude
    trigger: agent_response
    condition: "'idiot' in lower(response)"
    action: block
    message: not how we talk to customers
  - name: redact-response
    trigger: agent_response
    condition: contains_pii(response)
    action: redact
tools:
  - {name: echo, command: [sh, -c, cat]}
  - {name: card_lookup, command: [sh, -c, "echo '{\"card\": \"4111 1111 1111 1111\"}'"]}
  - {name: email_send, command: [sh, -c, "echo sent"]}
  - {name: shell, command: [sh, -c, "echo pwned"]}
  - {name: failing, command: [sh, -c, "echo broken >&2; exit 3"]}
)yaml";

// MCP servers as the gateway sees them: one entry "srv" whose tools the
// test sets, calls recorded and answered with what the test chose.
class FakeMcpServers final : public McpServers
{
public:
    QJsonArray list;
    bool isStarting = false;
    QJsonObject answer;
    QString error;
    std::vector<std::pair<QString, QJsonObject>> calls;
    QJsonArray tools(const std::string &entry) const override { return entry == "srv" ? list : QJsonArray(); }
    bool starting() const override { return isStarting; }
    void call(const std::string &, const QString &tool, const QJsonObject &arguments, double,
              std::function<void(QJsonObject, QString)> done) override
    {
        calls.emplace_back(tool, arguments);
        done(error.isEmpty() ? answer : QJsonObject(), error);
    }
};

const char *kMcpPolicy = R"yaml(version: 1
name: gw-mcp
policies:
  - {name: no-sums, trigger: tool_call, condition: "tool.server == 'srv' and tool.name == 'srv.sum'", action: block, message: no sums}
  - {name: pii-out, trigger: data_output, condition: contains_pii(output), action: redact}
tools:
  - {name: srv, mcp: [node, server.js]}
  - {name: echo, command: [sh, -c, cat]}
)yaml";

} // namespace

class TstGateway : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    std::unique_ptr<SessionState> m_state;
    std::unique_ptr<ProcessToolRunner> m_runner;
    osh::test::CollectingSink m_audit;
    ScriptedApprover m_approver;
    std::unique_ptr<Gateway> m_gateway;
    osh::test::GatewayClient m_client;

    static QString text(const QJsonObject &response)
    {
        return response[QStringLiteral("result")][QStringLiteral("content")][0][QStringLiteral("text")].toString();
    }
    static bool isError(const QJsonObject &response)
    {
        return response[QStringLiteral("result")][QStringLiteral("isError")].toBool();
    }
    QString workspace() const { return m_dir.filePath(QStringLiteral("ws")); }

private Q_SLOTS:
    void init()
    {
        QVERIFY(m_dir.isValid());
        QDir().mkpath(workspace());
        QDir().mkpath(m_dir.filePath(QStringLiteral("out")));
        // The controller works as the sandbox's user, as in a session.
        if (::geteuid() == 0)
            for (const QString &d : {workspace(), m_dir.filePath(QStringLiteral("out"))})
                QVERIFY(::chown(QFile::encodeName(d).constData(), SandboxSpec::kSandboxUid, SandboxSpec::kSandboxGid) == 0);
        ValidationOptions opt;
        opt.checkFiles = false;
        auto loaded = PolicyValidator::checkText(kPolicy, "gw.policy.yaml", opt);
        QVERIFY(loaded.document && !hasErrors(loaded.diagnostics));
        m_state = std::make_unique<SessionState>("gw-session");
        m_runner = std::make_unique<ProcessToolRunner>(m_dir.path());
        m_audit.events.clear();
        m_approver.seen.clear();
        m_approver.mode = ScriptedApprover::Approve;
        Gateway::Options o;
        o.sessionId = "gw-session";
        o.policyHash = "abc";
        o.paths = {{"/agent/workspace", workspace()}, {"/agent/out", m_dir.filePath(QStringLiteral("out"))}};
        m_gateway = std::make_unique<Gateway>(std::make_shared<DecisionEngine>(loaded.document), m_state.get(),
                                              m_runner.get(), &m_audit, &m_approver, o);
        QString err;
        QVERIFY2(m_gateway->listen(m_dir.filePath(QStringLiteral("gw.sock")), &err), qPrintable(err));
        m_client.socket.connectToServer(m_dir.filePath(QStringLiteral("gw.sock")));
        QVERIFY(m_client.socket.waitForConnected(2000));
    }

    void cleanup()
    {
        m_client.socket.disconnectFromServer();
        m_gateway.reset();
    }

    void initializeAndList()
    {
        const auto init = m_client.call(QStringLiteral("initialize"), {{QStringLiteral("protocolVersion"), QStringLiteral("2024-11-05")}});
        QCOMPARE(init[QStringLiteral("result")][QStringLiteral("protocolVersion")].toString(), QStringLiteral("2024-11-05"));
        QVERIFY(init[QStringLiteral("result")][QStringLiteral("capabilities")].toObject().contains(QStringLiteral("tools")));
        // A notification gets no answer; the next request is answered normally.
        m_client.socket.write(R"({"jsonrpc":"2.0","method":"notifications/initialized"})" "\n");
        const auto list = m_client.call(QStringLiteral("tools/list"));
        const auto tools = list[QStringLiteral("result")][QStringLiteral("tools")].toArray();
        QCOMPARE(tools.size(), 5);
        QCOMPARE(tools[0][QStringLiteral("name")].toString(), QStringLiteral("echo"));
        QCOMPARE(m_client.call(QStringLiteral("ping"))[QStringLiteral("result")].toObject(), QJsonObject());
    }

    void protocolVersionNegotiation_data()
    {
        QTest::addColumn<QString>("asked");
        QTest::addColumn<QString>("answered");
        for (const char *v : {"2024-11-05", "2025-03-26", "2025-06-18", "2025-11-25"})
            QTest::newRow(v) << QString::fromLatin1(v) << QString::fromLatin1(v);
        QTest::newRow("unknown newer") << QStringLiteral("2099-01-01") << QStringLiteral("2025-11-25");
        QTest::newRow("unknown older") << QStringLiteral("2024-10-07") << QStringLiteral("2025-11-25");
        QTest::newRow("missing") << QString() << QStringLiteral("2025-11-25");
    }

    // The client's version when the gateway speaks it, else the newest.
    void protocolVersionNegotiation()
    {
        QFETCH(QString, asked);
        QFETCH(QString, answered);
        QJsonObject params{{QStringLiteral("capabilities"), QJsonObject()}};
        if (!asked.isEmpty())
            params.insert(QStringLiteral("protocolVersion"), asked);
        const auto init = m_client.call(QStringLiteral("initialize"), params);
        QCOMPARE(init[QStringLiteral("result")][QStringLiteral("protocolVersion")].toString(), answered);
    }

    // MCP 2025-06-18 removed JSON-RPC batching and added structured content.
    void versionSpecificAnswers()
    {
        const QByteArray batch = R"([{"jsonrpc":"2.0","id":"b1","method":"ping"}])";
        osh::test::GatewayClient old;
        old.socket.connectToServer(m_dir.filePath(QStringLiteral("gw.sock")));
        QVERIFY(old.socket.waitForConnected(2000));
        old.call(QStringLiteral("initialize"), {{QStringLiteral("protocolVersion"), QStringLiteral("2025-03-26")}});
        QCOMPARE(old.sendRaw(batch)[QStringLiteral("id")].toString(), QStringLiteral("b1"));
        const auto before = old.toolCall("echo", {{QStringLiteral("q"), QStringLiteral("refund")}});
        QVERIFY(!before[QStringLiteral("result")].toObject().contains(QStringLiteral("structuredContent")));

        m_client.call(QStringLiteral("initialize"), {{QStringLiteral("protocolVersion"), QStringLiteral("2025-06-18")}});
        const auto refused = m_client.sendRaw(batch);
        QCOMPARE(refused[QStringLiteral("error")][QStringLiteral("code")].toInt(), -32600);
        QVERIFY(refused[QStringLiteral("error")][QStringLiteral("message")].toString().contains(QStringLiteral("batches")));
        const auto after = m_client.toolCall("echo", {{QStringLiteral("q"), QStringLiteral("refund")}});
        QCOMPARE(after[QStringLiteral("result")][QStringLiteral("structuredContent")][QStringLiteral("q")].toString(),
                 QStringLiteral("refund"));
        // Structured content is the output after data_output, as the text is.
        const auto card = m_client.toolCall("card_lookup");
        QVERIFY(!QJsonDocument(card).toJson().contains("4111"));
    }

    // An MCP server's tools through the gateway: listed as srv.<tool> (the
    // first list waits for a starting server), decided with tool.server,
    // forwarded by their own name, results through data_output, list
    // changes passed on.
    void mcpServerTools()
    {
        auto loaded = PolicyValidator::checkText(kMcpPolicy, "mcp.policy.yaml", [] {
            ValidationOptions o;
            o.checkFiles = false;
            return o;
        }());
        QVERIFY(loaded.document && !hasErrors(loaded.diagnostics));
        FakeMcpServers servers;
        servers.isStarting = true;
        SessionState state("mcp-session");
        osh::test::CollectingSink audit;
        Gateway::Options o;
        o.sessionId = "mcp-session";
        o.mcp = &servers;
        Gateway gw(std::make_shared<DecisionEngine>(loaded.document), &state, m_runner.get(), &audit, &m_approver, o);
        QString err;
        QVERIFY2(gw.listen(m_dir.filePath(QStringLiteral("mcp.sock")), &err), qPrintable(err));
        osh::test::GatewayClient c;
        c.socket.connectToServer(m_dir.filePath(QStringLiteral("mcp.sock")));
        QVERIFY(c.socket.waitForConnected(2000));
        const auto init = c.call(QStringLiteral("initialize"), {{QStringLiteral("protocolVersion"), QStringLiteral("2025-06-18")}});
        QVERIFY(init[QStringLiteral("result")][QStringLiteral("capabilities")][QStringLiteral("tools")][QStringLiteral("listChanged")].toBool());

        // The list waits for the starting server, then has its tools.
        c.socket.write(R"({"jsonrpc":"2.0","id":"l1","method":"tools/list"})" "\n");
        c.socket.flush();
        QTest::qWait(200);
        QVERIFY(!c.socket.canReadLine());
        servers.list = QJsonArray{QJsonObject{{QStringLiteral("name"), QStringLiteral("hello")},
                                              {QStringLiteral("inputSchema"), QJsonObject{{QStringLiteral("type"), QStringLiteral("object")},
                                                                                         {QStringLiteral("required"), QJsonArray{QStringLiteral("who")}}}}},
                                  QJsonObject{{QStringLiteral("name"), QStringLiteral("sum")}}};
        servers.isStarting = false;
        gw.answerToolLists();
        QTRY_VERIFY(c.socket.canReadLine());
        const auto list = QJsonDocument::fromJson(c.socket.readLine()).object()[QStringLiteral("result")][QStringLiteral("tools")].toArray();
        QStringList names;
        for (const auto &t : list)
            names << t[QStringLiteral("name")].toString();
        QCOMPARE(names, (QStringList{QStringLiteral("srv.hello"), QStringLiteral("srv.sum"), QStringLiteral("echo")}));
        QCOMPARE(list[0][QStringLiteral("inputSchema")][QStringLiteral("required")][0].toString(), QStringLiteral("who"));
        QCOMPARE(list[1][QStringLiteral("inputSchema")][QStringLiteral("type")].toString(), QStringLiteral("object"));
        // Its first list reached everyone who asked: no notification for it.
        gw.notifyToolsChanged(true);
        QTest::qWait(100);
        QVERIFY(!c.socket.canReadLine());

        servers.answer = QJsonObject{{QStringLiteral("content"), QJsonArray{QJsonObject{{QStringLiteral("type"), QStringLiteral("text")},
                                                                                     {QStringLiteral("text"), QStringLiteral("card 4111 1111 1111 1111")}}}},
                                     {QStringLiteral("structuredContent"), QJsonObject{{QStringLiteral("card"), QStringLiteral("4111 1111 1111 1111")}}}};
        const auto r = c.call(QStringLiteral("tools/call"), {{QStringLiteral("name"), QStringLiteral("srv.hello")},
                                                              {QStringLiteral("arguments"), QJsonObject{{QStringLiteral("who"), QStringLiteral("ann")}}}});
        QCOMPARE(servers.calls.size(), std::size_t(1));
        QCOMPARE(servers.calls[0].first, QStringLiteral("hello"));
        QCOMPARE(servers.calls[0].second[QStringLiteral("who")].toString(), QStringLiteral("ann"));
        const QByteArray answer = QJsonDocument(r).toJson(QJsonDocument::Compact);
        QVERIFY2(!answer.contains("4111"), answer.constData());
        QVERIFY(answer.contains("[REDACTED:credit_card]"));
        QVERIFY(r[QStringLiteral("result")].toObject().contains(QStringLiteral("structuredContent")));
        QCOMPARE(r[QStringLiteral("result")][QStringLiteral("_meta")][QStringLiteral("openshell")][QStringLiteral("server")].toString(),
                 QStringLiteral("srv"));

        // Redaction sees the text as the agent will: a key after a newline
        // (a JSON escape "\n" before it would hide its word boundary).
        servers.answer = QJsonObject{{QStringLiteral("content"), QJsonArray{QJsonObject{{QStringLiteral("type"), QStringLiteral("text")},
                                                                                     {QStringLiteral("text"), QStringLiteral("key:\nAKIAIOSFODNN7EXAMPLE")}}}}};
        const auto key = c.call(QStringLiteral("tools/call"), {{QStringLiteral("name"), QStringLiteral("srv.hello")}});
        QVERIFY2(!QJsonDocument(key).toJson().contains("AKIAIOSFODNN7EXAMPLE"), QJsonDocument(key).toJson().constData());

        const auto blocked = c.call(QStringLiteral("tools/call"), {{QStringLiteral("name"), QStringLiteral("srv.sum")}});
        QVERIFY(blocked[QStringLiteral("result")][QStringLiteral("isError")].toBool());
        QCOMPARE(servers.calls.size(), std::size_t(2)); // never forwarded
        // The entry itself is no tool.
        const auto entry = c.call(QStringLiteral("tools/call"), {{QStringLiteral("name"), QStringLiteral("srv")}});
        QVERIFY(entry[QStringLiteral("result")][QStringLiteral("isError")].toBool());
        QCOMPARE(servers.calls.size(), std::size_t(2));
        QCOMPARE(audit.count("tool_call", "block"), 2);
        QCOMPARE(audit.count("data_output", "redact"), 2);

        // A server's error message leaves through data_output too.
        servers.error = QStringLiteral("MCP error -32000: mail bob@example.com for access");
        const auto failed = c.call(QStringLiteral("tools/call"), {{QStringLiteral("name"), QStringLiteral("srv.hello")}});
        QVERIFY(failed[QStringLiteral("result")][QStringLiteral("isError")].toBool());
        QVERIFY2(!QJsonDocument(failed).toJson().contains("bob@example.com"), QJsonDocument(failed).toJson().constData());
        servers.error.clear();

        // A later change of its list is passed on.
        gw.notifyToolsChanged();
        QTRY_VERIFY(c.socket.canReadLine());
        QCOMPARE(QJsonDocument::fromJson(c.socket.readLine()).object()[QStringLiteral("method")].toString(),
                 QStringLiteral("notifications/tools/list_changed"));
    }

    void allowedCallRunsTheTool()
    {
        const auto r = m_client.toolCall("echo", {{QStringLiteral("q"), QStringLiteral("refund")}});
        QVERIFY(!isError(r));
        QCOMPARE(QJsonDocument::fromJson(text(r).toUtf8()).object()[QStringLiteral("q")].toString(), QStringLiteral("refund"));
        QCOMPARE(m_audit.count("tool_call", "allow"), 1);
        QCOMPARE(m_audit.count("data_output", "allow"), 1);
        QCOMPARE(m_audit.events[0].sessionId, std::string("gw-session"));
        QCOMPARE(m_audit.events[0].policyHash, std::string("abc"));
        // Where the time went: in the tool_result event and in the answer.
        QCOMPARE(m_audit.count("tool_result"), 1);
        const auto result = std::find_if(m_audit.events.begin(), m_audit.events.end(),
                                         [](const AuditEvent &e) { return e.type == "tool_result"; });
        const QJsonObject recorded = QJsonDocument::fromJson(QByteArray::fromStdString(result->parameters)).object();
        QCOMPARE(recorded[QStringLiteral("sandbox")].toString(), QStringLiteral("cold"));
        QCOMPARE(recorded[QStringLiteral("exit_status")].toInt(), 0);
        const QJsonObject timings = recorded[QStringLiteral("timings_ms")].toObject();
        for (const char *k : {"queue", "decision", "execution", "output_check", "total"})
            QVERIFY2(timings[QString::fromLatin1(k)].isDouble() && timings[QString::fromLatin1(k)].toDouble() >= 0, k);
        QVERIFY(timings[QStringLiteral("execution")].toDouble() > 0);
        QVERIFY(timings[QStringLiteral("total")].toDouble() >= timings[QStringLiteral("execution")].toDouble());
        const QJsonObject meta = r[QStringLiteral("result")][QStringLiteral("_meta")][QStringLiteral("openshell")].toObject();
        QCOMPARE(meta[QStringLiteral("timings_ms")].toObject().keys(), timings.keys());
    }

    void blockedCallNeverRuns()
    {
        const auto r = m_client.toolCall("shell");
        QVERIFY(isError(r));
        QVERIFY(text(r).contains(QStringLiteral("shell is not allowed")));
        QVERIFY(!text(r).contains(QStringLiteral("pwned")));
        QCOMPARE(m_audit.count("tool_call", "block"), 1);
        QCOMPARE(m_audit.count("data_output"), 0);
    }

    void outputIsRedacted()
    {
        const auto r = m_client.toolCall("card_lookup");
        QVERIFY(!isError(r));
        QVERIFY2(text(r).contains(QStringLiteral("[REDACTED:credit_card]")), qPrintable(text(r)));
        QVERIFY(!text(r).contains(QStringLiteral("4111")));
        QCOMPARE(m_audit.count("data_output", "redact"), 1);
        // The audit log never stores the raw card number either.
        for (const auto &e : m_audit.events)
            QVERIFY(e.trace.find("4111 1111") == std::string::npos);
    }

    void escalationApproved()
    {
        const auto r = m_client.toolCall("email_send", {{QStringLiteral("to"), QStringLiteral("jane@example.com")}});
        QVERIFY(!isError(r));
        QCOMPARE(text(r).trimmed(), QStringLiteral("sent"));
        QCOMPARE(m_approver.seen.size(), size_t(1));
        QCOMPARE(m_approver.seen[0].queue, std::string("human_queue"));
        QVERIFY(m_approver.seen[0].parametersJson.find("jane@example.com") == std::string::npos); // redacted
        QCOMPARE(m_audit.count("approval"), 1);
    }

    // The approver is shown exactly what the tool gets once approved: after
    // a redact policy that failed closed, the redacted arguments, not the
    // agent's.
    void approverSeesTheArgumentsTheToolGets()
    {
        const char *policy = R"yaml(version: 1
name: gw-held
policies:
  - {name: broken-redact, trigger: tool_call, condition: 'len(tool.args.missing) > 0', action: redact}
  - {name: hold, trigger: tool_call, condition: "tool.name == 'echo'", action: escalate}
tools:
  - {name: echo, command: [sh, -c, cat]}
)yaml";
        ValidationOptions opt;
        opt.checkFiles = false;
        auto loaded = PolicyValidator::checkText(policy, "held.policy.yaml", opt);
        QVERIFY(loaded.document && !hasErrors(loaded.diagnostics));
        SessionState state("held-session");
        Gateway::Options o;
        o.sessionId = "held-session";
        Gateway held(std::make_shared<DecisionEngine>(loaded.document), &state, m_runner.get(), &m_audit, &m_approver, o);
        QString err;
        QVERIFY2(held.listen(m_dir.filePath(QStringLiteral("held.sock")), &err), qPrintable(err));
        osh::test::GatewayClient client;
        client.socket.connectToServer(m_dir.filePath(QStringLiteral("held.sock")));
        QVERIFY(client.socket.waitForConnected(2000));
        const auto r = client.toolCall("echo", {{QStringLiteral("to"), QStringLiteral("erin.held@example.com")}});
        QVERIFY2(!isError(r), qPrintable(text(r)));
        const QJsonObject received = QJsonDocument::fromJson(text(r).toUtf8()).object();
        QVERIFY2(received.contains(QStringLiteral("to")), qPrintable(text(r)));
        QVERIFY2(!text(r).contains(QStringLiteral("erin.held@example.com")), qPrintable(text(r)));
        QCOMPARE(m_approver.seen.size(), size_t(1));
        QCOMPARE(QJsonDocument::fromJson(QByteArray::fromStdString(m_approver.seen[0].realParametersJson)).object(), received);
        client.socket.disconnectFromServer();
    }

    void escalationDeniedOrTimedOut_data()
    {
        QTest::addColumn<int>("mode");
        QTest::newRow("denied") << int(ScriptedApprover::Deny);
        QTest::newRow("timeout") << int(ScriptedApprover::Timeout);
    }

    void escalationDeniedOrTimedOut()
    {
        QFETCH(int, mode);
        m_approver.mode = static_cast<ScriptedApprover::Mode>(mode);
        const auto r = m_client.toolCall("email_send");
        QVERIFY(isError(r));
        QVERIFY(text(r).contains(QStringLiteral("not approved")));
        QCOMPARE(m_audit.count("data_output"), 0);
    }

    void escalationRefusedByTheBroker()
    {
        // A flood of escalations: the broker refuses to hold more, and the
        // call is refused at once, recorded as a block an analyst sees.
        m_approver.mode = ScriptedApprover::Refuse;
        const auto r = m_client.toolCall("email_send");
        QVERIFY(isError(r));
        QVERIFY2(text(r).contains(QStringLiteral("too many actions are waiting")), qPrintable(text(r)));
        bool recorded = false;
        for (const auto &e : m_audit.events)
            recorded = recorded || (e.type == "approval" && e.decision == "block" && e.severity == "warning");
        QVERIFY(recorded);
    }

    void connectionFloodIsBounded()
    {
        // Each connection may buffer a message of up to 16 MiB: agent code
        // opening hundreds must not make the host hold gigabytes.
        std::vector<std::unique_ptr<QLocalSocket>> extra;
        for (int i = 0; i < Gateway::kMaxConnections + 8; ++i) {
            extra.push_back(std::make_unique<QLocalSocket>());
            extra.back()->connectToServer(m_dir.filePath(QStringLiteral("gw.sock")));
            QVERIFY(extra.back()->waitForConnected(2000));
        }
        // The first connection is the test client's own: the cap leaves
        // kMaxConnections - 1 of these open; the rest are closed.
        QTRY_COMPARE_WITH_TIMEOUT(std::count_if(extra.begin(), extra.end(),
                                                [](const auto &s) { return s->state() == QLocalSocket::ConnectedState; }),
                                  std::ptrdiff_t(Gateway::kMaxConnections - 1), 5000);
        int reported = 0;
        for (const auto &e : m_audit.events)
            reported += e.message.find("refused connections") != std::string::npos;
        QCOMPARE(reported, 1);
        QVERIFY(!isError(m_client.toolCall("echo", {{QStringLiteral("x"), 1}})));
    }

    void toolFailureIsReported()
    {
        const auto r = m_client.toolCall("failing");
        QVERIFY(isError(r));
        QVERIFY(text(r).contains(QStringLiteral("status 3")));
        QVERIFY(text(r).contains(QStringLiteral("broken")));
    }

    void usageRaisesCostUntilBlocked()
    {
        const auto u = m_client.call(QStringLiteral("openshell/usage"), {{QStringLiteral("cost"), 6.0}, {QStringLiteral("tokens"), 1200}});
        QCOMPARE(u[QStringLiteral("result")][QStringLiteral("total_cost")].toDouble(), 6.0);
        // Written as a person would: no "6.000000".
        const auto usage = std::find_if(m_audit.events.begin(), m_audit.events.end(),
                                        [](const osh::AuditEvent &e) { return e.type == "usage"; });
        QVERIFY(usage != m_audit.events.end());
        QCOMPARE(QString::fromStdString(usage->message), QStringLiteral("cost 6, session total 6"));
        m_client.call(QStringLiteral("openshell/usage"), {{QStringLiteral("cost"), 0.43}});
        QCOMPARE(QString::fromStdString(m_audit.events.back().message), QStringLiteral("cost 0.43, session total 6.43"));
        const auto r = m_client.toolCall("echo");
        QVERIFY(isError(r));
        QVERIFY(text(r).contains(QStringLiteral("over budget")));
        QVERIFY(m_client.call(QStringLiteral("openshell/usage"), {{QStringLiteral("cost"), -1}}).contains(QStringLiteral("error")));
    }

    void responses()
    {
        auto r = m_client.call(QStringLiteral("openshell/respond"), {{QStringLiteral("text"), QStringLiteral("Your SSN 123-45-6789 is on file.")}});
        QCOMPARE(r[QStringLiteral("result")][QStringLiteral("decision")].toString(), QStringLiteral("redact"));
        QCOMPARE(r[QStringLiteral("result")][QStringLiteral("text")].toString(), QStringLiteral("Your SSN [REDACTED:ssn] is on file."));
        r = m_client.call(QStringLiteral("openshell/respond"), {{QStringLiteral("text"), QStringLiteral("You IDIOT")}});
        QCOMPARE(r[QStringLiteral("result")][QStringLiteral("delivered")].toBool(), false);
        QVERIFY(r[QStringLiteral("result")][QStringLiteral("text")].isNull());
        r = m_client.call(QStringLiteral("openshell/reasoning"), {{QStringLiteral("text"), QStringLiteral("thinking")}});
        QVERIFY(r.contains(QStringLiteral("result")));
        QCOMPARE(m_audit.count("reasoning"), 1);
    }

    void protocolErrors()
    {
        QCOMPARE(m_client.sendRaw("{not json")[QStringLiteral("error")][QStringLiteral("code")].toInt(), -32700);
        QCOMPARE(m_client.sendRaw(R"({"jsonrpc":"1.0","id":1,"method":"ping"})")[QStringLiteral("error")][QStringLiteral("code")].toInt(), -32600);
        QCOMPARE(m_client.call(QStringLiteral("nope"))[QStringLiteral("error")][QStringLiteral("code")].toInt(), -32601);
        QCOMPARE(m_client.call(QStringLiteral("tools/call"), {})[QStringLiteral("error")][QStringLiteral("code")].toInt(), -32602);
        // Still serving afterwards.
        QVERIFY(!isError(m_client.toolCall("echo")));
    }

    void fileOperations()
    {
        auto file = [&](const char *op, const char *path, const QString &content = {}) {
            return m_client.call(QStringLiteral("openshell/file"), {{QStringLiteral("operation"), QString::fromLatin1(op)},
                                                           {QStringLiteral("path"), QString::fromLatin1(path)},
                                                           {QStringLiteral("content"), content}})[QStringLiteral("result")]
                .toObject();
        };
        QVERIFY(file("write", "/agent/workspace/notes.txt", QStringLiteral("hello"))[QStringLiteral("ok")].toBool());
        QCOMPARE(file("read", "notes.txt")[QStringLiteral("content")].toString(), QStringLiteral("hello"));
        QVERIFY(!file("write", "/agent/workspace/new/deeper/plan.md", QStringLiteral("steps"))[QStringLiteral("ok")].toBool());
        QVERIFY(file("write", "/agent/workspace/new/deeper/plan.json", QStringLiteral("{}"))[QStringLiteral("ok")].toBool());
        QVERIFY(QFile::exists(workspace() + QStringLiteral("/new/deeper/plan.json")));
        QCOMPARE(file("list", "/agent/workspace")[QStringLiteral("entries")].toArray().size(), 2); // notes.txt, new/
        const auto exe = file("write", "/agent/workspace/run.sh", QStringLiteral("rm -rf /"));
        QVERIFY(!exe[QStringLiteral("ok")].toBool());
        QCOMPARE(exe[QStringLiteral("decision")].toString(), QStringLiteral("block"));
        QVERIFY(!QFile::exists(workspace() + QStringLiteral("/run.sh")));
        QVERIFY(!file("read", "/etc/passwd")[QStringLiteral("ok")].toBool());
        QVERIFY(!file("read", "/agent/workspace/../../etc/passwd")[QStringLiteral("ok")].toBool());
        // Write-only output: written (and its content passes data_output policies), never read back.
        QVERIFY(file("write", "/agent/out/report.json", QStringLiteral("card 4111 1111 1111 1111"))[QStringLiteral("ok")].toBool());
        QFile out(m_dir.filePath(QStringLiteral("out/report.json")));
        QVERIFY(out.open(QIODevice::ReadOnly));
        QCOMPARE(out.readAll(), QByteArray("card [REDACTED:credit_card]"));
        QVERIFY(!file("read", "/agent/out/report.json")[QStringLiteral("ok")].toBool());
        QVERIFY(file("delete", "/agent/workspace/notes.txt")[QStringLiteral("ok")].toBool());
        QVERIFY(!QFile::exists(workspace() + QStringLiteral("/notes.txt")));
    }

    void symlinkPlantedByAgentCodeDoesNotLeak()
    {
        // Agent code wrote a link directly into its workspace; the controller must not follow it.
        QVERIFY(QFile::link(QStringLiteral("/etc/hostname"), workspace() + QStringLiteral("/leak.txt")));
        const auto r = m_client.call(QStringLiteral("openshell/file"), {{QStringLiteral("operation"), QStringLiteral("read")},
                                                               {QStringLiteral("path"), QStringLiteral("/agent/workspace/leak.txt")}});
        QVERIFY(!r[QStringLiteral("result")][QStringLiteral("ok")].toBool());
        QVERIFY(!r[QStringLiteral("result")].toObject().contains(QStringLiteral("content")));
        QCOMPARE(m_audit.count("file_access", "block"), 1); // the refusal is audited as one
        // Creating links through the controller is refused (block_symlinks).
        const auto s = m_client.call(QStringLiteral("openshell/file"), {{QStringLiteral("operation"), QStringLiteral("symlink")},
                                                               {QStringLiteral("path"), QStringLiteral("/agent/workspace/l.txt")},
                                                               {QStringLiteral("target"), QStringLiteral("/etc/passwd")}});
        QVERIFY(!s[QStringLiteral("result")][QStringLiteral("ok")].toBool());
    }

    void archiveThatCannotBeMeasuredIsNotWritten()
    {
        // A zip whose first entry is damaged: what cannot be measured for
        // a bomb is not written.
        const QByteArray broken = QByteArray("PK\x03\x04\x14\x00\x00\x00\x08\x00", 10) + QByteArray(40, '\xff');
        const auto r = m_client.call(QStringLiteral("openshell/file"), {{QStringLiteral("operation"), QStringLiteral("write")},
                                                               {QStringLiteral("path"), QStringLiteral("/agent/workspace/broken.zip")},
                                                               {QStringLiteral("encoding"), QStringLiteral("base64")},
                                                               {QStringLiteral("content"), QString::fromLatin1(broken.toBase64())}});
        QVERIFY(!r[QStringLiteral("result")][QStringLiteral("ok")].toBool());
        QVERIFY2(r[QStringLiteral("result")][QStringLiteral("message")].toString().contains(QStringLiteral("cannot be measured")),
                 qPrintable(r[QStringLiteral("result")][QStringLiteral("message")].toString()));
        QVERIFY(!QFile::exists(workspace() + QStringLiteral("/broken.zip")));
        QCOMPARE(m_audit.count("file_access", "block"), 1);
    }

    void zipBombRefused()
    {
        QProcess py;
        const QString bomb = m_dir.filePath(QStringLiteral("bomb.zip"));
        py.start(QStringLiteral("python3"), {QStringLiteral("-c"),
                                             QStringLiteral("import zipfile,sys\n"
                                                            "z=zipfile.ZipFile(sys.argv[1],'w',zipfile.ZIP_DEFLATED)\n"
                                                            "z.writestr('zeros.txt', b'\\0'*(20*1024*1024))\nz.close()"),
                                             bomb});
        QVERIFY(py.waitForFinished(30000));
        QCOMPARE(py.exitCode(), 0);
        QFile f(bomb);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QByteArray data = f.readAll();
        QVERIFY(data.size() < 1024 * 1024);
        const auto r = m_client.call(QStringLiteral("openshell/file"), {{QStringLiteral("operation"), QStringLiteral("write")},
                                                               {QStringLiteral("path"), QStringLiteral("/agent/workspace/data.zip")},
                                                               {QStringLiteral("encoding"), QStringLiteral("base64")},
                                                               {QStringLiteral("content"), QString::fromLatin1(data.toBase64())}});
        QVERIFY(!r[QStringLiteral("result")][QStringLiteral("ok")].toBool());
        QVERIFY2(r[QStringLiteral("result")][QStringLiteral("message")].toString().contains(QStringLiteral("100:1")),
                 qPrintable(r[QStringLiteral("result")][QStringLiteral("message")].toString()));
        QVERIFY(!QFile::exists(workspace() + QStringLiteral("/data.zip")));
    }
};

QTEST_GUILESS_MAIN(TstGateway)
#include "tst_gateway.moc"
