#include "workspaceservices.h"

#include <QDeadlineTimer>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QTcpSocket>

namespace osh::runtime {

namespace {
QString script(const QString &workspace) { return workspace + QStringLiteral("/services/standin.py"); }
} // namespace

WorkspaceServices::~WorkspaceServices() { stop(); }

bool WorkspaceServices::present(const QString &workspace) { return QFileInfo(script(workspace)).isFile(); }

QString WorkspaceServices::sharedDir()
{
    const QString env = qEnvironmentVariable("OPENSHELL_DEMO_SERVICES");
    return env.isEmpty() ? QStringLiteral("/run/openshell/demo-services") : env;
}

bool WorkspaceServices::copyCa(const QString &certs, const QString &workspace, QString *error)
{
    const QString ca = workspace + QStringLiteral("/tools/demo-ca.pem");
    QFile::remove(ca);
    if (!QFile::copy(certs + QStringLiteral("/demo-ca.pem"), ca)) {
        *error = QStringLiteral("cannot copy the demo CA to %1").arg(ca);
        return false;
    }
    return true;
}

bool WorkspaceServices::start(const QString &workspace, QString *error, bool quiet, int timeoutMs)
{
    if (isRunning()) {
        *error = QStringLiteral("the stand-in services are already running");
        return false;
    }
    if (!present(workspace)) {
        *error = QStringLiteral("%1 does not exist").arg(script(workspace));
        return false;
    }
    // Stand-ins already serving for everybody (their CA published, the first
    // one answering): use them.
    m_shared = false;
    if (QFileInfo(sharedDir() + QStringLiteral("/demo-ca.pem")).isReadable()) {
        QTcpSocket probe;
        probe.connectToHost(QStringLiteral("127.0.0.2"), 443);
        if (probe.waitForConnected(1000)) {
            probe.abort();
            m_shared = true;
            return copyCa(sharedDir(), workspace, error);
        }
    }
    const QString certs = workspace + QStringLiteral("/certs");
    m_process.setProcessChannelMode(QProcess::SeparateChannels);
    if (quiet)
        m_process.setStandardErrorFile(QProcess::nullDevice());
    else
        m_process.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    m_process.start(QStringLiteral("python3"), {script(workspace), certs});
    if (!m_process.waitForStarted(5000)) {
        *error = QStringLiteral("cannot start python3 %1: %2").arg(script(workspace), m_process.errorString());
        return false;
    }
    // The first line on stdout is "ready" once every service listens.
    const QDeadlineTimer deadline(timeoutMs);
    while (!m_process.canReadLine() && m_process.state() == QProcess::Running && !deadline.hasExpired())
        m_process.waitForReadyRead(int(std::max<qint64>(1, deadline.remainingTime())));
    const QByteArray line = m_process.canReadLine() ? m_process.readLine().trimmed() : QByteArray();
    if (line != "ready") {
        *error = m_process.state() != QProcess::Running
            ? QStringLiteral("the stand-in services exited before they were ready (exit status %1; see their log)")
                  .arg(m_process.exitCode())
            : QStringLiteral("the stand-in services did not say ready within %1 s").arg(timeoutMs / 1000);
        stop();
        return false;
    }
    if (!copyCa(certs, workspace, error)) {
        stop();
        return false;
    }
    return true;
}

void WorkspaceServices::stop()
{
    if (m_process.state() == QProcess::NotRunning)
        return;
    m_process.terminate();
    if (!m_process.waitForFinished(3000)) {
        m_process.kill();
        m_process.waitForFinished(3000);
    }
}

} // namespace osh::runtime
