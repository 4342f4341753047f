// Replay timeline frame times (docs/performance.md, "Replay timeline"): a
// 1,000,000-event synthetic session (bench/sessiongen.h) is appended to a
// temporary audit store, loaded as
// a ReplaySession, and TimelineView::render() paints it into a QImage while
// the view pans, zooms and steps, one render per frame. Prints the median,
// p99 and worst frame of each scenario; the target is <= 16 ms a frame.
//
// Usage: bench_timeline [events] [width]   (defaults 1000000, 1600)
// OSH_TIMELINE_PNG=file.png saves the whole-session frame.

#include "replay/replaysession.h"
#include "replay/timelineview.h"

#include "audit/auditstore.h"
#include "sessiongen.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QImage>
#include <QPainter>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <string>
#include <unistd.h>
#include <vector>

using namespace osh;

namespace {

struct Stats
{
    double median, p99, worst;
};

Stats stats(std::vector<double> ms)
{
    std::sort(ms.begin(), ms.end());
    const auto at = [&](double q) { return ms[std::min(ms.size() - 1, static_cast<std::size_t>(q * ms.size()))]; };
    return {at(0.5), at(0.99), ms.back()};
}

} // namespace

int main(int argc, char **argv)
{
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    const long events = argc > 1 ? std::atol(argv[1]) : 1000000;
    const int width = argc > 2 ? std::atoi(argv[2]) : 1600;

    char tmpl[] = "/tmp/osh-bench-timeline-XXXXXX";
    if (!mkdtemp(tmpl))
        return 1;
    const std::string dir = tmpl;
    bool missed = false;
    {
        std::string error;
        auto store = AuditStore::open(dir + "/audit.db", error);
        if (!store) {
            std::fprintf(stderr, "%s\n", error.c_str());
            return 1;
        }
        QElapsedTimer clock;
        clock.start();
        bench::SessionGenOptions options;
        options.sessionId = "bench";
        options.events = events;
        if (!bench::generateSession(*store, options, error)) {
            std::fprintf(stderr, "%s\n", error.c_str());
            return 1;
        }
        std::printf("generated %ld events in %.1f s\n", events, clock.elapsed() / 1000.0);
        clock.restart();
        auto session = replay::ReplaySession::load(*store, "bench", error);
        if (!session) {
            std::fprintf(stderr, "%s\n", error.c_str());
            return 1;
        }
        std::printf("loaded the session in %lld ms (%.1f MB), %.1f days long\n", static_cast<long long>(clock.elapsed()),
                    session->memoryBytes() / 1e6, (session->endTs() - session->startTs()) / 86400);

        ui::TimelineView view;
        clock.restart();
        view.setSession(&*session);
        std::printf("laid out the lanes in %lld ms\n", static_cast<long long>(clock.elapsed()));
        const QSize size(width, view.geometry().totalHeight() + 4);
        view.resize(size);
        QImage image(size, QImage::Format_ARGB32_Premultiplied);

        auto frame = [&] {
            QElapsedTimer f;
            f.start();
            QPainter p(&image);
            view.render(p, size);
            p.end();
            return f.nsecsElapsed() / 1e6;
        };
        auto run = [&](const char *name, int frames, const std::function<void(int)> &step) {
            std::vector<double> ms;
            for (int i = 0; i < frames; ++i) {
                step(i);
                ms.push_back(frame());
            }
            const Stats s = stats(ms);
            std::printf("%-34s %4d frames  median %6.2f ms  p99 %6.2f ms  worst %6.2f ms\n", name, frames, s.median,
                        s.p99, s.worst);
            if (s.p99 > 16)
                missed = true;
        };

        auto &g = view.geometry();
        const double mid = g.left + g.width / 2.0;
        for (int i = 0; i < 3; ++i) // warm up: glyph caches, scratch buffers
            frame();
        if (const QString png = qEnvironmentVariable("OSH_TIMELINE_PNG"); !png.isEmpty())
            image.save(png); // to look at what is being timed
        run("whole session in view", 300, [&](int) {});
        g.showAll();
        g.zoom(20, mid);
        run("pan, 1/20 of the session in view", 300, [&](int) { g.panPixels(-12); });
        g.showAll();
        run("zoom in, 1.1x a frame, then out", 240, [&](int i) { g.zoom(i < 120 ? 1.1 : 1 / 1.1, mid); });
        g.showAll();
        view.goToFirst();
        run("step, whole session in view", 300, [&](int) { view.stepNext(); });
        g.showAll();
        g.zoom(2000, mid);
        view.setCurrentRow(static_cast<std::int64_t>(session->rowAtOrAfter(g.xToTime(mid))));
        run("violation jumps, 1/2000 in view", 300, [&](int) { view.nextViolation(); });
        view.setSpeed(16);
        view.setPlayhead(session->startTs());
        g.showAll();
        g.zoom(50, g.left);
        run("play at 16x (60 fps ticks)", 300, [&](int) { view.advance(1.0 / 60); });
    }
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
    if (missed)
        std::printf("target missed: some p99 exceeds 16 ms\n");
    return 0;
}
