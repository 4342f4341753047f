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
    bool pooled = false; // ran in a sandbox started before the call
    bool ok() const { return started && !timedOut && exitCode == 0 && error.isEmpty(); }
};

// What POST /v1/sessions/{id}/exec answers: the decision, and the
// command's result when it ran.
struct ExecResult
{
    bool refused = false; // blocked by the policy, or not approved
    QString outcome;      // the decision's outcome (allow, log, redact, throttle, escalate, block)
    QString layer;
    QString policy;
    QString message;
    bool started = false; // the command ran (see error otherwise)
    int exitCode = -1;
    bool timedOut = false;
    bool truncated = false; // stdout or stderr was cut at kMaxExecOutput
    QByteArray stdoutData;  // after data_output policies
    QByteArray stderrData;
    QString error;
    static constexpr qsizetype kMaxExecOutput = 4 << 20;
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
