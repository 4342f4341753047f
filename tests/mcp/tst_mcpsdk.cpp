// MCP software nobody here wrote (tests/mcp/node_modules, pinned by
// package-lock.json), inside real gVisor sessions:
// - the official TypeScript SDK's client, connected by configuration alone:
//   it spawns /opt/openshell/bin/openshell-mcp, which relays to the
//   session's gateway. Initialize, list, an allowed call (a pooled Python
//   tool), a blocked call and a redacted result, each decided and audited;
// - the reference servers (server-everything, server-filesystem on the
//   session's workspace) run as tools (`mcp:`), their calls decided and
//   audited, one of them blocked by name.
// Needs root, node and tests/mcp/node_modules (scripts/setup.sh).

#include "audit/auditstore.h"
#include "model/policyvalidator.h"
#include "sandbox/sandbox.h"
#include "session/agentsession.h"

#include <QDir>
#include <QEventLoop>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

#include <algorithm>

#include <unistd.h>

using namespace osh;
using namespace osh::runtime;

class TstMcpSdk : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;

    struct Run
    {
        QJsonObject seen; // what the SDK client printed
        std::vector<AuditEvent> events;
        QByteArray err;
    };

    // Runs the SDK client with plan in a session of policy; what it saw.
    Run run(const std::string &policy, const QJsonObject &plan)
    {
        Run out;
        ValidationOptions vo;
        vo.baseDir = m_dir.path().toStdString();
        const auto loaded = PolicyValidator::checkText(policy, "mcp.policy.yaml", vo);
        if (!loaded.document || hasErrors(loaded.diagnostics)) {
            for (const auto &d : loaded.diagnostics)
                qWarning("%s", d.format().c_str());
            return out;
        }
        std::string error;
        auto store = AuditStore::open(m_dir.filePath(QStringLiteral("audit-%1.db").arg(++m_runs)).toStdString(), error);
        if (!store)
            return out;
        AgentSession::Options o;
        o.policyFile = m_dir.filePath(QStringLiteral("mcp.policy.yaml"));
        o.document = loaded.document;
        o.command = {QStringLiteral("node"), QStringLiteral("/opt/mcp-client/sdk-client.mjs"),
                     QString::fromUtf8(QJsonDocument(plan).toJson(QJsonDocument::Compact))};
        o.dataDir = m_dir.filePath(QStringLiteral("data"));
        o.store = store.get();
        o.approvals = AgentSession::Approvals::AutoDeny;
        AgentSession session(o);
        QByteArray stdoutData;
        QEventLoop loop;
        connect(&session, &AgentSession::agentOutput, &loop, [&](bool e, const QByteArray &d) { (e ? out.err : stdoutData) += d; });
        connect(&session, &AgentSession::finished, &loop, [&] { loop.quit(); });
        QTimer::singleShot(170000, &loop, &QEventLoop::quit);
        QString why;
        if (!session.start(&why)) {
            out.err = why.toUtf8();
            return out;
        }
        loop.exec();
        out.seen = QJsonDocument::fromJson(stdoutData.trimmed().split('\n').last()).object();
        store->flush();
        AuditQuery q;
        q.sessionId = session.id().toStdString();
        out.events = store->query(q);
        return out;
    }
    int m_runs = 0;

    static bool has(const std::vector<AuditEvent> &events, const char *type, const char *tool, const char *decision,
                    const char *message = nullptr)
    {
        return std::any_of(events.begin(), events.end(), [&](const AuditEvent &e) {
            return e.type == type && e.tool == tool && (!decision || e.decision == decision)
                && (!message || e.message.find(message) != std::string::npos);
        });
    }

private Q_SLOTS:
    void initTestCase()
    {
        if (::geteuid() != 0)
            QSKIP("sessions with real sandboxes need root");
        const QString modules = QStringLiteral(OSH_SOURCE_DIR "/tests/mcp/node_modules/@modelcontextprotocol/sdk");
        QVERIFY2(QFileInfo(modules).isDir(), "tests/mcp/node_modules is missing: run scripts/setup.sh (npm ci in tests/mcp)");
        QVERIFY2(!QStandardPaths::findExecutable(QStringLiteral("node")).isEmpty(), "node is missing: run scripts/setup.sh");
        QVERIFY2(Sandbox::availability(Isolation::Gvisor).isEmpty(), qPrintable(Sandbox::availability(Isolation::Gvisor)));
        QVERIFY(m_dir.isValid());
        QFile::setPermissions(m_dir.path(), QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner | QFile::ReadGroup
                                                | QFile::ExeGroup | QFile::ReadOther | QFile::ExeOther);
    }

    void referenceServersAsTools()
    {
        const std::string policy = R"yaml(version: 1
name: mcp-servers
sandbox: {isolation: gvisor, max_memory_mb: 2048, max_open_files: 1024, max_processes: 200, max_execution_time_seconds: 160}
filesystem:
  workspace: /agent/workspace
  rules:
    - {path: /agent/workspace, permissions: read-write}
    - {path: /opt/mcp-client, permissions: read, source: )yaml" OSH_SOURCE_DIR R"yaml(/tests/mcp}
policies:
  - {name: no-sums, trigger: tool_call, condition: "tool.name == 'everything.get-sum'", action: block, message: sums are not for agents}
  - {name: ghost, trigger: tool_call, condition: "tool.name == 'everything.no_such_tool'", action: block}
  - {name: files-in-workspace, trigger: tool_call, condition: "tool.server == 'files' and tool.args.path != null and not starts_with(tool.args.path, '/agent/workspace/')", action: block, message: files stay in the workspace}
  - {name: pii-out, trigger: data_output, condition: contains_pii(output), action: redact}
tools:
  - {name: everything, mcp: [node, /opt/mcp-client/node_modules/@modelcontextprotocol/server-everything/dist/index.js, stdio]}
  - {name: files, mcp: [node, /opt/mcp-client/node_modules/@modelcontextprotocol/server-filesystem/dist/index.js, /agent/workspace]}
)yaml";
        auto call = [](const char *name, const QJsonObject &args) { return QJsonArray{QString::fromLatin1(name), args}; };
        const QJsonObject plan{
            {QStringLiteral("settleMs"), 0},
            {QStringLiteral("calls"),
             QJsonArray{call("everything.echo", {{QStringLiteral("message"), QStringLiteral("hello")}}),
                        call("everything.get-sum", {{QStringLiteral("a"), 1}, {QStringLiteral("b"), 2}}),
                        call("everything.echo", {{QStringLiteral("message"), QStringLiteral("card 4111 1111 1111 1111")}}),
                        call("files.write_file", {{QStringLiteral("path"), QStringLiteral("/agent/workspace/note.txt")},
                                                  {QStringLiteral("content"), QStringLiteral("from the server")}}),
                        call("files.read_text_file", {{QStringLiteral("path"), QStringLiteral("/agent/workspace/note.txt")}}),
                        call("files.read_text_file", {{QStringLiteral("path"), QStringLiteral("/etc/passwd")}})}}};
        const Run r = run(policy, plan);
        QVERIFY2(!r.seen.isEmpty(), r.err.constData());
        const QJsonArray tools = r.seen[QStringLiteral("tools")].toArray();
        QVERIFY2(tools.contains(QStringLiteral("everything.echo")) && tools.contains(QStringLiteral("everything.get-sum"))
                     && tools.contains(QStringLiteral("files.read_text_file")),
                 QJsonDocument(tools).toJson().constData());
        const QJsonArray calls = r.seen[QStringLiteral("calls")].toArray();
        QCOMPARE(calls.size(), 6);
        auto text = [&](int i) { return calls[i][QStringLiteral("text")].toString(); };
        auto error = [&](int i) { return calls[i][QStringLiteral("isError")].toBool(); };
        QVERIFY2(!error(0) && text(0) == QStringLiteral("Echo: hello"), qPrintable(text(0)));
        QVERIFY(error(1));
        QVERIFY2(text(1).contains(QStringLiteral("sums are not for agents")), qPrintable(text(1)));
        QVERIFY2(!error(2) && text(2).contains(QStringLiteral("[REDACTED:credit_card]")), qPrintable(text(2)));
        QVERIFY(!text(2).contains(QStringLiteral("4111")));
        QVERIFY2(!error(3), qPrintable(text(3)));
        QVERIFY2(!error(4) && text(4).contains(QStringLiteral("from the server")), qPrintable(text(4)));
        // tool.server in a condition: the files server is held to the workspace.
        QVERIFY(error(5));
        QVERIFY2(text(5).contains(QStringLiteral("files stay in the workspace")), qPrintable(text(5)));

        QVERIFY(has(r.events, "tool_call", "everything.echo", "allow"));
        QVERIFY(has(r.events, "tool_call", "everything.get-sum", "block"));
        QVERIFY(has(r.events, "data_output", "everything.echo", "redact"));
        QVERIFY(has(r.events, "tool_call", "files.write_file", "allow"));
        QVERIFY(has(r.events, "tool_result", "files.read_text_file", nullptr, "answered"));
        QVERIFY(has(r.events, "sandbox", "everything", nullptr, "MCP server 'everything' ready"));
        // The validator's question at first list: a policy naming a tool the server lacks.
        QVERIFY(has(r.events, "sandbox", "everything", nullptr, "policy 'ghost' names tool 'everything.no_such_tool'"));
    }

    // A ready tool sandbox's process runs before its call: what it sends
    // to the network then is held by the guardian, undecided, until the
    // call has been decided and handed to it (end to end, real guardian).
    void readySandboxReachesNothingBeforeItsCall()
    {
        QFile script(m_dir.filePath(QStringLiteral("early.py")));
        QVERIFY(script.open(QIODevice::WriteOnly));
        script.write("import json, socket, sys\n"
                     "s = socket.create_connection(('127.0.0.1', 3128))\n"
                     "s.sendall(b'CONNECT blocked.test:443 HTTP/1.1\\r\\nHost: blocked.test:443\\r\\n\\r\\n')\n"
                     "args = json.load(sys.stdin)\n"
                     "s.settimeout(20)\n"
                     "print(json.dumps({'answer': s.recv(200).decode(errors='replace').split('\\r\\n')[0]}))\n");
        script.close();
        const std::string policy = R"yaml(version: 1
name: early-net
sandbox: {isolation: gvisor, max_memory_mb: 1024, max_open_files: 1024, max_processes: 100, max_execution_time_seconds: 120}
filesystem:
  workspace: /agent/workspace
  rules:
    - {path: /agent/workspace, permissions: read-write}
    - {path: /opt/mcp-client, permissions: read, source: )yaml" OSH_SOURCE_DIR R"yaml(/tests/mcp}
tools:
  - {name: early, command: [python3, early.py], pool: 1, prestart: true}
)yaml";
        const QJsonObject plan{{QStringLiteral("repeat"),
                                QJsonArray{QJsonObject{{QStringLiteral("name"), QStringLiteral("early")},
                                                       {QStringLiteral("args"), QJsonObject()},
                                                       {QStringLiteral("count"), 1},
                                                       {QStringLiteral("settleMs"), 4000}}}}};
        const Run r = run(policy, plan);
        QVERIFY2(!r.seen.isEmpty(), r.err.constData());
        auto seqOf = [&](const char *type) {
            const auto it = std::find_if(r.events.begin(), r.events.end(),
                                         [&](const AuditEvent &e) { return e.type == type && e.tool == "early"; });
            return it == r.events.end() ? std::int64_t(-1) : it->seq;
        };
        const auto call = seqOf("tool_call");
        const auto egress = seqOf("network_egress");
        QVERIFY(call > 0);
        QVERIFY2(egress > call, qPrintable(QStringLiteral("the tool's connection was decided at event %1, its call at %2").arg(egress).arg(call)));
        QVERIFY(has(r.events, "network_egress", "early", "block"));
    }

    void officialClientThroughTheBridge()
    {
        QFile script(m_dir.filePath(QStringLiteral("echo.py")));
        QVERIFY(script.open(QIODevice::WriteOnly));
        script.write("import json, sys\nprint(json.dumps({\"echo\": json.load(sys.stdin)}))\n");
        script.close();
        const QJsonObject plan{
            {QStringLiteral("calls"),
             QJsonArray{QJsonArray{QStringLiteral("echo"), QJsonObject{{QStringLiteral("q"), QStringLiteral("refund")}}},
                        QJsonArray{QStringLiteral("shell"), QJsonObject()},
                        QJsonArray{QStringLiteral("card_lookup"), QJsonObject()}}}};
        const std::string policy = R"(version: 1
name: mcp-sdk
sandbox: {isolation: gvisor, max_memory_mb: 1024, max_open_files: 1024, max_processes: 100, max_execution_time_seconds: 120}
filesystem:
  workspace: /agent/workspace
  rules:
    - {path: /agent/workspace, permissions: read-write}
    - {path: /opt/mcp-client, permissions: read, source: )" OSH_SOURCE_DIR R"(/tests/mcp}
policies:
  - {name: no-shell, trigger: tool_call, condition: "tool.name == 'shell'", action: block, message: shell is not allowed}
  - {name: pii-out, trigger: data_output, condition: contains_pii(output), action: redact}
tools:
  - {name: echo, description: Echoes its arguments, command: [python3, echo.py], pool: 1, prestart: true}
  - {name: card_lookup, command: [sh, -c, "cat >/dev/null; echo '{\"card\": \"4111 1111 1111 1111\"}'"], pool: 0}
  - {name: shell, command: [sh, -c, "echo pwned"], pool: 0}
)";
        const Run r = run(policy, plan);
        const QJsonObject &seen = r.seen;
        QVERIFY2(!seen.isEmpty(), r.err.constData());
        QCOMPARE(seen[QStringLiteral("server")][QStringLiteral("name")].toString(), QStringLiteral("openshell-gateway"));
        QCOMPARE(seen[QStringLiteral("tools")].toArray(),
                 (QJsonArray{QStringLiteral("echo"), QStringLiteral("card_lookup"), QStringLiteral("shell")}));
        const QJsonArray calls = seen[QStringLiteral("calls")].toArray();
        QCOMPARE(calls.size(), 3);
        const QJsonObject echo = calls[0].toObject();
        QVERIFY2(!echo[QStringLiteral("isError")].toBool(), qPrintable(echo[QStringLiteral("text")].toString()));
        // Structured content exists from MCP 2025-06-18: the SDK's version was negotiated.
        QCOMPARE(echo[QStringLiteral("structured")][QStringLiteral("echo")][QStringLiteral("q")].toString(), QStringLiteral("refund"));
        const QJsonObject shell = calls[1].toObject();
        QVERIFY(shell[QStringLiteral("isError")].toBool());
        QVERIFY(shell[QStringLiteral("text")].toString().contains(QStringLiteral("shell is not allowed")));
        QVERIFY(!QJsonDocument(shell).toJson().contains("pwned"));
        const QJsonObject card = calls[2].toObject();
        QVERIFY(!card[QStringLiteral("isError")].toBool());
        QVERIFY2(card[QStringLiteral("text")].toString().contains(QStringLiteral("[REDACTED:credit_card]")),
                 qPrintable(card[QStringLiteral("text")].toString()));
        QCOMPARE(card[QStringLiteral("decision")].toString(), QStringLiteral("redact"));
        QVERIFY(!QJsonDocument(card).toJson().contains("4111"));

        // Each decided and audited.
        const auto &events = r.events;
        QVERIFY(has(events, "tool_call", "echo", "allow"));
        QVERIFY(has(events, "tool_call", "shell", "block"));
        QVERIFY(has(events, "data_output", "card_lookup", "redact"));
        const auto pooled = std::find_if(events.begin(), events.end(), [](const AuditEvent &e) {
            return e.type == "tool_result" && e.tool == "echo";
        });
        QVERIFY(pooled != events.end());
        QVERIFY2(pooled->parameters.find("\"sandbox\":\"pooled\"") != std::string::npos, pooled->parameters.c_str());
    }
};

QTEST_GUILESS_MAIN(TstMcpSdk)
#include "tst_mcpsdk.moc"
