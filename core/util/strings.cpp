#include "strings.h"

#include <algorithm>
#include <vector>

namespace osh {

int editDistance(std::string_view a, std::string_view b, int cap)
{
    const int n = static_cast<int>(a.size());
    const int m = static_cast<int>(b.size());
    if (std::abs(n - m) > cap)
        return cap + 1;
    std::vector<int> prev(m + 1), cur(m + 1);
    for (int j = 0; j <= m; ++j)
        prev[j] = j;
    for (int i = 1; i <= n; ++i) {
        cur[0] = i;
        int rowMin = cur[0];
        for (int j = 1; j <= m; ++j) {
            const int cost = a[i - 1] == b[j - 1] ? 0 : 1;
            cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost});
            rowMin = std::min(rowMin, cur[j]);
        }
        if (rowMin > cap)
            return cap + 1;
        std::swap(prev, cur);
    }
    return prev[m];
}

std::string closestMatch(std::string_view word, const std::vector<std::string_view> &candidates)
{
    const std::string lw = toLowerAscii(word);
    const int limit = std::max(1, static_cast<int>(word.size()) / 3);
    int best = limit + 1;
    std::string_view bestWord;
    for (auto c : candidates) {
        const int d = editDistance(lw, toLowerAscii(c), limit);
        if (d < best) {
            best = d;
            bestWord = c;
        }
    }
    return best <= limit ? std::string(bestWord) : std::string();
}

std::string toLowerAscii(std::string_view s)
{
    std::string out(s);
    for (auto &c : out)
        if (c >= 'A' && c <= 'Z')
            c = static_cast<char>(c - 'A' + 'a');
    return out;
}

int utf8Length(std::string_view s)
{
    int n = 0;
    for (unsigned char c : s)
        if ((c & 0xc0) != 0x80)
            ++n;
    return n;
}

bool isValidUtf8(std::string_view s, size_t *badOffset)
{
    const auto *p = reinterpret_cast<const unsigned char *>(s.data());
    const size_t n = s.size();
    size_t i = 0;
    while (i < n) {
        const unsigned char c = p[i];
        if (c < 0x80) {
            ++i;
            continue;
        }
        int len = 0;
        unsigned cp = 0;
        if ((c & 0xe0) == 0xc0) { len = 2; cp = c & 0x1f; }
        else if ((c & 0xf0) == 0xe0) { len = 3; cp = c & 0x0f; }
        else if ((c & 0xf8) == 0xf0) { len = 4; cp = c & 0x07; }
        bool ok = len > 0 && i + len <= n;
        for (int k = 1; ok && k < len; ++k) {
            if ((p[i + k] & 0xc0) != 0x80)
                ok = false;
            else
                cp = (cp << 6) | (p[i + k] & 0x3f);
        }
        if (ok)
            ok = !((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000)
                   || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff));
        if (!ok) {
            if (badOffset)
                *badOffset = i;
            return false;
        }
        i += len;
    }
    return true;
}

bool repairUtf8(std::string &s)
{
    std::size_t bad = 0;
    if (s.find('\0') == std::string::npos && isValidUtf8(s, &bad))
        return false;
    std::string out;
    out.reserve(s.size() + 8);
    std::string_view rest(s);
    constexpr std::string_view kReplacement = "\xEF\xBF\xBD";
    while (!rest.empty()) {
        if (isValidUtf8(rest, &bad))
            bad = rest.size();
        const std::string_view good = rest.substr(0, bad);
        for (char c : good) {
            if (c == '\0')
                out += kReplacement;
            else
                out += c;
        }
        if (bad >= rest.size())
            break;
        out += kReplacement; // one per invalid byte
        rest.remove_prefix(bad + 1);
    }
    s = std::move(out);
    return true;
}

std::string_view utf8Head(std::string_view s, std::size_t n)
{
    if (s.size() <= n)
        return s;
    while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80)
        --n;
    return s.substr(0, n);
}

std::string_view utf8Tail(std::string_view s, std::size_t n)
{
    if (s.size() <= n)
        return s;
    std::size_t cut = s.size() - n;
    while (cut < s.size() && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80)
        ++cut;
    return s.substr(cut);
}

} // namespace osh
