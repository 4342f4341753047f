#pragma once
// The OCI bundle of one session, in a private (0700) temporary folder:
// config.json and a small root of its own (busybox tools as /bin, shared
// read-only by the sessions of one launcher process; the
// host's /usr read-only, its own /etc, the init helper), which both gVisor
// and crun run.

#include "sandbox/sandboxspec.h"

#include <QJsonObject>
#include <QString>

namespace osh::runtime {

class SandboxBundle
{
public:
    SandboxBundle() = default;
    SandboxBundle(const SandboxBundle &) = delete;
    SandboxBundle &operator=(const SandboxBundle &) = delete;
    ~SandboxBundle();

    // Creates the folder under tempBase and writes everything; false with
    // *error on failure (and nothing left behind). cgroupsPath goes into the spec.
    bool create(const SandboxSpec &spec, const QString &initPath, const QString &cgroupsPath,
                const QString &tempBase, QString *error);

    QString dir() const { return m_dir; }
    QString statusFile() const; // host path of the file the init writes
    QString stateDir() const;   // the runtime's --root
    // openshell-mcp on the host: $OSH_MCP_BRIDGE, else beside the init.
    static QString mcpBridgePath(const QString &initPath);

    // Leaves the folder on disk when this object goes away.
    QString release();
    void remove();

    // Where bundles go: $OSH_SANDBOX_DIR, else /dev/shm when it is a
    // writable exec-allowed tmpfs, else the temp folder.
    static QString defaultBase();

    static QJsonObject ociConfig(const SandboxSpec &spec, const QString &cgroupsPath, const QString &statusHostDir);

private:
    bool buildRoot(const SandboxSpec &spec, const QString &initPath, QString *error);

    QString m_dir;
};

} // namespace osh::runtime
