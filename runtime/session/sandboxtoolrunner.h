#pragma once
// Runs each tool call in its own sandbox, in the session's isolation mode,
// apart from the agent (spec section 7): the tool's folder read-only, the
// call's arguments on standard input, an empty private workspace, and
// network only through the guardian's proxy socket for that tool's identity
// (127.0.0.1:3128 inside, as HTTP_PROXY/HTTPS_PROXY).

#include "gateway/toolrunner.h"
#include "sandbox/sandboxspec.h"

#include <QObject>

namespace osh::runtime {

class SandboxToolRunner final : public QObject, public ToolRunner
{
    Q_OBJECT

public:
    struct Options
    {
        QString sessionId;
        QString runDir;    // per-call folders are made below it
        QString policyDir; // the tools' folder, mounted read-only
        Isolation isolation = Isolation::Gvisor;
        SandboxLimits limits; // the policy's; the wall time is the tool's timeout
        // The agent's identity: a tool works on the agent's behalf, on files
        // of the same owner (the policy folder may be readable to it alone).
        uid_t uid = SandboxSpec::kSandboxUid;
        gid_t gid = SandboxSpec::kSandboxGid;
        QList<QPair<QString, QString>> env;
        // identity -> host proxy socket
        std::function<QString(const QString &tool)> proxySocket;
    };

    explicit SandboxToolRunner(Options options, QObject *parent = nullptr);
    void run(const ToolSpec &tool, const QByteArray &argumentsJson, std::function<void(ToolResult)> done) override;

    // Relative arguments naming files of the policy's folder, as the sandbox sees them.
    static QStringList sandboxArgv(const std::vector<std::string> &command, const QString &policyDir,
                                   const QString &mountPoint);

private:
    Options m_options;
    int m_calls = 0;
};

} // namespace osh::runtime
