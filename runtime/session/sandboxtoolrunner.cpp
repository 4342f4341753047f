#include "sandboxtoolrunner.h"

#include "sandbox/sandbox.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>

#include <memory>

namespace osh::runtime {

namespace {
const QString kPolicyMount = QStringLiteral("/opt/openshell/policy");
const QString kCallMount = QStringLiteral("/run/openshell/call");
const QString kProxyMount = QStringLiteral("/run/openshell/proxy.sock");
constexpr quint16 kProxyPort = 3128;
} // namespace

SandboxToolRunner::SandboxToolRunner(Options options, QObject *parent) : QObject(parent), m_options(std::move(options)) {}

QStringList SandboxToolRunner::sandboxArgv(const std::vector<std::string> &command, const QString &policyDir,
                                           const QString &mountPoint)
{
    QStringList argv;
    for (std::size_t i = 0; i < command.size(); ++i) {
        const QString arg = QString::fromStdString(command[i]);
        if (!arg.startsWith(QLatin1Char('/')) && !arg.startsWith(QLatin1Char('-'))
            && QFileInfo::exists(QDir(policyDir).filePath(arg)) && (i > 0 || arg.contains(QLatin1Char('/'))))
            argv << mountPoint + QLatin1Char('/') + QDir::cleanPath(arg);
        else
            argv << arg;
    }
    return argv;
}

void SandboxToolRunner::run(const ToolSpec &tool, const QByteArray &argumentsJson, std::function<void(ToolResult)> done)
{
    const int n = ++m_calls;
    const QString callDir = QDir(m_options.runDir).filePath(QStringLiteral("calls/%1").arg(n));
    QDir().mkpath(callDir + QStringLiteral("/ws"));
    QFile args(callDir + QStringLiteral("/args.json"));
    if (!args.open(QIODevice::WriteOnly) || args.write(argumentsJson) != argumentsJson.size()) {
        ToolResult r;
        r.error = QStringLiteral("cannot stage the call's arguments: %1").arg(args.errorString());
        done(std::move(r));
        return;
    }
    args.close();

    SandboxSpec spec;
    spec.id = QStringLiteral("%1-t%2").arg(m_options.sessionId).arg(n).right(64);
    spec.isolation = m_options.isolation;
    spec.argv = QStringList{QStringLiteral("/bin/sh"), QStringLiteral("-c"),
                            QStringLiteral("exec \"$@\" < %1/args.json").arg(kCallMount), QString::fromStdString(tool.name)}
        + sandboxArgv(tool.command, m_options.policyDir, kPolicyMount);
    spec.env = m_options.env;
    spec.env << qMakePair(QStringLiteral("HTTPS_PROXY"), QStringLiteral("http://127.0.0.1:%1").arg(kProxyPort))
             << qMakePair(QStringLiteral("HTTP_PROXY"), QStringLiteral("http://127.0.0.1:%1").arg(kProxyPort))
             << qMakePair(QStringLiteral("OPENSHELL_TOOL"), QString::fromStdString(tool.name));
    spec.limits = m_options.limits;
    spec.limits.wallTimeSeconds = std::max<qint64>(1, static_cast<qint64>(std::ceil(tool.timeoutSeconds)));
    spec.workspaceHostDir = callDir + QStringLiteral("/ws");
    spec.uid = m_options.uid; // the call's fresh workspace is handed to it
    spec.gid = m_options.gid;
    spec.workingDir = kPolicyMount;
    spec.mounts << SandboxMount{m_options.policyDir, kPolicyMount, true} << SandboxMount{callDir, kCallMount, true};
    const QString proxy = m_options.proxySocket ? m_options.proxySocket(QString::fromStdString(tool.name)) : QString();
    if (!proxy.isEmpty()) {
        spec.sockets << SandboxSocket{proxy, kProxyMount};
        spec.forwards << SandboxForward{kProxyPort, kProxyMount};
    }
    spec.cleanup = CleanupPolicy::Destroy;

    auto *sandbox = new Sandbox(spec, this);
    auto out = std::make_shared<QByteArray>();
    auto err = std::make_shared<QByteArray>();
    auto cb = std::make_shared<std::function<void(ToolResult)>>(std::move(done));
    connect(sandbox, &Sandbox::output, sandbox, [out, err](Sandbox::Channel c, const QByteArray &data) {
        (c == Sandbox::Channel::Stdout ? *out : *err) += data;
    });
    connect(sandbox, &Sandbox::finished, this, [sandbox, out, err, cb, callDir](const SandboxExit &exit) {
        ToolResult r;
        r.started = exit.reason != SandboxExitReason::Error;
        r.exitCode = exit.exitCode;
        r.timedOut = exit.reason == SandboxExitReason::Timeout;
        r.stdoutData = *out;
        r.stderrData = *err;
        r.seconds = static_cast<double>(exit.elapsedMs) / 1000.0;
        if (exit.reason != SandboxExitReason::Exited)
            r.error = QStringLiteral("%1: %2").arg(sandboxExitReasonName(exit.reason), exit.message);
        sandbox->deleteLater();
        QDir(callDir).removeRecursively();
        (*cb)(std::move(r));
    });
    sandbox->start();
}

} // namespace osh::runtime
