#pragma once
// Finds and redacts PII (spec section 6) in UTF-8 text. Candidates come from
// one Hyperscan database scanned in a single pass; each candidate is then
// confirmed by its type's validator (Luhn, SSN ranges, IBAN mod-97,
// libphonenumber, address parsing). Base64 and hex blobs that decode to text
// are scanned too (piiencoded.h). Thread-safe: scratch space is per thread.

#include "piitype.h"
#include "piiwhy.h"

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace osh::pii {

struct PiiMatch
{
    PiiType type;
    std::size_t begin; // byte offsets into the scanned text, [begin, end)
    std::size_t end;
    friend bool operator==(const PiiMatch &, const PiiMatch &) = default;
};

class PiiDetector
{
public:
    // The process-wide detector (the Hyperscan database is compiled once).
    static const PiiDetector &instance();

    // Confirmed, non-overlapping matches of the requested types, in text order.
    std::vector<PiiMatch> find(std::string_view text, PiiTypeSet types = PiiTypeSet::all()) const;
    bool contains(std::string_view text, PiiTypeSet types = PiiTypeSet::all()) const;
    std::size_t count(std::string_view text, PiiTypeSet types = PiiTypeSet::all()) const;

    // Every match replaced by "[REDACTED:<type>]".
    std::string redact(std::string_view text, PiiTypeSet types = PiiTypeSet::all()) const;

    // Why match (one find() returned for text) was reported (piiwhy.h).
    // Reads the match and the few bytes before it again: for traces, not
    // for the scan's hot path.
    PiiWhy explain(std::string_view text, const PiiMatch &match) const;

    PiiDetector(const PiiDetector &) = delete;
    PiiDetector &operator=(const PiiDetector &) = delete;
    ~PiiDetector();

private:
    PiiDetector();
    // depth: how many encodings the text was decoded from (piiencoded.h).
    std::vector<PiiMatch> findAt(std::string_view text, PiiTypeSet types, int depth) const;
    PiiWhy explainAt(std::string_view text, const PiiMatch &match, int depth) const;
    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace osh::pii
