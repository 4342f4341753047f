#pragma once
// A throwaway PostgreSQL cluster for tests: initdb in a temporary folder,
// started with pg_ctl on a Unix socket in that folder and no TCP listener
// at all (listen_addresses is empty), stopped and removed at the end. As
// root, the server runs as uid/gid 65534 (PostgreSQL refuses to run as
// root); the folder is handed to that uid.

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QString>
#include <QStringList>
#include <QTemporaryDir>

#include <unistd.h>

namespace osh::test {

class PgCluster
{
public:
    ~PgCluster() { stop(); }

    // The folder of the server binaries (initdb, pg_ctl, postgres), or empty.
    static QString binDir()
    {
        const QByteArray env = qgetenv("OSH_PG_BINDIR");
        if (!env.isEmpty())
            return QString::fromLocal8Bit(env);
        const QStringList versions = QDir(QStringLiteral("/usr/lib/postgresql")).entryList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name);
        for (auto it = versions.rbegin(); it != versions.rend(); ++it) {
            const QString bin = QStringLiteral("/usr/lib/postgresql/%1/bin").arg(*it);
            if (QFile::exists(bin + QStringLiteral("/initdb")) && QFile::exists(bin + QStringLiteral("/pg_ctl")))
                return bin;
        }
        return {};
    }

    // Creates and starts the cluster; false with *error saying why.
    bool start(QString *error)
    {
        m_bin = binDir();
        if (m_bin.isEmpty()) {
            *error = QStringLiteral("no PostgreSQL server binaries in /usr/lib/postgresql/*/bin (scripts/setup.sh installs postgresql-15)");
            return false;
        }
        if (!m_dir.isValid()) {
            *error = QStringLiteral("cannot make a temporary folder");
            return false;
        }
        if (::geteuid() == 0 && ::chown(QFile::encodeName(m_dir.path()).constData(), 65534, 65534) != 0) {
            *error = QStringLiteral("cannot hand the cluster's folder to uid 65534");
            return false;
        }
        if (!run(QStringLiteral("initdb"), {QStringLiteral("-D"), dataDir(), QStringLiteral("-U"), QStringLiteral("osh"),
                                            QStringLiteral("--auth=trust"), QStringLiteral("--no-sync"),
                                            QStringLiteral("-E"), QStringLiteral("UTF8"), QStringLiteral("--locale=C")},
                 error))
            return false;
        const QString options = QStringLiteral("-k %1 -p %2 -c listen_addresses=''").arg(m_dir.path()).arg(kPort);
        if (!run(QStringLiteral("pg_ctl"), {QStringLiteral("-D"), dataDir(), QStringLiteral("-o"), options,
                                            QStringLiteral("-l"), m_dir.filePath(QStringLiteral("server.log")),
                                            QStringLiteral("-w"), QStringLiteral("start")},
                 error))
            return false;
        m_running = true;
        return true;
    }

    // Stops the server at once (as a crash would), when it runs.
    void stop()
    {
        if (!m_running)
            return;
        QString ignored;
        run(QStringLiteral("pg_ctl"), {QStringLiteral("-D"), dataDir(), QStringLiteral("-m"), QStringLiteral("immediate"),
                                       QStringLiteral("-w"), QStringLiteral("stop")},
            &ignored);
        m_running = false;
    }

    // A libpq URI for database `postgres` as the superuser osh.
    std::string conninfo(const QString &database = QStringLiteral("postgres")) const
    {
        return QStringLiteral("postgresql:///%1?host=%2&port=%3&user=osh")
            .arg(database, m_dir.path())
            .arg(kPort)
            .toStdString();
    }
    QString folder() const { return m_dir.path(); }
    QString log() const
    {
        QFile f(m_dir.filePath(QStringLiteral("server.log")));
        return f.open(QIODevice::ReadOnly) ? QString::fromUtf8(f.readAll()) : QString();
    }

private:
    static constexpr int kPort = 5432; // names the socket file only: there is no TCP listener

    QString dataDir() const { return m_dir.filePath(QStringLiteral("data")); }

    bool run(const QString &tool, const QStringList &args, QString *error) const
    {
        QProcess p;
        QString program = m_bin + QLatin1Char('/') + tool;
        QStringList all = args;
        if (::geteuid() == 0) {
            all = QStringList {QStringLiteral("--reuid=65534"), QStringLiteral("--regid=65534"),
                               QStringLiteral("--clear-groups"), QStringLiteral("--"), program}
                + args;
            program = QStringLiteral("setpriv");
        }
        p.setWorkingDirectory(m_dir.path());
        p.start(program, all);
        if (!p.waitForFinished(120000) || p.exitStatus() != QProcess::NormalExit || p.exitCode() != 0) {
            *error = tool + QStringLiteral(" failed: ") + QString::fromLocal8Bit(p.readAllStandardError())
                + QString::fromLocal8Bit(p.readAllStandardOutput()) + p.errorString();
            return false;
        }
        return true;
    }

    QTemporaryDir m_dir;
    QString m_bin;
    bool m_running = false;
};

} // namespace osh::test
