// The labelled PII corpus (piicorpus.h). Every value is generated, never
// copied from a list of real data: card numbers carry a valid Luhn digit
// behind a real issuer prefix, SSNs lie in the issued ranges, IBANs carry
// correct mod-97 check digits, phone numbers use assigned area codes and
// exchanges (valid for libphonenumber), and the hard negatives are built to
// fail exactly the check that tells them apart (Luhn, SSN ranges, mod-97,
// no SSN keyword, a version keyword before a dotted quad).
//
// The obfuscated slice only uses forms docs/pii.md names as in scope, one
// category each: other digit scripts, fullwidth text, invisible
// characters, Unicode spaces and dashes, separator runs, line breaks, string
// boundaries, lower-case IBANs, bare SSNs after a keyword, addresses written
// with words, base64 and hex blobs.

#include "piicorpus.h"

#include "lcg.h"

#include "util/value.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace osh::bench {
namespace {

using Sv = std::string_view;

enum class Kind { Ticket, Log, Json, Code, Chat, Email };
constexpr std::array<Sv, 6> kKindNames = {"ticket", "log", "json", "code", "chat", "email"};

void appendUtf8(std::string &out, char32_t cp)
{
    if (cp < 0x80) {
        out += static_cast<char>(cp);
    } else if (cp < 0x800) {
        out += static_cast<char>(0xC0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out += static_cast<char>(0xE0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (cp >> 18));
        out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    }
}

std::string utf8(char32_t cp)
{
    std::string s;
    appendUtf8(s, cp);
    return s;
}

std::string digits(Lcg &rng, int n)
{
    std::string s;
    for (int i = 0; i < n; ++i)
        s += static_cast<char>('0' + rng.below(10));
    return s;
}

std::string padded(unsigned v, int width)
{
    std::string s = std::to_string(v);
    return std::string(s.size() < static_cast<std::size_t>(width) ? width - s.size() : 0, '0') + s;
}

std::string hexString(Lcg &rng, int n, bool upper = false)
{
    const char *alphabet = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    std::string s;
    for (int i = 0; i < n; ++i)
        s += alphabet[rng.below(16)];
    return s;
}

int luhnCheckDigit(std::string_view body)
{
    int sum = 0;
    for (std::size_t i = 0; i < body.size(); ++i) {
        int d = body[body.size() - 1 - i] - '0';
        if (i % 2 == 0 && (d *= 2) > 9)
            d -= 9;
        sum += d;
    }
    return (10 - sum % 10) % 10;
}

// --- values -----------------------------------------------------------------

// A digit string cut into groups (a card, an SSN, a NANP number).
struct Groups
{
    std::vector<std::string> parts;
    std::string joined(Sv sep) const
    {
        std::string s;
        for (std::size_t i = 0; i < parts.size(); ++i)
            s += (i ? std::string(sep) : std::string()) + parts[i];
        return s;
    }
    std::string plain() const { return joined(""); }
};

Groups cutGroups(const std::string &d, std::initializer_list<int> sizes)
{
    Groups g;
    std::size_t at = 0;
    for (int n : sizes) {
        g.parts.push_back(d.substr(at, n));
        at += n;
    }
    return g;
}

// A card of a real issuer and length, Luhn-valid unless breakLuhn.
Groups card(Lcg &rng, bool breakLuhn = false)
{
    std::string body;
    int length = 16;
    switch (rng.below(8)) {
    case 0:
    case 1: body = "4"; break; // Visa
    case 2: body = "5" + std::to_string(1 + rng.below(5)); break; // Mastercard 51-55
    case 3: body = std::to_string(2221 + rng.below(500)); break; // Mastercard 2221-2720
    case 4:
        body = rng.chance(50) ? "34" : "37";
        length = 15;
        break; // Amex
    case 5: body = rng.chance(50) ? "6011" : "65"; break; // Discover
    case 6: body = rng.chance(50) ? std::to_string(3528 + rng.below(62)) : "62"; break; // JCB, UnionPay
    default:
        body = "36";
        length = 14;
        break; // Diners
    }
    body += digits(rng, length - 1 - static_cast<int>(body.size()));
    int check = luhnCheckDigit(body);
    if (breakLuhn)
        check = (check + 1 + static_cast<int>(rng.below(9))) % 10;
    const std::string d = body + static_cast<char>('0' + check);
    if (length == 15)
        return cutGroups(d, {4, 6, 5});
    if (length == 14)
        return cutGroups(d, {4, 6, 4});
    return cutGroups(d, {4, 4, 4, 4});
}

enum class SsnFlaw { None, Area, Group, Serial };

Groups ssn(Lcg &rng, SsnFlaw flaw = SsnFlaw::None)
{
    unsigned area = 1 + rng.below(899);
    if (area == 666)
        area = 667;
    unsigned group = 1 + rng.below(99);
    unsigned serial = 1 + rng.below(9999);
    if (flaw == SsnFlaw::Area) {
        const std::array<unsigned, 3> bad = {0, 666, 900 + rng.below(100)};
        area = rng.pick(bad);
    } else if (flaw == SsnFlaw::Group) {
        group = 0;
    } else if (flaw == SsnFlaw::Serial) {
        serial = 0;
    }
    return Groups {{padded(area, 3), padded(group, 2), padded(serial, 4)}};
}

// Area codes in service (libphonenumber's US and CA metadata list them);
// exchanges start with 2-9 and avoid 555 (fictional numbers).
Groups nanp(Lcg &rng)
{
    constexpr std::array<Sv, 16> kAreas = {
        "415", "650", "212", "312", "617", "206", "512", "303", "646", "718", "202", "305", "404", "713", "416", "604"};
    unsigned exchange = 200 + rng.below(800);
    if (exchange == 555)
        exchange = 556;
    return Groups {{std::string(rng.pick(kAreas)), std::to_string(exchange), padded(rng.below(10000), 4)}};
}

// International numbers with a +country code, written as their countries
// group them; all in ranges libphonenumber accepts (London's drama range
// 020 7946 0xxx, also with the UK trunk prefix written "(0)"; not the mobile
// drama range 07700 900xxx, which it rejects).
std::string intlPhone(Lcg &rng, bool compact)
{
    std::vector<std::string> g;
    switch (rng.below(8)) {
    case 0: g = {"+44", !compact && rng.chance(30) ? "(0)20" : "20", "7946", "0" + digits(rng, 3)}; break;
    case 1: g = {"+44", "740" + digits(rng, 1), digits(rng, 6)}; break;
    case 2: g = {"+33", "1", std::to_string(40 + rng.below(10)), digits(rng, 2), digits(rng, 2), digits(rng, 2)}; break;
    case 3: g = {"+33", "6", std::to_string(10 + rng.below(20)), digits(rng, 2), digits(rng, 2), digits(rng, 2)}; break;
    case 4: g = {"+49", "30", std::to_string(2 + rng.below(8)) + digits(rng, 7)}; break;
    case 5: g = {"+81", "3", std::to_string(3 + rng.below(4)) + digits(rng, 3), digits(rng, 4)}; break;
    case 6: g = {"+61", "2", "9" + digits(rng, 3), digits(rng, 4)}; break;
    default:
        g = {"+34", "91", std::to_string(2 + rng.below(8)) + digits(rng, 2), digits(rng, 2), digits(rng, 2)};
        break;
    }
    std::string s;
    for (std::size_t i = 0; i < g.size(); ++i)
        s += (i && !compact ? " " : "") + g[i];
    return s;
}

struct Email
{
    std::string local;
    std::vector<std::string> domain; // labels, TLD last
    std::string plain() const
    {
        std::string s = local + "@";
        for (std::size_t i = 0; i < domain.size(); ++i)
            s += (i ? "." : "") + domain[i];
        return s;
    }
};

Email email(Lcg &rng)
{
    constexpr std::array<Sv, 12> kFirst
        = {"jane", "john", "maria", "wei", "priya", "omar", "lena", "sam", "ana", "k", "olga", "tom"};
    constexpr std::array<Sv, 10> kLast
        = {"doe", "smith", "garcia", "chen", "patel", "haddad", "fischer", "lee", "silva", "novak"};
    constexpr std::array<Sv, 4> kRoles = {"billing", "support", "ops", "hr"};
    const std::vector<std::vector<std::string>> kDomains
        = {{"example", "com"}, {"acme-corp", "io"}, {"mail", "example", "org"}, {"contoso", "co", "uk"},
            {"globex", "net"}, {"initech", "com"}, {"example", "de"}, {"uni-hamburg", "de"}};
    Email e;
    switch (rng.below(5)) {
    case 0: e.local = std::string(rng.pick(kFirst)) + "." + std::string(rng.pick(kLast)); break;
    case 1: e.local = std::string(rng.pick(kFirst)) + std::to_string(rng.below(100)); break;
    case 2: e.local = std::string(rng.pick(kRoles)); break;
    case 3: e.local = std::string(rng.pick(kFirst)) + "_" + std::string(rng.pick(kLast)); break;
    default: e.local = std::string(rng.pick(kFirst)) + "+" + std::string(rng.pick(kRoles)); break;
    }
    e.domain = rng.pick(kDomains);
    return e;
}

std::string ipv4(Lcg &rng)
{
    std::array<unsigned, 4> o {};
    switch (rng.below(5)) {
    case 0: o = {10, rng.below(256), rng.below(256), 1 + rng.below(254)}; break;
    case 1: o = {192, 168, rng.below(256), 1 + rng.below(254)}; break;
    case 2: o = {172, 16 + rng.below(16), rng.below(256), 1 + rng.below(254)}; break;
    case 3: o = {203, 0, 113, 1 + rng.below(254)}; break;
    default: o = {11 + rng.below(212), rng.below(256), rng.below(256), 1 + rng.below(254)}; break;
    }
    return std::to_string(o[0]) + "." + std::to_string(o[1]) + "." + std::to_string(o[2]) + "." + std::to_string(o[3]);
}

std::string ipv6(Lcg &rng, std::string &form)
{
    switch (rng.below(4)) {
    case 0:
        form = "ipv6_compressed";
        return "2001:db8:" + hexString(rng, 4) + "::" + hexString(rng, 1 + rng.below(4)) + ":"
            + std::to_string(rng.below(9999));
    case 1:
        form = "ipv6_compressed";
        return "fe80::" + std::to_string(1 + rng.below(9)) + hexString(rng, 3) + ":" + hexString(rng, 4) + ":"
            + hexString(rng, 4) + ":" + std::to_string(1000 + rng.below(9000));
    case 2: {
        form = "ipv6_full";
        std::string s = "2001:0db8";
        for (int i = 0; i < 6; ++i)
            s += ":" + std::to_string(1000 + rng.below(9000));
        return s;
    }
    default: form = "ipv6_mapped"; return "::ffff:" + ipv4(rng);
    }
}

// An IBAN of a registered length with correct (or, for negatives, broken) check digits.
std::string iban(Lcg &rng, bool breakCheck = false)
{
    auto upper = [&](int n) {
        std::string s;
        for (int i = 0; i < n; ++i)
            s += static_cast<char>('A' + rng.below(26));
        return s;
    };
    std::string country, bban;
    switch (rng.below(8)) {
    case 0:
        country = "DE";
        bban = digits(rng, 18);
        break;
    case 1:
        country = "GB";
        bban = upper(4) + digits(rng, 14);
        break;
    case 2:
        country = "FR";
        bban = digits(rng, 23);
        break;
    case 3:
        country = "NL";
        bban = upper(4) + digits(rng, 10);
        break;
    case 4:
        country = "ES";
        bban = digits(rng, 20);
        break;
    case 5:
        country = "IT";
        bban = upper(1) + digits(rng, 22);
        break;
    case 6:
        country = "CH";
        bban = digits(rng, 17);
        break;
    default:
        country = "BE";
        bban = digits(rng, 12);
        break;
    }
    // ISO 13616: BBAN, then the country code as numbers (A=10), then "00".
    int mod = 0;
    auto feed = [&mod](char c) {
        if (c >= 'A' && c <= 'Z') {
            const int v = c - 'A' + 10;
            mod = (mod * 100 + v) % 97;
        } else {
            mod = (mod * 10 + (c - '0')) % 97;
        }
    };
    for (char c : bban + country + "00")
        feed(c);
    const int check = 98 - mod;
    if (breakCheck) {
        // One changed BBAN digit: mod-97 catches every single substitution.
        const std::size_t at = bban.find_last_of("0123456789");
        bban[at] = static_cast<char>('0' + (bban[at] - '0' + 1 + rng.below(9)) % 10);
    }
    return country + padded(check, 2) + bban;
}

std::string groupedIban(const std::string &compact, Sv sep)
{
    std::string s;
    for (std::size_t i = 0; i < compact.size(); i += 4)
        s += (i ? std::string(sep) : std::string()) + compact.substr(i, 4);
    return s;
}

std::string secret(Lcg &rng, std::string &form)
{
    constexpr Sv kAlnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    auto run = [&](Sv alphabet, int n) {
        std::string s;
        for (int i = 0; i < n; ++i)
            s += alphabet[rng.below(static_cast<std::uint32_t>(alphabet.size()))];
        return s;
    };
    switch (rng.below(5)) {
    case 0:
    case 1: form = "aws"; return (rng.chance(80) ? "AKIA" : "ASIA") + run("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16);
    case 2: form = "github"; return "ghp_" + run(kAlnum, 36);
    case 3:
        form = "github_pat";
        return "github_pat_11" + run("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", 20) + "_" + run(kAlnum, 59);
    default: form = "slack"; return "xoxb-" + digits(rng, 11) + "-" + digits(rng, 13) + "-" + run(kAlnum, 24);
    }
}

// --- obfuscation helpers ------------------------------------------------------

// Every ASCII digit written in the decimal digits that start at zero.
std::string mapDigits(Sv s, char32_t zero)
{
    std::string out;
    for (char c : s) {
        if (c >= '0' && c <= '9')
            appendUtf8(out, zero + static_cast<char32_t>(c - '0'));
        else
            out += c;
    }
    return out;
}

// Fullwidth forms (U+FF01-U+FF5E) of every printable ASCII character but the space.
std::string fullwidth(Sv s)
{
    std::string out;
    for (char c : s) {
        if (c > 0x20 && c < 0x7F)
            appendUtf8(out, 0xFF01 + static_cast<char32_t>(c - 0x21));
        else
            out += c;
    }
    return out;
}

std::string lower(std::string s)
{
    for (char &c : s)
        c = static_cast<char>(c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c);
    return s;
}

bool isAlnum(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

// count copies of the invisible character cp between ASCII letters or digits inside s.
std::string insertInvisible(Lcg &rng, std::string s, char32_t cp, int count)
{
    std::vector<std::size_t> spots;
    for (std::size_t i = 1; i < s.size(); ++i)
        if (isAlnum(s[i - 1]) && isAlnum(s[i]))
            spots.push_back(i);
    std::vector<std::size_t> chosen;
    for (int n = 0; n < count && !spots.empty(); ++n) {
        const std::size_t k = rng.below(static_cast<std::uint32_t>(spots.size()));
        chosen.push_back(spots[k]);
        spots.erase(spots.begin() + static_cast<std::ptrdiff_t>(k));
    }
    std::sort(chosen.rbegin(), chosen.rend()); // from the back: earlier positions stay valid
    for (std::size_t at : chosen)
        s.insert(at, utf8(cp));
    return s;
}

std::string base64(Sv in, bool urlSafe, bool pad)
{
    const char *alphabet = urlSafe ? "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
                                   : "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    std::size_t i = 0;
    for (; i + 2 < in.size(); i += 3) {
        const unsigned v = (static_cast<unsigned char>(in[i]) << 16) | (static_cast<unsigned char>(in[i + 1]) << 8)
            | static_cast<unsigned char>(in[i + 2]);
        out += alphabet[(v >> 18) & 63];
        out += alphabet[(v >> 12) & 63];
        out += alphabet[(v >> 6) & 63];
        out += alphabet[v & 63];
    }
    if (i < in.size()) {
        unsigned v = static_cast<unsigned char>(in[i]) << 16;
        if (i + 1 < in.size())
            v |= static_cast<unsigned char>(in[i + 1]) << 8;
        out += alphabet[(v >> 18) & 63];
        out += alphabet[(v >> 12) & 63];
        if (i + 1 < in.size())
            out += alphabet[(v >> 6) & 63];
        else if (pad)
            out += '=';
        if (pad)
            out += '=';
    }
    return out;
}

std::string hexEncode(Sv in)
{
    std::string out;
    for (char c : in) {
        out += "0123456789abcdef"[(static_cast<unsigned char>(c) >> 4) & 15];
        out += "0123456789abcdef"[static_cast<unsigned char>(c) & 15];
    }
    return out;
}

// --- pieces: one labelled item with the context it needs ---------------------

struct Piece
{
    std::string type;
    std::string form;
    std::string value; // the labelled bytes
    std::string lead; // written right before the value in prose, logs and chat ("SSN: ")
    std::string key; // JSON key or code variable; carries the keyword when the form needs one
    std::string trail; // written right after the value, inside the quotes of JSON and code (":8080", ">")
    bool leadInQuotes = false; // JSON and code write the lead inside the quotes too ("mailto:", "http://")
    bool array = false; // value holds `", "` (a string boundary): written as ["value"]
};

constexpr std::array<Sv, 5> kCardLeads = {"card ", "my card number is ", "paid with ", "CC# ", "card on file: "};
constexpr std::array<Sv, 4> kCardKeys = {"card_number", "pan", "cc", "payment_card"};
constexpr std::array<Sv, 5> kSsnLeads = {"SSN ", "ssn: ", "social security number ", "SSN is ", "taxpayer id "};
constexpr std::array<Sv, 9> kSsnKeywordLeads = {
    "SSN: ", "ssn ", "SSN#", "Social Security Number: ", "social security no. ", "ssn=", "SSN:", "SSN no: ", "SSN #: "};
constexpr std::array<Sv, 4> kSsnKeys = {"ssn", "customer_ssn", "applicant_ssn", "SSN"};
constexpr std::array<Sv, 4> kEmailLeads = {"email ", "reach me at ", "contact: ", "sent to "};
constexpr std::array<Sv, 4> kEmailKeywordLeads = {"Email: ", "e-mail ", "email me: ", "contact email: "};
constexpr std::array<Sv, 3> kEmailKeys = {"email", "contact_email", "user_email"};
constexpr std::array<Sv, 4> kPhoneLeads = {"call ", "phone: ", "mobile ", "callback number "};
constexpr std::array<Sv, 3> kPhoneKeys = {"phone", "mobile", "contact_phone"};
constexpr std::array<Sv, 4> kIpLeads = {"from ", "client ip ", "connected to ", "host "};
constexpr std::array<Sv, 4> kIpKeys = {"client_ip", "remote_addr", "server", "src_ip"};
constexpr std::array<Sv, 4> kIbanLeads = {"IBAN ", "account ", "refund to IBAN ", "pay to "};
constexpr std::array<Sv, 3> kIbanKeys = {"iban", "account_iban", "payout_iban"};
constexpr std::array<Sv, 6> kSecretLeads
    = {"key ", "token ", "credentials ", "using ", "aws_access_key_id=", "Authorization: token "};
constexpr std::array<Sv, 3> kSecretKeys = {"access_key", "token", "api_key"};

Piece piece(Sv type, std::string form, std::string value, Sv lead, Sv key)
{
    Piece p;
    p.type = type;
    p.form = std::move(form);
    p.value = std::move(value);
    p.lead = lead;
    p.key = key;
    return p;
}

// --- the ordinary slice ---

Piece ordinaryItem(Lcg &rng)
{
    const unsigned r = rng.below(100);
    if (r < 20) {
        const Groups c = card(rng);
        switch (rng.below(3)) {
        case 0: return piece("credit_card", "grouped_space", c.joined(" "), rng.pick(kCardLeads), rng.pick(kCardKeys));
        case 1: return piece("credit_card", "grouped_dash", c.joined("-"), rng.pick(kCardLeads), rng.pick(kCardKeys));
        default: return piece("credit_card", "plain", c.plain(), rng.pick(kCardLeads), rng.pick(kCardKeys));
        }
    }
    if (r < 35) {
        const Groups s = ssn(rng);
        const bool dashed = rng.chance(75);
        return piece(
            "ssn", dashed ? "dashed" : "spaced", s.joined(dashed ? "-" : " "), rng.pick(kSsnLeads), rng.pick(kSsnKeys));
    }
    if (r < 53) {
        const Email e = email(rng);
        switch (rng.below(6)) {
        case 0: { // a display name and angle brackets, as mail headers write it
            Piece p = piece("email", "angle_brackets", e.plain(), "Jane Doe <", "from");
            p.trail = ">";
            p.leadInQuotes = true;
            return p;
        }
        case 1: {
            Piece p = piece("email", "mailto", e.plain(), "mailto:", "href");
            p.leadInQuotes = true;
            return p;
        }
        case 2: { // capitals, as people type them
            std::string v = e.plain();
            const std::size_t at = v.find('@');
            for (std::size_t i : {std::size_t(0), at + 1})
                v[i] = static_cast<char>(v[i] >= 'a' && v[i] <= 'z' ? v[i] - ('a' - 'A') : v[i]);
            return piece("email", "capitals", v, rng.pick(kEmailLeads), rng.pick(kEmailKeys));
        }
        default: return piece("email", "plain", e.plain(), rng.pick(kEmailLeads), rng.pick(kEmailKeys));
        }
    }
    if (r < 71) {
        const Groups p = nanp(rng);
        std::string v, form;
        switch (rng.below(8)) {
        case 0:
            form = "nanp_parens";
            v = "(" + p.parts[0] + ") " + p.parts[1] + "-" + p.parts[2];
            break;
        case 1:
            form = "nanp_dashed";
            v = p.joined("-");
            break;
        case 2:
            form = "nanp_dotted";
            v = p.joined(".");
            break;
        case 3:
            form = "nanp_plus1";
            v = (rng.chance(50) ? "+1 " : "+1-") + p.joined("-");
            break;
        case 4:
            form = "nanp_plus1";
            v = "+1 (" + p.parts[0] + ") " + p.parts[1] + "-" + p.parts[2];
            break;
        case 5:
            form = "tollfree";
            v = "1-" + std::string(rng.chance(50) ? "800" : "888") + "-" + p.parts[1] + "-" + p.parts[2];
            break;
        case 6:
            form = "e164";
            v = rng.chance(50) ? "+1" + p.plain() : intlPhone(rng, true);
            break;
        default:
            form = "international";
            v = intlPhone(rng, false);
            break;
        }
        return piece("phone", form, v, rng.pick(kPhoneLeads), rng.pick(kPhoneKeys));
    }
    if (r < 83) {
        if (rng.chance(15)) { // with a port, or in a URL
            const bool url = rng.chance(50);
            Piece p = piece("ip_address", url ? "ipv4_url" : "ipv4_port", ipv4(rng), url ? "http://" : "", "endpoint");
            p.trail = url ? "/admin/login" : ":" + std::to_string(1024 + rng.below(60000));
            p.leadInQuotes = url;
            return p;
        }
        if (rng.chance(60))
            return piece("ip_address", "ipv4", ipv4(rng), rng.pick(kIpLeads), rng.pick(kIpKeys));
        std::string form;
        std::string v = ipv6(rng, form);
        return piece("ip_address", form, v, rng.pick(kIpLeads), rng.pick(kIpKeys));
    }
    if (r < 93) {
        const std::string i = iban(rng);
        const bool grouped = rng.chance(50);
        return piece("iban", grouped ? "grouped" : "compact", grouped ? groupedIban(i, " ") : i, rng.pick(kIbanLeads),
            rng.pick(kIbanKeys));
    }
    std::string form;
    std::string v = secret(rng, form);
    return piece("secret", form, v, rng.pick(kSecretLeads), rng.pick(kSecretKeys));
}

// --- the obfuscated slice ---

// A number of the numeric types (card, SSN, NANP phone) as groups, with its type, lead and key.
struct NumberItem
{
    Sv type;
    Groups groups;
    Sv lead;
    Sv key;
};

NumberItem numberItem(Lcg &rng, bool withPhone = true)
{
    switch (rng.below(withPhone ? 3 : 2)) {
    case 0: return {"credit_card", card(rng), rng.pick(kCardLeads), rng.pick(kCardKeys)};
    case 1: return {"ssn", ssn(rng), rng.pick(kSsnLeads), rng.pick(kSsnKeys)};
    default: return {"phone", nanp(rng), rng.pick(kPhoneLeads), rng.pick(kPhoneKeys)};
    }
}

// The usual written form of a number item: cards and phones with spaces or dashes, SSNs with dashes.
std::string usual(Lcg &rng, const NumberItem &n)
{
    if (n.type == "phone")
        return rng.chance(50) ? n.groups.joined("-")
                              : "(" + n.groups.parts[0] + ") " + n.groups.parts[1] + "-" + n.groups.parts[2];
    if (n.type == "ssn")
        return n.groups.joined("-");
    return n.groups.joined(rng.chance(50) ? " " : "-");
}

// A separator run of the kinds docs/pii.md accepts between groups.
std::string oddSeparator(Lcg &rng)
{
    constexpr std::array<Sv, 10> kRuns = {".", "/", " / ", " - ", " . ", "--", "  ", "\t", " -- ", ". "};
    return std::string(rng.pick(kRuns));
}

Piece obfuscatedItem(Lcg &rng, Kind kind)
{
    const bool inJson = kind == Kind::Json;
    const bool inCode = kind == Kind::Code;
    switch (rng.below(15)) {
    case 0: { // other scripts' digits
        constexpr std::array<char32_t, 4> kZeros
            = {0x0660, 0x06F0, 0x0966, 0x09E6}; // Arabic-Indic, Ext., Devanagari, Bengali
        constexpr std::array<Sv, 4> kForms = {"arabic_indic", "ext_arabic_indic", "devanagari", "bengali"};
        const unsigned k = rng.below(4);
        const NumberItem n = numberItem(rng);
        const std::string written = rng.chance(30) ? n.groups.joined(oddSeparator(rng)) : usual(rng, n);
        return piece(n.type, std::string(kForms[k]), mapDigits(written, kZeros[k]), n.lead, n.key);
    }
    case 1: { // mathematical digits
        constexpr std::array<char32_t, 3> kZeros = {0x1D7CE, 0x1D7D8, 0x1D7F6}; // bold, double-struck, monospace
        const NumberItem n = numberItem(rng);
        return piece(n.type, "math_digits", mapDigits(usual(rng, n), rng.pick(kZeros)), n.lead, n.key);
    }
    case 2: { // fullwidth: numbers, addresses, IBANs, IPs
        switch (rng.below(4)) {
        case 0:
            return piece(
                "email", "fullwidth", fullwidth(email(rng).plain()), rng.pick(kEmailLeads), rng.pick(kEmailKeys));
        case 1:
            return piece(
                "iban", "fullwidth", fullwidth(groupedIban(iban(rng), " ")), rng.pick(kIbanLeads), rng.pick(kIbanKeys));
        case 2: return piece("ip_address", "fullwidth", fullwidth(ipv4(rng)), rng.pick(kIpLeads), rng.pick(kIpKeys));
        default: {
            const NumberItem n = numberItem(rng);
            return piece(n.type, "fullwidth", fullwidth(usual(rng, n)), n.lead, n.key);
        }
        }
    }
    case 3: { // zero-width characters between letters or digits
        constexpr std::array<char32_t, 5> kInvisible = {0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF};
        const char32_t cp = rng.pick(kInvisible);
        const int count = 1 + static_cast<int>(rng.below(3));
        switch (rng.below(5)) {
        case 0:
            return piece("email", "zero_width", insertInvisible(rng, email(rng).plain(), cp, count),
                rng.pick(kEmailLeads), rng.pick(kEmailKeys));
        case 1:
            return piece("iban", "zero_width", insertInvisible(rng, iban(rng), cp, count), rng.pick(kIbanLeads),
                rng.pick(kIbanKeys));
        case 2: {
            std::string form;
            const std::string s = secret(rng, form);
            return piece("secret", "zero_width", insertInvisible(rng, s, cp, count), rng.pick(kSecretLeads),
                rng.pick(kSecretKeys));
        }
        default: {
            const NumberItem n = numberItem(rng);
            return piece(n.type, "zero_width", insertInvisible(rng, usual(rng, n), cp, count), n.lead, n.key);
        }
        }
    }
    case 4: { // soft hyphens (U+00AD), as a word processor leaves them
        const int count = 1 + static_cast<int>(rng.below(3));
        switch (rng.below(3)) {
        case 0:
            return piece("email", "soft_hyphen", insertInvisible(rng, email(rng).plain(), 0xAD, count),
                rng.pick(kEmailLeads), rng.pick(kEmailKeys));
        case 1:
            return piece("iban", "soft_hyphen", insertInvisible(rng, groupedIban(iban(rng), " "), 0xAD, count),
                rng.pick(kIbanLeads), rng.pick(kIbanKeys));
        default: {
            // SSNs keep their dashes: a bare one needs a keyword right before it (docs/pii.md), which the
            // leads of ordinary SSNs ("SSN is ", "taxpayer id ") are not.
            const NumberItem n = numberItem(rng, false);
            return piece(n.type, "soft_hyphen",
                insertInvisible(rng, n.type == "ssn" ? n.groups.joined("-") : n.groups.plain(), 0xAD, count), n.lead,
                n.key);
        }
        }
    }
    case 5: { // no-break spaces and Unicode dashes as separators
        constexpr std::array<char32_t, 4> kSpaces = {0x00A0, 0x202F, 0x2009, 0x3000};
        constexpr std::array<char32_t, 4> kDashes = {0x2010, 0x2011, 0x2013, 0x2212};
        const std::string sep = utf8(rng.chance(50) ? rng.pick(kSpaces) : rng.pick(kDashes));
        if (rng.chance(25))
            return piece(
                "iban", "unicode_separators", groupedIban(iban(rng), sep), rng.pick(kIbanLeads), rng.pick(kIbanKeys));
        const NumberItem n = numberItem(rng);
        return piece(n.type, "unicode_separators", n.groups.joined(sep), n.lead, n.key);
    }
    case 6: { // separator runs: dots, slashes, spaced dashes, runs and mixtures of them
        if (rng.chance(25)) {
            const std::string i = iban(rng);
            std::string v;
            const std::string uniform = oddSeparator(rng);
            for (std::size_t at = 0; at < i.size(); at += 4)
                v += (at ? (rng.chance(70) ? uniform : oddSeparator(rng)) : std::string()) + i.substr(at, 4);
            return piece("iban", "mixed_separators", v, rng.pick(kIbanLeads), rng.pick(kIbanKeys));
        }
        const NumberItem n = numberItem(rng);
        const std::string uniform = oddSeparator(rng);
        std::string v;
        for (std::size_t i = 0; i < n.groups.parts.size(); ++i)
            v += (i ? (rng.chance(70) ? uniform : oddSeparator(rng)) : std::string()) + n.groups.parts[i];
        return piece(n.type, "mixed_separators", v, n.lead, n.key);
    }
    case 7: { // split over a line break and indentation; an escaped \n inside JSON and code strings
        const std::string lineBreak = (inJson || inCode) ? "\\n" : "\n" + std::string(2 + rng.below(7), ' ');
        if (rng.chance(25)) {
            const std::string g = groupedIban(rng.chance(50) ? iban(rng) : lower(iban(rng)), " ");
            const std::size_t cut = 5 * (1 + rng.below(3)) - 1; // at a group boundary
            return piece("iban", "line_break", g.substr(0, cut) + lineBreak + g.substr(cut + 1), rng.pick(kIbanLeads),
                rng.pick(kIbanKeys));
        }
        const NumberItem n = numberItem(rng);
        const std::string sep = n.type == "credit_card" && rng.chance(50) ? " " : "-";
        const std::size_t cutAfter = 1 + rng.below(static_cast<std::uint32_t>(n.groups.parts.size() - 1));
        std::string v;
        for (std::size_t i = 0; i < n.groups.parts.size(); ++i)
            v += (i == 0                 ? ""
                         : i == cutAfter ? (rng.chance(50) ? sep : std::string()) + lineBreak
                                         : sep)
                + n.groups.parts[i];
        return piece(n.type, "line_break", v, n.lead, n.key);
    }
    case 8: { // across string boundaries: ["4111 1111", "1111 1111"] or "4111 1111 " + "1111 1111"
        const bool concat = inCode;
        std::string v;
        Sv type, lead, key;
        std::vector<std::string> parts;
        if (rng.chance(25)) {
            const std::string i = groupedIban(iban(rng), " ");
            const std::size_t cut = 5 * (2 + rng.below(2)) - 1;
            parts = {i.substr(0, cut), i.substr(cut + 1)};
            type = "iban";
            lead = rng.pick(kIbanLeads);
            key = rng.pick(kIbanKeys);
        } else {
            const NumberItem n = numberItem(rng);
            const std::string sep = n.type == "ssn" ? "-" : " ";
            const std::size_t cutAfter
                = n.groups.parts.size() == 4 ? 2 : 1 + rng.below(static_cast<std::uint32_t>(n.groups.parts.size() - 1));
            std::string a, b;
            for (std::size_t i = 0; i < n.groups.parts.size(); ++i)
                (i < cutAfter ? a : b) += ((i == 0 || i == cutAfter) ? "" : sep) + n.groups.parts[i];
            parts = {a, b};
            type = n.type;
            lead = n.lead;
            key = n.key;
        }
        v = parts[0] + (concat ? (rng.chance(50) ? " \" + \"" : "\" + \"") : "\", \"") + parts[1];
        Piece p = piece(type, "string_boundary", v, lead, key);
        p.array = !concat;
        return p;
    }
    case 9: { // lower-case IBANs, compact or grouped
        const std::string i = lower(iban(rng));
        return piece(
            "iban", "lowercase", rng.chance(50) ? i : groupedIban(i, " "), rng.pick(kIbanLeads), rng.pick(kIbanKeys));
    }
    case 10:
    case 11: { // a bare nine-digit SSN right after an SSN keyword
        const Groups s = ssn(rng);
        return piece("ssn", "ssn_keyword", s.plain(), rng.pick(kSsnKeywordLeads), rng.pick(kSsnKeys));
    }
    case 12: { // addresses written with words
        const Email e = email(rng);
        std::string domain;
        constexpr std::array<Sv, 6> kAt = {" [at] ", "[at]", " (at) ", "(at)", " {at} ", " AT "};
        constexpr std::array<Sv, 4> kDot = {" [dot] ", "[dot]", " (dot) ", "."};
        const unsigned style = rng.below(3);
        Sv at = style == 2 ? Sv(" at ") : rng.pick(kAt);
        if (at == " AT ")
            at = " [AT] ";
        const Sv dot = style == 2 ? Sv(rng.chance(70) ? " dot " : ".") : rng.pick(kDot);
        for (std::size_t i = 0; i < e.domain.size(); ++i)
            domain += (i ? std::string(dot) : std::string()) + e.domain[i];
        std::string local; // a dot in the local part ("jane.doe") is written like the domain's
        for (char c : e.local)
            local += c == '.' ? std::string(dot) : std::string(1, c);
        // The bare " at " form needs the email keyword before it (docs/pii.md).
        return piece("email", style == 2 ? "words_keyword" : "words_bracketed", local + std::string(at) + domain,
            style == 2 ? rng.pick(kEmailKeywordLeads) : rng.pick(kEmailLeads), rng.pick(kEmailKeys));
    }
    default: { // base64 and hex blobs of text holding PII; the label is the whole blob
        std::string inner, type;
        switch (rng.below(6)) {
        case 0:
            inner = "{\"card\":\"" + card(rng).plain() + "\",\"exp\":\"0" + std::to_string(1 + rng.below(9)) + "/2"
                + std::to_string(6 + rng.below(4)) + "\"}";
            type = "credit_card";
            break;
        case 1:
            inner = "name=J. Doe;ssn=" + ssn(rng).joined("-") + ";dob=1984";
            type = "ssn";
            break;
        case 2:
            inner = "{\"user\":\"" + email(rng).plain() + "\",\"role\":\"admin\"}";
            type = "email";
            break;
        case 3:
            inner = "call back on " + nanp(rng).joined("-") + " after 5pm";
            type = "phone";
            break;
        case 4:
            inner = "payout iban: " + groupedIban(iban(rng), " ");
            type = "iban";
            break;
        default: {
            std::string form;
            inner = "aws_access_key_id = " + secret(rng, form) + "\n";
            type = "secret";
            break;
        }
        }
        std::string blob, form;
        switch (rng.below(4)) {
        case 0:
            blob = base64(inner, false, true);
            form = "base64";
            break;
        case 1:
            blob = base64(inner, true, false);
            form = "base64url";
            break;
        case 2:
            blob = hexEncode(inner);
            form = "hex";
            break;
        default:
            blob = base64(hexEncode(inner), false, true);
            form = "base64_hex";
            break;
        }
        constexpr std::array<Sv, 4> kBlobLeads = {"payload ", "attachment: ", "body=", "data "};
        constexpr std::array<Sv, 3> kBlobKeys = {"payload", "data", "body"};
        return piece(type, form, blob, rng.pick(kBlobLeads), rng.pick(kBlobKeys));
    }
    }
}

// --- the beyond-scope slice ---

// PII written in forms docs/pii.md lists as not read ("Not joined", "Not
// decoded"): what a detector of these forms still misses, measured beside
// the peers and never part of a target.
Piece beyondScopeItem(Lcg &rng)
{
    constexpr std::array<Sv, 10> kWords = {"zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"};
    switch (rng.below(8)) {
    case 0: { // digits spelled out as words
        const NumberItem n = numberItem(rng, false);
        std::string words;
        for (const char c : n.groups.plain())
            words += (words.empty() ? "" : " ") + std::string(kWords[static_cast<std::size_t>(c - '0')]);
        return piece(n.type, "spelled_digits", words, n.lead, n.key);
    }
    case 1: { // groups joined by commas alone
        const NumberItem n = numberItem(rng, false);
        return piece(n.type, "comma_groups", n.groups.joined(", "), n.lead, n.key);
    }
    case 2: { // groups split by two line breaks
        const NumberItem n = numberItem(rng, false);
        return piece(n.type, "two_line_breaks", n.groups.joined("\n\n"), n.lead, n.key);
    }
    case 3: { // a separator run longer than 16 bytes
        const NumberItem n = numberItem(rng, false);
        return piece(n.type, "long_separator_run", n.groups.joined(std::string(18, ' ')), n.lead, n.key);
    }
    case 4: { // URL encoding
        std::string v = email(rng).plain();
        v.replace(v.find('@'), 1, "%40");
        return piece("email", "url_encoded", v, rng.pick(kEmailLeads), rng.pick(kEmailKeys));
    }
    case 5: { // quoted-printable, spaces as =20
        const NumberItem n = numberItem(rng, false);
        return piece(n.type, "quoted_printable", n.groups.joined("=20"), n.lead, n.key);
    }
    case 6: { // base64 broken into lines of 20 (MIME-style wrapping)
        const NumberItem n = numberItem(rng, false);
        const std::string blob = base64(std::string(n.type == "ssn" ? "customer ssn " : "card on file ")
                + usual(rng, n) + " please keep it safe",
            false, true);
        std::string wrapped;
        for (std::size_t i = 0; i < blob.size(); i += 20)
            wrapped += (i ? "\n" : "") + blob.substr(i, 20);
        return piece(n.type, "wrapped_base64", wrapped, "attachment:\n", "attachment");
    }
    default: { // three levels of encoding
        const NumberItem n = numberItem(rng, false);
        const std::string inner = std::string(n.type == "ssn" ? "ssn " : "card ") + usual(rng, n);
        return piece(n.type, "three_encodings", base64(base64(hexEncode(inner), false, true), false, true), "blob ",
            "blob");
    }
    }
}

// --- the hard-negative slice ---

Piece negative(Sv what, std::string value, Sv lead, Sv key)
{
    return piece(kNegativeType, std::string(what), std::move(value), lead, key);
}

std::string isbn13(Lcg &rng, bool hyphens)
{
    const std::string body = "978" + digits(rng, 9);
    int sum = 0;
    for (std::size_t i = 0; i < body.size(); ++i)
        sum += (body[i] - '0') * (i % 2 ? 3 : 1);
    const std::string d = body + static_cast<char>('0' + (10 - sum % 10) % 10);
    if (!hyphens)
        return d;
    return d.substr(0, 3) + "-" + d.substr(3, 1) + "-" + d.substr(4, 2) + "-" + d.substr(6, 6) + "-" + d.substr(12);
}

Piece hardNegative(Lcg &rng)
{
    constexpr std::array<Sv, 5> kRefLeads = {"order ", "ref ", "tracking no. ", "invoice ", "reference "};
    constexpr std::array<Sv, 4> kRefKeys = {"order_ref", "tracking", "invoice_no", "reference"};
    switch (rng.below(18)) {
    case 17: { // other everyday numbers: ZIP+4, coordinates, screen sizes, percentages, durations
        std::string v;
        switch (rng.below(5)) {
        case 0: v = std::to_string(10000 + rng.below(89999)) + "-" + padded(rng.below(10000), 4); break;
        case 1:
            v = std::to_string(10 + rng.below(60)) + "." + padded(rng.below(10000), 4) + ", -"
                + std::to_string(70 + rng.below(50)) + "." + padded(rng.below(10000), 4);
            break;
        case 2: v = std::to_string(800 + rng.below(3000)) + "x" + std::to_string(600 + rng.below(1600)); break;
        case 3: v = std::to_string(90 + rng.below(10)) + "." + padded(rng.below(100), 2) + "%"; break;
        default:
            v = padded(rng.below(100), 2) + ":" + padded(rng.below(60), 2) + ":" + padded(rng.below(60), 2) + ".5";
            break;
        }
        return negative("everyday_number", v, rng.chance(50) ? "value " : "measured ", "value");
    }
    case 0: { // a mistyped card: right issuer and length, Luhn fails
        const Groups c = card(rng, true);
        const unsigned style = rng.below(3);
        return negative("luhn_invalid", style == 0 ? c.plain() : c.joined(style == 1 ? " " : "-"),
            rng.chance(50) ? rng.pick(kRefLeads) : Sv("card "),
            rng.chance(50) ? rng.pick(kRefKeys) : Sv("card_number"));
    }
    case 1: { // SSN-shaped, outside the issued ranges
        const std::array<SsnFlaw, 4> flaws = {SsnFlaw::Area, SsnFlaw::Area, SsnFlaw::Group, SsnFlaw::Serial};
        const Groups s = ssn(rng, rng.pick(flaws));
        constexpr std::array<Sv, 4> kLeads = {"SSN ", "ssn: ", "id ", "placeholder "};
        return negative("ssn_invalid_range", s.joined("-"), rng.pick(kLeads), rng.pick(kSsnKeys));
    }
    case 2: { // order numbers
        std::string v;
        switch (rng.below(4)) {
        case 0: v = "ORD-2024-" + padded(rng.below(1000000), 6); break;
        case 1: v = "#" + std::to_string(10000000 + rng.below(90000000)); break;
        case 2: v = "INV-" + std::to_string(2019 + rng.below(7)) + "-" + padded(rng.below(100000), 5); break;
        default: v = "PO " + std::to_string(1000 + rng.below(9000)) + "/" + std::to_string(10 + rng.below(90)); break;
        }
        return negative("order_number", v, rng.pick(kRefLeads), rng.pick(kRefKeys));
    }
    case 3: { // timestamps
        std::string v;
        switch (rng.below(4)) {
        case 0:
            v = "2024-" + padded(1 + rng.below(12), 2) + "-" + padded(1 + rng.below(28), 2) + "T"
                + padded(rng.below(24), 2) + ":" + padded(rng.below(60), 2) + ":" + padded(rng.below(60), 2) + "."
                + padded(rng.below(1000), 3) + "Z";
            break;
        case 1: v = std::to_string(1600000000 + rng.below(150000000)); break;
        case 2: v = std::to_string(1600000000 + rng.below(150000000)) + padded(rng.below(1000), 3); break;
        default: v = padded(rng.below(24), 2) + ":" + padded(rng.below(60), 2) + ":" + padded(rng.below(60), 2); break;
        }
        return negative("timestamp", v, rng.chance(50) ? "at " : "ts=", rng.chance(50) ? "timestamp" : "created_at");
    }
    case 4: { // dates
        const std::string y = std::to_string(1950 + rng.below(80)), m = padded(1 + rng.below(12), 2),
                          d = padded(1 + rng.below(28), 2);
        const std::array<std::string, 4> forms
            = {y + "-" + m + "-" + d, m + "/" + d + "/" + y, d + "." + m + "." + y, y + "/" + m + "/" + d};
        return negative(
            "date", rng.pick(forms), rng.chance(50) ? "on " : "date of birth ", rng.chance(50) ? "date" : "dob");
    }
    case 5: // UUIDs
        return negative("uuid",
            hexString(rng, 8) + "-" + hexString(rng, 4) + "-4" + hexString(rng, 3) + "-a" + hexString(rng, 3) + "-"
                + hexString(rng, 12),
            rng.chance(50) ? "request " : "session id ", rng.chance(50) ? "request_id" : "uuid");
    case 6: { // prices
        const unsigned units = rng.below(5000);
        std::string v;
        switch (rng.below(4)) {
        case 0:
            v = "$"
                + (units >= 1000 ? std::to_string(units / 1000) + "," + padded(units % 1000, 3) : std::to_string(units))
                + "." + padded(rng.below(100), 2);
            break;
        case 1: v = "USD " + std::to_string(units) + "." + padded(rng.below(100), 2); break;
        case 2: v = "EUR " + std::to_string(units) + "," + padded(rng.below(100), 2); break;
        default: v = std::to_string(units) + "." + padded(rng.below(100), 2); break;
        }
        return negative("price", v, rng.chance(50) ? "total " : "price ", rng.chance(50) ? "amount" : "price");
    }
    case 7: { // digests
        constexpr std::array<int, 4> kLengths = {64, 40, 32, 12};
        const int n = rng.pick(kLengths);
        return negative("hash", hexString(rng, n), n == 12 ? "commit " : "sha ", n == 12 ? "commit" : "checksum");
    }
    case 8:
    case 9: { // four-part versions, IPv4-shaped, behind the keywords people write
        const std::string quad = std::to_string(1 + rng.below(20)) + "." + std::to_string(rng.below(40)) + "."
            + std::to_string(rng.below(256)) + "." + std::to_string(rng.below(256));
        switch (rng.below(8)) {
        case 0: return negative("version", quad, "build ", "build");
        case 1: return negative("version", quad, "firmware ", "firmwareVersion");
        case 2: return negative("version", quad, "version=", "version");
        case 3: return negative("version", quad, "app_version: ", "app_version");
        case 4: return negative("version", "v" + quad, "", "release_tag");
        case 5:
            return negative("version",
                std::to_string(4 + rng.below(3)) + "." + std::to_string(rng.below(20)) + ".0."
                    + std::to_string(rng.below(40)),
                "kernel ", "kernel");
        case 6: return negative("version", quad, "release ", "release");
        default: return negative("version", quad, "fw ", "fw_version");
        }
    }
    case 10: { // OIDs
        constexpr std::array<Sv, 6> kOids = {"1.3.6.1.4.1.311.21.8", "2.5.4.3", "1.2.840.113549.1.1.11",
            "1.3.6.1.2.1.1.3.0", "2.5.29.17", "1.3.6.1.5.5.7.3.1"};
        return negative("oid", std::string(rng.pick(kOids)), "OID ", "oid");
    }
    case 11: { // MAC addresses
        std::string v;
        const unsigned style = rng.below(3);
        if (style == 2) {
            v = hexString(rng, 4) + "." + hexString(rng, 4) + "." + hexString(rng, 4);
        } else {
            const bool upper = rng.chance(50);
            for (int i = 0; i < 6; ++i)
                v += (i ? (style == 0 ? ":" : "-") : "") + hexString(rng, 2, upper);
        }
        return negative("mac_address", v, rng.chance(50) ? "mac " : "hwaddr ", "mac");
    }
    case 12: // ISBNs
        return negative("isbn", isbn13(rng, rng.chance(60)), rng.chance(50) ? "ISBN " : "ISBN-13: ", "isbn");
    case 13: { // a bare nine-digit number with no SSN keyword near it
        const Groups s = ssn(rng);
        constexpr std::array<Sv, 4> kLeads = {"invoice ", "tracking id ", "account ", "order #"};
        constexpr std::array<Sv, 4> kKeys = {"invoice_id", "tracking_id", "account_id", "order_id"};
        return negative("bare_nine_digits", s.plain(), rng.pick(kLeads), rng.pick(kKeys));
    }
    case 14: { // plain words with "at" and "dot"
        constexpr std::array<Sv, 8> kPhrases = {"meet me at the cafe, the one with the polka dot awning",
            "look at the dot plot in the appendix", "arrived at gate B, dot your i's on the form",
            "email the team at standup. The dot product is in the notes", "stay at home dot com era stories",
            "the printer at floor two is a dot matrix", "email me at home, not at work", "point at the red dot"};
        return negative("at_dot_words", std::string(rng.pick(kPhrases)), "", "note");
    }
    case 15: { // placeholder phone numbers outside the numbering plan
        constexpr std::array<Sv, 5> kPhones
            = {"123-456-7890", "(012) 345-6789", "000-000-0000", "(123) 456-7890", "111-111-1111"};
        return negative("phone_invalid", std::string(rng.pick(kPhones)), rng.pick(kPhoneLeads), rng.pick(kPhoneKeys));
    }
    default: { // IBAN-shaped with a changed digit (mod-97 fails); section numbers
        if (rng.chance(50)) {
            const std::string i = iban(rng, true);
            return negative(
                "iban_bad_check", rng.chance(50) ? i : groupedIban(i, " "), rng.pick(kIbanLeads), rng.pick(kIbanKeys));
        }
        const std::string quad = std::to_string(1 + rng.below(12)) + "." + std::to_string(1 + rng.below(9)) + "."
            + std::to_string(1 + rng.below(9)) + "." + std::to_string(1 + rng.below(9));
        return negative("section_number", quad, rng.chance(50) ? "section " : "clause ", "section");
    }
    }
}

// --- documents ----------------------------------------------------------------

constexpr std::array<Sv, 10> kWords
    = {"the", "customer", "asked", "about", "their", "order", "and", "we", "shipped", "it"};
constexpr std::array<Sv, 6> kOpeners = {"Customer confirmed the details,", "Per the call notes",
    "Updating the record:", "Caller read out", "Please double-check", "From the form,"};
constexpr std::array<Sv, 6> kSubjects = {"Refund not received", "Cannot log in", "Update billing details",
    "Account locked", "Wrong delivery address", "Invoice question"};
constexpr std::array<Sv, 6> kLogMessages
    = {"validated input", "request accepted", "upstream call", "record updated", "retrying", "cache miss"};
constexpr std::array<Sv, 5> kServices = {"billing", "auth", "gateway", "worker-3", "crm-sync"};
constexpr std::array<Sv, 6> kChatOpeners = {"sure, it's", "here you go:", "ok so", "new one is", "copying it:", "fyi"};
constexpr std::array<Sv, 5> kPeople = {"alice", "bob", "carol", "dmitri", "fatima"};

class DocBuilder
{
public:
    void put(Sv s) { m_text += s; }
    void item(const Piece &p)
    {
        m_labels.push_back(CorpusLabel {p.type, p.form, m_text.size(), m_text.size() + p.value.size()});
        m_text += p.value;
    }
    // The value as a string literal (JSON or code): "value", or ["value"] across string boundaries.
    void quoted(const Piece &p)
    {
        put(p.array ? "[\"" : "\"");
        if (p.leadInQuotes)
            put(p.lead);
        item(p);
        put(p.trail);
        put(p.array ? "\"]" : "\"");
    }
    // The value in prose: its lead, then the value (a pasted array keeps its brackets).
    void prose(const Piece &p)
    {
        put(p.lead);
        if (p.array) {
            quoted(p);
        } else {
            item(p);
            put(p.trail);
        }
    }
    std::string &text() { return m_text; }
    std::vector<CorpusLabel> &labels() { return m_labels; }

private:
    std::string m_text;
    std::vector<CorpusLabel> m_labels;
};

std::string timestamp(Lcg &rng)
{
    return "2024-0" + std::to_string(1 + rng.below(9)) + "-" + padded(1 + rng.below(28), 2) + "T"
        + padded(rng.below(24), 2) + ":" + padded(rng.below(60), 2) + ":" + padded(rng.below(60), 2) + "."
        + padded(rng.below(1000), 3) + "Z";
}

void filler(DocBuilder &b, Lcg &rng)
{
    const unsigned n = 4 + rng.below(8);
    for (unsigned i = 0; i < n; ++i) {
        b.put(rng.pick(kWords));
        b.put(i + 1 == n ? ". " : " ");
    }
}

CorpusDoc document(Lcg &rng, Sv slice, Kind kind, const std::vector<Piece> &items)
{
    DocBuilder b;
    switch (kind) {
    case Kind::Ticket:
        b.put("Ticket #" + std::to_string(40000 + rng.below(50000)) + " [" + (rng.chance(30) ? "P1" : "P3")
            + "]\nSubject: ");
        b.put(rng.pick(kSubjects));
        b.put("\n\n");
        for (const Piece &p : items) {
            b.put(rng.pick(kOpeners));
            b.put(" ");
            b.prose(p);
            b.put(". ");
            if (rng.chance(40))
                filler(b, rng);
            b.put(rng.chance(50) ? "\n" : "");
        }
        b.put("\n-- ");
        b.put(rng.pick(kPeople));
        b.put(", support\n");
        break;
    case Kind::Log:
        for (const Piece &p : items) {
            b.put(timestamp(rng) + (rng.chance(80) ? " INFO [" : " WARN ["));
            b.put(rng.pick(kServices));
            b.put("] ");
            b.put(rng.pick(kLogMessages));
            b.put(" ");
            b.prose(p);
            b.put(" request_id=" + hexString(rng, 8) + " took=" + std::to_string(rng.below(900)) + "ms\n");
        }
        break;
    case Kind::Json: {
        const unsigned style = rng.below(10); // pretty, one line, minified
        const bool pretty = style < 4;
        const bool minified = style >= 7;
        const Sv sep = pretty ? ",\n  " : minified ? "," : ", ";
        const Sv colon = minified ? ":" : ": ";
        b.put(pretty ? "{\n  " : "{");
        b.put("\"event\"");
        b.put(colon);
        b.put("\"");
        b.put(rng.pick(kLogMessages));
        b.put("\"");
        b.put(sep);
        b.put("\"id\"");
        b.put(colon);
        b.put(std::to_string(rng.below(100000)));
        for (const Piece &p : items) {
            b.put(sep);
            b.put("\"" + p.key + "\"");
            b.put(colon);
            b.quoted(p);
        }
        b.put(sep);
        b.put("\"ok\"");
        b.put(colon);
        b.put("true");
        b.put(pretty ? "\n}\n" : "}\n");
        break;
    }
    case Kind::Code: {
        const unsigned lang = rng.below(3);
        b.put(lang == 0     ? "def test_fixture():\n"
                : lang == 1 ? "void seedFixture()\n{\n"
                            : "export function fixture() {\n");
        for (const Piece &p : items) {
            b.put(lang == 0     ? "    " + p.key + " = "
                    : lang == 1 ? "    const std::string " + p.key + " = "
                                : "  const " + p.key + " = ");
            b.quoted(p);
            b.put(lang == 0 ? "\n" : ";\n");
        }
        b.put(lang == 0 ? "    return locals()\n" : "}\n");
        break;
    }
    case Kind::Chat:
        for (const Piece &p : items) {
            const unsigned minute = rng.below(60);
            b.put("[10:" + padded(minute, 2) + "] ");
            b.put(rng.pick(kPeople));
            b.put(": ");
            b.put(rng.pick(kChatOpeners));
            b.put(" ");
            b.prose(p);
            b.put("\n");
            if (rng.chance(50))
                b.put("[10:" + padded(minute, 2) + "] agent: thanks, got it\n");
        }
        break;
    case Kind::Email:
        b.put("From: Support Team\nSubject: Re: ");
        b.put(rng.pick(kSubjects));
        b.put("\n\nHi ");
        b.put(rng.pick(kPeople));
        b.put(",\n\n");
        for (const Piece &p : items) {
            b.put("As requested, ");
            b.prose(p);
            b.put(". ");
            if (rng.chance(50))
                filler(b, rng);
            b.put("\n");
        }
        b.put("\nBest regards,\nSam\n");
        break;
    }
    return CorpusDoc {std::string(slice), std::string(kKindNames[static_cast<int>(kind)]), std::move(b.text()),
        std::move(b.labels())};
}

} // namespace

std::vector<CorpusDoc> generatePiiCorpus()
{
    Lcg rng(20260418);
    std::vector<CorpusDoc> docs;
    docs.reserve(1600);
    auto kind = [&rng] { return static_cast<Kind>(rng.below(6)); };
    for (int d = 0; d < 500; ++d) { // 1,500 ordinary items
        std::vector<Piece> items;
        for (int i = 0; i < 3; ++i)
            items.push_back(ordinaryItem(rng));
        docs.push_back(document(rng, "ordinary", kind(), items));
    }
    for (int d = 0; d < 500; ++d) { // 1,500 obfuscated items; some forms depend on the kind
        const Kind k = kind();
        std::vector<Piece> items;
        for (int i = 0; i < 3; ++i)
            items.push_back(obfuscatedItem(rng, k));
        docs.push_back(document(rng, "obfuscated", k, items));
    }
    for (int d = 0; d < 100; ++d) { // 300 items in forms the detector does not read (no target)
        std::vector<Piece> items;
        for (int i = 0; i < 3; ++i)
            items.push_back(beyondScopeItem(rng));
        docs.push_back(document(rng, "beyond_scope", kind(), items));
    }
    for (int d = 0; d < 500; ++d) { // 2,000 hard negatives
        std::vector<Piece> items;
        for (int i = 0; i < 4; ++i)
            items.push_back(hardNegative(rng));
        docs.push_back(document(rng, "hard_negative", kind(), items));
    }
    return docs;
}

std::string corpusDocJson(const CorpusDoc &doc)
{
    std::string out = "{\"slice\":";
    appendJsonString(out, doc.slice);
    out += ",\"kind\":";
    appendJsonString(out, doc.kind);
    out += ",\"text\":";
    appendJsonString(out, doc.text);
    out += ",\"labels\":[";
    for (std::size_t i = 0; i < doc.labels.size(); ++i) {
        const CorpusLabel &l = doc.labels[i];
        out += i ? ",{\"type\":" : "{\"type\":";
        appendJsonString(out, l.type);
        out += ",\"form\":";
        appendJsonString(out, l.form);
        out += ",\"begin\":" + std::to_string(l.begin) + ",\"end\":" + std::to_string(l.end) + "}";
    }
    out += "]}";
    return out;
}

} // namespace osh::bench
