// Delivery of committed audit events to one syslog or HTTP collector.

#include "forwarder.h"

#include "forwardcursor.h"

#include "forwardsource.h"

#include "util/sha256.h"
#include "util/value.h"
#include "network/sessionca.h"
#include "network/tlsstream.h"

#include <openssl/crypto.h>


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

// A TCP connection to host:port within timeoutMs, any address it resolves
// to; given up as soon as *stop is set (checked every 50 ms).
int connectTcp(const std::string &host, std::uint16_t port, int timeoutMs, const std::atomic<bool> &stop,
               std::string &error)
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
                err = ETIMEDOUT;
                for (int waited = 0; waited < timeoutMs && !stop; waited += 50) {
                    pollfd p{fd, POLLOUT, 0};
                    if (::poll(&p, 1, std::min(50, timeoutMs - waited)) > 0) {
                        socklen_t len = sizeof err;
                        ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
                        break;
                    }
                }
                if (stop)
                    err = ECANCELED;
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

std::string jsonEscape(std::string_view s)
{
    std::string out;
    osh::appendJsonString(out, s);
    return out.substr(1, out.size() - 2);
}

std::string hostName()
{
    char buf[256] = {};
    if (::gethostname(buf, sizeof buf - 1) != 0)
        return "-";
    return buf;
}

} // namespace

// The uid owning the socket at the other end of a loopback connection:
// the line of /proc/net/tcp (or tcp6, where a dual-stack listener's IPv4
// connections are, as v4-mapped addresses) whose local end is our peer and
// whose remote end is us. A listener's accepted sockets carry its owner's
// uid. A socket connected to itself (nothing listened on a port in the
// ephemeral range) is refused: our own stack would acknowledge everything.
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
    // order, then the port; mapped: an IPv4 address as ::ffff:a.b.c.d.
    auto text = [](const sockaddr_storage &ss, bool mapped) {
        char buf[64];
        if (ss.ss_family == AF_INET) {
            const auto &a = reinterpret_cast<const sockaddr_in &>(ss);
            if (mapped) {
                const std::uint32_t ffff = htonl(0xffff);
                std::snprintf(buf, sizeof buf, "0000000000000000%08X%08X:%04X", ffff, a.sin_addr.s_addr, ntohs(a.sin_port));
            } else {
                std::snprintf(buf, sizeof buf, "%08X:%04X", a.sin_addr.s_addr, ntohs(a.sin_port));
            }
            return std::string(buf);
        }
        const auto &a = reinterpret_cast<const sockaddr_in6 &>(ss);
        std::uint32_t w[4];
        std::memcpy(w, &a.sin6_addr, sizeof w);
        std::snprintf(buf, sizeof buf, "%08X%08X%08X%08X:%04X", w[0], w[1], w[2], w[3], ntohs(a.sin6_port));
        return std::string(buf);
    };
    if (text(peer, false) == text(self, false)) {
        error = "connected to itself: nothing listens on the collector's port";
        return false;
    }
    auto search = [&](const char *table, bool mapped, bool &found) {
        const std::string want = text(peer, mapped), us = text(self, mapped);
        FILE *f = std::fopen(table, "re");
        if (!f)
            return;
        char line[512];
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
    };
    bool found = false;
    if (peer.ss_family == AF_INET) {
        search("/proc/net/tcp", false, found);
        if (!found)
            search("/proc/net/tcp6", true, found);
    } else {
        search("/proc/net/tcp6", false, found);
    }
    if (!found)
        error = "the collector's socket is not in /proc/net/tcp or tcp6";
    return found;
}

struct Forwarder::State
{
    Options options;
    std::string token;
    std::unique_ptr<CursorFolder> cursors;
    std::string cursorName; // in cursors
    std::string cursorFile; // its path, for messages
    SyslogHeader header;
    std::shared_ptr<SSL_CTX> tlsContext;
    std::unique_ptr<ForwardSource> source;
    std::map<std::string, audit::OcsfContext> contexts; // per session
    ForwardCursor cursor;
    std::string startNote;

    std::unique_ptr<runtime::ByteStream> stream;
    std::mutex streamMutex; // guards stream's pointer for abort() from stop()

    std::mutex mutex; // status, stopping
    std::condition_variable wake;
    bool stopping = false;
    std::atomic<bool> stop{false}; // the same, read without the mutex by blocking calls
    ForwarderStatus status;
    double oldestPendingTs = 0;

    ~State()
    {
        OPENSSL_cleanse(token.data(), token.size());
    }
};

std::string Forwarder::cursorPath(const std::string &dir, const std::string &destination)
{
    return dir + "/" + CursorFolder::fileName(destination);
}

namespace {

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

// Reads an HTTP/1.1 response's status and, when it has a length, its body,
// all within timeoutMs. Interim (1xx) answers are skipped. keepAlive:
// whether the connection may carry the next request (not when the
// collector asked to close, the body's end is unknown, or it sent more
// than the answer: a stray answer must not acknowledge the next batch).
int readHttpStatus(runtime::ByteStream &s, int timeoutMs, bool &keepAlive, std::string &error)
{
    const auto deadline = Clock::now() + std::chrono::milliseconds(timeoutMs);
    auto remaining = [&] {
        return static_cast<int>(std::max<long long>(
            0, std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count()));
    };
    std::string in;
    char buf[4096];
    for (;;) {
        std::size_t headerEnd;
        while ((headerEnd = in.find("\r\n\r\n")) == std::string::npos) {
            if (in.size() > 65536) {
                error = "the collector's response headers are larger than 64 KiB";
                return -1;
            }
            const int left = remaining();
            const long n = left > 0 ? s.read(buf, sizeof buf, left, &error) : -1;
            if (n <= 0) {
                if (n == 0)
                    error = "the collector closed the connection before answering";
                else if (left <= 0)
                    error = "the collector did not answer in time";
                return -1;
            }
            in.append(buf, static_cast<std::size_t>(n));
        }
        if (in.rfind("HTTP/1.", 0) != 0 || in.size() < 12 || !std::isdigit(static_cast<unsigned char>(in[9]))
            || !std::isdigit(static_cast<unsigned char>(in[10])) || !std::isdigit(static_cast<unsigned char>(in[11]))) {
            error = "the collector's answer is not HTTP/1.x";
            return -1;
        }
        const int status = (in[9] - '0') * 100 + (in[10] - '0') * 10 + (in[11] - '0');
        std::string headers = in.substr(0, headerEnd);
        std::transform(headers.begin(), headers.end(), headers.begin(), [](unsigned char c) { return std::tolower(c); });
        if (status >= 100 && status < 200) { // interim: the real answer follows
            in.erase(0, headerEnd + 4);
            continue;
        }
        keepAlive = in.rfind("HTTP/1.1", 0) == 0;
        for (std::size_t at = headers.find("\r\nconnection:"); at != std::string::npos;
             at = headers.find("\r\nconnection:", at + 1)) {
            const std::string value = headers.substr(at + 14, headers.find("\r\n", at + 2) - at - 14);
            if (value.find("close") != std::string::npos)
                keepAlive = false;
        }
        const auto cl = headers.find("\r\ncontent-length:");
        if (cl == std::string::npos || headers.find("\r\ntransfer-encoding:") != std::string::npos) {
            keepAlive = false; // the body's end is not known without reading to the end: start afresh
            return status;
        }
        char *end = nullptr;
        const long long length = std::strtoll(headers.c_str() + cl + 17, &end, 10);
        if (length < 0 || length > (1 << 20)) {
            keepAlive = false;
            return status;
        }
        std::size_t have = in.size() - (headerEnd + 4);
        while (have < static_cast<std::size_t>(length)) {
            const int left = remaining();
            const long n = left > 0 ? s.read(buf, sizeof buf, left, &error) : -1;
            if (n <= 0) {
                keepAlive = false;
                return status;
            }
            have += static_cast<std::size_t>(n);
        }
        if (have > static_cast<std::size_t>(length))
            keepAlive = false;
        return status;
    }
}

// Whether a kept-alive connection has bytes waiting or was closed: it
// must not carry the next request.
bool stale(int fd)
{
    pollfd p{fd, POLLIN | POLLRDHUP, 0};
    return ::poll(&p, 1, 0) != 0;
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
    state->cursors = CursorFolder::open(options.cursorDir, err);
    if (!state->cursors) {
        *error = err;
        return nullptr;
    }
    state->cursorName = CursorFolder::fileName(t.display);
    state->cursorFile = state->cursors->pathOf(state->cursorName);
    ForwardCursor cursor;
    if (!state->cursors->load(state->cursorName, t.display, cursor, err)) {
        *error = t.display + ": " + err;
        return nullptr;
    }
    state->source = ForwardSource::open(options.storePath, options.storeHost, err);
    if (!state->source) {
        *error = "forwarding " + t.display + ": " + err;
        return nullptr;
    }
    if (options.wrapSource)
        state->source = options.wrapSource(std::move(state->source));
    // The cursor must be this store's: ids start again in another one (or
    // after a restored backup), and events under the old cursor would be
    // skipped.
    if (cursor.id > 0) {
        std::string first, headChain;
        std::optional<std::string> atCursor;
        std::int64_t head = 0;
        if (!state->source->first(first, err) || !state->source->head(head, headChain, err)
            || !state->source->chainAt(cursor.id, atCursor, err)) {
            *error = "forwarding " + t.display + ": " + err;
            return nullptr;
        }
        if (first != cursor.first) {
            *error = t.display + ": the cursor " + state->cursorFile
                + " was written for another store (its first event differs); move it away to forward this store "
                  "from its first event";
            return nullptr;
        }
        if (head < cursor.id) {
            // The store lost its last events (a crash before they were
            // durable, or a backup restored): what is left was delivered;
            // what comes next reuses the lost ids and must go out.
            state->startNote = "the store ends at event " + std::to_string(head) + ", before the cursor ("
                + std::to_string(cursor.id) + "): its last events were lost; forwarding from event "
                + std::to_string(head + 1);
            cursor.id = head;
            cursor.chain = headChain;
        } else if (atCursor.value_or(std::string()) != cursor.chain) {
            *error = t.display + ": event " + std::to_string(cursor.id)
                + " is not the one delivered (the store was rolled back and written again); move the cursor "
                + state->cursorFile + " away to forward this store from its first event";
            return nullptr;
        }
    }
    state->cursor = cursor;
    state->header.hostname = options.hostname.empty() ? hostName() : options.hostname;
    state->header.procId = ::getpid();
    state->status.destination = t.display;
    state->status.cursor = cursor.id;
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

void Forwarder::requestStop()
{
    {
        std::lock_guard lock(m_state->mutex);
        m_state->stopping = true;
    }
    m_state->stop = true;
    m_state->wake.notify_all();
    std::lock_guard lock(m_state->streamMutex);
    if (m_state->stream)
        m_state->stream->abort();
}

const std::string &Forwarder::startNote() const { return m_state->startNote; }

void Forwarder::stop()
{
    requestStop();
    if (m_thread.joinable())
        m_thread.join();
    std::lock_guard lock(m_state->mutex);
    m_state->status.state = "stopped";
}

ForwarderStatus Forwarder::status() const
{
    std::lock_guard lock(m_state->mutex);
    ForwarderStatus s = m_state->status;
    s.lagSeconds = s.pending > 0 && m_state->oldestPendingTs > 0 ? std::max(0.0, wallNow() - m_state->oldestPendingTs) : 0.0;
    return s;
}

void Forwarder::run()
{
    State &st = *m_state;
    const ForwardTarget &t = st.options.target;
    int backoffMs = 0;
    std::int64_t cursor = st.cursor.id;
    // A collector that refuses a batch for good (a 4xx other than 408 and
    // 429) may be refusing one event's content, which an agent wrote:
    // batches are halved until the refused event is alone, which then
    // goes out as a stand-in (its ids, chain value, size and hash), so one
    // event cannot hold back everything after it.
    int limit = st.options.batchEvents;
    std::int64_t standIn = 0; // the id of the event to send as a stand-in
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

    // What is pending: counted at most every countEvery while there is
    // something to send (a PostgreSQL count of a large backlog is costly,
    // and a batch goes out every few milliseconds), less what was delivered
    // since. Counted afresh when it is unknown (after an idle spell, the
    // cursor moved back) or would claim nothing while events wait.
    std::int64_t pendingCount = 0;
    bool pendingKnown = false;
    Clock::time_point countedAt;

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
        std::int64_t head = 0, pending = 0;
        std::string headChain;
        double oldestTs = 0;
        if (!st.source->head(head, headChain, err)
            || (head > cursor && !st.source->oldest(cursor, oldestTs, err))) {
            fail("reading the store: " + err);
            continue;
        }
        if (head > cursor) {
            const auto now = Clock::now();
            if (!pendingKnown || pendingCount <= 0 || now - countedAt >= st.options.countEvery) {
                if (!st.source->count(cursor, pendingCount, err)) {
                    pendingKnown = false;
                    fail("reading the store: " + err);
                    continue;
                }
                pendingKnown = true;
                countedAt = now;
            }
            pending = pendingCount;
        } else {
            pendingKnown = false; // nothing waits: the next events are counted as they come
        }
        {
            std::lock_guard lock(st.mutex);
            st.status.head = head;
            st.status.pending = pending;
            st.oldestPendingTs = oldestTs;
            if (head < cursor) {
                // Events were removed from the store under the service: what
                // is left was delivered, and what comes next takes the
                // removed ids, so delivery goes on from the store's end
                // (waiting for the cursor would skip those events).
                st.status.lastError = "the store's newest event (" + std::to_string(head) + ") is older than the cursor ("
                    + std::to_string(cursor) + "): events were removed from the store; forwarding goes on from event "
                    + std::to_string(head + 1);
                cursor = head;
                st.cursor.id = head;
                st.status.cursor = head;
            }
            if (head == cursor && st.status.state != "retrying")
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
        std::string lastChain;
        int events = 0;
        const bool read = st.source->batch(cursor, limit, [&](const AuditEvent &e, std::int64_t id) {
            last = id;
            lastChain = e.chain;
            if (cursor == 0 && events == 0 && st.cursor.first.empty())
                st.cursor.first = e.chain; // the store's first event: which store the cursor belongs to
            // The session's policy commit (policy.version), once it is recorded.
            audit::OcsfContext unrecorded;
            const audit::OcsfContext *ctx = &unrecorded;
            if (const auto it = st.contexts.find(e.sessionId); it != st.contexts.end()) {
                ctx = &it->second;
            } else {
                std::optional<std::string> commit;
                std::string ignored; // read again with the session's next event
                if (st.source->policyCommit(e.sessionId, commit, ignored) && commit) {
                    if (st.contexts.size() > 4096)
                        st.contexts.clear();
                    audit::OcsfContext c;
                    c.policyCommit = *commit;
                    ctx = &st.contexts.emplace(e.sessionId, std::move(c)).first->second;
                }
            }
            if (t.kind == ForwardTarget::Kind::Syslog) {
                appendSyslogFrames(body, t, st.header, e, *ctx, st.options.productVersion);
            } else if (last == standIn) {
                body += body.empty() ? '[' : ',';
                std::string original;
                audit::appendOcsfJson(original, e, *ctx);
                body += "{\"metadata\":{\"version\":\"";
                body += audit::kOcsfVersion;
                body += "\",\"uid\":\"" + jsonEscape(audit::ocsfUid(e)) + "\",\"correlation_uid\":\"" + jsonEscape(e.sessionId)
                    + "\",\"sequence\":" + std::to_string(e.seq) + "},\"time\":"
                    + std::to_string(static_cast<long long>(e.ts * 1000.0)) + ",\"unmapped\":{\"chain\":\""
                    + jsonEscape(e.chain) + "\",\"not_forwarded\":true,\"reason\":\"refused by the collector\",\"bytes\":"
                    + std::to_string(original.size()) + ",\"sha256\":\"" + sha256Hex(original) + "\"}}";
            } else {
                body += body.empty() ? '[' : ',';
                audit::appendOcsfJson(body, e, *ctx);
                if (audit::hasOcsfFinding(e)) {
                    body += ',';
                    audit::appendOcsfFindingJson(body, e, *ctx);
                }
            }
            ++events;
            return body.size() < st.options.batchBytes;
        }, err);
        if (!read || events == 0) {
            fail("reading the store: " + (read ? std::string("no event after the cursor") : err));
            continue;
        }
        {
            std::lock_guard lock(st.mutex);
            st.status.state = "delivering";
        }

        // Connected? A kept-alive connection with bytes waiting (a stray
        // answer) or closed by the collector is not reused.
        if (st.stream && stale(st.stream->fd()))
            closeStream();
        if (!st.stream) {
            const int fd = connectTcp(t.host, t.port, st.options.ioTimeoutMs, st.stop, err);
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
        if (st.stop) // stop() came while connecting: it found no stream to abort
            break;

        bool delivered = false;
        bool refused = false;
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
                refused = status >= 400 && status < 500 && status != 408 && status != 429;
            }
            OPENSSL_cleanse(request.data(), request.size());
            if (delivered && !keepAlive)
                closeStream();
        }
        if (!delivered) {
            // Not yet the stand-in itself: narrow down. Ids may have gaps
            // (a shared store's are every host's), so the refused event is
            // known by its own id, never as the cursor's next.
            if (refused && !(events == 1 && last == standIn)) {
                if (events > 1) {
                    limit = std::max(1, events / 2);
                } else {
                    standIn = last; // alone and still refused
                }
                closeStream();
                std::lock_guard lock(st.mutex);
                st.status.state = "retrying";
                st.status.lastError = err + "; narrowing down the refused event";
                ++st.status.failures;
                continue; // at once: the collector is up
            }
            fail(err);
            continue;
        }
        if (standIn != 0 && standIn <= last) {
            std::lock_guard lock(st.mutex);
            ++st.status.standIns;
            standIn = 0;
        }
        limit = std::min(st.options.batchEvents, limit * 2);
        // Delivered but not recorded: sent again after a restart (the
        // collector deduplicates); delivery goes on from memory.
        std::string saveError;
        st.cursor.id = last;
        st.cursor.chain = lastChain;
        st.cursors->save(st.cursorName, t.display, st.cursor, saveError);
        cursor = last;
        backoffMs = 0;
        // A count that stopped at the limit stays "at least" that many.
        if (pendingCount < ForwardSource::kCountLimit)
            pendingCount = std::max<std::int64_t>(0, pendingCount - events);
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
