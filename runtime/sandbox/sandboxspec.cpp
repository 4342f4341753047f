#include "sandbox/sandboxspec.h"

#include "engine/filesystemlayer.h"
#include "sandbox/init/syscallfilter.h"
#include "sandbox/sandboxmicrovm.h"

#include <QDir>
#include <QFileInfo>

#include <algorithm>
#include <cmath>

namespace osh::runtime {

namespace {

QString qs(const std::string &s)
{
    return QString::fromStdString(s);
}

bool isValidId(const QString &id)
{
    if (id.isEmpty() || id.size() > 64)
        return false;
    for (const QChar c : id) {
        const bool ok = (c >= u'a' && c <= u'z') || (c >= u'A' && c <= u'Z') || (c >= u'0' && c <= u'9') || c == u'_'
            || c == u'.' || c == u'-';
        if (!ok)
            return false;
    }
    return id.front() != u'.' && id.front() != u'-';
}

bool isValidEnvName(const QString &name)
{
    if (name.isEmpty() || name.front().isDigit())
        return false;
    for (const QChar c : name) {
        if (!((c >= u'a' && c <= u'z') || (c >= u'A' && c <= u'Z') || (c >= u'0' && c <= u'9') || c == u'_'))
            return false;
    }
    return true;
}

} // namespace

bool isValidSandboxPath(const QString &path)
{
    if (!path.startsWith(u'/') || path.size() < 2 || path.endsWith(u'/') || path.contains(QChar(0)))
        return false;
    const QStringList parts = path.mid(1).split(u'/');
    for (const QString &p : parts) {
        if (p.isEmpty() || p == u"." || p == u"..")
            return false;
    }
    // These come from the launcher's own root (or the host's read-only /usr);
    // mounting over or inside them would hide or bypass that.
    static const QStringList reserved = {QStringLiteral("bin"),  QStringLiteral("sbin"), QStringLiteral("lib"),
                                         QStringLiteral("lib64"), QStringLiteral("usr"), QStringLiteral("proc"),
                                         QStringLiteral("dev"),  QStringLiteral("sys"),  QStringLiteral(".osh")};
    return !reserved.contains(parts.front());
}

namespace {

// The largest file that any folder the command writes to directly allows
// (write-only folders are served by the controller alone and do not count);
// 0 when one of them has no limit, or the workspace is covered by no rule
// (implicitly read-write without limits).
qint64 largestWritableFile(const PolicyDocument &doc)
{
    if (!doc.sandbox.allowFilesystem)
        return 0;
    const FilesystemController &fs = doc.filesystem;
    bool workspaceCovered = false;
    double largest = 0;
    for (const AccessRule &r : fs.rules) {
        workspaceCovered = workspaceCovered || FilesystemLayer::isUnder(fs.workspace, r.path);
        if (r.permissions != Permission::ReadWrite)
            continue;
        if (!r.maxFileSizeMb)
            return 0;
        largest = std::max(largest, *r.maxFileSizeMb);
    }
    if (!workspaceCovered || largest <= 0)
        return 0;
    return static_cast<qint64>(std::ceil(largest * 1024.0 * 1024.0));
}

} // namespace

SandboxSpec SandboxSpec::fromPolicy(const PolicyDocument &doc, const QString &id, const QString &workspaceHostDir,
                                    const QString &policyDir)
{
    SandboxSpec s;
    const SandboxConfig &c = doc.sandbox;
    s.id = id;
    s.isolation = c.isolation;
    s.limits.memoryMb = c.maxMemoryMb;
    s.limits.cpuCores = c.maxCpuCores;
    s.limits.wallTimeSeconds = c.maxExecutionTimeSeconds;
    s.limits.maxProcesses = c.maxProcesses;
    s.limits.maxOpenFiles = c.maxOpenFiles;
    s.limits.maxFileBytes = largestWritableFile(doc);
    s.cleanup = c.cleanupPolicy;
    for (const auto &[k, v] : c.environment)
        s.env.append({qs(k), qs(v)});
    s.workspaceHostDir = workspaceHostDir;
    s.workspacePath = qs(doc.filesystem.workspace);
    if (doc.agent) {
        for (const std::string &a : doc.agent->command)
            s.argv << qs(a);
    }
    for (const AccessRule &r : doc.filesystem.rules) {
        if (!r.source)
            continue;
        const QString src = QFileInfo(QDir(policyDir), qs(*r.source)).absoluteFilePath();
        s.mounts.append({QDir::cleanPath(src), qs(r.path), r.permissions == Permission::Read});
    }
    return s;
}

QStringList SandboxSpec::environment() const
{
    QList<QPair<QString, QString>> vars = {{QStringLiteral("PATH"), QStringLiteral("/bin:/usr/bin")},
                                           {QStringLiteral("HOME"), QStringLiteral("/home/agent")},
                                           {QStringLiteral("LANG"), QStringLiteral("C.UTF-8")}};
    const auto set = [&vars](const QString &k, const QString &v) {
        for (auto &p : vars) {
            if (p.first == k) {
                p.second = v;
                return;
            }
        }
        vars.append({k, v});
    };
    for (const auto &p : env) {
        if (p.first != u"OPENSHELL_GATEWAY")
            set(p.first, p.second);
    }
    if (!gatewayAddress.isEmpty())
        set(QStringLiteral("OPENSHELL_GATEWAY"), gatewayAddress);
    QStringList out;
    for (const auto &p : vars)
        out << p.first + u'=' + p.second;
    return out;
}

QString SandboxSpec::validate() const
{
    if (!isValidId(id))
        return QStringLiteral("invalid sandbox id \"%1\" (letters, digits, '_', '.', '-'; up to 64)").arg(id);
    if (argv.isEmpty() || argv.front().isEmpty())
        return QStringLiteral("no command to run");
    // The command is meant to hold no privilege: root's uid (or its group)
    // would give it every root-owned file of the mounted folders, and in a
    // container without a user namespace it is the host's root.
    if (uid == 0 || gid == 0)
        return QStringLiteral("the command must not run as root (uid %1, gid %2)").arg(uid).arg(gid);
    if (uid == static_cast<uid_t>(kSandboxRootUid) || gid == static_cast<gid_t>(kSandboxRootUid))
        return QStringLiteral("the command must not run as the container's root (uid/gid %1)").arg(kSandboxRootUid);
    if (uid == static_cast<uid_t>(-1) || gid == static_cast<gid_t>(-1))
        return QStringLiteral("no valid identity to run the command as");
    if (limits.memoryMb <= 0 || limits.cpuCores <= 0 || limits.wallTimeSeconds <= 0 || limits.maxProcesses <= 0
        || limits.maxOpenFiles <= 0)
        return QStringLiteral("every limit must be positive");
    if (limits.maxOpenFiles < 4)
        return QStringLiteral("max_open_files below 4 cannot run any command");
    if (workspaceHostDir.isEmpty() || !QFileInfo(workspaceHostDir).isDir())
        return QStringLiteral("workspace folder %1 does not exist").arg(workspaceHostDir);
    if (!isValidSandboxPath(workspacePath))
        return QStringLiteral("invalid workspace path %1").arg(workspacePath);
    if (!workingDir.isEmpty() && !isValidSandboxPath(workingDir))
        return QStringLiteral("invalid working directory %1").arg(workingDir);
    for (const auto &p : env) {
        if (!isValidEnvName(p.first) || p.second.contains(QChar(0)))
            return QStringLiteral("invalid environment variable %1").arg(p.first);
    }
    for (const SandboxMount &m : mounts) {
        if (!isValidSandboxPath(m.sandboxPath))
            return QStringLiteral("invalid sandbox path %1").arg(m.sandboxPath);
        if (!QFileInfo(m.hostPath).exists())
            return QStringLiteral("host folder %1 for %2 does not exist").arg(m.hostPath, m.sandboxPath);
    }
    for (const SandboxSocket &so : sockets) {
        if (!isValidSandboxPath(so.sandboxPath))
            return QStringLiteral("invalid socket path %1").arg(so.sandboxPath);
        if (!QFileInfo::exists(so.hostPath))
            return QStringLiteral("host socket %1 does not exist").arg(so.hostPath);
    }
    for (const SandboxForward &f : forwards) {
        if (f.port == 0)
            return QStringLiteral("forward with port 0");
        bool known = false;
        for (const SandboxSocket &so : sockets)
            known = known || so.sandboxPath == f.sandboxSocketPath;
        if (!known)
            return QStringLiteral("forward to %1, which is not a mounted socket").arg(f.sandboxSocketPath);
    }
    return {};
}

namespace {

// The names of the filter's refused groups, as one list.
QString refusedGroups()
{
    QStringList names;
    for (const osh::sandbox::SyscallGroup &g : osh::sandbox::kRefused)
        names << QString::fromLatin1(g.name);
    return names.join(QStringLiteral(", "));
}

} // namespace

QList<SandboxControl> SandboxSpec::enforcement() const
{
    const QString cgroup = QStringLiteral("osh-sbx-") + id;
    QList<SandboxControl> out;
    const auto add = [&out](const char *control, const QString &value, const QString &by) {
        out.append({QString::fromLatin1(control), value, by});
    };
    if (isolation == Isolation::Firecracker) {
        if (!SandboxMicroVm::availability().isEmpty())
            return {}; // it cannot start here (Sandbox::availability says why)
        const bool kvm = SandboxMicroVm::accelerator() == QLatin1String("kvm");
        add("vmm", kvm ? QStringLiteral("qemu-microvm/kvm") : QStringLiteral("qemu-microvm/tcg"),
            kvm ? QStringLiteral("QEMU's microvm machine under KVM")
                : QStringLiteral("QEMU's microvm machine in software emulation (TCG: start-up takes seconds; %1)")
                      .arg(SandboxMicroVm::acceleratorNote()));
        add("kernel", {},
            QStringLiteral("the guest's own Linux kernel in the microVM; no network device, no disk; the root shared by "
                           "virtio-fs from a virtiofsd in a user namespace whose root is the unprivileged uid %1")
                .arg(kSandboxRootUid));
        add("system_calls", {},
            QStringLiteral("answered by the guest kernel, behind the same seccomp filter of the init as in container mode "
                           "(runtime/sandbox/init/syscallfilter.h): %1 refused")
                .arg(refusedGroups()));
        add("identity", QStringLiteral("uid %1, gid %2").arg(uid).arg(gid),
            QStringLiteral("the same ids in the guest and for virtiofsd on the host; no capabilities (bounding set empty), "
                           "no_new_privs"));
        add("max_memory_mb", QString::number(limits.memoryMb),
            QStringLiteral("the guest's memory (-m); memory cgroup %1 holds QEMU and virtiofsd with %2 MB beside it")
                .arg(cgroup)
                .arg(SandboxMicroVm::kHostOverheadMb));
        add("max_cpu_cores", QString::number(limits.cpuCores),
            QStringLiteral("%1 virtual CPU(s) and the CFS quota of cpu cgroup %2 (100 ms period)")
                .arg(std::max(1, static_cast<int>(std::ceil(limits.cpuCores))))
                .arg(cgroup));
        add("max_execution_time_seconds", QString::number(limits.wallTimeSeconds),
            QStringLiteral("the launcher's timer (SIGTERM through the guest's init, then the VM is ended after %1 ms) and a "
                           "watchdog thread")
                .arg(stopGraceMs));
        add("max_processes", QString::number(limits.maxProcesses),
            QStringLiteral("RLIMIT_NPROC in the guest kernel (processes and threads of the command's uid)"));
        add("max_open_files", QString::number(limits.maxOpenFiles), QStringLiteral("RLIMIT_NOFILE of the command"));
        if (limits.maxFileBytes > 0)
            add("max_file_size_mb", QString::number(limits.maxFileBytes / (1024 * 1024)),
                QStringLiteral("RLIMIT_FSIZE of the command (the largest rule's); smaller rules by the workspace guard"));
        add("network", {},
            QStringLiteral("no network device, loopback only; egress only through the runtime's sockets, carried over a "
                           "virtio-serial port"));
        return out;
    }
    const bool gvisor = isolation == Isolation::Gvisor;
    add("kernel", {},
        gvisor ? QStringLiteral("gVisor's user-space kernel (runsc, ptrace platform); the host kernel sees only the sentry's filtered calls")
               : QStringLiteral("the host kernel, in the sandbox's own user, pid, network, IPC, UTS and mount namespaces"));
    add("system_calls", {},
        gvisor ? QStringLiteral("answered by gVisor's kernel")
               : QStringLiteral("seccomp filter of the init (runtime/sandbox/init/syscallfilter.h): %1 refused; clone and unshare of new namespaces "
                                "refused; sockets unix, inet and inet6 (TCP, UDP, ICMP) and netlink-route only; calls after "
                                "number %2 not allowed; other architectures killed")
                     .arg(refusedGroups())
                     .arg(osh::sandbox::kLastReviewedSyscall));
    add("identity", QStringLiteral("uid %1, gid %2").arg(uid).arg(gid),
        gvisor ? QStringLiteral("no capabilities (bounding set empty), no_new_privs")
               : QStringLiteral("mapped to itself in a user namespace whose root is the unprivileged uid %1; no capabilities "
                                "(bounding set empty), no_new_privs")
                     .arg(kSandboxRootUid));
    add("max_memory_mb", QString::number(limits.memoryMb),
        gvisor ? QStringLiteral("memory cgroup %1, which also holds gVisor's own kernel (sentry and gofer)").arg(cgroup)
               : QStringLiteral("memory cgroup %1").arg(cgroup));
    add("max_cpu_cores", QString::number(limits.cpuCores), QStringLiteral("CFS quota of cpu cgroup %1 (100 ms period)").arg(cgroup));
    add("max_execution_time_seconds", QString::number(limits.wallTimeSeconds),
        QStringLiteral("the launcher's timer (SIGTERM, then SIGKILL after %1 ms) and a watchdog thread").arg(stopGraceMs));
    add("max_processes", QString::number(limits.maxProcesses),
        gvisor ? QStringLiteral("RLIMIT_NPROC in gVisor's kernel (processes and threads; a refused fork is seen only inside); "
                                "pids cgroup %1 as a host-side backstop")
                     .arg(cgroup)
               : QStringLiteral("pids cgroup %1 (processes and threads, the init counted apart)").arg(cgroup));
    add("max_open_files", QString::number(limits.maxOpenFiles), QStringLiteral("RLIMIT_NOFILE of the command"));
    if (limits.maxFileBytes > 0)
        add("max_file_size_mb", QString::number(limits.maxFileBytes / (1024 * 1024)),
            QStringLiteral("RLIMIT_FSIZE of the command (the largest rule's); smaller rules by the workspace guard"));
    add("network", {},
        gvisor ? QStringLiteral("no network device (--network=none); egress only through the runtime's sockets")
               : QStringLiteral("an empty network namespace (loopback only); egress only through the runtime's sockets"));
    return out;
}

} // namespace osh::runtime
