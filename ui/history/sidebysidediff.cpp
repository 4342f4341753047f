// SideBySideDiff: aligned two-editor line diff over vcs::diffText.
#include "sidebysidediff.h"

#include "lexer/policylexer.h"

#include <Qsci/qsciscintilla.h>

#include <QFontDatabase>
#include <QGridLayout>
#include <QKeySequence>
#include <QLabel>
#include <QPalette>
#include <QScrollBar>
#include <QShortcut>

#include <algorithm>

namespace osh::ui {

namespace {

QStringList splitLines(const QString &text)
{
    if (text.isEmpty())
        return {};
    QStringList lines = text.split(QLatin1Char('\n'));
    if (text.endsWith(QLatin1Char('\n')))
        lines.removeLast();
    for (QString &l : lines)
        if (l.endsWith(QLatin1Char('\r')))
            l.chop(1);
    return lines;
}

int countLines(std::string_view text)
{
    if (text.empty())
        return 0;
    const auto n = static_cast<int>(std::count(text.begin(), text.end(), '\n'));
    return text.back() == '\n' ? n : n + 1;
}

} // namespace

QList<AlignedRow> alignRows(const std::vector<vcs::DiffHunk> &hunks, int leftLineCount, int rightLineCount)
{
    QList<AlignedRow> rows;
    int oldNext = 1; // next line of each side not yet placed
    int newNext = 1;
    auto same = [&](int oldUntil) {
        while (oldNext < oldUntil && oldNext <= leftLineCount && newNext <= rightLineCount)
            rows.append({AlignedRow::Same, oldNext++, newNext++});
    };
    QList<int> removed, added;
    auto flush = [&]() {
        const qsizetype paired = std::min(removed.size(), added.size());
        for (qsizetype i = 0; i < paired; ++i)
            rows.append({AlignedRow::Changed, removed[i], added[i]});
        for (qsizetype i = paired; i < removed.size(); ++i)
            rows.append({AlignedRow::Removed, removed[i], 0});
        for (qsizetype i = paired; i < added.size(); ++i)
            rows.append({AlignedRow::Added, 0, added[i]});
        removed.clear();
        added.clear();
    };
    for (const vcs::DiffHunk &h : hunks) {
        // A hunk with no old lines starts after oldStart; otherwise at it.
        same(h.oldLines == 0 ? h.oldStart + 1 : h.oldStart);
        for (const vcs::DiffLine &l : h.lines) {
            switch (l.kind) {
            case vcs::DiffLine::Context:
                flush();
                rows.append({AlignedRow::Same, l.oldLine, l.newLine});
                oldNext = l.oldLine + 1;
                newNext = l.newLine + 1;
                break;
            case vcs::DiffLine::Removed:
                if (!added.isEmpty())
                    flush(); // an added run ends when removals start again
                removed.append(l.oldLine);
                oldNext = l.oldLine + 1;
                break;
            case vcs::DiffLine::Added:
                added.append(l.newLine);
                newNext = l.newLine + 1;
                break;
            }
        }
        flush();
    }
    same(leftLineCount + 1);
    // Whatever is left on one side only (texts that differ only at the end
    // never reach here through hunks, but stay safe).
    while (oldNext <= leftLineCount)
        rows.append({AlignedRow::Removed, oldNext++, 0});
    while (newNext <= rightLineCount)
        rows.append({AlignedRow::Added, 0, newNext++});
    return rows;
}

SideBySideDiff::SideBySideDiff(QWidget *parent)
    : QWidget(parent),
      m_leftLabel(new QLabel(this)),
      m_rightLabel(new QLabel(this)),
      m_status(new QLabel(this)),
      m_left(new QsciScintilla(this)),
      m_right(new QsciScintilla(this))
{
    auto *grid = new QGridLayout(this);
    grid->setContentsMargins(0, 0, 0, 0);
    grid->addWidget(m_leftLabel, 0, 0);
    grid->addWidget(m_rightLabel, 0, 1);
    grid->addWidget(m_left, 1, 0);
    grid->addWidget(m_right, 1, 1);
    grid->addWidget(m_status, 2, 0, 1, 2);
    setUpEditor(m_left);
    setUpEditor(m_right);
    m_left->setObjectName(QStringLiteral("leftDiffEditor"));
    m_right->setObjectName(QStringLiteral("rightDiffEditor"));

    connect(m_left->verticalScrollBar(), &QScrollBar::valueChanged, this, [this] { syncFrom(m_left); });
    connect(m_right->verticalScrollBar(), &QScrollBar::valueChanged, this, [this] { syncFrom(m_right); });
    connect(m_left->horizontalScrollBar(), &QScrollBar::valueChanged, this, [this] { syncFrom(m_left); });
    connect(m_right->horizontalScrollBar(), &QScrollBar::valueChanged, this, [this] { syncFrom(m_right); });

    auto shortcut = [this](const QKeySequence &keys, bool forward) {
        auto *s = new QShortcut(keys, this);
        s->setContext(Qt::WidgetWithChildrenShortcut);
        if (forward)
            connect(s, &QShortcut::activated, this, &SideBySideDiff::nextChange);
        else
            connect(s, &QShortcut::activated, this, &SideBySideDiff::previousChange);
    };
    shortcut(QKeySequence(Qt::Key_F7), true);
    shortcut(QKeySequence(Qt::SHIFT | Qt::Key_F7), false);
    shortcut(QKeySequence(Qt::ALT | Qt::Key_Down), true);
    shortcut(QKeySequence(Qt::ALT | Qt::Key_Up), false);
    setLabels(tr("Before"), tr("After"));
}

void SideBySideDiff::setUpEditor(QsciScintilla *e)
{
    auto *lexer = new PolicyLexer(e); // one lexer per editor
    lexer->setDefaultFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    e->setLexer(lexer);
    e->setUtf8(true);
    e->setReadOnly(true);
    e->setWrapMode(QsciScintilla::WrapNone); // wrapping would break the row alignment
    e->setFolding(QsciScintilla::NoFoldStyle);
    e->setMarginType(0, QsciScintilla::TextMarginRightJustified);
    e->setMarginWidth(0, QStringLiteral("00000"));
    e->setMarginType(1, QsciScintilla::SymbolMargin);
    e->setMarginWidth(1, 14);
    e->setMarginMarkerMask(1, (1 << AddedMarker) | (1 << RemovedMarker) | (1 << ChangedMarker));
    e->setMarginMarkerMask(0, 0);

    const bool dark = palette().color(QPalette::Window).lightness() < 128;
    e->markerDefine(QsciScintilla::Plus, AddedMarker);
    e->markerDefine(QsciScintilla::Minus, RemovedMarker);
    e->markerDefine(QsciScintilla::SmallRectangle, ChangedMarker);
    e->markerDefine(QsciScintilla::Invisible, FillerMarker);
    for (int m : {AddedBack, RemovedBack, ChangedBack, FillerBack})
        e->markerDefine(QsciScintilla::Background, m);
    const QColor added = dark ? QColor(0x1f, 0x3d, 0x2a) : QColor(0xe6, 0xff, 0xec);
    const QColor removed = dark ? QColor(0x4b, 0x22, 0x26) : QColor(0xff, 0xeb, 0xe9);
    const QColor changed = dark ? QColor(0x4a, 0x40, 0x1c) : QColor(0xff, 0xf5, 0xb1);
    const QColor filler = dark ? QColor(0x30, 0x32, 0x38) : QColor(0xee, 0xee, 0xee);
    e->setMarkerBackgroundColor(added, AddedBack);
    e->setMarkerBackgroundColor(removed, RemovedBack);
    e->setMarkerBackgroundColor(changed, ChangedBack);
    e->setMarkerBackgroundColor(filler, FillerBack);
    e->setMarkerForegroundColor(QColor(0x1a, 0x7f, 0x37), AddedMarker);
    e->setMarkerBackgroundColor(QColor(0x1a, 0x7f, 0x37), AddedMarker);
    e->setMarkerForegroundColor(QColor(0xcf, 0x22, 0x2e), RemovedMarker);
    e->setMarkerBackgroundColor(QColor(0xcf, 0x22, 0x2e), RemovedMarker);
    e->setMarkerForegroundColor(QColor(0x9a, 0x67, 0x00), ChangedMarker);
    e->setMarkerBackgroundColor(QColor(0x9a, 0x67, 0x00), ChangedMarker);
}

void SideBySideDiff::setLabels(const QString &left, const QString &right)
{
    m_leftLabel->setText(left);
    m_rightLabel->setText(right);
}

bool SideBySideDiff::setTexts(const QString &left, const QString &right)
{
    const std::string oldText = left.toStdString();
    const std::string newText = right.toStdString();
    std::string error;
    const auto hunks = vcs::diffText(oldText, newText, -1, &error);
    m_rows.clear();
    m_changeStarts.clear();
    m_current = -1;
    if (!error.empty()) {
        m_left->setText(QString());
        m_right->setText(QString());
        m_status->setText(tr("The line diff failed: %1").arg(QString::fromStdString(error)));
        Q_EMIT currentChangeChanged(m_current, 0);
        return false;
    }
    m_rows = alignRows(hunks, countLines(oldText), countLines(newText));
    for (int i = 0; i < m_rows.size(); ++i)
        if (m_rows[i].kind != AlignedRow::Same && (i == 0 || m_rows[i - 1].kind == AlignedRow::Same))
            m_changeStarts.append(i);
    fill(m_left, splitLines(left), true);
    fill(m_right, splitLines(right), false);
    m_status->setText(m_changeStarts.isEmpty() ? tr("The two versions are identical.")
                                               : tr("%n change(s); F7 and Shift+F7 go to the next and previous one.", nullptr,
                                                    static_cast<int>(m_changeStarts.size())));
    Q_EMIT currentChangeChanged(m_current, changeCount());
    return true;
}

void SideBySideDiff::fill(QsciScintilla *e, const QStringList &lines, bool left)
{
    QStringList shown;
    shown.reserve(m_rows.size());
    for (const AlignedRow &r : m_rows) {
        const int line = left ? r.leftLine : r.rightLine;
        shown.append(line > 0 && line <= lines.size() ? lines[line - 1] : QString());
    }
    e->setReadOnly(false);
    e->setText(shown.join(QLatin1Char('\n')));
    e->setReadOnly(true);
    e->markerDeleteAll();
    e->clearMarginText();
    for (int row = 0; row < m_rows.size(); ++row) {
        const AlignedRow &r = m_rows[row];
        const int line = left ? r.leftLine : r.rightLine;
        if (line == 0) {
            e->markerAdd(row, FillerMarker);
            e->markerAdd(row, FillerBack);
            continue;
        }
        e->setMarginText(row, QString::number(line), QsciScintillaBase::STYLE_LINENUMBER);
        switch (r.kind) {
        case AlignedRow::Same:
            break;
        case AlignedRow::Added:
            e->markerAdd(row, AddedMarker);
            e->markerAdd(row, AddedBack);
            break;
        case AlignedRow::Removed:
            e->markerAdd(row, RemovedMarker);
            e->markerAdd(row, RemovedBack);
            break;
        case AlignedRow::Changed:
            e->markerAdd(row, ChangedMarker);
            e->markerAdd(row, ChangedBack);
            break;
        }
    }
}

int SideBySideDiff::changeStartRow(int change) const
{
    return change >= 0 && change < m_changeStarts.size() ? m_changeStarts[change] : -1;
}

int SideBySideDiff::rowOfLeftLine(int line) const
{
    for (int i = 0; i < m_rows.size(); ++i)
        if (m_rows[i].leftLine == line)
            return i;
    return -1;
}

int SideBySideDiff::rowOfRightLine(int line) const
{
    for (int i = 0; i < m_rows.size(); ++i)
        if (m_rows[i].rightLine == line)
            return i;
    return -1;
}

bool SideBySideDiff::nextChange()
{
    if (m_changeStarts.isEmpty() || m_current + 1 >= m_changeStarts.size())
        return false;
    ++m_current;
    goToRow(m_changeStarts[m_current]);
    Q_EMIT currentChangeChanged(m_current, changeCount());
    return true;
}

bool SideBySideDiff::previousChange()
{
    if (m_changeStarts.isEmpty() || m_current <= 0)
        return false;
    --m_current;
    goToRow(m_changeStarts[m_current]);
    Q_EMIT currentChangeChanged(m_current, changeCount());
    return true;
}

void SideBySideDiff::showRightLine(int line)
{
    const int row = rowOfRightLine(line);
    if (row < 0)
        return;
    // The change block holding the row (if any) becomes the current one, so
    // F7 continues from there.
    const auto after = std::upper_bound(m_changeStarts.begin(), m_changeStarts.end(), row);
    const int block = static_cast<int>(after - m_changeStarts.begin()) - 1;
    if (block != m_current) {
        m_current = block;
        Q_EMIT currentChangeChanged(m_current, changeCount());
    }
    goToRow(row);
}

void SideBySideDiff::goToRow(int row)
{
    m_right->setCursorPosition(row, 0);
    m_left->setCursorPosition(row, 0);
    m_left->setFirstVisibleLine(std::max(0, row - 3));
    syncFrom(m_left);
}

void SideBySideDiff::syncFrom(QsciScintilla *source)
{
    if (m_syncing)
        return;
    m_syncing = true;
    QsciScintilla *other = source == m_left ? m_right : m_left;
    other->setFirstVisibleLine(source->firstVisibleLine());
    other->horizontalScrollBar()->setValue(source->horizontalScrollBar()->value());
    m_syncing = false;
}

} // namespace osh::ui
