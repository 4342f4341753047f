#pragma once
// A side-by-side line diff of two texts in two read-only QScintilla editors
// with the policy editor's highlighting. Lines are aligned: where one side
// has lines the other lacks, the other shows blank filler rows (grey, no
// line number), so corresponding lines always sit on the same row and the
// two editors scroll together. Added, removed and changed rows have their
// own background and margin marker; F7/Shift+F7 (or Alt+Down/Alt+Up) walk
// the changes. Used by the compare window of the History panel.

#include "vcs/textdiff.h"

#include <QList>
#include <QString>
#include <QWidget>

class QsciScintilla;
class QLabel;

namespace osh::ui {

// One row of the aligned view. Lines are 1-based; 0 is a filler row.
struct AlignedRow
{
    enum Kind { Same, Added, Removed, Changed };
    Kind kind = Same;
    int leftLine = 0;
    int rightLine = 0;
    friend bool operator==(const AlignedRow &, const AlignedRow &) = default;
};

// Rows for the hunks of vcs::diffText over texts of the given line counts.
// Lines outside every hunk are Same; a run of removed lines followed by
// added lines pairs up as Changed rows, the rest of the longer run stays
// Removed or Added.
QList<AlignedRow> alignRows(const std::vector<vcs::DiffHunk> &hunks, int leftLineCount, int rightLineCount);

class SideBySideDiff : public QWidget
{
    Q_OBJECT

public:
    // Margin markers, by number, in both editors.
    enum Marker { AddedMarker = 1, RemovedMarker, ChangedMarker, FillerMarker, AddedBack, RemovedBack, ChangedBack, FillerBack };

    explicit SideBySideDiff(QWidget *parent = nullptr);

    // Shows the diff of two texts; false (and an explanation in the view)
    // when the line diff failed.
    bool setTexts(const QString &left, const QString &right);
    void setLabels(const QString &left, const QString &right);

    const QList<AlignedRow> &rows() const { return m_rows; }
    QsciScintilla *leftEditor() const { return m_left; }
    QsciScintilla *rightEditor() const { return m_right; }

    // Change blocks (maximal runs of rows that are not Same), by first row.
    int changeCount() const { return static_cast<int>(m_changeStarts.size()); }
    int currentChange() const { return m_current; } // -1 before the first move
    int changeStartRow(int change) const;

    // The editor row (0-based) showing a line of either text, or -1.
    int rowOfLeftLine(int line) const;
    int rowOfRightLine(int line) const;

public Q_SLOTS:
    bool nextChange();
    bool previousChange();
    // Scrolls both sides to a line of the right (after) text, e.g. from the semantic diff.
    void showRightLine(int line);

Q_SIGNALS:
    void currentChangeChanged(int change, int count);

private:
    void setUpEditor(QsciScintilla *e);
    void fill(QsciScintilla *e, const QStringList &lines, bool left);
    void goToRow(int row);
    void syncFrom(QsciScintilla *source);

    QLabel *m_leftLabel;
    QLabel *m_rightLabel;
    QLabel *m_status;
    QsciScintilla *m_left;
    QsciScintilla *m_right;
    QList<AlignedRow> m_rows;
    QList<int> m_changeStarts;
    int m_current = -1;
    bool m_syncing = false;
};

} // namespace osh::ui
