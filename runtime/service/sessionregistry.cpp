#include "sessionregistry.h"

#include "audit/auditjson.h"
#include "audit/auditstore.h"
#include "session/agentsession.h"

#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QPointer>
#include <QSet>
#include <QTimer>

#include <algorithm>
#include <limits>

#include <cstdio>

namespace osh::service {

std::string sseMessage(const char *event, const std::string &data, std::int64_t id)
{
    std::string s = "event: ";
    s += event;
    s += '\n';
    if (id > 0)
        s += "id: " + std::to_string(id) + "\n";
    s += "data: ";
    s += data;
    s += "\n\n";
    return s;
}

std::string SessionInfo::toJson() const
{
    QJsonObject o{{QStringLiteral("id"), id},
                  {QStringLiteral("owner_uid"), static_cast<qint64>(owner)},
                  {QStringLiteral("state"), state},
                  {QStringLiteral("isolation"), isolation},
                  {QStringLiteral("policy_file"), policyFile},
                  {QStringLiteral("policy_hash"), policyHash},
                  {QStringLiteral("command"), QJsonArray::fromStringList(command)},
                  {QStringLiteral("workspace"), workspace},
                  {QStringLiteral("run_dir"), runDir},
                  {QStringLiteral("started_at"), startedAt},
                  {QStringLiteral("ended_at"), endedAt ? QJsonValue(*endedAt) : QJsonValue()},
                  {QStringLiteral("exit_status"), exitStatus ? QJsonValue(*exitStatus) : QJsonValue()},
                  {QStringLiteral("exit_reason"), exitReason.isEmpty() ? QJsonValue() : QJsonValue(exitReason)}};
    return QJsonDocument(o).toJson(QJsonDocument::Compact).toStdString();
}

struct StreamState
{
    struct Message
    {
        std::string chunk;
        std::int64_t seq = 0; // audit events only
        bool audit = false;
    };
    struct Subscriber
    {
        std::shared_ptr<EventStream> stream;
        std::int64_t lastSeq = 0; // audit events up to this one were sent
    };
    std::mutex lock;
    std::deque<Message> ring;
    std::vector<Subscriber> subscribers;
    std::string endChunk; // set once the session ended
};

struct SessionRegistry::Entry
{
    SessionInfo info;
    std::unique_ptr<runtime::AgentSession> session;
    std::vector<PinnedFolder> pins;
    std::shared_ptr<StreamState> stream = std::make_shared<StreamState>();
};

SessionRegistry::SessionRegistry(AuditStore *store, QObject *parent) : QObject(parent), m_store(store)
{
    m_publisher = std::thread([this] {
        pthread_setname_np(pthread_self(), "osh-publish");
        publisherLoop();
    });
}

SessionRegistry::~SessionRegistry()
{
    {
        std::lock_guard lock(m_queueLock);
        m_quit = true;
    }
    m_queueWake.notify_all();
    m_publisher.join();
}

SessionRegistry::Entry *SessionRegistry::add(std::unique_ptr<runtime::AgentSession> session, SessionInfo info,
                                             std::vector<PinnedFolder> pins)
{
    auto entry = std::make_unique<Entry>();
    Entry *e = entry.get();
    e->info = std::move(info);
    e->session = std::move(session);
    e->pins = std::move(pins);
    runtime::AgentSession *s = e->session.get();
    connect(s, &runtime::AgentSession::event, this, [this, e](const AuditEvent &ev) {
        std::string json;
        audit::appendEventJson(json, ev);
        publish(e, sseMessage("audit", json, ev.seq), ev.seq, true, false);
    });
    connect(s, &runtime::AgentSession::agentOutput, this, [this, e](bool err, const QByteArray &data) {
        const QJsonObject o{{QStringLiteral("stream"), err ? QStringLiteral("stderr") : QStringLiteral("stdout")},
                            {QStringLiteral("data"), QString::fromUtf8(data)}};
        publish(e, sseMessage("output", QJsonDocument(o).toJson(QJsonDocument::Compact).toStdString()), 0, false, false);
    });
    connect(s, &runtime::AgentSession::finished, this, [this, e](int status, const QString &reason) {
        e->info.state = QStringLiteral("ended");
        e->info.endedAt = AuditStore::now();
        e->info.exitStatus = status;
        e->info.exitReason = reason;
        e->pins.clear(); // the folders were only needed while the sandbox ran
        if (!e->info.pinDir.isEmpty())
            QDir().rmdir(e->info.pinDir);
        publish(e, sseMessage("end", e->info.toJson()), 0, false, true);
        m_ended.push_back(e->info.id);
        const QString id = e->info.id;
        Q_EMIT sessionEnded(id);
        forgetOld();
    });
    m_entries.emplace(e->info.id, std::move(entry));
    return e;
}

void SessionRegistry::forgetOld()
{
    while (static_cast<int>(m_ended.size()) > kKeepEnded) {
        const auto it = m_entries.find(m_ended.front());
        m_ended.pop_front();
        if (it == m_entries.end())
            continue;
        // Deleted later: this may run inside the session's own signal.
        if (auto *s = it->second->session.release()) {
            s->disconnect(this);
            s->deleteLater();
        }
        m_entries.erase(it);
    }
}

SessionRegistry::Entry *SessionRegistry::find(const QString &id) const
{
    const auto it = m_entries.find(id);
    return it == m_entries.end() ? nullptr : it->second.get();
}

std::vector<const SessionRegistry::Entry *> SessionRegistry::all() const
{
    std::vector<const Entry *> out;
    for (const auto &[id, e] : m_entries)
        out.push_back(e.get());
    std::sort(out.begin(), out.end(), [](const Entry *a, const Entry *b) { return a->info.startedAt < b->info.startedAt; });
    return out;
}

int SessionRegistry::running() const
{
    int n = 0;
    for (const auto &[id, e] : m_entries)
        n += e->info.state != QLatin1StringView("ended");
    return n;
}

int SessionRegistry::runningFor(uid_t owner) const
{
    int n = 0;
    for (const auto &[id, e] : m_entries)
        n += e->info.owner == owner && e->info.state != QLatin1StringView("ended");
    return n;
}

const SessionInfo &SessionRegistry::info(const Entry *e) const { return e->info; }
runtime::AgentSession *SessionRegistry::session(Entry *e) const { return e->session.get(); }

bool SessionRegistry::end(Entry *e)
{
    if (e->info.state != QLatin1StringView("running"))
        return false;
    e->info.state = QStringLiteral("ending");
    e->session->stop();
    return true;
}

void SessionRegistry::publish(Entry *e, std::string chunk, std::int64_t seq, bool audit, bool end)
{
    {
        std::lock_guard lock(m_queueLock);
        m_queue.push_back({e->stream, std::move(chunk), seq, audit, end});
    }
    m_queueWake.notify_one();
}

void SessionRegistry::publisherLoop()
{
    for (;;) {
        std::deque<Pending> batch;
        {
            std::unique_lock lock(m_queueLock);
            m_queueWake.wait(lock, [this] { return m_quit || !m_queue.empty(); });
            if (m_queue.empty() && m_quit)
                return;
            batch.swap(m_queue);
        }
        bool durable = true;
        if (m_store && std::any_of(batch.begin(), batch.end(), [](const Pending &p) { return p.audit; }))
            durable = m_store->flush();
        if (!durable)
            std::fprintf(stderr, "openshelld: the audit store did not commit (%s); those events are not streamed\n",
                         m_store->lastError().c_str());
        for (Pending &p : batch) {
            if (p.audit && !durable)
                continue;
            StreamState &s = *p.stream;
            std::lock_guard lock(s.lock);
            if (p.end) {
                s.endChunk = p.chunk;
                for (auto &sub : s.subscribers) {
                    sub.stream->send(p.chunk);
                    sub.stream->close();
                }
                s.subscribers.clear();
                continue;
            }
            s.ring.push_back({p.chunk, p.seq, p.audit});
            while (s.ring.size() > static_cast<std::size_t>(kRingEvents))
                s.ring.pop_front();
            std::erase_if(s.subscribers, [&](StreamState::Subscriber &sub) {
                if (p.audit) {
                    if (p.seq <= sub.lastSeq)
                        return false; // already sent from the store
                    sub.lastSeq = p.seq;
                }
                return !sub.stream->send(p.chunk);
            });
        }
    }
}

void SessionRegistry::subscribe(Entry *e, std::int64_t after, std::shared_ptr<EventStream> stream)
{
    StreamState &s = *e->stream;
    std::lock_guard lock(s.lock);
    // Audit events older than the ring holds (or recorded before the ring
    // was attached, as the session's first) come from the store.
    std::int64_t firstInRing = std::numeric_limits<std::int64_t>::max();
    for (const auto &m : s.ring)
        if (m.audit) {
            firstInRing = m.seq;
            break;
        }
    std::int64_t sent = after;
    if (after + 1 < firstInRing && m_store) {
        m_store->flush();
        AuditQuery q;
        q.sessionId = e->info.id.toStdString();
        std::string error;
        m_store->query(
            q,
            [&](const AuditEvent &ev) {
                if (ev.seq > after && ev.seq < firstInRing) {
                    std::string json;
                    audit::appendEventJson(json, ev);
                    if (!stream->send(sseMessage("audit", json, ev.seq)))
                        return false;
                    sent = std::max(sent, ev.seq);
                }
                return true;
            },
            error);
    }
    for (const auto &m : s.ring) {
        if (m.audit ? m.seq > sent : after == 0) {
            stream->send(m.chunk);
            if (m.audit)
                sent = m.seq;
        }
    }
    if (!s.endChunk.empty()) {
        stream->send(s.endChunk);
        stream->close();
        return;
    }
    s.subscribers.push_back({std::move(stream), sent});
}

void SessionRegistry::stopAll(int timeoutMs, std::function<void()> done)
{
    auto remaining = std::make_shared<QSet<QString>>();
    for (const auto &[id, e] : m_entries)
        if (e->info.state != QLatin1StringView("ended")) {
            remaining->insert(id);
            end(e.get());
        }
    auto finish = std::make_shared<std::function<void()>>(std::move(done));
    if (remaining->isEmpty()) {
        (*finish)();
        return;
    }
    auto *timer = new QTimer(this);
    timer->setSingleShot(true);
    auto conn = std::make_shared<QMetaObject::Connection>();
    *conn = connect(this, &SessionRegistry::sessionEnded, this, [remaining, finish, timer, conn](const QString &id) {
        remaining->remove(id);
        if (remaining->isEmpty()) {
            QObject::disconnect(*conn);
            timer->stop();
            timer->deleteLater();
            (*finish)();
        }
    });
    connect(timer, &QTimer::timeout, this, [this, remaining, finish, timer, conn] {
        QObject::disconnect(*conn);
        // Did not stop in time: killed, and recorded so.
        for (const QString &id : *remaining)
            if (Entry *e = find(id)) {
                e->session.reset();
                if (m_store)
                    m_store->endSession(id.toStdString(), std::nullopt, "killed");
            }
        timer->deleteLater();
        (*finish)();
    });
    timer->start(timeoutMs);
}

} // namespace osh::service
