#include "service/serviceclient.h"

#include <QCoreApplication>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMetaObject>
#include <QThread>

#include <chrono>
#include <thread>

#include <sys/stat.h>
#include <unistd.h>

namespace osh::ui {

using osh::service::ApiClient;
using osh::service::ApiResponse;
using osh::service::Endpoint;

namespace {

bool socketExists(const std::string &path)
{
    struct stat st{};
    return ::stat(path.c_str(), &st) == 0 && S_ISSOCK(st.st_mode);
}

} // namespace

StudioRuntime StudioRuntime::service(const Endpoint &e)
{
    StudioRuntime r;
    r.kind = Kind::Service;
    r.endpoint = e;
    return r;
}

StudioRuntime StudioRuntime::detect()
{
    const bool root = ::geteuid() == 0;
    const QByteArray env = qgetenv("OPENSHELL_ENDPOINT");
    StudioRuntime r;
    if (env == "local") {
        r.kind = root ? Kind::InProcess : Kind::None;
        if (!root) {
            Endpoint e;
            e.path = Endpoint::kDefaultSocket;
            r.endpoint = e;
            r.note = QCoreApplication::translate("osh::ui::StudioRuntime", "OPENSHELL_ENDPOINT=local runs sessions in the studio's own process, which needs root.");
        }
        return r;
    }
    std::string error;
    auto found = Endpoint::fromEnvironment(&error);
    if (!error.empty()) {
        // A malformed OPENSHELL_ENDPOINT is a mistake to show, not to work around.
        r.kind = Kind::None;
        r.note = QCoreApplication::translate("osh::ui::StudioRuntime", "OPENSHELL_ENDPOINT: %1").arg(QString::fromStdString(error));
        return r;
    }
    if (found && (found->kind == Endpoint::Kind::Tcp || socketExists(found->path)))
        return service(*found);
    if (!found) {
        Endpoint e;
        e.path = Endpoint::kDefaultSocket;
        found = e;
    }
    if (root) {
        r.kind = Kind::InProcess;
        r.note = QCoreApplication::translate("osh::ui::StudioRuntime", "no openshelld at %1").arg(QString::fromStdString(found->display()));
        return r;
    }
    r.kind = Kind::None;
    r.endpoint = found;
    r.note = QCoreApplication::translate("osh::ui::StudioRuntime", "%1 does not exist").arg(QString::fromStdString(found->path));
    return r;
}

QString StudioRuntime::endpointText() const { return endpoint ? QString::fromStdString(endpoint->display()) : QString(); }

QString StudioRuntime::statusText() const
{
    switch (kind) {
    case Kind::Service:
        return QCoreApplication::translate("osh::ui::StudioRuntime", "openshelld at %1").arg(endpointText());
    case Kind::InProcess:
        return QCoreApplication::translate("osh::ui::StudioRuntime", "in-process (root)");
    case Kind::None:
        break;
    }
    return QCoreApplication::translate("osh::ui::StudioRuntime", "no openshelld: sessions cannot start");
}

QString StudioRuntime::howToStart()
{
    return QCoreApplication::translate("osh::ui::StudioRuntime", "Start one with: sudo scripts/service.sh start --for $USER (or, when it is installed: sudo systemctl start "
              "openshelld), then restart the studio. Your user must be in the service's group.");
}

QString ServiceReply::header(const char *lowerCaseName) const
{
    const auto it = response.headers.find(lowerCaseName);
    return it == response.headers.end() ? QString() : QString::fromStdString(it->second);
}

ServiceClient::ServiceClient(const Endpoint &endpoint, QObject *parent) : QObject(parent), m_endpoint(endpoint)
{
    // Polls, approvals and replay fetches: a few at a time is plenty.
    m_pool.setMaxThreadCount(3);
    m_pool.setExpiryTimeout(5000);
}

ServiceClient::~ServiceClient() { m_pool.waitForDone(); }

void ServiceClient::waitForDone()
{
    m_pool.waitForDone();
    QCoreApplication::sendPostedEvents(this);
}

void ServiceClient::post(QObject *context, std::function<void()> deliver)
{
    Q_UNUSED(context);
    // Through this object: it outlives the worker (the destructor waits).
    QMetaObject::invokeMethod(this, std::move(deliver), Qt::QueuedConnection);
}

void ServiceClient::call(const QString &method, const QString &target, const QByteArray &body, QObject *context, Done done,
                         int timeoutMs)
{
    const std::string m = method.toStdString(), t = target.toStdString(), b = body.toStdString();
    run<ServiceReply>(
        context,
        [m, t, b, timeoutMs](ApiClient &client) { return ServiceReply{client.request(m, t, b, timeoutMs)}; },
        [done = std::move(done)](ServiceReply r) { done(r); });
}

void ServiceClient::probe()
{
    call(QStringLiteral("GET"), QStringLiteral("/v1/info"), {}, this, [this](const ServiceReply &r) {
        const bool ok = r.ok();
        const QString error = ok ? QString() : r.message();
        if (m_reachable == ok && m_lastError == error)
            return;
        m_reachable = ok;
        m_lastError = error;
        Q_EMIT reachabilityChanged(ok, error);
    }, 10000);
}

QString ServiceClient::encode(const QString &value) { return QString::fromStdString(ApiClient::encode(value.toStdString())); }

// --- EventFollower -----------------------------------------------------------

EventFollower::EventFollower(const Endpoint &endpoint, const QString &sessionId, QObject *parent)
    : QObject(parent), m_endpoint(endpoint), m_sessionId(sessionId), m_client(endpoint)
{
}

EventFollower::~EventFollower()
{
    if (!m_thread)
        return;
    cancel();
    // A cancel() that raced the stream's start is repeated until it lands.
    while (!m_thread->wait(100))
        m_client.cancel();
    delete m_thread;
}

bool EventFollower::isRunning() const { return m_thread && m_thread->isRunning(); }

void EventFollower::cancel()
{
    m_cancelled = true;
    m_client.cancel();
}

void EventFollower::start()
{
    if (m_thread)
        return;
    m_thread = QThread::create([this] { runStream(); });
    m_thread->setObjectName(QStringLiteral("osh-events"));
    m_thread->start();
}

void EventFollower::runStream()
{
    // Signals emitted here reach receivers on the GUI thread queued.
    constexpr int kMaxRetries = 5;
    std::int64_t lastSeq = 0;
    bool gotEnd = false;
    QString lost;
    for (int attempt = 0; attempt <= kMaxRetries && !m_cancelled && !gotEnd; ++attempt) {
        if (attempt > 0)
            for (int i = 0; i < 10 && !m_cancelled; ++i) // 1 s, in steps cancel() can cut short
                std::this_thread::sleep_for(std::chrono::milliseconds(100));
        if (m_cancelled)
            break;
        std::string error;
        const std::string target = "/v1/sessions/" + ApiClient::encode(m_sessionId.toStdString()) + "/events?after="
            + std::to_string(lastSeq);
        bool progressed = false;
        const bool ok = m_client.stream(
            target,
            [&](const std::string &event, const std::string &data, const std::string &id) {
                if (m_cancelled)
                    return false;
                progressed = true;
                const QByteArray bytes = QByteArray::fromStdString(data);
                if (event == "audit") {
                    if (!id.empty())
                        lastSeq = std::max<std::int64_t>(lastSeq, std::atoll(id.c_str()));
                    Q_EMIT audit(bytes);
                } else if (event == "output") {
                    const QJsonObject o = QJsonDocument::fromJson(bytes).object();
                    Q_EMIT output(o.value(QStringLiteral("stream")).toString() == QLatin1StringView("stderr"),
                                  o.value(QStringLiteral("data")).toString());
                } else if (event == "end") {
                    gotEnd = true;
                    Q_EMIT ended(bytes);
                    return false;
                }
                return true;
            },
            &error);
        if (gotEnd || m_cancelled)
            break;
        lost = ok ? tr("openshelld closed the event stream before the session ended")
                  : tr("the event stream broke: %1").arg(QString::fromStdString(error));
        // A refusal (404, 403) will not change by retrying.
        if (!ok && error.rfind("HTTP ", 0) == 0)
            break;
        if (progressed)
            attempt = 0;
    }
    if (gotEnd || m_cancelled)
        Q_EMIT finished(true, QString());
    else
        Q_EMIT finished(false, lost);
}

} // namespace osh::ui
