// The microVM's initramfs writer (writeInitramfs): its archive read back by
// our own newc parser (magic, fields, 4-byte alignment, the trailer) and by
// the system's cpio, or busybox's, which lists it and unpacks it into a
// temporary folder where every entry's contents and mode are compared byte
// for byte; and its refusals: entries that are not valid, a file that cannot
// be written.

#include "sandbox/vminitramfs.h"

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QRandomGenerator>
#include <QSet>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <climits>
#include <functional>

#include <sys/stat.h>
#include <unistd.h>

using namespace osh::runtime;

namespace {

QByteArray randomBytes(qsizetype n)
{
    QByteArray out(n, Qt::Uninitialized);
    for (qsizetype i = 0; i < n; ++i)
        out[i] = static_cast<char>(QRandomGenerator::global()->bounded(256));
    return out;
}

InitramfsEntry entry(const QString &path, quint32 mode, const QByteArray &data = {})
{
    return InitramfsEntry {path, data, mode};
}

QList<InitramfsEntry> sampleEntries()
{
    return {
        entry(QStringLiteral("bin"), S_IFDIR | 0755),
        entry(QStringLiteral("init"), S_IFREG | 0755, randomBytes(4099)),
        entry(QStringLiteral("empty"), S_IFREG | 0644),
        entry(QStringLiteral("one"), S_IFREG | 0600, randomBytes(1)),
        entry(QStringLiteral("three"), S_IFREG | 0640, randomBytes(3)),
        entry(QStringLiteral("four"), S_IFREG | 0700, randomBytes(4)),
        entry(QStringLiteral("five"), S_IFREG | 0444, randomBytes(5)),
        entry(QStringLiteral("big"), S_IFREG | 0644, randomBytes(70000)),
        entry(QStringLiteral("lib"), S_IFDIR | 0755),
        entry(QStringLiteral("lib/modules"), S_IFDIR | 0700),
        entry(QStringLiteral("lib/modules/fuse.ko"), S_IFREG | 0644, randomBytes(123)),
        entry(QStringLiteral("lib/modules/order"), S_IFREG | 0644, QByteArrayLiteral("fuse.ko\n")),
        entry(QStringLiteral("bin/sh"), S_IFLNK | 0777, QByteArrayLiteral("../init")),
    };
}

struct ParsedEntry
{
    QString name;
    quint32 fields[13]
        = {}; // ino mode uid gid nlink mtime filesize devmajor devminor rdevmajor rdevminor namesize check
    QByteArray data;
};

// A strict newc reader: false with *why at the first deviation.
bool parseNewc(const QByteArray &a, QList<ParsedEntry> *out, QString *why)
{
    qsizetype at = 0;
    for (;;) {
        if (at % 4 != 0)
            return *why = QStringLiteral("header at %1 is not 4-aligned").arg(at), false;
        if (at + 110 > a.size())
            return *why = QStringLiteral("archive ends inside a header at %1").arg(at), false;
        if (a.mid(at, 6) != "070701")
            return *why = QStringLiteral("bad magic at %1").arg(at), false;
        ParsedEntry e;
        for (int i = 0; i < 13; ++i) {
            const QByteArray hex = a.mid(at + 6 + i * 8, 8);
            bool ok = false;
            e.fields[i] = hex.toUInt(&ok, 16);
            if (!ok || hex.size() != 8)
                return *why = QStringLiteral("bad field %1 at %2: %3").arg(i).arg(at).arg(QString::fromLatin1(hex)),
                       false;
        }
        const quint32 nameSize = e.fields[11];
        const quint32 fileSize = e.fields[6];
        if (nameSize < 2 || at + 110 + nameSize > a.size() || a.at(at + 110 + nameSize - 1) != '\0')
            return *why = QStringLiteral("bad name at %1").arg(at), false;
        e.name = QString::fromUtf8(a.mid(at + 110, nameSize - 1));
        qsizetype dataAt = at + 110 + nameSize;
        while (dataAt % 4) {
            if (dataAt >= a.size() || a.at(dataAt) != '\0')
                return *why = QStringLiteral("bad name padding of %1").arg(e.name), false;
            ++dataAt;
        }
        if (dataAt + fileSize > a.size())
            return *why = QStringLiteral("data of %1 runs past the end").arg(e.name), false;
        e.data = a.mid(dataAt, fileSize);
        at = dataAt + fileSize;
        while (at % 4) {
            if (at >= a.size() || a.at(at) != '\0')
                return *why = QStringLiteral("bad data padding of %1").arg(e.name), false;
            ++at;
        }
        out->append(e);
        if (e.name == QLatin1String("TRAILER!!!")) {
            if (at != a.size())
                return *why = QStringLiteral("%1 bytes after the trailer").arg(a.size() - at), false;
            return true;
        }
    }
}

// The cpio to read archives with: the system's, else busybox's.
// Empty when there is neither.
QStringList cpioCommand(bool *gnu)
{
    const QString cpio = QStandardPaths::findExecutable(QStringLiteral("cpio"));
    if (!cpio.isEmpty()) {
        *gnu = true;
        return {cpio};
    }
    const QString busybox = QStandardPaths::findExecutable(QStringLiteral("busybox"));
    *gnu = false;
    if (busybox.isEmpty())
        return {};
    return {busybox, QStringLiteral("cpio")};
}

// Runs cpio with `args`, the archive on its standard input, in `cwd`, under
// umask 0 so that the modes it creates are the archive's.
bool runCpio(const QStringList &command, const QStringList &args, const QString &archive, const QString &cwd,
    QByteArray *out, QByteArray *err)
{
    QProcess p;
    p.setProgram(command.first());
    p.setArguments(command.mid(1) + args);
    p.setWorkingDirectory(cwd);
    p.setStandardInputFile(archive);
    const mode_t saved = ::umask(0);
    p.start();
    const bool started = p.waitForStarted(10000);
    ::umask(saved);
    if (!started || !p.waitForFinished(60000))
        return false;
    *out = p.readAllStandardOutput();
    *err = p.readAllStandardError();
    return p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0;
}

} // namespace

class TstVmInitramfs : public QObject
{
    Q_OBJECT

private slots:
    void archiveFollowsNewc();
    void cpioListsAndUnpacksIt();
    void emptyListIsTrailerOnly();
    void replacesAnExistingFile();
    void unwritablePathFails();
    void invalidEntriesAreRefused_data();
    void invalidEntriesAreRefused();
};

void TstVmInitramfs::archiveFollowsNewc()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString archive = dir.filePath(QStringLiteral("initramfs.cpio"));
    const QList<InitramfsEntry> entries = sampleEntries();
    QString error;
    QVERIFY2(writeInitramfs(archive, entries, &error), qPrintable(error));

    QFile f(archive);
    QVERIFY(f.open(QIODevice::ReadOnly));
    const QByteArray bytes = f.readAll();
    QCOMPARE(bytes.size() % 4, 0);
    QList<ParsedEntry> parsed;
    QString why;
    QVERIFY2(parseNewc(bytes, &parsed, &why), qPrintable(why));
    QCOMPARE(parsed.size(), entries.size() + 1);
    QSet<quint32> inodes;
    for (qsizetype i = 0; i < entries.size(); ++i) {
        const ParsedEntry &p = parsed.at(i);
        const InitramfsEntry &e = entries.at(i);
        QCOMPARE(p.name, e.path);
        QCOMPARE(p.fields[1], e.mode); // mode
        QCOMPARE(p.fields[2], 0u); // uid
        QCOMPARE(p.fields[3], 0u); // gid
        QCOMPARE(p.fields[4], (e.mode & S_IFMT) == S_IFDIR ? 2u : 1u); // nlink
        QCOMPARE(p.fields[5], 0u); // mtime
        QCOMPARE(p.fields[6], static_cast<quint32>(e.data.size())); // filesize
        for (int k = 7; k <= 10; ++k)
            QCOMPARE(p.fields[k], 0u); // device numbers
        QCOMPARE(p.fields[11], static_cast<quint32>(e.path.toUtf8().size() + 1));
        QCOMPARE(p.fields[12], 0u); // check
        QCOMPARE(p.data, e.data);
        QVERIFY(p.fields[0] != 0);
        QVERIFY2(!inodes.contains(p.fields[0]), "inode numbers repeat");
        inodes.insert(p.fields[0]);
    }
    const ParsedEntry &trailer = parsed.last();
    QCOMPARE(trailer.name, QStringLiteral("TRAILER!!!"));
    QCOMPARE(trailer.fields[6], 0u);
    QCOMPARE(trailer.fields[4], 1u);
}

void TstVmInitramfs::cpioListsAndUnpacksIt()
{
    bool gnu = false;
    const QStringList cpio = cpioCommand(&gnu);
    if (cpio.isEmpty())
        QSKIP("neither cpio nor busybox is installed");
    qInfo("reading with %s", qPrintable(cpio.join(QLatin1Char(' '))));

    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString archive = dir.filePath(QStringLiteral("initramfs.cpio"));
    const QList<InitramfsEntry> entries = sampleEntries();
    QString error;
    QVERIFY2(writeInitramfs(archive, entries, &error), qPrintable(error));

    QByteArray out, err;
    QVERIFY2(runCpio(cpio, {QStringLiteral("-t")}, archive, dir.path(), &out, &err), err.constData());
    QStringList expected;
    for (const InitramfsEntry &e : entries)
        expected << e.path;
    QCOMPARE(QString::fromUtf8(out).split(QLatin1Char('\n'), Qt::SkipEmptyParts), expected);

    const QString root = dir.filePath(QStringLiteral("root"));
    QVERIFY(QDir().mkpath(root));
    QStringList extract {QStringLiteral("-i"), QStringLiteral("-d")};
    if (gnu)
        extract << QStringLiteral("--no-absolute-filenames");
    QVERIFY2(runCpio(cpio, extract, archive, root, &out, &err), err.constData());

    QStringList found;
    for (const InitramfsEntry &e : entries) {
        const QString path = root + QLatin1Char('/') + e.path;
        struct stat st
        {
        };
        QVERIFY2(::lstat(QFile::encodeName(path).constData(), &st) == 0, qPrintable(path));
        QCOMPARE(quint32(st.st_mode), e.mode);
        if (::geteuid() == 0) {
            QCOMPARE(st.st_uid, uid_t(0));
            QCOMPARE(st.st_gid, gid_t(0));
        }
        switch (e.mode & S_IFMT) {
        case S_IFREG: {
            QFile f(path);
            QVERIFY2(f.open(QIODevice::ReadOnly), qPrintable(path));
            QCOMPARE(f.readAll(), e.data);
            break;
        }
        case S_IFLNK: {
            char target[PATH_MAX];
            const ssize_t n = ::readlink(QFile::encodeName(path).constData(), target, sizeof target);
            QVERIFY2(n >= 0, qPrintable(path));
            QCOMPARE(QByteArray(target, n), e.data);
            break;
        }
        default: break;
        }
    }
    // Nothing else was unpacked.
    int count = 0;
    const std::function<void(const QString &)> walk = [&](const QString &folder) {
        const QFileInfoList infos
            = QDir(folder).entryInfoList(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden | QDir::System);
        for (const QFileInfo &info : infos) {
            ++count;
            if (info.isDir() && !info.isSymLink())
                walk(info.filePath());
        }
    };
    walk(root);
    QCOMPARE(count, entries.size());
}

void TstVmInitramfs::emptyListIsTrailerOnly()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString archive = dir.filePath(QStringLiteral("empty.cpio"));
    QString error;
    QVERIFY2(writeInitramfs(archive, {}, &error), qPrintable(error));
    QFile f(archive);
    QVERIFY(f.open(QIODevice::ReadOnly));
    const QByteArray bytes = f.readAll();
    // 110 bytes of header, "TRAILER!!!" and its NUL (11), padded to 124.
    QCOMPARE(bytes.size(), 124);
    QList<ParsedEntry> parsed;
    QString why;
    QVERIFY2(parseNewc(bytes, &parsed, &why), qPrintable(why));
    QCOMPARE(parsed.size(), 1);
    QCOMPARE(parsed.first().name, QStringLiteral("TRAILER!!!"));
}

void TstVmInitramfs::replacesAnExistingFile()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString archive = dir.filePath(QStringLiteral("initramfs.cpio"));
    {
        QFile f(archive);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(randomBytes(100000));
    }
    QString error;
    QVERIFY2(writeInitramfs(archive, {entry(QStringLiteral("init"), S_IFREG | 0755, "x")}, &error), qPrintable(error));
    QFile f(archive);
    QVERIFY(f.open(QIODevice::ReadOnly));
    QList<ParsedEntry> parsed;
    QString why;
    QVERIFY2(parseNewc(f.readAll(), &parsed, &why), qPrintable(why));
    QCOMPARE(parsed.size(), 2);
    QCOMPARE(parsed.first().data, QByteArray("x"));
}

void TstVmInitramfs::unwritablePathFails()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString archive = dir.filePath(QStringLiteral("no/such/folder/initramfs.cpio"));
    QString error;
    QVERIFY(!writeInitramfs(archive, sampleEntries(), &error));
    QVERIFY2(error.contains(archive), qPrintable(error));
    QVERIFY(!QFile::exists(archive));
    // Without an error string to fill in, it still just fails.
    QVERIFY(!writeInitramfs(archive, sampleEntries(), nullptr));
}

void TstVmInitramfs::invalidEntriesAreRefused_data()
{
    QTest::addColumn<QList<InitramfsEntry>>("entries");
    QTest::addColumn<QString>("message");
    const auto file = [](const QString &p) { return entry(p, S_IFREG | 0644, "x"); };
    const auto folder = [](const QString &p) { return entry(p, S_IFDIR | 0755); };
    QTest::newRow("empty path") << QList<InitramfsEntry> {file(QString())} << QStringLiteral("empty path");
    QTest::newRow("absolute") << QList<InitramfsEntry> {file(QStringLiteral("/init"))} << QStringLiteral("relative");
    QTest::newRow("dot dot") << QList<InitramfsEntry> {folder(QStringLiteral("a")), file(QStringLiteral("a/../b"))}
                             << QStringLiteral("\"..\"");
    QTest::newRow("double slash") << QList<InitramfsEntry> {folder(QStringLiteral("a")), file(QStringLiteral("a//b"))}
                                  << QStringLiteral("empty");
    QTest::newRow("trailing slash") << QList<InitramfsEntry> {folder(QStringLiteral("a/"))} << QStringLiteral("empty");
    QTest::newRow("no parent") << QList<InitramfsEntry> {file(QStringLiteral("modules/fuse.ko"))}
                               << QStringLiteral("modules is not a directory entry before it");
    QTest::newRow("parent after") << QList<InitramfsEntry> {file(QStringLiteral("modules/fuse.ko")),
        folder(QStringLiteral("modules"))}
                                  << QStringLiteral("not a directory entry before it");
    QTest::newRow("parent is a file") << QList<InitramfsEntry> {file(QStringLiteral("modules")),
        file(QStringLiteral("modules/fuse.ko"))}
                                      << QStringLiteral("not a directory entry before it");
    QTest::newRow("directory with data") << QList<InitramfsEntry> {entry(QStringLiteral("d"), S_IFDIR | 0755, "x")}
                                         << QStringLiteral("no data");
    QTest::newRow("no type") << QList<InitramfsEntry> {entry(QStringLiteral("f"), 0644, "x")}
                             << QStringLiteral("not a regular file");
    QTest::newRow("device") << QList<InitramfsEntry> {entry(QStringLiteral("console"), S_IFCHR | 0600)}
                            << QStringLiteral("not a regular file");
    QTest::newRow("stray bits") << QList<InitramfsEntry> {entry(QStringLiteral("f"), S_IFREG | 0644 | 0x10000000u)}
                                << QStringLiteral("unknown bits");
    QTest::newRow("link without target") << QList<InitramfsEntry> {entry(QStringLiteral("l"), S_IFLNK | 0777)}
                                         << QStringLiteral("target");
}

void TstVmInitramfs::invalidEntriesAreRefused()
{
    QFETCH(QList<InitramfsEntry>, entries);
    QFETCH(QString, message);
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString archive = dir.filePath(QStringLiteral("initramfs.cpio"));
    QString error;
    QVERIFY(!writeInitramfs(archive, entries, &error));
    QVERIFY2(error.contains(message), qPrintable(error));
    QVERIFY(!QFile::exists(archive));
}

QTEST_GUILESS_MAIN(TstVmInitramfs)
#include "tst_vminitramfs.moc"
