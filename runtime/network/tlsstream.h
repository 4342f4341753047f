#pragma once
// Blocking-style byte streams for the proxy's worker threads: plain TCP/Unix
// sockets and TLS over them (OpenSSL 3.0, no Qt). The socket is non-blocking
// underneath and every call waits with poll(2) against its own timeout, so a
// silent or slow peer can hold a worker for at most that long. A call blocked
// in one thread ends at once when another thread aborts the stream.
//
// One thread uses a stream at a time; only abort() may be called from
// another thread (never concurrently with close()).

#include <openssl/types.h>

#include <atomic>
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

namespace osh::runtime {

class ByteStream
{
public:
    virtual ~ByteStream();

    // >0: bytes read; 0: orderly end of stream; -1: error or timeout
    // (*error is "timed out" for a timeout).
    virtual long read(char *buf, std::size_t n, int timeoutMs, std::string *error) = 0;
    // Everything or false; the timeout covers the whole call. After a false
    // (timeout included) part of data may have gone out: close the stream.
    virtual bool writeAll(std::string_view data, int timeoutMs, std::string *error) = 0;
    virtual int fd() const = 0;
    // Closes the stream and its fd. Idempotent.
    virtual void close() = 0;

    // From any thread: shuts the socket down so a call blocked in read() or
    // writeAll() returns -1/false ("aborted") at once, and so does every later
    // call. A plain ::shutdown(fd(), SHUT_RDWR) from another thread also
    // wakes the call; on TCP it is recognised as an abort too, while on a
    // Unix socket it looks exactly like the peer closing (the kernel marks
    // both the same way), so read() may then report the end of the stream.
    void abort();

protected:
    // After the kernel reported the end of the stream: 0, or -1 when the end
    // came from an abort rather than from the peer.
    long endOfStream(std::string *error) const;
    bool aborted() const { return m_aborted.load(); }

private:
    std::atomic<bool> m_aborted{false};
};

class PlainStream : public ByteStream
{
public:
    // Takes ownership of fd and switches it to non-blocking mode.
    explicit PlainStream(int fd);
    ~PlainStream() override;
    PlainStream(const PlainStream &) = delete;
    PlainStream &operator=(const PlainStream &) = delete;

    long read(char *buf, std::size_t n, int timeoutMs, std::string *error) override;
    bool writeAll(std::string_view data, int timeoutMs, std::string *error) override;
    int fd() const override { return m_fd; }
    void close() override;

private:
    int m_fd = -1;
};

class TlsStream : public ByteStream
{
public:
    // Server side: completes the handshake within timeoutMs presenting the
    // certificate of ctx. *sni receives the client's server name (empty when
    // none sent). The fd is switched to non-blocking mode; on failure it is
    // left open for the caller and *error explains, with OpenSSL's reason.
    static std::unique_ptr<TlsStream> accept(int fd, std::shared_ptr<SSL_CTX> ctx, int timeoutMs, std::string *sni,
                                             std::string *error);
    // Client side: sends SNI = host for a DNS name (none for an IP literal)
    // and requires a chain trusted by ctx whose leaf is valid for host.
    // Failure leaves the fd open for the caller.
    static std::unique_ptr<TlsStream> connect(int fd, std::shared_ptr<SSL_CTX> ctx, const std::string &host,
                                              int timeoutMs, std::string *error);

    ~TlsStream() override;
    TlsStream(const TlsStream &) = delete;
    TlsStream &operator=(const TlsStream &) = delete;

    long read(char *buf, std::size_t n, int timeoutMs, std::string *error) override;
    bool writeAll(std::string_view data, int timeoutMs, std::string *error) override;
    int fd() const override { return m_fd; }
    // Sends close_notify if it can without waiting, then frees and closes.
    void close() override;

    // The ALPN protocol agreed on ("http/1.1"), empty when none.
    std::string alpn() const;

private:
    struct SslFree
    {
        void operator()(SSL *ssl) const;
    };

    TlsStream(int fd, SSL *ssl);
    static std::unique_ptr<TlsStream> prepare(int fd, const std::shared_ptr<SSL_CTX> &ctx, std::string *error);
    // On failure *error describes what went wrong and with whom.
    bool handshake(bool server, int timeoutMs, std::string *error);
    bool usable(std::string *error) const;
    void fail(int sslError, const char *what, std::string *error);

    int m_fd = -1;
    std::unique_ptr<SSL, SslFree> m_ssl;
    bool m_broken = false; // fatal error or interrupted write: no more I/O, no close_notify
};

} // namespace osh::runtime
