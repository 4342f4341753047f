#include "parser.h"

#include "util/strings.h"

#include <algorithm>

namespace osh::cond {

namespace {

std::string nestingMessage()
{
    return "nesting too deep (more than " + std::to_string(kMaxDepth) + " levels)";
}

Kind comparisonKind(Tok t)
{
    switch (t) {
    case Tok::Eq: return Kind::Eq;
    case Tok::Ne: return Kind::Ne;
    case Tok::Lt: return Kind::Lt;
    case Tok::Le: return Kind::Le;
    case Tok::Gt: return Kind::Gt;
    case Tok::Ge: return Kind::Ge;
    default: return Kind::In;
    }
}

bool isComparisonToken(Tok t)
{
    return t >= Tok::Eq && t <= Tok::Ge;
}

} // namespace

Parser::Parser(std::string_view text, Program &program, std::vector<ConditionDiagnostic> &diagnostics)
    : m_text(text)
    , m_program(program)
    , m_diagnostics(diagnostics)
{ }

bool Parser::parse()
{
    m_tokens = Lexer(m_text).tokenize();
    if (cur().kind == Tok::End) {
        error({0, static_cast<int>(m_text.size())}, "empty condition");
        return false;
    }
    const int root = parseOr();
    if (m_failed)
        return false;
    if (cur().kind != Tok::End) {
        unexpected(cur(), "an operator or the end of the expression");
        return false;
    }
    m_program.root = root;
    return true;
}

const Token &Parser::peek(size_t n) const
{
    return m_tokens[std::min(m_pos + n, m_tokens.size() - 1)];
}

void Parser::advance()
{
    if (m_pos + 1 < m_tokens.size())
        ++m_pos;
}

bool Parser::enter(const Token &tok)
{
    if (++m_depth > kMaxDepth) {
        error(tok.range, nestingMessage(), "E078");
        return false;
    }
    return true;
}

void Parser::error(TextRange range, std::string message, std::string code, std::string suggestion)
{
    if (m_failed)
        return;
    m_failed = true;
    ConditionDiagnostic d;
    d.code = std::move(code);
    d.range = range;
    d.message = std::move(message);
    d.suggestion = std::move(suggestion);
    m_diagnostics.push_back(std::move(d));
}

std::string Parser::describe(const Token &tok)
{
    switch (tok.kind) {
    case Tok::End: return "end of expression";
    case Tok::Name: return "name '" + tok.text + "'";
    case Tok::String: return "string";
    case Tok::Int:
    case Tok::Float: return "number";
    case Tok::Eq: return "'=='";
    case Tok::Ne: return "'!='";
    case Tok::Lt: return "'<'";
    case Tok::Le: return "'<='";
    case Tok::Gt: return "'>'";
    case Tok::Ge: return "'>='";
    case Tok::Plus: return "'+'";
    case Tok::Minus: return "'-'";
    case Tok::Star: return "'*'";
    case Tok::Slash: return "'/'";
    case Tok::Percent: return "'%'";
    case Tok::Dot: return "'.'";
    case Tok::LBracket: return "'['";
    case Tok::RBracket: return "']'";
    case Tok::LParen: return "'('";
    case Tok::RParen: return "')'";
    case Tok::Comma: return "','";
    default: break;
    }
    if (Lexer::isKeyword(tok.kind))
        return "'" + std::string(Lexer::keywordText(tok.kind)) + "'";
    return "token";
}

// Mistakes with a better explanation than "unexpected token"; true when reported.
bool Parser::reportSpecial(const Token &tok)
{
    if (tok.kind == Tok::Error) {
        error(tok.range, tok.text, "E070", tok.suggestion);
        return true;
    }
    if (tok.kind == Tok::End) {
        error(tok.range, "unexpected end of expression");
        return true;
    }
    if (tok.kind != Tok::Name)
        return false;
    if (tok.text == "is") {
        error(tok.range, "'is' is not an operator; use '==' or '!='", "E070", "==");
        return true;
    }
    const std::string lower = toLowerAscii(tok.text);
    if (lower == "and" || lower == "or" || lower == "not" || lower == "in") {
        error(tok.range, "'" + tok.text + "' is not an operator; did you mean '" + lower + "'?", "E070", lower);
        return true;
    }
    return false;
}

void Parser::unexpected(const Token &tok, std::string_view expected)
{
    if (reportSpecial(tok))
        return;
    if (tok.kind == Tok::RParen && expected.starts_with("an operator")) {
        error(tok.range, "unexpected ')' without a matching '('");
        return;
    }
    if (tok.kind == Tok::RBracket && expected.starts_with("an operator")) {
        error(tok.range, "unexpected ']' without a matching '['");
        return;
    }
    error(tok.range, "unexpected " + describe(tok) + "; expected " + std::string(expected));
}

void Parser::expectClose(Tok closer, const Token &open, bool listLike)
{
    const Token &tok = cur();
    // At the end of the text the missing closer is the better explanation.
    if (tok.kind != Tok::End && reportSpecial(tok))
        return;
    const std::string c = closer == Tok::RParen ? "')'" : "']'";
    const std::string o = closer == Tok::RParen ? "'('" : "'['";
    error(tok.range,
        "expected " + std::string(listLike ? "',' or " : "") + c + " to close " + o + " at offset "
            + std::to_string(open.range.begin));
}

int Parser::makeNode(Kind kind, TextRange range, const int *kids, size_t count)
{
    Node n;
    n.kind = kind;
    n.range = range;
    n.full = range;
    n.firstKid = static_cast<std::int32_t>(m_program.kids.size());
    n.kidCount = static_cast<std::int32_t>(count);
    // Leaves have height 0, so the limit counts operator levels like the
    // parser's depth guard counts parentheses.
    int height = -1;
    for (size_t i = 0; i < count; ++i)
        height = std::max(height, m_program.node(kids[i]).height);
    n.height = count == 0 && kind != Kind::List ? 0 : std::max(height, 0) + 1;
    if (n.height > kMaxDepth) {
        error(range, nestingMessage(), "E078");
        return -1;
    }
    m_program.kids.insert(m_program.kids.end(), kids, kids + count);
    m_program.nodes.push_back(n);
    return static_cast<int>(m_program.nodes.size() - 1);
}

int Parser::makeLiteral(const Token &tok, Value v)
{
    const int n = makeNode(Kind::Literal, tok.range, {});
    m_program.node(n).constant = static_cast<std::int32_t>(m_program.consts.size());
    m_program.consts.push_back(std::move(v));
    return n;
}

int Parser::parseOr()
{
    return parseNary(Kind::Or, Tok::Or, &Parser::parseAnd);
}
int Parser::parseAnd()
{
    return parseNary(Kind::And, Tok::And, &Parser::parseNot);
}

// 'a or b or c' becomes one node with three operands; a parenthesised operand
// of the same kind is spliced in, since grouping does not change the result.
int Parser::parseNary(Kind kind, Tok op, int (Parser::*operand)())
{
    const int first = (this->*operand)();
    if (first < 0 || cur().kind != op)
        return first;
    std::vector<int> kids;
    auto add = [&](int k) {
        const Node &n = m_program.node(k);
        if (n.kind == kind)
            for (int i = 0; i < n.kidCount; ++i)
                kids.push_back(m_program.kid(k, i));
        else
            kids.push_back(k);
    };
    add(first);
    while (cur().kind == op) {
        advance();
        const int next = (this->*operand)();
        if (next < 0)
            return -1;
        add(next);
    }
    const TextRange range {m_program.node(kids.front()).full.begin, m_program.node(kids.back()).full.end};
    return makeNode(kind, range, kids);
}

int Parser::parseNot()
{
    if (cur().kind != Tok::Not)
        return parseCmp();
    const Token &op = cur();
    if (!enter(op))
        return -1;
    advance();
    const int operand = parseNot();
    leave();
    if (operand < 0)
        return -1;
    return makeNode(Kind::Not, {op.range.begin, m_program.node(operand).full.end}, {operand});
}

int Parser::parseCmp()
{
    const int left = parseSum();
    if (left < 0)
        return -1;
    Kind kind;
    const Token &op = cur();
    if (isComparisonToken(op.kind) || op.kind == Tok::In) {
        kind = comparisonKind(op.kind);
        advance();
    } else if (op.kind == Tok::Not) {
        if (peek(1).kind != Tok::In) {
            error(op.range, "unexpected 'not'; did you mean 'not in'?", "E070", "not in");
            return -1;
        }
        kind = Kind::NotIn;
        advance();
        advance();
    } else {
        return left;
    }
    const int right = parseSum();
    if (right < 0)
        return -1;
    const Token &after = cur();
    if (isComparisonToken(after.kind) || after.kind == Tok::In || (after.kind == Tok::Not && peek(1).kind == Tok::In)) {
        error(after.range, "comparisons cannot be chained; combine them with 'and'");
        return -1;
    }
    return makeNode(kind, {m_program.node(left).full.begin, m_program.node(right).full.end}, {left, right});
}

int Parser::parseSum()
{
    int left = parseTerm();
    while (left >= 0 && (cur().kind == Tok::Plus || cur().kind == Tok::Minus)) {
        const Kind kind = cur().kind == Tok::Plus ? Kind::Add : Kind::Sub;
        advance();
        const int right = parseTerm();
        if (right < 0)
            return -1;
        left = makeNode(kind, {m_program.node(left).full.begin, m_program.node(right).full.end}, {left, right});
    }
    return left;
}

int Parser::parseTerm()
{
    int left = parseUnary();
    while (left >= 0 && (cur().kind == Tok::Star || cur().kind == Tok::Slash || cur().kind == Tok::Percent)) {
        const Kind kind = cur().kind == Tok::Star ? Kind::Mul : cur().kind == Tok::Slash ? Kind::Div : Kind::Mod;
        advance();
        const int right = parseUnary();
        if (right < 0)
            return -1;
        left = makeNode(kind, {m_program.node(left).full.begin, m_program.node(right).full.end}, {left, right});
    }
    return left;
}

int Parser::parseUnary()
{
    if (cur().kind != Tok::Minus)
        return parsePostfix();
    const Token &op = cur();
    if (!enter(op))
        return -1;
    advance();
    const int operand = parseUnary();
    leave();
    if (operand < 0)
        return -1;
    return makeNode(Kind::Neg, {op.range.begin, m_program.node(operand).full.end}, {operand});
}

int Parser::parsePostfix()
{
    int base = parsePrimary();
    while (base >= 0) {
        const Token &tok = cur();
        const int begin = m_program.node(base).full.begin;
        if (tok.kind == Tok::Dot) {
            advance();
            const Token &nameTok = cur();
            if (nameTok.kind != Tok::Name && !Lexer::isKeyword(nameTok.kind)) {
                if (!reportSpecial(nameTok))
                    error(nameTok.range, "expected a member name after '.'");
                return -1;
            }
            const std::string name
                = nameTok.kind == Tok::Name ? nameTok.text : std::string(Lexer::keywordText(nameTok.kind));
            advance();
            base = makeNode(Kind::Member, {begin, nameTok.range.end}, {base});
            if (base >= 0) {
                m_program.node(base).name = static_cast<std::int32_t>(m_program.names.size());
                m_program.names.push_back(name);
            }
        } else if (tok.kind == Tok::LBracket) {
            const Token &open = tok;
            if (!enter(open))
                return -1;
            advance();
            const int index = parseOr();
            if (index < 0)
                return -1;
            if (cur().kind != Tok::RBracket) {
                expectClose(Tok::RBracket, open, false);
                return -1;
            }
            const int end = cur().range.end;
            advance();
            leave();
            base = makeNode(Kind::Index, {begin, end}, {base, index});
        } else if (tok.kind == Tok::LParen) {
            const Token &open = tok;
            if (!enter(open))
                return -1;
            advance();
            std::vector<int> kids {base};
            if (!parseArguments(kids, open, kMaxListSize + 1))
                return -1;
            const int end = cur().range.end;
            advance();
            leave();
            base = makeNode(Kind::Call, {begin, end}, kids);
        } else {
            break;
        }
    }
    return base;
}

// Parses "a, b, c" up to the closer; leaves the closer as the current token.
bool Parser::parseArguments(std::vector<int> &items, const Token &open, int maxItems)
{
    const Tok closer = open.kind == Tok::LParen ? Tok::RParen : Tok::RBracket;
    if (cur().kind == closer)
        return true;
    for (;;) {
        const int item = parseOr();
        if (item < 0)
            return false;
        items.push_back(item);
        if (static_cast<int>(items.size()) > maxItems) {
            error(m_program.node(item).full,
                std::string(closer == Tok::RBracket ? "list has" : "call has") + " more than "
                    + std::to_string(kMaxListSize) + " elements",
                "E078");
            return false;
        }
        if (cur().kind == closer)
            return true;
        if (cur().kind != Tok::Comma) {
            expectClose(closer, open, true);
            return false;
        }
        advance();
    }
}

int Parser::parsePrimary()
{
    const Token &tok = cur();
    switch (tok.kind) {
    case Tok::Int: advance(); return makeLiteral(tok, Value(tok.intValue));
    case Tok::Float: advance(); return makeLiteral(tok, Value(tok.floatValue));
    case Tok::String: advance(); return makeLiteral(tok, Value(tok.text));
    case Tok::True: advance(); return makeLiteral(tok, Value(true));
    case Tok::False: advance(); return makeLiteral(tok, Value(false));
    case Tok::Null: advance(); return makeLiteral(tok, Value());
    case Tok::Name: {
        advance();
        const int n = makeNode(Kind::Name, tok.range, {});
        m_program.node(n).name = static_cast<std::int32_t>(m_program.names.size());
        m_program.names.push_back(tok.text);
        return n;
    }
    case Tok::LBracket: return parseList();
    case Tok::LParen: return parseParenthesised();
    case Tok::Not: error(tok.range, "'not' needs parentheses here, e.g. a == (not b)"); return -1;
    default: unexpected(tok, "a value"); return -1;
    }
}

int Parser::parseList()
{
    const Token &open = cur();
    if (!enter(open))
        return -1;
    advance();
    std::vector<int> items;
    if (!parseArguments(items, open, kMaxListSize))
        return -1;
    const int end = cur().range.end;
    advance();
    leave();
    return makeNode(Kind::List, {open.range.begin, end}, items);
}

int Parser::parseParenthesised()
{
    const Token &open = cur();
    if (!enter(open))
        return -1;
    advance();
    const int inner = parseOr();
    if (inner < 0)
        return -1;
    if (cur().kind != Tok::RParen) {
        expectClose(Tok::RParen, open, false);
        return -1;
    }
    m_program.node(inner).full = {open.range.begin, cur().range.end};
    advance();
    leave();
    return inner;
}

} // namespace osh::cond
