// AgentSession's calls from clients of the service: exec and input.

#include "agentsession.h"

#include "gateway/gateway.h"
#include "sandbox/sandbox.h"
#include "sandbox/sandboxworkspace.h"

#include <QDir>
#include <QFile>

namespace osh::runtime {

void AgentSession::exec(const QStringList &argv, const QByteArray &stdinData, double timeoutSeconds,
                        std::function<void(ExecResult)> done)
{
    if (!m_gateway || !isRunning()) {
        ExecResult r;
        r.error = tr("the session is not running");
        done(std::move(r));
        return;
    }
    m_gateway->exec(argv, stdinData, timeoutSeconds, std::move(done));
}

bool AgentSession::writeStdin(const QByteArray &data, bool eof, QString *error)
{
    if (!m_options.interactive) {
        *error = tr("the session was not started with its standard input open (interactive)");
        return false;
    }
    if (!m_sandbox || !m_sandbox->writeStdin(data, eof)) {
        *error = tr("the agent's standard input is closed, or it is not reading it");
        return false;
    }
    return true;
}

AgentSession::SnapshotJob AgentSession::snapshotJob()
{
    SnapshotJob job;
    job.name = QStringLiteral("%1.%2").arg(m_id).arg(++m_snapshots);
    job.workspace = m_workspace;
    job.snapshotsDir = QDir(m_options.dataDir).filePath(QStringLiteral("snapshots"));
    job.state = QJsonObject{{QStringLiteral("session"), m_id},
                            {QStringLiteral("policy_file"), m_options.policyFile},
                            {QStringLiteral("policy_hash"), QString::fromStdString(m_options.policyHash)},
                            {QStringLiteral("taken"), QStringLiteral("during the session")}};
    job.seal = m_options.sealSnapshot;
    return job;
}

QString AgentSession::SnapshotJob::run(QString *error) const
{
    const QString path = SandboxWorkspace::snapshot(workspace, state, snapshotsDir, name, error);
    if (path.isEmpty() || !seal)
        return path;
    const QString sealed = seal(path, name, error);
    if (sealed.isEmpty())
        QFile::remove(path); // the workspace is still there: nothing is lost, nothing plain is kept
    return sealed;
}

void AgentSession::noteSnapshot(const QString &path, const QString &error)
{
    AuditEvent e;
    e.type = "sandbox";
    e.severity = error.isEmpty() ? "info" : "warning";
    e.message = error.isEmpty() ? "snapshot taken during the session: " + path.toStdString()
                                : "a snapshot during the session failed: " + error.toStdString();
    record(e);
}

} // namespace osh::runtime
