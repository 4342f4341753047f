#pragma once
// Writes one scalar value as YAML source text: plain when YAML would read
// it back as the same string, otherwise quoted (in the requested style when
// it can hold the value). Used by PolicyTextEditor for every value it writes.

#include "model/yamltree.h"

#include <string>
#include <string_view>

namespace osh::edit {

// Whether text, written plain, reads back as exactly this string (not a
// number, boolean or null, no indicator, comment or mapping separator).
// In a flow collection the characters ,[]{} are not allowed either.
bool isPlainSafe(std::string_view text, bool flowContext);

// Whether text reads as a YAML 1.1/1.2 core-schema number, boolean or null.
bool looksNonString(std::string_view text);

// Whether text is a value that may be written plain as is (a number, a
// boolean, an enum word): no quotes needed and no structure.
bool isSimplePlainToken(std::string_view text, bool flowContext);

// Whether a node is YAML null: nothing, ~ or null written plain.
bool isNullScalar(const yaml::Node &n);

std::string singleQuoted(std::string_view text); // 'it''s'; text holds no control character
std::string doubleQuoted(std::string_view text); // "a\nb", UTF-8 kept as is

// The source text of a string value. preferred: the style the value had
// (kept when it can hold the new value); Plain when it had none.
std::string renderString(std::string_view text, yaml::ScalarStyle preferred, bool flowContext);

} // namespace osh::edit
