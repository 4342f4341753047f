#pragma once
// The PII types of spec section 6 and a compact set of them.

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace osh::pii {

enum class PiiType : std::uint8_t { Ssn, CreditCard, Email, Phone, IpAddress, Iban, Secret };
inline constexpr int kPiiTypeCount = 7;

std::string_view typeName(PiiType t); // "ssn", "credit_card", ...
std::optional<PiiType> typeFromName(std::string_view name);
std::vector<std::string_view> allTypeNames();

// A set of PII types as a bit mask; the default set is "all".
class PiiTypeSet
{
public:
    constexpr PiiTypeSet() = default;
    static constexpr PiiTypeSet all() { return PiiTypeSet((1u << kPiiTypeCount) - 1); }
    constexpr PiiTypeSet &add(PiiType t) { m_bits |= 1u << static_cast<unsigned>(t); return *this; }
    constexpr PiiTypeSet &unite(PiiTypeSet o) { m_bits |= o.m_bits; return *this; }
    constexpr bool has(PiiType t) const { return m_bits & (1u << static_cast<unsigned>(t)); }
    constexpr bool empty() const { return m_bits == 0; }
    constexpr std::uint32_t bits() const { return m_bits; }
    friend constexpr bool operator==(PiiTypeSet, PiiTypeSet) = default;

private:
    constexpr explicit PiiTypeSet(std::uint32_t bits) : m_bits(bits) {}
    std::uint32_t m_bits = 0;
};

} // namespace osh::pii
