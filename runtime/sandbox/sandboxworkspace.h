#pragma once
// What happens to a session's folders afterwards (cleanup_policy), and the
// workspace snapshots: a .tar.zst holding workspace/ and session.json.

#include "model/policy.h"

#include <QJsonObject>
#include <QString>
#include <QStringList>

#include <sys/types.h>

namespace osh::runtime {

struct CleanupResult
{
    bool ok = false;
    CleanupPolicy policy = CleanupPolicy::Destroy;
    QString snapshotPath;  // snapshot: the archive written
    QStringList keptPaths; // preserve (or a failed snapshot): what is still on disk
    QString error;
};

// Limits against archive bombs when restoring.
struct RestoreLimits
{
    qint64 maxTotalBytes = qint64(4) * 1024 * 1024 * 1024;
    qint64 maxEntries = 200000;
    double maxRatio = 200; // expanded bytes per byte of archive
};

class SandboxWorkspace
{
public:
    // destroy: removes both folders. snapshot: archives the workspace and
    // the session state into snapshotsDir, then removes both (a failed
    // snapshot removes nothing). preserve: removes nothing, lists both.
    // ownsWorkspace false: the workspace is a user's folder, which is
    // archived (snapshot) but never removed.
    static CleanupResult applyCleanup(CleanupPolicy policy, const QString &bundleDir, const QString &workspaceDir,
                                      const QString &snapshotsDir, const QString &sessionId,
                                      const QJsonObject &sessionState, bool ownsWorkspace = true);

    // Writes snapshotsDir/<sessionId>.tar.zst; returns its path, or empty with *error.
    static QString snapshot(const QString &workspaceDir, const QJsonObject &sessionState, const QString &snapshotsDir,
                            const QString &sessionId, QString *error);

    // Unpacks a snapshot into dir (created; must be empty). Refuses the whole
    // archive, leaving dir empty, on an absolute path, a ".." component, a
    // symlink leading outside dir, a hard link, a device or fifo, or when a
    // limit is passed.
    static bool restore(const QString &snapshot, const QString &dir, QString *error, const RestoreLimits &limits = {});

    // Gives a folder the runtime made itself (a fresh or restored
    // workspace), and everything in it, to uid:gid, never through a link.
    // Never for a user's own folder: its files keep their owners.
    static bool handOver(const QString &dir, uid_t uid, gid_t gid);
};

} // namespace osh::runtime
