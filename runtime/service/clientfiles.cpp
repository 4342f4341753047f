#include "clientfiles.h"

#include <cerrno>
#include <cstring>
#include <thread>

#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace osh::service {

PinnedFolder &PinnedFolder::operator=(PinnedFolder &&o) noexcept
{
    if (this != &o) {
        release();
        m_fd = std::exchange(o.m_fd, -1);
        m_path = std::move(o.m_path);
        m_staged = std::exchange(o.m_staged, {});
    }
    return *this;
}

PinnedFolder::~PinnedFolder()
{
    release();
}

void PinnedFolder::release()
{
    if (!m_staged.empty()) {
        // Detached: a sandbox that still has it open keeps its own view.
        ::umount2(m_staged.c_str(), MNT_DETACH);
        ::rmdir(m_staged.c_str());
        m_staged.clear();
    }
    if (m_fd >= 0)
        ::close(m_fd);
    m_fd = -1;
}

bool PinnedFolder::stageAt(const std::string &mountPoint, std::string *error)
{
    if (::mkdir(mountPoint.c_str(), 0700) != 0) {
        *error = "cannot create " + mountPoint + ": " + std::strerror(errno);
        return false;
    }
    // The magic link names the opened folder itself, whatever its path is now.
    const std::string source = "/proc/self/fd/" + std::to_string(m_fd);
    if (::mount(source.c_str(), mountPoint.c_str(), nullptr, MS_BIND, nullptr) != 0) {
        *error = "cannot stage " + m_path + " at " + mountPoint + ": " + std::strerror(errno);
        ::rmdir(mountPoint.c_str());
        return false;
    }
    m_staged = mountPoint;
    return true;
}

QString PinnedFolder::pinnedPath() const
{
    if (!m_staged.empty())
        return QString::fromStdString(m_staged);
    return QStringLiteral("/proc/%1/fd/%2").arg(::getpid()).arg(m_fd);
}

uid_t PinnedFolder::owner() const
{
    struct stat st{};
    return ::fstat(m_fd, &st) == 0 ? st.st_uid : static_cast<uid_t>(-1);
}

ClientFiles::ClientFiles(const Principal &client) : m_uid(client.uid), m_gid(client.gid), m_groups(client.groups)
{
    if (client.viaToken || m_gid == static_cast<gid_t>(-1)) {
        // A token's uid: the user's groups as the system lists them.
        if (const auto id = lookupUser(client.uid)) {
            m_gid = id->gid;
            m_groups = id->groups;
        } else {
            m_gid = static_cast<gid_t>(client.uid);
            m_groups.clear();
        }
    }
}

bool ClientFiles::run(const std::function<void()> &fn, std::string *error) const
{
    if (m_uid == 0) {
        fn();
        return true;
    }
    bool ok = false;
    std::string why;
    std::thread t([&] {
        // Raw system calls: glibc's wrappers change every thread of the
        // process; these change only this one.
        if (::syscall(SYS_setgroups, m_groups.size(), m_groups.data()) != 0) {
            why = std::string("setgroups: ") + std::strerror(errno);
            return;
        }
        ::syscall(SYS_setfsgid, m_gid);
        ::syscall(SYS_setfsuid, m_uid);
        // setfs*id report the previous value and never fail visibly: check.
        if (static_cast<uid_t>(::syscall(SYS_setfsuid, -1)) != m_uid
            || static_cast<gid_t>(::syscall(SYS_setfsgid, -1)) != m_gid) {
            why = "cannot take the client's filesystem identity";
            return;
        }
        ok = true;
        fn();
    });
    t.join();
    if (!ok && error)
        *error = why;
    return ok;
}

bool ClientFiles::readFileHere(const std::string &path, std::size_t maxBytes, std::string &out, std::string *error)
{
    struct stat st{};
    return readRegularFile(path, 0, maxBytes, out, &st, error);
}

PinnedFolder ClientFiles::openFolderHere(const std::string &path, bool followFinalSymlink, std::string *error)
{
    if (path.empty() || path.front() != '/') {
        *error = "'" + path + "' is not an absolute path";
        return {};
    }
    // O_RDONLY, not O_PATH: opening needs read permission on the folder
    // itself, and every component on the way needs search permission.
    const int fd = ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC | (followFinalSymlink ? 0 : O_NOFOLLOW));
    if (fd < 0) {
        const int e = errno;
        *error = e == ELOOP || e == ENOTDIR ? path + " is not a folder" + (followFinalSymlink ? "" : " (a symbolic link is not accepted here)")
                                            : "cannot open " + path + ": " + std::strerror(e);
        return {};
    }
    // Search permission on the folder itself (O_RDONLY checked read only).
    if (::faccessat(fd, ".", X_OK, AT_EACCESS) != 0) {
        *error = "cannot open " + path + ": " + std::strerror(errno);
        ::close(fd);
        return {};
    }
    return PinnedFolder(fd, path);
}

bool ClientFiles::readFile(const std::string &path, std::size_t maxBytes, std::string &out, std::string *error) const
{
    bool ok = false;
    std::string why;
    if (!run([&] { ok = readFileHere(path, maxBytes, out, &why); }, &why)) {
        *error = why;
        return false;
    }
    if (!ok)
        *error = why;
    return ok;
}

PinnedFolder ClientFiles::openFolder(const std::string &path, bool followFinalSymlink, std::string *error) const
{
    PinnedFolder f;
    std::string why;
    if (!run([&] { f = openFolderHere(path, followFinalSymlink, &why); }, &why) || !f.valid())
        *error = why;
    return f;
}

} // namespace osh::service
