#pragma once
// Why the detector reported a match: the check that accepted it, the
// context word it needed, and what the scan had to see through to read it
// (folded characters, separators, a line break, an encoding). Computed on
// demand for a match find() returned (PiiDetector::explain), so the scan
// itself carries nothing extra. Holds no byte of the matched text: a trace
// that keeps it can go to the audit log.

#include <string>
#include <string_view>
#include <vector>

namespace osh::pii {

struct PiiWhy
{
    // The validator that accepted the match: "luhn" (credit_card),
    // "ssn_ranges", "mod97" (iban), "libphonenumber", "inet_pton"
    // (ip_address), "email_structure", "secret_format".
    std::string_view check;
    // What the check found: the card's issuer ("visa"), the kind of secret
    // ("aws_access_key_id", "github_token", "jwt", "pem_private_key", ...),
    // "ipv4"/"ipv6", "north_american"/"international" for phones.
    std::string_view detail;
    // The context word a match needed: "ssn" or "social security" (a bare
    // nine-digit SSN), "email" (an address written with a bare "at");
    // empty when none was needed. Always one of these fixed words, never
    // text of the agent's around them.
    std::string_view keyword;
    // What the scan read through, outermost first: "base64", "hex",
    // "folded_characters" (fullwidth, other scripts' digits, Unicode
    // dashes and spaces), "invisible_characters" (zero-width, soft
    // hyphens), "mixed_separators", "line_break", "string_boundary",
    // "lower_case" (iban), "words_for_at_dot" (email).
    std::vector<std::string_view> seen;
};

} // namespace osh::pii
