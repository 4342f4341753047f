#pragma once
// Character-level helpers of HTTP/1.1 (RFC 9110) that the parser, the
// message model, the inspector and the proxy share.

#include <algorithm>
#include <string_view>

namespace osh::runtime::http {

// Case-insensitive ASCII comparison (header names, methods, tokens).
inline bool iequals(std::string_view a, std::string_view b)
{
    const auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; };
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [&](char x, char y) { return lower(x) == lower(y); });
}

// tchar of RFC 9110 5.6.2: what a token (method, header name) may hold.
inline bool isTchar(char c)
{
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
        return true;
    return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

// s without the optional white space (spaces, tabs) around it.
inline std::string_view trim(std::string_view s)
{
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
        s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
        s.remove_suffix(1);
    return s;
}

// The reason phrase of a status the runtime answers with itself.
inline const char *reasonPhrase(int status)
{
    switch (status) {
    case 400: return "Bad Request";
    case 403: return "Forbidden";
    case 408: return "Request Timeout";
    case 413: return "Content Too Large";
    case 429: return "Too Many Requests";
    case 502: return "Bad Gateway";
    case 504: return "Gateway Timeout";
    default: return "Error";
    }
}

} // namespace osh::runtime::http
