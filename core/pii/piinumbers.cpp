#include "piinumbers.h"

#include "piicandidate.h"
#include "piichars.h"
#include "piivalidators.h"

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>

namespace osh::pii {

namespace {

// Longer clusters (tables of numbers, digit dumps) are cut here so a hostile
// text stays linear; a candidate touching a cut edge is not isolated.
constexpr std::size_t kMaxClusterBytes = 256;

// What may stand between two groups of an obfuscated number (see sepRunAt).
constexpr bool isRunChar(char c)
{
    return c == ' ' || c == '\t' || c == '-' || c == '.' || c == '/' || c == '\r' || c == '\n' || c == '"' || c == ','
        || c == '+' || c == '\\' || c == 'n';
}
constexpr std::size_t kMaxSepRun = 16;

// The end of a separator run starting at pos and followed by a digit, or 0
// when there is none (see separatorRunEnd). *cls is the separator's class:
// the single character, or 'm' for any longer or mixed run.
std::size_t sepRunAt(std::string_view t, std::size_t pos, char *cls)
{
    const std::size_t i = separatorRunEnd(t, pos);
    if (i == pos || i >= t.size() || !isDigit(t[i]))
        return 0;
    *cls = i == pos + 1 && t[pos] != '\t' ? t[pos] : 'm';
    return i;
}

// The start of a separator run that ends at pos (before a group) and
// follows a digit, or 0 when there is none.
std::size_t sepRunEndingAt(std::string_view t, std::size_t pos, char *cls)
{
    std::size_t b = pos;
    while (b > 0 && pos - b <= kMaxSepRun && isRunChar(t[b - 1]))
        --b;
    // The run starts right after the nearest digit; try the shortest first.
    for (std::size_t s = pos; s-- > b;) {
        if (s == 0 || !isDigit(t[s - 1]))
            continue;
        char c = 0;
        if (sepRunAt(t, s, &c) == pos) {
            *cls = c;
            return s;
        }
    }
    return 0;
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
    // Groups i..j as the validators read them, joined by sep (what the
    // number looks like written the usual way).
    std::string joined(std::size_t i, std::size_t j, char sep) const
    {
        std::string out;
        for (std::size_t k = i; k <= j; ++k) {
            if (k > i)
                out += sep;
            out.append(span(m_g[k].begin, m_g[k].end));
        }
        return out;
    }
    void found(PiiType type, std::size_t b, std::size_t e) { m_out.push_back(PiiMatch {type, b, e}); }

    // Separators in a number written to escape notice (a mix, '/', a run
    // or a line break): such a number must be the whole cluster.
    static constexpr std::string_view kAnyGlue = " -./m";

    void ssn()
    {
        for (std::size_t i = 0; i + 2 < m_n; ++i) {
            const char sep = m_c.seps[i + 1];
            if (!plain(i, 3) || !plain(i + 1, 2) || !plain(i + 2, 4) || sep == '\0' || m_c.seps[i + 2] == '\0')
                continue;
            const bool usual = (sep == '-' || sep == ' ') && m_c.seps[i + 2] == sep;
            const std::string_view glue = !usual ? kAnyGlue : sep == '-' ? "-." : " -.";
            const std::size_t b = m_g[i].begin, e = m_g[i + 2].end;
            if (leftFree(i, glue) && rightFree(i + 2, glue) && isValidSsn(usual ? std::string(span(b, e)) : joined(i, i + 2, '-')))
                found(PiiType::Ssn, b, e);
        }
    }

    void cards()
    {
        for (std::size_t i = 0; i < m_n; ++i) {
            std::size_t digits = 0;
            char sep = '\0';
            bool mixed = false;
            for (std::size_t j = i; j < m_n && !m_g[j].paren; ++j) {
                if (j > i) {
                    const char s = m_c.seps[j];
                    if (s == '\0')
                        break;
                    mixed = mixed || (s != ' ' && s != '-') || (j > i + 1 && s != sep);
                    sep = s;
                }
                digits += m_g[j].digits();
                if (digits > 19)
                    break;
                if (digits < 13)
                    continue;
                // Spaced groups continued by another spaced group are a longer number.
                const std::string_view glue = mixed ? kAnyGlue : sep == ' ' ? " -." : "-.";
                const std::size_t b = m_g[i].begin, e = m_g[j].end;
                if (leftFree(i, glue) && rightFree(j, glue)
                    && isValidCardNumber(mixed ? joined(i, j, ' ') : std::string(span(b, e))))
                    found(PiiType::CreditCard, b, e);
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
                found(PiiType::Phone, b, e);
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
                found(PiiType::IpAddress, b, e);
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

std::size_t separatorRunEnd(std::string_view t, std::size_t pos)
{
    std::size_t i = pos;
    int breaks = 0, quotes = 0;
    while (i < t.size() && i - pos <= kMaxSepRun) {
        const char c = t[i];
        if (c == ' ' || c == '\t' || c == '-' || c == '.' || c == '/')
            ++i;
        else if (c == '\n')
            ++breaks, ++i;
        else if (c == '\r' && i + 1 < t.size() && t[i + 1] == '\n')
            ++breaks, i += 2;
        else if (c == '\\' && i + 1 < t.size() && t[i + 1] == 'n')
            ++breaks, i += 2;
        else if (c == '"')
            ++quotes, ++i;
        else if ((c == ',' || c == '+') && quotes == 1)
            ++i;
        else
            break;
    }
    if (i - pos > kMaxSepRun || breaks > 1 || (quotes != 0 && quotes != 2))
        return pos;
    return i;
}

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
        char cls = 0;
        std::size_t runStart = 0;
        if (pos >= 2 && isSep(t[pos - 1]) && (isDigit(t[pos - 2]) || t[pos - 2] == ')'))
            prev = groupEndingAt(t, pos - 1);
        else if (!first.paren && pos >= 1 && t[pos - 1] == ')')
            prev = groupEndingAt(t, pos);
        else if (!first.paren && pos >= 2 && (runStart = sepRunEndingAt(t, pos, &cls)) != 0)
            prev = groupEndingAt(t, runStart);
        if (!prev || (pos >= 1 && t[pos - 1] == ')' && !prev->paren))
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
        std::size_t runEnd = 0;
        if (pos + 1 < t.size() && isSep(t[pos]) && (isDigit(t[pos + 1]) || t[pos + 1] == '('))
            next = groupStartingAt(t, pos + 1), sep = t[pos];
        else if (cur.paren && pos < t.size() && isDigit(t[pos]))
            next = groupStartingAt(t, pos);
        else if (!cur.paren && (runEnd = sepRunAt(t, pos, &sep)) != 0)
            next = groupStartingAt(t, runEnd);
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
