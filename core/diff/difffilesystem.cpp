// The filesystem section of the semantic diff. Access rules are keyed by
// path (the longest prefix decides, so their order never matters); their
// keys are compared as text, then reads and writes below every rule path
// of either version are asked of the real FilesystemLayer under both, so a
// rule added inside the workspace (which is read-write by default) reads as
// a restriction, and one outside it as a new permission.

#include "diff/diffsections.h"

#include "engine/filesystemlayer.h"
#include "engine/sessionstate.h"

#include <algorithm>
#include <set>

namespace osh::diff::detail {

namespace {

std::string permsText(Permission p)
{
    return std::string(permissionName(p));
}

Effect permissionEffect(Permission a, Permission b)
{
    if (a == b)
        return Effect::Neutral;
    if (b == Permission::ReadWrite)
        return Effect::Looser;
    if (a == Permission::ReadWrite)
        return Effect::Stricter;
    return Effect::Unknown; // read <-> write: one operation gained, one lost
}

const AccessRule *findRule(const FilesystemController &fs, const std::string &path)
{
    for (const AccessRule &r : fs.rules)
        if (r.path == path)
            return &r;
    return nullptr;
}

void compareAccessRule(const AccessRule &x, const AccessRule &y, std::vector<Change> &out)
{
    const std::string subject = "filesystem rule " + y.path;
    auto push = [&](std::string_view key, Effect e, std::string before, std::string after, std::string meaning) {
        Change c;
        c.section = Section::Filesystem;
        c.kind = ChangeKind::Changed;
        c.effect = e;
        c.subject = subject;
        c.key = std::string(key);
        c.sentence = "Filesystem rule " + y.path + ": " + std::string(key) + " changed from " + before + " to " + after
            + (meaning.empty() ? "." : "; " + meaning + ".");
        c.before = std::move(before);
        c.after = std::move(after);
        c.beforePos = x.loc.has(key) ? x.loc.valuePos(key) : x.loc.pos;
        c.afterPos = y.loc.has(key) ? y.loc.valuePos(key) : y.loc.pos;
        out.push_back(std::move(c));
    };
    if (x.permissions != y.permissions) {
        const Effect e = permissionEffect(x.permissions, y.permissions);
        push("permissions", e, permsText(x.permissions), permsText(y.permissions),
             e == Effect::Looser ? "more operations are allowed below " + y.path
                 : e == Effect::Stricter ? "fewer operations are allowed below " + y.path
                                         : "one kind of operation was exchanged for the other");
    }
    if (x.allowedExtensions != y.allowedExtensions) {
        Effect e = Effect::Unknown;
        if (!y.allowedExtensions)
            e = Effect::Looser;
        else if (!x.allowedExtensions)
            e = Effect::Stricter;
        else {
            const bool gained = std::any_of(y.allowedExtensions->begin(), y.allowedExtensions->end(), [&](const std::string &v) {
                return std::find(x.allowedExtensions->begin(), x.allowedExtensions->end(), v) == x.allowedExtensions->end();
            });
            const bool lost = std::any_of(x.allowedExtensions->begin(), x.allowedExtensions->end(), [&](const std::string &v) {
                return std::find(y.allowedExtensions->begin(), y.allowedExtensions->end(), v) == y.allowedExtensions->end();
            });
            e = gained && !lost ? Effect::Looser : lost && !gained ? Effect::Stricter : gained ? Effect::Unknown : Effect::Neutral;
        }
        push("allowed_extensions", e, x.allowedExtensions ? listText(*x.allowedExtensions) : std::string("any"),
             y.allowedExtensions ? listText(*y.allowedExtensions) : std::string("any"), {});
    }
    if (x.maxFileSizeMb != y.maxFileSizeMb)
        push("max_file_size_mb", limitEffect(x.maxFileSizeMb, y.maxFileSizeMb), optText(x.maxFileSizeMb), optText(y.maxFileSizeMb), {});
    if (x.maxTotalSizeMb != y.maxTotalSizeMb)
        push("max_total_size_mb", limitEffect(x.maxTotalSizeMb, y.maxTotalSizeMb), optText(x.maxTotalSizeMb), optText(y.maxTotalSizeMb), {});
    if (x.blockSymlinks != y.blockSymlinks)
        push("block_symlinks", y.blockSymlinks ? Effect::Stricter : Effect::Looser, x.blockSymlinks ? "true" : "false",
             y.blockSymlinks ? "true" : "false",
             y.blockSymlinks ? "symbolic links are now refused" : "symbolic links staying below the rule's path are now allowed");
    if (x.source != y.source)
        push("source", Effect::Unknown, x.source.value_or("none"), y.source.value_or("none"), "other host files are mounted here");
}

bool insideWorkspace(const FilesystemController &fs, const std::string &path)
{
    const std::string &w = fs.workspace;
    return path == w || (path.size() > w.size() && path.compare(0, w.size(), w) == 0 && (w.back() == '/' || path[w.size()] == '/'));
}

struct FileOutcome
{
    bool allowed = false;
    std::string reason;
};

FileOutcome askFiles(const PolicyDocument &d, const FilesystemLayer &layer, const std::string &path, const std::string &op)
{
    if (!d.sandbox.allowFilesystem && !insideWorkspace(d.filesystem, path))
        return {false, "sandbox.allow_filesystem is false"};
    FileQuery q;
    q.path = path;
    q.operation = op;
    const SessionState fresh;
    const FileVerdict v = layer.decide(q, fresh);
    if (v.allowed)
        return {true, {}};
    // The layer's reason names the probe file and a 0-based rule; say why in
    // terms of the document instead.
    const AccessRule *rule = v.rule >= 0 && static_cast<size_t>(v.rule) < d.filesystem.rules.size()
        ? &d.filesystem.rules[static_cast<size_t>(v.rule)]
        : nullptr;
    const std::string &r = v.reason;
    if (r.find("read-only") != std::string::npos && rule)
        return {false, "the rule for " + rule->path + " is read-only"};
    if (r.find("write-only") != std::string::npos && rule)
        return {false, "the rule for " + rule->path + " is write-only"};
    if (r.find("extension") != std::string::npos && rule)
        return {false, "the rule for " + rule->path + " does not allow those extensions"};
    if (r.find("strict_path_validation") != std::string::npos)
        return {false, "no rule covers it outside the workspace and strict_path_validation is on"};
    return {false, "the filesystem rules refuse it"};
}

void diffFileDecisions(const PolicyDocument &a, const PolicyDocument &b, std::vector<Change> &out)
{
    std::set<std::string> dirs{a.filesystem.workspace, b.filesystem.workspace};
    std::set<std::string> exts;
    for (const auto *d : {&a, &b})
        for (const AccessRule &r : d->filesystem.rules) {
            dirs.insert(r.path);
            if (r.allowedExtensions)
                exts.insert(r.allowedExtensions->begin(), r.allowedExtensions->end());
        }
    if (exts.empty())
        exts.insert(".txt");
    const FilesystemLayer la(a.filesystem);
    const FilesystemLayer lb(b.filesystem);
    for (const std::string &dir : dirs) {
        const std::string base = dir.empty() || dir.back() != '/' ? dir + "/" : dir;
        for (const char *op : {"read", "write"}) {
            std::vector<std::string> gained, lost;
            std::string lostReason;
            for (const std::string &ext : exts) {
                const std::string file = base + "file" + ext;
                const FileOutcome x = askFiles(a, la, file, op);
                const FileOutcome y = askFiles(b, lb, file, op);
                if (x.allowed == y.allowed)
                    continue;
                (y.allowed ? gained : lost).push_back(ext);
                if (!y.allowed && lostReason.empty())
                    lostReason = y.reason;
            }
            const AccessRule *after = findRule(b.filesystem, dir);
            const AccessRule *before = findRule(a.filesystem, dir);
            auto record = [&](Effect e, const std::vector<std::string> &which, const std::string &why) {
                Change c;
                c.section = Section::Filesystem;
                c.kind = ChangeKind::Consequence;
                c.effect = e;
                c.subject = dir;
                c.key = op;
                const std::string files = which.size() == exts.size() ? std::string("files") : listText(which) + " files";
                c.sentence = std::string(e == Effect::NewlyAllowed ? "The agent may now " : "The agent may no longer ") + op
                    + " " + files + " below " + dir + (why.empty() ? "." : ": " + why + ".");
                c.beforePos = before ? before->loc.pos : SourcePos{};
                c.afterPos = after ? after->loc.pos : (b.loc.has("filesystem") ? b.loc.valuePos("filesystem") : b.loc.pos);
                out.push_back(std::move(c));
            };
            if (!gained.empty())
                record(Effect::NewlyAllowed, gained, {});
            if (!lost.empty())
                record(Effect::NewlyBlocked, lost, lostReason);
        }
    }
}

} // namespace

void diffFilesystem(const PolicyDocument &da, const PolicyDocument &db, std::vector<Change> &out)
{
    const FilesystemController &a = da.filesystem;
    const FilesystemController &b = db.filesystem;
    const SourcePos sectionPos = db.loc.has("filesystem") ? db.loc.valuePos("filesystem") : db.loc.pos;
    auto push = [&](std::string_view key, Effect e, std::string x, std::string y, std::string meaning) {
        out.push_back(settingChange(Section::Filesystem, "filesystem", key, e, std::move(x), std::move(y), meaning, a.loc, b.loc, sectionPos));
    };
    if (a.workspace != b.workspace)
        push("workspace", Effect::Unknown, a.workspace, b.workspace, "the read-write default moves to another folder");
    if (a.strictPathValidation != b.strictPathValidation)
        push("strict_path_validation", b.strictPathValidation ? Effect::NewlyBlocked : Effect::NewlyAllowed,
             a.strictPathValidation ? "true" : "false", b.strictPathValidation ? "true" : "false",
             b.strictPathValidation ? "paths outside the workspace that no rule covers are now refused"
                                    : "paths outside the workspace that no rule covers are now allowed");
    if (a.auditAllOperations != b.auditAllOperations)
        push("audit_all_operations", b.auditAllOperations ? Effect::Stricter : Effect::Looser, a.auditAllOperations ? "true" : "false",
             b.auditAllOperations ? "true" : "false",
             b.auditAllOperations ? "every file operation is now audited" : "file operations are no longer all audited");

    const SourcePos rulesPos = b.loc.has("rules") ? b.loc.valuePos("rules") : sectionPos;
    for (const AccessRule &r : a.rules) {
        if (findRule(b, r.path))
            continue;
        Change c;
        c.section = Section::Filesystem;
        c.kind = ChangeKind::Removed;
        c.effect = Effect::Unknown; // what now applies is reported as consequences
        c.subject = "filesystem rule " + r.path;
        c.before = permsText(r.permissions);
        c.sentence = "Removed the " + c.before + " rule for " + r.path + "; the enclosing rule or the workspace default now applies there.";
        c.beforePos = r.loc.pos;
        c.afterPos = rulesPos;
        out.push_back(std::move(c));
    }
    for (const AccessRule &r : b.rules) {
        const AccessRule *old = findRule(a, r.path);
        if (old) {
            if (!(*old == r))
                compareAccessRule(*old, r, out);
            continue;
        }
        Change c;
        c.section = Section::Filesystem;
        c.kind = ChangeKind::Added;
        c.effect = Effect::Unknown;
        c.subject = "filesystem rule " + r.path;
        c.after = permsText(r.permissions);
        c.sentence = "Added a " + c.after + " rule for " + r.path + "; it replaces the enclosing rule or the workspace default there.";
        c.afterPos = r.loc.pos;
        out.push_back(std::move(c));
    }
    diffFileDecisions(da, db, out);
}

} // namespace osh::diff::detail
