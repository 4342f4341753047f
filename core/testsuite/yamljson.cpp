#include "yamljson.h"

#include "model/yamlreader.h"
#include "util/value.h"

#include <charconv>
#include <cmath>

namespace osh {

namespace {

// YAML 1.2 core-schema numbers; from_chars alone would also take "inf"/"nan".
std::optional<double> plainNumber(std::string_view s)
{
    if (s.empty())
        return std::nullopt;
    std::string_view body = s.front() == '+' || s.front() == '-' ? s.substr(1) : s;
    if (body.empty() || body.find_first_not_of("0123456789.eE+-") != std::string_view::npos)
        return std::nullopt;
    if (!(body.front() >= '0' && body.front() <= '9') && body.front() != '.')
        return std::nullopt;
    double v = 0;
    const auto *b = s.data() + (s.front() == '+' ? 1 : 0);
    const auto *e = s.data() + s.size();
    const auto res = std::from_chars(b, e, v);
    if (res.ec != std::errc() || res.ptr != e || !std::isfinite(v))
        return std::nullopt;
    return v;
}

void scalarJson(const yaml::Node &n, std::string &out)
{
    if (YamlReader::isNull(n)) {
        out += "null";
        return;
    }
    if (n.style == yaml::ScalarStyle::Plain) {
        const std::string &s = n.scalar;
        if (s == "true" || s == "True" || s == "TRUE") {
            out += "true";
            return;
        }
        if (s == "false" || s == "False" || s == "FALSE") {
            out += "false";
            return;
        }
        if (auto d = plainNumber(s)) {
            appendJsonNumber(out, *d);
            return;
        }
    }
    appendJsonString(out, n.scalar);
}

} // namespace

bool yamlToJson(const yaml::Document &tree, const yaml::Node &node, std::string &out, std::string &error,
                SourcePos &where)
{
    switch (node.kind) {
    case yaml::NodeKind::Null: out += "null"; return true;
    case yaml::NodeKind::Scalar: scalarJson(node, out); return true;
    case yaml::NodeKind::Sequence: {
        out += '[';
        for (std::size_t i = 0; i < node.children.size(); ++i) {
            if (i)
                out += ',';
            if (!yamlToJson(tree, tree.node(node.children[i]), out, error, where))
                return false;
        }
        out += ']';
        return true;
    }
    case yaml::NodeKind::Map: {
        out += '{';
        for (std::size_t i = 0; i + 1 < node.children.size(); i += 2) {
            const auto &k = tree.node(node.children[i]);
            if (k.kind != yaml::NodeKind::Scalar) {
                error = "a request key must be a plain name, found " + std::string(YamlReader::describe(k));
                where = k.pos;
                return false;
            }
            if (i)
                out += ',';
            appendJsonString(out, k.scalar);
            out += ':';
            if (!yamlToJson(tree, tree.node(node.children[i + 1]), out, error, where))
                return false;
        }
        out += '}';
        return true;
    }
    }
    return false;
}

} // namespace osh
