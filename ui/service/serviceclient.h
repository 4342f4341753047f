#pragma once
// The studio's side of openshelld: which runtime the studio uses (decided
// once at start), API calls run off the GUI thread with their answers
// delivered on it, and a session's event stream followed on a thread of its
// own. Nothing here blocks the GUI thread on the network, and no thread is
// left running once these objects are gone.

#include "service/apiclient.h"

#include <QObject>
#include <QPointer>
#include <QString>
#include <QThreadPool>

#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <string_view>
#include <utility>

class QThread;

namespace osh::ui {

// Where the studio's sessions run.
struct StudioRuntime
{
    enum class Kind {
        Service,   // through openshelld at endpoint
        InProcess, // in the studio's own process (root only)
        None,      // neither: sessions cannot start
    };
    Kind kind = Kind::InProcess;
    std::optional<osh::service::Endpoint> endpoint; // Service; None: where the service was looked for
    QString note;                                   // why (None), or what was not used (InProcess)

    // OPENSHELL_ENDPOINT (`local` forces in-process), else the default socket
    // when it exists; else in-process as root, else None. A unix: endpoint
    // whose socket does not exist counts as not found. Only looks at the
    // file system: whether the service answers is for the caller to learn
    // (ServiceClient::probe).
    static StudioRuntime detect();
    static StudioRuntime inProcess() { return {}; }
    static StudioRuntime service(const osh::service::Endpoint &e);

    QString endpointText() const; // unix:/run/openshell/api.sock, or empty
    // For the status bar: "openshelld at unix:/run/openshell/api.sock",
    // "in-process (root)", "no openshelld: sessions cannot start".
    QString statusText() const;
    // What to do when no service is reachable at endpointText().
    static QString howToStart();
};

// An answer of the service, on the GUI thread.
struct ServiceReply
{
    osh::service::ApiResponse response;
    bool ok() const { return response.ok(); }
    int status() const { return response.status; }
    QString message() const { return QString::fromStdString(response.message()); }
    QByteArray body() const { return QByteArray::fromStdString(response.body); }
    QString header(const char *lowerCaseName) const;
};

class ServiceClient : public QObject
{
    Q_OBJECT

public:
    explicit ServiceClient(const osh::service::Endpoint &endpoint, QObject *parent = nullptr);
    // Waits for the calls in progress (each has a deadline).
    ~ServiceClient() override;

    const osh::service::Endpoint &endpoint() const { return m_endpoint; }
    QString endpointText() const { return QString::fromStdString(m_endpoint.display()); }

    using Done = std::function<void(const ServiceReply &)>;
    // Runs the call on a worker thread; done runs on this object's thread,
    // unless context is gone by then. body: JSON text, or empty.
    void call(const QString &method, const QString &target, const QByteArray &body, QObject *context, Done done,
              int timeoutMs = 30000);
    // The same with a job of several requests (paging): work runs on the
    // worker thread with its own ApiClient, then done on this thread.
    template<typename T>
    void run(QObject *context, std::function<T(osh::service::ApiClient &)> work, std::function<void(T)> done);
    // GET target, the body parsed on the worker thread too: done(result) on
    // success, done(nullopt, why) when the service refused or the body did
    // not parse.
    template<typename T>
    void get(const QString &target, QObject *context, std::optional<T> (*parse)(std::string_view, QString *),
             std::function<void(std::optional<T>, const QString &)> done, int timeoutMs = 30000);
    // GET /v1/info: whether the service answers (reachable() follows).
    void probe();
    std::optional<bool> reachable() const { return m_reachable; }
    QString lastError() const { return m_lastError; }
    // Blocks until every call in progress has delivered (tests, shutdown).
    void waitForDone();

    static QString encode(const QString &value);

Q_SIGNALS:
    void reachabilityChanged(bool reachable, const QString &error);

private:
    void post(QObject *context, std::function<void()> deliver);

    osh::service::Endpoint m_endpoint;
    QThreadPool m_pool;
    std::optional<bool> m_reachable;
    QString m_lastError;
};

template<typename T>
void ServiceClient::run(QObject *context, std::function<T(osh::service::ApiClient &)> work, std::function<void(T)> done)
{
    const osh::service::Endpoint endpoint = m_endpoint;
    QPointer<QObject> guard(context);
    m_pool.start([this, endpoint, guard, work = std::move(work), done = std::move(done)]() mutable {
        osh::service::ApiClient client(endpoint);
        auto result = std::make_shared<T>(work(client));
        post(guard.data(), [guard, done = std::move(done), result] {
            if (guard)
                done(std::move(*result));
        });
    });
}

template<typename T>
void ServiceClient::get(const QString &target, QObject *context, std::optional<T> (*parse)(std::string_view, QString *),
                        std::function<void(std::optional<T>, const QString &)> done, int timeoutMs)
{
    using Parsed = std::pair<std::optional<T>, QString>;
    const std::string t = target.toStdString();
    run<Parsed>(
        context,
        [t, parse, timeoutMs](osh::service::ApiClient &client) {
            const osh::service::ApiResponse r = client.request("GET", t, {}, timeoutMs);
            Parsed out;
            if (!r.ok())
                out.second = QString::fromStdString(r.message());
            else
                out.first = parse(r.body, &out.second);
            return out;
        },
        [done = std::move(done)](Parsed p) { done(std::move(p.first), p.second); });
}

// Follows GET /v1/sessions/{id}/events on a thread of its own: one signal
// per message, delivered on the GUI thread. Reconnects (with after=) when
// the stream breaks before the session's end event; ends on that event, on
// cancel(), or when the object goes (which waits for its thread).
class EventFollower : public QObject
{
    Q_OBJECT

public:
    EventFollower(const osh::service::Endpoint &endpoint, const QString &sessionId, QObject *parent = nullptr);
    ~EventFollower() override;

    void start();
    // Thread-safe; finished() follows (unless the object goes first).
    void cancel();
    bool isRunning() const;
    QString sessionId() const { return m_sessionId; }

Q_SIGNALS:
    void audit(const QByteArray &json);
    void output(bool stderrChannel, const QString &text);
    void ended(const QByteArray &sessionJson);
    // After the last message: ok when the end event came or on cancel();
    // else the reason the stream was lost.
    void finished(bool ok, const QString &error);

private:
    void runStream();

    osh::service::Endpoint m_endpoint;
    QString m_sessionId;
    osh::service::ApiClient m_client;
    QThread *m_thread = nullptr;
    std::atomic<bool> m_cancelled{false};
};

} // namespace osh::ui
