// Delivery of committed audit events to one syslog or HTTP collector.

#include "forwarder.h"

#include "audit/auditreader.h"
#include "audit/sqlitedb.h"
#include "audit/sqlitestmt.h"
#include "network/sessionca.h"
#include "network/tlsstream.h"

#include <openssl/crypto.h>
#include <openssl/sha.h>

#include <sqlite3.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <map>

#include <fcntl.h>
#include <linux/sockios.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

namespace osh::service {

namespace {

using Clock = std::chrono::steady_clock;

double wallNow()
{
    return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

std::string errnoText(int e) { return std::strerror(e); }

constexpr const char *kCursorMagic = "openshell-forward-cursor 1";

// The bearer token: a regular file of this euid that nobody else can read,
// one line of token characters (RFC 6750 b64token), at most 4 KiB.
bool readToken(const std::string &path, std::string &token, std::string &error)
{
    const int fd = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        error = "token_file " + path + ": " + errnoText(errno);
        return false;
    }
    struct stat st{};
    std::string text;
    bool ok = ::fstat(fd, &st) == 0;
    if (ok && (!S_ISREG(st.st_mode) || st.st_uid != ::geteuid() || (st.st_mode & 077) != 0 || st.st_size > 4096)) {
        error = "token_file " + path + ": must be a regular file of uid " + std::to_string(::geteuid())
            + ", readable by it alone (chmod 600), at most 4 KiB";
        ::close(fd);
        return false;
    }
    char buf[4097];
    ssize_t n = 0;
    while (ok && (n = ::read(fd, buf, sizeof buf)) > 0)
        text.append(buf, static_cast<std::size_t>(n));
    ::close(fd);
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r'))
        text.pop_back();
    const bool valid = !text.empty() && text.size() <= 4096 && std::all_of(text.begin(), text.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || std::strchr("-._~+/=", c);
    });
    OPENSSL_cleanse(buf, sizeof buf);
    if (!ok || n < 0 || !valid) {
        error = "token_file " + path + ": expected one line of token characters (A-Z a-z 0-9 - . _ ~ + / =)";
        OPENSSL_cleanse(text.data(), text.size());
        return false;
    }
    token = std::move(text);
    return true;
}

// A TCP connection to host:port within timeoutMs, any address it resolves to.
int connectTcp(const std::string &host, std::uint16_t port, int timeoutMs, std::string &error)
{
    addrinfo hints{};
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_NUMERICSERV;
    addrinfo *res = nullptr;
    const int rc = ::getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &res);
    if (rc != 0) {
        error = "cannot resolve " + host + ": " + ::gai_strerror(rc);
        return -1;
    }
    int fd = -1;
    for (addrinfo *a = res; a && fd < 0; a = a->ai_next) {
        fd = ::socket(a->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (fd < 0) {
            error = "socket: " + errnoText(errno);
            continue;
        }
        if (::connect(fd, a->ai_addr, a->ai_addrlen) != 0) {
            int err = errno;
            if (err == EINPROGRESS) {
                pollfd p{fd, POLLOUT, 0};
                const int r = ::poll(&p, 1, timeoutMs);
                err = ETIMEDOUT;
                if (r > 0) {
                    socklen_t len = sizeof err;
                    ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
                }
            }
            if (err != 0) {
                error = "connect to " + host + ":" + std::to_string(port) + ": " + errnoText(err);
                ::close(fd);
                fd = -1;
            }
        }
    }
    ::freeaddrinfo(res);
    if (fd >= 0) {
        const int one = 1;
        ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    }
    return fd;
}

// The uid owning the socket at the other end of a loopback connection:
// the line of /proc/net/tcp (tcp6) whose local end is our peer and whose
// remote end is us. A listener's accepted sockets carry its owner's uid.
bool loopbackPeerUid(int fd, unsigned &uid, std::string &error)
{
    sockaddr_storage self{}, peer{};
    socklen_t selfLen = sizeof self, peerLen = sizeof peer;
    if (::getsockname(fd, reinterpret_cast<sockaddr *>(&self), &selfLen) != 0
        || ::getpeername(fd, reinterpret_cast<sockaddr *>(&peer), &peerLen) != 0) {
        error = "getpeername: " + errnoText(errno);
        return false;
    }
    // As the kernel prints them: each 32-bit word of the address in host
    // order, then the port.
    auto text = [](const sockaddr_storage &ss) {
        char buf[64];
        std::string out;
        if (ss.ss_family == AF_INET) {
            const auto &a = reinterpret_cast<const sockaddr_in &>(ss);
            std::snprintf(buf, sizeof buf, "%08X:%04X", a.sin_addr.s_addr, ntohs(a.sin_port));
            return std::string(buf);
        }
        const auto &a = reinterpret_cast<const sockaddr_in6 &>(ss);
        std::uint32_t w[4];
        std::memcpy(w, &a.sin6_addr, sizeof w);
        std::snprintf(buf, sizeof buf, "%08X%08X%08X%08X:%04X", w[0], w[1], w[2], w[3], ntohs(a.sin6_port));
        return std::string(buf);
    };
    const std::string want = text(peer), us = text(self);
    const char *table = peer.ss_family == AF_INET ? "/proc/net/tcp" : "/proc/net/tcp6";
    FILE *f = std::fopen(table, "re");
    if (!f) {
        error = std::string(table) + ": " + errnoText(errno);
        return false;
    }
    char line[512];
    bool found = false;
    while (!found && std::fgets(line, sizeof line, f)) {
        char local[64], remote[64];
        unsigned owner = 0;
        if (std::sscanf(line, " %*[^:]: %63s %63s %*s %*s %*s %*s %u", local, remote, &owner) == 3 && want == local
            && us == remote) {
            uid = owner;
            found = true;
        }
    }
    std::fclose(f);
    if (!found)
        error = "the collector's socket is not in " + std::string(table);
    return found;
}

std::string hostName()
{
    char buf[256] = {};
    if (::gethostname(buf, sizeof buf - 1) != 0)
        return "-";
    return buf;
}

} // namespace

struct Forwarder::State
{
    Options options;
    std::string token;
    std::string cursorFile;
    SyslogHeader header;
    std::shared_ptr<SSL_CTX> tlsContext;
    audit::SqliteDb db;
    audit::SqliteStmt batch, head, oldest, commit;
    std::map<std::string, audit::OcsfContext> contexts; // per session

    std::unique_ptr<runtime::ByteStream> stream;
    std::mutex streamMutex; // guards stream's pointer for abort() from stop()

    std::mutex mutex; // status, stopping
    std::condition_variable wake;
    bool stopping = false;
    ForwarderStatus status;
    double oldestPendingTs = 0;

    ~State()
    {
        OPENSSL_cleanse(token.data(), token.size());
    }
};

std::string Forwarder::cursorPath(const std::string &dir, const std::string &destination)
{
    unsigned char digest[SHA256_DIGEST_LENGTH];
    SHA256(reinterpret_cast<const unsigned char *>(destination.data()), destination.size(), digest);
    static const char hex[] = "0123456789abcdef";
    std::string name;
    for (int i = 0; i < 12; ++i) {
        name += hex[digest[i] >> 4];
        name += hex[digest[i] & 15];
    }
    return dir + "/" + name + ".cursor";
}

namespace {

// "openshell-forward-cursor 1\nID\nDESTINATION\n"; a missing file is cursor 0.
bool loadCursor(const std::string &path, const std::string &destination, std::int64_t &cursor, std::string &error)
{
    const int fd = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT) {
            cursor = 0;
            return true;
        }
        error = "cursor " + path + ": " + errnoText(errno);
        return false;
    }
    struct stat st{};
    std::string text;
    if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size < 65536) {
        char buf[4096];
        ssize_t n;
        while ((n = ::read(fd, buf, sizeof buf)) > 0)
            text.append(buf, static_cast<std::size_t>(n));
    }
    ::close(fd);
    const std::string expectHead = std::string(kCursorMagic) + "\n";
    const auto idEnd = text.find('\n', expectHead.size());
    if (text.rfind(expectHead, 0) != 0 || idEnd == std::string::npos
        || text.substr(idEnd + 1) != destination + "\n") {
        error = "cursor " + path + " is not this destination's cursor file; move it away to forward every event again";
        return false;
    }
    const std::string id = text.substr(expectHead.size(), idEnd - expectHead.size());
    if (id.empty() || id.size() > 18 || !std::all_of(id.begin(), id.end(), [](char c) { return c >= '0' && c <= '9'; })) {
        error = "cursor " + path + ": '" + id + "' is not an event id";
        return false;
    }
    cursor = std::stoll(id);
    return true;
}

// Written whole under a temporary name, fsynced and renamed into place.
bool saveCursor(const std::string &path, const std::string &destination, std::int64_t cursor, std::string &error)
{
    const std::string tmp = path + ".tmp";
    const std::string text = std::string(kCursorMagic) + "\n" + std::to_string(cursor) + "\n" + destination + "\n";
    ::unlink(tmp.c_str());
    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0) {
        error = "cursor " + tmp + ": " + errnoText(errno);
        return false;
    }
    const bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) && ::fsync(fd) == 0;
    const int err = errno;
    ::close(fd);
    if (!ok || ::rename(tmp.c_str(), path.c_str()) != 0) {
        error = "cursor " + path + ": " + errnoText(ok ? errno : err);
        ::unlink(tmp.c_str());
        return false;
    }
    const std::string dir = path.substr(0, path.rfind('/'));
    if (const int d = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC); d >= 0) {
        ::fsync(d);
        ::close(d);
    }
    return true;
}

// Waits until the peer's TCP stack acknowledged every byte sent.
bool waitAcknowledged(int fd, int timeoutMs, std::string &error)
{
    const auto deadline = Clock::now() + std::chrono::milliseconds(timeoutMs);
    for (int sleepMs = 1;; sleepMs = std::min(sleepMs * 2, 20)) {
        int queued = 0;
        if (::ioctl(fd, SIOCOUTQ, &queued) != 0) {
            error = "SIOCOUTQ: " + errnoText(errno);
            return false;
        }
        if (queued == 0)
            return true;
        // A peer that closed or reset the connection meanwhile: fail now.
        pollfd p{fd, POLLRDHUP, 0};
        if (::poll(&p, 1, 0) > 0 && (p.revents & (POLLERR | POLLHUP | POLLRDHUP))) {
            error = "the collector closed the connection with " + std::to_string(queued) + " bytes unacknowledged";
            return false;
        }
        if (Clock::now() >= deadline) {
            error = "the collector did not acknowledge " + std::to_string(queued) + " bytes in time";
            return false;
        }
        ::usleep(static_cast<useconds_t>(sleepMs) * 1000);
    }
}

// Reads an HTTP/1.1 response's status and, when it has a length, its body.
// keepAlive: whether the connection may carry the next request.
int readHttpStatus(runtime::ByteStream &s, int timeoutMs, bool &keepAlive, std::string &error)
{
    std::string in;
    char buf[4096];
    std::size_t headerEnd;
    while ((headerEnd = in.find("\r\n\r\n")) == std::string::npos) {
        if (in.size() > 65536) {
            error = "the collector's response headers are larger than 64 KiB";
            return -1;
        }
        const long n = s.read(buf, sizeof buf, timeoutMs, &error);
        if (n <= 0) {
            if (n == 0)
                error = "the collector closed the connection before answering";
            return -1;
        }
        in.append(buf, static_cast<std::size_t>(n));
    }
    if (in.rfind("HTTP/1.", 0) != 0 || in.size() < 12) {
        error = "the collector's answer is not HTTP/1.x";
        return -1;
    }
    const int status = std::atoi(in.c_str() + 9);
    std::string headers = in.substr(0, headerEnd);
    std::transform(headers.begin(), headers.end(), headers.begin(), [](unsigned char c) { return std::tolower(c); });
    keepAlive = headers.find("\r\nconnection: close") == std::string::npos && in.rfind("HTTP/1.1", 0) == 0;
    const auto cl = headers.find("\r\ncontent-length:");
    if (cl == std::string::npos || headers.find("\r\ntransfer-encoding:") != std::string::npos) {
        keepAlive = false; // the body's end is not known without reading to the end: start afresh
        return status;
    }
    const long long length = std::atoll(headers.c_str() + cl + 17);
    if (length < 0 || length > (1 << 20)) {
        keepAlive = false;
        return status;
    }
    std::size_t have = in.size() - (headerEnd + 4);
    while (have < static_cast<std::size_t>(length)) {
        const long n = s.read(buf, sizeof buf, timeoutMs, &error);
        if (n <= 0) {
            keepAlive = false;
            return status;
        }
        have += static_cast<std::size_t>(n);
    }
    return status;
}

} // namespace

std::unique_ptr<Forwarder> Forwarder::start(Options options, std::string *error)
{
    auto state = std::make_unique<State>();
    std::string err;
    const ForwardTarget &t = options.target;
    if (!t.tokenFile.empty() && !readToken(t.tokenFile, state->token, err)) {
        *error = t.display + ": " + err;
        return nullptr;
    }
    if (t.tls) {
        state->tlsContext = runtime::SessionCa::upstreamContext(t.caFile, &err);
        if (!state->tlsContext) {
            *error = t.display + ": " + err;
            return nullptr;
        }
    }
    if (::mkdir(options.cursorDir.c_str(), 0700) != 0 && errno != EEXIST) {
        *error = "cannot create " + options.cursorDir + ": " + errnoText(errno);
        return nullptr;
    }
    state->cursorFile = cursorPath(options.cursorDir, t.display);
    std::int64_t cursor = 0;
    if (!loadCursor(state->cursorFile, t.display, cursor, err)) {
        *error = t.display + ": " + err;
        return nullptr;
    }
    if (!state->db.open(options.storePath, false, err)) {
        *error = "forwarding " + t.display + ": " + err;
        return nullptr;
    }
    sqlite3_busy_timeout(state->db.handle(), 5000);
    if (!state->batch.prepare(state->db.handle(),
                              "SELECT session_id, seq, ts, type, tool, parameters, decision, layer, policy, message, "
                              "severity, trace, policy_hash, request, chain, id FROM events WHERE id > ?1 ORDER BY id LIMIT ?2",
                              err)
        || !state->head.prepare(state->db.handle(), "SELECT coalesce(max(id), 0) FROM events", err)
        || !state->oldest.prepare(state->db.handle(), "SELECT ts FROM events WHERE id > ?1 ORDER BY id LIMIT 1", err)
        || !state->commit.prepare(state->db.handle(), "SELECT policy_commit FROM sessions WHERE id = ?1", err)) {
        *error = "forwarding " + t.display + ": " + err;
        return nullptr;
    }
    state->header.hostname = options.hostname.empty() ? hostName() : options.hostname;
    state->header.procId = ::getpid();
    state->status.destination = t.display;
    state->status.cursor = cursor;
    state->status.state = "idle";
    state->options = std::move(options);
    std::unique_ptr<Forwarder> f(new Forwarder(std::move(state)));
    f->m_thread = std::thread([p = f.get()] { p->run(); });
    return f;
}

Forwarder::Forwarder(std::unique_ptr<State> state)
    : m_state(std::move(state))
{
}

Forwarder::~Forwarder() { stop(); }

void Forwarder::stop()
{
    {
        std::lock_guard lock(m_state->mutex);
        m_state->stopping = true;
    }
    m_state->wake.notify_all();
    {
        std::lock_guard lock(m_state->streamMutex);
        if (m_state->stream)
            m_state->stream->abort();
    }
    if (m_thread.joinable())
        m_thread.join();
    std::lock_guard lock(m_state->mutex);
    m_state->status.state = "stopped";
}

ForwarderStatus Forwarder::status() const
{
    std::lock_guard lock(m_state->mutex);
    ForwarderStatus s = m_state->status;
    s.pending = std::max<std::int64_t>(0, s.head - s.cursor);
    s.lagSeconds = s.pending > 0 && m_state->oldestPendingTs > 0 ? std::max(0.0, wallNow() - m_state->oldestPendingTs) : 0.0;
    return s;
}

void Forwarder::run()
{
    State &st = *m_state;
    const ForwardTarget &t = st.options.target;
    int backoffMs = 0;
    std::int64_t cursor;
    {
        std::lock_guard lock(st.mutex);
        cursor = st.status.cursor;
    }
    auto closeStream = [&st] {
        std::lock_guard lock(st.streamMutex);
        if (st.stream)
            st.stream->close();
        st.stream.reset();
    };
    // Waits ms or until stop(); false when stopping.
    auto pause = [&st](int ms) {
        std::unique_lock lock(st.mutex);
        st.wake.wait_for(lock, std::chrono::milliseconds(ms), [&st] { return st.stopping; });
        return !st.stopping;
    };
    auto fail = [&](const std::string &why) {
        closeStream();
        backoffMs = backoffMs == 0 ? st.options.minBackoffMs : std::min(backoffMs * 2, st.options.maxBackoffMs);
        std::lock_guard lock(st.mutex);
        st.status.state = "retrying";
        st.status.lastError = why;
        ++st.status.failures;
    };

    std::string body;
    for (;;) {
        {
            std::lock_guard lock(st.mutex);
            if (st.stopping)
                break;
        }
        if (backoffMs > 0 && !pause(backoffMs))
            break;
        std::string err;
        // What is there to send.
        st.head.reset();
        std::int64_t head = 0;
        if (st.head.step() == SQLITE_ROW)
            head = st.head.int64(0);
        st.head.reset(); // a statement left stepping holds its snapshot: later commits would stay unseen
        double oldestTs = 0;
        if (head > cursor) {
            st.oldest.reset();
            st.oldest.bindInt(1, cursor);
            if (st.oldest.step() == SQLITE_ROW)
                oldestTs = st.oldest.real(0);
            st.oldest.reset();
        }
        {
            std::lock_guard lock(st.mutex);
            st.status.head = head;
            st.oldestPendingTs = oldestTs;
            if (head <= cursor && st.status.state != "retrying")
                st.status.state = "idle";
        }
        if (head <= cursor) {
            if (!pause(st.options.pollMs))
                break;
            continue;
        }

        // One batch in commit order.
        body.clear();
        std::int64_t last = cursor;
        int events = 0;
        st.batch.reset();
        st.batch.bindInt(1, cursor);
        st.batch.bindInt(2, st.options.batchEvents);
        int rc;
        while (body.size() < st.options.batchBytes && (rc = st.batch.step()) == SQLITE_ROW) {
            AuditEvent e;
            audit::readEventColumns(st.batch, e);
            e.chain = st.batch.text(14);
            last = st.batch.int64(15);
            auto ctx = st.contexts.find(e.sessionId);
            if (ctx == st.contexts.end()) {
                if (st.contexts.size() > 4096)
                    st.contexts.clear();
                audit::OcsfContext c;
                st.commit.reset();
                st.commit.bindText(1, e.sessionId);
                if (st.commit.step() == SQLITE_ROW)
                    c.policyCommit = st.commit.text(0);
                st.commit.reset();
                ctx = st.contexts.emplace(e.sessionId, std::move(c)).first;
            }
            if (t.kind == ForwardTarget::Kind::Syslog) {
                appendSyslogFrames(body, t, st.header, e, ctx->second, st.options.productVersion);
            } else {
                body += body.empty() ? '[' : ',';
                audit::appendOcsfJson(body, e, ctx->second);
                if (audit::hasOcsfFinding(e)) {
                    body += ',';
                    audit::appendOcsfFindingJson(body, e, ctx->second);
                }
            }
            ++events;
        }
        st.batch.reset();
        if (events == 0) {
            fail("reading the store: " + st.db.errorMessage());
            continue;
        }
        {
            std::lock_guard lock(st.mutex);
            st.status.state = "delivering";
        }

        // Connected?
        if (!st.stream) {
            const int fd = connectTcp(t.host, t.port, st.options.ioTimeoutMs, err);
            if (fd < 0) {
                fail(err);
                continue;
            }
            std::unique_ptr<runtime::ByteStream> s;
            if (t.tls) {
                s = runtime::TlsStream::connect(fd, st.tlsContext, t.host, st.options.ioTimeoutMs, &err);
                if (!s) {
                    ::close(fd);
                    fail("TLS with " + t.host + ":" + std::to_string(t.port) + ": " + err);
                    continue;
                }
            } else {
                // Plain means loopback: only the collector's owner may be at the other end.
                unsigned owner = 0;
                if (!loopbackPeerUid(fd, owner, err) || owner != t.peerUid) {
                    ::close(fd);
                    fail(err.empty() ? "the collector at " + t.host + ":" + std::to_string(t.port) + " is a socket of uid "
                                           + std::to_string(owner) + ", not " + std::to_string(t.peerUid)
                                           + " (peer_uid): nothing sent to it"
                                     : err);
                    continue;
                }
                s = std::make_unique<runtime::PlainStream>(fd);
            }
            std::lock_guard lock(st.streamMutex);
            st.stream = std::move(s);
        }

        bool delivered = false;
        if (t.kind == ForwardTarget::Kind::Syslog) {
            delivered = st.stream->writeAll(body, st.options.ioTimeoutMs, &err)
                && waitAcknowledged(st.stream->fd(), st.options.ioTimeoutMs, err);
        } else {
            body += ']';
            std::string request = "POST " + t.path + " HTTP/1.1\r\nHost: "
                + (t.host.find(':') != std::string::npos ? "[" + t.host + "]" : t.host) + ":" + std::to_string(t.port)
                + "\r\nContent-Type: application/json\r\nUser-Agent: openshelld/" + st.options.productVersion
                + "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n";
            if (!st.token.empty())
                request += "Authorization: Bearer " + st.token + "\r\n";
            request += "\r\n";
            bool keepAlive = false;
            if (st.stream->writeAll(request, st.options.ioTimeoutMs, &err)
                && st.stream->writeAll(body, st.options.ioTimeoutMs, &err)) {
                const int status = readHttpStatus(*st.stream, st.options.ioTimeoutMs, keepAlive, err);
                delivered = status >= 200 && status < 300;
                if (status > 0 && !delivered)
                    err = "the collector answered HTTP " + std::to_string(status);
            }
            OPENSSL_cleanse(request.data(), request.size());
            if (delivered && !keepAlive)
                closeStream();
        }
        if (!delivered) {
            fail(err);
            continue;
        }
        // Delivered but not recorded: sent again after a restart (the
        // collector deduplicates); delivery goes on from memory.
        std::string saveError;
        saveCursor(st.cursorFile, t.display, last, saveError);
        cursor = last;
        backoffMs = 0;
        std::lock_guard lock(st.mutex);
        st.status.cursor = cursor;
        st.status.delivered += static_cast<std::uint64_t>(events);
        st.status.lastDelivery = wallNow();
        st.status.lastError = saveError;
        st.status.state = "delivering";
    }
    closeStream();
}

} // namespace osh::service
