#include "yamlreader.h"

#include "util/strings.h"

#include <charconv>
#include <cmath>
#include <set>

namespace osh {

using yaml::Node;
using yaml::NodeKind;
using yaml::ScalarStyle;

void YamlReader::diag(std::string code, Severity sev, SourcePos pos, std::string message, std::string suggestion)
{
    m_diags.push_back({std::move(code), sev, m_file, pos, {}, std::move(message), std::move(suggestion)});
}

bool YamlReader::isNull(const Node &n)
{
    if (n.kind == NodeKind::Null)
        return true;
    if (n.kind != NodeKind::Scalar || n.style != ScalarStyle::Plain)
        return false;
    return n.scalar.empty() || n.scalar == "~" || n.scalar == "null" || n.scalar == "Null" || n.scalar == "NULL";
}

std::string_view YamlReader::describe(const Node &n)
{
    if (isNull(n))
        return "nothing (null)";
    switch (n.kind) {
    case NodeKind::Map: return "a mapping";
    case NodeKind::Sequence: return "a list";
    default: return "a scalar";
    }
}

void YamlReader::typeError(const Node &n, const std::string &what, std::string_view expected)
{
    std::string found(describe(n));
    if (n.kind == NodeKind::Scalar && !isNull(n))
        found = "'" + (n.scalar.size() > 40 ? n.scalar.substr(0, 40) + "..." : n.scalar) + "'";
    diag("E012", Severity::Error, n.pos, what + " must be " + std::string(expected) + ", found " + found);
}

void YamlReader::badEnum(const Node &n, std::string_view what, std::span<const std::string_view> allowed)
{
    std::string list;
    for (auto a : allowed)
        list += (list.empty() ? "" : ", ") + std::string(a);
    const std::vector<std::string_view> cands(allowed.begin(), allowed.end());
    std::string suggestion = closestMatch(n.scalar, cands);
    if (suggestion.empty()) {
        // "readwrite", "ReadWrite", "read_write": compare with separators removed.
        auto squash = [](std::string_view s) {
            std::string o;
            for (char c : toLowerAscii(s))
                if (c != '-' && c != '_' && c != ' ')
                    o += c;
            return o;
        };
        for (auto a : allowed)
            if (squash(a) == squash(n.scalar))
                suggestion = std::string(a);
    }
    diag("E013", Severity::Error, n.pos,
         "invalid " + std::string(what) + " '" + n.scalar + "'"
             + (suggestion.empty() ? "" : "; did you mean '" + suggestion + "'?") + " (expected one of: " + list + ")",
         suggestion);
}

std::optional<std::string> YamlReader::string(const Node &n, const std::string &what)
{
    if (n.kind != NodeKind::Scalar || isNull(n)) {
        typeError(n, what, "a string");
        return std::nullopt;
    }
    return n.scalar;
}

std::optional<bool> YamlReader::boolean(const Node &n, const std::string &what)
{
    if (n.kind == NodeKind::Scalar && n.style == ScalarStyle::Plain) {
        const auto &s = n.scalar;
        if (s == "true" || s == "True" || s == "TRUE")
            return true;
        if (s == "false" || s == "False" || s == "FALSE")
            return false;
        const std::string l = toLowerAscii(s);
        if (l == "yes" || l == "on" || l == "y") {
            diag("E012", Severity::Error, n.pos, what + " must be true or false, found '" + s + "'", "true");
            return std::nullopt;
        }
        if (l == "no" || l == "off" || l == "n") {
            diag("E012", Severity::Error, n.pos, what + " must be true or false, found '" + s + "'", "false");
            return std::nullopt;
        }
    }
    typeError(n, what, "true or false");
    return std::nullopt;
}

std::optional<std::int64_t> YamlReader::integer(const Node &n, const std::string &what, std::int64_t min,
                                                std::int64_t max, const char *rangeCode)
{
    if (n.kind == NodeKind::Scalar && n.style == ScalarStyle::Plain && !n.scalar.empty()) {
        std::int64_t v = 0;
        const auto *b = n.scalar.data();
        const auto *e = b + n.scalar.size();
        const auto res = std::from_chars(b + (*b == '+' ? 1 : 0), e, v);
        if (res.ec == std::errc() && res.ptr == e) {
            if (v < min || v > max) {
                diag(rangeCode, Severity::Error, n.pos,
                     what + " " + n.scalar + " is out of range (" + std::to_string(min) + " to " + std::to_string(max)
                         + ")");
                return std::nullopt;
            }
            return v;
        }
        if (res.ec == std::errc::result_out_of_range) {
            diag(rangeCode, Severity::Error, n.pos, what + " " + n.scalar + " is out of range");
            return std::nullopt;
        }
    }
    typeError(n, what, "a whole number");
    return std::nullopt;
}

std::optional<double> YamlReader::number(const Node &n, const std::string &what, double min, double max)
{
    if (n.kind == NodeKind::Scalar && n.style == ScalarStyle::Plain && !n.scalar.empty()) {
        double v = 0;
        const auto *b = n.scalar.data();
        const auto *e = b + n.scalar.size();
        const auto res = std::from_chars(b + (*b == '+' ? 1 : 0), e, v);
        if (res.ec == std::errc() && res.ptr == e && std::isfinite(v)) {
            if (v < min || v > max) {
                diag("E014", Severity::Error, n.pos,
                     what + " " + n.scalar + " is out of range (" + std::to_string(min) + " to " + std::to_string(max)
                         + ")");
                return std::nullopt;
            }
            return v;
        }
    }
    typeError(n, what, "a number");
    return std::nullopt;
}

std::optional<double> YamlReader::positiveNumber(const Node &n, const std::string &what)
{
    auto v = number(n, what, 0.0, 1e12);
    if (v && *v <= 0) {
        diag("E014", Severity::Error, n.pos, what + " must be greater than 0");
        return std::nullopt;
    }
    return v;
}

std::optional<std::size_t> YamlReader::enumeration(const Node &n, std::string_view what,
                                                   std::span<const std::string_view> allowed)
{
    if (n.kind != NodeKind::Scalar || isNull(n)) {
        std::string list;
        for (auto a : allowed)
            list += (list.empty() ? "" : ", ") + std::string(a);
        typeError(n, std::string(what), "one of " + list);
        return std::nullopt;
    }
    for (std::size_t i = 0; i < allowed.size(); ++i)
        if (allowed[i] == n.scalar)
            return i;
    badEnum(n, what, allowed);
    return std::nullopt;
}

std::vector<std::string> YamlReader::command(const Node &n, const std::string &what)
{
    std::vector<std::string> argv;
    if (n.kind == NodeKind::Scalar && !isNull(n)) {
        std::string cur;
        for (char c : n.scalar) {
            if (c == ' ' || c == '\t') {
                if (!cur.empty())
                    argv.push_back(std::move(cur));
                cur.clear();
            } else {
                cur += c;
            }
        }
        if (!cur.empty())
            argv.push_back(std::move(cur));
    } else if (n.kind == NodeKind::Sequence) {
        sequence(n, what, [&](const Node &item) {
            if (auto s = string(item, what + " argument"))
                argv.push_back(*s);
        });
    } else {
        typeError(n, what, "a list of strings (program and arguments)");
        return argv;
    }
    if (argv.empty())
        diag("E082", Severity::Error, n.pos, what + " is empty: name the program to run");
    return argv;
}

void YamlReader::sequence(const Node &n, const std::string &what, const std::function<void(const Node &)> &f)
{
    if (isNull(n))
        return; // "rules:" with nothing below is an empty list
    if (n.kind != NodeKind::Sequence) {
        typeError(n, what, "a list");
        return;
    }
    for (auto c : n.children)
        f(m_tree.node(c));
}

void YamlReader::stringMap(const Node &n, const std::string &what,
                           const std::function<void(const Node &, std::string, const Node &)> &f)
{
    if (isNull(n))
        return;
    if (n.kind != NodeKind::Map) {
        typeError(n, what, "a mapping of names to values");
        return;
    }
    std::set<std::string, std::less<>> seen;
    for (std::size_t i = 0; i + 1 < n.children.size(); i += 2) {
        const Node &k = m_tree.node(n.children[i]);
        const Node &v = m_tree.node(n.children[i + 1]);
        if (k.kind != NodeKind::Scalar) {
            diag("E012", Severity::Error, k.pos, what + " keys must be names");
            continue;
        }
        if (!seen.insert(k.scalar).second) {
            diag("E015", Severity::Error, k.pos, "duplicate key '" + k.scalar + "' in " + what);
            continue;
        }
        if (auto s = string(v, what + "." + k.scalar))
            f(k, std::move(*s), v);
    }
}

} // namespace osh
