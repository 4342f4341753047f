// Evaluator: operators with Python semantics (true division, floored modulo)
// over 64-bit integers that report overflow instead of wrapping.

#include "evaluator.h"

#include <cmath>
#include <limits>

namespace osh::cond {

namespace {

std::string_view symbol(Kind k)
{
    switch (k) {
    case Kind::Add: return "+";
    case Kind::Sub: return "-";
    case Kind::Mul: return "*";
    case Kind::Div: return "/";
    case Kind::Mod: return "%";
    case Kind::Lt: return "<";
    case Kind::Le: return "<=";
    case Kind::Gt: return ">";
    default: return ">=";
    }
}

template<typename T> bool compareWith(Kind kind, const T &a, const T &b)
{
    switch (kind) {
    case Kind::Lt: return a < b;
    case Kind::Le: return a <= b;
    case Kind::Gt: return a > b;
    default: return a >= b;
    }
}

} // namespace

std::string tn(const Value &v)
{
    return std::string(v.typeName());
}

bool Evaluator::negate(const Value &a, Value &out)
{
    if (a.isInt()) {
        if (a.toInt() == std::numeric_limits<std::int64_t>::min()) {
            fail("integer overflow in '-'");
            return false;
        }
        out = Value(-a.toInt());
        return true;
    }
    if (a.isFloat()) {
        out = Value(-a.toNumber());
        return true;
    }
    fail("'-' needs a number, got " + tn(a));
    return false;
}

bool Evaluator::arithmetic(Kind kind, const Value &a, const Value &b, Value &out)
{
    if (kind == Kind::Add && !(a.isNumber() && b.isNumber())) {
        if (a.isString() && b.isString()) {
            std::string s;
            s.reserve(a.toString().size() + b.toString().size());
            s += a.toString();
            s += b.toString();
            out = Value(std::move(s));
            return true;
        }
        if (a.isList() && b.isList()) {
            ValueList l = a.toList();
            l.insert(l.end(), b.toList().begin(), b.toList().end());
            out = Value(std::move(l));
            return true;
        }
        fail("cannot add " + tn(a) + " and " + tn(b));
        return false;
    }
    if (!a.isNumber() || !b.isNumber()) {
        fail("'" + std::string(symbol(kind)) + "' needs numbers, got " + tn(a.isNumber() ? b : a));
        return false;
    }
    if ((kind == Kind::Div || kind == Kind::Mod) && b.toNumber() == 0.0) {
        fail(kind == Kind::Div ? "division by zero" : "modulo by zero");
        return false;
    }
    if (kind == Kind::Div) {
        out = Value(a.toNumber() / b.toNumber());
        return true;
    }
    if (a.isInt() && b.isInt()) {
        const std::int64_t x = a.toInt();
        const std::int64_t y = b.toInt();
        std::int64_t r = 0;
        bool overflow = false;
        switch (kind) {
        case Kind::Add: overflow = __builtin_add_overflow(x, y, &r); break;
        case Kind::Sub: overflow = __builtin_sub_overflow(x, y, &r); break;
        case Kind::Mul: overflow = __builtin_mul_overflow(x, y, &r); break;
        default:
            // Floored like Python: the result takes the divisor's sign.
            r = y == -1 ? 0 : x % y;
            if (r != 0 && ((r < 0) != (y < 0)))
                r += y;
            break;
        }
        if (overflow) {
            fail("integer overflow in '" + std::string(symbol(kind)) + "'");
            return false;
        }
        out = Value(r);
        return true;
    }
    const double x = a.toNumber();
    const double y = b.toNumber();
    double r = 0.0;
    switch (kind) {
    case Kind::Add: r = x + y; break;
    case Kind::Sub: r = x - y; break;
    case Kind::Mul: r = x * y; break;
    default:
        r = std::fmod(x, y);
        if (r != 0.0 && ((r < 0.0) != (y < 0.0)))
            r += y;
        break;
    }
    out = Value(r);
    return true;
}

// Ordering with null is false rather than an error, so a missing value never
// satisfies a threshold.
bool Evaluator::order(Kind kind, const Value &a, const Value &b, bool &result)
{
    if (a.isNull() || b.isNull()) {
        result = false;
        return true;
    }
    if (a.isInt() && b.isInt()) {
        result = compareWith(kind, a.toInt(), b.toInt());
        return true;
    }
    if (a.isNumber() && b.isNumber()) {
        result = compareWith(kind, a.toNumber(), b.toNumber());
        return true;
    }
    if (a.isString() && b.isString()) {
        result = compareWith(kind, a.toString(), b.toString());
        return true;
    }
    fail("cannot compare " + tn(a) + " with " + tn(b) + " using '" + std::string(symbol(kind)) + "'");
    return false;
}

bool Evaluator::contains(const Value &needle, const Value &haystack, bool &result)
{
    result = false;
    switch (haystack.type()) {
    case Value::Type::Null: return true;
    case Value::Type::List:
        for (const auto &e : haystack.toList())
            if (e == needle) {
                result = true;
                break;
            }
        return true;
    case Value::Type::String:
        if (needle.isString()) {
            result = haystack.toString().find(needle.toString()) != std::string::npos;
            return true;
        }
        if (needle.isNull())
            return true;
        fail("'in' a string needs a string on the left, got " + tn(needle));
        return false;
    case Value::Type::Map:
        if (needle.isString()) {
            result = haystack.toMap().find(needle.toString()) != haystack.toMap().end();
            return true;
        }
        if (needle.isNull())
            return true;
        fail("map keys are strings, got " + tn(needle));
        return false;
    default: fail("'in' needs a list, string or map on the right, got " + tn(haystack)); return false;
    }
}

} // namespace osh::cond
