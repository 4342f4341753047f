#pragma once
// The microVM's initramfs: a newc ("070701") cpio archive, the format the
// kernel unpacks into its initial root (Documentation/driver-api/early-userspace/
// buffer-format.rst), written uncompressed.
//
// The kernel does not create a missing parent folder while it unpacks (the
// entry is dropped in silence), so every folder an entry lies in must come as
// a directory entry of its own before it; writeInitramfs refuses a list where
// one does not.

#include <QByteArray>
#include <QList>
#include <QString>

namespace osh::runtime {

struct InitramfsEntry
{
    // Relative, '/'-separated, no leading slash, no empty, "." or ".." part:
    // "init", "modules/fuse.ko".
    QString path;
    // A regular file's contents; a symbolic link's target; empty for a directory.
    QByteArray data;
    // Type and permission bits: S_IFREG | 0755, S_IFDIR | 0755, S_IFLNK | 0777.
    quint32 mode = 0;
};

// Writes a newc cpio archive of `entries` to `path`, in their order, ending
// with the TRAILER!!! entry: every entry owned by uid/gid 0 with mtime 0,
// nlink 1 (2 for a directory), its own inode number, and its name and data
// each padded to 4 bytes. The file is replaced whole (written beside it and
// renamed), never left half written. false with *error (when given) when an
// entry is not valid as described above or the file cannot be written.
bool writeInitramfs(const QString &path, const QList<InitramfsEntry> &entries, QString *error);

} // namespace osh::runtime
