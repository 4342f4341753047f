// Helpers the osctl commands share: option parsing and help, the audit
// store option, error lines, tables and colours. Declared in commands.h.

#include "commands.h"

#include "audit/auditstore.h"
#include "util/strings.h"

#include <QCommandLineParser>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <unistd.h>

namespace osctl {

int parseCommand(QCommandLineParser &p, const QString &cmd, const QStringList &args)
{
    if (!p.parse(QStringList{cmd} + args))
        return usageError(cmd, p.errorText());
    if (p.isSet(QStringLiteral("help"))) {
        printHelp(p, cmd);
        return Ok;
    }
    return -1;
}

int expectOneArgument(const QCommandLineParser &p, const QString &cmd, const QString &missing)
{
    const QStringList pos = p.positionalArguments();
    if (pos.size() == 1)
        return -1;
    return usageError(cmd, pos.isEmpty() ? missing : QStringLiteral("unexpected argument '%1'").arg(pos.at(1)));
}

int failure(const QString &cmd, const std::string &message)
{
    std::fprintf(stderr, "osctl %s: %s\n", qPrintable(cmd), message.c_str());
    return Failed;
}

std::string storePath(const QCommandLineParser &p)
{
    return p.isSet(QStringLiteral("store")) ? p.value(QStringLiteral("store")).toStdString()
                                            : osh::AuditStore::defaultPath();
}

void addStoreOption(QCommandLineParser &p)
{
    p.addOption({QStringLiteral("store"),
                 QStringLiteral("The audit store: a file (default: $OPENSHELL_STORE, else "
                                "$XDG_DATA_HOME/openshell/audit.db), or a shared PostgreSQL store (postgresql://...)."),
                 QStringLiteral("path|url")});
}

std::unique_ptr<osh::AuditStore> openStore(const QCommandLineParser &p, const QString &command)
{
    osh::AuditStore::Options options;
    options.create = false;
    std::string error;
    auto store = osh::AuditStore::open(storePath(p), options, error);
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

int parseListing(QCommandLineParser &p, const QString &cmd, const QStringList &args, QString &format)
{
    p.addOption({QStringLiteral("format"), QStringLiteral("table (default) or jsonl."), QStringLiteral("format"),
                 QStringLiteral("table")});
    addStoreOption(p);
    if (const int code = parseCommand(p, cmd, args); code >= 0)
        return code;
    if (!p.positionalArguments().isEmpty())
        return usageError(cmd, QStringLiteral("unexpected argument '%1'").arg(p.positionalArguments().first()));
    format = p.value(QStringLiteral("format"));
    if (format != QLatin1StringView("table") && format != QLatin1StringView("jsonl"))
        return usageError(cmd, QStringLiteral("invalid --format '%1' (expected table or jsonl)").arg(format));
    return -1;
}

} // namespace osctl
