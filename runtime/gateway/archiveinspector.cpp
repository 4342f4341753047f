#include "archiveinspector.h"

#include <archive.h>
#include <archive_entry.h>

#include <algorithm>
#include <limits>
#include <memory>
#include <vector>

namespace osh::runtime {

namespace {

using Reader = std::unique_ptr<archive, decltype(&archive_read_free)>;
using Support = int (*)(archive *);

constexpr std::size_t kChunk = 64 * 1024;

QString archiveError(archive *a)
{
    const char *s = archive_error_string(a);
    return s ? QString::fromUtf8(s) : QStringLiteral("unknown archive error");
}

// The filters libarchive implements itself. One it would run as an external
// program (lrzip, lzop, grzip; gzip, bzip2 or xz when built without the
// library) is left out: inspecting an agent's file must not start processes.
const std::vector<Support> &builtInFilters()
{
    static const std::vector<Support> filters = [] {
        std::vector<Support> ok;
        for (Support f : {archive_read_support_filter_gzip, archive_read_support_filter_bzip2,
                          archive_read_support_filter_xz, archive_read_support_filter_lzma,
                          archive_read_support_filter_lzip, archive_read_support_filter_zstd,
                          archive_read_support_filter_lz4, archive_read_support_filter_compress}) {
            Reader probe(archive_read_new(), &archive_read_free);
            if (f(probe.get()) == ARCHIVE_OK)
                ok.push_back(f);
        }
        return ok;
    }();
    return filters;
}

Reader newReader()
{
    Reader a(archive_read_new(), &archive_read_free);
    for (Support f : builtInFilters())
        f(a.get());
    // Every archive format but mtree, whose entries name files on this host.
    for (Support f : {archive_read_support_format_7zip, archive_read_support_format_ar,
                      archive_read_support_format_cab, archive_read_support_format_cpio,
                      archive_read_support_format_iso9660, archive_read_support_format_lha,
                      archive_read_support_format_rar, archive_read_support_format_rar5,
                      archive_read_support_format_tar, archive_read_support_format_warc,
                      archive_read_support_format_xar, archive_read_support_format_zip})
        f(a.get());
    archive_read_support_format_raw(a.get()); // plain .gz/.xz/.zst/.bz2 files
    return a;
}

bool headerOk(int rc)
{
    return rc == ARCHIVE_OK || rc == ARCHIVE_WARN;
}

// Plain data: the raw format without a compression filter.
bool isPlain(archive *a)
{
    return archive_format(a) == ARCHIVE_FORMAT_RAW && archive_filter_code(a, 0) == ARCHIVE_FILTER_NONE;
}

class Inspector
{
public:
    Inspector(std::int64_t limit, const ArchiveLimits &limits) : m_limit(limit), m_limits(limits) {}

    // Reads every entry of a, nested `depth` deep (1: the archive given);
    // first is a header already read, or null. False on a read error (error
    // set) or when the measurement stopped (exceeded or refused).
    bool walk(archive *a, int depth, archive_entry *first, QString &error);
    // Reads entry data of a, counting it as expanded bytes. -1 on a read error
    // (error set) or when the limit is passed.
    la_ssize_t pull(archive *a, char *buf, std::size_t n, QString &error);
    bool stopped() const { return m_size.exceeded; }
    const ArchiveSize &size() const { return m_size; }

private:
    // The data of a's current entry, looked into when it is an archive itself.
    bool entry(archive *a, int depth, QString &error);
    bool drain(archive *a, QString &error);
    void refuse(const QString &why);

    const std::int64_t m_limit;
    const ArchiveLimits m_limits;
    std::int64_t m_buffered = 0; // bytes of inner archives held in memory now
    ArchiveSize m_size;
};

// An inner archive streamed from the entry around it: first the bytes
// already taken from that entry, then the rest as the inner reader asks.
struct Source
{
    Source(Inspector *i, archive *a) : inspector(i), outer(a) {}
    Inspector *inspector;
    archive *outer;
    QByteArray head;
    qsizetype headPos = 0;
    std::vector<char> buf = std::vector<char>(kChunk);
    QString error;
    bool failed = false; // the outer entry could not be read
};

la_ssize_t readSource(archive *, void *client, const void **out)
{
    auto *s = static_cast<Source *>(client);
    if (s->headPos < s->head.size()) {
        *out = s->head.constData() + s->headPos;
        const auto n = s->head.size() - s->headPos;
        s->headPos = s->head.size();
        return static_cast<la_ssize_t>(n);
    }
    const auto n = s->inspector->pull(s->outer, s->buf.data(), s->buf.size(), s->error);
    if (n < 0) {
        s->failed = !s->inspector->stopped();
        return ARCHIVE_FATAL;
    }
    *out = s->buf.data();
    return n;
}

bool Inspector::walk(archive *a, int depth, archive_entry *first, QString &error)
{
    m_size.depth = std::max(m_size.depth, depth);
    archive_entry *e = first;
    for (;;) {
        if (!e) {
            const int rc = archive_read_next_header(a, &e);
            if (rc == ARCHIVE_EOF)
                return true;
            if (!headerOk(rc)) {
                error = archiveError(a);
                return false;
            }
        }
        if (++m_size.entries > m_limits.maxEntries) {
            refuse(QStringLiteral("more than %1 entries").arg(m_limits.maxEntries));
            return false;
        }
        if (!entry(a, depth, error))
            return false;
        e = nullptr;
    }
}

la_ssize_t Inspector::pull(archive *a, char *buf, std::size_t n, QString &error)
{
    const la_ssize_t got = archive_read_data(a, buf, n);
    if (got < 0) {
        error = archiveError(a);
        return -1;
    }
    // Count what decompresses, not what the header claims.
    m_size.expandedBytes += got;
    if (m_size.expandedBytes > m_limit) {
        m_size.exceeded = true;
        m_size.expandedBytes = m_limit + 1;
        return -1;
    }
    return got;
}

bool Inspector::entry(archive *a, int depth, QString &error)
{
    Source src(this, a);
    // Small enough: read whole, so that the inner archive can be read like
    // a file (a zip through its central directory, as extraction would).
    bool whole = false;
    const std::int64_t room = m_limits.maxBuffered - m_buffered;
    while (!whole && src.head.size() < room) {
        const auto n = pull(a, src.buf.data(), src.buf.size(), error);
        if (n < 0)
            return false;
        whole = n == 0;
        src.head.append(src.buf.data(), static_cast<qsizetype>(n));
    }
    if (whole && src.head.isEmpty())
        return true;

    Reader inner = newReader();
    const int rc = whole ? archive_read_open_memory(inner.get(), src.head.constData(), static_cast<size_t>(src.head.size()))
                         : archive_read_open(inner.get(), &src, nullptr, &readSource, nullptr);
    archive_entry *first = nullptr;
    bool ok = rc == ARCHIVE_OK && headerOk(archive_read_next_header(inner.get(), &first));
    QString innerError;
    if (ok && !isPlain(inner.get())) {
        if (depth >= m_limits.maxDepth) {
            refuse(QStringLiteral("archives nested more than %1 deep").arg(m_limits.maxDepth));
            return false;
        }
        m_buffered += src.head.size();
        ok = walk(inner.get(), depth + 1, first, innerError);
        m_buffered -= src.head.size();
    }
    if (stopped())
        return false;
    if (src.failed) {
        error = src.error;
        return false;
    }
    if (!ok) {
        // The raw format reads anything, so this is an archive or a
        // compressed stream that libarchive recognised but cannot read (a 7z
        // too large to hold, an unsupported method, damage): what it expands
        // to is unknown, and an extraction tool might still unpack it.
        refuse(QStringLiteral("an archive inside cannot be measured: %1")
                   .arg(innerError.isEmpty() ? archiveError(inner.get()) : innerError));
        return false;
    }
    inner.reset();
    return whole || drain(a, error);
}

bool Inspector::drain(archive *a, QString &error)
{
    std::vector<char> buf(kChunk);
    for (;;) {
        const auto n = pull(a, buf.data(), buf.size(), error);
        if (n < 0)
            return false;
        if (n == 0)
            return true;
    }
}

void Inspector::refuse(const QString &why)
{
    m_size.exceeded = true;
    m_size.expandedBytes = std::numeric_limits<std::int64_t>::max();
    m_size.refused = why;
}

} // namespace

std::optional<ArchiveSize> inspectArchive(const QByteArray &data, std::int64_t limit, QString *error,
                                          const ArchiveLimits &limits)
{
    Reader a = newReader();
    if (archive_read_open_memory(a.get(), data.constData(), static_cast<size_t>(data.size())) != ARCHIVE_OK) {
        if (error)
            *error = archiveError(a.get());
        return std::nullopt;
    }
    Inspector inspector(limit, limits);
    QString err;
    if (!inspector.walk(a.get(), 1, nullptr, err) && !inspector.stopped()) {
        if (error)
            *error = err;
        return std::nullopt;
    }
    return inspector.size();
}

} // namespace osh::runtime
