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

std::array<PatternSpec, 17> makePatterns()
{
    // IBAN country codes as literals let Hyperscan skip ordinary text instead
    // of running a letter-and-digit automaton over it.
    static const std::string iban = [] {
        std::string alternatives;
        for (std::string_view code : ibanCountryCodes())
            alternatives.append(alternatives.empty() ? "" : "|").append(code);
        return "(?:" + alternatives + ")";
    }();
    static const std::string ibanCompact = iban + R"(\d{2}[A-Z0-9]{8})";
    static const std::string ibanSpaced = iban + R"(\d{2} [A-Z0-9]{4} [A-Z0-9]{4})";

    return {{
        // Every numeric shape contains one of: three digits, a separator and a
        // digit (123-45-6789, 4111 1111 ..., 555-2671); thirteen plain digits
        // (an unseparated card); or a dotted quad start (10.0.0.1).
        PatternSpec {PatternKind::NumberGate,
            PiiTypeSet().add(PiiType::Ssn).add(PiiType::CreditCard).add(PiiType::Phone).add(PiiType::IpAddress),
            R"(\d{3}[ .\-]\d|\d{13}|\d\.\d{1,3}\.\d{1,3}\.\d)", 0},
        PatternSpec {PatternKind::Email, only(PiiType::Email), R"([A-Za-z0-9._%+\-]@[A-Za-z0-9])", 3},
        PatternSpec {PatternKind::PhoneIntl, only(PiiType::Phone), R"(\+[1-9]\d)", 3},
        PatternSpec {PatternKind::Ipv6, only(PiiType::IpAddress), R"([0-9A-Fa-f]::)", 3},
        PatternSpec {PatternKind::Ipv6, only(PiiType::IpAddress), R"(::[0-9A-Fa-f])", 3},
        // Uncompressed addresses: any inner group of four hex digits. (A looser
        // ":h{1,4}:h{1,4}:" costs a sixth of the scan speed, and an address in
        // full form without one four-digit group, "1:2:3:4:5:6:7:8", is rare.)
        PatternSpec {PatternKind::Ipv6, only(PiiType::IpAddress), R"(:[0-9A-Fa-f]{4}:)", 6},
        PatternSpec {PatternKind::IbanCompact, only(PiiType::Iban), ibanCompact.c_str(), 12},
        PatternSpec {PatternKind::IbanSpaced, only(PiiType::Iban), ibanSpaced.c_str(), 14},
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
    }};
}

} // namespace

std::span<const PatternSpec> candidatePatterns()
{
    static const std::array<PatternSpec, 17> patterns = makePatterns();
    return patterns;
}

} // namespace osh::pii
