#pragma once
// Read-only resource figures of a running sandbox, taken from the cgroup the
// launcher places it under (SandboxCgroup, "osh-sbx-<id>"), v1 or v2. Every
// figure is optional: the group may be gone, not yet made, or unreadable
// (no root, another cgroup layout), and a caller must be able to say "n/a"
// rather than show a made-up zero.

#include <QElapsedTimer>
#include <QString>

#include <optional>

namespace osh::runtime {

class SessionResources
{
public:
    struct Sample
    {
        std::optional<qint64> memoryBytes;
        std::optional<qint64> memoryLimitBytes; // nullopt: unlimited or unreadable
        std::optional<double> cpuPercent;       // of one core, since the previous sample
        std::optional<qint64> processes;
    };

    // sandboxId: the sandbox's id (an agent session's id).
    explicit SessionResources(QString sandboxId, QString root = QStringLiteral("/sys/fs/cgroup"));

    QString sandboxId() const { return m_id; }
    // CPU usage needs two samples; the first one has no cpuPercent.
    Sample sample();

private:
    QString dir(const QString &controller) const;
    std::optional<qint64> cpuUsageNs() const;

    QString m_id;
    QString m_root;
    bool m_v2 = false;
    std::optional<qint64> m_lastCpuNs;
    QElapsedTimer m_lastAt;
};

} // namespace osh::runtime
