// osctl sessions: the sessions in the audit store, with their event counts.

#include "commands.h"

#include "audit/auditjson.h"
#include "audit/auditstore.h"
#include "audit/audittime.h"

#include <QCommandLineParser>

#include <cstdio>

namespace osctl {

namespace {

// "120 (block 3, escalate 1)": the total, then every decision that stops or
// changes an action; allow/log/none are what is left of the total.
std::string eventSummary(const osh::SessionSummary &s)
{
    std::string out = std::to_string(s.events);
    std::string detail;
    for (const char *d : {"block", "escalate", "redact", "throttle"}) {
        if (const auto n = s.count(d)) {
            detail += detail.empty() ? "" : ", ";
            detail += std::string(d) + ' ' + std::to_string(n);
        }
    }
    if (!detail.empty())
        out += " (" + detail + ')';
    return out;
}

} // namespace

int sessions(const QStringList &args)
{
    const QString cmd = QStringLiteral("sessions");
    QCommandLineParser p;
    p.setApplicationDescription(QStringLiteral(
        "List the sessions in the audit store, oldest first: id, start, end, policy file and hash, isolation,\n"
        "owner uid (sessions run by a service for a user), exit status and reason, and event counts by decision.\n"
        "Exit codes: 0 success, 1 the store cannot be opened or read, 2 usage problems."));
    p.addHelpOption();
    QString format;
    if (const int code = parseListing(p, cmd, args, format); code >= 0)
        return code;

    const auto store = openStore(p, cmd);
    if (!store)
        return Failed;
    std::string error;
    const auto list = store->sessions(&error);
    if (!error.empty())
        return failure(cmd, "reading " + store->path() + ": " + error);

    if (format == QLatin1StringView("jsonl")) {
        std::string out;
        for (const auto &s : list) {
            osh::audit::appendSessionJson(out, s);
            out += '\n';
        }
        std::fwrite(out.data(), 1, out.size(), stdout);
        return Ok;
    }
    std::vector<std::vector<std::string>> rows{
        {"ID", "START", "END", "POLICY", "HASH", "ISOLATION", "OWNER", "EXIT", "REASON", "EVENTS"}};
    for (const auto &s : list) {
        const auto &r = s.session;
        rows.push_back({r.id, r.startedAt != 0 ? osh::audit::formatIsoUtc(r.startedAt) : "-",
                        r.endedAt ? osh::audit::formatIsoUtc(*r.endedAt) : "-",
                        r.policyFile.empty() ? "-" : r.policyFile,
                        r.policyHash.empty() ? "-" : r.policyHash.substr(0, 12),
                        r.isolation.empty() ? "-" : r.isolation,
                        r.ownerUid ? std::to_string(*r.ownerUid) : "-",
                        r.exitStatus ? std::to_string(*r.exitStatus) : "-",
                        r.exitReason.empty() ? (r.endedAt ? "-" : "running") : r.exitReason, eventSummary(s)});
    }
    printTable(rows);
    return Ok;
}

} // namespace osctl
