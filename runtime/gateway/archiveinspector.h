#pragma once
// Measures how large an archive or compressed file would be once expanded,
// without writing anything, reading at most `limit` expanded bytes (so a
// bomb is measured, not unpacked). Archives inside archives (a zip in a zip,
// a zip in a .gz) are measured too, so a nested bomb cannot hide behind a
// small inner file. Used by the filesystem controller.

#include <QByteArray>
#include <QString>

#include <cstdint>
#include <optional>

namespace osh::runtime {

struct ArchiveLimits
{
    int maxDepth = 4;        // archives nested in each other, the outer one included
    int maxEntries = 100000; // entries at all levels together
    // Inner archives up to this size (all levels together) are held in memory
    // and read like a file (a zip through its central directory, as unzip
    // does); larger ones are streamed from the entry around them.
    std::int64_t maxBuffered = std::int64_t(32) << 20;
};

struct ArchiveSize
{
    // The bytes every entry at every level expands to: an inner archive
    // counts as its own bytes plus its expansion. Capped at limit + 1; the
    // largest value when refused, so that any size check refuses it.
    std::int64_t expandedBytes = 0;
    bool exceeded = false; // more than limit, or refused
    int entries = 0;       // at all levels
    int depth = 0;         // the deepest nesting seen (1: no archive inside)
    QString refused;       // why the archive cannot be measured (too deep, too many entries)
};

// Empty with error set when the data is not a readable archive.
std::optional<ArchiveSize> inspectArchive(const QByteArray &data, std::int64_t limit, QString *error,
                                          const ArchiveLimits &limits = {});

} // namespace osh::runtime
