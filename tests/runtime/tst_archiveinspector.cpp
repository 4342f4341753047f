// inspectArchive: expanded sizes of archives, archives inside archives (a
// zip bomb inside a zip, a zip inside a .gz), the nesting and entry limits.
// The archives are built here with libarchive.

#include "gateway/archiveinspector.h"

#include <QTest>

#include <archive.h>
#include <archive_entry.h>

#include <limits>
#include <memory>
#include <vector>

using namespace osh::runtime;

namespace {

struct File
{
    QByteArray name;
    QByteArray data;
};

la_ssize_t appendTo(archive *, void *client, const void *buf, size_t n)
{
    static_cast<QByteArray *>(client)->append(static_cast<const char *>(buf), static_cast<qsizetype>(n));
    return static_cast<la_ssize_t>(n);
}

// format: a libarchive format name ("zip", "7zip", "ustar", "raw");
// filter: a filter name ("none", "gzip", "xz").
QByteArray pack(const char *format, const char *filter, const std::vector<File> &files)
{
    QByteArray out;
    std::unique_ptr<archive, decltype(&archive_write_free)> a(archive_write_new(), &archive_write_free);
    if (archive_write_set_format_by_name(a.get(), format) != ARCHIVE_OK
        || (qstrcmp(filter, "none") != 0 && archive_write_add_filter_by_name(a.get(), filter) != ARCHIVE_OK)
        || archive_write_open(a.get(), &out, nullptr, &appendTo, nullptr) != ARCHIVE_OK)
        qFatal("cannot write %s/%s: %s", format, filter, archive_error_string(a.get()));
    for (const auto &f : files) {
        std::unique_ptr<archive_entry, decltype(&archive_entry_free)> e(archive_entry_new(), &archive_entry_free);
        archive_entry_set_pathname(e.get(), f.name.constData());
        archive_entry_set_filetype(e.get(), AE_IFREG);
        archive_entry_set_perm(e.get(), 0644);
        archive_entry_set_size(e.get(), f.data.size());
        if (archive_write_header(a.get(), e.get()) != ARCHIVE_OK
            || archive_write_data(a.get(), f.data.constData(), static_cast<size_t>(f.data.size())) != f.data.size())
            qFatal("cannot add %s: %s", f.name.constData(), archive_error_string(a.get()));
    }
    if (archive_write_close(a.get()) != ARCHIVE_OK)
        qFatal("cannot close: %s", archive_error_string(a.get()));
    return out;
}

QByteArray zip(const std::vector<File> &files)
{
    return pack("zip", "none", files);
}

const QByteArray &zeros()
{
    static const QByteArray z(50 * 1024 * 1024, '\0');
    return z;
}

// A zip of a 50 MiB zero file: about 50 KiB.
const QByteArray &zeroZip()
{
    static const QByteArray z = zip({{"zeros.bin", zeros()}});
    return z;
}

// `levels` zips, each holding the next; the innermost holds a.txt.
QByteArray nestedZips(int levels)
{
    QByteArray data = zip({{"a.txt", "hello"}});
    for (int i = 1; i < levels; ++i)
        data = zip({{"level" + QByteArray::number(i) + ".zip", data}});
    return data;
}

// What the gateway measures: at most 100 times the archive.
std::int64_t ratioLimit(const QByteArray &archiveBytes)
{
    return std::int64_t(archiveBytes.size()) * 100 + 1;
}

} // namespace

class TstArchiveInspector : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    // Bombs, however deep, exceed the limit: the total counts the expansion
    // of inner archives.
    void bombs_data()
    {
        QTest::addColumn<QByteArray>("data");
        QTest::addColumn<bool>("exceeded");
        QTest::newRow("zip bomb") << zeroZip() << true;
        QTest::newRow("zip in a zip") << zip({{"inner.zip", zeroZip()}}) << true;
        QTest::newRow("zip in a zip beside other files")
            << zip({{"readme.txt", "read me"}, {"inner.zip", zeroZip()}, {"z.txt", "z"}}) << true;
        QTest::newRow("zip in a zip in a zip") << zip({{"mid.zip", zip({{"inner.zip", zeroZip()}})}}) << true;
        QTest::newRow("zip in a .gz") << pack("raw", "gzip", {{"data", zeroZip()}}) << true;
        QTest::newRow("zip in a tar.xz") << pack("ustar", "xz", {{"inner.zip", zeroZip()}}) << true;
        QTest::newRow("7z in a zip") << zip({{"inner.7z", pack("7zip", "none", {{"zeros.bin", zeros()}})}}) << true;
        QTest::newRow("tar.gz in a zip") << zip({{"inner.tgz", pack("ustar", "gzip", {{"zeros.bin", zeros()}})}})
                                         << true;
        // Refused: nested too deep, or an inner archive that cannot be read.
        QTest::newRow("five nested zips") << nestedZips(5) << true;
        QTest::newRow("damaged zip in a zip") << zip({{"inner.zip", zeroZip().left(zeroZip().size() / 2)}}) << true;
        QTest::newRow("normal nested zip") << zip({{"readme.txt", QByteArray(2000, 'r')},
                                                   {"docs.zip", zip({{"a.txt", QByteArray(3000, 'a')}})}})
                                           << false;
    }

    void bombs()
    {
        QFETCH(QByteArray, data);
        QFETCH(bool, exceeded);
        QString error;
        const auto size = inspectArchive(data, ratioLimit(data), &error);
        QVERIFY2(size, qPrintable(error));
        QCOMPARE(size->exceeded, exceeded);
        QVERIFY((size->expandedBytes > ratioLimit(data)) == exceeded);
    }

    // A normal nested archive: the outer entries, the inner archive's bytes
    // and what it expands to.
    void nestedSizes()
    {
        const QByteArray inner = zip({{"a.txt", QByteArray(3000, 'a')}, {"b.txt", QByteArray(4000, 'b')}});
        const QByteArray outer = zip({{"readme.txt", QByteArray(2000, 'r')}, {"docs.zip", inner}});
        QString error;
        const auto size = inspectArchive(outer, 1 << 20, &error);
        QVERIFY2(size, qPrintable(error));
        QVERIFY(!size->exceeded);
        QCOMPARE(size->expandedBytes, 2000 + inner.size() + 3000 + 4000);
        QCOMPARE(size->entries, 4);
        QCOMPARE(size->depth, 2);
        QVERIFY(size->refused.isEmpty());
    }

    // The same when nothing may be held in memory: inner archives are
    // streamed from the entry around them.
    void streamed_data()
    {
        QTest::addColumn<QByteArray>("data");
        QTest::addColumn<bool>("exceeded");
        QTest::newRow("zip in a zip") << zip({{"inner.zip", zeroZip()}}) << true;
        QTest::newRow("zip in a .gz") << pack("raw", "gzip", {{"data", zeroZip()}}) << true;
        QTest::newRow("tar.gz in a zip") << zip({{"inner.tgz", pack("ustar", "gzip", {{"zeros.bin", zeros()}})}})
                                         << true;
        // A 7z can only be read from a file: too large to hold, it is refused.
        QTest::newRow("7z in a zip") << zip({{"inner.7z", pack("7zip", "none", {{"a.txt", "hello"}})}}) << true;
        QTest::newRow("7z bomb in a zip") << zip({{"inner.7z", pack("7zip", "none", {{"zeros.bin", zeros()}})}}) << true;
        QTest::newRow("normal nested zip") << zip({{"docs.zip", zip({{"a.txt", QByteArray(3000, 'a')}})}}) << false;
    }

    void streamed()
    {
        QFETCH(QByteArray, data);
        QFETCH(bool, exceeded);
        ArchiveLimits limits;
        limits.maxBuffered = 0;
        QString error;
        const auto size = inspectArchive(data, ratioLimit(data), &error, limits);
        QVERIFY2(size, qPrintable(error));
        QVERIFY2(size->exceeded == exceeded, qPrintable(size->refused));
    }

    void depthLimit()
    {
        QString error;
        const auto four = inspectArchive(nestedZips(4), 1 << 20, &error);
        QVERIFY2(four, qPrintable(error));
        QVERIFY(!four->exceeded);
        QCOMPARE(four->depth, 4);
        QCOMPARE(four->entries, 4);

        const QByteArray five = nestedZips(5);
        const auto deep = inspectArchive(five, 1 << 20, &error);
        QVERIFY2(deep, qPrintable(error));
        QVERIFY(deep->exceeded);
        QCOMPARE(deep->expandedBytes, std::numeric_limits<std::int64_t>::max());
        QVERIFY2(deep->refused.contains(QStringLiteral("nested more than 4")), qPrintable(deep->refused));
    }

    void entryLimit()
    {
        std::vector<File> files;
        for (int i = 0; i < 20; ++i)
            files.push_back({"f" + QByteArray::number(i), "x"});
        ArchiveLimits limits;
        limits.maxEntries = 30;
        // Inner entries count too: 20 outer and 20 inner.
        const QByteArray data = zip({{"inner.zip", zip(files)}, {"more.zip", zip(files)}});
        QString error;
        const auto size = inspectArchive(data, 1 << 20, &error, limits);
        QVERIFY2(size, qPrintable(error));
        QVERIFY(size->exceeded);
        QVERIFY2(size->refused.contains(QStringLiteral("30 entries")), qPrintable(size->refused));
        limits.maxEntries = 42;
        const auto fits = inspectArchive(data, 1 << 20, &error, limits);
        QVERIFY(fits && !fits->exceeded);
        QCOMPARE(fits->entries, 42);
    }

    // A file that is no archive measures as its own size, as before.
    void plainFiles()
    {
        QString error;
        const auto plain = inspectArchive(QByteArray("just text, not an archive"), 1000, &error);
        QVERIFY2(plain, qPrintable(error));
        QCOMPARE(plain->expandedBytes, 25);
        QVERIFY(!plain->exceeded);
        const auto gz = inspectArchive(pack("raw", "gzip", {{"data", QByteArray(5000, 'q')}}), 1 << 20, &error);
        QVERIFY2(gz, qPrintable(error));
        QCOMPARE(gz->expandedBytes, 5000);
        QCOMPARE(gz->depth, 1);
    }
};

QTEST_GUILESS_MAIN(TstArchiveInspector)
#include "tst_archiveinspector.moc"
