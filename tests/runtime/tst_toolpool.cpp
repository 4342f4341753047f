// Pooled tool sandboxes against real runtimes (runsc and crun): a call
// takes a sandbox whose tool process is already waiting on its standard
// input, and nothing of one call reaches the next. Needs root.

#include "session/sandboxtoolrunner.h"

#include <QDir>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QLocalServer>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

using namespace osh;
using namespace osh::runtime;

namespace {

struct Event
{
    QString tool;
    QString message;
    bool warning = false;
};

ToolSpec tool(const char *name, std::vector<std::string> command, int pool, bool prestart, double timeout = 20)
{
    ToolSpec t;
    t.name = name;
    t.command = std::move(command);
    t.pool = pool;
    t.prestart = prestart;
    t.timeoutSeconds = timeout;
    return t;
}

// Distinct sandbox cgroups (one name per hierarchy on a v1 host).
int sandboxCgroups(const QString &prefix)
{
    QSet<QString> names;
    const QDir root(QStringLiteral("/sys/fs/cgroup"));
    const QStringList top = root.entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    QStringList dirs{root.path()};
    for (const QString &h : top)
        dirs << root.filePath(h);
    for (const QString &d : dirs)
        for (const QString &n : QDir(d).entryList({QStringLiteral("osh-sbx-") + prefix + QLatin1Char('*')}, QDir::Dirs))
            names.insert(n);
    return static_cast<int>(names.size());
}

} // namespace

class TstToolPool : public QObject
{
    Q_OBJECT

    QTemporaryDir m_tmp;
    QList<Event> m_events;
    int m_sessions = 0;
    QString m_session;

    std::unique_ptr<SandboxToolRunner> runner(SandboxLimits limits = {},
                                              const std::function<void(SandboxToolRunner::Options &)> &adjust = {})
    {
        QFETCH(int, isolation);
        SandboxToolRunner::Options o;
        m_session = QStringLiteral("tp%1-%2").arg(::getpid()).arg(++m_sessions);
        o.sessionId = m_session;
        o.runDir = m_tmp.filePath(o.sessionId);
        o.policyDir = m_tmp.filePath(QStringLiteral("policy"));
        o.isolation = static_cast<Isolation>(isolation);
        limits.wallTimeSeconds = 60;
        limits.maxOpenFiles = 64;
        o.limits = limits;
        o.event = [this](const QString &t, const QString &m, bool w) { m_events.append({t, m, w}); };
        m_events.clear();
        if (adjust)
            adjust(o);
        return std::make_unique<SandboxToolRunner>(o);
    }

    static ToolResult call(SandboxToolRunner &r, const ToolSpec &t, const QByteArray &args)
    {
        ToolResult out;
        bool done = false;
        QEventLoop loop;
        r.run(t, args, [&](ToolResult res) {
            out = std::move(res);
            done = true;
            loop.quit();
        });
        if (!done) {
            QTimer::singleShot(60000, &loop, &QEventLoop::quit);
            loop.exec();
        }
        if (!done)
            qWarning("the call did not finish within 60 s");
        return out;
    }

    bool logged(const QString &part) const
    {
        return std::any_of(m_events.begin(), m_events.end(), [&](const Event &e) { return e.message.contains(part); });
    }

    static void modes()
    {
        QTest::addColumn<int>("isolation");
        QTest::newRow("gvisor") << int(Isolation::Gvisor);
        QTest::newRow("container") << int(Isolation::Container);
    }

    // Behaviours of the runner itself, the same in both modes: once.
    static void gvisorOnly()
    {
        QTest::addColumn<int>("isolation");
        QTest::newRow("gvisor") << int(Isolation::Gvisor);
    }

private Q_SLOTS:
    void initTestCase()
    {
        if (::geteuid() != 0)
            QSKIP("pooled sandboxes need root (cgroups)");
        QVERIFY(m_tmp.isValid());
        const QString policy = m_tmp.filePath(QStringLiteral("policy"));
        QVERIFY(QDir().mkpath(policy));
        QDir().mkpath(m_tmp.filePath(QStringLiteral("policy")));
        auto write = [&](const char *name, const char *text) {
            QFile f(QDir(policy).filePath(QString::fromUtf8(name)));
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(text);
        };
        // Says whether anything of an earlier call is visible, then leaves traces.
        write("probe.sh", "args=$(cat)\n"
                          "if [ -e /agent/workspace/mark ] || [ -e /tmp/mark ]; then echo \"seen $args\"; else echo \"fresh $args\"; fi\n"
                          "echo x > /agent/workspace/mark; echo x > /tmp/mark\n"
                          "echo \"nproc=$(ulimit -u) nofile=$(ulimit -n) uid=$(id -u)\"\n");
        write("hang.sh", "args=$(cat)\ncase \"$args\" in *hang*) sleep 60;; esac\necho ok\n");
        QFile::setPermissions(policy, QFile::ReadOwner | QFile::ExeOwner | QFile::ReadOther | QFile::ExeOther
                                          | QFile::ReadGroup | QFile::ExeGroup);
    }

    void budgetFollowsTheSessionLimits()
    {
        auto limits = [](qint64 mb, qint64 procs) {
            SandboxLimits l;
            l.memoryMb = mb;
            l.maxProcesses = procs;
            return l;
        };
        QCOMPARE(SandboxToolRunner::poolBudget(limits(512, 50)), 8);
        QCOMPARE(SandboxToolRunner::poolBudget(limits(100, 50)), 1);
        QCOMPARE(SandboxToolRunner::poolBudget(limits(63, 50)), 0);
        QCOMPARE(SandboxToolRunner::poolBudget(limits(4096, 6)), 3);
        QCOMPARE(SandboxToolRunner::poolBudget(limits(1 << 20, 1000)), SandboxToolRunner::kMaxReadyPerSession);
    }

    void budgetIsSharedAndRecorded_data() { gvisorOnly(); }
    void budgetIsSharedAndRecorded()
    {
        SandboxLimits l;
        l.memoryMb = 640; // 10 ready sandboxes of 64 MB
        l.maxProcesses = 50;
        auto r = runner(l);
        r->setTools({tool("a", {"sh", "probe.sh"}, 8, false), tool("b", {"sh", "probe.sh"}, 8, false),
                     tool("c", {"sh", "probe.sh"}, 0, false)});
        QCOMPARE(r->poolCapacity(QStringLiteral("a")), 8);
        QCOMPARE(r->poolCapacity(QStringLiteral("b")), 2);
        QCOMPARE(r->poolCapacity(QStringLiteral("c")), 0);
        QCOMPARE(r->poolSize(QStringLiteral("a")), 0); // filled at the first call, not now
        QVERIFY(logged(QStringLiteral("tool pool: 8 ready sandboxes, filled after its first call")));
        QVERIFY(logged(QStringLiteral("tool pool: 2 of the 8 ready sandboxes asked for")));
        QCOMPARE(m_events.size(), 2);
    }

    void callsNeverShareASandbox_data() { modes(); }
    void callsNeverShareASandbox()
    {
        SandboxLimits l;
        l.maxProcesses = 32;
        auto r = runner(l);
        const ToolSpec probe = tool("probe", {"sh", "probe.sh"}, 1, true);
        const ToolSpec cold = tool("cold", {"sh", "probe.sh"}, 0, false);
        r->setTools({probe, cold});
        // The limits inside a pooled sandbox are a cold one's.
        const ToolResult c = call(*r, cold, "{}");
        QVERIFY(c.ok() && !c.pooled);
        const QByteArray limits = c.stdoutData.mid(c.stdoutData.indexOf("nproc="));
        QVERIFY(limits.contains("nofile=64 uid=64100"));
        QCOMPARE(r->poolSize(QStringLiteral("probe")), 1);
        QVERIFY(logged(QStringLiteral("tool pool: 1 ready sandbox, filled now")));
        for (int i = 1; i <= 3; ++i) {
            QTRY_COMPARE_WITH_TIMEOUT(r->poolSize(QStringLiteral("probe")), 1, 30000);
            const QByteArray args = QByteArray("{\"n\":") + QByteArray::number(i) + '}';
            const ToolResult res = call(*r, probe, args);
            QVERIFY2(res.ok(), qPrintable(res.error + QString::fromUtf8(res.stderrData)));
            QVERIFY(res.pooled);
            QVERIFY2(res.stdoutData.startsWith(QByteArray(QByteArray("fresh ") + args)), res.stdoutData.constData());
            QVERIFY2(res.stdoutData.endsWith(limits), res.stdoutData.constData());
        }
    }

    void earlyExitingToolFallsBackToColdCalls_data() { gvisorOnly(); }
    void earlyExitingToolFallsBackToColdCalls()
    {
        auto r = runner();
        const ToolSpec early = tool("early", {"sh", "-c", "echo early; exit 3"}, 1, true);
        r->setTools({early});
        QTRY_VERIFY_WITH_TIMEOUT(logged(QStringLiteral("tool pool disabled")), 40000);
        QVERIFY(logged(QStringLiteral("its process exited with status 3 before any call")));
        QCOMPARE(r->poolCapacity(QStringLiteral("early")), 0);
        QCOMPARE(r->poolSize(QStringLiteral("early")), 0);
        const ToolResult res = call(*r, early, "{}");
        QVERIFY(!res.pooled);
        QCOMPARE(res.exitCode, 3);
        QCOMPARE(res.stdoutData, QByteArray("early\n"));
    }

    void hangingCallGetsAFreshSandbox_data() { gvisorOnly(); }
    void hangingCallGetsAFreshSandbox()
    {
        auto r = runner();
        const ToolSpec hang = tool("hang", {"sh", "hang.sh"}, 1, true, 1);
        r->setTools({hang});
        QTRY_COMPARE_WITH_TIMEOUT(r->poolSize(QStringLiteral("hang")), 1, 30000);
        QElapsedTimer t;
        t.start();
        const ToolResult stuck = call(*r, hang, "{\"hang\":true}");
        QVERIFY(stuck.timedOut);
        QVERIFY(stuck.pooled);
        QVERIFY2(t.elapsed() < 5000, qPrintable(QString::number(t.elapsed())));
        QTRY_COMPARE_WITH_TIMEOUT(r->poolSize(QStringLiteral("hang")), 1, 30000);
        const ToolResult next = call(*r, hang, "{}");
        QVERIFY2(next.ok(), qPrintable(next.error));
        QVERIFY(next.pooled);
        QCOMPARE(next.stdoutData, QByteArray("ok\n"));
    }

    void execNeverTakesADeclaredToolsSandbox_data() { gvisorOnly(); }
    void execNeverTakesADeclaredToolsSandbox()
    {
        auto r = runner();
        r->setTools({tool("exec", {"sh", "-c", "cat >/dev/null; echo pooled"}, 1, true)});
        QTRY_COMPARE_WITH_TIMEOUT(r->poolSize(QStringLiteral("exec")), 1, 30000);
        const ToolResult res = call(*r, tool("exec", {"sh", "-c", "cat >/dev/null; echo other"}, 0, false), "");
        QVERIFY(!res.pooled);
        QCOMPARE(res.stdoutData, QByteArray("other\n"));
        // Not even with the very same argv (exec's spec has no pool).
        const ToolResult same = call(*r, tool("exec", {"sh", "-c", "cat >/dev/null; echo pooled"}, 0, false), "");
        QVERIFY(!same.pooled);
        QCOMPARE(r->poolSize(QStringLiteral("exec")), 1);
        // Arguments too large for a ready sandbox's input go to a cold call.
        const ToolSpec declared = tool("exec", {"sh", "-c", "cat >/dev/null; echo pooled"}, 1, true);
        const ToolResult big = call(*r, declared, QByteArray(SandboxToolRunner::kMaxPooledArguments + 1, 'x'));
        QVERIFY(big.ok() && !big.pooled);
    }

    // A ready sandbox's own proxy socket is opened by the guardian only once
    // its call has been handed over (NetworkGuardianProxy::listenGated holds
    // its connections until then), and goes with the sandbox.
    void readySandboxNetworkOpensAtItsCall_data() { gvisorOnly(); }
    void readySandboxNetworkOpensAtItsCall()
    {
        QStringList listened, opened, removed;
        std::vector<std::unique_ptr<QLocalServer>> servers;
        auto serve = [&](const QString &path) {
            auto server = std::make_unique<QLocalServer>();
            QLocalServer::removeServer(path);
            server->listen(path);
            servers.push_back(std::move(server));
        };
        const QString shared = m_tmp.filePath(QStringLiteral("shared.sock"));
        serve(shared);
        auto r = runner({}, [&](SandboxToolRunner::Options &o) {
            o.proxySocket = [shared](const QString &) { return shared; };
            o.gates.listen = [&](const QString &, const QString &key, QString *) {
                const QString path = m_tmp.filePath(QStringLiteral("g-%1.sock").arg(key));
                serve(path);
                listened << path;
                return path;
            };
            o.gates.open = [&](const QString &path) { opened << path; };
            o.gates.remove = [&](const QString &path) { removed << path; };
        });
        const ToolSpec probe = tool("probe", {"sh", "probe.sh"}, 1, true);
        r->setTools({probe});
        QCOMPARE(listened.size(), 1);
        QTest::qWait(300);
        QVERIFY(opened.isEmpty());
        const ToolResult res = call(*r, probe, "{}");
        QVERIFY2(res.ok() && res.pooled, qPrintable(res.error));
        QCOMPARE(opened, QStringList{listened[0]});
        QTRY_COMPARE_WITH_TIMEOUT(removed, QStringList{listened[0]}, 20000);
        QTRY_COMPARE_WITH_TIMEOUT(listened.size(), 2, 20000); // the refill, shut again
        QCOMPARE(opened.size(), 1);
        r->shutdown();
        QCOMPARE(removed, (QStringList{listened[0], listened[1]}));
    }

    // Without gates a ready sandbox could reach the network before its call:
    // such a runner keeps no pools.
    void noGatesNoPools_data() { gvisorOnly(); }
    void noGatesNoPools()
    {
        auto r = runner({}, [&](SandboxToolRunner::Options &o) { o.proxySocket = [](const QString &) { return QString(); }; });
        r->setTools({tool("probe", {"sh", "probe.sh"}, 1, true)});
        QCOMPARE(r->poolCapacity(QStringLiteral("probe")), 0);
        QCOMPARE(r->poolSize(QStringLiteral("probe")), 0);
        QVERIFY(logged(QStringLiteral("cannot hold a ready sandbox's network shut")));
    }

    // A ready sandbox that talks before its call is not kept (its output
    // would otherwise be held, per sandbox, until the call).
    void chattyIdleToolIsNotKept_data() { gvisorOnly(); }
    void chattyIdleToolIsNotKept()
    {
        auto r = runner();
        r->setTools({tool("chatty", {"sh", "-c", "head -c 100000 /dev/zero | tr '\\0' x; cat >/dev/null; echo ok"}, 1, true)});
        QTRY_VERIFY_WITH_TIMEOUT(logged(QStringLiteral("ended before any call")), 30000);
    }

    // A gate that cannot be had (no descriptors, a path too long) makes the
    // pool wait and retry, never spin; calls still run, cold.
    void gateFailureDoesNotSpin_data() { gvisorOnly(); }
    void gateFailureDoesNotSpin()
    {
        int attempts = 0;
        const QString shared = m_tmp.filePath(QStringLiteral("shared2.sock"));
        QLocalServer server;
        QLocalServer::removeServer(shared);
        QVERIFY(server.listen(shared));
        auto r = runner({}, [&](SandboxToolRunner::Options &o) {
            o.proxySocket = [shared](const QString &) { return shared; };
            o.gates.listen = [&](const QString &, const QString &, QString *why) {
                ++attempts;
                *why = QStringLiteral("Too many open files");
                return QString();
            };
            o.gates.open = [](const QString &) {};
            o.gates.remove = [](const QString &) {};
        });
        const ToolSpec probe = tool("probe", {"sh", "probe.sh"}, 2, true);
        r->setTools({probe});
        QCOMPARE(attempts, 1);
        QCOMPARE(r->poolSize(QStringLiteral("probe")), 0);
        const ToolResult res = call(*r, probe, "{}");
        QVERIFY2(res.ok() && !res.pooled, qPrintable(res.error));
    }

    void poolsGoWithTheSession_data() { modes(); }
    void poolsGoWithTheSession()
    {
        auto r = runner();
        r->setTools({tool("probe", {"sh", "probe.sh"}, 2, true)});
        QCOMPARE(r->poolSize(QStringLiteral("probe")), 2);
        QTRY_COMPARE_WITH_TIMEOUT(sandboxCgroups(m_session + QStringLiteral("-p")), 2, 30000);
        QCOMPARE(r->shutdown(), 2);
        QCOMPARE(r->poolSize(QStringLiteral("probe")), 0);
        QCOMPARE(sandboxCgroups(m_session + QStringLiteral("-p")), 0);
        QVERIFY(QDir(m_tmp.filePath(m_session + QStringLiteral("/calls"))).isEmpty());
    }
};

QTEST_GUILESS_MAIN(TstToolPool)
#include "tst_toolpool.moc"
