#include "processtoolrunner.h"

#include <QElapsedTimer>
#include <QProcess>
#include <QTimer>

#include <memory>

namespace osh::runtime {

void ProcessToolRunner::run(const ToolSpec &tool, const QByteArray &argumentsJson, std::function<void(ToolResult)> done)
{
    if (tool.command.empty()) {
        ToolResult r;
        r.error = QStringLiteral("tool '%1' has no command").arg(QString::fromStdString(tool.name));
        done(std::move(r));
        return;
    }
    auto *proc = new QProcess;
    proc->setWorkingDirectory(m_baseDir);
    QStringList args;
    for (std::size_t i = 1; i < tool.command.size(); ++i)
        args << QString::fromStdString(tool.command[i]);
    auto timer = std::make_shared<QElapsedTimer>();
    auto timedOut = std::make_shared<bool>(false);
    auto finished = std::make_shared<bool>(false);
    auto cb = std::make_shared<std::function<void(ToolResult)>>(std::move(done));

    auto *watchdog = new QTimer(proc);
    watchdog->setSingleShot(true);
    QObject::connect(watchdog, &QTimer::timeout, proc, [proc, timedOut] {
        *timedOut = true;
        proc->kill();
    });
    QObject::connect(proc, &QProcess::finished, proc, [proc, timer, timedOut, finished, cb](int code, QProcess::ExitStatus st) {
        if (*finished)
            return;
        *finished = true;
        ToolResult r;
        r.started = true;
        r.exitCode = st == QProcess::NormalExit ? code : -1;
        r.timedOut = *timedOut;
        r.stdoutData = proc->readAllStandardOutput();
        r.stderrData = proc->readAllStandardError();
        r.seconds = static_cast<double>(timer->nsecsElapsed()) / 1e9;
        if (r.timedOut)
            r.error = QStringLiteral("the tool timed out");
        else if (st != QProcess::NormalExit)
            r.error = QStringLiteral("the tool crashed");
        proc->deleteLater();
        (*cb)(std::move(r));
    });
    QObject::connect(proc, &QProcess::errorOccurred, proc, [proc, finished, cb](QProcess::ProcessError e) {
        if (e != QProcess::FailedToStart || *finished)
            return;
        *finished = true;
        ToolResult r;
        r.error = QStringLiteral("cannot start the tool: %1").arg(proc->errorString());
        proc->deleteLater();
        (*cb)(std::move(r));
    });
    timer->start();
    proc->start(QString::fromStdString(tool.command[0]), args);
    watchdog->start(static_cast<int>(tool.timeoutSeconds * 1000));
    proc->write(argumentsJson);
    proc->closeWriteChannel();
}

} // namespace osh::runtime
