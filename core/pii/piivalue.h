#pragma once
// PII in structured values (lists, maps, numbers), the way contains_pii(),
// pii_count() and redaction see them: every string, every number's decimal
// text and every map key is scanned separately, to a bounded depth. null and
// booleans hold no text, so they hold no PII. Shared by the condition
// language and the decision engine so that what a condition finds is exactly
// what redaction replaces.

#include "piidetector.h"
#include "piitype.h"

#include "util/value.h"

#include <cstddef>
#include <functional>
#include <optional>
#include <string>

namespace osh::pii {

// Lists and maps nested deeper than this are an error, not "no PII".
constexpr int kMaxValueDepth = 64;

// The text a scalar is scanned as: a string itself, a number in decimal
// (a card number sent as a JSON number must not escape), nothing otherwise.
std::optional<std::string> scannedText(const Value &v);

// Matches of the given types in v. stopAtFirst: 0 or 1 (for contains_pii).
// Empty with error set when v is nested deeper than kMaxValueDepth.
std::optional<std::size_t> countInValue(const Value &v, PiiTypeSet types, bool stopAtFirst, std::string &error);

// v with every string (and number, and map key) that holds PII of the given
// types redacted; everything else is kept as it was, so the structure, the
// other keys, numbers and booleans are unchanged. A number holding PII
// becomes the redacted string. Throws std::runtime_error when v is too deep
// or two redacted keys of one map collide (nothing may go out unredacted).
Value redactInValue(const Value &v, PiiTypeSet types);

// Calls visit(where, text, match) for the first `limit` matches in v, in
// the order countInValue() reads them: where is the string's place inside
// v (".body", "[2].to", ".note (key)" for a map key; empty for v itself),
// built from keys with their PII of every type redacted, so it holds none,
// each key cut to 64 bytes. Stops quietly at kMaxValueDepth (countInValue
// reports that).
void forEachMatch(const Value &v, PiiTypeSet types, std::size_t limit,
    const std::function<void(const std::string &where, std::string_view text, const PiiMatch &match)> &visit);

} // namespace osh::pii
