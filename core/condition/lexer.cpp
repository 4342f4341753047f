#include "lexer.h"

#include "util/strings.h"

#include <cctype>
#include <charconv>
#include <cmath>
#include <system_error>

namespace osh::cond {

namespace {

bool isDigit(char c)
{
    return c >= '0' && c <= '9';
}
bool isNameStart(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}
bool isNameChar(char c)
{
    return isNameStart(c) || isDigit(c);
}

// Length of the valid UTF-8 sequence starting at text[i], or 0.
int utf8SequenceLength(std::string_view text, size_t i)
{
    const auto c = static_cast<unsigned char>(text[i]);
    const int len = c < 0x80 ? 1 : (c & 0xe0) == 0xc0 ? 2 : (c & 0xf0) == 0xe0 ? 3 : (c & 0xf8) == 0xf0 ? 4 : 0;
    if (len == 0 || i + static_cast<size_t>(len) > text.size())
        return 0;
    return isValidUtf8(text.substr(i, static_cast<size_t>(len))) ? len : 0;
}

void appendUtf8(std::string &out, std::uint32_t cp)
{
    if (cp < 0x80) {
        out += static_cast<char>(cp);
    } else if (cp < 0x800) {
        out += static_cast<char>(0xc0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3f));
    } else if (cp < 0x10000) {
        out += static_cast<char>(0xe0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
        out += static_cast<char>(0x80 | (cp & 0x3f));
    } else {
        out += static_cast<char>(0xf0 | (cp >> 18));
        out += static_cast<char>(0x80 | ((cp >> 12) & 0x3f));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
        out += static_cast<char>(0x80 | (cp & 0x3f));
    }
}

struct Keyword
{
    std::string_view text;
    Tok tok;
};
constexpr Keyword kKeywords[] = {{"and", Tok::And}, {"or", Tok::Or}, {"not", Tok::Not}, {"in", Tok::In},
    {"true", Tok::True}, {"false", Tok::False}, {"null", Tok::Null}};

} // namespace

std::string_view Lexer::keywordText(Tok t)
{
    for (const auto &k : kKeywords)
        if (k.tok == t)
            return k.text;
    return {};
}

std::vector<Token> Lexer::tokenize()
{
    std::vector<Token> tokens;
    tokens.reserve(m_text.size() / 3 + 2);
    for (;;) {
        Token tok;
        const bool more = next(tok);
        tokens.push_back(std::move(tok));
        if (!more)
            break;
    }
    return tokens;
}

void Lexer::fail(Token &tok, int begin, int end, std::string message, std::string suggestion)
{
    tok.kind = Tok::Error;
    tok.range = {begin, end};
    tok.text = std::move(message);
    tok.suggestion = std::move(suggestion);
}

// Fills tok; false once End or Error has been produced.
bool Lexer::next(Token &tok)
{
    while (m_pos < size()) {
        const char c = at(m_pos);
        if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
            break;
        ++m_pos;
    }
    if (m_pos >= size()) {
        tok.kind = Tok::End;
        tok.range = {size(), size()};
        return false;
    }
    const char c = at(m_pos);
    if (isDigit(c))
        lexNumber(tok);
    else if (isNameStart(c))
        lexName(tok);
    else if (c == '\'' || c == '"')
        lexString(tok);
    else
        lexOperator(tok);
    return tok.kind != Tok::Error;
}

void Lexer::lexNumber(Token &tok)
{
    const int begin = m_pos;
    bool isFloat = false;
    while (isDigit(at(m_pos)))
        ++m_pos;
    if (at(m_pos) == '.' && isDigit(at(m_pos + 1))) {
        isFloat = true;
        ++m_pos;
        while (isDigit(at(m_pos)))
            ++m_pos;
    }
    if (at(m_pos) == 'e' || at(m_pos) == 'E') {
        int p = m_pos + 1;
        if (at(p) == '+' || at(p) == '-')
            ++p;
        if (isDigit(at(p))) {
            isFloat = true;
            m_pos = p;
            while (isDigit(at(m_pos)))
                ++m_pos;
        }
    }
    if (isNameChar(at(m_pos)) || (at(m_pos) == '.' && isDigit(at(m_pos + 1)))) {
        int end = m_pos;
        while (isNameChar(at(end)) || at(end) == '.')
            ++end;
        fail(tok, begin, end,
            "invalid number '"
                + std::string(m_text.substr(static_cast<size_t>(begin), static_cast<size_t>(end - begin))) + "'");
        return;
    }
    const char *first = m_text.data() + begin;
    const char *last = m_text.data() + m_pos;
    tok.range = {begin, m_pos};
    if (isFloat) {
        tok.kind = Tok::Float;
        const auto res = std::from_chars(first, last, tok.floatValue);
        if (res.ec != std::errc() || !std::isfinite(tok.floatValue))
            fail(tok, begin, m_pos, "number out of range");
    } else {
        tok.kind = Tok::Int;
        const auto res = std::from_chars(first, last, tok.intValue);
        if (res.ec != std::errc())
            fail(tok, begin, m_pos, "integer out of range (the largest is 9223372036854775807)");
    }
}

void Lexer::lexName(Token &tok)
{
    const int begin = m_pos;
    while (isNameChar(at(m_pos)))
        ++m_pos;
    tok.range = {begin, m_pos};
    tok.kind = Tok::Name;
    const auto word = m_text.substr(static_cast<size_t>(begin), static_cast<size_t>(m_pos - begin));
    for (const auto &k : kKeywords)
        if (k.text == word)
            tok.kind = k.tok;
    if (tok.kind == Tok::Name)
        tok.text = std::string(word);
}

void Lexer::lexString(Token &tok)
{
    const int begin = m_pos;
    const char quote = at(m_pos++);
    std::string value;
    while (m_pos < size()) {
        const char c = at(m_pos);
        if (c == quote) {
            ++m_pos;
            tok.kind = Tok::String;
            tok.range = {begin, m_pos};
            tok.text = std::move(value);
            return;
        }
        if (c == '\\') {
            if (!lexEscape(tok, value))
                return;
            continue;
        }
        const int len = utf8SequenceLength(m_text, static_cast<size_t>(m_pos));
        if (len == 0) {
            fail(tok, m_pos, m_pos + 1, "invalid UTF-8 in string");
            return;
        }
        value.append(m_text.substr(static_cast<size_t>(m_pos), static_cast<size_t>(len)));
        m_pos += len;
    }
    fail(tok, begin, size(), "unterminated string");
}

// Decodes the escape at m_pos into out; on error fills tok and returns false.
bool Lexer::lexEscape(Token &tok, std::string &out)
{
    const int begin = m_pos;
    const char e = at(m_pos + 1);
    if (m_pos + 1 >= size()) {
        fail(tok, begin, size(), "unterminated string");
        return false;
    }
    m_pos += 2;
    switch (e) {
    case '\\': out += '\\'; return true;
    case '\'': out += '\''; return true;
    case '"': out += '"'; return true;
    case 'n': out += '\n'; return true;
    case 't': out += '\t'; return true;
    case 'r': out += '\r'; return true;
    case 'u': break;
    default: {
        const int len = std::max(1, utf8SequenceLength(m_text, static_cast<size_t>(begin) + 1));
        fail(tok, begin, begin + 1 + len,
            "invalid escape '\\" + std::string(m_text.substr(static_cast<size_t>(begin) + 1, static_cast<size_t>(len)))
                + "' (use \\\\ \\' \\\" \\n \\t \\r or \\uXXXX)");
        return false;
    }
    }
    auto hex4 = [this](int at4, std::uint32_t &cp) {
        cp = 0;
        for (int i = 0; i < 4; ++i) {
            const char h = at(at4 + i);
            int d = 0;
            if (h >= '0' && h <= '9')
                d = h - '0';
            else if (h >= 'a' && h <= 'f')
                d = h - 'a' + 10;
            else if (h >= 'A' && h <= 'F')
                d = h - 'A' + 10;
            else
                return false;
            cp = cp * 16 + static_cast<std::uint32_t>(d);
        }
        return true;
    };
    std::uint32_t cp = 0;
    if (!hex4(m_pos, cp)) {
        int end = m_pos;
        while (end < m_pos + 4 && std::isxdigit(static_cast<unsigned char>(at(end))))
            ++end;
        fail(tok, begin, end, "invalid \\u escape: expected four hex digits");
        return false;
    }
    m_pos += 4;
    if (cp >= 0xdc00 && cp <= 0xdfff) {
        fail(tok, begin, m_pos, "invalid \\u escape: unpaired low surrogate");
        return false;
    }
    if (cp >= 0xd800 && cp <= 0xdbff) {
        std::uint32_t low = 0;
        if (at(m_pos) != '\\' || at(m_pos + 1) != 'u' || !hex4(m_pos + 2, low) || low < 0xdc00 || low > 0xdfff) {
            fail(tok, begin, m_pos, "invalid \\u escape: high surrogate without a low surrogate");
            return false;
        }
        m_pos += 6;
        cp = 0x10000 + ((cp - 0xd800) << 10) + (low - 0xdc00);
    }
    appendUtf8(out, cp);
    return true;
}

void Lexer::lexOperator(Token &tok)
{
    const int begin = m_pos;
    const char c = at(m_pos);
    const char n = at(m_pos + 1);
    auto one = [&](Tok t) {
        tok.kind = t;
        tok.range = {begin, ++m_pos};
    };
    auto two = [&](Tok t) {
        tok.kind = t;
        m_pos += 2;
        tok.range = {begin, m_pos};
    };
    switch (c) {
    case '=':
        if (n == '=')
            return two(Tok::Eq);
        return fail(tok, begin, begin + 1, "'=' is not an operator; did you mean '=='?", "==");
    case '!':
        if (n == '=')
            return two(Tok::Ne);
        return fail(tok, begin, begin + 1, "'!' is not an operator; did you mean 'not'?", "not");
    case '<': return n == '=' ? two(Tok::Le) : one(Tok::Lt);
    case '>': return n == '=' ? two(Tok::Ge) : one(Tok::Gt);
    case '&':
        if (n == '&')
            return fail(tok, begin, begin + 2, "'&&' is not an operator; did you mean 'and'?", "and");
        return fail(tok, begin, begin + 1, "'&' is not an operator; did you mean 'and'?", "and");
    case '|':
        if (n == '|')
            return fail(tok, begin, begin + 2, "'||' is not an operator; did you mean 'or'?", "or");
        return fail(tok, begin, begin + 1, "'|' is not an operator; did you mean 'or'?", "or");
    case '+': return one(Tok::Plus);
    case '-': return one(Tok::Minus);
    case '*': return one(Tok::Star);
    case '/': return one(Tok::Slash);
    case '%': return one(Tok::Percent);
    case '.': return one(Tok::Dot);
    case '[': return one(Tok::LBracket);
    case ']': return one(Tok::RBracket);
    case '(': return one(Tok::LParen);
    case ')': return one(Tok::RParen);
    case ',': return one(Tok::Comma);
    default: break;
    }
    const int len = utf8SequenceLength(m_text, static_cast<size_t>(begin));
    if (len == 0)
        return fail(tok, begin, begin + 1, "invalid UTF-8 byte");
    const auto ch = m_text.substr(static_cast<size_t>(begin), static_cast<size_t>(len));
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f)
        return fail(tok, begin, begin + 1, "unexpected control character");
    fail(tok, begin, begin + len, "unexpected character '" + std::string(ch) + "'");
}

} // namespace osh::cond
