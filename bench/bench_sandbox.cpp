// Session ready time (launch to the command's first output line) per
// isolation mode, next to the bare runtimes started the same way by hand:
// `runsc --network=none do true`, a minimal `crun run`, and QEMU's microvm
// booting the same guest kernel into a busybox initramfs that prints a line
// and resets (same accelerator as the sessions). Needs root.

#include "sandbox/sandbox.h"
#include "sandbox/sandboxmicrovm.h"
#include "sandbox/sandboxworkspace.h"
#include "sandbox/vminitramfs.h"

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>

#include <benchmark/benchmark.h>
#include <unistd.h>

using namespace osh;
using namespace osh::runtime;

namespace {

int g_counter = 0;

// Seconds from start() to the first complete stdout line; cleanup untimed.
double sessionReady(Isolation isolation, const QString &workspace)
{
    SandboxSpec s;
    s.id = QStringLiteral("bench-%1-%2").arg(::getpid()).arg(++g_counter);
    s.isolation = isolation;
    s.argv = {QStringLiteral("/bin/echo"), QStringLiteral("ready")};
    s.limits.memoryMb = 512;
    s.limits.cpuCores = 1;
    s.limits.wallTimeSeconds = 30;
    s.workspaceHostDir = workspace;
    Sandbox sb(s);
    QEventLoop loop;
    QElapsedTimer t;
    double ready = -1;
    QByteArray out;
    QObject::connect(&sb, &Sandbox::output, &loop, [&](Sandbox::Channel c, const QByteArray &d) {
        if (c == Sandbox::Channel::Stdout && ready < 0) {
            out += d;
            if (out.contains('\n'))
                ready = t.nsecsElapsed() / 1e9;
        }
    });
    QObject::connect(&sb, &Sandbox::finished, &loop, [&](const SandboxExit &) { loop.quit(); });
    t.start();
    sb.start();
    loop.exec();
    return ready;
}

double runToExit(const QStringList &cmd)
{
    QElapsedTimer t;
    t.start();
    QProcess p;
    p.setStandardInputFile(QProcess::nullDevice());
    p.start(cmd.front(), cmd.mid(1));
    p.waitForFinished(30000);
    const double secs = t.nsecsElapsed() / 1e9;
    return p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0 ? secs : -1;
}

void reportOrSkip(benchmark::State &state, double secs)
{
    if (secs < 0) {
        state.SkipWithError("run failed");
        return;
    }
    state.SetIterationTime(secs);
}

void BM_SessionReady(benchmark::State &state)
{
    const auto iso = static_cast<Isolation>(state.range(0));
    if (const QString why = Sandbox::availability(iso); !why.isEmpty()) {
        state.SkipWithError(why.toStdString().c_str());
        return;
    }
    QTemporaryDir ws;
    for (auto _ : state)
        reportOrSkip(state, sessionReady(iso, ws.path()));
}

void BM_BareRunscDo(benchmark::State &state)
{
    const QString runsc = QStandardPaths::findExecutable(QStringLiteral("runsc"));
    QTemporaryDir root;
    for (auto _ : state) {
        reportOrSkip(state, runToExit({runsc, QStringLiteral("--root"), root.path(), QStringLiteral("--platform=ptrace"),
                                       QStringLiteral("--network=none"), QStringLiteral("do"), QStringLiteral("true")}));
    }
}

// The smallest bundle crun will run: a busybox root, `true`, its own network namespace.
void BM_BareCrunRun(benchmark::State &state)
{
    QTemporaryDir dir;
    const QString root = dir.path() + QStringLiteral("/rootfs");
    QDir().mkpath(root + QStringLiteral("/bin"));
    QDir().mkpath(root + QStringLiteral("/proc"));
    QDir().mkpath(root + QStringLiteral("/dev"));
    QFile::copy(QStringLiteral("/bin/busybox"), root + QStringLiteral("/bin/true"));
    const QJsonObject config{
        {QStringLiteral("ociVersion"), QStringLiteral("1.0.2")},
        {QStringLiteral("process"),
         QJsonObject{{QStringLiteral("args"), QJsonArray{QStringLiteral("/bin/true")}},
                     {QStringLiteral("cwd"), QStringLiteral("/")},
                     {QStringLiteral("user"), QJsonObject{{QStringLiteral("uid"), 0}, {QStringLiteral("gid"), 0}}}}},
        {QStringLiteral("root"), QJsonObject{{QStringLiteral("path"), QStringLiteral("rootfs")}, {QStringLiteral("readonly"), true}}},
        {QStringLiteral("mounts"), QJsonArray{QJsonObject{{QStringLiteral("destination"), QStringLiteral("/proc")},
                                                          {QStringLiteral("type"), QStringLiteral("proc")},
                                                          {QStringLiteral("source"), QStringLiteral("proc")}}}},
        {QStringLiteral("linux"),
         QJsonObject{{QStringLiteral("namespaces"),
                      QJsonArray{QJsonObject{{QStringLiteral("type"), QStringLiteral("pid")}},
                                 QJsonObject{{QStringLiteral("type"), QStringLiteral("network")}},
                                 QJsonObject{{QStringLiteral("type"), QStringLiteral("mount")}}}}}},
    };
    QFile f(dir.path() + QStringLiteral("/config.json"));
    if (!f.open(QIODevice::WriteOnly)) {
        state.SkipWithError("cannot write the bundle");
        return;
    }
    f.write(QJsonDocument(config).toJson());
    f.close();
    for (auto _ : state) {
        const QString id = QStringLiteral("bench-bare-%1-%2").arg(::getpid()).arg(++g_counter);
        reportOrSkip(state, runToExit(Sandbox::crunCommand({QStringLiteral("--root"), dir.path() + QStringLiteral("/state"),
                                                            QStringLiteral("run"), QStringLiteral("--bundle"), dir.path(), id})));
    }
}

// crun running the launcher's own config.json (same mounts, masked paths,
// init, uid switch) without the launcher: separates the config's cost
// from the launcher's. The runtime's child cgroup goes under /osh-bench-bare.
void BM_BareCrunSessionConfig(benchmark::State &state)
{
    QTemporaryDir ws;
    SandboxSpec s;
    s.id = QStringLiteral("bench-cfg");
    s.isolation = Isolation::Container;
    s.argv = {QStringLiteral("/bin/echo"), QStringLiteral("ready")};
    s.workspaceHostDir = ws.path();
    // As the launcher does: the command's uid works in the workspace.
    SandboxWorkspace::handOver(ws.path(), s.uid, s.gid);
    SandboxBundle b;
    QString err;
    if (!b.create(s, Sandbox::initPath(), QStringLiteral("/osh-bench-bare/c"), SandboxBundle::defaultBase(), &err)) {
        state.SkipWithError(err.toStdString().c_str());
        return;
    }
    for (auto _ : state) {
        const QString id = QStringLiteral("bench-cfg-%1-%2").arg(::getpid()).arg(++g_counter);
        reportOrSkip(state, runToExit(Sandbox::crunCommand({QStringLiteral("--root"), b.stateDir(), QStringLiteral("run"),
                                                            QStringLiteral("--bundle"), b.dir(), id})));
    }
    SandboxCgroup(QStringLiteral("osh-bench-bare")).remove();
}

// The smallest microVM run: the guest kernel, an initramfs of busybox whose
// /init prints "ready" on the serial console and resets; to QEMU's exit.
void BM_BareQemuMicrovm(benchmark::State &state)
{
    if (const QString why = SandboxMicroVm::availability(); !why.isEmpty()) {
        state.SkipWithError(why.toStdString().c_str());
        return;
    }
    QTemporaryDir dir;
    QFile busybox(QStringLiteral("/bin/busybox"));
    if (!busybox.open(QIODevice::ReadOnly)) {
        state.SkipWithError("no /bin/busybox");
        return;
    }
    const QString initrd = dir.filePath(QStringLiteral("bare.cpio"));
    QString err;
    if (!writeInitramfs(initrd,
                        {{QStringLiteral("bin"), {}, 0040755},
                         {QStringLiteral("bin/busybox"), busybox.readAll(), 0100755},
                         {QStringLiteral("init"), "#!/bin/busybox sh\n/bin/busybox echo ready\n/bin/busybox reboot -f\n", 0100755}},
                        &err)) {
        state.SkipWithError(err.toStdString().c_str());
        return;
    }
    const bool kvm = SandboxMicroVm::accelerator() == QLatin1String("kvm");
    const QStringList cmd = {QStandardPaths::findExecutable(QStringLiteral("qemu-system-x86_64")),
                             QStringLiteral("-M"), QStringLiteral("microvm,acpi=on"),
                             QStringLiteral("-accel"), kvm ? QStringLiteral("kvm") : QStringLiteral("tcg,tb-size=64"),
                             QStringLiteral("-cpu"), kvm ? QStringLiteral("host") : QStringLiteral("max"),
                             QStringLiteral("-m"), QStringLiteral("512M"), QStringLiteral("-nodefaults"),
                             QStringLiteral("-no-user-config"), QStringLiteral("-display"), QStringLiteral("none"),
                             QStringLiteral("-no-reboot"), QStringLiteral("-serial"), QStringLiteral("stdio"),
                             QStringLiteral("-kernel"), SandboxMicroVm::kernelDir() + QStringLiteral("/vmlinuz"),
                             QStringLiteral("-initrd"), initrd, QStringLiteral("-append"),
                             QStringLiteral("console=ttyS0 quiet loglevel=4 tsc_early_khz=2000000 lpj=8000000 no_timer_check "
                                            "reboot=t panic=-1 rdinit=/init")};
    for (auto _ : state)
        reportOrSkip(state, runToExit(cmd));
}

// The launcher's own share of the ready time: the bundle and its root.
void BM_BundleCreate(benchmark::State &state)
{
    QTemporaryDir ws;
    SandboxSpec s;
    s.id = QStringLiteral("bench-bundle");
    s.argv = {QStringLiteral("/bin/true")};
    s.workspaceHostDir = ws.path();
    for (auto _ : state) {
        SandboxBundle b;
        QString err;
        if (!b.create(s, Sandbox::initPath(), QStringLiteral("/osh-bench"), SandboxBundle::defaultBase(), &err)) {
            state.SkipWithError(err.toStdString().c_str());
            return;
        }
    }
}

} // namespace

BENCHMARK(BM_BundleCreate)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_SessionReady)->Arg(int(Isolation::Gvisor))->Name("BM_SessionReady/gvisor")->UseManualTime()->Unit(benchmark::kMillisecond)->Iterations(15);
BENCHMARK(BM_BareRunscDo)->UseManualTime()->Unit(benchmark::kMillisecond)->Iterations(15);
BENCHMARK(BM_SessionReady)->Arg(int(Isolation::Container))->Name("BM_SessionReady/container")->UseManualTime()->Unit(benchmark::kMillisecond)->Iterations(15);
BENCHMARK(BM_BareCrunRun)->UseManualTime()->Unit(benchmark::kMillisecond)->Iterations(15);
BENCHMARK(BM_BareCrunSessionConfig)->UseManualTime()->Unit(benchmark::kMillisecond)->Iterations(15);
BENCHMARK(BM_SessionReady)->Arg(int(Isolation::Firecracker))->Name("BM_SessionReady/microvm")->UseManualTime()->Unit(benchmark::kMillisecond)->Iterations(5);
BENCHMARK(BM_BareQemuMicrovm)->UseManualTime()->Unit(benchmark::kMillisecond)->Iterations(5);

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    benchmark::Initialize(&argc, argv);
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
