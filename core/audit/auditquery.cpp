#include "auditquery.h"

#include <charconv>
#include <cmath>
#include <system_error>

namespace osh {

namespace {

template <typename T>
bool parseWhole(std::string_view text, T &out)
{
    const auto *end = text.data() + text.size();
    const auto [ptr, ec] = std::from_chars(text.data(), end, out);
    return ec == std::errc() && ptr == end;
}

} // namespace

std::string AuditCursor::toString() const
{
    // Fixed notation (no exponent, so no '+' to mangle in a URL), shortest
    // form that reads back to the same double: the cursor compares equal
    // to the stored ts, which an approximation would not.
    char buf[512];
    const auto r = std::to_chars(buf, buf + sizeof buf, ts, std::chars_format::fixed);
    std::string out(buf, r.ptr);
    out += '_';
    out += std::to_string(seq);
    out += '_';
    out += std::to_string(row);
    return out;
}

std::optional<AuditCursor> AuditCursor::parse(std::string_view text)
{
    const auto first = text.find('_');
    if (first == std::string_view::npos)
        return std::nullopt;
    const auto second = text.find('_', first + 1);
    if (second == std::string_view::npos)
        return std::nullopt;
    AuditCursor c;
    if (!parseWhole(text.substr(0, first), c.ts) || std::isnan(c.ts)
        || !parseWhole(text.substr(first + 1, second - first - 1), c.seq)
        || !parseWhole(text.substr(second + 1), c.row) || c.row < 1)
        return std::nullopt;
    return c;
}

} // namespace osh
