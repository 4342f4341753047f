// openshell-studio [WORKSPACE]: the desktop studio.

#include "mainwindow.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QDir>

int main(int argc, char **argv)
{
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("OpenShell Studio"));
    QApplication::setOrganizationName(QStringLiteral("OpenShell"));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Author, run and replay agent runtime policies."));
    parser.addHelpOption();
    parser.addPositionalArgument(QStringLiteral("workspace"), QStringLiteral("Folder to open as the workspace."));
    parser.process(app);

    osh::ui::MainWindow window;
    const auto args = parser.positionalArguments();
    window.openWorkspace(args.isEmpty() ? QDir::currentPath() : args.first());
    window.show();
    return app.exec();
}
