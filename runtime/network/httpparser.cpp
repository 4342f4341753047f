#include "httpparser.h"
#include "httptext.h"

#include "util/netaddr.h"

#include <algorithm>
#include <charconv>

namespace osh::runtime {

namespace {

bool parsePort(std::string_view s, int &port)
{
    if (s.empty() || s.size() > 5)
        return false;
    int v = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || p != s.data() + s.size() || v < 1 || v > 65535)
        return false;
    port = v;
    return true;
}

HttpParser::Result fail(std::string why)
{
    HttpParser::Result r;
    r.status = HttpParser::Status::Error;
    r.error = std::move(why);
    return r;
}

// Hop-by-hop headers (RFC 9110 7.6.1) and the proxy's own: never forwarded.
bool isHopByHop(std::string_view name)
{
    static constexpr std::string_view kNames[] = {"connection", "proxy-connection", "keep-alive", "te", "trailer",
        "transfer-encoding", "upgrade", "proxy-authorization", "proxy-authenticate", "x-openshell-protocol", "host"};
    return std::any_of(std::begin(kNames), std::end(kNames), [&](std::string_view n) { return http::iequals(n, name); });
}

} // namespace

std::optional<std::string> HttpRequestHead::header(std::string_view name) const
{
    for (const auto &[n, v] : headers)
        if (http::iequals(n, name))
            return v;
    return std::nullopt;
}

bool HttpParser::splitAuthority(std::string_view authority, int defaultPort, std::string &host, int &port)
{
    std::string_view h;
    std::string_view portText;
    bool hasPort = false;
    if (!authority.empty() && authority.front() == '[') {
        const auto close = authority.find(']');
        if (close == std::string_view::npos)
            return false;
        h = authority.substr(1, close - 1);
        const auto rest = authority.substr(close + 1);
        if (!rest.empty()) {
            if (rest.front() != ':')
                return false;
            portText = rest.substr(1);
            hasPort = true;
        }
        if (!net::parseIp(h) || h.find(':') == std::string_view::npos)
            return false;
    } else {
        const auto colon = authority.rfind(':');
        if (colon != std::string_view::npos) {
            h = authority.substr(0, colon);
            portText = authority.substr(colon + 1);
            hasPort = true;
        } else {
            h = authority;
        }
        if (h.find(':') != std::string_view::npos)
            return false; // an unbracketed IPv6 address is ambiguous
    }
    if (h.empty())
        return false;
    if (hasPort) {
        if (!parsePort(portText, port))
            return false;
    } else if (defaultPort > 0) {
        port = defaultPort;
    } else {
        return false;
    }
    const std::string normalized = net::normalizeHost(h);
    if (!net::parseIpLenient(normalized) && !net::isValidHostName(normalized))
        return false;
    host = std::string(h);
    return true;
}

HttpParser::Result HttpParser::parse(std::string_view data)
{
    const auto end = data.find("\r\n\r\n");
    if (end == std::string_view::npos) {
        if (data.size() >= kMaxHeadBytes)
            return fail("request head larger than 64 KiB");
        // A bare LF line end would make us wait forever for CRLFCRLF.
        if (data.find("\n\n") != std::string_view::npos)
            return fail("line ends must be CRLF");
        return {};
    }
    if (end + 4 > kMaxHeadBytes)
        return fail("request head larger than 64 KiB");

    Result r;
    r.status = Status::Complete;
    HttpRequestHead &h = r.head;
    h.headSize = end + 4;
    const std::string_view head = data.substr(0, end + 2);

    std::size_t pos = 0;
    bool first = true;
    bool haveLength = false;
    while (pos < head.size()) {
        const auto eol = head.find("\r\n", pos);
        const std::string_view line = head.substr(pos, eol - pos);
        pos = eol + 2;
        if (line.find('\r') != std::string_view::npos || line.find('\n') != std::string_view::npos
            || line.find('\0') != std::string_view::npos)
            return fail("bare CR, LF or NUL in the request head");
        if (first) {
            first = false;
            const auto s1 = line.find(' ');
            const auto s2 = s1 == std::string_view::npos ? s1 : line.find(' ', s1 + 1);
            if (s2 == std::string_view::npos || line.find(' ', s2 + 1) != std::string_view::npos)
                return fail("malformed request line");
            h.method = std::string(line.substr(0, s1));
            h.target = std::string(line.substr(s1 + 1, s2 - s1 - 1));
            h.version = std::string(line.substr(s2 + 1));
            if (h.method.empty() || !std::all_of(h.method.begin(), h.method.end(), http::isTchar))
                return fail("malformed method");
            if (h.version != "HTTP/1.1" && h.version != "HTTP/1.0")
                return fail("unsupported HTTP version");
            continue;
        }
        if (line.empty())
            return fail("malformed header block");
        if (line.front() == ' ' || line.front() == '\t')
            return fail("obsolete header folding");
        const auto colon = line.find(':');
        if (colon == std::string_view::npos || colon == 0)
            return fail("malformed header line");
        const std::string_view name = line.substr(0, colon);
        if (!std::all_of(name.begin(), name.end(), http::isTchar))
            return fail("malformed header name");
        const std::string_view value = http::trim(line.substr(colon + 1));
        for (char c : value)
            if (static_cast<unsigned char>(c) < 0x20 && c != '\t')
                return fail("control character in a header value");
        if (http::iequals(name, "transfer-encoding")) {
            // Only an inspected connection can carry it (its requests are
            // parsed again, in full, by libhttp-parser); others refuse it.
            if (haveLength || h.transferEncoding)
                return fail("Transfer-Encoding together with Content-Length, or twice");
            h.transferEncoding = true;
        }
        if (http::iequals(name, "content-length")) {
            if (haveLength)
                return fail("duplicate Content-Length");
            if (h.transferEncoding)
                return fail("Transfer-Encoding together with Content-Length, or twice");
            haveLength = true;
            std::int64_t len = 0;
            auto [p, ec] = std::from_chars(value.data(), value.data() + value.size(), len);
            if (value.empty() || ec != std::errc() || p != value.data() + value.size() || len < 0)
                return fail("malformed Content-Length");
            h.contentLength = len;
        }
        h.headers.emplace_back(std::string(name), std::string(value));
    }
    if (first)
        return fail("empty request");

    if (h.version == "HTTP/1.1" && !h.header("host"))
        return fail("missing Host header");

    if (h.method == "CONNECT") {
        h.isConnect = true;
        if (!splitAuthority(h.target, 0, h.host, h.port))
            return fail("CONNECT target must be host:port");
        if (h.contentLength != 0 || h.transferEncoding)
            return fail("CONNECT with a body");
        return r;
    }
    constexpr std::string_view kScheme = "http://";
    if (h.target.size() <= kScheme.size() || !http::iequals(std::string_view(h.target).substr(0, kScheme.size()), kScheme)) {
        if (h.target.size() > 8 && http::iequals(std::string_view(h.target).substr(0, 8), "https://"))
            return fail("https:// targets must use CONNECT");
        return fail("a proxy request needs an absolute http:// target");
    }
    const std::string_view rest = std::string_view(h.target).substr(kScheme.size());
    const auto slash = rest.find_first_of("/?#");
    const std::string_view authority = rest.substr(0, slash);
    if (authority.find('@') != std::string_view::npos)
        return fail("user information in the target is not allowed");
    if (!splitAuthority(authority, 80, h.host, h.port))
        return fail("malformed target authority");
    std::string_view path = slash == std::string_view::npos ? std::string_view() : rest.substr(slash);
    if (!path.empty() && path.front() == '#')
        path = {};
    if (const auto hash = path.find('#'); hash != std::string_view::npos)
        path = path.substr(0, hash);
    h.path = path.empty() || path.front() != '/' ? "/" + std::string(path) : std::string(path);
    for (char c : h.path)
        if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f)
            return fail("malformed target path");
    return r;
}

std::string HttpParser::originHead(const HttpRequestHead &head)
{
    // Headers named in Connection are hop-by-hop too.
    std::vector<std::string> listed;
    for (const auto &[n, v] : head.headers) {
        if (!http::iequals(n, "connection"))
            continue;
        std::size_t p = 0;
        while (p <= v.size()) {
            auto c = v.find(',', p);
            if (c == std::string::npos)
                c = v.size();
            auto tok = http::trim(std::string_view(v).substr(p, c - p));
            if (!tok.empty())
                listed.emplace_back(tok);
            p = c + 1;
        }
    }
    std::string out;
    out.reserve(head.headSize + 64);
    out += head.method + " " + head.path + " " + head.version + "\r\n";
    const bool v6 = head.host.find(':') != std::string::npos;
    out += "Host: " + (v6 ? "[" + head.host + "]" : head.host);
    if (head.port != 80)
        out += ":" + std::to_string(head.port);
    out += "\r\n";
    for (const auto &[n, v] : head.headers) {
        if (isHopByHop(n)
            || std::any_of(listed.begin(), listed.end(), [&](const std::string &l) { return http::iequals(l, n); }))
            continue;
        out += n + ": " + v + "\r\n";
    }
    out += "Connection: close\r\n\r\n";
    return out;
}

} // namespace osh::runtime
