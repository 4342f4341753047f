#include "beneath.h"

#include <dirent.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <linux/openat2.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstring>

namespace osh::runtime::beneath {

namespace {

constexpr std::uint64_t kResolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS | RESOLVE_NO_XDEV;
constexpr int kMaxDepth = 64;
constexpr std::size_t kMaxRemoved = 100000;
constexpr const char *kBadPath = "the path has an empty, \".\" or \"..\" component, a NUL byte, or is too long";

int openBeneath(int dir, const char *path, std::uint64_t flags, mode_t mode = 0)
{
    open_how how{};
    // openat2 refuses (EINVAL) any flag beside O_DIRECTORY, O_NOFOLLOW and
    // O_CLOEXEC together with O_PATH.
    how.flags = flags | O_CLOEXEC | ((flags & O_PATH) ? 0 : O_NOCTTY);
    how.mode = (flags & O_CREAT) ? mode : 0;
    how.resolve = kResolve;
    int fd;
    do
        fd = static_cast<int>(::syscall(SYS_openat2, dir, path, &how, sizeof how));
    while (fd < 0 && errno == EAGAIN); // a rename elsewhere raced the lookup: try again
    return fd;
}

Error fromErrno(int err, std::string_view what)
{
    Error e;
    e.message = std::string(what) + ": " + std::strerror(err);
    switch (err) {
    case ENOENT: e.failure = Failure::NotFound; e.message = std::string(what) + ": no such file or folder"; break;
    case ELOOP:
    case EXDEV:
        e.failure = Failure::Escapes;
        e.message = std::string(what) + ": the path crosses a symbolic link or another file system (the controller follows neither)";
        break;
    case ENOTDIR: e.failure = Failure::NotFolder; e.message = std::string(what) + ": a component is not a folder"; break;
    case EISDIR: e.failure = Failure::IsFolder; e.message = std::string(what) + ": is a folder"; break;
    case EEXIST: e.failure = Failure::Exists; e.message = std::string(what) + ": already exists"; break;
    case EACCES:
    case EPERM: e.failure = Failure::Denied; e.message = std::string(what) + ": permission denied"; break;
    case EFBIG:
    case ENOSPC:
    case EDQUOT: e.failure = Failure::TooLarge; break;
    default: e.failure = Failure::Io; break;
    }
    return e;
}

void fail(Error *error, Failure f, std::string message)
{
    if (error) {
        error->failure = f;
        error->message = std::move(message);
    }
}

void failErrno(Error *error, std::string_view what)
{
    const int err = errno;
    if (error)
        *error = fromErrno(err, what);
}

Opened openedFrom(const struct stat &st)
{
    Opened o;
    o.dev = st.st_dev;
    o.ino = st.st_ino;
    o.mode = st.st_mode;
    o.uid = st.st_uid;
    o.size = st.st_size;
    o.links = st.st_nlink;
    return o;
}

bool describe(int fd, Opened *what)
{
    struct stat st{};
    if (::fstat(fd, &st) != 0)
        return false;
    if (what)
        *what = openedFrom(st);
    return true;
}

std::string relativeText(const std::vector<std::string> &parts, std::size_t count)
{
    std::string out;
    for (std::size_t i = 0; i < count; ++i) {
        if (i)
            out += '/';
        out += parts[i];
    }
    return out.empty() ? std::string(".") : out;
}

bool removeTree(int dir, int depth, std::size_t &removed, Error *error)
{
    if (depth > kMaxDepth) {
        fail(error, Failure::Limit, "the folder tree is deeper than " + std::to_string(kMaxDepth) + " levels");
        return false;
    }
    const int listFd = ::openat(dir, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (listFd < 0) {
        failErrno(error, "cannot open the folder");
        return false;
    }
    DIR *d = ::fdopendir(listFd);
    if (!d) {
        ::close(listFd);
        failErrno(error, "cannot list the folder");
        return false;
    }
    bool ok = true;
    while (ok) {
        errno = 0;
        const dirent *e = ::readdir(d);
        if (!e)
            break;
        const std::string name = e->d_name;
        if (name == "." || name == "..")
            continue;
        if (++removed > kMaxRemoved) {
            fail(error, Failure::Limit, "the folder holds more than " + std::to_string(kMaxRemoved) + " entries");
            ok = false;
            break;
        }
        struct stat st{};
        if (::fstatat(dir, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0)
            continue; // gone meanwhile
        if (S_ISDIR(st.st_mode)) {
            Fd sub(openBeneath(dir, name.c_str(), O_PATH | O_DIRECTORY | O_NOFOLLOW));
            if (!sub.valid()) {
                failErrno(error, "cannot open " + name);
                ok = false;
                break;
            }
            ok = removeTree(sub.get(), depth + 1, removed, error)
                && (::unlinkat(dir, name.c_str(), AT_REMOVEDIR) == 0 || (failErrno(error, "cannot remove " + name), false));
        } else if (::unlinkat(dir, name.c_str(), 0) != 0 && errno != ENOENT) {
            failErrno(error, "cannot remove " + name);
            ok = false;
        }
    }
    ::closedir(d);
    return ok;
}

} // namespace

Fd &Fd::operator=(Fd &&o) noexcept
{
    if (this != &o) {
        if (m_fd >= 0)
            ::close(m_fd);
        m_fd = o.release();
    }
    return *this;
}

Fd::~Fd()
{
    if (m_fd >= 0)
        ::close(m_fd);
}

int Fd::release()
{
    const int fd = m_fd;
    m_fd = -1;
    return fd;
}

const char *Opened::typeName() const
{
    if (S_ISREG(mode))
        return "file";
    if (S_ISDIR(mode))
        return "folder";
    if (S_ISLNK(mode))
        return "symbolic link";
    if (S_ISFIFO(mode))
        return "FIFO";
    if (S_ISSOCK(mode))
        return "socket";
    if (S_ISCHR(mode) || S_ISBLK(mode))
        return "device";
    return "special file";
}

std::optional<std::vector<std::string>> components(std::string_view relative)
{
    if (relative.size() > PATH_MAX || relative.find('\0') != std::string_view::npos)
        return std::nullopt;
    std::vector<std::string> parts;
    if (relative.empty())
        return parts;
    std::size_t start = 0;
    while (start <= relative.size()) {
        const auto slash = relative.find('/', start);
        const auto comp = relative.substr(start, slash == std::string_view::npos ? std::string_view::npos : slash - start);
        if (comp.empty() || comp == "." || comp == ".." || comp.size() > NAME_MAX)
            return std::nullopt;
        parts.emplace_back(comp);
        if (slash == std::string_view::npos)
            break;
        start = slash + 1;
    }
    return parts;
}

Fd openRoot(const std::string &hostPath, Error *error)
{
    Fd fd(::open(hostPath.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
    if (!fd.valid())
        failErrno(error, hostPath);
    return fd;
}

Fd lookup(int root, std::string_view relative, Opened *what, Error *error)
{
    const auto parts = components(relative);
    if (!parts) {
        fail(error, Failure::BadPath, kBadPath);
        return {};
    }
    const std::string rel = relativeText(*parts, parts->size());
    // O_PATH | O_NOFOLLOW returns a trailing link itself instead of failing,
    // so the answer can say what was there.
    Fd fd(openBeneath(root, rel.c_str(), O_PATH | O_NOFOLLOW));
    if (!fd.valid()) {
        failErrno(error, rel);
        return {};
    }
    if (!describe(fd.get(), what)) {
        failErrno(error, rel);
        return {};
    }
    return fd;
}

Fd reopen(int pathFd, int flags, Error *error)
{
    Opened was;
    if (!describe(pathFd, &was)) {
        failErrno(error, "cannot inspect the opened file");
        return {};
    }
    if (!S_ISREG(was.mode) && !S_ISDIR(was.mode)) {
        fail(error, Failure::NotRegular, std::string("is a ") + was.typeName() + ", not a regular file");
        return {};
    }
    // The descriptor pins the inode: reopening it through /proc cannot reach
    // anything that was swapped in at the path meanwhile. The kernel checks
    // the access again with this thread's file-system identity.
    const std::string proc = "/proc/thread-self/fd/" + std::to_string(pathFd);
    Fd fd(::open(proc.c_str(), flags | O_CLOEXEC | O_NOCTTY | O_NONBLOCK));
    if (!fd.valid()) {
        failErrno(error, "cannot open");
        return {};
    }
    Opened now;
    if (!describe(fd.get(), &now) || now.dev != was.dev || now.ino != was.ino) {
        fail(error, Failure::Escapes, "the file changed while it was being opened");
        return {};
    }
    return fd;
}

namespace {

// The folder made of the first `count` components beneath `root`, each
// opened without following a link, created on the way when `create`.
Fd walkFolders(int root, const std::vector<std::string> &parts, std::size_t count, bool create, Error *error)
{
    Fd dir(::fcntl(root, F_DUPFD_CLOEXEC, 0));
    if (!dir.valid()) {
        failErrno(error, "cannot duplicate the folder descriptor");
        return {};
    }
    for (std::size_t i = 0; i < count; ++i) {
        const std::string &name = parts[i];
        Fd next(openBeneath(dir.get(), name.c_str(), O_PATH | O_DIRECTORY | O_NOFOLLOW));
        if (!next.valid() && errno == ENOENT && create) {
            if (::mkdirat(dir.get(), name.c_str(), 0755) != 0 && errno != EEXIST) {
                failErrno(error, "cannot create " + relativeText(parts, i + 1));
                return {};
            }
            next = Fd(openBeneath(dir.get(), name.c_str(), O_PATH | O_DIRECTORY | O_NOFOLLOW));
        }
        if (!next.valid()) {
            failErrno(error, relativeText(parts, i + 1));
            return {};
        }
        dir = std::move(next);
    }
    return dir;
}

} // namespace

Fd parentOf(int root, std::string_view relative, bool create, std::string *leaf, Error *error)
{
    const auto parts = components(relative);
    if (!parts || parts->empty()) {
        fail(error, Failure::BadPath, parts ? "the operation needs a path below the folder, not the folder itself" : kBadPath);
        return {};
    }
    *leaf = parts->back();
    return walkFolders(root, *parts, parts->size() - 1, create, error);
}

Fd openFolder(int root, std::string_view relative, bool create, Error *error)
{
    const auto parts = components(relative);
    if (!parts) {
        fail(error, Failure::BadPath, kBadPath);
        return {};
    }
    return walkFolders(root, *parts, parts->size(), create, error);
}

std::optional<std::string> readFile(int root, std::string_view relative, std::int64_t maxBytes, Opened *what, Error *error)
{
    Opened info;
    Fd path = lookup(root, relative, &info, error);
    if (!path.valid())
        return std::nullopt;
    if (what)
        *what = info;
    if (S_ISLNK(info.mode)) {
        fail(error, Failure::Escapes, "is a symbolic link; the controller does not follow links");
        return std::nullopt;
    }
    if (S_ISDIR(info.mode)) {
        fail(error, Failure::IsFolder, "is a folder (list it instead)");
        return std::nullopt;
    }
    if (!S_ISREG(info.mode)) {
        fail(error, Failure::NotRegular, std::string("is a ") + info.typeName() + ", not a regular file");
        return std::nullopt;
    }
    if (info.size > maxBytes) {
        fail(error, Failure::TooLarge,
             "is " + std::to_string(info.size) + " bytes, more than the " + std::to_string(maxBytes) + " the controller reads");
        return std::nullopt;
    }
    Fd fd = reopen(path.get(), O_RDONLY, error);
    if (!fd.valid())
        return std::nullopt;
    std::string data;
    char buf[65536];
    for (;;) {
        const ssize_t n = ::read(fd.get(), buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            failErrno(error, "read failed");
            return std::nullopt;
        }
        if (n == 0)
            break;
        // The file may grow while it is read: the limit holds for what is read.
        if (static_cast<std::int64_t>(data.size()) + n > maxBytes) {
            fail(error, Failure::TooLarge, "grew past the " + std::to_string(maxBytes) + " bytes the controller reads");
            return std::nullopt;
        }
        data.append(buf, static_cast<std::size_t>(n));
    }
    return data;
}

bool writeFile(int root, std::string_view relative, std::string_view content, bool exclusive, Opened *what, Error *error)
{
    std::string leaf;
    Fd dir = parentOf(root, relative, true, &leaf, error);
    if (!dir.valid())
        return false;
    Fd fd;
    // A bounded retry: the name may be created or removed by agent code
    // between our two attempts; neither attempt ever follows a link.
    for (int attempt = 0; attempt < 8 && !fd.valid(); ++attempt) {
        fd = Fd(openBeneath(dir.get(), leaf.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_NONBLOCK, 0644));
        if (fd.valid() || errno != EEXIST)
            break;
        if (exclusive) {
            fail(error, Failure::Exists, "file exists");
            return false;
        }
        Opened existing;
        Error lookupError;
        Fd path = lookup(dir.get(), leaf, &existing, &lookupError);
        if (!path.valid()) {
            if (lookupError.failure == Failure::NotFound)
                continue; // removed meanwhile: create it
            if (error)
                *error = lookupError;
            return false;
        }
        if (S_ISLNK(existing.mode)) {
            fail(error, Failure::Escapes, "is a symbolic link; the controller does not write through links");
            return false;
        }
        if (S_ISDIR(existing.mode)) {
            fail(error, Failure::IsFolder, "is a folder");
            return false;
        }
        if (!S_ISREG(existing.mode)) {
            fail(error, Failure::NotRegular, std::string("is a ") + existing.typeName() + ", not a regular file");
            return false;
        }
        if (existing.links > 1) {
            fail(error, Failure::HardLinked, "has other names (hard links); writing would change them too");
            return false;
        }
        fd = reopen(path.get(), O_WRONLY, error);
        if (!fd.valid())
            return false;
        if (::ftruncate(fd.get(), 0) != 0) {
            failErrno(error, "cannot truncate");
            return false;
        }
    }
    if (!fd.valid()) {
        failErrno(error, std::string(relative));
        return false;
    }
    std::size_t done = 0;
    while (done < content.size()) {
        const ssize_t n = ::write(fd.get(), content.data() + done, content.size() - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            const int err = errno;
            (void)::ftruncate(fd.get(), 0); // no half-written file stays behind
            errno = err;
            failErrno(error, "write failed");
            return false;
        }
        done += static_cast<std::size_t>(n);
    }
    describe(fd.get(), what);
    return true;
}

std::optional<std::vector<Entry>> listFolder(int root, std::string_view relative, std::size_t maxEntries, bool *truncated,
                                             Opened *what, Error *error)
{
    const auto parts = components(relative);
    if (!parts) {
        fail(error, Failure::BadPath, kBadPath);
        return std::nullopt;
    }
    const std::string rel = relativeText(*parts, parts->size());
    // O_DIRECTORY fails before anything that is not a folder is opened.
    Fd fd(openBeneath(root, rel.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_NONBLOCK));
    if (!fd.valid()) {
        failErrno(error, rel);
        return std::nullopt;
    }
    describe(fd.get(), what);
    const int dupFd = ::fcntl(fd.get(), F_DUPFD_CLOEXEC, 0);
    DIR *d = dupFd >= 0 ? ::fdopendir(dupFd) : nullptr;
    if (!d) {
        if (dupFd >= 0)
            ::close(dupFd);
        failErrno(error, "cannot list " + rel);
        return std::nullopt;
    }
    std::vector<Entry> out;
    *truncated = false;
    while (const dirent *e = ::readdir(d)) {
        const std::string name = e->d_name;
        if (name == "." || name == "..")
            continue;
        if (out.size() >= maxEntries) {
            *truncated = true;
            break;
        }
        struct stat st{};
        if (::fstatat(fd.get(), name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0)
            continue;
        out.push_back({name, openedFrom(st)});
    }
    ::closedir(d);
    return out;
}

namespace {

// The folder holding `relative` and what its last component is now
// (without following it), for operations on the name itself.
Fd parentAndLeaf(int root, std::string_view relative, std::string *leaf, struct stat *st, Error *error)
{
    Fd dir = parentOf(root, relative, false, leaf, error);
    if (dir.valid() && ::fstatat(dir.get(), leaf->c_str(), st, AT_SYMLINK_NOFOLLOW) != 0) {
        failErrno(error, std::string(relative));
        return {};
    }
    return dir;
}

} // namespace

bool removePath(int root, std::string_view relative, Opened *what, Error *error)
{
    std::string leaf;
    struct stat st{};
    Fd dir = parentAndLeaf(root, relative, &leaf, &st, error);
    if (!dir.valid())
        return false;
    if (what)
        *what = openedFrom(st);
    if (S_ISDIR(st.st_mode)) {
        Fd sub(openBeneath(dir.get(), leaf.c_str(), O_PATH | O_DIRECTORY | O_NOFOLLOW));
        if (!sub.valid()) {
            failErrno(error, std::string(relative));
            return false;
        }
        std::size_t removed = 0;
        if (!removeTree(sub.get(), 1, removed, error))
            return false;
        if (::unlinkat(dir.get(), leaf.c_str(), AT_REMOVEDIR) != 0) {
            failErrno(error, std::string(relative));
            return false;
        }
        return true;
    }
    if (::unlinkat(dir.get(), leaf.c_str(), 0) != 0) {
        failErrno(error, std::string(relative));
        return false;
    }
    return true;
}

bool makeSymlink(int root, std::string_view relative, const std::string &target, Error *error)
{
    if (target.empty() || target.find('\0') != std::string::npos || target.size() > PATH_MAX) {
        fail(error, Failure::BadPath, "the link target is empty, too long or contains a NUL byte");
        return false;
    }
    std::string leaf;
    Fd dir = parentOf(root, relative, false, &leaf, error);
    if (!dir.valid())
        return false;
    if (::symlinkat(target.c_str(), dir.get(), leaf.c_str()) != 0) {
        failErrno(error, std::string(relative));
        return false;
    }
    return true;
}

bool becomeFileUser(uid_t uid, gid_t gid, std::string *error)
{
    if (::geteuid() != 0)
        return true; // already an ordinary user: the kernel checks as that user
    // Raw system calls: glibc's wrappers for setgroups would change every
    // thread of the process, and only this one is to act as the user.
    if (::syscall(SYS_setgroups, 0, nullptr) != 0) {
        if (error)
            *error = std::string("cannot drop supplementary groups: ") + std::strerror(errno);
        return false;
    }
    ::syscall(SYS_setfsgid, gid);
    ::syscall(SYS_setfsuid, uid);
    // setfsuid/setfsgid return the previous value and never fail loudly:
    // ask again to see what is in force.
    const auto fsuid = static_cast<uid_t>(::syscall(SYS_setfsuid, static_cast<uid_t>(-1)));
    const auto fsgid = static_cast<gid_t>(::syscall(SYS_setfsgid, static_cast<gid_t>(-1)));
    if (fsuid != uid || fsgid != gid) {
        if (error)
            *error = "cannot take the file-system identity " + std::to_string(uid) + ":" + std::to_string(gid);
        return false;
    }
    // setfsuid clears only the file-system capabilities; the rest of root's
    // (CAP_SYS_RESOURCE would write past the disk's reserved blocks and
    // quotas, CAP_SETUID would undo all this) go too. Capabilities are per
    // thread: the rest of the process keeps its own.
    __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
    __user_cap_data_struct none[_LINUX_CAPABILITY_U32S_3] = {};
    if (::syscall(SYS_capset, &header, none) != 0) {
        if (error)
            *error = std::string("cannot drop capabilities: ") + std::strerror(errno);
        return false;
    }
    return true;
}

bool removeFile(int root, std::string_view relative, const Opened &expected, Error *error)
{
    std::string leaf;
    struct stat st{};
    Fd dir = parentAndLeaf(root, relative, &leaf, &st, error);
    if (!dir.valid())
        return false;
    if (S_ISDIR(st.st_mode) || st.st_dev != expected.dev || st.st_ino != expected.ino) {
        fail(error, Failure::Escapes, "changed since it was examined");
        return false;
    }
    // Flags 0: a folder swapped in meanwhile fails with EISDIR, never emptied.
    if (::unlinkat(dir.get(), leaf.c_str(), 0) != 0) {
        failErrno(error, std::string(relative));
        return false;
    }
    return true;
}

} // namespace osh::runtime::beneath
