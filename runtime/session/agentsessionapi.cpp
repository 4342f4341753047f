// AgentSession's calls from clients of the service: exec and input.

#include "agentsession.h"

#include "gateway/gateway.h"
#include "sandbox/sandbox.h"

namespace osh::runtime {

void AgentSession::exec(const QStringList &argv, const QByteArray &stdinData, double timeoutSeconds,
                        std::function<void(ExecResult)> done)
{
    if (!m_gateway || !isRunning()) {
        ExecResult r;
        r.error = tr("the session is not running");
        done(std::move(r));
        return;
    }
    m_gateway->exec(argv, stdinData, timeoutSeconds, std::move(done));
}

bool AgentSession::writeStdin(const QByteArray &data, bool eof, QString *error)
{
    if (!m_options.interactive) {
        *error = tr("the session was not started with its standard input open (interactive)");
        return false;
    }
    if (!m_sandbox || !m_sandbox->writeStdin(data, eof)) {
        *error = tr("the agent's standard input is closed, or it is not reading it");
        return false;
    }
    return true;
}

} // namespace osh::runtime
