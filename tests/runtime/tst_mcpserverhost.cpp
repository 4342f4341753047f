// An MCP server as a tool entry, against a real gVisor sandbox: the client
// side of MCP (initialize, paged tools/list, calls), a server that dies
// mid-call (the call fails, the end is an event, the server comes back
// after its backoff), tools/list_changed, the server's own requests
// (answered "method not found"), an oversized message, and the end of the
// session. Needs root.

#include "session/mcpserverhost.h"

#include "sandbox/sandbox.h"

#include <QDir>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QJsonDocument>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

#include <unistd.h>

using namespace osh;
using namespace osh::runtime;

class TstMcpServerHost : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    QStringList m_events;

    std::unique_ptr<McpServerHost> host(std::vector<std::string> extra = {})
    {
        ToolSpec entry;
        entry.name = "fake";
        entry.mcp = {"python3", "fake_server.py"};
        entry.mcp.insert(entry.mcp.end(), extra.begin(), extra.end());
        McpServerHost::Options o;
        o.sessionId = QStringLiteral("mh%1").arg(::getpid());
        o.runDir = m_dir.filePath(QStringLiteral("run"));
        o.policyDir = QStringLiteral(OSH_TEST_DATA_DIR "/mcp");
        o.policyMount = QStringLiteral("/opt/openshell/policy");
        SandboxSpec &b = o.base;
        b.isolation = Isolation::Gvisor;
        b.limits.memoryMb = 512;
        b.limits.wallTimeSeconds = 120;
        b.workspaceHostDir = m_dir.filePath(QStringLiteral("ws"));
        QDir().mkpath(b.workspaceHostDir);
        b.workingDir = o.policyMount;
        b.mounts << SandboxMount{o.policyDir, o.policyMount, true};
        o.event = [this](const QString &m, bool) { m_events << m; };
        m_events.clear();
        return std::make_unique<McpServerHost>(entry, o);
    }

    static std::pair<QJsonObject, QString> call(McpServerHost &h, const char *tool, double timeout = 20)
    {
        std::pair<QJsonObject, QString> out;
        bool done = false;
        QEventLoop loop;
        h.call(QString::fromLatin1(tool), {}, timeout, [&](QJsonObject r, QString e) {
            out = {r, e};
            done = true;
            loop.quit();
        });
        if (!done) {
            QTimer::singleShot(60000, &loop, &QEventLoop::quit);
            loop.exec();
        }
        return out;
    }
    static QString text(const QJsonObject &r) { return r[QStringLiteral("content")][0][QStringLiteral("text")].toString(); }
    bool logged(const QString &part) const
    {
        return std::any_of(m_events.begin(), m_events.end(), [&](const QString &e) { return e.contains(part); });
    }

private Q_SLOTS:
    void initTestCase()
    {
        if (::geteuid() != 0)
            QSKIP("MCP servers run in real sandboxes: needs root");
        QVERIFY2(Sandbox::availability(Isolation::Gvisor).isEmpty(), qPrintable(Sandbox::availability(Isolation::Gvisor)));
        QVERIFY(m_dir.isValid());
    }

    void listsCallsAndComesBack()
    {
        auto h = host();
        QSignalSpy changed(h.get(), &McpServerHost::toolsChanged);
        h->start();
        // A call made while it starts waits for it.
        const auto early = call(*h, "hello");
        QVERIFY2(early.second.isEmpty(), qPrintable(early.second));
        QVERIFY(text(early.first).startsWith(QStringLiteral("hello from pid")));
        QCOMPARE(h->tools().size(), 7); // both pages
        QVERIFY(logged(QStringLiteral("MCP server 'fake' ready (start 1): 7 tool(s): hello, boom, change, ask, flood, relist, lists")));

        const auto unknown = call(*h, "nothing");
        QVERIFY(unknown.second.contains(QStringLiteral("offers no tool 'nothing'")));

        // The server's own request is answered "method not found".
        const auto asked = call(*h, "ask");
        QVERIFY2(text(asked.first).contains(QStringLiteral("-32601")), qPrintable(text(asked.first)));

        const int lists = static_cast<int>(changed.size());
        const auto change = call(*h, "change");
        QCOMPARE(text(change.first), QStringLiteral("changed"));
        QTRY_COMPARE(changed.size(), lists + 1);
        QCOMPARE(h->tools().size(), 8);

        // A flood of change announcements is read as one or two lists.
        const int listsBefore = text(call(*h, "lists").first).toInt();
        QCOMPARE(text(call(*h, "relist").first), QStringLiteral("announced"));
        QTest::qWait(1000);
        const int listsAfter = text(call(*h, "lists").first).toInt();
        QVERIFY2(listsAfter - listsBefore <= 4, qPrintable(QStringLiteral("%1 tools/list requests").arg(listsAfter - listsBefore)));

        const auto boom = call(*h, "boom");
        QVERIFY2(boom.second.contains(QStringLiteral("MCP server 'fake' ended")), qPrintable(boom.second));
        QVERIFY(!h->isReady());
        QVERIFY(logged(QStringLiteral("restarting in 1 s")));
        QTRY_VERIFY_WITH_TIMEOUT(h->isReady(), 30000);
        QVERIFY(logged(QStringLiteral("ready (start 2)")));
        QVERIFY(call(*h, "hello").second.isEmpty());

        // A line past the message limit ends the server, as a crash does.
        const auto flood = call(*h, "flood");
        QVERIFY2(flood.second.contains(QStringLiteral("more than 16 MiB")), qPrintable(flood.second));
        QTRY_VERIFY(logged(QStringLiteral("restarting in 2 s")));

        // The session ends: no restart; a call is refused.
        h->stop();
        QCOMPARE(call(*h, "hello").second, QStringLiteral("the session ended"));
        QTest::qWait(2500);
        QVERIFY(!logged(QStringLiteral("ready (start 3)")));
    }

    // A call that waits for a server that never gets ready fails within its
    // own time, and is never forwarded after it.
    void waitingCallsKeepTheirTimeout()
    {
        auto h = host({"--silent"});
        h->start();
        QElapsedTimer t;
        t.start();
        const auto r = call(*h, "hello", 1);
        QVERIFY2(r.second.contains(QStringLiteral("was not ready within the call's 1 s")), qPrintable(r.second));
        QVERIFY2(t.elapsed() < 5000, qPrintable(QString::number(t.elapsed())));
        h->stop();
    }
};

QTEST_GUILESS_MAIN(TstMcpServerHost)
#include "tst_mcpserverhost.moc"
