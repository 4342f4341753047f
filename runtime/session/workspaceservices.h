#pragma once
// A workspace's stand-in services. A workspace may carry
// services/standin.py: stand-ins for the company services its tools reach
// (on loopback addresses only), started with a certificate folder as its
// argument; it creates a demo CA and server certificates there, prints
// "ready" once every service listens, and serves until terminated. The CA
// is copied to tools/demo-ca.pem, where the workspace's tools read it.
// `osctl demo` and the studio's launcher start them around a session.
//
// The stand-ins listen on ports below 1024, which only root may bind. For
// users who run sessions through openshelld, `scripts/service.sh start
// --for USER` starts the bundled ones once for everybody (as nobody, allowed
// to bind those ports), with their certificates in sharedDir(); start()
// then uses those instead of starting its own.

#include <QProcess>
#include <QString>

namespace osh::runtime {

class WorkspaceServices
{
public:
    WorkspaceServices() = default;
    ~WorkspaceServices(); // stops them
    WorkspaceServices(const WorkspaceServices &) = delete;
    WorkspaceServices &operator=(const WorkspaceServices &) = delete;

    // Whether the workspace has stand-in services.
    static bool present(const QString &workspace);

    // Starts them (certificates in workspace/certs) and waits until they are
    // ready; false with *error (and nothing left running) when they do not
    // start, exit early or do not say ready within timeoutMs. Their log
    // (stderr) is forwarded to ours unless quiet.
    bool start(const QString &workspace, QString *error, bool quiet = false, int timeoutMs = 30000);
    bool isRunning() const { return m_process.state() != QProcess::NotRunning; }
    // Whether start() found the shared stand-ins serving and used them.
    bool usesShared() const { return m_shared; }
    // $OPENSHELL_DEMO_SERVICES, else /run/openshell/demo-services.
    static QString sharedDir();
    // Terminates them (killed after 3 s).
    void stop();

private:
    bool copyCa(const QString &certs, const QString &workspace, QString *error);
    QProcess m_process;
    bool m_shared = false;
};

} // namespace osh::runtime
