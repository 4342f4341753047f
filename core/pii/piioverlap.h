#pragma once
// Overlap resolution between confirmed matches of different patterns.

#include "piidetector.h"

#include <vector>

namespace osh::pii {

// Tie-break rank when two overlapping matches are equally long; lower wins:
// secret > credit_card > iban > ssn > email > ip_address > phone.
int typePriority(PiiType t);

// Keeps the longest of overlapping matches (ties: typePriority, then the
// earlier one), drops exact duplicates, and returns the survivors in text order.
std::vector<PiiMatch> resolveOverlaps(std::vector<PiiMatch> candidates);

} // namespace osh::pii
