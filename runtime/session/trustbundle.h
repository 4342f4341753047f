#pragma once
// The folder a sandbox sees as /etc/ssl/certs: the host's root certificates
// and the session's interception CA in one bundle (ca-certificates.crt, the
// file OpenSSL, curl, Python and Node read by default or through the
// variables the session sets), plus the CA alone (openshell-session-ca.pem).

#include <QByteArray>
#include <QString>

#include <map>
#include <optional>
#include <sys/types.h>

namespace osh {
struct PolicyDocument;
}

namespace osh::runtime {

// Writes the folder at dir (made if needed, 0755, files 0644) and returns
// dir, or an empty string with *why set.
QString writeTrustBundle(const QString &dir, const QByteArray &sessionCaPem, QString *why);

// A rule's ca_file (relative paths from policyDir), read once when the
// session starts; the guardian then trusts a copy (writeRuleCaCopy), so what
// it trusts cannot change under it. Nothing but a regular file of at most
// 1 MiB holding a PEM certificate is read (no link at the last component, no
// FIFO or device), and one the session's user could not read is refused
// (owned by that user, or readable by everyone). The service calls it with
// the user's file-system identity, so the kernel checks the folders on the
// way too. Empty with *why set on failure.
QByteArray readRuleCaFile(const QString &caFile, const QString &policyDir, int rule, uint userId, QString *why);
// Writes pem into dir as rule-N.pem and returns its path (empty with *why).
QString writeRuleCaCopy(const QByteArray &pem, const QString &dir, int rule, QString *why);

// Every inspected rule's ca_file read (readRuleCaFile) and copied into dir:
// rule index -> copy. For a session run for ownerUid by a root service, each
// file is read on a thread holding that user's file-system identity.
// nullopt with *why at the first that fails.
std::optional<std::map<int, QString>> copyRuleCaFiles(const PolicyDocument &doc, const QString &policyDir,
                                                      const QString &dir, std::optional<uid_t> ownerUid, QString *why);

} // namespace osh::runtime
