#pragma once
// The policy editor's QScintilla lexer: YAML, with condition values styled
// as the condition language (see PolicyStyler), in a light or a dark
// palette; it also sets the fold levels, by indentation. One per editor.

#include "policystyler.h"

#include <Qsci/qscilexercustom.h>

namespace osh::ui {

class PolicyLexer : public QsciLexerCustom
{
    Q_OBJECT

public:
    explicit PolicyLexer(QObject *parent = nullptr);

    const char *language() const override;
    QString description(int style) const override;
    QColor defaultColor(int style) const override;
    QColor defaultPaper(int style) const override;
    QFont defaultFont(int style) const override;
    const char *wordCharacters() const override;
    void styleText(int start, int end) override;

    // Switches palettes; the editor repaints with the new colours.
    void setDarkMode(bool dark);
    bool isDarkMode() const { return m_dark; }

    // The palette's colours for a style (PolicyStyle) without an editor.
    static QColor foreground(int style, bool dark);
    static QColor background(int style, bool dark);

private:
    void applyPalette();
    void setFoldLevels(int firstLine, int lastLine);

    bool m_dark = false;
};

} // namespace osh::ui
