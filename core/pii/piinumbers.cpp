#include "piinumbers.h"

#include "piicandidate.h"
#include "piivalidators.h"

#include <algorithm>
#include <cstdint>
#include <optional>

namespace osh::pii {

namespace {

// Longer clusters (tables of numbers, digit dumps) are cut here so a hostile
// text stays linear; a candidate touching a cut edge is not isolated.
constexpr std::size_t kMaxClusterBytes = 256;

constexpr bool isDigit(char c)
{
    return c >= '0' && c <= '9';
}
constexpr bool isWord(char c)
{
    return isDigit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}
constexpr bool isSep(char c)
{
    return c == ' ' || c == '.' || c == '-';
}

std::optional<NumberGroup> parenGroupAt(std::string_view t, std::size_t begin)
{
    if (begin + 5 > t.size() || t[begin] != '(' || t[begin + 4] != ')')
        return std::nullopt;
    for (std::size_t i = begin + 1; i < begin + 4; ++i)
        if (!isDigit(t[i]))
            return std::nullopt;
    return NumberGroup {begin, begin + 5, true};
}

std::optional<NumberGroup> groupEndingAt(std::string_view t, std::size_t end)
{
    if (end == 0)
        return std::nullopt;
    if (t[end - 1] == ')')
        return end >= 5 ? parenGroupAt(t, end - 5) : std::nullopt;
    if (!isDigit(t[end - 1]))
        return std::nullopt;
    std::size_t b = end;
    while (b > 0 && isDigit(t[b - 1]))
        --b;
    return NumberGroup {b, end, false};
}

std::optional<NumberGroup> groupStartingAt(std::string_view t, std::size_t begin)
{
    if (begin >= t.size())
        return std::nullopt;
    if (t[begin] == '(')
        return parenGroupAt(t, begin);
    if (!isDigit(t[begin]))
        return std::nullopt;
    std::size_t e = begin;
    while (e < t.size() && isDigit(t[e]))
        ++e;
    return NumberGroup {begin, e, false};
}

class Extractor
{
public:
    Extractor(std::string_view text, const NumberCluster &c, PiiTypeSet wanted, std::vector<PiiMatch> &out)
        : m_t(text)
        , m_c(c)
        , m_g(c.groups)
        , m_n(c.count)
        , m_wanted(wanted)
        , m_out(out)
    { }

    void run()
    {
        if (m_wanted.has(PiiType::Ssn))
            ssn();
        if (m_wanted.has(PiiType::CreditCard))
            cards();
        if (m_wanted.has(PiiType::Phone))
            phones();
        if (m_wanted.has(PiiType::IpAddress))
            ipv4();
    }

private:
    // Whether groups [i, j] stand alone: not glued to a word, and not joined to
    // a neighbouring group by one of the separators in glue (which would make
    // them a slice of a longer number).
    bool leftFree(std::size_t i, std::string_view glue) const
    {
        if (i == 0)
            return !m_c.truncatedLeft && !(m_g[0].begin > 0 && isWord(m_t[m_g[0].begin - 1]));
        return m_c.seps[i] != '\0' && glue.find(m_c.seps[i]) == std::string_view::npos;
    }
    bool rightFree(std::size_t j, std::string_view glue) const
    {
        if (j + 1 == m_n)
            return !m_c.truncatedRight && !(m_g[j].end < m_t.size() && isWord(m_t[m_g[j].end]));
        return m_c.seps[j + 1] != '\0' && glue.find(m_c.seps[j + 1]) == std::string_view::npos;
    }
    bool plain(std::size_t i, std::size_t digits) const { return !m_g[i].paren && m_g[i].digits() == digits; }
    std::string_view span(std::size_t b, std::size_t e) const { return m_t.substr(b, e - b); }
    void emit(PiiType type, std::size_t b, std::size_t e) { m_out.push_back(PiiMatch {type, b, e}); }

    void ssn()
    {
        for (std::size_t i = 0; i + 2 < m_n; ++i) {
            const char sep = m_c.seps[i + 1];
            if (!plain(i, 3) || !plain(i + 1, 2) || !plain(i + 2, 4) || (sep != '-' && sep != ' ')
                || m_c.seps[i + 2] != sep)
                continue;
            const std::string_view glue = sep == '-' ? "-." : " -.";
            const std::size_t b = m_g[i].begin, e = m_g[i + 2].end;
            if (leftFree(i, glue) && rightFree(i + 2, glue) && isValidSsn(span(b, e)))
                emit(PiiType::Ssn, b, e);
        }
    }

    void cards()
    {
        for (std::size_t i = 0; i < m_n; ++i) {
            std::size_t digits = 0;
            char sep = '\0';
            for (std::size_t j = i; j < m_n && !m_g[j].paren; ++j) {
                if (j > i) {
                    const char s = m_c.seps[j];
                    if ((s != ' ' && s != '-') || (j > i + 1 && s != sep))
                        break;
                    sep = s;
                }
                digits += m_g[j].digits();
                if (digits > 19)
                    break;
                if (digits < 13)
                    continue;
                // Spaced groups continued by another spaced group are a longer number.
                const std::string_view glue = sep == ' ' ? " -." : "-.";
                const std::size_t b = m_g[i].begin, e = m_g[j].end;
                if (leftFree(i, glue) && rightFree(j, glue) && isValidCardNumber(span(b, e)))
                    emit(PiiType::CreditCard, b, e);
            }
        }
    }

    // (415) 555-2671, 415-555-2671, 415.555.2671, 1 415 555 2671, +1 (415) 555-2671.
    void phones()
    {
        const bool afterPlus = m_c.begin > 0 && m_t[m_c.begin - 1] == '+';
        for (std::size_t a = 0; a + 2 < m_n; ++a) {
            const NumberGroup &area = m_g[a];
            if (!(area.paren || plain(a, 3)) || !plain(a + 1, 3) || !plain(a + 2, 4))
                continue;
            if ((!area.paren && m_c.seps[a + 1] == '\0') || m_c.seps[a + 2] == '\0')
                continue;
            const bool trunkOne = a > 0 && plain(a - 1, 1) && m_t[m_g[a - 1].begin] == '1' && m_c.seps[a] != '\0';
            const std::size_t first = trunkOne ? a - 1 : a;
            // Digits after a '+' country code other than 1 are not a North American number.
            if (afterPlus && (first > 0 || !trunkOne))
                continue;
            std::size_t b = m_g[first].begin;
            if (afterPlus)
                --b;
            if (!leftFree(first, "-.") || !rightFree(a + 2, "-."))
                continue;
            if (afterPlus && b > 0 && isWord(m_t[b - 1]))
                continue;
            // NANP area codes and exchanges start with 2-9; the rest is libphonenumber's call.
            std::uint64_t national = 0;
            for (std::size_t k = a; k < a + 3; ++k)
                for (std::size_t i = m_g[k].begin; i < m_g[k].end; ++i)
                    if (isDigit(m_t[i]))
                        national = national * 10 + static_cast<std::uint64_t>(m_t[i] - '0');
            if (national / 1000000000 < 2 || national / 1000000 % 10 < 2)
                continue;
            const std::size_t e = m_g[a + 2].end;
            if (isValidPhoneNumber(1, national))
                emit(PiiType::Phone, b, e);
        }
    }

    void ipv4()
    {
        for (std::size_t i = 0; i + 3 < m_n; ++i) {
            bool ok = true;
            for (std::size_t k = i; k < i + 4 && ok; ++k) {
                ok = !m_g[k].paren && m_g[k].digits() <= 3;
                if (k > i)
                    ok = ok && m_c.seps[k] == '.';
            }
            const std::size_t b = m_g[i].begin, e = m_g[i + 3].end;
            if (ok && leftFree(i, ".") && rightFree(i + 3, ".") && !precededByNumberingWord(m_t, b)
                && isValidIpv4(span(b, e)))
                emit(PiiType::IpAddress, b, e);
        }
    }

    std::string_view m_t;
    const NumberCluster &m_c;
    const std::array<NumberGroup, NumberCluster::kMaxGroups> &m_g;
    std::size_t m_n;
    PiiTypeSet m_wanted;
    std::vector<PiiMatch> &m_out;
};

} // namespace

NumberCluster numberClusterAt(std::string_view t, std::size_t anchor)
{
    NumberCluster c;
    if (anchor >= t.size() || !isDigit(t[anchor]))
        return c;
    std::size_t gb = anchor, ge = anchor;
    while (gb > 0 && isDigit(t[gb - 1]))
        --gb;
    while (ge < t.size() && isDigit(t[ge]))
        ++ge;
    NumberGroup g {gb, ge, false};
    if (g.digits() == 3 && g.begin > 0 && t[g.begin - 1] == '(')
        if (auto p = parenGroupAt(t, g.begin - 1))
            g = *p;

    // Two passes, so the groups are stored once and in order: find the
    // leftmost group, then collect groups rightwards from it.
    NumberGroup first = g;
    std::size_t leftGroups = 0;
    for (;;) {
        const std::size_t pos = first.begin;
        std::optional<NumberGroup> prev;
        if (pos >= 2 && isSep(t[pos - 1]))
            prev = groupEndingAt(t, pos - 1);
        else if (!first.paren && pos >= 1 && t[pos - 1] == ')')
            prev = groupEndingAt(t, pos);
        if (!prev || (!isSep(t[pos - 1]) && !prev->paren))
            break;
        if (leftGroups + 1 == NumberCluster::kMaxGroups / 2 || g.end - prev->begin > kMaxClusterBytes) {
            c.truncatedLeft = true;
            break;
        }
        ++leftGroups;
        first = *prev;
    }
    c.groups[0] = first;
    c.seps[0] = '\0';
    c.count = 1;
    for (NumberGroup cur = first;;) {
        const std::size_t pos = cur.end;
        std::optional<NumberGroup> next;
        char sep = '\0';
        if (pos + 1 < t.size() && isSep(t[pos]))
            next = groupStartingAt(t, pos + 1), sep = t[pos];
        else if (cur.paren && pos < t.size() && isDigit(t[pos]))
            next = groupStartingAt(t, pos);
        if (!next || (sep == '\0' && next->paren))
            break;
        if (next->begin > g.begin && (c.count == NumberCluster::kMaxGroups || next->end - g.begin > kMaxClusterBytes)) {
            c.truncatedRight = true;
            break;
        }
        c.groups[c.count] = *next;
        c.seps[c.count] = sep;
        ++c.count;
        cur = *next;
    }
    c.begin = c.groups[0].begin;
    c.end = c.groups[c.count - 1].end;
    return c;
}

void findNumericPii(std::string_view text, const NumberCluster &cluster, PiiTypeSet wanted, std::vector<PiiMatch> &out)
{
    Extractor(text, cluster, wanted, out).run();
}

} // namespace osh::pii
