#pragma once
// Measures how large an archive or compressed file would be once expanded,
// without writing anything, reading at most `limit` expanded bytes (so a
// bomb is measured, not unpacked). Used by the filesystem controller.

#include <QByteArray>
#include <QString>

#include <cstdint>
#include <optional>

namespace osh::runtime {

struct ArchiveSize
{
    std::int64_t expandedBytes = 0; // capped at limit + 1
    bool exceeded = false;          // more than limit
    int entries = 0;
};

// Empty with error set when the data is not a readable archive.
std::optional<ArchiveSize> inspectArchive(const QByteArray &data, std::int64_t limit, QString *error);

} // namespace osh::runtime
