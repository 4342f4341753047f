#pragma once
// The replay timeline widget: a time axis over one lane per kind of event
// (and the what-if diff lane), events as marks coloured by their decision,
// dense stretches drawn as one mark per pixel column (the heaviest outcome
// in the column, height by count), a playhead, a current event and a
// shift-click range. Wheel zooms about the cursor, dragging pans; keys:
// Left/Right step, Ctrl+Left/Right jump between violations, Space plays or
// pauses, +/- zoom, Home/End go to the first and last event.
//
// Painting never visits every event: each lane's visible range is found by
// binary search and dense ranges are walked one pixel column at a time
// (see render()). ReplayPage owns it; the bench renders it into an image.

#include "timelinegeometry.h"
#include "timelinelanes.h"

#include <QElapsedTimer>
#include <QImage>
#include <QWidget>

#include <cstdint>
#include <vector>

class QTimer;

namespace osh::ui {

class TimelineView : public QWidget
{
    Q_OBJECT

public:
    static constexpr int kLabelWidth = 150;
    static constexpr int kHitTolerance = 4; // pixels

    explicit TimelineView(QWidget *parent = nullptr);

    // Not owned; must outlive the view (or be replaced first). Shows all of
    // it and clears the current event, the selection and what-if.
    void setSession(const replay::ReplaySession *session);
    const replay::ReplaySession *session() const { return m_lanes.session(); }
    // Shows only these rows (ascending), or every row with nullptr.
    void setIncludedRows(const std::vector<std::uint32_t> *rows);
    void setWhatIf(const replay::WhatIfResult *result);
    const TimelineLanes &lanes() const { return m_lanes; }
    const TimelineGeometry &geometry() const { return m_geo; }
    TimelineGeometry &geometry() { return m_geo; }

    // The current event (a session row), -1 when none.
    std::int64_t currentRow() const { return m_current; }
    // The selection: included rows from the anchor to the current event,
    // in row order (just the current one without a range); empty when none.
    std::vector<std::uint32_t> selectedRows() const;
    double playhead() const { return m_playhead; }
    bool isPlaying() const { return m_playing; }
    double speed() const { return m_speed; }

    // The row of the mark at a widget position (within kHitTolerance), or -1.
    std::int64_t rowAt(QPoint pos) const;
    // Where a row's mark is drawn in a lane (the first lane holding it when
    // lane < 0); an invalid point when it is not in the window.
    QPoint markPosition(std::uint32_t row, int lane = -1) const;

    // Paints the whole timeline into size at the painter's origin: what
    // paintEvent does, and what the bench times.
    void render(QPainter &p, QSize size);

public Q_SLOTS:
    void setCurrentRow(std::int64_t row);
    // Extends the selection from the anchor (the current event when no range) to row.
    void extendSelectionTo(std::int64_t row);
    void stepNext();
    void stepPrevious();
    void nextViolation();
    void previousViolation();
    void goToFirst();
    void goToLast();
    void zoomIn();
    void zoomOut();
    void showAll();
    void setPlaying(bool playing);
    void togglePlaying() { setPlaying(!m_playing); }
    // Session seconds per real second, clamped to 0.5..16.
    void setSpeed(double speed);
    void setPlayhead(double t);
    // Advances the playhead by real seconds at the current speed (what the
    // play timer does each tick; public so tests need not wait).
    void advance(double realSeconds);

Q_SIGNALS:
    void currentRowChanged(qint64 row);
    void selectionChanged();
    void playingChanged(bool playing);
    void playheadMoved(double t);
    void viewChanged();

protected:
    void paintEvent(QPaintEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;
    void wheelEvent(QWheelEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;
    void mouseMoveEvent(QMouseEvent *event) override;
    void mouseReleaseEvent(QMouseEvent *event) override;
    void keyPressEvent(QKeyEvent *event) override;
    bool event(QEvent *event) override;
    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

private:
    void relayout(int width);
    void moveTo(std::int64_t row, bool keepAnchor);
    void paintLane(QPainter &p, int laneIndex, const QRect &r);
    void tick();
    QString toolTipFor(std::uint32_t row, int lane, std::size_t index) const;

    TimelineLanes m_lanes;
    TimelineGeometry m_geo;
    std::int64_t m_current = -1;
    std::int64_t m_anchor = -1; // -1: no range
    double m_playhead = 0;
    bool m_playing = false;
    double m_speed = 1;
    QTimer *m_timer;
    QElapsedTimer m_clock;
    // Mouse drag state.
    QPoint m_pressPos;
    double m_lastDragX = 0;
    bool m_dragging = false;
    // Per-column scratch for paintLane, kept to avoid allocating per paint.
    std::vector<std::uint32_t> m_counts;
    std::vector<std::uint8_t> m_worst;
    QImage m_laneImage;
};

} // namespace osh::ui
