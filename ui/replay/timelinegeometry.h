#pragma once
// The replay timeline's maths, kept apart from any widget so it can be unit
// tested without a display: the visible time window [t0, t1] over the plot's
// pixel width, time <-> x, zoom about a pixel (the time under the cursor
// stays put), pan, clamping to the session's range, the lane layout, "nice"
// axis ticks with ms/s/min labels, and hit-testing by binary search on
// time-sorted timestamps. TimelineView paints with it.

#include <QString>

#include <cstddef>
#include <span>
#include <utility>
#include <vector>

namespace osh::ui {

struct TimelineGeometry
{
    // Never zoom in further than this many seconds over the whole width.
    static constexpr double kMinSpan = 1e-3;

    // The session's range (seconds since the epoch); the view never leaves it.
    double rangeStart = 0;
    double rangeEnd = 1;
    // The visible window.
    double t0 = 0;
    double t1 = 1;
    // The plot area: x of its left edge in the widget, and its width.
    int left = 0;
    int width = 1;
    // Lanes are stacked below the axis.
    int axisHeight = 24;
    int laneHeight = 24;
    int laneCount = 0;

    // Sets the session's range and shows all of it. An empty or inverted
    // range becomes one second wide, so the maths never divides by zero.
    void setRange(double start, double end);
    void setWidth(int pixels);
    void showAll();
    // Shows [a, b] (clamped to the range, at least kMinSpan wide).
    void setWindow(double a, double b);

    double span() const { return t1 - t0; }
    double secondsPerPixel() const { return span() / width; }
    double timeToX(double t) const { return left + (t - t0) * width / span(); }
    double xToTime(double x) const { return t0 + (x - left) * span() / width; }

    // factor > 1 zooms in (the window shrinks by it); the time under anchorX
    // keeps its x unless clamping to the range or kMinSpan forbids it.
    void zoom(double factor, double anchorX);
    // Positive dx moves the content right, i.e. shows earlier times.
    void panPixels(double dx);
    void panTime(double dt);
    // Moves the window (keeping its span) so t is inside it, with margin
    // pixels of room; no move when it already is.
    void ensureVisible(double t, int margin = 0);
    // Keeps the window inside the range and at least kMinSpan wide.
    void clamp();

    // Lanes: -1 on the axis or below the last lane.
    int laneAt(double y) const;
    int laneTop(int lane) const { return axisHeight + lane * laneHeight; }
    int totalHeight() const { return axisHeight + laneCount * laneHeight; }

    // Axis ticks: the smallest 1-2-5 (or 1-2-5-10-15-30 for s and min,
    // 1-2-3-6-12 for hours) step at least minPixelSpacing apart, and the
    // tick times inside the window (multiples of the step from rangeStart).
    double tickStep(int minPixelSpacing) const;
    std::vector<double> ticks(int minPixelSpacing) const;
    // Label of a tick at offset seconds from the session's start: ms below a
    // second of step ("250 ms", "1.5 s"), s below a minute ("45 s"),
    // m:ss below an hour ("2:30"), h:mm:ss below a day, then days ("2 d
    // 06:00", or "3 d" for steps of whole days).
    static QString tickLabel(double offset, double step);

    // Indexes [first, last) of the sorted timestamps inside [a, b].
    static std::pair<std::size_t, std::size_t> indexRange(std::span<const double> sorted, double a, double b);
    // The index of the timestamp nearest t, or -1 when there is none.
    static std::ptrdiff_t nearestIndex(std::span<const double> sorted, double t);
    // The index of the event nearest x within tolerance pixels, or -1.
    std::ptrdiff_t hitTest(std::span<const double> sorted, double x, double tolerance) const;
};

} // namespace osh::ui
