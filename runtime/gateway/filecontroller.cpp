#include "filecontroller.h"

#include "engine/filesystemlayer.h"

#include <QFile>
#include <QMetaObject>
#include <QPointer>
#include <QThread>
#include <QTimer>

#include <atomic>
#include <mutex>

namespace osh::runtime {

// What the worker thread and the controller share: the open folders, and a
// pointer back to the controller that is cleared (under the lock) when it
// goes, so a late answer from a stalled operation is dropped, not delivered
// to a destroyed object.
struct FileController::Shared
{
    std::mutex lock;
    FileController *owner = nullptr;
    std::vector<beneath::Fd> roots;
    std::string identityError; // set when the worker could not take the identity
};

FileController::FileController(Options options, QObject *parent)
    : QObject(parent), m_options(std::move(options)), m_shared(std::make_shared<Shared>())
{
    m_shared->owner = this;
}

FileController::~FileController()
{
    {
        std::lock_guard<std::mutex> g(m_shared->lock);
        m_shared->owner = nullptr;
    }
    if (m_thread) {
        m_thread->quit();
        // A worker stuck in a stalled file system is left to finish on its
        // own; it holds only the shared state, which outlives this object.
        if (!m_thread->wait(2000))
            return;
        delete m_worker;
        delete m_thread;
    }
}

bool FileController::start(QString *error)
{
    if (m_thread)
        return true; // started already: one worker, one set of folders
    for (const auto &m : m_options.roots) {
        beneath::Error e;
        beneath::Fd fd = beneath::openRoot(QFile::encodeName(m.hostPath).toStdString(), &e);
        if (!fd.valid()) {
            if (error)
                *error = tr("cannot open the folder %1 for %2: %3")
                             .arg(m.hostPath, QString::fromStdString(m.sandboxPath), QString::fromStdString(e.message));
            return false;
        }
        m_shared->roots.push_back(std::move(fd));
    }
    m_thread = new QThread;
    m_thread->setObjectName(QStringLiteral("osh-files"));
    m_worker = new QObject;
    m_worker->moveToThread(m_thread);
    m_thread->start();
    // The first thing the worker does, before any operation: become the
    // sandbox's user for file access. Asked synchronously so start() can fail.
    std::string why;
    bool ok = false;
    QMetaObject::invokeMethod(
        m_worker, [&] { ok = beneath::becomeFileUser(m_options.uid, m_options.gid, &why); }, Qt::BlockingQueuedConnection);
    if (!ok) {
        if (error)
            *error = QString::fromStdString(why);
        m_shared->identityError = why;
        return false;
    }
    return true;
}

std::optional<FileController::Target> FileController::target(const std::string &sandboxPath) const
{
    std::optional<Target> best;
    std::size_t bestLength = 0;
    for (std::size_t i = 0; i < m_options.roots.size(); ++i) {
        const auto &m = m_options.roots[i];
        if (!FilesystemLayer::isUnder(sandboxPath, m.sandboxPath) || (best && m.sandboxPath.size() <= bestLength))
            continue;
        std::string rest = sandboxPath.substr(std::min(sandboxPath.size(), m.sandboxPath.size()));
        while (!rest.empty() && rest.front() == '/')
            rest.erase(0, 1);
        best = Target{i, std::move(rest)};
        bestLength = m.sandboxPath.size();
    }
    return best;
}

void FileController::post(Job job, Done done)
{
    if (!m_thread || !m_shared->identityError.empty() || m_shared->roots.empty()) {
        FileOutcome o;
        o.error = {beneath::Failure::Io, m_shared->identityError.empty() ? std::string("the file controller is not running")
                                                                         : m_shared->identityError};
        QMetaObject::invokeMethod(this, [done = std::move(done), o] { done(o); }, Qt::QueuedConnection);
        return;
    }
    // Answered once: by the worker, or by the timer when the worker stalls.
    auto answered = std::make_shared<std::atomic<bool>>(false);
    auto doneShared = std::make_shared<Done>(std::move(done));
    auto *timer = new QTimer(this);
    timer->setSingleShot(true);
    connect(timer, &QTimer::timeout, this, [answered, doneShared, timer, ms = m_options.timeoutMs] {
        timer->deleteLater();
        if (answered->exchange(true))
            return;
        FileOutcome o;
        o.timedOut = true;
        o.error = {beneath::Failure::Io, "the operation did not finish within " + std::to_string(ms) + " ms"};
        (*doneShared)(o);
    });
    timer->start(m_options.timeoutMs);
    QPointer<QTimer> timerPtr(timer);
    std::weak_ptr<Shared> weak = m_shared;
    QMetaObject::invokeMethod(
        m_worker,
        [weak, job = std::move(job), answered, doneShared, timerPtr] {
            auto shared = weak.lock();
            // Already answered as timed out: the operation must not happen
            // after the agent was told it did not.
            if (!shared || answered->load())
                return;
            FileOutcome o = job(shared->roots);
            std::lock_guard<std::mutex> g(shared->lock);
            if (!shared->owner)
                return;
            QMetaObject::invokeMethod(
                shared->owner,
                [o = std::move(o), answered, doneShared, timerPtr]() mutable {
                    if (timerPtr)
                        timerPtr->deleteLater();
                    if (answered->exchange(true))
                        return;
                    (*doneShared)(std::move(o));
                },
                Qt::QueuedConnection);
        },
        Qt::QueuedConnection);
}

void FileController::inspect(const Target &t, Done done)
{
    post([t](const std::vector<beneath::Fd> &roots) {
        FileOutcome o;
        beneath::Fd fd = beneath::lookup(roots[t.root].get(), t.relative, &o.opened, &o.error);
        o.ok = fd.valid();
        o.hasOpened = o.ok;
        return o;
    }, std::move(done));
}

void FileController::read(const Target &t, std::int64_t maxBytes, Done done)
{
    const std::int64_t limit = std::min(maxBytes, m_options.maxReadBytes);
    post([t, limit](const std::vector<beneath::Fd> &roots) {
        FileOutcome o;
        if (auto data = beneath::readFile(roots[t.root].get(), t.relative, limit, &o.opened, &o.error)) {
            o.content = std::move(*data);
            o.ok = true;
        }
        o.hasOpened = o.opened.ino != 0;
        return o;
    }, std::move(done));
}

void FileController::write(const Target &t, std::string content, bool exclusive, Done done)
{
    post([t, content = std::move(content), exclusive](const std::vector<beneath::Fd> &roots) {
        FileOutcome o;
        o.ok = beneath::writeFile(roots[t.root].get(), t.relative, content, exclusive, &o.opened, &o.error);
        o.hasOpened = o.ok;
        return o;
    }, std::move(done));
}

void FileController::list(const Target &t, Done done)
{
    post([t, max = m_options.maxEntries](const std::vector<beneath::Fd> &roots) {
        FileOutcome o;
        if (auto entries = beneath::listFolder(roots[t.root].get(), t.relative, max, &o.truncated, &o.opened, &o.error)) {
            o.entries = std::move(*entries);
            o.ok = true;
            o.hasOpened = true;
        }
        return o;
    }, std::move(done));
}

void FileController::remove(const Target &t, Done done)
{
    post([t](const std::vector<beneath::Fd> &roots) {
        FileOutcome o;
        o.ok = beneath::removePath(roots[t.root].get(), t.relative, &o.opened, &o.error);
        o.hasOpened = o.opened.ino != 0;
        return o;
    }, std::move(done));
}

void FileController::symlink(const Target &t, std::string linkTarget, Done done)
{
    post([t, linkTarget = std::move(linkTarget)](const std::vector<beneath::Fd> &roots) {
        FileOutcome o;
        o.ok = beneath::makeSymlink(roots[t.root].get(), t.relative, linkTarget, &o.error);
        return o;
    }, std::move(done));
}

void FileController::measure(QByteArray data, std::int64_t limit, Done done)
{
    post([data = std::move(data), limit](const std::vector<beneath::Fd> &) {
        FileOutcome o;
        QString err;
        o.archive = inspectArchive(data, limit, &err);
        o.ok = o.archive.has_value();
        if (!o.ok)
            o.error = {beneath::Failure::Io, err.toStdString()};
        return o;
    }, std::move(done));
}

} // namespace osh::runtime
