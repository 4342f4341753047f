#pragma once
// The sessions openshelld runs: who each belongs to, its state, and the
// live event streams of its clients. A session keeps running when its
// client goes away; it ends when the agent exits, when an owner (or an
// admin) ends it, or when the service stops.
//
// Event delivery: every message for a stream (audit event, agent output,
// end) goes through one queue to a publisher thread, which first makes the
// audit events durable (AuditStore::flush) and only then sends them: a
// client never sees an event the store could still lose. The last
// kRingEvents messages of each session are kept for clients that attach
// later (`after=SEQ`); older audit events are read back from the store.

#include "access.h"
#include "clientfiles.h"
#include "httpserver.h"

#include "model/policy.h"

#include <QObject>
#include <QString>
#include <QStringList>

#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

namespace osh {
class AuditStore;
struct AuditEvent;
namespace runtime {
class AgentSession;
}
} // namespace osh

namespace osh::service {

struct SessionInfo
{
    QString id;
    uid_t owner = 0;
    QString state = QStringLiteral("running"); // running, ending, ended
    QString isolation;
    QString policyFile;
    QString policyHash;
    QStringList command;
    QString workspace;
    QString runDir;
    double startedAt = 0;
    std::optional<double> endedAt;
    std::optional<int> exitStatus;
    QString exitReason;
    QString pinDir; // where the client's folders are staged (not shown)
    QString agent;  // the policy's agent (agent.name, else its name; not shown)

    std::string toJson() const;
};

class SessionRegistry : public QObject
{
    Q_OBJECT

public:
    explicit SessionRegistry(AuditStore *store, QObject *parent = nullptr);
    ~SessionRegistry() override;

    struct Entry;

    // Takes a started session. pins: the folders opened for it as the client.
    Entry *add(std::unique_ptr<runtime::AgentSession> session, SessionInfo info, std::vector<PinnedFolder> pins);
    Entry *find(const QString &id) const;
    std::vector<const Entry *> all() const;
    int running() const;
    int runningFor(uid_t owner) const;

    const SessionInfo &info(const Entry *e) const;
    runtime::AgentSession *session(Entry *e) const;
    // Ends it early (recorded as interrupted); false when it is not running.
    bool end(Entry *e);
    // Attaches a client stream: replays what came after `after` (audit seq;
    // agent output only when after is 0), then follows live until the end.
    void subscribe(Entry *e, std::int64_t after, std::shared_ptr<EventStream> stream);

    // Stops every running session; done() once all have ended (or timeoutMs passed).
    void stopAll(int timeoutMs, std::function<void()> done);

    static constexpr int kRingEvents = 20000;
    static constexpr int kKeepEnded = 200; // ended sessions still listed

Q_SIGNALS:
    void sessionEnded(const QString &id);

private:
    void publish(Entry *e, std::string chunk, std::int64_t seq, bool audit, bool end);
    void publisherLoop();
    void forgetOld();

    AuditStore *m_store;
    std::map<QString, std::unique_ptr<Entry>> m_entries;
    std::deque<QString> m_ended;

    struct Pending
    {
        std::shared_ptr<struct StreamState> stream;
        std::string chunk;
        std::int64_t seq;
        bool audit;
        bool end;
    };
    std::mutex m_queueLock;
    std::condition_variable m_queueWake;
    std::deque<Pending> m_queue;
    bool m_quit = false;
    std::thread m_publisher;
};

// SSE framing of one message ("event: NAME\nid: ID\ndata: ...\n\n"); data
// is one JSON text (no newlines).
std::string sseMessage(const char *event, const std::string &data, std::int64_t id = 0);

} // namespace osh::service
