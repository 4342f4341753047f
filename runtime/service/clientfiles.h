#pragma once
// Files opened for a client with the client's own credentials. The service
// runs as root, so a path a client names (its policy, its workspace, a
// policy's `source:` folders) is opened on a short-lived thread whose
// filesystem uid, gid and groups are the client's (setfsuid, setfsgid and
// setgroups act per thread on Linux; the kernel drops the file capabilities
// with a non-zero fsuid). What the client could not open itself fails here,
// and what it could is pinned: the service keeps the descriptor and hands
// the sandbox /proc/PID/fd/N, so a path swapped for a symlink afterwards
// changes nothing.

#include "access.h"

#include <QString>

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace osh::service {

// An open folder, kept for as long as the object lives.
class PinnedFolder
{
public:
    PinnedFolder() = default;
    explicit PinnedFolder(int fd, std::string originalPath) : m_fd(fd), m_path(std::move(originalPath)) {}
    PinnedFolder(PinnedFolder &&o) noexcept
        : m_fd(std::exchange(o.m_fd, -1)), m_path(std::move(o.m_path)), m_staged(std::exchange(o.m_staged, {}))
    {
    }
    PinnedFolder &operator=(PinnedFolder &&o) noexcept;
    PinnedFolder(const PinnedFolder &) = delete;
    ~PinnedFolder();

    bool valid() const { return m_fd >= 0; }
    int fd() const { return m_fd; }
    const std::string &originalPath() const { return m_path; }
    // Bind-mounts the opened folder at mountPoint (created; its parent must
    // be the service's own, root-only); undone when this object goes.
    bool stageAt(const std::string &mountPoint, std::string *error);
    // The staging point once staged, else /proc/<pid>/fd/<fd>.
    QString pinnedPath() const;
    uid_t owner() const;

private:
    void release();
    int m_fd = -1;
    std::string m_path;
    std::string m_staged;
};

class ClientFiles
{
public:
    explicit ClientFiles(const Principal &client);

    // Runs fn on a thread with the client's filesystem credentials and waits
    // for it. false (and *error) when the credentials cannot be taken.
    bool run(const std::function<void()> &fn, std::string *error) const;

    // Reads a regular file of at most maxBytes as the client.
    bool readFile(const std::string &path, std::size_t maxBytes, std::string &out, std::string *error) const;
    // Opens a folder as the client: it must be readable and searchable by it.
    PinnedFolder openFolder(const std::string &path, bool followFinalSymlink, std::string *error) const;
    // Opens a folder (as above) on the current thread: fn passed to run() calls this.
    static PinnedFolder openFolderHere(const std::string &path, bool followFinalSymlink, std::string *error);
    static bool readFileHere(const std::string &path, std::size_t maxBytes, std::string &out, std::string *error);

    uid_t uid() const { return m_uid; }
    gid_t gid() const { return m_gid; }

private:
    uid_t m_uid;
    gid_t m_gid;
    std::vector<gid_t> m_groups;
};

} // namespace osh::service
