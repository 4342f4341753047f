#include "piivalue.h"

#include "piidetector.h"

#include <algorithm>
#include <stdexcept>

namespace osh::pii {

namespace {

const std::string kTooDeep = "value nested more than " + std::to_string(kMaxValueDepth) + " levels deep";

bool countIn(const Value &v, PiiTypeSet types, bool stopAtFirst, int depth, std::size_t &n)
{
    const auto &detector = PiiDetector::instance();
    auto scan = [&](std::string_view text) {
        n += stopAtFirst ? (detector.contains(text, types) ? 1 : 0) : detector.count(text, types);
    };
    switch (v.type()) {
    case Value::Type::List:
    case Value::Type::Map:
        if (depth >= kMaxValueDepth)
            return false;
        if (v.isList()) {
            for (const auto &x : v.toList()) {
                if (!countIn(x, types, stopAtFirst, depth + 1, n))
                    return false;
                if (stopAtFirst && n > 0)
                    return true;
            }
        } else {
            for (const auto &[k, x] : v.toMap()) {
                scan(k);
                if (stopAtFirst && n > 0)
                    return true;
                if (!countIn(x, types, stopAtFirst, depth + 1, n))
                    return false;
                if (stopAtFirst && n > 0)
                    return true;
            }
        }
        return true;
    default:
        if (const auto text = scannedText(v))
            scan(*text);
        return true;
    }
}

// Redacts v; sets changed when anything was replaced (otherwise the result
// is v itself, sharing its lists and maps).
Value redactIn(const Value &v, PiiTypeSet types, int depth, bool &changed)
{
    const auto &detector = PiiDetector::instance();
    switch (v.type()) {
    case Value::Type::String:
    case Value::Type::Int:
    case Value::Type::Float: {
        const auto text = scannedText(v);
        if (!text || !detector.contains(*text, types))
            return v;
        changed = true;
        return Value(detector.redact(*text, types));
    }
    case Value::Type::List: {
        if (depth >= kMaxValueDepth)
            throw std::runtime_error(kTooDeep);
        bool any = false;
        ValueList l;
        l.reserve(v.toList().size());
        for (const auto &x : v.toList())
            l.push_back(redactIn(x, types, depth + 1, any));
        if (!any)
            return v;
        changed = true;
        return Value(std::move(l));
    }
    case Value::Type::Map: {
        if (depth >= kMaxValueDepth)
            throw std::runtime_error(kTooDeep);
        bool any = false;
        ValueMap m;
        for (const auto &[k, x] : v.toMap()) {
            std::string key = k;
            if (detector.contains(k, types)) {
                key = detector.redact(k, types);
                any = true;
            }
            if (!m.emplace(std::move(key), redactIn(x, types, depth + 1, any)).second)
                throw std::runtime_error("two keys of one map are the same once redacted");
        }
        if (!any)
            return v;
        changed = true;
        return Value(std::move(m));
    }
    default: return v;
    }
}

// ".key", or "['key']" when the key is not a plain name.
std::string memberSuffix(std::string_view key)
{
    const bool plain = !key.empty() && std::all_of(key.begin(), key.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    });
    if (plain)
        return "." + std::string(key);
    std::string out = "['";
    for (const char c : key) {
        if (c == '\\' || c == '\'')
            out += '\\';
        out += c;
    }
    return out + "']";
}

struct MatchWalk
{
    PiiTypeSet types;
    std::size_t left;
    const std::function<void(const std::string &, std::string_view, const PiiMatch &)> &visit;

    void text(const std::string &where, std::string_view t)
    {
        const auto &detector = PiiDetector::instance();
        if (left == 0 || !detector.contains(t, types))
            return;
        for (const PiiMatch &m : detector.find(t, types)) {
            if (left == 0)
                return;
            --left;
            visit(where, t, m);
        }
    }

    void value(const std::string &where, const Value &v, int depth)
    {
        if (left == 0)
            return;
        if (v.isList() || v.isMap()) {
            if (depth >= kMaxValueDepth)
                return;
            if (v.isList()) {
                std::size_t i = 0;
                for (const auto &x : v.toList())
                    value(where + "[" + std::to_string(i++) + "]", x, depth + 1);
                return;
            }
            const auto &detector = PiiDetector::instance();
            for (const auto &[k, x] : v.toMap()) {
                const std::string member = where + memberSuffix(detector.redact(k, types));
                text(member + " (key)", k);
                value(member, x, depth + 1);
            }
            return;
        }
        if (const auto t = scannedText(v))
            text(where, *t);
    }
};

} // namespace

std::optional<std::string> scannedText(const Value &v)
{
    switch (v.type()) {
    case Value::Type::String: return v.toString();
    case Value::Type::Int: return std::to_string(v.toInt());
    case Value::Type::Float: {
        std::string s;
        appendJsonNumber(s, v.toNumber());
        return s;
    }
    default: return std::nullopt;
    }
}

std::optional<std::size_t> countInValue(const Value &v, PiiTypeSet types, bool stopAtFirst, std::string &error)
{
    std::size_t n = 0;
    if (!countIn(v, types, stopAtFirst, 0, n)) {
        error = kTooDeep;
        return std::nullopt;
    }
    return n;
}

void forEachMatch(const Value &v, PiiTypeSet types, std::size_t limit,
    const std::function<void(const std::string &where, std::string_view text, const PiiMatch &match)> &visit)
{
    MatchWalk walk {types, limit, visit};
    walk.value({}, v, 0);
}

Value redactInValue(const Value &v, PiiTypeSet types)
{
    bool changed = false;
    return redactIn(v, types, 0, changed);
}

} // namespace osh::pii
