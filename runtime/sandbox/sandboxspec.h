#pragma once
// What one sandbox session runs and under which limits. Built from a policy
// document by fromPolicy(), or by hand in tests; Sandbox consumes it.

#include "model/policy.h"

#include <QList>
#include <QPair>
#include <QString>
#include <QStringList>

#include <sys/types.h>

namespace osh::runtime {

// A host folder shown inside the sandbox.
struct SandboxMount
{
    QString hostPath;
    QString sandboxPath;
    bool readOnly = true;
};

// A host Unix socket bind-mounted into the sandbox (gateway, proxy).
struct SandboxSocket
{
    QString hostPath;
    QString sandboxPath;
};

// Inside the sandbox, 127.0.0.1:port relays to a bind-mounted Unix socket.
struct SandboxForward
{
    quint16 port = 0;
    QString sandboxSocketPath;
};

struct SandboxLimits
{
    qint64 memoryMb = 2048;
    double cpuCores = 2;
    qint64 wallTimeSeconds = 300;
    qint64 maxProcesses = 50;
    qint64 maxOpenFiles = 100;
    qint64 maxFileBytes = 0; // largest file the command may write (RLIMIT_FSIZE); 0: no limit
};

// One limit or boundary of a session and what enforces it in the spec's
// isolation mode; the session record lists them (AgentSession).
struct SandboxControl
{
    QString control; // a policy key (max_memory_mb) or a boundary (system_calls)
    QString value;   // as the policy set it, or empty for a boundary
    QString by;      // what enforces it, in words
};

struct SandboxSpec
{
    // The unprivileged identity a command runs as when nobody's folder
    // decides otherwise (a fresh workspace of the runtime's own); chosen
    // outside the host's usual user range.
    static constexpr int kSandboxUid = 64100;
    static constexpr int kSandboxGid = 64100;
    // Root inside a container (the init) is this unprivileged id outside
    // (uid and gid); the command may not run as it.
    static constexpr int kSandboxRootUid = 64099;

    QString id; // [A-Za-z0-9_.-]{1,64}; names the runtime container and cgroups
    Isolation isolation = Isolation::Gvisor;
    QStringList argv;
    QList<QPair<QString, QString>> env; // from the policy; defaults are added by environment()
    QString workingDir;                 // empty: the workspace path
    SandboxLimits limits;
    QString workspaceHostDir;           // mounted read-write at workspacePath
    QString workspacePath = QStringLiteral("/agent/workspace");
    // Who the command runs as (no supplementary groups, no capabilities) and
    // so who owns what it creates. A session in a user's own folder runs as
    // that folder's owner (AgentSession); never root.
    uid_t uid = kSandboxUid;
    gid_t gid = kSandboxGid;
    // Hand the workspace to uid/gid first: only for a folder the runtime
    // made itself, never for a user's (whose files keep their owners).
    bool chownWorkspace = true;
    QList<SandboxMount> mounts;
    QList<SandboxSocket> sockets;
    QList<SandboxForward> forwards;
    QString gatewayAddress; // value of OPENSHELL_GATEWAY, empty: not set
    // A host folder mounted read-only at /etc/ssl/certs instead of the
    // host's own: the session's trust bundle (the host's roots and the
    // session's interception CA). Empty: the host's /etc/ssl/certs.
    QString trustDir;
    CleanupPolicy cleanup = CleanupPolicy::Destroy;
    int stopGraceMs = 1000; // between the polite signal and the forced kill
    bool interactive = false; // standard input stays open for writeStdin(); otherwise /dev/null
    // Sandbox::commandExited() as soon as the init records the command's end
    // (pooled tool calls answer then, while the runtime is still tearing down).
    bool reportCommandExit = false;

    // Limits, isolation, environment, workspace path and the rules' host
    // folders (`source`, relative to policyDir) of a policy document.
    static SandboxSpec fromPolicy(const PolicyDocument &doc, const QString &id, const QString &workspaceHostDir,
                                  const QString &policyDir);

    // KEY=VALUE list given to the command: PATH, HOME, LANG, the policy's
    // variables (which may override those three) and OPENSHELL_GATEWAY.
    QStringList environment() const;

    // Empty when the spec can be launched, else what is wrong.
    QString validate() const;

    // What enforces each limit and boundary in this isolation mode (empty
    // for a mode this build cannot launch).
    QList<SandboxControl> enforcement() const;
};

// A sandbox path is usable when absolute, without "." or ".." components or
// doubled slashes, and not inside the sandbox's own system folders.
bool isValidSandboxPath(const QString &path);

} // namespace osh::runtime
