// osctl sessions: the sessions in the audit store, with their event counts.

#include "commands.h"
#include "remote.h"

#include "audit/auditjson.h"
#include "audit/auditstore.h"
#include "audit/audittime.h"

#include <QCommandLineParser>
#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>
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

// A session as the service lists it (the jsonl form) back in store terms.
osh::SessionSummary fromJson(const QJsonObject &o)
{
    auto str = [&o](const char *k) { return o.value(QLatin1StringView(k)).toString().toStdString(); };
    auto time = [&o](const char *k) -> std::optional<double> {
        const QDateTime t = QDateTime::fromString(o.value(QLatin1StringView(k)).toString(), Qt::ISODateWithMs);
        return t.isValid() ? std::optional<double>(static_cast<double>(t.toMSecsSinceEpoch()) / 1000.0) : std::nullopt;
    };
    osh::SessionSummary s;
    auto &r = s.session;
    r.id = str("id");
    r.startedAt = time("start").value_or(0);
    r.endedAt = time("end");
    r.policyFile = str("policy");
    r.policyHash = str("policy_hash");
    r.isolation = str("isolation");
    if (o.value(QStringLiteral("owner_uid")).isDouble())
        r.ownerUid = static_cast<std::uint32_t>(o.value(QStringLiteral("owner_uid")).toInteger());
    r.host = str("host");
    if (o.value(QStringLiteral("exit_status")).isDouble())
        r.exitStatus = o.value(QStringLiteral("exit_status")).toInt();
    r.exitReason = str("exit_reason");
    const QJsonObject events = o.value(QStringLiteral("events")).toObject();
    s.events = events.value(QStringLiteral("total")).toInteger();
    for (auto it = events.begin(); it != events.end(); ++it)
        if (it.key() != QLatin1StringView("total"))
            s.byDecision[it.key().toStdString()] = it.value().toInteger();
    return s;
}

} // namespace

int sessions(const QStringList &args)
{
    const QString cmd = QStringLiteral("sessions");
    QCommandLineParser p;
    p.setApplicationDescription(QStringLiteral(
        "List the sessions in the audit store, oldest first: id, start, end, policy file and hash, isolation,\n"
        "owner uid (sessions run by a service for a user), the host that ran it (a store shared by several hosts),\n"
        "exit status and reason, and event counts by decision.\n"
        "Exit codes: 0 success, 1 the store cannot be opened or read, 2 usage problems."));
    p.addHelpOption();
    QString format;
    if (const int code = parseListing(p, cmd, args, format); code >= 0)
        return code;

    std::vector<osh::SessionSummary> list;
    const Runtime rt = chooseRuntime(p, cmd, false);
    if (rt.kind == Runtime::Invalid)
        return Usage;
    if (rt.kind == Runtime::Service) {
        // What the service recorded: every session for auditors, one's own otherwise.
        std::string body;
        if (const int code = remoteRequest(*rt.endpoint, cmd, "GET", "/v1/audit/sessions", {}, &body); code != Ok)
            return code;
        const QJsonArray items = QJsonDocument::fromJson(QByteArray::fromStdString(body)).object().value(QStringLiteral("sessions")).toArray();
        if (format == QLatin1StringView("jsonl")) {
            for (const auto &v : items)
                std::printf("%s\n", QJsonDocument(v.toObject()).toJson(QJsonDocument::Compact).constData());
            return Ok;
        }
        for (const auto &v : items)
            list.push_back(fromJson(v.toObject()));
    } else {
        const auto store = openStore(p, cmd);
        if (!store)
            return Failed;
        std::string error;
        list = store->sessions(&error);
        if (!error.empty())
            return failure(cmd, "reading " + store->path() + ": " + error);
    }

    if (format == QLatin1StringView("jsonl")) {
        std::string out;
        for (const auto &s : list) {
            osh::audit::appendSessionJson(out, s);
            out += '\n';
        }
        std::fwrite(out.data(), 1, out.size(), stdout);
        return Ok;
    }
    // A HOST column only for a store several hosts share.
    const bool hosts = std::any_of(list.begin(), list.end(), [](const auto &s) { return !s.session.host.empty(); });
    std::vector<std::vector<std::string>> rows{
        {"ID", "START", "END", "POLICY", "HASH", "ISOLATION", "OWNER", "EXIT", "REASON", "EVENTS"}};
    if (hosts)
        rows[0].insert(rows[0].begin() + 1, "HOST");
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
        if (hosts)
            rows.back().insert(rows.back().begin() + 1, r.host.empty() ? "-" : r.host);
    }
    printTable(rows);
    return Ok;
}

} // namespace osctl
