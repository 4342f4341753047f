#include "sandboxtoolrunner.h"

#include "sandbox/sandbox.h"
#include "sandboxmounts.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QTimer>

#include <algorithm>
#include <cmath>

namespace osh::runtime {

namespace {
const QString kCallMount = QStringLiteral("/run/openshell/call");

qint64 timeoutSeconds(const ToolSpec &tool)
{
    return std::max<qint64>(1, static_cast<qint64>(std::ceil(tool.timeoutSeconds)));
}

// What a sandbox that ended without the init's record of the command's end
// tells a caller (the runtime failed, the sandbox was killed, the memory or
// process limit was hit, the wall time was reached).
ToolResult resultOf(const SandboxExit &exit)
{
    ToolResult r;
    r.started = exit.reason != SandboxExitReason::Error;
    r.exitCode = exit.exitCode;
    r.timedOut = exit.reason == SandboxExitReason::Timeout;
    if (exit.reason != SandboxExitReason::Exited)
        r.error = QStringLiteral("%1: %2").arg(sandboxExitReasonName(exit.reason), exit.message);
    return r;
}

// Appends a chunk of a sandbox's output unless that would pass cap; past
// it the sandbox is stopped (once) and *overflow says so.
void appendCapped(QByteArray &into, const QByteArray &data, qsizetype cap, bool *overflow, Sandbox *sandbox)
{
    if (into.size() + data.size() <= cap) {
        into += data;
        return;
    }
    if (!*overflow && sandbox)
        sandbox->stop();
    *overflow = true;
}

QString overflowError()
{
    return QStringLiteral("the tool wrote more than %1 MiB; its sandbox was stopped").arg(SandboxToolRunner::kMaxOutputBytes >> 20);
}

} // namespace

// One pooled sandbox: started with the tool's process waiting on its
// standard input, then used for exactly one call.
struct SandboxToolRunner::Warm
{
    std::string tool;
    Sandbox *sandbox = nullptr; // the runner's child; deleteLater() once finished
    QString callDir;
    QString gate; // its own proxy socket, opened at the call
    QByteArray out;
    QByteArray err;
    bool overflow = false;
    bool taken = false;
    bool answered = false;
    bool exited = false; // the command's end (or the sandbox's) was handled
    QElapsedTimer call;  // since taken
    QTimer *timeout = nullptr;
    std::function<void(ToolResult)> done;
};

SandboxToolRunner::SandboxToolRunner(Options options, QObject *parent) : QObject(parent), m_options(std::move(options)) {}

SandboxToolRunner::~SandboxToolRunner() { shutdown(); }

int SandboxToolRunner::shutdown()
{
    // Their destructors kill the sandboxes and clean up after the runtime;
    // the per-call folders go here. (Sandboxes of calls in progress end
    // with their calls, or with this object.)
    m_closing = true;
    int stopped = 0;
    for (auto &[name, pool] : m_pools) {
        for (const auto &w : pool.ready) {
            w->exited = true;
            delete w->sandbox;
            w->sandbox = nullptr;
            endWarm(*w);
            ++stopped;
        }
        pool.ready.clear();
    }
    return stopped;
}

QStringList SandboxToolRunner::sandboxArgv(const std::vector<std::string> &command, const QString &policyDir,
                                           const QString &mountPoint)
{
    QStringList argv;
    for (std::size_t i = 0; i < command.size(); ++i) {
        const QString arg = QString::fromStdString(command[i]);
        if (!arg.startsWith(QLatin1Char('/')) && !arg.startsWith(QLatin1Char('-'))
            && QFileInfo::exists(QDir(policyDir).filePath(arg)) && (i > 0 || arg.contains(QLatin1Char('/'))))
            argv << mountPoint + QLatin1Char('/') + QDir::cleanPath(arg);
        else
            argv << arg;
    }
    return argv;
}

int SandboxToolRunner::poolBudget(const SandboxLimits &limits)
{
    const qint64 byMemory = limits.memoryMb / kReadyMemoryMb;
    const qint64 byProcesses = limits.maxProcesses / 2;
    return static_cast<int>(std::clamp<qint64>(std::min(byMemory, byProcesses), 0, kMaxReadyPerSession));
}

void SandboxToolRunner::note(const QString &tool, const QString &message, bool warning) const
{
    if (m_options.event)
        m_options.event(tool, message, warning);
}

void SandboxToolRunner::setTools(const std::vector<ToolSpec> &tools)
{
    int budget = poolBudget(m_options.limits);
    const int total = budget;
    const bool gated = !m_options.proxySocket || (m_options.gates.listen && m_options.gates.open && m_options.gates.remove);
    for (const ToolSpec &t : tools) {
        // An MCP server is one sandbox, kept up (McpServerHost); a guarded
        // function runs in the SDK's own process.
        if (t.pool <= 0 || t.isMcpServer() || t.guard)
            continue;
        Pool &p = m_pools[t.name];
        p.tool = t;
        p.capacity = std::min(t.pool, budget);
        budget -= p.capacity;
        const QString name = QString::fromStdString(t.name);
        if (!gated) {
            p.disabled = true;
            note(name, QStringLiteral("tool pool: none; this runtime cannot hold a ready sandbox's network shut until its call"), true);
            continue;
        }
        const QString when = t.prestart ? QStringLiteral("filled now") : QStringLiteral("filled after its first call");
        if (p.capacity < t.pool)
            note(name,
                 QStringLiteral("tool pool: %1 of the %2 ready sandboxes asked for (the session's limits of %3 MB and %4 processes "
                    "hold %5 for all tools: %6 MB and 2 processes each); %7")
                     .arg(p.capacity)
                     .arg(t.pool)
                     .arg(m_options.limits.memoryMb)
                     .arg(m_options.limits.maxProcesses)
                     .arg(total)
                     .arg(kReadyMemoryMb)
                     .arg(when),
                 true);
        else
            note(name, QStringLiteral("tool pool: %1 ready sandbox%2, %3").arg(p.capacity).arg(p.capacity == 1 ? QString() : QStringLiteral("es"), when));
        if (t.prestart)
            refill(p);
    }
}

int SandboxToolRunner::poolSize(const QString &tool) const
{
    const auto it = m_pools.find(tool.toStdString());
    return it == m_pools.end() ? 0 : static_cast<int>(it->second.ready.size());
}

int SandboxToolRunner::poolCapacity(const QString &tool) const
{
    const auto it = m_pools.find(tool.toStdString());
    return it == m_pools.end() || it->second.disabled ? 0 : it->second.capacity;
}

SandboxSpec SandboxToolRunner::spec(const ToolSpec &tool, const QString &callDir, const QString &id, const QString &proxy) const
{
    SandboxSpec spec;
    spec.id = id.right(64);
    spec.isolation = m_options.isolation;
    spec.env = m_options.env;
    spec.trustDir = m_options.trustDir;
    spec.env << qMakePair(QStringLiteral("HTTPS_PROXY"), QStringLiteral("http://127.0.0.1:%1").arg(kProxyPort))
             << qMakePair(QStringLiteral("HTTP_PROXY"), QStringLiteral("http://127.0.0.1:%1").arg(kProxyPort))
             << qMakePair(QStringLiteral("OPENSHELL_TOOL"), QString::fromStdString(tool.name));
    spec.limits = m_options.limits;
    spec.limits.wallTimeSeconds = timeoutSeconds(tool);
    spec.workspaceHostDir = callDir + QStringLiteral("/ws");
    spec.uid = m_options.uid; // the call's fresh workspace is handed to it
    spec.gid = m_options.gid;
    spec.workingDir = kPolicyMount;
    spec.mounts << SandboxMount{m_options.policyDir, kPolicyMount, true};
    if (!proxy.isEmpty()) {
        spec.sockets << SandboxSocket{proxy, kProxyMount};
        spec.forwards << SandboxForward{kProxyPort, kProxyMount};
    }
    spec.cleanup = CleanupPolicy::Destroy;
    return spec;
}

void SandboxToolRunner::run(const ToolSpec &tool, const QByteArray &argumentsJson, std::function<void(ToolResult)> done)
{
    const auto it = m_pools.find(tool.name);
    // Only the very tool the pool was made for (exec's calls share no name
    // with a declared tool's pool).
    // (A call spec with pool 0, as exec's, never takes one; arguments that
    // might not fit the pipe's pending limit go cold.)
    if (it != m_pools.end() && tool.pool > 0 && it->second.tool.command == tool.command && !it->second.disabled
        && it->second.capacity > 0 && argumentsJson.size() <= kMaxPooledArguments) {
        Pool &p = it->second;
        // The first call of a lazily filled pool starts its own: no faster
        // than a cold one, no slower.
        if (p.ready.empty() && !startWarm(p)) {
            runCold(tool, argumentsJson, std::move(done));
            return;
        }
        std::shared_ptr<Warm> w = p.ready.front();
        p.ready.pop_front();
        Q_EMIT poolChanged(QString::fromStdString(tool.name), static_cast<int>(p.ready.size()));
        runWarm(w, argumentsJson, std::move(done));
        return;
    }
    runCold(tool, argumentsJson, std::move(done));
}

void SandboxToolRunner::runCold(const ToolSpec &tool, const QByteArray &argumentsJson, std::function<void(ToolResult)> done)
{
    const int n = ++m_calls;
    const QString callDir = QDir(m_options.runDir).filePath(QStringLiteral("calls/%1").arg(n));
    QDir().mkpath(callDir + QStringLiteral("/ws"));
    QFile args(callDir + QStringLiteral("/args.json"));
    if (!args.open(QIODevice::WriteOnly) || args.write(argumentsJson) != argumentsJson.size()) {
        ToolResult r;
        r.error = QStringLiteral("cannot stage the call's arguments: %1").arg(args.errorString());
        QDir(callDir).removeRecursively();
        done(std::move(r));
        return;
    }
    args.close();

    SandboxSpec s = spec(tool, callDir, QStringLiteral("%1-t%2").arg(m_options.sessionId).arg(n),
                         m_options.proxySocket ? m_options.proxySocket(QString::fromStdString(tool.name)) : QString());
    s.argv = QStringList{QStringLiteral("/bin/sh"), QStringLiteral("-c"),
                         QStringLiteral("exec \"$@\" < %1/args.json").arg(kCallMount), QString::fromStdString(tool.name)}
        + sandboxArgv(tool.command, m_options.policyDir, kPolicyMount);
    s.mounts << SandboxMount{callDir, kCallMount, true};

    auto *sandbox = new Sandbox(s, this);
    auto out = std::make_shared<QByteArray>();
    auto err = std::make_shared<QByteArray>();
    auto overflow = std::make_shared<bool>(false);
    auto cb = std::make_shared<std::function<void(ToolResult)>>(std::move(done));
    connect(sandbox, &Sandbox::output, sandbox, [sandbox, out, err, overflow](Sandbox::Channel c, const QByteArray &data) {
        appendCapped(c == Sandbox::Channel::Stdout ? *out : *err, data, kMaxOutputBytes, overflow.get(), sandbox);
    });
    connect(sandbox, &Sandbox::finished, this, [sandbox, out, err, overflow, cb, callDir](const SandboxExit &exit) {
        ToolResult r = resultOf(exit);
        r.stdoutData = *out;
        r.stderrData = *err;
        r.seconds = static_cast<double>(exit.elapsedMs) / 1000.0;
        if (*overflow)
            r.error = overflowError();
        sandbox->deleteLater();
        QDir(callDir).removeRecursively();
        (*cb)(std::move(r));
    });
    sandbox->start();
}

bool SandboxToolRunner::startWarm(Pool &pool)
{
    const int n = ++m_calls;
    auto w = std::make_shared<Warm>();
    w->tool = pool.tool.name;
    const QString name = QString::fromStdString(pool.tool.name);
    if (m_options.proxySocket) {
        QString why;
        w->gate = m_options.gates.listen(name, QStringLiteral("p%1").arg(n), &why);
        if (w->gate.isEmpty()) {
            note(name, QStringLiteral("tool pool: a ready sandbox cannot get its proxy socket: %1").arg(why), true);
            return false;
        }
    }
    w->callDir = QDir(m_options.runDir).filePath(QStringLiteral("calls/p%1").arg(n));
    QDir().mkpath(w->callDir + QStringLiteral("/ws"));
    SandboxSpec s = spec(pool.tool, w->callDir, QStringLiteral("%1-p%2").arg(m_options.sessionId).arg(n), w->gate);
    s.argv = sandboxArgv(pool.tool.command, m_options.policyDir, kPolicyMount);
    s.interactive = true;
    s.reportCommandExit = true;
    // It waits for its call first: the tool's timeout is enforced per call.
    s.limits.wallTimeSeconds = kIdleSeconds + timeoutSeconds(pool.tool);
    w->sandbox = new Sandbox(s, this);
    std::weak_ptr<Warm> weak = w;
    connect(w->sandbox, &Sandbox::output, this, [weak](Sandbox::Channel c, const QByteArray &data) {
        const auto warm = weak.lock();
        if (!warm)
            return;
        // Before its call a tool has little to say: past that, it is not
        // waiting for its arguments and is stopped (an early end).
        appendCapped(c == Sandbox::Channel::Stdout ? warm->out : warm->err, data,
                     warm->taken ? kMaxOutputBytes : kMaxIdleOutputBytes, &warm->overflow, warm->sandbox);
    });
    // The runner keeps the Warm alive until its sandbox has finished.
    connect(w->sandbox, &Sandbox::commandExited, this, [this, w](int code) { onWarmExited(w, code, nullptr); });
    connect(w->sandbox, &Sandbox::finished, this, [this, w](const SandboxExit &exit) {
        onWarmExited(w, std::nullopt, &exit);
        endWarm(*w);
    });
    pool.ready.push_back(w);
    Q_EMIT poolChanged(name, static_cast<int>(pool.ready.size()));
    w->sandbox->start();
    return true;
}

void SandboxToolRunner::endWarm(Warm &w)
{
    if (w.sandbox)
        w.sandbox->deleteLater();
    w.sandbox = nullptr;
    w.done = nullptr;
    if (!w.gate.isEmpty() && m_options.gates.remove)
        m_options.gates.remove(w.gate);
    w.gate.clear();
    QDir(w.callDir).removeRecursively();
}

void SandboxToolRunner::runWarm(const std::shared_ptr<Warm> &w, const QByteArray &argumentsJson,
                                std::function<void(ToolResult)> done)
{
    w->taken = true;
    w->done = std::move(done);
    w->call.start();
    const ToolSpec tool = m_pools[w->tool].tool;
    if (w->exited || !w->sandbox || !w->sandbox->writeStdin(argumentsJson, true)) {
        // Ended between being ready and being taken (or its input is not
        // open): this call fails as a cold call whose sandbox failed would.
        if (!w->exited && w->sandbox)
            w->sandbox->stop();
        if (!w->answered) {
            w->answered = true;
            ToolResult r;
            const QString why = w->sandbox ? w->sandbox->errorString() : QString();
            r.error = why.isEmpty() ? QStringLiteral("the tool's ready sandbox ended before the call could be given to it")
                                    : QStringLiteral("the tool's sandbox could not start: %1").arg(why);
            auto cb = std::move(w->done);
            cb(std::move(r));
        }
        return;
    }
    // The call is decided and handed over: its network may open now.
    if (!w->gate.isEmpty())
        m_options.gates.open(w->gate);
    w->timeout = new QTimer(w->sandbox);
    w->timeout->setSingleShot(true);
    connect(w->timeout, &QTimer::timeout, this, [w, tool] {
        if (w->answered)
            return;
        w->answered = true;
        if (w->sandbox)
            w->sandbox->stop();
        ToolResult r;
        r.started = true;
        r.timedOut = true;
        r.stdoutData = w->out;
        r.stderrData = w->err;
        r.seconds = static_cast<double>(w->call.elapsed()) / 1000.0;
        r.pooled = true;
        r.error = QStringLiteral("timeout: the tool's timeout of %1 s was reached; its sandbox was stopped").arg(tool.timeoutSeconds);
        auto cb = std::move(w->done);
        cb(std::move(r));
    });
    w->timeout->start(std::chrono::milliseconds(static_cast<qint64>(tool.timeoutSeconds * 1000)));
}

void SandboxToolRunner::onWarmExited(const std::shared_ptr<Warm> &w, std::optional<int> exitCode, const SandboxExit *exit)
{
    if (w->exited)
        return;
    w->exited = true;
    if (w->timeout)
        w->timeout->stop();
    auto it = m_pools.find(w->tool);
    if (it == m_pools.end() || (!w->taken && m_closing))
        return;
    Pool &p = it->second;
    if (!w->taken) {
        p.ready.erase(std::remove(p.ready.begin(), p.ready.end(), w), p.ready.end());
        Q_EMIT poolChanged(QString::fromStdString(w->tool), static_cast<int>(p.ready.size()));
        discardIdle(w, exitCode ? QStringLiteral("its process exited with status %1 before any call").arg(*exitCode)
                         : exit && exit->reason == SandboxExitReason::Timeout
                         ? QString()
                         : QStringLiteral("its sandbox ended before any call (%1)").arg(exit ? exit->message : QString()));
        return;
    }
    if (!w->answered) {
        w->answered = true;
        ToolResult r;
        if (exitCode) {
            r.started = true;
            r.exitCode = *exitCode;
        } else {
            r = resultOf(*exit);
        }
        r.pooled = true;
        r.stdoutData = w->out;
        r.stderrData = w->err;
        r.seconds = static_cast<double>(w->call.elapsed()) / 1000.0;
        if (w->overflow)
            r.error = overflowError();
        if (exitCode && !m_closing)
            p.earlyExits = 0;
        auto cb = std::move(w->done);
        cb(std::move(r));
    }
    if (m_closing)
        return;
    // The next ready sandbox starts once this call's answer has gone, so
    // the two never compete for the CPU.
    QTimer::singleShot(0, this, [this, tool = w->tool] {
        if (auto pool = m_pools.find(tool); pool != m_pools.end())
            refill(pool->second);
    });
}

void SandboxToolRunner::discardIdle(const std::shared_ptr<Warm> &w, const QString &why)
{
    Pool &p = m_pools[w->tool];
    const QString name = QString::fromStdString(w->tool);
    if (why.isEmpty()) { // unused for kIdleSeconds: replaced
        refill(p);
        return;
    }
    if (++p.earlyExits >= kMaxEarlyExits) {
        p.disabled = true;
        for (const auto &other : p.ready)
            if (other->sandbox)
                other->sandbox->stop();
        note(name,
             QStringLiteral("tool pool disabled: %1 ready sandboxes in a row ended before any call (last: %2); the tool must read its "
                "arguments from standard input before it exits. Its calls start their own sandboxes.")
                 .arg(kMaxEarlyExits)
                 .arg(why),
             true);
        return;
    }
    const int delayMs = 1000 << (p.earlyExits - 1);
    note(name, QStringLiteral("tool pool: a ready sandbox ended: %1; the next starts in %2 s").arg(why).arg(delayMs / 1000), true);
    if (p.refillScheduled)
        return;
    p.refillScheduled = true;
    QTimer::singleShot(delayMs, this, [this, tool = w->tool] {
        Pool &pool = m_pools[tool];
        pool.refillScheduled = false;
        refill(pool);
    });
}

void SandboxToolRunner::refill(Pool &pool)
{
    if (m_closing || pool.disabled || pool.refillScheduled)
        return;
    while (static_cast<int>(pool.ready.size()) < pool.capacity) {
        if (!startWarm(pool)) {
            // Not now (no proxy socket: descriptors, paths): try again later
            // rather than spin.
            pool.refillScheduled = true;
            QTimer::singleShot(kRetryMs, this, [this, tool = pool.tool.name] {
                Pool &p = m_pools[tool];
                p.refillScheduled = false;
                refill(p);
            });
            return;
        }
    }
}

} // namespace osh::runtime
