// osctl: the OpenShell Studio command line. A thin dispatcher; the work is
// done by osh_core and osh_runtime.

#include "commands.h"

#include <QCoreApplication>

#include <cstdio>

namespace {

const char *const kHelp =
    "Usage: osctl COMMAND [OPTIONS]\n"
    "\n"
    "Commands:\n"
    "  validate FILE...        check policy files; one line per diagnostic\n"
    "  eval --policy FILE      decide requests (JSON lines on stdin, or --request)\n"
    "  test [WORKSPACE]        run the workspace's policy tests (tests/*.yaml)\n"
    "  run --policy FILE [-- COMMAND...]\n"
    "                          run an agent session in a sandbox, streaming decisions\n"
    "  demo                    the customer-support demo, end to end\n"
    "  history FILE            the commits that changed a policy file\n"
    "  diff REV1 REV2 FILE     a policy file between two revisions (text or --semantic)\n"
    "  audit query             audited events (filters; table, jsonl or ocsf)\n"
    "  sessions                sessions with their event counts\n"
    "  replay SESSION --policy FILE|REV\n"
    "                          what-if: the decisions that would change under another policy\n"
    "  import FILE.jsonl       a session from eval-format JSON lines (--policy decides it)\n"
    "  approvals list|approve ID|deny ID\n"
    "                          held escalations and their verdicts\n"
    "\n"
    "Run 'osctl COMMAND --help' for a command's options.\n"
    "Exit codes: 0 success, 1 the command found errors, 2 usage problems.\n";

} // namespace

int osctl::usageError(const QString &command, const QString &message)
{
    std::fprintf(stderr, "osctl %s: %s\nTry 'osctl %s --help'.\n", qPrintable(command), qPrintable(message),
                 qPrintable(command));
    return Usage;
}

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("osctl"));
    QCoreApplication::setApplicationVersion(QStringLiteral(OSH_VERSION));

    QStringList args = QCoreApplication::arguments();
    args.removeFirst();
    if (args.isEmpty()) {
        std::fputs(kHelp, stderr);
        return osctl::Usage;
    }
    const QString command = args.takeFirst();
    if (command == QLatin1StringView("--help") || command == QLatin1StringView("-h") || command == QLatin1StringView("help")) {
        std::fputs(kHelp, stdout);
        return osctl::Ok;
    }
    if (command == QLatin1StringView("--version")) {
        std::printf("osctl %s\n", OSH_VERSION);
        return osctl::Ok;
    }
    if (command == QLatin1StringView("validate"))
        return osctl::validate(args);
    if (command == QLatin1StringView("eval"))
        return osctl::eval(args);
    if (command == QLatin1StringView("test"))
        return osctl::test(args);
    if (command == QLatin1StringView("run"))
        return osctl::run(args);
    if (command == QLatin1StringView("demo"))
        return osctl::demo(args);
    if (command == QLatin1StringView("history"))
        return osctl::history(args);
    if (command == QLatin1StringView("diff"))
        return osctl::diff(args);
    if (command == QLatin1StringView("audit"))
        return osctl::audit(args);
    if (command == QLatin1StringView("replay"))
        return osctl::replay(args);
    if (command == QLatin1StringView("import"))
        return osctl::import(args);
    if (command == QLatin1StringView("sessions"))
        return osctl::sessions(args);
    if (command == QLatin1StringView("approvals"))
        return osctl::approvals(args);
    std::fprintf(stderr, "osctl: unknown command '%s'\n\n%s", qPrintable(command), kHelp);
    return osctl::Usage;
}
