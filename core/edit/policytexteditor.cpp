#include "policytexteditor.h"

#include "yamlscalar.h"

#include <yaml.h>

#include <algorithm>
#include <functional>

namespace osh::edit {

using yaml::Node;
using yaml::NodeKind;
using yaml::ScalarStyle;

namespace {

constexpr std::uint32_t kNone = UINT32_MAX;

std::string spaces(std::size_t n) { return std::string(n, ' '); }

bool isBlank(char c) { return c == ' ' || c == '\t'; }

bool isEmptyScalar(const Node &n) { return n.kind == NodeKind::Scalar && n.style == ScalarStyle::Plain && n.scalar.empty(); }


struct ParserGuard
{
    yaml_parser_t p;
    explicit ParserGuard(std::string_view text)
    {
        yaml_parser_initialize(&p);
        yaml_parser_set_input_string(&p, reinterpret_cast<const unsigned char *>(text.data()), text.size());
    }
    ~ParserGuard() { yaml_parser_delete(&p); }
};

struct EventGuard
{
    yaml_event_t e{};
    bool live = false;
    ~EventGuard()
    {
        if (live)
            yaml_event_delete(&e);
    }
};

EditResult replaced(std::size_t offset, std::size_t length, std::string text)
{
    EditResult r;
    r.edit.offset = offset;
    r.edit.length = length;
    r.edit.text = std::move(text);
    return r;
}

} // namespace

std::string pathText(const Path &path)
{
    std::string out;
    for (const auto &s : path) {
        if (s.isIndex()) {
            out += '[' + std::to_string(s.index) + ']';
        } else {
            if (!out.empty())
                out += '.';
            out += s.key;
        }
    }
    return out.empty() ? std::string("the document") : out;
}

std::string TextEdit::applyTo(std::string_view source) const
{
    std::string out;
    if (offset > source.size())
        return std::string(source);
    const std::size_t len = std::min(length, source.size() - offset);
    out.reserve(source.size() - len + text.size());
    out.append(source.substr(0, offset));
    out.append(text);
    out.append(source.substr(offset + len));
    return out;
}

PolicyTextEditor::PolicyTextEditor(std::string_view text) : m_text(text)
{
    Diagnostics diags;
    if (!m_tree.parse(m_text, std::string(), diags)) {
        const Diagnostic *d = diags.empty() ? nullptr : &diags.front();
        m_error = d ? "line " + std::to_string(d->begin.line) + ": " + d->message : std::string("cannot parse the YAML");
        return;
    }
    if (m_tree.root().kind != NodeKind::Map || m_tree.root().flow) {
        m_error = "the document is not a block mapping at the top level";
        return;
    }
    // A second pass over libyaml's events gives each node's end (the tree
    // keeps starts only). Nodes were numbered in event order, aliases aside.
    m_end.assign(m_tree.nodeCount(), 0);
    ParserGuard parser(m_text);
    std::vector<std::uint32_t> open;
    std::uint32_t next = 0;
    auto offsetOf = [this](const yaml_mark_t &m) {
        return m_tree.offsetOf({static_cast<int>(m.line) + 1, static_cast<int>(m.column) + 1});
    };
    for (;;) {
        EventGuard ev;
        if (!yaml_parser_parse(&parser.p, &ev.e)) {
            m_error = "cannot parse the YAML";
            return;
        }
        ev.live = true;
        const auto &e = ev.e;
        if (e.type == YAML_STREAM_END_EVENT)
            break;
        switch (e.type) {
        case YAML_ALIAS_EVENT:
            m_error = "the document uses YAML aliases; edit it in the text";
            return;
        case YAML_SCALAR_EVENT: {
            if (next >= m_end.size()) {
                m_error = "internal: node count mismatch";
                return;
            }
            std::size_t end = offsetOf(e.end_mark);
            const auto begin = m_tree.node(next).offset;
            if (m_tree.node(next).style == ScalarStyle::Literal || m_tree.node(next).style == ScalarStyle::Folded)
                while (end > begin && (isBlank(m_text[end - 1]) || m_text[end - 1] == '\n' || m_text[end - 1] == '\r'))
                    --end;
            m_end[next++] = std::max<std::size_t>(end, begin);
            break;
        }
        case YAML_SEQUENCE_START_EVENT:
        case YAML_MAPPING_START_EVENT:
            if (next >= m_end.size()) {
                m_error = "internal: node count mismatch";
                return;
            }
            open.push_back(next++);
            break;
        case YAML_SEQUENCE_END_EVENT:
        case YAML_MAPPING_END_EVENT:
            if (!open.empty()) {
                m_end[open.back()] = offsetOf(e.end_mark);
                open.pop_back();
            }
            break;
        default:
            break;
        }
    }
    if (next != m_end.size())
        m_error = "internal: node count mismatch";
    const auto nl = m_text.find('\n');
    m_crlf = nl != std::string::npos && nl > 0 && m_text[nl - 1] == '\r';
}

EditResult PolicyTextEditor::finish(EditResult r) const
{
    if (!m_crlf || !r.ok())
        return r;
    std::string out;
    out.reserve(r.edit.text.size() + 8);
    for (std::size_t i = 0; i < r.edit.text.size(); ++i) {
        if (r.edit.text[i] == '\n' && (i == 0 ? r.edit.offset == 0 || m_text[r.edit.offset - 1] != '\r'
                                                : r.edit.text[i - 1] != '\r'))
            out += '\r';
        out += r.edit.text[i];
    }
    r.edit.text = std::move(out);
    return r;
}

EditResult PolicyTextEditor::setValue(const Path &path, const Value &value) const
{
    return finish(setValueImpl(path, value));
}

EditResult PolicyTextEditor::removeKey(const Path &path) const { return finish(removeKeyImpl(path)); }

EditResult PolicyTextEditor::insertItem(const Path &sequencePath, int index, const std::vector<Field> &fields) const
{
    return finish(insertItemImpl(sequencePath, index, fields));
}

EditResult PolicyTextEditor::removeItem(const Path &sequencePath, int index) const
{
    return finish(removeItemImpl(sequencePath, index));
}

EditResult PolicyTextEditor::moveItem(const Path &sequencePath, int from, int to) const
{
    return finish(moveItemImpl(sequencePath, from, to));
}

std::size_t PolicyTextEditor::lineStart(std::size_t off) const
{
    off = std::min(off, m_text.size());
    while (off > 0 && m_text[off - 1] != '\n')
        --off;
    return off;
}

std::size_t PolicyTextEditor::lineEnd(std::size_t off) const
{
    const auto nl = m_text.find('\n', std::min(off, m_text.size()));
    if (nl == std::string::npos)
        return m_text.size();
    return nl > off && m_text[nl - 1] == '\r' ? nl - 1 : nl;
}

std::size_t PolicyTextEditor::nextLine(std::size_t end) const
{
    const auto nl = m_text.find('\n', std::min(end, m_text.size()));
    return nl == std::string::npos ? m_text.size() : nl + 1;
}

std::size_t PolicyTextEditor::breakBefore(std::size_t start) const
{
    if (start >= 2 && m_text[start - 2] == '\r')
        return start - 2;
    return start > 0 ? start - 1 : start;
}

std::size_t PolicyTextEditor::extentEnd(std::uint32_t index) const
{
    const Node &n = node(index);
    if (n.kind == NodeKind::Scalar || n.kind == NodeKind::Null || n.flow || n.children.empty())
        return std::max<std::size_t>(m_end[index], n.offset);
    std::size_t end = n.offset;
    const std::size_t from = n.kind == NodeKind::Map && n.children.size() >= 2 ? n.children.size() - 2 : n.children.size() - 1;
    for (std::size_t i = from; i < n.children.size(); ++i)
        end = std::max(end, extentEnd(n.children[i]));
    return end;
}

int PolicyTextEditor::indentUnit() const
{
    const Node &root = m_tree.root();
    for (std::size_t i = 1; i < root.children.size(); i += 2) {
        const Node &v = node(root.children[i]);
        if (v.flow || v.children.empty())
            continue;
        const Node &first = node(v.children[0]);
        const auto col = column(v.kind == NodeKind::Sequence ? v.offset : first.offset);
        const auto keyCol = column(node(root.children[i - 1]).offset);
        if (col > keyCol && lineStart(first.offset) != lineStart(node(root.children[i - 1]).offset))
            return static_cast<int>(col - keyCol);
    }
    return 2;
}

PolicyTextEditor::Resolved PolicyTextEditor::resolve(const Path &path) const
{
    Resolved r;
    auto cur = static_cast<std::uint32_t>(&m_tree.root() - &m_tree.node(0));
    r.nodes.push_back(cur);
    for (std::size_t i = 0; i < path.size(); ++i) {
        const Node &n = node(cur);
        const Path prefix(path.begin(), path.begin() + static_cast<std::ptrdiff_t>(i));
        if (path[i].isIndex()) {
            if (n.kind != NodeKind::Sequence) {
                r.error = pathText(prefix) + " is not a list";
                return r;
            }
            if (static_cast<std::size_t>(path[i].index) >= n.children.size()) {
                r.error = pathText(prefix) + " has no item " + std::to_string(path[i].index) + " (it has "
                    + std::to_string(n.children.size()) + ")";
                return r;
            }
            cur = n.children[static_cast<std::size_t>(path[i].index)];
            r.keys.push_back(kNone);
        } else {
            if (n.kind != NodeKind::Map)
                return r; // the caller decides whether a missing mapping can be created here
            std::uint32_t value = kNone;
            std::uint32_t key = kNone;
            for (std::size_t c = 0; c + 1 < n.children.size(); c += 2)
                if (node(n.children[c]).kind == NodeKind::Scalar && node(n.children[c]).scalar == path[i].key) {
                    key = n.children[c];
                    value = n.children[c + 1];
                }
            if (value == kNone)
                return r;
            cur = value;
            r.keys.push_back(key);
        }
        r.nodes.push_back(cur);
        r.found = i + 1;
    }
    return r;
}

bool PolicyTextEditor::inFlow(const Resolved &r, std::size_t depth) const
{
    for (std::size_t i = 0; i <= depth && i < r.nodes.size(); ++i)
        if (node(r.nodes[i]).flow)
            return true;
    return false;
}

std::string PolicyTextEditor::renderScalar(const Value &v, const Node *existing, bool flowContext,
                                           std::string &error) const
{
    switch (v.kind) {
    case Value::Kind::Text: {
        ScalarStyle style = existing ? existing->style : ScalarStyle::Plain;
        if (style == ScalarStyle::Literal || style == ScalarStyle::Folded)
            style = ScalarStyle::Plain;
        return renderString(v.text, style, flowContext);
    }
    case Value::Kind::Plain:
        if (!isSimplePlainToken(v.text, flowContext)) {
            error = "'" + v.text + "' cannot be written as a plain value";
            return {};
        }
        return v.text;
    case Value::Kind::List: {
        std::string out = "[";
        for (std::size_t i = 0; i < v.items.size(); ++i) {
            if (v.items[i].kind == Value::Kind::List) {
                error = "nested lists are not supported";
                return {};
            }
            out += (i ? ", " : "") + renderScalar(v.items[i], nullptr, true, error);
        }
        return out + "]";
    }
    }
    return {};
}

std::string PolicyTextEditor::renderFlowMap(const std::vector<Field> &fields, std::string &error) const
{
    std::string out = "{";
    for (std::size_t i = 0; i < fields.size(); ++i)
        out += (i ? ", " : "") + renderString(fields[i].key, ScalarStyle::Plain, true) + ": "
            + renderScalar(fields[i].value, nullptr, true, error);
    return out + "}";
}

std::string PolicyTextEditor::renderBlockItem(const std::vector<Field> &fields, std::size_t dashColumn,
                                              std::string &error) const
{
    if (fields.empty())
        return "- {}";
    std::string out = "- ";
    for (std::size_t i = 0; i < fields.size(); ++i) {
        if (i)
            out += "\n" + spaces(dashColumn + 2);
        out += renderString(fields[i].key, ScalarStyle::Plain, false) + ": "
            + renderScalar(fields[i].value, nullptr, false, error);
    }
    return out;
}

EditResult PolicyTextEditor::replaceNode(std::uint32_t index, const Value &value, bool flowContext) const
{
    const Node &n = node(index);
    std::string error;
    if (n.kind == NodeKind::Scalar) {
        if (value.kind != Value::Kind::List && n.scalar == value.text
            && (value.kind == Value::Kind::Plain || !isNullScalar(n) || n.style != ScalarStyle::Plain))
            return replaced(n.offset, 0, {}); // same value: keep it as written
        std::string text = renderScalar(value, &n, flowContext, error);
        if (!error.empty())
            return EditResult::failure(error);
        if (isEmptyScalar(n))
            return replaced(n.offset, 0, " " + text);
        return replaced(n.offset, m_end[index] - n.offset, std::move(text));
    }
    if (value.kind != Value::Kind::List)
        return EditResult::failure(std::string("the value is ") + (n.kind == NodeKind::Map ? "a mapping" : "a list")
                                   + ", not a single value; edit it in the text");
    if (n.kind != NodeKind::Sequence)
        return EditResult::failure("the value is a mapping, not a list");
    if (n.flow) {
        std::string text = renderScalar(value, nullptr, flowContext, error);
        if (!error.empty())
            return EditResult::failure(error);
        return replaced(n.offset, m_end[index] - n.offset, std::move(text));
    }
    // A block list of plain values: rewrite its item lines, one per value.
    const auto dash = dashOffset(n.children.front());
    if (!dash)
        return EditResult::failure("cannot find the list's first item");
    for (const auto c : n.children)
        if (node(c).kind != NodeKind::Scalar)
            return EditResult::failure("the list holds more than plain values; edit it in the text");
    if (value.items.empty())
        return replaced(*dash, extentEnd(index) - *dash, "[]");
    std::string text;
    for (std::size_t i = 0; i < value.items.size(); ++i) {
        if (i)
            text += "\n" + spaces(column(*dash));
        text += "- " + renderScalar(value.items[i], nullptr, false, error);
    }
    if (!error.empty())
        return EditResult::failure(error);
    return replaced(*dash, extentEnd(index) - *dash, std::move(text));
}

EditResult PolicyTextEditor::addKey(const Resolved &r, std::size_t depth, const Path &path, const Value &value) const
{
    for (std::size_t i = depth; i < path.size(); ++i)
        if (path[i].isIndex())
            return EditResult::failure(pathText(Path(path.begin(), path.begin() + static_cast<std::ptrdiff_t>(i + 1)))
                                       + " does not exist");
    const std::uint32_t parentIndex = r.nodes[depth];
    const Node &parent = node(parentIndex);
    const bool flow = inFlow(r, depth);
    const auto unit = static_cast<std::size_t>(indentUnit());
    std::string error;

    // key: value, or key:\n  key2: value for the missing mappings on the way.
    std::function<std::string(std::size_t, std::size_t)> nested = [&](std::size_t step, std::size_t col) {
        const std::string key = renderString(path[step].key, ScalarStyle::Plain, flow);
        if (step + 1 == path.size())
            return key + ": " + renderScalar(value, nullptr, flow, error);
        if (flow)
            return key + ": {" + nested(step + 1, col) + "}";
        return key + ":\n" + spaces(col + unit) + nested(step + 1, col + unit);
    };

    if (parent.kind == NodeKind::Map && parent.flow) {
        const std::string entry = nested(depth, 0);
        if (!error.empty())
            return EditResult::failure(error);
        if (parent.children.empty())
            return replaced(m_end[parentIndex] - 1, 0, entry);
        return replaced(extentEnd(parent.children.back()), 0, ", " + entry);
    }
    if (parent.kind == NodeKind::Map) {
        const auto keyCol = column(node(parent.children.front()).offset);
        const std::string entry = nested(depth, keyCol);
        if (!error.empty())
            return EditResult::failure(error);
        return replaced(lineEnd(extentEnd(parentIndex)), 0, "\n" + spaces(keyCol) + entry);
    }
    if (isNullScalar(parent) && depth > 0 && r.keys[depth - 1] != kNone && !flow) {
        const std::uint32_t key = r.keys[depth - 1];
        const auto col = column(node(key).offset) + unit;
        const std::string entry = nested(depth, col);
        if (!error.empty())
            return EditResult::failure(error);
        const auto from = m_end[key];
        return replaced(from, m_end[parentIndex] - from, ":\n" + spaces(col) + entry);
    }
    return EditResult::failure(pathText(Path(path.begin(), path.begin() + static_cast<std::ptrdiff_t>(depth)))
                               + " is not a mapping");
}

EditResult PolicyTextEditor::setValueImpl(const Path &path, const Value &value) const
{
    if (!ok())
        return EditResult::failure(m_error);
    if (path.empty())
        return EditResult::failure("no path given");
    const Resolved r = resolve(path);
    if (!r.error.empty())
        return EditResult::failure(r.error);
    if (r.found == path.size())
        return replaceNode(r.nodes.back(), value, inFlow(r, r.nodes.size() - 2));
    return addKey(r, r.found, path, value);
}

EditResult PolicyTextEditor::removeKeyImpl(const Path &path) const
{
    if (!ok())
        return EditResult::failure(m_error);
    if (path.empty() || path.back().isIndex())
        return EditResult::failure("removeKey needs a path ending with a key");
    const Resolved r = resolve(path);
    if (!r.error.empty())
        return EditResult::failure(r.error);
    if (r.found != path.size())
        return replaced(0, 0, {}); // already absent
    const std::uint32_t parentIndex = r.nodes[r.nodes.size() - 2];
    const Node &parent = node(parentIndex);
    const std::uint32_t key = r.keys.back();
    const std::uint32_t value = r.nodes.back();
    std::size_t pos = 0;
    while (pos < parent.children.size() && parent.children[pos] != key)
        ++pos;
    const std::size_t entries = parent.children.size() / 2;
    const std::size_t keyOff = node(key).offset;
    const std::size_t valueEnd = std::max(extentEnd(value), m_end[key]);

    if (parent.flow) {
        if (entries == 1)
            return replaced(keyOff, valueEnd - keyOff, {});
        if (pos > 0) {
            const auto prevEnd = std::max(extentEnd(parent.children[pos - 1]), m_end[parent.children[pos - 2]]);
            return replaced(prevEnd, valueEnd - prevEnd, {});
        }
        const auto nextKey = node(parent.children[pos + 2]).offset;
        return replaced(keyOff, nextKey - keyOff, {});
    }
    const std::size_t start = lineStart(keyOff);
    const bool onlyKeyOnLine = std::all_of(m_text.begin() + static_cast<std::ptrdiff_t>(start),
                                           m_text.begin() + static_cast<std::ptrdiff_t>(keyOff), isBlank);
    const std::size_t end = lineEnd(valueEnd);
    if (entries == 1)
        return replaced(keyOff, end - keyOff, "{}");
    if (!onlyKeyOnLine) {
        // "- name: x" and more keys below: the next key moves up behind the dash.
        const auto nextKey = node(parent.children[pos + 2]).offset;
        return replaced(keyOff, nextKey - keyOff, {});
    }
    if (end < m_text.size())
        return replaced(start, nextLine(end) - start, {});
    const std::size_t from = breakBefore(start);
    return replaced(from, end - from, {});
}

std::optional<std::size_t> PolicyTextEditor::dashOffset(std::uint32_t item) const
{
    std::size_t off = node(item).offset;
    while (off > 0 && (isBlank(m_text[off - 1]) || m_text[off - 1] == '\n' || m_text[off - 1] == '\r'))
        --off;
    if (off == 0 || m_text[off - 1] != '-')
        return std::nullopt;
    return off - 1;
}

std::optional<PolicyTextEditor::ItemSpan> PolicyTextEditor::itemSpan(const Node &seq, std::size_t i,
                                                                     std::string &error) const
{
    const std::uint32_t item = seq.children[i];
    const auto dash = dashOffset(item);
    if (!dash) {
        error = "cannot find the item's '-'";
        return std::nullopt;
    }
    const std::size_t start = lineStart(*dash);
    if (!std::all_of(m_text.begin() + static_cast<std::ptrdiff_t>(start),
                     m_text.begin() + static_cast<std::ptrdiff_t>(*dash), isBlank)) {
        error = "the list item shares its line with other content; edit it in the text";
        return std::nullopt;
    }
    const std::size_t dashCol = *dash - start;
    // Indentation of a comment-only line, or npos when the line is not one.
    auto commentIndent = [this](std::size_t lineBegin) {
        std::size_t p = lineBegin;
        while (p < m_text.size() && isBlank(m_text[p]))
            ++p;
        return p < m_text.size() && m_text[p] == '#' ? p - lineBegin : std::string::npos;
    };
    ItemSpan span;
    span.begin = start;
    while (span.begin > 0) {
        const std::size_t prev = lineStart(span.begin - 1);
        if (commentIndent(prev) != dashCol)
            break;
        span.begin = prev;
    }
    span.end = lineEnd(extentEnd(item));
    while (span.end < m_text.size()) {
        const std::size_t next = nextLine(span.end);
        if (next >= m_text.size())
            break;
        const auto indent = commentIndent(next);
        if (indent == std::string::npos || indent <= dashCol)
            break;
        span.end = lineEnd(next);
    }
    return span;
}

int PolicyTextEditor::itemCount(const Path &sequencePath) const
{
    if (!ok())
        return -1;
    const Resolved r = resolve(sequencePath);
    if (!r.error.empty())
        return -1;
    if (r.found != sequencePath.size())
        return 0;
    const Node &n = node(r.nodes.back());
    if (n.kind == NodeKind::Sequence)
        return static_cast<int>(n.children.size());
    return isNullScalar(n) ? 0 : -1;
}

EditResult PolicyTextEditor::insertItemImpl(const Path &sequencePath, int index, const std::vector<Field> &fields) const
{
    if (!ok())
        return EditResult::failure(m_error);
    const Resolved r = resolve(sequencePath);
    if (!r.error.empty())
        return EditResult::failure(r.error);
    const auto unit = static_cast<std::size_t>(indentUnit());
    std::string error;
    if (r.found != sequencePath.size()) {
        if (index != 0)
            return EditResult::failure(pathText(sequencePath) + " has no item " + std::to_string(index));
        if (r.found + 1 != sequencePath.size() || sequencePath.back().isIndex())
            return EditResult::failure(pathText(sequencePath) + " does not exist");
        const std::uint32_t parentIndex = r.nodes.back();
        const Node &parent = node(parentIndex);
        if (parent.kind != NodeKind::Map || parent.flow || inFlow(r, r.nodes.size() - 1))
            return EditResult::failure(pathText(Path(sequencePath.begin(), sequencePath.end() - 1))
                                       + " is not a block mapping");
        const auto keyCol = column(node(parent.children.front()).offset);
        const std::string item = renderBlockItem(fields, keyCol + unit, error);
        if (!error.empty())
            return EditResult::failure(error);
        return replaced(lineEnd(extentEnd(parentIndex)), 0,
                        "\n" + spaces(keyCol) + renderString(sequencePath.back().key, ScalarStyle::Plain, false)
                            + ":\n" + spaces(keyCol + unit) + item);
    }
    const std::uint32_t seqIndex = r.nodes.back();
    const Node &seq = node(seqIndex);
    const bool empty = (seq.kind == NodeKind::Sequence && seq.children.empty()) || isNullScalar(seq);
    if (empty) {
        if (index != 0)
            return EditResult::failure(pathText(sequencePath) + " has no item " + std::to_string(index));
        const std::uint32_t key = r.keys.empty() ? kNone : r.keys.back();
        if (key == kNone || inFlow(r, r.nodes.size() - 2))
            return EditResult::failure(pathText(sequencePath) + " is not the value of a block mapping key");
        const auto col = column(node(key).offset) + unit;
        const std::string item = renderBlockItem(fields, col, error);
        if (!error.empty())
            return EditResult::failure(error);
        const auto from = m_end[key];
        return replaced(from, extentEnd(seqIndex) - from, ":\n" + spaces(col) + item);
    }
    if (seq.kind != NodeKind::Sequence)
        return EditResult::failure(pathText(sequencePath) + " is not a list");
    if (seq.flow)
        return EditResult::failure(pathText(sequencePath) + " is a flow-style list ([...]); edit it in the text");
    const auto count = static_cast<int>(seq.children.size());
    if (index < 0 || index > count)
        return EditResult::failure(pathText(sequencePath) + " has no position " + std::to_string(index));
    const auto neighbour = static_cast<std::size_t>(index < count ? index : count - 1);
    const auto span = itemSpan(seq, neighbour, error);
    if (!span)
        return EditResult::failure(error);
    const std::size_t dashCol = column(*dashOffset(seq.children[neighbour]));
    const Node &model = node(seq.children[neighbour]);
    const std::string item = model.kind == NodeKind::Map && model.flow ? "- " + renderFlowMap(fields, error)
                                                                         : renderBlockItem(fields, dashCol, error);
    if (!error.empty())
        return EditResult::failure(error);
    if (index < count)
        return replaced(span->begin, 0, spaces(dashCol) + item + "\n");
    return replaced(span->end, 0, "\n" + spaces(dashCol) + item);
}

EditResult PolicyTextEditor::removeItemImpl(const Path &sequencePath, int index) const
{
    if (!ok())
        return EditResult::failure(m_error);
    const Resolved r = resolve(sequencePath);
    if (!r.error.empty())
        return EditResult::failure(r.error);
    if (r.found != sequencePath.size())
        return EditResult::failure(pathText(sequencePath) + " does not exist");
    const Node &seq = node(r.nodes.back());
    if (seq.kind != NodeKind::Sequence)
        return EditResult::failure(pathText(sequencePath) + " is not a list");
    if (seq.flow)
        return EditResult::failure(pathText(sequencePath) + " is a flow-style list ([...]); edit it in the text");
    if (index < 0 || static_cast<std::size_t>(index) >= seq.children.size())
        return EditResult::failure(pathText(sequencePath) + " has no item " + std::to_string(index));
    std::string error;
    const auto span = itemSpan(seq, static_cast<std::size_t>(index), error);
    if (!span)
        return EditResult::failure(error);
    if (seq.children.size() == 1) {
        const auto dashCol = column(*dashOffset(seq.children.front()));
        return replaced(span->begin, span->end - span->begin, spaces(dashCol) + "[]");
    }
    if (span->end < m_text.size())
        return replaced(span->begin, nextLine(span->end) - span->begin, {});
    const std::size_t from = breakBefore(span->begin);
    return replaced(from, span->end - from, {});
}

EditResult PolicyTextEditor::moveItemImpl(const Path &sequencePath, int from, int to) const
{
    if (!ok())
        return EditResult::failure(m_error);
    const Resolved r = resolve(sequencePath);
    if (!r.error.empty())
        return EditResult::failure(r.error);
    if (r.found != sequencePath.size())
        return EditResult::failure(pathText(sequencePath) + " does not exist");
    const Node &seq = node(r.nodes.back());
    if (seq.kind != NodeKind::Sequence)
        return EditResult::failure(pathText(sequencePath) + " is not a list");
    if (seq.flow)
        return EditResult::failure(pathText(sequencePath) + " is a flow-style list ([...]); edit it in the text");
    const auto count = static_cast<int>(seq.children.size());
    if (from < 0 || from >= count || to < 0 || to >= count)
        return EditResult::failure("cannot move item " + std::to_string(from) + " to " + std::to_string(to) + " in "
                                   + pathText(sequencePath) + " (it has " + std::to_string(count) + ")");
    if (from == to)
        return replaced(0, 0, {});
    const int lo = std::min(from, to);
    const int hi = std::max(from, to);
    std::vector<ItemSpan> spans;
    std::string error;
    for (int i = lo; i <= hi; ++i) {
        const auto s = itemSpan(seq, static_cast<std::size_t>(i), error);
        if (!s)
            return EditResult::failure(error);
        if (!spans.empty() && s->begin < spans.back().end)
            return EditResult::failure("list items overlap; edit it in the text");
        spans.push_back(*s);
    }
    std::vector<int> order;
    for (int i = lo; i <= hi; ++i)
        order.push_back(i);
    order.erase(order.begin() + (from - lo));
    order.insert(order.begin() + (to - lo), from);
    // The items change places; what lies between them (line breaks, blank
    // lines) stays, so the layout of the list is unchanged.
    std::string text;
    for (std::size_t k = 0; k < spans.size(); ++k) {
        const auto &s = spans[static_cast<std::size_t>(order[k] - lo)];
        text.append(m_text, s.begin, s.end - s.begin);
        if (k + 1 < spans.size())
            text.append(m_text, spans[k].end, spans[k + 1].begin - spans[k].end);
    }
    return replaced(spans.front().begin, spans.back().end - spans.front().begin, std::move(text));
}

EditResult PolicyTextEditor::renameKey(const Path &path, const std::string &newKey) const
{
    if (!ok())
        return EditResult::failure(m_error);
    if (path.empty() || path.back().isIndex())
        return EditResult::failure("renameKey needs a path ending with a key");
    if (newKey.empty())
        return EditResult::failure("a key cannot be empty");
    const Resolved r = resolve(path);
    if (!r.error.empty())
        return EditResult::failure(r.error);
    if (r.found != path.size())
        return EditResult::failure(pathText(path) + " does not exist");
    if (newKey == path.back().key)
        return replaced(0, 0, {});
    auto sibling = path;
    sibling.back() = PathStep(newKey);
    if (resolve(sibling).found == sibling.size())
        return EditResult::failure(pathText(sibling) + " already exists");
    const std::uint32_t key = r.keys.back();
    const std::string text = renderString(newKey, node(key).style, inFlow(r, r.nodes.size() - 2));
    return finish(replaced(node(key).offset, m_end[key] - node(key).offset, text));
}

} // namespace osh::edit
