#pragma once
// The policy editor's highlighting without the editor: styles the bytes of a
// policy document line by line as YAML and, inside the values of condition
// keys, as the condition language (tokens from osh::cond::Lexer). PolicyLexer
// feeds it the document from a safe restart line; tests call it directly.
// Offsets are UTF-8 bytes, as in QScintilla.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace osh::ui {

enum class PolicyStyle : std::uint8_t {
    Default,
    Comment,
    Key,
    Scalar,
    String,
    Number,
    Constant, // true, false, null, ~
    Anchor, // &anchor and *alias
    Tag,
    DocumentMarker, // ---, ... and %directives
    BlockIndicator, // | and > with their modifiers
    Punctuation, // - : [ ] { } ,
    CondDefault, // whitespace inside a condition
    CondKeyword, // and or not in
    CondConstant, // true false null
    CondOperator,
    CondVariable,
    CondFunction, // a known built-in function called
    CondString,
    CondNumber,
    CondError, // a token the condition lexer rejects
};
inline constexpr int kPolicyStyleCount = static_cast<int>(PolicyStyle::CondError) + 1;

// Keys whose values are condition expressions (spec section 5: a policy's `condition`).
bool isConditionKey(std::string_view key);

struct StyledRange
{
    std::string styles; // one PolicyStyle per byte styled
    std::vector<int> lineStates; // per line styled: 0 when the line starts a
                                 // construct, 1 when it continues one begun above
};

// Styles `text`, which must begin at the start of a line outside any
// multi-line construct (block scalar, flow collection, quoted or plain
// scalar continued on later lines). Whole lines are styled until the first
// line starting at or after `stopAt` that continues nothing; the result
// covers that many bytes (all of `text` when it ends first).
StyledRange stylePolicyText(std::string_view text, int stopAt);

// Fold level (0-based nesting column, without Scintilla's base) of a line by
// its indentation: a sequence entry "- " counts one column deeper than its
// dash so that a key's entries fold under it. -1 for a blank or comment-only
// line, which takes the level of the next line that has content.
int indentFoldLevel(std::string_view line);

} // namespace osh::ui
