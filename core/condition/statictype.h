#pragma once
// Static types of the condition checker. 'Any' is a value whose type is only
// known at evaluation (members of tool.args); checks involving it are
// deferred to run time.

#include <cstdint>
#include <string>
#include <string_view>

namespace osh::cond {

enum class TKind : std::uint8_t { Null, Bool, Int, Float, String, List, Map, Any };

struct SType
{
    TKind kind = TKind::Any;
    bool nullable = false; // may also be null at run time (destination.ip)
    TKind elem = TKind::Any; // element type of a list, when known

    static SType of(TKind k, bool nullable = false) { return SType {k, nullable, TKind::Any}; }
    static SType listOf(TKind e) { return SType {TKind::List, false, e}; }

    bool isAny() const { return kind == TKind::Any; }
    bool isNull() const { return kind == TKind::Null; }
    bool isNumber() const { return kind == TKind::Int || kind == TKind::Float; }
    bool is(TKind k) const { return kind == k; }
    // The kind itself or Any: acceptable where k is required.
    bool accepts(TKind k) const { return kind == k || kind == TKind::Any; }
    bool numberOrAny() const { return isNumber() || isAny(); }
};

inline std::string_view kindName(TKind k)
{
    switch (k) {
    case TKind::Null: return "null";
    case TKind::Bool: return "bool";
    case TKind::Int: return "int";
    case TKind::Float: return "float";
    case TKind::String: return "string";
    case TKind::List: return "list";
    case TKind::Map: return "map";
    case TKind::Any: return "any";
    }
    return "any";
}

inline std::string typeName(SType t)
{
    std::string s(kindName(t.kind));
    if (t.kind == TKind::List && t.elem != TKind::Any)
        s += " of " + std::string(kindName(t.elem));
    return s;
}

// The common kind of two operands where int and float mix; Any when they differ.
inline TKind unifyKinds(TKind a, TKind b)
{
    if (a == b)
        return a;
    const bool na = a == TKind::Int || a == TKind::Float;
    const bool nb = b == TKind::Int || b == TKind::Float;
    return na && nb ? TKind::Float : TKind::Any;
}

// Whether values of the two kinds may be compared for equality without a type error.
inline bool comparableKinds(TKind a, TKind b)
{
    if (a == TKind::Any || b == TKind::Any || a == TKind::Null || b == TKind::Null)
        return true;
    return unifyKinds(a, b) != TKind::Any;
}

} // namespace osh::cond
