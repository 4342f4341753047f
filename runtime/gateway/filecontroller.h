#pragma once
// The file system controller's hands: carries out the file operations the
// gateway has decided (openshell/file) in the session's host folders.
//
// Everything happens on one worker thread of its own that holds the file
// system identity of the sandbox's user (setfsuid/setfsgid, no groups), so
// the kernel refuses whatever that user could not do itself; paths are
// resolved beneath descriptors of the folders opened once at start (see
// beneath.h), never through a symbolic link, and nothing special (FIFO,
// socket, device) is ever opened. No file I/O runs on the caller's event
// loop, and every operation is answered within a time limit even when the
// file system stalls (an operation not yet started by then never starts).

#include "archiveinspector.h"
#include "beneath.h"

#include <QObject>
#include <QString>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

class QThread;

namespace osh::runtime {

struct PathMapping
{
    std::string sandboxPath; // e.g. /agent/workspace
    QString hostPath;        // the folder it is on the host
};

// What one operation did: its error, or what it opened and read.
struct FileOutcome
{
    bool ok = false;
    bool timedOut = false;
    beneath::Error error;
    beneath::Opened opened; // what was actually opened (valid when hasOpened)
    bool hasOpened = false;
    std::string content;                  // read
    std::vector<beneath::Entry> entries;  // list
    bool truncated = false;               // list: more entries than returned
    std::optional<ArchiveSize> archive;   // measure
};

class FileController : public QObject
{
    Q_OBJECT

public:
    struct Options
    {
        std::vector<PathMapping> roots;
        uid_t uid = 0; // the identity every operation runs with (when root)
        gid_t gid = 0;
        int timeoutMs = 10000;
        std::int64_t maxReadBytes = std::int64_t(16) << 20;
        std::size_t maxEntries = 10000;
    };

    explicit FileController(Options options, QObject *parent = nullptr);
    ~FileController() override;

    // Opens the folders and starts the worker; false with *error when a
    // folder cannot be opened or the identity cannot be taken.
    bool start(QString *error);

    // The folder a sandbox path lies in (the most specific mapping) and the
    // path below it ("" for the folder itself); nullopt when none holds it.
    struct Target
    {
        std::size_t root = 0;
        std::string relative;
    };
    std::optional<Target> target(const std::string &sandboxPath) const;

    using Done = std::function<void(FileOutcome)>;
    // Each calls done exactly once, on this object's thread.
    void inspect(const Target &t, Done done);
    void read(const Target &t, std::int64_t maxBytes, Done done);
    void write(const Target &t, std::string content, bool exclusive, Done done);
    void list(const Target &t, Done done);
    void remove(const Target &t, Done done);
    void symlink(const Target &t, std::string linkTarget, Done done);
    // Measures what an archive expands to (inspectArchive) on the worker:
    // decompressing up to `limit` bytes must not hold up the event loop.
    void measure(QByteArray data, std::int64_t limit, Done done);

private:
    struct Shared;
    using Job = std::function<FileOutcome(const std::vector<beneath::Fd> &roots)>;
    void post(Job job, Done done);

    Options m_options;
    std::shared_ptr<Shared> m_shared;
    QThread *m_thread = nullptr;
    QObject *m_worker = nullptr;
};

} // namespace osh::runtime
