#pragma once
// A window comparing two versions of a policy file, opened from the History
// panel: the side-by-side line diff, the semantic diff (what the change
// means for requests; activating a change shows its line side by side) and
// the unified diff as text to copy.

#include <QByteArray>
#include <QWidget>

class QPlainTextEdit;
class QTabWidget;

namespace osh::ui {

class SemanticDiffView;
class SideBySideDiff;

class CompareWindow : public QWidget
{
    Q_OBJECT

public:
    enum Tab { SideBySideTab, SemanticTab, UnifiedTab };

    CompareWindow(const QString &file, const QByteArray &before, const QString &beforeLabel, const QByteArray &after,
                  const QString &afterLabel, QWidget *parent = nullptr);

    QTabWidget *tabs() const { return m_tabs; }
    SideBySideDiff *sideBySide() const { return m_sideBySide; }
    SemanticDiffView *semantic() const { return m_semantic; }
    QPlainTextEdit *unified() const { return m_unified; }

private:
    QTabWidget *m_tabs;
    SideBySideDiff *m_sideBySide;
    SemanticDiffView *m_semantic;
    QPlainTextEdit *m_unified;
};

} // namespace osh::ui
