// PolicyRepository: libgit2 calls behind a value-returning API.
#include "policyrepository.h"

#include "gitlib.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSaveFile>
#include <QTimeZone>

#include <git2.h>

#include <algorithm>
#include <map>

namespace osh::vcs {

namespace {

template<typename T, void (*Free)(T *)>
struct GitPtr
{
    T *p = nullptr;
    GitPtr() = default;
    GitPtr(const GitPtr &) = delete;
    GitPtr &operator=(const GitPtr &) = delete;
    ~GitPtr()
    {
        if (p)
            Free(p);
    }
    T **out() { return &p; }
    T *get() const { return p; }
    explicit operator bool() const { return p != nullptr; }
};

using RepoPtr = GitPtr<git_repository, git_repository_free>;
using ObjectPtr = GitPtr<git_object, git_object_free>;
using CommitPtr = GitPtr<git_commit, git_commit_free>;
using TreePtr = GitPtr<git_tree, git_tree_free>;
using TreeEntryPtr = GitPtr<git_tree_entry, git_tree_entry_free>;
using BlobPtr = GitPtr<git_blob, git_blob_free>;
using RefPtr = GitPtr<git_reference, git_reference_free>;
using SigPtr = GitPtr<git_signature, git_signature_free>;
using WalkPtr = GitPtr<git_revwalk, git_revwalk_free>;
using IndexPtr = GitPtr<git_index, git_index_free>;
using TagPtr = GitPtr<git_tag, git_tag_free>;
using TreeBuilderPtr = GitPtr<git_treebuilder, git_treebuilder_free>;

QString gitError(const QString &what, int code)
{
    return QString::fromStdString(gitErrorMessage(what.toStdString(), code));
}

QString oidHex(const git_oid *oid)
{
    char buf[GIT_OID_HEXSZ + 1];
    git_oid_tostr(buf, sizeof buf, oid);
    return QString::fromLatin1(buf);
}

QDateTime gitTime(const git_time &t)
{
    return QDateTime::fromSecsSinceEpoch(t.time, QTimeZone(t.offset * 60));
}

CommitInfo commitInfo(git_commit *c)
{
    CommitInfo info;
    info.id = oidHex(git_commit_id(c));
    info.shortId = info.id.left(7);
    if (const git_signature *a = git_commit_author(c)) {
        info.authorName = QString::fromUtf8(a->name);
        info.authorEmail = QString::fromUtf8(a->email);
        info.time = gitTime(a->when);
    }
    info.message = QString::fromUtf8(git_commit_message(c));
    const char *summary = git_commit_summary(c);
    info.summary = summary ? QString::fromUtf8(summary) : QString();
    return info;
}

// The blob id of path in tree; false when absent (or not a blob).
bool entryId(git_tree *tree, const QByteArray &path, git_oid *out)
{
    if (!tree)
        return false;
    TreeEntryPtr e;
    if (git_tree_entry_bypath(e.out(), tree, path.constData()) < 0)
        return false;
    if (git_tree_entry_type(e.get()) != GIT_OBJECT_BLOB)
        return false;
    git_oid_cpy(out, git_tree_entry_id(e.get()));
    return true;
}

QString deployedTagName(const QDateTime &utc)
{
    return QStringLiteral("deployed/") + utc.toString(QStringLiteral("yyyyMMdd'T'HHmmss'Z'"));
}

} // namespace

const char *fileStateName(FileState s)
{
    switch (s) {
    case FileState::Clean: return "clean";
    case FileState::Modified: return "modified";
    case FileState::Added: return "added";
    case FileState::Untracked: return "untracked";
    case FileState::Deleted: return "deleted";
    case FileState::Missing: return "missing";
    case FileState::Ignored: return "ignored";
    }
    return "unknown";
}

std::string contentHash(const QByteArray &bytes)
{
    return QCryptographicHash::hash(bytes, QCryptographicHash::Sha256).toHex().toStdString();
}

struct PolicyRepository::Impl
{
    GitLibrary lib; // first member: initialised before, shut down after the repository
    RepoPtr repo;
    QString workdir;
    QString canonicalWorkdir;

    // HEAD's commit, or null when unborn. Returns false (with *error) on a real failure.
    bool headCommit(CommitPtr &out, QString *error) const
    {
        const int unborn = git_repository_head_unborn(repo.get());
        if (unborn == 1)
            return true;
        if (unborn < 0) {
            *error = gitError(QStringLiteral("reading HEAD"), unborn);
            return false;
        }
        ObjectPtr obj;
        if (int rc = git_revparse_single(obj.out(), repo.get(), "HEAD^{commit}"); rc < 0) {
            *error = gitError(QStringLiteral("reading HEAD"), rc);
            return false;
        }
        git_commit_dup(out.out(), reinterpret_cast<git_commit *>(obj.get()));
        return true;
    }

    Result<QString> revCommit(const QString &rev, CommitPtr &out) const
    {
        if (rev.trimmed().isEmpty())
            return Result<QString>::fail(QStringLiteral("empty revision"));
        ObjectPtr obj;
        const QByteArray spec = rev.toUtf8();
        if (int rc = git_revparse_single(obj.out(), repo.get(), spec.constData()); rc < 0)
            return Result<QString>::fail(gitError(QStringLiteral("unknown revision '%1'").arg(rev), rc));
        ObjectPtr peeled;
        if (int rc = git_object_peel(peeled.out(), obj.get(), GIT_OBJECT_COMMIT); rc < 0)
            return Result<QString>::fail(gitError(QStringLiteral("'%1' is not a commit").arg(rev), rc));
        git_commit_dup(out.out(), reinterpret_cast<git_commit *>(peeled.get()));
        return Result<QString>::ok(oidHex(git_commit_id(out.get())));
    }

    // refs/tags/deployed/* -> commit id and tag details.
    QList<DeployedTag> deployedTags(QString *error) const
    {
        QList<DeployedTag> tags;
        QStringList names;
        const int rc = git_reference_foreach_glob(
            repo.get(), "refs/tags/deployed/*",
            [](const char *name, void *payload) {
                static_cast<QStringList *>(payload)->append(QString::fromUtf8(name));
                return 0;
            },
            &names);
        if (rc < 0) {
            *error = gitError(QStringLiteral("listing tags"), rc);
            return {};
        }
        for (const QString &ref : names) {
            RefPtr r;
            if (git_reference_lookup(r.out(), repo.get(), ref.toUtf8().constData()) < 0)
                continue;
            ObjectPtr target;
            if (git_reference_peel(target.out(), r.get(), GIT_OBJECT_COMMIT) < 0)
                continue;
            DeployedTag t;
            t.name = ref.mid(int(qstrlen("refs/tags/")));
            t.commitId = oidHex(git_object_id(target.get()));
            TagPtr tag;
            if (git_reference_target(r.get()) && git_tag_lookup(tag.out(), repo.get(), git_reference_target(r.get())) == 0) {
                if (const git_signature *s = git_tag_tagger(tag.get())) {
                    t.time = gitTime(s->when);
                    t.tagger = QString::fromUtf8(s->name);
                }
                t.message = QString::fromUtf8(git_tag_message(tag.get())).trimmed();
            } else { // a lightweight tag: the commit's time
                auto *commit = reinterpret_cast<git_commit *>(target.get());
                t.time = QDateTime::fromSecsSinceEpoch(git_commit_time(commit),
                                                       QTimeZone(git_commit_time_offset(commit) * 60));
            }
            tags.append(t);
        }
        std::sort(tags.begin(), tags.end(), [](const DeployedTag &a, const DeployedTag &b) {
            if (a.time != b.time)
                return a.time > b.time;
            return a.name > b.name;
        });
        return tags;
    }
};

PolicyRepository::PolicyRepository(std::unique_ptr<Impl> impl) : d(std::move(impl)) { }
PolicyRepository::PolicyRepository(PolicyRepository &&) noexcept = default;
PolicyRepository &PolicyRepository::operator=(PolicyRepository &&) noexcept = default;
PolicyRepository::~PolicyRepository() = default;

Result<PolicyRepository> PolicyRepository::discover(const QString &path)
{
    auto impl = std::make_unique<Impl>();
    // Start from the nearest folder that exists: the file may not be saved yet.
    QFileInfo fi(path);
    QString start = fi.isDir() ? fi.absoluteFilePath() : fi.absolutePath();
    while (!start.isEmpty() && !QFileInfo(start).isDir()) {
        const QString up = QFileInfo(start).absolutePath();
        if (up == start)
            break;
        start = up;
    }
    git_buf buf = GIT_BUF_INIT;
    const QByteArray startBytes = QFile::encodeName(start);
    const int rc = git_repository_discover(&buf, startBytes.constData(), 0, nullptr);
    if (rc == GIT_ENOTFOUND) {
        git_buf_dispose(&buf);
        return Result<PolicyRepository>::fail(QStringLiteral("%1 is not in a git repository").arg(QDir::toNativeSeparators(start)));
    }
    if (rc < 0) {
        git_buf_dispose(&buf);
        return Result<PolicyRepository>::fail(gitError(QStringLiteral("looking for a repository at %1").arg(start), rc));
    }
    const int orc = git_repository_open(impl->repo.out(), buf.ptr);
    git_buf_dispose(&buf);
    if (orc < 0)
        return Result<PolicyRepository>::fail(gitError(QStringLiteral("opening the repository of %1").arg(start), orc));
    return fromOpened(std::move(impl), start);
}

Result<PolicyRepository> PolicyRepository::init(const QString &dir)
{
    auto impl = std::make_unique<Impl>();
    if (!QDir().mkpath(dir))
        return Result<PolicyRepository>::fail(QStringLiteral("cannot create the folder %1").arg(dir));
    const QString abs = QFileInfo(dir).absoluteFilePath();
    // An existing repository rooted exactly here is opened, never re-initialised.
    if (git_repository_open_ext(impl->repo.out(), QFile::encodeName(abs).constData(), GIT_REPOSITORY_OPEN_NO_SEARCH, nullptr) == 0)
        return fromOpened(std::move(impl), abs);
    const int rc = git_repository_init(impl->repo.out(), QFile::encodeName(abs).constData(), 0);
    if (rc < 0)
        return Result<PolicyRepository>::fail(gitError(QStringLiteral("creating a repository in %1").arg(abs), rc));
    return fromOpened(std::move(impl), abs);
}

Result<PolicyRepository> PolicyRepository::openOrInit(const QString &filePath, const QString &workspaceDir)
{
    auto found = discover(filePath);
    if (found)
        return found;
    return init(workspaceDir.isEmpty() ? QFileInfo(filePath).absolutePath() : workspaceDir);
}

Result<PolicyRepository> PolicyRepository::fromOpened(std::unique_ptr<Impl> impl, const QString &where)
{
    const char *wd = git_repository_workdir(impl->repo.get());
    if (!wd)
        return Result<PolicyRepository>::fail(QStringLiteral("the repository of %1 is bare: it has no working files").arg(where));
    impl->workdir = QFile::decodeName(wd);
    impl->canonicalWorkdir = QFileInfo(impl->workdir).canonicalFilePath();
    if (impl->canonicalWorkdir.isEmpty())
        impl->canonicalWorkdir = QFileInfo(impl->workdir).absoluteFilePath();
    return Result<PolicyRepository>::ok(PolicyRepository(std::move(impl)));
}

QString PolicyRepository::workdir() const
{
    return d->workdir;
}

Result<QString> PolicyRepository::relativePath(const QString &file) const
{
    if (file.isEmpty())
        return Result<QString>::fail(QStringLiteral("no file given"));
    const QFileInfo fi(file);
    // Canonicalise the folder (the file itself may not exist) to match the working tree's.
    QString dir = QFileInfo(fi.absolutePath()).canonicalFilePath();
    if (dir.isEmpty())
        dir = fi.absolutePath();
    const QString abs = QDir(dir).filePath(fi.fileName());
    const QString rel = QDir(d->canonicalWorkdir).relativeFilePath(abs);
    if (rel.isEmpty() || rel == QLatin1String(".") || rel.startsWith(QLatin1String("../")) || QDir::isAbsolutePath(rel))
        return Result<QString>::fail(QStringLiteral("%1 is outside the repository at %2").arg(file, d->workdir));
    if (rel == QLatin1String(".git") || rel.startsWith(QLatin1String(".git/")))
        return Result<QString>::fail(QStringLiteral("%1 is inside the repository's .git folder").arg(file));
    return Result<QString>::ok(rel);
}

Result<FileStatus> PolicyRepository::status(const QString &file) const
{
    const auto rel = relativePath(file);
    if (!rel)
        return Result<FileStatus>::fail(rel.error);
    FileStatus st;
    st.headUnborn = git_repository_head_unborn(d->repo.get()) == 1;
    st.headDetached = git_repository_head_detached(d->repo.get()) == 1;
    if (!st.headUnborn) {
        CommitPtr head;
        QString err;
        if (!d->headCommit(head, &err))
            return Result<FileStatus>::fail(err);
        st.headId = oidHex(git_commit_id(head.get()));
    }
    if (!st.headDetached) {
        RefPtr headRef;
        if (git_reference_lookup(headRef.out(), d->repo.get(), "HEAD") == 0) {
            const char *target = git_reference_symbolic_target(headRef.get());
            if (target) {
                QString name = QString::fromUtf8(target);
                if (name.startsWith(QLatin1String("refs/heads/")))
                    name = name.mid(11);
                st.branch = name;
            }
        }
    }
    unsigned int flags = 0;
    const QByteArray path = rel->toUtf8();
    const int rc = git_status_file(&flags, d->repo.get(), path.constData());
    if (rc == GIT_ENOTFOUND) {
        st.state = FileState::Missing;
        return Result<FileStatus>::ok(st);
    }
    if (rc < 0)
        return Result<FileStatus>::fail(gitError(QStringLiteral("status of %1").arg(*rel), rc));
    if (flags == GIT_STATUS_CURRENT)
        st.state = FileState::Clean;
    else if (flags & GIT_STATUS_IGNORED)
        st.state = FileState::Ignored;
    else if (flags & GIT_STATUS_WT_DELETED)
        st.state = FileState::Deleted;
    else if (flags & GIT_STATUS_INDEX_NEW)
        st.state = FileState::Added;
    else if (flags & GIT_STATUS_WT_NEW)
        st.state = FileState::Untracked;
    else
        st.state = FileState::Modified;
    return Result<FileStatus>::ok(st);
}

Result<CommitInfo> PolicyRepository::commit(const QStringList &files, const QString &message, const Author &author)
{
    using R = Result<CommitInfo>;
    if (files.isEmpty())
        return R::fail(QStringLiteral("no file to commit"));
    if (message.trimmed().isEmpty())
        return R::fail(QStringLiteral("a commit message is required"));
    if (author.name.trimmed().isEmpty() || author.email.trimmed().isEmpty())
        return R::fail(QStringLiteral("the author's name and email are not set"));
    git_repository *repo = d->repo.get();
    if (git_repository_head_detached(repo) == 1) {
        CommitPtr head;
        QString err;
        d->headCommit(head, &err);
        return R::fail(QStringLiteral("HEAD is detached%1: a commit would belong to no branch; check out a branch first")
                           .arg(head ? QStringLiteral(" at ") + oidHex(git_commit_id(head.get())).left(7) : QString()));
    }

    CommitPtr head;
    QString err;
    if (!d->headCommit(head, &err))
        return R::fail(err);
    TreePtr baseline;
    if (head) {
        if (int rc = git_commit_tree(baseline.out(), head.get()); rc < 0)
            return R::fail(gitError(QStringLiteral("reading HEAD's tree"), rc));
    } else {
        TreeBuilderPtr tb;
        git_oid empty;
        if (int rc = git_treebuilder_new(tb.out(), repo, nullptr); rc < 0)
            return R::fail(gitError(QStringLiteral("creating an empty tree"), rc));
        if (int rc = git_treebuilder_write(&empty, tb.get()); rc < 0)
            return R::fail(gitError(QStringLiteral("creating an empty tree"), rc));
        if (int rc = git_tree_lookup(baseline.out(), repo, &empty); rc < 0)
            return R::fail(gitError(QStringLiteral("creating an empty tree"), rc));
    }

    std::vector<QByteArray> paths;
    std::vector<git_tree_update> updates;
    std::vector<bool> removed;
    for (const QString &file : files) {
        const auto rel = relativePath(file);
        if (!rel)
            return R::fail(rel.error);
        paths.push_back(rel->toUtf8());
        const QFileInfo fi(QDir(d->workdir).filePath(*rel));
        git_tree_update u{};
        u.path = nullptr; // set below, once paths stops growing
        git_oid inTree;
        if (fi.isFile()) {
            if (int rc = git_blob_create_from_workdir(&u.id, repo, paths.back().constData()); rc < 0)
                return R::fail(gitError(QStringLiteral("storing %1").arg(*rel), rc));
            u.action = GIT_TREE_UPDATE_UPSERT;
            u.filemode = fi.isExecutable() ? GIT_FILEMODE_BLOB_EXECUTABLE : GIT_FILEMODE_BLOB;
            removed.push_back(false);
        } else if (entryId(baseline.get(), paths.back(), &inTree)) {
            u.action = GIT_TREE_UPDATE_REMOVE;
            removed.push_back(true);
        } else {
            return R::fail(QStringLiteral("%1 does not exist").arg(file));
        }
        updates.push_back(u);
    }
    for (size_t i = 0; i < updates.size(); ++i)
        updates[i].path = paths[i].constData();

    git_oid treeId;
    if (int rc = git_tree_create_updated(&treeId, repo, baseline.get(), updates.size(), updates.data()); rc < 0)
        return R::fail(gitError(QStringLiteral("building the commit's tree"), rc));
    if (head && git_oid_equal(&treeId, git_tree_id(baseline.get())))
        return R::fail(QStringLiteral("nothing to commit: %1 unchanged since the last commit")
                           .arg(files.size() == 1 ? QFileInfo(files.first()).fileName() + QStringLiteral(" is")
                                                  : QStringLiteral("the files are")));
    TreePtr tree;
    if (int rc = git_tree_lookup(tree.out(), repo, &treeId); rc < 0)
        return R::fail(gitError(QStringLiteral("reading the new tree"), rc));

    SigPtr sig;
    if (int rc = git_signature_now(sig.out(), author.name.toUtf8().constData(), author.email.toUtf8().constData()); rc < 0)
        return R::fail(gitError(QStringLiteral("author"), rc));
    QByteArray msg = message.toUtf8();
    if (!msg.endsWith('\n'))
        msg.append('\n');
    git_oid commitId;
    const git_commit *parents[1] = {head.get()};
    if (int rc = git_commit_create(&commitId, repo, "HEAD", sig.get(), sig.get(), nullptr, msg.constData(), tree.get(),
                                   head ? 1 : 0, parents);
        rc < 0)
        return R::fail(gitError(QStringLiteral("committing"), rc));

    // Keep the index in step so the committed files show as clean.
    IndexPtr index;
    if (int rc = git_repository_index(index.out(), repo); rc < 0)
        return R::fail(gitError(QStringLiteral("committed, but reading the index failed"), rc));
    for (size_t i = 0; i < paths.size(); ++i) {
        const int rc = removed[i] ? git_index_remove_bypath(index.get(), paths[i].constData())
                                  : git_index_add_bypath(index.get(), paths[i].constData());
        if (rc < 0)
            return R::fail(gitError(QStringLiteral("committed, but updating the index failed"), rc));
    }
    if (int rc = git_index_write(index.get()); rc < 0)
        return R::fail(gitError(QStringLiteral("committed, but writing the index failed"), rc));

    CommitPtr created;
    if (int rc = git_commit_lookup(created.out(), repo, &commitId); rc < 0)
        return R::fail(gitError(QStringLiteral("reading the new commit"), rc));
    return R::ok(commitInfo(created.get()));
}

Result<QList<CommitInfo>> PolicyRepository::history(const QString &file, int limit) const
{
    using R = Result<QList<CommitInfo>>;
    const auto rel = relativePath(file);
    if (!rel)
        return R::fail(rel.error);
    QList<CommitInfo> out;
    git_repository *repo = d->repo.get();
    if (git_repository_head_unborn(repo) == 1)
        return R::ok(out);
    QString err;
    const QList<DeployedTag> tags = d->deployedTags(&err);
    if (!err.isEmpty())
        return R::fail(err);
    std::map<QString, QStringList> tagsByCommit;
    for (const DeployedTag &t : tags)
        tagsByCommit[t.commitId].append(t.name);

    WalkPtr walk;
    if (int rc = git_revwalk_new(walk.out(), repo); rc < 0)
        return R::fail(gitError(QStringLiteral("history"), rc));
    git_revwalk_sorting(walk.get(), GIT_SORT_TOPOLOGICAL | GIT_SORT_TIME); // children before parents, even within one second
    if (int rc = git_revwalk_push_head(walk.get()); rc < 0)
        return R::fail(gitError(QStringLiteral("history"), rc));
    const QByteArray path = rel->toUtf8();
    git_oid oid;
    while (git_revwalk_next(&oid, walk.get()) == 0) {
        CommitPtr c;
        if (int rc = git_commit_lookup(c.out(), repo, &oid); rc < 0)
            return R::fail(gitError(QStringLiteral("history"), rc));
        TreePtr tree;
        if (int rc = git_commit_tree(tree.out(), c.get()); rc < 0)
            return R::fail(gitError(QStringLiteral("history"), rc));
        git_oid mine;
        const bool present = entryId(tree.get(), path, &mine);
        const unsigned parents = git_commit_parentcount(c.get());
        bool touches;
        if (parents == 0) {
            touches = present;
        } else {
            // Like git log's default: a commit (merge or not) touches the file
            // when the file differs from every parent's.
            touches = true;
            for (unsigned i = 0; i < parents && touches; ++i) {
                CommitPtr p;
                TreePtr ptree;
                if (git_commit_parent(p.out(), c.get(), i) < 0 || git_commit_tree(ptree.out(), p.get()) < 0)
                    return R::fail(gitError(QStringLiteral("history"), -1));
                git_oid theirs;
                const bool parentHas = entryId(ptree.get(), path, &theirs);
                if (parentHas == present && (!present || git_oid_equal(&mine, &theirs)))
                    touches = false;
            }
        }
        if (!touches)
            continue;
        CommitInfo info = commitInfo(c.get());
        if (auto it = tagsByCommit.find(info.id); it != tagsByCommit.end())
            info.deployedTags = it->second;
        out.append(info);
        if (limit >= 0 && out.size() >= limit)
            break;
    }
    return R::ok(out);
}

Result<CommitInfo> PolicyRepository::resolve(const QString &rev) const
{
    CommitPtr c;
    const auto id = d->revCommit(rev, c);
    if (!id)
        return Result<CommitInfo>::fail(id.error);
    return Result<CommitInfo>::ok(commitInfo(c.get()));
}

Result<QString> PolicyRepository::revisionFor(const QString &rev, const QString &file) const
{
    using R = Result<QString>;
    if (rev != QLatin1StringView(kDeployedRevision))
        return R::ok(rev);
    const auto deployed = deployedVersion(file);
    if (!deployed)
        return R::fail(deployed.error);
    if (!*deployed)
        return R::fail(QStringLiteral("%1 has no deployed version (no deployed/* tag contains it)").arg(QFileInfo(file).fileName()));
    return R::ok((*deployed)->commitId);
}

Result<QByteArray> PolicyRepository::contentAt(const QString &revision, const QString &file) const
{
    using R = Result<QByteArray>;
    const auto rel = relativePath(file);
    if (!rel)
        return R::fail(rel.error);
    const auto named = revisionFor(revision, file);
    if (!named)
        return R::fail(named.error);
    const QString &rev = *named;
    CommitPtr c;
    const auto id = d->revCommit(rev, c);
    if (!id)
        return R::fail(id.error);
    TreePtr tree;
    if (int rc = git_commit_tree(tree.out(), c.get()); rc < 0)
        return R::fail(gitError(QStringLiteral("reading %1").arg(rev), rc));
    git_oid blobId;
    if (!entryId(tree.get(), rel->toUtf8(), &blobId))
        return R::fail(QStringLiteral("%1 does not exist at %2 (%3)").arg(*rel, rev, id->left(7)));
    BlobPtr blob;
    if (int rc = git_blob_lookup(blob.out(), d->repo.get(), &blobId); rc < 0)
        return R::fail(gitError(QStringLiteral("reading %1 at %2").arg(*rel, rev), rc));
    return R::ok(QByteArray(static_cast<const char *>(git_blob_rawcontent(blob.get())),
                            qsizetype(git_blob_rawsize(blob.get()))));
}

Result<RestoreOutcome> PolicyRepository::restore(const QString &file, const QString &rev, bool force)
{
    using R = Result<RestoreOutcome>;
    const auto named = revisionFor(rev, file);
    if (!named)
        return R::fail(named.error);
    const auto content = contentAt(*named, file);
    if (!content)
        return R::fail(content.error);
    const auto commit = resolve(*named);
    if (!commit)
        return R::fail(commit.error);
    RestoreOutcome outcome;
    outcome.commitId = commit->id;
    const auto st = status(file);
    if (!st)
        return R::fail(st.error);
    QFile current(file);
    const bool exists = current.exists();
    if (exists && current.open(QIODevice::ReadOnly) && current.readAll() == *content) {
        outcome.restored = true; // already that content: nothing to write
        return R::ok(outcome);
    }
    current.close();
    if (st->dirty() && exists && !force) {
        outcome.refusedDirty = true;
        return R::ok(outcome);
    }
    QSaveFile out(file);
    if (!out.open(QIODevice::WriteOnly))
        return R::fail(QStringLiteral("cannot write %1: %2").arg(file, out.errorString()));
    out.write(*content);
    if (!out.commit())
        return R::fail(QStringLiteral("cannot write %1: %2").arg(file, out.errorString()));
    outcome.restored = true;
    return R::ok(outcome);
}

Result<DeployedTag> PolicyRepository::markDeployed(const QString &rev, const Author &tagger, const QString &message)
{
    using R = Result<DeployedTag>;
    if (tagger.name.trimmed().isEmpty() || tagger.email.trimmed().isEmpty())
        return R::fail(QStringLiteral("the author's name and email are not set"));
    CommitPtr c;
    const auto id = d->revCommit(rev, c);
    if (!id)
        return R::fail(id.error);
    const QString base = deployedTagName(QDateTime::currentDateTimeUtc());
    QString name = base;
    for (int n = 2;; ++n) {
        RefPtr existing;
        const QByteArray ref = (QStringLiteral("refs/tags/") + name).toUtf8();
        if (git_reference_lookup(existing.out(), d->repo.get(), ref.constData()) == GIT_ENOTFOUND)
            break;
        name = base + QLatin1Char('-') + QString::number(n);
    }
    SigPtr sig;
    if (int rc = git_signature_now(sig.out(), tagger.name.toUtf8().constData(), tagger.email.toUtf8().constData()); rc < 0)
        return R::fail(gitError(QStringLiteral("tagger"), rc));
    QByteArray msg = (message.trimmed().isEmpty() ? QStringLiteral("Deployed") : message).toUtf8();
    if (!msg.endsWith('\n'))
        msg.append('\n');
    git_oid tagId;
    if (int rc = git_tag_create(&tagId, d->repo.get(), name.toUtf8().constData(), reinterpret_cast<git_object *>(c.get()),
                                sig.get(), msg.constData(), 0);
        rc < 0)
        return R::fail(gitError(QStringLiteral("creating tag %1").arg(name), rc));
    DeployedTag t;
    t.name = name;
    t.commitId = *id;
    t.time = gitTime(sig.get()->when);
    t.tagger = tagger.name;
    t.message = QString::fromUtf8(msg).trimmed();
    return R::ok(t);
}

Result<QList<DeployedTag>> PolicyRepository::deployedTags() const
{
    QString err;
    auto tags = d->deployedTags(&err);
    if (!err.isEmpty())
        return Result<QList<DeployedTag>>::fail(err);
    return Result<QList<DeployedTag>>::ok(tags);
}

Result<std::optional<DeployedTag>> PolicyRepository::deployedVersion(const QString &file) const
{
    using R = Result<std::optional<DeployedTag>>;
    const auto rel = relativePath(file);
    if (!rel)
        return R::fail(rel.error);
    QString err;
    const auto tags = d->deployedTags(&err);
    if (!err.isEmpty())
        return R::fail(err);
    for (const DeployedTag &t : tags) {
        if (contentAt(t.commitId, file))
            return R::ok(t);
    }
    return R::ok(std::nullopt);
}

PolicyProvenance PolicyRepository::provenance(const QString &file, const std::string &hash)
{
    PolicyProvenance p;
    p.hash = hash;
    if (p.hash.empty()) {
        QFile f(file);
        if (f.open(QIODevice::ReadOnly))
            p.hash = contentHash(f.readAll());
    }
    auto repo = discover(file);
    if (!repo)
        return p; // not versioned: no commit, not dirty
    CommitPtr head;
    QString err;
    if (!repo->d->headCommit(head, &err) || !head) {
        p.dirty = true; // a repository without commits: the content is in none
        return p;
    }
    p.commit = oidHex(git_commit_id(head.get()));
    const auto atHead = repo->contentAt(p.commit, file);
    p.dirty = !atHead || contentHash(*atHead) != p.hash;
    return p;
}

} // namespace osh::vcs
