#include "auditstore.h"

#include "auditreader.h"
#include "auditwriter.h"
#include "pgdb.h"
#include "pgreader.h"
#include "pgwriter.h"
#include "sqlitewriter.h"
#include "util/strings.h"

#include <QRandomGenerator>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <system_error>

#include <unistd.h>

namespace osh {

namespace {

// Waited-for tasks give up after this many failed commits, so a caller of
// addApproval() on a full disk gets an error instead of hanging forever.
constexpr int kTaskAttempts = 3;
// Queued session records get more attempts; unlike events they could fail
// for a reason of their own, and must not block the events behind them for ever.
constexpr int kAsyncTaskAttempts = 10;
// When closing, how many failed commits before what is left is given up.
constexpr int kCloseAttempts = 5;

std::string envOr(const char *name)
{
    const char *v = std::getenv(name);
    return v ? std::string(v) : std::string();
}

// $XDG_DATA_HOME, defaulting to ~/.local/share.
std::string xdgDataHome()
{
    std::string base = envOr("XDG_DATA_HOME");
    // The XDG spec says a relative XDG_DATA_HOME is invalid and to be ignored.
    if (base.empty() || base.front() != '/') {
        std::string home = envOr("HOME");
        base = (home.empty() ? std::string(".") : home) + "/.local/share";
    }
    return base;
}

std::string localHostName()
{
    char name[256] = {};
    if (::gethostname(name, sizeof name - 1) != 0 || !name[0])
        return "localhost";
    return name;
}

} // namespace

struct AuditStore::Task
{
    TaskFn run;
    int maxAttempts = 1;
    int attempts = 0;
    bool done = false;
    bool ok = false;
    bool refused = false; // refused alone (error says why); the batch goes on
    std::string error;
    std::int64_t result = 0;
};

struct AuditStore::Item
{
    std::uint64_t ticket = 0;
    AuditEvent event;            // when task is null
    std::shared_ptr<Task> task;
    std::function<void(std::int64_t)> onDurable;
    bool refused = false;
};

std::string AuditStore::dataDirFor(const std::string &storePath)
{
    if (audit::PgDb::isConnectionString(storePath))
        return xdgDataHome() + "/openshell";
    const auto slash = storePath.rfind('/');
    return slash == std::string::npos ? std::string(".") : slash == 0 ? std::string("/") : storePath.substr(0, slash);
}

std::string AuditStore::displayName(const std::string &storePath)
{
    return audit::PgDb::isConnectionString(storePath) ? audit::PgDb::displayName(storePath) : storePath;
}

std::string AuditStore::signingKeyBeside(const std::string &storePath)
{
    const std::string dir = dataDirFor(storePath);
    return (dir == "/" ? std::string() : dir) + "/audit-signing.key";
}

AuditStore::Options AuditStore::userWriterOptions(const std::string &storePath)
{
    Options o;
    o.signingKey = signingKeyBeside(storePath);
    o.signingOptional = true;
    return o;
}

double AuditStore::now()
{
    using namespace std::chrono;
    return duration<double>(system_clock::now().time_since_epoch()).count();
}

std::string AuditStore::defaultPath()
{
    if (auto p = envOr("OPENSHELL_STORE"); !p.empty())
        return p;
    return xdgDataHome() + "/openshell/audit.db";
}

std::unique_ptr<AuditStore> AuditStore::open(const std::string &path, std::string &error)
{
    return open(path, Options(), error);
}

std::unique_ptr<AuditStore> AuditStore::open(const std::string &path, const Options &options, std::string &error)
{
    namespace fs = std::filesystem;
    std::error_code ec;
    if (path.empty()) {
        error = "no audit store path given";
        return nullptr;
    }
    std::unique_ptr<AuditStore> s(new AuditStore());
    s->m_path = path;
    s->m_limits = audit::AuditLimits(options.maxFieldBytes);
    if (audit::PgDb::isConnectionString(path)) {
        // Checked before anything is created: "postgresql://h/db" is not a
        // file name. The string is never quoted in errors (it may name a user).
        const std::string host = options.host.empty() ? localHostName() : options.host;
        auto writer = std::make_unique<audit::PgWriter>();
        auto reader = std::make_unique<audit::PgReader>();
        std::string why;
        if (!writer->open(path, host, options.create, options.soleWriter, why) || !reader->open(path, why)) {
            error = "the PostgreSQL audit store: " + why;
            return nullptr;
        }
        s->m_writer = std::make_unique<audit::AuditWriter>(std::move(writer));
        s->m_reader = std::move(reader);
        s->m_host = host;
    } else {
        if (options.create) {
            const fs::path parent = fs::path(path).parent_path();
            if (!parent.empty() && !fs::exists(parent, ec) && !fs::create_directories(parent, ec)) {
                error = path + ": cannot create folder " + parent.string() + ": " + ec.message();
                return nullptr;
            }
        } else if (!fs::exists(path, ec)) {
            error = path + ": no audit store here (the runtime creates it on its first session)";
            return nullptr;
        }
        if (fs::is_directory(path, ec)) {
            error = path + ": is a folder, not an audit store";
            return nullptr;
        }
        auto writer = std::make_unique<audit::SqliteWriter>();
        auto reader = std::make_unique<audit::SqliteReader>();
        std::string why;
        if (!writer->open(path, options.create, options.busyTimeoutMs, why)
            || !reader->open(path, options.busyTimeoutMs, why)) {
            error = path + ": " + why;
            return nullptr;
        }
        s->m_writer = std::make_unique<audit::AuditWriter>(std::move(writer));
        s->m_reader = std::move(reader);
    }
    if (!options.signingKey.empty()) {
        // A PostgreSQL store has no folder of its own: the key's is made
        // here, for its owner alone.
        const fs::path keyDir = fs::path(options.signingKey).parent_path();
        if (!keyDir.empty() && !fs::exists(keyDir, ec) && fs::create_directories(keyDir, ec))
            fs::permissions(keyDir, fs::perms::owner_all, ec);
        std::string keyError;
        if (auto key = audit::CheckpointKey::load(options.signingKey, true, keyError)) {
            s->m_signingPublicKey = key->publicKey();
            s->m_writer->setSigner(std::move(key), options.checkpointSeconds);
        } else if (options.signingOptional) {
            s->m_signingProblem = keyError;
        } else {
            error = keyError;
            return nullptr;
        }
    }
    s->m_worker = std::thread([p = s.get()] { p->workerLoop(); });
    return s;
}

AuditStore::~AuditStore()
{
    {
        std::lock_guard lock(m_mutex);
        m_stop = true;
    }
    m_wake.notify_all();
    m_space.notify_all();
    if (m_worker.joinable())
        m_worker.join();
}

void AuditStore::report(const std::string &message)
{
    std::function<void(const std::string &)> handler;
    {
        std::lock_guard lock(m_mutex);
        m_lastError = message;
        handler = m_errorHandler;
    }
    if (handler)
        handler(message);
    else
        std::fprintf(stderr, "openshell audit store: %s\n", message.c_str());
}

void AuditStore::setErrorHandler(std::function<void(const std::string &)> handler)
{
    std::lock_guard lock(m_mutex);
    m_errorHandler = std::move(handler);
}

std::string AuditStore::lastError() const
{
    std::lock_guard lock(m_mutex);
    return m_lastError;
}

std::size_t AuditStore::queued() const
{
    std::lock_guard lock(m_mutex);
    return m_queue.size();
}

void AuditStore::push(Item &&item, std::unique_lock<std::mutex> &lock)
{
    m_space.wait(lock, [this] { return m_queue.size() < kMaxQueued || m_stop; });
    item.ticket = m_nextTicket++;
    m_queue.push_back(std::move(item));
    m_wake.notify_one();
}

std::int64_t AuditStore::enqueue(AuditEvent &&e, std::function<void(std::int64_t)> onDurable)
{
    // Capped before queueing, so a flood of huge events cannot fill memory
    // while it waits to be written either.
    m_limits.cap(e);
    std::string readError;
    std::int64_t seq;
    {
        std::unique_lock lock(m_mutex);
        if (e.ts == 0)
            e.ts = now();
        auto it = m_nextSeq.find(e.sessionId);
        if (it == m_nextSeq.end()) {
            // First event of this session in this process: continue after
            // what is stored (a resumed session, a reopened store).
            std::int64_t max = 0;
            if (!m_reader->maxSeq(e.sessionId, max, readError))
                readError = "reading the last seq of session " + e.sessionId + ": " + readError;
            it = m_nextSeq.emplace(e.sessionId, max + 1).first;
        }
        if (e.seq <= 0)
            e.seq = it->second++;
        else if (e.seq >= it->second)
            it->second = e.seq + 1;
        seq = e.seq;
        // A seq guessed without reading the store is not kept: the next
        // event reads it again instead of following a wrong guess.
        if (!readError.empty())
            m_nextSeq.erase(it);
        Item item;
        item.event = std::move(e);
        item.onDurable = std::move(onDurable);
        push(std::move(item), lock);
    }
    if (!readError.empty())
        report(readError);
    return seq;
}

std::int64_t AuditStore::append(AuditEvent e)
{
    return enqueue(std::move(e), nullptr);
}

std::int64_t AuditStore::appendAcked(AuditEvent e, std::function<void(std::int64_t)> onDurable)
{
    return enqueue(std::move(e), std::move(onDurable));
}

bool AuditStore::flush(int timeoutMs)
{
    std::unique_lock lock(m_mutex);
    const std::uint64_t target = m_nextTicket - 1;
    auto reached = [&] { return m_doneTicket >= target; };
    if (timeoutMs < 0)
        m_done.wait(lock, reached);
    else if (!m_done.wait_for(lock, std::chrono::milliseconds(timeoutMs), reached))
        return false;
    // Each loss is reported by the first flush that covers it.
    const auto end = m_lostTickets.upper_bound(target);
    const bool complete = end == m_lostTickets.begin();
    m_lostTickets.erase(m_lostTickets.begin(), end);
    return complete;
}

std::shared_ptr<AuditStore::Task> AuditStore::runTask(TaskFn fn, bool wait)
{
    auto task = std::make_shared<Task>();
    task->run = std::move(fn);
    task->maxAttempts = wait ? kTaskAttempts : kAsyncTaskAttempts;
    std::unique_lock lock(m_mutex);
    Item item;
    item.task = task;
    push(std::move(item), lock);
    if (wait)
        m_done.wait(lock, [&] { return task->done; });
    return task;
}

void AuditStore::beginSession(SessionRecord s)
{
    if (s.startedAt == 0)
        s.startedAt = now();
    for (auto *f : {&s.id, &s.policyFile, &s.policyHash, &s.policyCommit, &s.isolation, &s.exitReason, &s.command})
        repairUtf8(*f);
    runTask(
        [s = std::move(s)](audit::AuditWriter &w, Task &task, std::string &error) {
            switch (w.upsertSession(s, task.error)) {
            case audit::AuditWriter::Result::Ok:
            case audit::AuditWriter::Result::Stored: return true;
            case audit::AuditWriter::Result::Rejected: task.refused = true; return true;
            case audit::AuditWriter::Result::Failed: break;
            }
            error = task.error;
            return false;
        },
        false);
}

void AuditStore::endSession(const std::string &sessionId, std::optional<int> exitStatus,
                            const std::string &reason, double endedAt)
{
    if (endedAt == 0)
        endedAt = now();
    std::string id = sessionId, exitReason = reason;
    repairUtf8(id);
    repairUtf8(exitReason);
    runTask(
        [=](audit::AuditWriter &w, Task &, std::string &error) {
            std::int64_t expired = 0;
            return w.endSession(id, exitStatus, exitReason, endedAt, error)
                && w.expireSessionApprovals(id, endedAt, "the session ended", expired, error);
        },
        false);
}

std::optional<std::int64_t> AuditStore::addApproval(ApprovalRecord a, std::string *error)
{
    if (a.createdAt == 0)
        a.createdAt = now();
    if (a.token.empty()) {
        char token[33];
        std::snprintf(token, sizeof token, "%016llx%016llx",
                      static_cast<unsigned long long>(QRandomGenerator::system()->generate64()),
                      static_cast<unsigned long long>(QRandomGenerator::system()->generate64()));
        a.token = token;
    }
    m_limits.cap(a);
    auto t = runTask(
        [a = std::move(a)](audit::AuditWriter &w, Task &task, std::string &err) {
            return w.insertApproval(a, task.result, err);
        },
        true);
    if (!t->ok) {
        if (error)
            *error = t->error;
        return std::nullopt;
    }
    return t->result;
}

bool AuditStore::resolveApproval(std::int64_t id, bool approved, const std::string &note, const std::string &resolver,
                                 std::string *error)
{
    return finishApproval(id, approved ? ApprovalStatus::Approved : ApprovalStatus::Denied, note, resolver,
                          std::nullopt, error);
}

bool AuditStore::resolveApproval(std::int64_t id, bool approved, const std::string &note, const std::string &resolver,
                                 std::uint32_t resolverUid, std::string *error)
{
    return finishApproval(id, approved ? ApprovalStatus::Approved : ApprovalStatus::Denied, note, resolver,
                          resolverUid, error);
}

bool AuditStore::expireApproval(std::int64_t id, const std::string &note, std::string *error)
{
    return finishApproval(id, ApprovalStatus::Expired, note, "expiry", std::nullopt, error);
}

bool AuditStore::finishApproval(std::int64_t id, ApprovalStatus status, const std::string &note,
                                const std::string &resolver, std::optional<std::uint32_t> resolverUid,
                                std::string *error)
{
    const double at = now();
    std::string noteText = note, resolverName = resolver;
    repairUtf8(noteText);
    repairUtf8(resolverName);
    auto t = runTask(
        [=, note = std::move(noteText), resolver = std::move(resolverName)](audit::AuditWriter &w, Task &task,
                                                                            std::string &err) {
            bool changed = false;
            if (!w.resolveApproval(id, status, at, note, resolver, resolverUid, changed, err))
                return false;
            task.result = changed ? 1 : 0;
            return true;
        },
        true);
    if (!t->ok && error)
        *error = t->error;
    return t->ok && t->result == 1;
}

std::int64_t AuditStore::expireApprovals(double olderThan, std::string *error)
{
    const double at = now();
    auto t = runTask(
        [=](audit::AuditWriter &w, Task &task, std::string &err) {
            return w.expireApprovals(olderThan, at, task.result, err);
        },
        true);
    if (!t->ok) {
        if (error)
            *error = t->error;
        return -1;
    }
    return t->result;
}

std::int64_t AuditStore::expireSessionApprovals(const std::string &sessionId, const std::string &note,
                                              std::string *error)
{
    const double at = now();
    auto t = runTask(
        [=](audit::AuditWriter &w, Task &task, std::string &err) {
            return w.expireSessionApprovals(sessionId, at, note, task.result, err);
        },
        true);
    if (!t->ok) {
        if (error)
            *error = t->error;
        return -1;
    }
    return t->result;
}

bool AuditStore::writeBatch(std::vector<Item> &batch, std::vector<std::string> &refusals, std::string &error)
{
    if (!m_writer->begin(error))
        return false;
    for (auto &item : batch) {
        item.refused = false;
        bool ok = true;
        if (item.task) {
            item.task->refused = false;
            ok = item.task->run(*m_writer, *item.task, error);
            if (ok && item.task->refused) {
                item.refused = true;
                refusals.push_back(item.task->error);
            }
        } else {
            std::string why;
            switch (m_writer->insertEvent(item.event, why)) {
            case audit::AuditWriter::Result::Ok:
            case audit::AuditWriter::Result::Stored: break;
            case audit::AuditWriter::Result::Rejected:
                item.refused = true;
                refusals.push_back(why);
                break;
            case audit::AuditWriter::Result::Failed:
                error = why;
                ok = false;
                break;
            }
        }
        if (!ok) {
            refusals.clear();
            m_writer->rollback();
            return false;
        }
    }
    if (!m_writer->commit(error)) {
        refusals.clear();
        m_writer->rollback();
        return false;
    }
    return true;
}

void AuditStore::abandon(std::vector<Item> &batch, const std::string &error)
{
    std::size_t events = 0;
    {
        std::lock_guard lock(m_mutex);
        auto give = [&](Item &item) {
            m_lostTickets.insert(item.ticket);
            if (item.task) {
                item.task->done = true;
                item.task->error = error;
            } else {
                ++events;
            }
        };
        for (auto &item : batch)
            give(item);
        for (auto &item : m_queue)
            give(item);
        m_queue.clear();
        m_doneTicket = m_nextTicket - 1;
    }
    batch.clear();
    m_done.notify_all();
    m_space.notify_all();
    report("closing with commits failing: " + std::to_string(events) + " queued event(s) were not stored: " + error);
}

void AuditStore::workerLoop()
{
    std::vector<Item> batch;
    std::uint64_t batchLast = 0;
    int failures = 0;
    for (;;) {
        {
            std::unique_lock lock(m_mutex);
            if (batch.empty()) {
                // Idle: wake for the next checkpoint due, if there is one.
                const auto ready = [this] { return m_stop || !m_queue.empty(); };
                const double in = m_writer->nextCheckpointIn();
                if (in < 0)
                    m_wake.wait(lock, ready);
                else
                    m_wake.wait_for(lock, std::chrono::duration<double>(in), ready);
                if (m_queue.empty()) {
                    const bool stopping = m_stop;
                    lock.unlock();
                    std::string error;
                    if (!m_writer->checkpointDue(stopping, error))
                        report("writing a checkpoint of the hash chains failed: " + error);
                    if (stopping)
                        return; // everything is written
                    continue;
                }
            }
            // A batch being retried takes in what was queued meanwhile, so a
            // waited-for task behind it gets its attempts (and its error)
            // instead of waiting for a commit that keeps failing.
            while (batch.size() < kMaxBatch && !m_queue.empty()) {
                batch.push_back(std::move(m_queue.front()));
                m_queue.pop_front();
                batchLast = batch.back().ticket;
            }
            m_space.notify_all();
        }

        std::string error;
        std::vector<std::string> refusals;
        if (writeBatch(batch, refusals, error)) {
            failures = 0;
            for (const auto &item : batch)
                if (!item.task && !item.refused && item.onDurable)
                    item.onDurable(item.event.seq);
            for (const auto &r : refusals)
                report(r);
            {
                std::lock_guard lock(m_mutex);
                for (auto &item : batch) {
                    if (item.refused)
                        m_lostTickets.insert(item.ticket);
                    if (item.task) {
                        item.task->ok = true;
                        item.task->done = true;
                    }
                }
                m_doneTicket = batchLast;
            }
            m_done.notify_all();
            batch.clear();
            continue;
        }

        ++failures;
        ++m_failedCommits;
        report("commit failed (attempt " + std::to_string(failures) + ", " + std::to_string(batch.size())
               + " item(s) kept queued): " + error);
        bool stopping;
        std::vector<std::uint64_t> gaveUp;
        {
            std::lock_guard lock(m_mutex);
            stopping = m_stop;
            std::erase_if(batch, [&](Item &item) {
                if (!item.task || ++item.task->attempts < item.task->maxAttempts)
                    return false;
                item.task->done = true;
                item.task->error = error;
                m_lostTickets.insert(item.ticket);
                gaveUp.push_back(item.ticket);
                return true;
            });
            if (batch.empty())
                m_doneTicket = batchLast;
        }
        m_done.notify_all();
        if (!gaveUp.empty())
            report("gave up " + std::to_string(gaveUp.size()) + " non-event write(s) (session record, approval) after "
                   "repeated failures: " + error);
        if (stopping && failures >= kCloseAttempts) {
            abandon(batch, error);
            return;
        }
        // Back off: a full disk or a lock held by a peer is not fixed by
        // hammering it.
        std::this_thread::sleep_for(std::chrono::milliseconds(std::min(1000, 10 << std::min(failures, 7))));
    }
}

} // namespace osh
