#include "workspacelocator.h"

#include "settings.h"
#include "vcs/policyrepository.h"

#include <QCoreApplication>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QStandardPaths>

namespace osh::ui {

QString demoWorkspacePath()
{
    const QString marker = QStringLiteral("/customer-support.policy.yaml");
    const QStringList candidates{
        QCoreApplication::applicationDirPath() + QStringLiteral("/../share/openshell/examples/customer-support"),
        QStringLiteral(OSH_SOURCE_DIR "/examples/customer-support"),
    };
    for (const QString &c : candidates)
        if (QFileInfo::exists(c + marker))
            return QFileInfo(c).canonicalFilePath();
    return {};
}

namespace {

// Copies the regular files and folders under from into to (which must not
// exist); symbolic links and version-control folders are skipped. Returns
// the copied files, relative to to.
bool copyTree(const QString &from, const QString &to, QStringList &files, QString *error)
{
    if (!QDir().mkpath(to)) {
        *error = QCoreApplication::translate("osh::ui::WorkspaceLocator", "Cannot create %1.").arg(to);
        return false;
    }
    const QDir source(from);
    QDirIterator it(from, QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot | QDir::NoSymLinks,
                    QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString path = it.next();
        const QString relative = source.relativeFilePath(path);
        if (relative == QLatin1String(".git") || relative.startsWith(QLatin1String(".git/")))
            continue;
        const QFileInfo info = it.fileInfo();
        const QString target = to + QLatin1Char('/') + relative;
        if (info.isDir()) {
            if (!QDir().mkpath(target)) {
                *error = QCoreApplication::translate("osh::ui::WorkspaceLocator", "Cannot create %1.").arg(target);
                return false;
            }
        } else if (info.isFile()) {
            QDir().mkpath(QFileInfo(target).absolutePath());
            if (!QFile::copy(path, target)) { // keeps the permissions (tools stay executable)
                *error = QCoreApplication::translate("osh::ui::WorkspaceLocator", "Cannot copy %1 to %2.").arg(path, target);
                return false;
            }
            files << target;
        }
    }
    return true;
}

} // namespace

QString userDemoWorkspace(const Settings &, QString *error)
{
    const QString bundled = demoWorkspacePath();
    if (bundled.isEmpty()) {
        *error = QCoreApplication::translate("osh::ui::WorkspaceLocator", "The bundled demo workspace was not found.");
        return {};
    }
    const QString root = QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation)
        + QStringLiteral("/openshell/workspaces");
    const QString target = root + QStringLiteral("/customer-support");
    if (QFileInfo::exists(target + QStringLiteral("/customer-support.policy.yaml")))
        return target;

    // Made beside the target and renamed into place, so an interrupted copy
    // never looks like a finished one.
    const QString staging = target + QStringLiteral(".partial");
    QDir(staging).removeRecursively();
    auto fail = [&](const QString &why) {
        QDir(staging).removeRecursively();
        *error = why;
        return QString();
    };
    QStringList files;
    QString why;
    if (!copyTree(bundled, staging, files, &why))
        return fail(why);
    auto repo = vcs::PolicyRepository::init(staging);
    if (!repo)
        return fail(repo.error);
    // The product made this commit, not the user: it records what was shipped.
    const vcs::Author author{QStringLiteral("OpenShell Studio"), QStringLiteral("demo@openshell.invalid")};
    auto commit = repo->commit(files, QCoreApplication::translate("osh::ui::WorkspaceLocator", "Demo workspace as shipped"), author);
    if (!commit)
        return fail(commit.error);
    auto tag = repo->markDeployed(commit->id, author,
                                  QCoreApplication::translate("osh::ui::WorkspaceLocator", "The shipped demo policy"));
    if (!tag)
        return fail(tag.error);
    QDir(target).removeRecursively(); // a folder without the policy is an earlier failed copy
    if (!QDir().rename(staging, target))
        return fail(QCoreApplication::translate("osh::ui::WorkspaceLocator", "Cannot move %1 to %2.").arg(staging, target));
    return target;
}

QString initialWorkspace(const QString &argument, const Settings &settings, QString *note)
{
    if (!argument.isEmpty())
        return QDir::cleanPath(QDir::current().absoluteFilePath(argument));
    const QStringList recent = settings.recentWorkspaces();
    if (!recent.isEmpty())
        return recent.first();
    QString error;
    if (QString copy = userDemoWorkspace(settings, &error); !copy.isEmpty())
        return copy;
    if (note)
        *note = QCoreApplication::translate("osh::ui::WorkspaceLocator", "No copy of the demo workspace could be made (%1); the bundled demo is open and saving edits it in place.").arg(error);
    return demoWorkspacePath();
}

} // namespace osh::ui
