#pragma once
// Runs the real osctl binary (OSCTL_PATH, set by the test's CMake target)
// and captures its exit code and output, for the end-to-end osctl tests.

#include <QByteArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QProcessEnvironment>
#include <QString>
#include <QStringList>

#ifndef OSCTL_PATH
#error "osctlrunner.h needs OSCTL_PATH (the osctl binary) defined by the test target"
#endif

namespace osh::test {

// What one osctl run gave.
struct OsctlRun
{
    int code = -1; // -1 when it did not exit normally
    QString out;
    QString err;
    QStringList lines() const { return out.split(QLatin1Char('\n'), Qt::SkipEmptyParts); }
};

// How to run it: bytes for stdin (then end of input), or a file as stdin,
// and the environment (empty: the test's own).
struct OsctlInput
{
    QByteArray bytes;
    QString file;
    QProcessEnvironment env;
};

// Runs `osctl args...` to the end (at most a minute; a test that cannot run
// it stops with a fatal error).
inline OsctlRun runOsctl(const QStringList &args, const OsctlInput &input = {})
{
    QProcess p;
    if (!input.env.isEmpty())
        p.setProcessEnvironment(input.env);
    if (!input.file.isEmpty())
        p.setStandardInputFile(input.file);
    p.start(QStringLiteral(OSCTL_PATH), args);
    if (!p.waitForStarted())
        qFatal("osctl did not start");
    if (input.file.isEmpty()) {
        p.write(input.bytes);
        p.closeWriteChannel();
    }
    if (!p.waitForFinished(60000))
        qFatal("osctl did not finish");
    OsctlRun r;
    r.code = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    r.out = QString::fromUtf8(p.readAllStandardOutput());
    r.err = QString::fromUtf8(p.readAllStandardError());
    return r;
}

// One line of JSON-lines output as an object; warns on a bad line (and
// gives an empty object, which the caller's checks then fail on).
inline QJsonObject jsonLine(const QString &line)
{
    QJsonParseError err;
    const auto doc = QJsonDocument::fromJson(line.toUtf8(), &err);
    if (err.error != QJsonParseError::NoError)
        qWarning("bad JSON line: %s", qPrintable(line));
    return doc.object();
}

} // namespace osh::test
