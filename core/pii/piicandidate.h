#pragma once
// Confirmation of raw Hyperscan hits: the real extent of the candidate, the
// boundary and context checks Hyperscan cannot express (no lookaround), and
// the type's validator. Everything reads the full text, so a hit is judged
// with its real surroundings whichever scan window reported it.

#include "piidetector.h"
#include "piipatterns.h"

#include <cstddef>
#include <optional>
#include <string_view>
#include <vector>

namespace osh::pii {

// Regions already examined during one scan: a number cluster or an IPv6-ish
// run yields several gate hits, but needs parsing only once.
struct ConfirmState
{
    std::size_t numberBegin = 0, numberEnd = 0;
    std::size_t ipv6Begin = 0, ipv6End = 0;
};

// Appends the confirmed matches (of the wanted types) for the hit of spec
// that ends at offset end.
void confirmCandidate(std::string_view text, const PatternSpec &spec, std::size_t end, PiiTypeSet wanted,
    ConfirmState &state, std::vector<PiiMatch> &out);

// An address written with '@' at offset at: its whole extent, when the
// local part, the domain's labels and its TLD hold.
std::optional<PiiMatch> confirmEmailAt(std::string_view text, std::size_t at);

// True when the word right before offset (skipping up to three blanks, ':'
// or '=') says the dotted number there is a version or a section number, not
// an address: "version", "ver", "v", "release", "build", "section",
// "clause", "subclause", "chapter", or the sign "§".
bool precededByNumberingWord(std::string_view text, std::size_t offset);

} // namespace osh::pii
