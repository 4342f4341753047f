// PolicyRepository on real temporary repositories: init, commit, history,
// content at a revision, diff, restore, deployed tags, a workspace that is
// not a repository, a detached HEAD and a dirty working tree. libgit2 is
// used directly only to set up states (a detached HEAD) and to check what
// was written independently of the class under test.

#include "vcs/policyrepository.h"
#include "vcs/textdiff.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <git2.h>

using namespace osh::vcs;

namespace {

const Author kAlice{QStringLiteral("Alice Example"), QStringLiteral("alice@example.org")};
const Author kBob{QStringLiteral("Bob Example"), QStringLiteral("bob@example.org")};

void writeFile(const QString &path, const QByteArray &bytes)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
    f.write(bytes);
}

QByteArray readFile(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return f.readAll();
}

// Raw libgit2 view of a repository, independent of PolicyRepository.
struct RawRepo
{
    git_repository *repo = nullptr;
    explicit RawRepo(const QString &dir)
    {
        git_libgit2_init();
        if (git_repository_open(&repo, QFile::encodeName(dir).constData()) < 0)
            repo = nullptr;
    }
    ~RawRepo()
    {
        git_repository_free(repo);
        git_libgit2_shutdown();
    }
    QString revId(const char *spec) const
    {
        git_object *o = nullptr;
        if (git_revparse_single(&o, repo, spec) < 0)
            return {};
        char buf[GIT_OID_HEXSZ + 1];
        git_oid_tostr(buf, sizeof buf, git_object_id(o));
        const git_object_t type = git_object_type(o);
        git_object_free(o);
        return QString::fromLatin1(buf) + (type == GIT_OBJECT_TAG ? QStringLiteral(":tag") : QString());
    }
    int commitCount() const
    {
        git_revwalk *w = nullptr;
        git_revwalk_new(&w, repo);
        if (git_revwalk_push_head(w) < 0) {
            git_revwalk_free(w);
            return 0;
        }
        git_oid oid;
        int n = 0;
        while (git_revwalk_next(&oid, w) == 0)
            ++n;
        git_revwalk_free(w);
        return n;
    }
    bool detachAt(const char *spec)
    {
        git_object *o = nullptr;
        if (git_revparse_single(&o, repo, spec) < 0)
            return false;
        const bool ok = git_repository_set_head_detached(repo, git_object_id(o)) == 0;
        git_object_free(o);
        return ok;
    }
};

} // namespace

class TstPolicyRepository : public QObject
{
    Q_OBJECT

    QString m_root;
    std::unique_ptr<QTemporaryDir> m_tmp;

    QString path(const QString &rel) const { return QDir(m_root).filePath(rel); }
    QString policy() const { return path(QStringLiteral("main.policy.yaml")); }

    PolicyRepository initRepo()
    {
        auto repo = PolicyRepository::init(m_root);
        if (!repo)
            qFatal("init failed: %s", qPrintable(repo.error));
        return std::move(*repo.value);
    }

    // Three commits of main.policy.yaml (v1 Alice, v2 Bob, v3 Alice), one of other.yaml between.
    PolicyRepository threeVersions()
    {
        PolicyRepository repo = initRepo();
        writeFile(policy(), "version: 1\nname: v1\n");
        if (!repo.commit({policy()}, QStringLiteral("First version"), kAlice))
            qFatal("commit 1");
        writeFile(policy(), "version: 1\nname: v2\n");
        if (!repo.commit({policy()}, QStringLiteral("Second version\n\nWith a body."), kBob))
            qFatal("commit 2");
        writeFile(path(QStringLiteral("other.yaml")), "x: 1\n");
        if (!repo.commit({path(QStringLiteral("other.yaml"))}, QStringLiteral("Other file"), kBob))
            qFatal("commit other");
        writeFile(policy(), "version: 1\nname: v3\n");
        if (!repo.commit({policy()}, QStringLiteral("Third version"), kAlice))
            qFatal("commit 3");
        return repo;
    }

private Q_SLOTS:
    void init()
    {
        m_tmp = std::make_unique<QTemporaryDir>();
        QVERIFY(m_tmp->isValid());
        m_root = QFileInfo(m_tmp->path()).canonicalFilePath();
    }

    void workspaceNotYetARepository()
    {
        writeFile(policy(), "version: 1\n");
        const auto found = PolicyRepository::discover(policy());
        QVERIFY(!found);
        QVERIFY2(found.error.contains(QStringLiteral("not in a git repository")), qPrintable(found.error));

        // A session run from an unversioned file: no commit, not dirty, the hash of the bytes.
        const PolicyProvenance p = PolicyRepository::provenance(policy());
        QVERIFY(p.commit.isEmpty());
        QVERIFY(!p.dirty);
        QCOMPARE(p.hash, contentHash("version: 1\n"));
        QCOMPARE(p.hash.size(), size_t(64));

        // Initialised on first save.
        auto repo = PolicyRepository::openOrInit(policy(), m_root);
        QVERIFY2(repo, qPrintable(repo.error));
        QVERIFY(QFileInfo(path(QStringLiteral(".git"))).isDir());
        QCOMPARE(QFileInfo(repo->workdir()).canonicalFilePath(), m_root);
        const auto st = repo->status(policy());
        QVERIFY2(st, qPrintable(st.error));
        QVERIFY(st->headUnborn);
        QCOMPARE(st->state, FileState::Untracked);
        QVERIFY(st->dirty());
        QVERIFY(repo->history(policy())->isEmpty());
        // In a repository without commits the content is in no commit: dirty.
        const PolicyProvenance unborn = PolicyRepository::provenance(policy());
        QVERIFY(unborn.commit.isEmpty());
        QVERIFY(unborn.dirty);

        // A second openOrInit opens the same repository, it does not re-initialise.
        QVERIFY(repo->commit({policy()}, QStringLiteral("Initial"), kAlice));
        auto again = PolicyRepository::openOrInit(policy(), m_root);
        QVERIFY(again);
        QCOMPARE(again->history(policy())->size(), 1);
    }

    void firstCommitOnUnbornHead()
    {
        PolicyRepository repo = initRepo();
        writeFile(policy(), "version: 1\n");
        const auto c = repo.commit({policy()}, QStringLiteral("Add the policy"), kAlice);
        QVERIFY2(c, qPrintable(c.error));
        QCOMPARE(c->id.size(), 40);
        QCOMPARE(c->shortId, c->id.left(7));
        QCOMPARE(c->authorName, kAlice.name);
        QCOMPARE(c->authorEmail, kAlice.email);
        QCOMPARE(c->summary, QStringLiteral("Add the policy"));
        QVERIFY(qAbs(c->time.secsTo(QDateTime::currentDateTimeUtc())) < 60);

        RawRepo raw(m_root);
        QVERIFY(raw.repo);
        QCOMPARE(raw.revId("HEAD"), c->id);
        QCOMPARE(raw.commitCount(), 1);
        QVERIFY(!raw.revId("HEAD:main.policy.yaml").isEmpty());

        const auto st = repo.status(policy());
        QVERIFY(st);
        QCOMPARE(st->state, FileState::Clean);
        QVERIFY(!st->headUnborn);
        QVERIFY(!st->headDetached);
        QVERIFY(!st->branch.isEmpty());
        QCOMPARE(st->headId, c->id);
    }

    void commitRefusals()
    {
        PolicyRepository repo = initRepo();
        writeFile(policy(), "version: 1\n");
        auto r = repo.commit({policy()}, QStringLiteral("  "), kAlice);
        QVERIFY(!r);
        QVERIFY(r.error.contains(QStringLiteral("message")));
        r = repo.commit({policy()}, QStringLiteral("msg"), Author{});
        QVERIFY(!r);
        QVERIFY(r.error.contains(QStringLiteral("author")));
        r = repo.commit({path(QStringLiteral("nope.yaml"))}, QStringLiteral("msg"), kAlice);
        QVERIFY(!r);
        QVERIFY2(r.error.contains(QStringLiteral("does not exist")), qPrintable(r.error));
        QTemporaryDir elsewhere;
        writeFile(elsewhere.filePath(QStringLiteral("x.yaml")), "a: 1\n");
        r = repo.commit({elsewhere.filePath(QStringLiteral("x.yaml"))}, QStringLiteral("msg"), kAlice);
        QVERIFY(!r);
        QVERIFY2(r.error.contains(QStringLiteral("outside the repository")), qPrintable(r.error));
        QVERIFY(!repo.commit({}, QStringLiteral("msg"), kAlice));

        QVERIFY(repo.commit({policy()}, QStringLiteral("ok"), kAlice));
        r = repo.commit({policy()}, QStringLiteral("again"), kAlice);
        QVERIFY(!r);
        QVERIFY2(r.error.contains(QStringLiteral("nothing to commit")), qPrintable(r.error));
        QCOMPARE(RawRepo(m_root).commitCount(), 1);
    }

    void commitOnlyTheGivenFiles()
    {
        PolicyRepository repo = initRepo();
        writeFile(policy(), "version: 1\n");
        writeFile(path(QStringLiteral("notes.txt")), "private\n");
        writeFile(path(QStringLiteral("sub/dir/nested.yaml")), "n: 1\n");
        QVERIFY(repo.commit({policy(), path(QStringLiteral("sub/dir/nested.yaml"))}, QStringLiteral("two files"), kAlice));
        RawRepo raw(m_root);
        QVERIFY(!raw.revId("HEAD:sub/dir/nested.yaml").isEmpty());
        QVERIFY(raw.revId("HEAD:notes.txt").isEmpty());
        QCOMPARE(repo.status(path(QStringLiteral("notes.txt")))->state, FileState::Untracked);
        QCOMPARE(repo.status(path(QStringLiteral("sub/dir/nested.yaml")))->state, FileState::Clean);

        // Discovered from a nested file.
        auto nested = PolicyRepository::discover(path(QStringLiteral("sub/dir/nested.yaml")));
        QVERIFY2(nested, qPrintable(nested.error));
        QCOMPARE(*nested->relativePath(path(QStringLiteral("sub/dir/nested.yaml"))), QStringLiteral("sub/dir/nested.yaml"));
        // ... and from a file that is not saved yet.
        QVERIFY(PolicyRepository::discover(path(QStringLiteral("sub/new/unsaved.yaml"))));

        // Deleting a tracked file and committing it removes it from the tree.
        QVERIFY(QFile::remove(policy()));
        QCOMPARE(repo.status(policy())->state, FileState::Deleted);
        QVERIFY(repo.commit({policy()}, QStringLiteral("remove"), kAlice));
        QVERIFY(RawRepo(m_root).revId("HEAD:main.policy.yaml").isEmpty());
        QCOMPARE(repo.status(policy())->state, FileState::Missing);
    }

    void historyOfAFile()
    {
        PolicyRepository repo = threeVersions();
        const auto h = repo.history(policy());
        QVERIFY2(h, qPrintable(h.error));
        QCOMPARE(h->size(), 3); // the commit of other.yaml is not in it
        QCOMPARE(h->at(0).summary, QStringLiteral("Third version"));
        QCOMPARE(h->at(1).summary, QStringLiteral("Second version"));
        QCOMPARE(h->at(1).message, QStringLiteral("Second version\n\nWith a body.\n"));
        QCOMPARE(h->at(1).authorName, kBob.name);
        QCOMPARE(h->at(2).authorEmail, kAlice.email);
        QCOMPARE(h->at(0).id, RawRepo(m_root).revId("HEAD"));
        QVERIFY(h->at(0).time >= h->at(2).time);

        QCOMPARE(repo.history(policy(), 2)->size(), 2);
        const auto other = repo.history(path(QStringLiteral("other.yaml")));
        QCOMPARE(other->size(), 1);
        QCOMPARE(other->first().summary, QStringLiteral("Other file"));
        QVERIFY(repo.history(path(QStringLiteral("never.yaml")))->isEmpty());
    }

    void contentAtRevisions()
    {
        PolicyRepository repo = threeVersions();
        QCOMPARE(*repo.contentAt(QStringLiteral("HEAD"), policy()), QByteArray("version: 1\nname: v3\n"));
        // HEAD~1 is the commit of other.yaml; the file there is still v2.
        QCOMPARE(*repo.contentAt(QStringLiteral("HEAD~1"), policy()), QByteArray("version: 1\nname: v2\n"));
        const auto h = repo.history(policy());
        QCOMPARE(*repo.contentAt(h->at(2).shortId, policy()), QByteArray("version: 1\nname: v1\n"));
        QCOMPARE(*repo.contentAt(h->at(2).id, policy()), QByteArray("version: 1\nname: v1\n"));

        auto missing = repo.contentAt(h->at(2).id, path(QStringLiteral("other.yaml")));
        QVERIFY(!missing);
        QVERIFY2(missing.error.contains(QStringLiteral("does not exist at")), qPrintable(missing.error));
        auto unknown = repo.contentAt(QStringLiteral("no-such-rev"), policy());
        QVERIFY(!unknown);
        QVERIFY2(unknown.error.contains(QStringLiteral("unknown revision 'no-such-rev'")), qPrintable(unknown.error));
        QVERIFY(!repo.contentAt(QString(), policy()));
        QCOMPARE(repo.resolve(QStringLiteral("HEAD~3"))->summary, QStringLiteral("First version"));
        QVERIFY(!repo.resolve(QStringLiteral("HEAD~9")));
    }

    void diffOfTwoVersions()
    {
        PolicyRepository repo = threeVersions();
        const auto h = repo.history(policy());
        const QByteArray a = *repo.contentAt(h->at(2).id, policy());
        const QByteArray b = *repo.contentAt(QStringLiteral("HEAD"), policy());
        const auto hunks = diffText(a.toStdString(), b.toStdString(), 3);
        QCOMPARE(hunks.size(), size_t(1));
        QCOMPARE(unifiedDiff(hunks, "a", "b"),
                 std::string("--- a\n+++ b\n@@ -1,2 +1,2 @@\n version: 1\n-name: v1\n+name: v3\n"));
    }

    void restoreAVersion()
    {
        PolicyRepository repo = threeVersions();
        const auto h = repo.history(policy());
        // Clean working file: restored straight away, not committed.
        auto r = repo.restore(policy(), h->at(2).shortId, false);
        QVERIFY2(r, qPrintable(r.error));
        QVERIFY(r->restored);
        QVERIFY(!r->refusedDirty);
        QCOMPARE(r->commitId, h->at(2).id);
        QCOMPARE(readFile(policy()), QByteArray("version: 1\nname: v1\n"));
        QCOMPARE(repo.status(policy())->state, FileState::Modified);
        QCOMPARE(RawRepo(m_root).commitCount(), 4);

        // Now the working file has changes HEAD lacks: refused without force.
        r = repo.restore(policy(), QStringLiteral("HEAD~1"), false);
        QVERIFY(r);
        QVERIFY(!r->restored);
        QVERIFY(r->refusedDirty);
        QCOMPARE(readFile(policy()), QByteArray("version: 1\nname: v1\n"));
        r = repo.restore(policy(), QStringLiteral("HEAD~1"), true);
        QVERIFY(r->restored);
        QCOMPARE(readFile(policy()), QByteArray("version: 1\nname: v2\n"));

        // Restoring HEAD over a dirty file, forced, makes it clean again.
        QVERIFY(repo.restore(policy(), QStringLiteral("HEAD"), true)->restored);
        QCOMPARE(repo.status(policy())->state, FileState::Clean);

        // A file deleted from the working tree comes back.
        QVERIFY(QFile::remove(policy()));
        QVERIFY(repo.restore(policy(), QStringLiteral("HEAD"), false)->restored);
        QCOMPARE(readFile(policy()), QByteArray("version: 1\nname: v3\n"));

        QVERIFY(!repo.restore(policy(), QStringLiteral("nope"), true));
    }

    void deployedTags()
    {
        PolicyRepository repo = threeVersions();
        QVERIFY(repo.deployedTags()->isEmpty());
        QVERIFY(!repo.deployedVersion(policy())->has_value());
        const QString deployedName = QString::fromLatin1(osh::vcs::kDeployedRevision);
        const auto none = repo.contentAt(deployedName, policy());
        QVERIFY(!none);
        QVERIFY2(none.error.contains(QStringLiteral("no deployed version")), qPrintable(none.error));

        const auto t1 = repo.markDeployed(QStringLiteral("HEAD~2"), kAlice, QStringLiteral("to staging"));
        QVERIFY2(t1, qPrintable(t1.error));
        QVERIFY(t1->name.startsWith(QStringLiteral("deployed/")));
        QCOMPARE(t1->name.size(), int(qstrlen("deployed/20261127T101500Z")));
        const auto h = repo.history(policy());
        QCOMPARE(t1->commitId, h->at(1).id);
        // An annotated tag object, pointing at the commit.
        RawRepo raw(m_root);
        QVERIFY(raw.revId(t1->name.toUtf8().constData()).endsWith(QStringLiteral(":tag")));
        QCOMPARE(raw.revId((t1->name + QStringLiteral("^{commit}")).toUtf8().constData()), t1->commitId);

        // A second deployment in the same second gets its own name.
        const auto t2 = repo.markDeployed(QStringLiteral("HEAD"), kBob, QString());
        QVERIFY2(t2, qPrintable(t2.error));
        QVERIFY(t2->name != t1->name);
        QCOMPARE(t2->message, QStringLiteral("Deployed"));

        const auto tags = repo.deployedTags();
        QCOMPARE(tags->size(), 2);
        QCOMPARE(tags->at(0).name, t2->name); // newest first
        QCOMPARE(tags->at(1).message, QStringLiteral("to staging"));
        QCOMPARE(tags->at(1).tagger, kAlice.name);

        const auto hist = repo.history(policy());
        QCOMPARE(hist->at(0).deployedTags, QStringList{t2->name});
        QCOMPARE(hist->at(1).deployedTags, QStringList{t1->name});
        QVERIFY(hist->at(2).deployedTags.isEmpty());

        const auto dv = repo.deployedVersion(policy());
        QVERIFY(dv->has_value());
        QCOMPARE((*dv)->name, t2->name);
        // A file absent from every deployed commit has no deployed version.
        writeFile(path(QStringLiteral("late.yaml")), "l: 1\n");
        QVERIFY(repo.commit({path(QStringLiteral("late.yaml"))}, QStringLiteral("late"), kAlice));
        QVERIFY(!repo.deployedVersion(path(QStringLiteral("late.yaml")))->has_value());
        QCOMPARE(*repo.contentAt(t1->name, policy()), QByteArray("version: 1\nname: v2\n"));
        // DEPLOYED names the file's newest deployed version.
        QCOMPARE(*repo.revisionFor(deployedName, policy()), t2->commitId);
        QCOMPARE(*repo.revisionFor(QStringLiteral("HEAD~1"), policy()), QStringLiteral("HEAD~1"));
        QCOMPARE(*repo.contentAt(deployedName, policy()), *repo.contentAt(t2->commitId, policy()));
        QVERIFY(!repo.contentAt(deployedName, path(QStringLiteral("late.yaml"))));
        writeFile(policy(), "version: 1\nname: edited\n");
        const auto back = repo.restore(policy(), deployedName, true);
        QVERIFY2(back && back->restored, qPrintable(back.error));
        QCOMPARE(back->commitId, t2->commitId);
        QCOMPARE(readFile(policy()), *repo.contentAt(t2->commitId, policy()));

        QVERIFY(!repo.markDeployed(QStringLiteral("nope"), kAlice, QString()));
        QVERIFY(!repo.markDeployed(QStringLiteral("HEAD"), Author{}, QString()));
    }

    void detachedHead()
    {
        PolicyRepository repo = threeVersions();
        {
            RawRepo raw(m_root);
            QVERIFY(raw.detachAt("HEAD~2"));
        }
        const auto st = repo.status(policy());
        QVERIFY(st);
        QVERIFY(st->headDetached);
        QVERIFY(st->branch.isEmpty());
        // HEAD moved without a checkout: the working file (v3) differs from HEAD (v2).
        QCOMPARE(st->state, FileState::Modified);
        writeFile(policy(), "version: 1\nname: on detached\n");
        const auto c = repo.commit({policy()}, QStringLiteral("detached"), kAlice);
        QVERIFY(!c);
        QVERIFY2(c.error.contains(QStringLiteral("detached")) && c.error.contains(QStringLiteral("branch")),
                 qPrintable(c.error));
        // History and contents follow the detached HEAD.
        const auto h = repo.history(policy());
        QCOMPARE(h->size(), 2);
        QCOMPARE(h->first().summary, QStringLiteral("Second version"));
        QCOMPARE(*repo.contentAt(QStringLiteral("HEAD"), policy()), QByteArray("version: 1\nname: v2\n"));
        const PolicyProvenance p = PolicyRepository::provenance(policy());
        QCOMPARE(p.commit, h->first().id);
        QVERIFY(p.dirty);
    }

    void dirtyWorkingTree()
    {
        PolicyRepository repo = threeVersions();
        const QString head = RawRepo(m_root).revId("HEAD");
        PolicyProvenance p = PolicyRepository::provenance(policy());
        QCOMPARE(p.commit, head);
        QVERIFY(!p.dirty);
        QCOMPARE(p.hash, contentHash("version: 1\nname: v3\n"));

        writeFile(policy(), "version: 1\nname: edited\n");
        QCOMPARE(repo.status(policy())->state, FileState::Modified);
        QVERIFY(repo.status(policy())->dirty());
        p = PolicyRepository::provenance(policy());
        QCOMPARE(p.commit, head);
        QVERIFY(p.dirty);
        QCOMPARE(p.hash, contentHash("version: 1\nname: edited\n"));

        // Unsaved editor content equal to HEAD's: the hash given decides, not the disk.
        p = PolicyRepository::provenance(policy(), contentHash("version: 1\nname: v3\n"));
        QVERIFY(!p.dirty);
        QCOMPARE(p.commit, head);

        // An untracked file in a repository with commits: the commit, and dirty.
        writeFile(path(QStringLiteral("draft.yaml")), "d: 1\n");
        p = PolicyRepository::provenance(path(QStringLiteral("draft.yaml")));
        QCOMPARE(p.commit, head);
        QVERIFY(p.dirty);
        QCOMPARE(repo.status(path(QStringLiteral("draft.yaml")))->state, FileState::Untracked);

        // Staged with another tool but not committed: Added, and a commit of
        // main.policy.yaml leaves it out.
        {
            RawRepo raw(m_root);
            git_index *index = nullptr;
            QCOMPARE(git_repository_index(&index, raw.repo), 0);
            QCOMPARE(git_index_add_bypath(index, "draft.yaml"), 0);
            QCOMPARE(git_index_write(index), 0);
            git_index_free(index);
        }
        QCOMPARE(repo.status(path(QStringLiteral("draft.yaml")))->state, FileState::Added);
        QVERIFY(repo.commit({policy()}, QStringLiteral("edited"), kAlice));
        QVERIFY(RawRepo(m_root).revId("HEAD:draft.yaml").isEmpty());
        QCOMPARE(repo.status(path(QStringLiteral("draft.yaml")))->state, FileState::Added);
        QCOMPARE(repo.status(policy())->state, FileState::Clean);
    }

    void bareRepositoryIsRefused()
    {
        git_libgit2_init();
        git_repository *bare = nullptr;
        QCOMPARE(git_repository_init(&bare, QFile::encodeName(path(QStringLiteral("bare.git"))).constData(), 1), 0);
        git_repository_free(bare);
        git_libgit2_shutdown();
        const auto r = PolicyRepository::discover(path(QStringLiteral("bare.git/x.yaml")));
        QVERIFY(!r);
        QVERIFY2(r.error.contains(QStringLiteral("bare")), qPrintable(r.error));
    }
};

QTEST_GUILESS_MAIN(TstPolicyRepository)
#include "tst_policyrepository.moc"
