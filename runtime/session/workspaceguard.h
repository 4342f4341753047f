#pragma once
// Enforces the filesystem rules the kernel cannot on what agent code writes
// directly into its host-backed folders: files with a disallowed extension,
// files over max_file_size_mb, folders over max_total_size_mb, and symlinks
// where block_symlinks holds. Offending entries are removed as soon as they
// appear (inotify) and once more when the session
// ends, and each removal is reported so it can be audited. Files that grow
// past their limit are caught as they are written (inotify IN_MODIFY); the
// kernel's RLIMIT_FSIZE in the sandbox stops growth past the largest limit.

#include "engine/filesystemlayer.h"

#include <QObject>
#include <QString>

#include <vector>

class QSocketNotifier;
class QTimer;

namespace osh::runtime {

struct GuardedFolder
{
    std::string sandboxPath; // as the policy names it
    QString hostPath;
};

class WorkspaceGuard : public QObject
{
    Q_OBJECT

public:
    WorkspaceGuard(const FilesystemController &rules, std::vector<GuardedFolder> folders, QObject *parent = nullptr);
    ~WorkspaceGuard() override;
    static constexpr int kSweepDelayMs = 20;

    // Starts watching; returns the number of folders watched.
    int start();
    // Without inotify (no instance left), folders are swept this often.
    static constexpr int kFallbackSweepMs = 500;
    // Scans everything now; returns the number of entries removed.
    int sweep();

Q_SIGNALS:
    // sandboxPath: where the agent wrote it; reason: which rule refused it.
    void removed(const QString &sandboxPath, const QString &reason, qint64 size);

private:
    int sweepFolder(const GuardedFolder &folder);
    void watchTree(const QString &dir);

    const FilesystemController &m_rules;
    FilesystemLayer m_layer;
    std::vector<GuardedFolder> m_folders;
    int m_inotify = -1;
    QSocketNotifier *m_notifier = nullptr;
    QTimer *m_sweepTimer;
};

} // namespace osh::runtime
