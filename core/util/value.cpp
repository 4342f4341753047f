#include "value.h"

#include <charconv>
#include <cmath>

namespace osh {

namespace {
const std::string kEmptyString;
const ValueList kEmptyList;
const ValueMap kEmptyMap;
const Value kNull;
} // namespace

const Value &Value::null() { return kNull; }

bool Value::toBool() const
{
    const auto *b = std::get_if<bool>(&m_v);
    return b && *b;
}

std::int64_t Value::toInt() const
{
    if (const auto *i = std::get_if<std::int64_t>(&m_v))
        return *i;
    if (const auto *d = std::get_if<double>(&m_v))
        return static_cast<std::int64_t>(*d);
    return 0;
}

double Value::toNumber() const
{
    if (const auto *i = std::get_if<std::int64_t>(&m_v))
        return static_cast<double>(*i);
    if (const auto *d = std::get_if<double>(&m_v))
        return *d;
    return 0.0;
}

const std::string &Value::toString() const
{
    const auto *s = std::get_if<std::string>(&m_v);
    return s ? *s : kEmptyString;
}

const ValueList &Value::toList() const
{
    const auto *l = std::get_if<std::shared_ptr<const ValueList>>(&m_v);
    return l ? **l : kEmptyList;
}

const ValueMap &Value::toMap() const
{
    const auto *m = std::get_if<std::shared_ptr<const ValueMap>>(&m_v);
    return m ? **m : kEmptyMap;
}

const Value &Value::member(std::string_view key) const
{
    if (!isMap())
        return kNull;
    const auto &m = toMap();
    const auto it = m.find(key);
    return it == m.end() ? kNull : it->second;
}

bool Value::operator==(const Value &other) const
{
    if (isNumber() && other.isNumber()) {
        if (isInt() && other.isInt())
            return toInt() == other.toInt();
        return toNumber() == other.toNumber();
    }
    if (type() != other.type())
        return false;
    switch (type()) {
    case Type::Null:
        return true;
    case Type::Bool:
        return toBool() == other.toBool();
    case Type::String:
        return toString() == other.toString();
    case Type::List:
        return toList() == other.toList();
    case Type::Map:
        return toMap() == other.toMap();
    case Type::Int:
    case Type::Float:
        break;
    }
    return false;
}

std::string_view Value::typeName(Type t)
{
    switch (t) {
    case Type::Null: return "null";
    case Type::Bool: return "bool";
    case Type::Int: return "int";
    case Type::Float: return "float";
    case Type::String: return "string";
    case Type::List: return "list";
    case Type::Map: return "map";
    }
    return "unknown";
}

void appendJsonNumber(std::string &out, double d)
{
    if (!std::isfinite(d)) {
        out += "null";
        return;
    }
    char buf[32];
    const auto res = std::to_chars(buf, buf + sizeof buf, d);
    out.append(buf, res.ptr);
}

void appendJsonString(std::string &out, std::string_view s)
{
    static constexpr char hex[] = "0123456789abcdef";
    out += '"';
    const auto *p = reinterpret_cast<const unsigned char *>(s.data());
    const auto *end = p + s.size();
    while (p < end) {
        const unsigned char c = *p;
        if (c < 0x80) {
            switch (c) {
            case '"': out += "\\\""; break;
            case '\\': out += "\\\\"; break;
            case '\n': out += "\\n"; break;
            case '\r': out += "\\r"; break;
            case '\t': out += "\\t"; break;
            case '\b': out += "\\b"; break;
            case '\f': out += "\\f"; break;
            default:
                if (c < 0x20) {
                    out += "\\u00";
                    out += hex[c >> 4];
                    out += hex[c & 0xf];
                } else {
                    out += static_cast<char>(c);
                }
            }
            ++p;
            continue;
        }
        // Validate one UTF-8 sequence; copy it whole or emit U+FFFD.
        int len = 0;
        std::uint32_t cp = 0;
        if ((c & 0xe0) == 0xc0) { len = 2; cp = c & 0x1f; }
        else if ((c & 0xf0) == 0xe0) { len = 3; cp = c & 0x0f; }
        else if ((c & 0xf8) == 0xf0) { len = 4; cp = c & 0x07; }
        bool ok = len > 0 && end - p >= len;
        for (int i = 1; ok && i < len; ++i) {
            if ((p[i] & 0xc0) != 0x80)
                ok = false;
            else
                cp = (cp << 6) | (p[i] & 0x3f);
        }
        if (ok) {
            const bool overlong = (len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000);
            ok = !overlong && cp <= 0x10ffff && !(cp >= 0xd800 && cp <= 0xdfff);
        }
        if (ok) {
            out.append(reinterpret_cast<const char *>(p), static_cast<size_t>(len));
            p += len;
        } else {
            out += "\xef\xbf\xbd";
            ++p;
        }
    }
    out += '"';
}

void Value::appendJson(std::string &out) const
{
    switch (type()) {
    case Type::Null: out += "null"; break;
    case Type::Bool: out += toBool() ? "true" : "false"; break;
    case Type::Int: {
        char buf[24];
        const auto res = std::to_chars(buf, buf + sizeof buf, toInt());
        out.append(buf, res.ptr);
        break;
    }
    case Type::Float: appendJsonNumber(out, toNumber()); break;
    case Type::String: appendJsonString(out, toString()); break;
    case Type::List: {
        out += '[';
        bool first = true;
        for (const auto &v : toList()) {
            if (!first)
                out += ',';
            first = false;
            v.appendJson(out);
        }
        out += ']';
        break;
    }
    case Type::Map: {
        out += '{';
        bool first = true;
        for (const auto &[k, v] : toMap()) {
            if (!first)
                out += ',';
            first = false;
            appendJsonString(out, k);
            out += ':';
            v.appendJson(out);
        }
        out += '}';
        break;
    }
    }
}

std::string Value::toJson() const
{
    std::string s;
    appendJson(s);
    return s;
}

} // namespace osh
