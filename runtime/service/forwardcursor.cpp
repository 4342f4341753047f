#include "forwardcursor.h"

#include "util/sha256.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <vector>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace osh::service {

namespace {

constexpr const char *kCursorMagic = "openshell-forward-cursor 2";

} // namespace

std::unique_ptr<CursorFolder> CursorFolder::open(const std::string &path, std::string &error)
{
    if (::mkdir(path.c_str(), 0700) != 0 && errno != EEXIST) {
        error = "cannot create " + path + ": " + std::strerror(errno);
        return nullptr;
    }
    // Its files are written as this uid: a folder someone else could swap
    // or write into is refused.
    const int fd = ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    struct stat st{};
    if (fd < 0 || ::fstat(fd, &st) != 0 || st.st_uid != ::geteuid() || (st.st_mode & 022) != 0) {
        if (fd >= 0)
            ::close(fd);
        error = path + ": must be a folder (not a link) of uid " + std::to_string(::geteuid())
            + " that nobody else can write to";
        return nullptr;
    }
    return std::unique_ptr<CursorFolder>(new CursorFolder(path, fd));
}

CursorFolder::~CursorFolder()
{
    ::close(m_fd);
}

std::string CursorFolder::fileName(const std::string &destination)
{
    return sha256Hex(destination).substr(0, 24) + ".cursor";
}

bool CursorFolder::load(const std::string &name, const std::string &destination, ForwardCursor &cursor,
                        std::string &error) const
{
    const int fd = ::openat(m_fd, name.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT) {
            cursor = {};
            return true;
        }
        error = "cursor " + pathOf(name) + ": " + std::strerror(errno);
        return false;
    }
    struct stat st{};
    std::string text;
    if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size < 65536) {
        char buf[4096];
        ssize_t n;
        while ((n = ::read(fd, buf, sizeof buf)) > 0)
            text.append(buf, static_cast<std::size_t>(n));
    }
    ::close(fd);
    std::vector<std::string> lines;
    for (std::size_t at = 0; at < text.size();) {
        const auto nl = text.find('\n', at);
        if (nl == std::string::npos)
            break;
        lines.push_back(text.substr(at, nl - at));
        at = nl + 1;
    }
    const std::string &id = lines.size() == 5 ? lines[1] : text;
    if (lines.size() != 5 || lines[0] != kCursorMagic || lines[4] != destination || id.empty() || id.size() > 18
        || !std::all_of(id.begin(), id.end(), [](char c) { return c >= '0' && c <= '9'; })) {
        error = "cursor " + pathOf(name)
            + " is not this destination's cursor file; move it away to forward every event again";
        return false;
    }
    cursor.id = std::stoll(id);
    cursor.chain = lines[2];
    cursor.first = lines[3];
    return true;
}

bool CursorFolder::save(const std::string &name, const std::string &destination, const ForwardCursor &cursor,
                        std::string &error) const
{
    const std::string tmp = name + ".tmp";
    const std::string text = std::string(kCursorMagic) + "\n" + std::to_string(cursor.id) + "\n" + cursor.chain + "\n"
        + cursor.first + "\n" + destination + "\n";
    ::unlinkat(m_fd, tmp.c_str(), 0);
    const int fd = ::openat(m_fd, tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0) {
        error = "cursor " + pathOf(tmp) + ": " + std::strerror(errno);
        return false;
    }
    const bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) && ::fsync(fd) == 0;
    const int err = errno;
    ::close(fd);
    if (!ok || ::renameat(m_fd, tmp.c_str(), m_fd, name.c_str()) != 0) {
        error = "cursor " + pathOf(name) + ": " + std::strerror(ok ? errno : err);
        ::unlinkat(m_fd, tmp.c_str(), 0);
        return false;
    }
    ::fsync(m_fd);
    return true;
}

} // namespace osh::service
