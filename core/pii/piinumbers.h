#pragma once
// Numeric PII (ssn, credit_card, North American phone, IPv4) from a "number
// cluster": digit groups joined by single separators (' ', '.', '-') or by a
// phone area code in parentheses. One cheap Hyperscan gate finds clusters;
// the typed shapes are then matched here on the group sequence, which is far
// cheaper than running one automaton per numeric type over every byte.

#include "piidetector.h"

#include <array>
#include <cstddef>
#include <string_view>
#include <vector>

namespace osh::pii {

struct NumberGroup
{
    std::size_t begin; // for a parenthesised group: the '(' ...
    std::size_t end; // ... and one past the ')'
    bool paren;
    std::size_t digits() const { return paren ? end - begin - 2 : end - begin; }
};

// Fixed capacity: the scan builds one per gate hit, so no heap allocation.
struct NumberCluster
{
    static constexpr std::size_t kMaxGroups = 32;
    std::size_t begin = 0;
    std::size_t end = 0;
    std::size_t count = 0;
    // Only [0, count) is meaningful, the rest stays uninitialised (the scan
    // builds a cluster per gate hit). seps[k] joins groups[k-1] and groups[k];
    // '\0' means adjacent ("(415)555-2671"); seps[0] is unused.
    std::array<NumberGroup, kMaxGroups> groups; // NOLINT(cppcoreguidelines-pro-type-member-init)
    std::array<char, kMaxGroups> seps; // NOLINT(cppcoreguidelines-pro-type-member-init)
    bool truncatedLeft = false; // hit a size cap: the real cluster goes on
    bool truncatedRight = false;
};

// The end of the separator run at pos that may join two groups of a number
// written to escape notice, or pos when there is none: up to 16 bytes of
// spaces, tabs, '-', '.' and '/' with at most one line break ("\n",
// "\r\n", or a JSON escape "\n" as two characters) and at most one string
// boundary (a closing and an opening quote, ',' or '+' between them, as in
// "4111 1111",\n  "1111 1111"). Numbers (cards, SSNs, phones) and IBANs
// accept such runs between their groups; the validators still decide.
std::size_t separatorRunEnd(std::string_view text, std::size_t pos);

// The cluster around the digit at offset anchor.
NumberCluster numberClusterAt(std::string_view text, std::size_t anchor);

// Confirmed numeric matches in the cluster, of the types in wanted, appended to out.
void findNumericPii(std::string_view text, const NumberCluster &cluster, PiiTypeSet wanted, std::vector<PiiMatch> &out);

} // namespace osh::pii
