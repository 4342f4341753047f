// openshelld: the runtime as a service. The only OpenShell process that
// needs root; the studio, osctl and the SDK talk to it over REST API v1 on a
// Unix socket (peers identified by the kernel) or loopback TCP with bearer
// tokens. Sessions keep running when their client goes away; SIGTERM ends
// them cleanly (recorded as interrupted) before the service exits.

#include "audit/auditstore.h"
#include "audit/pgdb.h"
#include "service/access.h"
#include "service/apiservice.h"
#include "service/httpserver.h"
#include "service/statestore.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSocketNotifier>
#include <QThreadPool>

#include <csignal>
#include <cstdio>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace {

int g_signalPipe[2] = {-1, -1};

void onSignal(int)
{
    const char c = 1;
    [[maybe_unused]] const auto n = ::write(g_signalPipe[1], &c, 1);
}

int fail(const std::string &message)
{
    std::fprintf(stderr, "openshelld: %s\n", message.c_str());
    return 1;
}

bool isLoopback(const std::string &host)
{
    return host == "::1" || host.rfind("127.", 0) == 0;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("openshelld"));
    QCoreApplication::setApplicationVersion(QStringLiteral(OSH_VERSION));

    QCommandLineParser p;
    p.setApplicationDescription(QStringLiteral(
        "The OpenShell runtime service: runs agent sessions for unprivileged clients over REST API v1.\n"
        "Default: listens on unix:/run/openshell/api.sock (mode 0660, group openshell)."));
    p.addHelpOption();
    p.addVersionOption();
    p.addOption({QStringLiteral("listen"),
                 QStringLiteral("unix:PATH or HOST:PORT ([::1]:PORT for IPv6); repeatable. TCP needs bearer tokens and a "
                                "loopback address."),
                 QStringLiteral("address")});
    p.addOption({QStringLiteral("group"), QStringLiteral("Group whose members may use the socket (default openshell)."),
                 QStringLiteral("name"), QStringLiteral("openshell")});
    p.addOption({QStringLiteral("approvers-group"),
                 QStringLiteral("Group whose members may approve and deny (default openshell-approvers)."), QStringLiteral("name"),
                 QStringLiteral("openshell-approvers")});
    p.addOption({QStringLiteral("token-file"),
                 QStringLiteral("Bearer tokens for TCP clients (ID UID SCOPES SECRET a line); created 0600 with one admin "
                                "token if missing (default /etc/openshell/tokens)."),
                 QStringLiteral("file"), QStringLiteral("/etc/openshell/tokens")});
    p.addOption({QStringLiteral("tls-cert"),
                 QStringLiteral("TLS certificate chain (PEM): TCP listeners speak TLS 1.2+ and may use any address."),
                 QStringLiteral("file")});
    p.addOption({QStringLiteral("tls-key"), QStringLiteral("TLS private key (PEM)."), QStringLiteral("file")});
    p.addOption({QStringLiteral("store"),
                 QStringLiteral("The audit store: an SQLite file (default /var/lib/openshell/audit.db), or a PostgreSQL "
                                "database shared by several runtime hosts (postgresql://..., its password in "
                                "~/.pgpass or PGPASSFILE)."),
                 QStringLiteral("path|url"), QStringLiteral("/var/lib/openshell/audit.db")});
    p.addOption({QStringLiteral("data-dir"),
                 QStringLiteral("This host's own folder: the checkpoint signing key, run folders, agents' state, "
                                "forwarding cursors (default: the SQLite store's folder, or /var/lib/openshell)."),
                 QStringLiteral("dir")});
    p.addOption({QStringLiteral("host-name"),
                 QStringLiteral("The name this host's sessions and approvals are recorded under in a shared PostgreSQL "
                                "store (default: the system's host name)."),
                 QStringLiteral("name")});
    p.addOption({QStringLiteral("rate-limit"), QStringLiteral("Requests per second per client (default 50; bursts of twice that)."),
                 QStringLiteral("n"), QStringLiteral("50")});
    p.addOption({QStringLiteral("max-sessions-per-user"), QStringLiteral("Running sessions per uid (default 16)."),
                 QStringLiteral("n"), QStringLiteral("16")});
    p.addOption({QStringLiteral("client-timeout"),
                 QStringLiteral("Seconds a client may take to send a request, or to take a response (default 10)."),
                 QStringLiteral("seconds"), QStringLiteral("10")});
    p.addOption({QStringLiteral("forward"),
                 QStringLiteral("Forward every committed audit event (with a shared PostgreSQL store: this host's "
                                "sessions' events) to URL, at least once: syslog://HOST:PORT or "
                                "syslog+tls://HOST:PORT (RFC 5424, octet counting; ?format=ocsf|cef, ?ca=FILE), "
                                "http://HOST:PORT/PATH or https://... (OCSF JSON batches; ?token_file=FILE, ?ca=FILE). "
                                "Plain transports to loopback addresses only, to a socket of uid 0 or ?peer_uid=N. "
                                "Repeatable."),
                 QStringLiteral("url")});
    p.process(app);

    if (::geteuid() != 0)
        return fail("needs root: it creates sandboxes, cgroups and mounts (clients need not be root)");
    const std::string storePath = p.value(QStringLiteral("store")).toStdString();
    const bool sharedStore = osh::audit::PgDb::isConnectionString(storePath);
    if (!sharedStore && p.isSet(QStringLiteral("host-name")))
        return fail("--host-name names this host in a shared PostgreSQL store; an SQLite store is one host's");
    const std::string hostName = p.value(QStringLiteral("host-name")).toStdString();
    if (p.isSet(QStringLiteral("host-name"))
        && (hostName.empty() || hostName.size() > 255
            || hostName.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_")
                != std::string::npos))
        return fail("--host-name must be 1 to 255 letters, digits, '.', '-' or '_'");
    // This host's own files: beside an SQLite store, else in --data-dir.
    const QString dataDir = p.isSet(QStringLiteral("data-dir"))
        ? QFileInfo(p.value(QStringLiteral("data-dir"))).absoluteFilePath()
        : sharedStore ? QStringLiteral("/var/lib/openshell")
                      : QFileInfo(QString::fromStdString(storePath)).absolutePath();
    std::vector<osh::service::ForwardTarget> forwardTargets;
    for (const QString &url : p.values(QStringLiteral("forward"))) {
        std::string error;
        auto t = osh::service::ForwardTarget::parse(url.toStdString(), &error);
        if (!t)
            return fail("--forward " + error);
        for (const auto &other : forwardTargets)
            if (other.display == t->display)
                return fail("--forward " + t->display + " is given twice (one destination, one cursor)");
        forwardTargets.push_back(std::move(*t));
    }
    const bool tls = p.isSet(QStringLiteral("tls-cert")) || p.isSet(QStringLiteral("tls-key"));
    if (tls && (!p.isSet(QStringLiteral("tls-cert")) || !p.isSet(QStringLiteral("tls-key"))))
        return fail("--tls-cert and --tls-key go together");

    bool ok = false;
    const double rate = p.value(QStringLiteral("rate-limit")).toDouble(&ok);
    if (!ok || rate <= 0)
        return fail("--rate-limit must be a positive number");
    const int maxSessions = p.value(QStringLiteral("max-sessions-per-user")).toInt(&ok);
    if (!ok || maxSessions <= 0)
        return fail("--max-sessions-per-user must be a positive number");

    osh::service::GroupRules groups;
    const std::string groupName = p.value(QStringLiteral("group")).toStdString();
    const auto socketGroup = osh::service::lookupGroup(groupName);
    if (!socketGroup)
        return fail("no group '" + groupName + "': create it (groupadd --system " + groupName
                    + ") and add the users who may run agents, or name another with --group");
    groups.socketGroup = *socketGroup;
    const std::string approversName = p.value(QStringLiteral("approvers-group")).toStdString();
    if (const auto g = osh::service::lookupGroup(approversName))
        groups.approversGroup = *g;
    else
        std::fprintf(stderr, "openshelld: no group '%s': only root and tokens scoped 'approvals' can approve\n", approversName.c_str());

    QStringList listens = p.values(QStringLiteral("listen"));
    // systemd socket activation: LISTEN_FDS sockets from fd 3 on.
    int activated = 0;
    if (qEnvironmentVariableIntValue("LISTEN_PID") == ::getpid())
        activated = qEnvironmentVariableIntValue("LISTEN_FDS");
    if (listens.isEmpty() && activated == 0)
        listens << QStringLiteral("unix:/run/openshell/api.sock");

    osh::service::HttpServer::Limits limits;
    limits.idleSeconds = p.value(QStringLiteral("client-timeout")).toInt(&ok);
    if (!ok || limits.idleSeconds <= 0 || limits.idleSeconds > 3600)
        return fail("--client-timeout must be a number of seconds from 1 to 3600");
    limits.writeSeconds = limits.idleSeconds;
    std::shared_ptr<osh::service::ApiService> service; // created below; the handler forwards to it
    osh::service::HttpServer server([&service](std::shared_ptr<osh::service::Exchange> ex) {
        if (auto s = service)
            s->handler()(std::move(ex));
    }, limits);

    for (int i = 0; i < activated; ++i) {
        std::string error;
        ::fcntl(3 + i, F_SETFD, FD_CLOEXEC);
        if (!server.adoptUnix(3 + i, "systemd socket " + std::to_string(i), &error))
            return fail(error);
        std::fprintf(stderr, "openshelld: listening on the socket systemd passed (fd %d)\n", 3 + i);
    }
    ::unsetenv("LISTEN_PID");
    ::unsetenv("LISTEN_FDS");
    ::unsetenv("LISTEN_FDNAMES");

    if (tls) {
        std::string error;
        if (!server.useTls(p.value(QStringLiteral("tls-cert")).toStdString(), p.value(QStringLiteral("tls-key")).toStdString(), &error))
            return fail(error);
    }

    std::shared_ptr<osh::service::TokenStore> tokens;
    for (const QString &l : listens) {
        std::string error;
        if (l.startsWith(QLatin1StringView("unix:"))) {
            const QString path = l.mid(5);
            if (!path.startsWith(QLatin1Char('/')))
                return fail("--listen " + l.toStdString() + ": the socket path must be absolute");
            QDir().mkpath(QFileInfo(path).absolutePath());
            if (!server.listenUnix(path.toStdString(), 0660, groups.socketGroup, &error))
                return fail(error);
            std::fprintf(stderr, "openshelld: listening on unix:%s (group %s)\n", qPrintable(path), groupName.c_str());
            continue;
        }
        const qsizetype colon = l.lastIndexOf(QLatin1Char(':'));
        QString host = l.left(colon);
        if (host.startsWith(QLatin1Char('[')) && host.endsWith(QLatin1Char(']')))
            host = host.mid(1, host.size() - 2);
        const uint port = l.mid(colon + 1).toUInt(&ok);
        if (colon <= 0 || !ok || port > 65535)
            return fail("--listen " + l.toStdString() + ": expected unix:PATH or HOST:PORT");
        if (!tls && !isLoopback(host.toStdString()))
            return fail("--listen " + l.toStdString() + ": without TLS (--tls-cert, --tls-key) the service listens on loopback "
                        "addresses only");
        if (!tokens) {
            tokens = std::make_shared<osh::service::TokenStore>();
            const QString file = p.value(QStringLiteral("token-file"));
            QDir().mkpath(QFileInfo(file).absolutePath());
            if (!tokens->load(file.toStdString(), true, &error))
                return fail(error);
            std::fprintf(stderr, "openshelld: %zu token(s) from %s\n", tokens->size(), qPrintable(file));
        }
        if (!server.listenTcp(host.toStdString(), static_cast<std::uint16_t>(port), &error))
            return fail(error);
        std::fprintf(stderr, "openshelld: listening on %s:%u (%sbearer tokens)\n", qPrintable(host), server.boundPort(),
                     tls ? "TLS, " : "");
    }

    if (!QDir().mkpath(dataDir))
        return fail("cannot create the data folder " + dataDir.toStdString());
    std::string error;
    // Checkpoints of every session's hash chain are signed with the
    // service's own key, kept in its data folder (its public half as .pub).
    osh::AuditStore::Options storeOptions;
    storeOptions.signingKey = dataDir.toStdString() + "/audit-signing.key";
    storeOptions.host = hostName;
    // The host's one writer of events, which its forwarders rely on.
    storeOptions.soleWriter = true;
    auto store = osh::AuditStore::open(storePath, storeOptions, error);
    if (!store)
        return fail("cannot open the audit store " + osh::AuditStore::displayName(storePath) + ": " + error);
    std::fprintf(stderr, "openshelld: audit checkpoints signed by %s (%s.pub)\n", store->signingPublicKey().c_str(),
                 storeOptions.signingKey.c_str());
    // The store and the run folders hold every user's records: root's alone.
    ::chmod(QFile::encodeName(dataDir).constData(), 0700);

    // Forwarders: each from its cursor in <store folder>/forward.
    std::vector<std::unique_ptr<osh::service::Forwarder>> forwarders;
    for (const auto &t : forwardTargets) {
        osh::service::Forwarder::Options fo;
        fo.target = t;
        fo.storePath = storePath;
        fo.storeHost = store->host();
        fo.cursorDir = dataDir.toStdString() + "/forward";
        fo.productVersion = OSH_VERSION;
        auto f = osh::service::Forwarder::start(std::move(fo), &error);
        if (!f)
            return fail("--forward " + error);
        const auto s = f->status();
        if (!f->startNote().empty())
            std::fprintf(stderr, "openshelld: --forward %s: %s\n", t.display.c_str(), f->startNote().c_str());
        std::fprintf(stderr, "openshelld: forwarding audit events to %s from event %lld\n", t.display.c_str(),
                     static_cast<long long>(s.cursor + 1));
        forwarders.push_back(std::move(f));
    }

    // Agents' state: encrypted, its keys in a root-only folder of this host;
    // with a shared store its sealed values are kept there, as this host's.
    const std::string stateDir = dataDir.toStdString() + "/state";
    auto state = osh::service::EncryptedStateStore::open(stateDir, sharedStore ? storePath : std::string(), store->host(),
                                                         &error);
    if (!state)
        return fail("cannot open the agents' state store: " + error);

    QFile doc(QStringLiteral(":/openshell/openapi.json"));
    if (!doc.open(QIODevice::ReadOnly))
        return fail("the OpenAPI document is missing from this build");

    osh::service::ApiService::Options o;
    o.store = store.get();
    if (!store->host().empty())
        o.auditSession = "openshelld@" + store->host();
    o.dataDir = dataDir;
    o.groups = groups;
    o.tokens = tokens;
    o.requestsPerSecond = rate;
    o.burst = rate * 2;
    o.version = OSH_VERSION;
    o.openApiDocument = doc.readAll().toStdString();
    o.maxSessionsPerUser = maxSessions;
    o.state = state.get();
    o.forwarders = [&forwarders] {
        std::vector<osh::service::ForwarderStatus> out;
        for (const auto &f : forwarders)
            out.push_back(f->status());
        return out;
    };
    service = std::make_shared<osh::service::ApiService>(o);

    if (::pipe2(g_signalPipe, O_CLOEXEC) != 0)
        return fail("cannot create the signal pipe");
    std::signal(SIGTERM, onSignal);
    std::signal(SIGINT, onSignal);
    std::signal(SIGPIPE, SIG_IGN);
    QSocketNotifier notifier(g_signalPipe[0], QSocketNotifier::Read);
    bool stopping = false;
    QObject::connect(&notifier, &QSocketNotifier::activated, &app, [&] {
        char c;
        [[maybe_unused]] const auto n = ::read(g_signalPipe[0], &c, 1);
        if (stopping)
            return;
        stopping = true;
        std::fprintf(stderr, "openshelld: stopping: ending %d running session(s)\n", service->runningSessions());
        service->shutdown(20000, [&] { QCoreApplication::quit(); });
    });

    server.start();
    std::fprintf(stderr, "openshelld %s ready (store %s)\n", OSH_VERSION, osh::AuditStore::displayName(storePath).c_str());
    const int rc = QCoreApplication::exec();
    server.stop();
    service.reset();
    QThreadPool::globalInstance()->waitForDone(); // state operations use `state`, destroyed at return
    store->flush();
    // All asked to stop at once, then joined; what they had not delivered
    // goes out after the next start.
    for (const auto &f : forwarders)
        f->requestStop();
    forwarders.clear();
    std::fprintf(stderr, "openshelld: stopped\n");
    return rc;
}
