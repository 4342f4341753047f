#pragma once
// Runs one call of a declared tool: the call's arguments as JSON on the
// tool's standard input, its result on standard output (spec section 7).
// The session's runner executes it in the session's isolation mode.

#include "model/policy.h"

#include <QByteArray>
#include <QString>

#include <functional>

namespace osh::runtime {

struct ToolResult
{
    bool started = false; // false: the tool could not be launched (see error)
    int exitCode = -1;
    bool timedOut = false;
    QByteArray stdoutData;
    QByteArray stderrData;
    QString error;
    double seconds = 0; // wall time of the call
    bool ok() const { return started && !timedOut && exitCode == 0; }
};

class ToolRunner
{
public:
    virtual ~ToolRunner() = default;
    // Starts the call; done is invoked exactly once, on the caller's thread.
    virtual void run(const ToolSpec &tool, const QByteArray &argumentsJson,
                     std::function<void(ToolResult)> done) = 0;
};

} // namespace osh::runtime
