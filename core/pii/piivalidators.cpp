#include "piivalidators.h"

#include "piichars.h"

#include <phonenumbers/phonenumberutil.h>

#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <string>

namespace osh::pii {

namespace {

bool isUpper(char c)
{
    return c >= 'A' && c <= 'Z';
}
bool isLower(char c)
{
    return c >= 'a' && c <= 'z';
}

// Leading digits of s as a number (s must be at least n digits long).
int prefixValue(std::string_view s, std::size_t n)
{
    int v = 0;
    for (std::size_t i = 0; i < n; ++i)
        v = v * 10 + (s[i] - '0');
    return v;
}

struct IssuerRule
{
    std::string_view name;
    int prefixDigits; // how many leading digits lo/hi describe
    int lo, hi; // inclusive prefix range
    int minLen, maxLen;
};

// Most specific ranges first: the first rule whose prefix and length fit wins.
constexpr std::array<IssuerRule, 21> kIssuers {{
    {"amex", 2, 34, 34, 15, 15},
    {"amex", 2, 37, 37, 15, 15},
    {"visa", 1, 4, 4, 13, 19},
    {"mastercard", 2, 51, 55, 16, 16},
    {"mastercard", 4, 2221, 2720, 16, 16},
    {"mir", 4, 2200, 2204, 16, 19},
    {"discover", 4, 6011, 6011, 16, 19},
    {"discover", 3, 644, 649, 16, 19},
    {"discover", 2, 65, 65, 16, 19},
    {"diners", 3, 300, 305, 14, 19},
    {"diners", 4, 3095, 3095, 14, 19},
    {"diners", 2, 36, 36, 14, 19},
    {"diners", 2, 38, 39, 16, 19},
    {"jcb", 4, 3528, 3589, 16, 19},
    {"unionpay", 2, 62, 62, 16, 19},
    {"maestro", 2, 50, 50, 13, 19},
    {"maestro", 2, 56, 58, 13, 19},
    {"maestro", 4, 6304, 6304, 13, 19},
    {"maestro", 4, 6759, 6759, 13, 19},
    {"maestro", 4, 6761, 6763, 13, 19},
    {"maestro", 2, 67, 67, 13, 19},
}};

struct IbanCountry
{
    char code[3];
    int length;
};

// SWIFT IBAN registry (release 2023); sorted by code for binary search.
constexpr IbanCountry kIbanCountries[] = {
    {"AD", 24},
    {"AE", 23},
    {"AL", 28},
    {"AT", 20},
    {"AZ", 28},
    {"BA", 20},
    {"BE", 16},
    {"BG", 22},
    {"BH", 22},
    {"BI", 27},
    {"BR", 29},
    {"BY", 28},
    {"CH", 21},
    {"CR", 22},
    {"CY", 28},
    {"CZ", 24},
    {"DE", 22},
    {"DJ", 27},
    {"DK", 18},
    {"DO", 28},
    {"EE", 20},
    {"EG", 29},
    {"ES", 24},
    {"FI", 18},
    {"FK", 18},
    {"FO", 18},
    {"FR", 27},
    {"GB", 22},
    {"GE", 22},
    {"GI", 23},
    {"GL", 18},
    {"GR", 27},
    {"GT", 28},
    {"HR", 21},
    {"HU", 28},
    {"IE", 22},
    {"IL", 23},
    {"IQ", 23},
    {"IS", 26},
    {"IT", 27},
    {"JO", 30},
    {"KW", 30},
    {"KZ", 20},
    {"LB", 28},
    {"LC", 32},
    {"LI", 21},
    {"LT", 20},
    {"LU", 20},
    {"LV", 21},
    {"LY", 25},
    {"MC", 27},
    {"MD", 24},
    {"ME", 22},
    {"MK", 19},
    {"MN", 20},
    {"MR", 27},
    {"MT", 31},
    {"MU", 30},
    {"NI", 28},
    {"NL", 18},
    {"NO", 15},
    {"OM", 23},
    {"PK", 24},
    {"PL", 28},
    {"PS", 29},
    {"PT", 25},
    {"QA", 29},
    {"RO", 24},
    {"RS", 22},
    {"RU", 33},
    {"SA", 24},
    {"SC", 31},
    {"SD", 18},
    {"SE", 24},
    {"SI", 19},
    {"SK", 24},
    {"SM", 27},
    {"SO", 23},
    {"ST", 25},
    {"SV", 28},
    {"TL", 23},
    {"TN", 24},
    {"TR", 26},
    {"UA", 29},
    {"VA", 22},
    {"VG", 24},
    {"XK", 20},
};

// Splits text into digit groups separated by one kind of single-character
// separator; returns the digits or an empty string when the layout is wrong.
std::string groupedDigits(
    std::string_view text, std::string_view allowedSeparators, std::size_t minFirstGroup, std::size_t minGroup)
{
    std::string digits;
    char sep = 0;
    std::size_t groupLen = 0;
    bool firstGroup = true;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (isDigit(c)) {
            digits.push_back(c);
            ++groupLen;
            continue;
        }
        if (allowedSeparators.find(c) == std::string_view::npos || groupLen == 0)
            return {};
        if (sep != 0 && c != sep)
            return {};
        if (groupLen < (firstGroup ? minFirstGroup : minGroup))
            return {};
        sep = c;
        firstGroup = false;
        groupLen = 0;
    }
    if (groupLen == 0)
        return {};
    return digits;
}

} // namespace

bool luhnValid(std::string_view digits)
{
    if (digits.empty())
        return false;
    int sum = 0;
    bool doubleIt = false;
    for (auto it = digits.rbegin(); it != digits.rend(); ++it) {
        if (!isDigit(*it))
            return false;
        int d = *it - '0';
        if (doubleIt) {
            d *= 2;
            if (d > 9)
                d -= 9;
        }
        sum += d;
        doubleIt = !doubleIt;
    }
    return sum % 10 == 0;
}

std::string_view cardIssuer(std::string_view digits)
{
    const auto len = static_cast<int>(digits.size());
    for (char c : digits)
        if (!isDigit(c))
            return {};
    for (const auto &rule : kIssuers) {
        if (len < rule.minLen || len > rule.maxLen || len < rule.prefixDigits)
            continue;
        const int p = prefixValue(digits, static_cast<std::size_t>(rule.prefixDigits));
        if (p >= rule.lo && p <= rule.hi)
            return rule.name;
    }
    return {};
}

bool isValidCardNumber(std::string_view text)
{
    // Printed card numbers start with a group of at least four digits and
    // never split into groups shorter than three.
    const std::string digits = groupedDigits(text, " -", 4, 3);
    if (digits.size() < 13 || digits.size() > 19)
        return false;
    return luhnValid(digits) && !cardIssuer(digits).empty();
}

bool isValidSsn(std::string_view text)
{
    std::string digits;
    if (text.size() == 11) {
        const char sep = text[3];
        if ((sep != '-' && sep != ' ') || text[6] != sep)
            return false;
        digits.append(text.substr(0, 3)).append(text.substr(4, 2)).append(text.substr(7, 4));
    } else if (text.size() == 9) {
        digits.assign(text);
    } else {
        return false;
    }
    for (char c : digits)
        if (!isDigit(c))
            return false;
    const int area = prefixValue(digits, 3);
    const int group = prefixValue(std::string_view(digits).substr(3), 2);
    const int serial = prefixValue(std::string_view(digits).substr(5), 4);
    return area != 0 && area != 666 && area < 900 && group != 0 && serial != 0;
}

int ibanLength(std::string_view countryCode)
{
    if (countryCode.size() != 2)
        return 0;
    const auto *first = std::begin(kIbanCountries);
    const auto *last = std::end(kIbanCountries);
    const auto *it = std::lower_bound(first, last, countryCode,
        [](const IbanCountry &c, std::string_view k) { return std::string_view(c.code, 2) < k; });
    return (it != last && std::string_view(it->code, 2) == countryCode) ? it->length : 0;
}

std::vector<std::string_view> ibanCountryCodes()
{
    std::vector<std::string_view> codes;
    for (const auto &c : kIbanCountries)
        codes.emplace_back(c.code, 2);
    return codes;
}

bool isValidIban(std::string_view text)
{
    // Either compact, or grouped in fours by single spaces (the last group may be shorter).
    std::string compact;
    compact.reserve(text.size());
    std::size_t groupLen = 0;
    bool spaced = false;
    for (char c : text) {
        if (c == ' ') {
            if (groupLen != 4)
                return false;
            spaced = true;
            groupLen = 0;
            continue;
        }
        if (isLower(c))
            c = static_cast<char>(c - 'a' + 'A');
        if (!isDigit(c) && !isUpper(c))
            return false;
        compact.push_back(c);
        ++groupLen;
    }
    if (groupLen == 0 || (spaced && groupLen > 4))
        return false;
    if (compact.size() < 15 || !isUpper(compact[0]) || !isUpper(compact[1]) || !isDigit(compact[2])
        || !isDigit(compact[3]))
        return false;
    if (static_cast<int>(compact.size()) != ibanLength(std::string_view(compact).substr(0, 2)))
        return false;
    const int check = prefixValue(std::string_view(compact).substr(2), 2);
    if (check < 2 || check > 98)
        return false;
    // Rearranged (BBAN + country + check digits), letters as 10..35, mod 97 digit by digit.
    const std::string rearranged = compact.substr(4) + compact.substr(0, 4);
    int mod = 0;
    for (char c : rearranged) {
        if (isDigit(c))
            mod = (mod * 10 + (c - '0')) % 97;
        else
            mod = (mod * 100 + (c - 'A' + 10)) % 97;
    }
    return mod == 1;
}

bool isValidIpv4(std::string_view text)
{
    if (text.empty() || text.size() > 15)
        return false;
    char buf[16];
    std::memcpy(buf, text.data(), text.size());
    buf[text.size()] = '\0';
    in_addr addr {};
    return inet_pton(AF_INET, buf, &addr) == 1;
}

bool isValidIpv6(std::string_view text)
{
    if (text.size() < 2 || text.size() > 45)
        return false;
    char buf[46];
    std::memcpy(buf, text.data(), text.size());
    buf[text.size()] = '\0';
    in6_addr addr {};
    return inet_pton(AF_INET6, buf, &addr) == 1;
}

bool isValidPhoneNumber(std::string_view text, std::string_view defaultRegion)
{
    using i18n::phonenumbers::PhoneNumber;
    using i18n::phonenumbers::PhoneNumberUtil;
    // libphonenumber's own limit; longer input is never a phone number.
    if (text.empty() || text.size() > 250)
        return false;
    const PhoneNumberUtil *util = PhoneNumberUtil::GetInstance();
    PhoneNumber number;
    if (util->Parse(std::string(text), std::string(defaultRegion), &number) != PhoneNumberUtil::NO_PARSING_ERROR)
        return false;
    return util->IsValidNumber(number);
}

} // namespace osh::pii

namespace osh::pii {

bool isValidPhoneNumber(int countryCode, std::uint64_t nationalNumber)
{
    using i18n::phonenumbers::PhoneNumber;
    using i18n::phonenumbers::PhoneNumberUtil;
    struct Entry
    {
        std::uint64_t key = 0; // 0: empty
        bool valid = false;
    };
    thread_local std::array<Entry, 256> cache {};
    // National numbers have at most 15 digits (< 2^50), country codes 3 (< 2^10).
    const std::uint64_t key = ((static_cast<std::uint64_t>(countryCode) << 52) | nationalNumber) + 1;
    Entry &slot = cache[static_cast<std::size_t>((key * 0x9E3779B97F4A7C15ULL) >> 56)];
    if (slot.key == key)
        return slot.valid;
    PhoneNumber number;
    number.set_country_code(countryCode);
    number.set_national_number(nationalNumber);
    slot = Entry {key, PhoneNumberUtil::GetInstance()->IsValidNumber(number)};
    return slot.valid;
}

} // namespace osh::pii
