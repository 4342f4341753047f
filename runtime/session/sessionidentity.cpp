#include "sessionidentity.h"

#include <QFile>

#include <cerrno>
#include <cstring>

#include <pwd.h>
#include <sys/stat.h>

namespace osh::runtime {

namespace {

gid_t primaryGroup(uid_t uid)
{
    // No entry (a uid the host has no name for): a group of the same number.
    struct passwd pw{};
    struct passwd *found = nullptr;
    char buffer[4096];
    if (::getpwuid_r(uid, &pw, buffer, sizeof buffer, &found) == 0 && found)
        return found->pw_gid;
    return static_cast<gid_t>(uid);
}

} // namespace

std::optional<SessionIdentity> SessionIdentity::choose(const QString &workspaceDir, std::optional<uid_t> ownerUid,
                                                       std::optional<gid_t> ownerGid, QString *error)
{
    const bool forUser = ownerUid && *ownerUid != 0;
    if (workspaceDir.isEmpty()) {
        if (!forUser)
            return SessionIdentity{};
        const gid_t gid = ownerGid ? *ownerGid : primaryGroup(*ownerUid);
        if (gid == 0) {
            *error = QStringLiteral("the session's user (uid %1) has root's group (gid 0): the agent would run with it").arg(*ownerUid);
            return std::nullopt;
        }
        return SessionIdentity{*ownerUid, gid};
    }
    // The folder itself, not what a link names: a link would let whoever
    // can change it choose the identity after this look.
    struct stat st{};
    if (::lstat(QFile::encodeName(workspaceDir).constData(), &st) != 0) {
        const int e = errno;
        *error = e == ENOENT
            ? QStringLiteral("the workspace %1 does not exist; create it first (the agent runs as its owner)").arg(workspaceDir)
            : QStringLiteral("cannot examine the workspace %1: %2").arg(workspaceDir, QString::fromLocal8Bit(std::strerror(e)));
        return std::nullopt;
    }
    if (S_ISLNK(st.st_mode)) {
        *error = QStringLiteral("the workspace %1 is a symbolic link; give the folder itself").arg(workspaceDir);
        return std::nullopt;
    }
    if (!S_ISDIR(st.st_mode)) {
        *error = QStringLiteral("the workspace %1 is not a folder").arg(workspaceDir);
        return std::nullopt;
    }
    if (forUser && st.st_uid != *ownerUid) {
        *error = QStringLiteral("the workspace %1 belongs to uid %2, not to you (uid %3)").arg(workspaceDir).arg(st.st_uid).arg(*ownerUid);
        return std::nullopt;
    }
    if (st.st_uid == 0) {
        *error = QStringLiteral("the workspace %1 belongs to root: the agent runs as the workspace's owner and must not run as root; "
                    "give a folder that belongs to an ordinary user, or no workspace for a fresh one")
                     .arg(workspaceDir);
        return std::nullopt;
    }
    if (st.st_gid == 0) {
        *error = QStringLiteral("the workspace %1 has root's group (gid 0): the agent runs with the workspace's group; "
                    "give the folder its owner's group (chgrp)")
                     .arg(workspaceDir);
        return std::nullopt;
    }
    return SessionIdentity{st.st_uid, st.st_gid};
}

} // namespace osh::runtime
