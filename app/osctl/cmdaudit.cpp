// osctl audit query: read the audit store. Also the helpers the audit
// commands share (store option, tables, colours).

#include "commands.h"

#include "audit/auditjson.h"
#include "audit/auditstore.h"
#include "audit/audittime.h"
#include "audit/ocsf.h"
#include "util/strings.h"

#include <QCommandLineParser>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <unistd.h>

namespace osctl {

namespace {

const char *const kAuditHelp =
    "Usage: osctl audit query [OPTIONS]\n"
    "\n"
    "Reads the audit store. Run 'osctl audit query --help' for the filters and formats.\n"
    "Exit codes: 0 success, 1 the store cannot be read, 2 usage problems.\n";

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

} // namespace

void addStoreOption(QCommandLineParser &p)
{
    p.addOption({QStringLiteral("store"),
                 QStringLiteral("The audit store (default: $OPENSHELL_STORE, else "
                                "$XDG_DATA_HOME/openshell/audit.db)."),
                 QStringLiteral("path")});
}

std::unique_ptr<osh::AuditStore> openStore(const QCommandLineParser &p, const QString &command)
{
    const std::string path =
        p.isSet(QStringLiteral("store")) ? p.value(QStringLiteral("store")).toStdString() : osh::AuditStore::defaultPath();
    osh::AuditStore::Options options;
    options.create = false;
    std::string error;
    auto store = osh::AuditStore::open(path, options, error);
    if (!store)
        std::fprintf(stderr, "osctl %s: %s\n", qPrintable(command), error.c_str());
    return store;
}

bool useColour()
{
    const char *noColour = std::getenv("NO_COLOR");
    return isatty(STDOUT_FILENO) && !(noColour && *noColour);
}

const char *decisionColour(std::string_view d)
{
    if (d == "block")
        return "\033[1;31m";
    if (d == "escalate")
        return "\033[1;33m";
    if (d == "redact")
        return "\033[35m";
    if (d == "throttle")
        return "\033[36m";
    if (d == "allow")
        return "\033[32m";
    return nullptr;
}

void printTable(const std::vector<std::vector<std::string>> &rows,
                const std::function<const char *(std::size_t, std::size_t)> &colour)
{
    std::vector<int> width;
    for (const auto &row : rows) {
        width.resize(std::max(width.size(), row.size()), 0);
        for (std::size_t c = 0; c < row.size(); ++c)
            width[c] = std::max(width[c], osh::utf8Length(row[c]));
    }
    std::string out;
    for (std::size_t r = 0; r < rows.size(); ++r) {
        const auto &row = rows[r];
        for (std::size_t c = 0; c < row.size(); ++c) {
            const char *sgr = colour ? colour(r, c) : nullptr;
            if (sgr)
                out += sgr;
            out += row[c];
            if (sgr)
                out += "\033[0m";
            if (c + 1 < row.size())
                out.append(static_cast<std::size_t>(width[c] - osh::utf8Length(row[c]) + 2), ' ');
        }
        out += '\n';
        if (out.size() > (1u << 16)) {
            std::fwrite(out.data(), 1, out.size(), stdout);
            out.clear();
        }
    }
    std::fwrite(out.data(), 1, out.size(), stdout);
    std::fflush(stdout);
}

void printHelp(const QCommandLineParser &p, const QString &command)
{
    // Qt names the program by argv[0] (often a full path) and knows nothing
    // of sub-commands: "Usage: /x/osctl [options]" -> "Usage: osctl CMD [options]".
    QString text = p.helpText();
    const QString usage = QStringLiteral("Usage: ");
    if (text.startsWith(usage)) {
        const auto end = text.indexOf(QLatin1Char(' '), usage.size());
        if (end > 0)
            text.replace(usage.size(), end - usage.size(), QStringLiteral("osctl ") + command);
    }
    std::fputs(qPrintable(text), stdout);
}

int audit(const QStringList &args)
{
    if (args.isEmpty())
        return usageError(QStringLiteral("audit"), QStringLiteral("missing sub-command (query)"));
    const QString sub = args.first();
    if (sub == QLatin1StringView("--help") || sub == QLatin1StringView("-h")) {
        std::fputs(kAuditHelp, stdout);
        return Ok;
    }
    if (sub != QLatin1StringView("query"))
        return usageError(QStringLiteral("audit"), QStringLiteral("unknown sub-command '%1' (expected: query)").arg(sub));

    const QString cmd = QStringLiteral("audit query");
    QCommandLineParser p;
    p.setApplicationDescription(QStringLiteral(
        "Print audited events, ordered by time then seq. Filters combine with AND; a comma-separated list\n"
        "matches any of its values.\n"
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
    p.addOption({QStringLiteral("format"), QStringLiteral("table (default), jsonl, or ocsf (one OCSF JSON event a line)."),
                 QStringLiteral("format"), QStringLiteral("table")});
    addStoreOption(p);
    if (!p.parse(QStringList{cmd} + args.mid(1)))
        return usageError(cmd, p.errorText());
    if (p.isSet(QStringLiteral("help"))) {
        printHelp(p, cmd);
        return Ok;
    }
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
    const QString format = p.value(QStringLiteral("format"));
    if (format != QLatin1StringView("table") && format != QLatin1StringView("jsonl") && format != QLatin1StringView("ocsf"))
        return usageError(cmd, QStringLiteral("invalid --format '%1' (expected table, jsonl or ocsf)").arg(format));

    const auto store = openStore(p, cmd);
    if (!store)
        return Failed;

    std::string readError;
    bool ok;
    if (format == QLatin1StringView("table")) {
        std::vector<std::vector<std::string>> rows{
            {"TIME", "SESSION", "SEQ", "TYPE", "TOOL", "DECISION", "LAYER", "POLICY", "SEVERITY", "MESSAGE"}};
        ok = store->query(
            q,
            [&](const osh::AuditEvent &e) {
                rows.push_back({osh::audit::formatIsoUtc(e.ts), e.sessionId, std::to_string(e.seq), e.type,
                                orDash(e.tool), orDash(e.decision), orDash(e.layer), orDash(e.policy), e.severity,
                                e.message});
                return true;
            },
            readError);
        const bool colour = useColour();
        printTable(rows, [&](std::size_t r, std::size_t c) -> const char * {
            return colour && r > 0 && c == 5 ? decisionColour(rows[r][c]) : nullptr;
        });
    } else {
        const bool ocsf = format == QLatin1StringView("ocsf");
        std::string out;
        ok = store->query(
            q,
            [&](const osh::AuditEvent &e) {
                if (ocsf)
                    osh::audit::appendOcsfJson(out, e);
                else
                    osh::audit::appendEventJson(out, e);
                out += '\n';
                if (out.size() > (1u << 16)) {
                    std::fwrite(out.data(), 1, out.size(), stdout);
                    out.clear();
                }
                return true;
            },
            readError);
        std::fwrite(out.data(), 1, out.size(), stdout);
        std::fflush(stdout);
    }
    if (!ok) {
        std::fprintf(stderr, "osctl %s: reading %s: %s\n", qPrintable(cmd), store->path().c_str(), readError.c_str());
        return Failed;
    }
    return Ok;
}

int parseListing(QCommandLineParser &p, const QString &cmd, const QStringList &args, QString &format)
{
    p.addOption({QStringLiteral("format"), QStringLiteral("table (default) or jsonl."), QStringLiteral("format"),
                 QStringLiteral("table")});
    addStoreOption(p);
    if (!p.parse(QStringList{cmd} + args))
        return usageError(cmd, p.errorText());
    if (p.isSet(QStringLiteral("help"))) {
        printHelp(p, cmd);
        return Ok;
    }
    if (!p.positionalArguments().isEmpty())
        return usageError(cmd, QStringLiteral("unexpected argument '%1'").arg(p.positionalArguments().first()));
    format = p.value(QStringLiteral("format"));
    if (format != QLatin1StringView("table") && format != QLatin1StringView("jsonl"))
        return usageError(cmd, QStringLiteral("invalid --format '%1' (expected table or jsonl)").arg(format));
    return -1;
}

} // namespace osctl
