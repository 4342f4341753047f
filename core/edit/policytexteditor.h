#pragma once
// Minimal text edits of a policy document. Given the YAML text, it computes
// the one byte range to replace (and with what) so that a change made in the
// studio's forms touches only the affected lines: comments, blank lines and
// formatting elsewhere stay byte-identical. Operations: set a value at a path
// (keeping the existing quote style when it can), add or remove a mapping
// key, insert, remove and move block-sequence items (an item's own comments
// travel with it). Flow-style lists are replaced whole or refused with an
// error. Errors are values; nothing throws. Used by ui/visual.

#include "model/yamltree.h"

#include <optional>
#include <utility>
#include <string>
#include <string_view>
#include <vector>

namespace osh::edit {

// One step of a path: a mapping key or a sequence index.
struct PathStep
{
    PathStep(const char *k) : key(k) {}
    PathStep(std::string k) : key(std::move(k)) {}
    PathStep(int i) : index(i) {}
    bool isIndex() const { return index >= 0; }
    std::string key;
    int index = -1;
};
using Path = std::vector<PathStep>;
std::string pathText(const Path &path); // "policies[2].name"

// A value to write. Text: a string, quoted when YAML would misread it.
// Plain: written as is (a number, a boolean, an enum word); refused when it
// would change the document's structure. List: a flow list of values.
struct Value
{
    enum class Kind { Text, Plain, List };
    Kind kind = Kind::Text;
    std::string text;
    std::vector<Value> items;

    static Value string(std::string s) { return {Kind::Text, std::move(s), {}}; }
    static Value plain(std::string s) { return {Kind::Plain, std::move(s), {}}; }
    static Value list(std::vector<Value> items) { return {Kind::List, {}, std::move(items)}; }
};

// A key and its value, for new mapping entries and new sequence items.
struct Field
{
    std::string key;
    Value value;
};

// Replace length bytes at offset with text (UTF-8 byte offsets).
struct TextEdit
{
    std::size_t offset = 0;
    std::size_t length = 0;
    std::string text;
    bool isNoOp() const { return length == 0 && text.empty(); }
    std::string applyTo(std::string_view source) const;
};

struct EditResult
{
    TextEdit edit;
    std::string error; // empty on success
    bool ok() const { return error.empty(); }
    static EditResult failure(std::string message)
    {
        EditResult r;
        r.error = std::move(message);
        return r;
    }
};

class PolicyTextEditor
{
public:
    explicit PolicyTextEditor(std::string_view text);

    // False when the text is not YAML the editor can change (syntax error,
    // not a mapping at the top, aliases); error() says why.
    bool ok() const { return m_error.empty(); }
    const std::string &error() const { return m_error; }
    const std::string &text() const { return m_text; }

    // Sets the value at path. Missing keys (and missing mappings on the way)
    // are added at the end of their mapping.
    EditResult setValue(const Path &path, const Value &value) const;
    // Removes a mapping key (path ends with a key) with its value.
    EditResult removeKey(const Path &path) const;
    // Renames the mapping key path ends with (its value stays as written).
    EditResult renameKey(const Path &path, const std::string &newKey) const;
    // Number of items of the sequence at path; -1 when it is not a sequence
    // (0 when the key is missing).
    int itemCount(const Path &sequencePath) const;
    // Inserts a mapping item into a sequence before index (index == count:
    // appends). The sequence (and its key) is created when missing; an item
    // of a sequence of flow mappings is written as a flow mapping.
    EditResult insertItem(const Path &sequencePath, int index, const std::vector<Field> &fields) const;
    EditResult appendItem(const Path &sequencePath, const std::vector<Field> &fields) const
    {
        return insertItem(sequencePath, itemCount(sequencePath) < 0 ? 0 : itemCount(sequencePath), fields);
    }
    EditResult removeItem(const Path &sequencePath, int index) const;
    // Moves item from to position to (both indices into the current order):
    // the item's lines and the comments above it move; the separators
    // between items stay where they are, so moving back restores the bytes.
    EditResult moveItem(const Path &sequencePath, int from, int to) const;

    // Reads, for the forms: the scalar at path (nullopt when missing or not
    // a scalar); the plain values of the list at path; the source bytes
    // [begin, end) of what path names (a key with its value, or a list item
    // with its comments), nullopt when missing.
    std::optional<std::string> scalarAt(const Path &path) const;
    std::optional<std::vector<std::string>> listAt(const Path &path) const;
    // The scalar keys and values of the mapping at path, in source order
    // (a value that is not a scalar reads as empty).
    std::optional<std::vector<std::pair<std::string, std::string>>> mapAt(const Path &path) const;
    std::optional<std::pair<std::size_t, std::size_t>> rangeOf(const Path &path) const;
    // Byte offset of a 1-based line and code-point column.
    std::size_t offsetOf(SourcePos pos) const { return m_tree.empty() ? 0 : m_tree.offsetOf(pos); }

private:
    EditResult setValueImpl(const Path &path, const Value &value) const;
    EditResult removeKeyImpl(const Path &path) const;
    EditResult insertItemImpl(const Path &sequencePath, int index, const std::vector<Field> &fields) const;
    EditResult removeItemImpl(const Path &sequencePath, int index) const;
    EditResult moveItemImpl(const Path &sequencePath, int from, int to) const;
    // New lines follow the document's line breaks (CRLF documents get CRLF).
    EditResult finish(EditResult r) const;

    struct Resolved
    {
        std::vector<std::uint32_t> nodes; // the nodes found along the path (root first)
        std::vector<std::uint32_t> keys;  // the key node of each found map step (or UINT32_MAX)
        std::size_t found = 0;            // steps resolved
        std::string error;
    };
    Resolved resolve(const Path &path) const;
    const yaml::Node &node(std::uint32_t i) const { return m_tree.node(i); }
    bool inFlow(const Resolved &r, std::size_t depth) const;

    std::size_t extentEnd(std::uint32_t index) const;
    std::size_t lineStart(std::size_t off) const;
    std::size_t lineEnd(std::size_t off) const;   // before the line break (CR LF or LF)
    std::size_t nextLine(std::size_t end) const;  // just after the line break at or after end
    std::size_t breakBefore(std::size_t start) const; // where the line break ending the previous line starts
    std::size_t column(std::size_t off) const { return off - lineStart(off); }
    int indentUnit() const;

    std::string renderScalar(const Value &v, const yaml::Node *existing, bool flowContext, std::string &error) const;
    std::string renderValueAfterKey(const Value &v, std::size_t keyColumn, std::string &error) const;
    std::string renderFlowMap(const std::vector<Field> &fields, std::string &error) const;
    std::string renderBlockItem(const std::vector<Field> &fields, std::size_t dashColumn, std::string &error) const;

    EditResult addKey(const Resolved &r, std::size_t depth, const Path &path, const Value &value) const;
    EditResult replaceNode(std::uint32_t index, const Value &value, bool flowContext) const;

    // Item i of a block sequence: [begin, end) from its first leading
    // comment line to the end of its last line (without the line break).
    struct ItemSpan
    {
        std::size_t begin = 0;
        std::size_t end = 0;
    };
    std::optional<ItemSpan> itemSpan(const yaml::Node &seq, std::size_t i, std::string &error) const;
    std::optional<std::size_t> dashOffset(std::uint32_t item) const;

    std::string m_text;
    yaml::Document m_tree;
    std::vector<std::size_t> m_end; // per node: byte offset just after it (flow/scalar), 0 for block collections
    std::string m_error;
    bool m_crlf = false;
};

} // namespace osh::edit
