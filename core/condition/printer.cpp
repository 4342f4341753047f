#include "printer.h"

#include "builtins.h"

#include <charconv>

namespace osh::cond {

namespace {

// Binding strength, loosest first; mirrors the grammar's levels.
enum Prec : int { POr = 1, PAnd, PNot, PCmp, PSum, PTerm, PUnary, PPostfix };

std::string_view operatorText(Kind k)
{
    switch (k) {
    case Kind::Add: return " + ";
    case Kind::Sub: return " - ";
    case Kind::Mul: return " * ";
    case Kind::Div: return " / ";
    case Kind::Mod: return " % ";
    case Kind::Eq: return " == ";
    case Kind::Ne: return " != ";
    case Kind::Lt: return " < ";
    case Kind::Le: return " <= ";
    case Kind::Gt: return " > ";
    case Kind::Ge: return " >= ";
    case Kind::In: return " in ";
    case Kind::NotIn: return " not in ";
    case Kind::And: return " and ";
    case Kind::Or: return " or ";
    default: return " ? ";
    }
}

} // namespace

int Printer::precedence(Kind k)
{
    switch (k) {
    case Kind::Or: return POr;
    case Kind::And: return PAnd;
    case Kind::Not: return PNot;
    case Kind::Add:
    case Kind::Sub: return PSum;
    case Kind::Mul:
    case Kind::Div:
    case Kind::Mod: return PTerm;
    case Kind::Neg: return PUnary;
    default: return isComparison(k) ? PCmp : PPostfix;
    }
}

bool Printer::isIdentifier(std::string_view s)
{
    if (s.empty())
        return false;
    for (size_t i = 0; i < s.size(); ++i) {
        const char c = s[i];
        const bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
        if (!alpha && !(i > 0 && c >= '0' && c <= '9'))
            return false;
    }
    return true;
}

std::string Printer::quote(std::string_view s)
{
    static constexpr char hex[] = "0123456789abcdef";
    std::string out;
    out.reserve(s.size() + 2);
    out += '\'';
    for (const char c : s) {
        switch (c) {
        case '\\': out += "\\\\"; break;
        case '\'': out += "\\'"; break;
        case '\n': out += "\\n"; break;
        case '\t': out += "\\t"; break;
        case '\r': out += "\\r"; break;
        default:
            if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
                out += "\\u00";
                out += hex[(static_cast<unsigned char>(c) >> 4) & 0xf];
                out += hex[c & 0xf];
            } else {
                out += c;
            }
        }
    }
    out += '\'';
    return out;
}

std::string Printer::memberSuffix(std::string_view key)
{
    if (isIdentifier(key))
        return "." + std::string(key);
    return "[" + quote(key) + "]";
}

void Printer::appendLiteral(std::string &out, const Value &v)
{
    switch (v.type()) {
    case Value::Type::Null: out += "null"; break;
    case Value::Type::Bool: out += v.toBool() ? "true" : "false"; break;
    case Value::Type::Int: out += std::to_string(v.toInt()); break;
    case Value::Type::Float: {
        char buf[32];
        const auto res = std::to_chars(buf, buf + sizeof buf, v.toNumber());
        const std::string_view text(buf, static_cast<size_t>(res.ptr - buf));
        out += text;
        // Keep it a float when read back.
        if (text.find_first_of(".eEn") == std::string_view::npos)
            out += ".0";
        break;
    }
    case Value::Type::String: out += quote(v.toString()); break;
    case Value::Type::List: {
        out += '[';
        bool first = true;
        for (const auto &e : v.toList()) {
            if (!first)
                out += ", ";
            first = false;
            appendLiteral(out, e);
        }
        out += ']';
        break;
    }
    case Value::Type::Map: out += "null"; break; // no map literals in the language
    }
}

std::string Printer::render(std::int32_t root)
{
    m_out.clear();
    if (root >= 0)
        print(root, POr);
    return std::move(m_out);
}

void Printer::print(std::int32_t n, int minPrecedence)
{
    const Node &node = m_program.node(n);
    const int prec = precedence(node.kind);
    const bool parens = prec < minPrecedence;
    if (parens)
        m_out += '(';
    auto kid = [&](int i) { return m_program.kid(n, i); };
    switch (node.kind) {
    case Kind::Literal: appendLiteral(m_out, m_program.consts[static_cast<size_t>(node.constant)]); break;
    case Kind::Name: m_out += m_program.names[static_cast<size_t>(node.name)]; break;
    case Kind::Var: m_out += varInfo(static_cast<Var>(node.aux)).name; break;
    case Kind::List:
        m_out += '[';
        for (int i = 0; i < node.kidCount; ++i) {
            if (i > 0)
                m_out += ", ";
            print(kid(i), POr);
        }
        m_out += ']';
        break;
    case Kind::Member:
        print(kid(0), PPostfix);
        m_out += memberSuffix(m_program.names[static_cast<size_t>(node.name)]);
        break;
    case Kind::Index:
        print(kid(0), PPostfix);
        m_out += '[';
        print(kid(1), POr);
        m_out += ']';
        break;
    case Kind::Call:
        print(kid(0), PPostfix);
        m_out += '(';
        for (int i = 1; i < node.kidCount; ++i) {
            if (i > 1)
                m_out += ", ";
            print(kid(i), POr);
        }
        m_out += ')';
        break;
    case Kind::Neg:
        m_out += '-';
        print(kid(0), PUnary);
        break;
    case Kind::Not:
        m_out += "not ";
        print(kid(0), PNot);
        break;
    case Kind::And:
    case Kind::Or:
        for (int i = 0; i < node.kidCount; ++i) {
            if (i > 0)
                m_out += operatorText(node.kind);
            print(kid(i), prec + 1);
        }
        break;
    default:
        // Binary operators are left-associative; comparisons do not chain.
        print(kid(0), isComparison(node.kind) ? prec + 1 : prec);
        m_out += operatorText(node.kind);
        print(kid(1), prec + 1);
        break;
    }
    if (parens)
        m_out += ')';
}

} // namespace osh::cond
