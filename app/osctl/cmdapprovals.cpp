// osctl approvals: list held escalations and approve or deny them. The
// runtime that holds the action polls the store and sees the verdict.

#include "commands.h"
#include "remote.h"

#include "audit/auditjson.h"
#include "audit/auditstore.h"
#include "audit/audittime.h"

#include <QCommandLineParser>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <cstdint>
#include <cstdio>
#include <cstdlib>

#include <unistd.h>

namespace osctl {

namespace {

const char *const kApprovalsHelp =
    "Usage: osctl approvals list|approve ID|deny ID [OPTIONS]\n"
    "\n"
    "  list                  pending approvals (--all: every status)\n"
    "  approve ID            let the held action go ahead\n"
    "  deny ID               refuse it\n"
    "\n"
    "Run 'osctl approvals SUB-COMMAND --help' for the options.\n"
    "Exit codes: 0 success, 1 the approval does not exist or is not pending, or the store cannot be used,\n"
    "2 usage problems.\n";

int list(const QStringList &args)
{
    const QString cmd = QStringLiteral("approvals list");
    QCommandLineParser p;
    p.setApplicationDescription(QStringLiteral(
        "List pending approvals (held escalations), oldest first.\n"
        "Exit codes: 0 success, 1 the store cannot be opened or read, 2 usage problems."));
    p.addHelpOption();
    p.addOption({QStringLiteral("all"), QStringLiteral("Also approved, denied and expired ones.")});
    QString format;
    if (const int code = parseListing(p, cmd, args, format); code >= 0)
        return code;
    const Runtime rt = chooseRuntime(p, cmd, false);
    if (rt.kind == Runtime::Invalid)
        return Usage;
    if (rt.kind == Runtime::Service) {
        std::string body;
        if (const int code = remoteRequest(*rt.endpoint, cmd, "GET",
                                           p.isSet(QStringLiteral("all")) ? "/v1/approvals?status=all" : "/v1/approvals", {}, &body);
            code != Ok)
            return code;
        const QJsonArray items = QJsonDocument::fromJson(QByteArray::fromStdString(body)).object().value(QStringLiteral("approvals")).toArray();
        if (format == QLatin1StringView("jsonl")) {
            for (const auto &a : items)
                std::printf("%s\n", QJsonDocument(a.toObject()).toJson(QJsonDocument::Compact).constData());
            return Ok;
        }
        std::vector<std::vector<std::string>> rows{
            {"ID", "CREATED", "SESSION", "SEQ", "QUEUE", "TOOL", "POLICY", "STATUS", "MESSAGE"}};
        for (const auto &v : items) {
            const QJsonObject a = v.toObject();
            auto str = [&a](const char *k) {
                const std::string s = a.value(QLatin1StringView(k)).toVariant().toString().toStdString();
                return s.empty() ? std::string("-") : s;
            };
            rows.push_back({str("id"), str("created"), str("session_id"), str("seq"), str("queue"), str("tool"), str("policy"),
                            str("status"), str("message")});
        }
        printTable(rows);
        return Ok;
    }

    const auto store = openStore(p, cmd);
    if (!store)
        return Failed;
    std::string error;
    const auto items = p.isSet(QStringLiteral("all")) ? store->approvals(&error) : store->pendingApprovals(&error);
    if (!error.empty())
        return failure(cmd, "reading " + store->path() + ": " + error);
    if (format == QLatin1StringView("jsonl")) {
        std::string out;
        for (const auto &a : items) {
            osh::audit::appendApprovalJson(out, a);
            out += '\n';
        }
        std::fwrite(out.data(), 1, out.size(), stdout);
        return Ok;
    }
    std::vector<std::vector<std::string>> rows{
        {"ID", "CREATED", "SESSION", "SEQ", "QUEUE", "TOOL", "POLICY", "STATUS", "MESSAGE"}};
    for (const auto &a : items)
        rows.push_back({std::to_string(a.id), osh::audit::formatIsoUtc(a.createdAt), a.sessionId,
                        std::to_string(a.seq), a.queue.empty() ? "-" : a.queue, a.tool.empty() ? "-" : a.tool,
                        a.policy.empty() ? "-" : a.policy, std::string(osh::approvalStatusName(a.status)), a.message});
    printTable(rows);
    return Ok;
}

int resolve(const QString &sub, const QStringList &args)
{
    const bool approve = sub == QLatin1StringView("approve");
    const QString cmd = QStringLiteral("approvals ") + sub;
    QCommandLineParser p;
    p.setApplicationDescription(
        (approve ? QStringLiteral("Approve a pending approval: the held action goes ahead.\n")
                 : QStringLiteral("Deny a pending approval: the held action is refused.\n"))
        + QStringLiteral("Exit codes: 0 done, 1 the approval does not exist or is not pending (or the store cannot "
                         "be used),\n2 usage problems."));
    p.addHelpOption();
    p.addPositionalArgument(QStringLiteral("ID"), QStringLiteral("The approval's id (osctl approvals list)."));
    p.addOption({QStringLiteral("note"), QStringLiteral("Why; stored with the verdict."), QStringLiteral("text")});
    p.addOption({QStringLiteral("resolver"), QStringLiteral("Who decides (default: $USER). The uid of the osctl process is stored with "
                                                         "the verdict too."),
                 QStringLiteral("name")});
    addStoreOption(p);
    if (const int code = parseCommand(p, cmd, args); code >= 0)
        return code;
    if (p.positionalArguments().size() != 1)
        return usageError(cmd, p.positionalArguments().isEmpty() ? QStringLiteral("missing approval ID")
                                                                 : QStringLiteral("expected one approval ID"));
    bool ok = false;
    const qlonglong id = p.positionalArguments().first().toLongLong(&ok);
    if (!ok || id <= 0)
        return usageError(cmd, QStringLiteral("invalid approval ID '%1'").arg(p.positionalArguments().first()));
    std::string resolver = p.value(QStringLiteral("resolver")).toStdString();
    if (resolver.empty()) {
        const char *user = std::getenv("USER");
        resolver = user && *user ? user : "osctl";
    }

    const Runtime rt = chooseRuntime(p, cmd, false);
    if (rt.kind == Runtime::Invalid)
        return Usage;
    if (rt.kind == Runtime::Service) {
        // The service records who decided (the caller's uid); --resolver is for in-process use.
        QJsonObject body;
        if (p.isSet(QStringLiteral("note")))
            body.insert(QStringLiteral("note"), p.value(QStringLiteral("note")));
        if (const int code = remoteRequest(*rt.endpoint, cmd, "POST",
                                           "/v1/approvals/" + std::to_string(id) + (approve ? "/approve" : "/deny"), body);
            code != Ok)
            return code;
        std::printf("approval %lld %s\n", id, approve ? "approved" : "denied");
        return Ok;
    }
    const auto store = openStore(p, cmd);
    if (!store)
        return Failed;
    std::string error;
    // The uid is this process's, whatever --resolver claims.
    if (store->resolveApproval(id, approve, p.value(QStringLiteral("note")).toStdString(), resolver,
                               static_cast<std::uint32_t>(getuid()), &error)) {
        std::printf("approval %lld %s\n", id, approve ? "approved" : "denied");
        return Ok;
    }
    if (!error.empty()) {
        std::fprintf(stderr, "osctl %s: %s: %s\n", qPrintable(cmd), store->path().c_str(), error.c_str());
        return Failed;
    }
    // Not resolved: say why, from what is stored now.
    const auto current = store->approval(id, &error);
    if (!current)
        std::fprintf(stderr, "osctl %s: no approval with id %lld\n", qPrintable(cmd), id);
    else
        std::fprintf(stderr, "osctl %s: approval %lld is %s, not pending\n", qPrintable(cmd), id,
                     std::string(osh::approvalStatusName(current->status)).c_str());
    return Failed;
}

} // namespace

int approvals(const QStringList &args)
{
    if (args.isEmpty())
        return usageError(QStringLiteral("approvals"), QStringLiteral("missing sub-command (list, approve, deny)"));
    const QString sub = args.first();
    if (sub == QLatin1StringView("--help") || sub == QLatin1StringView("-h")) {
        std::fputs(kApprovalsHelp, stdout);
        return Ok;
    }
    if (sub == QLatin1StringView("list"))
        return list(args.mid(1));
    if (sub == QLatin1StringView("approve") || sub == QLatin1StringView("deny"))
        return resolve(sub, args.mid(1));
    return usageError(QStringLiteral("approvals"),
                      QStringLiteral("unknown sub-command '%1' (expected list, approve or deny)").arg(sub));
}

} // namespace osctl
