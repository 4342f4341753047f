#pragma once
// Renders a checked Program in canonical form: single spaces around binary
// operators, single-quoted strings, only the parentheses precedence needs,
// members in dot form when the key is an identifier.

#include "ast.h"

#include <string>
#include <string_view>

namespace osh::cond {

class Printer
{
public:
    explicit Printer(const Program &program)
        : m_program(program)
    { }

    std::string render(std::int32_t root);

    // A single-quoted string literal that the lexer reads back as s.
    static std::string quote(std::string_view s);
    // Whether s can follow a '.' (identifier or keyword).
    static bool isIdentifier(std::string_view s);
    // ".key" or "['key']", as used in read paths and canonical text.
    static std::string memberSuffix(std::string_view key);
    static void appendLiteral(std::string &out, const Value &v);

private:
    void print(std::int32_t n, int minPrecedence);
    static int precedence(Kind k);

    const Program &m_program;
    std::string m_out;
};

} // namespace osh::cond
