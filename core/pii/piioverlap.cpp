#include "piioverlap.h"

#include <algorithm>
#include <iterator>
#include <map>

namespace osh::pii {

int typePriority(PiiType t)
{
    switch (t) {
    case PiiType::Secret: return 0;
    case PiiType::CreditCard: return 1;
    case PiiType::Iban: return 2;
    case PiiType::Ssn: return 3;
    case PiiType::Email: return 4;
    case PiiType::IpAddress: return 5;
    case PiiType::Phone: return 6;
    }
    return 7;
}

std::vector<PiiMatch> resolveOverlaps(std::vector<PiiMatch> candidates)
{
    if (candidates.size() < 2)
        return candidates;
    std::sort(candidates.begin(), candidates.end(), [](const PiiMatch &a, const PiiMatch &b) {
        const auto la = a.end - a.begin, lb = b.end - b.begin;
        if (la != lb)
            return la > lb;
        if (typePriority(a.type) != typePriority(b.type))
            return typePriority(a.type) < typePriority(b.type);
        return a.begin < b.begin;
    });
    std::map<std::size_t, PiiMatch> kept; // by begin; intervals never overlap
    for (const PiiMatch &m : candidates) {
        auto next = kept.lower_bound(m.begin);
        if (next != kept.end() && next->second.begin < m.end)
            continue;
        if (next != kept.begin() && std::prev(next)->second.end > m.begin)
            continue;
        kept.emplace_hint(next, m.begin, m);
    }
    std::vector<PiiMatch> result;
    result.reserve(kept.size());
    for (auto &[begin, m] : kept)
        result.push_back(m);
    return result;
}

} // namespace osh::pii
