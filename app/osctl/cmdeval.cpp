// osctl eval --policy FILE: decide requests given as JSON lines.

#include "commands.h"

#include "engine/decisionengine.h"
#include "model/policyvalidator.h"
#include "util/value.h"

#include <QCommandLineParser>

#include <cstdio>
#include <string>

namespace osctl {

namespace {

class Output
{
public:
    ~Output() { flush(); }
    std::string &buffer() { return m_buf; }
    void endLine()
    {
        m_buf += '\n';
        if (m_buf.size() > (1u << 16))
            flush();
    }
    void flush()
    {
        std::fwrite(m_buf.data(), 1, m_buf.size(), stdout);
        std::fflush(stdout);
        m_buf.clear();
    }

private:
    std::string m_buf;
};

} // namespace

int eval(const QStringList &args)
{
    QCommandLineParser p;
    p.setApplicationDescription(QStringLiteral(
        "Decide requests against a policy. Requests are JSON lines on stdin (one session, in time order) or one\n"
        "--request; one decision JSON line is printed per request, in input order. A malformed line prints\n"
        "{\"error\":...,\"line\":N} (with \"column\" for a JSON syntax error) and processing continues.\n"
        "Exit codes: 0 every request decided, 1 the policy has errors or a request line was malformed,\n"
        "2 usage problems."));
    p.addHelpOption();
    p.addOption({QStringLiteral("policy"), QStringLiteral("The policy file."), QStringLiteral("file")});
    p.addOption({QStringLiteral("request"), QStringLiteral("Decide this one JSON request instead of reading stdin."),
                 QStringLiteral("json")});
    p.addOption({QStringLiteral("session-id"), QStringLiteral("session.id for the requests (default: eval)."),
                 QStringLiteral("id"), QStringLiteral("eval")});
    p.addOption({QStringLiteral("trace"),
                 QStringLiteral("How much of the decision trace each decision carries: decisive (default; the layers, "
                                "the policies evaluated with what they read, one entry per group of policies the index "
                                "skipped), full (every policy, skipped ones marked), none (\"trace\":[])."),
                 QStringLiteral("level"), QStringLiteral("decisive")});
    p.addOption({QStringLiteral("allow-errors"),
                 QStringLiteral("Decide even when the policy has errors (broken conditions fail closed).")});
    if (const int code = parseCommand(p, QStringLiteral("eval"), args); code >= 0)
        return code;
    if (!p.isSet(QStringLiteral("policy")))
        return usageError(QStringLiteral("eval"), QStringLiteral("--policy FILE is required"));
    if (!p.positionalArguments().isEmpty())
        return usageError(QStringLiteral("eval"),
                          QStringLiteral("unexpected argument '%1'").arg(p.positionalArguments().first()));

    const auto trace = osh::traceLevelFromName(p.value(QStringLiteral("trace")).toStdString());
    if (!trace)
        return usageError(QStringLiteral("eval"), QStringLiteral("--trace must be full, decisive or none, not '%1'")
                                                      .arg(p.value(QStringLiteral("trace"))));

    osh::ValidationOptions opt;
    opt.checkFiles = false;
    const auto loaded = osh::PolicyValidator::checkFile(p.value(QStringLiteral("policy")).toStdString(), opt);
    const bool hasErrors = osh::hasErrors(loaded.diagnostics);
    if (!loaded.document || (hasErrors && !p.isSet(QStringLiteral("allow-errors")))) {
        for (const auto &d : loaded.diagnostics)
            if (d.severity == osh::Severity::Error)
                std::fprintf(stderr, "%s\n", d.format().c_str());
        std::fprintf(stderr, "osctl eval: the policy has errors; fix them or pass --allow-errors\n");
        return Failed;
    }

    osh::DecisionEngine::Options engineOptions;
    engineOptions.trace = *trace;
    const osh::DecisionEngine engine(loaded.document, nullptr, engineOptions);
    osh::SessionState session(p.value(QStringLiteral("session-id")).toStdString());
    Output out;
    bool malformed = false;
    // lineNo is the request's first line in the input; a syntax error in a
    // --request spanning lines counts from there.
    auto decideLine = [&](std::string_view line, long long lineNo) {
        osh::Request::ParseError error;
        auto req = osh::Request::fromJson(line, error);
        if (!req) {
            malformed = true;
            auto &b = out.buffer();
            const long long at = error.line > 0 ? lineNo + error.line - 1 : lineNo;
            const std::string message = error.line > 0 ? "invalid JSON: " + error.message : error.message;
            b += "{\"error\":";
            osh::appendJsonString(b, message);
            b += ",\"line\":" + std::to_string(at);
            if (error.line > 0)
                b += ",\"column\":" + std::to_string(error.column);
            b += '}';
            if (error.line > 0)
                std::fprintf(stderr, "osctl eval: line %lld, column %d: %s\n", at, error.column, message.c_str());
            else
                std::fprintf(stderr, "osctl eval: line %lld: %s\n", at, message.c_str());
        } else {
            engine.decide(*req, session).appendJson(out.buffer());
        }
        out.endLine();
    };

    if (p.isSet(QStringLiteral("request"))) {
        decideLine(p.value(QStringLiteral("request")).toStdString(), 1);
        return malformed ? Failed : Ok;
    }

    std::string line;
    long long lineNo = 0;
    char buf[1 << 16];
    std::string pending;
    std::size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, stdin)) > 0) {
        pending.append(buf, n);
        std::size_t start = 0;
        for (;;) {
            const auto nl = pending.find('\n', start);
            if (nl == std::string::npos)
                break;
            ++lineNo;
            std::string_view l(pending.data() + start, nl - start);
            if (!l.empty() && l.back() == '\r')
                l.remove_suffix(1);
            if (l.find_first_not_of(" \t") != std::string_view::npos)
                decideLine(l, lineNo);
            start = nl + 1;
        }
        pending.erase(0, start);
    }
    if (pending.find_first_not_of(" \t\r") != std::string::npos)
        decideLine(pending, ++lineNo);
    return malformed ? Failed : Ok;
}

} // namespace osctl
