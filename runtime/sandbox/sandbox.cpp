#include "sandbox/sandbox.h"

#include "model/isolationlimits.h"
#include "sandbox/sandboxmicrovm.h"
#include "sandbox/sandboxworkspace.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QSocketNotifier>
#include <QStandardPaths>
#include <QThread>
#include <QTimer>

#include <csignal>
#include <cstring>

#include <grp.h>
#include <pwd.h>
#include <fcntl.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef OSH_SANDBOX_INIT_PATH
#define OSH_SANDBOX_INIT_PATH ""
#endif
#ifndef OSH_BUILD_DIR
#define OSH_BUILD_DIR ""
#endif

namespace osh::runtime {

namespace {

constexpr qsizetype kSandboxStderrTail = 16 * 1024;

// gVisor's sentry runs each sandbox task on host threads of its own, and the
// pids cgroup counts those, not the processes inside (a trivial shell uses
// about 50; a fork bomb held at 20 processes peaked at 410). The process
// limit proper is RLIMIT_NPROC inside gVisor; this is only a host-side
// backstop against thread exhaustion, far enough above that peak.
qint64 gvisorThreadBackstop(qint64 maxProcesses)
{
    return 1024 + 32 * maxProcesses;
}

} // namespace

Sandbox::Sandbox(SandboxSpec spec, QObject *parent)
    : QObject(parent)
    , m_spec(std::move(spec))
{
    qRegisterMetaType<osh::runtime::SandboxExit>();
}

Sandbox::~Sandbox()
{
    m_watchdog.disarm();
    stopWatchingCommandExit();
    if (m_running) {
        m_process->disconnect(this);
        forceKill();
        if (!m_process->waitForFinished(5000)) {
            m_process->kill();
            m_process->waitForFinished(2000);
        }
        cleanupRuntime();
    }
}

namespace {

// Whether root may take the file at path as the sandbox's init (and its
// folder's helpers, which run on the host as root): the file and every
// folder above it belong to root and nobody else may change them, a folder
// writable by others only with the sticky bit (/tmp). Otherwise a user
// could hand root a program of theirs through OSH_SANDBOX_INIT, e.g. with
// sudo -E.
bool rootMayTrust(const QString &path)
{
    QByteArray p = QFile::encodeName(QFileInfo(path).absoluteFilePath());
    bool first = true;
    for (;;) {
        struct stat st{};
        if (::lstat(p.constData(), &st) != 0 || st.st_uid != 0)
            return false;
        if (first ? (st.st_mode & (S_IWGRP | S_IWOTH)) != 0 || !S_ISREG(st.st_mode)
                  : (st.st_mode & (S_IWGRP | S_IWOTH)) != 0 && (st.st_mode & S_ISVTX) == 0)
            return false;
        if (p == "/")
            return true;
        const int slash = p.lastIndexOf('/');
        p = slash <= 0 ? QByteArray("/") : p.left(slash);
        first = false;
    }
}

} // namespace

QString Sandbox::initPath()
{
    const QString env = qEnvironmentVariable("OSH_SANDBOX_INIT");
    if (!env.isEmpty()) {
        if (::geteuid() != 0 || rootMayTrust(env))
            return env;
        qWarning("OSH_SANDBOX_INIT ignored: %s or a folder above it is not root's alone", qPrintable(env));
    }
    // An installed runtime's helpers are in libexec beside its executables.
    // The build tree's serve only executables that run from that build tree:
    // an installed binary never takes its init from the folder it was built
    // in, which may be anybody's by then (a /tmp clone).
    const QString exeDir = QFileInfo(QFileInfo(QStringLiteral("/proc/self/exe")).symLinkTarget()).absolutePath();
    const QString buildDir = QFileInfo(QStringLiteral(OSH_BUILD_DIR)).canonicalFilePath();
    if (!buildDir.isEmpty() && exeDir.startsWith(buildDir + QLatin1Char('/')))
        return QStringLiteral(OSH_SANDBOX_INIT_PATH);
    return QDir::cleanPath(exeDir + QStringLiteral("/../libexec/openshell/osh-sandbox-init"));
}

namespace {

// The sandbox's fixed ids must be nobody's on the host: an account or group
// holding the container's root id could signal the containers' processes
// and pass through their bundles, and one holding the default command id
// would share every workspace the runtime makes. Entries of these names are
// the ones a package creates to reserve the ids.
QString fixedIdTaken(int id, const char *reservedName, const char *what)
{
    char buf[16384];
    passwd pw{};
    passwd *pwr = nullptr;
    group gr{};
    group *grr = nullptr;
    const char *kind = nullptr;
    const char *holder = nullptr;
    if (getpwuid_r(static_cast<uid_t>(id), &pw, buf, sizeof buf, &pwr) == 0 && pwr && std::strcmp(pwr->pw_name, reservedName) != 0) {
        kind = "uid %1, %2, belongs to the host account";
        holder = pwr->pw_name;
    } else if (getgrgid_r(static_cast<gid_t>(id), &gr, buf, sizeof buf, &grr) == 0 && grr
               && std::strcmp(grr->gr_name, reservedName) != 0) {
        kind = "gid %1, %2, belongs to the host group";
        holder = grr->gr_name;
    }
    if (!holder)
        return {};
    return QString::fromLatin1(kind).arg(id).arg(QLatin1String(what))
        + QStringLiteral(" '%1'; sandboxes need it to be nobody's (give it another id, or reserve %2 under the name '%3')")
              .arg(QString::fromLocal8Bit(holder))
              .arg(id)
              .arg(QLatin1String(reservedName));
}

} // namespace

QString Sandbox::availability(Isolation isolation)
{
    switch (isolation) {
    case Isolation::Firecracker:
        if (const QString why = SandboxMicroVm::availability(); !why.isEmpty())
            return why;
        break;
    case Isolation::Gvisor:
        if (QStandardPaths::findExecutable(QStringLiteral("runsc")).isEmpty())
            return QStringLiteral("gvisor isolation needs runsc on PATH (Debian package runsc)");
        break;
    case Isolation::Container:
        if (QStandardPaths::findExecutable(QStringLiteral("crun")).isEmpty())
            return QStringLiteral("container isolation needs crun on PATH (Debian package crun)");
        if (QStandardPaths::findExecutable(QStringLiteral("unshare")).isEmpty())
            return QStringLiteral("container isolation needs unshare (util-linux)");
        break;
    }
    if (::geteuid() != 0)
        return QStringLiteral("sandboxes with enforced limits need root (cgroups); running as uid %1").arg(::geteuid());
    const QString init = initPath();
    if (init.isEmpty() || !QFileInfo(init).isExecutable())
        return QStringLiteral("osh-sandbox-init not found at \"%1\" (set OSH_SANDBOX_INIT)").arg(init);
    return {};
}

QStringList Sandbox::crunCommand(const QStringList &args)
{
    // crun refuses a hybrid cgroup layout; hiding the v2 mount in a private
    // mount namespace makes it use the v1 hierarchies. On a pure v2 or pure
    // v1 host the umount fails harmlessly.
    return QStringList{QStringLiteral("unshare"), QStringLiteral("--mount"), QStringLiteral("--propagation"),
                       QStringLiteral("private"), QStringLiteral("/bin/sh"), QStringLiteral("-c"),
                       QStringLiteral("umount /sys/fs/cgroup/unified 2>/dev/null; exec \"$@\""), QStringLiteral("sh"),
                       QStandardPaths::findExecutable(QStringLiteral("crun"))}
        + args;
}

bool Sandbox::fail(const QString &message)
{
    m_error = message;
    SandboxExit e;
    e.reason = SandboxExitReason::Error;
    e.message = message;
    QMetaObject::invokeMethod(this, [this, e] { Q_EMIT finished(e); }, Qt::QueuedConnection);
    return false;
}

bool Sandbox::start()
{
    if (m_running)
        return false;
    m_error.clear();
    m_timedOut = m_stopRequested = false;
    m_stderrTail.clear();
    if (const QString v = m_spec.validate(); !v.isEmpty())
        return fail(v);
    if (const QString a = availability(m_spec.isolation); !a.isEmpty())
        return fail(a);
    // (A microVM's QEMU runs as that id.)
    if (m_spec.isolation != Isolation::Gvisor) {
        if (const QString t = fixedIdTaken(SandboxSpec::kSandboxRootUid, "osh-sandbox-root", "the containers' root and the VMM");
            !t.isEmpty())
            return fail(t);
    }
    if (m_spec.uid == static_cast<uid_t>(SandboxSpec::kSandboxUid) || m_spec.gid == static_cast<gid_t>(SandboxSpec::kSandboxGid)) {
        if (const QString t = fixedIdTaken(SandboxSpec::kSandboxUid, "osh-sandbox", "the default sandbox identity"); !t.isEmpty())
            return fail(t);
    }
    const bool gvisor = m_spec.isolation == Isolation::Gvisor;
    const bool microVm = m_spec.isolation == Isolation::Firecracker;
    if (microVm && m_spec.limits.memoryMb < kMicroVmMinMemoryMb)
        return fail(QStringLiteral("max_memory_mb %1 is below the %2 MB a microVM needs (its guest kernel lives in that "
                                   "memory too; the guest does not boot with less)")
                        .arg(m_spec.limits.memoryMb)
                        .arg(kMicroVmMinMemoryMb));
    m_runtime = microVm ? QString() : QStandardPaths::findExecutable(gvisor ? QStringLiteral("runsc") : QStringLiteral("crun"));

    if (m_spec.chownWorkspace && !SandboxWorkspace::handOver(m_spec.workspaceHostDir, m_spec.uid, m_spec.gid))
        return fail(QStringLiteral("cannot hand the workspace %1 to uid %2").arg(m_spec.workspaceHostDir).arg(m_spec.uid));

    m_cgroup = std::make_unique<SandboxCgroup>(QStringLiteral("osh-sbx-") + m_spec.id);
    m_cgroup->killAll(); // leftovers of a crashed launcher with the same id
    m_cgroup->remove();
    // A microVM's processes are QEMU's and virtiofsd's threads; the guest's
    // kernel counts the command's processes (RLIMIT_NPROC there).
    const qint64 pidsMax = gvisor || microVm ? gvisorThreadBackstop(m_spec.limits.maxProcesses) : m_spec.limits.maxProcesses + 1;
    const qint64 memoryMb = m_spec.limits.memoryMb + (microVm ? SandboxMicroVm::kHostOverheadMb : 0);
    QString err;
    if (!m_cgroup->create(memoryMb * 1024 * 1024, pidsMax, m_spec.limits.cpuCores, &err)) {
        m_cgroup->remove();
        return fail(err);
    }
    if (!m_bundle.create(m_spec, initPath(), m_cgroup->runtimePath(), SandboxBundle::defaultBase(), &err)) {
        m_cgroup->remove();
        return fail(err);
    }

    // A microVM's output reaches the launcher through QEMU, after the
    // status file: its end is reported once QEMU is gone and all is read.
    if (m_spec.reportCommandExit && !microVm && !watchCommandExit()) {
        cleanupRuntime();
        m_cgroup.reset();
        return fail(QStringLiteral("cannot watch the sandbox's status: %1").arg(QString::fromLocal8Bit(std::strerror(errno))));
    }

    QStringList cmd;
    if (microVm) {
        if (!startMicroVm(&cmd))
            return false;
    } else if (gvisor) {
        cmd = {m_runtime, QStringLiteral("--root"), m_bundle.stateDir(), QStringLiteral("--platform=ptrace"),
               QStringLiteral("--network=none"), QStringLiteral("--host-uds=open"), QStringLiteral("run"),
               QStringLiteral("--bundle"), m_bundle.dir(), m_spec.id};
    } else {
        cmd = crunCommand({QStringLiteral("--root"), m_bundle.stateDir(), QStringLiteral("run"),
                           QStringLiteral("--bundle"), m_bundle.dir(), m_spec.id});
    }

    m_process = new QProcess(this);
    // Standard input: nothing (end of file at once), unless the session
    // forwards its client's (osctl run -i, the API's stdin).
    if (!m_spec.interactive)
        m_process->setStandardInputFile(QProcess::nullDevice());
    m_process->setWorkingDirectory(m_bundle.dir());
    if (microVm) {
        // QEMU's own messages are for the error report, not the command's output.
        m_process->setProcessChannelMode(QProcess::MergedChannels);
        connect(m_process, &QProcess::readyReadStandardOutput, this, [this] {
            m_stderrTail.append(m_process->readAllStandardOutput());
            if (m_stderrTail.size() > kSandboxStderrTail)
                m_stderrTail.remove(0, m_stderrTail.size() - kSandboxStderrTail);
        });
        connect(m_vm, &SandboxMicroVm::standardOutput, this, [this](const QByteArray &d) { Q_EMIT output(Channel::Stdout, d); });
        connect(m_vm, &SandboxMicroVm::standardError, this, [this](const QByteArray &d) { Q_EMIT output(Channel::Stderr, d); });
        QString joinError;
        const QStringList procs = m_cgroup->joinFiles(&joinError);
        m_vm->prepareProcess(m_process, procs);
    } else {
        connect(m_process, &QProcess::readyReadStandardOutput, this,
                [this] { Q_EMIT output(Channel::Stdout, m_process->readAllStandardOutput()); });
        connect(m_process, &QProcess::readyReadStandardError, this, [this] {
            const QByteArray d = m_process->readAllStandardError();
            m_stderrTail.append(d);
            if (m_stderrTail.size() > kSandboxStderrTail)
                m_stderrTail.remove(0, m_stderrTail.size() - kSandboxStderrTail);
            Q_EMIT output(Channel::Stderr, d);
        });
    }
    connect(m_process, &QProcess::finished, this,
            [this](int code, QProcess::ExitStatus st) { onProcessFinished(code, st == QProcess::CrashExit); });
    m_wallTimer = new QTimer(this);
    m_wallTimer->setSingleShot(true);
    connect(m_wallTimer, &QTimer::timeout, this, &Sandbox::onWallTimeout);
    m_graceTimer = new QTimer(this);
    m_graceTimer->setSingleShot(true);
    connect(m_graceTimer, &QTimer::timeout, this, &Sandbox::forceKill);

    m_clock.start();
    m_process->start(cmd.front(), cmd.mid(1));
    if (!m_process->waitForStarted(5000)) {
        const QString why = m_process->errorString();
        delete m_process;
        m_process = nullptr;
        stopWatchingCommandExit();
        cleanupRuntime();
        return fail(QStringLiteral("cannot start %1: %2").arg(cmd.front(), why));
    }
    m_running = true;
    m_wallTimer->start(std::chrono::milliseconds(m_spec.limits.wallTimeSeconds * 1000));
    // Runs on its own thread: touches only the cgroup (which outlives it)
    // and the runtime's pid, never this object's Qt state.
    const qint64 pid = m_process->processId();
    SandboxCgroup *cgroup = m_cgroup.get();
    m_watchdog.arm(std::chrono::milliseconds(m_spec.limits.wallTimeSeconds * 1000 + kWatchdogGraceMs), [cgroup, pid] {
        cgroup->killAll();
        if (pid > 0)
            ::kill(static_cast<pid_t>(pid), SIGKILL);
    });
    Q_EMIT started();
    return true;
}

bool Sandbox::startMicroVm(QStringList *cmd)
{
    delete m_vm;
    m_vm = new SandboxMicroVm(m_spec, m_bundle.dir(), this);
    QString err;
    const QStringList procs = m_cgroup->joinFiles(&err);
    if (procs.isEmpty()
        || !m_vm->prepare(SandboxBundle::ociConfig(m_spec, m_cgroup->runtimePath(), m_bundle.dir() + QStringLiteral("/status")), &err)
        || !m_vm->startSupport(procs, &err)) {
        cleanupRuntime();
        m_cgroup.reset();
        return fail(err);
    }
    *cmd = m_vm->qemuCommand();
    return true;
}

void Sandbox::runtimeCommand(const QStringList &args, int timeoutMs) const
{
    if (m_runtime.isEmpty()) // a microVM: QEMU is the whole runtime
        return;
    const QStringList cmd = m_spec.isolation == Isolation::Gvisor
        ? QStringList{m_runtime, QStringLiteral("--root"), m_bundle.stateDir()} + args
        : crunCommand(QStringList{QStringLiteral("--root"), m_bundle.stateDir()} + args);
    QProcess p;
    p.setStandardInputFile(QProcess::nullDevice());
    p.setStandardOutputFile(QProcess::nullDevice());
    p.setStandardErrorFile(QProcess::nullDevice());
    p.start(cmd.front(), cmd.mid(1));
    if (p.waitForStarted(timeoutMs) && !p.waitForFinished(timeoutMs)) {
        p.kill();
        p.waitForFinished(1000);
    }
}

void Sandbox::stop()
{
    if (!m_running || m_graceTimer->isActive())
        return;
    if (!m_timedOut)
        m_stopRequested = true;
    // The init forwards SIGTERM to the command's process group.
    if (m_vm)
        m_vm->signalCommand(SIGTERM);
    else
        runtimeCommand({QStringLiteral("kill"), m_spec.id, QStringLiteral("TERM")}, 3000);
    m_graceTimer->start(std::max(0, m_spec.stopGraceMs));
}

void Sandbox::onWallTimeout()
{
    m_timedOut = true;
    stop();
}

void Sandbox::forceKill()
{
    if (!m_running)
        return;
    runtimeCommand({QStringLiteral("kill"), m_spec.id, QStringLiteral("KILL")}, 3000);
    if (m_vm)
        m_process->kill();
    if (m_cgroup)
        m_cgroup->killAll();
    // If the runtime's own process still hangs on, end it too.
    QTimer::singleShot(3000, m_process, [p = m_process] {
        if (p->state() != QProcess::NotRunning)
            p->kill();
    });
}

void Sandbox::cleanupRuntime()
{
    if (m_vm)
        m_vm->shutdown();
    if (!m_bundle.dir().isEmpty())
        runtimeCommand({QStringLiteral("delete"), QStringLiteral("--force"), m_spec.id}, 5000);
    if (m_cgroup) {
        // Killed processes leave their cgroup asynchronously; rmdir fails until then.
        for (int i = 0; i < 50; ++i) {
            m_cgroup->killAll();
            if (m_cgroup->remove())
                break;
            QThread::msleep(20);
        }
    }
    if (!m_bundle.dir().isEmpty())
        QDir(m_bundle.stateDir()).removeRecursively();
}

namespace {

// The init's status file, written in a folder of the sandbox's root: only
// a regular file, never through a link, never blocking (a FIFO planted
// there), and no more than the few lines the init writes.
QByteArray readStatus(const QString &path)
{
    const int fd = ::open(QFile::encodeName(path).constData(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
        return {};
    struct stat st{};
    QByteArray out;
    if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
        out.resize(4096);
        const ssize_t n = ::read(fd, out.data(), static_cast<size_t>(out.size()));
        out.resize(n > 0 ? n : 0);
    }
    ::close(fd);
    return out;
}

} // namespace

SandboxExit Sandbox::collectExit(int code, bool crashed) const
{
    SandboxExit e;
    e.elapsedMs = m_clock.elapsed();
    const QByteArray st = readStatus(m_bundle.statusFile());
    const bool commandStarted = st.startsWith("started\n");
    const qsizetype at = st.indexOf("exit ");
    e.exitCode = at >= 0 ? st.mid(at + 5).trimmed().toInt() : (crashed ? -1 : code);
    if (e.exitCode > 128 && e.exitCode <= 128 + 64)
        e.signal = e.exitCode - 128;
    if (m_vm) // the guest's kernel killed at the guest's memory (osh-sandbox-init)
        e.memoryLimitHit = st.contains("\noom_kill ");
    if (m_cgroup && !m_vm) {
        e.memoryLimitHit = m_cgroup->memoryLimitReached();
        e.processLimitHit = m_cgroup->pidsMaxEvents() > 0;
    }
    const bool sigkill = e.signal == 9 || crashed;
    if (m_timedOut) {
        e.reason = SandboxExitReason::Timeout;
        e.message = QStringLiteral("wall time of %1 s reached; the launcher ended the session").arg(m_spec.limits.wallTimeSeconds);
    } else if (m_stopRequested) {
        e.reason = SandboxExitReason::Killed;
        e.message = QStringLiteral("stopped by the launcher");
    } else if (sigkill && e.memoryLimitHit) {
        e.reason = SandboxExitReason::Oom;
        e.message = QStringLiteral("killed at the memory limit of %1 MB").arg(m_spec.limits.memoryMb);
    } else if (!commandStarted) {
        e.reason = SandboxExitReason::Error;
        QString why = QString::fromUtf8(m_stderrTail).trimmed();
        if (m_vm) { // the guest's console says why its boot failed
            const QString console = QString::fromUtf8(m_vm->consoleTail().right(2000)).trimmed();
            if (!console.isEmpty())
                why += (why.isEmpty() ? QString() : QStringLiteral("\n")) + QStringLiteral("guest console:\n") + console;
        }
        e.message = QStringLiteral("the runtime failed (exit %1): %2").arg(code).arg(why);
    } else if (e.processLimitHit && e.exitCode != 0) {
        e.reason = SandboxExitReason::Pids;
        e.message = QStringLiteral("the process limit of %1 was hit").arg(m_spec.limits.maxProcesses);
    } else {
        e.reason = SandboxExitReason::Exited;
    }
    return e;
}

void Sandbox::onProcessFinished(int code, bool crashed)
{
    if (!m_running)
        return;
    m_watchdog.disarm();
    m_timedOut = m_timedOut || m_watchdog.fired();
    m_wallTimer->stop();
    m_graceTimer->stop();
    // Drain what the pipes still hold before reporting the end.
    if (const QByteArray o = m_process->readAllStandardOutput(); !o.isEmpty()) {
        if (m_vm)
            m_stderrTail.append(o);
        else
            Q_EMIT output(Channel::Stdout, o);
    }
    if (m_vm) {
        m_vm->drain();
    } else if (const QByteArray o = m_process->readAllStandardError(); !o.isEmpty()) {
        m_stderrTail.append(o);
        Q_EMIT output(Channel::Stderr, o);
    }
    stopWatchingCommandExit();
    if (m_spec.reportCommandExit && !m_exitReported) {
        if (const auto recorded = recordedExit()) {
            m_exitReported = true;
            Q_EMIT commandExited(*recorded);
        }
    }
    const SandboxExit e = collectExit(code, crashed);
    m_running = false;
    cleanupRuntime();
    m_cgroup.reset();
    m_error = e.reason == SandboxExitReason::Error ? e.message : QString();
    Q_EMIT finished(e);
}

bool Sandbox::watchCommandExit()
{
    // The init writes "exit N" to the status file (a host folder, bind
    // mounted) once the command and all it started are reaped: watched with
    // inotify, that is known within the event loop's next turn instead of
    // after the runtime's own teardown.
    m_exitReported = false;
    m_inotifyFd = ::inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    if (m_inotifyFd < 0)
        return false;
    const QByteArray dir = QFile::encodeName(QFileInfo(m_bundle.statusFile()).absolutePath());
    if (::inotify_add_watch(m_inotifyFd, dir.constData(), IN_MODIFY | IN_CLOSE_WRITE) < 0) {
        const int saved = errno;
        stopWatchingCommandExit();
        errno = saved;
        return false;
    }
    m_exitNotifier = new QSocketNotifier(m_inotifyFd, QSocketNotifier::Read, this);
    connect(m_exitNotifier, &QSocketNotifier::activated, this, &Sandbox::checkCommandExit);
    return true;
}

void Sandbox::stopWatchingCommandExit()
{
    delete m_exitNotifier;
    m_exitNotifier = nullptr;
    if (m_inotifyFd >= 0)
        ::close(m_inotifyFd);
    m_inotifyFd = -1;
}

void Sandbox::drainOutput()
{
    // Everything the command wrote is in the pipes by now (it is gone);
    // read it without waiting for the event loop to notice.
    if (!m_process)
        return;
    // (This may also see the runtime's end, and so run onProcessFinished.)
    while (m_running && m_process->waitForReadyRead(0)) {
    }
}

std::optional<int> Sandbox::recordedExit() const
{
    const QByteArray st = readStatus(m_bundle.statusFile()).left(64);
    const qsizetype at = st.indexOf("exit ");
    if (at < 0 || !st.endsWith('\n'))
        return std::nullopt;
    bool ok = false;
    const int code = st.mid(at + 5).trimmed().toInt(&ok);
    return ok ? std::optional<int>(code) : std::nullopt;
}

void Sandbox::checkCommandExit()
{
    char events[4096];
    while (m_inotifyFd >= 0 && ::read(m_inotifyFd, events, sizeof events) > 0) {
    }
    if (m_exitReported || !m_running)
        return;
    const auto code = recordedExit();
    if (!code)
        return;
    stopWatchingCommandExit();
    drainOutput();
    if (m_exitReported) // the runtime's end was seen while draining, and reported
        return;
    m_exitReported = true;
    Q_EMIT commandExited(*code);
}

bool Sandbox::writeStdin(const QByteArray &data, bool eof)
{
    if (!m_spec.interactive || !m_running || !m_process || m_stdinClosed)
        return false;
    if (m_vm) {
        if (m_vm->stdinBacklog() + data.size() > kMaxPendingStdin)
            return false;
        m_vm->writeStdin(data, eof);
        m_stdinClosed = eof;
        return true;
    }
    // Past this much unwritten input the command is not reading it: refuse
    // rather than hold unbounded data for it.
    if (m_process->bytesToWrite() + data.size() > kMaxPendingStdin)
        return false;
    if (!data.isEmpty() && m_process->write(data) != data.size())
        return false;
    if (eof) {
        m_process->closeWriteChannel();
        m_stdinClosed = true;
    }
    return true;
}

} // namespace osh::runtime
