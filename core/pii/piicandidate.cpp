#include "piicandidate.h"

#include "piiemailwords.h"
#include "piinumbers.h"
#include "piichars.h"
#include "piivalidators.h"

#include <algorithm>
#include <iterator>
#include <string>

namespace osh::pii {

namespace {

constexpr bool isUpperOrDigit(char c)
{
    return isDigit(c) || (c >= 'A' && c <= 'Z');
}
constexpr bool isBase64Url(char c)
{
    return isWord(c) || c == '-';
}
constexpr bool isEmailLocal(char c)
{
    return isAlnum(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-';
}

// Upper bounds on how far confirmation parses past a trigger, so hostile input
// (long runs full of triggers) stays linear.
constexpr std::size_t kMaxTokenLength = 255;
constexpr std::size_t kMaxJwtSegment = std::size_t {16} * 1024;
constexpr std::size_t kMaxPemBlock = std::size_t {64} * 1024;

bool wordBefore(std::string_view t, std::size_t b)
{
    return b > 0 && isWord(t[b - 1]);
}
bool wordAfter(std::string_view t, std::size_t e)
{
    return e < t.size() && isWord(t[e]);
}

// A digit run continuing through one of seps ("555-2671|-99"): the
// candidate is a slice of a longer number.
bool joinedAfter(std::string_view t, std::size_t e, std::string_view seps)
{
    return e + 1 < t.size() && seps.find(t[e]) != std::string_view::npos && isDigit(t[e + 1]);
}

std::optional<PiiMatch> matchIf(bool ok, PiiType type, std::size_t b, std::size_t e)
{
    if (!ok)
        return std::nullopt;
    return PiiMatch {type, b, e};
}

std::optional<PiiMatch> confirmEmail(std::string_view t, std::size_t at)
{
    // Local part: back from '@', at most 64 characters (RFC 5321).
    std::size_t b = at;
    while (b > 0 && isEmailLocal(t[b - 1]) && at - b <= 64)
        --b;
    if (at - b > 64)
        return std::nullopt;
    while (b < at && !isAlnum(t[b])) // leading punctuation belongs to the prose
        ++b;
    if (b == at || t[at - 1] == '.' || t.substr(b, at - b).find("..") != std::string_view::npos)
        return std::nullopt;

    // Domain: dot-separated labels of letters, digits and inner hyphens; alphabetic TLD.
    std::size_t e = at + 1;
    int labels = 0;
    std::size_t lastLabel = e;
    for (;;) {
        const std::size_t start = e;
        while (e < t.size() && (isAlnum(t[e]) || t[e] == '-') && e - at <= 253)
            ++e;
        const std::size_t len = e - start;
        if (len == 0 || len > 63 || t[start] == '-' || t[e - 1] == '-')
            return std::nullopt;
        ++labels;
        lastLabel = start;
        if (e + 1 < t.size() && t[e] == '.' && isAlnum(t[e + 1]))
            ++e;
        else
            break;
    }
    if (labels < 2 || e - at - 1 > 253 || e - lastLabel < 2 || wordAfter(t, e) || (e < t.size() && t[e] == '@'))
        return std::nullopt;
    for (std::size_t i = lastLabel; i < e; ++i)
        if (!isAlpha(t[i]))
            return std::nullopt;
    return PiiMatch {PiiType::Email, b, e};
}

constexpr bool isHex(char c)
{
    return isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

// "+44 20 7946 0958", "+1 (415) 555-2671", "+4930123456": the longest prefix
// of the digit groups after '+' that libphonenumber accepts.
std::optional<PiiMatch> confirmIntlPhone(std::string_view t, std::size_t b)
{
    constexpr std::size_t kMaxDigits = 17; // E.164 allows 15; a little slack for trunk prefixes
    if (wordBefore(t, b))
        return std::nullopt;
    std::vector<std::pair<std::size_t, std::size_t>> ends; // (offset, digits so far)
    std::size_t pos = b + 1;
    std::size_t digits = 0;
    while (pos < t.size()) {
        if (isDigit(t[pos])) {
            while (pos < t.size() && isDigit(t[pos]))
                ++pos, ++digits;
            ends.emplace_back(pos, digits);
        } else if (t[pos] == '(' && pos + 2 < t.size()) {
            std::size_t q = pos + 1;
            while (q < t.size() && isDigit(t[q]) && q - pos <= 4)
                ++q;
            if (q == pos + 1 || q >= t.size() || t[q] != ')')
                break;
            digits += q - pos - 1;
            pos = q + 1;
        } else {
            break;
        }
        if (digits > kMaxDigits)
            return std::nullopt; // a longer number than any phone number
        if (pos < t.size() && t[pos - 1] == ')' && isDigit(t[pos]))
            continue; // "+44 (0)20 7946 0958", "+1 (415)555-2671"
        if (pos + 1 < t.size() && isSep(t[pos]) && (isDigit(t[pos + 1]) || t[pos + 1] == '('))
            ++pos;
        else if (pos >= t.size() || t[pos] != '(')
            break;
    }
    for (auto it = ends.rbegin(); it != ends.rend(); ++it) {
        const auto [e, n] = *it;
        if (n < 7 || wordAfter(t, e) || joinedAfter(t, e, "-."))
            continue;
        if (isValidPhoneNumber(t.substr(b, e - b)))
            return PiiMatch {PiiType::Phone, b, e};
    }
    return std::nullopt;
}

// The run of hex digits, ':' and '.' around a "h::", "::h" or ":hhhh:" hit.
std::optional<PiiMatch> confirmIpv6(std::string_view t, std::size_t anchor, ConfirmState &state)
{
    constexpr std::size_t kMaxRun = 64; // longest IPv6 text form is 45 characters
    if (anchor >= state.ipv6Begin && anchor < state.ipv6End)
        return std::nullopt;
    auto inRun = [](char c) { return isHex(c) || c == ':' || c == '.'; };
    std::size_t b = anchor, e = anchor;
    while (b > 0 && inRun(t[b - 1]) && anchor - b <= kMaxRun)
        --b;
    while (e < t.size() && inRun(t[e]) && e - anchor <= kMaxRun)
        ++e;
    state.ipv6Begin = b;
    state.ipv6End = e;
    if (anchor - b > kMaxRun || e - anchor > kMaxRun)
        return std::nullopt;
    while (e > b && t[e - 1] == '.') // sentence punctuation
        --e;
    if (e - b >= 2 && t[e - 1] == ':' && t[e - 2] != ':') // "addr 2001:db8::1: ..."
        --e;
    if (e - b < 3 || wordBefore(t, b) || wordAfter(t, e))
        return std::nullopt;
    const std::string_view s = t.substr(b, e - b);
    // Hex words around "::" ("dead::beef", "std::deque") are far more often
    // code than addresses; real addresses in text nearly always carry a digit.
    if (s.find_first_of("0123456789") == std::string_view::npos)
        return std::nullopt;
    return matchIf(isValidIpv6(s), PiiType::IpAddress, b, e);
}

// Country code, check digits and exactly the registered number of BBAN
// characters, in any case: compact, or in groups of four joined by any
// separator run a number may have (spaces, '-', '.', '/', one line break,
// one string boundary: piinumbers.h). Mod-97 decides.
std::optional<PiiMatch> confirmIban(std::string_view t, std::size_t b)
{
    if (b + 4 > t.size() || wordBefore(t, b))
        return std::nullopt;
    std::string compact{static_cast<char>(t[b] & ~0x20), static_cast<char>(t[b + 1] & ~0x20)};
    const auto length = static_cast<std::size_t>(ibanLength(compact));
    if (length == 0)
        return std::nullopt;
    compact.append(t.substr(b + 2, 2));
    std::size_t pos = b + 4;
    while (compact.size() < length) {
        if (compact.size() % 4 == 0) {
            const std::size_t run = separatorRunEnd(t, pos);
            if (run != pos && run < t.size() && isAlnum(t[run]))
                pos = run;
        }
        if (pos >= t.size() || !isAlnum(t[pos]))
            return std::nullopt;
        compact += static_cast<char>(isAlpha(t[pos]) ? t[pos] & ~0x20 : t[pos]);
        ++pos;
    }
    return matchIf(!wordAfter(t, pos) && isValidIban(compact), PiiType::Iban, b, pos);
}

// A run of token characters after a literal prefix, of at least minLen.
std::optional<PiiMatch> confirmPrefixedToken(std::string_view t, std::size_t b, std::size_t prefixEnd,
    std::size_t minLen, bool (*tokenChar)(char), bool needDigit)
{
    if (wordBefore(t, b))
        return std::nullopt;
    std::size_t e = prefixEnd;
    while (e < t.size() && tokenChar(t[e]) && e - prefixEnd <= kMaxTokenLength)
        ++e;
    if (e - prefixEnd > kMaxTokenLength)
        return std::nullopt;
    while (e > prefixEnd && t[e - 1] == '-') // a trailing hyphen is punctuation
        --e;
    if (e - prefixEnd < minLen)
        return std::nullopt;
    if (needDigit) {
        bool digit = false;
        for (std::size_t i = prefixEnd; i < e; ++i)
            digit = digit || isDigit(t[i]);
        if (!digit)
            return std::nullopt;
    }
    return PiiMatch {PiiType::Secret, b, e};
}

bool isBase64Char(char c)
{
    return isAlnum(c) || c == '+' || c == '/' || c == '=';
}

std::optional<PiiMatch> confirmPem(std::string_view t, std::size_t b, std::size_t headerEnd)
{
    constexpr std::string_view kBegin = "-----BEGIN ";
    constexpr std::string_view kDashes = "-----";
    const std::string_view label = t.substr(b + kBegin.size(), headerEnd - kDashes.size() - b - kBegin.size());
    const std::size_t limit = std::min(t.size(), headerEnd + kMaxPemBlock);
    const std::string_view window = t.substr(0, limit);

    // The body is base64 and headers, so the next "-----" must open the END line.
    const std::size_t dashes = window.find(kDashes, headerEnd);
    if (dashes != std::string_view::npos) {
        std::string endLine = "-----END ";
        endLine.append(label).append(kDashes);
        if (window.substr(dashes, endLine.size()) == endLine)
            return PiiMatch {PiiType::Secret, b, dashes + endLine.size()};
    }
    // No END line (truncated output): take the header and the base64 lines after it.
    std::size_t e = headerEnd;
    std::size_t pos = headerEnd;
    for (;;) {
        if (pos < limit && window[pos] == '\r')
            ++pos;
        if (pos >= limit || window[pos] != '\n')
            break;
        ++pos;
        std::size_t lineEnd = pos;
        while (lineEnd < limit && isBase64Char(window[lineEnd]))
            ++lineEnd;
        if (lineEnd == pos || (lineEnd < limit && window[lineEnd] != '\n' && window[lineEnd] != '\r'))
            break;
        e = pos = lineEnd;
    }
    return PiiMatch {PiiType::Secret, b, e};
}

// After "ssn" or "social security": up to 24 bytes of separators (spaces,
// ':', '#', '=', quotes, '.', '-') and the words "number", "num", "no" or
// "nr", then exactly nine digits standing alone, with a valid area, group
// and serial. (Separated forms are the number gate's.)
std::optional<PiiMatch> confirmSsnKeyword(std::string_view t, std::size_t b, std::size_t end)
{
    // A name may end in it ("customer_ssn", "user-ssn"), a word may not ("Hessner").
    if (wordBefore(t, b) && t[b - 1] != '_')
        return std::nullopt;
    std::size_t pos = end;
    const std::size_t limit = std::min(t.size(), end + 24);
    const auto lower = [](char c) { return static_cast<char>(c | 0x20); };
    while (pos < limit) {
        const char c = t[pos];
        if (c == ' ' || c == '\t' || c == ':' || c == '#' || c == '=' || c == '"' || c == '\'' || c == '.' || c == '-') {
            ++pos;
            continue;
        }
        if (isAlpha(c)) {
            std::size_t w = pos;
            while (w < t.size() && isAlpha(t[w]) && w - pos < 8)
                ++w;
            std::string word;
            for (std::size_t i = pos; i < w; ++i)
                word += lower(t[i]);
            if (word != "number" && word != "num" && word != "no" && word != "nr" && word != "s")
                return std::nullopt;
            pos = w;
            continue;
        }
        break;
    }
    const std::size_t digits = pos;
    while (pos < t.size() && isDigit(t[pos]) && pos - digits <= 9)
        ++pos;
    if (pos - digits != 9 || wordAfter(t, pos) || (pos + 1 < t.size() && (t[pos] == '-' || t[pos] == '.') && isDigit(t[pos + 1])))
        return std::nullopt;
    return matchIf(isValidSsn(t.substr(digits, 9)), PiiType::Ssn, digits, pos);
}

std::optional<PiiMatch> confirmJwt(std::string_view t, std::size_t b)
{
    // Inside another base64 run (or a JWT's own payload): not the token's start.
    if (b > 0 && (isBase64Url(t[b - 1]) || t[b - 1] == '.'))
        return std::nullopt;
    auto segment = [&t](std::size_t from) {
        std::size_t e = from;
        while (e < t.size() && isBase64Url(t[e]) && e - from <= kMaxJwtSegment)
            ++e;
        return e;
    };
    const std::size_t headerEnd = segment(b);
    if (headerEnd - b < 10 || headerEnd - b > kMaxJwtSegment || headerEnd >= t.size() || t[headerEnd] != '.')
        return std::nullopt;
    const std::size_t payload = headerEnd + 1;
    if (t.substr(payload, 3) != "eyJ")
        return std::nullopt;
    const std::size_t payloadEnd = segment(payload);
    if (payloadEnd - payload < 10 || payloadEnd - payload > kMaxJwtSegment || payloadEnd >= t.size()
        || t[payloadEnd] != '.')
        return std::nullopt;
    const std::size_t sigEnd = segment(payloadEnd + 1);
    if (sigEnd - payloadEnd - 1 > kMaxJwtSegment)
        return std::nullopt;
    return PiiMatch {PiiType::Secret, b, sigEnd};
}

} // namespace

bool precededByNumberingWord(std::string_view text, std::size_t offset)
{
    // Words after which a dotted number numbers something rather than
    // addresses a host (an object identifier, "OID 2.5.4.3", is one): the last part of the name before it decides
    // ("version", "app_version", "firmwareVersion", "Build:", "\"build\": \"").
    static constexpr std::string_view kWords[] = {"v", "ver", "version", "release", "build", "firmware", "fw",
                                                  "rev", "revision", "kernel", "section", "clause", "subclause",
                                                  "chapter", "oid"};
    std::size_t k = offset;
    int skipped = 0;
    const auto separator = [](char c) { return c == ' ' || c == '\t' || c == ':' || c == '=' || c == '"' || c == '\''; };
    while (k > 0 && skipped < 5 && separator(text[k - 1]))
        --k, ++skipped;
    if (k >= 2 && text.substr(k - 2, 2) == "\xC2\xA7") // "§ 1.2.3.4"
        return true;
    // The name before it, up to 40 characters of letters, digits, '_' and
    // '-'; its last part is the letters after the last '_', '-', digit or
    // lower-to-upper case change.
    const std::size_t nameEnd = k;
    while (k > 0 && (isWord(text[k - 1]) || text[k - 1] == '-') && nameEnd - k <= 40)
        --k;
    if (nameEnd == k || nameEnd - k > 40)
        return false;
    std::size_t partBegin = nameEnd;
    while (partBegin > k && isAlpha(text[partBegin - 1])) {
        const char c = text[partBegin - 1];
        --partBegin;
        const bool upper = c >= 'A' && c <= 'Z';
        if (upper && partBegin > k && text[partBegin - 1] >= 'a' && text[partBegin - 1] <= 'z')
            break; // "firmwareVersion": the part is "Version"
    }
    if (partBegin == nameEnd)
        return false;
    std::string word(text.substr(partBegin, nameEnd - partBegin));
    for (char &c : word)
        c = static_cast<char>(c | 0x20);
    return std::find(std::begin(kWords), std::end(kWords), word) != std::end(kWords);
}

std::optional<PiiMatch> confirmEmailAt(std::string_view t, std::size_t at)
{
    return confirmEmail(t, at);
}

void confirmCandidate(std::string_view t, const PatternSpec &spec, std::size_t end, PiiTypeSet wanted,
    ConfirmState &state, std::vector<PiiMatch> &out)
{
    const std::size_t b = end - spec.fixedLength;
    std::optional<PiiMatch> match;
    switch (spec.kind) {
    case PatternKind::NumberGate: {
        // Every gate alternative ends in a digit of the cluster.
        const std::size_t anchor = end - 1;
        if (anchor >= state.numberBegin && anchor < state.numberEnd)
            return;
        const NumberCluster cluster = numberClusterAt(t, anchor);
        state.numberBegin = cluster.begin;
        state.numberEnd = cluster.end;
        findNumericPii(t, cluster, wanted, out);
        return;
    }
    case PatternKind::Email: match = confirmEmail(t, end - 2); break;
    case PatternKind::PhoneIntl: match = confirmIntlPhone(t, b); break;
    case PatternKind::Ipv6:
        match = confirmIpv6(t, end - 2, state); // a hex digit or ':' inside the run
        break;
    case PatternKind::Iban: match = confirmIban(t, b); break;
    case PatternKind::IbanAfterBoundary: match = confirmIban(t, b + 1); break;
    case PatternKind::AwsKey:
    case PatternKind::GithubToken:
        match = matchIf(!wordBefore(t, b) && !wordAfter(t, end), PiiType::Secret, b, end);
        break;
    case PatternKind::GithubPat:
        match = confirmPrefixedToken(
            t, b, end, 22, [](char c) { return isWord(c); }, false);
        break;
    case PatternKind::GitlabToken:
        match = confirmPrefixedToken(
            t, b, end, 20, [](char c) { return isBase64Url(c); }, false);
        break;
    case PatternKind::SlackToken:
        match = confirmPrefixedToken(
            t, b, end, 10, [](char c) { return isAlnum(c) || c == '-'; }, true);
        break;
    case PatternKind::PemPrivateKey: {
        // "-----BEGIN " label "-----", where the label names a private key.
        constexpr std::string_view kKeyLabel = "PRIVATE KEY";
        std::size_t pos = end;
        while (pos < t.size() && pos - end < 64 && (isUpperOrDigit(t[pos]) || t[pos] == ' '))
            ++pos;
        const std::string_view label = t.substr(end, pos - end);
        if (t.substr(pos, 5) != "-----" || !label.ends_with(kKeyLabel)
            || (label.size() > kKeyLabel.size() && label[label.size() - kKeyLabel.size() - 1] != ' '))
            return;
        match = confirmPem(t, b, pos + 5);
        break;
    }
    case PatternKind::Jwt: match = confirmJwt(t, b); break;
    case PatternKind::SsnKeyword: match = confirmSsnKeyword(t, b, end); break;
    case PatternKind::EmailWordAt: match = confirmEmailBracketedAt(t, end); break;
    case PatternKind::EmailKeyword: match = confirmEmailAfterKeyword(t, end); break;
    }
    if (match && wanted.has(match->type))
        out.push_back(*match);
}

} // namespace osh::pii
