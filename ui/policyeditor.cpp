#include "policyeditor.h"

#include "model/policyvalidator.h"
#include "utf8offsets.h"

#include <Qsci/qscilexeryaml.h>

#include <QFontDatabase>

namespace osh::ui {

namespace {
constexpr int kErrorMarker = 1;
constexpr int kWarningMarker = 2;
} // namespace

PolicyEditor::PolicyEditor(QWidget *parent) : QsciScintilla(parent), m_lexer(new QsciLexerYAML(this))
{
    const QFont mono = QFontDatabase::systemFont(QFontDatabase::FixedFont);
    m_lexer->setDefaultFont(mono);
    m_lexer->setFont(mono);
    setLexer(m_lexer);
    setUtf8(true);
    setMarginType(0, QsciScintilla::NumberMargin);
    setMarginWidth(0, QStringLiteral("00000"));
    setMarginType(1, QsciScintilla::SymbolMargin);
    setMarginWidth(1, 16);
    markerDefine(QsciScintilla::Circle, kErrorMarker);
    setMarkerBackgroundColor(QColor(0xd3, 0x2f, 0x2f), kErrorMarker);
    markerDefine(QsciScintilla::Circle, kWarningMarker);
    setMarkerBackgroundColor(QColor(0xf5, 0x9e, 0x0b), kWarningMarker);
    m_errorIndicator = indicatorDefine(QsciScintilla::SquiggleIndicator);
    setIndicatorForegroundColor(QColor(0xd3, 0x2f, 0x2f), m_errorIndicator);
    m_warningIndicator = indicatorDefine(QsciScintilla::SquiggleIndicator);
    setIndicatorForegroundColor(QColor(0xf5, 0x9e, 0x0b), m_warningIndicator);
    setIndentationsUseTabs(false);
    setIndentationWidth(2);
    setAutoIndent(true);
    setFolding(QsciScintilla::BoxedTreeFoldStyle);
    setCaretLineVisible(true);

    m_debounce.setSingleShot(true);
    m_debounce.setInterval(150);
    connect(&m_debounce, &QTimer::timeout, this, &PolicyEditor::validateNow);
    connect(this, &QsciScintilla::textChanged, &m_debounce, qOverload<>(&QTimer::start));
}

void PolicyEditor::validateNow()
{
    ValidationOptions opt;
    if (!m_fileName.isEmpty())
        opt.baseDir = m_fileName.section(QLatin1Char('/'), 0, -2).toStdString();
    const QByteArray utf8 = text().toUtf8();
    auto res = PolicyValidator::checkText(std::string_view(utf8.constData(), static_cast<size_t>(utf8.size())),
                                          m_fileName.toStdString(), opt);
    m_diags = std::move(res.diagnostics);
    showDiagnostics();
    Q_EMIT diagnosticsChanged(m_diags);
}

void PolicyEditor::showDiagnostics()
{
    const int lastLine = lines() - 1;
    clearIndicatorRange(0, 0, lastLine, lineLength(lastLine), m_errorIndicator);
    clearIndicatorRange(0, 0, lastLine, lineLength(lastLine), m_warningIndicator);
    markerDeleteAll(kErrorMarker);
    markerDeleteAll(kWarningMarker);
    for (const auto &d : m_diags) {
        if (d.severity == Severity::Info)
            continue;
        const int line = std::clamp(d.begin.line - 1, 0, lastLine);
        const QByteArray lineText = text(line).toUtf8();
        const int from = byteIndexOfColumn(lineText, d.begin.column);
        int to;
        if (d.end.valid() && d.end.line == d.begin.line && d.end.column > d.begin.column) {
            to = byteIndexOfColumn(lineText, d.end.column);
        } else {
            // No extent: underline the token at the position.
            to = from;
            while (to < lineText.size() && !QChar::isSpace(static_cast<unsigned char>(lineText[to])) && lineText[to] != ','
                   && lineText[to] != ']' && lineText[to] != '}')
                ++to;
            if (to == from)
                to = std::min<int>(from + 1, static_cast<int>(lineText.size()));
        }
        const bool error = d.severity == Severity::Error;
        fillIndicatorRange(line, from, line, to, error ? m_errorIndicator : m_warningIndicator);
        markerAdd(line, error ? kErrorMarker : kWarningMarker);
    }
}

void PolicyEditor::goToPosition(int line, int column)
{
    const int l = std::max(0, line - 1);
    setCursorPosition(l, byteIndexOfColumn(text(l).toUtf8(), column));
    ensureLineVisible(l);
    setFocus();
}

} // namespace osh::ui
