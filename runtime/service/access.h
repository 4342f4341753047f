#pragma once
// Who is asking, and what they may do. A Unix-socket peer is who the kernel
// says it is (SO_PEERCRED, SO_PEERGROUPS); a TCP client is the uid its
// bearer token is bound to. Scopes: sessions (run them, read one's own),
// audit (read every session's record), approvals (approve and deny),
// admin (the service itself).

#include "httpserver.h"

#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include <sys/stat.h>

namespace osh::service {

enum Scope : unsigned {
    ScopeSessions = 1u << 0,
    ScopeApprovals = 1u << 1,
    ScopeAudit = 1u << 2,
    ScopeAdmin = 1u << 3,
    ScopeAll = ScopeSessions | ScopeApprovals | ScopeAudit | ScopeAdmin,
};
std::string scopeNames(unsigned scopes); // "sessions,audit"
// A token's SCOPES: scope names and `agent:NAME` items (the agents whose
// state the token may use; none: the stores its uid owns).
struct ScopeList
{
    unsigned scopes = 0;
    std::vector<std::string> agents;
};
std::optional<ScopeList> parseScopes(const std::string &commaList);
std::vector<std::string> scopeList(unsigned scopes);

struct Principal
{
    uid_t uid = static_cast<uid_t>(-1);
    gid_t gid = static_cast<gid_t>(-1);
    std::vector<gid_t> groups; // supplementary, as the kernel reported them (Unix peers)
    bool viaToken = false;
    std::string tokenId;       // never the secret
    unsigned scopes = 0;
    std::vector<std::string> agents; // a token's agent:NAME items
    pid_t pid = 0;

    bool has(unsigned scope) const { return (scopes & scope) == scope; }
    // "uid 1000" or "token ci (uid 1000)", for audit records and logs.
    std::string describe() const;
};

struct Token
{
    std::string id;
    uid_t uid = 0;
    unsigned scopes = 0;
    std::string secretSha256; // hex
    std::vector<std::string> agents; // agent:NAME items: the only agents whose state it may use
};

// The token file: one token per line, `ID UID SCOPES SECRET`, '#' starts a
// comment. It must belong to root and not be readable by others.
class TokenStore
{
public:
    // Loads path; when it does not exist and create is set, writes one with
    // a fresh random token for root with every scope (mode 0600).
    bool load(const std::string &path, bool create, std::string *error);
    // Constant-time in the secret: compares SHA-256 digests.
    std::optional<Token> find(const std::string &secret) const;
    bool empty() const { return m_tokens.empty(); }
    std::size_t size() const { return m_tokens.size(); }

private:
    std::vector<Token> m_tokens;
};

// What a peer of the Unix socket may do: root everything; members of the
// socket's group sessions and audit; members of the approvers' group also
// approvals. Nobody else anything.
struct GroupRules
{
    gid_t socketGroup = static_cast<gid_t>(-1);
    gid_t approversGroup = static_cast<gid_t>(-1);
    Principal fromPeer(const HttpPeer &peer) const;
};

// Requests per second per client, with a burst allowance (token bucket).
class RateLimiter
{
public:
    RateLimiter(double perSecond, double burst) : m_rate(perSecond), m_burst(burst) {}
    // true: go ahead; false: over the limit (*retryAfter seconds until one is allowed).
    bool take(const std::string &client, int *retryAfter);

private:
    struct Bucket
    {
        double tokens = 0;
        std::chrono::steady_clock::time_point at;
    };
    std::mutex m_lock;
    std::unordered_map<std::string, Bucket> m_buckets;
    double m_rate;
    double m_burst;
};

// The uid, primary gid and supplementary groups of a user name or number.
struct UserIdentity
{
    uid_t uid = 0;
    gid_t gid = 0;
    std::vector<gid_t> groups;
};
std::optional<UserIdentity> lookupUser(uid_t uid);

// Reads a regular file of at most maxBytes (opened with O_RDONLY and
// extraFlags, e.g. O_NOFOLLOW); *st gets its status. false with *error
// naming the path otherwise.
bool readRegularFile(const std::string &path, int extraFlags, std::size_t maxBytes, std::string &out, struct stat *st,
                     std::string *error);
std::optional<gid_t> lookupGroup(const std::string &nameOrNumber);

} // namespace osh::service
