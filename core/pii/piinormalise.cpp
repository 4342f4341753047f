#include "piinormalise.h"

#include <algorithm>
#include <cstdint>
#include <cstring>

namespace osh::pii {

namespace {

// The zero of each run of ten decimal digits (Unicode category Nd) that an
// agent could use in place of ASCII digits: the scripts with their own
// digits in the Basic Multilingual Plane, fullwidth, and the five sets of
// mathematical digits.
constexpr char32_t kDigitZeros[] = {
    0x0660, 0x06F0, 0x07C0, 0x0966, 0x09E6, 0x0A66, 0x0AE6, 0x0B66, 0x0BE6, 0x0C66, 0x0CE6, 0x0D66, 0x0DE6,
    0x0E50, 0x0ED0, 0x0F20, 0x1040, 0x1090, 0x17E0, 0x1810, 0x1946, 0x19D0, 0x1A80, 0x1A90, 0x1B50, 0x1BB0,
    0x1C40, 0x1C50, 0xA620, 0xA8D0, 0xA900, 0xA9D0, 0xA9F0, 0xAA50, 0xABF0, 0xFF10, 0x1D7CE, 0x1D7D8, 0x1D7E2,
    0x1D7EC, 0x1D7F6,
};

// The ASCII a code point stands for, 0 to remove it, or -1 to keep it.
int fold(char32_t c)
{
    for (const char32_t zero : kDigitZeros)
        if (c >= zero && c < zero + 10)
            return '0' + static_cast<int>(c - zero);
    if (c >= 0xFF01 && c <= 0xFF5E) // fullwidth ASCII
        return static_cast<int>(c - 0xFF01 + 0x21);
    switch (c) {
    case 0x00A0: case 0x2007: case 0x202F: case 0x3000: case 0x205F:
        return ' ';
    case 0x2010: case 0x2011: case 0x2012: case 0x2013: case 0x2014: case 0x2015: case 0x2212: case 0xFE63:
        return '-';
    case 0x200B: case 0x200C: case 0x200D: case 0x2060: case 0xFEFF: case 0x00AD: case 0x180E:
        return 0;
    default:
        break;
    }
    if (c >= 0x2000 && c <= 0x200A)
        return ' ';
    return -1;
}

// Decodes one well-formed UTF-8 sequence at p (non-ASCII lead byte);
// length 0 when malformed.
char32_t decode(std::string_view s, std::size_t p, std::size_t &length)
{
    const auto b = [&](std::size_t i) { return static_cast<std::uint8_t>(s[p + i]); };
    const auto cont = [&](std::size_t i) { return p + i < s.size() && (b(i) & 0xC0) == 0x80; };
    length = 0;
    const std::uint8_t lead = b(0);
    if (lead >= 0xC2 && lead <= 0xDF && cont(1)) {
        length = 2;
        return char32_t(lead & 0x1F) << 6 | (b(1) & 0x3F);
    }
    if (lead >= 0xE0 && lead <= 0xEF && cont(1) && cont(2)) {
        const char32_t c = char32_t(lead & 0x0F) << 12 | char32_t(b(1) & 0x3F) << 6 | (b(2) & 0x3F);
        if (c < 0x800 || (c >= 0xD800 && c <= 0xDFFF))
            return 0;
        length = 3;
        return c;
    }
    if (lead >= 0xF0 && lead <= 0xF4 && cont(1) && cont(2) && cont(3)) {
        const char32_t c = char32_t(lead & 0x07) << 18 | char32_t(b(1) & 0x3F) << 12 | char32_t(b(2) & 0x3F) << 6
            | (b(3) & 0x3F);
        if (c < 0x10000 || c > 0x10FFFF)
            return 0;
        length = 4;
        return c;
    }
    return 0;
}

} // namespace

std::optional<NormalisedText> NormalisedText::of(std::string_view text)
{
    // Most text is ASCII: nothing to do unless some lead byte could start a
    // folded character.
    std::size_t p = 0;
    for (;; ++p) {
        // Eight ASCII bytes at a time.
        while (p + 8 <= text.size()) {
            std::uint64_t word;
            std::memcpy(&word, text.data() + p, 8);
            if (word & 0x8080808080808080ULL)
                break;
            p += 8;
        }
        if (p == text.size())
            return std::nullopt;
        if (static_cast<std::uint8_t>(text[p]) >= 0xC2) {
            std::size_t length = 0;
            const char32_t c = decode(text, p, length);
            if (length && fold(c) >= 0)
                break;
        }
    }
    NormalisedText n;
    n.m_text.reserve(text.size());
    n.m_text.append(text.substr(0, p));
    while (p < text.size()) {
        const auto byte = static_cast<std::uint8_t>(text[p]);
        if (byte < 0xC2) {
            n.m_text.push_back(text[p++]);
            continue;
        }
        std::size_t length = 0;
        const char32_t c = decode(text, p, length);
        const int to = length ? fold(c) : -1;
        if (to < 0) {
            const std::size_t keep = length ? length : 1;
            n.m_text.append(text.substr(p, keep));
            p += keep;
            continue;
        }
        if (to > 0)
            n.m_text.push_back(static_cast<char>(to));
        (to > 0 ? n.m_folded : n.m_removed) = true;
        p += length;
        n.m_marks.push_back({n.m_text.size(), p});
    }
    return n;
}

std::size_t NormalisedText::original(std::size_t at) const
{
    // The last mark at or before `at`; before the first, offsets are equal.
    const auto it = std::upper_bound(m_marks.begin(), m_marks.end(), at,
                                     [](std::size_t v, const Mark &m) { return v < m.folded; });
    if (it == m_marks.begin())
        return at;
    const Mark &m = *std::prev(it);
    return m.original + (at - m.folded);
}

} // namespace osh::pii
