#pragma once
// ASCII character classes the PII scanners share (the detectors work on
// bytes; anything outside ASCII is neither a digit nor a word character).

namespace osh::pii {

constexpr bool isDigit(char c) { return c >= '0' && c <= '9'; }
constexpr bool isAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
constexpr bool isAlnum(char c) { return isDigit(c) || isAlpha(c); }
// Identifier characters: a match glued to one is part of a longer token.
constexpr bool isWord(char c) { return isAlnum(c) || c == '_'; }
// What may separate the groups of a written number: "4111 1111", "555-2671".
constexpr bool isSep(char c) { return c == ' ' || c == '.' || c == '-'; }

} // namespace osh::pii
