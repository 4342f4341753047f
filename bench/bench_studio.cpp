// The studio's responsiveness (docs/performance.md, "Studio"):
// - cold_start: the real openshell-studio binary, from fork/exec to its first
//   painted main window with the demo workspace open and its policy
//   validated (--exit-when-ready), offscreen and, when DISPLAY is set (run
//   under xvfb-run), on a real X server;
// - keystroke_to_diagnostics: a key typed into PolicyEditor on a 5,000-line
//   policy until the diagnostics it causes are applied (squiggles set), with
//   the editor's debounce and worker thread, and with validation run at once
//   (validation + applying only); typing an error and typing its fix.
#include "benchdata.h"
#include "editor/policyeditor.h"

#include <benchmark/benchmark.h>

#include <QApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QKeyEvent>
#include <QProcess>
#include <QTemporaryDir>
#include <QTimer>

#include <algorithm>
#include <vector>

namespace {

double percentile(std::vector<double> v, double p)
{
    if (v.empty())
        return 0;
    std::sort(v.begin(), v.end());
    const auto i = static_cast<size_t>(p * static_cast<double>(v.size() - 1) + 0.5);
    return v[std::min(i, v.size() - 1)];
}
double p90(const std::vector<double> &v)
{
    return percentile(v, 0.9);
}

// One settings/data home for every start, so the first run's setup (the
// audit store, the settings file) is not what the later runs measure.
QTemporaryDir &studioHome()
{
    static QTemporaryDir dir;
    return dir;
}

// Runs the studio once; the wall time from start() to its "ready:" line.
bool startStudioOnce(const QString &platform, double &wallMs, double &inProcessMs, QString &error)
{
    QProcess p;
    auto env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("QT_QPA_PLATFORM"), platform);
    env.insert(QStringLiteral("HOME"), studioHome().path());
    env.insert(QStringLiteral("XDG_CONFIG_HOME"), studioHome().filePath(QStringLiteral("config")));
    env.insert(QStringLiteral("XDG_DATA_HOME"), studioHome().filePath(QStringLiteral("data")));
    env.remove(QStringLiteral("OPENSHELL_STORE"));
    p.setProcessEnvironment(env);
    p.setProgram(QStringLiteral(OSH_STUDIO_PATH));
    p.setArguments({QStringLiteral("--exit-when-ready"), QStringLiteral(OSH_SOURCE_DIR "/examples/customer-support")});
    QElapsedTimer t;
    t.start();
    p.start();
    QByteArray out;
    while (!out.contains("ready:") && p.waitForReadyRead(20000))
        out += p.readAllStandardOutput();
    wallMs = static_cast<double>(t.nsecsElapsed()) / 1e6;
    if (!p.waitForFinished(10000)) {
        p.kill();
        p.waitForFinished();
    }
    out += p.readAllStandardOutput();
    const qsizetype at = out.indexOf("ready: ");
    if (at < 0) {
        error = QStringLiteral("no ready line; stderr: ") + QString::fromLocal8Bit(p.readAllStandardError().left(400));
        return false;
    }
    inProcessMs = out.mid(at + 7).split(' ').value(0).toDouble();
    return true;
}

void coldStart(benchmark::State &state, const char *platform)
{
    if (QByteArray(platform) == "xcb" && qEnvironmentVariableIsEmpty("DISPLAY")) {
        state.SkipWithError("no X display: run under xvfb-run");
        return;
    }
    double wall = 0, inProcess = 0;
    QString error;
    // One unmeasured start per platform fills the page cache and the home.
    static bool warmed[2] = {false, false};
    bool &w = warmed[QByteArray(platform) == "xcb" ? 1 : 0];
    if (!w && !startStudioOnce(QString::fromLatin1(platform), wall, inProcess, error)) {
        state.SkipWithError(error.toStdString().c_str());
        return;
    }
    w = true;
    for (auto _ : state) {
        if (!startStudioOnce(QString::fromLatin1(platform), wall, inProcess, error)) {
            state.SkipWithError(error.toStdString().c_str());
            return;
        }
        state.SetIterationTime(wall / 1000.0);
    }
    state.counters["in_process_ms"] = inProcess; // what the studio itself measured (10 ms ticks)
}
BENCHMARK_CAPTURE(coldStart, offscreen, "offscreen")
    ->Unit(benchmark::kMillisecond)
    ->UseManualTime()
    ->Iterations(1)
    ->Repetitions(10)
    ->ComputeStatistics("p90", p90)
    ->ReportAggregatesOnly(true);
BENCHMARK_CAPTURE(coldStart, xcb, "xcb")
    ->Unit(benchmark::kMillisecond)
    ->UseManualTime()
    ->Iterations(1)
    ->Repetitions(10)
    ->ComputeStatistics("p90", p90)
    ->ReportAggregatesOnly(true);

// Where the keystroke goes: the end of the value of the first "action:".
struct TypingTarget
{
    int line = -1;
    int byteIndex = 0;
};

TypingTarget findTarget(osh::ui::PolicyEditor &e, int fromLine)
{
    for (int l = fromLine; l < e.lines(); ++l) {
        const QByteArray t = e.text(l).toUtf8();
        if (t.trimmed().startsWith("action: block"))
            return {l, static_cast<int>(t.indexOf("block") + 5)};
    }
    return {};
}

void sendKey(QWidget *w, int key, const QString &text)
{
    QKeyEvent press(QEvent::KeyPress, key, Qt::NoModifier, text);
    QApplication::sendEvent(w, &press);
    QKeyEvent release(QEvent::KeyRelease, key, Qt::NoModifier, text);
    QApplication::sendEvent(w, &release);
}

bool hasIndicatorOnLine(osh::ui::PolicyEditor &e, int line)
{
    const long from = e.SendScintilla(QsciScintillaBase::SCI_POSITIONFROMLINE, static_cast<unsigned long>(line));
    const long to = e.SendScintilla(QsciScintillaBase::SCI_GETLINEENDPOSITION, static_cast<unsigned long>(line));
    for (long p = from; p < to; ++p)
        if (e.SendScintilla(QsciScintillaBase::SCI_INDICATORVALUEAT, static_cast<unsigned long>(e.errorIndicator()), p))
            return true;
    return false;
}

// debounced: the editor's own path (debounce, worker thread, apply);
// otherwise the validation runs as soon as the key is in (validateNow).
// range(1): 0 types an error ("blockx"), 1 types the fix (Backspace).
void keystrokeToDiagnostics(benchmark::State &state, bool debounced)
{
    const bool typingError = state.range(0) == 0;
    osh::ui::PolicyEditor e;
    e.resize(1200, 900);
    e.setText(QString::fromStdString(osh::bench::generateDocumentOfLines(5000)));
    e.show();
    e.validateNow();
    if (osh::hasErrors(e.diagnostics())) {
        state.SkipWithError("the generated document is not valid");
        return;
    }
    int lines = e.lines();
    bool applied = false;
    QObject::connect(&e, &osh::ui::PolicyEditor::diagnosticsChanged, &e, [&applied] { applied = true; });
    int nextLine = lines / 2; // in the middle of the document
    for (auto _ : state) {
        const TypingTarget target = findTarget(e, nextLine);
        if (target.line < 0) {
            nextLine = 0;
            state.SkipWithError("no 'action: block' line left");
            break;
        }
        nextLine = target.line + 1 < lines ? target.line + 1 : 0;
        e.setCursorPosition(target.line, target.byteIndex); // ASCII line: bytes are characters
        if (!typingError) { // the error is there before the measured fix
            sendKey(&e, Qt::Key_X, QStringLiteral("x"));
            e.validateNow();
        }
        QCoreApplication::processEvents();
        applied = false;

        QElapsedTimer t;
        t.start();
        if (typingError)
            sendKey(&e, Qt::Key_X, QStringLiteral("x"));
        else
            sendKey(&e, Qt::Key_Backspace, QString());
        if (debounced) {
            QEventLoop loop;
            QTimer guard;
            guard.setSingleShot(true);
            QObject::connect(&guard, &QTimer::timeout, &loop, &QEventLoop::quit);
            QObject::connect(&e, &osh::ui::PolicyEditor::diagnosticsChanged, &loop, &QEventLoop::quit);
            guard.start(5000);
            if (!applied)
                loop.exec();
        } else {
            e.validateNow();
        }
        const double ms = static_cast<double>(t.nsecsElapsed()) / 1e6;
        state.SetIterationTime(ms / 1000.0);

        if (!applied || hasIndicatorOnLine(e, target.line) != typingError) {
            state.SkipWithError("the diagnostics did not follow the keystroke");
            break;
        }
        if (typingError) { // leave the document valid for the next iteration
            sendKey(&e, Qt::Key_Backspace, QString());
            e.validateNow();
        }
        QCoreApplication::processEvents();
    }
}
BENCHMARK_CAPTURE(keystrokeToDiagnostics, with_debounce, true)
    ->ArgName("fix")
    ->Arg(0)
    ->Arg(1)
    ->Unit(benchmark::kMillisecond)
    ->UseManualTime()
    ->Iterations(20)
    ->Repetitions(3)
    ->ComputeStatistics("p90", p90);
BENCHMARK_CAPTURE(keystrokeToDiagnostics, validation_and_apply, false)
    ->ArgName("fix")
    ->Arg(0)
    ->Arg(1)
    ->Unit(benchmark::kMillisecond)
    ->UseManualTime()
    ->Iterations(20)
    ->Repetitions(3)
    ->ComputeStatistics("p90", p90);

} // namespace

int main(int argc, char **argv)
{
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv))
        return 2;
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
