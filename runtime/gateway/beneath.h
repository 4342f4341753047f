#pragma once
// File operations confined beneath a directory descriptor, for code that
// acts on folders an agent can also write to. Every path is resolved by the
// kernel relative to the folder's descriptor with openat2(RESOLVE_BENEATH |
// RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS | RESOLVE_NO_XDEV), so no
// symbolic link, "..", mount point or /proc magic link is ever followed, and
// every check is made on an opened descriptor, never on a path: swapping a
// component for a link between a check and a use changes nothing. Nothing
// here opens a FIFO, socket or device: objects are first opened with O_PATH
// (which has no side effects) and reopened only when they are regular files
// or folders.
//
// Used by FileController on its worker thread; plain functions so the path
// handling can be tested and fuzzed alone.

#include <sys/stat.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace osh::runtime::beneath {

// A descriptor that closes itself.
class Fd
{
public:
    Fd() = default;
    explicit Fd(int fd) : m_fd(fd) {}
    Fd(Fd &&o) noexcept : m_fd(o.release()) {}
    Fd &operator=(Fd &&o) noexcept;
    Fd(const Fd &) = delete;
    Fd &operator=(const Fd &) = delete;
    ~Fd();
    int get() const { return m_fd; }
    bool valid() const { return m_fd >= 0; }
    int release();

private:
    int m_fd = -1;
};

// Why an operation failed, for the answer and the audit record.
enum class Failure {
    None,
    BadPath,     // empty component, "." or "..", NUL, too long
    NotFound,
    Escapes,     // a symbolic link, mount point or magic link on the way
    NotRegular,  // a FIFO, socket, device or other special file
    NotFolder,
    IsFolder,
    Exists,
    TooLarge,
    HardLinked,  // writing would change a file that has other names
    Denied,      // the sandbox user may not do it
    Limit,       // too many entries or too deep
    Io,
};

struct Error
{
    Failure failure = Failure::None;
    std::string message;
    explicit operator bool() const { return failure != Failure::None; }
};

// What an opened object is, taken from fstat on its descriptor.
struct Opened
{
    dev_t dev = 0;
    ino_t ino = 0;
    mode_t mode = 0;
    uid_t uid = 0;
    std::int64_t size = 0;
    nlink_t links = 0;
    const char *typeName() const;
};

// Splits a relative path ("a/b/c", "" for the folder itself) into its
// components; nullopt when a component is empty, "." or "..", contains NUL,
// or is longer than NAME_MAX, or the whole is longer than PATH_MAX.
std::optional<std::vector<std::string>> components(std::string_view relative);

// Opens the root folder of a tree with O_PATH; the caller keeps it for the
// session so later operations never look the root up by name again.
Fd openRoot(const std::string &hostPath, Error *error);

// O_PATH descriptor of the object at `relative` beneath `root`; a trailing
// symbolic link is returned as the link itself (so it can be reported).
Fd lookup(int root, std::string_view relative, Opened *what, Error *error);

// Reopens an O_PATH descriptor of a regular file or folder for I/O (never a
// special file); `flags` are open(2) flags such as O_RDONLY.
Fd reopen(int pathFd, int flags, Error *error);

// The folder that holds `relative` (created, one component at a time and
// never through a link, when `create` is set) and the last component.
Fd parentOf(int root, std::string_view relative, bool create, std::string *leaf, Error *error);

// O_PATH descriptor of the folder at `relative` (created, one component at
// a time and never through a link, when `create` is set).
Fd openFolder(int root, std::string_view relative, bool create, Error *error);

// Reads a whole regular file of at most `maxBytes`.
std::optional<std::string> readFile(int root, std::string_view relative, std::int64_t maxBytes, Opened *what, Error *error);

// Writes `content` into a regular file (created 0644 when missing; with
// `exclusive`, only when missing). Refuses links, special files and files
// with more than one name. Missing folders on the way are created.
bool writeFile(int root, std::string_view relative, std::string_view content, bool exclusive, Opened *what, Error *error);

struct Entry
{
    std::string name;
    Opened what;
};
// Lists a folder; at most `maxEntries` (the rest is reported as truncated).
std::optional<std::vector<Entry>> listFolder(int root, std::string_view relative, std::size_t maxEntries, bool *truncated,
                                             Opened *what, Error *error);

// Removes a file, a link (not what it points to) or a whole folder tree.
bool removePath(int root, std::string_view relative, Opened *what, Error *error);

// Removes one name that is not a folder, and only when it is still the
// object that was examined (device and inode): for code that scans first
// and removes later while agent code may swap names in between.
bool removeFile(int root, std::string_view relative, const Opened &expected, Error *error);

// Creates a symbolic link at `relative` whose text is `target` (the link is
// never followed by these functions).
bool makeSymlink(int root, std::string_view relative, const std::string &target, Error *error);

// Gives the calling thread (only) the file-system identity of uid:gid with
// no supplementary groups and no capabilities, so the kernel checks every
// access as that user and the thread cannot become root again.
// Needs to be called on a thread that does nothing else. False when the
// identity cannot be taken (then nothing may be done on that thread).
bool becomeFileUser(uid_t uid, gid_t gid, std::string *error);

} // namespace osh::runtime::beneath
