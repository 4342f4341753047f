#pragma once
// Incremental HTTP/1.1 message parsing for the network guardian proxy, which
// reads whole requests (and the origin's responses) so it can inspect them
// before forwarding. The grammar is libhttp-parser's; this layer adds the
// strictness a proxy needs so that it and the origin never disagree on where a
// message ends (request smuggling, response splitting): one framing header,
// chunked as the only transfer coding, CRLF everywhere, no obs-fold, no
// trailers, HTTP/1.0 and HTTP/1.1 only. Forwarded messages are re-serialized
// by requestHead()/responseHead() with a Content-Length and the decoded body,
// so the peer receives exactly the bytes that were inspected.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

struct http_parser;

namespace osh::runtime {

struct HttpMessage
{
    // Requests
    std::string method; // as sent, e.g. "GET"
    std::string target; // request-target as sent ("/a?b" or "http://h:80/a?b")
    // Responses
    int status = 0;
    std::string reason;
    // Both
    int versionMajor = 1;
    int versionMinor = 1;
    std::vector<std::pair<std::string, std::string>> headers; // in order, names as sent, values trimmed
    std::string body; // decoded (chunked framing removed)
    std::int64_t contentLength = -1; // the validated Content-Length header, -1 when absent
    bool chunked = false; // the message was sent chunked
    bool keepAlive = true; // per http_should_keep_alive()
    bool upgrade = false; // CONNECT or a protocol upgrade: bytes after the message are not HTTP

    // The first value of a header, name compared case-insensitively.
    std::optional<std::string> header(std::string_view name) const;
};

class HttpMessageParser
{
public:
    enum class Kind { Request, Response };
    enum class Status { NeedMore, HeadComplete, Complete, Error };

    // A request-target split by parseTarget(). Origin-form leaves scheme and
    // host empty and port 0.
    struct Target
    {
        std::string scheme; // "http" or "https", lower-case
        std::string host; // lower-case, IPv6 without brackets
        int port = 0; // explicit, or 80/443 by scheme
        std::string path; // "/" when absent
        std::string rawQuery; // without '?', not decoded
    };

    // libhttp-parser has its own 80 KiB head limit (HTTP_MAX_HEADER_SIZE, process-wide): a
    // larger maxHeadBytes has no effect.
    explicit HttpMessageParser(Kind kind, std::size_t maxHeadBytes = 64 * 1024, std::int64_t maxBodyBytes = 16 << 20);
    ~HttpMessageParser();
    HttpMessageParser(const HttpMessageParser &) = delete;
    HttpMessageParser &operator=(const HttpMessageParser &) = delete;

    // Feeds bytes and returns how many were consumed; the caller keeps the
    // rest and feeds it again later. Parsing pauses once after the head
    // (HeadComplete: the caller may refuse early or send "100 Continue", then
    // calls resume()) and after each complete message (Complete), so bytes of
    // a pipelined next message stay unconsumed until take().
    std::size_t feed(std::string_view data);
    // Continues after HeadComplete. When bodyTooLarge() was already flagged
    // at HeadComplete, the status becomes Error instead.
    void resume();
    // The peer closed its side: completes a response whose body ends at EOF;
    // Error when a message was cut short. Nothing happens between messages.
    void finishAtEof();
    // For the next response: the request was HEAD or CONNECT, so no body
    // follows whatever the framing headers say. Cleared by take().
    void setNoBody(bool noBody) { m_cur.noBody = noBody; }

    Status status() const { return m_status; }
    const HttpMessage &message() const { return m_msg; } // valid from HeadComplete
    // After Complete: hands out the message and gets ready for the next one on
    // the same connection (unless this one ended the connection).
    HttpMessage take();
    const std::string &error() const { return m_error; } // why, for Error
    // The body is (or, from Content-Length at HeadComplete, will be) larger
    // than maxBodyBytes: answer 413 rather than 400.
    bool bodyTooLarge() const { return m_cur.tooLarge; }

    // Splits an origin-form or absolute-form request-target; refuses userinfo,
    // fragments and schemes other than http/https.
    static bool parseTarget(std::string_view target, Target &out, std::string *error);
    // Decodes %XX (invalid escapes kept as is) and, if asked, '+' as space.
    static std::string percentDecode(std::string_view s, bool plusAsSpace);
    // key=value pairs split on '&' only, both decoded; order kept.
    static std::vector<std::pair<std::string, std::string>> decodeQuery(std::string_view rawQuery);
    // The head to send to the origin for req: origin-form target, Host first,
    // hop-by-hop headers dropped, Content-Length of the decoded body, keep-alive.
    static std::string requestHead(const HttpMessage &req, std::string_view originTarget, std::string_view hostHeader);
    // The head to send back to the client for resp, framed by bodySize.
    static std::string responseHead(const HttpMessage &resp, std::size_t bodySize, bool keepAlive, bool noBody);

private:
    struct Hooks;
    friend struct Hooks;

    // http_parser callbacks (non-zero stops parsing)
    int onHeaderField(const char *at, std::size_t n);
    int onHeadersComplete(http_parser *p);
    int onChunkHeader(std::uint64_t size);
    int onBody(const char *at, std::size_t n);
    int onMessageComplete(http_parser *p);

    int fail(std::string why); // always -1
    int tooLarge(const char *what);
    std::size_t scanHead(std::string_view data, std::string &why);
    bool scanFraming(const char *from, const char *to);
    std::string validateHead() const;
    std::string describe(int httpErrno) const;

    Kind m_kind;
    std::size_t m_maxHead;
    std::int64_t m_maxBody;
    std::unique_ptr<http_parser> m_parser;
    Status m_status = Status::NeedMore;
    std::string m_error;
    HttpMessage m_msg;
    // Per-message state, reset by take().
    struct Current
    {
        bool tooLarge = false;
        bool noBody = false;
        bool headParsed = false; // on_headers_complete ran
        bool completePending = false; // a bodiless message completed while paused at its head
        bool swallowing = false; // feeding the head's final LF (see feed())
        bool lastWasValue = false;
        // Raw-byte checks of the head (scanHead) and of chunked framing (scanFraming)
        std::size_t headBytes = 0;
        std::size_t lineLen = 0;
        bool inStartLine = true;
        bool headScanned = false;
        bool cr = false;
        std::string startLine;
        std::uint64_t chunkLeft = 0;
        bool lastChunk = false; // the zero-size chunk was seen: only the final CRLF may follow
        int needCrlf = 0;
    };
    Current m_cur;
    bool m_closed = false; // the last message ended the connection
    const char *m_cursor = nullptr; // first byte of the current feed not yet scanned as framing
};

} // namespace osh::runtime
