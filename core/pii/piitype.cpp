#include "piitype.h"

#include <array>

namespace osh::pii {

namespace {
constexpr std::array<std::string_view, kPiiTypeCount> kNames = {
    "ssn", "credit_card", "email", "phone", "ip_address", "iban", "secret"};
}

std::string_view typeName(PiiType t) { return kNames[static_cast<size_t>(t)]; }

std::optional<PiiType> typeFromName(std::string_view name)
{
    for (size_t i = 0; i < kNames.size(); ++i)
        if (kNames[i] == name)
            return static_cast<PiiType>(i);
    return std::nullopt;
}

std::vector<std::string_view> allTypeNames() { return {kNames.begin(), kNames.end()}; }

} // namespace osh::pii
