// osctl history FILE and osctl diff REV1 REV2 FILE: a policy file's commits
// and the differences between two of its versions, read with libgit2
// (core/vcs). The semantic diff comes from core/diff.

#include "commands.h"

#include "diff/semanticdiff.h"
#include "vcs/policyrepository.h"
#include "vcs/textdiff.h"

#include <QCommandLineParser>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <cstdio>

namespace osctl {

namespace {

const QLatin1StringView kWorktree("WORKTREE");

std::string text(const QString &s)
{
    return s.toStdString();
}

} // namespace

int history(const QStringList &args)
{
    const QString cmd = QStringLiteral("history");
    QCommandLineParser p;
    p.setApplicationDescription(QStringLiteral(
        "List the commits that changed a policy file, newest first: commit, date (in the author's time zone),\n"
        "author, deployed tags and message. Renames are not followed. The repository is found from the\n"
        "file's folder upwards.\n"
        "Exit codes: 0 success, 1 the file is in no repository or it cannot be read, 2 usage problems."));
    p.addHelpOption();
    p.addPositionalArgument(QStringLiteral("FILE"), QStringLiteral("The policy file."));
    p.addOption({QStringLiteral("format"), QStringLiteral("table (default) or jsonl (one JSON object per commit)."),
                 QStringLiteral("format"), QStringLiteral("table")});
    p.addOption({QStringLiteral("limit"), QStringLiteral("At most N commits."), QStringLiteral("n")});
    if (const int code = parseCommand(p, cmd, args); code >= 0)
        return code;
    if (const int code = expectOneArgument(p, cmd, QStringLiteral("missing FILE")); code >= 0)
        return code;
    const QString format = p.value(QStringLiteral("format"));
    if (format != QLatin1StringView("table") && format != QLatin1StringView("jsonl"))
        return usageError(cmd, QStringLiteral("invalid --format '%1' (expected one of: table, jsonl)").arg(format));
    int limit = -1;
    if (p.isSet(QStringLiteral("limit"))) {
        bool ok = false;
        limit = p.value(QStringLiteral("limit")).toInt(&ok);
        if (!ok || limit < 1)
            return usageError(cmd, QStringLiteral("invalid --limit '%1' (expected a number >= 1)")
                                       .arg(p.value(QStringLiteral("limit"))));
    }

    const QString file = p.positionalArguments().first();
    auto repo = osh::vcs::PolicyRepository::discover(file);
    if (!repo)
        return failure(cmd, text(repo.error));
    const auto commits = repo->history(file, limit);
    if (!commits)
        return failure(cmd, text(commits.error));
    if (const auto st = repo->status(file); st && st->dirty())
        std::fprintf(stderr, "osctl %s: note: %s has uncommitted changes (%s)\n", qPrintable(cmd), qPrintable(file),
                     osh::vcs::fileStateName(st->state));

    if (format == QLatin1StringView("jsonl")) {
        std::string out;
        for (const auto &c : *commits) {
            QJsonObject o{{QStringLiteral("commit"), c.id},
                          {QStringLiteral("short"), c.shortId},
                          {QStringLiteral("time"), c.time.toString(Qt::ISODate)},
                          {QStringLiteral("author"), c.authorName},
                          {QStringLiteral("email"), c.authorEmail},
                          {QStringLiteral("summary"), c.summary},
                          {QStringLiteral("message"), c.message},
                          {QStringLiteral("deployed"), QJsonArray::fromStringList(c.deployedTags)}};
            out += QJsonDocument(o).toJson(QJsonDocument::Compact).toStdString();
            out += '\n';
        }
        std::fwrite(out.data(), 1, out.size(), stdout);
        return Ok;
    }
    std::vector<std::vector<std::string>> rows{{"COMMIT", "DATE", "AUTHOR", "DEPLOYED", "MESSAGE"}};
    for (const auto &c : *commits)
        rows.push_back({text(c.shortId), text(c.time.toString(QStringLiteral("yyyy-MM-dd HH:mm"))), text(c.authorName),
                        c.deployedTags.isEmpty() ? "-" : text(c.deployedTags.join(QLatin1Char(','))), text(c.summary)});
    const bool colour = useColour();
    printTable(rows, [&](std::size_t row, std::size_t column) -> const char * {
        if (!colour || row == 0)
            return nullptr;
        if (column == 0)
            return "\033[33m";
        if (column == 3 && rows[row][3] != "-")
            return "\033[1;32m";
        return nullptr;
    });
    return Ok;
}

int diff(const QStringList &args)
{
    const QString cmd = QStringLiteral("diff");
    QCommandLineParser p;
    p.setApplicationDescription(QStringLiteral(
        "Show how a policy file differs between two revisions. A revision is anything git accepts (HEAD, HEAD~2,\n"
        "a tag such as deployed/20261127T101500Z, a full or short commit id), DEPLOYED for the file's newest\n"
        "deployed version, or WORKTREE for the working file.\n"
        "Without --semantic: a unified line diff. With --semantic: what changed in each section of the policy\n"
        "and what that means for requests.\n"
        "Exit codes: 0 success (also when the versions differ), 1 a revision, the file or (with --semantic) a\n"
        "policy cannot be read, 2 usage problems."));
    p.addHelpOption();
    p.addPositionalArgument(QStringLiteral("REV1"), QStringLiteral("The old revision (or WORKTREE)."));
    p.addPositionalArgument(QStringLiteral("REV2"), QStringLiteral("The new revision (or WORKTREE)."));
    p.addPositionalArgument(QStringLiteral("FILE"), QStringLiteral("The policy file."));
    p.addOption({QStringLiteral("semantic"), QStringLiteral("Print the semantic diff instead of lines.")});
    p.addOption({QStringLiteral("format"), QStringLiteral("With --semantic: text (default) or json."),
                 QStringLiteral("format"), QStringLiteral("text")});
    p.addOption({QStringLiteral("context"), QStringLiteral("Lines of context around each change (default 3)."),
                 QStringLiteral("n"), QStringLiteral("3")});
    if (const int code = parseCommand(p, cmd, args); code >= 0)
        return code;
    const QStringList pos = p.positionalArguments();
    if (pos.size() < 3)
        return usageError(cmd, QStringLiteral("expected REV1 REV2 FILE"));
    if (pos.size() > 3)
        return usageError(cmd, QStringLiteral("unexpected argument '%1'").arg(pos.at(3)));
    const bool semantic = p.isSet(QStringLiteral("semantic"));
    const QString format = p.value(QStringLiteral("format"));
    if (format != QLatin1StringView("text") && format != QLatin1StringView("json"))
        return usageError(cmd, QStringLiteral("invalid --format '%1' (expected one of: text, json)").arg(format));
    if (format == QLatin1StringView("json") && !semantic)
        return usageError(cmd, QStringLiteral("--format json needs --semantic"));
    bool ok = false;
    const int context = p.value(QStringLiteral("context")).toInt(&ok);
    if (!ok || context < 0)
        return usageError(cmd, QStringLiteral("invalid --context '%1' (expected a number >= 0)")
                                   .arg(p.value(QStringLiteral("context"))));

    const QString file = pos.at(2);
    auto repo = osh::vcs::PolicyRepository::discover(file);
    if (!repo)
        return failure(cmd, text(repo.error));
    const auto rel = repo->relativePath(file);
    if (!rel)
        return failure(cmd, text(rel.error));
    // The content and label of one side.
    auto side = [&](const QString &rev, QByteArray &content, std::string &label) -> bool {
        if (rev == kWorktree) {
            QFile f(file);
            if (!f.open(QIODevice::ReadOnly)) {
                failure(cmd, text(QStringLiteral("cannot read %1: %2").arg(file, f.errorString())));
                return false;
            }
            content = f.readAll();
            label = text(*rel) + " (working file)";
            return true;
        }
        const auto named = repo->revisionFor(rev, file); // DEPLOYED: the file's deployed version
        const auto c = named ? repo->resolve(*named) : osh::vcs::Result<osh::vcs::CommitInfo>::fail(named.error);
        const auto bytes = c ? repo->contentAt(*named, file) : osh::vcs::Result<QByteArray>::fail(c.error);
        if (!bytes) {
            failure(cmd, text(bytes.error));
            return false;
        }
        content = *bytes;
        label = text(*rel) + '@' + text(rev == c->shortId || rev == c->id ? c->shortId : rev + QLatin1Char(' ') + c->shortId);
        return true;
    };
    QByteArray before, after;
    std::string beforeLabel, afterLabel;
    if (!side(pos.at(0), before, beforeLabel) || !side(pos.at(1), after, afterLabel))
        return Failed;

    const bool colour = useColour();
    if (semantic) {
        const auto result = osh::diff::semanticDiffTexts(before.toStdString(), beforeLabel, after.toStdString(), afterLabel);
        for (const auto &d : result.diagnostics)
            std::fprintf(stderr, "%s\n", d.format().c_str());
        if (!result.diff)
            return failure(cmd, "cannot diff: a version has errors");
        const std::string out = format == QLatin1StringView("json") ? osh::diff::semanticDiffJson(*result.diff) + '\n'
                                                                   : osh::diff::formatSemanticDiff(*result.diff, colour);
        std::fwrite(out.data(), 1, out.size(), stdout);
        return Ok;
    }

    std::string error;
    const auto hunks = osh::vcs::diffText(before.toStdString(), after.toStdString(), context, &error);
    if (!error.empty())
        return failure(cmd, error);
    const std::string unified = osh::vcs::unifiedDiff(hunks, beforeLabel, afterLabel);
    if (!colour) {
        std::fwrite(unified.data(), 1, unified.size(), stdout);
        return Ok;
    }
    std::string out;
    size_t start = 0;
    int header = 2; // the ---/+++ lines
    while (start < unified.size()) {
        size_t nl = unified.find('\n', start);
        const std::string line = unified.substr(start, nl - start);
        start = nl + 1;
        const char *sgr = nullptr;
        if (header > 0) {
            sgr = "\033[1m";
            --header;
        } else if (line.rfind("@@", 0) == 0) {
            sgr = "\033[36m";
        } else if (!line.empty() && line[0] == '+') {
            sgr = "\033[32m";
        } else if (!line.empty() && line[0] == '-') {
            sgr = "\033[31m";
        }
        out += sgr ? sgr + line + "\033[0m\n" : line + '\n';
    }
    std::fwrite(out.data(), 1, out.size(), stdout);
    return Ok;
}

} // namespace osctl
