#pragma once
// The microVM of a session with isolation: firecracker: QEMU's microvm
// machine (KVM when this machine's KVM can run it, else TCG software
// emulation) booting the guest kernel with an initramfs of osh-vm-init.
// The guest has no network device and no disk: its root is the session's
// bundle root shared through virtio-fs (virtiofsd started by osh-vm-fsd in a
// user namespace, the read-only folders bound read-only on the host), its
// sockets are channels of one virtio-serial port (VmMuxHost), and the
// command's output comes through two more ports. Inside, osh-sandbox-init
// runs the command exactly as in a container (identity, limits, filter).
//
// Sandbox owns one per firecracker session: prepare() with the bundle,
// startSupport() before QEMU, qemuCommand()/prepareProcess() for QEMU itself.

#include "sandbox/sandboxspec.h"

#include <QByteArray>
#include <QObject>
#include <QString>
#include <QStringList>

#include <memory>

#include <sys/types.h>

class QLocalServer;
class QLocalSocket;
class QProcess;

namespace osh::runtime {

class VmMuxHost;

class SandboxMicroVm : public QObject
{
    Q_OBJECT

public:
    SandboxMicroVm(const SandboxSpec &spec, QString bundleDir, QObject *parent = nullptr);
    ~SandboxMicroVm() override;

    // Empty when microVMs can start here, else why not.
    static QString availability();
    // The guest kernel's folder: $OSH_MICROVM_DIR, else where
    // scripts/microvm-kernel.sh installs it.
    static QString kernelDir();
    // "kvm" when /dev/kvm exists and a probe boot under KVM succeeded (once
    // per process; $OSH_MICROVM_ACCEL=tcg skips it), else "tcg".
    static QString accelerator();
    // Why KVM is not used (empty with kvm).
    static QString acceleratorNote();
    // Memory the host cgroup allows beyond the guest's own: QEMU (its TCG
    // translation cache included) and virtiofsd.
    static constexpr qint64 kHostOverheadMb = 320;
    // Where the guest root's per-VM host ids start: far above the host's
    // accounts and the usual subordinate-id ranges.
    static constexpr uid_t kGuestRootBase = 0x40000000;
    // The host id of this VM's guest root (0 when none was free).
    uid_t guestRoot() const { return m_guestRoot; }

    // Writes the guest's configuration (vm/config) and the folders of the
    // sockets into the bundle, whose root and OCI mounts are already made.
    bool prepare(const QJsonObject &ociConfig, QString *error);
    // virtiofsd (waited for until it listens), the mux and the output
    // sockets; cgroupProcs: files the helpers join (cgroup.procs).
    bool startSupport(const QStringList &cgroupProcs, QString *error);
    // QEMU's command line (first element the program).
    QStringList qemuCommand() const;
    // Puts QEMU, in its child before exec, into the cgroup and under the
    // unprivileged id of the guest's root, without privileges to regain.
    void prepareProcess(QProcess *qemu, const QStringList &cgroupProcs) const;
    // The command's standard input (spec.interactive), a channel of the
    // mux: what the mux holds, and writing (eof: then ending) it.
    qint64 stdinBacklog() const;
    void writeStdin(const QByteArray &data, bool eof);
    // Passes sig to the command (through the guest's init).
    void signalCommand(int sig);
    // Reads what QEMU left in the output sockets (call once it has exited).
    void drain();
    // Ends virtiofsd and the sockets.
    void shutdown();
    // The guest console's last lines (boot failures show there).
    QByteArray consoleTail() const { return m_console; }

Q_SIGNALS:
    void standardOutput(const QByteArray &data);
    void standardError(const QByteArray &data);

private:
    QLocalServer *listenOne(const QString &name, QLocalSocket **slot, QString *error);
    void readSocket(QLocalSocket *socket);

    SandboxSpec m_spec;
    QString m_dir;
    std::unique_ptr<VmMuxHost> m_mux;
    QProcess *m_fsd = nullptr;
    QLocalServer *m_outServer = nullptr;
    QLocalServer *m_errServer = nullptr;
    QLocalServer *m_conServer = nullptr;
    QLocalSocket *m_out = nullptr;
    QLocalSocket *m_err = nullptr;
    QLocalSocket *m_con = nullptr;
    QByteArray m_console;
    uid_t m_guestRoot = 0;
    bool m_stripped = false;
};

} // namespace osh::runtime
