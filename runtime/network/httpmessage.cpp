#include "httpmessage.h"

#include "httptext.h"

#include <http_parser.h>

#include <algorithm>
#include <charconv>

// Debian's libhttp_parser is built with HTTP_PARSER_STRICT=0, which turns
// off many of its own checks: it takes "HXXP/1.1" for "HTTP/1.1", any byte
// for the LF after a CR at the end of the head or of a chunk, any two bytes
// for the CRLF after chunk data, spaces inside header names ("Content-Length :
// 5" counts as a Content-Length, "Content Length: 5" does not), bare LF line
// ends, obs-fold (even inside Content-Length) and LF inside chunk extensions.
// Every one of those lets two parsers see different message boundaries, so
// this file re-checks the raw bytes that http_parser does not hand out as
// body: the head (scanHead) and the chunked framing (scanFraming).

namespace osh::runtime {

namespace {

char lower(char c)
{
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c;
}

std::string toLower(std::string_view s)
{
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(), lower);
    return out;
}

bool isCtl(unsigned char c)
{
    return (c < 0x20 && c != '\t') || c == 0x7f;
}

std::string hexByte(unsigned char c)
{
    static constexpr char kHex[] = "0123456789abcdef";
    return std::string("0x") + kHex[c >> 4] + kHex[c & 15];
}

bool isVisibleAscii(std::string_view s)
{
    return std::all_of(s.begin(), s.end(), [](char c) { return c > 0x20 && c < 0x7f; });
}

// Appends m's headers except those that describe one hop (RFC 9110 7.6.1),
// including the ones its Connection headers name, the framing headers the
// proxy rewrites, and the proxy's own protocol marker.
void appendHeaders(std::string &out, const HttpMessage &m, bool request)
{
    std::vector<std::string_view> dropped
        = {"connection", "proxy-connection", "keep-alive", "te", "trailer", "transfer-encoding", "upgrade",
            "proxy-authorization", "proxy-authenticate", "content-length", "x-openshell-protocol"};
    if (request)
        dropped.insert(dropped.end(), {"host", "expect"});
    for (const auto &[n, v] : m.headers) {
        for (std::string_view rest = http::iequals(n, "connection") ? v : std::string_view(); !rest.empty();) {
            const auto comma = std::min(rest.find(','), rest.size());
            dropped.push_back(http::trim(rest.substr(0, comma)));
            rest.remove_prefix(std::min(comma + 1, rest.size()));
        }
    }
    for (const auto &header : m.headers) {
        const std::string &name = header.first;
        if (std::none_of(dropped.begin(), dropped.end(), [&name](std::string_view d) { return http::iequals(d, name); }))
            out += name + ": " + header.second + "\r\n";
    }
}

} // namespace

std::optional<std::string> HttpMessage::header(std::string_view name) const
{
    for (const auto &[n, v] : headers)
        if (http::iequals(n, name))
            return v;
    return std::nullopt;
}

// Every callback that changes the status pauses the parser, so that
// http_parser_execute() returns exactly where the caller has to look.
struct HttpMessageParser::Hooks
{
    static HttpMessageParser &self(http_parser *p) { return *static_cast<HttpMessageParser *>(p->data); }
    static const http_parser_settings &settings()
    {
        static const http_parser_settings s = [] {
            http_parser_settings st;
            http_parser_settings_init(&st);
            st.on_url
                = [](http_parser *p, const char *at, std::size_t n) { return self(p).m_msg.target.append(at, n), 0; };
            st.on_status
                = [](http_parser *p, const char *at, std::size_t n) { return self(p).m_msg.reason.append(at, n), 0; };
            st.on_header_field
                = [](http_parser *p, const char *at, std::size_t n) { return self(p).onHeaderField(at, n); };
            st.on_header_value = [](http_parser *p, const char *at, std::size_t n) {
                self(p).m_msg.headers.back().second.append(at, n);
                self(p).m_cur.lastWasValue = true;
                return 0;
            };
            st.on_headers_complete = [](http_parser *p) { return self(p).onHeadersComplete(p); };
            st.on_chunk_header = [](http_parser *p) { return self(p).onChunkHeader(p->content_length); };
            st.on_body = [](http_parser *p, const char *at, std::size_t n) { return self(p).onBody(at, n); };
            st.on_message_complete = [](http_parser *p) { return self(p).onMessageComplete(p); };
            return st;
        }();
        return s;
    }
};

int HttpMessageParser::onHeaderField(const char *at, std::size_t n)
{
    // A trailer section could carry framing or headers the inspection never
    // saw; none of the proxy's peers need one.
    if (m_cur.headParsed)
        return fail("trailer fields after a chunked body are refused");
    if (m_cur.lastWasValue || m_msg.headers.empty())
        m_msg.headers.emplace_back();
    m_cur.lastWasValue = false;
    m_msg.headers.back().first.append(at, n);
    return 0;
}

int HttpMessageParser::onHeadersComplete(http_parser *p)
{
    auto &m = m_msg;
    m.versionMajor = p->http_major;
    m.versionMinor = p->http_minor;
    if (m_kind == Kind::Request)
        m.method = http_method_str(static_cast<http_method>(p->method));
    else
        m.status = static_cast<int>(p->status_code);
    for (auto &h : m.headers)
        h.second = std::string(http::trim(h.second));
    if (auto why = validateHead(); !why.empty())
        return fail(std::move(why));
    if (auto cl = m.header("content-length"))
        std::from_chars(cl->data(), cl->data() + cl->size(), m.contentLength);
    m.chunked = (p->flags & F_CHUNKED) != 0;
    // Our reading of the framing headers must be http_parser's too.
    if (m.chunked != m.header("transfer-encoding").has_value()
        || (m.contentLength >= 0 && p->content_length != static_cast<std::uint64_t>(m.contentLength)))
        return fail("the framing headers are ambiguous");
    m.keepAlive = http_should_keep_alive(p) != 0;
    // 1xx, 204 and 304 never have a body (RFC 9112 6.3); http_parser would
    // otherwise wait for Content-Length bytes after a 304.
    const bool bodyless
        = m_kind == Kind::Response && (m_cur.noBody || m.status / 100 == 1 || m.status == 204 || m.status == 304);
    if (!bodyless && m.contentLength > m_maxBody) {
        m_cur.tooLarge = true; // reported now, refused on resume()
        m_error = "Content-Length " + std::to_string(m.contentLength) + " exceeds the limit of "
            + std::to_string(m_maxBody) + " bytes";
    }
    m_cur.headParsed = true;
    m_status = Status::HeadComplete;
    http_parser_pause(p, 1);
    return bodyless ? 1 : 0; // 1: http_parser skips the body
}

int HttpMessageParser::onChunkHeader(std::uint64_t size)
{
    if (size > static_cast<std::uint64_t>(m_maxBody) - m_msg.body.size())
        return tooLarge("the chunked body");
    m_cur.chunkLeft = size;
    m_cur.lastChunk = size == 0;
    return 0;
}

int HttpMessageParser::onBody(const char *at, std::size_t n)
{
    if (m_msg.chunked) {
        if (!scanFraming(m_cursor, at))
            return -1;
        m_cursor = at + n;
        m_cur.chunkLeft -= std::min<std::uint64_t>(m_cur.chunkLeft, n);
        if (m_cur.chunkLeft == 0)
            m_cur.needCrlf = 2;
    }
    if (m_msg.body.size() + n > static_cast<std::uint64_t>(m_maxBody))
        return tooLarge("the body");
    m_msg.body.append(at, n);
    return 0;
}

int HttpMessageParser::onMessageComplete(http_parser *p)
{
    m_msg.keepAlive = http_should_keep_alive(p) != 0;
    m_msg.upgrade = p->upgrade != 0;
    http_parser_pause(p, 1);
    if (m_cur.swallowing)
        m_cur.completePending = true; // reported by resume(): HeadComplete comes first
    else
        m_status = Status::Complete;
    return 0;
}

HttpMessageParser::HttpMessageParser(Kind kind, std::size_t maxHeadBytes, std::int64_t maxBodyBytes)
    : m_kind(kind)
    , m_maxHead(maxHeadBytes)
    , m_maxBody(std::max<std::int64_t>(0, maxBodyBytes))
    , m_parser(std::make_unique<http_parser>())
{
    http_parser_init(m_parser.get(), kind == Kind::Request ? HTTP_REQUEST : HTTP_RESPONSE);
    m_parser->data = this;
}

HttpMessageParser::~HttpMessageParser() = default;

int HttpMessageParser::fail(std::string why)
{
    m_status = Status::Error;
    m_error = std::move(why);
    return -1;
}

int HttpMessageParser::tooLarge(const char *what)
{
    m_cur.tooLarge = true;
    return fail(std::string(what) + " exceeds the limit of " + std::to_string(m_maxBody) + " bytes");
}

std::size_t HttpMessageParser::feed(std::string_view data)
{
    if (m_status != Status::NeedMore || data.empty())
        return 0;
    if (m_closed) {
        fail("bytes after a message that ended the connection");
        return 0;
    }
    http_parser *p = m_parser.get();
    const auto execute = [&](const char *from, std::size_t len) {
        const auto n = http_parser_execute(p, &Hooks::settings(), from, len);
        const auto err = HTTP_PARSER_ERRNO(p);
        // On its own error, the framing before it is checked first, so the
        // reason does not depend on how the bytes were split into feeds.
        if (m_status != Status::Error && err != HPE_OK && err != HPE_PAUSED
            && (!m_cur.headParsed || !m_msg.chunked || scanFraming(m_cursor, from + n)))
            fail(describe(err));
        return n;
    };
    // The head is checked byte by byte before http_parser sees it; on a
    // violation http_parser only gets the bytes before it, so its own error
    // still wins when it comes first.
    std::string scanWhy;
    const bool inHead = !m_cur.headScanned;
    const std::size_t limit = inHead ? scanHead(data, scanWhy) : data.size();
    m_cursor = data.data();
    std::size_t n = limit ? execute(data.data(), limit) : 0; // 0 bytes would mean EOF
    if (m_status == Status::Error)
        return n;
    if (!scanWhy.empty()) {
        fail(std::move(scanWhy));
    } else if (m_status == Status::HeadComplete) {
        // Paused in on_headers_complete, http_parser leaves the head's final
        // LF unconsumed and re-reads it to choose the body mode. Feed it now so
        // the count returned covers the whole head and nothing of the body.
        if (n >= data.size() || data[n] != '\n') {
            fail("internal error: the end of the head is ambiguous");
            return n;
        }
        http_parser_pause(p, 0);
        m_cur.swallowing = true;
        n += execute(data.data() + n, 1);
        m_cur.swallowing = false;
        if (m_status != Status::Error)
            http_parser_pause(p, 1); // stays paused until resume()
    } else if (inHead && m_cur.headScanned) {
        fail("internal error: http_parser and the head check disagree on the end of the head");
    } else if (m_cur.headParsed && m_msg.chunked) {
        scanFraming(m_cursor, data.data() + n); // framing after the last body run
    }
    return n;
}

void HttpMessageParser::resume()
{
    if (m_status != Status::HeadComplete)
        return;
    if (m_cur.tooLarge) {
        m_status = Status::Error; // m_error was set at the head
    } else if (m_cur.completePending) {
        m_status = Status::Complete; // the parser stays paused before the next message
    } else {
        m_status = Status::NeedMore;
        http_parser_pause(m_parser.get(), 0);
    }
}

void HttpMessageParser::finishAtEof()
{
    m_closed = true;
    resume();
    if (m_status != Status::NeedMore)
        return;
    if (!m_cur.headParsed) {
        if (!m_cur.inStartLine || m_cur.lineLen > 0)
            fail("the connection closed in the middle of the head");
        return;
    }
    http_parser *p = m_parser.get();
    http_parser_execute(p, &Hooks::settings(), nullptr, 0);
    if (m_status == Status::NeedMore)
        fail(HTTP_PARSER_ERRNO(p) == HPE_INVALID_EOF_STATE ? "the connection closed before the end of the body"
                                                           : describe(HTTP_PARSER_ERRNO(p)));
}

HttpMessage HttpMessageParser::take()
{
    if (m_status != Status::Complete)
        return {};
    HttpMessage out = std::move(m_msg);
    // http_parser built non-strict would parse on after "Connection: close";
    // whatever a peer sends after announcing the end is refused instead.
    m_closed = m_closed || !out.keepAlive;
    m_msg = HttpMessage();
    m_cur = Current();
    m_status = Status::NeedMore;
    http_parser_pause(m_parser.get(), 0);
    return out;
}

// Checks the raw head: CRLF line ends only (a bare CR or LF is a line end to
// some parsers and not to others), no control bytes, no obs-fold (a line
// starting with SP or HTAB continues the previous header for some parsers
// and starts a new one for others), and the size limit. Returns where it
// stopped: at a violation (why set), or data.size().
std::size_t HttpMessageParser::scanHead(std::string_view data, std::string &why)
{
    for (std::size_t i = 0; i < data.size(); ++i) {
        const auto c = static_cast<unsigned char>(data[i]);
        if (++m_cur.headBytes > m_maxHead) {
            why = "the head exceeds " + std::to_string(m_maxHead) + " bytes";
            return i;
        }
        if (m_cur.cr) {
            if (c != '\n') {
                why = "bare CR in the head";
                return i;
            }
            m_cur.cr = false;
            if (m_cur.lineLen == 0 && !m_cur.inStartLine) {
                m_cur.headScanned = true; // the empty line: the rest is not head
                return data.size();
            }
            // Empty lines before the start line are skipped, as http_parser does.
            m_cur.inStartLine = m_cur.inStartLine && m_cur.lineLen == 0;
            m_cur.lineLen = 0;
            continue;
        }
        if (c == '\r') {
            m_cur.cr = true;
            continue;
        }
        if (c == '\n')
            why = "bare LF line ending in the head";
        else if (m_cur.lineLen == 0 && (c == ' ' || c == '\t'))
            why = m_cur.inStartLine ? "whitespace before the start line" : "obsolete line folding in a header";
        else if (isCtl(c) || (m_cur.inStartLine && c == '\t'))
            why = "control character " + hexByte(c) + " in the head";
        if (!why.empty())
            return i;
        ++m_cur.lineLen;
        if (m_cur.inStartLine)
            m_cur.startLine += static_cast<char>(c);
    }
    return data.size();
}

// Checks the chunked framing bytes (size lines, extensions, the CRLF after
// each chunk's data, the last-chunk line and the final CRLF): everything
// http_parser consumed that was not body. Its non-strict build accepts a LF
// inside an extension and any two bytes after chunk data.
bool HttpMessageParser::scanFraming(const char *from, const char *to)
{
    for (const char *q = from; q < to; ++q) {
        const auto c = static_cast<unsigned char>(*q);
        std::string why;
        if (m_cur.needCrlf > 0) {
            if (c != (m_cur.needCrlf == 2 ? '\r' : '\n'))
                why = "chunk data is not followed by CRLF";
            --m_cur.needCrlf;
        } else if (m_cur.cr) {
            if (c != '\n')
                why = "bare CR in the chunked framing";
            m_cur.cr = false;
        } else if (c == '\r') {
            m_cur.cr = true;
        } else if (c == '\n') {
            why = "bare LF in the chunked framing";
        } else if (isCtl(c)) {
            why = "control character " + hexByte(c) + " in the chunked framing";
        }
        if (!why.empty()) {
            fail(std::move(why));
            return false;
        }
    }
    return true;
}

// Everything about a complete head that http_parser lets through and a
// smuggler could use. Returns the first violation, or "".
std::string HttpMessageParser::validateHead() const
{
    const HttpMessage &m = m_msg;
    const std::string version = "HTTP/" + std::to_string(m.versionMajor) + "." + std::to_string(m.versionMinor);
    if (m.versionMajor == 0 && m.versionMinor == 9)
        return "HTTP/0.9 (a request line without a version) is refused";
    if (m.versionMajor != 1 || m.versionMinor > 1)
        return version + " is not supported (HTTP/1.0 and HTTP/1.1 only)";
    // Rebuild the start line from what http_parser understood; any other
    // spelling (a mangled "HTTP", extra spaces, a zero-padded status) means
    // it read something other than what was sent.
    if (m_kind == Kind::Request) {
        if (!isVisibleAscii(m.target))
            return "the request-target contains a byte that is not visible ASCII";
        if (m_cur.startLine != m.method + " " + m.target + " " + version)
            return "malformed request line";
    } else {
        if (m.status < 100 || m.status > 599)
            return "invalid status code " + std::to_string(m.status);
        const std::string prefix = version + " " + std::to_string(m.status);
        if (m_cur.startLine != prefix && m_cur.startLine != prefix + " " + m.reason)
            return "malformed status line";
    }
    int contentLengths = 0, transferEncodings = 0, hosts = 0;
    for (const auto &[name, value] : m.headers) {
        if (name.empty())
            return "empty header name";
        if (name.back() == ' ' || name.back() == '\t')
            return "whitespace between the header name \"" + std::string(http::trim(name)) + "\" and the colon";
        if (!std::all_of(name.begin(), name.end(), http::isTchar))
            return "invalid character in the header name \"" + name + "\"";
        if (http::iequals(name, "content-length")) {
            // Plain digits only: "+5", "5, 5" or "0x5" are read differently
            // by different parsers. 18 digits fit an int64.
            if (++contentLengths > 1)
                return "duplicate Content-Length header";
            if (value.empty() || value.size() > 18
                || !std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; }))
                return "Content-Length is not a plain decimal number: \"" + value + "\"";
        } else if (http::iequals(name, "transfer-encoding")) {
            // Only "chunked" alone: with any other coding the message length
            // depends on which codings each hop understands.
            if (++transferEncodings > 1)
                return "more than one Transfer-Encoding header";
            if (!http::iequals(value, "chunked"))
                return "unsupported Transfer-Encoding \"" + value + "\" (only chunked)";
        } else if (http::iequals(name, "host") && ++hosts > 1) {
            return "duplicate Host header";
        }
    }
    if (contentLengths && transferEncodings)
        return "Content-Length together with Transfer-Encoding";
    if (transferEncodings && m.versionMinor == 0)
        return "Transfer-Encoding in an HTTP/1.0 message"; // RFC 9112 6.1: framing is faulty
    if (m_kind == Kind::Request && m.versionMinor == 1 && hosts == 0)
        return "HTTP/1.1 request without a Host header";
    return {};
}

// A reason for an error http_parser found itself, refined from the headers
// it had handed out so far.
std::string HttpMessageParser::describe(int httpErrno) const
{
    const auto err = static_cast<http_errno>(httpErrno);
    if (m_cur.lastChunk) // whatever http_parser tripped on, it was in a trailer section
        return "trailer fields after a chunked body are refused";
    const auto count = [&](std::string_view name) {
        return std::count_if(
            m_msg.headers.begin(), m_msg.headers.end(), [&](const auto &h) { return http::iequals(h.first, name); });
    };
    std::string why;
    switch (err) {
    case HPE_UNEXPECTED_CONTENT_LENGTH:
        why = count("content-length") > 1 ? "duplicate Content-Length header"
            : count("transfer-encoding")  ? "Content-Length together with Transfer-Encoding"
                                          : "unexpected Content-Length";
        break;
    case HPE_INVALID_CONTENT_LENGTH:
        why = m_cur.headParsed ? "chunk size too large" : "Content-Length is not a plain decimal number";
        break;
    case HPE_INVALID_CHUNK_SIZE: why = "invalid chunk size line"; break;
    case HPE_HEADER_OVERFLOW: why = "the head is too large"; break;
    case HPE_INVALID_TRANSFER_ENCODING: why = "unsupported Transfer-Encoding"; break;
    default: why = "malformed HTTP message"; break;
    }
    return why + " (" + http_errno_name(err) + ": " + http_errno_description(err) + ")";
}

bool HttpMessageParser::parseTarget(std::string_view target, Target &out, std::string *error)
{
    const auto bad = [&](const char *why) {
        if (error)
            *error = why;
        return false;
    };
    out = Target();
    if (target.empty())
        return bad("empty request-target");
    if (target.size() > 0xffff) // http_parser_url holds 16-bit offsets
        return bad("request-target too long");
    if (!isVisibleAscii(target))
        return bad("the request-target contains a byte that is not visible ASCII");
    // http_parser ignores an empty fragment ("/a#"); a request never has one.
    if (target.find('#') != std::string_view::npos)
        return bad("fragment in the request-target");
    http_parser_url u;
    http_parser_url_init(&u);
    if (http_parser_parse_url(target.data(), target.size(), 0, &u) != 0)
        return bad("malformed request-target");
    const auto has = [&](int f) { return (u.field_set & (1u << f)) != 0; };
    const auto field
        = [&](int f) { return has(f) ? target.substr(u.field_data[f].off, u.field_data[f].len) : std::string_view(); };
    if (has(UF_USERINFO))
        return bad("userinfo in the request-target is refused");
    if (has(UF_FRAGMENT))
        return bad("fragment in the request-target");
    out.rawQuery = field(UF_QUERY);
    if (target.front() == '/') {
        out.path = field(UF_PATH);
        return true;
    }
    if (!has(UF_SCHEMA) || !has(UF_HOST))
        return bad("the request-target is neither origin-form nor absolute-form");
    out.scheme = toLower(field(UF_SCHEMA));
    if (out.scheme != "http" && out.scheme != "https")
        return bad("only http and https request-targets are supported");
    out.host = toLower(field(UF_HOST));
    if (out.host.find('%') != std::string::npos)
        return bad("IPv6 zone identifiers are refused");
    if (has(UF_PORT) && u.port == 0)
        return bad("port 0 in the request-target");
    out.port = has(UF_PORT) ? u.port : (out.scheme == "https" ? 443 : 80);
    out.path = has(UF_PATH) ? std::string(field(UF_PATH)) : std::string("/");
    return true;
}

std::string HttpMessageParser::percentDecode(std::string_view s, bool plusAsSpace)
{
    const auto hex = [](char c) {
        return c >= '0' && c <= '9' ? c - '0'
            : c >= 'a' && c <= 'f'  ? c - 'a' + 10
            : c >= 'A' && c <= 'F'  ? c - 'A' + 10
                                    : -1;
    };
    std::string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '%' && i + 2 < s.size() && hex(s[i + 1]) >= 0 && hex(s[i + 2]) >= 0) {
            out += static_cast<char>(hex(s[i + 1]) * 16 + hex(s[i + 2]));
            i += 2;
        } else {
            out += plusAsSpace && s[i] == '+' ? ' ' : s[i];
        }
    }
    return out;
}

std::vector<std::pair<std::string, std::string>> HttpMessageParser::decodeQuery(std::string_view rawQuery)
{
    std::vector<std::pair<std::string, std::string>> out;
    while (!rawQuery.empty()) {
        const auto amp = std::min(rawQuery.find('&'), rawQuery.size());
        const auto part = rawQuery.substr(0, amp);
        rawQuery.remove_prefix(std::min(amp + 1, rawQuery.size()));
        if (part.empty())
            continue;
        const auto eq = part.find('=');
        if (eq == std::string_view::npos)
            out.emplace_back(percentDecode(part, true), std::string());
        else
            out.emplace_back(percentDecode(part.substr(0, eq), true), percentDecode(part.substr(eq + 1), true));
    }
    return out;
}

std::string HttpMessageParser::requestHead(
    const HttpMessage &req, std::string_view originTarget, std::string_view hostHeader)
{
    // The proxy speaks its own HTTP/1.1 on the origin connection, and sends
    // the decoded body with a Content-Length: never the client's framing.
    std::string out
        = req.method + " " + std::string(originTarget) + " HTTP/1.1\r\nHost: " + std::string(hostHeader) + "\r\n";
    appendHeaders(out, req, true);
    if (req.method == "POST" || req.method == "PUT" || req.method == "PATCH" || !req.body.empty())
        out += "Content-Length: " + std::to_string(req.body.size()) + "\r\n";
    out += "Connection: keep-alive\r\n\r\n";
    return out;
}

std::string HttpMessageParser::responseHead(const HttpMessage &resp, std::size_t bodySize, bool keepAlive, bool noBody)
{
    std::string out = "HTTP/1.1 " + std::to_string(resp.status) + " " + resp.reason + "\r\n";
    appendHeaders(out, resp, false);
    // 1xx and 204 must not carry a Content-Length; for 304 and answers to
    // HEAD it describes the representation, not a body that follows.
    const bool mustNotFrame = resp.status / 100 == 1 || resp.status == 204;
    if (!mustNotFrame && (noBody || resp.status == 304)) {
        if (resp.contentLength >= 0)
            out += "Content-Length: " + std::to_string(resp.contentLength) + "\r\n";
    } else if (!mustNotFrame) {
        out += "Content-Length: " + std::to_string(bodySize) + "\r\n";
    }
    out += keepAlive ? "Connection: keep-alive\r\n\r\n" : "Connection: close\r\n\r\n";
    return out;
}

} // namespace osh::runtime
