#pragma once
// Maps a byte offset inside a scalar's value back to the byte offset in the
// source where that character was written, undoing quoting, escapes, block
// indentation and line folding. Used to put condition diagnostics at the
// exact file:line:col.

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace osh::yaml {

enum class ScalarStyle : std::uint8_t;

// source: the whole file; nodeOffset: where the scalar starts (its quote or
// block indicator); value: the parsed scalar; valueOffset: a byte offset into
// value (value.size() maps to just after the last character).
std::size_t sourceOffsetInScalar(std::string_view source, std::size_t nodeOffset, ScalarStyle style,
                                 std::string_view value, std::size_t valueOffset);

} // namespace osh::yaml
