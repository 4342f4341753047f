// openshell-studio [WORKSPACE]: the desktop studio. Without an argument it
// opens the most recent workspace, or the bundled demo workspace on first
// start.

#include "shell/mainwindow.h"
#include "pageoption.h"
#include "shell/languagemanager.h"
#include "shell/settings.h"
#include "shell/thememanager.h"
#include "shell/workspacelocator.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QElapsedTimer>
#include <QFile>
#include <QTimer>


#include <cstdio>
#include <ctime>
#include <unistd.h>

namespace {

// Milliseconds since the kernel started this process (/proc/self/stat
// field 22, in clock ticks since boot), so exec and library loading count.
double msSinceProcessStart()
{
    QFile stat(QStringLiteral("/proc/self/stat"));
    if (!stat.open(QIODevice::ReadOnly))
        return -1;
    const QByteArray line = stat.readAll();
    const auto fields = line.mid(line.lastIndexOf(')') + 2).split(' '); // field 3 onwards
    timespec now{};
    if (fields.size() < 20 || clock_gettime(CLOCK_BOOTTIME, &now) != 0)
        return -1;
    const double startS = fields[19].toDouble() / static_cast<double>(sysconf(_SC_CLK_TCK));
    return (static_cast<double>(now.tv_sec) + static_cast<double>(now.tv_nsec) / 1e9 - startS) * 1000.0;
}

// Prints "ready: ..." once the window has painted for the first time (the
// policy is validated by then: opening it validates synchronously).
class ReadyReporter : public QObject
{
public:
    ReadyReporter(QWidget *painted, const QElapsedTimer &sinceMain, bool quit)
        : QObject(painted), m_sinceMain(sinceMain), m_quit(quit)
    {
        painted->installEventFilter(this);
    }

protected:
    bool eventFilter(QObject *watched, QEvent *event) override
    {
        if (event->type() == QEvent::Paint && !m_done) {
            m_done = true;
            QTimer::singleShot(0, this, [this] { report(); }); // after this paint is done
        }
        return QObject::eventFilter(watched, event);
    }

private:
    void report()
    {
        std::printf("ready: %.1f ms since process start, %lld ms since main\n", msSinceProcessStart(),
                    static_cast<long long>(m_sinceMain.elapsed()));
        std::fflush(stdout);
        if (m_quit)
            QCoreApplication::quit();
    }

    QElapsedTimer m_sinceMain;
    bool m_quit;
    bool m_done = false;
};

} // namespace

int main(int argc, char **argv)
{
    QElapsedTimer sinceMain;
    sinceMain.start();
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("OpenShell Studio"));
    QApplication::setOrganizationName(QStringLiteral("OpenShell"));

    auto *settings = osh::ui::Settings::instance();
    // The language applies from the start; a change takes effect on restart.
    osh::ui::LanguageManager language;
    language.install(settings->language());
    osh::ui::ThemeManager theme(settings->theme());
    QObject::connect(settings, &osh::ui::Settings::themeChanged, &theme, &osh::ui::ThemeManager::setTheme);

    QCommandLineParser parser;
    parser.setApplicationDescription(QCoreApplication::translate("main", "Author, run and replay agent runtime policies."));
    parser.addHelpOption();
    parser.addPositionalArgument(QStringLiteral("workspace"),
                                 QCoreApplication::translate("main", "Folder to open as the workspace (default: the most recent one), or a policy file to open in its folder."));
    const QCommandLineOption page(QStringLiteral("page"),
        QCoreApplication::translate("main", "Show a view (policy, simulator, tests, launcher, replay, approvals, history, problems, policies) "
                                            "with something in it: the editor's first problem, a decided request, a test run, the newest session's first violation."),
        QStringLiteral("name"));
    const QCommandLineOption reportReady(QStringLiteral("report-ready"),
        QCoreApplication::translate("main", "Print the time from process start to the first paint of the window."));
    const QCommandLineOption exitWhenReady(QStringLiteral("exit-when-ready"),
        QCoreApplication::translate("main", "As --report-ready, then quit (for benchmarks)."));
    const QCommandLineOption demo(QStringLiteral("demo"),
        QCoreApplication::translate("main", "Open the demo workspace (your copy of it, made on first use)."));
    const QCommandLineOption whatIf(QStringLiteral("what-if"),
        QCoreApplication::translate("main", "With --page replay: re-decide the session against the policy in the editor."));
    parser.addOptions({page, reportReady, exitWhenReady, demo, whatIf});
    parser.process(app);

    osh::ui::MainWindow window;
    window.setDarkMode(theme.isDark());
    QObject::connect(&theme, &osh::ui::ThemeManager::darkChanged, &window, &osh::ui::MainWindow::setDarkMode);
    QString workspace = parser.positionalArguments().value(0);
    if (parser.isSet(demo)) {
        QString error;
        workspace = osh::ui::userDemoWorkspace(*settings, &error);
        if (workspace.isEmpty())
            workspace = osh::ui::demoWorkspacePath();
        if (workspace.isEmpty()) {
            std::fprintf(stderr, "openshell-studio: %s\n", qPrintable(error));
            return 1;
        }
    }
    window.restoreSession(workspace);
    if (parser.isSet(page)) {
        QString error;
        if (!osh::studio::showPage(window, {parser.value(page), parser.isSet(whatIf)}, &error)) {
            std::fprintf(stderr, "openshell-studio: %s\n", qPrintable(error));
            return 2;
        }
    }
    if (parser.isSet(reportReady) || parser.isSet(exitWhenReady))
        new ReadyReporter(&window, sinceMain, parser.isSet(exitWhenReady));
    window.show();
    return app.exec();
}
