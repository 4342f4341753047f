#include "piipatterns.h"

#include "piivalidators.h"

#include <array>
#include <string>

namespace osh::pii {

namespace {

constexpr PiiTypeSet only(PiiType t)
{
    return PiiTypeSet().add(t);
}

std::array<PatternSpec, 19> makePatterns()
{
    // IBAN country codes as literals let Hyperscan skip ordinary text instead
    // of running a letter-and-digit automaton over it.
    static const std::string iban = [] {
        std::string alternatives;
        for (std::string_view code : ibanCountryCodes())
            alternatives.append(alternatives.empty() ? "" : "|").append(code);
        return "(?:" + alternatives + ")";
    }();
    static const std::string ibanAtStart = "^" + iban + R"(\d{2})";
    static const std::string ibanAfterBoundary = "[^A-Za-z0-9_]" + iban + R"(\d{2})";

    return {{
        // Every numeric shape contains one of: three digits, a separator and a
        // digit (123-45-6789, 4111 1111 ..., 555-2671); thirteen plain digits
        // (an unseparated card); a dotted quad start (10.0.0.1); or two
        // digits joined by a separator run with an unusual character or of
        // more than one character (123 / 45 / 6789, 4111\n  1111,
        // "4111", "1111": piinumbers.h). Each alternative ends in a digit
        // of the cluster; commas alone ("1, 2, 3") do not open one.
        PatternSpec {PatternKind::NumberGate,
            PiiTypeSet().add(PiiType::Ssn).add(PiiType::CreditCard).add(PiiType::Phone).add(PiiType::IpAddress),
            R"(\d{3}[ .\-]\d|\d{13}|\d\.\d{1,3}\.\d{1,3}\.\d|\d[ .\-]{0,15}[\t/"\\\r\n][ \t.\-/"\\,+\r\nn]{0,15}\d|\d[ .\-]{2,16}\d)", 0},
        PatternSpec {PatternKind::Email, only(PiiType::Email), R"([A-Za-z0-9._%+\-]@[A-Za-z0-9])", 3},
        PatternSpec {PatternKind::PhoneIntl, only(PiiType::Phone), R"(\+[1-9]\d)", 3},
        PatternSpec {PatternKind::Ipv6, only(PiiType::IpAddress), R"([0-9A-Fa-f]::)", 3},
        PatternSpec {PatternKind::Ipv6, only(PiiType::IpAddress), R"(::[0-9A-Fa-f])", 3},
        // Uncompressed addresses: any inner group of four hex digits. (A looser
        // ":h{1,4}:h{1,4}:" costs a sixth of the scan speed, and an address in
        // full form without one four-digit group, "1:2:3:4:5:6:7:8", is rare.)
        PatternSpec {PatternKind::Ipv6, only(PiiType::IpAddress), R"(:[0-9A-Fa-f]{4}:)", 6},
        // Country code and check digits in any case; the BBAN, in groups of
        // four with any separators, is read on confirmation.
        // (Compiled caseless. Glued to a word it is no IBAN: the boundary is
        // in the pattern, so hex and identifiers do not reach confirmation.)
        PatternSpec {PatternKind::Iban, only(PiiType::Iban), ibanAtStart.c_str(), 4},
        PatternSpec {PatternKind::IbanAfterBoundary, only(PiiType::Iban), ibanAfterBoundary.c_str(), 5},
        PatternSpec {PatternKind::AwsKey, only(PiiType::Secret), R"((?:AKIA|ASIA)[A-Z0-9]{16})", 20},
        PatternSpec {PatternKind::GithubToken, only(PiiType::Secret), R"(gh[pousr]_[A-Za-z0-9]{36})", 40},
        PatternSpec {PatternKind::GithubPat, only(PiiType::Secret), R"(github_pat_)", 11},
        PatternSpec {PatternKind::GitlabToken, only(PiiType::Secret), R"(glpat-)", 6},
        PatternSpec {PatternKind::SlackToken, only(PiiType::Secret), R"(xox[abeprs]-)", 5},
        PatternSpec {PatternKind::PemPrivateKey, only(PiiType::Secret), R"(-----BEGIN )", 11},
        // base64url('{"') is "eyJ": a JSON header; the rest is parsed on confirmation.
        PatternSpec {PatternKind::Jwt, only(PiiType::Secret), R"(eyJ[A-Za-z0-9_\-]{7})", 10},
        // A bare nine-digit SSN is only one right after its keyword (the
        // number gate needs separators); compiled caseless.
        PatternSpec {PatternKind::SsnKeyword, only(PiiType::Ssn), R"(ssn)", 3},
        PatternSpec {PatternKind::SsnKeyword, only(PiiType::Ssn), R"(social security)", 15},
        // Addresses written with words (compiled caseless): a bracketed
        // "at" anywhere, a bare one only after an email keyword.
        PatternSpec {PatternKind::EmailWordAt, only(PiiType::Email), R"([\[({<] ?at ?[\])}>])", 0},
        PatternSpec {PatternKind::EmailKeyword, only(PiiType::Email), R"(mail)", 4},
    }};
}

} // namespace

std::span<const PatternSpec> candidatePatterns()
{
    static const std::array<PatternSpec, 19> patterns = makePatterns();
    return patterns;
}

} // namespace osh::pii
