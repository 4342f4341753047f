// The official MCP TypeScript SDK's client (tests/mcp/node_modules, pinned
// by package-lock.json) inside a real gVisor session, connected by
// configuration alone: it spawns /opt/openshell/bin/openshell-mcp, which
// relays to the session's gateway. Initialize, list, an allowed call (a
// pooled Python tool), a blocked call and a redacted result, each decided
// and audited. Needs root, node and tests/mcp/node_modules (scripts/setup.sh).

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

#include <unistd.h>

using namespace osh;
using namespace osh::runtime;

class TstMcpSdk : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;

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
        ValidationOptions vo;
        vo.baseDir = m_dir.path().toStdString();
        const auto loaded = PolicyValidator::checkText(policy, "mcp.policy.yaml", vo);
        QVERIFY(loaded.document && !hasErrors(loaded.diagnostics));
        std::string error;
        auto store = AuditStore::open(m_dir.filePath(QStringLiteral("audit.db")).toStdString(), error);
        QVERIFY2(store, error.c_str());

        AgentSession::Options o;
        o.policyFile = m_dir.filePath(QStringLiteral("mcp.policy.yaml"));
        o.document = loaded.document;
        o.command = {QStringLiteral("node"), QStringLiteral("/opt/mcp-client/sdk-client.mjs"),
                     QString::fromUtf8(QJsonDocument(plan).toJson(QJsonDocument::Compact))};
        o.dataDir = m_dir.filePath(QStringLiteral("data"));
        o.store = store.get();
        o.approvals = AgentSession::Approvals::AutoDeny;
        AgentSession session(o);
        QByteArray out, err;
        int status = -1;
        QEventLoop loop;
        connect(&session, &AgentSession::agentOutput, &loop, [&](bool e, const QByteArray &d) { (e ? err : out) += d; });
        connect(&session, &AgentSession::finished, &loop, [&](int s) {
            status = s;
            loop.quit();
        });
        QTimer::singleShot(150000, &loop, &QEventLoop::quit);
        QString why;
        QVERIFY2(session.start(&why), qPrintable(why));
        loop.exec();
        QVERIFY2(status == 0, err.constData());

        const QJsonObject seen = QJsonDocument::fromJson(out.trimmed().split('\n').last()).object();
        QVERIFY2(!seen.isEmpty(), out.constData());
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
        store->flush();
        AuditQuery q;
        q.sessionId = session.id().toStdString();
        const auto events = store->query(q);
        auto has = [&](const char *type, const char *tool, const char *decision) {
            return std::any_of(events.begin(), events.end(), [&](const AuditEvent &e) {
                return e.type == type && e.tool == tool && (!decision || e.decision == decision);
            });
        };
        QVERIFY(has("tool_call", "echo", "allow"));
        QVERIFY(has("tool_call", "shell", "block"));
        QVERIFY(has("data_output", "card_lookup", "redact"));
        const auto pooled = std::find_if(events.begin(), events.end(), [](const AuditEvent &e) {
            return e.type == "tool_result" && e.tool == "echo";
        });
        QVERIFY(pooled != events.end());
        QVERIFY2(pooled->parameters.find("\"sandbox\":\"pooled\"") != std::string::npos, pooled->parameters.c_str());
    }
};

QTEST_GUILESS_MAIN(TstMcpSdk)
#include "tst_mcpsdk.moc"
