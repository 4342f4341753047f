#include "yamltree.h"

#include "util/strings.h"
#include "util/value.h"

#include <yaml.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <unordered_map>

namespace osh::yaml {

namespace {

Diagnostic makeDiag(const std::string &file, std::string code, SourcePos pos, std::string message)
{
    Diagnostic d;
    d.code = std::move(code);
    d.severity = Severity::Error;
    d.file = file;
    d.begin = pos;
    d.message = std::move(message);
    return d;
}

SourcePos posOf(const yaml_mark_t &m)
{
    return {static_cast<int>(m.line) + 1, static_cast<int>(m.column) + 1};
}

// RAII for libyaml's parser and events.
struct Parser
{
    yaml_parser_t p;
    Parser(std::string_view text)
    {
        yaml_parser_initialize(&p);
        yaml_parser_set_input_string(&p, reinterpret_cast<const unsigned char *>(text.data()), text.size());
    }
    ~Parser() { yaml_parser_delete(&p); }
};

struct Event
{
    yaml_event_t e{};
    bool live = false;
    ~Event()
    {
        if (live)
            yaml_event_delete(&e);
    }
};

ScalarStyle styleOf(yaml_scalar_style_t s)
{
    switch (s) {
    case YAML_SINGLE_QUOTED_SCALAR_STYLE: return ScalarStyle::SingleQuoted;
    case YAML_DOUBLE_QUOTED_SCALAR_STYLE: return ScalarStyle::DoubleQuoted;
    case YAML_LITERAL_SCALAR_STYLE: return ScalarStyle::Literal;
    case YAML_FOLDED_SCALAR_STYLE: return ScalarStyle::Folded;
    default: return ScalarStyle::Plain;
    }
}

} // namespace

// Builds the tree from libyaml's events. libyaml's parser is a state machine,
// not recursive, so hostile nesting cannot overflow the stack; the depth and
// size limits are enforced here, event by event.
class TreeBuilder
{
public:
    TreeBuilder(Document &doc, const Limits &limits, const std::string &file, Diagnostics &diags)
        : m_doc(doc), m_limits(limits), m_file(file), m_diags(diags)
    {
    }

    // Returns false after appending a diagnostic.
    bool run()
    {
        Parser parser(m_doc.m_source);
        int documents = 0;
        for (;;) {
            Event ev;
            if (!yaml_parser_parse(&parser.p, &ev.e))
                return syntaxError(parser.p);
            ev.live = true;
            const yaml_event_t &e = ev.e;
            switch (e.type) {
            case YAML_STREAM_END_EVENT:
                return finish(documents);
            case YAML_DOCUMENT_START_EVENT:
                if (++documents > 1)
                    return fail("E006", posOf(e.start_mark),
                                "the file holds more than one YAML document; a policy is one document");
                break;
            case YAML_SCALAR_EVENT: {
                const auto &sc = e.data.scalar;
                if (sc.length > m_limits.maxScalarBytes)
                    return fail("E002", posOf(e.start_mark),
                                "scalar of " + std::to_string(sc.length) + " bytes exceeds the limit of "
                                    + std::to_string(m_limits.maxScalarBytes));
                Node n;
                n.kind = NodeKind::Scalar;
                n.style = styleOf(sc.style);
                n.scalar.assign(reinterpret_cast<const char *>(sc.value), sc.length);
                if (!add(std::move(n), e.start_mark, sc.anchor))
                    return false;
                break;
            }
            case YAML_ALIAS_EVENT: {
                const auto it = m_anchors.find(reinterpret_cast<const char *>(e.data.alias.anchor));
                if (it == m_anchors.end())
                    return fail("E001", posOf(e.start_mark),
                                "alias '*" + std::string(reinterpret_cast<const char *>(e.data.alias.anchor))
                                    + "' refers to an unknown anchor");
                if (!attach(it->second, e.start_mark))
                    return false;
                break;
            }
            case YAML_SEQUENCE_START_EVENT:
                if (!open(NodeKind::Sequence, e.start_mark, e.data.sequence_start.anchor,
                          e.data.sequence_start.style == YAML_FLOW_SEQUENCE_STYLE))
                    return false;
                break;
            case YAML_MAPPING_START_EVENT:
                if (!open(NodeKind::Map, e.start_mark, e.data.mapping_start.anchor,
                          e.data.mapping_start.style == YAML_FLOW_MAPPING_STYLE))
                    return false;
                break;
            case YAML_SEQUENCE_END_EVENT:
            case YAML_MAPPING_END_EVENT:
                if (!close(e.start_mark))
                    return false;
                break;
            default:
                break;
            }
        }
    }

    // Saturating expanded size of the tree below index, aliases counted each
    // time they appear: in nodes, and in scalar bytes (a large anchored
    // scalar repeated is as costly as many nodes). Iterative post-order with
    // memoisation: linear in the written size whatever the expansion.
    struct Expanded
    {
        std::size_t nodes = 0;
        std::size_t bytes = 0;
    };
    Expanded expandedSize(std::uint32_t index, std::size_t byteCap) const
    {
        const auto &nodes = m_doc.m_nodes;
        const std::size_t cap = m_limits.maxExpandedNodes + 1;
        std::vector<Expanded> size(nodes.size()); // nodes 0 = not computed
        std::vector<std::pair<std::uint32_t, bool>> stack{{index, false}};
        while (!stack.empty()) {
            auto [i, expanded] = stack.back();
            stack.pop_back();
            if (size[i].nodes)
                continue;
            if (!expanded) {
                stack.push_back({i, true});
                for (auto c : nodes[i].children)
                    if (!size[c].nodes)
                        stack.push_back({c, false});
                continue;
            }
            Expanded e{1, std::min(byteCap, nodes[i].scalar.size())};
            for (auto c : nodes[i].children) {
                e.nodes = std::min(cap, e.nodes + size[c].nodes);
                e.bytes = std::min(byteCap, e.bytes + size[c].bytes);
            }
            size[i] = e;
        }
        return size[index];
    }

    bool hasRoot() const { return m_hasRoot; }
    std::uint32_t root() const { return m_root; }

private:
    bool fail(const char *code, SourcePos pos, std::string message)
    {
        m_diags.push_back(makeDiag(m_file, code, pos, std::move(message)));
        return false;
    }

    bool syntaxError(const yaml_parser_t &p)
    {
        std::string msg = "YAML syntax error: ";
        msg += p.problem ? p.problem : "malformed document";
        if (p.context) {
            msg += " (";
            msg += p.context;
            msg += " at line " + std::to_string(p.context_mark.line + 1) + ")";
        }
        if (p.error == YAML_MEMORY_ERROR)
            return fail("E002", {1, 1}, "document too large to parse");
        return fail("E001", posOf(p.problem_mark), msg);
    }

    bool finish(int documents)
    {
        if (documents == 0 || !m_hasRoot)
            return fail("E005", {1, 1}, "the document is empty");
        return true;
    }

    std::uint32_t newNode(Node &&n, const yaml_mark_t &mark)
    {
        n.pos = posOf(mark);
        n.offset = static_cast<std::uint32_t>(m_doc.offsetOf(n.pos));
        m_doc.m_nodes.push_back(std::move(n));
        return static_cast<std::uint32_t>(m_doc.m_nodes.size() - 1);
    }

    bool add(Node &&n, const yaml_mark_t &mark, const unsigned char *anchor)
    {
        const auto idx = newNode(std::move(n), mark);
        if (anchor)
            m_anchors[reinterpret_cast<const char *>(anchor)] = idx;
        return attach(idx, mark);
    }

    bool attach(std::uint32_t idx, const yaml_mark_t &mark)
    {
        if (m_stack.empty()) {
            m_root = idx;
            m_hasRoot = true;
            return true;
        }
        if (++m_attached > m_limits.maxExpandedNodes)
            return fail("E002", posOf(mark), "document has too many nodes");
        m_doc.m_nodes[m_stack.back().index].children.push_back(idx);
        return true;
    }

    bool open(NodeKind kind, const yaml_mark_t &mark, const unsigned char *anchor, bool flow)
    {
        if (static_cast<int>(m_stack.size()) >= m_limits.maxDepth)
            return fail("E003", posOf(mark), "nesting deeper than " + std::to_string(m_limits.maxDepth) + " levels");
        Node n;
        n.kind = kind;
        n.flow = flow;
        const auto idx = newNode(std::move(n), mark);
        m_stack.push_back({idx, anchor ? std::string(reinterpret_cast<const char *>(anchor)) : std::string()});
        return true;
    }

    bool close(const yaml_mark_t &mark)
    {
        const Open top = std::move(m_stack.back());
        m_stack.pop_back();
        // An anchor names its collection once complete, so a collection can
        // never contain itself (recursive aliases are unknown anchors).
        if (!top.anchor.empty())
            m_anchors[top.anchor] = top.index;
        return attach(top.index, mark);
    }

    struct Open
    {
        std::uint32_t index;
        std::string anchor;
    };

    Document &m_doc;
    const Limits &m_limits;
    const std::string &m_file;
    Diagnostics &m_diags;
    std::vector<Open> m_stack;
    std::unordered_map<std::string, std::uint32_t> m_anchors;
    std::size_t m_attached = 0;
    std::uint32_t m_root = 0;
    bool m_hasRoot = false;
};

SourcePos Document::positionOf(std::size_t offset) const
{
    if (m_lineStarts.empty())
        return {1, 1};
    offset = std::min(offset, m_source.size());
    const auto it = std::upper_bound(m_lineStarts.begin(), m_lineStarts.end(), offset);
    const auto line = static_cast<int>(it - m_lineStarts.begin());
    const auto start = m_lineStarts[static_cast<std::size_t>(line - 1)];
    const int col = utf8Length(std::string_view(m_source).substr(start, offset - start)) + 1;
    return {line, col};
}

std::size_t Document::offsetOf(SourcePos pos) const
{
    if (pos.line < 1 || m_lineStarts.empty())
        return 0;
    const auto line = std::min<std::size_t>(static_cast<std::size_t>(pos.line), m_lineStarts.size());
    std::size_t off = m_lineStarts[line - 1];
    for (int col = 1; col < pos.column && off < m_source.size() && m_source[off] != '\n'; ++col) {
        ++off;
        while (off < m_source.size() && (static_cast<unsigned char>(m_source[off]) & 0xc0) == 0x80)
            ++off;
    }
    return off;
}

bool Document::parse(std::string_view text, const std::string &fileName, Diagnostics &diags,
                     const Limits &limits)
{
    m_nodes.clear();
    m_lineStarts.clear();
    m_source.assign(text);
    m_lineStarts.push_back(0);
    for (std::size_t i = 0; i < m_source.size(); ++i)
        if (m_source[i] == '\n')
            m_lineStarts.push_back(i + 1);

    if (text.size() > limits.maxBytes) {
        diags.push_back(makeDiag(fileName, "E002", {1, 1},
                                 "file of " + std::to_string(text.size()) + " bytes exceeds the limit of "
                                     + std::to_string(limits.maxBytes)));
        return false;
    }
    if (const auto nul = text.find('\0'); nul != std::string_view::npos) {
        diags.push_back(makeDiag(fileName, "E004", positionOf(nul),
                                 "binary content: NUL byte; a policy is a UTF-8 YAML text file"));
        return false;
    }
    if (std::size_t bad = 0; !isValidUtf8(text, &bad)) {
        diags.push_back(makeDiag(fileName, "E004", positionOf(bad), "invalid UTF-8 byte sequence"));
        return false;
    }

    TreeBuilder builder(*this, limits, fileName, diags);
    if (!builder.run()) {
        m_nodes.clear();
        return false;
    }
    if (m_nodes[builder.root()].kind == NodeKind::Scalar && m_nodes[builder.root()].style == ScalarStyle::Plain) {
        const auto &s = m_nodes[builder.root()].scalar;
        if (s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL") {
            diags.push_back(makeDiag(fileName, "E005", {1, 1}, "the document is empty"));
            m_nodes.clear();
            return false;
        }
    }
    m_root = builder.root();
    // Scalar bytes may grow by the alias factor over what was written (and
    // to 1 MiB whatever was): consumers copy every expanded string.
    const std::size_t byteCap = std::max<std::size_t>(limits.maxAliasFactor * text.size(), 1u << 20) + 1;
    const auto expanded = builder.expandedSize(m_root, byteCap);
    if (expanded.nodes > limits.maxExpandedNodes
        || (expanded.nodes > 10000 && expanded.nodes > limits.maxAliasFactor * m_nodes.size()) || expanded.bytes >= byteCap) {
        diags.push_back(makeDiag(fileName, "E002", m_nodes[m_root].pos,
                                 "aliases expand the document to "
                                     + (expanded.bytes >= byteCap ? "more than " + std::to_string(byteCap - 1) + " bytes of text"
                                        : expanded.nodes > limits.maxExpandedNodes
                                            ? "more than " + std::to_string(limits.maxExpandedNodes) + " nodes"
                                            : std::to_string(expanded.nodes) + " nodes")
                                     + " (written: " + std::to_string(m_nodes.size()) + " nodes, " + std::to_string(text.size())
                                     + " bytes); alias expansion is limited"));
        m_nodes.clear();
        return false;
    }
    return true;
}

namespace {

bool isDigit(char c) { return c >= '0' && c <= '9'; }

// [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?, scanned by hand: a
// regular expression engine may recurse once per character.
bool isCoreFloat(std::string_view s)
{
    std::size_t i = (!s.empty() && (s[0] == '-' || s[0] == '+')) ? 1 : 0;
    std::size_t intDigits = 0, fracDigits = 0;
    while (i < s.size() && isDigit(s[i]))
        ++i, ++intDigits;
    if (i < s.size() && s[i] == '.') {
        ++i;
        while (i < s.size() && isDigit(s[i]))
            ++i, ++fracDigits;
        if (intDigits == 0 && fracDigits == 0)
            return false;
    } else if (intDigits == 0) {
        return false;
    }
    if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
        ++i;
        if (i < s.size() && (s[i] == '-' || s[i] == '+'))
            ++i;
        std::size_t expDigits = 0;
        while (i < s.size() && isDigit(s[i]))
            ++i, ++expDigits;
        if (expDigits == 0)
            return false;
    }
    return i == s.size();
}

// A plain scalar as YAML 1.2's core schema reads it, appended as JSON.
void appendPlainScalar(std::string &out, const std::string &s)
{
    if (s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL") {
        out += "null";
        return;
    }
    if (s == "true" || s == "True" || s == "TRUE" || s == "false" || s == "False" || s == "FALSE") {
        out += (s[0] == 't' || s[0] == 'T') ? "true" : "false";
        return;
    }
    std::string_view digits(s);
    const bool negative = !digits.empty() && digits.front() == '-';
    if (!digits.empty() && (digits.front() == '-' || digits.front() == '+'))
        digits.remove_prefix(1);
    if (!digits.empty() && digits.size() <= 18 && std::all_of(digits.begin(), digits.end(), isDigit)) {
        // JSON has no leading zeros: 007 is 7.
        const std::size_t first = std::min(digits.find_first_not_of('0'), digits.size() - 1);
        digits.remove_prefix(first);
        if (negative && digits != "0")
            out += '-';
        out += digits;
        return;
    }
    if (isCoreFloat(s)) {
        char *end = nullptr;
        const double d = std::strtod(s.c_str(), &end);
        if (end && *end == '\0' && std::isfinite(d)) {
            appendJsonNumber(out, d);
            return;
        }
    }
    appendJsonString(out, s);
}

} // namespace

std::string Document::toJson(std::size_t maxBytes) const
{
    if (m_nodes.empty())
        return "null";
    std::string out;
    // Iterative, so nesting (at most Limits::maxDepth) never costs stack.
    struct Frame
    {
        std::uint32_t node;
        std::size_t next;
    };
    std::vector<Frame> stack;
    auto open = [&](std::uint32_t index) {
        const Node &n = m_nodes[index];
        switch (n.kind) {
        case NodeKind::Null: out += "null"; return;
        case NodeKind::Scalar:
            if (n.style == ScalarStyle::Plain)
                appendPlainScalar(out, n.scalar);
            else
                appendJsonString(out, n.scalar);
            return;
        case NodeKind::Sequence: out += '['; break;
        case NodeKind::Map: out += '{'; break;
        }
        stack.push_back({index, 0});
    };
    open(m_root);
    while (!stack.empty()) {
        if (out.size() > maxBytes)
            return {}; // aliases can make a small document's JSON huge
        Frame &f = stack.back();
        const Node &n = m_nodes[f.node];
        if (f.next >= n.children.size()) {
            out += n.kind == NodeKind::Map ? '}' : ']';
            stack.pop_back();
            continue;
        }
        if (f.next > 0)
            out += ',';
        if (n.kind == NodeKind::Map) {
            const Node &key = m_nodes[n.children[f.next]];
            appendJsonString(out, key.kind == NodeKind::Scalar ? key.scalar : std::string());
            out += ':';
            const std::uint32_t value = n.children[f.next + 1];
            f.next += 2;
            open(value);
        } else {
            open(n.children[f.next++]);
        }
    }
    return out;
}

} // namespace osh::yaml
