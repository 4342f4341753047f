#include "sandbox/sandboxbundle.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>

#include <cerrno>
#include <cstring>

#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

namespace osh::runtime {

namespace {

constexpr auto kStatusDir = "/.osh/status";
constexpr auto kInit = "/.osh/init";
constexpr auto kMcpBridge = "/opt/openshell/bin/openshell-mcp";
constexpr unsigned kNobody = 65534; // nobody and nogroup in the sandbox's own /etc

QString busyboxPath()
{
    for (const QString &p : {QStringLiteral("/bin/busybox"), QStringLiteral("/usr/bin/busybox")}) {
        if (QFileInfo(p).isExecutable())
            return p;
    }
    return {};
}

// One /bin of busybox applets per launcher process, bind-mounted read-only
// into every sandbox: creating ~270 symlinks per session cost ~90 ms here
// (a symlink takes ~0.3 ms on this disk), one bind mount costs nothing.
QString sharedBinDir(const QString &busybox, QString *error)
{
    static QTemporaryDir dir(SandboxBundle::defaultBase() + QStringLiteral("/osh-sbx-bin-XXXXXX"));
    static const bool ready = [&busybox] {
        if (!dir.isValid())
            return false;
        // Seen as /bin inside: the sandbox user must be able to use it.
        QFile::setPermissions(dir.path(), QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner | QFile::ReadGroup
                                              | QFile::ExeGroup | QFile::ReadOther | QFile::ExeOther);
        const QString target = dir.path() + QStringLiteral("/busybox");
        if (::link(QFile::encodeName(busybox).constData(), QFile::encodeName(target).constData()) != 0
            && !QFile::copy(busybox, target))
            return false;
        QProcess p;
        p.start(busybox, {QStringLiteral("--list")});
        p.waitForFinished(5000);
        const QList<QByteArray> applets = p.readAllStandardOutput().split('\n');
        const QByteArray bin = QFile::encodeName(dir.path()) + '/';
        for (const QByteArray &a : applets) {
            if (!a.isEmpty() && a != "busybox" && !a.contains('/'))
                ::symlink("busybox", QByteArray(bin + a).constData());
        }
        return QFileInfo::exists(dir.path() + QStringLiteral("/sh"));
    }();
    if (!ready) {
        *error = QStringLiteral("cannot prepare the sandbox /bin from %1").arg(busybox);
        return {};
    }
    return dir.path();
}

// A hard link costs nothing and the root is read-only to the sandbox; copy
// only when the bundle lives on another file system.
bool linkOrCopy(const QString &from, const QString &to)
{
    return ::link(QFile::encodeName(from).constData(), QFile::encodeName(to).constData()) == 0 || QFile::copy(from, to);
}

// private: the file is the owner's alone before anything is written to it.
bool writeText(const QString &path, const QByteArray &text, QString *error, bool privateFile = false)
{
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate)
        || (privateFile && !f.setPermissions(QFile::ReadOwner | QFile::WriteOwner)) || f.write(text) != text.size()) {
        *error = QStringLiteral("cannot write %1: %2").arg(path, f.errorString());
        return false;
    }
    return true;
}

QJsonObject mount(const QString &dest, const QString &type, const QString &source, const QStringList &options)
{
    return {{QStringLiteral("destination"), dest},
            {QStringLiteral("type"), type},
            {QStringLiteral("source"), source},
            {QStringLiteral("options"), QJsonArray::fromStringList(options)}};
}

QJsonObject bind(const QString &dest, const QString &source, bool readOnly)
{
    QStringList o = {QStringLiteral("rbind"), QStringLiteral("nosuid"), QStringLiteral("nodev")};
    o << (readOnly ? QStringLiteral("ro") : QStringLiteral("rw"));
    return mount(dest, QStringLiteral("bind"), source, o);
}

QJsonObject rlimit(const char *type, qint64 value)
{
    return {{QStringLiteral("type"), QLatin1String(type)},
            {QStringLiteral("hard"), value},
            {QStringLiteral("soft"), value}};
}

} // namespace

QString SandboxBundle::defaultBase()
{
    static const QString base = [] {
        const QString env = qEnvironmentVariable("OSH_SANDBOX_DIR");
        if (!env.isEmpty())
            return env;
        // A bundle is ~30 small files and folders; on this machine's disk each
        // metadata operation costs ~0.3 ms, on tmpfs microseconds. The root
        // holds the init, so the file system must allow exec.
        struct statvfs st{};
        if (::statvfs("/dev/shm", &st) == 0 && !(st.f_flag & ST_NOEXEC) && !(st.f_flag & ST_RDONLY)
            && ::access("/dev/shm", W_OK) == 0)
            return QStringLiteral("/dev/shm");
        return QDir::tempPath();
    }();
    return base;
}

SandboxBundle::~SandboxBundle()
{
    remove();
}

QString SandboxBundle::statusFile() const
{
    return m_dir + QStringLiteral("/status/status");
}

QString SandboxBundle::mcpBridgePath(const QString &initPath)
{
    const QString env = qEnvironmentVariable("OSH_MCP_BRIDGE");
    return env.isEmpty() ? QFileInfo(initPath).absoluteDir().filePath(QStringLiteral("openshell-mcp")) : env;
}

QString SandboxBundle::stateDir() const
{
    return m_dir + QStringLiteral("/state");
}

QString SandboxBundle::release()
{
    return std::exchange(m_dir, QString());
}

void SandboxBundle::remove()
{
    if (!m_dir.isEmpty())
        QDir(m_dir).removeRecursively();
    m_dir.clear();
}

QJsonObject SandboxBundle::ociConfig(const SandboxSpec &spec, const QString &cgroupsPath, const QString &statusHostDir)
{
    QString ignored;
    const QString binDir = sharedBinDir(busyboxPath(), &ignored);
    const bool gvisor = spec.isolation == Isolation::Gvisor;
    QStringList args = {QLatin1String(kInit), QStringLiteral("--status"), QLatin1String(kStatusDir) + QStringLiteral("/status"),
                        QStringLiteral("--uid"), QString::number(spec.uid),
                        QStringLiteral("--gid"), QString::number(spec.gid),
                        QStringLiteral("--nofile"), QString::number(spec.limits.maxOpenFiles)};
    if (spec.limits.maxFileBytes > 0)
        args << QStringLiteral("--fsize") << QString::number(spec.limits.maxFileBytes);
    // gVisor counts RLIMIT_NPROC per user inside its own kernel; on the host
    // kernel (crun) it would count every sandbox sharing the uid, so there the
    // session's pids cgroup is the limit.
    // Measured: gVisor does not charge the first process to the user when
    // the init's child switches to it, so that one is not counted.
    if (gvisor)
        args << QStringLiteral("--nproc") << QString::number(std::max<qint64>(1, spec.limits.maxProcesses - 1));
    // A microVM's kernel is the command's alone: the count is exact there.
    if (spec.isolation == Isolation::Firecracker)
        args << QStringLiteral("--nproc") << QString::number(spec.limits.maxProcesses);
    for (const SandboxForward &f : spec.forwards)
        args << QStringLiteral("--forward") << QString::number(f.port) + u'=' + f.sandboxSocketPath;
    // On the host kernel the command's calls are filtered (gVisor's own
    // kernel is the boundary there): runtime/sandbox/init/syscallfilter.h.
    if (!gvisor)
        args << QStringLiteral("--seccomp");
    args << QStringLiteral("--");
    args << spec.argv;

    // The init's own: switching to the command's identity, emptying the
    // command's bounding set, and ending everything at the close.
    const QJsonArray caps = {QStringLiteral("CAP_SETUID"), QStringLiteral("CAP_SETGID"), QStringLiteral("CAP_SETPCAP"),
                             QStringLiteral("CAP_KILL")};
    QJsonObject process{
        {QStringLiteral("terminal"), false},
        {QStringLiteral("user"), QJsonObject{{QStringLiteral("uid"), 0}, {QStringLiteral("gid"), 0}}},
        {QStringLiteral("args"), QJsonArray::fromStringList(args)},
        {QStringLiteral("env"), QJsonArray::fromStringList(spec.environment())},
        {QStringLiteral("cwd"), spec.workingDir.isEmpty() ? spec.workspacePath : spec.workingDir},
        {QStringLiteral("noNewPrivileges"), true},
        {QStringLiteral("capabilities"),
         QJsonObject{{QStringLiteral("bounding"), caps},
                     {QStringLiteral("effective"), caps},
                     {QStringLiteral("permitted"), caps},
                     {QStringLiteral("inheritable"), QJsonArray()},
                     {QStringLiteral("ambient"), QJsonArray()}}},
        // The init's own ceiling; it lowers NOFILE to the policy's value for the command.
        {QStringLiteral("rlimits"), QJsonArray{rlimit("RLIMIT_NOFILE", std::max<qint64>(spec.limits.maxOpenFiles, 1024))}},
    };

    const qint64 tmpMb = std::clamp<qint64>(spec.limits.memoryMb / 4, 16, 1024);
    QJsonArray mounts = {
        mount(QStringLiteral("/proc"), QStringLiteral("proc"), QStringLiteral("proc"),
              {QStringLiteral("nosuid"), QStringLiteral("noexec"), QStringLiteral("nodev")}),
        mount(QStringLiteral("/dev"), QStringLiteral("tmpfs"), QStringLiteral("tmpfs"),
              {QStringLiteral("nosuid"), QStringLiteral("strictatime"), QStringLiteral("mode=755"), QStringLiteral("size=65536k")}),
        mount(QStringLiteral("/dev/shm"), QStringLiteral("tmpfs"), QStringLiteral("shm"),
              {QStringLiteral("nosuid"), QStringLiteral("noexec"), QStringLiteral("nodev"), QStringLiteral("mode=1777"),
               QStringLiteral("size=16m")}),
        mount(QStringLiteral("/tmp"), QStringLiteral("tmpfs"), QStringLiteral("tmpfs"),
              {QStringLiteral("nosuid"), QStringLiteral("nodev"), QStringLiteral("mode=1777"),
               QStringLiteral("size=%1m").arg(tmpMb)}),
        mount(QStringLiteral("/home/agent"), QStringLiteral("tmpfs"), QStringLiteral("tmpfs"),
              {QStringLiteral("nosuid"), QStringLiteral("nodev"), QStringLiteral("mode=700"), QStringLiteral("size=16m"),
               QStringLiteral("uid=%1").arg(spec.uid), QStringLiteral("gid=%1").arg(spec.gid)}),
        bind(QStringLiteral("/usr"), QStringLiteral("/usr"), true),
        bind(QStringLiteral("/bin"), binDir, true),
        bind(QLatin1String(kStatusDir), statusHostDir, false),
        bind(spec.workspacePath, spec.workspaceHostDir, false),
    };
    if (!spec.trustDir.isEmpty())
        mounts.append(bind(QStringLiteral("/etc/ssl/certs"), spec.trustDir, true));
    else if (QFileInfo(QStringLiteral("/etc/ssl/certs")).isDir())
        mounts.append(bind(QStringLiteral("/etc/ssl/certs"), QStringLiteral("/etc/ssl/certs"), true));
    for (const SandboxMount &m : spec.mounts)
        mounts.append(bind(m.sandboxPath, m.hostPath, m.readOnly));
    for (const SandboxSocket &s : spec.sockets)
        mounts.append(bind(s.sandboxPath, s.hostPath, false));

    QJsonArray namespaces;
    for (const char *ns : {"pid", "network", "ipc", "uts", "mount"})
        namespaces.append(QJsonObject{{QStringLiteral("type"), QLatin1String(ns)}});
    if (!gvisor)
        namespaces.append(QJsonObject{{QStringLiteral("type"), QStringLiteral("user")}});
    const QStringList masked = {QStringLiteral("/proc/acpi"), QStringLiteral("/proc/kcore"), QStringLiteral("/proc/keys"),
                                QStringLiteral("/proc/latency_stats"), QStringLiteral("/proc/timer_list"),
                                QStringLiteral("/proc/sched_debug"), QStringLiteral("/proc/scsi"), QStringLiteral("/sys/firmware")};
    const QStringList readonly = {QStringLiteral("/proc/bus"), QStringLiteral("/proc/fs"), QStringLiteral("/proc/irq"),
                                  QStringLiteral("/proc/sys"), QStringLiteral("/proc/sysrq-trigger")};
    QJsonObject linux{
        {QStringLiteral("namespaces"), namespaces},
        // Limits live on the launcher's parent group (SandboxCgroup).
        {QStringLiteral("cgroupsPath"), cgroupsPath},
        {QStringLiteral("resources"), QJsonObject{}},
    };
    if (!gvisor) {
        // A user namespace of two ids: root inside is the unprivileged
        // kSandboxRootUid outside (the init's capabilities count for this
        // namespace only), and the command's id is itself on both sides, so
        // what it creates in the workspace keeps the owner the host expects.
        // Every other host id shows as nobody inside.
        const auto idMap = [](int inside) {
            return QJsonArray{
                QJsonObject{{QStringLiteral("containerID"), 0}, {QStringLiteral("hostID"), SandboxSpec::kSandboxRootUid}, {QStringLiteral("size"), 1}},
                QJsonObject{{QStringLiteral("containerID"), inside}, {QStringLiteral("hostID"), inside}, {QStringLiteral("size"), 1}}};
        };
        linux.insert(QStringLiteral("uidMappings"), idMap(static_cast<int>(spec.uid)));
        linux.insert(QStringLiteral("gidMappings"), idMap(static_cast<int>(spec.gid)));
        linux.insert(QStringLiteral("maskedPaths"), QJsonArray::fromStringList(masked));
        linux.insert(QStringLiteral("readonlyPaths"), QJsonArray::fromStringList(readonly));
    }
    return {
        {QStringLiteral("ociVersion"), QStringLiteral("1.0.2")},
        {QStringLiteral("process"), process},
        {QStringLiteral("root"), QJsonObject{{QStringLiteral("path"), QStringLiteral("rootfs")}, {QStringLiteral("readonly"), true}}},
        {QStringLiteral("hostname"), QStringLiteral("sandbox")},
        {QStringLiteral("mounts"), mounts},
        {QStringLiteral("linux"), linux},
    };
}

bool SandboxBundle::create(const SandboxSpec &spec, const QString &initPath, const QString &cgroupsPath,
                           const QString &tempBase, QString *error)
{
    remove();
    QTemporaryDir tmp(tempBase + QStringLiteral("/osh-sbx-") + spec.id + QStringLiteral("-XXXXXX"));
    if (!tmp.isValid()) {
        *error = QStringLiteral("cannot create the bundle folder: %1").arg(tmp.errorString());
        return false;
    }
    tmp.setAutoRemove(false);
    m_dir = tmp.path();
    QFile::setPermissions(m_dir, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
    const bool ok = QDir().mkpath(stateDir()) && QDir().mkpath(m_dir + QStringLiteral("/status"));
    if (!ok || !buildRoot(spec, initPath, error)) {
        if (!ok)
            *error = QStringLiteral("cannot create folders in %1").arg(m_dir);
        remove();
        return false;
    }
    const QString status = m_dir + QStringLiteral("/status");
    QFile::setPermissions(status, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
    // In a container the runtime's setup and the init run as the
    // unprivileged root of the user namespace: it may pass through the
    // bundle folder (group, search only) to the root, and the status folder
    // is its alone (never the command's). A microVM's QEMU and virtiofsd run
    // as that id too.
    if (spec.isolation != Isolation::Gvisor) {
        const int root = SandboxSpec::kSandboxRootUid;
        if (::chown(QFile::encodeName(m_dir).constData(), 0, root) != 0 || ::chmod(QFile::encodeName(m_dir).constData(), 0710) != 0
            || ::chown(QFile::encodeName(status).constData(), root, root) != 0) {
            *error = QStringLiteral("cannot give the container's root its way into the bundle: %1")
                         .arg(QString::fromLocal8Bit(std::strerror(errno)));
            remove();
            return false;
        }
    }
    const QByteArray json = QJsonDocument(ociConfig(spec, cgroupsPath, m_dir + QStringLiteral("/status"))).toJson(QJsonDocument::Compact);
    // The policy's environment is in it: root's alone (the container's
    // root, 64099, may pass through the folder but not read this).
    if (!writeText(m_dir + QStringLiteral("/config.json"), json, error, true)) {
        remove();
        return false;
    }
    return true;
}

bool SandboxBundle::buildRoot(const SandboxSpec &spec, const QString &initPath, QString *error)
{
    const QString root = m_dir + QStringLiteral("/rootfs");
    const QString busybox = busyboxPath();
    if (busybox.isEmpty()) {
        *error = QStringLiteral("busybox (static) not found; install busybox-static");
        return false;
    }
    for (const char *d : {"bin", "usr", "etc/ssl/certs", "tmp", "proc", "dev", "home/agent", "sys", ".osh/status", "root",
                          "opt/openshell/bin"}) {
        if (!QDir().mkpath(root + u'/' + QLatin1String(d))) {
            *error = QStringLiteral("cannot create %1 in the sandbox root").arg(QLatin1String(d));
            return false;
        }
    }
    // The root folder is seen as "/" inside: it must be traversable by the sandbox user.
    QFile::setPermissions(root, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner | QFile::ReadGroup
                                    | QFile::ExeGroup | QFile::ReadOther | QFile::ExeOther);
    if (sharedBinDir(busybox, error).isEmpty())
        return false;
    if (!linkOrCopy(initPath, root + QLatin1String(kInit))) {
        *error = QStringLiteral("cannot copy %1 into the sandbox root").arg(initPath);
        return false;
    }
    // The stdio MCP server that relays to the gateway (docs/gateway.md),
    // beside the init wherever the init is.
    const QString bridge = mcpBridgePath(initPath);
    if (!QFileInfo(bridge).isExecutable() || !linkOrCopy(bridge, root + QLatin1String(kMcpBridge))) {
        *error = QStringLiteral("cannot put openshell-mcp into the sandbox root: %1 is missing (build the openshell-mcp "
                                "target, or set OSH_MCP_BRIDGE)")
                     .arg(bridge);
        return false;
    }
    QFile::link(QStringLiteral("usr/lib"), root + QStringLiteral("/lib"));
    QFile::link(QStringLiteral("usr/lib64"), root + QStringLiteral("/lib64"));
    QFile::link(QStringLiteral("bin"), root + QStringLiteral("/sbin"));

    // Whatever number the command runs as, it is "agent" here, and no other
    // line claims that number: the user's name on the host is not needed
    // (and not shown), and name lookups of the uid find one answer.
    const QByteArray uid = QByteArray::number(spec.uid);
    const QByteArray gid = QByteArray::number(spec.gid);
    QByteArray passwd = "root:x:0:0:root:/root:/bin/sh\nagent:x:" + uid + ':' + gid + ":agent:/home/agent:/bin/sh\n";
    if (spec.uid != kNobody)
        passwd += "nobody:x:65534:65534:nobody:/nonexistent:/bin/false\n";
    QByteArray group = "root:x:0:\nagent:x:" + gid + ":\n";
    if (spec.gid != kNobody)
        group += "nogroup:x:65534:\n";
    const QString etc = root + QStringLiteral("/etc/");
    if (!writeText(etc + QStringLiteral("passwd"), passwd, error) || !writeText(etc + QStringLiteral("group"), group, error)
        || !writeText(etc + QStringLiteral("hosts"), "127.0.0.1 localhost sandbox\n::1 localhost\n", error)
        || !writeText(etc + QStringLiteral("resolv.conf"), "", error)
        || !writeText(etc + QStringLiteral("nsswitch.conf"), "passwd: files\ngroup: files\nhosts: files\n", error)
        || !writeText(etc + QStringLiteral("hostname"), "sandbox\n", error))
        return false;

    // Mount points must exist beforehand: the root is read-only to the runtime too.
    const auto mountPoint = [&root, error](const QString &path, bool file) {
        const QString p = root + path;
        if (!QDir().mkpath(file ? QFileInfo(p).path() : p)) {
            *error = QStringLiteral("cannot create the mount point %1").arg(path);
            return false;
        }
        if (file && !QFileInfo::exists(p)) {
            QFile f(p);
            if (!f.open(QIODevice::WriteOnly)) {
                *error = QStringLiteral("cannot create the mount point %1").arg(path);
                return false;
            }
        }
        return true;
    };
    if (!mountPoint(spec.workspacePath, false))
        return false;
    for (const SandboxMount &m : spec.mounts) {
        if (!mountPoint(m.sandboxPath, !QFileInfo(m.hostPath).isDir()))
            return false;
    }
    for (const SandboxSocket &s : spec.sockets) {
        if (!mountPoint(s.sandboxPath, true))
            return false;
    }
    return true;
}

} // namespace osh::runtime
