#include "sandbox/sandboxmicrovm.h"

#include "sandbox/sandbox.h"
#include "sandbox/sandboxbundle.h"
#include "sandbox/vminitramfs.h"
#include "sandbox/vmmuxhost.h"

#include "init/vmmux.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonObject>
#include <QLocalServer>
#include <QLocalSocket>
#include <QProcess>
#include <QProcessEnvironment>
#include <QSet>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QThread>

#include <cerrno>
#include <cmath>
#include <csignal>
#include <cstring>

#include <fcntl.h>
#include <ftw.h>
#include <grp.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace osh::runtime {

namespace {

constexpr qsizetype kConsoleTail = 16 * 1024;
constexpr auto kVirtiofsd = "/usr/lib/qemu/virtiofsd";
// TCG cannot calibrate the guest's clocks against real hardware: without
// fixed values the kernel spends seconds (or hangs) measuring them.
constexpr auto kKernelCommandLine = "console=ttyS0 quiet loglevel=4 tsc_early_khz=2000000 lpj=8000000 no_timer_check "
                                    "reboot=t panic=-1 rdinit=/init";

QString helperPath(const char *name)
{
    return QFileInfo(Sandbox::initPath()).absoluteDir().filePath(QLatin1String(name));
}

QString qemuBinary()
{
    return QStandardPaths::findExecutable(QStringLiteral("qemu-system-x86_64"));
}

// One initramfs per launcher process: the guest init and the modules.
QString sharedInitramfs(QString *error)
{
    static QTemporaryDir dir(SandboxBundle::defaultBase() + QStringLiteral("/osh-vm-initrd-XXXXXX"));
    static QString built; // a failure is tried again next time (a kernel installed since)
    if (!built.isEmpty())
        return built;
    const auto fail = [error](const QString &why) {
        *error = why;
        return QString();
    };
    if (!dir.isValid())
        return fail(QStringLiteral("cannot create a folder for the microVM's initramfs: %1").arg(dir.errorString()));
    QList<InitramfsEntry> entries;
    QFile init(helperPath("osh-vm-init"));
    if (!init.open(QIODevice::ReadOnly))
        return fail(QStringLiteral("cannot read %1: %2").arg(init.fileName(), init.errorString()));
    entries.append({QStringLiteral("init"), init.readAll(), S_IFREG | 0755});
    entries.append({QStringLiteral("modules"), {}, S_IFDIR | 0755});
    const QString modules = SandboxMicroVm::kernelDir() + QStringLiteral("/modules/");
    QFile order(modules + QStringLiteral("order"));
    if (!order.open(QIODevice::ReadOnly))
        return fail(QStringLiteral("cannot read %1: %2").arg(order.fileName(), order.errorString()));
    const QByteArray orderText = order.readAll();
    entries.append({QStringLiteral("modules/order"), orderText, S_IFREG | 0644});
    for (const QByteArray &line : orderText.split('\n')) {
        const QString name = QString::fromUtf8(line.trimmed());
        if (name.isEmpty())
            continue;
        if (name.contains(u'/'))
            return fail(QStringLiteral("bad module name in %1: %2").arg(order.fileName(), name));
        QFile ko(modules + name);
        if (!ko.open(QIODevice::ReadOnly))
            return fail(QStringLiteral("cannot read %1: %2").arg(ko.fileName(), ko.errorString()));
        entries.append({QStringLiteral("modules/") + name, ko.readAll(), S_IFREG | 0644});
    }
    const QString path = dir.filePath(QStringLiteral("initramfs.cpio"));
    QString why;
    if (!writeInitramfs(path, entries, &why))
        return fail(why);
    // QEMU reads it as the guest's unprivileged id; nothing in it is secret.
    QFile::setPermissions(dir.path(), QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner | QFile::ReadGroup
                                          | QFile::ExeGroup | QFile::ReadOther | QFile::ExeOther);
    QFile::setPermissions(path, QFile::ReadOwner | QFile::WriteOwner | QFile::ReadGroup | QFile::ReadOther);
    built = path;
    return built;
}

// QEMU and virtiofsd get nothing of the launcher's environment (readable by
// their uid in /proc).
QProcessEnvironment helperEnvironment()
{
    QProcessEnvironment env;
    env.insert(QStringLiteral("PATH"), QStringLiteral("/usr/sbin:/usr/bin:/sbin:/bin"));
    return env;
}

// In QEMU's child before exec: the cgroup, then the unprivileged VMM id (with
// /dev/kvm's group only for KVM), no privileges to regain, and death with
// the launcher (an id change clears the death signal, so it is set after).
void becomeVmm(const QList<QByteArray> &procs, gid_t kvmGroup)
{
    for (const QByteArray &p : procs) {
        const int fd = ::open(p.constData(), O_WRONLY | O_CLOEXEC);
        if (fd >= 0) {
            (void)!::write(fd, "0", 1);
            ::close(fd);
        }
    }
    const gid_t id = SandboxSpec::kSandboxRootUid;
    const int groups = kvmGroup == static_cast<gid_t>(-1) ? 0 : 1;
    const pid_t parent = ::getppid();
    if (::setgroups(static_cast<size_t>(groups), &kvmGroup) != 0 || ::setresgid(id, id, id) != 0
        || ::setresuid(id, id, id) != 0 || ::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0
        || ::prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || ::getppid() != parent)
        ::_exit(125);
}

gid_t kvmGroupOf()
{
    struct stat st{};
    return ::stat("/dev/kvm", &st) == 0 ? st.st_gid : static_cast<gid_t>(-1);
}

void appendRecord(QByteArray &out, const char *key, const QString &value)
{
    out += key;
    out += '\0';
    out += value.toUtf8();
    out += '\0';
}

bool kvmUsable(QString *note)
{
    if (qEnvironmentVariable("OSH_MICROVM_ACCEL") == QLatin1String("tcg")) {
        *note = QStringLiteral("OSH_MICROVM_ACCEL=tcg");
        return false;
    }
    if (::access("/dev/kvm", R_OK | W_OK) != 0) {
        *note = QStringLiteral("no usable /dev/kvm");
        return false;
    }
    // /dev/kvm may be there and still fail QEMU (a nested hypervisor
    // without the MSRs QEMU sets): a kernel booted without a root panics and
    // resets at once, which ends QEMU with status 0 when KVM works.
    QProcess p;
    p.setStandardInputFile(QProcess::nullDevice());
    p.setProcessChannelMode(QProcess::MergedChannels);
    p.setProcessEnvironment(helperEnvironment());
    const gid_t kvmGroup = kvmGroupOf();
    p.setChildProcessModifier([kvmGroup] { becomeVmm({}, kvmGroup); });
    p.start(qemuBinary(), {QStringLiteral("-M"), QStringLiteral("microvm"), QStringLiteral("-accel"), QStringLiteral("kvm"),
                           QStringLiteral("-cpu"), QStringLiteral("host"), QStringLiteral("-m"), QStringLiteral("64"),
                           QStringLiteral("-nodefaults"), QStringLiteral("-no-user-config"), QStringLiteral("-display"),
                           QStringLiteral("none"), QStringLiteral("-no-reboot"), QStringLiteral("-kernel"),
                           SandboxMicroVm::kernelDir() + QStringLiteral("/vmlinuz"), QStringLiteral("-append"),
                           QStringLiteral("panic=-1 reboot=t")});
    if (!p.waitForFinished(20000)) {
        p.kill();
        p.waitForFinished(2000);
        *note = QStringLiteral("a probe boot under KVM did not finish in 20 s");
        return false;
    }
    if (p.exitStatus() != QProcess::NormalExit || p.exitCode() != 0) {
        const QByteArray out = p.readAll().trimmed();
        *note = QStringLiteral("QEMU cannot run under this machine's KVM: %1")
                    .arg(QString::fromLocal8Bit(out.left(300)).simplified());
        return false;
    }
    return true;
}

struct AccelProbe
{
    bool kvm = false;
    QString note;
};

const AccelProbe &accelProbe()
{
    static const AccelProbe probe = [] {
        AccelProbe a;
        a.kvm = kvmUsable(&a.note);
        return a;
    }();
    return probe;
}

} // namespace

namespace {

// Guest root ids in use by this process's VMs.
QSet<uid_t> &guestRootsInUse()
{
    static QSet<uid_t> ids;
    return ids;
}

// Files the guest's root left with set-uid or set-gid bits lose them (they
// are the guest root's id's, which nobody on the host should gain). Only
// files of that id are touched, through a descriptor of the file itself, so
// a link or a swap in the user's folder cannot aim it at another file.
uid_t g_strippedOwner = 0;
int stripSetIdEntry(const char *path, const struct stat *st, int type, struct FTW *)
{
    if (type != FTW_F || st->st_uid != g_strippedOwner || !(st->st_mode & (S_ISUID | S_ISGID)))
        return 0;
    const int fd = ::open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    if (fd < 0)
        return 0;
    struct stat now{};
    if (::fstat(fd, &now) == 0 && S_ISREG(now.st_mode) && now.st_uid == g_strippedOwner)
        ::fchmod(fd, now.st_mode & 0777 & ~static_cast<mode_t>(S_ISUID | S_ISGID));
    ::close(fd);
    return 0;
}

} // namespace

SandboxMicroVm::SandboxMicroVm(const SandboxSpec &spec, QString bundleDir, QObject *parent)
    : QObject(parent)
    , m_spec(spec)
    , m_dir(std::move(bundleDir))
{
    // The guest's root gets an id of its own on the host, per VM: not the
    // VMM's (64099), not a container's root, nobody's account. Unique
    // across launcher processes by the pid, within one by the slot.
    const uid_t base = kGuestRootBase + (static_cast<uid_t>(::getpid()) & 0x3fffff) * 256;
    for (uid_t slot = 0; slot < 256; ++slot) {
        if (!guestRootsInUse().contains(base + slot)) {
            m_guestRoot = base + slot;
            guestRootsInUse().insert(m_guestRoot);
            break;
        }
    }
}

SandboxMicroVm::~SandboxMicroVm()
{
    shutdown();
    guestRootsInUse().remove(m_guestRoot);
}

QString SandboxMicroVm::kernelDir()
{
    const QString env = qEnvironmentVariable("OSH_MICROVM_DIR");
    return env.isEmpty() ? QStringLiteral("/usr/local/lib/openshell/microvm") : env;
}

QString SandboxMicroVm::availability()
{
    if (qemuBinary().isEmpty())
        return QStringLiteral("firecracker isolation (a microVM) needs qemu-system-x86_64 (Debian package qemu-system-x86)");
    if (!QFileInfo(QLatin1String(kVirtiofsd)).isExecutable())
        return QStringLiteral("firecracker isolation (a microVM) needs virtiofsd at %1 (Debian package qemu-system-common)")
            .arg(QLatin1String(kVirtiofsd));
    const QString dir = kernelDir();
    if (!QFileInfo::exists(dir + QStringLiteral("/vmlinuz")) || !QFileInfo::exists(dir + QStringLiteral("/modules/order")))
        return QStringLiteral("firecracker isolation (a microVM) needs the guest kernel in %1 (run scripts/microvm-kernel.sh, "
                              "or set OSH_MICROVM_DIR)")
            .arg(dir);
    for (const char *helper : {"osh-vm-init", "osh-vm-fsd"}) {
        if (!QFileInfo(helperPath(helper)).isExecutable())
            return QStringLiteral("%1 not found at \"%2\" (it is built beside osh-sandbox-init)")
                .arg(QLatin1String(helper), helperPath(helper));
    }
    return {};
}

QString SandboxMicroVm::accelerator()
{
    return accelProbe().kvm ? QStringLiteral("kvm") : QStringLiteral("tcg");
}

QString SandboxMicroVm::acceleratorNote()
{
    return accelProbe().note;
}

bool SandboxMicroVm::prepare(const QJsonObject &ociConfig, QString *error)
{
    if (m_guestRoot == 0) {
        *error = QStringLiteral("too many microVMs in this process (256)");
        return false;
    }
    const uid_t root = m_guestRoot;
    // Only the guest's root reads this (virtiofsd serves it as root's):
    // the policy's environment is in it.
    const QString vm = m_dir + QStringLiteral("/vm");
    const QString vhost = m_dir + QStringLiteral("/vhost");
    const QString mountPoint = m_dir + QStringLiteral("/rootfs/.osh/vm");
    if (!QDir().mkpath(vm) || !QDir().mkpath(vhost) || !QDir().mkpath(mountPoint)) {
        *error = QStringLiteral("cannot create the microVM's folders in %1").arg(m_dir);
        return false;
    }
    const QJsonObject process = ociConfig.value(QStringLiteral("process")).toObject();
    QByteArray config;
    const QJsonArray args = process.value(QStringLiteral("args")).toArray();
    for (qsizetype k = 0; k < args.size(); ++k) {
        appendRecord(config, "arg", args.at(k).toString());
        // The init resets the VM at the end, which ends QEMU.
        if (k == 0)
            appendRecord(config, "arg", QStringLiteral("--poweroff"));
    }
    for (const QJsonValue &e : process.value(QStringLiteral("env")).toArray())
        appendRecord(config, "env", e.toString());
    appendRecord(config, "cwd", process.value(QStringLiteral("cwd")).toString());
    for (const SandboxSocket &s : m_spec.sockets)
        appendRecord(config, "socket", s.sandboxPath);
    if (m_spec.interactive)
        appendRecord(config, "stdin", QStringLiteral("mux"));
    for (const QJsonValue &v : ociConfig.value(QStringLiteral("mounts")).toArray()) {
        const QJsonObject m = v.toObject();
        const QString dest = m.value(QStringLiteral("destination")).toString();
        // /dev and /dev/shm the guest init makes itself, with device nodes.
        if (m.value(QStringLiteral("type")).toString() != QLatin1String("tmpfs") || dest.startsWith(QLatin1String("/dev")))
            continue;
        appendRecord(config, "tmpfs", dest);
        QStringList options;
        for (const QJsonValue &o : m.value(QStringLiteral("options")).toArray()) {
            const QString opt = o.toString();
            if (opt.contains(u'='))
                options << opt;
        }
        appendRecord(config, "tmpopt", options.join(u','));
    }
    const QByteArray file = QFile::encodeName(vm + QStringLiteral("/config"));
    const int fd = ::open(file.constData(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0400);
    const bool written = fd >= 0 && ::write(fd, config.constData(), static_cast<size_t>(config.size())) == config.size()
        && ::fchown(fd, root, root) == 0;
    const int saved = errno;
    if (fd >= 0)
        ::close(fd);
    // The guest's root owns its status folder; QEMU (the VMM id) may pass
    // through the launcher's socket folder, which only root writes (its
    // sockets are given their owner by path there); and virtiofsd, as the
    // guest's root, must pass through the bundle folder to the root.
    const int vmm = SandboxSpec::kSandboxRootUid;
    const QByteArray status = QFile::encodeName(m_dir + QStringLiteral("/status"));
    if (!written || ::chown(QFile::encodeName(vm).constData(), root, root) != 0
        || ::chmod(QFile::encodeName(vm).constData(), 0500) != 0
        || ::chown(status.constData(), root, root) != 0 || ::chmod(status.constData(), 0700) != 0
        || ::chown(QFile::encodeName(vhost).constData(), 0, vmm) != 0
        || ::chmod(QFile::encodeName(vhost).constData(), 0750) != 0
        || ::chmod(QFile::encodeName(m_dir).constData(), 0711) != 0) {
        *error = QStringLiteral("cannot write the microVM's configuration: %1").arg(QString::fromLocal8Bit(std::strerror(saved ? saved : errno)));
        return false;
    }
    QString why;
    if (sharedInitramfs(&why).isEmpty()) {
        *error = why;
        return false;
    }
    return true;
}

QLocalServer *SandboxMicroVm::listenOne(const QString &name, QLocalSocket **slot, QString *error)
{
    auto *server = new QLocalServer(this);
    const QString path = m_dir + QStringLiteral("/vhost/") + name;
    if (!server->listen(path)) {
        *error = QStringLiteral("cannot listen on %1: %2").arg(path, server->errorString());
        return nullptr;
    }
    // Root's folder: nobody can put anything else at the path meanwhile.
    if (::chown(QFile::encodeName(path).constData(), 0, SandboxSpec::kSandboxRootUid) != 0
        || ::chmod(QFile::encodeName(path).constData(), 0660) != 0) {
        *error = QStringLiteral("cannot give %1 to the VMM: %2").arg(path, QString::fromLocal8Bit(std::strerror(errno)));
        return nullptr;
    }
    connect(server, &QLocalServer::newConnection, this, [this, server, slot] {
        while (QLocalSocket *s = server->nextPendingConnection()) {
            if (*slot) { // QEMU connects once; nobody else can reach the folder
                s->abort();
                s->deleteLater();
                continue;
            }
            *slot = s;
            s->setParent(this);
            connect(s, &QLocalSocket::readyRead, this, [this, s] { readSocket(s); });
        }
    });
    return server;
}

void SandboxMicroVm::readSocket(QLocalSocket *socket)
{
    const QByteArray data = socket->readAll();
    if (data.isEmpty())
        return;
    if (socket == m_out) {
        Q_EMIT standardOutput(data);
    } else if (socket == m_err) {
        Q_EMIT standardError(data);
    } else {
        m_console.append(data);
        if (m_console.size() > kConsoleTail)
            m_console.remove(0, m_console.size() - kConsoleTail);
    }
}

bool SandboxMicroVm::startSupport(const QStringList &cgroupProcs, QString *error)
{
    const QString vhost = m_dir + QStringLiteral("/vhost");
    QStringList targets;
    for (const SandboxSocket &s : m_spec.sockets)
        targets << s.hostPath;
    m_mux = std::make_unique<VmMuxHost>(targets);
    if (!m_mux->listen(vhost + QStringLiteral("/mux.sock"), error))
        return false;
    const QByteArray muxPath = QFile::encodeName(vhost + QStringLiteral("/mux.sock"));
    if (::chown(muxPath.constData(), 0, SandboxSpec::kSandboxRootUid) != 0 || ::chmod(muxPath.constData(), 0660) != 0) {
        *error = QStringLiteral("cannot give the mux socket to the VMM: %1").arg(QString::fromLocal8Bit(std::strerror(errno)));
        return false;
    }
    if (!(m_outServer = listenOne(QStringLiteral("stdout.sock"), &m_out, error))
        || !(m_errServer = listenOne(QStringLiteral("stderr.sock"), &m_err, error))
        || !(m_conServer = listenOne(QStringLiteral("console.sock"), &m_con, error)))
        return false;

    // The guest sees the bundle's root, with the OCI spec's binds made on
    // the host: read-only ones stay read-only whatever the guest asks.
    QStringList args = {QStringLiteral("--root"), m_dir + QStringLiteral("/rootfs")};
    const QJsonObject oci = SandboxBundle::ociConfig(m_spec, {}, m_dir + QStringLiteral("/status"));
    for (const QJsonValue &v : oci.value(QStringLiteral("mounts")).toArray()) {
        const QJsonObject m = v.toObject();
        if (m.value(QStringLiteral("type")).toString() != QLatin1String("bind"))
            continue;
        const QString dest = m.value(QStringLiteral("destination")).toString();
        bool isSocket = false;
        for (const SandboxSocket &s : m_spec.sockets)
            isSocket = isSocket || s.sandboxPath == dest;
        if (isSocket) // served by the mux, not shared
            continue;
        const bool ro = m.value(QStringLiteral("options")).toArray().contains(QStringLiteral("ro"));
        args << QStringLiteral("--bind") << m.value(QStringLiteral("source")).toString() << dest
             << (ro ? QStringLiteral("ro") : QStringLiteral("rw"));
    }
    args << QStringLiteral("--bind") << m_dir + QStringLiteral("/vm") << QStringLiteral("/.osh/vm") << QStringLiteral("ro");
    const QString socket = vhost + QStringLiteral("/vfs.sock");
    args << QStringLiteral("--socket") << socket << QStringLiteral("--socket-group")
         << QString::number(SandboxSpec::kSandboxRootUid);
    const QString root = QString::number(m_guestRoot);
    args << QStringLiteral("--uid-map") << QStringLiteral("0:") + root << QStringLiteral("--uid-map")
         << QStringLiteral("%1:%1").arg(m_spec.uid) << QStringLiteral("--gid-map") << QStringLiteral("0:") + root
         << QStringLiteral("--gid-map") << QStringLiteral("%1:%1").arg(m_spec.gid);
    args << QStringLiteral("--") << QLatin1String(kVirtiofsd) << QStringLiteral("-o") << QStringLiteral("source=") + m_dir + QStringLiteral("/rootfs") << QStringLiteral("-o")
         << QStringLiteral("cache=none") << QStringLiteral("-o") << QStringLiteral("sandbox=namespace")
         << QStringLiteral("--rlimit-nofile=0") << QStringLiteral("-f");

    m_fsd = new QProcess(this);
    m_fsd->setProcessEnvironment(helperEnvironment());
    m_fsd->setStandardInputFile(QProcess::nullDevice());
    m_fsd->setProcessChannelMode(QProcess::MergedChannels);
    m_fsd->setReadChannel(QProcess::StandardOutput);
    QList<QByteArray> procs;
    for (const QString &p : cgroupProcs)
        procs << QFile::encodeName(p);
    m_fsd->setChildProcessModifier([procs] {
        for (const QByteArray &p : procs) {
            const int fd = ::open(p.constData(), O_WRONLY | O_CLOEXEC);
            if (fd >= 0) {
                (void)!::write(fd, "0", 1);
                ::close(fd);
            }
        }
    });
    m_fsd->start(helperPath("osh-vm-fsd"), args);
    if (!m_fsd->waitForStarted(5000)) {
        *error = QStringLiteral("cannot start osh-vm-fsd: %1").arg(m_fsd->errorString());
        return false;
    }
    // QEMU connects to virtiofsd's socket at once: wait until it listens.
    QElapsedTimer t;
    t.start();
    while (!QFileInfo::exists(socket)) {
        if (m_fsd->state() == QProcess::NotRunning || t.elapsed() > 10000) {
            m_fsd->waitForFinished(100);
            *error = QStringLiteral("virtiofsd did not start: %1").arg(QString::fromLocal8Bit(m_fsd->readAll()).trimmed());
            return false;
        }
        m_fsd->waitForFinished(10);
    }
    return true;
}

QStringList SandboxMicroVm::qemuCommand() const
{
    QString ignored;
    const QString initrd = sharedInitramfs(&ignored);
    const bool kvm = accelProbe().kvm;
    const qint64 mb = m_spec.limits.memoryMb;
    const int cpus = std::clamp(static_cast<int>(std::ceil(m_spec.limits.cpuCores)), 1, std::max(1, QThread::idealThreadCount()));
    const QString vhost = m_dir + QStringLiteral("/vhost/");
    const auto port = [&vhost](const QString &id, const char *name, const char *socket) {
        return QStringList{QStringLiteral("-chardev"), QStringLiteral("socket,id=%1,path=%2%3").arg(id, vhost, QLatin1String(socket)),
                           QStringLiteral("-device"), QStringLiteral("virtserialport,chardev=%1,name=%2").arg(id, QLatin1String(name))};
    };
    QStringList cmd = {qemuBinary(),
                       QStringLiteral("-M"), QStringLiteral("microvm,acpi=on"),
                       QStringLiteral("-accel"), kvm ? QStringLiteral("kvm") : QStringLiteral("tcg,tb-size=64"),
                       QStringLiteral("-cpu"), kvm ? QStringLiteral("host") : QStringLiteral("max"),
                       QStringLiteral("-smp"), QString::number(cpus),
                       QStringLiteral("-m"), QStringLiteral("%1M").arg(mb),
                       // virtio-fs needs guest memory QEMU can share with virtiofsd.
                       QStringLiteral("-object"), QStringLiteral("memory-backend-memfd,id=mem,size=%1M,share=on").arg(mb),
                       QStringLiteral("-numa"), QStringLiteral("node,memdev=mem"),
                       QStringLiteral("-nodefaults"), QStringLiteral("-no-user-config"), QStringLiteral("-display"), QStringLiteral("none"),
                       QStringLiteral("-no-reboot"),
                       // QEMU's own filter: no new privileges, processes, or obsolete calls.
                       QStringLiteral("-sandbox"), QStringLiteral("on,obsolete=deny,elevateprivileges=deny,spawn=deny,resourcecontrol=deny"),
                       QStringLiteral("-kernel"), kernelDir() + QStringLiteral("/vmlinuz"),
                       QStringLiteral("-initrd"), initrd,
                       QStringLiteral("-append"), QLatin1String(kKernelCommandLine),
                       QStringLiteral("-global"), QStringLiteral("virtio-mmio.force-legacy=false"),
                       QStringLiteral("-chardev"), QStringLiteral("socket,id=vfs,path=%1vfs.sock").arg(vhost),
                       QStringLiteral("-device"), QStringLiteral("vhost-user-fs-device,chardev=vfs,tag=osh"),
                       QStringLiteral("-chardev"), QStringLiteral("socket,id=con,path=%1console.sock").arg(vhost),
                       QStringLiteral("-serial"), QStringLiteral("chardev:con"),
                       QStringLiteral("-device"), QStringLiteral("virtio-serial-device")};
    cmd << port(QStringLiteral("mux"), vmmux::kPortName, "mux.sock")
        << port(QStringLiteral("out"), vmmux::kStdoutPortName, "stdout.sock")
        << port(QStringLiteral("err"), vmmux::kStderrPortName, "stderr.sock");
    return cmd;
}

void SandboxMicroVm::prepareProcess(QProcess *qemu, const QStringList &cgroupProcs) const
{
    QList<QByteArray> procs;
    for (const QString &p : cgroupProcs)
        procs << QFile::encodeName(p);
    const gid_t kvmGroup = accelProbe().kvm ? kvmGroupOf() : static_cast<gid_t>(-1);
    qemu->setProcessEnvironment(helperEnvironment());
    qemu->setChildProcessModifier([procs, kvmGroup] { becomeVmm(procs, kvmGroup); });
}

qint64 SandboxMicroVm::stdinBacklog() const
{
    return m_mux ? m_mux->pendingBytes() : 0;
}

void SandboxMicroVm::writeStdin(const QByteArray &data, bool eof)
{
    if (m_mux)
        m_mux->sendStdin(data, eof);
}

void SandboxMicroVm::signalCommand(int sig)
{
    if (m_mux)
        m_mux->signalGuest(sig);
}

void SandboxMicroVm::drain()
{
    // A VM that ended at once may have connected without the event loop
    // having taken the connections yet (its console says why it ended).
    for (QLocalServer *server : {m_outServer, m_errServer, m_conServer}) {
        if (server && server->isListening())
            server->waitForNewConnection(0);
    }
    for (QLocalSocket *s : {m_out, m_err, m_con}) {
        if (!s)
            continue;
        readSocket(s);
        while (s->state() == QLocalSocket::ConnectedState && s->waitForReadyRead(100))
            readSocket(s);
        readSocket(s);
    }
}

void SandboxMicroVm::shutdown()
{
    if (m_fsd && m_fsd->state() != QProcess::NotRunning) {
        m_fsd->terminate();
        if (!m_fsd->waitForFinished(2000)) {
            m_fsd->kill();
            m_fsd->waitForFinished(2000);
        }
    }
    if (m_mux)
        m_mux->close();
    for (QLocalServer *s : {m_outServer, m_errServer, m_conServer}) {
        if (s)
            s->close();
    }
    // Once the guest is gone: the folders it could write.
    if (m_fsd && m_guestRoot != 0 && !std::exchange(m_stripped, true)) {
        g_strippedOwner = m_guestRoot;
        QStringList writable{m_spec.workspaceHostDir};
        for (const SandboxMount &mount : m_spec.mounts) {
            if (!mount.readOnly)
                writable << mount.hostPath;
        }
        for (const QString &dir : writable)
            ::nftw(QFile::encodeName(dir).constData(), stripSetIdEntry, 32, FTW_PHYS | FTW_MOUNT);
    }
}

} // namespace osh::runtime
