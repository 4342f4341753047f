#pragma once
// Recursive-descent parser for the grammar of spec section 6. Builds the flat
// node array of a Program; stops at the first syntax error, which it reports
// with an exact range. Nesting is bounded both by parser recursion depth and
// by tree height so later passes can recurse safely.

#include "ast.h"
#include "lexer.h"

#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

namespace osh::cond {

class Parser
{
public:
    Parser(std::string_view text, Program &program, std::vector<ConditionDiagnostic> &diagnostics);

    // Sets program.root; false after reporting a syntax or limit error.
    bool parse();

private:
    int parseOr();
    int parseAnd();
    int parseNary(Kind kind, Tok op, int (Parser::*operand)());
    int parseNot();
    int parseCmp();
    int parseSum();
    int parseTerm();
    int parseUnary();
    int parsePostfix();
    int parsePrimary();
    int parseList();
    int parseParenthesised();
    bool parseArguments(std::vector<int> &items, const Token &open, int maxItems);

    int makeNode(Kind kind, TextRange range, std::initializer_list<int> kids)
    {
        return makeNode(kind, range, kids.begin(), kids.size());
    }
    int makeNode(Kind kind, TextRange range, const std::vector<int> &kids)
    {
        return makeNode(kind, range, kids.data(), kids.size());
    }
    int makeNode(Kind kind, TextRange range, const int *kids, size_t count);
    int makeLiteral(const Token &tok, Value v);

    const Token &cur() const { return m_tokens[m_pos]; }
    const Token &peek(size_t n) const;
    void advance();
    bool enter(const Token &tok);
    void leave() { --m_depth; }

    void error(TextRange range, std::string message, std::string code = "E070", std::string suggestion = {});
    void unexpected(const Token &tok, std::string_view expected);
    bool reportSpecial(const Token &tok);
    void expectClose(Tok closer, const Token &open, bool listLike);
    static std::string describe(const Token &tok);

    std::string_view m_text;
    Program &m_program;
    std::vector<ConditionDiagnostic> &m_diagnostics;
    std::vector<Token> m_tokens;
    size_t m_pos = 0;
    int m_depth = 0;
    bool m_failed = false;
};

} // namespace osh::cond
