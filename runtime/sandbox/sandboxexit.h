#pragma once
// How a sandbox session ended, as recorded for the session log.

#include <QMetaType>
#include <QString>

namespace osh::runtime {

enum class SandboxExitReason {
    Exited,  // the command ended by itself (exitCode, or signal)
    Killed,  // stop() was called
    Oom,     // killed at the memory limit (SIGKILL while the session's memory cgroup reached its limit)
    Timeout, // the wall-time limit passed and the launcher ended the session
    Pids,    // the process limit was hit (the session's pids cgroup refused a fork) and the command failed
    Error,   // the runtime could not launch the command; message holds its stderr
};

struct SandboxExit
{
    SandboxExitReason reason = SandboxExitReason::Error;
    int exitCode = -1;            // the command's code, or the runtime's when the command never ran
    int signal = 0;               // the signal that ended the command (from the 128+N convention)
    bool memoryLimitHit = false;  // the session's memory cgroup reached its limit
    bool processLimitHit = false; // pids.events "max" > 0
    qint64 elapsedMs = 0;
    QString message;
};

QString sandboxExitReasonName(SandboxExitReason r);

} // namespace osh::runtime

Q_DECLARE_METATYPE(osh::runtime::SandboxExit)
