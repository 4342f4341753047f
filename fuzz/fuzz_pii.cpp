// The PII detector on arbitrary bytes (agent-controlled text): matches lie
// inside the text, in order, without overlap; find, contains, count and
// redact agree; redaction leaves no match behind in what it kept; every
// match can be explained, with a check and only a fixed keyword;
// nothing crashes or reads out of bounds (ASan, UBSan) in the number
// clusters, separator runs, words for '@', IBANs, encoded blobs or folding.

#include "pii/piidetector.h"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    const std::string_view text(reinterpret_cast<const char *>(data), size);
    const auto &det = osh::pii::PiiDetector::instance();
    const auto matches = det.find(text);
    std::size_t last = 0;
    for (const auto &m : matches) {
        if (m.begin < last || m.begin >= m.end || m.end > text.size())
            std::abort();
        last = m.end;
        const osh::pii::PiiWhy why = det.explain(text, m);
        if (why.check.empty())
            std::abort();
        if (!why.keyword.empty() && why.keyword != "ssn" && why.keyword != "social security" && why.keyword != "email")
            std::abort();
    }
    if (det.contains(text) != !matches.empty() || det.count(text) != matches.size())
        std::abort();
    const std::string redacted = det.redact(text);
    // What redaction kept is the text between the matches, unchanged.
    std::size_t pos = 0, out = 0;
    for (const auto &m : matches) {
        const std::string_view kept = text.substr(pos, m.begin - pos);
        if (redacted.compare(out, kept.size(), kept) != 0)
            std::abort();
        out += kept.size();
        const std::size_t label = redacted.find(']', out);
        if (label == std::string::npos || redacted.compare(out, 10, "[REDACTED:") != 0)
            std::abort();
        out = label + 1;
        pos = m.end;
    }
    if (redacted.compare(out, std::string::npos, text.substr(pos)) != 0)
        std::abort();
    return 0;
}
