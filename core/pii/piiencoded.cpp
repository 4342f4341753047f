// Base64 and hex blobs, decoded and scanned (see piiencoded.h).

#include "piiencoded.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <optional>
#include <string>

namespace osh::pii {

namespace {

constexpr std::size_t kMinBlob = 24;
constexpr std::size_t kMaxBlob = std::size_t{1} << 20;
constexpr int kMaxBlobsPerScan = 64;

enum : std::uint8_t { Hex = 1, Std = 2, Url = 4, Common = 8 };

// Per byte: which alphabets it belongs to.
constexpr std::array<std::uint8_t, 256> makeClasses()
{
    std::array<std::uint8_t, 256> c{};
    for (int i = '0'; i <= '9'; ++i)
        c[i] = Hex | Common;
    for (int i = 'a'; i <= 'z'; ++i)
        c[i] = (i <= 'f' ? Hex : 0) | Common;
    for (int i = 'A'; i <= 'Z'; ++i)
        c[i] = (i <= 'F' ? Hex : 0) | Common;
    c['+'] = c['/'] = Std;
    c['-'] = c['_'] = Url;
    return c;
}
constexpr std::array<std::uint8_t, 256> kClass = makeClasses();

int base64Value(unsigned char c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '+' || c == '-')
        return 62;
    if (c == '/' || c == '_')
        return 63;
    return -1;
}

std::optional<std::string> decodeBase64(std::string_view s)
{
    if (s.size() % 4 == 1)
        return std::nullopt;
    std::string out;
    out.reserve(s.size() * 3 / 4);
    std::uint32_t acc = 0;
    int bits = 0;
    for (const char ch : s) {
        const int v = base64Value(static_cast<unsigned char>(ch));
        if (v < 0)
            return std::nullopt;
        acc = (acc << 6) | static_cast<std::uint32_t>(v);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out += static_cast<char>((acc >> bits) & 0xff);
        }
    }
    return out;
}

std::string decodeHex(std::string_view s)
{
    auto nibble = [](char c) {
        return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
    };
    std::string out;
    out.reserve(s.size() / 2);
    for (std::size_t i = 0; i + 1 < s.size(); i += 2)
        out += static_cast<char>(nibble(s[i]) << 4 | nibble(s[i + 1]));
    return out;
}

// Valid UTF-8, and at least 90 % of its characters printable or whitespace.
bool isText(std::string_view s)
{
    std::size_t chars = 0, printable = 0;
    for (std::size_t i = 0; i < s.size();) {
        const auto c = static_cast<unsigned char>(s[i]);
        std::size_t len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
        if (len == 0 || i + len > s.size())
            return false;
        for (std::size_t k = 1; k < len; ++k)
            if ((static_cast<unsigned char>(s[i + k]) & 0xc0) != 0x80)
                return false;
        ++chars;
        if (len > 1 || (c >= 0x20 && c < 0x7f) || c == '\n' || c == '\r' || c == '\t')
            ++printable;
        i += len;
    }
    return chars > 0 && printable * 10 >= chars * 9;
}

// Whether the first six bytes the run decodes to could start text (no
// allocation: this runs for every long word, path and identifier).
bool headIsText(std::string_view run, bool hex)
{
    auto ok = [](unsigned v) { return v >= 0x20 ? v != 0x7f : v == '\n' || v == '\r' || v == '\t'; };
    if (hex) {
        for (std::size_t k = 0; k + 1 < 12; k += 2) {
            auto nibble = [](char c) { return static_cast<unsigned>(c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10); };
            if (!ok(nibble(run[k]) << 4 | nibble(run[k + 1])))
                return false;
        }
        return true;
    }
    std::uint64_t acc = 0;
    for (std::size_t k = 0; k < 8; ++k)
        acc = (acc << 6) | static_cast<std::uint64_t>(base64Value(static_cast<unsigned char>(run[k])));
    // Two groups of three bytes.
    for (int shift = 40; shift >= 0; shift -= 8)
        if (!ok(static_cast<unsigned>(acc >> shift & 0xff)))
            return false;
    return true;
}

} // namespace

std::optional<DecodedBlob> decodeBlob(std::string_view blob)
{
    while (!blob.empty() && blob.back() == '=')
        blob.remove_suffix(1);
    if (blob.size() < kMinBlob || blob.size() > kMaxBlob)
        return std::nullopt;
    std::uint8_t seen = 0, every = 0xff;
    for (const char ch : blob) {
        const std::uint8_t c = kClass[static_cast<unsigned char>(ch)];
        if (c == 0)
            return std::nullopt;
        seen |= c;
        every &= c;
    }
    if ((seen & Std) && (seen & Url))
        return std::nullopt;
    const bool hex = (every & Hex) != 0 && blob.size() % 2 == 0;
    std::optional<std::string> plain = hex ? std::optional<std::string>(decodeHex(blob)) : decodeBase64(blob);
    if (!plain || !isText(*plain))
        return std::nullopt;
    return DecodedBlob {hex ? "hex" : "base64", std::move(*plain)};
}

void findEncodedPii(std::string_view t, const std::function<std::optional<PiiType>(std::string_view)> &scan,
                    std::vector<PiiMatch> &out)
{
    int decoded = 0;
    // No run crosses i - 1 | i. A run of at least kMinBlob characters that
    // starts at or after i holds i + kMinBlob - 1: where that character is
    // not a blob's, the next kMinBlob starts are skipped at once.
    std::size_t i = 0;
    while (i + kMinBlob <= t.size() && decoded < kMaxBlobsPerScan) {
        const std::size_t probe = i + kMinBlob - 1;
        if (kClass[static_cast<unsigned char>(t[probe])] == 0) {
            i = probe + 1;
            continue;
        }
        std::size_t b = probe;
        while (b > i && kClass[static_cast<unsigned char>(t[b - 1])] != 0)
            --b;
        std::uint8_t seen = 0, every = 0xff;
        i = b;
        for (std::uint8_t c; i < t.size() && (c = kClass[static_cast<unsigned char>(t[i])]) != 0; ++i) {
            seen |= c;
            every &= c;
        }
        std::size_t e = i;
        std::size_t padded = e;
        while (padded < t.size() && t[padded] == '=' && padded - e < 2)
            ++padded;
        if (e - b < kMinBlob || e - b > kMaxBlob || ((seen & Std) && (seen & Url)))
            continue;
        // All hex digits: hex, when of even length; anything else: base64.
        const bool hex = (every & Hex) != 0;
        // Most runs are words, paths and identifiers, whose start decodes
        // to noise: look at the first six bytes before decoding the rest.
        if (!headIsText(t.substr(b, e - b), hex && (e - b) % 2 == 0))
            continue;
        std::optional<std::string> plain;
        if (hex && (e - b) % 2 == 0)
            plain = decodeHex(t.substr(b, e - b));
        else if (!hex || (e - b) % 2 != 0)
            plain = decodeBase64(t.substr(b, e - b));
        if (!plain || !isText(*plain))
            continue;
        ++decoded;
        if (const auto type = scan(*plain))
            out.push_back(PiiMatch{*type, b, padded});
        i = padded;
    }
}

} // namespace osh::pii
