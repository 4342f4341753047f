#pragma once
// Splits a condition into tokens. Lexing stops at the first malformed token,
// which becomes an Error token carrying the diagnostic so the parser reports
// whichever problem comes first in the text.

#include "condition.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace osh::cond {

enum class Tok : std::uint8_t {
    End,
    Error,
    Int,
    Float,
    String,
    Name,
    And,
    Or,
    Not,
    In,
    True,
    False,
    Null,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    Plus,
    Minus,
    Star,
    Slash,
    Percent,
    Dot,
    LBracket,
    RBracket,
    LParen,
    RParen,
    Comma,
};

struct Token
{
    Tok kind = Tok::End;
    TextRange range;
    std::int64_t intValue = 0;
    double floatValue = 0.0;
    std::string text; // String: the decoded value; Error: the message
    std::string suggestion; // Error: replacement text, if any
};

class Lexer
{
public:
    explicit Lexer(std::string_view text)
        : m_text(text)
    { }

    // All tokens, ending with End or with the first Error.
    std::vector<Token> tokenize();

    static bool isKeyword(Tok t) { return t >= Tok::And && t <= Tok::Null; }
    static std::string_view keywordText(Tok t);

private:
    bool next(Token &tok);
    void lexNumber(Token &tok);
    void lexName(Token &tok);
    void lexString(Token &tok);
    bool lexEscape(Token &tok, std::string &out);
    void lexOperator(Token &tok);
    void fail(Token &tok, int begin, int end, std::string message, std::string suggestion = {});

    int size() const { return static_cast<int>(m_text.size()); }
    char at(int i) const { return i < size() ? m_text[static_cast<size_t>(i)] : '\0'; }

    std::string_view m_text;
    int m_pos = 0;
};

} // namespace osh::cond
