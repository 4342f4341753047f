// osctl run and osctl demo: launch an agent session under a policy and
// stream what the runtime decides.

#include "commands.h"
#include "remote.h"

#include "audit/auditstore.h"
#include "model/policyvalidator.h"
#include "session/agentsession.h"
#include "session/workspaceservices.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QCryptographicHash>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSocketNotifier>
#include <QStandardPaths>
#include <QTimer>

#include <csignal>
#include <cstdio>
#include <unistd.h>

namespace osctl {

namespace {

int g_signalPipe[2] = {-1, -1};

void onSignal(int)
{
    const char c = 1;
    [[maybe_unused]] const auto n = ::write(g_signalPipe[1], &c, 1);
}

QString dataDirFor(const QString &storePath)
{
    return QFileInfo(QString::fromStdString(osh::AuditStore::dataDirFor(storePath.toStdString()))).absoluteFilePath();
}

void printEvent(const osh::AuditEvent &e, bool colour)
{
    const char *c = colour ? decisionColour(e.decision) : nullptr;
    std::string what = e.type;
    if (!e.tool.empty())
        what += " " + e.tool;
    std::fprintf(stderr, "%s[%4lld] %-28s %s%-9s%s %s%s%s\n", colour ? "\033[2m" : "", static_cast<long long>(e.seq),
                 what.substr(0, 28).c_str(), colour ? "\033[0m" : "", (c ? std::string(c) : std::string()).c_str(),
                 e.decision.empty() ? "-" : e.decision.c_str(), c ? "\033[0m" : "",
                 e.policy.empty() ? "" : ("[" + e.policy + "] ").c_str(), e.message.c_str());
    // The session's start: what enforces each limit and boundary.
    if (e.type == "sandbox" && !e.parameters.empty()) {
        const QJsonArray list = QJsonDocument::fromJson(QByteArray::fromStdString(e.parameters))
                                    .object()
                                    .value(QStringLiteral("enforcement"))
                                    .toArray();
        for (const QJsonValue &v : list) {
            const QJsonObject control = v.toObject();
            const QString value = control.value(QStringLiteral("value")).toString();
            std::fprintf(stderr, "         %s%s: %s\n", qPrintable(control.value(QStringLiteral("control")).toString()),
                         value.isEmpty() ? "" : qPrintable(QStringLiteral(" ") + value),
                         qPrintable(control.value(QStringLiteral("by")).toString()));
        }
    }
}

// The same line for an event the service streamed (its JSON form).
void printEventJson(const QJsonObject &o, bool colour)
{
    osh::AuditEvent e;
    e.seq = o.value(QStringLiteral("seq")).toInteger();
    auto str = [&o](const char *k) { return o.value(QLatin1StringView(k)).toString().toStdString(); };
    e.type = str("type");
    e.tool = str("tool");
    e.decision = str("decision");
    e.policy = str("policy");
    e.message = str("message");
    if (const QJsonValue p = o.value(QStringLiteral("parameters")); p.isObject())
        e.parameters = QJsonDocument(p.toObject()).toJson(QJsonDocument::Compact).toStdString();
    printEvent(e, colour);
}

struct Loaded
{
    std::shared_ptr<const osh::PolicyDocument> doc;
    std::string hash;
};

std::optional<Loaded> loadPolicy(const QString &file, const QString &command)
{
    QFile f(file);
    if (!f.open(QIODevice::ReadOnly)) {
        std::fprintf(stderr, "osctl %s: cannot read %s: %s\n", qPrintable(command), qPrintable(file), qPrintable(f.errorString()));
        return std::nullopt;
    }
    const QByteArray bytes = f.readAll();
    osh::ValidationOptions opt;
    opt.baseDir = QFileInfo(file).absolutePath().toStdString();
    auto res = osh::PolicyValidator::checkText(std::string_view(bytes.constData(), static_cast<size_t>(bytes.size())),
                                               file.toStdString(), opt);
    if (!res.document || osh::hasErrors(res.diagnostics)) {
        for (const auto &d : res.diagnostics)
            if (d.severity == osh::Severity::Error)
                std::fprintf(stderr, "%s\n", d.format().c_str());
        std::fprintf(stderr, "osctl %s: the policy has errors; nothing was started\n", qPrintable(command));
        return std::nullopt;
    }
    return Loaded{res.document, QCryptographicHash::hash(bytes, QCryptographicHash::Sha256).toHex().toStdString()};
}

// Runs one session to its end; returns the agent's exit status (or kCannotStart).
int runSession(osh::runtime::AgentSession::Options options, bool quiet, QString *sessionId = nullptr)
{
    const bool interactive = options.interactive;
    osh::runtime::AgentSession session(std::move(options));
    const bool colour = useColour();
    if (!quiet)
        QObject::connect(&session, &osh::runtime::AgentSession::event, &session,
                         [colour](const osh::AuditEvent &e) { printEvent(e, colour); });
    QObject::connect(&session, &osh::runtime::AgentSession::agentOutput, &session, [](bool err, const QByteArray &data) {
        std::fwrite(data.constData(), 1, static_cast<size_t>(data.size()), err ? stderr : stdout);
        std::fflush(err ? stderr : stdout);
    });
    int status = kCannotStart;
    QString reason;
    QObject::connect(&session, &osh::runtime::AgentSession::finished, &session, [&](int code, const QString &why) {
        status = code;
        reason = why;
        QCoreApplication::exit(0);
    });

    // Ctrl-C ends the session cleanly (recorded as interrupted); a second one forces.
    if (::pipe(g_signalPipe) == 0) {
        std::signal(SIGINT, onSignal);
        std::signal(SIGTERM, onSignal);
    }
    QSocketNotifier notifier(g_signalPipe[0], QSocketNotifier::Read);
    int interrupts = 0;
    QObject::connect(&notifier, &QSocketNotifier::activated, &session, [&] {
        char c;
        [[maybe_unused]] const auto n = ::read(g_signalPipe[0], &c, 1);
        if (++interrupts == 1) {
            std::fprintf(stderr, "osctl: stopping the session (Ctrl-C again to force)\n");
            session.stop();
        } else {
            std::_Exit(130);
        }
    });

    // -i: the agent reads osctl's standard input.
    std::unique_ptr<QSocketNotifier> input;
    if (interactive) {
        input = std::make_unique<QSocketNotifier>(STDIN_FILENO, QSocketNotifier::Read);
        QObject::connect(input.get(), &QSocketNotifier::activated, &session, [&session, &input] {
            char buf[16384];
            const ssize_t n = ::read(STDIN_FILENO, buf, sizeof buf);
            QString why;
            if (n <= 0)
                input->setEnabled(false);
            if (!session.writeStdin(n > 0 ? QByteArray(buf, static_cast<int>(n)) : QByteArray(), n <= 0, &why))
                input->setEnabled(false);
        });
    }
    QString error;
    if (!session.start(&error)) {
        std::fprintf(stderr, "osctl: the session could not start: %s\n", qPrintable(error));
        return kCannotStart;
    }
    if (!quiet)
        std::fprintf(stderr, "osctl: session %s started (run folder %s)\n", qPrintable(session.id()), qPrintable(session.runDir()));
    if (sessionId)
        *sessionId = session.id();
    QCoreApplication::exec();
    if (!quiet)
        std::fprintf(stderr, "osctl: session %s ended: %s, exit status %d\n", qPrintable(session.id()), qPrintable(reason), status);
    if (reason == QLatin1StringView("interrupted"))
        return 130;
    return status < 0 ? 1 : status;
}

void addRunOptions(QCommandLineParser &p)
{
    addStoreOption(p);
    p.addOption({QStringLiteral("isolation"), QStringLiteral("gvisor, container or firecracker (default: the policy's)."),
                 QStringLiteral("mode")});
    p.addOption({QStringLiteral("approvals"),
                 QStringLiteral("Who answers escalations: store (osctl approvals, the studio), auto-approve, auto-deny."),
                 QStringLiteral("mode")});
    p.addOption({QStringLiteral("approval-timeout"), QStringLiteral("Seconds a held action waits before it is blocked (default 300)."),
                 QStringLiteral("seconds"), QStringLiteral("300")});
    p.addOption({QStringLiteral("quiet"), QStringLiteral("Do not stream events (the agent's output still shows).")});
}

// The session's settings as the service takes them (POST /v1/sessions).
QJsonObject serviceRequest(const QCommandLineParser &p, const osh::runtime::AgentSession::Options &o)
{
    QJsonObject r{{QStringLiteral("policy_path"), o.policyFile},
                  {QStringLiteral("approval_timeout_seconds"), o.approvalTimeoutSeconds},
                  {QStringLiteral("approvals"), o.approvals == osh::runtime::AgentSession::Approvals::Store ? QStringLiteral("store")
                                                : o.approvals == osh::runtime::AgentSession::Approvals::AutoApprove
                                                ? QStringLiteral("auto-approve")
                                                : QStringLiteral("auto-deny")},
                  {QStringLiteral("interactive"), o.interactive}};
    if (p.isSet(QStringLiteral("isolation")))
        r.insert(QStringLiteral("isolation"), p.value(QStringLiteral("isolation")));
    if (!o.workspaceDir.isEmpty())
        r.insert(QStringLiteral("workspace"), QFileInfo(o.workspaceDir).absoluteFilePath());
    if (!o.command.isEmpty())
        r.insert(QStringLiteral("command"), QJsonArray::fromStringList(o.command));
    return r;
}

// Runs the session through openshelld; the exit code as runSession's.
int runThroughService(const osctl::Runtime &rt, const QJsonObject &request, bool quiet, QString *sessionId = nullptr)
{
    if (!quiet)
        std::fprintf(stderr, "osctl: using openshelld at %s\n", rt.endpoint->display().c_str());
    const bool colour = useColour();
    const RemoteRun r = runRemote(*rt.endpoint, request, quiet, request.value(QStringLiteral("interactive")).toBool(),
                                  [colour](const QJsonObject &e) { printEventJson(e, colour); });
    if (sessionId)
        *sessionId = r.sessionId;
    if (r.status == kCannotStart && r.sessionId.isEmpty())
        return kCannotStart;
    if (r.reason == QLatin1StringView("interrupted"))
        return 130;
    return r.status < 0 ? 1 : r.status;
}

bool applyRunOptions(const QCommandLineParser &p, const QString &command, osh::runtime::AgentSession::Options &o,
                     osh::runtime::AgentSession::Approvals defaultApprovals)
{
    if (p.isSet(QStringLiteral("isolation"))) {
        const QString m = p.value(QStringLiteral("isolation"));
        if (m == QLatin1StringView("gvisor"))
            o.isolation = osh::Isolation::Gvisor;
        else if (m == QLatin1StringView("container"))
            o.isolation = osh::Isolation::Container;
        else if (m == QLatin1StringView("firecracker"))
            o.isolation = osh::Isolation::Firecracker;
        else {
            usageError(command, QStringLiteral("--isolation must be gvisor, container or firecracker"));
            return false;
        }
    }
    o.approvals = defaultApprovals;
    if (p.isSet(QStringLiteral("approvals"))) {
        const QString m = p.value(QStringLiteral("approvals"));
        if (m == QLatin1StringView("store"))
            o.approvals = osh::runtime::AgentSession::Approvals::Store;
        else if (m == QLatin1StringView("auto-approve"))
            o.approvals = osh::runtime::AgentSession::Approvals::AutoApprove;
        else if (m == QLatin1StringView("auto-deny"))
            o.approvals = osh::runtime::AgentSession::Approvals::AutoDeny;
        else {
            usageError(command, QStringLiteral("--approvals must be store, auto-approve or auto-deny"));
            return false;
        }
    }
    bool ok = false;
    o.approvalTimeoutSeconds = p.value(QStringLiteral("approval-timeout")).toInt(&ok);
    if (!ok || o.approvalTimeoutSeconds <= 0) {
        usageError(command, QStringLiteral("--approval-timeout must be a positive number of seconds"));
        return false;
    }
    return true;
}

std::unique_ptr<osh::AuditStore> openOrCreateStore(const QCommandLineParser &p)
{
    std::string path = p.isSet(QStringLiteral("store")) ? p.value(QStringLiteral("store")).toStdString() : osh::AuditStore::defaultPath();
    std::string error;
    auto store = osh::AuditStore::open(path, osh::AuditStore::userWriterOptions(path), error);
    if (!store)
        std::fprintf(stderr, "osctl: cannot open the audit store %s: %s\n", osh::AuditStore::displayName(path).c_str(),
                     error.c_str());
    else if (!store->signingProblem().empty())
        std::fprintf(stderr, "osctl: the session's audit checkpoints are not signed: %s\n", store->signingProblem().c_str());
    return store;
}

} // namespace

int run(const QStringList &args)
{
    QCommandLineParser p;
    p.setApplicationDescription(QStringLiteral(
        "Launch COMMAND as an agent session under a policy, stream its events (decision-coloured on a terminal),\n"
        "and exit with the agent's exit status. Ctrl-C ends the session cleanly and records it.\n"
        "Exit codes: the agent's status; 125 the session could not start (policy errors, runtime missing);\n"
        "130 interrupted; 2 usage problems."));
    p.addHelpOption();
    p.addOption({QStringLiteral("policy"), QStringLiteral("The policy file."), QStringLiteral("file")});
    p.addOption({QStringLiteral("workspace"), QStringLiteral("Host folder to use as the agent's workspace."), QStringLiteral("dir")});
    p.addOption({QStringLiteral("restore"), QStringLiteral("Start from a snapshot a previous session left."), QStringLiteral("snapshot")});
    addRunOptions(p);
    p.addOption({{QStringLiteral("i"), QStringLiteral("interactive")},
                 QStringLiteral("Forward osctl's standard input to the agent (otherwise the agent reads end of file).")});
    p.addPositionalArgument(QStringLiteral("command"), QStringLiteral("The agent command (default: the policy's agent.command)."),
                            QStringLiteral("-- COMMAND..."));
    if (const int code = parseCommand(p, QStringLiteral("run"), args); code >= 0)
        return code;
    if (!p.isSet(QStringLiteral("policy")))
        return usageError(QStringLiteral("run"), QStringLiteral("--policy FILE is required"));
    osh::runtime::AgentSession::Options o;
    if (!applyRunOptions(p, QStringLiteral("run"), o, osh::runtime::AgentSession::Approvals::Store))
        return Usage;
    o.interactive = p.isSet(QStringLiteral("interactive"));
    const Runtime rt = chooseRuntime(p, QStringLiteral("run"), true);
    if (rt.kind == Runtime::Invalid)
        return kCannotStart;
    if (rt.kind == Runtime::Service) {
        if (p.isSet(QStringLiteral("restore")))
            return usageError(QStringLiteral("run"), QStringLiteral("--restore is not available through openshelld yet; as root, "
                                                                    "OPENSHELL_ENDPOINT=local osctl run --restore ... runs it in-process"));
        o.policyFile = QFileInfo(p.value(QStringLiteral("policy"))).absoluteFilePath();
        o.workspaceDir = p.value(QStringLiteral("workspace"));
        o.command = p.positionalArguments();
        return runThroughService(rt, serviceRequest(p, o), p.isSet(QStringLiteral("quiet")));
    }
    if (!p.isSet(QStringLiteral("quiet")) && !p.isSet(QStringLiteral("store")) && !qEnvironmentVariableIsSet("OPENSHELL_STORE"))
        std::fprintf(stderr, "osctl: no openshelld found; running the session in-process\n");
    const auto loaded = loadPolicy(p.value(QStringLiteral("policy")), QStringLiteral("run"));
    if (!loaded)
        return kCannotStart;
    auto store = openOrCreateStore(p);
    if (!store)
        return kCannotStart;
    o.policyFile = QFileInfo(p.value(QStringLiteral("policy"))).absoluteFilePath();
    o.document = loaded->doc;
    o.policyHash = loaded->hash;
    o.workspaceDir = p.value(QStringLiteral("workspace"));
    o.restoreFrom = p.value(QStringLiteral("restore"));
    o.command = p.positionalArguments();
    o.dataDir = dataDirFor(QString::fromStdString(store->path()));
    o.store = store.get();
    return runSession(std::move(o), p.isSet(QStringLiteral("quiet")));
}

int demo(const QStringList &args)
{
    QCommandLineParser p;
    p.setApplicationDescription(QStringLiteral(
        "Run the customer-support demo end to end: stand-in company services on loopback, the scripted agent\n"
        "in a sandbox under the production policy, then a summary of what was refused, redacted, throttled\n"
        "or escalated. Held emails are approved automatically unless --approvals store is given.\n"
        "Exit codes: 0 the demo ran and every expected enforcement happened; 1 it ran but something expected\n"
        "was missing; 125 it could not start; 2 usage problems."));
    p.addHelpOption();
    p.addOption({QStringLiteral("workspace-template"), QStringLiteral("The demo folder (default: the bundled examples/customer-support)."),
                 QStringLiteral("dir")});
    addRunOptions(p);
    if (const int code = parseCommand(p, QStringLiteral("demo"), args); code >= 0)
        return code;
    osh::runtime::AgentSession::Options o;
    if (!applyRunOptions(p, QStringLiteral("demo"), o, osh::runtime::AgentSession::Approvals::AutoApprove))
        return Usage;
    QString templ = p.value(QStringLiteral("workspace-template"));
    if (templ.isEmpty())
        for (const QString &c : QStringList{QCoreApplication::applicationDirPath() + QStringLiteral("/../share/openshell/examples/customer-support"),
                                            QStringLiteral(OSH_SOURCE_DIR "/examples/customer-support")})
            if (QFileInfo::exists(c + QStringLiteral("/customer-support.policy.yaml"))) {
                templ = QFileInfo(c).canonicalFilePath();
                break;
            }
    if (templ.isEmpty())
        return usageError(QStringLiteral("demo"), QStringLiteral("cannot find the demo folder; pass --workspace-template"));
    const Runtime rt = chooseRuntime(p, QStringLiteral("demo"), true);
    if (rt.kind == Runtime::Invalid)
        return kCannotStart;
    std::unique_ptr<osh::AuditStore> store;
    if (rt.kind == Runtime::Local) {
        store = openOrCreateStore(p);
        if (!store)
            return kCannotStart;
    }
    // The copy belongs to whoever runs osctl (through the service, the
    // service reads it with that user's credentials).
    const QString dataDir = dataDirFor(QString::fromStdString(store ? store->path() : osh::AuditStore::defaultPath()));

    // A fresh copy of the demo folder: certificates and snapshots never land in the template.
    const QString copy = QDir(dataDir).filePath(QStringLiteral("demo/") + QString::number(QDateTime::currentMSecsSinceEpoch()));
    QProcess cp;
    const bool parentOk = QDir().mkpath(QFileInfo(copy).absolutePath());
    if (parentOk)
        cp.start(QStringLiteral("cp"), {QStringLiteral("-r"), templ, copy});
    if (!parentOk || !cp.waitForFinished(30000) || cp.exitStatus() != QProcess::NormalExit || cp.exitCode() != 0) {
        std::fprintf(stderr, "osctl demo: cannot copy %s to %s\n", qPrintable(templ), qPrintable(copy));
        return kCannotStart;
    }
    osh::runtime::WorkspaceServices services;
    QString servicesError;
    if (!services.start(copy, &servicesError, p.isSet(QStringLiteral("quiet")))) {
        std::fprintf(stderr, "osctl demo: %s\n", qPrintable(servicesError));
        return kCannotStart;
    }

    const QString policy = copy + QStringLiteral("/customer-support.policy.yaml");
    QString sessionId;
    int status = kCannotStart;
    if (rt.kind == Runtime::Service) {
        o.policyFile = policy;
        status = runThroughService(rt, serviceRequest(p, o), p.isSet(QStringLiteral("quiet")), &sessionId);
    } else {
        const auto loaded = loadPolicy(policy, QStringLiteral("demo"));
        if (!loaded)
            return kCannotStart;
        o.policyFile = policy;
        o.document = loaded->doc;
        o.policyHash = loaded->hash;
        o.dataDir = dataDir;
        o.store = store.get();
        status = runSession(o, p.isSet(QStringLiteral("quiet")), &sessionId);
    }
    services.stop();
    if (status == kCannotStart)
        return kCannotStart;

    // Summarise from the audit log: what the demo must show.
    struct Seen
    {
        std::string type, decision, message, policy;
    };
    std::vector<Seen> events;
    std::string isolation, exitReason;
    int exitStatus = -1;
    if (store) {
        store->flush();
        std::optional<osh::SessionSummary> last;
        for (const auto &s : store->sessions())
            if (s.session.id == sessionId.toStdString())
                last = s;
        if (!last)
            return Failed;
        isolation = last->session.isolation;
        exitReason = last->session.exitReason;
        exitStatus = last->session.exitStatus.value_or(-1);
        osh::AuditQuery q;
        q.sessionId = last->session.id;
        for (const auto &e : store->query(q))
            events.push_back({e.type, e.decision, e.message, e.policy});
    } else {
        std::string body;
        if (remoteRequest(*rt.endpoint, QStringLiteral("demo"), "GET", "/v1/sessions/" + sessionId.toStdString(), {}, &body) != Ok)
            return Failed;
        const QJsonObject s = QJsonDocument::fromJson(QByteArray::fromStdString(body)).object();
        isolation = s.value(QStringLiteral("isolation")).toString().toStdString();
        exitReason = s.value(QStringLiteral("exit_reason")).toString().toStdString();
        exitStatus = s.value(QStringLiteral("exit_status")).toInt(-1);
        const auto remote = remoteEvents(*rt.endpoint, "session=" + osh::service::ApiClient::encode(sessionId.toStdString()),
                                         QStringLiteral("demo"));
        if (!remote)
            return Failed;
        for (const auto &e : *remote) {
            auto str = [&e](const char *k) { return e.value(QLatin1StringView(k)).toString().toStdString(); };
            events.push_back({str("type"), str("decision"), str("message"), str("policy")});
        }
    }
    auto count = [&](const char *type, const char *decision, const char *needle = nullptr) {
        int n = 0;
        for (const auto &e : events)
            n += e.type == type && e.decision == decision && (!needle || e.message.find(needle) != std::string::npos
                                                                || e.policy.find(needle) != std::string::npos);
        return n;
    };
    struct Check
    {
        const char *what;
        int n;
    };
    const Check checks[] = {
        {"card number in an email blocked (no-cards-in-email)", count("tool_call", "block", "no-cards-in-email")},
        {"ticket payment details redacted on the way back (pii-redact)", count("data_output", "redact")},
        {"emails held for approval (email-approval)", count("tool_call", "escalate")},
        {"egress refused by the network guardian", count("network_egress", "block")},
        {"card number in a URL refused by the network guardian (no-cards-in-urls)",
         count("network_egress", "block", "no-cards-in-urls")},
        {"file operations refused by the controller", count("file_access", "block")},
        {"tool calls blocked by the cost limit (cost-limit)", count("tool_call", "block", "cost-limit")},
        {"responses redacted (response-pii)", count("agent_response", "redact")},
    };
    std::printf("\nDemo session %s (%s isolation): %s, exit status %d\n", qPrintable(sessionId), isolation.c_str(),
                exitReason.c_str(), exitStatus);
    bool all = true;
    for (const auto &c : checks) {
        std::printf("  %s %3d  %s\n", c.n > 0 ? "ok " : "MISSING", c.n, c.what);
        all = all && c.n > 0;
    }
    // The store as a shell word: a connection string holds '&' and '?'.
    QString storeWord = p.value(QStringLiteral("store"));
    if (storeWord.contains(QRegularExpression(QStringLiteral("[^A-Za-z0-9_./:=@,+%-]"))))
        storeWord = QLatin1Char('\'') + storeWord.replace(QLatin1Char('\''), QStringLiteral("'\\''")) + QLatin1Char('\'');
    std::printf("\nEvery event: osctl audit query --session %s%s\n", qPrintable(sessionId),
                p.isSet(QStringLiteral("store")) ? qPrintable(QStringLiteral(" --store ") + storeWord) : "");
    return all ? Ok : Failed;
}

} // namespace osctl
