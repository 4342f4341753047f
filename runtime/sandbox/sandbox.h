#pragma once
// One sandbox session: builds the bundle, places the runtime (runsc or crun)
// under the session's cgroup, streams the command's output, enforces the
// wall time, and reports how the session ended. Nothing of the runtime,
// its cgroups or its state outlives finished(); the bundle folder is removed
// with this object unless releaseBundle() took it (cleanup policy "preserve").

#include "sandbox/sandboxbundle.h"
#include "sandbox/sandboxcgroup.h"
#include "sandbox/sandboxexit.h"
#include "sandbox/sandboxspec.h"
#include "sandbox/sandboxwatchdog.h"

#include <QByteArray>
#include <QElapsedTimer>
#include <QObject>
#include <QStringList>

#include <memory>
#include <optional>

class QProcess;
class QSocketNotifier;
class QTimer;

namespace osh::runtime {

class SandboxMicroVm;

class Sandbox : public QObject
{
    Q_OBJECT

public:
    enum class Channel { Stdout, Stderr };
    Q_ENUM(Channel)

    explicit Sandbox(SandboxSpec spec, QObject *parent = nullptr);
    ~Sandbox() override; // a running session is killed and cleaned up, without signals

    // Launches the session. false when it cannot start; finished() with
    // reason Error follows (queued) in that case too.
    bool start();
    // How long past the wall time the watchdog (which does not depend on the
    // event loop) waits before it kills the session itself.
    static constexpr int kWatchdogGraceMs = 5000;
    // SIGTERM to the command, SIGKILL to everything after spec.stopGraceMs.
    void stop();
    bool isRunning() const { return m_running; }
    // With spec.interactive: data for the command's standard input; eof
    // closes it. false when the command's input is not open.
    bool writeStdin(const QByteArray &data, bool eof);

    const SandboxSpec &spec() const { return m_spec; }
    QString bundleDir() const { return m_bundle.dir(); }
    QString errorString() const { return m_error; }
    // The caller keeps the bundle folder (and must remove it itself).
    QString releaseBundle() { return m_bundle.release(); }

    // The in-sandbox init: $OSH_SANDBOX_INIT, else the build's path.
    static QString initPath();
    // Empty when this isolation mode can run here, else why not.
    static QString availability(Isolation isolation);
    // The command line that runs `crun args...` the way this machine needs
    // (a private mount namespace without the cgroup v2 mount of a hybrid
    // layout). First element is the program.
    static QStringList crunCommand(const QStringList &args);

Q_SIGNALS:
    void started();
    void output(osh::runtime::Sandbox::Channel channel, const QByteArray &data);
    void finished(const osh::runtime::SandboxExit &exit);
    // With spec.reportCommandExit: the command and everything it started are
    // gone (the init reaped them and recorded the status), and all of their
    // output has been emitted. At most once, and before finished().
    void commandExited(int exitCode);

private:
    bool fail(const QString &message);
    void onProcessFinished(int code, bool crashed);
    void onWallTimeout();
    void forceKill();
    void runtimeCommand(const QStringList &args, int timeoutMs) const;
    void cleanupRuntime();
    SandboxExit collectExit(int code, bool crashed) const;
    bool watchCommandExit();
    std::optional<int> recordedExit() const;
    void checkCommandExit();
    void stopWatchingCommandExit();
    void drainOutput();
    bool startMicroVm(QStringList *cmd);

    SandboxSpec m_spec;
    SandboxBundle m_bundle;
    std::unique_ptr<SandboxCgroup> m_cgroup;
    QProcess *m_process = nullptr;
    QTimer *m_wallTimer = nullptr;
    QTimer *m_graceTimer = nullptr;
    QElapsedTimer m_clock;
    QByteArray m_stderrTail;
    QString m_error;
    QString m_runtime; // runsc or crun path
    SandboxMicroVm *m_vm = nullptr; // isolation: firecracker
    SandboxWatchdog m_watchdog;
    int m_inotifyFd = -1;
    QSocketNotifier *m_exitNotifier = nullptr;
    bool m_exitReported = false;
    bool m_running = false;
    bool m_timedOut = false;
    bool m_stopRequested = false;
    bool m_stdinClosed = false;
    static constexpr qint64 kMaxPendingStdin = 8 << 20;
};

} // namespace osh::runtime
