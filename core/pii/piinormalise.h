#pragma once
// What the PII scan sees of a text: compatibility forms an agent can use to
// write PII without ASCII digits or with invisible breaks, folded to the
// ASCII the patterns and validators expect, with a map back to the
// original bytes so that redaction replaces exactly what was written.
//
// Folded: decimal digits of other scripts and the mathematical digits
// (Arabic-Indic ٤, Devanagari ४, fullwidth ４, bold 𝟒 ...) to 0-9; the
// fullwidth forms of ASCII (U+FF01..U+FF5E: letters, @, ., -, +) to ASCII;
// Unicode spaces (no-break, figure, narrow, ideographic, U+2000..U+200A) to
// a space; Unicode hyphens and dashes (U+2010..U+2015, minus U+2212) to
// '-'. Removed: zero-width space, non-joiner and joiner, word joiner,
// byte-order mark, soft hyphen, Mongolian vowel separator. Everything else,
// invalid UTF-8 included, is kept byte for byte.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace osh::pii {

class NormalisedText
{
public:
    // nullopt when nothing in text is folded or removed (the scan then
    // reads the text itself).
    static std::optional<NormalisedText> of(std::string_view text);

    const std::string &text() const { return m_text; }
    // The offset in the original text of offset `at` in text() (at may be
    // text().size()). A range [b, e) maps to [original(b), original(e)),
    // which covers every original byte the folded range came from.
    std::size_t original(std::size_t at) const;
    // Whether characters were folded to ASCII / removed (PiiWhy::seen).
    bool foldedAny() const { return m_folded; }
    bool removedAny() const { return m_removed; }

private:
    // After each change: where the folded text and the original continue
    // side by side; between two marks the offsets advance together.
    struct Mark
    {
        std::size_t folded;
        std::size_t original;
    };
    std::string m_text;
    std::vector<Mark> m_marks;
    bool m_folded = false;
    bool m_removed = false;
};

} // namespace osh::pii
