#pragma once
// A recogniser of strict JSON for tests and fuzz targets comparing request
// readers.

#include <cctype>
#include <cstddef>
#include <string>
#include <string_view>

namespace osh::test {

// A recogniser of strict JSON (RFC 8259, with strings of valid UTF-8 and
// paired surrogate escapes, RFC 7493): Qt's reader also takes raw control
// characters in strings, unknown escapes, lone surrogates and numbers such
// as ".5", which fromJson refuses. Text this recogniser refuses may be
// refused by fromJson whatever Qt says; text it accepts must not be.
class StrictJson
{
public:
    static bool valid(std::string_view text)
    {
        StrictJson j(text);
        return j.value(0) && (j.skipWs(), j.m_at == text.size());
    }

private:
    explicit StrictJson(std::string_view t) : m_t(t) {}
    std::string_view m_t;
    std::size_t m_at = 0;

    int peek() const { return m_at < m_t.size() ? static_cast<unsigned char>(m_t[m_at]) : -1; }
    bool eat(char c)
    {
        if (peek() != static_cast<unsigned char>(c))
            return false;
        ++m_at;
        return true;
    }
    void skipWs()
    {
        while (peek() == ' ' || peek() == '\t' || peek() == '\n' || peek() == '\r')
            ++m_at;
    }
    bool literal(std::string_view w)
    {
        if (m_t.substr(m_at, w.size()) != w)
            return false;
        m_at += w.size();
        return true;
    }
    bool digits()
    {
        const auto from = m_at;
        while (peek() >= '0' && peek() <= '9')
            ++m_at;
        return m_at > from;
    }
    bool number()
    {
        eat('-');
        if (!eat('0') && !(peek() >= '1' && peek() <= '9' && digits()))
            return false;
        if (eat('.') && !digits())
            return false;
        if (eat('e') || eat('E')) {
            if (!eat('+'))
                eat('-');
            if (!digits())
                return false;
        }
        return true;
    }
    long hex4()
    {
        if (m_at + 4 > m_t.size())
            return -1;
        long v = 0;
        for (int k = 0; k < 4; ++k) {
            const int c = peek();
            if (!std::isxdigit(c))
                return -1;
            v = v * 16 + (c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10);
            ++m_at;
        }
        return v;
    }
    bool utf8()
    {
        const int c = peek();
        int n = c >= 0xF0 && c <= 0xF4 ? 3 : c >= 0xE0 ? 2 : c >= 0xC2 && c < 0xE0 ? 1 : -1;
        if (n < 0 || c > 0xF4)
            return false;
        long cp = c & (0x3F >> n);
        ++m_at;
        for (int k = 0; k < n; ++k) {
            const int d = peek();
            if (d < 0x80 || d > 0xBF)
                return false;
            cp = (cp << 6) | (d & 0x3F);
            ++m_at;
        }
        return !(n == 2 && cp < 0x800) && !(n == 3 && (cp < 0x10000 || cp > 0x10FFFF))
               && !(cp >= 0xD800 && cp <= 0xDFFF);
    }
    bool string()
    {
        if (!eat('"'))
            return false;
        for (;;) {
            const int c = peek();
            if (c < 0x20)
                return false;
            if (c == '"') {
                ++m_at;
                return true;
            }
            if (c >= 0x80) {
                if (!utf8())
                    return false;
                continue;
            }
            ++m_at;
            if (c != '\\')
                continue;
            const int e = peek();
            ++m_at;
            if (e == 'u') {
                const long u = hex4();
                if (u < 0 || (u >= 0xDC00 && u <= 0xDFFF))
                    return false;
                if (u >= 0xD800 && u <= 0xDBFF) {
                    if (!eat('\\') || !eat('u'))
                        return false;
                    const long low = hex4();
                    if (low < 0xDC00 || low > 0xDFFF)
                        return false;
                }
            } else if (e < 0 || std::string_view("\"\\/bfnrt").find(static_cast<char>(e)) == std::string_view::npos) {
                return false;
            }
        }
    }
    bool value(int depth)
    {
        skipWs();
        if (depth > 500)
            return false;
        switch (peek()) {
        case '{':
            ++m_at;
            skipWs();
            if (eat('}'))
                return true;
            do {
                skipWs();
                if (!string())
                    return false;
                skipWs();
                if (!eat(':') || !value(depth + 1))
                    return false;
                skipWs();
            } while (eat(','));
            return eat('}');
        case '[':
            ++m_at;
            skipWs();
            if (eat(']'))
                return true;
            do {
                if (!value(depth + 1))
                    return false;
                skipWs();
            } while (eat(','));
            return eat(']');
        case '"': return string();
        case 't': return literal("true");
        case 'f': return literal("false");
        case 'n': return literal("null");
        default: return number();
        }
    }
};

} // namespace osh::test
