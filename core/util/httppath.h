#pragma once
// Request paths as the network guardian's rules see them: `paths` globs and
// the normal form a path must have before a glob may allow it.

#include <optional>
#include <string>
#include <string_view>

namespace osh::http {

// Whether pattern is a valid `paths` glob: it starts with '/', holds no
// whitespace, control character, '?', '#' or '%', and '**' only stands as a
// whole segment. On false, *why says what is wrong.
bool isValidPathGlob(std::string_view pattern, std::string *why = nullptr);

// Matches a decoded path against a glob: '*' matches within one segment (no
// '/'), '**' any number of whole segments; "/v1/**" matches "/v1" itself too.
// Iterative with backtracking bounded by the pattern's stars: linear in the
// path for the patterns the validator accepts, never exponential.
bool pathGlobMatches(std::string_view pattern, std::string_view path);

// Why a decoded path is not in normal form, when it is not: dot segments
// ("/./", "/../", a trailing "/." or "/.."), a backslash, an empty segment
// ("//"), a ';' path parameter or a NUL. A rule with paths allows only paths in normal form, so an
// origin that resolves them differently cannot be led outside the globs.
std::optional<std::string> pathAmbiguity(std::string_view decodedPath);

} // namespace osh::http
