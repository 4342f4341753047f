#pragma once
// Versioning of policy files with libgit2 (never by running `git`). A
// workspace is a git repository; PolicyRepository opens it (discovering it
// from a file's path) or initialises it, and offers what the studio and
// `osctl history`/`osctl diff` need: a file's status, committing files,
// a file's history, a file's content at any revision, restoring a file, and
// deployment tags. Every call returns a value or a precise error message
// (libgit2's own, prefixed with what was attempted); nothing throws.
//
// Deployments are annotated tags named `deployed/<UTC time>`
// (e.g. deployed/20261127T101500Z): one tag per deployment, so the history of
// deployments is kept and "the deployed version" of a file is the newest
// such tag whose commit contains it. History does not follow renames.

#include <QByteArray>
#include <QDateTime>
#include <QList>
#include <QString>
#include <QStringList>

#include <memory>
#include <optional>
#include <string>

namespace osh::vcs {

// A value or an error message.
template<typename T>
struct Result
{
    std::optional<T> value;
    QString error;

    static Result ok(T v) { return Result{std::move(v), {}}; }
    static Result fail(QString why) { return Result{std::nullopt, std::move(why)}; }
    explicit operator bool() const { return value.has_value(); }
    const T &operator*() const { return *value; }
    T &operator*() { return *value; }
    const T *operator->() const { return &*value; }
    T *operator->() { return &*value; }
};

struct Author
{
    QString name;
    QString email;
};

struct CommitInfo
{
    QString id;      // 40 hex digits
    QString shortId; // 7 hex digits
    QString authorName;
    QString authorEmail;
    QDateTime time;  // author time, with its UTC offset
    QString summary; // first line of the message
    QString message;
    QStringList deployedTags; // deployed/* tags pointing at this commit
};

struct DeployedTag
{
    QString name;     // deployed/20261127T101500Z
    QString commitId;
    QDateTime time;   // tagger time
    QString tagger;
    QString message;
};

enum class FileState {
    Clean,     // the working file equals HEAD's
    Modified,  // tracked and changed (in the working tree or the index)
    Added,     // staged in the index but in no commit yet
    Untracked, // present but not tracked
    Deleted,   // tracked but missing from the working tree
    Missing,   // neither present nor tracked
    Ignored,
};

const char *fileStateName(FileState s);

struct FileStatus
{
    FileState state = FileState::Missing;
    bool headDetached = false;
    bool headUnborn = false; // no commit yet
    QString branch;          // the current branch's short name; empty when detached
    QString headId;          // empty when unborn
    bool dirty() const { return state != FileState::Clean && state != FileState::Ignored; }
};

struct RestoreOutcome
{
    bool restored = false;
    // The working file had changes HEAD does not have and force was not
    // given: nothing was written; ask the user, then call again with force.
    bool refusedDirty = false;
    QString commitId; // the commit the content came from
};

// Which commit a session's policy came from (recorded with every session).
struct PolicyProvenance
{
    QString commit;   // HEAD's id; empty when the file is in no repository or HEAD is unborn
    bool dirty = false; // the content run differs from the file at HEAD (or the file is not in HEAD)
    std::string hash; // SHA-256 hex of the content run
};

// The revision name contentAt() reads as "the file's deployed version"
// (the newest deployed/* tag whose commit contains it).
inline constexpr char kDeployedRevision[] = "DEPLOYED";

class PolicyRepository
{
public:
    PolicyRepository(PolicyRepository &&) noexcept;
    PolicyRepository &operator=(PolicyRepository &&) noexcept;
    ~PolicyRepository();

    // The repository containing path (a file, which need not exist yet, or a
    // folder), searching upwards like git does.
    static Result<PolicyRepository> discover(const QString &path);
    // Creates a repository in dir (made if needed); opens it if it is one already.
    static Result<PolicyRepository> init(const QString &dir);
    // discover(filePath), or init(workspaceDir) when there is none.
    static Result<PolicyRepository> openOrInit(const QString &filePath, const QString &workspaceDir);

    QString workdir() const; // absolute, with a trailing '/'
    // file relative to the working tree ('/'-separated), or an error when it is outside.
    Result<QString> relativePath(const QString &file) const;

    Result<FileStatus> status(const QString &file) const;
    // Commits the files' working content on top of HEAD (other staged changes
    // are not included; the index is updated for these files). The first
    // commit is created on an unborn HEAD. Refused when HEAD is detached,
    // when nothing changed, or without an author name and email.
    Result<CommitInfo> commit(const QStringList &files, const QString &message, const Author &author);
    // Commits touching file, newest first (renames are not followed).
    // limit < 0: all.
    Result<QList<CommitInfo>> history(const QString &file, int limit = -1) const;
    // rev: anything git_revparse_single accepts (HEAD~1, a tag, a short id).
    Result<CommitInfo> resolve(const QString &rev) const;
    // contentAt() and restore() also take DEPLOYED (kDeployedRevision): the
    // file's deployed version. revisionFor() turns that name into its commit
    // id and returns any other revision as it is.
    Result<QString> revisionFor(const QString &rev, const QString &file) const;
    Result<QByteArray> contentAt(const QString &rev, const QString &file) const;
    // Writes the file's content at rev into the working file (no commit).
    Result<RestoreOutcome> restore(const QString &file, const QString &rev, bool force);

    // Tags rev as deployed (an annotated tag deployed/<UTC time>).
    Result<DeployedTag> markDeployed(const QString &rev, const Author &tagger, const QString &message);
    // All deployed/* tags, newest first.
    Result<QList<DeployedTag>> deployedTags() const;
    // The newest deployed tag whose commit contains file; nullopt when none.
    Result<std::optional<DeployedTag>> deployedVersion(const QString &file) const;

    // The commit, dirty flag and hash for a session about to run
    // contentHash (SHA-256 hex; empty: the file on disk is hashed).
    static PolicyProvenance provenance(const QString &file, const std::string &contentHash = {});

private:
    struct Impl;
    explicit PolicyRepository(std::unique_ptr<Impl> impl);
    static Result<PolicyRepository> fromOpened(std::unique_ptr<Impl> impl, const QString &where);
    std::unique_ptr<Impl> d;
};

// SHA-256 hex of bytes, as the audit store records policyHash.
std::string contentHash(const QByteArray &bytes);

} // namespace osh::vcs
