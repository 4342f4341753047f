#pragma once
// Parses the head of one request a sandbox sends to the network guardian
// proxy: an absolute-form request (GET http://host:port/path HTTP/1.1) or a
// CONNECT host:port. Strict on purpose: anything ambiguous (bare CR or LF
// line ends, obs-fold, duplicate Content-Length, Transfer-Encoding on the
// request) is refused, so the proxy and the origin can never disagree on
// where a request ends.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace osh::runtime {

struct HttpRequestHead
{
    std::string method;  // upper-case as sent
    std::string target;  // as sent
    std::string version; // HTTP/1.0 or HTTP/1.1
    std::vector<std::pair<std::string, std::string>> headers; // in order, values trimmed
    bool isConnect = false;
    std::string host;     // from the target's authority, brackets removed for IPv6
    int port = 0;
    std::string path;     // origin-form for absolute-form requests ("/" when empty)
    std::int64_t contentLength = 0;
    bool transferEncoding = false; // the request is framed by Transfer-Encoding (inspected requests only)
    std::size_t headSize = 0; // bytes of the head including the blank line

    // The first value of a header (case-insensitive name), if present.
    std::optional<std::string> header(std::string_view name) const;
};

class HttpParser
{
public:
    static constexpr std::size_t kMaxHeadBytes = 64 * 1024;
    enum class Status { NeedMore, Complete, Error };
    struct Result
    {
        Status status = Status::NeedMore;
        HttpRequestHead head;
        std::string error; // for Error: why, for the 400 body
    };

    // Parses the head at the start of data (which may hold more bytes after it).
    static Result parse(std::string_view data);

    // Splits "host:port" / "[v6]:port"; port required unless defaultPort > 0.
    static bool splitAuthority(std::string_view authority, int defaultPort, std::string &host, int &port);

    // The head to send to the origin: origin-form target, Host rewritten,
    // hop-by-hop and proxy headers dropped, "Connection: close" added.
    static std::string originHead(const HttpRequestHead &head);
};

} // namespace osh::runtime
