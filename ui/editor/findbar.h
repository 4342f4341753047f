#pragma once
// The inline find/replace bar shown under the policy editor (Ctrl+F,
// Ctrl+H; Esc closes). Plain-text search through QsciScintilla::findFirst.

#include <QWidget>

class QCheckBox;
class QLineEdit;
class QsciScintilla;
class QWidget;

namespace osh::ui {

class FindBar : public QWidget
{
    Q_OBJECT

public:
    explicit FindBar(QsciScintilla *editor, QWidget *parent = nullptr);

    // Shows the bar (with the replace row when replace is true), seeded with
    // the editor's selection, and focuses the find field.
    void open(bool replace);
    void close();

    void setFindText(const QString &text);
    void setReplaceText(const QString &text);
    void setCaseSensitive(bool on);

    bool findNext();
    bool findPrevious();
    // Replaces the current match (finding one first if needed), moves on.
    bool replaceCurrent();
    int replaceAll();

protected:
    void keyPressEvent(QKeyEvent *event) override;

private:
    bool find(bool forward);

    QsciScintilla *m_editor;
    QLineEdit *m_find;
    QLineEdit *m_replace;
    QCheckBox *m_case;
    QWidget *m_replaceRow;
};

} // namespace osh::ui
