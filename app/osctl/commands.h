#pragma once
// osctl sub-commands. Each takes its own arguments (after the command name)
// and returns the process exit code; see docs/osctl.md.

#include <QStringList>

namespace osctl {

enum ExitCode { Ok = 0, Failed = 1, Usage = 2 };

int validate(const QStringList &args);
int eval(const QStringList &args);

// Prints "osctl CMD: message" on stderr and returns Usage.
int usageError(const QString &command, const QString &message);

} // namespace osctl
