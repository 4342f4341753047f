#include "scalarmap.h"

#include "yamltree.h"

namespace osh::yaml {

namespace {

bool isSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

// Length in the source of a double-quoted escape starting at s[i] == '\\'.
std::size_t escapeLength(std::string_view s, std::size_t i)
{
    if (i + 1 >= s.size())
        return 1;
    switch (s[i + 1]) {
    case 'x': return 4;
    case 'u': return 6;
    case 'U': return 10;
    case '\n': return 2;
    default: return 2;
    }
}

// Number of value bytes an escape produces (UTF-8 length of the code point).
std::size_t escapeValueBytes(std::string_view s, std::size_t i)
{
    if (i + 1 >= s.size())
        return 1;
    const char k = s[i + 1];
    if (k == '\n')
        return 0;
    if (k != 'x' && k != 'u' && k != 'U')
        return 1;
    const std::size_t digits = k == 'x' ? 2 : k == 'u' ? 4 : 8;
    unsigned long cp = 0;
    for (std::size_t d = 0; d < digits && i + 2 + d < s.size(); ++d) {
        const char c = s[i + 2 + d];
        cp = cp * 16 + static_cast<unsigned long>(c >= 'a' ? c - 'a' + 10 : c >= 'A' ? c - 'A' + 10 : c - '0');
    }
    return cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
}

} // namespace

std::size_t sourceOffsetInScalar(std::string_view source, std::size_t nodeOffset, ScalarStyle style,
                                 std::string_view value, std::size_t valueOffset)
{
    std::size_t i = nodeOffset;
    if (style == ScalarStyle::SingleQuoted || style == ScalarStyle::DoubleQuoted) {
        ++i;
    } else if (style == ScalarStyle::Literal || style == ScalarStyle::Folded) {
        while (i < source.size() && source[i] != '\n')
            ++i;
        ++i;
    }
    std::size_t j = 0;
    while (j < valueOffset && j < value.size() && i < source.size()) {
        const char s = source[i];
        if (style == ScalarStyle::DoubleQuoted && s == '\\') {
            const auto produced = escapeValueBytes(source, i);
            i += escapeLength(source, i);
            j += produced;
            continue;
        }
        if (style == ScalarStyle::SingleQuoted && s == '\'' && i + 1 < source.size() && source[i + 1] == '\'') {
            i += 2;
            ++j;
            continue;
        }
        if (s == value[j]) {
            ++i;
            ++j;
            continue;
        }
        // Folding turned a line break plus indentation into one space or
        // newline, or indentation was stripped: skip the source's whitespace.
        if (isSpace(s)) {
            if (isSpace(value[j])) {
                ++j;
                while (i < source.size() && isSpace(source[i]))
                    ++i;
            } else {
                ++i;
            }
            continue;
        }
        if (isSpace(value[j])) {
            ++j;
            continue;
        }
        ++i; // unexpected: resynchronise on the next character
    }
    // Point at the character itself, not at whitespace before it.
    if (j < value.size() && !isSpace(value[j]))
        while (i < source.size() && isSpace(source[i]) && source[i] != value[j])
            ++i;
    return std::min(i, source.size());
}

} // namespace osh::yaml
