#include "sandbox/sandboxworkspace.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>

#include <archive.h>
#include <dirent.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <ftw.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <vector>

namespace osh::runtime {

namespace {

struct ArchiveWriteDeleter
{
    void operator()(archive *a) const { archive_write_free(a); }
};
struct ArchiveReadDeleter
{
    void operator()(archive *a) const { archive_read_free(a); }
};
struct EntryDeleter
{
    void operator()(archive_entry *e) const { archive_entry_free(e); }
};

QString archiveErrorText(archive *a)
{
    const char *s = archive_error_string(a);
    return s ? QString::fromLocal8Bit(s) : QStringLiteral("unknown archive error");
}

// One entry. Its content comes from inlineData, or from dataFd (a regular
// file already opened and checked); a link's target is given.
bool addEntry(archive *a, const QString &name, const struct stat &st, const QByteArray *inlineData, int dataFd,
              const QByteArray &linkTarget, QString *error)
{
    std::unique_ptr<archive_entry, EntryDeleter> e(archive_entry_new());
    const QByteArray n = name.toUtf8();
    archive_entry_set_pathname(e.get(), n.constData());
    archive_entry_set_perm(e.get(), st.st_mode & 0777);
    archive_entry_set_mtime(e.get(), st.st_mtime, 0);
    if (S_ISDIR(st.st_mode)) {
        archive_entry_set_filetype(e.get(), AE_IFDIR);
    } else if (S_ISLNK(st.st_mode)) {
        archive_entry_set_filetype(e.get(), AE_IFLNK);
        archive_entry_set_symlink(e.get(), linkTarget.constData());
    } else if (S_ISREG(st.st_mode)) {
        archive_entry_set_filetype(e.get(), AE_IFREG);
        archive_entry_set_size(e.get(), inlineData ? inlineData->size() : st.st_size);
    } else {
        return true; // sockets, fifos and devices have no place in a snapshot
    }
    if (archive_write_header(a, e.get()) != ARCHIVE_OK) {
        *error = archiveErrorText(a);
        return false;
    }
    if (!S_ISREG(st.st_mode))
        return true;
    if (inlineData)
        return archive_write_data(a, inlineData->constData(), inlineData->size()) == inlineData->size();
    char buf[65536];
    qint64 left = st.st_size; // the header's size is what the archive must hold
    while (left > 0) {
        const ssize_t r = ::read(dataFd, buf, std::min<qint64>(left, sizeof buf));
        if (r <= 0)
            break;
        archive_write_data(a, buf, static_cast<size_t>(r));
        left -= r;
    }
    return true;
}

// What a snapshot may hold: what a restore accepts (RestoreLimits).
constexpr qint64 kMaxSnapshotBytes = qint64(4) * 1024 * 1024 * 1024;

struct Fd
{
    int fd = -1;
    ~Fd()
    {
        if (fd >= 0)
            ::close(fd);
    }
};

// Archives what is beneath dirFd, never following a link at any component:
// each folder is opened beneath its parent's descriptor with O_NOFOLLOW,
// each file likewise (O_NONBLOCK: a FIFO swapped in never blocks) and
// checked on its descriptor, so a folder renamed or replaced by a link
// meanwhile leads nowhere outside the workspace.
// budget: file bytes the archive may still take (a sparse file of
// terabytes would otherwise be read to the end).
bool archiveBeneath(archive *a, int dirFd, const QString &prefix, int depth, qint64 &budget, QString *error)
{
    if (depth > 128) {
        *error = QStringLiteral("%1 is nested more than 128 folders deep").arg(prefix);
        return false;
    }
    Fd listing{::dup(dirFd)};
    DIR *dir = listing.fd >= 0 ? ::fdopendir(listing.fd) : nullptr;
    if (!dir) {
        *error = QStringLiteral("cannot list %1").arg(prefix);
        return false;
    }
    listing.fd = -1; // the DIR owns it now
    std::unique_ptr<DIR, int (*)(DIR *)> closer(dir, ::closedir);
    std::vector<QByteArray> names;
    while (const dirent *d = ::readdir(dir)) {
        if (std::strcmp(d->d_name, ".") != 0 && std::strcmp(d->d_name, "..") != 0)
            names.emplace_back(d->d_name);
    }
    closer.reset(); // one descriptor per level while descending, not two
    std::sort(names.begin(), names.end());
    for (const QByteArray &name : names) {
        const QString entry = prefix + u'/' + QFile::decodeName(name);
        struct stat st{};
        if (::fstatat(dirFd, name.constData(), &st, AT_SYMLINK_NOFOLLOW) != 0)
            continue; // gone meanwhile
        if (S_ISLNK(st.st_mode)) {
            char target[4096];
            const ssize_t len = ::readlinkat(dirFd, name.constData(), target, sizeof target - 1);
            if (len < 0)
                continue;
            if (!addEntry(a, entry, st, nullptr, -1, QByteArray(target, static_cast<qsizetype>(len)), error))
                return false;
            continue;
        }
        const bool folder = S_ISDIR(st.st_mode);
        if (!folder && !S_ISREG(st.st_mode))
            continue;
        Fd f{::openat(dirFd, name.constData(),
                      O_RDONLY | O_NOFOLLOW | O_CLOEXEC | (folder ? O_DIRECTORY : O_NONBLOCK | O_NOCTTY))};
        if (f.fd < 0 || ::fstat(f.fd, &st) != 0 || (folder ? !S_ISDIR(st.st_mode) : !S_ISREG(st.st_mode)))
            continue; // replaced meanwhile by a link or something else: not archived
        if (!folder && (budget -= st.st_size) < 0) {
            *error = QStringLiteral("the workspace holds more than %1 GiB of files").arg(kMaxSnapshotBytes >> 30);
            return false;
        }
        if (!addEntry(a, entry, st, nullptr, f.fd, {}, error))
            return false;
        if (folder && !archiveBeneath(a, f.fd, entry, depth + 1, budget, error))
            return false;
    }
    return true;
}

// A relative path without "." or ".." components, as archive entries must be.
bool isSafeRelative(const QString &p, bool allowDotDot = false)
{
    if (p.isEmpty() || p.startsWith(u'/') || p.contains(QChar(0)))
        return false;
    const QStringList parts = p.split(u'/', Qt::SkipEmptyParts);
    if (parts.isEmpty())
        return false;
    for (const QString &c : parts) {
        if (c == u".." && !allowDotDot)
            return false;
    }
    return true;
}

// nftw's callback takes no context: the identity of the walk in progress,
// per thread so concurrent sessions cannot mix theirs up.
thread_local uid_t t_handOverUid = 0;
thread_local gid_t t_handOverGid = 0;

int handOverEntry(const char *path, const struct stat *st, int, struct FTW *)
{
    // A file with other names may have them outside the workspace (a
    // package store, a local git clone): handing it over would hand those
    // over too. It stays as it is (readable, not writable, in the sandbox).
    if (st && !S_ISDIR(st->st_mode) && st->st_nlink > 1)
        return 0;
    // lchown: a symlink in the workspace must not hand over its target.
    return ::lchown(path, t_handOverUid, t_handOverGid) == 0 ? 0 : -1;
}

} // namespace

bool SandboxWorkspace::handOver(const QString &dir, uid_t uid, gid_t gid)
{
    t_handOverUid = uid;
    t_handOverGid = gid;
    return ::nftw(QFile::encodeName(dir).constData(), handOverEntry, 32, FTW_PHYS) == 0;
}

QString SandboxWorkspace::snapshot(const QString &workspaceDir, const QJsonObject &sessionState,
                                   const QString &snapshotsDir, const QString &sessionId, QString *error)
{
    if (!QDir().mkpath(snapshotsDir)) {
        *error = QStringLiteral("cannot create %1").arg(snapshotsDir);
        return {};
    }
    const QString path = QDir(snapshotsDir).absoluteFilePath(sessionId + QStringLiteral(".tar.zst"));
    const QString partial = path + QStringLiteral(".part");
    std::unique_ptr<archive, ArchiveWriteDeleter> a(archive_write_new());
    if (archive_write_add_filter_zstd(a.get()) != ARCHIVE_OK || archive_write_set_format_pax_restricted(a.get()) != ARCHIVE_OK
        || archive_write_open_filename(a.get(), QFile::encodeName(partial).constData()) != ARCHIVE_OK) {
        *error = archiveErrorText(a.get());
        return {};
    }
    bool ok = true;
    struct stat st{};
    st.st_mode = S_IFREG | 0644;
    st.st_mtime = QDateTime::currentSecsSinceEpoch();
    const QByteArray json = QJsonDocument(sessionState).toJson();
    ok = addEntry(a.get(), QStringLiteral("session.json"), st, &json, -1, {}, error);
    st.st_mode = S_IFDIR | 0755;
    ok = ok && addEntry(a.get(), QStringLiteral("workspace"), st, nullptr, -1, {}, error);
    Fd root{::open(QFile::encodeName(workspaceDir).constData(), O_RDONLY | O_DIRECTORY | O_CLOEXEC)};
    if (ok && root.fd < 0) {
        *error = QStringLiteral("cannot open %1").arg(workspaceDir);
        ok = false;
    }
    qint64 budget = kMaxSnapshotBytes;
    ok = ok && archiveBeneath(a.get(), root.fd, QStringLiteral("workspace"), 0, budget, error);
    if (archive_write_close(a.get()) != ARCHIVE_OK && ok) {
        *error = archiveErrorText(a.get());
        ok = false;
    }
    if (!ok || !QFile::rename(partial, path)) {
        QFile::remove(partial);
        if (error->isEmpty())
            *error = QStringLiteral("cannot write %1").arg(path);
        return {};
    }
    return path;
}

bool SandboxWorkspace::restore(const QString &snapshot, const QString &dir, QString *error, const RestoreLimits &limits)
{
    if (!QDir().mkpath(dir) || !QDir(dir).isEmpty(QDir::AllEntries | QDir::Hidden | QDir::System | QDir::NoDotAndDotDot)) {
        *error = QStringLiteral("restore folder %1 cannot be created or is not empty").arg(dir);
        return false;
    }
    const qint64 archiveSize = QFileInfo(snapshot).size();
    const double budget = std::min<double>(limits.maxTotalBytes,
                                           limits.maxRatio * std::max<qint64>(archiveSize, 64 * 1024));
    std::unique_ptr<archive, ArchiveReadDeleter> a(archive_read_new());
    archive_read_support_filter_all(a.get());
    archive_read_support_format_tar(a.get());
    if (archive_read_open_filename(a.get(), QFile::encodeName(snapshot).constData(), 65536) != ARCHIVE_OK) {
        *error = archiveErrorText(a.get());
        return false;
    }
    const QString base = QDir(dir).absolutePath() + u'/';
    const auto refuse = [&](const QString &why) {
        *error = why;
        QDir d(dir);
        d.removeRecursively();
        QDir().mkpath(dir);
        return false;
    };
    qint64 total = 0, entries = 0;
    archive_entry *e = nullptr;
    int r;
    while ((r = archive_read_next_header(a.get(), &e)) == ARCHIVE_OK) {
        if (++entries > limits.maxEntries)
            return refuse(QStringLiteral("more than %1 entries").arg(limits.maxEntries));
        const char *raw = archive_entry_pathname_utf8(e) ? archive_entry_pathname_utf8(e) : archive_entry_pathname(e);
        const QString name = raw ? QString::fromUtf8(raw) : QString();
        if (!isSafeRelative(name))
            return refuse(QStringLiteral("unsafe path in the archive: \"%1\"").arg(name));
        const QString target = base + QDir::cleanPath(name);
        const QByteArray t = QFile::encodeName(target);
        if (archive_entry_hardlink(e))
            return refuse(QStringLiteral("hard link in the archive: \"%1\"").arg(name));
        const QFileInfo parentInfo(QFileInfo(target).path());
        if (!QDir().mkpath(parentInfo.filePath()))
            return refuse(QStringLiteral("cannot create the folder of %1").arg(name));
        const mode_t perm = archive_entry_perm(e) & 0777;
        switch (archive_entry_filetype(e)) {
        case AE_IFDIR: {
            struct stat st{};
            if (::lstat(t.constData(), &st) == 0 ? !S_ISDIR(st.st_mode) : ::mkdir(t.constData(), perm | 0700) != 0)
                return refuse(QStringLiteral("cannot create the folder %1").arg(name));
            break;
        }
        case AE_IFLNK: {
            const char *lt = archive_entry_symlink(e);
            const QString link = lt ? QString::fromUtf8(lt) : QString();
            // Only downward links: ".." in a chain of links defeats any lexical check.
            if (!isSafeRelative(link))
                return refuse(QStringLiteral("symlink %1 -> %2 leads outside the folder").arg(name, link));
            if (::symlink(lt, t.constData()) != 0)
                return refuse(QStringLiteral("cannot create the link %1").arg(name));
            break;
        }
        case AE_IFREG: {
            const int fd = ::open(t.constData(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, perm | 0600);
            if (fd < 0)
                return refuse(QStringLiteral("cannot create %1 (duplicate or through a link)").arg(name));
            const void *buf;
            size_t size;
            la_int64_t offset;
            int rr;
            bool good = true;
            while ((rr = archive_read_data_block(a.get(), &buf, &size, &offset)) == ARCHIVE_OK) {
                total += static_cast<qint64>(size);
                if (total > budget) {
                    good = false;
                    break;
                }
                if (::pwrite(fd, buf, size, offset) != static_cast<ssize_t>(size)) {
                    rr = ARCHIVE_FATAL;
                    break;
                }
            }
            ::close(fd);
            if (!good)
                return refuse(QStringLiteral("the archive expands beyond %1 bytes (limit by size and ratio)")
                                  .arg(static_cast<qint64>(budget)));
            if (rr != ARCHIVE_EOF)
                return refuse(QStringLiteral("cannot unpack %1: %2").arg(name, archiveErrorText(a.get())));
            break;
        }
        default:
            return refuse(QStringLiteral("special file in the archive: \"%1\"").arg(name));
        }
    }
    if (r != ARCHIVE_EOF)
        return refuse(QStringLiteral("damaged archive: %1").arg(archiveErrorText(a.get())));
    return true;
}

CleanupResult SandboxWorkspace::applyCleanup(CleanupPolicy policy, const QString &bundleDir,
                                             const QString &workspaceDir, const QString &snapshotsDir,
                                             const QString &sessionId, const QJsonObject &sessionState, bool ownsWorkspace)
{
    CleanupResult res;
    res.policy = policy;
    const auto removeAll = [&] {
        for (const QString &d : {bundleDir, ownsWorkspace ? workspaceDir : QString()}) {
            if (!d.isEmpty() && QFileInfo::exists(d) && !QDir(d).removeRecursively())
                res.error = QStringLiteral("cannot remove %1").arg(d);
        }
    };
    switch (policy) {
    case CleanupPolicy::Destroy:
        removeAll();
        break;
    case CleanupPolicy::Snapshot:
        res.snapshotPath = snapshot(workspaceDir, sessionState, snapshotsDir, sessionId, &res.error);
        if (res.snapshotPath.isEmpty()) {
            res.keptPaths = {bundleDir, workspaceDir};
            return res;
        }
        removeAll();
        break;
    case CleanupPolicy::Preserve:
        for (const QString &d : {bundleDir, workspaceDir}) {
            if (!d.isEmpty())
                res.keptPaths << d;
        }
        break;
    }
    res.ok = res.error.isEmpty();
    return res;
}

} // namespace osh::runtime
