// What agent code writes directly into its folders is held to the rules.

#include "model/policyloader.h"
#include "session/workspaceguard.h"

#include <QDir>
#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace osh;
using namespace osh::runtime;

class TstWorkspaceGuard : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    std::shared_ptr<PolicyDocument> m_doc;

    QString ws() const { return m_dir.filePath(QStringLiteral("ws")); }
    void write(const QString &rel, qint64 size)
    {
        QDir().mkpath(QFileInfo(ws() + QLatin1Char('/') + rel).absolutePath());
        QFile f(ws() + QLatin1Char('/') + rel);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(QByteArray(size, 'x'));
    }

private Q_SLOTS:
    void init()
    {
        QDir().mkpath(ws());
        auto r = PolicyLoader::loadText("version: 1\nname: g\nfilesystem:\n  workspace: /agent/workspace\n  rules:\n"
                                        "    - {path: /agent/workspace, permissions: read-write, allowed_extensions: [.txt, .md],"
                                        " max_file_size_mb: 1, max_total_size_mb: 2}\n",
                                        "g.yaml");
        QVERIFY(r.diagnostics.empty());
        m_doc = r.document;
    }

    void sweepRemovesWhatTheRulesRefuse()
    {
        write(QStringLiteral("notes.txt"), 10);
        write(QStringLiteral("deep/dir/README.MD"), 10);
        write(QStringLiteral("payload.sh"), 10);
        write(QStringLiteral("Makefile"), 10);
        write(QStringLiteral("big.txt"), 2 * 1024 * 1024);
        QVERIFY(QFile::link(QStringLiteral("/etc/passwd"), ws() + QStringLiteral("/link.txt")));
        WorkspaceGuard guard(m_doc->filesystem, {{"/agent/workspace", ws()}});
        QSignalSpy spy(&guard, &WorkspaceGuard::removed);
        QCOMPARE(guard.sweep(), 4);
        QCOMPARE(spy.size(), 4);
        QVERIFY(QFile::exists(ws() + QStringLiteral("/notes.txt")));
        QVERIFY(QFile::exists(ws() + QStringLiteral("/deep/dir/README.MD")));
        QVERIFY(!QFile::exists(ws() + QStringLiteral("/payload.sh")));
        QVERIFY(!QFile::exists(ws() + QStringLiteral("/Makefile")));
        QVERIFY(!QFile::exists(ws() + QStringLiteral("/big.txt")));
        QVERIFY(!QFileInfo(ws() + QStringLiteral("/link.txt")).isSymLink());
        QVERIFY(QFile::exists(QStringLiteral("/etc/passwd"))); // the link's target is untouched
        QStringList paths;
        for (const auto &args : spy)
            paths << args.at(0).toString();
        QVERIFY(paths.contains(QStringLiteral("/agent/workspace/payload.sh")));
    }

    void totalSizeKeepsTheOldest()
    {
        write(QStringLiteral("a.txt"), 900 * 1024);
        QTest::qWait(20);
        write(QStringLiteral("b.txt"), 900 * 1024);
        QTest::qWait(20);
        write(QStringLiteral("c.txt"), 900 * 1024);
        WorkspaceGuard guard(m_doc->filesystem, {{"/agent/workspace", ws()}});
        QCOMPARE(guard.sweep(), 1);
        QVERIFY(QFile::exists(ws() + QStringLiteral("/a.txt")));
        QVERIFY(QFile::exists(ws() + QStringLiteral("/b.txt")));
        QVERIFY(!QFile::exists(ws() + QStringLiteral("/c.txt")));
    }

    void liveWatching()
    {
        WorkspaceGuard guard(m_doc->filesystem, {{"/agent/workspace", ws()}});
        QSignalSpy spy(&guard, &WorkspaceGuard::removed);
        guard.start();
        write(QStringLiteral("later.exe"), 5);
        QTRY_COMPARE_WITH_TIMEOUT(spy.size(), 1, 5000);
        QVERIFY(!QFile::exists(ws() + QStringLiteral("/later.exe")));
        // New subfolders are watched too.
        QDir().mkpath(ws() + QStringLiteral("/sub"));
        QTest::qWait(200);
        write(QStringLiteral("sub/x.bin"), 5);
        QTRY_COMPARE_WITH_TIMEOUT(spy.size(), 2, 5000);
    }

    void growthPastTheLimitIsCaughtAsItHappens()
    {
        // A file that was allowed when it appeared and is then appended to
        // past max_file_size_mb: removed while the writer is still at it,
        // not when the session ends.
        write(QStringLiteral("log.txt"), 100);
        WorkspaceGuard guard(m_doc->filesystem, {{"/agent/workspace", ws()}});
        QSignalSpy spy(&guard, &WorkspaceGuard::removed);
        guard.start();
        QCOMPARE(spy.size(), 0);
        QFile f(ws() + QStringLiteral("/log.txt"));
        QVERIFY(f.open(QIODevice::Append));
        for (int i = 0; i < 3; ++i) {
            f.write(QByteArray(512 * 1024, 'y'));
            f.flush();
        }
        QTRY_COMPARE_WITH_TIMEOUT(spy.size(), 1, 2000);
        QVERIFY(!QFile::exists(ws() + QStringLiteral("/log.txt")));
        QVERIFY(spy.at(0).at(1).toString().contains(QStringLiteral("max_file_size_mb")));
    }
};

QTEST_GUILESS_MAIN(TstWorkspaceGuard)
#include "tst_workspaceguard.moc"
