#pragma once
// The cgroup (v1 or v2) a session's runtime is placed under. The launcher
// creates it and sets the memory, pids and CPU limits itself, and the
// runtime creates its own child below it; so the counters (memory.failcnt,
// pids.events) survive the runtime's cleanup and can be read afterwards.

#include <QString>
#include <QStringList>

namespace osh::runtime {

class SandboxCgroup
{
public:
    explicit SandboxCgroup(QString name, QString root = QStringLiteral("/sys/fs/cgroup"));

    // memoryBytes/pidsMax <= 0: unlimited; cpuCores <= 0: no quota.
    bool create(qint64 memoryBytes, qint64 pidsMax, double cpuCores, QString *error);

    // The cgroupsPath for the OCI spec: a child of this group.
    QString runtimePath() const { return QLatin1Char('/') + m_name + QStringLiteral("/sandbox"); }

    // The cgroup.procs files of a child group (made here) that a process
    // joins by writing "0" to each: for a runtime that does not place
    // itself (the microVM's QEMU and virtiofsd). Empty with *error on failure.
    QStringList joinFiles(QString *error) const;

    // The memory limit was reached at some point (reclaim may have sufficed).
    bool memoryLimitReached() const;
    qint64 pidsMaxEvents() const;
    qint64 pidsCurrent() const;

    // SIGKILL every process below this group, in every hierarchy.
    void killAll() const;
    // Removes the group and whatever the runtime left below it; true when
    // nothing is left (fails while killed processes are still leaving).
    bool remove();

private:
    QStringList groupDirs() const;
    QString controllerDir(const QString &controller) const;
    qint64 readKey(const QString &file, const QString &key) const;

    QString m_name;
    QString m_root;
    bool m_v2 = false;
};

} // namespace osh::runtime
