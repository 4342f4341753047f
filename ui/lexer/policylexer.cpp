#include "policylexer.h"

#include <Qsci/qsciscintilla.h>

#include <array>

namespace osh::ui {

namespace {

struct StyleColors
{
    QRgb lightFg;
    QRgb lightBg;
    QRgb darkFg;
    QRgb darkBg;
};

constexpr QRgb kLightPaper = 0xffffff;
constexpr QRgb kDarkPaper = 0x1e1f22;
// Conditions sit on a faint tint of their own: a language inside the YAML.
constexpr QRgb kLightCondPaper = 0xf3f5f9;
constexpr QRgb kDarkCondPaper = 0x272a31;

// Every foreground keeps a contrast of at least 4.5:1 on its background
// (tested), in both palettes.
constexpr std::array<StyleColors, kPolicyStyleCount> kPalette {{
    {0x1f2328, kLightPaper, 0xd4d7dd, kDarkPaper}, // Default
    {0x5f6872, kLightPaper, 0x8f98a3, kDarkPaper}, // Comment
    {0x0550ae, kLightPaper, 0x79b8ff, kDarkPaper}, // Key
    {0x1f2328, kLightPaper, 0xd4d7dd, kDarkPaper}, // Scalar
    {0x116329, kLightPaper, 0x8fd694, kDarkPaper}, // String
    {0x9a3c00, kLightPaper, 0xffa65c, kDarkPaper}, // Number
    {0x7a3ec8, kLightPaper, 0xc9a7ff, kDarkPaper}, // Constant
    {0x8a5300, kLightPaper, 0xf2c572, kDarkPaper}, // Anchor
    {0x6639ba, kLightPaper, 0xd2a8ff, kDarkPaper}, // Tag
    {0xb42318, kLightPaper, 0xff8a80, kDarkPaper}, // DocumentMarker
    {0xb42318, kLightPaper, 0xff8a80, kDarkPaper}, // BlockIndicator
    {0x57606a, kLightPaper, 0xa3abb5, kDarkPaper}, // Punctuation
    {0x1f2328, kLightCondPaper, 0xd4d7dd, kDarkCondPaper}, // CondDefault
    {0xa0157a, kLightCondPaper, 0xff8fd8, kDarkCondPaper}, // CondKeyword
    {0x7a3ec8, kLightCondPaper, 0xc9a7ff, kDarkCondPaper}, // CondConstant
    {0x3d4550, kLightCondPaper, 0xc3cad3, kDarkCondPaper}, // CondOperator
    {0x0b6470, kLightCondPaper, 0x5fd7e0, kDarkCondPaper}, // CondVariable
    {0x8a4b00, kLightCondPaper, 0xffd27a, kDarkCondPaper}, // CondFunction
    {0x116329, kLightCondPaper, 0x8fd694, kDarkCondPaper}, // CondString
    {0x9a3c00, kLightCondPaper, 0xffa65c, kDarkCondPaper}, // CondNumber
    {0x9b1111, 0xfddcdc, 0xffd7d2, 0x7a1c1c}, // CondError
}};

bool validStyle(int style)
{
    return style >= 0 && style < kPolicyStyleCount;
}

} // namespace

PolicyLexer::PolicyLexer(QObject *parent)
    : QsciLexerCustom(parent)
{ }

const char *PolicyLexer::language() const
{
    return "OpenShell policy";
}

QString PolicyLexer::description(int style) const
{
    switch (static_cast<PolicyStyle>(style)) {
    case PolicyStyle::Default: return tr("Default");
    case PolicyStyle::Comment: return tr("Comment");
    case PolicyStyle::Key: return tr("Key");
    case PolicyStyle::Scalar: return tr("Plain scalar");
    case PolicyStyle::String: return tr("Quoted string or block text");
    case PolicyStyle::Number: return tr("Number");
    case PolicyStyle::Constant: return tr("Boolean or null");
    case PolicyStyle::Anchor: return tr("Anchor or alias");
    case PolicyStyle::Tag: return tr("Tag");
    case PolicyStyle::DocumentMarker: return tr("Document marker or directive");
    case PolicyStyle::BlockIndicator: return tr("Block scalar indicator");
    case PolicyStyle::Punctuation: return tr("Punctuation");
    case PolicyStyle::CondDefault: return tr("Condition");
    case PolicyStyle::CondKeyword: return tr("Condition keyword");
    case PolicyStyle::CondConstant: return tr("Condition constant");
    case PolicyStyle::CondOperator: return tr("Condition operator");
    case PolicyStyle::CondVariable: return tr("Condition variable");
    case PolicyStyle::CondFunction: return tr("Condition function");
    case PolicyStyle::CondString: return tr("Condition string");
    case PolicyStyle::CondNumber: return tr("Condition number");
    case PolicyStyle::CondError: return tr("Condition error");
    }
    return {};
}

QColor PolicyLexer::foreground(int style, bool dark)
{
    const auto &c = kPalette[static_cast<size_t>(validStyle(style) ? style : 0)];
    return QColor::fromRgb(dark ? c.darkFg : c.lightFg);
}

QColor PolicyLexer::background(int style, bool dark)
{
    const auto &c = kPalette[static_cast<size_t>(validStyle(style) ? style : 0)];
    return QColor::fromRgb(dark ? c.darkBg : c.lightBg);
}

QColor PolicyLexer::defaultColor(int style) const
{
    return foreground(style, m_dark);
}

QColor PolicyLexer::defaultPaper(int style) const
{
    return background(style, m_dark);
}

QFont PolicyLexer::defaultFont(int style) const
{
    QFont f = QsciLexerCustom::defaultFont(style);
    const auto s = static_cast<PolicyStyle>(style);
    if (s == PolicyStyle::Comment)
        f.setItalic(true);
    if (s == PolicyStyle::CondKeyword)
        f.setBold(true);
    return f;
}

const char *PolicyLexer::wordCharacters() const
{
    return "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-";
}

void PolicyLexer::setDarkMode(bool dark)
{
    if (m_dark == dark)
        return;
    m_dark = dark;
    applyPalette();
}

void PolicyLexer::applyPalette()
{
    // QsciLexer caches colours once asked; set each explicitly so an editor
    // already using this lexer repaints.
    setDefaultColor(foreground(0, m_dark));
    setDefaultPaper(background(0, m_dark));
    for (int s = 0; s < kPolicyStyleCount; ++s) {
        setColor(foreground(s, m_dark), s);
        setPaper(background(s, m_dark), s);
    }
    if (auto *e = editor()) {
        // The area past the text and the line ends use the default style.
        e->SendScintilla(QsciScintillaBase::SCI_STYLESETBACK, QsciScintillaBase::STYLE_DEFAULT, background(0, m_dark));
        e->SendScintilla(QsciScintillaBase::SCI_STYLESETFORE, QsciScintillaBase::STYLE_DEFAULT, foreground(0, m_dark));
    }
}

// QScintilla asks for [start, end) with start at a line start. Restyle from
// the nearest line above that starts a construct (a block scalar or a
// multi-line condition is styled as a whole) and set the lines' fold levels.
void PolicyLexer::styleText(int start, int end)
{
    QsciScintilla *e = editor();
    if (!e || end <= start)
        return;
    auto send = [e](unsigned int msg, unsigned long w = 0, long l = 0) { return e->SendScintilla(msg, w, l); };
    const long length = send(QsciScintillaBase::SCI_GETLENGTH);
    auto lineText = [&](long line, const char *doc, long docStart) {
        const long from = send(QsciScintillaBase::SCI_POSITIONFROMLINE, static_cast<unsigned long>(line));
        const long to = send(QsciScintillaBase::SCI_GETLINEENDPOSITION, static_cast<unsigned long>(line));
        return std::string_view(doc + (from - docStart), static_cast<size_t>(to - from));
    };
    const auto *whole = reinterpret_cast<const char *>(send(QsciScintillaBase::SCI_GETCHARACTERPOINTER));

    long line = send(QsciScintillaBase::SCI_LINEFROMPOSITION, static_cast<unsigned long>(start));
    if (line > 0) {
        // The line above may open what the edited line now continues (or no
        // longer does): go back to it, over blank and comment lines, and then
        // to the start of any construct it continues.
        long l = line - 1;
        while (l > 0 && indentFoldLevel(lineText(l, whole, 0)) < 0)
            --l;
        while (l > 0 && send(QsciScintillaBase::SCI_GETLINESTATE, static_cast<unsigned long>(l)) != 0)
            --l;
        line = l;
    }
    const long from = send(QsciScintillaBase::SCI_POSITIONFROMLINE, static_cast<unsigned long>(line));
    const StyledRange styled = stylePolicyText(
        std::string_view(whole + from, static_cast<size_t>(length - from)), static_cast<int>(end - from));
    if (styled.styles.empty())
        return;
    startStyling(static_cast<int>(from));
    send(QsciScintillaBase::SCI_SETSTYLINGEX, styled.styles.size(), reinterpret_cast<long>(styled.styles.data()));
    for (size_t i = 0; i < styled.lineStates.size(); ++i)
        send(QsciScintillaBase::SCI_SETLINESTATE, static_cast<unsigned long>(line) + i, styled.lineStates[i]);
    setFoldLevels(static_cast<int>(line), static_cast<int>(line + static_cast<long>(styled.lineStates.size()) - 1));
}

void PolicyLexer::setFoldLevels(int firstLine, int lastLine)
{
    QsciScintilla *e = editor();
    auto send = [e](unsigned int msg, unsigned long w = 0, long l = 0) { return e->SendScintilla(msg, w, l); };
    const auto *doc = reinterpret_cast<const char *>(send(QsciScintillaBase::SCI_GETCHARACTERPOINTER));
    const int lineCount = static_cast<int>(send(QsciScintillaBase::SCI_GETLINECOUNT));
    auto level = [&](int line) {
        const long from = send(QsciScintillaBase::SCI_POSITIONFROMLINE, static_cast<unsigned long>(line));
        const long to = send(QsciScintillaBase::SCI_GETLINEENDPOSITION, static_cast<unsigned long>(line));
        return indentFoldLevel(std::string_view(doc + from, static_cast<size_t>(to - from)));
    };
    // Blank and comment lines take the level of the next line with content.
    int next = 0;
    for (int l = lastLine + 1; l < lineCount; ++l) {
        const int lv = level(l);
        if (lv >= 0) {
            next = lv;
            break;
        }
    }
    constexpr int kMaxLevel = 0xff0 - QsciScintillaBase::SC_FOLDLEVELBASE;
    for (int l = lastLine; l >= firstLine; --l) {
        const int own = level(l);
        int value = 0;
        if (own < 0) {
            const long lineFrom = send(QsciScintillaBase::SCI_POSITIONFROMLINE, static_cast<unsigned long>(l));
            const long lineTo = send(QsciScintillaBase::SCI_GETLINEENDPOSITION, static_cast<unsigned long>(l));
            const bool blank = std::string_view(doc + lineFrom, static_cast<size_t>(lineTo - lineFrom)).find('#')
                == std::string_view::npos;
            value = (QsciScintillaBase::SC_FOLDLEVELBASE + std::min(next, kMaxLevel))
                | (blank ? QsciScintillaBase::SC_FOLDLEVELWHITEFLAG : 0);
        } else {
            value = QsciScintillaBase::SC_FOLDLEVELBASE + std::min(own, kMaxLevel);
            if (next > own)
                value |= QsciScintillaBase::SC_FOLDLEVELHEADERFLAG;
            next = own;
        }
        send(QsciScintillaBase::SCI_SETFOLDLEVEL, static_cast<unsigned long>(l), value);
    }
}

} // namespace osh::ui
