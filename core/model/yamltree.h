#pragma once
// A compact, position-keeping YAML tree built from libyaml's event parser.
// Aliases share their anchor's node (nothing is copied) and the expanded size
// is computed up front, so "billion laughs" documents are refused before any
// consumer walks them. Every node keeps its byte offset and 1-based
// line/column (code points) in the source.

#include "util/diagnostic.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace osh::yaml {

enum class NodeKind : std::uint8_t { Null, Scalar, Sequence, Map };

// How a scalar was written; decides whether "1" is text or a number.
enum class ScalarStyle : std::uint8_t { Plain, SingleQuoted, DoubleQuoted, Literal, Folded };

struct Node
{
    NodeKind kind = NodeKind::Null;
    ScalarStyle style = ScalarStyle::Plain;
    bool flow = false;        // flow collection ({...} / [...])
    std::uint32_t offset = 0; // byte offset of the node's first character
    SourcePos pos;
    std::string scalar;
    // Sequence: items. Map: key, value, key, value, ...
    std::vector<std::uint32_t> children;
};

struct Limits
{
    std::size_t maxBytes = 16u << 20;       // whole file
    std::size_t maxExpandedNodes = 2000000; // after alias expansion
    std::size_t maxAliasFactor = 20;        // expanded / written nodes
    int maxDepth = 200;                     // nesting of collections
    std::size_t maxScalarBytes = 1u << 20;  // one scalar
};

class Document
{
public:
    // Parses text. On failure returns false and appends one diagnostic
    // (codes E001..E007, see docs/diagnostics.md) with file set to fileName.
    bool parse(std::string_view text, const std::string &fileName, Diagnostics &diags,
               const Limits &limits = Limits());

    bool empty() const { return m_nodes.empty(); }
    const Node &root() const { return m_nodes[m_root]; }
    const Node &node(std::uint32_t index) const { return m_nodes[index]; }
    std::string_view source() const { return m_source; }
    std::size_t nodeCount() const { return m_nodes.size(); }

    // Position (1-based line, code-point column) of a byte offset.
    SourcePos positionOf(std::size_t offset) const;
    // Byte offset of a 1-based line/column.
    std::size_t offsetOf(SourcePos pos) const;

    // The tree as JSON: mappings are objects (keys as text), sequences
    // arrays; plain scalars are typed by YAML 1.2's core schema (true,
    // false, null, ~, integers, floats), every other scalar is text.
    // Aliases are written out in full: past maxBytes, the answer is empty.
    std::string toJson(std::size_t maxBytes = 16u << 20) const;

private:
    friend class TreeBuilder;
    std::string m_source;
    std::vector<Node> m_nodes;
    std::vector<std::size_t> m_lineStarts;
    std::uint32_t m_root = 0;
};

} // namespace osh::yaml
