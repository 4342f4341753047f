#include "timelinegeometry.h"

#include <QCoreApplication>

#include <algorithm>
#include <array>
#include <cmath>

namespace osh::ui {

void TimelineGeometry::setRange(double start, double end)
{
    if (!std::isfinite(start))
        start = 0;
    if (!std::isfinite(end) || end - start < kMinSpan)
        end = start + 1;
    rangeStart = start;
    rangeEnd = end;
    showAll();
}

void TimelineGeometry::setWidth(int pixels) { width = std::max(1, pixels); }

void TimelineGeometry::showAll()
{
    t0 = rangeStart;
    t1 = rangeEnd;
}

void TimelineGeometry::setWindow(double a, double b)
{
    if (b < a)
        std::swap(a, b);
    t0 = a;
    t1 = b;
    clamp();
}

void TimelineGeometry::clamp()
{
    const double full = rangeEnd - rangeStart;
    double s = std::clamp(span(), std::min(kMinSpan, full), full);
    if (!std::isfinite(s))
        s = full;
    if (s != span()) {
        const double mid = (t0 + t1) / 2;
        t0 = mid - s / 2;
        t1 = mid + s / 2;
    }
    if (t0 < rangeStart) {
        t0 = rangeStart;
        t1 = rangeStart + s;
    }
    if (t1 > rangeEnd) {
        t1 = rangeEnd;
        t0 = rangeEnd - s;
    }
}

void TimelineGeometry::zoom(double factor, double anchorX)
{
    if (!(factor > 0) || !std::isfinite(factor))
        return;
    const double anchorT = xToTime(anchorX);
    const double full = rangeEnd - rangeStart;
    const double s = std::clamp(span() / factor, std::min(kMinSpan, full), full);
    // Keep the anchor's fraction of the width.
    const double frac = std::clamp((anchorX - left) / width, 0.0, 1.0);
    t0 = anchorT - frac * s;
    t1 = t0 + s;
    clamp();
}

void TimelineGeometry::panPixels(double dx) { panTime(-dx * secondsPerPixel()); }

void TimelineGeometry::panTime(double dt)
{
    t0 += dt;
    t1 += dt;
    clamp();
}

void TimelineGeometry::ensureVisible(double t, int margin)
{
    const double m = std::min(margin * secondsPerPixel(), span() / 3);
    if (t < t0 + m)
        panTime(t - m - t0);
    else if (t > t1 - m)
        panTime(t + m - t1);
}

int TimelineGeometry::laneAt(double y) const
{
    if (y < axisHeight || laneHeight <= 0)
        return -1;
    const int lane = static_cast<int>((y - axisHeight) / laneHeight);
    return lane < laneCount ? lane : -1;
}

double TimelineGeometry::tickStep(int minPixelSpacing) const
{
    const double minStep = std::max(1, minPixelSpacing) * secondsPerPixel();
    if (minStep < 1) {
        const double p = std::pow(10.0, std::floor(std::log10(minStep)));
        for (double m : {1.0, 2.0, 5.0, 10.0})
            if (m * p >= minStep * (1 - 1e-9))
                return m * p;
    }
    static constexpr std::array<double, 18> kSteps = {1,    2,    5,    10,    15,    30,    60,    120,   300,
                                                      600,  900,  1800, 3600,  7200,  10800, 21600, 43200, 86400};
    for (double s : kSteps)
        if (s >= minStep)
            return s;
    return std::ceil(minStep / 86400) * 86400;
}

std::vector<double> TimelineGeometry::ticks(int minPixelSpacing) const
{
    const double step = tickStep(minPixelSpacing);
    std::vector<double> out;
    const double first = std::ceil((t0 - rangeStart) / step - 1e-9);
    const double last = std::floor((t1 - rangeStart) / step + 1e-9);
    if (last - first > 10000) // a degenerate width; never build a huge list
        return out;
    for (double k = first; k <= last; ++k)
        out.push_back(rangeStart + k * step);
    return out;
}

QString TimelineGeometry::tickLabel(double offset, double step)
{
    if (step < 1) {
        if (offset < 1 - 1e-9) {
            const int decimals = std::max(0, static_cast<int>(std::ceil(-std::log10(step * 1000) - 1e-9)));
            return QCoreApplication::translate("osh::ui::TimelineGeometry", "%1 ms").arg(offset * 1000, 0, 'f', decimals);
        }
        const int decimals = std::max(1, static_cast<int>(std::ceil(-std::log10(step) - 1e-9)));
        return QCoreApplication::translate("osh::ui::TimelineGeometry", "%1 s").arg(offset, 0, 'f', decimals);
    }
    const auto whole = static_cast<long long>(std::llround(offset));
    if (offset < 60 - 1e-9)
        return QCoreApplication::translate("osh::ui::TimelineGeometry", "%1 s").arg(whole);
    if (offset < 3600 - 1e-9)
        return QStringLiteral("%1:%2").arg(whole / 60).arg(whole % 60, 2, 10, QLatin1Char('0'));
    if (offset >= 86400 - 1e-9) {
        if (step >= 86400 - 1e-9)
            return QCoreApplication::translate("osh::ui::TimelineGeometry", "%1 d").arg(whole / 86400);
        return QCoreApplication::translate("osh::ui::TimelineGeometry", "%1 d %2:%3")
            .arg(whole / 86400)
            .arg(whole / 3600 % 24, 2, 10, QLatin1Char('0'))
            .arg(whole / 60 % 60, 2, 10, QLatin1Char('0'));
    }
    return QStringLiteral("%1:%2:%3")
        .arg(whole / 3600)
        .arg(whole / 60 % 60, 2, 10, QLatin1Char('0'))
        .arg(whole % 60, 2, 10, QLatin1Char('0'));
}

std::pair<std::size_t, std::size_t> TimelineGeometry::indexRange(std::span<const double> sorted, double a, double b)
{
    const auto lo = std::lower_bound(sorted.begin(), sorted.end(), a);
    const auto hi = std::upper_bound(lo, sorted.end(), b);
    return {static_cast<std::size_t>(lo - sorted.begin()), static_cast<std::size_t>(hi - sorted.begin())};
}

std::ptrdiff_t TimelineGeometry::nearestIndex(std::span<const double> sorted, double t)
{
    if (sorted.empty())
        return -1;
    const auto it = std::lower_bound(sorted.begin(), sorted.end(), t);
    std::ptrdiff_t i = it - sorted.begin();
    if (i == static_cast<std::ptrdiff_t>(sorted.size()))
        return i - 1;
    if (i > 0 && t - sorted[static_cast<std::size_t>(i - 1)] <= sorted[static_cast<std::size_t>(i)] - t)
        return i - 1;
    return i;
}

std::ptrdiff_t TimelineGeometry::hitTest(std::span<const double> sorted, double x, double tolerance) const
{
    const std::ptrdiff_t i = nearestIndex(sorted, xToTime(x));
    if (i < 0 || std::abs(timeToX(sorted[static_cast<std::size_t>(i)]) - x) > tolerance)
        return -1;
    return i;
}

} // namespace osh::ui
