// osctl audit query: read the audit store; osctl audit verify: check its hash
// chains; osctl audit forwarders: the service's forwarding and its lag.

#include "commands.h"
#include "remote.h"

#include "audit/auditchain.h"
#include "audit/auditcheckpoint.h"
#include "audit/auditcopy.h"
#include "audit/auditjson.h"
#include "audit/auditstore.h"
#include "audit/audittime.h"
#include "audit/ocsf.h"
#include "util/strings.h"

#include <QCommandLineParser>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>
#include <cstdio>
#include <map>
#include <optional>
#include <set>

namespace osctl {

namespace {

const char *const kAuditHelp =
    "Usage: osctl audit query [OPTIONS]\n"
    "       osctl audit verify [--session ID] [--key KEY|FILE] [--copy FILE]... [--store FILE|URL]\n"
    "       osctl audit forwarders [--format table|json]\n"
    "\n"
    "query reads the audit store; run 'osctl audit query --help' for the filters and formats.\n"
    "verify checks each session's hash chain and names the first event that was altered, removed or\n"
    "reordered.\n"
    "forwarders shows where openshelld forwards events (--forward), how far each destination is behind\n"
    "and why delivery last failed.\n"
    "Exit codes: 0 success (verify: every chain intact), 1 the store cannot be read (verify: or a chain is\n"
    "broken), 2 usage problems.\n";

const std::vector<std::string_view> kTypes = {"tool_call", "data_output", "agent_response", "network_egress",
                                              "file_access", "reasoning", "usage", "sandbox", "approval", "session"};
const std::vector<std::string_view> kSeverities = {"debug", "info", "warning", "critical"};
const std::vector<std::string_view> kDecisions = {"allow", "log", "block", "redact", "throttle", "escalate", "none"};

// Splits a comma-separated option value (repeatable) and checks each item.
bool listOption(const QCommandLineParser &p, const QString &name, const std::vector<std::string_view> &allowed,
                std::vector<std::string> &out, QString &error)
{
    for (const QString &value : p.values(name)) {
        for (const QString &part : value.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
            const std::string item = part.trimmed().toStdString();
            if (std::find(allowed.begin(), allowed.end(), item) == allowed.end()) {
                error = QStringLiteral("invalid --%1 '%2'").arg(name, QString::fromStdString(item));
                const std::string near = osh::closestMatch(item, allowed);
                if (!near.empty())
                    error += QStringLiteral("; did you mean '%1'?").arg(QString::fromStdString(near));
                std::string all;
                for (auto a : allowed)
                    all += (all.empty() ? "" : ", ") + std::string(a);
                error += QStringLiteral(" (expected one of: %1)").arg(QString::fromStdString(all));
                return false;
            }
            out.push_back(item);
        }
    }
    return true;
}

std::string orDash(const std::string &s)
{
    return s.empty() ? std::string("-") : s;
}

// The same query through openshelld: page by page (10,000 events a page),
// the same formats.
int queryService(const osh::service::Endpoint &endpoint, const QString &cmd, const osh::AuditQuery &q, const QString &format,
                 bool paging)
{
    using osh::service::ApiClient;
    auto list = [](const std::vector<std::string> &items) {
        std::string s;
        for (const auto &i : items)
            s += (s.empty() ? "" : ",") + i;
        return s;
    };
    std::string base = "format=" + std::string(format == QLatin1StringView("table") ? "json" : format.toStdString());
    if (q.since)
        base += "&since=" + ApiClient::encode(osh::audit::formatIsoUtc(*q.since));
    if (!q.sessionId.empty())
        base += "&session=" + ApiClient::encode(q.sessionId);
    if (!q.tool.empty())
        base += "&tool=" + ApiClient::encode(q.tool);
    if (!q.types.empty())
        base += "&type=" + ApiClient::encode(list(q.types));
    if (!q.severities.empty())
        base += "&severity=" + ApiClient::encode(list(q.severities));
    if (!q.decisions.empty())
        base += "&decision=" + ApiClient::encode(list(q.decisions));
    ApiClient client(endpoint);
    std::string after = q.after;
    std::int64_t left = q.limit > 0 ? q.limit : -1;
    std::vector<std::vector<std::string>> rows{
        {"TIME", "SESSION", "SEQ", "TYPE", "TOOL", "DECISION", "LAYER", "POLICY", "SEVERITY", "MESSAGE"}};
    std::string lastCursor;
    for (;;) {
        const std::int64_t page = left < 0 ? 10000 : std::min<std::int64_t>(left, 10000);
        const auto r = client.request("GET", "/v1/audit/events?" + base + "&limit=" + std::to_string(page)
                                                 + (after.empty() ? std::string() : "&after=" + ApiClient::encode(after)));
        if (!r.ok())
            return failure(cmd, r.message());
        std::string next;
        std::int64_t got = 0;
        if (format == QLatin1StringView("table")) {
            const QJsonObject o = QJsonDocument::fromJson(QByteArray::fromStdString(r.body)).object();
            for (const auto &v : o.value(QStringLiteral("events")).toArray()) {
                const QJsonObject e = v.toObject();
                auto str = [&e](const char *k) { return orDash(e.value(QLatin1StringView(k)).toString().toStdString()); };
                rows.push_back({str("ts"), str("session_id"), std::to_string(e.value(QStringLiteral("seq")).toInteger()), str("type"),
                                str("tool"), str("decision"), str("layer"), str("policy"), str("severity"),
                                e.value(QStringLiteral("message")).toString().toStdString()});
                ++got;
            }
            next = o.value(QStringLiteral("next")).toString().toStdString();
        } else {
            std::fwrite(r.body.data(), 1, r.body.size(), stdout);
            got = static_cast<std::int64_t>(std::count(r.body.begin(), r.body.end(), '\n'));
            const auto h = r.headers.find("openshell-next-cursor");
            next = h == r.headers.end() ? std::string() : h->second;
        }
        if (!next.empty())
            lastCursor = next;
        if (left > 0)
            left -= got;
        if (next.empty() || left == 0 || got == 0)
            break;
        after = next;
    }
    if (format == QLatin1StringView("table")) {
        const bool colour = useColour();
        printTable(rows, [&](std::size_t r, std::size_t c) -> const char * {
            return colour && r > 0 && c == 5 ? decisionColour(rows[r][c]) : nullptr;
        });
    }
    std::fflush(stdout);
    if (paging && !lastCursor.empty())
        std::fprintf(stderr, "next cursor: %s\n", lastCursor.c_str());
    return Ok;
}

// osctl audit verify: reads the store file only (no migration, no service).
int verify(const QStringList &args)
{
    const QString cmd = QStringLiteral("audit verify");
    QCommandLineParser p;
    p.setApplicationDescription(QStringLiteral(
        "Check the hash chain of every session in the audit store (or of one): each event's chain value must be\n"
        "the SHA-256 of the one before it and of the event's content. Then the signed checkpoints the service\n"
        "writes of each session's head: each must verify, its event must be stored with the signed chain value\n"
        "(a chain recomputed after an edit, or a session's last events removed, show there). Prints one line per\n"
        "session and, for a broken one, the first event that does not match: altered, removed or moved.\n"
        "With --key, checkpoints must be signed by that key (the service's <store folder>/audit-signing.key.pub),\n"
        "and a session without one is broken; without it, each checkpoint is checked against the key it names.\n"
        "With --copy, the store must still hold every event of a copy kept elsewhere (what a SIEM received from\n"
        "openshelld --forward, or an earlier osctl audit query --format jsonl|ocsf) with the same chain value:\n"
        "what was removed or rewritten after it left shows even when the store's own chain was recomputed.\n"
        "Exit codes: 0 every chain intact, 1 a chain is broken or the store cannot be read, 2 usage problems."));
    p.addHelpOption();
    p.addOption({QStringLiteral("session"), QStringLiteral("Only this session."), QStringLiteral("id")});
    p.addOption({QStringLiteral("key"),
                 QStringLiteral("The checkpoints' signer: an Ed25519 public key in 64 hex digits, or a file holding one."),
                 QStringLiteral("key|file")});
    p.addOption({QStringLiteral("copy"),
                 QStringLiteral("A copy of the events to compare with: JSON lines of events or OCSF objects, JSON arrays "
                                "of them, or syslog lines from openshelld --forward. Repeatable."),
                 QStringLiteral("file")});
    addStoreOption(p);
    if (const int code = parseCommand(p, cmd, args); code >= 0)
        return code;
    if (!p.positionalArguments().isEmpty())
        return usageError(cmd, QStringLiteral("unexpected argument '%1'").arg(p.positionalArguments().first()));
    osh::audit::VerifyOptions options;
    options.sessionId = p.value(QStringLiteral("session")).toStdString();
    std::string error;
    if (p.isSet(QStringLiteral("key")) && !osh::audit::readPublicKey(p.value(QStringLiteral("key")).toStdString(), options.key, error))
        return usageError(cmd, QStringLiteral("--key ") + QString::fromStdString(error));
    const std::string path = storePath(p);
    std::vector<osh::audit::ChainReport> reports;
    if (!osh::audit::verifyChains(path, options, reports, error))
        return failure(cmd, osh::AuditStore::displayName(path) + ": " + error);
    osh::audit::CopySummary copy;
    const QStringList copyFiles = p.values(QStringLiteral("copy"));
    if (!copyFiles.isEmpty()) {
        std::vector<std::string> files;
        for (const QString &f : copyFiles)
            files.push_back(f.toStdString());
        if (!osh::audit::compareWithCopies(path, files, options.sessionId, copy, error))
            return failure(cmd, error);
        // The copy's findings join the sessions' reports: the first problem
        // in a session is the one shown, by seq.
        for (const auto &f : copy.findings) {
            auto it = std::find_if(reports.begin(), reports.end(), [&](const auto &r) { return r.sessionId == f.sessionId; });
            if (it == reports.end()) {
                reports.push_back({});
                it = std::prev(reports.end());
                it->sessionId = f.sessionId;
            }
            if (!it->broken || f.seq < it->brokenSeq) {
                it->broken = true;
                it->brokenSeq = f.seq;
                it->problem = f.problem;
            }
        }
    }
    std::vector<std::vector<std::string>> rows{{"SESSION", "EVENTS", "SIGNED", "CHAIN"}};
    int broken = 0;
    std::set<std::string> signers;
    for (const auto &r : reports) {
        std::string status;
        if (r.broken) {
            ++broken;
            status = "BROKEN at seq " + std::to_string(r.brokenSeq) + ": " + r.problem;
        } else {
            status = "intact";
            if (r.unchained > 0)
                status += " (" + std::to_string(r.unchained) + " earlier event(s) recorded before chaining, not checked)";
        }
        std::string signedTo = "-";
        if (r.checkpoints > 0) {
            signers.insert(r.signer);
            signedTo = r.signedSeq > 0 ? "to seq " + std::to_string(r.signedSeq) : std::string("none");
            if (r.unsignedEvents > 0)
                signedTo += " (+" + std::to_string(r.unsignedEvents) + " unsigned)";
        }
        rows.push_back({r.sessionId, std::to_string(r.events), signedTo, status});
    }
    printTable(rows, [](std::size_t, std::size_t) -> const char * { return nullptr; });
    if (!options.key.empty())
        std::fprintf(stderr, "osctl audit verify: checkpoints checked against key %s\n", options.key.c_str());
    else if (!signers.empty())
        std::fprintf(stderr,
                     "osctl audit verify: checkpoints checked against the key each names (%s...%s); pass --key to "
                     "require the service's\n",
                     signers.begin()->substr(0, 16).c_str(), signers.size() > 1 ? " and others" : "");
    if (!copyFiles.isEmpty())
        std::fprintf(stderr,
                     "osctl audit verify: %lld event(s) of the copy compared, %lld stored as forwarded%s%s\n",
                     static_cast<long long>(copy.events - copy.unchained), static_cast<long long>(copy.matched),
                     copy.unchained > 0 ? (", " + std::to_string(copy.unchained) + " without a chain value not checked").c_str() : "",
                     copy.skipped > 0 ? (", " + std::to_string(copy.skipped) + " line(s) without an event skipped").c_str() : "");
    if (broken > 0) {
        std::fprintf(stderr, "osctl audit verify: %d of %zu session(s) have a broken hash chain\n", broken,
                     reports.size());
        return Failed;
    }
    return Ok;
}

} // namespace

// osctl audit forwarders: the service's destinations, one a line.
int forwarders(const QStringList &args)
{
    const QString cmd = QStringLiteral("audit forwarders");
    QCommandLineParser p;
    p.setApplicationDescription(QStringLiteral(
        "Where openshelld forwards committed audit events (openshelld --forward) and how far each\n"
        "destination is behind: DELIVERED since the service started, PENDING events not yet acknowledged,\n"
        "LAG the age of the oldest of them, and the last error while delivery fails.\n"
        "Exit codes: 0 success, 1 the service cannot be asked, 2 usage problems."));
    p.addHelpOption();
    p.addOption({QStringLiteral("format"), QStringLiteral("table (default) or json."), QStringLiteral("format"),
                 QStringLiteral("table")});
    if (const int code = parseCommand(p, cmd, args); code >= 0)
        return code;
    if (!p.positionalArguments().isEmpty())
        return usageError(cmd, QStringLiteral("unexpected argument '%1'").arg(p.positionalArguments().first()));
    const QString format = p.value(QStringLiteral("format"));
    if (format != QLatin1StringView("table") && format != QLatin1StringView("json"))
        return usageError(cmd, QStringLiteral("--format must be table or json, not '%1'").arg(format));
    std::string error;
    const auto endpoint = osh::service::Endpoint::fromEnvironment(&error);
    if (!endpoint) {
        std::fprintf(stderr, "osctl %s: %s\n", qPrintable(cmd),
                     error.empty() ? "forwarding is done by openshelld, and none is reachable (no "
                                     "/run/openshell/api.sock, OPENSHELL_ENDPOINT not set)"
                                   : ("OPENSHELL_ENDPOINT: " + error).c_str());
        return Failed;
    }
    std::string body;
    if (const int rc = remoteRequest(*endpoint, cmd, "GET", "/v1/audit/forwarders", {}, &body); rc != Ok)
        return rc;
    const QJsonArray list =
        QJsonDocument::fromJson(QByteArray::fromStdString(body)).object().value(QStringLiteral("forwarders")).toArray();
    if (format == QLatin1StringView("json")) {
        std::printf("%s\n", QJsonDocument(list).toJson(QJsonDocument::Compact).constData());
        return Ok;
    }
    if (list.isEmpty()) {
        std::printf("openshelld forwards no events (start it with --forward URL)\n");
        return Ok;
    }
    int width = 11;
    for (const auto &v : list)
        width = std::max(width, static_cast<int>(v.toObject().value(QStringLiteral("destination")).toString().toUtf8().size()));
    std::printf("%-*s %-10s %10s %8s %8s  %s\n", width, "DESTINATION", "STATE", "DELIVERED", "PENDING", "LAG", "LAST ERROR");
    for (const auto &v : list) {
        const QJsonObject o = v.toObject();
        const double lag = o.value(QStringLiteral("lag_seconds")).toDouble();
        char lagText[32];
        std::snprintf(lagText, sizeof lagText, lag < 10 ? "%.2fs" : "%.0fs", lag);
        std::printf("%-*s %-10s %10lld %8lld %8s  %s\n", width, qPrintable(o.value(QStringLiteral("destination")).toString()),
                    qPrintable(o.value(QStringLiteral("state")).toString()),
                    static_cast<long long>(o.value(QStringLiteral("delivered")).toDouble()),
                    static_cast<long long>(o.value(QStringLiteral("pending")).toDouble()), lagText,
                    qPrintable(o.value(QStringLiteral("last_error")).toString()));
    }
    return Ok;
}

int audit(const QStringList &args)
{
    if (args.isEmpty())
        return usageError(QStringLiteral("audit"), QStringLiteral("missing sub-command (query, verify or forwarders)"));
    const QString sub = args.first();
    if (sub == QLatin1StringView("--help") || sub == QLatin1StringView("-h")) {
        std::fputs(kAuditHelp, stdout);
        return Ok;
    }
    if (sub == QLatin1StringView("verify"))
        return verify(args.mid(1));
    if (sub == QLatin1StringView("forwarders"))
        return forwarders(args.mid(1));
    if (sub != QLatin1StringView("query"))
        return usageError(QStringLiteral("audit"),
                          QStringLiteral("unknown sub-command '%1' (expected: query, verify or forwarders)").arg(sub));

    const QString cmd = QStringLiteral("audit query");
    QCommandLineParser p;
    p.setApplicationDescription(QStringLiteral(
        "Print audited events, ordered by time then seq. Filters combine with AND; a comma-separated list\n"
        "matches any of its values. Page through a large result with --limit N, then --after the cursor\n"
        "printed on stderr, until no cursor is printed.\n"
        "Exit codes: 0 success (also when nothing matches), 1 the store cannot be opened or read,\n"
        "2 usage problems."));
    p.addHelpOption();
    p.addOption({QStringLiteral("since"),
                 QStringLiteral("Events at or after this time: a duration back from now (90s, 30m, 1h, 2d, 1w) or an "
                                "ISO-8601 date or date-time (UTC unless it has an offset)."),
                 QStringLiteral("time")});
    p.addOption({QStringLiteral("session"), QStringLiteral("Only this session's events."), QStringLiteral("id")});
    p.addOption({QStringLiteral("type"),
                 QStringLiteral("Event types: tool_call, data_output, agent_response, network_egress, file_access, "
                                "reasoning, usage, sandbox, approval, session."),
                 QStringLiteral("type,...")});
    p.addOption({QStringLiteral("severity"), QStringLiteral("Severities: debug, info, warning, critical."),
                 QStringLiteral("severity,...")});
    p.addOption({QStringLiteral("decision"),
                 QStringLiteral("Decisions: allow, log, block, redact, throttle, escalate; none = events without one."),
                 QStringLiteral("decision,...")});
    p.addOption({QStringLiteral("tool"), QStringLiteral("Only events of this tool."), QStringLiteral("name")});
    p.addOption({QStringLiteral("limit"), QStringLiteral("At most N events (the first N in order)."), QStringLiteral("n")});
    p.addOption({QStringLiteral("after"),
                 QStringLiteral("Only events after this cursor, for paging. With --limit or --after, the cursor of the "
                                "last event printed goes to stderr as 'next cursor: CURSOR'; none is printed when "
                                "nothing matched."),
                 QStringLiteral("cursor")});
    p.addOption({QStringLiteral("format"), QStringLiteral("table (default), jsonl, or ocsf (one OCSF JSON event a line)."),
                 QStringLiteral("format"), QStringLiteral("table")});
    addStoreOption(p);
    if (const int code = parseCommand(p, cmd, args.mid(1)); code >= 0)
        return code;
    if (!p.positionalArguments().isEmpty())
        return usageError(cmd, QStringLiteral("unexpected argument '%1'").arg(p.positionalArguments().first()));

    osh::AuditQuery q;
    QString error;
    if (!listOption(p, QStringLiteral("type"), kTypes, q.types, error)
        || !listOption(p, QStringLiteral("severity"), kSeverities, q.severities, error)
        || !listOption(p, QStringLiteral("decision"), kDecisions, q.decisions, error))
        return usageError(cmd, error);
    if (p.isSet(QStringLiteral("since"))) {
        std::string why;
        const auto since = osh::audit::parseSince(p.value(QStringLiteral("since")).toStdString(),
                                                  osh::AuditStore::now(), why);
        if (!since)
            return usageError(cmd, QStringLiteral("--since: ") + QString::fromStdString(why));
        q.since = since;
    }
    q.sessionId = p.value(QStringLiteral("session")).toStdString();
    q.tool = p.value(QStringLiteral("tool")).toStdString();
    if (p.isSet(QStringLiteral("limit"))) {
        bool ok = false;
        q.limit = p.value(QStringLiteral("limit")).toLongLong(&ok);
        if (!ok || q.limit <= 0)
            return usageError(cmd, QStringLiteral("--limit expects a positive number"));
    }
    const bool paging = p.isSet(QStringLiteral("limit")) || p.isSet(QStringLiteral("after"));
    if (p.isSet(QStringLiteral("after"))) {
        q.after = p.value(QStringLiteral("after")).toStdString();
        if (!osh::AuditCursor::parse(q.after))
            return usageError(cmd, QStringLiteral("--after expects a cursor printed by an earlier query ('%1' is not one)")
                                       .arg(QString::fromStdString(q.after)));
    }
    const QString format = p.value(QStringLiteral("format"));
    if (format != QLatin1StringView("table") && format != QLatin1StringView("jsonl") && format != QLatin1StringView("ocsf"))
        return usageError(cmd, QStringLiteral("invalid --format '%1' (expected table, jsonl or ocsf)").arg(format));

    const Runtime rt = chooseRuntime(p, cmd, false);
    if (rt.kind == Runtime::Invalid)
        return Usage;
    if (rt.kind == Runtime::Service)
        return queryService(*rt.endpoint, cmd, q, format, paging);

    const auto store = openStore(p, cmd);
    if (!store)
        return Failed;

    std::string readError;
    bool ok;
    std::optional<osh::AuditCursor> last;
    if (format == QLatin1StringView("table")) {
        std::vector<std::vector<std::string>> rows{
            {"TIME", "SESSION", "SEQ", "TYPE", "TOOL", "DECISION", "LAYER", "POLICY", "SEVERITY", "MESSAGE"}};
        ok = store->query(
            q,
            [&](const osh::AuditEvent &e) {
                rows.push_back({osh::audit::formatIsoUtc(e.ts), e.sessionId, std::to_string(e.seq), e.type,
                                orDash(e.tool), orDash(e.decision), orDash(e.layer), orDash(e.policy), e.severity,
                                e.message});
                last = osh::AuditCursor::of(e);
                return true;
            },
            readError);
        const bool colour = useColour();
        printTable(rows, [&](std::size_t r, std::size_t c) -> const char * {
            return colour && r > 0 && c == 5 ? decisionColour(rows[r][c]) : nullptr;
        });
    } else {
        const bool ocsf = format == QLatin1StringView("ocsf");
        // policy.version: the commit each session's policy came from.
        std::map<std::string, osh::audit::OcsfContext> contexts;
        if (ocsf)
            for (const auto &s : store->sessions())
                contexts[s.session.id].policyCommit = s.session.policyCommit;
        std::string out;
        ok = store->query(
            q,
            [&](const osh::AuditEvent &e) {
                if (ocsf) {
                    const auto it = contexts.find(e.sessionId);
                    osh::audit::appendOcsfLines(out, e, it == contexts.end() ? osh::audit::OcsfContext {} : it->second);
                } else {
                    osh::audit::appendEventJson(out, e);
                    out += '\n';
                }
                if (out.size() > (1u << 16)) {
                    std::fwrite(out.data(), 1, out.size(), stdout);
                    out.clear();
                }
                last = osh::AuditCursor::of(e);
                return true;
            },
            readError);
        std::fwrite(out.data(), 1, out.size(), stdout);
        std::fflush(stdout);
    }
    if (!ok)
        return failure(cmd, "reading " + store->path() + ": " + readError);
    // On stderr, so the events on stdout stay one format.
    if (paging && last)
        std::fprintf(stderr, "next cursor: %s\n", last->toString().c_str());
    return Ok;
}

} // namespace osctl
