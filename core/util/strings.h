#pragma once
// Small string helpers shared by the loader, validator and condition checker.

#include <string>
#include <string_view>
#include <vector>

namespace osh {

// Damerau-free Levenshtein distance, capped: returns > cap as cap + 1 early.
int editDistance(std::string_view a, std::string_view b, int cap = 8);

// The closest candidate within a distance that scales with the word's length,
// or empty when nothing is close ("did you mean ...").
std::string closestMatch(std::string_view word, const std::vector<std::string_view> &candidates);

std::string toLowerAscii(std::string_view s);

// Number of Unicode code points in a UTF-8 string (invalid bytes count as one each).
int utf8Length(std::string_view s);

bool isValidUtf8(std::string_view s, size_t *badOffset = nullptr);
// Makes s valid UTF-8 without NUL bytes: each invalid byte and each NUL
// becomes U+FFFD. True when something was replaced.
bool repairUtf8(std::string &s);

// At most the first / last n bytes of s, not cutting a UTF-8 sequence in two.
std::string_view utf8Head(std::string_view s, std::size_t n);
std::string_view utf8Tail(std::string_view s, std::size_t n);

} // namespace osh
