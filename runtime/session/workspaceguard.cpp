#include "workspaceguard.h"

#include "gateway/beneath.h"
#include "util/strings.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QSocketNotifier>
#include <QTimer>

#include <algorithm>

#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

namespace osh::runtime {

WorkspaceGuard::WorkspaceGuard(const FilesystemController &rules, std::vector<GuardedFolder> folders, QObject *parent)
    : QObject(parent), m_rules(rules), m_layer(rules), m_folders(std::move(folders)), m_sweepTimer(new QTimer(this))
{
    // Events come in bursts (every write() is one): sweep once per burst.
    m_sweepTimer->setSingleShot(true);
    m_sweepTimer->setInterval(kSweepDelayMs);
    connect(m_sweepTimer, &QTimer::timeout, this, [this] {
        for (const auto &f : m_folders)
            watchTree(f.hostPath);
        sweep();
    });
}

WorkspaceGuard::~WorkspaceGuard()
{
    delete m_notifier;
    if (m_inotify >= 0)
        ::close(m_inotify);
}

int WorkspaceGuard::start()
{
    // inotify, not QFileSystemWatcher: growth of a file already there
    // (IN_MODIFY) must be seen as it happens, not only new names.
    m_inotify = ::inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    if (m_inotify >= 0) {
        m_notifier = new QSocketNotifier(m_inotify, QSocketNotifier::Read, this);
        connect(m_notifier, &QSocketNotifier::activated, this, [this] {
            alignas(inotify_event) char buf[16384];
            while (::read(m_inotify, buf, sizeof buf) > 0) {
            }
            if (!m_sweepTimer->isActive())
                m_sweepTimer->start();
        });
    }
    if (m_inotify < 0 && !m_folders.empty()) {
        // No inotify instance left (they are per user and few): the guard
        // sweeps on a timer instead, later but never not at all.
        auto *poll = new QTimer(this);
        connect(poll, &QTimer::timeout, this, [this] { sweep(); });
        poll->start(kFallbackSweepMs);
    }
    for (const auto &f : m_folders)
        watchTree(f.hostPath);
    sweep();
    return static_cast<int>(m_folders.size());
}

void WorkspaceGuard::watchTree(const QString &dir)
{
    if (m_inotify < 0 || !QFileInfo(dir).isDir())
        return;
    QStringList dirs{dir};
    QDirIterator it(dir, QDir::Dirs | QDir::NoDotAndDotDot | QDir::Hidden, QDirIterator::Subdirectories);
    while (it.hasNext())
        dirs << it.next();
    constexpr uint32_t mask = IN_CREATE | IN_MOVED_TO | IN_MODIFY | IN_CLOSE_WRITE | IN_ATTRIB | IN_ONLYDIR | IN_DONT_FOLLOW;
    for (const auto &d : dirs)
        if (!QFileInfo(d).isSymLink())
            ::inotify_add_watch(m_inotify, QFile::encodeName(d).constData(), mask); // a watch already there is kept
}

int WorkspaceGuard::sweep()
{
    int n = 0;
    for (const auto &f : m_folders)
        n += sweepFolder(f);
    return n;
}

int WorkspaceGuard::sweepFolder(const GuardedFolder &folder)
{
    struct Entry
    {
        QString host;
        std::string sandbox;
        qint64 size;
        qint64 mtime;
    };
    std::vector<Entry> kept;
    int removedCount = 0;
    // Removed relative to the folder's descriptor, never through a link, and
    // only a name that is not a folder and is still what was examined:
    // agent code may swap a parent for a link to a host folder, or the name
    // for a folder, between the scan and the removal.
    beneath::Fd root = beneath::openRoot(QFile::encodeName(folder.hostPath).toStdString(), nullptr);
    auto remove = [&](const QFileInfo &fi, const std::string &sandbox, const QString &why) {
        const qint64 size = fi.isSymLink() ? 0 : fi.size();
        const QString relative = fi.absoluteFilePath().mid(folder.hostPath.size() + 1);
        struct stat st{};
        if (::lstat(QFile::encodeName(fi.absoluteFilePath()).constData(), &st) != 0)
            return;
        beneath::Opened examined;
        examined.dev = st.st_dev;
        examined.ino = st.st_ino;
        if (root.valid() && beneath::removeFile(root.get(), QFile::encodeName(relative).toStdString(), examined, nullptr)) {
            ++removedCount;
            Q_EMIT removed(QString::fromStdString(sandbox), why, size);
        }
    };
    QDirIterator it(folder.hostPath, QDir::Files | QDir::System | QDir::Hidden | QDir::NoDotAndDotDot,
                    QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QFileInfo fi(it.next());
        const QString rel = fi.absoluteFilePath().mid(folder.hostPath.size());
        const std::string sandbox = folder.sandboxPath + rel.toStdString();
        const int idx = m_layer.ruleFor(sandbox);
        if (idx < 0)
            continue;
        const AccessRule &r = m_rules.rules[static_cast<size_t>(idx)];
        if (fi.isSymLink()) {
            if (r.blockSymlinks)
                remove(fi, sandbox, QStringLiteral("symlinks are blocked under %1").arg(QString::fromStdString(r.path)));
            continue;
        }
        if (r.allowedExtensions) {
            const std::string ext = FilesystemLayer::lastExtension(sandbox);
            const bool ok = std::any_of(r.allowedExtensions->begin(), r.allowedExtensions->end(),
                                        [&](const std::string &a) { return toLowerAscii(a) == ext; });
            if (!ok) {
                remove(fi, sandbox, QStringLiteral("extension '%1' is not allowed under %2")
                                        .arg(ext.empty() ? QStringLiteral("(none)") : QString::fromStdString(ext),
                                             QString::fromStdString(r.path)));
                continue;
            }
        }
        if (r.maxFileSizeMb && static_cast<double>(fi.size()) > *r.maxFileSizeMb * 1048576.0) {
            remove(fi, sandbox, QStringLiteral("%1 bytes exceeds max_file_size_mb %2")
                                    .arg(fi.size())
                                    .arg(*r.maxFileSizeMb));
            continue;
        }
        kept.push_back({fi.absoluteFilePath(), sandbox, fi.size(), fi.lastModified().toMSecsSinceEpoch()});
    }
    // max_total_size_mb: the newest files go first until the rule fits again.
    std::sort(kept.begin(), kept.end(), [](const Entry &a, const Entry &b) { return a.mtime < b.mtime; });
    for (std::size_t i = 0; i < m_rules.rules.size(); ++i) {
        const AccessRule &r = m_rules.rules[i];
        if (!r.maxTotalSizeMb)
            continue;
        const double limit = *r.maxTotalSizeMb * 1048576.0;
        double total = 0;
        for (const auto &e : kept)
            if (m_layer.ruleFor(e.sandbox) == static_cast<int>(i))
                total += static_cast<double>(e.size);
        for (auto e = kept.rbegin(); e != kept.rend() && total > limit; ++e) {
            if (m_layer.ruleFor(e->sandbox) != static_cast<int>(i))
                continue;
            const QFileInfo fi(e->host);
            total -= static_cast<double>(e->size);
            remove(fi, e->sandbox, QStringLiteral("%1 is over max_total_size_mb %2").arg(QString::fromStdString(r.path)).arg(*r.maxTotalSizeMb));
        }
    }
    return removedCount;
}

} // namespace osh::runtime
