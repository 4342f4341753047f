// Email addresses written with words for '@' and '.', so that no '@' is in
// the text: "jane [at] example [dot] com", "jane(at)example(dot)com",
// "jane at example dot com" after an email keyword.

#include "piiemailwords.h"

#include "piicandidate.h"
#include "piichars.h"

#include <algorithm>
#include <string>

namespace osh::pii {

namespace {

constexpr std::size_t kMaxLocal = 64;
constexpr std::size_t kMaxDomain = 253;
// How far after "mail" an address written with words may start.
constexpr std::size_t kKeywordWindow = 48;

constexpr bool isBlank(char c) { return c == ' ' || c == '\t'; }
constexpr bool isOpen(char c) { return c == '[' || c == '(' || c == '{' || c == '<'; }
constexpr bool isClose(char c) { return c == ']' || c == ')' || c == '}' || c == '>'; }
constexpr bool isLocal(char c)
{
    return isAlnum(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-';
}

bool wordIs(std::string_view t, std::size_t at, std::string_view word)
{
    if (at + word.size() > t.size())
        return false;
    for (std::size_t i = 0; i < word.size(); ++i)
        if ((t[at + i] | 0x20) != word[i])
            return false;
    return true;
}

// The end of a word separator at pos standing for word ("at", "dot"):
// optional blanks, then the word in brackets ("[at]", "( at )") or, when
// spaced is allowed, the bare word between blanks (" at "); then optional
// blanks. pos when there is none.
std::size_t wordSeparator(std::string_view t, std::size_t pos, std::string_view word, bool spaced)
{
    std::size_t i = pos;
    while (i < t.size() && isBlank(t[i]) && i - pos < 3)
        ++i;
    const std::size_t blanksBefore = i - pos;
    if (i < t.size() && isOpen(t[i])) {
        std::size_t j = i + 1;
        if (j < t.size() && t[j] == ' ')
            ++j;
        if (!wordIs(t, j, word))
            return pos;
        j += word.size();
        if (j < t.size() && t[j] == ' ')
            ++j;
        if (j >= t.size() || !isClose(t[j]))
            return pos;
        ++j;
        while (j < t.size() && isBlank(t[j]) && j - i < 16)
            ++j;
        return j;
    }
    if (!spaced || blanksBefore == 0 || !wordIs(t, i, word))
        return pos;
    std::size_t j = i + word.size();
    const std::size_t after = j;
    while (j < t.size() && isBlank(t[j]) && j - after < 3)
        ++j;
    return j > after ? j : pos;
}

// The address whose '@' is written as the separator [atBegin, atEnd):
// the local part right before it, domain labels joined by '.' or "dot"
// separators after it. The address it stands for must be one the '@'
// form's confirmation accepts.
std::optional<PiiMatch> addressAround(std::string_view t, std::size_t atBegin, std::size_t atEnd, std::size_t notBefore)
{
    std::size_t localEnd = atBegin;
    while (localEnd > notBefore && isBlank(t[localEnd - 1]))
        --localEnd;
    std::size_t b = localEnd;
    while (b > notBefore && isLocal(t[b - 1]) && localEnd - b <= kMaxLocal)
        --b;
    while (b < localEnd && !isAlnum(t[b])) // leading punctuation is the prose's
        ++b;
    if (b == localEnd || localEnd - b > kMaxLocal || (b > 0 && isWord(t[b - 1])))
        return std::nullopt;

    std::string address(t.substr(b, localEnd - b));
    address += '@';
    std::size_t pos = atEnd;
    std::size_t end = pos;
    int labels = 0;
    for (;;) {
        const std::size_t start = pos;
        while (pos < t.size() && (isAlnum(t[pos]) || t[pos] == '-') && pos - start <= 63)
            ++pos;
        if (pos == start || address.size() > kMaxLocal + kMaxDomain)
            break;
        address.append(t.substr(start, pos - start));
        end = pos;
        ++labels;
        std::size_t next = pos;
        if (pos + 1 < t.size() && t[pos] == '.' && isAlnum(t[pos + 1]))
            next = pos + 1;
        else
            next = wordSeparator(t, pos, "dot", true);
        if (next == pos || next >= t.size() || !isAlnum(t[next]))
            break;
        address += '.';
        pos = next;
    }
    if (labels < 2 || (end < t.size() && isWord(t[end])))
        return std::nullopt;
    // The same checks as an address written with '@' (labels, TLD).
    const auto plain = confirmEmailAt(address, address.find('@'));
    if (!plain || plain->begin != 0 || plain->end != address.size())
        return std::nullopt;
    return PiiMatch{PiiType::Email, b, end};
}

} // namespace

std::optional<PiiMatch> confirmEmailBracketedAt(std::string_view t, std::size_t end)
{
    // The hit ends after the closing bracket of "[at]", "( at )" and the like.
    if (end < 4 || !isClose(t[end - 1]))
        return std::nullopt;
    std::size_t open = end - 2;
    if (t[open] == ' ')
        --open;
    if (open < 2 || !wordIs(t, open - 1, "at"))
        return std::nullopt;
    open -= 2;
    if (t[open] == ' ' && open > 0)
        --open;
    if (!isOpen(t[open]))
        return std::nullopt;
    std::size_t atBegin = open;
    std::size_t atEnd = wordSeparator(t, open, "at", false);
    if (atEnd == open)
        return std::nullopt;
    return addressAround(t, atBegin, atEnd, 0);
}

std::optional<PiiMatch> confirmEmailAfterKeyword(std::string_view t, std::size_t keywordEnd)
{
    // "email: jane at example dot com", {"contact_email": "jane at ..."}:
    // the first " at " in the window after the keyword, with the local
    // part after the keyword.
    const std::size_t limit = std::min(t.size(), keywordEnd + kKeywordWindow);
    for (std::size_t i = keywordEnd; i < limit; ++i) {
        if (!isBlank(t[i]) || !wordIs(t, i + 1, "at"))
            continue;
        const std::size_t atEnd = wordSeparator(t, i, "at", true);
        if (atEnd == i)
            continue;
        if (auto m = addressAround(t, i, atEnd, keywordEnd))
            return m;
    }
    return std::nullopt;
}

} // namespace osh::pii
