#pragma once
// osctl sub-commands. Each takes its own arguments (after the command name)
// and returns the process exit code; see docs/osctl.md.

#include <QStringList>

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

class QCommandLineParser;

namespace osh {
class AuditStore;
}

namespace osctl {

enum ExitCode { Ok = 0, Failed = 1, Usage = 2 };

int validate(const QStringList &args);
int eval(const QStringList &args);
int test(const QStringList &args);
int audit(const QStringList &args);
int sessions(const QStringList &args);
int approvals(const QStringList &args);
int run(const QStringList &args);
int demo(const QStringList &args);
int replay(const QStringList &args);
int import(const QStringList &args);
int history(const QStringList &args);
int diff(const QStringList &args);

// Prints "osctl CMD: message" on stderr and returns Usage.
int usageError(const QString &command, const QString &message);

// Shared by the commands (shared.cpp).
// Parses args as the options of "osctl CMD". Returns -1 to go on, else the
// exit code to return (help printed, or a usage error reported).
int parseCommand(QCommandLineParser &p, const QString &cmd, const QStringList &args);
// For a command with exactly one positional argument: returns -1 when there
// is one, else reports `missing` (none given) or the unexpected second one
// and returns Usage.
int expectOneArgument(const QCommandLineParser &p, const QString &cmd, const QString &missing);
// Prints "osctl CMD: message" on stderr and returns Failed.
int failure(const QString &cmd, const std::string &message);
// The store named by --store, else $OPENSHELL_STORE, else the XDG default.
std::string storePath(const QCommandLineParser &p);
// Adds --store PATH to a parser.
void addStoreOption(QCommandLineParser &p);
// Opens the store named by --store, else $OPENSHELL_STORE, else the XDG
// default; never creates one. On failure prints why and returns nullptr.
std::unique_ptr<osh::AuditStore> openStore(const QCommandLineParser &p, const QString &command);
// Colours only for a terminal, and not when NO_COLOR is set.
bool useColour();
// The ANSI colour of a decision outcome, or nullptr.
const char *decisionColour(std::string_view decision);
// Prints rows (the first is the header) as left-aligned columns separated by
// two spaces; the last column is not padded. colour(row, column) may return
// an ANSI SGR sequence for a cell.
void printTable(const std::vector<std::vector<std::string>> &rows,
                const std::function<const char *(std::size_t row, std::size_t column)> &colour = {});
// For listing commands: adds --format table|jsonl and --store, parses args
// (no positional arguments). Returns -1 to go on (format set), else the exit
// code to return (help printed, or a usage error reported).
int parseListing(QCommandLineParser &p, const QString &cmd, const QStringList &args, QString &format);
// Prints a parser's help with "osctl CMD" as the program name.
void printHelp(const QCommandLineParser &p, const QString &command);

} // namespace osctl
