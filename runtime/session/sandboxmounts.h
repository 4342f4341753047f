#pragma once
// What the runtime places inside every sandbox of a session, the agent's
// and each tool's alike: the policy's folder (read-only, the working
// directory) and the network guardian's socket, relayed to a loopback
// port that HTTP_PROXY and HTTPS_PROXY name.

#include <QString>

namespace osh::runtime {

inline const QString kPolicyMount = QStringLiteral("/opt/openshell/policy");
inline const QString kProxyMount = QStringLiteral("/run/openshell/proxy.sock");
constexpr quint16 kProxyPort = 3128;

} // namespace osh::runtime
