#pragma once
// The candidate patterns compiled into the detector's one Hyperscan database.
//
// Hyperscan is fastest when a pattern has a literal to anchor on; every
// literal-free pattern (digit classes) adds an automaton that runs over the
// whole input. So numeric types share one cheap "number gate", and all other
// patterns are short triggers anchored on a literal ('@', "::", "AKIA",
// IBAN country codes ...). The exact extent and validity of a match are
// worked out by the confirmation step (piicandidate.h), which also does the
// boundary checks Hyperscan cannot (it has no lookaround). Nothing needs
// start-of-match tracking, which keeps the scan free of SOM overhead.

#include "piitype.h"

#include <cstdint>
#include <span>

namespace osh::pii {

enum class PatternKind : std::uint8_t {
    NumberGate, // ssn, credit_card, North American phone, IPv4 (piinumbers.h)
    Email,
    PhoneIntl,
    Ipv6,
    Iban,              // country code and check digits at the text's start, any case (caseless)
    IbanAfterBoundary, // the same after a character that is not a word's
    AwsKey,
    GithubToken,
    GithubPat,
    GitlabToken,
    SlackToken,
    PemPrivateKey,
    Jwt,
    SsnKeyword, // "ssn", "social security" (any case): a bare 9-digit number after it
    EmailWordAt,  // "[at]", "( at )" ... (any case): an address written with words (piiemailwords.h)
    EmailKeyword, // "mail" (any case): "jane at example dot com" after it
};

struct PatternSpec
{
    PatternKind kind = PatternKind::NumberGate;
    PiiTypeSet types; // what a candidate of this pattern can turn out to be
    const char *expression = nullptr;
    // Match length when fixed, so start = end - fixedLength; 0 when the
    // confirmation step only needs the end offset.
    unsigned fixedLength = 0;
};

// Index in this table == Hyperscan pattern id.
std::span<const PatternSpec> candidatePatterns();

} // namespace osh::pii
