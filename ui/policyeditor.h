#pragma once
// The policy text editor: QScintilla with YAML highlighting, diagnostics
// drawn as squiggles with margin markers, validation re-run after typing.

#include "util/diagnostic.h"

#include <Qsci/qsciscintilla.h>
#include <QTimer>

class QsciLexerYAML;

namespace osh::ui {

class PolicyEditor : public QsciScintilla
{
    Q_OBJECT

public:
    explicit PolicyEditor(QWidget *parent = nullptr);

    void setFileName(const QString &fileName) { m_fileName = fileName; }
    QString fileName() const { return m_fileName; }
    const Diagnostics &diagnostics() const { return m_diags; }

    // Validates the current text now (normally debounced after edits).
    void validateNow();
    void goToPosition(int line, int column);

Q_SIGNALS:
    void diagnosticsChanged(const osh::Diagnostics &diagnostics);

private:
    void showDiagnostics();

    QsciLexerYAML *m_lexer;
    QTimer m_debounce;
    QString m_fileName;
    Diagnostics m_diags;
    int m_errorIndicator = -1;
    int m_warningIndicator = -1;
};

} // namespace osh::ui
