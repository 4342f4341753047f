#pragma once
// The policy text editor: QScintilla with YAML highlighting, diagnostics
// drawn as squiggles with margin markers and explained on hover, quick
// fixes from the diagnostics' suggestions, context-aware completion, and
// validation on a worker thread re-run after typing.

#include "editor/diagnosticrange.h"
#include "model/policyloader.h"
#include "util/diagnostic.h"

#include <Qsci/qsciscintilla.h>
#include <QTimer>

#include <functional>
#include <memory>

namespace osh::ui {

class BackgroundValidator;
class GoToPopup;
class PolicyLexer;

class PolicyEditor : public QsciScintilla
{
    Q_OBJECT

public:
    explicit PolicyEditor(QWidget *parent = nullptr);
    ~PolicyEditor() override;

    void setFileName(const QString &fileName) { m_fileName = fileName; }
    QString fileName() const { return m_fileName; }
    const Diagnostics &diagnostics() const { return m_diags; }
    // The document of the last applied validation (null if unparsable).
    const std::shared_ptr<const PolicyDocument> &document() const { return m_document; }
    int errorIndicator() const { return m_errorIndicator; }
    int warningIndicator() const { return m_warningIndicator; }

    // Validates the current text now, on this thread (normally debounced
    // after edits and run on the worker).
    void validateNow();
    // Queues a validation of the current text on the worker; returns its generation.
    quint64 requestValidation();
    // Applies a validation result unless a newer generation was requested
    // since; returns whether it was applied.
    bool applyValidation(quint64 generation, const LoadResult &result);
    void goToPosition(int line, int column);

    // "[CODE] message" plus the suggestion for the diagnostics under a
    // 0-based line and byte index; empty when there is none.
    QString hoverTextAt(int line, int byteIndex) const;
    // Index into diagnostics() of the fixable diagnostic at a 0-based line
    // and byte index (or, failing that, on the line), -1 if none.
    int fixableDiagnosticAt(int line, int byteIndex) const;
    // Replaces the token of the fixable diagnostic at the cursor with its suggestion.
    bool applyQuickFix();
    bool applyFix(int diagnosticIndex);
    // Shows the completion list for the cursor; false when nothing fits.
    bool showCompletions();
    // Inserts a completion, replacing the word being typed.
    void insertCompletion(const QString &text);
    void showGoTo();
    GoToPopup *goToPopup() const { return m_goTo; }
    // Light or dark colours for the text, margins, caret line and selection.
    Q_INVOKABLE void setDarkMode(bool dark);
    bool isDarkMode() const { return m_dark; }
    PolicyLexer *policyLexer() const { return m_lexer; }

Q_SIGNALS:
    void diagnosticsChanged(const osh::Diagnostics &diagnostics);
    // Ctrl+F (replace false) or Ctrl+H (true): the window shows its find bar.
    void findRequested(bool replace);

protected:
    void contextMenuEvent(QContextMenuEvent *event) override;

private:
    void showDiagnostics();
    long bytePosition(int line, int byteIndex);
    void cursorLineByte(int &line, int &byteIndex);
    void onDwellStart(int position, int x, int y);
    void onCharAdded(int ch);
    void addShortcut(const QKeySequence &keys, std::function<void()> action);

    PolicyLexer *m_lexer;
    BackgroundValidator *m_validator;
    GoToPopup *m_goTo = nullptr;
    QTimer m_debounce;
    QString m_fileName;
    Diagnostics m_diags;
    std::vector<std::pair<int, ByteRange>> m_ranges; // per diagnostic: 0-based line, bytes
    std::shared_ptr<const PolicyDocument> m_document;
    int m_errorIndicator = -1;
    int m_warningIndicator = -1;
    bool m_dark = false;
};

} // namespace osh::ui
