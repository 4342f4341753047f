#pragma once
// Who a session's agent runs as, and with it its tools and the file
// controller: the owner of the user's workspace folder, so that the user's
// files keep their owners and what the agent creates there is the user's;
// in a fresh workspace of the runtime's own, the user the session runs for,
// or else the sandbox's own user. Never root. AgentSession asks it before
// anything starts; docs/security.md says why running as the owner is safe.

#include "sandbox/sandboxspec.h"

#include <QString>

#include <optional>

#include <sys/types.h>

namespace osh::runtime {

struct SessionIdentity
{
    uid_t uid = SandboxSpec::kSandboxUid;
    gid_t gid = SandboxSpec::kSandboxGid;

    // workspaceDir: the user's folder, empty for a fresh one the runtime
    // makes. ownerUid/ownerGid: the user the session runs for, when known
    // (ownerGid unset: that user's primary group). nullopt with *error when
    // the session must not start: the folder is missing, a link, not a
    // folder, someone else's, or root's (by owner or group).
    static std::optional<SessionIdentity> choose(const QString &workspaceDir, std::optional<uid_t> ownerUid,
                                                 std::optional<gid_t> ownerGid, QString *error);
};

} // namespace osh::runtime
