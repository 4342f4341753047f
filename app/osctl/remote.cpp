// osctl through openshelld: which runtime a command uses, and the commands'
// service side (run and demo sessions, approvals, the audit log).

#include "remote.h"

#include "audit/audittime.h"
#include "service/apiclient.h"

#include <QCommandLineParser>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <atomic>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <thread>

#include <pthread.h>
#include <unistd.h>

namespace osctl {

using osh::service::ApiClient;
using osh::service::ApiResponse;
using osh::service::Endpoint;

namespace {

QJsonObject object(const std::string &json)
{
    return QJsonDocument::fromJson(QByteArray::fromStdString(json)).object();
}

std::string text(const QJsonObject &o, const char *key)
{
    return o.value(QLatin1StringView(key)).toString().toStdString();
}

// A refusal as the user should read it; policy diagnostics one a line.
void printProblem(const QString &cmd, const ApiResponse &r)
{
    std::fprintf(stderr, "osctl %s: %s\n", qPrintable(cmd), r.message().c_str());
    const QJsonObject o = object(r.body);
    for (const auto &d : o.value(QStringLiteral("diagnostics")).toArray()) {
        const QJsonObject diag = d.toObject();
        if (diag.value(QStringLiteral("severity")).toString() != QLatin1StringView("error"))
            continue;
        std::fprintf(stderr, "%s:%d:%d: error: [%s] %s\n", text(diag, "file").c_str(), diag.value(QStringLiteral("line")).toInt(),
                     diag.value(QStringLiteral("column")).toInt(), text(diag, "code").c_str(), text(diag, "message").c_str());
    }
}

} // namespace

Runtime chooseRuntime(const QCommandLineParser &p, const QString &cmd, bool needsRoot)
{
    Runtime r;
    // A store named on the command line (or in the environment) is a file
    // this process reads and writes itself.
    const char *storeEnv = std::getenv("OPENSHELL_STORE");
    if (p.isSet(QStringLiteral("store")) || (storeEnv && *storeEnv)) {
        r.kind = Runtime::Local;
        return r;
    }
    const char *endpointEnv = std::getenv("OPENSHELL_ENDPOINT");
    if (endpointEnv && QLatin1StringView(endpointEnv) == QLatin1StringView("local")) {
        r.kind = Runtime::Local;
        return r;
    }
    std::string error;
    r.endpoint = Endpoint::fromEnvironment(&error);
    if (!error.empty()) {
        r.kind = Runtime::Invalid;
        usageError(cmd, QStringLiteral("OPENSHELL_ENDPOINT: %1").arg(QString::fromStdString(error)));
        return r;
    }
    if (r.endpoint) {
        r.kind = Runtime::Service;
        return r;
    }
    if (needsRoot && ::geteuid() != 0) {
        r.kind = Runtime::Invalid;
        std::fprintf(stderr,
                     "osctl %s: no openshelld to run the session (%s does not exist and OPENSHELL_ENDPOINT is not set).\n"
                     "Start the service (sudo systemctl start openshelld, or sudo scripts/service.sh start) and join its "
                     "group (sudo usermod -aG openshell $USER), or run osctl as root to run the session in-process.\n",
                     qPrintable(cmd), Endpoint::kDefaultSocket);
        return r;
    }
    r.kind = Runtime::Local;
    return r;
}

RemoteRun runRemote(const Endpoint &endpoint, const QJsonObject &create, bool quiet, bool interactive,
                    const std::function<void(const QJsonObject &)> &printAudit)
{
    RemoteRun result;
    ApiClient client(endpoint);
    const ApiResponse created =
        client.request("POST", "/v1/sessions", QJsonDocument(create).toJson(QJsonDocument::Compact).toStdString(), 120000);
    if (created.status != 201) {
        printProblem(QStringLiteral("run"), created);
        result.status = kCannotStart;
        return result;
    }
    const QJsonObject session = object(created.body);
    const std::string id = text(session, "id");
    result.sessionId = QString::fromStdString(id);
    if (!quiet)
        std::fprintf(stderr, "osctl: session %s started by openshelld at %s (run folder %s)\n", id.c_str(),
                     endpoint.display().c_str(), text(session, "run_dir").c_str());

    // Ctrl-C ends the session through the service (recorded as interrupted);
    // a second one leaves without waiting. Signals go to one thread.
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set, nullptr);
    std::atomic<bool> finished{false};
    std::thread signalThread([&] {
        int interrupts = 0;
        for (;;) {
            int sig = 0;
            if (sigwait(&set, &sig) != 0 || finished)
                return;
            if (++interrupts == 1) {
                std::fprintf(stderr, "osctl: stopping the session (Ctrl-C again to leave it to the service)\n");
                ApiClient(endpoint).request("DELETE", "/v1/sessions/" + id, {}, 10000);
            } else {
                std::fprintf(stderr, "osctl: leaving; session %s goes on in openshelld (osctl sessions)\n", id.c_str());
                std::_Exit(130);
            }
        }
    });
    std::thread input;
    if (interactive)
        input = std::thread([&endpoint, id] {
            ApiClient stdinClient(endpoint);
            char buf[16384];
            for (;;) {
                const ssize_t n = ::read(STDIN_FILENO, buf, sizeof buf);
                QJsonObject body{{QStringLiteral("data"), n > 0 ? QString::fromUtf8(buf, n) : QString()}};
                if (n <= 0)
                    body.insert(QStringLiteral("eof"), true);
                const auto r = stdinClient.request("POST", "/v1/sessions/" + id + "/stdin",
                                                   QJsonDocument(body).toJson(QJsonDocument::Compact).toStdString(), 30000);
                if (n <= 0 || !r.ok())
                    return;
            }
        });

    std::string error;
    bool ended = false;
    const bool ok = client.stream(
        "/v1/sessions/" + id + "/events",
        [&](const std::string &event, const std::string &data, const std::string &) {
            const QJsonObject o = object(data);
            if (event == "audit") {
                if (!quiet)
                    printAudit(o);
            } else if (event == "output") {
                const std::string bytes = text(o, "data");
                FILE *f = o.value(QStringLiteral("stream")).toString() == QLatin1StringView("stderr") ? stderr : stdout;
                std::fwrite(bytes.data(), 1, bytes.size(), f);
                std::fflush(f);
            } else if (event == "end") {
                ended = true;
                result.status = o.value(QStringLiteral("exit_status")).toInt(-1);
                result.reason = QString::fromStdString(text(o, "exit_reason"));
                return false;
            }
            return true;
        },
        &error);
    finished = true;
    pthread_kill(signalThread.native_handle(), SIGTERM);
    signalThread.join();
    if (input.joinable())
        input.detach(); // blocked reading the terminal; the process is about to exit
    if (!ok || !ended) {
        std::fprintf(stderr, "osctl run: lost the session's event stream: %s (the session may still run: osctl sessions)\n",
                     error.empty() ? "the service closed it" : error.c_str());
        result.status = 1;
        result.reason = QStringLiteral("unknown");
        return result;
    }
    if (!quiet)
        std::fprintf(stderr, "osctl: session %s ended: %s, exit status %d\n", id.c_str(), qPrintable(result.reason), result.status);
    return result;
}

std::optional<std::vector<QJsonObject>> remoteEvents(const Endpoint &endpoint, const std::string &query, const QString &cmd)
{
    ApiClient client(endpoint);
    std::vector<QJsonObject> out;
    std::string after;
    for (;;) {
        const std::string target = "/v1/audit/events?limit=10000" + (query.empty() ? std::string() : "&" + query)
            + (after.empty() ? std::string() : "&after=" + ApiClient::encode(after));
        const ApiResponse r = client.request("GET", target);
        if (!r.ok()) {
            printProblem(cmd, r);
            return std::nullopt;
        }
        const QJsonObject page = object(r.body);
        for (const auto &e : page.value(QStringLiteral("events")).toArray())
            out.push_back(e.toObject());
        after = text(page, "next");
        if (after.empty())
            return out;
    }
}

int remoteRequest(const Endpoint &endpoint, const QString &cmd, const std::string &method, const std::string &target,
                  const QJsonObject &body, std::string *responseBody)
{
    ApiClient client(endpoint);
    const ApiResponse r =
        client.request(method, target, body.isEmpty() && method == "GET" ? std::string() : QJsonDocument(body).toJson(QJsonDocument::Compact).toStdString());
    if (!r.ok()) {
        printProblem(cmd, r);
        return Failed;
    }
    if (responseBody)
        *responseBody = r.body;
    return Ok;
}

} // namespace osctl
