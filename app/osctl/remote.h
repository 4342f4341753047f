#pragma once
// osctl and openshelld: which runtime a command uses (the service when
// OPENSHELL_ENDPOINT is set or the default socket exists; in-process with an
// explicit --store or OPENSHELL_STORE, or OPENSHELL_ENDPOINT=local), and the
// service side of run, demo, approvals, sessions and audit queries.

#include "commands.h"

#include "service/apiclient.h"

#include <QJsonObject>
#include <QString>

#include <functional>
#include <optional>
#include <vector>

class QCommandLineParser;

namespace osctl {

// Exit code when a session could not start at all (as container CLIs do).
constexpr int kCannotStart = 125;

struct Runtime
{
    enum Kind { Local, Service, Invalid } kind = Local;
    std::optional<osh::service::Endpoint> endpoint;
};
// needsRoot: the command runs sandboxes (run, demo); without a service only
// root can do that in-process. Invalid: the reason was printed.
Runtime chooseRuntime(const QCommandLineParser &p, const QString &cmd, bool needsRoot);

struct RemoteRun
{
    QString sessionId;
    int status = kCannotStart;
    QString reason;
};
// Creates the session, streams its events (printAudit for each audit event
// unless quiet) and the agent's output until it ends; forwards standard
// input (interactive) and Ctrl-C.
RemoteRun runRemote(const osh::service::Endpoint &endpoint, const QJsonObject &create, bool quiet, bool interactive,
                    const std::function<void(const QJsonObject &)> &printAudit);

// Every audit event matching query (URL query text), page by page.
std::optional<std::vector<QJsonObject>> remoteEvents(const osh::service::Endpoint &endpoint, const std::string &query,
                                                    const QString &cmd);

// One request; prints the problem and returns Failed when refused.
int remoteRequest(const osh::service::Endpoint &endpoint, const QString &cmd, const std::string &method,
                  const std::string &target, const QJsonObject &body = {}, std::string *responseBody = nullptr);

} // namespace osctl
