#include "sandbox/vminitramfs.h"

#include <QSaveFile>
#include <QSet>
#include <QStringList>

#include <cstdio>

#include <sys/stat.h>

namespace osh::runtime {

namespace {

constexpr qsizetype kHeaderSize = 110; // "070701" and 13 fields of 8 hex digits

QByteArray padding(qint64 length)
{
    return QByteArray(static_cast<qsizetype>((4 - length % 4) % 4), '\0');
}

// The header and name of one entry, padded to 4 bytes (the header starts at
// a multiple of 4, so header and name together end at one).
QByteArray entryHead(const QByteArray &name, quint32 ino, quint32 mode, quint32 nlink, quint32 fileSize)
{
    char header[kHeaderSize + 1];
    const auto nameSize = static_cast<unsigned>(name.size() + 1); // with its NUL
    std::snprintf(header, sizeof header, "070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X", ino, mode,
        0u /*uid*/, 0u /*gid*/, nlink, 0u /*mtime*/, fileSize, 0u /*devmajor*/, 0u /*devminor*/, 0u /*rdevmajor*/,
        0u /*rdevminor*/, nameSize, 0u /*check*/);
    QByteArray out(header, kHeaderSize);
    out += name;
    out += '\0';
    out += padding(out.size());
    return out;
}

bool fail(QString *error, const QString &message)
{
    if (error)
        *error = message;
    return false;
}

// Checks one entry against the folders that came before it.
bool validEntry(const InitramfsEntry &e, const QSet<QString> &folders, QString *error)
{
    if (e.path.isEmpty())
        return fail(error, QStringLiteral("initramfs entry with an empty path"));
    const QString &where = e.path;
    if (e.path.contains(QChar(0)))
        return fail(error, QStringLiteral("%1: the path holds a NUL").arg(where));
    if (e.path.startsWith(QLatin1Char('/')))
        return fail(error, QStringLiteral("%1: the path must be relative").arg(where));
    const QStringList parts = e.path.split(QLatin1Char('/'));
    for (const QString &part : parts) {
        if (part.isEmpty() || part == QLatin1String(".") || part == QLatin1String(".."))
            return fail(error, QStringLiteral("%1: empty, \".\" or \"..\" path part").arg(where));
    }
    const int slash = static_cast<int>(e.path.lastIndexOf(QLatin1Char('/')));
    if (slash > 0 && !folders.contains(e.path.left(slash)))
        return fail(error,
            QStringLiteral("%1: its folder %2 is not a directory entry before it").arg(where, e.path.left(slash)));
    switch (e.mode & S_IFMT) {
    case S_IFREG: break;
    case S_IFLNK:
        if (e.data.isEmpty())
            return fail(error, QStringLiteral("%1: a symbolic link needs a target").arg(where));
        break;
    case S_IFDIR:
        if (!e.data.isEmpty())
            return fail(error, QStringLiteral("%1: a directory has no data").arg(where));
        break;
    default:
        return fail(error,
            QStringLiteral("%1: mode %2 is not a regular file, directory or symbolic link")
                .arg(where, QString::number(e.mode, 8)));
    }
    if (e.mode & ~quint32(S_IFMT | 07777))
        return fail(error, QStringLiteral("%1: mode %2 has unknown bits").arg(where, QString::number(e.mode, 8)));
    if (static_cast<quint64>(e.data.size()) > 0xFFFFFFFFull)
        return fail(error, QStringLiteral("%1: larger than a cpio entry can be (4 GiB)").arg(where));
    return true;
}

} // namespace

bool writeInitramfs(const QString &path, const QList<InitramfsEntry> &entries, QString *error)
{
    QSet<QString> folders;
    for (const InitramfsEntry &e : entries) {
        if (!validEntry(e, folders, error))
            return false;
        if ((e.mode & S_IFMT) == S_IFDIR)
            folders.insert(e.path);
    }

    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return fail(error, QStringLiteral("%1: %2").arg(path, file.errorString()));
    qint64 offset = 0;
    const auto put = [&](const QByteArray &bytes) {
        if (file.write(bytes) != bytes.size())
            return false;
        offset += bytes.size();
        return true;
    };
    quint32 ino = 1;
    for (const InitramfsEntry &e : entries) {
        const bool dir = (e.mode & S_IFMT) == S_IFDIR;
        const auto size = static_cast<quint32>(e.data.size());
        if (!put(entryHead(e.path.toUtf8(), ino++, e.mode, dir ? 2 : 1, size)) || !put(e.data)
            || !put(padding(offset))) {
            file.cancelWriting();
            return fail(error, QStringLiteral("%1: %2").arg(path, file.errorString()));
        }
    }
    // The trailer, as GNU cpio writes it: nlink 1, everything else 0.
    if (!put(entryHead(QByteArrayLiteral("TRAILER!!!"), 0, 0, 1, 0)) || !file.commit())
        return fail(error, QStringLiteral("%1: %2").arg(path, file.errorString()));
    return true;
}

} // namespace osh::runtime
