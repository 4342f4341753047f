#pragma once
// Runs each tool call in its own sandbox, in the session's isolation mode,
// apart from the agent (spec section 7): the tool's folder read-only, the
// call's arguments on standard input, an empty private workspace, and
// network only through the guardian's proxy socket for that tool's identity
// (127.0.0.1:3128 inside, as HTTP_PROXY/HTTPS_PROXY).
//
// A tool with `pool: N` keeps up to N sandboxes ready whose tool process is
// already running and waiting on its standard input: a call takes one,
// writes its arguments, and has its result as soon as the process has
// exited; the sandbox then goes, as a cold call's does (nothing of one call
// reaches the next), and a new one is started in the background.

#include "gateway/toolrunner.h"
#include "sandbox/sandboxspec.h"

#include <QElapsedTimer>
#include <QObject>

#include <deque>
#include <functional>
#include <map>
#include <memory>

namespace osh::runtime {

class Sandbox;
struct SandboxExit;

class SandboxToolRunner final : public QObject, public ToolRunner
{
    Q_OBJECT

public:
    struct Options
    {
        QString sessionId;
        QString runDir;    // per-call folders are made below it
        QString policyDir; // the tools' folder, mounted read-only
        QString trustDir;  // SandboxSpec::trustDir for every tool sandbox
        Isolation isolation = Isolation::Gvisor;
        SandboxLimits limits; // the policy's; the wall time is the tool's timeout
        // The agent's identity: a tool works on the agent's behalf, on files
        // of the same owner (the policy folder may be readable to it alone).
        uid_t uid = SandboxSpec::kSandboxUid;
        gid_t gid = SandboxSpec::kSandboxGid;
        QList<QPair<QString, QString>> env;
        // identity -> host proxy socket
        std::function<QString(const QString &tool)> proxySocket;
        // A ready sandbox gets a proxy socket of its own (same identity) that
        // the guardian keeps shut until the call is handed over: whatever
        // the tool does before reading its arguments reaches no network.
        // Without gates, a runner that has a proxySocket keeps no pools.
        struct Gates
        {
            // The socket's path, or empty with *error.
            std::function<QString(const QString &tool, const QString &key, QString *error)> listen;
            std::function<void(const QString &path)> open;
            std::function<void(const QString &path)> remove;
        };
        Gates gates;
        // What the session's events should say about pools (tool, message, warning).
        std::function<void(const QString &tool, const QString &message, bool warning)> event;
    };

    explicit SandboxToolRunner(Options options, QObject *parent = nullptr);
    ~SandboxToolRunner() override;
    void run(const ToolSpec &tool, const QByteArray &argumentsJson, std::function<void(ToolResult)> done) override;

    // Sizes every tool's pool from its `pool` and from the session's limits
    // (see poolBudget), records the sizes as events, and fills the pools of
    // the tools with `prestart` at once.
    void setTools(const std::vector<ToolSpec> &tools);
    // Ready sandboxes the session may hold for all of its tools together:
    // each counts against the session's memory (kReadyMemoryMb) and
    // process (2: the init and the tool) limits.
    static int poolBudget(const SandboxLimits &limits);
    static constexpr int kReadyMemoryMb = 64;
    static constexpr int kMaxReadyPerSession = 16;
    // A ready sandbox not used for this long is replaced by a fresh one.
    static constexpr int kIdleSeconds = 600;
    // After this many ready sandboxes in a row whose process ended before
    // any call, the tool's calls start their own sandboxes again.
    static constexpr int kMaxEarlyExits = 3;
    // Output kept from a call (stdout and stderr each); past it the call fails.
    static constexpr qsizetype kMaxOutputBytes = 16 << 20;
    // What a ready sandbox may write before its call (each stream).
    static constexpr qsizetype kMaxIdleOutputBytes = 64 << 10;
    // Larger arguments are given to a cold call (standard input's pending limit is 8 MiB).
    static constexpr qsizetype kMaxPooledArguments = 4 << 20;
    static constexpr int kRetryMs = 5000;

    // Stops and removes every ready sandbox (the session ended); no pool is
    // refilled after this. Returns how many were stopped.
    int shutdown();

    // Sandboxes of a tool held ready or starting (for tests and the studio).
    int poolSize(const QString &tool) const;
    int poolCapacity(const QString &tool) const;

    // Relative arguments naming files of the policy's folder, as the sandbox sees them.
    static QStringList sandboxArgv(const std::vector<std::string> &command, const QString &policyDir,
                                   const QString &mountPoint);

Q_SIGNALS:
    // A pooled sandbox was started, or ended before it was used.
    void poolChanged(const QString &tool, int size);

private:
    struct Warm;
    struct Pool
    {
        ToolSpec tool;
        int capacity = 0;
        std::deque<std::shared_ptr<Warm>> ready; // oldest first; may still be booting
        int earlyExits = 0;
        bool refillScheduled = false;
        bool disabled = false;
    };

    SandboxSpec spec(const ToolSpec &tool, const QString &callDir, const QString &id, const QString &proxy) const;
    void runCold(const ToolSpec &tool, const QByteArray &argumentsJson, std::function<void(ToolResult)> done);
    void runWarm(const std::shared_ptr<Warm> &warm, const QByteArray &argumentsJson, std::function<void(ToolResult)> done);
    void refill(Pool &pool);
    bool startWarm(Pool &pool);
    void endWarm(Warm &warm);
    void onWarmExited(const std::shared_ptr<Warm> &warm, std::optional<int> exitCode, const SandboxExit *exit);
    void discardIdle(const std::shared_ptr<Warm> &warm, const QString &why);
    void note(const QString &tool, const QString &message, bool warning = false) const;

    Options m_options;
    std::map<std::string, Pool> m_pools;
    int m_calls = 0;
    bool m_closing = false;
};

} // namespace osh::runtime
