#pragma once
// Checksum and range checks that confirm PII candidates. Free functions so the
// tests can exercise them directly; all are pure and thread-safe.

#include <cstdint>
#include <string_view>
#include <vector>

namespace osh::pii {

// Luhn (mod 10) over a string of ASCII digits; false for empty or non-digit input.
bool luhnValid(std::string_view digits);

// The issuer whose prefix and length rules a digit string satisfies
// ("visa", "mastercard", "amex", ...), or empty when none does.
std::string_view cardIssuer(std::string_view digits);

// A card number as written: 13-19 digits, optionally split into groups by one
// kind of separator (single space or '-'), Luhn-valid, known issuer.
bool isValidCardNumber(std::string_view text);

// "AAA-GG-SSSS", "AAA GG SSSS" or nine plain digits, outside the ranges the
// SSA never assigns (area 000, 666, 900-999; group 00; serial 0000).
bool isValidSsn(std::string_view text);

// Registered IBAN length for a two-letter country code, or 0 when unknown.
int ibanLength(std::string_view countryCode);
// Every country code ibanLength knows, in ascending order.
std::vector<std::string_view> ibanCountryCodes();

// Country code, two check digits and BBAN, optionally grouped by single spaces
// every four characters; length per country and ISO 13616 mod-97 == 1.
bool isValidIban(std::string_view text);

// Dotted quad with octets 0-255 and no leading zeros (inet_pton rules).
bool isValidIpv4(std::string_view text);
bool isValidIpv6(std::string_view text);

// libphonenumber Parse + IsValidNumber, numbers without a '+' read in region.
bool isValidPhoneNumber(std::string_view text, std::string_view defaultRegion = "US");

// libphonenumber IsValidNumber for an already split number (what Parse would
// produce), skipping Parse's cost. Results are memoised per thread, since
// logs repeat the same few numbers.
bool isValidPhoneNumber(int countryCode, std::uint64_t nationalNumber);

} // namespace osh::pii
