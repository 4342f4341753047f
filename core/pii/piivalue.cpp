#include "piivalue.h"

#include "piidetector.h"

#include "util/strings.h"

#include <algorithm>
#include <stdexcept>
#include <vector>

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

// The walk of forEachMatch: the place of the string being scanned is kept
// as a stack of steps (a key or an index) and only written out for a
// match, so a value of a million nodes costs no string building.
struct MatchWalk
{
    PiiTypeSet types;
    std::size_t left;
    const std::function<void(const std::string &, std::string_view, const PiiMatch &)> &visit;

    struct Step
    {
        const std::string *key = nullptr; // a map member, or else ...
        std::size_t index = 0;            // ... a list element
    };
    std::vector<Step> path;

    // The place in words: keys redacted of every PII type (not only those
    // the call asked for) and cut to 64 bytes each.
    std::string where(bool ofKey) const
    {
        constexpr std::size_t kMaxKey = 64;
        const auto &detector = PiiDetector::instance();
        std::string out;
        for (const Step &s : path) {
            if (!s.key) {
                out += "[" + std::to_string(s.index) + "]";
                continue;
            }
            std::string key = detector.redact(*s.key);
            if (key.size() > kMaxKey)
                key = std::string(utf8Head(key, kMaxKey)) + "\u2026";
            out += memberSuffix(key);
        }
        return ofKey ? out + " (key)" : out;
    }

    void text(std::string_view t, bool ofKey)
    {
        if (left == 0)
            return;
        const auto matches = PiiDetector::instance().find(t, types);
        if (matches.empty())
            return;
        const std::string place = where(ofKey);
        for (const PiiMatch &m : matches) {
            if (left == 0)
                return;
            --left;
            visit(place, t, m);
        }
    }

    void value(const Value &v, int depth)
    {
        if (left == 0)
            return;
        if (v.isList() || v.isMap()) {
            if (depth >= kMaxValueDepth)
                return;
            if (v.isList()) {
                std::size_t i = 0;
                for (const auto &x : v.toList()) {
                    if (left == 0)
                        return;
                    path.push_back({nullptr, i++});
                    value(x, depth + 1);
                    path.pop_back();
                }
                return;
            }
            for (const auto &[k, x] : v.toMap()) {
                if (left == 0)
                    return;
                path.push_back({&k, 0});
                text(k, true);
                value(x, depth + 1);
                path.pop_back();
            }
            return;
        }
        if (const auto t = scannedText(v))
            text(*t, false);
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
    MatchWalk walk {types, limit, visit, {}};
    walk.value(v, 0);
}

Value redactInValue(const Value &v, PiiTypeSet types)
{
    bool changed = false;
    return redactIn(v, types, 0, changed);
}

} // namespace osh::pii
