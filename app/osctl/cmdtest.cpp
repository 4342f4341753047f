// osctl test [WORKSPACE]: run the workspace's policy tests (tests/*.yaml).

#include "commands.h"

#include "testsuite/workspacetests.h"

#include <QCommandLineParser>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QXmlStreamWriter>

#include <cstdio>
#include <filesystem>

namespace osctl {

namespace {

QString q(const std::string &s)
{
    return QString::fromStdString(s);
}

std::string joinInts(const std::vector<int> &v)
{
    std::string s;
    for (int i : v)
        s += (s.empty() ? "" : ", ") + std::to_string(i);
    return s;
}

std::string joinNames(const std::vector<std::string> &v)
{
    std::string s;
    for (const auto &n : v)
        s += (s.empty() ? "" : ", ") + n;
    return s;
}

// XML 1.0 cannot carry most control characters, even escaped.
QString xmlSafe(const QString &s)
{
    QString out = s;
    for (auto &c : out)
        if (c.unicode() < 0x20 && c != QLatin1Char('\n') && c != QLatin1Char('\t') && c != QLatin1Char('\r'))
            c = QChar(0xFFFD);
    return out;
}

void printText(const osh::WorkspaceTestResult &r)
{
    for (const auto &d : r.diagnostics)
        std::fprintf(stderr, "%s\n", d.format().c_str());
    for (const auto &s : r.suites) {
        std::printf("%s (policy: %s)\n", s.file.c_str(), s.policyFile.empty() ? "-" : s.policyFile.c_str());
        for (const auto &d : s.diagnostics) {
            std::printf("  %s\n", d.format().c_str());
            std::fprintf(stderr, "%s\n", d.format().c_str());
        }
        if (!s.ran)
            std::printf("  ERROR the cases did not run\n");
        for (const auto &c : s.cases) {
            std::printf("  %s %s\n", c.passed ? "PASS" : "FAIL", c.name.c_str());
            if (c.passed)
                continue;
            for (const auto &f : c.failures)
                std::printf("       %s\n", f.c_str());
            std::printf("       expected: %s\n       actual:   %s\n", c.expected.c_str(), c.actual.c_str());
        }
    }
    const int cases = r.caseCount();
    std::printf("\n%d passed, %d failed, %d file error(s) in %zu file(s)\n", cases - r.failedCount(), r.failedCount(),
                r.erroredSuites(), r.suites.size());
    for (const auto &c : r.coverage) {
        std::printf("coverage of %s: %d/%d policies evaluated, %d/%d matched, %d/%d network rules, %d/%d filesystem "
                    "rules\n",
                    c.policyFile.c_str(), c.policyCount - int(c.unevaluatedPolicies.size()), c.policyCount,
                    c.policyCount - int(c.unmatchedPolicies.size()), c.policyCount,
                    c.networkRuleCount - int(c.uncoveredNetworkRules.size()), c.networkRuleCount,
                    c.filesystemRuleCount - int(c.uncoveredFilesystemRules.size()), c.filesystemRuleCount);
        if (!c.unevaluatedPolicies.empty())
            std::printf("  policies never evaluated: %s\n", joinNames(c.unevaluatedPolicies).c_str());
        if (!c.unmatchedPolicies.empty())
            std::printf("  policies never matched: %s\n", joinNames(c.unmatchedPolicies).c_str());
        if (!c.uncoveredNetworkRules.empty())
            std::printf("  network rules never deciding: %s\n", joinInts(c.uncoveredNetworkRules).c_str());
        if (!c.uncoveredFilesystemRules.empty())
            std::printf("  filesystem rules never deciding: %s\n", joinInts(c.uncoveredFilesystemRules).c_str());
    }
}

QJsonArray diagnosticsJson(const osh::Diagnostics &diags)
{
    QJsonArray a;
    for (const auto &d : diags)
        a.append(QJsonObject{{QStringLiteral("file"), q(d.file)},
                             {QStringLiteral("line"), d.begin.line},
                             {QStringLiteral("column"), d.begin.column},
                             {QStringLiteral("severity"), q(std::string(osh::severityName(d.severity)))},
                             {QStringLiteral("code"), q(d.code)},
                             {QStringLiteral("message"), q(d.message)}});
    return a;
}

QJsonArray toJsonArray(const std::vector<std::string> &v)
{
    QJsonArray a;
    for (const auto &s : v)
        a.append(q(s));
    return a;
}

QJsonArray toJsonArray(const std::vector<int> &v)
{
    QJsonArray a;
    for (int i : v)
        a.append(i);
    return a;
}

void printJson(const osh::WorkspaceTestResult &r)
{
    QJsonArray suites;
    for (const auto &s : r.suites) {
        QJsonArray cases;
        for (const auto &c : s.cases) {
            cases.append(QJsonObject{
                {QStringLiteral("name"), q(c.name)},
                {QStringLiteral("passed"), c.passed},
                {QStringLiteral("failures"), toJsonArray(c.failures)},
                {QStringLiteral("expected"), q(c.expected)},
                {QStringLiteral("actual"), q(c.actual)},
                {QStringLiteral("decision"), QJsonDocument::fromJson(QByteArray::fromStdString(c.decisionJson)).object()},
            });
        }
        suites.append(QJsonObject{{QStringLiteral("file"), q(s.file)},
                                  {QStringLiteral("policy"), s.policyFile.empty() ? QJsonValue() : QJsonValue(q(s.policyFile))},
                                  {QStringLiteral("ran"), s.ran},
                                  {QStringLiteral("diagnostics"), diagnosticsJson(s.diagnostics)},
                                  {QStringLiteral("cases"), cases}});
    }
    QJsonArray coverage;
    for (const auto &c : r.coverage)
        coverage.append(QJsonObject{{QStringLiteral("policy_file"), q(c.policyFile)},
                                    {QStringLiteral("unevaluated_policies"), toJsonArray(c.unevaluatedPolicies)},
                                    {QStringLiteral("unmatched_policies"), toJsonArray(c.unmatchedPolicies)},
                                    {QStringLiteral("uncovered_network_rules"), toJsonArray(c.uncoveredNetworkRules)},
                                    {QStringLiteral("uncovered_filesystem_rules"), toJsonArray(c.uncoveredFilesystemRules)}});
    const QJsonObject root{{QStringLiteral("suites"), suites},
                           {QStringLiteral("coverage"), coverage},
                           {QStringLiteral("diagnostics"), diagnosticsJson(r.diagnostics)},
                           {QStringLiteral("summary"),
                            QJsonObject{{QStringLiteral("cases"), r.caseCount()},
                                        {QStringLiteral("passed"), r.caseCount() - r.failedCount()},
                                        {QStringLiteral("failed"), r.failedCount()},
                                        {QStringLiteral("file_errors"), r.erroredSuites()}}}};
    std::printf("%s\n", QJsonDocument(root).toJson(QJsonDocument::Compact).constData());
}

bool writeJunit(const osh::WorkspaceTestResult &r, const QString &path, QString &error)
{
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate)) {
        error = f.errorString();
        return false;
    }
    QXmlStreamWriter w(&f);
    w.setAutoFormatting(true);
    w.writeStartDocument();
    w.writeStartElement(QStringLiteral("testsuites"));
    w.writeAttribute(QStringLiteral("name"), QStringLiteral("osctl test"));
    w.writeAttribute(QStringLiteral("tests"), QString::number(r.caseCount() + r.erroredSuites()));
    w.writeAttribute(QStringLiteral("failures"), QString::number(r.failedCount()));
    w.writeAttribute(QStringLiteral("errors"), QString::number(r.erroredSuites()));
    for (const auto &s : r.suites) {
        w.writeStartElement(QStringLiteral("testsuite"));
        w.writeAttribute(QStringLiteral("name"), xmlSafe(q(s.file)));
        w.writeAttribute(QStringLiteral("tests"), QString::number(s.ran ? s.cases.size() : 1));
        w.writeAttribute(QStringLiteral("failures"), QString::number(s.failedCount()));
        w.writeAttribute(QStringLiteral("errors"), QString::number(s.ran ? 0 : 1));
        if (!s.ran) {
            // A file that could not run is one errored test, so CI shows it.
            QString text;
            for (const auto &d : s.diagnostics)
                text += q(d.format()) + QLatin1Char('\n');
            w.writeStartElement(QStringLiteral("testcase"));
            w.writeAttribute(QStringLiteral("name"), QStringLiteral("(load)"));
            w.writeAttribute(QStringLiteral("classname"), xmlSafe(q(s.file)));
            w.writeStartElement(QStringLiteral("error"));
            w.writeAttribute(QStringLiteral("message"), QStringLiteral("the test file has errors"));
            w.writeCharacters(xmlSafe(text));
            w.writeEndElement();
            w.writeEndElement();
        }
        for (const auto &c : s.cases) {
            w.writeStartElement(QStringLiteral("testcase"));
            w.writeAttribute(QStringLiteral("name"), xmlSafe(q(c.name)));
            w.writeAttribute(QStringLiteral("classname"), xmlSafe(q(s.file)));
            if (!c.passed) {
                w.writeStartElement(QStringLiteral("failure"));
                w.writeAttribute(QStringLiteral("message"), xmlSafe(q(joinNames(c.failures))));
                w.writeCharacters(xmlSafe(q("expected: " + c.expected + "\nactual:   " + c.actual + "\ndecision: "
                                             + c.decisionJson + "\n")));
                w.writeEndElement();
            }
            w.writeEndElement();
        }
        w.writeEndElement();
    }
    w.writeEndElement();
    w.writeEndDocument();
    if (w.hasError() || !f.flush()) {
        error = f.errorString();
        return false;
    }
    return true;
}

} // namespace

int test(const QStringList &args)
{
    QCommandLineParser p;
    p.setApplicationDescription(QStringLiteral(
        "Run the policy tests of a workspace (every tests/*.yaml; see docs/policy-tests.md): one line per case,\n"
        "a summary and the policies and rules no case exercised.\n"
        "Exit codes: 0 every case passed, 1 a case failed or a test file has errors, 2 usage problems."));
    p.addHelpOption();
    p.addPositionalArgument(QStringLiteral("workspace"), QStringLiteral("The workspace folder (default: .)."),
                            QStringLiteral("[WORKSPACE]"));
    p.addOption({QStringLiteral("junit"), QStringLiteral("Also write the results as JUnit XML to this file."),
                 QStringLiteral("file")});
    p.addOption({QStringLiteral("format"), QStringLiteral("Output format: text or json."), QStringLiteral("format"),
                 QStringLiteral("text")});
    if (const int code = parseCommand(p, QStringLiteral("test"), args); code >= 0)
        return code;
    const QString format = p.value(QStringLiteral("format"));
    if (format != QLatin1StringView("text") && format != QLatin1StringView("json"))
        return usageError(QStringLiteral("test"), QStringLiteral("--format must be text or json"));
    const QStringList pos = p.positionalArguments();
    if (pos.size() > 1)
        return usageError(QStringLiteral("test"), QStringLiteral("unexpected argument '%1'").arg(pos.at(1)));
    const std::string workspace = pos.isEmpty() ? std::string(".") : pos.first().toStdString();
    std::error_code ec;
    if (!std::filesystem::is_directory(workspace, ec))
        return usageError(QStringLiteral("test"), QStringLiteral("'%1' is not a folder").arg(q(workspace)));

    const auto result = osh::WorkspaceTests::run(workspace);
    if (format == QLatin1StringView("json"))
        printJson(result);
    else
        printText(result);
    if (p.isSet(QStringLiteral("junit"))) {
        QString error;
        if (!writeJunit(result, p.value(QStringLiteral("junit")), error)) {
            std::fprintf(stderr, "osctl test: cannot write %s: %s\n", qPrintable(p.value(QStringLiteral("junit"))),
                         qPrintable(error));
            return Failed;
        }
    }
    return result.ok() ? Ok : Failed;
}

} // namespace osctl
