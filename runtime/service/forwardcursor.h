#pragma once
// The forwarder's cursor files, one per destination, in a folder the
// service holds open: "openshell-forward-cursor 2\nID\nCHAIN\nFIRST\nDESTINATION\n",
// the id of the last event delivered, its chain value, the chain value of
// the store's first event (which store it is) and the destination. Files
// are read, written and renamed relative to the open folder (openat,
// renameat), so a folder swapped for a link after it was checked is never
// written through.

#include <cstdint>
#include <memory>
#include <string>

namespace osh::service {

struct ForwardCursor
{
    std::int64_t id = 0; // 0: nothing delivered yet
    std::string chain;   // of event id
    std::string first;   // of the store's first event
};

class CursorFolder
{
public:
    // Creates path (0700) when missing and opens it. Refused unless it is a
    // folder, not a link, of this euid, that nobody else can write to.
    static std::unique_ptr<CursorFolder> open(const std::string &path, std::string &error);
    ~CursorFolder();
    CursorFolder(const CursorFolder &) = delete;
    CursorFolder &operator=(const CursorFolder &) = delete;

    // A destination's file name: 24 hex digits of its SHA-256, ".cursor".
    static std::string fileName(const std::string &destination);
    std::string pathOf(const std::string &name) const { return m_path + "/" + name; }

    // A missing file is cursor 0; a file of another destination or not a
    // cursor file is an error.
    bool load(const std::string &name, const std::string &destination, ForwardCursor &cursor,
              std::string &error) const;
    // Written whole under a temporary name, fsynced, renamed into place,
    // and the folder fsynced.
    bool save(const std::string &name, const std::string &destination, const ForwardCursor &cursor,
              std::string &error) const;

private:
    CursorFolder(std::string path, int fd)
        : m_path(std::move(path))
        , m_fd(fd)
    { }
    std::string m_path;
    int m_fd;
};

} // namespace osh::service
