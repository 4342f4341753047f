#pragma once
// What tst_sandbox and tst_sandboxisolation share: a spec per isolation mode
// (table column "isolation": gVisor, container and microVM), running it to the end with its output, and
// the check that nothing of a session's cgroups is left. Needs root.

#include "sandbox/sandbox.h"

#include <QDir>
#include <QEventLoop>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

#include <unistd.h>

namespace osh::runtime::test {

struct RunResult
{
    SandboxExit exit;
    QByteArray out;
    QByteArray err;
    bool started = false;
};

inline QString qs(const char *s)
{
    return QString::fromUtf8(s);
}

inline bool cgroupsLeft(const QString &id)
{
    const QString name = QStringLiteral("osh-sbx-") + id;
    const QStringList hier = QDir(QStringLiteral("/sys/fs/cgroup")).entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    for (const QString &h : hier) {
        if (QFileInfo::exists(QStringLiteral("/sys/fs/cgroup/") + h + u'/' + name))
            return true;
    }
    return QFileInfo::exists(QStringLiteral("/sys/fs/cgroup/") + name);
}

class SandboxTest : public QObject
{
protected:

    QTemporaryDir m_tmp;
    int m_counter = 0;

    SandboxSpec spec(const QStringList &argv)
    {
        QFETCH(int, isolation);
        SandboxSpec s;
        s.id = QStringLiteral("tst-%1-%2").arg(::getpid()).arg(++m_counter);
        s.isolation = static_cast<Isolation>(isolation);
        s.argv = argv;
        s.limits.memoryMb = 512;
        s.limits.cpuCores = 1;
        s.limits.wallTimeSeconds = 30;
        s.limits.maxProcesses = 32;
        s.limits.maxOpenFiles = 64;
        s.workspaceHostDir = m_tmp.path() + QStringLiteral("/ws-") + s.id;
        QDir().mkpath(s.workspaceHostDir);
        return s;
    }

    RunResult run(const SandboxSpec &s, const std::function<void(Sandbox &)> &whileRunning = {})
    {
        RunResult r;
        QString bundle;
        {
            Sandbox sb(s);
            QEventLoop loop;
            connect(&sb, &Sandbox::started, &loop, [&] {
                r.started = true;
                if (whileRunning)
                    whileRunning(sb);
            });
            connect(&sb, &Sandbox::output, &loop, [&](Sandbox::Channel c, const QByteArray &d) {
                (c == Sandbox::Channel::Stdout ? r.out : r.err) += d;
            });
            connect(&sb, &Sandbox::finished, &loop, [&](const SandboxExit &e) {
                r.exit = e;
                loop.quit();
            });
            QTimer guard;
            guard.setSingleShot(true);
            connect(&guard, &QTimer::timeout, &loop, [&] { loop.quit(); });
            guard.start(60000);
            sb.start();
            loop.exec();
            bundle = sb.bundleDir();
            if (!guard.isActive())
                qWarning("sandbox did not finish within 60 s");
        }
        if (!r.err.isEmpty())
            qDebug().noquote() << "stderr:" << QString::fromUtf8(r.err).left(400);
        if (!bundle.isEmpty() && QFileInfo::exists(bundle))
            qWarning("bundle left behind");
        [&] { QVERIFY2(!cgroupsLeft(s.id), "a cgroup of the session was left behind"); }();
        return r;
    }

    static QStringList sh(const QString &script) { return {QStringLiteral("/bin/sh"), QStringLiteral("-c"), script}; }
    static QStringList py(const QString &code) { return {QStringLiteral("python3"), QStringLiteral("-c"), code}; }

    static void modes()
    {
        QTest::addColumn<int>("isolation");
        QTest::newRow("gvisor") << int(Isolation::Gvisor);
        QTest::newRow("container") << int(Isolation::Container);
        QTest::newRow("microvm") << int(Isolation::Firecracker);
    }

    // Root, and every runtime there (runsc, crun, QEMU with the guest kernel).
    void requireRuntimes()
    {
        if (::geteuid() != 0)
            QSKIP("the sandbox tests need root");
        QVERIFY(m_tmp.isValid());
        for (Isolation i : {Isolation::Gvisor, Isolation::Container, Isolation::Firecracker})
            QVERIFY2(Sandbox::availability(i).isEmpty(), qPrintable(Sandbox::availability(i)));
    }
};

} // namespace osh::runtime::test
