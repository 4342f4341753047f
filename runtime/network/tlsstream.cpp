#include "tlsstream.h"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>

namespace osh::runtime {

namespace {

using Clock = std::chrono::steady_clock;

// A negative timeout counts as 0: every call has a bound.
struct Deadline
{
    explicit Deadline(int timeoutMs) : end(Clock::now() + std::chrono::milliseconds(std::max(timeoutMs, 0))) {}
    // Rounded up, so poll() is never asked to wait 0 ms while time remains.
    int remainingMs() const
    {
        const auto left = std::chrono::ceil<std::chrono::milliseconds>(end - Clock::now()).count();
        return left > 0 ? static_cast<int>(left) : 0;
    }
    Clock::time_point end;
};

void reportError(std::string *error, std::string text)
{
    if (error)
        *error = std::move(text);
}

// Waits until the socket is ready for `events` (or hung up, or in error: the
// next I/O call tells which) or the deadline passes.
bool waitFor(int fd, short events, const Deadline &deadline, std::string *error)
{
    for (;;) {
        const int left = deadline.remainingMs();
        if (left <= 0) {
            reportError(error, "timed out");
            return false;
        }
        pollfd p{fd, events, 0};
        const int r = ::poll(&p, 1, left);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            reportError(error, std::string("poll: ") + std::strerror(errno));
            return false;
        }
        if (r == 0)
            continue; // the deadline check above reports the timeout
        if (p.revents & POLLNVAL) {
            reportError(error, "socket closed");
            return false;
        }
        return true;
    }
}

bool setNonBlocking(int fd)
{
    const int flags = ::fcntl(fd, F_GETFL);
    return flags >= 0 && (flags & O_NONBLOCK ? true : ::fcntl(fd, F_SETFL, flags | O_NONBLOCK) == 0);
}

// True when this end's write side has been shut down. The streams never
// half-close, so on TCP that means someone called shutdown() on our fd:
// an abort. A Unix socket whose peer closed looks the same, hence TCP only.
bool shutDownLocally(int fd)
{
    int domain = 0;
    socklen_t len = sizeof domain;
    if (::getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &domain, &len) != 0 || (domain != AF_INET && domain != AF_INET6))
        return false;
    return ::send(fd, nullptr, 0, MSG_NOSIGNAL | MSG_DONTWAIT) < 0 && errno == EPIPE;
}

// The socket BIO of OpenSSL writes with write(2), which raises SIGPIPE when
// the peer is gone; this one sends with MSG_NOSIGNAL so the stream does not
// depend on the process ignoring SIGPIPE. It never closes the fd.
struct SocketBio
{
    int fd = -1;
    bool eof = false;
    int lastErrno = 0;
};

SocketBio *socketOf(BIO *bio)
{
    return bio ? static_cast<SocketBio *>(BIO_get_data(bio)) : nullptr;
}

// Maps a send/recv result to the BIO convention; EAGAIN becomes a retry,
// which OpenSSL reports as SSL_ERROR_WANT_READ/WRITE.
int bioResult(BIO *bio, ssize_t n, int retryFlag)
{
    SocketBio *s = socketOf(bio);
    BIO_clear_retry_flags(bio);
    if (n >= 0)
        return static_cast<int>(n);
    s->lastErrno = errno;
    if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
        BIO_set_flags(bio, retryFlag | BIO_FLAGS_SHOULD_RETRY);
    return -1;
}

int bioWrite(BIO *bio, const char *data, int len)
{
    return bioResult(bio, ::send(socketOf(bio)->fd, data, static_cast<std::size_t>(len), MSG_NOSIGNAL),
                     BIO_FLAGS_WRITE);
}

int bioRead(BIO *bio, char *data, int len)
{
    const ssize_t n = ::recv(socketOf(bio)->fd, data, static_cast<std::size_t>(len), 0);
    if (n == 0)
        socketOf(bio)->eof = true; // OpenSSL asks BIO_CTRL_EOF to tell an EOF from an error
    return bioResult(bio, n, BIO_FLAGS_READ);
}

long bioCtrl(BIO *bio, int cmd, long, void *ptr)
{
    const SocketBio *s = socketOf(bio);
    switch (cmd) {
    case BIO_CTRL_FLUSH: return 1; // nothing buffered here
    case BIO_CTRL_EOF: return s && s->eof ? 1 : 0;
    case BIO_C_GET_FD:
        if (ptr && s)
            *static_cast<int *>(ptr) = s->fd;
        return s ? s->fd : -1;
    default: return 0;
    }
}

int bioDestroy(BIO *bio)
{
    delete socketOf(bio);
    BIO_set_data(bio, nullptr);
    return 1;
}

const BIO_METHOD *socketBioMethod()
{
    // Created once and kept for the life of the process, like OpenSSL's own.
    static BIO_METHOD *const method = []() -> BIO_METHOD * {
        const int index = BIO_get_new_index();
        if (index == -1)
            return nullptr;
        BIO_METHOD *m = BIO_meth_new(index | BIO_TYPE_SOURCE_SINK | BIO_TYPE_DESCRIPTOR, "osh nosignal socket");
        if (m && BIO_meth_set_write(m, bioWrite) == 1 && BIO_meth_set_read(m, bioRead) == 1
            && BIO_meth_set_ctrl(m, bioCtrl) == 1 && BIO_meth_set_destroy(m, bioDestroy) == 1)
            return m;
        BIO_meth_free(m);
        return nullptr;
    }();
    return method;
}

// The first (root cause) reason OpenSSL queued on this thread; clears the queue.
std::string firstReason()
{
    const unsigned long e = ERR_peek_error();
    ERR_clear_error();
    if (e == 0)
        return "unknown TLS error";
    const char *reason = ERR_reason_error_string(e);
    return reason ? reason : "error code " + std::to_string(e);
}

int firstReasonCode()
{
    const unsigned long e = ERR_peek_error();
    return e != 0 && ERR_GET_LIB(e) == ERR_LIB_SSL ? ERR_GET_REASON(e) : 0;
}

// A fatal alert from the peer, as OpenSSL reports it (offset + alert number).
bool isAlert(int reason)
{
    return reason >= SSL_AD_REASON_OFFSET && reason < SSL_AD_REASON_OFFSET + 256;
}

// The alerts a TLS client sends when it refuses the server's certificate:
// bad_certificate (42) to certificate_unknown (46), and unknown_ca (48).
bool isCertificateAlert(int reason)
{
    const int alert = reason - SSL_AD_REASON_OFFSET;
    return (alert >= SSL_AD_BAD_CERTIFICATE && alert <= SSL_AD_CERTIFICATE_UNKNOWN) || alert == SSL_AD_UNKNOWN_CA;
}

bool isIpLiteral(const std::string &host)
{
    unsigned char addr[sizeof(in6_addr)];
    return inet_pton(AF_INET, host.c_str(), addr) == 1 || inet_pton(AF_INET6, host.c_str(), addr) == 1;
}

// Drives one OpenSSL call that may need the socket to become readable or
// writable. Returns 1 on success; otherwise 0 with *sslError set, or -1
// with *error set when the wait failed (timeout, closed socket).
template<class Op>
int drive(SSL *ssl, int fd, const Deadline &deadline, Op op, int *sslError, std::string *error)
{
    for (;;) {
        ERR_clear_error();
        const int r = op();
        if (r == 1)
            return 1;
        const int e = SSL_get_error(ssl, r);
        if (e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE) {
            *sslError = e;
            return 0;
        }
        if (!waitFor(fd, e == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT, deadline, error))
            return -1;
    }
}

} // namespace

// ---- ByteStream ----

ByteStream::~ByteStream() = default;

void ByteStream::abort()
{
    m_aborted = true;
    const int socket = fd();
    if (socket >= 0)
        ::shutdown(socket, SHUT_RDWR);
}

long ByteStream::endOfStream(std::string *error) const
{
    if (aborted() || shutDownLocally(fd())) {
        reportError(error, "aborted");
        return -1;
    }
    return 0;
}

// ---- PlainStream ----

PlainStream::PlainStream(int fd)
    : m_fd(fd)
{
    setNonBlocking(m_fd); // if this fails the fd is unusable and every call reports why
}

PlainStream::~PlainStream()
{
    close();
}

long PlainStream::read(char *buf, std::size_t n, int timeoutMs, std::string *error)
{
    if (m_fd < 0 || n == 0) {
        reportError(error, m_fd < 0 ? "stream is closed" : "empty read buffer");
        return -1;
    }
    const Deadline deadline(timeoutMs);
    for (;;) {
        const ssize_t r = aborted() ? -1 : ::recv(m_fd, buf, n, 0);
        if (r > 0)
            return static_cast<long>(r);
        if (r == 0)
            return endOfStream(error);
        if (aborted() || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) {
            reportError(error, aborted() ? "aborted" : std::strerror(errno));
            return -1;
        }
        if (errno != EINTR && !waitFor(m_fd, POLLIN, deadline, error))
            return -1;
    }
}

bool PlainStream::writeAll(std::string_view data, int timeoutMs, std::string *error)
{
    if (m_fd < 0) {
        reportError(error, "stream is closed");
        return false;
    }
    const Deadline deadline(timeoutMs);
    while (!data.empty()) {
        const ssize_t w = aborted() ? -1 : ::send(m_fd, data.data(), data.size(), MSG_NOSIGNAL);
        if (w > 0) {
            data.remove_prefix(static_cast<std::size_t>(w));
            continue;
        }
        if (aborted() || w == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) {
            reportError(error, aborted() ? "aborted" : w == 0 ? "send made no progress" : std::strerror(errno));
            return false;
        }
        if (errno != EINTR && !waitFor(m_fd, POLLOUT, deadline, error))
            return false;
    }
    return true;
}

void PlainStream::close()
{
    if (m_fd >= 0)
        ::close(m_fd);
    m_fd = -1;
}

// ---- TlsStream ----

void TlsStream::SslFree::operator()(SSL *ssl) const
{
    SSL_free(ssl);
}

TlsStream::TlsStream(int fd, SSL *ssl)
    : m_fd(fd)
    , m_ssl(ssl)
{
}

TlsStream::~TlsStream()
{
    close();
}

std::unique_ptr<TlsStream> TlsStream::prepare(int fd, const std::shared_ptr<SSL_CTX> &ctx, std::string *error)
{
    ERR_clear_error();
    if (fd < 0 || !ctx || !setNonBlocking(fd)) {
        reportError(error, !ctx ? "no TLS context" : "not a usable socket");
        return nullptr;
    }
    const BIO_METHOD *method = socketBioMethod();
    // SSL_new takes its own reference on ctx, so the caller may drop theirs.
    std::unique_ptr<SSL, SslFree> ssl(SSL_new(ctx.get()));
    BIO *bio = method ? BIO_new(method) : nullptr;
    if (!ssl || !bio) {
        BIO_free(bio);
        reportError(error, "cannot create the TLS connection: " + firstReason());
        return nullptr;
    }
    BIO_set_data(bio, new SocketBio{fd, false, 0});
    BIO_set_init(bio, 1);
    SSL_set_bio(ssl.get(), bio, bio); // takes the one reference
    // Partial writes let writeAll() make progress record by record.
    SSL_set_mode(ssl.get(), SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
    return std::unique_ptr<TlsStream>(new TlsStream(fd, ssl.release()));
}

std::unique_ptr<TlsStream> TlsStream::accept(int fd, std::shared_ptr<SSL_CTX> ctx, int timeoutMs, std::string *sni,
                                             std::string *error)
{
    if (sni)
        sni->clear();
    auto stream = prepare(fd, ctx, error);
    if (!stream)
        return nullptr;
    // The certificate is the one of ctx, which the caller minted for the
    // CONNECT host the policy approved; the SNI plays no part in choosing it.
    // Minting for the SNI would let the sandbox name one host to the policy
    // and get a certificate for another. The SNI is only reported, so the
    // caller can refuse a mismatch.
    SSL_set_accept_state(stream->m_ssl.get());
    if (!stream->handshake(true, timeoutMs, error)) {
        stream->m_fd = -1; // the caller keeps the fd
        return nullptr;
    }
    if (sni) {
        const char *name = SSL_get_servername(stream->m_ssl.get(), TLSEXT_NAMETYPE_host_name);
        *sni = name ? name : "";
    }
    return stream;
}

std::unique_ptr<TlsStream> TlsStream::connect(int fd, std::shared_ptr<SSL_CTX> ctx, const std::string &host,
                                              int timeoutMs, std::string *error)
{
    if (host.empty() || host.find('\0') != std::string::npos) {
        reportError(error, "invalid host name for TLS");
        return nullptr;
    }
    auto stream = prepare(fd, ctx, error);
    if (!stream)
        return nullptr;
    SSL *ssl = stream->m_ssl.get();
    // Verification is forced here whatever ctx says: a connection to the real
    // destination without it would let anyone on the path read the traffic.
    SSL_set_verify(ssl, SSL_VERIFY_PEER, nullptr);
    X509_VERIFY_PARAM *param = SSL_get0_param(ssl);
    bool ok = param != nullptr;
    if (ok && isIpLiteral(host)) {
        // RFC 6066 forbids IP literals in SNI; the address is checked
        // against the certificate's IP subjectAltNames instead.
        ok = X509_VERIFY_PARAM_set1_ip_asc(param, host.c_str()) == 1;
    } else if (ok) {
        std::string name = host;
        if (name.back() == '.')
            name.pop_back(); // SNI never carries the trailing dot
        // No partial wildcards: "*.example.com" matches "a.example.com",
        // but "a*.example.com" matches nothing.
        X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
        ok = !name.empty() && SSL_set_tlsext_host_name(ssl, name.c_str()) == 1
            && X509_VERIFY_PARAM_set1_host(param, name.c_str(), name.size()) == 1;
    }
    if (!ok) {
        reportError(error, "cannot set up verification for " + host + ": " + firstReason());
        stream->m_fd = -1;
        return nullptr;
    }
    SSL_set_connect_state(ssl);
    if (!stream->handshake(false, timeoutMs, error)) {
        stream->m_fd = -1;
        return nullptr;
    }
    // Belt and braces: a handshake can only succeed verified with
    // SSL_VERIFY_PEER, but an unverified upstream must never slip through.
    if (!SSL_get0_peer_certificate(ssl) || SSL_get_verify_result(ssl) != X509_V_OK) {
        reportError(error, "upstream certificate rejected: not verified");
        stream->m_broken = true;
        stream->m_fd = -1;
        return nullptr;
    }
    return stream;
}

bool TlsStream::handshake(bool server, int timeoutMs, std::string *error)
{
    SSL *ssl = m_ssl.get();
    const char *peer = server ? "client" : "server";
    const Deadline deadline(timeoutMs);
    int sslError = SSL_ERROR_NONE;
    std::string waitError;
    const int r = drive(ssl, m_fd, deadline, [ssl] { return SSL_do_handshake(ssl); }, &sslError, &waitError);
    if (r == 1)
        return true;
    m_broken = true;
    if (r < 0) {
        reportError(error, std::string("TLS handshake with the ") + peer + " " + (aborted() ? "aborted" : waitError));
        return false;
    }

    const SocketBio *socket = socketOf(SSL_get_rbio(ssl));
    const int reasonCode = firstReasonCode();
    const long verify = server ? X509_V_OK : SSL_get_verify_result(ssl);
    std::string text;
    if (aborted()) {
        text = "TLS handshake aborted";
    } else if (!server && verify != X509_V_OK) {
        text = std::string("upstream certificate rejected: ") + X509_verify_cert_error_string(verify);
    } else if (sslError == SSL_ERROR_SSL && server && isCertificateAlert(reasonCode)) {
        text = "client did not accept the certificate: " + firstReason();
    } else if (sslError == SSL_ERROR_SSL && isAlert(reasonCode)) {
        text = std::string(peer) + " aborted the TLS handshake: " + firstReason();
    } else if (sslError == SSL_ERROR_SSL && reasonCode != SSL_R_UNEXPECTED_EOF_WHILE_READING) {
        text = std::string("TLS handshake with the ") + peer + " failed: " + firstReason();
    } else if (socket && socket->eof) {
        text = std::string(peer) + " closed the connection during the TLS handshake";
    } else {
        const std::string reason = socket && socket->lastErrno ? std::strerror(socket->lastErrno) : firstReason();
        text = std::string("TLS handshake with the ") + peer + " failed: " + reason;
    }
    ERR_clear_error();
    reportError(error, std::move(text));
    return false;
}

bool TlsStream::usable(std::string *error) const
{
    if (!m_ssl || m_fd < 0)
        reportError(error, "stream is closed");
    else if (aborted() || m_broken)
        reportError(error, aborted() ? "aborted" : "stream failed earlier");
    else
        return true;
    return false;
}

// After a failed read or write; the stream is unusable from then on.
void TlsStream::fail(int sslError, const char *what, std::string *error)
{
    m_broken = true;
    const SocketBio *socket = socketOf(SSL_get_rbio(m_ssl.get()));
    if (aborted())
        reportError(error, "aborted");
    else if (sslError == SSL_ERROR_SYSCALL && socket && socket->lastErrno)
        reportError(error, std::string(what) + std::strerror(socket->lastErrno));
    else
        reportError(error, what + firstReason());
    ERR_clear_error();
}

long TlsStream::read(char *buf, std::size_t n, int timeoutMs, std::string *error)
{
    if (!usable(error))
        return -1;
    if (n == 0) {
        reportError(error, "empty read buffer");
        return -1;
    }
    SSL *ssl = m_ssl.get();
    std::size_t got = 0;
    int sslError = SSL_ERROR_NONE;
    const int r = drive(ssl, m_fd, Deadline(timeoutMs), [&] { return SSL_read_ex(ssl, buf, n, &got); }, &sslError,
                        error);
    if (r == 1)
        return static_cast<long>(got);
    if (r < 0) { // timed out (the stream stays usable) or aborted
        if (aborted())
            reportError(error, "aborted");
        return -1;
    }
    // With SSL_OP_IGNORE_UNEXPECTED_EOF an end without close_notify comes
    // back as ZERO_RETURN too: both are the end of the stream.
    if (sslError == SSL_ERROR_ZERO_RETURN)
        return endOfStream(error);
    fail(sslError, "TLS read failed: ", error);
    return -1;
}

bool TlsStream::writeAll(std::string_view data, int timeoutMs, std::string *error)
{
    if (!usable(error))
        return false;
    SSL *ssl = m_ssl.get();
    const Deadline deadline(timeoutMs);
    while (!data.empty()) {
        std::size_t written = 0;
        int sslError = SSL_ERROR_NONE;
        // After WANT_WRITE OpenSSL wants the same bytes again: data only
        // moves forward once a call reports bytes written.
        const int r = drive(ssl, m_fd, deadline, [&] { return SSL_write_ex(ssl, data.data(), data.size(), &written); },
                            &sslError, error);
        if (r == 1) {
            data.remove_prefix(written);
            continue;
        }
        if (r < 0) {
            // A record may be half sent, holding bytes of `data`; writing
            // other data next would send those bytes in its place, so the
            // stream cannot be resumed after a timeout.
            m_broken = true;
            if (aborted())
                reportError(error, "aborted");
            return false;
        }
        fail(sslError, "TLS write failed: ", error);
        return false;
    }
    return true;
}

void TlsStream::close()
{
    if (m_ssl && m_fd >= 0 && !m_broken && !aborted() && SSL_is_init_finished(m_ssl.get())) {
        // One non-blocking attempt: close_notify tells the peer the data is
        // complete (no truncation); never wait for its answer.
        ERR_clear_error();
        SSL_shutdown(m_ssl.get());
        ERR_clear_error();
    }
    m_ssl.reset();
    if (m_fd >= 0)
        ::close(m_fd);
    m_fd = -1;
}

std::string TlsStream::alpn() const
{
    if (!m_ssl)
        return {};
    const unsigned char *data = nullptr;
    unsigned int len = 0;
    SSL_get0_alpn_selected(m_ssl.get(), &data, &len);
    return data ? std::string(reinterpret_cast<const char *>(data), len) : std::string();
}

} // namespace osh::runtime
