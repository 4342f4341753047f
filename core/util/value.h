#pragma once
// A small dynamically typed value (JSON data model) used by the condition
// language, decision requests and traces. Strings are UTF-8. Lists and maps
// are shared immutable so copies are cheap on the decision hot path.

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace osh {

class Value;
using ValueList = std::vector<Value>;
using ValueMap = std::map<std::string, Value, std::less<>>;

class Value
{
public:
    enum class Type : std::uint8_t { Null, Bool, Int, Float, String, List, Map };

    Value() = default;
    Value(std::nullptr_t) {}
    Value(bool b) : m_v(b) {}
    Value(int i) : m_v(static_cast<std::int64_t>(i)) {}
    Value(std::int64_t i) : m_v(i) {}
    Value(double d) : m_v(d) {}
    Value(const char *s) : m_v(std::string(s)) {}
    Value(std::string s) : m_v(std::move(s)) {}
    Value(std::string_view s) : m_v(std::string(s)) {}
    Value(ValueList l) : m_v(std::make_shared<const ValueList>(std::move(l))) {}
    Value(ValueMap m) : m_v(std::make_shared<const ValueMap>(std::move(m))) {}

    Type type() const { return static_cast<Type>(m_v.index()); }
    bool isNull() const { return type() == Type::Null; }
    bool isBool() const { return type() == Type::Bool; }
    bool isInt() const { return type() == Type::Int; }
    bool isFloat() const { return type() == Type::Float; }
    bool isNumber() const { return isInt() || isFloat(); }
    bool isString() const { return type() == Type::String; }
    bool isList() const { return type() == Type::List; }
    bool isMap() const { return type() == Type::Map; }

    // Accessors: callers check the type first; a wrong type returns a neutral value.
    bool toBool() const;
    std::int64_t toInt() const;
    double toNumber() const; // int or float as double
    const std::string &toString() const;
    const ValueList &toList() const;
    const ValueMap &toMap() const;

    // Map member lookup; a missing key (or a non-map) reads as null.
    const Value &member(std::string_view key) const;

    // Equality as the condition language defines it: int and float compare
    // numerically, null equals only null, other types compare structurally.
    bool operator==(const Value &other) const;
    bool operator!=(const Value &other) const { return !(*this == other); }

    static std::string_view typeName(Type t);
    std::string_view typeName() const { return typeName(type()); }

    // Compact JSON text (UTF-8), appended to out.
    void appendJson(std::string &out) const;
    std::string toJson() const;

    static const Value &null();

private:
    std::variant<std::monostate, bool, std::int64_t, double, std::string,
                 std::shared_ptr<const ValueList>, std::shared_ptr<const ValueMap>>
        m_v;
};

// Appends s as a JSON string literal (quoted, escaped; invalid UTF-8 bytes become U+FFFD).
void appendJsonString(std::string &out, std::string_view s);
// Appends a double the way JSON wants it (shortest round-trip form, integral values keep ".0" off).
void appendJsonNumber(std::string &out, double d);

} // namespace osh
