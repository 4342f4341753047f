#include "sessionresources.h"

#include <QFile>
#include <QFileInfo>

namespace osh::runtime {

namespace {

std::optional<QByteArray> readFile(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return std::nullopt;
    return f.readAll().trimmed();
}

std::optional<qint64> readNumber(const QString &path)
{
    const auto text = readFile(path);
    if (!text)
        return std::nullopt;
    bool ok = false;
    const qint64 v = text->toLongLong(&ok);
    return ok ? std::optional<qint64>(v) : std::nullopt;
}

std::optional<qint64> readKey(const QString &path, const QByteArray &key)
{
    const auto text = readFile(path);
    if (!text)
        return std::nullopt;
    for (const QByteArray &line : text->split('\n')) {
        const QList<QByteArray> kv = line.simplified().split(' ');
        bool ok = false;
        if (kv.size() == 2 && kv[0] == key)
            if (const qint64 v = kv[1].toLongLong(&ok); ok)
                return v;
    }
    return std::nullopt;
}

// cgroup v1 reports "no limit" as the largest page-aligned signed value.
constexpr qint64 kV1Unlimited = qint64(1) << 60;

} // namespace

SessionResources::SessionResources(QString sandboxId, QString root) : m_id(std::move(sandboxId)), m_root(std::move(root))
{
    m_v2 = QFileInfo::exists(m_root + QStringLiteral("/cgroup.controllers"));
}

QString SessionResources::dir(const QString &controller) const
{
    const QString name = QStringLiteral("osh-sbx-") + m_id;
    if (m_v2)
        return m_root + u'/' + name;
    return m_root + u'/' + controller + u'/' + name;
}

std::optional<qint64> SessionResources::cpuUsageNs() const
{
    if (m_v2) {
        const auto usec = readKey(dir(QString()) + QStringLiteral("/cpu.stat"), "usage_usec");
        return usec ? std::optional<qint64>(*usec * 1000) : std::nullopt;
    }
    // cpuacct is its own hierarchy on some hosts and co-mounted with cpu on others.
    if (auto ns = readNumber(dir(QStringLiteral("cpuacct")) + QStringLiteral("/cpuacct.usage")))
        return ns;
    return readNumber(dir(QStringLiteral("cpu")) + QStringLiteral("/cpuacct.usage"));
}

SessionResources::Sample SessionResources::sample()
{
    Sample s;
    if (m_id.isEmpty())
        return s;
    if (m_v2) {
        const QString d = dir(QString());
        s.memoryBytes = readNumber(d + QStringLiteral("/memory.current"));
        s.memoryLimitBytes = readNumber(d + QStringLiteral("/memory.max")); // "max" does not parse: unlimited
        s.processes = readNumber(d + QStringLiteral("/pids.current"));
    } else {
        const QString mem = dir(QStringLiteral("memory"));
        s.memoryBytes = readNumber(mem + QStringLiteral("/memory.usage_in_bytes"));
        s.memoryLimitBytes = readNumber(mem + QStringLiteral("/memory.limit_in_bytes"));
        if (s.memoryLimitBytes && *s.memoryLimitBytes >= kV1Unlimited)
            s.memoryLimitBytes.reset();
        s.processes = readNumber(dir(QStringLiteral("pids")) + QStringLiteral("/pids.current"));
    }
    const auto cpu = cpuUsageNs();
    if (cpu && m_lastCpuNs && m_lastAt.isValid()) {
        const qint64 wallNs = m_lastAt.nsecsElapsed();
        if (wallNs > 0 && *cpu >= *m_lastCpuNs)
            s.cpuPercent = 100.0 * double(*cpu - *m_lastCpuNs) / double(wallNs);
    }
    m_lastCpuNs = cpu;
    m_lastAt.start();
    return s;
}

} // namespace osh::runtime
