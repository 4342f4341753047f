#include "httppath.h"

#include <vector>

namespace osh::http {

bool isValidPathGlob(std::string_view p, std::string *why)
{
    auto fail = [&](std::string text) {
        if (why)
            *why = std::move(text);
        return false;
    };
    if (p.empty() || p.front() != '/')
        return fail("must start with '/'");
    for (char c : p) {
        const auto u = static_cast<unsigned char>(c);
        if (u <= 0x20 || u == 0x7f)
            return fail("holds whitespace or a control character");
        if (c == '?' || c == '#')
            return fail("matches the path only: no query ('?') or fragment ('#'); use a policy on request.query");
        if (c == '%')
            return fail("is matched against the decoded path: write the characters, not %-escapes");
    }
    for (std::size_t i = p.find("**"); i != std::string_view::npos; i = p.find("**", i + 2)) {
        const bool startsSegment = i > 0 && p[i - 1] == '/';
        const bool endsSegment = i + 2 == p.size() || p[i + 2] == '/';
        if (!startsSegment || !endsSegment || (i + 2 < p.size() && p[i + 2] == '*'))
            return fail("'**' must be a whole segment ('/v1/**', '/a/**/b')");
    }
    return true;
}

namespace {

// '*' within a segment: classic two-pointer wildcard match with one backtrack point.
bool segmentMatches(std::string_view pat, std::string_view s)
{
    std::size_t p = 0, i = 0, star = std::string_view::npos, mark = 0;
    while (i < s.size()) {
        if (p < pat.size() && pat[p] == '*') {
            star = p++;
            mark = i;
        } else if (p < pat.size() && pat[p] == s[i]) {
            ++p;
            ++i;
        } else if (star != std::string_view::npos) {
            p = star + 1;
            i = ++mark;
        } else {
            return false;
        }
    }
    while (p < pat.size() && pat[p] == '*')
        ++p;
    return p == pat.size();
}

std::vector<std::string_view> segments(std::string_view path)
{
    std::vector<std::string_view> out;
    std::size_t i = 1; // after the leading '/'
    while (i <= path.size()) {
        const auto next = path.find('/', i);
        const auto end = next == std::string_view::npos ? path.size() : next;
        out.push_back(path.substr(i, end - i));
        if (next == std::string_view::npos)
            break;
        i = next + 1;
    }
    return out;
}

} // namespace

bool pathGlobMatches(std::string_view pattern, std::string_view path)
{
    if (pattern.empty() || path.empty() || pattern.front() != '/' || path.front() != '/')
        return false;
    const auto pat = segments(pattern);
    auto str = segments(path);
    // "/v1/**" matches "/v1": a trailing '**' may match no segment at all.
    if (!str.empty() && str.back().empty() && str.size() > 1)
        str.pop_back(); // a trailing slash names the same folder
    std::size_t p = 0, s = 0, star = std::string_view::npos, mark = 0;
    while (s < str.size()) {
        if (p < pat.size() && pat[p] == "**") {
            star = p++;
            mark = s;
        } else if (p < pat.size() && segmentMatches(pat[p], str[s])) {
            ++p;
            ++s;
        } else if (star != std::string_view::npos) {
            p = star + 1;
            s = ++mark;
        } else {
            return false;
        }
    }
    while (p < pat.size() && pat[p] == "**")
        ++p;
    if (p + 1 == pat.size() && pat[p].empty())
        ++p; // pattern "/v1/" matches "/v1"
    return p == pat.size();
}

std::optional<std::string> pathAmbiguity(std::string_view path)
{
    if (path.find('\0') != std::string_view::npos)
        return std::string("a NUL byte");
    if (path.find('\\') != std::string_view::npos)
        return std::string("a backslash");
    if (path.find("//") != std::string_view::npos)
        return std::string("an empty segment ('//')");
    for (const auto seg : segments(path))
        if (seg == "." || seg == "..")
            return "a dot segment ('" + std::string(seg) + "')";
    // Servlet containers strip ";params" before resolving a segment
    // ("/public/..;/admin" is "/admin" there).
    if (path.find(';') != std::string_view::npos)
        return std::string("a ';' path parameter");
    return std::nullopt;
}

} // namespace osh::http
