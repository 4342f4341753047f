#include "yamlscalar.h"

#include <array>

namespace osh::edit {

namespace {

bool isDigit(char c) { return c >= '0' && c <= '9'; }
bool isHex(char c) { return isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

bool hasControl(std::string_view s)
{
    for (const char c : s) {
        const auto u = static_cast<unsigned char>(c);
        if (u < 0x20 || u == 0x7f)
            return true;
    }
    return false;
}

bool allOf(std::string_view s, bool (*f)(char))
{
    if (s.empty())
        return false;
    for (const char c : s)
        if (!f(c))
            return false;
    return true;
}

// [-+]? digits, with optional fraction and exponent, underscores allowed
// (YAML 1.1 reads 1_000 as a number).
bool isDecimal(std::string_view s)
{
    std::size_t i = 0;
    if (i < s.size() && (s[i] == '-' || s[i] == '+'))
        ++i;
    bool digits = false;
    while (i < s.size() && (isDigit(s[i]) || s[i] == '_')) {
        digits = digits || isDigit(s[i]);
        ++i;
    }
    if (i < s.size() && s[i] == '.') {
        ++i;
        while (i < s.size() && (isDigit(s[i]) || s[i] == '_')) {
            digits = digits || isDigit(s[i]);
            ++i;
        }
    }
    if (!digits)
        return false;
    if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
        ++i;
        if (i < s.size() && (s[i] == '-' || s[i] == '+'))
            ++i;
        if (i >= s.size() || !isDigit(s[i]))
            return false;
        while (i < s.size() && isDigit(s[i]))
            ++i;
    }
    return i == s.size();
}

std::string lower(std::string_view s)
{
    std::string out(s);
    for (char &c : out)
        if (c >= 'A' && c <= 'Z')
            c = static_cast<char>(c - 'A' + 'a');
    return out;
}

} // namespace

bool looksNonString(std::string_view text)
{
    static constexpr std::array<std::string_view, 14> words{"", "~", "null", "true", "false", "yes", "no",
                                                            "on", "off", "y", "n", ".inf", "-.inf", ".nan"};
    const std::string l = lower(text);
    for (const auto w : words)
        if (l == w)
            return true;
    if (l == "+.inf")
        return true;
    if (isDecimal(text))
        return true;
    if (l.size() > 2 && l[0] == '0' && (l[1] == 'x' || l[1] == 'o' || l[1] == 'b')) {
        const auto rest = std::string_view(l).substr(2);
        return allOf(rest, isHex);
    }
    // Sexagesimal (YAML 1.1) such as 1:30 and dates read as non-strings by some readers.
    bool sawColon = false;
    bool allNum = !text.empty();
    for (const char c : text) {
        if (c == ':')
            sawColon = true;
        else if (!isDigit(c) && c != '_' && c != '.')
            allNum = false;
    }
    return sawColon && allNum;
}

bool isPlainSafe(std::string_view text, bool flowContext)
{
    if (text.empty() || hasControl(text) || looksNonString(text))
        return false;
    if (text.front() == ' ' || text.back() == ' ')
        return false;
    static constexpr std::string_view indicators = "-?:,[]{}#&*!|>'\"%@`";
    const char first = text.front();
    if (indicators.find(first) != std::string_view::npos) {
        // "-x", "?x", ":x" are plain in YAML but easy to misread; quote them.
        return false;
    }
    if (text.back() == ':')
        return false;
    if (text.find(": ") != std::string_view::npos || text.find(" #") != std::string_view::npos)
        return false;
    if (flowContext && text.find_first_of(",[]{}") != std::string_view::npos)
        return false;
    if (flowContext && text.find(':') != std::string_view::npos)
        return false;
    return true;
}

bool isSimplePlainToken(std::string_view text, bool flowContext)
{
    if (text.empty() || hasControl(text) || text.front() == ' ' || text.back() == ' ')
        return false;
    if (text.find(": ") != std::string_view::npos || text.find(" #") != std::string_view::npos)
        return false;
    if (text.back() == ':')
        return false;
    static constexpr std::string_view badFirst = "?:,[]{}#&*!|>'\"%@`";
    if (badFirst.find(text.front()) != std::string_view::npos)
        return false;
    if (text.front() == '-' && text.size() > 1 && text[1] == ' ')
        return false;
    if (text == "-")
        return false;
    if (flowContext && text.find_first_of(",[]{}") != std::string_view::npos)
        return false;
    return true;
}

bool isNullScalar(const yaml::Node &n)
{
    if (n.kind == yaml::NodeKind::Null)
        return true;
    if (n.kind != yaml::NodeKind::Scalar || n.style != yaml::ScalarStyle::Plain)
        return false;
    return n.scalar.empty() || n.scalar == "~" || n.scalar == "null" || n.scalar == "Null" || n.scalar == "NULL";
}

std::string singleQuoted(std::string_view text)
{
    std::string out = "'";
    for (const char c : text) {
        if (c == '\'')
            out += "''";
        else
            out += c;
    }
    out += '\'';
    return out;
}

std::string doubleQuoted(std::string_view text)
{
    static constexpr char hex[] = "0123456789ABCDEF";
    std::string out = "\"";
    for (const char c : text) {
        const auto u = static_cast<unsigned char>(c);
        switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\n': out += "\\n"; break;
        case '\t': out += "\\t"; break;
        case '\r': out += "\\r"; break;
        default:
            if (u < 0x20 || u == 0x7f) {
                out += "\\x";
                out += hex[u >> 4];
                out += hex[u & 0xf];
            } else {
                out += c;
            }
        }
    }
    out += '"';
    return out;
}

std::string renderString(std::string_view text, yaml::ScalarStyle preferred, bool flowContext)
{
    using yaml::ScalarStyle;
    switch (preferred) {
    case ScalarStyle::DoubleQuoted:
        return doubleQuoted(text);
    case ScalarStyle::SingleQuoted:
        if (!hasControl(text))
            return singleQuoted(text);
        return doubleQuoted(text);
    default:
        break;
    }
    if (isPlainSafe(text, flowContext))
        return std::string(text);
    if (!hasControl(text) && text.find('\'') == std::string_view::npos)
        return singleQuoted(text);
    return doubleQuoted(text);
}

} // namespace osh::edit
