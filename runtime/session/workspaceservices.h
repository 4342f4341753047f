#pragma once
// A workspace's stand-in services. A workspace may carry
// services/standin.py: stand-ins for the company services its tools reach
// (on loopback addresses only), started with a certificate folder as its
// argument; it creates a demo CA and server certificates there, prints
// "ready" once every service listens, and serves until terminated. The CA
// is copied to tools/demo-ca.pem, where the workspace's tools read it.
// `osctl demo` and the studio's launcher start them around a session.

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
    // Terminates them (killed after 3 s).
    void stop();

private:
    QProcess m_process;
};

} // namespace osh::runtime
