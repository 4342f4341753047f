// Cleanup policies, snapshots and the safe restore (crafted archives are
// built here with libarchive). No sandbox runs, no root needed.

#include "sandbox/sandboxworkspace.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QTemporaryDir>
#include <QTest>

#include <atomic>
#include <thread>

#include <archive.h>
#include <fcntl.h>
#include <stdio.h>
#include <archive_entry.h>

using namespace osh;
using namespace osh::runtime;

namespace {

struct Item
{
    const char *path = nullptr;
    enum { File, Dir, Symlink, Hardlink } type = File;
    QByteArray data; // contents, or link target
};

void writeFile(const QString &path, const QByteArray &data)
{
    QDir().mkpath(QFileInfo(path).path());
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(data);
}

QByteArray readFile(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

QString craft(const QString &path, const QList<Item> &items)
{
    archive *a = archive_write_new();
    archive_write_add_filter_zstd(a);
    archive_write_set_format_pax_restricted(a);
    archive_write_open_filename(a, QFile::encodeName(path).constData());
    for (const Item &it : items) {
        archive_entry *e = archive_entry_new();
        archive_entry_set_pathname(e, it.path);
        archive_entry_set_perm(e, 0644);
        switch (it.type) {
        case Item::File:
            archive_entry_set_filetype(e, AE_IFREG);
            archive_entry_set_size(e, it.data.size());
            break;
        case Item::Dir:
            archive_entry_set_filetype(e, AE_IFDIR);
            break;
        case Item::Symlink:
            archive_entry_set_filetype(e, AE_IFLNK);
            archive_entry_set_symlink(e, it.data.constData());
            break;
        case Item::Hardlink:
            archive_entry_set_filetype(e, AE_IFREG);
            archive_entry_set_hardlink(e, it.data.constData());
            break;
        }
        archive_write_header(a, e);
        if (it.type == Item::File)
            archive_write_data(a, it.data.constData(), it.data.size());
        archive_entry_free(e);
    }
    archive_write_close(a);
    archive_write_free(a);
    return path;
}

} // namespace

Q_DECLARE_METATYPE(Item)

class TstSandboxWorkspace : public QObject
{
    Q_OBJECT
    QTemporaryDir m_tmp;

private Q_SLOTS:
    void snapshotAndRestore()
    {
        const QString ws = m_tmp.path() + QStringLiteral("/ws");
        const QString bundle = m_tmp.path() + QStringLiteral("/bundle");
        writeFile(ws + QStringLiteral("/notes.txt"), "hello");
        writeFile(ws + QStringLiteral("/sub/dir/.hidden"), QByteArray(100000, 'x'));
        QVERIFY(QFile::link(QStringLiteral("sub/dir/.hidden"), ws + QStringLiteral("/link")));
        writeFile(bundle + QStringLiteral("/config.json"), "{}");
        const QJsonObject state{{QStringLiteral("session"), QStringLiteral("s1")}, {QStringLiteral("exit"), 0}};
        const CleanupResult res = SandboxWorkspace::applyCleanup(CleanupPolicy::Snapshot, bundle, ws,
                                                                 m_tmp.path() + QStringLiteral("/snaps"), QStringLiteral("s1"), state);
        QVERIFY2(res.ok, qPrintable(res.error));
        QVERIFY(res.snapshotPath.endsWith(QStringLiteral("/snaps/s1.tar.zst")));
        QVERIFY(QFileInfo::exists(res.snapshotPath));
        QVERIFY(!QFileInfo::exists(ws));
        QVERIFY(!QFileInfo::exists(bundle));

        const QString out = m_tmp.path() + QStringLiteral("/restored");
        QString err;
        QVERIFY2(SandboxWorkspace::restore(res.snapshotPath, out, &err), qPrintable(err));
        QCOMPARE(readFile(out + QStringLiteral("/workspace/notes.txt")), QByteArray("hello"));
        QCOMPARE(readFile(out + QStringLiteral("/workspace/sub/dir/.hidden")), QByteArray(100000, 'x'));
        QCOMPARE(QFileInfo(out + QStringLiteral("/workspace/link")).symLinkTarget(),
                 out + QStringLiteral("/workspace/sub/dir/.hidden"));
        QCOMPARE(QJsonDocument::fromJson(readFile(out + QStringLiteral("/session.json"))).object(), state);
        // Restoring over something is refused.
        QVERIFY(!SandboxWorkspace::restore(res.snapshotPath, out, &err));
    }

    // A folder of the workspace swapped with a link to a folder outside,
    // over and over while snapshots are taken (as root): nothing from
    // outside may end up in one. The walk opens each component beneath its
    // parent's descriptor without following links, so no timing helps.
    void snapshotNeverFollowsASwappedFolder()
    {
        const QString ws = m_tmp.path() + QStringLiteral("/swap-ws");
        const QString outside = m_tmp.path() + QStringLiteral("/outside");
        for (int i = 0; i < 300; ++i) {
            writeFile(ws + QStringLiteral("/d/f%1").arg(i), "inside");
            writeFile(outside + QStringLiteral("/f%1").arg(i), "SECRET-OUTSIDE");
        }
        QVERIFY(QFile::link(outside, ws + QStringLiteral("/l")));
        std::atomic<bool> stop{false};
        std::thread swapper([&] {
            const QByteArray d = QFile::encodeName(ws + QStringLiteral("/d"));
            const QByteArray l = QFile::encodeName(ws + QStringLiteral("/l"));
            while (!stop)
                ::renameat2(AT_FDCWD, d.constData(), AT_FDCWD, l.constData(), RENAME_EXCHANGE);
        });
        int leaked = 0;
        for (int round = 0; round < 15 && leaked == 0; ++round) {
            QString err;
            const QString snap = SandboxWorkspace::snapshot(ws, {}, m_tmp.path() + QStringLiteral("/swap-snaps"),
                                                            QStringLiteral("r%1").arg(round), &err);
            QVERIFY2(!snap.isEmpty(), qPrintable(err));
            // Every file's content in the archive (restore would refuse the
            // absolute link, so it is read directly).
            archive *a = archive_read_new();
            archive_read_support_filter_all(a);
            archive_read_support_format_tar(a);
            QCOMPARE(archive_read_open_filename(a, QFile::encodeName(snap).constData(), 65536), ARCHIVE_OK);
            archive_entry *e = nullptr;
            int files = 0;
            while (archive_read_next_header(a, &e) == ARCHIVE_OK) {
                char buf[64];
                const la_ssize_t n = archive_read_data(a, buf, sizeof buf);
                files += n > 0 ? 1 : 0;
                leaked += n > 0 && QByteArray(buf, static_cast<qsizetype>(n)).contains("SECRET") ? 1 : 0;
            }
            archive_read_free(a);
            QVERIFY(files > 0);
        }
        stop = true;
        swapper.join();
        QCOMPARE(leaked, 0);
    }

    void destroyAndPreserve()
    {
        const QString ws = m_tmp.path() + QStringLiteral("/ws2");
        const QString bundle = m_tmp.path() + QStringLiteral("/bundle2");
        writeFile(ws + QStringLiteral("/a"), "a");
        writeFile(bundle + QStringLiteral("/b"), "b");
        CleanupResult r = SandboxWorkspace::applyCleanup(CleanupPolicy::Preserve, bundle, ws, {}, QStringLiteral("s2"), {});
        QVERIFY(r.ok);
        QCOMPARE(r.keptPaths, QStringList({bundle, ws}));
        QVERIFY(QFileInfo::exists(ws + QStringLiteral("/a")));
        r = SandboxWorkspace::applyCleanup(CleanupPolicy::Destroy, bundle, ws, {}, QStringLiteral("s2"), {});
        QVERIFY(r.ok);
        QVERIFY(!QFileInfo::exists(ws));
        QVERIFY(!QFileInfo::exists(bundle));
    }

    void hostileArchivesRefused_data()
    {
        QTest::addColumn<QList<Item>>("items");
        QTest::newRow("dotdot") << QList<Item>{{"workspace/../../evil.txt", Item::File, "x"}};
        QTest::newRow("dotdot-inside") << QList<Item>{{"a/../../evil.txt", Item::File, "x"}};
        QTest::newRow("absolute") << QList<Item>{{"/tmp/osh-evil-abs.txt", Item::File, "x"}};
        QTest::newRow("symlink-up") << QList<Item>{{"link", Item::Symlink, "../../.."}, {"link/evil.txt", Item::File, "x"}};
        QTest::newRow("symlink-absolute") << QList<Item>{{"link", Item::Symlink, "/tmp"}, {"link/evil.txt", Item::File, "x"}};
        QTest::newRow("symlink-chain") << QList<Item>{{"y", Item::Symlink, "."}, {"z", Item::Symlink, "y/.."}};
        QTest::newRow("hardlink") << QList<Item>{{"h", Item::Hardlink, "/etc/passwd"}};
        QTest::newRow("duplicate-through-link")
            << QList<Item>{{"d", Item::Dir, {}}, {"l", Item::Symlink, "d"}, {"l", Item::File, "x"}};
        QTest::newRow("bomb") << QList<Item>{{"zeros", Item::File, QByteArray(64 * 1024 * 1024, '\0')}};
    }
    void hostileArchivesRefused()
    {
        QFETCH(QList<Item>, items);
        const QString arch = craft(m_tmp.path() + QStringLiteral("/%1.tar.zst").arg(QString::fromLatin1(QTest::currentDataTag())), items);
        const QString out = m_tmp.path() + QStringLiteral("/out-%1").arg(QString::fromLatin1(QTest::currentDataTag()));
        QString err;
        RestoreLimits limits;
        limits.maxTotalBytes = 32 * 1024 * 1024;
        QVERIFY(!SandboxWorkspace::restore(arch, out, &err, limits));
        QVERIFY(!err.isEmpty());
        qDebug().noquote() << err;
        QVERIFY(QDir(out).isEmpty(QDir::AllEntries | QDir::Hidden | QDir::System | QDir::NoDotAndDotDot));
        QVERIFY(!QFileInfo::exists(m_tmp.path() + QStringLiteral("/evil.txt")));
        QVERIFY(!QFileInfo::exists(QStringLiteral("/tmp/osh-evil-abs.txt")));
        QVERIFY(!QFileInfo::exists(QStringLiteral("/tmp/evil.txt")));
    }

    void ratioLimit()
    {
        // 8 MiB of zeros compresses to a few hundred bytes: over the ratio even below the size limit.
        const QString arch = craft(m_tmp.path() + QStringLiteral("/ratio.tar.zst"), {{"zeros", Item::File, QByteArray(8 * 1024 * 1024, '\0')}});
        QString err;
        RestoreLimits limits;
        limits.maxRatio = 50;
        QVERIFY(!SandboxWorkspace::restore(arch, m_tmp.path() + QStringLiteral("/ratio-out"), &err, limits));
        QVERIFY(err.contains(QStringLiteral("ratio")));
        limits.maxRatio = 1e9;
        QVERIFY2(SandboxWorkspace::restore(arch, m_tmp.path() + QStringLiteral("/ratio-ok"), &err, limits), qPrintable(err));
    }
};

QTEST_GUILESS_MAIN(TstSandboxWorkspace)
#include "tst_sandboxworkspace.moc"
