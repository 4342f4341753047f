// PolicyTextEditor's reads for the forms: values, lists, mappings and the
// source range of what a path names (split from policytexteditor.cpp).

#include "policytexteditor.h"

#include "yamlscalar.h"

#include <algorithm>

namespace osh::edit {

using yaml::Node;
using yaml::NodeKind;

std::optional<std::string> PolicyTextEditor::scalarAt(const Path &path) const
{
    if (!ok())
        return std::nullopt;
    const Resolved r = resolve(path);
    if (!r.error.empty() || r.found != path.size())
        return std::nullopt;
    const Node &n = node(r.nodes.back());
    if (n.kind != NodeKind::Scalar || isNullScalar(n))
        return std::nullopt;
    return n.scalar;
}

std::optional<std::vector<std::string>> PolicyTextEditor::listAt(const Path &path) const
{
    if (!ok())
        return std::nullopt;
    const Resolved r = resolve(path);
    if (!r.error.empty() || r.found != path.size())
        return std::nullopt;
    const Node &n = node(r.nodes.back());
    if (n.kind != NodeKind::Sequence)
        return std::nullopt;
    std::vector<std::string> out;
    for (const auto c : n.children) {
        if (node(c).kind != NodeKind::Scalar)
            return std::nullopt;
        out.push_back(node(c).scalar);
    }
    return out;
}

std::optional<std::pair<std::size_t, std::size_t>> PolicyTextEditor::rangeOf(const Path &path) const
{
    if (!ok() || path.empty())
        return std::nullopt;
    const Resolved r = resolve(path);
    if (!r.error.empty() || r.found != path.size())
        return std::nullopt;
    const std::uint32_t target = r.nodes.back();
    if (path.back().isIndex()) {
        const Node &seq = node(r.nodes[r.nodes.size() - 2]);
        if (!seq.flow) {
            std::string error;
            if (const auto span = itemSpan(seq, static_cast<std::size_t>(path.back().index), error))
                return std::make_pair(span->begin, span->end);
        }
        return std::pair<std::size_t, std::size_t>(node(target).offset, extentEnd(target));
    }
    const std::uint32_t key = r.keys.back();
    return std::pair<std::size_t, std::size_t>(node(key).offset, std::max(extentEnd(target), m_end[key]));
}

std::optional<std::vector<std::pair<std::string, std::string>>> PolicyTextEditor::mapAt(const Path &path) const
{
    if (!ok())
        return std::nullopt;
    const Resolved r = resolve(path);
    if (!r.error.empty() || r.found != path.size())
        return std::nullopt;
    const Node &n = node(r.nodes.back());
    if (n.kind != NodeKind::Map)
        return std::nullopt;
    std::vector<std::pair<std::string, std::string>> out;
    for (std::size_t c = 0; c + 1 < n.children.size(); c += 2) {
        const Node &k = node(n.children[c]);
        const Node &v = node(n.children[c + 1]);
        out.emplace_back(k.kind == NodeKind::Scalar ? k.scalar : std::string(),
                         v.kind == NodeKind::Scalar ? v.scalar : std::string());
    }
    return out;
}

} // namespace osh::edit
