#include "sandbox/sandboxexit.h"

namespace osh::runtime {

QString sandboxExitReasonName(SandboxExitReason r)
{
    switch (r) {
    case SandboxExitReason::Exited: return QStringLiteral("exited");
    case SandboxExitReason::Killed: return QStringLiteral("killed");
    case SandboxExitReason::Oom: return QStringLiteral("oom");
    case SandboxExitReason::Timeout: return QStringLiteral("timeout");
    case SandboxExitReason::Pids: return QStringLiteral("pids");
    case SandboxExitReason::Error: return QStringLiteral("error");
    }
    return QStringLiteral("error");
}

} // namespace osh::runtime
