// osctl validate FILE...: load and check policy files, print diagnostics.

#include "commands.h"

#include "model/policyvalidator.h"
#include "util/value.h"

#include <QCommandLineParser>

#include <cstdio>
#include <string>

namespace osctl {


int validate(const QStringList &args)
{
    QCommandLineParser p;
    p.setApplicationDescription(QStringLiteral(
        "Check policy files. Prints one line per diagnostic, FILE:LINE:COL: SEVERITY: [CODE] MESSAGE.\n"
        "Exit codes: 0 no errors (warnings alone exit 0), 1 errors found, 2 usage problems."));
    p.addHelpOption();
    p.addOption({QStringLiteral("format"), QStringLiteral("Output format: text or json."), QStringLiteral("format"),
                 QStringLiteral("text")});
    p.addOption({QStringLiteral("no-file-checks"),
                 QStringLiteral("Do not check that tool programs and rule sources exist.")});
    p.addOption({QStringLiteral("quiet"), QStringLiteral("No summary line on stderr.")});
    p.addPositionalArgument(QStringLiteral("FILE"), QStringLiteral("Policy files (*.policy.yaml); - for stdin."),
                            QStringLiteral("FILE..."));
    if (const int code = parseCommand(p, QStringLiteral("validate"), args); code >= 0)
        return code;
    const QString format = p.value(QStringLiteral("format"));
    if (format != QLatin1StringView("text") && format != QLatin1StringView("json"))
        return usageError(QStringLiteral("validate"), QStringLiteral("--format must be text or json"));
    const QStringList files = p.positionalArguments();
    if (files.isEmpty())
        return usageError(QStringLiteral("validate"), QStringLiteral("name at least one policy file"));

    osh::ValidationOptions opt;
    opt.checkFiles = !p.isSet(QStringLiteral("no-file-checks"));
    int errors = 0, warnings = 0, infos = 0;
    std::string json = "[";
    bool firstJson = true;
    for (const QString &f : files) {
        osh::LoadResult res;
        if (f == QLatin1StringView("-")) {
            std::string text;
            char buf[65536];
            std::size_t n;
            while ((n = std::fread(buf, 1, sizeof buf, stdin)) > 0)
                text.append(buf, n);
            res = osh::PolicyValidator::checkText(text, "<stdin>", opt);
        } else {
            res = osh::PolicyValidator::checkFile(f.toStdString(), opt);
        }
        for (const auto &d : res.diagnostics) {
            errors += d.severity == osh::Severity::Error;
            warnings += d.severity == osh::Severity::Warning;
            infos += d.severity == osh::Severity::Info;
            if (format == QLatin1StringView("json")) {
                if (!firstJson)
                    json += ",\n ";
                firstJson = false;
                d.appendJson(json);
            } else {
                std::printf("%s\n", d.format().c_str());
            }
        }
    }
    if (format == QLatin1StringView("json"))
        std::printf("%s]\n", json.c_str());
    if (!p.isSet(QStringLiteral("quiet")))
        std::fprintf(stderr, "%d error(s), %d warning(s), %d note(s) in %lld file(s)\n", errors, warnings, infos,
                     static_cast<long long>(files.size()));
    return errors > 0 ? Failed : Ok;
}

} // namespace osctl
