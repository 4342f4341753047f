// Who a session's agent runs as: the owner of the user's workspace folder,
// the user the session runs for, or the sandbox's own user; never root, and
// never through a link. Needs root to give folders to other users.

#include "session/agentsession.h"
#include "session/sessionidentity.h"

#include "model/policyvalidator.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <unistd.h>

using namespace osh::runtime;

class TstSessionIdentity : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;

private Q_SLOTS:
    void initTestCase()
    {
        if (::geteuid() != 0)
            QSKIP("giving folders to other users needs root");
        QVERIFY(m_dir.isValid());
    }

    void choose_data()
    {
        // workspace: "" (a fresh one), "folder" (owned folderUid:folderGid),
        // "link" (to such a folder), "file", "missing". owner: -1 unset.
        // expected uid -1: refused, with `message` in the reason.
        QTest::addColumn<QString>("workspace");
        QTest::addColumn<int>("folderUid");
        QTest::addColumn<int>("folderGid");
        QTest::addColumn<int>("ownerUid");
        QTest::addColumn<int>("ownerGid");
        QTest::addColumn<int>("uid");
        QTest::addColumn<int>("gid");
        QTest::addColumn<QString>("message");
        const QString fresh;
        const QString folder = QStringLiteral("folder");
        QTest::newRow("fresh, nobody's") << fresh << 0 << 0 << -1 << -1 << 64100 << 64100 << QString();
        QTest::newRow("fresh, root's session") << fresh << 0 << 0 << 0 << 0 << 64100 << 64100 << QString();
        QTest::newRow("fresh, a user's") << fresh << 0 << 0 << 1234 << 1235 << 1234 << 1235 << QString();
        QTest::newRow("fresh, a user without a name") << fresh << 0 << 0 << 1234 << -1 << 1234 << 1234 << QString();
        QTest::newRow("fresh, a user in root's group") << fresh << 0 << 0 << 1234 << 0 << -1 << -1 << QStringLiteral("root's group");
        QTest::newRow("owner's folder") << folder << 1234 << 1234 << -1 << -1 << 1234 << 1234 << QString();
        QTest::newRow("folder's own group") << folder << 1234 << 5678 << 1234 << 1234 << 1234 << 5678 << QString();
        QTest::newRow("root's session, a user's folder") << folder << 1234 << 1234 << 0 << 0 << 1234 << 1234 << QString();
        QTest::newRow("nobody's folder") << folder << 65534 << 65534 << -1 << -1 << 65534 << 65534 << QString();
        QTest::newRow("someone else's folder") << folder << 1234 << 1234 << 4321 << 4321 << -1 << -1
                                               << QStringLiteral("belongs to uid 1234, not to you (uid 4321)");
        QTest::newRow("root's folder") << folder << 0 << 0 << -1 << -1 << -1 << -1 << QStringLiteral("belongs to root");
        QTest::newRow("root's folder, root's session") << folder << 0 << 0 << 0 << 0 << -1 << -1 << QStringLiteral("belongs to root");
        QTest::newRow("root's folder, a user's session") << folder << 0 << 0 << 1234 << 1234 << -1 << -1
                                                         << QStringLiteral("belongs to uid 0, not to you (uid 1234)");
        QTest::newRow("root's group") << folder << 1234 << 0 << -1 << -1 << -1 << -1 << QStringLiteral("root's group");
        QTest::newRow("link to a user's folder") << QStringLiteral("link") << 1234 << 1234 << -1 << -1 << -1 << -1
                                                 << QStringLiteral("symbolic link");
        QTest::newRow("a file") << QStringLiteral("file") << 1234 << 1234 << -1 << -1 << -1 << -1 << QStringLiteral("not a folder");
        QTest::newRow("missing") << QStringLiteral("missing") << 0 << 0 << 1234 << 1234 << -1 << -1 << QStringLiteral("does not exist");
    }
    void choose()
    {
        QFETCH(QString, workspace);
        QFETCH(int, folderUid);
        QFETCH(int, folderGid);
        QFETCH(int, ownerUid);
        QFETCH(int, ownerGid);
        QFETCH(int, uid);
        QFETCH(int, gid);
        QFETCH(QString, message);
        const QString base = m_dir.filePath(QString::fromLatin1(QTest::currentDataTag()).replace(u' ', u'_'));
        QString path;
        if (workspace == u"folder" || workspace == u"link") {
            QVERIFY(QDir().mkpath(base + QStringLiteral("/ws")));
            QVERIFY(::chown(QFile::encodeName(base + QStringLiteral("/ws")).constData(), folderUid, folderGid) == 0);
            path = base + QStringLiteral("/ws");
            if (workspace == u"link") {
                QVERIFY(QFile::link(path, base + QStringLiteral("/link")));
                path = base + QStringLiteral("/link");
            }
        } else if (workspace == u"file") {
            QVERIFY(QDir().mkpath(base));
            path = base + QStringLiteral("/file");
            QFile f(path);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.close();
            QVERIFY(::chown(QFile::encodeName(path).constData(), folderUid, folderGid) == 0);
        } else if (workspace == u"missing") {
            path = base + QStringLiteral("/missing");
        }
        QString error;
        const auto chosen = SessionIdentity::choose(path, ownerUid < 0 ? std::nullopt : std::optional<uid_t>(ownerUid),
                                                    ownerGid < 0 ? std::nullopt : std::optional<gid_t>(ownerGid), &error);
        if (uid < 0) {
            QVERIFY(!chosen);
            QVERIFY2(error.contains(message), qPrintable(error));
            return;
        }
        QVERIFY2(chosen, qPrintable(error));
        QCOMPARE(int(chosen->uid), uid);
        QCOMPARE(int(chosen->gid), gid);
    }

    // Given pinned folders (as the service gives them), a session never
    // falls back to a folder's path: one the caller did not open is refused
    // before anything starts.
    void unpinnedFoldersAreRefused()
    {
        const QString policyDir = m_dir.filePath(QStringLiteral("pinned-policy"));
        const QString secret = m_dir.filePath(QStringLiteral("not-opened"));
        QVERIFY(QDir().mkpath(policyDir) && QDir().mkpath(secret));
        const std::string text = "version: 1\nname: pinned\nsandbox:\n  isolation: gvisor\n  max_execution_time_seconds: 30\n"
                                 "filesystem:\n  workspace: /agent/workspace\n  rules:\n"
                                 "    - {path: /data, permissions: read, source: " + secret.toStdString() + "}\n";
        osh::ValidationOptions vo;
        vo.baseDir = policyDir.toStdString();
        const auto loaded = osh::PolicyValidator::checkText(text, "pinned.policy.yaml", vo);
        QVERIFY(loaded.document);
        AgentSession::Options o;
        o.policyFile = policyDir + QStringLiteral("/pinned.policy.yaml");
        o.document = loaded.document;
        o.command = {QStringLiteral("true")};
        o.dataDir = m_dir.filePath(QStringLiteral("data"));
        o.approvals = AgentSession::Approvals::AutoDeny;
        o.hostPaths.insert(policyDir, policyDir); // the policy's folder is mapped, the rule's source is not
        AgentSession session(o);
        QString error;
        QVERIFY2(!session.start(&error), "a folder nobody opened for the session was mounted by its path");
        QVERIFY2(error.contains(secret), qPrintable(error));
    }
};

QTEST_GUILESS_MAIN(TstSessionIdentity)
#include "tst_sessionidentity.moc"
