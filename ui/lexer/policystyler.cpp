#include "policystyler.h"

#include "condition/builtins.h"
#include "condition/lexer.h"

#include <algorithm>
#include <array>

namespace osh::ui {

namespace {

using S = PolicyStyle;

bool isSpace(char c)
{
    return c == ' ' || c == '\t';
}
bool isDigit(char c)
{
    return c >= '0' && c <= '9';
}
bool isFlowIndicator(char c)
{
    return c == ',' || c == '[' || c == ']' || c == '{' || c == '}';
}

bool isYamlNumber(std::string_view v)
{
    if (v.empty())
        return false;
    size_t i = 0;
    if (v[0] == '+' || v[0] == '-')
        i = 1;
    const auto rest = v.substr(i);
    if (rest == ".inf" || rest == ".Inf" || rest == ".INF")
        return true;
    if (i == 0 && (v == ".nan" || v == ".NaN" || v == ".NAN"))
        return true;
    if (i == 0 && v.size() > 2 && v[0] == '0' && (v[1] == 'x' || v[1] == 'o')) {
        const bool hex = v[1] == 'x';
        return std::all_of(v.begin() + 2, v.end(), [hex](char c) {
            return hex ? (isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')) : (c >= '0' && c <= '7');
        });
    }
    bool digits = false;
    while (i < v.size() && isDigit(v[i])) {
        ++i;
        digits = true;
    }
    if (i < v.size() && v[i] == '.') {
        ++i;
        while (i < v.size() && isDigit(v[i])) {
            ++i;
            digits = true;
        }
    }
    if (!digits)
        return false;
    if (i < v.size() && (v[i] == 'e' || v[i] == 'E')) {
        ++i;
        if (i < v.size() && (v[i] == '+' || v[i] == '-'))
            ++i;
        if (i >= v.size() || !isDigit(v[i]))
            return false;
        while (i < v.size() && isDigit(v[i]))
            ++i;
    }
    return i == v.size();
}

S classifyPlain(std::string_view v)
{
    static constexpr std::array<std::string_view, 10> kConstants {
        "true", "false", "True", "False", "TRUE", "FALSE", "null", "Null", "NULL", "~"};
    if (std::find(kConstants.begin(), kConstants.end(), v) != kConstants.end())
        return S::Constant;
    return isYamlNumber(v) ? S::Number : S::Scalar;
}

// A condition's decoded text (what the loader would hand the condition
// parser) with, per decoded byte, where it came from in the document.
struct Collector
{
    bool active = false;
    std::string text;
    std::vector<int> offsets; // document offset of each decoded byte
    std::vector<std::uint8_t> lengths; // its length there (0: a line break folded away)

    void start()
    {
        active = true;
        text.clear();
        offsets.clear();
        lengths.clear();
    }
    void add(char c, int offset, int length)
    {
        if (!active)
            return;
        text += c;
        offsets.push_back(offset);
        lengths.push_back(static_cast<std::uint8_t>(length));
    }
};

class Styler
{
public:
    Styler(std::string_view text, int stopAt)
        : m_text(text)
        , m_stopAt(stopAt)
    { }

    StyledRange run();

private:
    enum class Mode : std::uint8_t { Normal, Block, Plain, Flow, Single, Double };

    int size() const { return static_cast<int>(m_text.size()); }
    char at(int i) const { return i < size() ? m_text[static_cast<size_t>(i)] : '\0'; }
    bool blankOrEnd(int i, int end) const { return i >= end || isSpace(at(i)); }
    int skipSpaces(int p, int end) const
    {
        while (p < end && isSpace(at(p)))
            ++p;
        return p;
    }
    void fill(int from, int to, S style)
    {
        std::fill(m_styles.begin() + from, m_styles.begin() + to, static_cast<char>(style));
    }

    bool continues(int ls, int le) const;
    void styleContinuation(int ls, int le);
    void styleLine(int ls, int le);
    void blockNode(int p, int le);
    int properties(int p, int le);
    int findKey(int p, int le) const;
    void blockValue(int p, int le, int parentCol, bool condition);
    int plainEnd(int p, int le) const;
    int quoted(int p, int le, char quote, bool opening, S style);
    void trailing(int p, int le);
    void flow(int p, int le);
    void finish();
    void styleCondition();

    std::string_view m_text;
    int m_stopAt;
    std::string m_styles;
    int m_ls = 0; // start of the line being styled

    Mode m_mode = Mode::Normal;
    int m_parentCol = -1; // lines indented more than this continue the construct
    int m_flowDepth = 0;
    bool m_flowCondition = false; // the flow key just read is a condition key
    Collector m_condition;
};

StyledRange Styler::run()
{
    StyledRange out;
    int pos = 0;
    while (pos < size()) {
        const size_t nl = m_text.find('\n', static_cast<size_t>(pos));
        const int lineEnd = nl == std::string_view::npos ? size() : static_cast<int>(nl);
        const int next = nl == std::string_view::npos ? size() : lineEnd + 1;
        const int le = lineEnd > pos && at(lineEnd - 1) == '\r' ? lineEnd - 1 : lineEnd;
        const bool cont = continues(pos, le);
        if (!cont) {
            finish();
            if (pos >= m_stopAt)
                break;
        }
        m_styles.resize(static_cast<size_t>(next), static_cast<char>(S::Default));
        out.lineStates.push_back(cont ? 1 : 0);
        m_ls = pos;
        if (cont)
            styleContinuation(pos, le);
        else
            styleLine(pos, le);
        pos = next;
    }
    finish();
    m_styles.resize(static_cast<size_t>(pos), static_cast<char>(S::Default));
    out.styles = std::move(m_styles);
    return out;
}

// Whether the line [ls, le) belongs to the construct left open above it.
bool Styler::continues(int ls, int le) const
{
    if (m_mode == Mode::Normal)
        return false;
    const int p = skipSpaces(ls, le);
    const int indent = p - ls;
    if (p >= le)
        return m_mode != Mode::Plain; // blank lines go on inside blocks, flows and quotes
    if (indent <= m_parentCol)
        return false;
    if (m_mode != Mode::Plain)
        return true;
    // A plain scalar goes on over more indented lines, unless the line looks
    // like a key, an entry or a comment (what someone typing most likely means).
    if (at(p) == '#' || (at(p) == '-' && blankOrEnd(p + 1, le)))
        return false;
    return findKey(p, le) < 0;
}

void Styler::finish()
{
    styleCondition();
    m_mode = Mode::Normal;
    m_flowDepth = 0;
    m_parentCol = -1;
}

void Styler::styleLine(int ls, int le)
{
    const int p = skipSpaces(ls, le);
    if (p >= le)
        return;
    if (p == ls) {
        const auto head = m_text.substr(static_cast<size_t>(ls), 3);
        if ((head == "---" || head == "...") && blankOrEnd(ls + 3, le)) {
            fill(ls, ls + 3, S::DocumentMarker);
            blockValue(ls + 3, le, -1, false);
            return;
        }
        if (at(ls) == '%') {
            fill(ls, le, S::DocumentMarker);
            return;
        }
    }
    blockNode(p, le);
}

void Styler::blockNode(int p, int le)
{
    int parentCol = p - m_ls - 1;
    while (p < le && (at(p) == '-' || at(p) == '?') && blankOrEnd(p + 1, le)) {
        fill(p, p + 1, S::Punctuation);
        parentCol = p - m_ls;
        p = skipSpaces(p + 1, le);
    }
    if (p >= le)
        return;
    if (at(p) == '#') {
        fill(p, le, S::Comment);
        return;
    }
    const int col = p - m_ls;
    const int keyStart = p;
    const int colon = findKey(p, le);
    if (colon < 0) {
        blockValue(p, le, parentCol, false);
        return;
    }
    int keyEnd = colon;
    while (keyEnd > keyStart && isSpace(at(keyEnd - 1)))
        --keyEnd;
    fill(keyStart, keyEnd, S::Key);
    fill(colon, colon + 1, S::Punctuation);
    auto key = m_text.substr(static_cast<size_t>(keyStart), static_cast<size_t>(keyEnd - keyStart));
    if (key.size() >= 2 && (key.front() == '"' || key.front() == '\'') && key.back() == key.front())
        key = key.substr(1, key.size() - 2);
    blockValue(colon + 1, le, col, isConditionKey(key));
}

// Styles anchors, aliases and tags at p; returns where the node itself starts.
int Styler::properties(int p, int le)
{
    while (p < le && (at(p) == '&' || at(p) == '*' || at(p) == '!')) {
        int q = p + 1;
        while (q < le && !isSpace(at(q)) && !(m_flowDepth > 0 && isFlowIndicator(at(q))))
            ++q;
        fill(p, q, at(p) == '!' ? S::Tag : S::Anchor);
        p = skipSpaces(q, le);
    }
    return p;
}

// The ':' ending a block mapping key that starts at p, or -1.
int Styler::findKey(int p, int le) const
{
    const char c = at(p);
    if (c == '"' || c == '\'') {
        int i = p + 1;
        for (; i < le; ++i) {
            if (c == '"' && at(i) == '\\') {
                ++i;
                continue;
            }
            if (at(i) == c) {
                if (c == '\'' && at(i + 1) == '\'') {
                    ++i;
                    continue;
                }
                break;
            }
        }
        if (i >= le)
            return -1;
        i = skipSpaces(i + 1, le);
        return at(i) == ':' && i < le && blankOrEnd(i + 1, le) ? i : -1;
    }
    if (c == '[' || c == '{' || c == '|' || c == '>' || c == '#')
        return -1;
    for (int i = p; i < le; ++i) {
        if (at(i) == ':' && blankOrEnd(i + 1, le))
            return i;
        if (at(i) == '#' && i > p && isSpace(at(i - 1)))
            return -1;
    }
    return -1;
}

// End of a plain scalar starting at p in block context (before a comment,
// trailing spaces trimmed).
int Styler::plainEnd(int p, int le) const
{
    int end = p;
    for (int i = p; i < le; ++i) {
        if (at(i) == '#' && i > p && isSpace(at(i - 1)))
            break;
        if (!isSpace(at(i)))
            end = i + 1;
    }
    return end;
}

// Comment (or nothing) after a complete value.
void Styler::trailing(int p, int le)
{
    p = skipSpaces(p, le);
    if (p < le && at(p) == '#')
        fill(p, le, S::Comment);
}

void Styler::blockValue(int p, int le, int parentCol, bool condition)
{
    p = skipSpaces(p, le);
    p = properties(p, le);
    if (p >= le)
        return;
    const char c = at(p);
    if (c == '#') {
        fill(p, le, S::Comment);
        return;
    }
    m_parentCol = parentCol;
    if (c == '|' || c == '>') {
        int q = p + 1;
        while (q < le && (isDigit(at(q)) || at(q) == '+' || at(q) == '-'))
            ++q;
        fill(p, q, S::BlockIndicator);
        trailing(q, le);
        m_mode = Mode::Block;
        if (condition)
            m_condition.start();
        return;
    }
    if (c == '"' || c == '\'') {
        if (condition)
            m_condition.start();
        const int end = quoted(p + 1, le, c, true, S::String);
        fill(p, p + 1, S::String);
        if (end < 0) {
            m_mode = c == '"' ? Mode::Double : Mode::Single;
            return;
        }
        styleCondition();
        trailing(end, le);
        return;
    }
    if (c == '[' || c == '{') {
        m_flowDepth = 0;
        flow(p, le);
        if (m_flowDepth > 0)
            m_mode = Mode::Flow;
        return;
    }
    const int end = plainEnd(p, le);
    if (condition) {
        m_condition.start();
        for (int i = p; i < end; ++i)
            m_condition.add(at(i), i, 1);
    } else {
        fill(p, end, classifyPlain(m_text.substr(static_cast<size_t>(p), static_cast<size_t>(end - p))));
    }
    m_mode = Mode::Plain;
    trailing(end, le);
}

// Scans a quoted scalar's text from p (just past the opening quote, or the
// first character of a continued line); returns the position after the
// closing quote or -1 when the line ends first. Collects the decoded text
// when a condition is being collected, else styles it.
int Styler::quoted(int p, int le, char quote, bool opening, S style)
{
    const bool collect = m_condition.active;
    if (!opening && collect && !m_condition.text.empty())
        m_condition.add(' ', p, 0); // a folded line break
    int i = p;
    while (i < le) {
        const char c = at(i);
        if (c == quote) {
            if (quote == '\'' && at(i + 1) == '\'') {
                m_condition.add('\'', i, 2);
                i += 2;
                continue;
            }
            fill(collect ? i : p, i + 1, style);
            return i + 1;
        }
        if (quote == '"' && c == '\\') {
            if (i + 1 >= le) { // an escaped line break
                ++i;
                break;
            }
            const char e = at(i + 1);
            int len = 2;
            char decoded = e;
            switch (e) {
            case 'n': decoded = '\n'; break;
            case 't': decoded = '\t'; break;
            case 'r': decoded = '\r'; break;
            case '0': decoded = ' '; break;
            case 'x':
                len = 4;
                decoded = '?';
                break;
            case 'u':
                len = 6;
                decoded = '?';
                break;
            case 'U':
                len = 10;
                decoded = '?';
                break;
            default: break;
            }
            len = std::min(len, le - i);
            m_condition.add(decoded, i, len);
            i += len;
            continue;
        }
        m_condition.add(c, i, 1);
        ++i;
    }
    if (!collect)
        fill(p, i, style);
    return -1;
}

// A flow collection's text from p; m_flowDepth carries over line ends.
void Styler::flow(int p, int le)
{
    const int lineStart = p;
    while (p < le) {
        const char c = at(p);
        if (isSpace(c)) {
            ++p;
            continue;
        }
        if (c == '#' && (p == lineStart || isSpace(at(p - 1)))) {
            fill(p, le, S::Comment);
            return;
        }
        if (m_flowDepth == 0 && c != '[' && c != '{')
            return; // text after the collection: an error the validator reports
        if (c == '[' || c == '{') {
            ++m_flowDepth;
        } else if (c == ']' || c == '}') {
            --m_flowDepth;
        } else if (c == ',' || c == ':') {
            if (c == ',')
                m_flowCondition = false;
        } else if (c == '&' || c == '*' || c == '!') {
            p = properties(p, le);
            continue;
        } else if (c == '"' || c == '\'') {
            const bool condition = m_flowCondition;
            if (condition)
                m_condition.start();
            int end = quoted(p + 1, le, c, true, S::String);
            if (end < 0)
                end = le;
            const int after = skipSpaces(end, le);
            const bool key = at(after) == ':' && after < le;
            fill(p, condition ? p + 1 : end, key ? S::Key : S::String);
            styleCondition();
            m_flowCondition = false;
            p = end;
            continue;
        } else {
            int end = p;
            int q = p;
            for (; q < le; ++q) {
                const char d = at(q);
                if (isFlowIndicator(d) || (d == ':' && (blankOrEnd(q + 1, le) || isFlowIndicator(at(q + 1))))
                    || (d == '#' && q > p && isSpace(at(q - 1))))
                    break;
                if (!isSpace(d))
                    end = q + 1;
            }
            const auto word = m_text.substr(static_cast<size_t>(p), static_cast<size_t>(end - p));
            if (at(q) == ':') {
                fill(p, end, S::Key);
                m_flowCondition = isConditionKey(word);
            } else if (m_flowCondition) {
                m_condition.start();
                for (int i = p; i < end; ++i)
                    m_condition.add(at(i), i, 1);
                styleCondition();
                m_flowCondition = false;
            } else {
                fill(p, end, classifyPlain(word));
            }
            p = q;
            continue;
        }
        fill(p, p + 1, S::Punctuation);
        ++p;
    }
}

void Styler::styleContinuation(int ls, int le)
{
    const int p = skipSpaces(ls, le);
    switch (m_mode) {
    case Mode::Block:
        if (m_condition.active) {
            if (!m_condition.text.empty())
                m_condition.add('\n', p, 0);
            for (int i = p; i < le; ++i)
                m_condition.add(at(i), i, 1);
        } else {
            fill(p, le, S::String);
        }
        return;
    case Mode::Plain: {
        const int end = plainEnd(p, le);
        if (m_condition.active) {
            m_condition.add(' ', p, 0);
            for (int i = p; i < end; ++i)
                m_condition.add(at(i), i, 1);
        } else {
            fill(p, end, S::Scalar);
        }
        trailing(end, le);
        return;
    }
    case Mode::Single:
    case Mode::Double: {
        if (p >= le)
            return;
        const int end = quoted(p, le, m_mode == Mode::Double ? '"' : '\'', false, S::String);
        if (end >= 0) {
            styleCondition();
            m_mode = Mode::Normal;
            trailing(end, le);
        }
        return;
    }
    case Mode::Flow:
        flow(p, le);
        if (m_flowDepth <= 0)
            m_mode = Mode::Normal;
        return;
    case Mode::Normal: return;
    }
}

// Lexes the collected condition with the project's condition lexer and
// styles the document bytes each token came from. The lexer stops at its
// first error; styling goes on after it so one typo does not grey out the rest.
void Styler::styleCondition()
{
    if (!m_condition.active)
        return;
    m_condition.active = false;
    const std::string &text = m_condition.text;
    const auto &offsets = m_condition.offsets;
    const auto &lengths = m_condition.lengths;
    auto paint = [&](int from, int to, S style) {
        for (int i = std::max(from, 0); i < to && i < static_cast<int>(text.size()); ++i) {
            const auto o = offsets[static_cast<size_t>(i)];
            fill(o, o + lengths[static_cast<size_t>(i)], style);
        }
    };
    paint(0, static_cast<int>(text.size()), S::CondDefault);

    int base = 0;
    while (base < static_cast<int>(text.size())) {
        const std::string_view rest = std::string_view(text).substr(static_cast<size_t>(base));
        const auto tokens = cond::Lexer(rest).tokenize();
        int lastEnd = 0;
        for (size_t k = 0; k < tokens.size(); ++k) {
            const auto &t = tokens[k];
            const int b = base + t.range.begin;
            const int e = base + t.range.end;
            S style = S::CondOperator;
            switch (t.kind) {
            case cond::Tok::End: continue;
            case cond::Tok::Error: style = S::CondError; break;
            case cond::Tok::Int:
            case cond::Tok::Float: style = S::CondNumber; break;
            case cond::Tok::String: style = S::CondString; break;
            case cond::Tok::True:
            case cond::Tok::False:
            case cond::Tok::Null: style = S::CondConstant; break;
            case cond::Tok::And:
            case cond::Tok::Or:
            case cond::Tok::Not:
            case cond::Tok::In: style = S::CondKeyword; break;
            case cond::Tok::Name: {
                const bool member = k > 0 && tokens[k - 1].kind == cond::Tok::Dot;
                const bool called = k + 1 < tokens.size() && tokens[k + 1].kind == cond::Tok::LParen;
                style = !member && called && cond::funcFromName(t.text) ? S::CondFunction : S::CondVariable;
                break;
            }
            default: break;
            }
            paint(b, e, style);
            if (t.kind != cond::Tok::Error)
                lastEnd = t.range.end;
        }
        const auto &last = tokens.back();
        if (last.kind != cond::Tok::Error)
            break;
        int resume = std::max(last.range.end, last.range.begin + 1);
        // An error inside a string (a bad escape): the string goes on to its
        // closing quote, and lexing resumes after it.
        const size_t open = rest.find_first_not_of(" \t\r\n", static_cast<size_t>(lastEnd));
        if (open != std::string_view::npos && static_cast<int>(open) < last.range.begin
            && (rest[open] == '\'' || rest[open] == '"')) {
            const char quote = rest[open];
            paint(base + static_cast<int>(open), base + last.range.begin, S::CondString);
            int q = resume;
            while (q < static_cast<int>(rest.size()) && rest[static_cast<size_t>(q)] != quote)
                q += rest[static_cast<size_t>(q)] == '\\' ? 2 : 1;
            q = std::min(q + 1, static_cast<int>(rest.size()));
            paint(base + resume, base + q, S::CondString);
            resume = q;
        }
        base += resume;
    }
}

} // namespace

bool isConditionKey(std::string_view key)
{
    return key == "condition";
}

StyledRange stylePolicyText(std::string_view text, int stopAt)
{
    return Styler(text, stopAt).run();
}

int indentFoldLevel(std::string_view line)
{
    size_t i = 0;
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t'))
        ++i;
    if (i >= line.size() || line[i] == '#' || line[i] == '\r' || line[i] == '\n')
        return -1;
    const bool entry
        = line[i] == '-' && (i + 1 >= line.size() || line[i + 1] == ' ' || line[i + 1] == '\r' || line[i + 1] == '\n');
    return static_cast<int>(i) + (entry ? 1 : 0);
}

} // namespace osh::ui
