#include "editor/policyeditor.h"

#include "editor/backgroundvalidator.h"
#include "editor/completioncontext.h"
#include "editor/documentoutline.h"
#include "editor/gotopopup.h"
#include "lexer/policylexer.h"
#include "editor/utf8offsets.h"

#include <QAction>
#include <QContextMenuEvent>
#include <QFontDatabase>
#include <QMenu>
#include <QPainter>
#include <QToolTip>

namespace osh::ui {

namespace {
constexpr int kErrorMarker = 1;
constexpr int kWarningMarker = 2;
constexpr int kCompletionList = 1;
constexpr int kDwellMs = 400;
// Short enough that a keystroke's diagnostics arrive within 50 ms on 5,000 lines
// (docs/performance.md), long enough to skip most keystrokes of fast typing.
constexpr int kDebounceMs = 25;

// A small coloured disc with a letter: one image per completion kind.
QPixmap kindIcon(QColor color, QChar letter)
{
    QPixmap pm(14, 14);
    pm.fill(Qt::transparent);
    QPainter p(&pm);
    p.setRenderHint(QPainter::Antialiasing);
    p.setBrush(color);
    p.setPen(Qt::NoPen);
    p.drawEllipse(pm.rect().adjusted(0, 0, -1, -1));
    p.setPen(Qt::white);
    QFont f = p.font();
    f.setPixelSize(9);
    f.setBold(true);
    p.setFont(f);
    p.drawText(pm.rect(), Qt::AlignCenter, QString(letter));
    return pm;
}
} // namespace

PolicyEditor::PolicyEditor(QWidget *parent)
    : QsciScintilla(parent), m_lexer(new PolicyLexer(this)), m_validator(new BackgroundValidator(this))
{
    const QFont mono = QFontDatabase::systemFont(QFontDatabase::FixedFont);
    m_lexer->setDefaultFont(mono);
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
    m_dark = true; // so that the call below applies the light colours
    setDarkMode(false);

    using K = CompletionContext::ItemKind;
    registerImage(static_cast<int>(K::Key), kindIcon(QColor(0x1e, 0x88, 0xe5), QLatin1Char('K')));
    registerImage(static_cast<int>(K::Value), kindIcon(QColor(0x43, 0xa0, 0x47), QLatin1Char('V')));
    registerImage(static_cast<int>(K::Tool), kindIcon(QColor(0x8e, 0x24, 0xaa), QLatin1Char('T')));
    registerImage(static_cast<int>(K::PiiType), kindIcon(QColor(0xe5, 0x39, 0x35), QLatin1Char('P')));
    registerImage(static_cast<int>(K::Variable), kindIcon(QColor(0x00, 0x89, 0x7b), QLatin1Char('x')));
    registerImage(static_cast<int>(K::Function), kindIcon(QColor(0xfb, 0x8c, 0x00), QLatin1Char('f')));
    connect(this, &QsciScintilla::userListActivated, this, [this](int id, const QString &text) {
        if (id == kCompletionList)
            insertCompletion(text);
    });
    connect(this, &QsciScintillaBase::SCN_CHARADDED, this, &PolicyEditor::onCharAdded);

    SendScintilla(SCI_SETMOUSEDWELLTIME, kDwellMs);
    connect(this, &QsciScintillaBase::SCN_DWELLSTART, this, &PolicyEditor::onDwellStart);
    connect(this, &QsciScintillaBase::SCN_DWELLEND, this, [] { QToolTip::hideText(); });

    addShortcut(QKeySequence(Qt::CTRL | Qt::Key_Period), [this] { applyQuickFix(); });
    addShortcut(QKeySequence(Qt::CTRL | Qt::Key_Space), [this] { showCompletions(); });
    addShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_O), [this] { showGoTo(); });
    addShortcut(QKeySequence(Qt::CTRL | Qt::Key_F), [this] { Q_EMIT findRequested(false); });
    addShortcut(QKeySequence(Qt::CTRL | Qt::Key_H), [this] { Q_EMIT findRequested(true); });

    connect(m_validator, &BackgroundValidator::finished, this,
            [this](quint64 generation, const std::shared_ptr<const LoadResult> &result) {
                applyValidation(generation, *result);
            });
    m_debounce.setSingleShot(true);
    m_debounce.setInterval(kDebounceMs);
    connect(&m_debounce, &QTimer::timeout, this, &PolicyEditor::requestValidation);
    connect(this, &QsciScintilla::textChanged, &m_debounce, qOverload<>(&QTimer::start));
}

PolicyEditor::~PolicyEditor() = default;

// QsciScintilla's (line, index) API counts characters; diagnostics ranges are
// bytes, so everything below addresses the document by raw byte positions.
long PolicyEditor::bytePosition(int line, int byteIndex)
{
    return SendScintilla(SCI_POSITIONFROMLINE, static_cast<unsigned long>(line)) + byteIndex;
}

void PolicyEditor::cursorLineByte(int &line, int &byteIndex)
{
    const long pos = SendScintilla(SCI_GETCURRENTPOS);
    line = static_cast<int>(SendScintilla(SCI_LINEFROMPOSITION, static_cast<unsigned long>(pos)));
    byteIndex = static_cast<int>(pos - bytePosition(line, 0));
}

void PolicyEditor::addShortcut(const QKeySequence &keys, std::function<void()> action)
{
    auto *a = new QAction(this);
    a->setShortcut(keys);
    a->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    connect(a, &QAction::triggered, this, std::move(action));
    addAction(a);
}

void PolicyEditor::validateNow()
{
    m_debounce.stop();
    const quint64 generation = m_validator->claim();
    applyValidation(generation, validatePolicyText(text().toUtf8(), m_fileName));
}

quint64 PolicyEditor::requestValidation()
{
    // The document's own buffer: no QString round trip on the UI thread.
    const auto *data = reinterpret_cast<const char *>(SendScintilla(SCI_GETCHARACTERPOINTER));
    const auto length = static_cast<qsizetype>(SendScintilla(SCI_GETLENGTH));
    return m_validator->request(QByteArray(data, length), m_fileName);
}

bool PolicyEditor::applyValidation(quint64 generation, const LoadResult &result)
{
    if (generation != m_validator->latest())
        return false; // typed since: a newer result is on its way
    m_diags = result.diagnostics;
    m_document = result.document;
    if (m_goTo && m_goTo->isVisible() && m_document)
        m_goTo->setEntries(documentOutline(*m_document));
    showDiagnostics();
    Q_EMIT diagnosticsChanged(m_diags);
    return true;
}

void PolicyEditor::showDiagnostics()
{
    const int lastLine = lines() - 1;
    clearIndicatorRange(0, 0, lastLine, lineLength(lastLine), m_errorIndicator);
    clearIndicatorRange(0, 0, lastLine, lineLength(lastLine), m_warningIndicator);
    markerDeleteAll(kErrorMarker);
    markerDeleteAll(kWarningMarker);
    m_ranges.clear();
    m_ranges.reserve(m_diags.size());
    for (const auto &d : m_diags) {
        const int line = std::clamp(d.begin.line - 1, 0, lastLine);
        const ByteRange r = diagnosticRange(text(line).toUtf8(), d);
        m_ranges.emplace_back(line, r);
        if (d.severity == Severity::Info)
            continue;
        const bool error = d.severity == Severity::Error;
        SendScintilla(SCI_SETINDICATORCURRENT, static_cast<unsigned long>(error ? m_errorIndicator : m_warningIndicator));
        SendScintilla(SCI_INDICATORFILLRANGE, static_cast<unsigned long>(bytePosition(line, r.from)), static_cast<long>(r.to - r.from));
        markerAdd(line, error ? kErrorMarker : kWarningMarker);
    }
}

QString PolicyEditor::hoverTextAt(int line, int byteIndex) const
{
    QStringList parts;
    for (size_t i = 0; i < m_diags.size(); ++i) {
        const auto &[l, r] = m_ranges[i];
        if (l != line || byteIndex < r.from || byteIndex >= r.to)
            continue;
        const auto &d = m_diags[i];
        QString part = QStringLiteral("[%1] %2").arg(QString::fromStdString(d.code), QString::fromStdString(d.message));
        if (!d.suggestion.empty())
            part += QLatin1Char('\n') + tr("Suggestion: %1 (Ctrl+. to apply)").arg(QString::fromStdString(d.suggestion));
        parts << part;
    }
    return parts.join(QStringLiteral("\n\n"));
}

void PolicyEditor::onDwellStart(int position, int x, int y)
{
    if (position < 0)
        return;
    const auto line = static_cast<int>(SendScintilla(SCI_LINEFROMPOSITION, position));
    const auto start = static_cast<int>(SendScintilla(SCI_POSITIONFROMLINE, line));
    const QString tip = hoverTextAt(line, position - start);
    if (!tip.isEmpty())
        QToolTip::showText(viewport()->mapToGlobal(QPoint(x, y)), tip, viewport());
}

int PolicyEditor::fixableDiagnosticAt(int line, int byteIndex) const
{
    int onLine = -1;
    for (size_t i = 0; i < m_diags.size(); ++i) {
        const auto &[l, r] = m_ranges[i];
        if (l != line || m_diags[i].suggestion.empty())
            continue;
        if (byteIndex >= r.from && byteIndex <= r.to)
            return static_cast<int>(i);
        if (onLine < 0)
            onLine = static_cast<int>(i);
    }
    return onLine;
}

bool PolicyEditor::applyFix(int diagnosticIndex)
{
    if (diagnosticIndex < 0 || static_cast<size_t>(diagnosticIndex) >= m_diags.size())
        return false;
    const auto &[line, r] = m_ranges[static_cast<size_t>(diagnosticIndex)];
    const QString replacement = QString::fromStdString(m_diags[static_cast<size_t>(diagnosticIndex)].suggestion);
    SendScintilla(SCI_SETSEL, static_cast<unsigned long>(bytePosition(line, r.from)), bytePosition(line, r.to));
    replaceSelectedText(replacement);
    return true;
}

bool PolicyEditor::applyQuickFix()
{
    int line, index;
    cursorLineByte(line, index);
    return applyFix(fixableDiagnosticAt(line, index));
}

void PolicyEditor::contextMenuEvent(QContextMenuEvent *event)
{
    int line, index;
    cursorLineByte(line, index);
    if (event->reason() == QContextMenuEvent::Mouse) {
        const QPoint p = viewport()->mapFrom(this, event->pos());
        const long pos = SendScintilla(SCI_POSITIONFROMPOINTCLOSE, static_cast<unsigned long>(p.x()), static_cast<long>(p.y()));
        if (pos >= 0) {
            line = static_cast<int>(SendScintilla(SCI_LINEFROMPOSITION, pos));
            index = static_cast<int>(pos - SendScintilla(SCI_POSITIONFROMLINE, line));
        }
    }
    QMenu *menu = createStandardContextMenu();
    const int fix = fixableDiagnosticAt(line, index);
    if (fix >= 0) {
        auto *first = menu->actions().value(0);
        auto *apply = new QAction(tr("Apply fix: %1").arg(QString::fromStdString(m_diags[static_cast<size_t>(fix)].suggestion)), menu);
        apply->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Period));
        connect(apply, &QAction::triggered, this, [this, fix] { applyFix(fix); });
        menu->insertAction(first, apply);
        menu->insertSeparator(first);
    }
    menu->exec(event->globalPos());
    delete menu;
}

bool PolicyEditor::showCompletions()
{
    int line, index;
    cursorLineByte(line, index);
    const QString lineText = text(line);
    const auto ctx = CompletionContext::analyze(text(), line, utf16IndexOfByte(lineText.toUtf8(), index));
    if (ctx.items().isEmpty())
        return false;
    QStringList list;
    for (const auto &item : ctx.items())
        list << item.text + QLatin1Char('?') + QString::number(static_cast<int>(item.kind));
    showUserList(kCompletionList, list);
    return true;
}

void PolicyEditor::insertCompletion(const QString &chosen)
{
    const QString text = chosen.section(QLatin1Char('?'), 0, 0);
    int line, index;
    cursorLineByte(line, index);
    const QString lineText = this->text(line);
    const auto ctx = CompletionContext::analyze(this->text(), line, utf16IndexOfByte(lineText.toUtf8(), index));
    const int prefixBytes = static_cast<int>(ctx.prefix().toUtf8().size());
    SendScintilla(SCI_SETSEL, static_cast<unsigned long>(bytePosition(line, index - prefixBytes)), bytePosition(line, index));
    replaceSelectedText(text);
}

void PolicyEditor::onCharAdded(int ch)
{
    // Offer completions where a choice starts: after "key: ", inside a flow
    // list, or while typing a word; never while a list is already open.
    if (isListActive())
        return;
    const bool word = (ch >= 'a' && ch <= 'z') || ch == '_' || ch == '.';
    if (word || ch == ' ' || ch == '[' || ch == '(')
        showCompletions();
}

void PolicyEditor::showGoTo()
{
    if (!m_goTo) {
        m_goTo = new GoToPopup(this);
        connect(m_goTo, &GoToPopup::picked, this, [this](int line, int column) { goToPosition(line, column); });
    }
    m_goTo->setEntries(m_document ? documentOutline(*m_document) : QList<OutlineEntry>{});
    m_goTo->move(mapToGlobal(QPoint(std::max(0, (width() - m_goTo->width()) / 2), 0)));
    m_goTo->show();
}

void PolicyEditor::setDarkMode(bool dark)
{
    if (m_dark == dark)
        return;
    m_dark = dark;
    m_lexer->setDarkMode(dark);
    const QColor paper = PolicyLexer::background(0, dark);
    const QColor text = PolicyLexer::foreground(0, dark);
    setPaper(paper);
    setColor(text);
    setCaretForegroundColor(text);
    setCaretLineBackgroundColor(dark ? QColor(0x2a, 0x2d, 0x34) : QColor(0xf2, 0xf5, 0xfa));
    setSelectionBackgroundColor(dark ? QColor(0x26, 0x4f, 0x78) : QColor(0xb6, 0xd7, 0xff));
    setSelectionForegroundColor(text);
    setMarginsBackgroundColor(dark ? QColor(0x26, 0x28, 0x2d) : QColor(0xf3, 0xf3, 0xf3));
    setMarginsForegroundColor(dark ? QColor(0x8b, 0x93, 0x9e) : QColor(0x6e, 0x77, 0x81));
    setFoldMarginColors(dark ? QColor(0x26, 0x28, 0x2d) : QColor(0xf3, 0xf3, 0xf3),
                        dark ? QColor(0x26, 0x28, 0x2d) : QColor(0xf3, 0xf3, 0xf3));
    for (int m = SC_MARKNUM_FOLDEREND; m <= static_cast<int>(SC_MARKNUM_FOLDEROPEN); ++m) { // the fold boxes: fill, then lines
        setMarkerForegroundColor(paper, m);
        setMarkerBackgroundColor(dark ? QColor(0x8b, 0x93, 0x9e) : QColor(0x6e, 0x77, 0x81), m);
    }
    setIndicatorForegroundColor(dark ? QColor(0xff, 0x6b, 0x6b) : QColor(0xd3, 0x2f, 0x2f), m_errorIndicator);
    setIndicatorForegroundColor(dark ? QColor(0xff, 0xc1, 0x4d) : QColor(0xf5, 0x9e, 0x0b), m_warningIndicator);
}

void PolicyEditor::goToPosition(int line, int column)
{
    const int l = std::max(0, line - 1);
    SendScintilla(SCI_GOTOPOS, static_cast<unsigned long>(bytePosition(l, byteIndexOfColumn(text(l).toUtf8(), column))));
    ensureLineVisible(l);
    setFocus();
}

} // namespace osh::ui
