#include "access.h"

#include "model/policy.h"
#include "util/sha256.h"

#include <QByteArray>
#include <QRandomGenerator>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

namespace osh::service {

namespace {
constexpr struct
{
    unsigned bit;
    const char *name;
} kScopes[] = {{ScopeSessions, "sessions"}, {ScopeApprovals, "approvals"}, {ScopeAudit, "audit"}, {ScopeAdmin, "admin"}};

bool constantTimeEqual(const std::string &a, const std::string &b)
{
    if (a.size() != b.size())
        return false;
    unsigned char diff = 0;
    for (std::size_t i = 0; i < a.size(); ++i)
        diff |= static_cast<unsigned char>(a[i] ^ b[i]);
    return diff == 0;
}
} // namespace

std::vector<std::string> scopeList(unsigned scopes)
{
    std::vector<std::string> out;
    for (const auto &s : kScopes)
        if (scopes & s.bit)
            out.emplace_back(s.name);
    return out;
}

std::string scopeNames(unsigned scopes)
{
    std::string out;
    for (const auto &n : scopeList(scopes))
        out += (out.empty() ? "" : ",") + n;
    return out;
}

std::optional<ScopeList> parseScopes(const std::string &commaList)
{
    ScopeList out;
    std::stringstream in(commaList);
    std::string item;
    while (std::getline(in, item, ',')) {
        if (item.rfind("agent:", 0) == 0) {
            const std::string agent = item.substr(6);
            if (!PolicyDocument::isAgentName(agent))
                return std::nullopt;
            out.agents.push_back(agent);
            continue;
        }
        const auto *it = std::find_if(std::begin(kScopes), std::end(kScopes), [&](const auto &s) { return item == s.name; });
        if (it == std::end(kScopes))
            return std::nullopt;
        out.scopes |= it->bit;
    }
    return out.scopes == 0 ? std::nullopt : std::optional<ScopeList>(out);
}

std::string Principal::describe() const
{
    if (viaToken)
        return "token " + tokenId + " (uid " + std::to_string(uid) + ")";
    return "uid " + std::to_string(uid);
}

bool TokenStore::load(const std::string &path, bool create, std::string *error)
{
    m_tokens.clear();
    int fd = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0 && errno == ENOENT && create) {
        // O_EXCL: never write into a file someone else placed meanwhile.
        fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
        if (fd < 0) {
            *error = "cannot create the token file " + path + ": " + std::strerror(errno);
            return false;
        }
        quint32 words[8];
        QRandomGenerator::system()->fillRange(words);
        const std::string secret = QByteArray(reinterpret_cast<const char *>(words), sizeof words).toHex().toStdString();
        const std::string text = "# openshelld tokens: ID UID SCOPES SECRET (scopes: sessions,approvals,audit,admin)\n"
                                 "admin 0 sessions,approvals,audit,admin " + secret + "\n";
        const bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
        ::close(fd);
        if (!ok) {
            *error = "cannot write the token file " + path;
            return false;
        }
        fd = -1;
    }
    if (fd >= 0)
        ::close(fd);
    std::string text;
    struct stat st{};
    if (!readRegularFile(path, O_NOFOLLOW, 1 << 20, text, &st, error))
        return false;
    // Like ssh with its keys: secrets others can read or change are refused.
    if (st.st_uid != ::geteuid() || (st.st_mode & 077) != 0) {
        *error = "the token file " + path + " must belong to uid " + std::to_string(::geteuid())
            + " and be readable by it alone (chmod 600)";
        return false;
    }

    std::stringstream in(text);
    std::string line;
    int lineNo = 0;
    while (std::getline(in, line)) {
        ++lineNo;
        const auto hash = line.find('#');
        if (hash != std::string::npos)
            line.resize(hash);
        std::stringstream fields(line);
        std::string id, uid, scopes, secret, extra;
        if (!(fields >> id))
            continue;
        const std::string where = path + ":" + std::to_string(lineNo) + ": ";
        if (!(fields >> uid >> scopes >> secret) || (fields >> extra)) {
            *error = where + "expected ID UID SCOPES SECRET";
            return false;
        }
        char *end = nullptr;
        const unsigned long u = std::strtoul(uid.c_str(), &end, 10);
        if (uid.empty() || *end != '\0' || u > 0x7fffffffUL) {
            *error = where + "the uid '" + uid + "' is not a number";
            return false;
        }
        const auto sc = parseScopes(scopes);
        if (!sc) {
            *error = where + "unknown scopes '" + scopes
                + "' (use sessions, approvals, audit, admin and agent:NAME, comma-separated; at least one scope)";
            return false;
        }
        if (secret.size() < 32) {
            *error = where + "the secret is too short (at least 32 characters)";
            return false;
        }
        for (const Token &t : m_tokens)
            if (t.id == id) {
                *error = where + "the token id '" + id + "' is used twice";
                return false;
            }
        m_tokens.push_back({id, static_cast<uid_t>(u), sc->scopes, sha256Hex(secret), sc->agents});
    }
    return true;
}

std::optional<Token> TokenStore::find(const std::string &secret) const
{
    const std::string digest = sha256Hex(secret);
    std::optional<Token> found;
    for (const Token &t : m_tokens)
        if (constantTimeEqual(t.secretSha256, digest) && !found)
            found = t;
    return found;
}

Principal GroupRules::fromPeer(const HttpPeer &peer) const
{
    Principal p;
    p.uid = peer.uid;
    p.gid = peer.gid;
    p.groups = peer.groups;
    p.pid = peer.pid;
    auto member = [&](gid_t g) {
        return g != static_cast<gid_t>(-1) && (peer.gid == g || std::find(peer.groups.begin(), peer.groups.end(), g) != peer.groups.end());
    };
    if (peer.uid == 0)
        p.scopes = ScopeAll;
    else {
        if (member(socketGroup))
            p.scopes |= ScopeSessions | ScopeAudit;
        if (member(approversGroup))
            p.scopes |= ScopeApprovals;
    }
    return p;
}

bool RateLimiter::take(const std::string &client, int *retryAfter)
{
    const auto now = std::chrono::steady_clock::now();
    std::lock_guard lock(m_lock);
    // Bounded memory: buckets of clients idle long enough to be full again go.
    if (m_buckets.size() > 4096)
        std::erase_if(m_buckets, [&](const auto &kv) {
            return std::chrono::duration<double>(now - kv.second.at).count() * m_rate >= m_burst;
        });
    auto [it, fresh] = m_buckets.try_emplace(client, Bucket{m_burst, now});
    Bucket &b = it->second;
    if (!fresh) {
        b.tokens = std::min(m_burst, b.tokens + std::chrono::duration<double>(now - b.at).count() * m_rate);
        b.at = now;
    }
    if (b.tokens >= 1) {
        b.tokens -= 1;
        return true;
    }
    if (retryAfter)
        *retryAfter = std::max(1, static_cast<int>((1 - b.tokens) / m_rate + 0.999));
    return false;
}

std::optional<UserIdentity> lookupUser(uid_t uid)
{
    passwd pw{};
    passwd *res = nullptr;
    std::vector<char> buf(16384);
    if (::getpwuid_r(uid, &pw, buf.data(), buf.size(), &res) != 0 || !res)
        return std::nullopt;
    UserIdentity id{pw.pw_uid, pw.pw_gid, {}};
    int n = 64;
    std::vector<gid_t> groups(static_cast<std::size_t>(n));
    if (::getgrouplist(pw.pw_name, pw.pw_gid, groups.data(), &n) < 0) {
        groups.resize(static_cast<std::size_t>(n));
        if (::getgrouplist(pw.pw_name, pw.pw_gid, groups.data(), &n) < 0)
            n = 0;
    }
    groups.resize(static_cast<std::size_t>(n));
    id.groups = std::move(groups);
    return id;
}

bool readRegularFile(const std::string &path, int extraFlags, std::size_t maxBytes, std::string &out, struct stat *st,
                     std::string *error)
{
    // O_NONBLOCK: a FIFO named here must not hang the caller before fstat refuses it.
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK | extraFlags);
    if (fd < 0) {
        *error = "cannot read " + path + ": " + std::strerror(errno);
        return false;
    }
    if (::fstat(fd, st) != 0 || !S_ISREG(st->st_mode)) {
        ::close(fd);
        *error = path + " is not a regular file";
        return false;
    }
    out.clear();
    char buf[65536];
    for (ssize_t n; (n = ::read(fd, buf, sizeof buf)) > 0;) {
        out.append(buf, static_cast<std::size_t>(n));
        if (out.size() > maxBytes) {
            ::close(fd);
            *error = path + " is larger than " + std::to_string(maxBytes) + " bytes";
            return false;
        }
    }
    ::close(fd);
    return true;
}

std::optional<gid_t> lookupGroup(const std::string &nameOrNumber)
{
    if (!nameOrNumber.empty() && std::all_of(nameOrNumber.begin(), nameOrNumber.end(), [](char c) { return c >= '0' && c <= '9'; }))
        return static_cast<gid_t>(std::strtoul(nameOrNumber.c_str(), nullptr, 10));
    group gr{};
    group *res = nullptr;
    std::vector<char> buf(16384);
    if (::getgrnam_r(nameOrNumber.c_str(), &gr, buf.data(), buf.size(), &res) != 0 || !res)
        return std::nullopt;
    return gr.gr_gid;
}

} // namespace osh::service
