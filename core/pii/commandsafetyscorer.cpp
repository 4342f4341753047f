// CommandSafetyScorer (declared in safetyscorer.h): the external scorer protocol.

#include "safetyscorer.h"

#include <QtCore/QElapsedTimer>
#include <QtCore/QProcess>
#include <QtCore/QStringList>

#include <algorithm>
#include <charconv>
#include <cmath>

namespace osh::pii {

namespace {

constexpr int kKillGraceMs = 1000;
constexpr qsizetype kMaxAnswerBytes = 64;

std::string firstLine(const QByteArray &bytes)
{
    const QByteArray trimmed = bytes.trimmed();
    const qsizetype nl = trimmed.indexOf('\n');
    QByteArray line = nl < 0 ? trimmed : trimmed.left(nl);
    if (line.size() > 200)
        line = line.left(200) + "...";
    return line.toStdString();
}

ScoreResult failure(std::string message)
{
    return {std::nullopt, std::move(message)};
}

} // namespace

CommandSafetyScorer::CommandSafetyScorer(std::vector<std::string> argv, int timeoutMs)
    : m_argv(std::move(argv))
    , m_timeoutMs(std::max(1, timeoutMs))
{ }

std::string CommandSafetyScorer::name() const
{
    std::string n = "command:";
    for (const auto &a : m_argv)
        n.append(" ").append(a);
    return n;
}

ScoreResult CommandSafetyScorer::score(std::string_view text) const
{
    if (m_argv.empty())
        return failure("safety scorer command is empty");

    QProcess proc;
    proc.setProgram(QString::fromStdString(m_argv.front()));
    QStringList args;
    for (std::size_t i = 1; i < m_argv.size(); ++i)
        args.append(QString::fromStdString(m_argv[i]));
    proc.setArguments(args);

    QElapsedTimer clock;
    clock.start();
    proc.start(QIODevice::ReadWrite);
    if (!proc.waitForStarted(m_timeoutMs))
        return failure("safety scorer '" + m_argv.front() + "' did not start: " + proc.errorString().toStdString());

    proc.write(text.data(), static_cast<qint64>(text.size()));
    proc.closeWriteChannel(); // the scorer sees end of input once everything is written

    const int remaining = std::max(1, m_timeoutMs - static_cast<int>(clock.elapsed()));
    proc.waitForFinished(remaining);
    if (proc.state() != QProcess::NotRunning) {
        proc.kill();
        proc.waitForFinished(kKillGraceMs);
        return failure("safety scorer timed out after " + std::to_string(m_timeoutMs) + " ms");
    }
    if (proc.exitStatus() == QProcess::CrashExit)
        return failure("safety scorer crashed: " + proc.errorString().toStdString());
    if (proc.exitCode() != 0) {
        std::string msg = "safety scorer exited with code " + std::to_string(proc.exitCode());
        const std::string err = firstLine(proc.readAllStandardError());
        if (!err.empty())
            msg += ": " + err;
        return failure(std::move(msg));
    }

    const QByteArray out = proc.readAllStandardOutput().trimmed();
    if (out.isEmpty())
        return failure("safety scorer printed nothing");
    if (out.size() > kMaxAnswerBytes)
        return failure("safety scorer printed more than one number");
    double value = 0;
    const char *first = out.constData();
    const char *last = first + out.size();
    const auto [ptr, ec] = std::from_chars(first, last, value);
    if (ec != std::errc() || ptr != last || !std::isfinite(value))
        return failure("safety scorer printed '" + out.toStdString() + "', not a number");
    if (value < 0.0 || value > 1.0)
        return failure("safety scorer printed " + out.toStdString() + ", outside [0, 1]");
    return {value, {}};
}

} // namespace osh::pii
