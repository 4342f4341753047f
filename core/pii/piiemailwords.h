#pragma once
// Email addresses written with words instead of '@' and '.': "jane [at]
// example [dot] com", "jane(at)example(dot)com", "jane {at} example.com"
// anywhere; "jane at example dot com" only within 48 bytes after an email
// keyword ("email", "e-mail", "mail": a JSON field "contact_email", a line
// "Email:"). Dots may be '.' or "dot" in brackets or between blanks. The
// address they stand for must pass the same checks as one written with
// '@' (local part, labels, alphabetic TLD). The match is the whole written
// form, words and brackets included, so redaction removes all of it.

#include "piidetector.h"

#include <cstddef>
#include <optional>
#include <string_view>

namespace osh::pii {

// A hit that ends right after the closing bracket of "[at]", "(at)",
// "{at}", "<at>" (a blank inside allowed).
std::optional<PiiMatch> confirmEmailBracketedAt(std::string_view text, std::size_t end);

// A hit of the keyword "mail" ending at keywordEnd.
std::optional<PiiMatch> confirmEmailAfterKeyword(std::string_view text, std::size_t keywordEnd);

} // namespace osh::pii
