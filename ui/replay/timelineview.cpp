#include "timelineview.h"

#include "replay/whatif.h"

#include <QHelpEvent>
#include <QImage>
#include <QKeyEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QTimer>
#include <QToolTip>
#include <QWheelEvent>

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>

namespace osh::ui {

namespace {

bool isDark(const QPalette &pal) { return pal.color(QPalette::Base).lightness() < 128; }

// Decision colours, a shade brighter on a dark background.
QColor classColour(MarkClass c, bool dark, const QPalette &pal)
{
    switch (c) {
    case MarkClass::Allow:
        return dark ? QColor(0x5c, 0xc2, 0x7f) : QColor(0x2e, 0x8b, 0x4f);
    case MarkClass::Modify:
        return dark ? QColor(0xf0, 0xb4, 0x30) : QColor(0xc8, 0x84, 0x00);
    case MarkClass::Escalate:
        return dark ? QColor(0xa5, 0x8b, 0xf0) : QColor(0x6a, 0x3f, 0xc8);
    case MarkClass::Block:
        return dark ? QColor(0xff, 0x6b, 0x6b) : QColor(0xd0, 0x2a, 0x2a);
    case MarkClass::Neutral:
        break;
    }
    QColor n = pal.color(QPalette::Text);
    n.setAlphaF(0.55f);
    return n;
}

// The first index in [from, hi) whose time is >= v: exponential then binary
// search, so walking a dense range column by column costs O(columns · log).
std::size_t gallop(const std::vector<double> &ts, std::size_t from, std::size_t hi, double v)
{
    std::size_t left = from, right = from, step = 1;
    while (right < hi && ts[right] < v) {
        left = right + 1;
        right = std::min(hi, right + step);
        step *= 2;
    }
    return static_cast<std::size_t>(std::lower_bound(ts.begin() + static_cast<std::ptrdiff_t>(left),
                                                     ts.begin() + static_cast<std::ptrdiff_t>(right), v)
                                    - ts.begin());
}

// Calls fn(column, count) for each pixel column holding events of ts[lo, hi).
template<typename Fn>
void walkColumns(const std::vector<double> &ts, std::size_t lo, std::size_t hi, const TimelineGeometry &g, Fn fn)
{
    const double spp = g.secondsPerPixel();
    std::size_t i = lo;
    while (i < hi) {
        const int col = std::clamp(static_cast<int>(std::floor((ts[i] - g.t0) / spp)), 0, g.width - 1);
        const double colEnd = col == g.width - 1 ? std::numeric_limits<double>::infinity() : g.t0 + (col + 1) * spp;
        const std::size_t j = gallop(ts, i + 1, hi, colEnd);
        fn(col, static_cast<std::uint32_t>(j - i));
        i = j;
    }
}

} // namespace

TimelineView::TimelineView(QWidget *parent)
    : QWidget(parent)
    , m_timer(new QTimer(this))
{
    setFocusPolicy(Qt::StrongFocus);
    setMouseTracking(false);
    setAttribute(Qt::WA_OpaquePaintEvent);
    m_timer->setInterval(16);
    connect(m_timer, &QTimer::timeout, this, &TimelineView::tick);
    m_geo.axisHeight = 26;
    m_geo.laneHeight = 26;
    relayout(width());
}

void TimelineView::relayout(int w)
{
    m_geo.left = kLabelWidth;
    m_geo.setWidth(w - kLabelWidth - 8);
    m_geo.laneCount = m_lanes.laneCount();
}

void TimelineView::setSession(const replay::ReplaySession *session)
{
    setPlaying(false);
    m_lanes.clear();
    if (session) {
        m_lanes.build(*session);
        m_geo.setRange(session->startTs(), session->endTs());
        m_playhead = session->startTs();
    } else {
        m_geo.setRange(0, 1);
        m_playhead = 0;
    }
    m_current = -1;
    m_anchor = -1;
    relayout(width());
    updateGeometry();
    update();
    Q_EMIT currentRowChanged(-1);
    Q_EMIT selectionChanged();
    Q_EMIT viewChanged();
}

void TimelineView::setIncludedRows(const std::vector<std::uint32_t> *rows)
{
    if (!session())
        return;
    m_lanes.build(*session(), rows);
    update();
}

void TimelineView::setWhatIf(const replay::WhatIfResult *result)
{
    m_lanes.setWhatIf(result);
    relayout(width());
    updateGeometry();
    update();
}

std::vector<std::uint32_t> TimelineView::selectedRows() const
{
    if (m_current < 0)
        return {};
    if (m_anchor < 0)
        return {static_cast<std::uint32_t>(m_current)};
    const auto lo = static_cast<std::uint32_t>(std::min(m_anchor, m_current));
    const auto hi = static_cast<std::uint32_t>(std::max(m_anchor, m_current));
    const auto &rows = m_lanes.rows();
    const auto a = std::lower_bound(rows.begin(), rows.end(), lo);
    const auto b = std::upper_bound(a, rows.end(), hi);
    return {a, b};
}

std::int64_t TimelineView::rowAt(QPoint pos) const
{
    const int lane = m_geo.laneAt(pos.y());
    if (lane < 0 || pos.x() < m_geo.left - kHitTolerance || !session())
        return -1;
    const auto &l = m_lanes.lane(lane);
    const auto i = m_geo.hitTest(l.ts, pos.x(), kHitTolerance);
    return i < 0 ? -1 : static_cast<std::int64_t>(l.rows[static_cast<std::size_t>(i)]);
}

QPoint TimelineView::markPosition(std::uint32_t row, int lane) const
{
    if (!session() || row >= session()->size())
        return {};
    const double t = session()->ts(row);
    if (t < m_geo.t0 || t > m_geo.t1)
        return {};
    for (int i = lane < 0 ? 0 : lane; i < (lane < 0 ? m_lanes.laneCount() : lane + 1); ++i) {
        const auto &l = m_lanes.lane(i);
        const auto [a, b] = TimelineGeometry::indexRange(l.ts, t, t);
        for (auto k = a; k < b; ++k)
            if (l.rows[k] == row)
                return {static_cast<int>(std::lround(m_geo.timeToX(t))), m_geo.laneTop(i) + m_geo.laneHeight / 2};
    }
    return {};
}

void TimelineView::moveTo(std::int64_t row, bool keepAnchor)
{
    if (row < 0)
        return;
    if (keepAnchor)
        extendSelectionTo(row);
    else
        setCurrentRow(row);
}

void TimelineView::setCurrentRow(std::int64_t row)
{
    if (row >= 0 && (!session() || static_cast<std::size_t>(row) >= session()->size()))
        return;
    const bool changed = row != m_current || m_anchor >= 0;
    m_anchor = -1;
    m_current = row;
    if (row >= 0) {
        m_playhead = session()->ts(static_cast<std::size_t>(row));
        m_geo.ensureVisible(m_playhead, 40);
        Q_EMIT playheadMoved(m_playhead);
    }
    update();
    if (changed) {
        Q_EMIT currentRowChanged(row);
        Q_EMIT selectionChanged();
    }
}

void TimelineView::extendSelectionTo(std::int64_t row)
{
    if (row < 0 || !session() || static_cast<std::size_t>(row) >= session()->size())
        return;
    if (m_anchor < 0)
        m_anchor = m_current >= 0 ? m_current : row;
    m_current = row;
    m_playhead = session()->ts(static_cast<std::size_t>(row));
    m_geo.ensureVisible(m_playhead, 40);
    update();
    Q_EMIT currentRowChanged(row);
    Q_EMIT selectionChanged();
}

void TimelineView::stepNext() { moveTo(m_lanes.nextRow(m_current), false); }
void TimelineView::stepPrevious() { moveTo(m_current < 0 ? m_lanes.nextRow(-1) : m_lanes.previousRow(m_current), false); }
void TimelineView::nextViolation() { moveTo(m_lanes.nextViolation(m_current), false); }
void TimelineView::previousViolation() { moveTo(m_lanes.previousViolation(m_current), false); }
void TimelineView::goToFirst() { moveTo(m_lanes.nextRow(-1), false); }
void TimelineView::goToLast() { moveTo(m_lanes.previousRow(-1), false); }

void TimelineView::zoomIn()
{
    const double x = m_playhead >= m_geo.t0 && m_playhead <= m_geo.t1 ? m_geo.timeToX(m_playhead)
                                                                       : m_geo.left + m_geo.width / 2.0;
    m_geo.zoom(2, x);
    update();
    Q_EMIT viewChanged();
}

void TimelineView::zoomOut()
{
    m_geo.zoom(0.5, m_geo.timeToX(std::clamp(m_playhead, m_geo.t0, m_geo.t1)));
    update();
    Q_EMIT viewChanged();
}

void TimelineView::showAll()
{
    m_geo.showAll();
    update();
    Q_EMIT viewChanged();
}

void TimelineView::setPlaying(bool playing)
{
    if (playing && (!session() || session()->empty()))
        playing = false;
    if (playing == m_playing)
        return;
    m_playing = playing;
    if (playing) {
        if (m_playhead >= session()->endTs())
            setPlayhead(session()->startTs());
        m_clock.start();
        m_timer->start();
    } else {
        m_timer->stop();
    }
    Q_EMIT playingChanged(playing);
}

void TimelineView::setSpeed(double speed)
{
    m_speed = std::clamp(speed, 0.5, 16.0);
}

void TimelineView::setPlayhead(double t)
{
    if (!session())
        return;
    m_playhead = std::clamp(t, session()->startTs(), session()->endTs());
    const std::int64_t row = m_lanes.rowAtTime(m_playhead);
    if (row != m_current || m_anchor >= 0) {
        m_anchor = -1;
        m_current = row;
        Q_EMIT currentRowChanged(row);
        Q_EMIT selectionChanged();
    }
    Q_EMIT playheadMoved(m_playhead);
    update();
}

void TimelineView::advance(double realSeconds)
{
    if (!session())
        return;
    const double end = session()->endTs();
    setPlayhead(m_playhead + realSeconds * m_speed);
    m_geo.ensureVisible(m_playhead, 40);
    if (m_playhead >= end)
        setPlaying(false);
}

void TimelineView::tick()
{
    advance(static_cast<double>(m_clock.restart()) / 1000.0);
}

// --- painting ---

void TimelineView::paintEvent(QPaintEvent *)
{
    QPainter p(this);
    render(p, size());
}

void TimelineView::render(QPainter &p, QSize size)
{
    if (m_geo.width != std::max(1, size.width() - kLabelWidth - 8) || m_geo.laneCount != m_lanes.laneCount())
        relayout(size.width());
    const QPalette &pal = palette();
    const bool dark = isDark(pal);
    p.fillRect(QRect(QPoint(0, 0), size), pal.color(QPalette::Base));
    const QColor text = pal.color(QPalette::Text);
    QColor grid = text;
    grid.setAlphaF(0.12f);
    const int plotRight = m_geo.left + m_geo.width;
    const int bottom = std::min(size.height(), m_geo.totalHeight());

    // Lanes: alternating bands, names on the left, then the marks.
    for (int i = 0; i < m_lanes.laneCount(); ++i) {
        const QRect r(m_geo.left, m_geo.laneTop(i), m_geo.width, m_geo.laneHeight);
        if (i % 2)
            p.fillRect(QRect(0, r.top(), plotRight, r.height()), pal.color(QPalette::AlternateBase));
        p.setPen(text);
        p.drawText(QRect(6, r.top(), kLabelWidth - 10, r.height()), Qt::AlignVCenter | Qt::AlignLeft,
                   laneName(static_cast<TimelineLane>(i)));
        if (session())
            paintLane(p, i, r);
    }

    // Axis: ticks, grid lines and labels (time since the session's start).
    const int minSpacing = 90;
    const double step = m_geo.tickStep(minSpacing);
    p.setPen(text);
    p.drawLine(m_geo.left, m_geo.axisHeight - 1, plotRight, m_geo.axisHeight - 1);
    for (double t : m_geo.ticks(minSpacing)) {
        const int x = static_cast<int>(std::lround(m_geo.timeToX(t)));
        p.setPen(grid);
        p.drawLine(x, m_geo.axisHeight, x, bottom);
        p.setPen(text);
        p.drawLine(x, m_geo.axisHeight - 5, x, m_geo.axisHeight - 1);
        p.drawText(QRect(x + 3, 0, minSpacing, m_geo.axisHeight - 4), Qt::AlignLeft | Qt::AlignBottom,
                   TimelineGeometry::tickLabel(t - m_geo.rangeStart, step));
    }
    if (!session())
        return;

    // Selection range, current event and playhead.
    p.setClipRect(QRect(m_geo.left, 0, m_geo.width, size.height()));
    QColor highlight = pal.color(QPalette::Highlight);
    if (m_current >= 0 && m_anchor >= 0) {
        const double a = session()->ts(static_cast<std::size_t>(std::min(m_anchor, m_current)));
        const double b = session()->ts(static_cast<std::size_t>(std::max(m_anchor, m_current)));
        QColor band = highlight;
        band.setAlphaF(0.18f);
        const int xa = static_cast<int>(std::floor(m_geo.timeToX(std::min(a, b)))) - 2;
        const int xb = static_cast<int>(std::ceil(m_geo.timeToX(std::max(a, b)))) + 2;
        p.fillRect(QRect(xa, m_geo.axisHeight, xb - xa, bottom - m_geo.axisHeight), band);
    }
    if (m_current >= 0) {
        const int x = static_cast<int>(std::lround(m_geo.timeToX(session()->ts(static_cast<std::size_t>(m_current)))));
        p.setPen(QPen(highlight, 1, Qt::DashLine));
        p.drawLine(x, m_geo.axisHeight, x, bottom);
        for (int i = 0; i < m_lanes.laneCount(); ++i) {
            if (markPosition(static_cast<std::uint32_t>(m_current), i).isNull())
                continue;
            p.setPen(QPen(highlight, 2));
            p.setBrush(Qt::NoBrush);
            p.drawRect(QRect(x - 4, m_geo.laneTop(i) + 2, 8, m_geo.laneHeight - 4));
        }
    }
    const int px = static_cast<int>(std::lround(m_geo.timeToX(m_playhead)));
    p.setPen(QPen(dark ? QColor(0xff, 0xff, 0xff) : QColor(0x20, 0x20, 0x20), 1));
    p.drawLine(px, 0, px, bottom);
    p.setClipping(false);
}

void TimelineView::paintLane(QPainter &p, int laneIndex, const QRect &r)
{
    const auto &lane = m_lanes.lane(laneIndex);
    const QPalette &pal = palette();
    const bool dark = isDark(pal);
    const double pad = 3 * m_geo.secondsPerPixel();
    const auto [lo, hi] = TimelineGeometry::indexRange(lane.ts, m_geo.t0 - pad, m_geo.t1 + pad);
    if (lo == hi)
        return;
    const int markTop = r.top() + 4;
    const int markH = r.height() - 8;
    const int w = m_geo.width;

    p.save();
    p.setClipRect(r.adjusted(-3, 0, 3, 0));
    if (hi - lo <= static_cast<std::size_t>(w / 4)) {
        // Sparse: one mark per event, the heavier outcomes drawn last.
        for (int c = 0; c < kMarkClassCount; ++c) {
            const QColor colour = classColour(static_cast<MarkClass>(c), dark, pal);
            for (std::size_t k = lo; k < hi; ++k) {
                if (static_cast<int>(lane.classes[k]) != c)
                    continue;
                const double x = m_geo.timeToX(lane.ts[k]);
                p.fillRect(QRectF(x - 2, markTop, 4, markH), colour);
            }
        }
        p.restore();
        return;
    }

    // Dense: count per pixel column, and the heaviest class in it, found
    // through each class's own sorted times.
    m_counts.assign(static_cast<std::size_t>(w), 0);
    m_worst.assign(static_cast<std::size_t>(w), 0);
    const double spp = m_geo.secondsPerPixel();
    if (!lane.binCounts.empty() && spp >= lane.binWidth) {
        // Zoomed out: read the widest bins no wider than a pixel, at most
        // two per column, instead of the events (a bin's column is its
        // middle's, so a mark may sit one pixel off).
        const int level = std::min(static_cast<int>(lane.binCounts.size()) - 1,
                                   static_cast<int>(std::floor(std::log2(spp / lane.binWidth))));
        const double bw = lane.binWidth * std::ldexp(1.0, level);
        const auto &counts = lane.binCounts[static_cast<std::size_t>(level)];
        const auto &worst = lane.binWorst[static_cast<std::size_t>(level)];
        const double origin = m_lanes.binOrigin();
        const auto last = static_cast<double>(counts.size() - 1);
        const auto b0 = static_cast<std::size_t>(std::clamp(std::floor((m_geo.t0 - origin) / bw), 0.0, last));
        const auto b1 = static_cast<std::size_t>(std::clamp(std::floor((m_geo.t1 - origin) / bw), 0.0, last));
        for (std::size_t b = b0; b <= b1; ++b) {
            if (counts[b] == 0)
                continue;
            const double mid = origin + (static_cast<double>(b) + 0.5) * bw;
            const auto col = static_cast<std::size_t>(std::clamp(static_cast<int>(std::floor((mid - m_geo.t0) / spp)), 0, w - 1));
            m_counts[col] += counts[b];
            m_worst[col] = std::max(m_worst[col], static_cast<std::uint8_t>(worst[b]));
        }
    } else {
        walkColumns(lane.ts, lo, hi, m_geo, [this](int col, std::uint32_t n) { m_counts[static_cast<std::size_t>(col)] += n; });
    }
    for (int c = 1; c < kMarkClassCount && (lane.binCounts.empty() || spp < lane.binWidth); ++c) {
        const auto &cts = lane.classTs[static_cast<std::size_t>(c)];
        const auto [clo, chi] = TimelineGeometry::indexRange(cts, m_geo.t0 - pad, m_geo.t1 + pad);
        walkColumns(cts, clo, chi, m_geo, [this, c](int col, std::uint32_t) {
            auto &worst = m_worst[static_cast<std::size_t>(col)];
            worst = std::max(worst, static_cast<std::uint8_t>(c));
        });
    }
    const std::uint32_t maxCount = *std::max_element(m_counts.begin(), m_counts.end());
    const double scale = maxCount > 1 ? 1.0 / std::log2(1.0 + maxCount) : 1.0;
    std::array<QRgb, kMarkClassCount> colours;
    for (int c = 0; c < kMarkClassCount; ++c)
        colours[static_cast<std::size_t>(c)] = qPremultiply(classColour(static_cast<MarkClass>(c), dark, pal).rgba());
    // One bar per column, written straight into a lane-sized image and drawn
    // at once: the cost follows the pixels, not the number of runs.
    if (m_laneImage.width() != w || m_laneImage.height() != markH)
        m_laneImage = QImage(w, markH, QImage::Format_ARGB32_Premultiplied);
    m_laneImage.fill(Qt::transparent);
    uchar *bits = m_laneImage.bits();
    const qsizetype stride = m_laneImage.bytesPerLine();
    for (int col = 0; col < w; ++col) {
        const auto n = m_counts[static_cast<std::size_t>(col)];
        if (n == 0)
            continue;
        const int h = std::clamp(static_cast<int>(std::lround(markH * (0.3 + 0.7 * std::log2(1.0 + n) * scale))), 3, markH);
        // The body shows the density; a cap in the heaviest outcome's colour
        // shows what was decided there (a single block still shows red).
        const auto cls = m_worst[static_cast<std::size_t>(col)];
        const int cap = cls == 0 ? 0 : std::min(h, std::max(4, h / 3));
        for (int y = markH - h; y < markH; ++y)
            reinterpret_cast<QRgb *>(bits + y * stride)[col] = y < markH - h + cap ? colours[cls] : colours[0];
    }
    p.drawImage(QPoint(m_geo.left, markTop), m_laneImage);
    p.restore();
}

// --- input ---

void TimelineView::resizeEvent(QResizeEvent *event)
{
    QWidget::resizeEvent(event);
    relayout(width());
}

void TimelineView::wheelEvent(QWheelEvent *event)
{
    const double steps = event->angleDelta().y() / 120.0;
    if (steps == 0 || !session()) {
        event->ignore();
        return;
    }
    if (event->modifiers() & Qt::ShiftModifier)
        m_geo.panPixels(steps * 60);
    else
        m_geo.zoom(std::pow(1.25, steps), event->position().x());
    update();
    Q_EMIT viewChanged();
    event->accept();
}

void TimelineView::mousePressEvent(QMouseEvent *event)
{
    if (event->button() != Qt::LeftButton)
        return QWidget::mousePressEvent(event);
    m_pressPos = event->position().toPoint();
    m_lastDragX = event->position().x();
    m_dragging = false;
    setFocus(Qt::MouseFocusReason);
}

void TimelineView::mouseMoveEvent(QMouseEvent *event)
{
    if (!(event->buttons() & Qt::LeftButton))
        return QWidget::mouseMoveEvent(event);
    if (!m_dragging && (event->position().toPoint() - m_pressPos).manhattanLength() > 4)
        m_dragging = true;
    if (m_dragging) {
        m_geo.panPixels(event->position().x() - m_lastDragX);
        m_lastDragX = event->position().x();
        update();
        Q_EMIT viewChanged();
    }
}

void TimelineView::mouseReleaseEvent(QMouseEvent *event)
{
    if (event->button() != Qt::LeftButton)
        return QWidget::mouseReleaseEvent(event);
    if (m_dragging) {
        m_dragging = false;
        return;
    }
    const QPoint pos = event->position().toPoint();
    const std::int64_t row = rowAt(pos);
    if (row >= 0) {
        if (event->modifiers() & Qt::ShiftModifier)
            extendSelectionTo(row);
        else
            setCurrentRow(row);
    } else if (pos.x() >= m_geo.left && pos.y() < m_geo.axisHeight) {
        setPlayhead(m_geo.xToTime(pos.x())); // clicking the axis seeks
    }
}

void TimelineView::keyPressEvent(QKeyEvent *event)
{
    const bool ctrl = event->modifiers() & Qt::ControlModifier;
    const bool shift = event->modifiers() & Qt::ShiftModifier;
    switch (event->key()) {
    case Qt::Key_Right:
        if (ctrl)
            nextViolation();
        else
            moveTo(m_lanes.nextRow(m_current), shift);
        break;
    case Qt::Key_Left:
        if (ctrl)
            previousViolation();
        else
            moveTo(m_current < 0 ? m_lanes.nextRow(-1) : m_lanes.previousRow(m_current), shift);
        break;
    case Qt::Key_Space:
        togglePlaying();
        break;
    case Qt::Key_Plus:
    case Qt::Key_Equal:
        zoomIn();
        break;
    case Qt::Key_Minus:
        zoomOut();
        break;
    case Qt::Key_Home:
        goToFirst();
        break;
    case Qt::Key_End:
        goToLast();
        break;
    case Qt::Key_0:
        showAll();
        break;
    default:
        QWidget::keyPressEvent(event);
        return;
    }
    event->accept();
}

bool TimelineView::event(QEvent *event)
{
    if (event->type() == QEvent::ToolTip) {
        auto *help = static_cast<QHelpEvent *>(event);
        const int lane = m_geo.laneAt(help->pos().y());
        if (lane >= 0 && session()) {
            const auto &l = m_lanes.lane(lane);
            const auto i = m_geo.hitTest(l.ts, help->pos().x(), kHitTolerance);
            if (i >= 0) {
                QToolTip::showText(help->globalPos(), toolTipFor(l.rows[static_cast<std::size_t>(i)], lane,
                                                                 static_cast<std::size_t>(i)), this);
                return true;
            }
        }
        QToolTip::hideText();
        event->ignore();
        return true;
    }
    return QWidget::event(event);
}

QString TimelineView::toolTipFor(std::uint32_t row, int lane, std::size_t index) const
{
    const auto &s = *session();
    auto qs = [](std::string_view v) { return QString::fromUtf8(v.data(), static_cast<qsizetype>(v.size())); };
    QString tip = tr("#%1 %2 %3").arg(s.seq(row)).arg(qs(s.type(row)), qs(s.tool(row)));
    if (s.outcome(row) != replay::Outcome::None)
        tip += QLatin1Char('\n') + tr("%1 by %2").arg(qs(replay::outcomeName(s.outcome(row))), qs(s.policy(row)));
    if (lane == static_cast<int>(TimelineLane::WhatIf)) {
        if (const auto *a = m_lanes.whatIfAction(index))
            tip += QLatin1Char('\n') + tr("what-if: %1 → %2").arg(qs(replay::outcomeName(a->before)),
                                                                  qs(replay::outcomeName(a->after)));
    }
    return tip;
}

QSize TimelineView::sizeHint() const { return {900, m_geo.axisHeight + 9 * m_geo.laneHeight + 4}; }

QSize TimelineView::minimumSizeHint() const { return {kLabelWidth + 200, m_geo.totalHeight() + 2}; }

} // namespace osh::ui
