// osctl replay SESSION --policy FILE|REV: what-if replay of a recorded
// session against another policy; osctl import FILE.jsonl: a session from
// JSON lines in the eval request format.

#include "commands.h"
#include "remote.h"

#include "audit/auditstore.h"
#include "audit/audittime.h"
#include "engine/decisionengine.h"
#include "replay/sessionimporter.h"
#include "replay/whatif.h"
#include "util/value.h"

#if __has_include("vcs/policyrepository.h")
#include "vcs/policyrepository.h"
#define OSH_HAVE_VCS 1
#endif

#include <QCommandLineParser>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QCryptographicHash>
#include <QFile>
#include <QFileInfo>

#include <cstdio>
#include <string>

namespace osctl {

namespace {

using osh::replay::Outcome;
using osh::replay::WhatIf;
using osh::replay::WhatIfResult;

// A decision name, or JSON null for none.
void appendOutcome(std::string &out, Outcome o)
{
    if (o == Outcome::None)
        out += "null";
    else
        osh::appendJsonString(out, osh::replay::outcomeName(o));
}

void appendPolicy(std::string &out, const std::string &name)
{
    if (name.empty())
        out += "null";
    else
        osh::appendJsonString(out, name);
}

// The session's recorded policy file at a revision, through core/vcs.
std::shared_ptr<const osh::PolicyDocument> policyAtRevision(const std::string &policyFile, const std::string &rev,
                                                            std::string &error)
{
#ifdef OSH_HAVE_VCS
    if (policyFile.empty()) {
        error = "the session has no recorded policy file to read at revision '" + rev + "'";
        return nullptr;
    }
    WhatIf::RevisionReader reader = [](const std::string &path, const std::string &revision, std::string &err)
        -> std::optional<std::string> {
        const QString file = QString::fromStdString(path);
        auto repo = osh::vcs::PolicyRepository::discover(file);
        if (!repo) {
            err = repo.error.toStdString();
            return std::nullopt;
        }
        const auto content = repo->contentAt(QString::fromStdString(revision), file);
        if (!content) {
            err = content.error.toStdString();
            return std::nullopt;
        }
        return content->toStdString();
    };
    return WhatIf::policyAtRevision(reader, policyFile, rev, error);
#else
    (void)policyFile;
    error = "'" + rev + "' is not a file, and this build cannot read policies at git revisions";
    return nullptr;
#endif
}

void printJsonl(const WhatIfResult &r)
{
    std::string out;
    for (const auto i : r.changed) {
        const auto &a = r.actions[i];
        out += "{\"seq\":" + std::to_string(a.seq) + ",\"before\":";
        appendOutcome(out, a.before);
        out += ",\"after\":";
        appendOutcome(out, a.after);
        out += ",\"policy_before\":";
        appendPolicy(out, r.policies.name(a.policyBefore));
        out += ",\"policy_after\":";
        appendPolicy(out, r.policies.name(a.policyAfter));
        if (a.approximate)
            out += ",\"approximate\":true";
        out += "}\n";
    }
    out += "{\"summary\":{\"session\":";
    osh::appendJsonString(out, r.sessionId);
    out += ",\"actions\":" + std::to_string(r.actions.size()) + ",\"changed\":" + std::to_string(r.changed.size())
        + ",\"approximate\":" + std::to_string(r.approximate) + ",\"unreplayable\":"
        + std::to_string(r.unreplayable.size()) + ",\"transitions\":[";
    bool first = true;
    for (const auto &t : r.transitions()) {
        out += first ? "{" : ",{";
        first = false;
        out += "\"before\":";
        appendOutcome(out, t.before);
        out += ",\"after\":";
        appendOutcome(out, t.after);
        out += ",\"label\":";
        osh::appendJsonString(out, t.label);
        out += ",\"count\":" + std::to_string(t.seqs.size()) + "}";
    }
    out += "],\"text\":";
    osh::appendJsonString(out, r.summaryText());
    out += "}}\n";
    std::fwrite(out.data(), 1, out.size(), stdout);
}

void printTableFormat(const WhatIfResult &r)
{
    if (!r.changed.empty()) {
        std::vector<std::vector<std::string>> rows{
            {"SEQ", "TIME", "BEFORE", "AFTER", "POLICY BEFORE", "POLICY AFTER", "NOTE"}};
        for (const auto i : r.changed) {
            const auto &a = r.actions[i];
            auto name = [](Outcome o) { return o == Outcome::None ? std::string("-") : std::string(osh::replay::outcomeName(o)); };
            auto pol = [&](std::uint32_t id) { return id ? r.policies.name(id) : std::string("-"); };
            rows.push_back({std::to_string(a.seq), osh::audit::formatIsoUtc(a.ts), name(a.before), name(a.after),
                            pol(a.policyBefore), pol(a.policyAfter), a.approximate ? "approximate" : ""});
        }
        const bool colour = useColour();
        printTable(rows, [&](std::size_t row, std::size_t col) -> const char * {
            if (!colour || row == 0 || (col != 2 && col != 3))
                return nullptr;
            return decisionColour(rows[row][col]);
        });
        std::printf("\n");
    }
    std::printf("%s\n", r.summaryText().c_str());
    std::printf("%zu actions replayed, %zu changed, %zu approximate, %zu unreplayable\n", r.actions.size(),
                r.changed.size(), r.approximate, r.unreplayable.size());
    for (const auto &[seq, why] : r.unreplayable)
        std::printf("  #%lld not replayed: %s\n", static_cast<long long>(seq), why.c_str());
}

} // namespace

int replay(const QStringList &args)
{
    const QString cmd = QStringLiteral("replay");
    QCommandLineParser p;
    p.setApplicationDescription(QStringLiteral(
        "What-if: decide every recorded action of SESSION again against another policy (a file, or a git\n"
        "revision of the session's policy file) and print each decision that would change, then a summary.\n"
        "Exit codes: 0 replayed (whether or not decisions change), 1 the session or policy cannot be read,\n"
        "2 usage problems."));
    p.addHelpOption();
    p.addPositionalArgument(QStringLiteral("SESSION"), QStringLiteral("The session id (see osctl sessions)."));
    p.addOption({QStringLiteral("policy"),
                 QStringLiteral("The policy to replay against: a file, or a revision (HEAD~1, a tag, a commit) of the "
                                "session's recorded policy file."),
                 QStringLiteral("file|rev")});
    p.addOption({QStringLiteral("format"), QStringLiteral("table (default) or jsonl."), QStringLiteral("format"),
                 QStringLiteral("table")});
    addStoreOption(p);
    if (const int code = parseCommand(p, cmd, args); code >= 0)
        return code;
    if (const int code = expectOneArgument(p, cmd, QStringLiteral("SESSION is required")); code >= 0)
        return code;
    if (!p.isSet(QStringLiteral("policy")))
        return usageError(cmd, QStringLiteral("--policy FILE|REV is required"));
    const QString format = p.value(QStringLiteral("format"));
    if (format != QLatin1StringView("table") && format != QLatin1StringView("jsonl"))
        return usageError(cmd, QStringLiteral("--format must be table or jsonl, not '%1'").arg(format));

    const std::string sessionId = p.positionalArguments().first().toStdString();
    const QString policyArg = p.value(QStringLiteral("policy"));
    const Runtime rt = chooseRuntime(p, cmd, false);
    if (rt.kind == Runtime::Invalid)
        return Usage;
    if (rt.kind == Runtime::Service) {
        // The service replays what it recorded; it reads the policy file as you.
        if (!QFileInfo::exists(policyArg))
            return usageError(cmd, QStringLiteral("through openshelld --policy must be a file (revisions are read in-process: "
                                                  "OPENSHELL_ENDPOINT=local with --store)"));
        std::string body;
        if (const int code = remoteRequest(*rt.endpoint, cmd, "POST", "/v1/policies/whatif",
                                           {{QStringLiteral("session"), QString::fromStdString(sessionId)},
                                            {QStringLiteral("policy_path"), QFileInfo(policyArg).absoluteFilePath()}},
                                           &body);
            code != Ok)
            return code;
        const QJsonObject r = QJsonDocument::fromJson(QByteArray::fromStdString(body)).object();
        if (format == QLatin1StringView("jsonl")) {
            for (const auto &a : r.value(QStringLiteral("actions")).toArray())
                std::printf("%s\n", QJsonDocument(a.toObject()).toJson(QJsonDocument::Compact).constData());
            QJsonObject summary = r;
            summary.remove(QStringLiteral("actions"));
            std::printf("%s\n", QJsonDocument(QJsonObject{{QStringLiteral("summary"), summary}}).toJson(QJsonDocument::Compact).constData());
            return Ok;
        }
        std::vector<std::vector<std::string>> rows{{"SEQ", "BEFORE", "AFTER", "POLICY BEFORE", "POLICY AFTER"}};
        for (const auto &v : r.value(QStringLiteral("actions")).toArray()) {
            const QJsonObject a = v.toObject();
            auto str = [&a](const char *k) {
                const QString t = a.value(QLatin1StringView(k)).toString();
                return t.isEmpty() ? std::string("-") : t.toStdString();
            };
            rows.push_back({std::to_string(a.value(QStringLiteral("seq")).toInteger()), str("before"), str("after"),
                            str("policy_before"), str("policy_after")});
        }
        printTable(rows);
        std::printf("\n%s (%lld of %lld actions)\n", r.value(QStringLiteral("summary")).toString().toUtf8().constData(),
                    static_cast<long long>(r.value(QStringLiteral("changed")).toInteger()),
                    static_cast<long long>(r.value(QStringLiteral("total")).toInteger()));
        return Ok;
    }
    auto store = openStore(p, cmd);
    if (!store)
        return Failed;
    std::string error;
    std::shared_ptr<const osh::PolicyDocument> doc;
    if (QFileInfo::exists(policyArg)) {
        doc = WhatIf::policyFromFile(policyArg.toStdString(), error);
    } else {
        std::string policyFile;
        bool known = false;
        for (const auto &s : store->sessions(&error))
            if (s.session.id == sessionId) {
                policyFile = s.session.policyFile;
                known = true;
            }
        if (!known) {
            std::fprintf(stderr, "osctl replay: no session '%s' in %s\n", sessionId.c_str(), store->path().c_str());
            return Failed;
        }
        doc = policyAtRevision(policyFile, policyArg.toStdString(), error);
        if (!doc)
            error = "'" + policyArg.toStdString() + "' is not a file, nor a readable revision of " + policyFile
                + ": " + error;
    }
    if (!doc)
        return failure(cmd, error);
    const osh::DecisionEngine engine(doc);
    const auto result = WhatIf::run(*store, sessionId, engine, error);
    if (!result)
        return failure(cmd, error);
    if (format == QLatin1StringView("jsonl"))
        printJsonl(*result);
    else
        printTableFormat(*result);
    std::fflush(stdout);
    return Ok;
}

int import(const QStringList &args)
{
    const QString cmd = QStringLiteral("import");
    QCommandLineParser p;
    p.setApplicationDescription(QStringLiteral(
        "Import a session from JSON lines in the osctl eval request format (one request per line; optional ts\n"
        "and session.id), each action decided by --policy or stored without a decision. Prints the new\n"
        "session's id. A bad line is reported as FILE:LINE:COL and nothing is stored.\n"
        "Exit codes: 0 imported, 1 a bad line, policy or store, 2 usage problems."));
    p.addHelpOption();
    p.addPositionalArgument(QStringLiteral("FILE"), QStringLiteral("The JSON lines file."));
    p.addOption({QStringLiteral("policy"), QStringLiteral("Decide each action with this policy file."),
                 QStringLiteral("file")});
    p.addOption({QStringLiteral("session"), QStringLiteral("The new session's id (default: the lines' session.id, "
                                                            "else a new one)."),
                 QStringLiteral("id")});
    addStoreOption(p);
    if (const int code = parseCommand(p, cmd, args); code >= 0)
        return code;
    if (const int code = expectOneArgument(p, cmd, QStringLiteral("FILE is required")); code >= 0)
        return code;

    osh::replay::ImportOptions options;
    options.sessionId = p.value(QStringLiteral("session")).toStdString();
    std::string error;
    if (p.isSet(QStringLiteral("policy"))) {
        const QString file = p.value(QStringLiteral("policy"));
        options.policy = WhatIf::policyFromFile(file.toStdString(), error);
        if (!options.policy)
            return failure(cmd, error);
        QFile f(file);
        if (f.open(QIODevice::ReadOnly))
            options.policyHash = QCryptographicHash::hash(f.readAll(), QCryptographicHash::Sha256).toHex().toStdString();
        options.policyFile = QFileInfo(file).absoluteFilePath().toStdString();
    }
    const std::string path = storePath(p);
    auto store = osh::AuditStore::open(path, osh::AuditStore::userWriterOptions(path), error);
    if (!store)
        return failure(cmd, error);
    const auto res = osh::replay::SessionImporter::importFile(*store, p.positionalArguments().first().toStdString(), options);
    for (const auto &e : res.errors)
        std::fprintf(stderr, "%s\n", e.format().c_str());
    if (!res.errors.empty()) {
        std::fprintf(stderr, "osctl import: %zu bad line(s); nothing was imported\n", res.errors.size());
        return Failed;
    }
    if (!res.ok)
        return failure(cmd, res.error);
    std::printf("%s\n", res.sessionId.c_str());
    std::fprintf(stderr, "osctl import: %zu actions imported into session %s\n", res.events, res.sessionId.c_str());
    return Ok;
}

} // namespace osctl
