// PiiDetector::explain (piiwhy.h): the reasons behind one reported match,
// worked out again from the match's bytes and the few bytes before it.

#include "piichars.h"
#include "piidetector.h"
#include "piiencoded.h"
#include "piinormalise.h"
#include "piivalidators.h"

#include "util/strings.h"

#include <algorithm>
#include <initializer_list>

namespace osh::pii {

namespace {

// How far before a match its context word may be (docs/pii.md: 24 bytes
// between an SSN keyword and the number, 48 after an email keyword).
constexpr std::size_t kKeywordLookBack = 64;

std::string_view checkOf(PiiType t)
{
    switch (t) {
    case PiiType::CreditCard: return "luhn";
    case PiiType::Ssn: return "ssn_ranges";
    case PiiType::Iban: return "mod97";
    case PiiType::Phone: return "libphonenumber";
    case PiiType::IpAddress: return "inet_pton";
    case PiiType::Email: return "email_structure";
    case PiiType::Secret: return "secret_format";
    }
    return {};
}

std::string_view secretKind(std::string_view s)
{
    const auto starts = [&](std::string_view p) { return s.substr(0, p.size()) == p; };
    if (starts("AKIA") || starts("ASIA"))
        return "aws_access_key_id";
    if (starts("github_pat_") || starts("ghp_") || starts("gho_") || starts("ghu_") || starts("ghs_") || starts("ghr_"))
        return "github_token";
    if (starts("glpat-"))
        return "gitlab_token";
    if (starts("xox"))
        return "slack_token";
    if (starts("eyJ"))
        return "jwt";
    if (starts("-----BEGIN"))
        return "pem_private_key";
    return {};
}

// The separators between the alphanumeric groups of a number or IBAN, as
// the scan read them (s is the folded match).
void addSeparators(std::string_view s, PiiType type, PiiWhy &why)
{
    bool lineBreak = false, boundary = false, mixed = false;
    char single = 0;
    std::size_t i = 0;
    while (i < s.size() && !isAlnum(s[i]))
        ++i; // a leading '+' or '(' of a phone
    while (i < s.size()) {
        while (i < s.size() && isAlnum(s[i]))
            ++i;
        const std::size_t runBegin = i;
        while (i < s.size() && !isAlnum(s[i]))
            ++i;
        const std::string_view run = s.substr(runBegin, i - runBegin);
        if (run.empty() || i == s.size())
            break;
        // A JSON escape "\n" is a backslash and a letter: the letter ends the run early.
        if (run.back() == '\\' && i < s.size() && s[i] == 'n') {
            lineBreak = true;
            ++i;
            while (i < s.size() && !isAlnum(s[i]))
                ++i;
            mixed = true;
            continue;
        }
        lineBreak = lineBreak || run.find_first_of("\r\n") != std::string_view::npos;
        boundary = boundary || run.find('"') != std::string_view::npos;
        // Phones have their own usual layouts ("(415) 555-2671", "+1 650 ...").
        const bool usual = type == PiiType::Phone
            ? run.size() <= 2 && run.find_first_not_of(" .-()") == std::string_view::npos
            : run.size() == 1 && (run[0] == ' ' || run[0] == '-') && (single == 0 || single == run[0]);
        if (!usual)
            mixed = true;
        else if (run.size() == 1)
            single = run[0];
    }
    if (mixed)
        why.seen.push_back("mixed_separators");
    if (lineBreak)
        why.seen.push_back("line_break");
    if (boundary)
        why.seen.push_back("string_boundary");
}

// The keyword a match needed, when one of words is in the bytes before it
// (folded and lower-cased): the fixed word itself, never the text around
// it, which is the agent's (a name that ends in the keyword, or an address
// that contains it, could carry PII into the trace).
std::string_view keywordBefore(std::string_view before, std::initializer_list<std::string_view> words)
{
    const std::optional<NormalisedText> folded = NormalisedText::of(before);
    const std::string low = toLowerAscii(folded ? std::string_view(folded->text()) : before);
    std::size_t best = std::string::npos;
    std::string_view found;
    for (const std::string_view w : words) {
        const std::size_t at = low.rfind(w);
        if (at != std::string::npos && (best == std::string::npos || at > best)) {
            best = at;
            found = w;
        }
    }
    return found;
}

} // namespace

PiiWhy PiiDetector::explain(std::string_view text, const PiiMatch &match) const
{
    return explainAt(text, match, 0);
}

PiiWhy PiiDetector::explainAt(std::string_view text, const PiiMatch &match, int depth) const
{
    PiiWhy why;
    why.check = checkOf(match.type);
    const std::size_t begin = std::min(match.begin, text.size());
    const std::size_t end = std::clamp(match.end, begin, text.size());
    const std::string_view raw = text.substr(begin, end - begin);
    const std::optional<NormalisedText> folded = NormalisedText::of(raw);
    const std::string_view s = folded ? std::string_view(folded->text()) : raw;

    // A blob whose decoding holds a match of this type: the reasons are
    // those of the match inside, behind the encoding.
    if (depth < kMaxEncodingDepth && match.type != PiiType::Secret) {
        if (auto blob = decodeBlob(s)) {
            PiiTypeSet only;
            only.add(match.type);
            const auto inner = findAt(blob->text, only, depth + 1);
            if (!inner.empty()) {
                PiiWhy in = explainAt(blob->text, inner.front(), depth + 1);
                in.seen.insert(in.seen.begin(), blob->encoding);
                return in;
            }
        }
    }
    if (folded && folded->foldedAny())
        why.seen.push_back("folded_characters");
    if (folded && folded->removedAny())
        why.seen.push_back("invisible_characters");

    const std::string_view before = text.substr(begin - std::min(begin, kKeywordLookBack), std::min(begin, kKeywordLookBack));
    std::string digits;
    for (const char c : s)
        if (c >= '0' && c <= '9')
            digits += c;
    switch (match.type) {
    case PiiType::CreditCard:
        why.detail = cardIssuer(digits);
        addSeparators(s, match.type, why);
        break;
    case PiiType::Ssn:
        addSeparators(s, match.type, why);
        if (s.size() == 9 && digits.size() == 9)
            why.keyword = keywordBefore(before, {"social security", "ssn"});
        break;
    case PiiType::Phone:
        why.detail = s.starts_with('+') && !s.starts_with("+1") ? "international" : "north_american";
        addSeparators(s, match.type, why);
        break;
    case PiiType::Iban:
        addSeparators(s, match.type, why);
        if (std::any_of(s.begin(), s.end(), [](char c) { return c >= 'a' && c <= 'z'; }))
            why.seen.push_back("lower_case");
        break;
    case PiiType::IpAddress: why.detail = s.find(':') != std::string_view::npos ? "ipv6" : "ipv4"; break;
    case PiiType::Email:
        if (s.find('@') == std::string_view::npos) {
            why.seen.push_back("words_for_at_dot");
            // Only a bare " at " needs the keyword; a bracketed [at] does not.
            const std::string low = toLowerAscii(s);
            if (low.find(" at ") != std::string::npos && low.find_first_of("[({<") == std::string::npos)
                why.keyword = keywordBefore(before, {"mail"}).empty() ? std::string_view() : "email";
        }
        break;
    case PiiType::Secret: why.detail = secretKind(s); break;
    }
    return why;
}

} // namespace osh::pii
