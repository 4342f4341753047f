#include "archiveinspector.h"

#include <archive.h>
#include <archive_entry.h>

#include <memory>

namespace osh::runtime {

std::optional<ArchiveSize> inspectArchive(const QByteArray &data, std::int64_t limit, QString *error)
{
    std::unique_ptr<archive, decltype(&archive_read_free)> a(archive_read_new(), &archive_read_free);
    archive_read_support_filter_all(a.get());
    archive_read_support_format_all(a.get());
    archive_read_support_format_raw(a.get()); // plain .gz/.xz/.zst/.bz2 files
    if (archive_read_open_memory(a.get(), data.constData(), static_cast<size_t>(data.size())) != ARCHIVE_OK) {
        if (error)
            *error = QString::fromUtf8(archive_error_string(a.get()));
        return std::nullopt;
    }
    ArchiveSize size;
    archive_entry *entry = nullptr;
    char buf[64 * 1024];
    int rc;
    while ((rc = archive_read_next_header(a.get(), &entry)) == ARCHIVE_OK) {
        ++size.entries;
        // Count what decompresses, not what the header claims.
        for (;;) {
            const auto n = archive_read_data(a.get(), buf, sizeof buf);
            if (n < 0) {
                if (error)
                    *error = QString::fromUtf8(archive_error_string(a.get()));
                return std::nullopt;
            }
            if (n == 0)
                break;
            size.expandedBytes += n;
            if (size.expandedBytes > limit) {
                size.exceeded = true;
                size.expandedBytes = limit + 1;
                return size;
            }
        }
    }
    if (rc != ARCHIVE_EOF) {
        if (error)
            *error = QString::fromUtf8(archive_error_string(a.get()));
        return std::nullopt;
    }
    return size;
}

} // namespace osh::runtime
