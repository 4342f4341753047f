#include "sandbox/sandboxcgroup.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>

#include <csignal>
#include <cmath>

namespace osh::runtime {

namespace {

bool writeControl(const QString &path, const QByteArray &value, QString *error)
{
    // Unbuffered: the kernel refuses a value in the write itself (EINVAL,
    // EBUSY); a buffered write would report success and drop the error at
    // close, leaving the limit unset.
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly | QIODevice::Unbuffered) || f.write(value) != value.size()) {
        if (error)
            *error = QStringLiteral("cannot write %1: %2").arg(path, f.errorString());
        return false;
    }
    return true;
}

QByteArray readControl(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

// Deepest first: a cgroup directory can only be removed once it has no children.
void removeTree(const QString &dir)
{
    const QFileInfoList kids = QDir(dir).entryInfoList(QDir::Dirs | QDir::NoDotAndDotDot | QDir::NoSymLinks);
    for (const QFileInfo &k : kids)
        removeTree(k.absoluteFilePath());
    QDir().rmdir(dir);
}

} // namespace

SandboxCgroup::SandboxCgroup(QString name, QString root)
    : m_name(std::move(name))
    , m_root(std::move(root))
{
    m_v2 = QFileInfo::exists(m_root + QStringLiteral("/cgroup.controllers"));
}

QString SandboxCgroup::controllerDir(const QString &controller) const
{
    if (m_v2)
        return m_root + u'/' + m_name;
    return m_root + u'/' + controller + u'/' + m_name;
}

QStringList SandboxCgroup::groupDirs() const
{
    if (m_v2)
        return {m_root + u'/' + m_name};
    // The runtime creates the group in every hierarchy it knows, not only ours.
    QStringList out;
    const QFileInfoList hier = QDir(m_root).entryInfoList(QDir::Dirs | QDir::NoDotAndDotDot);
    for (const QFileInfo &h : hier) {
        const QString d = h.absoluteFilePath() + u'/' + m_name;
        if (QFileInfo(d).isDir())
            out << d;
    }
    return out;
}

bool SandboxCgroup::create(qint64 memoryBytes, qint64 pidsMax, double cpuCores, QString *error)
{
    const QString mem = controllerDir(QStringLiteral("memory"));
    const QString pids = controllerDir(QStringLiteral("pids"));
    const QString cpu = controllerDir(QStringLiteral("cpu"));
    for (const QString &d : {mem, pids, cpu}) {
        if (!QDir().mkpath(d)) {
            if (error)
                *error = QStringLiteral("cannot create cgroup %1 (the launcher must run as root)").arg(d);
            return false;
        }
    }
    if (m_v2) {
        // Children need the controllers delegated.
        writeControl(mem + QStringLiteral("/cgroup.subtree_control"), "+memory +pids +cpu", nullptr);
        if (memoryBytes > 0 && !writeControl(mem + QStringLiteral("/memory.max"), QByteArray::number(memoryBytes), error))
            return false;
        writeControl(mem + QStringLiteral("/memory.swap.max"), "0", nullptr);
        if (pidsMax > 0 && !writeControl(pids + QStringLiteral("/pids.max"), QByteArray::number(pidsMax), error))
            return false;
        if (cpuCores > 0) {
            const qint64 quota = std::llround(cpuCores * 100000);
            if (!writeControl(cpu + QStringLiteral("/cpu.max"), QByteArray::number(quota) + " 100000", error))
                return false;
        }
        return true;
    }
    if (memoryBytes > 0
        && !writeControl(mem + QStringLiteral("/memory.limit_in_bytes"), QByteArray::number(memoryBytes), error))
        return false;
    // Without swap accounting the file is absent; nothing to cap then.
    if (memoryBytes > 0 && QFileInfo::exists(mem + QStringLiteral("/memory.memsw.limit_in_bytes")))
        writeControl(mem + QStringLiteral("/memory.memsw.limit_in_bytes"), QByteArray::number(memoryBytes), nullptr);
    if (pidsMax > 0 && !writeControl(pids + QStringLiteral("/pids.max"), QByteArray::number(pidsMax), error))
        return false;
    if (cpuCores > 0) {
        const qint64 quota = std::llround(cpuCores * 100000);
        if (!writeControl(cpu + QStringLiteral("/cpu.cfs_period_us"), "100000", error)
            || !writeControl(cpu + QStringLiteral("/cpu.cfs_quota_us"), QByteArray::number(quota), error))
            return false;
    }
    return true;
}

QStringList SandboxCgroup::joinFiles(QString *error) const
{
    QStringList dirs;
    if (m_v2)
        dirs << controllerDir(QString());
    else
        dirs << controllerDir(QStringLiteral("memory")) << controllerDir(QStringLiteral("pids")) << controllerDir(QStringLiteral("cpu"));
    QStringList out;
    for (const QString &d : dirs) {
        // cgroup v2 holds no process in a group whose controllers it delegates.
        const QString child = d + QStringLiteral("/sandbox");
        if (!QDir().mkpath(child)) {
            *error = QStringLiteral("cannot create cgroup %1").arg(child);
            return {};
        }
        out << child + QStringLiteral("/cgroup.procs");
    }
    return out;
}

qint64 SandboxCgroup::readKey(const QString &file, const QString &key) const
{
    const QList<QByteArray> lines = readControl(file).split('\n');
    for (const QByteArray &l : lines) {
        const QList<QByteArray> kv = l.simplified().split(' ');
        if (kv.size() == 2 && kv[0] == key.toLatin1())
            return kv[1].toLongLong();
    }
    return -1;
}

bool SandboxCgroup::memoryLimitReached() const
{
    const QString mem = controllerDir(QStringLiteral("memory"));
    if (m_v2) {
        const QString events = mem + QStringLiteral("/memory.events");
        return readKey(events, QStringLiteral("oom_kill")) > 0 || readKey(events, QStringLiteral("max")) > 0;
    }
    // Measured on cgroup v1 (kernel 6.x): with the memsw limit set, neither
    // failcnt counts, and oom_kill counts only in the runtime's own child
    // group, gone by now. The peak usage reaching the limit is what remains.
    for (const char *f : {"/memory.failcnt", "/memory.memsw.failcnt"}) {
        if (readControl(mem + QLatin1String(f)).trimmed().toLongLong() > 0)
            return true;
    }
    if (readKey(mem + QStringLiteral("/memory.oom_control"), QStringLiteral("oom_kill")) > 0)
        return true;
    const qint64 limit = readControl(mem + QStringLiteral("/memory.limit_in_bytes")).trimmed().toLongLong();
    const qint64 peak = readControl(mem + QStringLiteral("/memory.max_usage_in_bytes")).trimmed().toLongLong();
    return limit > 0 && peak >= limit - 64 * 1024;
}

qint64 SandboxCgroup::pidsMaxEvents() const
{
    return std::max<qint64>(0, readKey(controllerDir(QStringLiteral("pids")) + QStringLiteral("/pids.events"),
                                       QStringLiteral("max")));
}

qint64 SandboxCgroup::pidsCurrent() const
{
    return readControl(controllerDir(QStringLiteral("pids")) + QStringLiteral("/pids.current")).trimmed().toLongLong();
}

void SandboxCgroup::killAll() const
{
    for (const QString &d : groupDirs()) {
        QDirIterator it(d, {QStringLiteral("cgroup.procs")}, QDir::Files, QDirIterator::Subdirectories);
        while (it.hasNext()) {
            const QList<QByteArray> pids = readControl(it.next()).split('\n');
            for (const QByteArray &p : pids) {
                const int pid = p.trimmed().toInt();
                if (pid > 1)
                    ::kill(pid, SIGKILL);
            }
        }
    }
}

bool SandboxCgroup::remove()
{
    for (const QString &d : groupDirs())
        removeTree(d);
    return groupDirs().isEmpty();
}

} // namespace osh::runtime
