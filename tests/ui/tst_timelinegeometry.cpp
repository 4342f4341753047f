// The replay timeline's maths (TimelineGeometry): time <-> pixel, zoom about
// the cursor, pan and clamping, lanes, axis ticks and labels, hit-testing.
// No widget, no display.

#include "replay/timelinegeometry.h"

#include <QTest>

#include <vector>

using osh::ui::TimelineGeometry;

class TstTimelineGeometry : public QObject
{
    Q_OBJECT

private:
    static TimelineGeometry make(double start, double end, int width, int left = 0)
    {
        TimelineGeometry g;
        g.left = left;
        g.setWidth(width);
        g.setRange(start, end);
        return g;
    }

private Q_SLOTS:
    void timeToPixelAndBack()
    {
        const auto g = make(1000, 1100, 1000, 50);
        QCOMPARE(g.timeToX(1000), 50.0);
        QCOMPARE(g.timeToX(1100), 1050.0);
        QCOMPARE(g.timeToX(1050), 550.0);
        QCOMPARE(g.xToTime(550), 1050.0);
        for (double t : {1000.0, 1000.125, 1033.3, 1099.999})
            QVERIFY(qAbs(g.xToTime(g.timeToX(t)) - t) < 1e-9);
        QCOMPARE(g.secondsPerPixel(), 0.1);
    }

    void epochTimesKeepSubMillisecondPrecision()
    {
        // Real sessions use seconds since the epoch.
        auto g = make(1.7e9, 1.7e9 + 3600, 1200);
        g.setWindow(1.7e9 + 10, 1.7e9 + 10.01); // 10 ms over 1200 px
        QVERIFY(qAbs(g.timeToX(1.7e9 + 10.005) - 600) < 0.1); // 1 px is 8 us here
    }

    void degenerateRange()
    {
        auto g = make(5, 5, 0);
        QCOMPARE(g.width, 1);
        QCOMPARE(g.rangeEnd - g.rangeStart, 1.0);
        g.zoom(2, 0);
        QVERIFY(g.span() > 0);
    }

    void zoomKeepsTimeUnderCursor_data()
    {
        QTest::addColumn<double>("factor");
        QTest::addColumn<double>("anchorX");
        QTest::newRow("in at 300") << 2.0 << 300.0;
        QTest::newRow("in at 10") << 4.0 << 10.0;
        QTest::newRow("in at 990") << 1.25 << 990.0;
        QTest::newRow("in a lot") << 1000.0 << 777.0;
    }
    void zoomKeepsTimeUnderCursor()
    {
        QFETCH(double, factor);
        QFETCH(double, anchorX);
        auto g = make(0, 1000, 1000);
        g.setWindow(200, 600);
        const double before = g.xToTime(anchorX);
        const double span = g.span();
        g.zoom(factor, anchorX);
        QVERIFY(qAbs(g.xToTime(anchorX) - before) < 1e-9);
        QVERIFY(qAbs(g.span() - span / factor) < 1e-9);
    }

    void zoomOutClampsToRange()
    {
        auto g = make(0, 1000, 1000);
        g.setWindow(900, 1000);
        g.zoom(0.5, 500); // 200 s wide, centred at 950, but the range ends at 1000
        QCOMPARE(g.t1, 1000.0);
        QCOMPARE(g.span(), 200.0);
        g.zoom(0.001, 500);
        QCOMPARE(g.t0, 0.0);
        QCOMPARE(g.t1, 1000.0);
    }

    void zoomInStopsAtMinimumSpan()
    {
        auto g = make(0, 10, 1000);
        for (int i = 0; i < 100; ++i)
            g.zoom(10, 500);
        QVERIFY(qAbs(g.span() - TimelineGeometry::kMinSpan) < 1e-12);
        QVERIFY(g.t0 >= 0 && g.t1 <= 10);
    }

    void panAndClamp()
    {
        auto g = make(0, 100, 1000);
        g.setWindow(10, 20); // 0.01 s per pixel
        g.panPixels(-100);   // drag left: later times
        QVERIFY(qAbs(g.t0 - 11) < 1e-9);
        QVERIFY(qAbs(g.t1 - 21) < 1e-9);
        g.panPixels(5000); // far right: stops at the start
        QCOMPARE(g.t0, 0.0);
        QVERIFY(qAbs(g.span() - 10) < 1e-9);
        g.panTime(1e6);
        QCOMPARE(g.t1, 100.0);
        QVERIFY(qAbs(g.span() - 10) < 1e-9);
    }

    void ensureVisible()
    {
        auto g = make(0, 100, 1000);
        g.setWindow(10, 20);
        g.ensureVisible(15, 10);
        QCOMPARE(g.t0, 10.0);
        g.ensureVisible(50, 0);
        QVERIFY(qAbs(g.t1 - 50) < 1e-9);
        QVERIFY(qAbs(g.span() - 10) < 1e-9);
        g.ensureVisible(2, 100); // 100 px = 1 s of margin
        QVERIFY(qAbs(g.t0 - 1) < 1e-9);
    }

    void lanes()
    {
        TimelineGeometry g;
        g.axisHeight = 20;
        g.laneHeight = 10;
        g.laneCount = 3;
        QCOMPARE(g.laneAt(5), -1);
        QCOMPARE(g.laneAt(20), 0);
        QCOMPARE(g.laneAt(29.9), 0);
        QCOMPARE(g.laneAt(30), 1);
        QCOMPARE(g.laneAt(49), 2);
        QCOMPARE(g.laneAt(50), -1);
        QCOMPARE(g.laneTop(2), 40);
        QCOMPARE(g.totalHeight(), 50);
    }

    void tickSteps_data()
    {
        QTest::addColumn<double>("span");
        QTest::addColumn<double>("step");
        // 1000 px wide, ticks at least 100 px apart: step >= span / 10.
        QTest::newRow("10 ms") << 0.01 << 0.001;
        QTest::newRow("30 ms") << 0.03 << 0.005;
        QTest::newRow("1.5 s") << 1.5 << 0.2;
        QTest::newRow("9 s") << 9.0 << 1.0;
        QTest::newRow("2 min") << 120.0 << 15.0;
        QTest::newRow("40 min") << 2400.0 << 300.0;
        QTest::newRow("5 h") << 18000.0 << 1800.0;
        QTest::newRow("3 days") << 259200.0 << 43200.0;
    }
    void tickSteps()
    {
        QFETCH(double, span);
        QFETCH(double, step);
        auto g = make(0, span, 1000);
        QVERIFY2(qAbs(g.tickStep(100) - step) < step * 1e-9, qPrintable(QString::number(g.tickStep(100))));
    }

    void ticksLieInWindowOnMultiples()
    {
        auto g = make(100, 200, 1000);
        g.setWindow(123.4, 156.7);
        const double step = g.tickStep(80);
        const auto ticks = g.ticks(80);
        QVERIFY(!ticks.empty());
        for (double t : ticks) {
            QVERIFY(t >= g.t0 - 1e-9 && t <= g.t1 + 1e-9);
            const double k = (t - g.rangeStart) / step;
            QVERIFY(qAbs(k - qRound(k)) < 1e-6);
        }
        for (std::size_t i = 1; i < ticks.size(); ++i)
            QVERIFY(g.timeToX(ticks[i]) - g.timeToX(ticks[i - 1]) >= 80 - 1e-6);
        QVERIFY(ticks.front() - step < g.t0);
        QVERIFY(ticks.back() + step > g.t1);
    }

    void tickLabels_data()
    {
        QTest::addColumn<double>("offset");
        QTest::addColumn<double>("step");
        QTest::addColumn<QString>("label");
        QTest::newRow("ms") << 0.25 << 0.05 << QStringLiteral("250 ms");
        QTest::newRow("sub-ms") << 0.0015 << 0.0005 << QStringLiteral("1.5 ms");
        QTest::newRow("s with tenths") << 1.5 << 0.5 << QStringLiteral("1.5 s");
        QTest::newRow("s with hundredths") << 12.34 << 0.01 << QStringLiteral("12.34 s");
        QTest::newRow("whole s") << 45.0 << 5.0 << QStringLiteral("45 s");
        QTest::newRow("zero") << 0.0 << 10.0 << QStringLiteral("0 s");
        QTest::newRow("m:ss") << 150.0 << 30.0 << QStringLiteral("2:30");
        QTest::newRow("h:mm:ss") << 3725.0 << 300.0 << QStringLiteral("1:02:05");
        QTest::newRow("days and hours") << 2 * 86400.0 + 6 * 3600 << 21600.0 << QStringLiteral("2 d 06:00");
        QTest::newRow("whole days") << 3 * 86400.0 << 86400.0 << QStringLiteral("3 d");
        QTest::newRow("just under a day") << 86399.0 << 1.0 << QStringLiteral("23:59:59");
    }
    void tickLabels()
    {
        QFETCH(double, offset);
        QFETCH(double, step);
        QFETCH(QString, label);
        QCOMPARE(TimelineGeometry::tickLabel(offset, step), label);
    }

    void indexRange()
    {
        const std::vector<double> ts = {1, 2, 2, 3, 5, 8};
        using P = std::pair<std::size_t, std::size_t>;
        QCOMPARE(TimelineGeometry::indexRange(ts, 2, 5), P(1, 5));
        QCOMPARE(TimelineGeometry::indexRange(ts, 0, 0.5), P(0, 0));
        QCOMPARE(TimelineGeometry::indexRange(ts, 6, 7), P(5, 5));
        QCOMPARE(TimelineGeometry::indexRange(ts, 0, 100), P(0, 6));
        QCOMPARE(TimelineGeometry::indexRange({}, 0, 100), P(0, 0));
    }

    void nearestIndex_data()
    {
        QTest::addColumn<double>("t");
        QTest::addColumn<int>("index");
        QTest::newRow("before all") << -5.0 << 0;
        QTest::newRow("after all") << 100.0 << 5;
        QTest::newRow("exact") << 3.0 << 3;
        QTest::newRow("closer to left") << 3.9 << 3;
        QTest::newRow("closer to right") << 4.1 << 4;
        QTest::newRow("tie goes left") << 4.0 << 3;
        QTest::newRow("duplicates: first") << 2.0 << 1;
    }
    void nearestIndex()
    {
        QFETCH(double, t);
        QFETCH(int, index);
        const std::vector<double> ts = {1, 2, 2, 3, 5, 8};
        QCOMPARE(TimelineGeometry::nearestIndex(ts, t), std::ptrdiff_t(index));
        QCOMPARE(TimelineGeometry::nearestIndex({}, t), std::ptrdiff_t(-1));
    }

    void hitTestWithinTolerance()
    {
        auto g = make(0, 100, 1000, 20); // 10 px per second, plot from x=20
        const std::vector<double> ts = {10, 10.2, 50, 99};
        QCOMPARE(g.hitTest(ts, 120, 3), std::ptrdiff_t(0));   // exactly on 10
        QCOMPARE(g.hitTest(ts, 122.5, 3), std::ptrdiff_t(1)); // 10.25: nearer 10.2
        QCOMPARE(g.hitTest(ts, 523, 3), std::ptrdiff_t(2));
        QCOMPARE(g.hitTest(ts, 524, 3), std::ptrdiff_t(-1)); // 4 px away
        QCOMPARE(g.hitTest(ts, 300, 3), std::ptrdiff_t(-1));
        QCOMPARE(g.hitTest({}, 300, 3), std::ptrdiff_t(-1));
        g.zoom(10, 120); // 100 px per second around t=10
        QCOMPARE(g.hitTest(ts, 140, 3), std::ptrdiff_t(1));
        QCOMPARE(g.hitTest(ts, 130, 3), std::ptrdiff_t(-1));
    }

    void hitTestOnAMillionSortedTimes()
    {
        std::vector<double> ts(1000000);
        for (std::size_t i = 0; i < ts.size(); ++i)
            ts[i] = 1.7e9 + static_cast<double>(i) * 0.0036; // one hour
        auto g = make(ts.front(), ts.back(), 1000);
        g.zoom(10000, 500); // 0.36 ms per pixel: events 10 px apart
        const double t = g.xToTime(500);
        QCOMPARE(g.hitTest(ts, g.timeToX(ts[500000]) + 3, 2), std::ptrdiff_t(-1));
        QCOMPARE(g.hitTest(ts, g.timeToX(ts[500000]) + 1.5, 2), std::ptrdiff_t(500000));
        const auto i = g.hitTest(ts, 500, 5.1);
        QVERIFY(i >= 0);
        QVERIFY(qAbs(ts[static_cast<std::size_t>(i)] - t) <= 0.0018 + 1e-6);
    }
};

QTEST_GUILESS_MAIN(TstTimelineGeometry)
#include "tst_timelinegeometry.moc"
